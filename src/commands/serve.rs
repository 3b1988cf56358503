//! `gwctl serve`: flags and profiles → [`ServeConfig`], then the server on a multi-thread
//! runtime until Ctrl-C or SIGTERM. Prints one line, the URL, once it listens.
//!
//! `--oauth2-client PROFILE` registers an oauth2 profile's client id and secret (read from its
//! store) with serve's built-in token endpoint ([`crate::serve::oauth2`]); the same profile,
//! pointed at serve's URL with `--issuer`, then gets tokens from it and calls the routes.

use std::io::Write as _;
use std::net::{SocketAddr, ToSocketAddrs as _};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use zeroize::Zeroizing;

use crate::cli::ServeArgs;
use crate::credentials::Material;
use crate::error::Error;
use crate::http::HttpOptions;
use crate::profile::config::ConfigFile;
use crate::profile::resolve;
use crate::profile::{Profile, store};
use crate::scheme::{AuthConfig, OAuth2Settings};
use crate::serve::{self, Faults, Identity, JwtVerifyKey, LogSink, OAuth2Client, ServeConfig, ServeError};
use crate::signing::jwt::{self, JwtKey};

/// The largest htpasswd, JWKS or gateway config read.
const MAX_FILE: u64 = 4 << 20;
/// The longest `--latency`.
const MAX_LATENCY: Duration = Duration::from_secs(60);

pub fn run(a: ServeArgs, cf: &ConfigFile) -> Result<(), Error> {
    // Profiles are read before the runtime starts: a secret store may run its own.
    let identities = accepted(cf, &a.accept)?;
    let clients = oauth2_clients(cf, &a.oauth2_clients)?;
    let rt = runtime()?;
    let mut config = rt.block_on(config(&a))?;
    config.identities.extend(identities);
    config.oauth2_clients = clients.iter().map(|(_, _, c)| c.clone()).collect();
    let server = rt.block_on(serve::bind(config))?;
    if let Some(issuer) = server.oauth2_issuer() {
        for (name, settings, _) in &clients {
            if let Some(hint) = issuer_mismatch(name, settings, issuer) {
                crate::printer::note(format_args!("warning: {hint}"));
            }
        }
    }
    super::print(&format!("http://{}\n", server.local_addr()))?;
    rt.block_on(server.run(async {
        shutdown_signal().await;
        crate::printer::note(format_args!("stopping (open requests get 5 s to finish)"));
    }))?;
    Ok(())
}

/// The server's runtime: one worker per core (`http::block_on` is single-threaded).
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("gwctl-serve")
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))
}

/// Completes on Ctrl-C or SIGTERM. A signal that cannot be watched is never seen (the server
/// then runs until killed) rather than taken as a request to stop.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// The identities of `--accept` profiles, each from its own credential provider.
fn accepted(cf: &ConfigFile, names: &[String]) -> Result<Vec<Identity>, Error> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let config = cf.load()?;
    let mut out = Vec::new();
    for name in names {
        let p = config.get(name)?.clone();
        if matches!(p.auth, AuthConfig::OAuth2(_)) {
            return Err(Error::Usage(format!(
                "--accept {name}: an oauth2 profile's tokens come from its token endpoint; to have serve issue \
                 and accept them, use --oauth2-client {name}"
            )));
        }
        let provider = resolve::provider_for(cf, &config, name, &p)?;
        let credential = crate::http::block_on(provider.provide())??;
        out.push(identity(name, &p.auth, &credential.material, provider.default_region())?);
    }
    Ok(out)
}

/// The clients of `--oauth2-client` profiles: each profile's settings and its client id and
/// secret, read from its store.
fn oauth2_clients(cf: &ConfigFile, names: &[String]) -> Result<Vec<(String, OAuth2Settings, OAuth2Client)>, Error> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let config = cf.load()?;
    let mut out = Vec::new();
    for name in names {
        let p: &Profile = config.get(name)?;
        let AuthConfig::OAuth2(settings) = &p.auth else {
            return Err(Error::Usage(format!(
                "--oauth2-client {name}: the profile's scheme is {}, not oauth2 (gwctl profile add NAME --auth oauth2 \
                 --issuer http://127.0.0.1:PORT --client-id ID --secret-stdin)",
                p.scheme()
            )));
        };
        let method = match settings.client_auth.as_deref() {
            None => crate::tokens::oauth2::ClientAuth::default(),
            Some(m) => {
                crate::tokens::oauth2::ClientAuth::parse(m).map_err(crate::credentials::CredentialError::from)?
            }
        };
        if !matches!(
            method,
            crate::tokens::oauth2::ClientAuth::ClientSecretBasic | crate::tokens::oauth2::ClientAuth::ClientSecretPost
        ) {
            return Err(Error::Usage(format!(
                "--oauth2-client {name}: serve's token endpoint takes client_secret_basic and client_secret_post, \
                 not {} (gwctl profile edit {name} --client-auth basic)",
                method.rfc_name()
            )));
        }
        let secret = store::open(&p.store, &cf.dir())?.get(name)?;
        let credential = crate::credentials::oauth2::client_credential(settings, method, &secret)
            .map_err(crate::credentials::CredentialError::from)?;
        let crate::tokens::oauth2::ClientCredential::Secret(secret) = credential else {
            return Err(Error::Usage(format!("--oauth2-client {name}: the profile's store holds no client secret")));
        };
        let client = OAuth2Client { client_id: settings.client_id.clone(), secret };
        out.push((name.clone(), settings.clone(), client));
    }
    Ok(out)
}

/// A warning when an `--oauth2-client` profile would not find serve's token endpoint (its
/// `--issuer` or `--token-url` points elsewhere): discovery checks the issuer exactly.
fn issuer_mismatch(name: &str, s: &OAuth2Settings, issuer: &str) -> Option<String> {
    let token_url = format!("{issuer}{}", serve::oauth2::TOKEN_PATH);
    let same = |a: &str, b: &str| a.trim_end_matches('/') == b.trim_end_matches('/');
    match (s.issuer.as_deref(), s.token_url.as_deref()) {
        (Some(i), _) if same(i, issuer) => None,
        (_, Some(t)) if same(t, &token_url) => None,
        (Some(i), _) => Some(format!(
            "profile {name:?} has --issuer {i}, but serve's issuer is {issuer}: gwctl profile edit {name} --issuer {issuer}"
        )),
        (_, Some(t)) => Some(format!(
            "profile {name:?} has --token-url {t}, but serve's token endpoint is {token_url}: \
             gwctl profile edit {name} --issuer {issuer}"
        )),
        (None, None) => None,
    }
}

/// What `serve` accepts for a profile's settings and credential: the same key (SigV4 with the
/// profile's region and service), password or token; for a JWT key pair, its public half.
pub(crate) fn identity(
    name: &str,
    auth: &AuthConfig,
    material: &Material,
    default_region: Option<String>,
) -> Result<Identity, Error> {
    let name_s = name.to_string();
    Ok(match (auth, material) {
        (AuthConfig::Basic { .. }, Material::Basic(c)) => {
            Identity::Basic { name: name_s, username: c.username.clone(), password: c.password.clone() }
        }
        (AuthConfig::SigV4 { region, service, .. }, Material::Aws(c)) => {
            let missing = |what: &str, flag: &str| {
                Error::Usage(format!(
                    "--accept {name}: the sigv4 profile has no {what}, and serve checks the credential scope \
                     (gwctl profile edit {name} {flag} …)"
                ))
            };
            let region = region.clone().or(default_region).ok_or_else(|| missing("region", "--region"))?;
            let service = service.clone().ok_or_else(|| missing("service", "--service"))?;
            Identity::SigV4 { name: name_s, credentials: c.clone(), region, service }
        }
        (AuthConfig::AkSk { variant, .. }, Material::AkSk(c)) => {
            Identity::AkSk { name: name_s, variant: *variant, credentials: c.clone() }
        }
        (AuthConfig::Jwt(j), Material::Jwt(key)) => {
            let alg = j.algorithm()?;
            let key = match key {
                JwtKey::Secret(s) => JwtVerifyKey::Secret(Zeroizing::new(s.to_vec())),
                JwtKey::Pem(_) => {
                    let set = json!({ "keys": [jwt::public_jwk(alg, key, j.kid.as_deref())?] });
                    serve::parse_jwks(&set.to_string()).map_err(ServeError::from)?
                }
            };
            Identity::Jwt { name: name_s, key, issuer: j.iss.clone(), audience: j.aud.clone(), algorithms: vec![alg] }
        }
        (AuthConfig::Bearer, Material::Bearer(t)) => Identity::Bearer { name: name_s, token: t.clone() },
        _ => {
            return Err(Error::Usage(format!(
                "--accept {name}: the stored credential does not fit the profile's scheme"
            )));
        }
    })
}

/// Everything but the `--accept` identities.
async fn config(a: &ServeArgs) -> Result<ServeConfig, Error> {
    let mut c = ServeConfig::new(parse_listen(&a.listen)?);
    c.allow_remote = a.allow_remote;
    if let Some(path) = &a.htpasswd {
        c.htpasswd = serve::parse_htpasswd(&read_text(path, "--htpasswd")?).map_err(ServeError::from)?;
        if c.htpasswd.is_empty() {
            return Err(Error::Input(format!("--htpasswd {}: the file has no user", path.display())));
        }
    }
    if let Some(src) = &a.jwks {
        let key = serve::parse_jwks(&load_jwks(src).await?).map_err(ServeError::from)?;
        c.identities.push(Identity::Jwt {
            name: "jwks".into(),
            key,
            issuer: a.issuer.clone(),
            audience: a.audience.clone(),
            algorithms: Vec::new(),
        });
    }
    if let Some(path) = &a.gateway_config {
        c.endpoints = serve::endpoints_from_mlflow_config(&read_text(path, "--gateway-config")?)
            .map_err(|e| Error::Input(format!("{}: {e}", path.display())))?;
    }
    if let Some(u) = &a.upstream {
        c.upstream = Some(crate::request::parse_url(u)?);
    }
    c.faults = faults(&a.faults, a.latency.as_deref(), a.seed)?;
    c.explain = a.explain;
    c.log = Some(log_sink(a.log.as_deref())?);
    Ok(c)
}

/// `127.0.0.1:8080`, `[::1]:8080`, `localhost:8080`, or a port alone (loopback).
pub(crate) fn parse_listen(s: &str) -> Result<SocketAddr, Error> {
    let s = s.trim();
    if let Ok(port) = s.parse::<u16>() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    let bad = || Error::Input(format!("--listen {s:?}: expected HOST:PORT, e.g. 127.0.0.1:8080"));
    let (host, port) = s.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(SocketAddr::from(([127, 0, 0, 1], port)));
    }
    (host, port).to_socket_addrs().ok().and_then(|mut a| a.next()).ok_or_else(bad)
}

/// `--fault KIND:RATE`… and `--latency`.
pub(crate) fn faults(specs: &[String], latency: Option<&str>, seed: u64) -> Result<Faults, Error> {
    let mut f = Faults { seed, ..Faults::default() };
    for spec in specs {
        let bad = |why: &str| Error::Input(format!("--fault {spec:?}: {why}"));
        let (kind, rate) = spec.split_once(':').ok_or_else(|| bad("expected KIND:RATE, e.g. 429:0.1"))?;
        let rate: f64 = rate.trim().parse().map_err(|_| bad("the rate is not a number"))?;
        if !(0.0..=1.0).contains(&rate) {
            return Err(bad("the rate must be between 0 and 1"));
        }
        match kind.trim() {
            "429" => f.rate_429 = rate,
            "500" => f.rate_500 = rate,
            "cut" | "stream-cut" => f.cut_stream_rate = rate,
            _ => return Err(bad("the kind is 429, 500 or cut")),
        }
    }
    if let Some(l) = latency {
        f.latency = parse_latency(l)?;
    }
    Ok(f)
}

/// `50ms`, `1s`, `1.5s`, `0`; at most a minute.
fn parse_latency(s: &str) -> Result<Duration, Error> {
    let t = s.trim();
    let bad = || Error::Input(format!("--latency {s:?}: expected a duration like 50ms or 1.5s, at most 60s"));
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if t == "0" {
        ("0", 1.0)
    } else {
        return Err(bad());
    };
    let v: f64 = num.trim().parse().map_err(|_| bad())?;
    let secs = v * scale;
    if !secs.is_finite() || secs < 0.0 || secs > MAX_LATENCY.as_secs_f64() {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(secs))
}

fn read_text(path: &Path, flag: &str) -> Result<String, Error> {
    let bytes = crate::util::read_limited(path, MAX_FILE)
        .map_err(|e| Error::io(format!("cannot read {flag} {}", path.display()), e))?;
    String::from_utf8(bytes).map_err(|_| Error::Input(format!("{flag} {}: not UTF-8 text", path.display())))
}

/// A JWKS from a file, or fetched once from an http(s) URL (10 s, 4 MiB at most).
async fn load_jwks(src: &str) -> Result<String, Error> {
    if !(src.starts_with("http://") || src.starts_with("https://")) {
        return read_text(Path::new(src), "--jwks");
    }
    let url = crate::request::parse_url(src)?;
    let opts = HttpOptions {
        timeout: Some(Duration::from_secs(10)),
        connect_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(10),
        retries: 0,
        ..HttpOptions::default()
    };
    let client = crate::http::HttpClient::new(&opts)?;
    let host = url.host_str().unwrap_or("").to_string();
    let resp = tokio::time::timeout(Duration::from_secs(10), client.for_url(&url)?.get(url.clone()).send())
        .await
        .map_err(|_| crate::http::HttpError::Timeout { host: host.clone(), secs: 10.0 })?
        .map_err(|e| crate::http::transport_error(&host, &e, &opts))?;
    let status = resp.status();
    let (bytes, truncated) = crate::http::read_limited(resp, MAX_FILE as usize, &opts).await?;
    if !status.is_success() {
        return Err(Error::Input(format!("--jwks {src}: the server answered HTTP {}", status.as_u16())));
    }
    if truncated {
        return Err(Error::Input(format!("--jwks {src}: larger than {} MiB", MAX_FILE >> 20)));
    }
    String::from_utf8(bytes).map_err(|_| Error::Input(format!("--jwks {src}: not UTF-8 text")))
}

/// The request log: standard error, or appended to a file (created 0600).
fn log_sink(path: Option<&Path>) -> Result<LogSink, Error> {
    let Some(path) = path else {
        // One write per line (stderr is unbuffered: `writeln!` would make two).
        return Ok(Arc::new(|line: &str| {
            let mut buf = String::with_capacity(line.len() + 1);
            buf.push_str(line);
            buf.push('\n');
            let _ = std::io::stderr().write_all(buf.as_bytes());
        }));
    };
    let mut o = std::fs::OpenOptions::new();
    o.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let file = o.open(path).map_err(|e| Error::io(format!("cannot open the log file {}", path.display()), e))?;
    let file = Mutex::new(std::io::LineWriter::new(file));
    Ok(Arc::new(move |line: &str| {
        if let Ok(mut f) = file.lock() {
            let _ = writeln!(f, "{line}");
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        assert_eq!(parse_listen("8080").unwrap(), "127.0.0.1:8080".parse().unwrap());
        assert_eq!(parse_listen("localhost:0").unwrap().port(), 0);
        assert_eq!(parse_listen("[::1]:9").unwrap(), "[::1]:9".parse().unwrap());
        assert!(parse_listen("nope").is_err());
        let f = faults(&["429:0.1".into(), "500:0.05".into(), "cut:1".into()], Some("50ms"), 7).unwrap();
        assert_eq!((f.rate_429, f.rate_500, f.cut_stream_rate, f.seed), (0.1, 0.05, 1.0, 7));
        assert_eq!(f.latency, Duration::from_millis(50));
        for bad in ["429", "429:2", "404:0.1", "429:x"] {
            assert!(faults(&[bad.into()], None, 0).is_err(), "{bad}");
        }
        assert_eq!(parse_latency("1.5s").unwrap(), Duration::from_millis(1500));
        for bad in ["50", "-1s", "2m", "61s", "nans"] {
            assert!(parse_latency(bad).is_err(), "{bad}");
        }
    }
}
