//! Issue 12, the secret stores: a `command:` helper cannot exhaust memory or hang gwctl and
//! leaves no process behind; the file store follows no symbolic link, refuses names that
//! leave its directory, decrypts with a fixed scrypt bound, and after `unlock` reads without
//! scrypt.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use common::{Sandbox, run, run_with_stdin};
use gwctl::profile::store::{self, FileStore, SecretStore, StoreError};

const URL: &str = "https://example.amazonaws.com/";

fn add(sb: &Sandbox, a: &[&str], secret: &[u8], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = sb.cmd();
    c.envs(env.iter().copied()).args(["profile", "add"]).args(a);
    run_with_stdin(c, secret)
}

fn sign(sb: &Sandbox, profile: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = sb.cmd();
    c.envs(env.iter().copied()).args(["sign", "-p", profile, URL]);
    run(c)
}

fn secrets(sb: &Sandbox) -> PathBuf {
    store::file_store_dir(&sb.config_dir())
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

/// Whether a process is still alive (a zombie waiting for a reaper counts as gone).
fn alive(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())) {
        Ok(stat) => stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z') && !rest.starts_with('X')),
        Err(_) => false,
    }
}

fn one_line_error(err: &str) {
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

// ---- item 4: the helper's output is capped ----

#[test]
fn command_store_output_is_capped_and_memory_bounded() {
    let sb = Sandbox::new();
    for (name, cmdline) in [("yes", "yes"), ("big", "head -c 2000000000 /dev/zero")] {
        let (code, _, err) = add(&sb, &[name, "--auth", "bearer", "--store", &format!("command:{cmdline}")], b"", &[]);
        assert_eq!(code, 0, "{err}");
        // Under a 1.5 GB address-space limit: reading without a cap would fail or be killed.
        let t = Instant::now();
        let mut c = Command::new("sh");
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", sb.dir.path().join("home"))
            .env("GWCTL_CONFIG", sb.config())
            .arg("-c")
            .arg("ulimit -v 1500000 && exec \"$0\" sign -p \"$1\" https://example.amazonaws.com/")
            .arg(common::gwctl_bin())
            .arg(name);
        let (code, out, err) = run(c);
        assert_eq!(code, 6, "{name}: {err}");
        assert!(err.contains("printed more than 1024 KiB"), "{err}");
        one_line_error(&err);
        assert!(out.is_empty());
        assert!(t.elapsed() < Duration::from_secs(20), "{name}: {:?}", t.elapsed());
        eprintln!("{name}: refused after {:?}", t.elapsed());
    }
}

// ---- item 5: every wait is bounded and the helper's processes do not survive ----

#[test]
fn command_store_background_child_holding_stdout_times_out_and_is_killed() {
    let sb = Sandbox::new();
    let pidfile = sb.dir.path().join("bg.pid");
    let cmdline = format!("command:echo TOK; sleep 3600 & echo $! > {}", pidfile.display());
    let (code, _, err) = add(&sb, &["bg", "--auth", "bearer", "--store", &cmdline], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let t = Instant::now();
    let (code, out, err) = sign(&sb, "bg", &[("GWCTL_COMMAND_TIMEOUT", "2")]);
    let took = t.elapsed();
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("timed out after 2 s"), "{err}");
    assert!(err.contains("background"), "{err}");
    one_line_error(&err);
    assert!(!out.contains("TOK"));
    assert!(took < Duration::from_secs(3), "returned after {took:?}");
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(!alive(&pid), "the background child {pid} survived");
}

#[test]
fn command_store_hanging_helper_and_its_children_are_killed_at_the_deadline() {
    let sb = Sandbox::new();
    let pidfile = sb.dir.path().join("child.pid");
    // The helper starts a child (output redirected) and then hangs itself.
    let cmdline = format!("command:sleep 3600 >/dev/null 2>&1 & echo $! > {}; sleep 3600", pidfile.display());
    let (code, _, err) = add(&sb, &["hang", "--auth", "bearer", "--store", &cmdline], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let t = Instant::now();
    let (code, _, err) = sign(&sb, "hang", &[("GWCTL_COMMAND_TIMEOUT", "1.5")]);
    let took = t.elapsed();
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("the helper command timed out after 1.5 s"), "{err}");
    assert!(err.contains("GWCTL_COMMAND_TIMEOUT"), "{err}");
    one_line_error(&err);
    assert!(took < Duration::from_millis(2500), "returned after {took:?}");
    let pid = std::fs::read_to_string(&pidfile).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(!alive(&pid), "the helper's child {pid} survived");
}

#[test]
fn command_store_stderr_is_bounded_and_shown_as_one_clean_line_on_failure() {
    let sb = Sandbox::new();
    // A failing helper: its first stderr line, without escapes, in the one-line error.
    let script = sb.dir.path().join("helper.sh");
    std::fs::write(
        &script,
        "printf '\\n\\033[2Jgpg: decryption failed: No secret key\\nline two\\n' >&2; echo partial-secret; exit 2\n",
    )
    .unwrap();
    let failing = format!("command:sh {}", script.display());
    let (code, _, err) = add(&sb, &["f", "--auth", "bearer", "--store", &failing], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = sign(&sb, "f", &[]);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("failed (exit status: 2): [2Jgpg: decryption failed: No secret key"), "{err}");
    assert!(!err.contains('\x1b') && !err.contains("line two") && !err.contains("partial-secret"), "{err}");
    one_line_error(&err);
    // 50 MB on stderr, then the secret: stderr is drained, not held, and not shown.
    let noisy = "command:head -c 50000000 /dev/zero | tr '\\0' x >&2; echo tok-after-noise";
    let (code, _, err) = add(&sb, &["n", "--auth", "bearer", "--store", noisy], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = sign(&sb, "n", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Bearer tok-after-noise"), "{out}");
    assert!(!err.contains("xxxx"), "{err}");
}

// ---- item 16: no symbolic links followed, nothing chmod-ed or created outside ----

#[test]
fn file_store_refuses_a_symlinked_secrets_dir_and_leaves_the_target_alone() {
    let sb = Sandbox::new();
    let pass = [("GWCTL_FILE_PASSPHRASE", "pp")];
    std::fs::create_dir_all(sb.config_dir()).unwrap();
    let elsewhere = sb.dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink(&elsewhere, secrets(&sb)).unwrap();
    let (code, _, err) = add(&sb, &["f", "--auth", "bearer", "--store", "file", "--secret-stdin"], b"tok-1", &pass);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    one_line_error(&err);
    assert_eq!(mode(&elsewhere), 0o755, "the link's target was chmod-ed");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "something was written through the link");

    // Reading through the link is refused too.
    std::fs::write(sb.config(), "[profiles.r]\nauth = \"bearer\"\nstore = \"file\"\n").unwrap();
    std::fs::write(elsewhere.join("r.age"), b"age-encryption.org/v1\n").unwrap();
    let (code, _, err) = sign(&sb, "r", &pass);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("is a symbolic link"), "{err}");
    one_line_error(&err);
}

#[test]
fn file_store_secrets_dir_is_made_0700_and_a_dangling_link_is_not_followed() {
    let sb = Sandbox::new();
    let pass = [("GWCTL_FILE_PASSPHRASE", "pp")];
    let (code, _, err) = add(&sb, &["a", "--auth", "bearer", "--store", "file", "--secret-stdin"], b"tok-a", &pass);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&secrets(&sb)), 0o700);
    assert_eq!(mode(&secrets(&sb).join("a.age")), 0o600);

    // A too-open secrets dir is tightened (through a descriptor, not a path).
    std::fs::set_permissions(secrets(&sb), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, _, err) = add(&sb, &["b", "--auth", "bearer", "--store", "file", "--secret-stdin"], b"tok-b", &pass);
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&secrets(&sb)), 0o700);

    // A dangling link at a secret's path: its target is never created.
    let target = sb.dir.path().join("outside.age");
    std::os::unix::fs::symlink(&target, secrets(&sb).join("c.age")).unwrap();
    let (code, _, err) = add(&sb, &["c", "--auth", "bearer", "--store", "file", "--secret-stdin"], b"tok-c", &pass);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    one_line_error(&err);
    assert!(!target.exists(), "the link's target was created");

    // A link to a real age file elsewhere is not read.
    let (code, _, err) = add(&sb, &["d", "--auth", "bearer", "--store", "env:D"], b"", &[]);
    assert_eq!(code, 0, "{err}");
    std::fs::copy(secrets(&sb).join("a.age"), &target).unwrap();
    std::fs::write(sb.config(), "[profiles.c]\nauth = \"bearer\"\nstore = \"file\"\n").unwrap();
    let (code, out, err) = sign(&sb, "c", &pass);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(!out.contains("tok-a"));
}

// ---- item 15: entry names cannot leave the store's directory ----

#[test]
fn file_store_refuses_entry_names_that_leave_its_directory() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("cfg/secrets");
    let fs = FileStore::new(dir.clone());
    let outside = t.path().join("evil.age");
    std::fs::write(&outside, b"keep me").unwrap();
    for name in ["../evil", "../../evil", "a/b", ".identity", ".recipient", "x\0y", "", "a#b", "/tmp/evil"] {
        for result in [fs.get(name).map(|_| ()), fs.set(name, b"s"), fs.delete(name).map(|_| ())] {
            let e = result.unwrap_err();
            assert!(matches!(e, StoreError::BadEntry(_)), "{name:?}: {e}");
            assert_eq!(e.exit_code(), gwctl::exit::ExitCode::Store);
            assert_eq!(e.to_string().lines().count(), 1);
        }
    }
    assert_eq!(std::fs::read(&outside).unwrap(), b"keep me");
    assert!(!dir.exists(), "nothing was created");
}

// ---- item 20: fixed scrypt bounds, and unlock ----

/// The age header's stanza lines (`-> scrypt SALT N`, `-> X25519 …`).
fn stanzas(path: &Path) -> Vec<String> {
    let data = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&data);
    text.lines().take_while(|l| !l.starts_with("---")).filter(|l| l.starts_with("-> ")).map(String::from).collect()
}

/// A file the way gwctl wrote them before the store key: encrypted with the passphrase.
fn legacy_file(path: &Path, passphrase: &str, secret: &[u8], log_n: u8) {
    let mut r = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
    r.set_work_factor(log_n);
    let ct = age::encrypt(&r, secret).unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::set_permissions(path.parent().unwrap(), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::write(path, ct).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn file_store_key_uses_a_fixed_work_factor_and_excessive_files_fail_at_once() {
    let sb = Sandbox::new();
    let pass = [("GWCTL_FILE_PASSPHRASE", "pp")];
    let (code, _, err) = add(&sb, &["a", "--auth", "bearer", "--store", "file", "--secret-stdin"], b"tok-a", &pass);
    assert_eq!(code, 0, "{err}");
    let id = stanzas(&secrets(&sb).join(".identity.age"));
    assert_eq!(id.len(), 1);
    assert!(id[0].starts_with("-> scrypt ") && id[0].ends_with(" 18"), "{id:?}");
    assert!(stanzas(&secrets(&sb).join("a.age"))[0].starts_with("-> X25519 "));
    assert!(std::fs::read_to_string(secrets(&sb).join(".recipient")).unwrap().starts_with("age1"));

    // A file asking for 2^21 (2 GiB of scrypt): refused before any work, whatever the load.
    let old = secrets(&sb).join("old.age");
    legacy_file(&old, "pp", b"tok-old", 10);
    let text = std::fs::read(&old).unwrap();
    let patched = String::from_utf8_lossy(&text).replacen(" 10\n", " 21\n", 1);
    std::fs::write(&old, patched.as_bytes()).unwrap();
    std::fs::write(sb.config(), "[profiles.old]\nauth = \"bearer\"\nstore = \"file\"\n").unwrap();
    let t = Instant::now();
    let (code, _, err) = sign(&sb, "old", &pass);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("scrypt work factor 21; gwctl accepts at most 20"), "{err}");
    one_line_error(&err);
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn file_store_unlock_lock_legacy_migration_and_separate_stores() {
    let sb = Sandbox::new();
    let pass = [("GWCTL_FILE_PASSPHRASE", "correct horse")];
    let dir = secrets(&sb);
    // A store from before the store key: one legacy file, read with the passphrase.
    legacy_file(&dir.join("old.age"), "correct horse", b"tok-old-1", 16);
    std::fs::create_dir_all(sb.config_dir()).unwrap();
    std::fs::write(
        sb.config(),
        "[profiles.old]\nauth = \"bearer\"\nstore = \"file\"\n\n[profiles.new]\nauth = \"bearer\"\nstore = \"file\"\n",
    )
    .unwrap();
    let (code, out, err) = sign(&sb, "old", &pass);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Bearer tok-old-1"));
    let (code, _, err) = sign(&sb, "old", &[]);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("needs a passphrase"), "{err}");

    // A wrong passphrase: exit 6, one line, nothing cached, nothing created.
    let e = store::unlock(&dir, SecretString::from("wrong".to_string()), Duration::from_secs(60)).unwrap_err();
    assert!(matches!(e, StoreError::WrongPassphrase { .. }), "{e}");
    assert_eq!(e.exit_code(), gwctl::exit::ExitCode::Store);
    assert!(e.to_string().starts_with("wrong passphrase for the file store"), "{e}");
    assert!(store::unlocked_for(&dir).is_none());
    assert!(!dir.join(".identity.age").exists());

    // Unlock: creates the store key, migrates the legacy file, caches the key.
    store::unlock(&dir, SecretString::from("correct horse".to_string()), Duration::from_secs(600)).unwrap();
    let left = store::unlocked_for(&dir).expect("unlocked");
    assert!(left > Duration::from_secs(590) && left <= Duration::from_secs(600), "{left:?}");
    assert!(stanzas(&dir.join("old.age"))[0].starts_with("-> X25519 "), "migrated");
    assert_eq!(mode(&dir.join("old.age")), 0o600);
    // Reads need no passphrase now; writes never did once the key exists.
    let (code, out, err) = sign(&sb, "old", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Bearer tok-old-1"));
    let (code, _, err) =
        add(&sb, &["new", "--auth", "bearer", "--store", "file", "--secret-stdin", "--yes"], b"tok-new-2", &[]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = sign(&sb, "new", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Bearer tok-new-2"));

    // Another config dir's store is not unlocked by this one.
    let other = Sandbox::new();
    let (code, _, err) = add(
        &other,
        &["x", "--auth", "bearer", "--store", "file", "--secret-stdin"],
        b"tok-x",
        &[("GWCTL_FILE_PASSPHRASE", "correct horse")],
    );
    assert_eq!(code, 0, "{err}");
    assert!(store::unlocked_for(&secrets(&other)).is_none());
    let (code, _, err) = sign(&other, "x", &[]);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("needs a passphrase"), "{err}");

    // Lock: the key is gone; a second lock says there was nothing.
    assert!(store::lock(&dir).unwrap());
    assert!(store::unlocked_for(&dir).is_none());
    assert!(!store::lock(&dir).unwrap());
    let (code, _, err) = sign(&sb, "new", &[]);
    assert_eq!(code, 6, "{err}");
    let (code, out, err) = sign(&sb, "new", &pass);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Bearer tok-new-2"));
    // Wrong passphrase with the new layout: same message style.
    let (code, _, err) = sign(&sb, "new", &[("GWCTL_FILE_PASSPHRASE", "nope")]);
    assert_eq!(code, 6, "{err}");
    assert!(err.contains("wrong passphrase for the file store"), "{err}");
    one_line_error(&err);
    assert!(!err.contains("tok-new"));

    // The kernel forgets the key after the ttl by itself.
    store::unlock(&dir, SecretString::from("correct horse".to_string()), Duration::from_secs(1)).unwrap();
    assert!(store::unlocked_for(&dir).is_some());
    std::thread::sleep(Duration::from_millis(2500));
    assert!(store::unlocked_for(&dir).is_none());
    let (code, _, _) = sign(&sb, "new", &[]);
    assert_eq!(code, 6);
    let _ = store::lock(&dir);
}

/// Not a timed test: prints what reads cost before and after unlock (the issue's target is
/// a file-store `sign` under 50 ms after unlock).
#[test]
fn file_store_reads_after_unlock_are_cheap_figures() {
    let sb = Sandbox::new();
    let pass = [("GWCTL_FILE_PASSPHRASE", "pp")];
    let dir = secrets(&sb);
    let (code, _, err) = add(&sb, &["f", "--auth", "bearer", "--store", "file", "--secret-stdin"], b"tok-f", &pass);
    assert_eq!(code, 0, "{err}");
    // A passphrase-encrypted file as older versions wrote them (age's own ~1 s calibration).
    let r = age::scrypt::Recipient::new(SecretString::from("pp".to_string()));
    std::fs::write(dir.join("legacy.age"), age::encrypt(&r, b"tok-l").unwrap()).unwrap();
    std::fs::set_permissions(dir.join("legacy.age"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let config = std::fs::read_to_string(sb.config()).unwrap();
    std::fs::write(sb.config(), format!("{config}\n[profiles.legacy]\nauth = \"bearer\"\nstore = \"file\"\n")).unwrap();

    let time_signs = |name: &str, env: &[(&str, &str)], n: u32| {
        let t = Instant::now();
        for _ in 0..n {
            let (code, _, err) = sign(&sb, name, env);
            assert_eq!(code, 0, "{err}");
        }
        t.elapsed() / n
    };
    let before_legacy = time_signs("legacy", &pass, 2);
    let before_key = time_signs("f", &pass, 2);
    store::unlock(&dir, SecretString::from("pp".to_string()), Duration::from_secs(300)).unwrap();
    let after_sign = time_signs("f", &[], 20);
    let fs = FileStore::new(dir.clone());
    let t = Instant::now();
    for _ in 0..20 {
        assert_eq!(fs.get("f").unwrap().as_slice(), b"tok-f");
    }
    let after_get = t.elapsed() / 20;
    let after_legacy = time_signs("legacy", &[], 5);
    eprintln!(
        "file store, per call: gwctl sign before unlock: {:.0} ms (old passphrase-encrypted file), {:.0} ms (store key); \
         after unlock (mean of 20): gwctl sign {:.1} ms, FileStore::get {:.2} ms; migrated old file: sign {:.1} ms",
        before_legacy.as_secs_f64() * 1e3,
        before_key.as_secs_f64() * 1e3,
        after_sign.as_secs_f64() * 1e3,
        after_get.as_secs_f64() * 1e3,
        after_legacy.as_secs_f64() * 1e3,
    );
    assert!(store::lock(&dir).unwrap());
}

#[test]
fn file_store_concurrent_first_writes_agree_on_one_store_key() {
    let sb = Sandbox::new();
    let children: Vec<_> = (0..4)
        .map(|i| {
            let mut c = sb.cmd();
            c.env("GWCTL_FILE_PASSPHRASE", "pp")
                .args(["profile", "add", &format!("p{i}"), "--auth", "bearer", "--store", "file", "--secret-stdin"])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let mut child = c.spawn().unwrap();
            use std::io::Write;
            child.stdin.take().unwrap().write_all(format!("tok-{i}").as_bytes()).unwrap();
            child
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    for i in 0..4 {
        let (code, out, err) = sign(&sb, &format!("p{i}"), &[("GWCTL_FILE_PASSPHRASE", "pp")]);
        assert_eq!(code, 0, "p{i}: {err}");
        assert!(out.contains(&format!("Bearer tok-{i}")), "{out}");
    }
}
