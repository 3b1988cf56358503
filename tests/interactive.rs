//! `gwctl profile add` on a real pseudo-terminal (driven by tests/py/pty_drive.py, Python's
//! stdlib `pty`), as a person would type it: the questions in order (scheme, URL, gateway
//! flavour, user, store, secret), only the stores that answer offered with why the others are
//! not, the secret typed twice. Then the profile is used, to show what was stored.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Sandbox, run};

/// Dialoguer's Select takes `k` as arrow up, wrapping from the first item to the last: the
/// store menu ends with file, env:VAR, command:CMD whatever keyrings answer, so `kkk` is file.
const UP: &str = "k";

struct Typed {
    code: i32,
    /// The terminal's output, escape sequences removed.
    screen: String,
    /// The driver's own complaint, if any.
    driver: String,
}

/// Runs `gwctl ARGS` on a pseudo-terminal in the sandbox, answering `steps` (`("expect",
/// regex)` / `("send", text)`). `None` when there is no test venv (its python drives the pty).
fn typed(sb: &Sandbox, env: &[(&str, &str)], args: &[&str], steps: &[(&str, &str)]) -> Option<Typed> {
    let python = common::venv_python()?;
    let script = serde_json::json!({
        "timeout": 60,
        "steps": steps.iter().map(|(k, v)| [k, v]).collect::<Vec<_>>(),
    });
    let script_path = sb.dir.path().join("pty-steps.json");
    std::fs::write(&script_path, script.to_string()).unwrap();
    let driver: PathBuf = common::data_dir().join("../py/pty_drive.py");
    let mut c = Command::new(python);
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", sb.dir.path().join("home"))
        .env("GWCTL_CONFIG", sb.config())
        .env("GWCTL_KEYRING_TIMEOUT", "20")
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .arg(driver)
        .arg(&script_path)
        .arg("--")
        .arg(common::gwctl_bin())
        .args(args);
    let out = c.output().unwrap();
    Some(Typed {
        code: out.status.code().unwrap_or(-1),
        screen: String::from_utf8_lossy(&out.stdout).into_owned(),
        driver: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

fn config(sb: &Sandbox) -> String {
    std::fs::read_to_string(sb.config()).unwrap_or_default()
}

/// Scheme none (the last one), a URL, the flavour: no user, store or secret is asked for.
#[test]
fn none_profile_asks_url_and_flavour_and_no_secret() {
    let sb = Sandbox::new();
    let Some(t) = typed(
        &sb,
        &[],
        &["profile", "add", "local"],
        &[
            ("expect", "Authentication scheme"),
            ("expect", r"none\s+no credentials"),
            ("send", &format!("{UP}\r")),
            ("expect", r"Gateway URL"),
            // A URL that does not parse is refused and asked again.
            ("send", "not a url\r"),
            ("expect", r#"error: invalid URL "not a url""#),
            ("send", "http://127.0.0.1:5000\r"),
            ("expect", "Gateway flavour"),
            ("send", "\r"),
            ("expect", r#"profile "local" saved \(auth none: no credentials, no secret\)"#),
        ],
    ) else {
        return;
    };
    assert_eq!(t.code, 0, "{}\n{}", t.screen, t.driver);
    for not_asked in ["User name", "Secret store", "Password", "Token"] {
        assert!(!t.screen.contains(not_asked), "{not_asked}:\n{}", t.screen);
    }
    let c = config(&sb);
    for line in ["auth = \"none\"", "url = \"http://127.0.0.1:5000\"", "gateway = \"mlflow\""] {
        assert!(c.contains(line), "{line}:\n{c}");
    }
    assert!(!c.contains("store ="), "{c}");
}

/// Basic, with the Secret Service unreachable (no D-Bus): it is not offered, and the probe's
/// reason is shown; the file store is chosen; a mistyped confirmation is asked again; the
/// stored password is the one typed twice.
#[test]
fn basic_profile_offers_the_stores_that_answer_and_confirms_the_password() {
    let sb = Sandbox::new();
    let no_bus = format!("unix:path={}", sb.dir.path().join("no-bus").display());
    let env = [("GWCTL_FILE_PASSPHRASE", "interactive-test-passphrase"), ("DBUS_SESSION_BUS_ADDRESS", &no_bus)];
    let mut steps = vec![
        ("expect", "Authentication scheme"),
        ("send", "\r"),
        ("expect", "Gateway URL"),
        ("send", "http://127.0.0.1:8080\r"),
        ("expect", "Gateway flavour"),
        ("send", "\r"),
        ("expect", "User name"),
        ("send", "alice\r"),
    ];
    if cfg!(target_os = "linux") {
        steps.push(("expect", r"not offered: secret-service: \S"));
    }
    let pick_file = format!("{}\r", UP.repeat(3));
    steps.extend([
        ("expect", r"file\s+an age-encrypted file in"),
        ("expect", r"command:CMD\s+printed by a command"),
        ("send", &pick_file),
        ("expect", "Password:"),
        ("send", "first try\r"),
        ("expect", r"Password \(again\):"),
        ("send", "a typo\r"),
        ("expect", r"the two entries differ; type it again \(2 tries left\)"),
        ("expect", "Password:"),
        ("send", "s3cret pw\r"),
        ("expect", r"Password \(again\):"),
        ("send", "s3cret pw\r"),
        ("expect", r#"profile "dev" saved \(basic, secret in file\)"#),
    ]);
    let Some(t) = typed(&sb, &env, &["profile", "add", "dev"], &steps) else { return };
    assert_eq!(t.code, 0, "{}\n{}", t.screen, t.driver);
    assert!(!t.screen.contains("s3cret") && !t.screen.contains("typo"), "the secret was echoed:\n{}", t.screen);
    let c = config(&sb);
    for line in ["auth = \"basic\"", "username = \"alice\"", "store = \"file\"", "url = \"http://127.0.0.1:8080\""] {
        assert!(c.contains(line), "{line}:\n{c}");
    }
    // What was stored is what was typed twice.
    let mut c = sb.cmd();
    c.env("GWCTL_FILE_PASSPHRASE", env[0].1).args(["sign", "-p", "dev", "/v"]);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    // base64("alice:s3cret pw")
    assert!(out.contains("Authorization: Basic YWxpY2U6czNjcmV0IHB3"), "{out}");
}

/// Flags given are not asked again; a secret typed differently three times saves nothing.
#[test]
fn mismatched_secret_three_times_saves_nothing() {
    let sb = Sandbox::new();
    let env = [("GWCTL_FILE_PASSPHRASE", "interactive-test-passphrase")];
    let mut steps = Vec::new();
    for (a, b) in [("one", "two"), ("three", "four"), ("five", "six")] {
        steps.extend([
            ("expect", "Token:"),
            ("send", a),
            ("send", "\r"),
            ("expect", r"Token \(again\):"),
            ("send", b),
            ("send", "\r"),
        ]);
    }
    steps.push(("expect", "differed 3 times"));
    let args = [
        "profile",
        "add",
        "tok",
        "--auth",
        "bearer",
        "--url",
        "http://127.0.0.1:9",
        "--gateway",
        "generic",
        "--store",
        "file",
    ];
    let Some(t) = typed(&sb, &env, &args, &steps) else { return };
    assert_eq!(t.code, 3, "{}\n{}", t.screen, t.driver);
    for not_asked in ["Authentication scheme", "Gateway URL", "Gateway flavour", "Secret store"] {
        assert!(!t.screen.contains(not_asked), "{not_asked}:\n{}", t.screen);
    }
    assert!(!config(&sb).contains("tok"), "{}", config(&sb));
    assert!(!sb.config_dir().join("secrets/tok.age").exists());
}

/// Without a terminal nothing is asked: the flags decide, as before.
#[test]
fn without_a_terminal_nothing_is_asked() {
    let sb = Sandbox::new();
    let mut c = sb.cmd();
    c.args(["profile", "add", "x"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--auth is required (there is no terminal to ask on)"), "{err}");
    let mut c = sb.cmd();
    c.args(["profile", "add", "x", "--auth", "basic", "--username", "u", "--store", "env:P"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
