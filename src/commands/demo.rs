//! `gwctl demo`: gwctl's main job with nothing installed and no network. It starts `serve`
//! in-process on a free loopback port (echo model, and serve's OAuth2 token endpoint for one
//! client), writes one profile per scheme into a temporary config dir, and for each lists the
//! routes, invokes `chat` and streams one answer through the library's client (build →
//! execute → render); the `oauth2` profile first gets its token through discovery at serve's
//! issuer URL. Then a table, a short `invoke batch` run through the batch runner
//! ([`crate::batch::run`] over [`BatchExecutor`]) and its summary, three calls with a wrong
//! secret and their refusals, and the commands for a real gateway.
//!
//! Secrets: the profiles use `env:` stores (`GWCTL_DEMO_*`), never the user's keyring or config.
//! Nothing secret is written to disk unless `--keep` asks for `env.sh` (0600, in the 0700
//! temporary dir, deleted at exit), and no passphrase or scrypt key derivation is needed (as
//! the `file` store would). In this process the demo hands the secrets it
//! generated to the profiles' providers directly (`StoreProvider::with_secret`, and for OAuth2
//! the token library with the client secret in hand): changing the process environment is not
//! safe once threads run.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use crate::auth::{Auth, AuthSettings};
use crate::batch::{self, ErrorsTo, InputOptions, InputSource, JournalOptions, Output, Plan, PlanOptions, RunConfig};
use crate::cli::{BodyFormat, DemoArgs};
use crate::client::batch::{BatchExecutor, BatchTargets};
use crate::client::invoke::{PayloadSpec, build_body, build_request};
use crate::client::{Client, ClientError, routes};
use crate::credentials::transport::HttpTransport;
use crate::credentials::{
    Cached, Credential, CredentialError, CredentialFuture, ProvideCredential, StoreProvider,
    oauth2 as oauth2_credentials,
};
use crate::error::Error;
use crate::gateway::Gateway;
use crate::gateway::mlflow::{self, RouteKind, RouteStyle};
use crate::http::HttpOptions;
use crate::keys::generate;
use crate::printer::{self, RenderOptions};
use crate::profile::config::ConfigFile;
use crate::profile::store::StoreSpec;
use crate::profile::{Profile, ProfileToml};
use crate::scheme::{AuthConfig, AuthScheme, JwtConfig, OAuth2Settings};
use crate::serve::{self, Identity, OAuth2Client, ServeConfig};
use crate::signing::SigningTime;
use crate::tokens::oauth2::{self as token_lib, ClientCredential, OAuth2Config};

const ISSUER: &str = "gwctl-demo";
const AUDIENCE: &str = "gwctl-serve";
const REGION: &str = "us-east-1";
const SERVICE: &str = "execute-api";
const OAUTH2_CLIENT_ID: &str = "gwctl-demo";
const OAUTH2_VAR: &str = "GWCTL_DEMO_OAUTH2_SECRET";
/// Lines of the demo's `invoke batch` run, and the profile it goes through.
const BATCH_LINES: usize = 20;
const BATCH_PROFILE: &str = "sigv4";

/// One demo profile: its settings and the secret the demo generated for it.
struct DemoProfile {
    name: &'static str,
    profile: Profile,
    var: &'static str,
    secret: Zeroizing<Vec<u8>>,
}

/// One row of the table.
struct Row {
    scheme: &'static str,
    call: &'static str,
    status: String,
    latency: Duration,
    ok: bool,
}

pub fn run(a: DemoArgs) -> Result<(), Error> {
    let started = Instant::now();
    let dir = tempfile::Builder::new()
        .prefix("gwctl-demo-")
        .tempdir()
        .map_err(|e| Error::io("cannot create a temporary directory", e))?;
    let cf = ConfigFile { path: dir.path().join("config.toml") };
    let rt = super::serve::runtime()?;

    // The server first: the profiles need its URL.
    let mut config = ServeConfig::new(std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    config.explain = true;
    if a.keep {
        config.log = Some(Arc::new(|line: &str| {
            let _ = std::io::Write::write_fmt(&mut std::io::stderr().lock(), format_args!("{line}\n"));
        }));
    }
    let (profiles, jwks) = make_profiles()?;
    for p in profiles.iter().filter(|p| p.profile.scheme() != AuthScheme::Jwt) {
        let material =
            StoreProvider::with_secret(p.name, p.profile.auth.clone(), p.secret.clone()).material_from(&p.secret)?;
        config.identities.push(super::serve::identity(p.name, &p.profile.auth, &material, None)?);
    }
    // JWT: verified through the JWKS, as a gateway would (what `gwctl keys jwks` publishes).
    let jwks_path = dir.path().join("jwks.json");
    std::fs::write(&jwks_path, format!("{jwks:#}\n")).map_err(|e| Error::io("cannot write jwks.json", e))?;
    config.identities.push(Identity::Jwt {
        name: "jwks".into(),
        key: serve::parse_jwks(&jwks.to_string()).map_err(serve::ServeError::from)?,
        issuer: Some(ISSUER.into()),
        audience: vec![AUDIENCE.into()],
        algorithms: Vec::new(),
    });
    // OAuth2: serve is also the token endpoint of one client (`serve --oauth2-client`).
    let oauth2_secret = Zeroizing::new(generate::secret_key()?.as_bytes().to_vec());
    config.oauth2_clients.push(OAuth2Client {
        client_id: OAUTH2_CLIENT_ID.into(),
        secret: secrecy::SecretString::from(String::from_utf8_lossy(&oauth2_secret).into_owned()),
    });
    let server = rt.block_on(serve::bind(config))?;
    let addr = server.local_addr();
    let base = format!("http://{addr}");
    let issuer = server.oauth2_issuer().unwrap_or(&base).to_string();
    let mut profiles = profiles;
    profiles.push(oauth2_profile(&issuer, oauth2_secret)?);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let serving = rt.spawn(server.run(async move {
        let _ = stop_rx.await;
    }));

    // The profiles, written to the temporary config and read back from it.
    cf.update(|c| {
        for p in &profiles {
            let mut profile = p.profile.clone();
            profile.url = Some(base.clone());
            c.profiles.insert(p.name.to_string(), profile);
        }
        c.default_profile = Some("basic".into());
        Ok(())
    })?;
    let loaded = cf.load()?;
    super::print(&format!(
        "gwctl serve on {base} (echo model; verifies basic, sigv4, apipark, huawei, jwt RS256 via JWKS, bearer,\n\
         \x20 and oauth2: the RS256 tokens its own token endpoint issues, issuer {issuer})\n\
         profiles in {} (secrets in env: stores; nothing touches your config or keyring)\n\n",
        cf.path.display()
    ))?;

    let url = url::Url::parse(&base).map_err(|e| Error::Input(e.to_string()))?;
    let mut rows = Vec::new();
    let mut token_ok = true;
    for p in &profiles {
        let profile = loaded.get(p.name)?;
        let (client, token) = client_for(p.name, profile, p.secret.clone())?;
        if let Some(found) = token {
            token_ok &= rt.block_on(first_token(&client, &found, p.name))?;
        }
        rt.block_on(calls(&client, &url, p.name, &mut rows))?;
    }

    let mut table = vec![vec!["SCHEME".to_string(), "ROUTE".into(), "STATUS".into(), "LATENCY".into()]];
    table.extend(rows.iter().map(|r| {
        vec![
            r.scheme.to_string(),
            r.call.to_string(),
            r.status.clone(),
            format!("{:.1} ms", r.latency.as_secs_f64() * 1e3),
        ]
    }));
    super::print(&format!("\n{}\n", crate::output::table(&table)))?;

    let batch_ok = match profiles.iter().find(|p| p.name == BATCH_PROFILE) {
        Some(p) => {
            let (client, _) = client_for(p.name, loaded.get(p.name)?, p.secret.clone())?;
            let (ok, line) = run_batch(client, &url, dir.path(), &rt)?;
            super::print(&format!("{line}\n\n"))?;
            ok
        }
        None => true,
    };

    super::print("A wrong secret is refused, and the refusal says why:\n")?;
    for (name, refusal) in rt.block_on(refusals(&loaded, &profiles, &url))? {
        super::print(&format!("  {name} with a wrong secret: {refusal}\n"))?;
    }
    super::print(&real_gateway_help())?;

    let all_ok = rows.iter().all(|r| r.ok) && token_ok && batch_ok;
    if a.keep && all_ok {
        keep(&dir, &cf, &profiles, &base, &rt)?;
    } else {
        super::print(&format!("\ndone in {:.1} s\n", started.elapsed().as_secs_f64()))?;
    }
    let _ = stop_tx.send(());
    let _ = rt.block_on(async { tokio::time::timeout(Duration::from_secs(6), serving).await });
    if !all_ok {
        return Err(Error::Usage("some demo calls failed: see the table and the lines above it".into()));
    }
    Ok(())
}

/// The six profiles with fresh secrets, and the JWKS of the JWT profile's key.
fn make_profiles() -> Result<(Vec<DemoProfile>, Value), Error> {
    let text = |s: Zeroizing<String>| Zeroizing::new(s.as_bytes().to_vec());
    let mk = |auth: AuthScheme, var: &str, f: &dyn Fn(&mut ProfileToml)| -> Result<Profile, Error> {
        let mut t = ProfileToml::new(auth, StoreSpec::Env(var.to_string()));
        t.gateway = Some(Gateway::Mlflow);
        f(&mut t);
        Ok(Profile::try_from(t)?)
    };
    let kid = generate::kid()?;
    let jwt_key = generate::jwt_key(Algorithm::RS256, 2048)?;
    let key = crate::signing::jwt::JwtKey::parse(&jwt_key)?;
    let jwks = json!({ "keys": [crate::signing::jwt::public_jwk(Algorithm::RS256, &key, Some(&kid))?] });
    let jwt = JwtConfig {
        alg: Some("RS256".into()),
        iss: Some(ISSUER.into()),
        sub: Some("demo-client".into()),
        aud: vec![AUDIENCE.into()],
        ttl: Some("5m".into()),
        kid: Some(kid),
        ..JwtConfig::default()
    };
    let list = vec![
        DemoProfile {
            name: "basic",
            profile: mk(AuthScheme::Basic, "GWCTL_DEMO_BASIC_PASSWORD", &|t| t.fields.username = Some("demo".into()))?,
            var: "GWCTL_DEMO_BASIC_PASSWORD",
            secret: text(generate::password()?),
        },
        DemoProfile {
            name: "sigv4",
            profile: mk(AuthScheme::Sigv4, "GWCTL_DEMO_SIGV4_SECRET", &|t| {
                t.fields.access_key_id = generate::access_key_id("AKIA").ok();
                t.fields.region = Some(REGION.into());
                t.fields.service = Some(SERVICE.into());
            })?,
            var: "GWCTL_DEMO_SIGV4_SECRET",
            secret: text(generate::secret_key()?),
        },
        DemoProfile {
            name: "apipark",
            profile: mk(AuthScheme::Apipark, "GWCTL_DEMO_APIPARK_SECRET", &|t| {
                t.fields.access_key_id = generate::access_key_id("AK").ok();
            })?,
            var: "GWCTL_DEMO_APIPARK_SECRET",
            secret: text(generate::secret_key()?),
        },
        DemoProfile {
            name: "huawei",
            profile: mk(AuthScheme::Huawei, "GWCTL_DEMO_HUAWEI_SECRET", &|t| {
                t.fields.access_key_id = generate::access_key_id("HW").ok();
            })?,
            var: "GWCTL_DEMO_HUAWEI_SECRET",
            secret: text(generate::secret_key()?),
        },
        DemoProfile {
            name: "jwt",
            profile: mk(AuthScheme::Jwt, "GWCTL_DEMO_JWT_KEY", &|t| t.fields.jwt = Some(jwt.clone()))?,
            var: "GWCTL_DEMO_JWT_KEY",
            secret: jwt_key,
        },
        DemoProfile {
            name: "bearer",
            profile: mk(AuthScheme::Bearer, "GWCTL_DEMO_BEARER_TOKEN", &|_| {})?,
            var: "GWCTL_DEMO_BEARER_TOKEN",
            secret: text(generate::secret_key()?),
        },
    ];
    Ok((list, jwks))
}

/// The OAuth2 profile: a client of serve's token endpoint, found through discovery at `issuer`.
fn oauth2_profile(issuer: &str, secret: Zeroizing<Vec<u8>>) -> Result<DemoProfile, Error> {
    let mut t = ProfileToml::new(AuthScheme::Oauth2, StoreSpec::Env(OAUTH2_VAR.to_string()));
    t.gateway = Some(Gateway::Mlflow);
    t.fields.oauth2 = Some(OAuth2Settings {
        issuer: Some(issuer.to_string()),
        client_id: OAUTH2_CLIENT_ID.into(),
        ..OAuth2Settings::default()
    });
    Ok(DemoProfile { name: "oauth2", profile: Profile::try_from(t)?, var: OAUTH2_VAR, secret })
}

/// The token endpoint an OAuth2 client found through discovery (set at its first token).
type FoundEndpoint = Arc<OnceLock<url::Url>>;

/// A client signing as profile `name` with `secret` in hand; for an OAuth2 profile, also where
/// its token endpoint will be recorded.
fn client_for(
    name: &str,
    profile: &Profile,
    secret: Zeroizing<Vec<u8>>,
) -> Result<(Client, Option<FoundEndpoint>), Error> {
    let (provider, found): (Arc<dyn ProvideCredential>, _) = match &profile.auth {
        AuthConfig::OAuth2(settings) => {
            let p = InHandOAuth2::new(name, settings, &secret)?;
            let found = p.token_url.clone();
            (Arc::new(Cached::new(p)), Some(found))
        }
        auth => (Arc::new(Cached::new(StoreProvider::with_secret(name, auth.clone(), secret))), None),
    };
    let opts = HttpOptions {
        timeout: Some(Duration::from_secs(10)),
        connect_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(10),
        retries: 0,
        ..HttpOptions::default()
    };
    Ok((Client::new(Auth::new(AuthSettings::new(profile.auth.clone()), provider), opts)?, found))
}

/// An OAuth2 client-credentials provider with the client secret in hand: the token library's
/// discovery and exchange (as the profile's own provider runs them, minus reading the secret
/// from the `env:` store, whose variable this process does not set).
struct InHandOAuth2 {
    name: String,
    config: OAuth2Config,
    credential: ClientCredential,
    transport: HttpTransport,
    token_url: FoundEndpoint,
}

impl InHandOAuth2 {
    fn new(name: &str, settings: &OAuth2Settings, secret: &[u8]) -> Result<Self, Error> {
        let config = oauth2_credentials::token_config(settings).map_err(CredentialError::from)?;
        let credential = oauth2_credentials::client_credential(settings, config.client_auth, secret)
            .map_err(CredentialError::from)?;
        let transport = HttpTransport::new(&crate::net::NetSettings::default())
            .map_err(|e| CredentialError::Profile { profile: name.to_string(), message: e.to_string() })?;
        Ok(Self { name: name.to_string(), config, credential, transport, token_url: Arc::default() })
    }
}

impl ProvideCredential for InHandOAuth2 {
    fn provide(&self) -> CredentialFuture<'_> {
        Box::pin(async move {
            let url = match self.token_url.get() {
                Some(u) => u.clone(),
                None => {
                    let u = token_lib::resolve_token_url(&self.transport, &self.config).await?;
                    self.token_url.get_or_init(|| u).clone()
                }
            };
            let issued =
                token_lib::fetch_token_at(&self.transport, &self.config, &url, &self.credential, SigningTime::now())
                    .await?;
            let token = issued.into_cached(self.config.cache_binding());
            Ok(Arc::new(oauth2_credentials::bearer_credential(&token)?))
        })
    }

    fn invalidate(&self) -> bool {
        true
    }

    fn describe(&self) -> String {
        format!("profile {:?} (OAuth2 client {:?})", self.name, self.config.client_id)
    }
}

/// The OAuth2 profile's first token (discovery, then the client-credentials exchange), printed
/// as one line; later calls reuse it until its refresh window.
async fn first_token(client: &Client, found: &FoundEndpoint, scheme: &str) -> Result<bool, Error> {
    let t = Instant::now();
    let got: Result<Arc<Credential>, CredentialError> = client.auth().provider().provide().await;
    let ms = t.elapsed().as_secs_f64() * 1e3;
    match got {
        Ok(c) => {
            let lifetime = c.expires_at.and_then(|e| e.duration_since(c.obtained_at).ok()).unwrap_or_default();
            let endpoint = found.get().map(url::Url::as_str).unwrap_or("?");
            printer::print(&format!(
                "{scheme:<8} token   Bearer JWT from {endpoint} (discovered), expires in {} s, {ms:.1} ms\n",
                lifetime.as_secs()
            ))?;
            Ok(true)
        }
        Err(e) => {
            printer::print(&format!("{scheme:<8} token   failed: {e}\n"))?;
            Ok(false)
        }
    }
}

/// `invoke batch` through the library: [`BATCH_LINES`] lines alternating chat (`prompt` lines
/// for the default route) and embeddings (OpenAI batch lines for `/v1/embeddings`), from a file
/// in the temporary dir to another, 8 at a time. Returns whether every line succeeded and the
/// summary line.
fn run_batch(
    client: Client,
    base: &url::Url,
    dir: &std::path::Path,
    rt: &tokio::runtime::Runtime,
) -> Result<(bool, String), Error> {
    let input = dir.join("batch.jsonl");
    let mut text = String::new();
    for i in 1..=BATCH_LINES {
        let line = if i % 2 == 1 {
            json!({"custom_id": format!("chat-{i}"), "prompt": format!("Batch line {i}")})
        } else {
            json!({"custom_id": format!("emb-{i}"), "method": "POST", "url": "/v1/embeddings",
                   "body": {"model": "embeddings", "input": format!("Batch line {i}")}})
        };
        text.push_str(&line.to_string());
        text.push('\n');
    }
    std::fs::write(&input, text).map_err(|e| Error::io(format!("cannot write {}", input.display()), e))?;
    let output = dir.join("batch-out.jsonl");
    let journal = JournalOptions::new(Output::File(output), ErrorsTo::SameFile);
    let default = mlflow::route_url(base, RouteStyle::Endpoints, RouteKind::Chat, "chat").map_err(Error::Input)?;
    let prompt: batch::PromptBuilder = Arc::new(|p: &str| {
        let spec = PayloadSpec { prompts: vec![p.to_string()], ..PayloadSpec::default() };
        match build_body(spec, RouteKind::Chat) {
            Ok(crate::request::Body::Bytes { data, .. }) => serde_json::from_slice(&data).unwrap_or(Value::Null),
            _ => Value::Null,
        }
    });
    let plan_opts = PlanOptions {
        input: InputOptions { has_default_target: true, prompt_builder: Some(prompt), ..InputOptions::default() },
        spill_dir: Some(dir.to_path_buf()),
        ..PlanOptions::default()
    };
    let fail = |e: batch::BatchError| Error::Input(format!("demo batch: {e}"));
    let plan = Plan::prepare(InputSource::Path(input), &journal, &plan_opts, false).map_err(fail)?;
    let exec =
        BatchExecutor::new(client, BatchTargets { base: Some(base.clone()), default: Some(default) }, Vec::new());
    let cfg = RunConfig { concurrency: 8, ..RunConfig::default() };
    let result = rt
        .block_on(batch::run(
            Arc::new(exec),
            plan,
            &journal,
            &cfg,
            tokio_util::sync::CancellationToken::new(),
            &mut batch::NoProgress,
        ))
        .map_err(fail)?;
    let s = &result.summary;
    let p50 = s.latency.p50_ms.map(|m| format!(", p50 {m:.1} ms")).unwrap_or_default();
    let line = format!(
        "invoke batch: {} lines ({} chat, {} embeddings) through {BATCH_PROFILE}, 8 at a time: {} ok, {} failed; \
         {} requests in {:.2} s ({:.1} req/s{p50})",
        BATCH_LINES,
        BATCH_LINES.div_ceil(2),
        BATCH_LINES / 2,
        s.ok,
        s.failed,
        s.attempts,
        s.wall_s,
        s.requests_per_s,
    );
    Ok((s.ok == BATCH_LINES as u64 && s.failed == 0, line))
}

/// Routes, one chat call, one streamed chat call; each printed as it is rendered.
async fn calls(client: &Client, base: &url::Url, scheme: &'static str, rows: &mut Vec<Row>) -> Result<(), Error> {
    // routes list
    let t = Instant::now();
    let listed = routes::list(client, base, Some(Gateway::Mlflow), None).await;
    let latency = t.elapsed();
    let (status, ok) = match &listed {
        Ok(r) => {
            let names: Vec<&str> = r.iter().map(|r| r.name.as_str()).collect();
            printer::print(&format!("{scheme:<8} routes  {}\n", names.join(", ")))?;
            ("200".to_string(), true)
        }
        Err(e) => {
            printer::print(&format!("{scheme:<8} routes  failed: {e}\n"))?;
            (status_of(e), false)
        }
    };
    rows.push(Row { scheme, call: "routes list", status, latency, ok });

    for stream in [false, true] {
        let prompt = format!("Hello through {scheme}");
        let spec = PayloadSpec { prompts: vec![prompt.clone()], stream, ..PayloadSpec::default() };
        let body = build_body(spec, RouteKind::Chat)?;
        let url = mlflow::route_url(base, RouteStyle::Endpoints, RouteKind::Chat, "chat").map_err(Error::Input)?;
        let out = build_request(None, url, Vec::new(), &body);
        printer::print(&format!("{scheme:<8} {}  ", if stream { "stream" } else { "chat  " }))?;
        let t = Instant::now();
        let result = match client.execute(&out, &mut |_, _, _, _| {}).await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let render = RenderOptions {
                    format: Some(BodyFormat::Text),
                    include: false,
                    raw: false,
                    http: client.options().clone(),
                    stats: false,
                    started: std::time::Instant::now(),
                };
                printer::render(resp, &render).await.map(|()| status)
            }
            Err(e) => Err(e.into()),
        };
        let latency = t.elapsed();
        let (status, ok) = match result {
            Ok(s) => (s.to_string(), s == 200),
            Err(e) => {
                printer::print(&format!("failed: {e}\n"))?;
                ("error".to_string(), false)
            }
        };
        rows.push(Row { scheme, call: if stream { "chat (stream)" } else { "chat" }, status, latency, ok });
    }
    Ok(())
}

fn status_of(e: &ClientError) -> String {
    match e {
        ClientError::Status { status, .. } => status.to_string(),
        _ => "error".into(),
    }
}

/// A Basic call with a wrong password and a SigV4 call with a wrong secret key: the refusal
/// JSON's code and message, and for SigV4 what the server signed (serve runs with --explain).
async fn refusals(
    loaded: &crate::profile::config::Config,
    profiles: &[DemoProfile],
    base: &url::Url,
) -> Result<Vec<(&'static str, String)>, Error> {
    let mut out = Vec::new();
    for name in ["basic", "sigv4"] {
        let Some(p) = profiles.iter().find(|p| p.name == name) else { continue };
        let mut wrong = p.secret.clone();
        if let Some(last) = wrong.last_mut() {
            *last = if *last == b'x' { b'y' } else { b'x' };
        }
        let (client, _) = client_for(name, loaded.get(name)?, wrong)?;
        let spec = PayloadSpec { prompts: vec!["Let me in".into()], ..PayloadSpec::default() };
        let body = build_body(spec, RouteKind::Chat)?;
        let url = mlflow::route_url(base, RouteStyle::Endpoints, RouteKind::Chat, "chat").map_err(Error::Input)?;
        let req = build_request(None, url, Vec::new(), &body);
        let resp = client.execute(&req, &mut |_, _, _, _| {}).await?;
        let status = resp.status().as_u16();
        let (bytes, _) = crate::http::read_limited(resp, 1 << 16, client.options()).await?;
        let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let e = &v["error"];
        let mut line = format!(
            "HTTP {status} {}: {}",
            e["code"].as_str().unwrap_or("?"),
            e["message"].as_str().unwrap_or("(no explanation in the answer)")
        );
        if let Some(creq) = e["canonical_request"].as_str() {
            line.push_str("\n    the server's canonical request (compare it with your client's):\n");
            for l in creq.lines() {
                line.push_str(&format!("      {l}\n").replace("      \n", "\n"));
            }
            if let Some(sts) = e["string_to_sign"].as_str() {
                line.push_str("    and string to sign:\n");
                for l in sts.lines() {
                    line.push_str(&format!("      {l}\n"));
                }
            }
            line.pop();
        }
        out.push((name, line));
    }
    // OAuth2: the token endpoint refuses the client before any gateway call (gwctl's one-line
    // error, exit 4 from the command line).
    if let Some(p) = profiles.iter().find(|p| p.name == "oauth2") {
        let wrong = Zeroizing::new(b"not-the-client-secret".to_vec());
        let (client, _) = client_for(p.name, loaded.get(p.name)?, wrong)?;
        let spec = PayloadSpec { prompts: vec!["Let me in".into()], ..PayloadSpec::default() };
        let body = build_body(spec, RouteKind::Chat)?;
        let url = mlflow::route_url(base, RouteStyle::Endpoints, RouteKind::Chat, "chat").map_err(Error::Input)?;
        let req = build_request(None, url, Vec::new(), &body);
        let line = match client.execute(&req, &mut |_, _, _, _| {}).await {
            Ok(resp) => format!("HTTP {} (the call was not refused)", resp.status().as_u16()),
            Err(e) => {
                let e = Error::from(e);
                format!("exit {}: {e}", e.exit_code() as i32)
            }
        };
        out.push((p.name, line));
    }
    Ok(out)
}

fn real_gateway_help() -> String {
    "\nThe same profiles for a real gateway (secrets from stdin or a key file, kept in your keyring):\n\
     \x20 printf %s \"$PASSWORD\" | gwctl profile add basic --auth basic --username alice --url https://mlflow.example.com --secret-stdin\n\
     \x20 printf %s \"$AWS_SECRET_ACCESS_KEY\" | gwctl profile add sigv4 --auth sigv4 --access-key-id AKIA... \\\n\
     \x20     --region us-east-1 --service execute-api --url https://abc123.execute-api.us-east-1.amazonaws.com/prod --secret-stdin\n\
     \x20 printf %s \"$SK\" | gwctl profile add apipark --auth apipark --access-key-id AK... --url https://apipark.example.com --secret-stdin\n\
     \x20 printf %s \"$SK\" | gwctl profile add huawei --auth huawei --access-key-id AK... --url https://abc.apig.cn-north-4.huaweicloudapis.com --secret-stdin\n\
     \x20 gwctl profile add jwt --auth jwt --alg RS256 --iss me --aud gateway --key-file key.pem --url https://gw.example.com\n\
     \x20 gwctl keys jwks --profile jwt > jwks.json        # publish for the gateway's JWT authorizer\n\
     \x20 printf %s \"$TOKEN\" | gwctl profile add bearer --auth bearer --url https://gw.example.com --secret-stdin\n\
     \x20 printf %s \"$CLIENT_SECRET\" | gwctl profile add oauth2 --auth oauth2 --issuer https://idp.example.com/realms/ai \\\n\
     \x20     --client-id gateway-cli --url https://gw.example.com --secret-stdin\n\
     then: gwctl routes list -p basic; gwctl invoke route chat -p basic --prompt 'Hello' --stream\n\
     \x20     gwctl invoke batch prompts.jsonl -o out.jsonl -p sigv4 --route chat\n\
     or test your own client against: gwctl serve --accept basic --accept sigv4 --oauth2-client oauth2 …\n"
        .to_string()
}

/// `--keep`: the environment for trying commands by hand, then wait for Ctrl-C.
fn keep(
    dir: &tempfile::TempDir,
    cf: &ConfigFile,
    profiles: &[DemoProfile],
    base: &str,
    rt: &tokio::runtime::Runtime,
) -> Result<(), Error> {
    let env_path = dir.path().join("env.sh");
    let mut script = Zeroizing::new(format!("export GWCTL_CONFIG='{}'\n", cf.path.display()));
    for p in profiles {
        // Generated secrets and PEM text: no single quote in them.
        let value = Zeroizing::new(String::from_utf8_lossy(&p.secret).into_owned());
        script.push_str(&format!("export {}='{}'\n", p.var, value.as_str()));
    }
    crate::profile::private_file::write(dir.path(), &env_path, script.as_bytes())
        .map_err(|e| Error::io(format!("cannot write {}", env_path.display()), e))?;
    super::print(&format!(
        "\nThe server keeps running; Ctrl-C stops it and deletes {dir}.\n\
         GWCTL_CONFIG={config}\n\
         URL={base}\n\
         In another shell:\n\
         \x20 source {env}     # exports GWCTL_CONFIG and the demo secrets (GWCTL_DEMO_*)\n\
         \x20 gwctl profile list\n\
         \x20 gwctl routes list -p sigv4\n\
         \x20 gwctl invoke route chat -p huawei --prompt 'Hello' --stream\n\
         \x20 gwctl invoke route chat -p oauth2 --prompt 'Hello'   # token from {base}/oauth2/token\n\
         \x20 gwctl sign -p jwt --format curl {base}/api/2.0/endpoints/\n",
        dir = dir.path().display(),
        config = cf.path.display(),
        env = env_path.display(),
    ))?;
    rt.block_on(super::serve::shutdown_signal());
    Ok(())
}
