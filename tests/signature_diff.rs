//! Why a signature failed: when the server's refusal says what it signed (S3's XML, API
//! Gateway's JSON message, `gwctl serve --explain`), `gwctl invoke` prints, after the one-line
//! error, its canonical request and string to sign against the server's, line by line, naming
//! the first difference. Against `gwctl serve --explain` (a real verifier), directly and behind a
//! proxy that changes a signed header. (moto 5.2 never puts the canonical request in its
//! `SignatureDoesNotMatch` bodies, so it has nothing to compare; the S3 and API Gateway shapes
//! are covered by unit tests in `gateway::errors`.)

mod common;

use std::process::Command;

use common::{Daemon, Sandbox, free_port, run};

const ENV: &[(&str, &str)] = &[
    ("T_SIGV4", "sigv4SecretKey0123456789abcdefghijklmnop"),
    ("T_HUAWEI", "huaweiSecret0123456789abcdefghijklmnopqr"),
    ("T_WRONG", "wrong-secret-value-9876543210abcdefghij"),
    ("T_TOKEN", "session-token-value-0123456789"),
];

fn gw(sb: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let mut c = sb.cmd();
    c.envs(ENV.iter().copied()).args(args);
    run(c)
}

fn add(sb: &Sandbox, args: &[&str]) {
    let (code, _, err) = gw(sb, &[&["profile", "add"][..], args, &["--yes"]].concat());
    assert_eq!(code, 0, "profile add {args:?}: {err}");
}

fn invoke(sb: &Sandbox, profile: &str, url: &str) -> (i32, String, String) {
    gw(
        sb,
        &[
            "invoke",
            "endpoint",
            url,
            "-p",
            profile,
            "-H",
            "X-Note: hello",
            "-H",
            "Content-Type: application/json",
            "-d",
            r#"{"messages":[{"role":"user","content":"hi"}]}"#,
        ],
    )
}

#[test]
fn the_server_canonical_request_against_gwctls() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let d = sb.dir.path();
    let (port, proxy) = (free_port(), free_port());
    for (name, store) in [("sigv4", "env:T_SIGV4"), ("sigv4-bad", "env:T_WRONG")] {
        add(
            &sb,
            &[
                name,
                "--auth",
                "sigv4",
                "--access-key-id",
                "AKIADIFFTEST00000001",
                "--region",
                "eu-west-1",
                "--service",
                "execute-api",
                "--store",
                store,
            ],
        );
    }
    add(&sb, &["huawei", "--auth", "huawei", "--access-key-id", "AKHUAWEI01", "--store", "env:T_HUAWEI"]);

    let mut c = sb.cmd();
    c.envs(ENV.iter().copied()).args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--explain"]);
    c.args(["--accept", "sigv4", "--accept", "huawei"]);
    let log = d.join("serve.log");
    let mut server = Daemon::spawn("gwctl serve", c, &log);
    server.wait_http(&format!("http://127.0.0.1:{port}/health"), 90, &log);
    let mut c = Command::new(&python);
    c.arg(common::data_dir().join("../py/header_proxy.py")).args([
        &proxy.to_string(),
        &port.to_string(),
        "X-Note",
        "-changed",
    ]);
    let plog = d.join("proxy.log");
    let mut proxied = Daemon::spawn("header proxy", c, &plog);
    proxied.wait_http(&format!("http://127.0.0.1:{proxy}/health"), 90, &plog);
    let direct = format!("http://127.0.0.1:{port}/endpoints/chat/invocations");
    let through = format!("http://127.0.0.1:{proxy}/endpoints/chat/invocations");

    // Signed right, sent straight: accepted, nothing more said.
    let (code, _, err) = invoke(&sb, "sigv4", &direct);
    assert_eq!(code, 0, "{err}");

    // A proxy changed a signed header: the error line, then the diff at that header.
    let (code, out, err) = invoke(&sb, "sigv4", &through);
    assert_eq!(code, 9, "{err}");
    assert!(out.contains("canonical_request"), "the refusal is printed: {out}");
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines[0].starts_with("gwctl: error: HTTP 403 Forbidden: signature mismatch"), "{err}");
    assert!(
        lines[1].starts_with(
            "gwctl: the server's canonical request differs from gwctl's, first at line 7 (the header x-note)"
        ),
        "{err}"
    );
    assert!(err.contains("\n  - x-note:hello\n  + x-note:hello-changed\n"), "{err}");
    // The string to sign differs only by the canonical request's hash (its last line).
    assert!(
        err.contains("string to sign differs from gwctl's, first at line 4 (the hash of the canonical request)"),
        "{err}"
    );

    // The AK/SK variant: its string to sign has no scope line.
    let (code, _, err) = invoke(&sb, "huawei", &through);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("first at line 6 (the header x-note)"), "{err}"); // no x-amz-content-sha256
    assert!(err.contains("first at line 3 (the hash of the canonical request)"), "{err}");

    // A wrong secret: both texts match, so the key is what differs.
    let (code, _, err) = invoke(&sb, "sigv4-bad", &direct);
    assert_eq!(code, 9, "{err}");
    assert!(err.lines().next().unwrap_or("").starts_with("gwctl: error: HTTP 403"), "{err}");
    assert!(
        err.contains(
            "gwctl: the server computed the same canonical request and string to sign as gwctl: the difference is the key itself"
        ),
        "{err}"
    );
    for (_, secret) in ENV {
        assert!(!err.contains(secret), "a secret on stderr: {err}");
    }

    // Another scheme, or a refusal without the server's texts: nothing after the error line.
    let (code, _, err) = gw(&sb, &["invoke", "endpoint", &direct, "--auth", "bearer", "-d", "{}"]);
    let _ = code;
    assert!(!err.contains("canonical request"), "{err}");
}

#[test]
fn a_session_token_in_the_canonical_request_is_never_shown() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let d = sb.dir.path();
    let (port, proxy) = (free_port(), free_port());
    // Temporary credentials (credential_process JSON with a session token) that serve accepts.
    let token = "IQoJb3JpZ2luX2VjEJ-session-token-0123456789";
    let creds = format!(
        r#"{{"Version":1,"AccessKeyId":"ASIADIFFTEST00000002","SecretAccessKey":"{}","SessionToken":"{token}"}}"#,
        ENV[0].1
    );
    let env = [("T_CREDS", creds.as_str())];
    let mut c = sb.cmd();
    c.envs(env).args(["profile", "add", "tmp", "--auth", "sigv4", "--access-key-id", "ASIADIFFTEST00000002"]);
    c.args(["--region", "eu-west-1"]);
    c.args(["--service", "execute-api", "--store", "env:T_CREDS", "--yes"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let mut c = sb.cmd();
    c.envs(env).args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--explain", "--accept", "tmp"]);
    let log = d.join("serve.log");
    let mut server = Daemon::spawn("gwctl serve", c, &log);
    server.wait_http(&format!("http://127.0.0.1:{port}/health"), 90, &log);
    let mut c = Command::new(&python);
    c.arg(common::data_dir().join("../py/header_proxy.py")).args([
        &proxy.to_string(),
        &port.to_string(),
        "X-Note",
        "-changed",
    ]);
    let plog = d.join("proxy.log");
    let mut proxied = Daemon::spawn("header proxy", c, &plog);
    proxied.wait_http(&format!("http://127.0.0.1:{proxy}/health"), 90, &plog);

    let mut c = sb.cmd();
    c.envs(env).args(["invoke", "endpoint", &format!("http://127.0.0.1:{proxy}/endpoints/chat/invocations")]);
    c.args(["-p", "tmp", "-H", "X-Note: hello", "-d", "{}"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("\n  - x-note:hello\n  + x-note:hello-changed\n"), "{err}");
    // The token line is compared (the server masked its copy: not a difference) and masked.
    assert!(err.contains("\n    x-amz-security-token:****\n"), "{err}");
    assert!(!err.contains(token) && !err.contains("IQoJ"), "the session token on stderr: {err}");
}
