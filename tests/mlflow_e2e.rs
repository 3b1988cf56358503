//! End to end with the real parts: an MLflow YAML gateway (`mlflow gateway start`, from PyPI)
//! whose OpenAI provider is a local fake, behind real nginx with `auth_basic`; gwctl calls it
//! with a Basic profile.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Daemon, Sandbox, free_port, run};
use serde_json::Value;

struct Stack {
    nginx_url: String,
    gateway_url: String,
    _upstream: Daemon,
    _gateway: Daemon,
    _nginx: Daemon,
    _dir: tempfile::TempDir,
}

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

fn start(python: &Path, user: &str, password: &str) -> Option<Stack> {
    if !have("nginx") && !Path::new("/usr/sbin/nginx").exists() {
        if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
            panic!("GWCTL_REQUIRE_E2E=1 but nginx is not installed");
        }
        eprintln!("note: skipping: nginx is not installed");
        return None;
    }
    let mlflow = python.parent().unwrap().join("mlflow");
    if !mlflow.exists() {
        if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
            panic!("GWCTL_REQUIRE_E2E=1 but mlflow is not in the test venv (tests/requirements.txt)");
        }
        eprintln!("note: skipping: mlflow is not in the test venv");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // The fake OpenAI provider.
    let (upstream, up_port) = common::fake_gateway(d);

    // The MLflow YAML gateway.
    let gw_port = free_port();
    // Its config comes from gwctl scaffold mlflow.
    let sb_scaffold = common::Sandbox::new();
    let mut c = sb_scaffold.cmd();
    c.args([
        "scaffold",
        "mlflow",
        "-e",
        "chat:chat:openai:gpt-4o-mini",
        "-e",
        "completions:completions:openai:gpt-3.5-turbo-instruct",
    ])
    .args(["-e", "embeddings:embeddings:openai:text-embedding-3-small"])
    .args(["--api-base", &format!("http://127.0.0.1:{up_port}/v1"), "-o"])
    .arg(d.join("gateway.yaml"));
    let (code, _, err) = common::run(c);
    assert_eq!(code, 0, "{err}");
    let mut gw = Command::new(&mlflow);
    gw.args(["gateway", "start", "--config-path"])
        .arg(d.join("gateway.yaml"))
        .args(["--host", "127.0.0.1", "--port", &gw_port.to_string()])
        .current_dir(d)
        .env("HOME", d)
        .env("OPENAI_API_KEY", "fake-provider-key")
        .env("MLFLOW_DISABLE_TELEMETRY", "true")
        .env("GUNICORN_CMD_ARGS", "--no-control-socket");
    let mut gateway = Daemon::spawn("mlflow gateway", gw, &d.join("gateway.log"));
    gateway.wait_http(&format!("http://127.0.0.1:{gw_port}/health"), 90, &d.join("gateway.log"));

    // nginx with auth_basic in front: the server block and htpasswd come from gwctl scaffold nginx.
    let ng_port = free_port();
    let mut scaffold = Command::new(common::gwctl_bin());
    scaffold
        .args([
            "scaffold",
            "nginx",
            "--backend",
            &format!("http://127.0.0.1:{gw_port}"),
            "--user",
            user,
            "--password-stdin",
        ])
        .args(["--listen", &format!("127.0.0.1:{ng_port}"), "-o"])
        .arg(d.join("server.conf"))
        .env_clear()
        .env("HOME", d);
    let (code, _, err) = common::run_with_stdin(scaffold, password.as_bytes());
    assert_eq!(code, 0, "{err}");
    for t in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(d.join(t)).unwrap();
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let p = d.display();
    let conf = format!(
        "{user_line}worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/nginx-error.log;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  include {p}/server.conf;\n}}\n",
        user_line = if root { "user root;\n" } else { "" }
    );
    std::fs::write(d.join("nginx.conf"), conf).unwrap();
    let nginx_bin = if have("nginx") { "nginx".to_string() } else { "/usr/sbin/nginx".to_string() };
    let mut ng = Command::new(nginx_bin);
    ng.arg("-p").arg(d).arg("-c").arg(d.join("nginx.conf")).args(["-g", "daemon off;"]);
    let mut nginx = Daemon::spawn("nginx", ng, &d.join("nginx.log"));
    // Unauthenticated health answers 401, which curl -f treats as failure: wait for the port.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", ng_port)).is_err() {
        if let Ok(Some(s)) = nginx.child.try_wait() {
            panic!("nginx exited ({s}): {}", std::fs::read_to_string(d.join("nginx.log")).unwrap_or_default());
        }
        assert!(std::time::Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Some(Stack {
        nginx_url: format!("http://127.0.0.1:{ng_port}"),
        gateway_url: format!("http://127.0.0.1:{gw_port}"),
        _upstream: upstream,
        _gateway: gateway,
        _nginx: nginx,
        _dir: dir,
    })
}

#[test]
fn mlflow_gateway_behind_nginx_basic_auth() {
    let Some(python) = common::venv_python() else { return };
    let Some(stack) = start(&python, "alice", "nginx-pass-123") else { return };
    let sb = Sandbox::new();
    let mut c = sb.cmd();
    c.args(["profile", "add", "mlflow", "--auth", "basic", "--username", "alice", "--store", "env:PW"]).args([
        "--url",
        &stack.nginx_url,
        "--gateway",
        "mlflow",
    ]);
    assert_eq!(run(c).0, 0);
    let gw = |pw: &str, a: &[&str]| {
        let mut c = sb.cmd();
        c.env("PW", pw).args(a);
        run(c)
    };
    let pw = "nginx-pass-123";

    let (code, out, err) = gw(pw, &["routes", "list", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let routes: Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = routes.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["chat", "completions", "embeddings"]);
    assert_eq!(routes[0]["type"], "llm/v1/chat");
    assert_eq!(routes[0]["model"], "openai:gpt-4o-mini");

    let (code, out, err) = gw(pw, &["invoke", "route", "chat", "--prompt", "hi", "--param", "max_tokens=16"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "echo: hi");
    let (code, out, err) = gw(pw, &["invoke", "route", "completions", "--prompt", "hey", "--format", "text"]);
    assert_eq!((code, out.as_str()), (0, "done: hey\n"), "{err}");
    let (code, out, err) = gw(pw, &["invoke", "route", "embeddings", "--prompt", "abcd"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["data"][0]["embedding"][1], 4.0);
    // The OpenAI-style paths of the same gateway.
    let (code, out, err) =
        gw(pw, &["invoke", "route", "chat", "--style", "openai", "--prompt", "yo", "--format", "text"]);
    assert_eq!((code, out.as_str()), (0, "echo: yo\n"), "{err}");
    let (code, out, err) = gw(pw, &["invoke", "route", "embeddings", "--style", "openai", "--prompt", "ab"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["data"][0]["embedding"][1], 2.0);

    // Streaming chat: MLflow's own routes end without [DONE].
    let (code, out, err) = gw(pw, &["invoke", "route", "chat", "--stream", "--prompt", "hi"]);
    assert_eq!((code, out.as_str()), (0, "Hello world\n"), "{err}");
    // Streaming completions: MLflow 3.17.2 aborts the body mid-stream after sending 200 (a known
    // MLflow bug); gwctl must call that a failure, not a success.
    let (code, _, err) = gw(pw, &["invoke", "route", "completions", "--stream", "--prompt", "hi"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("broke off") || err.contains("cut off"), "{err}");

    // The wrong password is refused by nginx, and gwctl says so in one line.
    let (code, out, err) = gw("wrong-pass", &["invoke", "route", "chat", "--kind", "chat", "--prompt", "hi"]);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("HTTP 401 Unauthorized") && err.contains("asks for Basic"), "{err}");
    assert!(out.contains("401"), "nginx's body is still printed: {out}");
    assert!(!err.contains("wrong-pass"));

    // `gwctl invoke route <TAB>` in bash offers the routes of this running MLflow gateway.
    let cache = tempfile::tempdir().unwrap();
    let offered = common::bash_complete(
        &sb,
        &["gwctl", "invoke", "route", "c"],
        &[("PW", pw), ("GWCTL_PROFILE", "mlflow"), ("XDG_CACHE_HOME", cache.path().to_str().unwrap())],
    );
    assert_eq!(offered, ["chat", "completions"]);

    jwt_proxy_in_front_of_the_gateway(&python, &stack, &sb);
}

/// A PyJWT-verifying proxy in front of the same MLflow gateway: gwctl's tokens pass; a wrong
/// audience and an expired token (the proxy's clock an hour ahead) are refused, and gwctl says why.
fn jwt_proxy_in_front_of_the_gateway(python: &Path, stack: &Stack, sb: &Sandbox) {
    let dir = tempfile::tempdir().unwrap();
    let secret = "proxy-shared-hs256-secret-0123456789";
    std::fs::write(dir.path().join("key"), secret).unwrap();
    let start_proxy = |skew: &str| {
        let port = free_port();
        let mut c = Command::new(python);
        c.arg(common::data_dir().join("../py/jwt_proxy.py"))
            .args([&port.to_string(), &stack.gateway_url])
            .arg(dir.path().join("key"))
            .args(["HS256", "mlflow-gateway", "https://issuer.example"])
            .env("PROXY_CLOCK_SKEW", skew);
        let log = dir.path().join(format!("proxy-{port}.log"));
        let d = Daemon::spawn("jwt proxy", c, &log);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "{}", std::fs::read_to_string(&log).unwrap_or_default());
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        (d, format!("http://127.0.0.1:{port}"))
    };
    let (_proxy, url) = start_proxy("0");
    for (name, aud) in [("jwt-ok", "mlflow-gateway"), ("jwt-wrong-aud", "someone-else")] {
        let mut c = sb.cmd();
        c.args(["profile", "add", name, "--auth", "jwt", "--alg", "HS256", "--iss", "https://issuer.example"]).args([
            "--aud",
            aud,
            "--ttl",
            "10m",
            "--store",
            "env:JK",
            "--url",
            &url,
            "--gateway",
            "mlflow",
        ]);
        assert_eq!(run(c).0, 0);
    }
    let gw = |profile: &str, url_override: Option<&str>, a: &[&str]| {
        let mut c = sb.cmd();
        c.env("JK", secret).env("GWCTL_PROFILE", profile);
        c.args(a);
        if let Some(u) = url_override {
            c.args(["--url", u]);
        }
        run(c)
    };
    let (code, out, err) = gw("jwt-ok", None, &["invoke", "route", "chat", "--prompt", "hi", "--format", "text"]);
    assert_eq!((code, out.as_str()), (0, "echo: hi\n"), "{err}");
    let (code, out, err) = gw("jwt-ok", None, &["invoke", "route", "chat", "--prompt", "hi", "--stream"]);
    assert_eq!((code, out.as_str()), (0, "Hello world\n"), "{err}");
    let (code, _, err) = gw("jwt-wrong-aud", None, &["invoke", "route", "chat", "--kind", "chat", "--prompt", "hi"]);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("Audience doesn't match") && err.contains("check the profile's --aud"), "{err}");
    // The proxy's clock runs an hour ahead: the 10-minute token is expired there.
    let (_late, late_url) = start_proxy("3600");
    let (code, _, err) =
        gw("jwt-ok", Some(&late_url), &["invoke", "route", "chat", "--kind", "chat", "--prompt", "hi"]);
    assert_eq!(code, 9, "{err}");
    assert!(
        err.contains("Signature has expired") && err.contains("min") && err.contains("behind the server's"),
        "{err}"
    );
}
