//! Profiles in a real Secret Service: gnome-keyring-daemon, unlocked for a throwaway HOME,
//! inside `dbus-run-session`. `secret-tool` (libsecret) checks independently that the secret
//! is where gwctl says. Also: no keyring on the bus, and a bus that never answers.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{AK, SK, Sandbox, run, run_with_stdin};

const T: &str = "20150830T123600Z";
const URL: &str = "https://example.amazonaws.com/";

/// A private D-Bus session (dbus-run-session) with, optionally, an unlocked gnome-keyring.
struct Session {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Session {
    fn start(with_keyring: bool) -> Option<Session> {
        let tools = ["dbus-run-session", "dbus-send", "gnome-keyring-daemon", "secret-tool"];
        if let Some(missing) = tools.iter().find(|t| !have(t)) {
            if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
                panic!(
                    "GWCTL_REQUIRE_E2E=1 but {missing} is not installed (apt-get install dbus gnome-keyring libsecret-tools)"
                );
            }
            eprintln!("note: skipping: {missing} is not installed");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let run_dir = dir.path().join("run");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&run_dir).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&run_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let addr_file = dir.path().join("bus-address");
        let body = if with_keyring {
            "printf %s test-login-password | exec gnome-keyring-daemon --foreground --unlock --components=secrets"
        } else {
            "exec sleep 600"
        };
        let script = format!("echo \"$DBUS_SESSION_BUS_ADDRESS\" > \"$1\"; {body}");
        let child = Command::new("dbus-run-session")
            .args(["--", "sh", "-c", &script, "sh"])
            .arg(&addr_file)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_RUNTIME_DIR", &run_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("session.log")).unwrap())
            .process_group(0)
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let addr = loop {
            let a = std::fs::read_to_string(&addr_file).unwrap_or_default();
            if !a.trim().is_empty() {
                break a.trim().to_string();
            }
            assert!(Instant::now() < deadline, "dbus-run-session did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        let session = Session { child, addr, _dir: dir };
        if with_keyring {
            while !session.name_owned("org.freedesktop.secrets") {
                assert!(Instant::now() < deadline, "gnome-keyring-daemon did not take org.freedesktop.secrets");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Some(session)
    }

    fn name_owned(&self, name: &str) -> bool {
        let out = Command::new("dbus-send")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.addr)
            .args(["--session", "--dest=org.freedesktop.DBus", "--print-reply", "/org/freedesktop/DBus"])
            .args(["org.freedesktop.DBus.NameHasOwner", &format!("string:{name}")])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains("boolean true")
    }

    fn gwctl(&self, sb: &Sandbox) -> Command {
        let mut c = sb.cmd();
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.addr);
        c
    }

    /// libsecret's own lookup of gwctl's entry.
    fn lookup(&self, profile: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.addr)
            .args(["lookup", "service", "gwctl", "username", profile])
            .output()
            .unwrap();
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Stop the whole group: dbus-run-session, its bus and gnome-keyring-daemon.
        let _ = Command::new("kill").args(["-s", "TERM", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.wait();
    }
}

#[test]
fn secrets_live_in_the_secret_service() {
    let Some(session) = Session::start(true) else { return };
    let sb = Sandbox::new();

    // `auto` probes the keyring with a real write and picks the Secret Service.
    let mut c = session.gwctl(&sb);
    c.args(["profile", "add", "prod", "--auth", "sigv4", "--access-key-id", AK, "--region", "us-east-1"]).args([
        "--service",
        "service",
        "--secret-stdin",
    ]);
    let (code, _, err) = run_with_stdin(c, SK.as_bytes());
    assert_eq!(code, 0, "{err}");
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(config.contains("store = \"secret-service\""), "{config}");
    assert!(!config.contains(SK));
    assert_eq!(session.lookup("prod").as_deref(), Some(SK), "secret-tool finds the secret where gwctl put it");

    // Signing with the profile equals the environment form.
    let mut c = session.gwctl(&sb);
    c.args(["sign", "-p", "prod", "--time", T, URL]);
    let (code, with_profile, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let mut c = sb.cmd();
    c.envs([("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)]).args([
        "sign",
        "--auth",
        "sigv4",
        "--region",
        "us-east-1",
        "--service",
        "service",
        "--time",
        T,
        URL,
    ]);
    assert_eq!(with_profile, run(c).1);

    // An explicit --store secret-service, a JWT key, show's mask, doctor's probe.
    let mut c = session.gwctl(&sb);
    c.args([
        "profile",
        "add",
        "issuer",
        "--auth",
        "jwt",
        "--alg",
        "HS256",
        "--iss",
        "me",
        "--store",
        "secret-service",
        "--secret-stdin",
    ]);
    assert_eq!(run_with_stdin(c, b"jwt-shared-secret-in-keyring-0042").0, 0);
    assert_eq!(session.lookup("issuer").as_deref(), Some("jwt-shared-secret-in-keyring-0042"));
    let mut c = session.gwctl(&sb);
    c.args(["profile", "show", "issuer", "--format", "json"]);
    assert!(run(c).1.contains("\"secret\":\"****0042\""));
    let mut c = session.gwctl(&sb);
    c.arg("doctor");
    let (code, out, _) = run(c);
    assert_eq!(code, 0);
    assert!(out.contains("secret-service  available"), "{out}");
    assert!(out.contains("prod") && out.contains("secret present"), "{out}");

    // A secret changed with edit lands in the keyring; remove deletes the entry too.
    let mut c = session.gwctl(&sb);
    c.args(["profile", "edit", "issuer", "--secret-stdin"]);
    assert_eq!(run_with_stdin(c, b"rotated-shared-secret-0043").0, 0);
    assert_eq!(session.lookup("issuer").as_deref(), Some("rotated-shared-secret-0043"));
    for name in ["prod", "issuer"] {
        let mut c = session.gwctl(&sb);
        c.args(["profile", "remove", name, "--yes"]);
        let (code, _, err) = run(c);
        assert_eq!(code, 0, "{err}");
        assert_eq!(session.lookup(name), None, "{name}: the keyring entry is gone");
    }
}

#[test]
fn no_keyring_on_the_bus_is_a_clear_error() {
    let Some(session) = Session::start(false) else { return };
    let sb = Sandbox::new();
    let mut c = session.gwctl(&sb);
    c.args(["profile", "add", "x", "--auth", "bearer", "--secret-stdin"]);
    let (code, out, err) = run_with_stdin(c, b"never-stored-token");
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("choose a store explicitly: --store file"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("never-stored-token") && out.is_empty());
    assert!(!sb.config().exists(), "nothing was written");
}

#[test]
fn a_bus_that_never_answers_times_out() {
    if !have("dbus-run-session") && std::env::var("GWCTL_REQUIRE_E2E").as_deref() != Ok("1") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sock: PathBuf = dir.path().join("silent-bus");
    let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
    // Accept connections and never say a word.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let sb = Sandbox::new();
    let mut c = sb.cmd();
    c.env("DBUS_SESSION_BUS_ADDRESS", format!("unix:path={}", sock.display()))
        .env("GWCTL_KEYRING_TIMEOUT", "1")
        .args(["profile", "add", "x", "--auth", "bearer", "--store", "secret-service", "--secret-stdin"]);
    let start = Instant::now();
    let (code, _, err) = run_with_stdin(c, b"tok");
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("did not answer within 1 s"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(10), "the CLI did not hang");
    assert!(!Path::new(&sb.config()).exists());
}
