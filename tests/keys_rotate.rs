//! `gwctl keys rotate` for IAM user keys, end to end against moto's server (real SigV4
//! verification, IAM and STS), checked with an independent client (boto3, tests/py/iam_tool.py).
//! The process is killed at every step in turn; the profile must keep working and a re-run
//! must finish the rotation.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::Sandbox;

struct Aws {
    python: PathBuf,
    url: String,
    admin: (String, String),
}

impl Aws {
    fn tool(&self, args: &[&str]) -> String {
        let out =
            Command::new(&self.python).arg(common::data_dir().join("../py/iam_tool.py")).args(args).output().unwrap();
        assert!(out.status.success(), "iam_tool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    fn admin_tool(&self, cmd: &str, extra: &[&str]) -> String {
        let mut args = vec![cmd, &self.url, &self.admin.0, &self.admin.1];
        args.extend_from_slice(extra);
        self.tool(&args)
    }

    /// A new IAM user with one key: (key id, secret).
    fn user(&self, name: &str) -> (String, String) {
        let out = self.admin_tool("user", &[name]);
        let (a, s) = out.split_once(' ').unwrap();
        (a.to_string(), s.to_string())
    }

    /// The user's keys as [(id, status)], as IAM reports them to another client.
    fn keys(&self, user: &str) -> Vec<(String, String)> {
        serde_json::from_str(&self.admin_tool("list", &[user])).unwrap()
    }

    fn whoami(&self, ak: &str, sk: &str) -> String {
        self.tool(&["whoami", &self.url, ak, sk])
    }
}

fn setup() -> Option<(common::Daemon, Aws, tempfile::TempDir)> {
    let python = common::venv_python()?;
    let dir = tempfile::tempdir().unwrap();
    let (daemon, url) = common::moto(&python, dir.path());
    let mut aws = Aws { python, url, admin: (String::new(), String::new()) };
    let boot = aws.tool(&["bootstrap", &aws.url]);
    let (a, s) = boot.split_once(' ').unwrap();
    aws.admin = (a.to_string(), s.to_string());
    Some((daemon, aws, dir))
}

fn cmd(sb: &Sandbox) -> Command {
    let mut c = sb.cmd();
    c.env("GWCTL_FILE_PASSPHRASE", "test passphrase");
    c
}

fn add_profile(sb: &Sandbox, aws: &Aws, name: &str, store: &str, ak: &str, sk: &str) {
    let mut c = cmd(sb);
    c.args(["profile", "add", name, "--auth", "sigv4", "--access-key-id", ak, "--region", "us-east-1"])
        .args(["--service", "sts", "--url", &aws.url, "--iam-endpoint", &aws.url, "--sts-endpoint", &aws.url])
        .args(["--store", store, "--secret-stdin"]);
    let (code, _, err) = common::run_with_stdin(c, sk.as_bytes());
    assert_eq!(code, 0, "{err}");
}

/// `gwctl invoke` with the profile: STS GetCallerIdentity. Returns the exit code and output.
fn profile_works(sb: &Sandbox, name: &str) -> (i32, String) {
    let mut c = cmd(sb);
    c.args(["invoke", "endpoint", "/", "--profile", name, "-H", "Content-Type: application/x-www-form-urlencoded"])
        .args(["-d", "Action=GetCallerIdentity&Version=2011-06-15"]);
    let (code, out, err) = common::run(c);
    (code, format!("{out}{err}"))
}

fn rotate(sb: &Sandbox, name: &str, extra: &[&str]) -> (i32, String, String) {
    let mut c = cmd(sb);
    c.args(["keys", "rotate", "--profile", name, "--yes"]).args(extra);
    if !extra.contains(&"--verify-timeout") {
        c.args(["--verify-timeout", "20s"]);
    }
    common::run(c)
}

fn show(sb: &Sandbox, name: &str) -> serde_json::Value {
    let mut c = cmd(sb);
    c.args(["profile", "show", name, "--format", "json"]);
    let (code, out, err) = common::run(c);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// Runs `keys rotate` and kills it at the failpoint `step`.
fn rotate_killed_at(sb: &Sandbox, name: &str, step: &str) {
    let mut c = cmd(sb);
    c.args(["keys", "rotate", "--profile", name, "--yes"]);
    common::kill_at_failpoint(c, step);
}

fn assert_rotated(aws: &Aws, sb: &Sandbox, name: &str, user: &str, old: &(String, String)) {
    let p = show(sb, name);
    let new_id = p["access_key_id"].as_str().unwrap().to_string();
    assert_ne!(new_id, old.0, "{name}: still the old key");
    assert!(p.get("rotation").is_none(), "{name}: rotation left over: {p}");
    assert_eq!(aws.keys(user), vec![(new_id.clone(), "Active".to_string())], "{name}: IAM keys");
    let (code, out) = profile_works(sb, name);
    assert_eq!(code, 0, "{name}: {out}");
    assert!(out.contains(&format!("user/{user}</Arn>")), "{out}");
    assert_eq!(aws.whoami(&old.0, &old.1), "ERROR InvalidClientTokenId", "{name}: the old key must be refused");
}

#[test]
fn rotation_against_moto() {
    let Some((_moto, aws, _dir)) = setup() else { return };
    let sb = Sandbox::new();

    // The happy path, with the age-encrypted file store.
    let old = aws.user("alice");
    add_profile(&sb, &aws, "alice", "file", &old.0, &old.1);
    let (code, out, err) = rotate(&sb, "alice", &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("would (dry run: nothing was changed)") && out.contains("rotate access key"), "{out}");
    assert_eq!(aws.keys("alice").len(), 1, "a dry run changes nothing");
    // With -v: every step logged, and still no secret (old, new, or the stored JSON) in it.
    let (code, _, err) = rotate(&sb, "alice", &["-v"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("iam CreateAccessKey") && !err.contains("SecretAccessKey"), "{err}");
    for step in [
        "created access key",
        "STS accepts the new key",
        "the profile now uses",
        "deactivated the old",
        "deleted the old",
    ] {
        assert!(err.contains(step), "step {step:?} not logged:\n{err}");
    }
    assert!(!err.contains(&old.1), "a secret was logged");
    assert_rotated(&aws, &sb, "alice", "alice", &old);
    let p = show(&sb, "alice");
    assert!(p["key_created"].as_str().is_some_and(|d| d.starts_with("20")), "{p}");
    // No secret in the config file.
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(!config.contains(&old.1) && !config.contains("SecretAccessKey"), "{config}");

    // Two keys already: stop before any change, naming the other key.
    let two = aws.user("bob");
    let extra = aws.admin_tool("create-key", &["bob"]);
    let extra_id = extra.split(' ').next().unwrap().to_string();
    add_profile(&sb, &aws, "bob", "keyutils", &two.0, &two.1);
    let before = std::fs::read(sb.config()).unwrap();
    let (code, _, err) = rotate(&sb, "bob", &[]);
    assert_eq!(code, 11, "{err}");
    assert!(err.contains("already has two access keys") && err.contains(&extra_id), "{err}");
    assert_eq!(err.trim().lines().filter(|l| l.contains("error")).count(), 1, "{err}");
    assert_eq!(std::fs::read(sb.config()).unwrap(), before, "the config must not change");
    assert_eq!(aws.keys("bob").len(), 2);
    assert_eq!(profile_works(&sb, "bob").0, 0);

    // --keep-old: the old key stays, inactive.
    let carol = aws.user("carol");
    add_profile(&sb, &aws, "carol", "keyutils", &carol.0, &carol.1);
    let (code, _, err) = rotate(&sb, "carol", &["--keep-old"]);
    assert_eq!(code, 0, "{err}");
    let keys = aws.keys("carol");
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.contains(&(carol.0.clone(), "Inactive".to_string())), "{keys:?}");
    assert_eq!(profile_works(&sb, "carol").0, 0);

    // The STS endpoint fails: the new key stays pending, the profile keeps the old key, and
    // a re-run with a working endpoint finishes.
    let dave = aws.user("dave");
    add_profile(&sb, &aws, "dave", "keyutils", &dave.0, &dave.1);
    let dead = format!("http://127.0.0.1:{}/", common::free_port());
    let (code, _, err) = rotate(&sb, "dave", &["--sts-endpoint", &dead, "--verify-timeout", "3s"]);
    assert_eq!(code, 11, "{err}");
    assert!(err.contains("did not accept the new key") && err.contains("run gwctl keys rotate"), "{err}");
    let p = show(&sb, "dave");
    assert_eq!(p["rotation"]["step"], "created", "{p}");
    assert_eq!(p["access_key_id"], dave.0.as_str());
    assert!(p["pending_secret"].as_str().unwrap().contains("access key AKIA"), "{p}");
    assert_eq!(profile_works(&sb, "dave").0, 0, "the old key still works");
    let (code, _, err) = rotate(&sb, "dave", &[]);
    assert_eq!(code, 0, "{err}");
    assert_rotated(&aws, &sb, "dave", "dave", &dave);

    // The whole server is down: nothing changes.
    let erin = aws.user("erin");
    add_profile(&sb, &aws, "erin", "keyutils", &erin.0, &erin.1);
    let (code, _, err) = rotate(&sb, "erin", &["--iam-endpoint", &dead]);
    assert_eq!(code, 8, "{err}");
    assert!(show(&sb, "erin").get("rotation").is_none());
    rotate(&sb, "erin", &[]);
    assert_rotated(&aws, &sb, "erin", "erin", &erin);
}

#[test]
fn killed_at_every_step_then_resumed() {
    let Some((_moto, aws, _dir)) = setup() else { return };
    let sb = Sandbox::new();
    let steps = [
        "after-create",
        "after-store-pending",
        "after-verify",
        "after-switch",
        "after-promote",
        "after-deactivate",
        "after-delete",
    ];
    for step in steps {
        let user = format!("u-{step}");
        let name = format!("fault-{step}");
        let old = aws.user(&user);
        add_profile(&sb, &aws, &name, "keyutils", &old.0, &old.1);
        rotate_killed_at(&sb, &name, step);
        // Killed: the profile still works, with the old key or the new one.
        let (code, out) = profile_works(&sb, &name);
        assert_eq!(code, 0, "{step}: the profile does not work after the kill: {out}");
        let p = show(&sb, &name);
        assert!(p.get("rotation").is_some(), "{step}: the interrupted rotation is not visible: {p}");
        let keys = aws.keys(&user);
        assert!(keys.len() <= 2, "{step}: {keys:?}");
        // Re-running finishes it.
        let (code, _, err) = rotate(&sb, &name, &[]);
        assert_eq!(code, 0, "{step}: the re-run failed: {err}");
        if step == "after-create" {
            assert!(err.contains("left by an interrupted run"), "{step}: the orphan key is not cleaned up: {err}");
        }
        assert_rotated(&aws, &sb, &name, &user, &old);
        eprintln!("killed {step}: resumed and finished");
    }
}
