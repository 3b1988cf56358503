//! `gwctl doctor --check`: one authenticated call per profile against real servers started
//! here (`gwctl serve`, which verifies every scheme, and a server whose clock is off), with
//! right and wrong secrets: one `call:` line per profile saying accepted or refused, why, as
//! whom, and the clock skew; exit 9 when any profile is refused, 8 when one cannot be checked.

mod common;

use common::gw_env as gw;

use std::path::Path;
use std::process::Command;

use common::{Daemon, Sandbox, free_port, run_with_stdin};

fn add(sb: &Sandbox, env: &[(&str, &str)], args: &[&str]) {
    let (code, _, err) = gw(sb, env, &[&["profile", "add"][..], args, &["--yes"]].concat());
    assert_eq!(code, 0, "profile add {args:?}: {err}");
}

const ENV: &[(&str, &str)] = &[
    ("T_BASIC", "basic-password-0123456789"),
    ("T_SIGV4", "sigv4SecretKey0123456789abcdefghijklmnop"),
    ("T_HUAWEI", "huaweiSecret0123456789abcdefghijklmnopqr"),
    ("T_APIPARK", "apiparkSecret0123456789abcdefghijklmnopq"),
    ("T_JWT", "jwt-hs256-shared-secret-0123456789abcdef"),
    ("T_BEARER", "bearer-token-0123456789abcdefghijklmn"),
    ("T_WRONG", "wrong-secret-value-9876543210abcdefghij"),
    ("GWCTL_FILE_PASSPHRASE", "doctor-check-test-passphrase"),
];

/// The `call:` line printed under profile `name`.
fn call_line<'a>(out: &'a str, name: &str) -> &'a str {
    let mut lines = out.lines().skip_while(|l| l.split_whitespace().next() != Some(name));
    lines.next().unwrap_or_else(|| panic!("no profile {name}:\n{out}"));
    lines
        .take_while(|l| l.starts_with("   "))
        .find_map(|l| l.trim().strip_prefix("call: "))
        .unwrap_or_else(|| panic!("no call line for {name}:\n{out}"))
}

fn serve(sb: &Sandbox, port: u16, args: &[&str], log: &Path) -> Daemon {
    common::serve(sb, port, args, ENV, log)
}

#[test]
fn one_call_per_profile_says_who_was_accepted_or_refused() {
    let sb = Sandbox::new();
    let d = sb.dir.path();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let u = ["--url", url.as_str()];
    let mlflow = ["--gateway", "mlflow"];

    // Right secrets (accepted by serve), and the same ids with wrong ones.
    for (name, store) in [("basic", "env:T_BASIC"), ("basic-bad", "env:T_WRONG")] {
        add(&sb, ENV, &[&[name, "--auth", "basic", "--username", "alice", "--store", store][..], &u, &mlflow].concat());
    }
    for (name, store) in [("sigv4", "env:T_SIGV4"), ("sigv4-bad", "env:T_WRONG")] {
        let a = ["--auth", "sigv4", "--access-key-id", "AKIADOCTORTEST000001", "--region", "eu-west-1"];
        add(&sb, ENV, &[&[name][..], &a, &["--service", "execute-api", "--store", store], &u].concat());
    }
    for (name, scheme, id, store) in [
        ("apipark", "apipark", "AKAPIPARK1", "env:T_APIPARK"),
        ("huawei", "huawei", "AKHUAWEI01", "env:T_HUAWEI"),
        ("huawei-bad", "huawei", "AKHUAWEI01", "env:T_WRONG"),
    ] {
        add(&sb, ENV, &[&[name, "--auth", scheme, "--access-key-id", id, "--store", store][..], &u].concat());
    }
    for (name, store) in [("jwt", "env:T_JWT"), ("jwt-bad", "env:T_WRONG")] {
        let a = ["--auth", "jwt", "--alg", "HS256", "--kid", "hs1", "--iss", "me", "--aud", "serve"];
        add(&sb, ENV, &[&[name][..], &a, &["--store", store], &u].concat());
    }
    for (name, store) in [("bearer", "env:T_BEARER"), ("bearer-bad", "env:T_WRONG")] {
        add(&sb, ENV, &[&[name, "--auth", "bearer", "--store", store][..], &u].concat());
    }
    // An RS256 profile without --kid, trusted through the JWKS it publishes, and one whose key
    // the server does not know: the line names the kid the token carried (its thumbprint).
    for (name, file) in [("rsa", "rsa.pem"), ("rsa-unknown", "rsa2.pem")] {
        let st = Command::new("openssl")
            .args(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out"])
            .arg(d.join(file))
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
        let key = d.join(file).display().to_string();
        let a = ["--auth", "jwt", "--alg", "RS256", "--iss", "me", "--aud", "gw", "--store", "file", "--key-file"];
        add(&sb, ENV, &[&[name][..], &a, &[key.as_str()], &u].concat());
    }
    let (code, jwks, err) = gw(&sb, ENV, &["keys", "jwks", "-p", "rsa"]);
    assert_eq!(code, 0, "{err}");
    let thumbprint =
        serde_json::from_str::<serde_json::Value>(&jwks).unwrap()["keys"][0]["kid"].as_str().unwrap().to_string();
    std::fs::write(d.join("jwks.json"), &jwks).unwrap();
    // No URL: not called.
    add(&sb, ENV, &["offline", "--auth", "bearer", "--store", "env:T_BEARER"]);

    let mut args = Vec::new();
    for p in ["basic", "sigv4", "apipark", "huawei", "jwt", "bearer"] {
        args.extend(["--accept", p]);
    }
    let jwks_file = d.join("jwks.json").display().to_string();
    args.extend(["--jwks", jwks_file.as_str(), "--issuer", "me", "--audience", "gw"]);
    let _server = serve(&sb, port, &args, &d.join("serve.log"));

    let (code, out, err) = gw(&sb, ENV, &["doctor", "--check"]);
    eprintln!("{out}");
    let list = format!("{url}/api/2.0/endpoints/");
    for (name, who) in [
        ("basic", "basic user \"alice\"".to_string()),
        ("sigv4", "sigv4 access key \"AKIADOCTORTEST000001\"".into()),
        ("apipark", "apipark access key \"AKAPIPARK1\"".into()),
        ("huawei", "huawei access key \"AKHUAWEI01\"".into()),
        ("jwt", "jwt kid \"hs1\"".into()),
        ("bearer", "bearer".into()),
        ("rsa", format!("jwt kid {thumbprint:?}")),
    ] {
        let line = call_line(&out, name);
        assert!(line.starts_with(&format!("accepted: GET {list} as {who}: HTTP 200; clock ")), "{name}: {line}");
        assert!(line.contains("clock in step with the server (±1 s)"), "{name}: {line}");
    }
    for (name, why, who) in [
        ("basic-bad", "HTTP 401 Unauthorized: wrong password (the server asks for Basic)", "basic user \"alice\""),
        ("sigv4-bad", "HTTP 403 Forbidden: signature mismatch", "sigv4 access key \"AKIADOCTORTEST000001\""),
        ("huawei-bad", "HTTP 403 Forbidden: signature mismatch", "huawei access key \"AKHUAWEI01\""),
        ("jwt-bad", "HTTP 401 Unauthorized: signature mismatch", "jwt kid \"hs1\""),
        ("bearer-bad", "HTTP 401 Unauthorized: invalid bearer token", "bearer"),
        ("rsa-unknown", "HTTP 401 Unauthorized: unknown key id", "jwt kid"),
    ] {
        let line = call_line(&out, name);
        assert!(line.starts_with(&format!("REFUSED: GET {list} as {who}")), "{name}: {line}");
        assert!(line.contains(&format!(": {why}")), "{name}: {line}");
    }
    assert_eq!(call_line(&out, "offline"), "not made: the profile has no --url");
    // Refused profiles: exit 9, one error line naming them; no secret anywhere.
    assert_eq!(code, 9, "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    for bad in ["basic-bad", "sigv4-bad", "huawei-bad", "jwt-bad", "bearer-bad", "rsa-unknown"] {
        assert!(err.contains(bad), "{err}");
    }
    for (_, secret) in ENV {
        assert!(!out.contains(secret) && !err.contains(secret), "a secret in the output");
    }
    assert!(!out.contains("PRIVATE KEY") && !out.contains("eyJ"), "{out}");
}

#[test]
fn clock_skew_unreachable_gateways_and_refused_tokens() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let port = free_port();
    let mut c = Command::new(&python);
    c.arg(common::data_dir().join("../py/skewed_server.py")).args([&port.to_string(), "-600"]);
    let log = sb.dir.path().join("skewed.log");
    let mut server = Daemon::spawn("skewed server", c, &log);
    server.wait_http(&format!("http://127.0.0.1:{port}/"), 90, &log);
    let url = format!("http://127.0.0.1:{port}/v1");

    // A generic gateway: its URL itself is called. This clock is 10 minutes ahead.
    add(&sb, ENV, &["late", "--auth", "bearer", "--store", "env:T_BEARER", "--gateway", "generic", "--url", &url]);
    let (code, out, err) = gw(&sb, ENV, &["doctor", "--check"]);
    assert_eq!(code, 0, "{err}");
    let line = call_line(&out, "late");
    assert!(line.starts_with(&format!("accepted: GET {url} as bearer: HTTP 200; clock ")), "{line}");
    assert!(["599", "600", "601"].iter().any(|s| line.contains(&format!("clock {s} s ahead of the server"))), "{line}");
    assert!(line.contains("WARNING, SigV4 refuses requests more than 5 min off"), "{line}");

    // Nothing listens: the check cannot be made (exit 8, the profile named).
    let dead = format!("http://127.0.0.1:{}/", free_port());
    add(&sb, ENV, &["dead", "--auth", "bearer", "--store", "env:T_BEARER", "--gateway", "generic", "--url", &dead]);
    let (code, out, err) = gw(&sb, ENV, &["doctor", "--check"]);
    assert!(call_line(&out, "dead").starts_with("FAILED: GET "), "{out}");
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("could not check: dead"), "{err}");

    // An OAuth2 client its token endpoint refuses: refused before the call (exit 9).
    let token_url = format!("http://127.0.0.1:{port}/token");
    let mut c = sb.cmd();
    c.envs(ENV.iter().copied()).args([
        "profile",
        "add",
        "idp",
        "--auth",
        "oauth2",
        "--token-url",
        &token_url,
        "--client-id",
        "gwctl-doctor",
        "--url",
        &url,
        "--gateway",
        "generic",
        "--store",
        "file",
        "--secret-stdin",
        "--yes",
    ]);
    let (code, _, err) = run_with_stdin(c, b"client-secret-0123456789");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = gw(&sb, ENV, &["doctor", "--check"]);
    let line = call_line(&out, "idp");
    assert!(line.starts_with("REFUSED before the call (oauth2 client \"gwctl-doctor\"): "), "{line}");
    assert!(line.contains("invalid_client"), "{line}");
    assert_eq!(code, 9, "{err}");
    assert!(!out.contains("client-secret-0123456789") && !err.contains("client-secret-0123456789"));
}
