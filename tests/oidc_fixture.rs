//! A real OpenID provider (npm `oidc-provider`, tests/js/oidc_server.mjs) and a resource server
//! that verifies its JWT access tokens against the provider's JWKS (PyJWT,
//! tests/py/resource_server.py), driven by gwctl's own `tokens` code through a small
//! reqwest-based transport defined here.
//!
//! Needs `node` and `npm ci --prefix tests/js`, and a venv with PyJWT (GWCTL_TEST_VENV or
//! ./.venv). Skips with a note when they are missing, unless GWCTL_REQUIRE_E2E=1.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use gwctl::exit::ExitCode;
use gwctl::signing::SigningTime;
use gwctl::signing::jwt::{JwtKey, public_jwk};
use gwctl::tokens::cache::{self, CachedToken, ObtainOptions, Source};
use gwctl::tokens::oauth2::{
    self, ClientAuth, ClientCredential, OAuth2Config, TokenEndpoint, TokenError, discover, fetch_token,
};
use gwctl::tokens::{FormPost, MAX_RESPONSE_BYTES, RawResponse, TokenTransport, TransportError};
use jsonwebtoken::Algorithm;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

const RESOURCE: &str = "urn:gwctl:test-gateway";

/// The transport the HTTP layer will provide, in miniature: no redirects, a timeout, a
/// bounded body.
struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    fn new() -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .build()
            .unwrap();
        Self { client }
    }

    async fn read(resp: reqwest::Response) -> Result<RawResponse, TransportError> {
        let status = resp.status().as_u16();
        let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut resp = resp;
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(TransportError::new)? {
            body.extend_from_slice(&chunk);
            if body.len() > MAX_RESPONSE_BYTES {
                body.truncate(MAX_RESPONSE_BYTES + 1);
                break;
            }
        }
        Ok(RawResponse::new(status, ct.as_deref(), body))
    }
}

impl TokenTransport for ReqwestTransport {
    async fn post_form(&self, req: &FormPost) -> Result<RawResponse, TransportError> {
        let mut b = self.client.post(req.url.clone());
        for (k, v) in &req.headers {
            b = b.header(k, v);
        }
        let resp = b.body(req.body.to_vec()).send().await.map_err(TransportError::new)?;
        Self::read(resp).await
    }

    async fn get(&self, url: &Url) -> Result<RawResponse, TransportError> {
        let resp = self
            .client
            .get(url.clone())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(TransportError::new)?;
        Self::read(resp).await
    }
}

fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

fn require_or_skip<T>(what: &str) -> Option<T> {
    if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
        panic!("GWCTL_REQUIRE_E2E=1 but {what}");
    }
    eprintln!("note: skipping: {what}");
    None
}

/// The client key for `gwctl-jwt` (ES256), its kid (RFC 7638 thumbprint) and the JWKS file
/// the provider reads.
fn client_key(dir: &Path) -> (JwtKey, PathBuf) {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let der = pair.to_pkcs8v1().unwrap();
    let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", der.as_ref().to_vec()));
    let key = JwtKey::parse(pem.as_bytes()).unwrap();
    let kid = oauth2::key_thumbprint(Algorithm::ES256, &key).unwrap();
    let jwk = public_jwk(Algorithm::ES256, &key, Some(&kid)).unwrap();
    let path = dir.join("client-jwks.json");
    std::fs::write(&path, serde_json::json!({ "keys": [jwk] }).to_string()).unwrap();
    (key, path)
}

/// The provider and the resource server, stopped on drop.
struct Fixture {
    dir: tempfile::TempDir,
    issuer: Url,
    resource_url: String,
    token_log: PathBuf,
    client_key: Option<JwtKey>,
    _oidc: common::Daemon,
    _rs: common::Daemon,
}

impl Fixture {
    fn start() -> Option<Fixture> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let has_node = std::process::Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
        if !has_node {
            return require_or_skip("node is not installed (the OpenID provider runs on Node)");
        }
        if !root.join("tests/js/node_modules/oidc-provider/package.json").exists() {
            return require_or_skip("tests/js/node_modules is missing: run `npm ci --prefix tests/js`");
        }
        let py = common::venv_python()?;
        let dir = tempfile::tempdir().unwrap();
        let (key, jwks) = client_key(dir.path());

        let (oidc, issuer, token_log) = common::oidc_provider(dir.path(), &jwks);

        let rs_port = common::free_port();
        let mut c = std::process::Command::new(py);
        c.arg(root.join("tests/py/resource_server.py"))
            .args(["--port", &rs_port.to_string(), "--issuer", &issuer, "--audience", RESOURCE])
            .arg("--log")
            .arg(dir.path().join("resource-requests.jsonl"));
        let log = dir.path().join("rs.log");
        let mut rs = common::Daemon::spawn("resource server", c, &log);
        let resource_url = format!("http://127.0.0.1:{rs_port}");
        rs.wait_http(&format!("{resource_url}/health"), 90, &log);

        Some(Fixture {
            issuer: Url::parse(&issuer).unwrap(),
            resource_url,
            token_log,
            client_key: Some(key),
            dir,
            _oidc: oidc,
            _rs: rs,
        })
    }

    fn config(&self, client_id: &str, auth: ClientAuth) -> OAuth2Config {
        let mut c = OAuth2Config::new(TokenEndpoint::Issuer(self.issuer.clone()), client_id);
        c.client_auth = auth;
        c
    }

    /// Successful token-endpoint requests for `client_id`, from the provider's log.
    fn token_hits(&self, client_id: &str) -> usize {
        std::fs::read_to_string(&self.token_log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["client_id"] == client_id && v["status"] == 200 && v["path"] == "/token")
            .count()
    }

    /// Calls the resource server with a bearer token: (status, JSON body).
    fn call(&self, token: &SecretString) -> (u16, serde_json::Value) {
        block(async {
            let r = reqwest::Client::new()
                .post(format!("{}/v1/chat/completions", self.resource_url))
                .header("Authorization", format!("Bearer {}", token.expose_secret()))
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            let bytes = r.bytes().await.unwrap();
            (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
        })
    }

    fn revoke_all(&self) {
        block(async {
            let r = reqwest::Client::new().post(format!("{}/revoke-all", self.resource_url)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200);
        });
    }
}

fn secret(s: &str) -> ClientCredential {
    ClientCredential::Secret(SecretString::from(s))
}

#[test]
fn discovery_and_every_client_auth_method() {
    let Some(fx) = Fixture::start() else { return };
    let t = ReqwestTransport::new();

    // Discovery on the real provider.
    let d = block(discover(&t, &fx.issuer, false)).unwrap();
    assert_eq!(d.token_endpoint.as_str(), format!("{}token", fx.issuer));
    assert_eq!(d.issuer, fx.issuer.as_str().trim_end_matches('/'));
    for m in [
        ClientAuth::ClientSecretBasic,
        ClientAuth::ClientSecretPost,
        ClientAuth::PrivateKeyJwt,
        ClientAuth::ClientSecretJwt,
    ] {
        assert_eq!(d.supports(m), Some(true), "{m:?}");
    }

    let key = fx.client_key.as_ref().unwrap();
    let pk = || ClientCredential::PrivateKey {
        key: match key {
            JwtKey::Pem(p) => JwtKey::Pem(p.clone()),
            JwtKey::Secret(s) => JwtKey::Secret(s.clone()),
        },
        algorithm: Algorithm::ES256,
        key_id: None,
    };
    let cases: Vec<(&str, ClientAuth, ClientCredential)> = vec![
        ("gwctl-basic", ClientAuth::ClientSecretBasic, secret("basic-secret-0123456789abcdef")),
        ("gwctl-post", ClientAuth::ClientSecretPost, secret("post-secret-0123456789abcdef")),
        ("gwctl-jwt", ClientAuth::PrivateKeyJwt, pk()),
        ("gwctl-secret-jwt", ClientAuth::ClientSecretJwt, secret("hs-secret-0123456789abcdef0123456789abcdef")),
        // Needs RFC 6749 §2.3.1 form-encoding of id and secret before base64.
        ("gwctl-odd:id", ClientAuth::ClientSecretBasic, secret("p@ss w+rd:%/=&~")),
    ];
    for (id, auth, cred) in &cases {
        let mut cfg = fx.config(id, *auth);
        cfg.scopes = vec!["gateway:invoke".into()];
        let tok = block(fetch_token(&t, &cfg, cred, SigningTime::now())).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(tok.expires_in, 600, "{id}");
        assert!(tok.expires_in_given);
        assert_eq!(tok.scope.as_deref(), Some("gateway:invoke"), "{id}");
        let (status, body) = fx.call(&tok.access_token);
        assert_eq!(status, 200, "{id}: {body}");
        assert_eq!(body["client_id"], *id);
        assert_eq!(body["scope"], "gateway:invoke");
        assert_eq!(fx.token_hits(id), 1, "{id}");
    }
    // A token endpoint given directly, and an explicit resource indicator.
    let mut cfg = OAuth2Config::new(TokenEndpoint::Url(d.token_endpoint.clone()), "gwctl-basic");
    cfg.resources = vec![RESOURCE.into()];
    let tok = block(fetch_token(&t, &cfg, &secret("basic-secret-0123456789abcdef"), SigningTime::now())).unwrap();
    assert_eq!(fx.call(&tok.access_token).0, 200);
    assert_eq!(fx.token_hits("gwctl-basic"), 2);
}

fn expect_err(r: Result<oauth2::IssuedToken, TokenError>) -> TokenError {
    match r {
        Ok(t) => panic!("expected an error, got {t:?}"),
        Err(e) => e,
    }
}

#[test]
fn refusals_are_one_line_errors() {
    let Some(fx) = Fixture::start() else { return };
    let t = ReqwestTransport::new();
    let now = SigningTime::now;

    // A wrong client secret (Basic, then in the form).
    for (id, auth) in [("gwctl-basic", ClientAuth::ClientSecretBasic), ("gwctl-post", ClientAuth::ClientSecretPost)] {
        let e = expect_err(block(fetch_token(&t, &fx.config(id, auth), &secret("wrong-secret-value"), now())));
        let m = e.to_string();
        assert_eq!(
            m,
            format!(
                "the token endpoint {}token refused the request: invalid_client (client authentication failed)",
                fx.issuer
            )
        );
        assert!(!m.contains("wrong-secret-value"));
        assert_eq!(e.exit_code(), ExitCode::Credentials);
        assert!(e.is_client_refused());
    }
    // The odd client's id and secret sent in Basic without RFC 6749 §2.3.1 form-encoding are
    // refused by the real provider: the encoding is what makes the passing case pass.
    let cfg = fx.config("gwctl-odd:id", ClientAuth::ClientSecretBasic);
    let token_url = block(oauth2::resolve_token_url(&t, &cfg)).unwrap();
    let mut req = oauth2::token_request(&cfg, &token_url, &secret("p@ss w+rd:%/=&~"), now()).unwrap();
    {
        use base64::Engine as _;
        let raw = base64::engine::general_purpose::STANDARD.encode("gwctl-odd:id:p@ss w+rd:%/=&~");
        let auth = req.headers.iter_mut().find(|(n, _)| n == "Authorization").unwrap();
        assert_ne!(auth.1, format!("Basic {raw}"));
        auth.1 = format!("Basic {raw}");
    }
    let resp = block(t.post_form(&req)).unwrap();
    let e = oauth2::parse_token_response(&token_url, &resp, now().unix(), &[]).unwrap_err();
    assert!(e.to_string().contains("not properly encoded"), "{e}");
    // Another private key than the registered one.
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    let other = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap().to_pkcs8v1().unwrap();
    let other = JwtKey::parse(pem::encode(&pem::Pem::new("PRIVATE KEY", other.as_ref().to_vec())).as_bytes()).unwrap();
    let e = expect_err(block(fetch_token(
        &t,
        &fx.config("gwctl-jwt", ClientAuth::PrivateKeyJwt),
        &ClientCredential::PrivateKey { key: other, algorithm: Algorithm::ES256, key_id: Some("nope".into()) },
        now(),
    )));
    assert!(e.to_string().contains("invalid_client"), "{e}");
    assert_eq!(e.exit_code(), ExitCode::Credentials);
    // A resource the provider does not know.
    let mut cfg = fx.config("gwctl-basic", ClientAuth::ClientSecretBasic);
    cfg.resources = vec!["https://elsewhere.example/".into()];
    let e = expect_err(block(fetch_token(&t, &cfg, &secret("basic-secret-0123456789abcdef"), now())));
    assert!(e.to_string().contains("invalid_target (unknown resource https://elsewhere.example/)"), "{e}");
    // A wrong token URL (the provider answers 404).
    let cfg = OAuth2Config::new(TokenEndpoint::Url(fx.issuer.join("/not-the-token-endpoint").unwrap()), "gwctl-basic");
    let e = expect_err(block(fetch_token(&t, &cfg, &secret("basic-secret-0123456789abcdef"), now())));
    assert_eq!(e.exit_code(), ExitCode::ClientStatus, "{e}");
    assert!(e.to_string().contains("HTTP 404"), "{e}");
    // A wrong issuer: nothing to discover.
    let cfg = OAuth2Config::new(TokenEndpoint::Issuer(fx.issuer.join("/realms/none").unwrap()), "gwctl-basic");
    let e = expect_err(block(fetch_token(&t, &cfg, &secret("x"), now())));
    assert_eq!(e.exit_code(), ExitCode::Network, "{e}");
    // Nothing listening.
    let cfg = OAuth2Config::new(
        TokenEndpoint::Url(Url::parse(&format!("http://127.0.0.1:{}/token", common::free_port())).unwrap()),
        "c",
    );
    let e = expect_err(block(fetch_token(&t, &cfg, &secret("x"), now())));
    assert_eq!(e.exit_code(), ExitCode::Network, "{e}");
    assert!(!e.to_string().contains('\n'));
    // None of these was a successful token request.
    assert_eq!(fx.token_hits("gwctl-basic") + fx.token_hits("gwctl-post") + fx.token_hits("gwctl-jwt"), 0);
}

fn obtain(
    fx: &Fixture,
    t: &ReqwestTransport,
    cfg: &OAuth2Config,
    cred: &ClientCredential,
    store: &Path,
    rejected: Option<&str>,
) -> (CachedToken, Source) {
    let binding = cfg.cache_binding();
    let now = || SigningTime::now().unix();
    let opts = ObtainOptions {
        lock_dir: &fx.dir.path().join("locks"),
        lock_key: "profile-x",
        lock_timeout: Duration::from_secs(20),
        binding: &binding,
        rejected,
        now: &now,
    };
    // A cache in a file, like a secret-store slot (written atomically).
    let read = || Ok(std::fs::read(store).ok().and_then(|b| CachedToken::from_bytes(&b).ok()));
    let write = |t: &CachedToken| {
        let tmp = store.with_extension("tmp");
        std::fs::write(&tmp, &*t.to_bytes()).unwrap();
        std::fs::rename(&tmp, store).unwrap();
        Ok(())
    };
    let r = block(cache::obtain::<TokenError, _, _, _, _>(
        &opts,
        read,
        || async { Ok(fetch_token(t, cfg, cred, SigningTime::now()).await?.into_cached(binding.clone())) },
        write,
    ));
    match r {
        Ok(x) => x,
        Err(e) => panic!("{e:?}"),
    }
}

#[test]
fn cache_expiry_revocation_and_refresh() {
    let Some(fx) = Fixture::start() else { return };
    let t = ReqwestTransport::new();
    let store = fx.dir.path().join("cache.json");
    let cred = secret("basic-secret-0123456789abcdef");
    let cfg = fx.config("gwctl-basic", ClientAuth::ClientSecretBasic);

    // First use fetches; the second is served from the cache (the provider's log proves it).
    let (t1, s) = obtain(&fx, &t, &cfg, &cred, &store, None);
    assert_eq!((s, fx.token_hits("gwctl-basic")), (Source::Fetched, 1));
    assert_eq!(t1.lifetime(), 600);
    let (t2, s) = obtain(&fx, &t, &cfg, &cred, &store, None);
    assert_eq!((s, fx.token_hits("gwctl-basic")), (Source::Cache, 1));
    assert_eq!(t1.fingerprint(), t2.fingerprint());
    assert_eq!(fx.call(t2.bearer_token().unwrap()).0, 200);

    // Revoked at the resource server: 401, one refresh (the refused token is not reused), 200.
    fx.revoke_all();
    let (status, body) = fx.call(t2.bearer_token().unwrap());
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error_description"], "the token was revoked");
    // iat has second precision: make sure the new token is issued after the revocation second.
    std::thread::sleep(Duration::from_millis(1100));
    let (t3, s) = obtain(&fx, &t, &cfg, &cred, &store, Some(&t2.fingerprint()));
    assert_eq!((s, fx.token_hits("gwctl-basic")), (Source::Fetched, 2));
    assert_eq!(fx.call(t3.bearer_token().unwrap()).0, 200);

    // Other settings (another scope) never reuse the cached token.
    let mut scoped = cfg.clone();
    scoped.scopes = vec!["gateway:admin".into()];
    let (_, s) = obtain(&fx, &t, &scoped, &cred, &store, None);
    assert_eq!((s, fx.token_hits("gwctl-basic")), (Source::Fetched, 3));

    // A 5-second token: reused for a moment, refused by the gateway once expired, refreshed.
    let short = fx.config("gwctl-short", ClientAuth::ClientSecretBasic);
    let short_cred = secret("short-secret-0123456789abcdef");
    let short_store = fx.dir.path().join("short.json");
    let (s1, src) = obtain(&fx, &t, &short, &short_cred, &short_store, None);
    assert_eq!((src, s1.lifetime()), (Source::Fetched, 5));
    assert_eq!(fx.call(s1.bearer_token().unwrap()).0, 200);
    let (_, src) = obtain(&fx, &t, &short, &short_cred, &short_store, None);
    assert_eq!(src, Source::Cache, "a 5 s token is reused for its first 3 s");
    std::thread::sleep(Duration::from_secs(6));
    let (status, body) = fx.call(s1.bearer_token().unwrap());
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error_description"], "the token has expired");
    let (s2, src) = obtain(&fx, &t, &short, &short_cred, &short_store, None);
    assert_eq!(src, Source::Fetched);
    assert_ne!(s1.fingerprint(), s2.fingerprint());
    assert_eq!(fx.call(s2.bearer_token().unwrap()).0, 200);
    assert_eq!(fx.token_hits("gwctl-short"), 2);
}

/// Six processes' worth of callers (threads with their own runtimes, a file cache and the lock
/// directory) find no cached token at once: the provider sees one token request.
#[test]
fn concurrent_callers_do_not_stampede_the_provider() {
    let Some(fx) = Fixture::start() else { return };
    let store = fx.dir.path().join("shared-cache.json");
    let cfg = fx.config("gwctl-post", ClientAuth::ClientSecretPost);
    let fps: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                s.spawn(|| {
                    let t = ReqwestTransport::new();
                    let cred = secret("post-secret-0123456789abcdef");
                    obtain(&fx, &t, &cfg, &cred, &store, None).0.fingerprint()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(fps.windows(2).all(|w| w[0] == w[1]), "everyone got the same token");
    assert_eq!(fx.token_hits("gwctl-post"), 1);
}

/// Runs a Python snippet with boto3 against moto; returns its stdout (trimmed).
fn boto(py: &Path, code: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(py).arg("-c").arg(code).args(args).output().unwrap();
    assert!(out.status.success(), "python: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

const BOTO_SETUP: &str = r#"
import sys, boto3
url, ak, sk = sys.argv[1:4]
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ak, aws_secret_access_key=sk)
trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
arns = [iam.create_role(RoleName=n, AssumeRolePolicyDocument=trust, MaxSessionDuration=43200)["Role"]["Arn"] for n in ("gw-invoke", "gw-second")]
for n in ("gw-invoke", "gw-second"):
    iam.put_role_policy(RoleName=n, PolicyName="all", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
print(" ".join(arns))
"#;

const BOTO_WHOAMI: &str = r#"
import sys, boto3
url, ak, sk, token = sys.argv[1:5]
sts = boto3.client("sts", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ak, aws_secret_access_key=sk, aws_session_token=token)
print(sts.get_caller_identity()["Arn"])
"#;

/// AssumeRole signed by gwctl's SigV4 signer, verified by moto (which recomputes every
/// signature with botocore); the session works for boto3; a chain caps its second hop at 1 h;
/// a wrong secret is a one-line refusal.
#[test]
fn sts_assume_role_against_moto() {
    use gwctl::signing::sigv4::AwsCredentials;
    use gwctl::tokens::sts::{self, AssumeRoleParams, StsEndpoint};
    let Some(py) = common::venv_python() else { return };
    if !py.parent().unwrap().join("moto_server").exists() {
        require_or_skip::<()>("the test venv has no moto_server");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_moto, url) = common::moto(&py, dir.path());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let boot = boto(&py, &std::fs::read_to_string(root.join("tests/py/iam_tool.py")).unwrap(), &["bootstrap", &url]);
    let (ak, sk) = boot.split_once(' ').unwrap();
    let roles = boto(&py, BOTO_SETUP, &[&url, ak, sk]);
    let (role1, role2) = roles.split_once(' ').unwrap();

    let t = ReqwestTransport::new();
    let ep = StsEndpoint::custom(&url, "us-east-1").unwrap();
    let base = AwsCredentials {
        access_key_id: ak.to_string(),
        secret_access_key: SecretString::from(sk),
        session_token: None,
    };
    let mut p = AssumeRoleParams::new(role1, "gwctl-e2e");
    p.duration_secs = Some(7200);
    p.external_id = Some("ext-123".into());
    let now = SigningTime::now();
    let r = block(sts::assume_role(&t, &base, &ep, &p, now)).unwrap();
    assert_eq!(r.arn, "arn:aws:sts::123456789012:assumed-role/gw-invoke/gwctl-e2e");
    assert!((r.expiration - now.unix() - 7200).abs() <= 5, "{}", r.expiration - now.unix());
    let token = r.credentials.session_token.as_ref().unwrap().expose_secret().to_string();
    let who = boto(
        &py,
        BOTO_WHOAMI,
        &[&url, &r.credentials.access_key_id, r.credentials.secret_access_key.expose_secret(), &token],
    );
    assert_eq!(who, r.arn);
    // The cache record round-trips the session.
    let cached = CachedToken::from_bytes(&r.into_cached(now.unix(), "b".into()).to_bytes()).unwrap();
    assert!(!cached.needs_refresh(now.unix()));

    // A chain: role 1 with the user's keys, role 2 with role 1's session (capped at 1 h).
    let mut steps = vec![AssumeRoleParams::new(role1, "hop-one"), AssumeRoleParams::new(role2, "hop-two")];
    steps[1].duration_secs = Some(43_200);
    let r2 = block(sts::assume_chain(&t, &base, &ep, &mut steps, &SigningTime::now)).unwrap();
    assert_eq!(r2.arn, "arn:aws:sts::123456789012:assumed-role/gw-second/hop-two");
    assert_eq!(steps[1].duration_secs, Some(3600));
    assert!(r2.expiration - SigningTime::now().unix() <= 3600 + 5);

    // A wrong secret: moto recomputes the signature and refuses.
    let wrong = AwsCredentials {
        access_key_id: ak.to_string(),
        secret_access_key: SecretString::from("not-the-secret-key"),
        session_token: None,
    };
    let e = block(sts::assume_role(&t, &wrong, &ep, &p, SigningTime::now())).unwrap_err();
    let m = e.to_string();
    assert!(m.starts_with(&format!("STS refused to assume {role1}: SignatureDoesNotMatch")), "{m}");
    assert!(!m.contains('\n') && !m.contains("not-the-secret-key") && !m.contains(sk), "{m}");
    assert_eq!(e.exit_code(), ExitCode::Credentials);
}
