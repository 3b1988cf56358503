//! The README's run command (`cargo run --release -- demo`): its arguments are read from the
//! README and given to the test's gwctl binary, which must exit 0 in time with a 200 row per
//! scheme and call (OAuth2 included, its token found through discovery), the batch summary with
//! every line ok, and the refusals of wrong secrets. `demo --keep` leaves a server that the
//! printed environment reaches (the oauth2 profile through gwctl's own token provider), and
//! stops on Ctrl-C.

mod common;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The arguments after `cargo run --release --` in the README's "The two commands".
fn readme_run_args() -> Vec<String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.trim_start().starts_with("cargo run --release -- "))
        .expect("the README's run command");
    line.trim().trim_start_matches("cargo run --release -- ").split_whitespace().map(str::to_string).collect()
}

/// gwctl with a throwaway HOME and config dirs and nothing else of the environment.
fn demo_cmd(home: &std::path::Path) -> Command {
    let mut c = Command::new(common::gwctl_bin());
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"));
    c
}

#[test]
fn the_readme_run_command_shows_every_scheme() {
    let args = readme_run_args();
    assert_eq!(args, ["demo"]);
    let home = tempfile::tempdir().unwrap();
    let mut c = demo_cmd(home.path());
    c.args(&args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = c.spawn().unwrap();
    let deadline = start + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("gwctl demo did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(start.elapsed() < Duration::from_secs(30), "took {:?}", start.elapsed());

    // The table: a 200 row for each scheme and call.
    let table: Vec<Vec<&str>> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("SCHEME"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split("  ").map(str::trim).filter(|c| !c.is_empty()).collect())
        .collect();
    for scheme in ["basic", "sigv4", "apipark", "huawei", "jwt", "bearer", "oauth2"] {
        for call in ["routes list", "chat", "chat (stream)"] {
            let row = table.iter().find(|r| r.first() == Some(&scheme) && r.get(1) == Some(&call));
            let row = row.unwrap_or_else(|| panic!("no {scheme} {call} row:\n{stdout}"));
            assert_eq!(row.get(2), Some(&"200"), "{row:?}");
            assert!(row.get(3).is_some_and(|l| l.ends_with(" ms")), "{row:?}");
        }
        assert!(stdout.contains(&format!("Hello through {scheme}")), "{stdout}");
    }
    assert_eq!(table.len(), 21, "{stdout}");
    // OAuth2: the token from serve's own token endpoint, found through discovery.
    let port = stdout.lines().next().and_then(|l| l.split("http://127.0.0.1:").nth(1)).unwrap();
    let port = port.split(|c: char| !c.is_ascii_digit()).next().unwrap();
    let token_line = format!("oauth2   token   Bearer JWT from http://127.0.0.1:{port}/oauth2/token (discovered)");
    assert!(stdout.contains(&token_line), "{stdout}");
    // The batch: every line ok, through the library's runner.
    let batch = stdout.lines().find(|l| l.starts_with("invoke batch: ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(batch.contains("20 lines (10 chat, 10 embeddings) through sigv4"), "{batch}");
    assert!(batch.contains(": 20 ok, 0 failed; 20 requests in ") && batch.contains(" req/s"), "{batch}");
    // The refusals, with the server's reason (and for SigV4 what it signed).
    assert!(stdout.contains("basic with a wrong secret: HTTP 401 wrong_password: wrong password"), "{stdout}");
    assert!(stdout.contains("sigv4 with a wrong secret: HTTP 403 signature_mismatch"), "{stdout}");
    assert!(stdout.contains("AWS4-HMAC-SHA256\n") && stdout.contains("/endpoints/chat/invocations"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "oauth2 with a wrong secret: exit 4: the token endpoint http://127.0.0.1:{port}/oauth2/token refused \
             the request: invalid_client (wrong client secret for client \"gwctl-demo\" (client_secret_basic))"
        )),
        "{stdout}"
    );
    assert!(stdout.contains("gwctl profile add sigv4 --auth sigv4"), "{stdout}");

    // Nothing in the user's config dir; the temporary one is gone.
    assert!(!home.path().join(".config/gwctl").exists());
    let tmp = stdout.lines().find_map(|l| l.strip_prefix("profiles in ")).unwrap();
    let tmp = std::path::Path::new(tmp.split_whitespace().next().unwrap());
    assert!(tmp.ends_with("config.toml") && !tmp.exists(), "{}", tmp.display());
}

#[test]
fn demo_keep_serves_the_printed_environment_until_ctrl_c() {
    let home = tempfile::tempdir().unwrap();
    let mut c = demo_cmd(home.path());
    c.args(["demo", "--keep"]).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut env_sh = None;
    let mut url = None;
    let deadline = Instant::now() + Duration::from_secs(60);
    while env_sh.is_none() || url.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = rx.recv_timeout(left) else {
            let _ = child.kill();
            panic!("demo --keep printed no environment");
        };
        if let Some(u) = line.strip_prefix("URL=") {
            url = Some(u.to_string());
        }
        if let Some(rest) = line.trim().strip_prefix("source ") {
            env_sh = Some(rest.split_whitespace().next().unwrap().to_string());
        }
    }
    let (env_sh, url) = (env_sh.unwrap(), url.unwrap());
    // By hand, in another shell: the profiles and their secrets from the printed environment.
    let script = format!(
        "set -e; source '{env_sh}'; '{bin}' invoke route chat -p sigv4 --prompt 'by hand' --format text; \
         '{bin}' invoke route chat -p oauth2 --prompt 'oauth2 by hand' --format text; \
         '{bin}' routes list -p jwt --format json",
        bin = common::gwctl_bin().display()
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.starts_with("by hand\noauth2 by hand\n") && text.contains("\"embeddings\""), "{text}");
    let meta = std::fs::metadata(&env_sh).unwrap();
    assert_eq!(std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077, 0);
    assert!(url.starts_with("http://127.0.0.1:"));

    // Ctrl-C: the server stops, the demo exits 0 and deletes its directory.
    assert!(Command::new("kill").args(["-s", "INT", &child.id().to_string()]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "demo --keep did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status}");
    assert!(!std::path::Path::new(&env_sh).exists());
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "the server still answers");
}
