//! The AI Gateway inside `mlflow server --app-name basic-auth` (tracking server, real, from
//! PyPI): an endpoint created through its REST API, invoked and listed by gwctl with Basic.

mod common;

use std::process::Command;

use common::{Daemon, Sandbox, free_port, run};
use serde_json::Value;

#[test]
fn tracking_server_gateway_with_basic_auth() {
    let Some(python) = common::venv_python() else { return };
    let bin = python.parent().unwrap();
    let ok = Command::new(&python).args(["-c", "import mlflow.server.auth"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        assert!(std::env::var("GWCTL_REQUIRE_E2E").as_deref() != Ok("1"), "mlflow[auth] is not in the test venv");
        eprintln!("note: skipping: mlflow[auth] is not in the test venv");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_upstream, up_port) = common::fake_gateway(d);
    let port = free_port();
    let admin_password = "admin-pass-4242";
    let mut server = Command::new(bin.join("mlflow"));
    server
        .args(["server", "--app-name", "basic-auth", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg("--backend-store-uri")
        .arg(format!("sqlite:///{}/mlflow.db", d.display()))
        .current_dir(d)
        .env("HOME", d)
        .env("MLFLOW_FLASK_SERVER_SECRET_KEY", "test-flask-secret")
        .env("MLFLOW_AUTH_ADMIN_PASSWORD", admin_password)
        .env("MLFLOW_GATEWAY_API_BASE_ALLOWED_SCHEMES", "http,https")
        .env("MLFLOW_GATEWAY_API_BASE_ALLOW_PRIVATE_IPS", "true")
        .env("MLFLOW_DISABLE_TELEMETRY", "true")
        .env("GUNICORN_CMD_ARGS", "--no-control-socket");
    let url = format!("http://127.0.0.1:{port}");
    let mut server = Daemon::spawn("mlflow server", server, &d.join("server.log"));
    server.wait_http(&format!("{url}/health"), 120, &d.join("server.log"));

    let setup = Command::new(&python)
        .arg(common::data_dir().join("../py/mlflow_server_setup.py"))
        .args([&url, &format!("http://127.0.0.1:{up_port}/v1"), "chat"])
        .env("MLFLOW_TRACKING_USERNAME", "admin")
        .env("MLFLOW_TRACKING_PASSWORD", admin_password)
        .current_dir(d)
        .env("HOME", d)
        .output()
        .unwrap();
    assert!(setup.status.success(), "{}", String::from_utf8_lossy(&setup.stderr));

    let sb = Sandbox::new();
    let mut c = sb.cmd();
    c.args(["profile", "add", "ts", "--auth", "basic", "--username", "admin", "--store", "env:PW"]).args([
        "--url",
        &url,
        "--gateway",
        "mlflow-server",
    ]);
    assert_eq!(run(c).0, 0);
    let gw = |pw: &str, a: &[&str]| {
        let mut c = sb.cmd();
        c.env("PW", pw).args(a);
        run(c)
    };

    let (code, out, err) = gw(admin_password, &["routes", "list", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["name"], "chat");
    assert_eq!(v[0]["model"], "openai:gpt-4o-mini");
    assert_eq!(v[0]["url"], "/gateway/chat/mlflow/invocations");

    let (code, out, err) = gw(admin_password, &["invoke", "route", "chat", "--prompt", "hi", "--format", "text"]);
    assert_eq!((code, out.as_str()), (0, "echo: hi\n"), "{err}");
    let (code, out, err) = gw(admin_password, &["invoke", "route", "chat", "--prompt", "hi", "--stream"]);
    assert_eq!((code, out.as_str()), (0, "Hello world\n"), "{err}");
    let (code, _, err) = gw("wrong", &["invoke", "route", "chat", "--prompt", "hi"]);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("HTTP 401 Unauthorized") && err.contains("asks for Basic"), "{err}");

    // Password rotation through MLflow's own user API, interrupted once and resumed.
    let curl = |user_pw: &str, args: &[&str]| {
        let out = Command::new("curl")
            .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", user_pw])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let created = curl(
        &format!("admin:{admin_password}"),
        &[
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "-d",
            r#"{"username":"alice","password":"alice-old-pass-1"}"#,
        ]
        .iter()
        .copied()
        .chain([format!("{url}/api/2.0/mlflow/users/create").as_str()])
        .collect::<Vec<_>>(),
    );
    assert_eq!(created, "200");
    let (code, _, err) =
        common::run_with_stdin(
            {
                let mut c = sb.cmd();
                c.args(["profile", "add", "al", "--auth", "basic", "--username", "alice", "--store", "keyutils"])
                    .args(["--url", &url, "--gateway", "mlflow-server", "--secret-stdin"]);
                c
            },
            b"alice-old-pass-1",
        );
    assert_eq!(code, 0, "{err}");
    let me = format!("{url}/api/2.0/mlflow/users/get?username=alice");
    assert_eq!(curl("alice:alice-old-pass-1", &[&me]), "200");
    let profile_works = || {
        let mut c = sb.cmd();
        c.args(["invoke", "endpoint", "/api/2.0/mlflow/users/get?username=alice", "--profile", "al"]);
        run(c)
    };
    assert_eq!(profile_works().0, 0);

    // Killed right after the server took the new password: the profile's current password no
    // longer works, but the new one waits in the pending slot and the re-run finishes.
    let mut c = sb.cmd();
    c.args(["keys", "rotate", "--profile", "al", "--yes"]);
    common::kill_at_failpoint(c, "after-change");
    assert_eq!(curl("alice:alice-old-pass-1", &[&me]), "401", "the server has the new password");
    let (code, out, _) = {
        let mut c = sb.cmd();
        c.args(["profile", "show", "al"]);
        run(c)
    };
    assert!(code == 0 && out.contains("step = \"changing\"") && out.contains("# pending secret: ****"), "{out}");
    let mut c = sb.cmd();
    c.args(["keys", "rotate", "--profile", "al", "--yes"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("the server accepts the new password"), "{err}");
    let (code, out, err) = profile_works();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"username\": \"alice\"") || out.contains("\"username\":\"alice\""), "{out}");

    // And once more without interruption: the password changes again, the last one is refused.
    let basic_of = || {
        let mut c = sb.cmd();
        c.args(["sign", "--profile", "al", &me]);
        let (_, out, _) = run(c);
        out.lines().find_map(|l| l.strip_prefix("Authorization: ").map(str::to_string)).unwrap()
    };
    let before = basic_of();
    let mut c = sb.cmd();
    c.args(["keys", "rotate", "--profile", "al", "--yes"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert_ne!(basic_of(), before);
    assert_eq!(profile_works().0, 0);
    let status = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", &format!("Authorization: {before}"), &me])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "401", "the previous password is refused");
}
