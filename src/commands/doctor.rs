//! `gwctl doctor`: the config file, the secret stores that answer here, and each profile's
//! secret, without ever printing one. `--check` also makes one authenticated call per profile
//! and says whether the gateway accepted it, as whom, and how far the clocks are apart.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use crate::cli::DoctorArgs;
use crate::client::Client;
use crate::error::Error;
use crate::gateway::{Gateway, errors};
use crate::http::{HttpOptions, Outgoing};
use crate::profile::Profile;
use crate::profile::config::ConfigFile;
use crate::profile::resolve;
use crate::profile::store::{self, KeyringBackend, KeyringStore, PASSPHRASE_VAR, SecretStore, StoreError, StoreSpec};
use crate::request::Body;
use crate::scheme::AuthConfig;

pub fn run(cf: &ConfigFile, args: &DoctorArgs) -> Result<(), Error> {
    let max_age = crate::util::parse_duration_secs(&args.max_age)?;
    let net = args.transport.settings();
    net.check()?;
    let mut out = String::new();
    let _ = writeln!(out, "config file: {}", cf.path.display());
    match std::fs::metadata(&cf.path) {
        Ok(meta) => {
            let _ = writeln!(out, "  exists, {} bytes{}", meta.len(), permissions_note(&meta));
        }
        Err(_) => {
            let _ = writeln!(out, "  not created yet (gwctl profile add creates it)");
        }
    }
    let config = cf.load()?;
    let _ = writeln!(
        out,
        "  {} profile(s); default: {}",
        config.profiles.len(),
        config.default_profile.as_deref().unwrap_or("(none)")
    );

    let _ = writeln!(out, "secret stores:");
    for backend in KeyringBackend::ALL {
        if !backend.supported_here() {
            continue;
        }
        let state = match KeyringStore::new(backend).probe() {
            Ok(latency) => format!("available (a write, read and delete took {:.1} ms)", latency.as_secs_f64() * 1e3),
            Err(StoreError::Unavailable { reason, .. }) => format!("unavailable: {reason}"),
            Err(e) => format!("unavailable: {e}"),
        };
        let note = if backend == KeyringBackend::Keyutils { " [kernel memory: lost at reboot]" } else { "" };
        let _ = writeln!(out, "  {:<15} {state}{note}", backend.name());
    }
    let passphrase = if std::env::var_os(PASSPHRASE_VAR).is_some_and(|v| !v.is_empty()) {
        format!("{PASSPHRASE_VAR} is set")
    } else {
        format!("passphrase from a prompt ({PASSPHRASE_VAR} is not set)")
    };
    let file_dir = store::file_store_dir(&cf.dir());
    let unlocked = match store::unlocked_for(&file_dir) {
        Some(left) => format!("; unlocked, {} min left", left.as_secs().div_ceil(60)),
        None => "; locked (gwctl unlock keeps it open for a while)".into(),
    };
    let _ = writeln!(out, "  {:<15} {} ({passphrase}{unlocked})", "file", file_dir.display());
    let _ = writeln!(out, "  {:<15} always available: read at use", "env:VAR");
    let _ = writeln!(out, "  {:<15} always available: run at use", "command:CMD");
    if let Some(default) = KeyringBackend::platform_default() {
        let _ = writeln!(out, "  (auto means {} here)", default.name());
    }

    if !config.profiles.is_empty() {
        let _ = writeln!(out, "profiles:");
    }
    let mut checks = Vec::new();
    for (name, p) in &config.profiles {
        let state = match &p.store {
            StoreSpec::None => "no secret (auth none: requests go without credentials)".to_string(),
            StoreSpec::Command(_) => "secret printed by the command at use (not run here)".to_string(),
            StoreSpec::File => {
                let path = store::FileStore::new(store::file_store_dir(&cf.dir())).path(name);
                if path.exists() {
                    format!("secret file present ({})", path.display())
                } else {
                    "secret file MISSING".into()
                }
            }
            spec => match store::open(spec, &cf.dir()).and_then(|s| s.get(name)) {
                Ok(_) => "secret present".into(),
                Err(StoreError::NotFound { .. }) => "secret MISSING".into(),
                Err(e) => format!("secret unreadable: {e}"),
            },
        };
        let _ = writeln!(out, "  {name:<16} {:<8} {:<16} {state}", p.scheme().to_string(), p.store.to_string());
        if let Some(line) = key_age(name, p, max_age) {
            let _ = writeln!(out, "  {:<16} {line}", "");
        }
        if let Some(r) = &p.rotation {
            let _ = writeln!(out, "  {:<16} {}", "", crate::keys::describe(name, r));
        }
        if super::token::has_token_slot(p) {
            let _ = writeln!(out, "  {:<16} cached token: {}", "", super::token::token_state(cf, name, p));
            if args.check {
                let _ = writeln!(
                    out,
                    "  {:<16} token check: {}",
                    "",
                    super::token::check_token(cf, name, p, &config, &net)
                );
            }
        }
        if args.check {
            let check = check_call(cf, name, p, &net);
            let _ = writeln!(out, "  {:<16} call: {}", "", check.line);
            checks.push((name.clone(), check.outcome));
        }
    }
    super::print(&out)?;
    verdict(&checks)
}

/// What `doctor --check` found for one profile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// The gateway answered the authenticated call with 2xx, 3xx, 404 or 405.
    Accepted,
    /// The gateway answered 401/403, or the credential was refused before the call (a token
    /// endpoint or STS refused it, or the key is unusable: exit code 4 of the call).
    Refused,
    /// No verdict: no answer, another status, a secret that cannot be read.
    Failed,
    /// Not called: the profile has no URL.
    Skipped,
}

struct Check {
    outcome: Outcome,
    line: String,
}

/// The exit status of `doctor --check`: 9 when any profile was refused, else 8 when any
/// check could not be made, else 0 (profiles without a URL are skipped).
fn verdict(checks: &[(String, Outcome)]) -> Result<(), Error> {
    let named = |o: Outcome| checks.iter().filter(|(_, x)| *x == o).map(|(n, _)| n.as_str()).collect::<Vec<_>>();
    let refused = named(Outcome::Refused);
    if !refused.is_empty() {
        return Err(Error::Status {
            status: 401,
            message: format!("doctor --check: refused: {} (see the call: lines above)", refused.join(", ")),
        });
    }
    let failed = named(Outcome::Failed);
    if !failed.is_empty() {
        return Err(Error::Http(crate::http::HttpError::Stream(format!(
            "doctor --check: could not check: {} (see the call: lines above)",
            failed.join(", ")
        ))));
    }
    Ok(())
}

/// `doctor --check` waits at most this long for a connection, and for the answer's headers.
const CHECK_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);
/// The most of a refusal's body read for its one-line summary.
const CHECK_BODY_LIMIT: usize = 64 << 10;

/// One authenticated GET with the profile's credentials: the MLflow routes list (a gateway of
/// flavour mlflow, mlflow-server or none said), else the profile's URL itself.
fn check_call(cf: &ConfigFile, name: &str, p: &Profile, net: &crate::net::NetSettings) -> Check {
    let failed = |line: String| Check { outcome: Outcome::Failed, line };
    let Some(base) = p.url.as_deref() else {
        return Check { outcome: Outcome::Skipped, line: "not made: the profile has no --url".into() };
    };
    let url = match check_url(base, p.gateway) {
        Ok(u) => u,
        Err(e) => return failed(format!("FAILED: {e}")),
    };
    let resolved = match resolve::resolve(cf, Some(name), None) {
        Ok(r) => r,
        Err(e) => return failed(format!("FAILED: {e}")),
    };
    let opts = HttpOptions {
        timeout: Some(CHECK_TIMEOUT),
        connect_timeout: CHECK_CONNECT_TIMEOUT,
        idle_timeout: CHECK_TIMEOUT,
        retries: 0,
        net: net.clone(),
        ..HttpOptions::default()
    };
    let client = match Client::new(resolved.auth(resolved.settings.clone()), opts.clone()) {
        Ok(c) => c,
        Err(e) => return failed(format!("FAILED: {e}")),
    };
    let shown = crate::redact::url(url.as_str());
    // The last attempt's headers, and when it left (after any token fetch or store unlock).
    let sent = std::sync::Mutex::new((Vec::new(), SystemTime::now()));
    let empty = Body::Empty;
    let out = Outgoing { method: "GET".into(), url, headers: Vec::new(), body: &empty, upload_progress: None };
    let answer = crate::http::block_on(async {
        let mut observe = |_: u32, _: &str, _: &str, headers: &[(String, String)]| {
            if let Ok(mut s) = sent.lock() {
                *s = (headers.to_vec(), SystemTime::now());
            }
        };
        let resp = client.execute(&out, &mut observe).await?;
        let answered = SystemTime::now();
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        let body = if (400..500).contains(&status) {
            crate::http::read_limited(resp, CHECK_BODY_LIMIT, &opts).await.map(|(b, _)| b).unwrap_or_default()
        } else {
            Vec::new()
        };
        Ok::<_, crate::client::ClientError>((status, headers, body, answered))
    });
    let (sent, sent_at) = sent.into_inner().unwrap_or_else(|_| (Vec::new(), SystemTime::now()));
    let who = identity(p, &sent);
    let clean = |outcome: Outcome, line: String| Check { outcome, line: crate::redact::sanitize_line(&line) };
    let (status, headers, body, answered) = match answer {
        Ok(Ok(a)) => a,
        Ok(Err(e)) if e.exit_code() == crate::exit::ExitCode::Credentials => {
            return clean(Outcome::Refused, format!("REFUSED before the call ({who}): {e}"));
        }
        Ok(Err(e)) => return clean(Outcome::Failed, format!("FAILED: GET {shown} as {who}: {e}")),
        Err(e) => return failed(format!("FAILED: {e}")),
    };
    let clock = clock_note(&headers, sent_at, answered);
    let (outcome, verdict, said) = match status {
        200..=399 | 404 | 405 => (Outcome::Accepted, "accepted", format!("HTTP {status}")),
        401 | 403 => (Outcome::Refused, "REFUSED", errors::summarize(status, &headers, &body)),
        _ => (Outcome::Failed, "FAILED", format!("{}: no verdict", errors::summarize(status, &headers, &body))),
    };
    clean(outcome, format!("{verdict}: GET {shown} as {who}: {said}; {clock}"))
}

/// The URL `doctor --check` calls for a profile's base URL and gateway flavour: the routes
/// list for MLflow (also when no flavour is said, except for AWS hosts), the URL itself
/// otherwise.
fn check_url(base: &str, gateway: Option<Gateway>) -> Result<url::Url, Error> {
    let base = crate::request::parse_url(base)?;
    let aws_host = base.host_str().is_some_and(|h| h.ends_with(".amazonaws.com") || h.ends_with(".on.aws"));
    match gateway {
        Some(Gateway::Mlflow | Gateway::MlflowServer) => {}
        None if !aws_host => {}
        _ => return Ok(base),
    }
    crate::gateway::mlflow::join(&base, Gateway::list_path(gateway)).map_err(Error::Input)
}

/// Who the call was made as: the scheme and the user, key id or kid (from the request as sent
/// when the profile does not name it), never a secret.
fn identity(p: &Profile, sent: &[(String, String)]) -> String {
    let authorization =
        sent.iter().find(|(n, _)| n.eq_ignore_ascii_case("authorization")).map(|(_, v)| v.as_str()).unwrap_or("");
    let quoted = |s: &str| format!("{:?}", s.chars().take(128).collect::<String>());
    let scheme = p.scheme();
    if let Some(role) = &p.role {
        return format!("{scheme} role {} (from profile {:?})", quoted(&role.role_arn), role.source_profile);
    }
    match &p.auth {
        AuthConfig::Basic { username } => match username {
            Some(u) => format!("basic user {}", quoted(u)),
            None => "basic".into(),
        },
        AuthConfig::SigV4 { .. } | AuthConfig::AkSk { .. } => {
            match p.auth.key_id().map(str::to_string).or_else(|| sent_key_id(authorization)) {
                Some(k) => format!("{scheme} access key {}", quoted(&k)),
                None => scheme.to_string(),
            }
        }
        AuthConfig::Jwt(j) => match j.kid.clone().or_else(|| sent_kid(authorization)) {
            Some(k) => format!("jwt kid {}", quoted(&k)),
            None => "jwt (no kid)".into(),
        },
        AuthConfig::OAuth2(o) => format!("oauth2 client {}", quoted(&o.client_id)),
        _ => scheme.to_string(),
    }
}

/// The access key id in a SigV4 (`Credential=AK/…`) or AK/SK (`Access=AK`) Authorization.
fn sent_key_id(authorization: &str) -> Option<String> {
    let (_, rest) = authorization.split_once(' ')?;
    rest.split(',').map(str::trim).find_map(|part| {
        let v = part.strip_prefix("Credential=").or_else(|| part.strip_prefix("Access="))?;
        Some(v.split('/').next().unwrap_or("").to_string()).filter(|k| !k.is_empty())
    })
}

/// The `kid` in the header of a `Bearer` JWT (the header is not secret).
fn sent_kid(authorization: &str) -> Option<String> {
    use base64::Engine as _;
    let token = authorization.strip_prefix("Bearer ")?;
    let header = token.split('.').next().filter(|h| h.len() <= 4096)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("kid")?.as_str().map(str::to_string)
}

/// How far this machine's clock is from the server's, from its `Date` header (whole seconds,
/// so ±1 s), against the middle of the wait for the answer.
fn clock_note(headers: &reqwest::header::HeaderMap, sent: SystemTime, answered: SystemTime) -> String {
    let Some(date) = headers.get("date").and_then(|v| v.to_str().ok()) else {
        return "clock not measured (the answer has no Date header)".into();
    };
    let Ok(server) = time::OffsetDateTime::parse(date.trim(), &time::format_description::well_known::Rfc2822) else {
        return "clock not measured (the Date header does not parse)".into();
    };
    let secs = |t: SystemTime| t.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0);
    let local = (secs(sent) + secs(answered)) / 2.0;
    // Date truncates to the second: the server's time is on average half a second later.
    clock_words((server.unix_timestamp() as f64 + 0.5 - local).round() as i64)
}

/// `skew` = the server's clock minus this machine's, in seconds.
fn clock_words(skew: i64) -> String {
    if skew.unsigned_abs() <= 1 {
        return "clock in step with the server (±1 s)".into();
    }
    let n = skew.unsigned_abs();
    let side = if skew > 0 { "behind" } else { "ahead of" };
    let warn = if n > 300 {
        ": WARNING, SigV4 refuses requests more than 5 min off"
    } else if n > 60 {
        ": WARNING, JWT verifiers often allow only 60 s"
    } else {
        ""
    };
    format!("clock {n} s {side} the server{warn}")
}

/// A warning when the profile's key is older than `max_age` seconds.
fn key_age(name: &str, p: &crate::profile::Profile, max_age: u64) -> Option<String> {
    use crate::scheme::AuthScheme;
    if matches!(p.store, StoreSpec::Env(_) | StoreSpec::Command(_) | StoreSpec::None)
        || !p.scheme().has_credentials()
        || p.scheme() == AuthScheme::Bearer
        || p.role.is_some()
    {
        return None; // managed elsewhere
    }
    let Some(created) = &p.key_created else {
        return Some("key age unknown (recorded when gwctl stores or rotates the secret)".into());
    };
    let t = crate::signing::SigningTime::parse(created).ok()?;
    let age = (crate::signing::SigningTime::now().unix() - t.unix()).max(0) as u64;
    let days = age / 86_400;
    if age > max_age {
        Some(format!(
            "WARNING: key is {days} days old (created {created}), older than {} days: gwctl keys rotate --profile {name}",
            max_age / 86_400
        ))
    } else {
        Some(format!("key is {days} days old (created {created})"))
    }
}

#[cfg(unix)]
fn permissions_note(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        format!(", mode {mode:o}: WARNING, readable by others (gwctl writes 600)")
    } else {
        format!(", mode {mode:o}")
    }
}

#[cfg(not(unix))]
fn permissions_note(_meta: &std::fs::Metadata) -> String {
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_words_say_which_side_and_warn() {
        assert_eq!(clock_words(0), "clock in step with the server (±1 s)");
        assert_eq!(clock_words(-1), "clock in step with the server (±1 s)");
        assert_eq!(clock_words(42), "clock 42 s behind the server");
        assert_eq!(clock_words(-90), "clock 90 s ahead of the server: WARNING, JWT verifiers often allow only 60 s");
        assert!(clock_words(600).ends_with("SigV4 refuses requests more than 5 min off"));
        assert!(clock_words(i64::MIN).contains("ahead of"), "no overflow");
    }

    #[test]
    fn the_date_header_is_compared_with_the_middle_of_the_wait() {
        let mut h = reqwest::header::HeaderMap::new();
        let at = |s: u64| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        assert!(clock_note(&h, at(0), at(1)).contains("no Date header"));
        h.insert("date", "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap());
        // 784111777 is that date; sent 2 s before it, answered 2 s after: in step.
        assert_eq!(clock_note(&h, at(784_111_775), at(784_111_779)), "clock in step with the server (±1 s)");
        assert_eq!(
            clock_note(&h, at(784_111_677), at(784_111_677)),
            "clock 101 s behind the server: WARNING, JWT verifiers often allow only 60 s"
        );
        h.insert("date", "yesterday".parse().unwrap());
        assert!(clock_note(&h, at(0), at(1)).contains("does not parse"));
    }

    #[test]
    fn who_was_sent_is_read_from_the_authorization() {
        let sigv4 = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
                     SignedHeaders=host;x-amz-date, Signature=5fa00fa3";
        assert_eq!(sent_key_id(sigv4).as_deref(), Some("AKIDEXAMPLE"));
        assert_eq!(
            sent_key_id("SDK-HMAC-SHA256 Access=HWKEY, SignedHeaders=host, Signature=ab").as_deref(),
            Some("HWKEY")
        );
        assert_eq!(sent_key_id("Basic YWxpY2U6cHc="), None);
        // {"alg":"ES256","kid":"k-1"}.{}.sig
        assert_eq!(sent_kid("Bearer eyJhbGciOiJFUzI1NiIsImtpZCI6ImstMSJ9.e30.c2ln").as_deref(), Some("k-1"));
        assert_eq!(sent_kid("Bearer not-a-jwt"), None);
        assert_eq!(sent_kid(&format!("Bearer {}.e30.x", "A".repeat(5000))), None);
    }

    #[test]
    fn the_url_called_per_flavour() {
        let u = |base: &str, g| check_url(base, g).unwrap().to_string();
        assert_eq!(u("http://h:5000", None), "http://h:5000/api/2.0/endpoints/");
        assert_eq!(u("http://h:5000/gw", Some(Gateway::Mlflow)), "http://h:5000/gw/api/2.0/endpoints/");
        assert_eq!(
            u("http://h:5000", Some(Gateway::MlflowServer)),
            "http://h:5000/api/3.0/mlflow/gateway/endpoints/list"
        );
        assert_eq!(u("https://x.example/v1", Some(Gateway::Generic)), "https://x.example/v1");
        assert_eq!(
            u("https://abc.execute-api.us-east-1.amazonaws.com/prod", None),
            "https://abc.execute-api.us-east-1.amazonaws.com/prod"
        );
        assert!(check_url("not a url", None).is_err());
    }
}
