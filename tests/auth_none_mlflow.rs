//! A plain `mlflow gateway start` checks no credentials: gwctl calls it with `--url` alone and
//! through the `--auth none` profile that `gwctl scaffold mlflow` suggests, following the
//! printed "next:" lines as a new user would. The OpenAI provider behind it is a local fake.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Daemon, Sandbox, free_port, run};

/// The lines `gwctl scaffold …` printed after "next:", as commands (leading spaces removed).
fn next_lines(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .skip_while(|l| !l.contains("next:"))
        .skip(1)
        .filter(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect()
}

fn mlflow(python: &Path) -> Option<std::path::PathBuf> {
    let mlflow = python.parent().unwrap().join("mlflow");
    if mlflow.exists() {
        return Some(mlflow);
    }
    assert!(
        std::env::var("GWCTL_REQUIRE_E2E").as_deref() != Ok("1"),
        "GWCTL_REQUIRE_E2E=1 but mlflow is not in the test venv (tests/requirements.txt)"
    );
    eprintln!("note: skipping: mlflow is not in the test venv");
    None
}

#[test]
fn plain_mlflow_gateway_with_url_alone_and_the_scaffolded_none_profile() {
    let Some(python) = common::venv_python() else { return };
    let Some(mlflow) = mlflow(&python) else { return };
    let sb = Sandbox::new();
    let d = sb.dir.path();
    let (_provider, provider_port) = common::fake_gateway(d);

    // gwctl scaffold mlflow: the config, and what to do next.
    let mut c = sb.cmd();
    c.args(["scaffold", "mlflow", "-e", "chat:chat:openai:gpt-4o-mini"])
        .args(["-e", "embeddings:embeddings:openai:text-embedding-3-small"])
        .args(["--api-base", &format!("http://127.0.0.1:{provider_port}/v1"), "-o"])
        .arg(d.join("config.yaml"));
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let next = next_lines(&err);
    let add = next.iter().find(|l| l.starts_with("gwctl profile add")).unwrap_or_else(|| panic!("{err}"));
    assert!(add.contains("--auth none") && !add.contains("basic") && !add.contains('…'), "{err}");
    assert!(next.iter().any(|l| l.starts_with("mlflow gateway start")), "{err}");

    // The gateway, started as the hint says (on a free port instead of 5000).
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let mut gw = Command::new(&mlflow);
    gw.args(["gateway", "start", "--config-path"])
        .arg(d.join("config.yaml"))
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .current_dir(d)
        .env("HOME", d)
        .env("OPENAI_API_KEY", "fake-provider-key")
        .env("MLFLOW_DISABLE_TELEMETRY", "true")
        .env("GUNICORN_CMD_ARGS", "--no-control-socket");
    let log = d.join("gateway.log");
    let mut gateway = Daemon::spawn("mlflow gateway", gw, &log);
    gateway.wait_http(&format!("{url}/health"), 90, &log);

    // With no profile at all: --url alone.
    let mut c = sb.cmd();
    c.args(["routes", "list", "--url", &url]);
    let (code, out, err) = run(c);
    assert_eq!((code, err.as_str()), (0, ""), "{err}");
    assert!(out.lines().any(|l| l.starts_with("chat ")) && out.contains("embeddings"), "{out}");
    let mut c = sb.cmd();
    c.args(["invoke", "route", "chat", "--url", &url, "--prompt", "hello", "--format", "text"]);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(!out.trim().is_empty(), "{out}");

    // The profile the hint printed, with its URL pointed at this port, then its invoke line.
    let words: Vec<String> =
        add.replace("http://127.0.0.1:5000", &url).split_whitespace().skip(1).map(str::to_string).collect();
    let mut c = sb.cmd();
    c.args(&words);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{add}: {err}");
    let invoke = next.iter().find(|l| l.starts_with("gwctl invoke route")).unwrap_or_else(|| panic!("{next:?}"));
    let mut c = sb.cmd();
    c.args(invoke.split_whitespace().skip(1)).args(["--format", "text"]);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{invoke}: {err}");
    assert!(!out.trim().is_empty(), "{out}");
    let mut c = sb.cmd();
    c.args(["invoke", "route", "embeddings", "--prompt", "a", "--prompt", "b"]);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("embedding"), "{out}");
}

/// The nginx scaffold checks Basic: its hint is a basic profile on nginx's port.
#[test]
fn nginx_scaffold_hint_is_a_basic_profile() {
    let sb = Sandbox::new();
    let conf = sb.dir.path().join("mlflow.conf");
    let mut c = sb.cmd();
    c.args(["scaffold", "nginx", "--backend", "http://127.0.0.1:5000", "--user", "alice", "--password-stdin"])
        .args(["--listen", "8080", "-o"])
        .arg(&conf);
    let (code, _, err) = common::run_with_stdin(c, b"pw\n");
    assert_eq!(code, 0, "{err}");
    let next = next_lines(&err);
    let add = next.iter().find(|l| l.starts_with("gwctl profile add")).unwrap_or_else(|| panic!("{err}"));
    assert!(
        add.contains("--auth basic") && add.contains("--username alice") && add.contains("--url http://127.0.0.1:8080"),
        "{err}"
    );
}
