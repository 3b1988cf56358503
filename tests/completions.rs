//! Shell completions: the shipped static scripts are current and parse in their shells; the
//! dynamic engine offers profile names and a gateway's routes, driven through real bash and fish.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::{Sandbox, run};

const SCRIPTS: [(&str, &str); 5] = [
    ("bash", "gwctl.bash"),
    ("zsh", "_gwctl"),
    ("fish", "gwctl.fish"),
    ("powershell", "_gwctl.ps1"),
    ("elvish", "gwctl.elv"),
];

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

fn require(tool: &str) -> bool {
    if have(tool) {
        return true;
    }
    assert!(
        std::env::var("GWCTL_REQUIRE_E2E").as_deref() != Ok("1"),
        "GWCTL_REQUIRE_E2E=1 but {tool} is not installed"
    );
    eprintln!("note: skipping: {tool} is not installed");
    false
}

#[test]
fn shipped_scripts_are_current() {
    let dir = common::data_dir().join("../../completions");
    let mut stale = Vec::new();
    for (shell, file) in SCRIPTS {
        let out = Command::new(common::gwctl_bin()).args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let shipped = std::fs::read(dir.join(file)).unwrap_or_default();
        if shipped != out.stdout {
            stale.push(file);
        }
    }
    assert!(stale.is_empty(), "completions/{stale:?} are stale: regenerate with ./scripts/gen-completions");
}

#[test]
fn shipped_scripts_parse() {
    let dir = common::data_dir().join("../../completions");
    for (shell, file) in [("bash", "gwctl.bash"), ("zsh", "_gwctl"), ("fish", "gwctl.fish")] {
        if !require(shell) {
            continue;
        }
        let out = Command::new(shell).arg("-n").arg(dir.join(file)).output().unwrap();
        assert!(out.status.success(), "{shell} -n {file}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn bash_and_fish_offer_profile_names() {
    let sb = Sandbox::new();
    for name in ["prod", "preview", "dev"] {
        let mut c = sb.cmd();
        c.args(["profile", "add", name, "--auth", "bearer", "--store", "env:T"]);
        assert_eq!(run(c).0, 0);
    }
    assert_eq!(common::bash_complete(&sb, &["gwctl", "sign", "--profile", "pr"], &[]), ["preview", "prod"]);
    assert_eq!(common::bash_complete(&sb, &["gwctl", "invoke", "route", "x", "--profile", "d"], &[]), ["dev"]);
    let shown = common::bash_complete(&sb, &["gwctl", "profile", "show", ""], &[]);
    assert!(["dev", "preview", "prod"].iter().all(|p| shown.contains(&p.to_string())), "{shown:?}");

    if require("fish") {
        let mut c = sb.cmd();
        c.env_remove("PATH");
        let out = Command::new("fish")
            .arg("-c")
            .arg(format!(
                "COMPLETE=fish '{}' | source; complete -C 'gwctl sign --profile pr'",
                common::gwctl_bin().display()
            ))
            .env_clear()
            .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
            .env("PATH", std::env::var_os("PATH").unwrap())
            .output()
            .unwrap();
        let names: Vec<String> =
            String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').next().unwrap().to_string()).collect();
        assert_eq!(names, ["preview", "prod"], "{}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn bash_offers_the_gateways_routes_quickly_and_from_cache() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let (server, port) = common::fake_gateway(dir.path());
    let mut c = sb.cmd();
    c.args(["profile", "add", "dev", "--auth", "bearer", "--store", "env:T", "--gateway", "mlflow"])
        .args(["--url", &format!("http://127.0.0.1:{port}")]);
    assert_eq!(run(c).0, 0);
    let env = [("T", "tok"), ("XDG_CACHE_HOME", dir.path().to_str().unwrap())];
    let got = common::bash_complete(&sb, &["gwctl", "invoke", "route", "ch"], &env);
    assert_eq!(got, ["chat", "chat-done"]);
    // The server goes away: the short-lived cache still answers, at once.
    drop(server);
    let start = Instant::now();
    assert_eq!(common::bash_complete(&sb, &["gwctl", "invoke", "route", "emb"], &env), ["embeddings"]);
    assert!(start.elapsed() < Duration::from_secs(2));

    // A gateway that never answers: the shell gets its prompt back within the budget.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = sb.cmd();
    c.args(["profile", "add", "slow", "--auth", "bearer", "--store", "env:T", "--gateway", "mlflow"])
        .args(["--url", &format!("http://127.0.0.1:{}", silent.local_addr().unwrap().port())]);
    assert_eq!(run(c).0, 0);
    let start = Instant::now();
    let got =
        common::bash_complete(&sb, &["gwctl", "invoke", "route", ""], &[("GWCTL_PROFILE", "slow"), env[0], env[1]]);
    let took = start.elapsed();
    assert!(got.iter().all(|c| c.starts_with("--")), "no routes, only the options: {got:?}");
    assert!(
        took < Duration::from_millis(2500),
        "completion took {took:?} (a 300 ms lookup budget plus bash and gwctl start-up)"
    );
}

#[test]
fn man_page_renders() {
    let out = Command::new(common::gwctl_bin()).arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH gwctl 1") && page.contains("invoke"), "{}", &page[..page.len().min(400)]);
}
