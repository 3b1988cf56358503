//! `gwctl profile …` and `--profile`: the config file, the env/command/file/keyutils stores,
//! errors, concurrency, and the guarantee that no secret reaches the config, argv or logs.
//! (The Secret Service is tested against a real gnome-keyring in keyring_secret_service.rs.)

mod common;

use common::gw_env as gw;

use std::process::Command;

use common::{AK, SK, Sandbox, run, run_with_stdin};

const T: &str = "20150830T123600Z";
const URL: &str = "https://example.amazonaws.com/";

fn args(c: &mut Command, a: &[&str]) {
    c.args(a);
}

/// Ad-hoc form: the same request signed from environment variables.
fn adhoc(sb: &Sandbox, scheme: &str, env: &[(&str, &str)], extra: &[&str]) -> String {
    let mut c = sb.cmd();
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(["sign", "--auth", scheme, "--time", T]).args(extra).arg(URL);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    out
}

fn with_profile(sb: &Sandbox, name: &str, env: &[(&str, &str)], extra: &[&str]) -> String {
    let mut c = sb.cmd();
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(["sign", "--profile", name, "--time", T]).args(extra).arg(URL);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    out
}

fn add(sb: &Sandbox, a: &[&str], secret: &[u8], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = sb.cmd();
    for (k, v) in env {
        c.env(k, v);
    }
    args(&mut c, &["profile", "add"]);
    c.args(a);
    run_with_stdin(c, secret)
}

#[test]
fn profile_signs_like_the_environment_for_every_scheme() {
    let sb = Sandbox::new();
    let pass = [("GWCTL_FILE_PASSPHRASE", "correct horse")];
    // sigv4 in the file store
    let (code, _, err) = add(
        &sb,
        &[
            "aws",
            "--auth",
            "sigv4",
            "--access-key-id",
            AK,
            "--region",
            "us-east-1",
            "--service",
            "service",
            "--store",
            "file",
            "--secret-stdin",
        ],
        SK.as_bytes(),
        &pass,
    );
    assert_eq!(code, 0, "{err}");
    let env_aws = [("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
    assert_eq!(
        with_profile(&sb, "aws", &pass, &[]),
        adhoc(&sb, "sigv4", &env_aws, &["--region", "us-east-1", "--service", "service"])
    );
    // basic, bearer, apipark, huawei, jwt from env:/command: stores
    type Case<'a> = (&'a str, Vec<&'a str>, Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "basic",
            vec!["--username", "alice", "--store", "env:P"],
            vec![("GWCTL_USERNAME", "alice"), ("GWCTL_PASSWORD", "pw-123")],
            vec![],
        ),
        ("bearer", vec!["--store", "command:printf %s tok-xyz"], vec![("GWCTL_TOKEN", "tok-xyz")], vec![]),
        ("apipark", vec!["--access-key-id", AK, "--store", "env:SKV"], env_aws.to_vec(), vec![]),
        ("huawei", vec!["--access-key-id", AK, "--store", "env:SKV"], env_aws.to_vec(), vec![]),
        (
            "jwt",
            vec![
                "--alg", "HS384", "--iss", "me", "--aud", "gw", "--ttl", "10m", "--kid", "k1", "--claim", "n=5",
                "--no-jti", "--store", "env:JK",
            ],
            vec![("GWCTL_JWT_KEY", "a-48-byte-shared-secret-for-hs384-xxxxxxxxxxxxxx")],
            vec![
                "--alg", "HS384", "--iss", "me", "--aud", "gw", "--ttl", "10m", "--kid", "k1", "--claim", "n=5",
                "--no-jti",
            ],
        ),
    ];
    let store_env = [("P", "pw-123"), ("SKV", SK), ("JK", "a-48-byte-shared-secret-for-hs384-xxxxxxxxxxxxxx")];
    for (scheme, add_args, env, sign_args) in cases {
        let mut a = vec![scheme, "--auth", scheme];
        a.extend(add_args);
        let (code, _, err) = add(&sb, &a, b"", &[]);
        assert_eq!(code, 0, "{scheme}: {err}");
        assert_eq!(with_profile(&sb, scheme, &store_env, &[]), adhoc(&sb, scheme, &env, &sign_args), "{scheme}");
    }
    // Explicit flags override the profile's fields.
    let out = with_profile(&sb, "aws", &pass, &["--region", "eu-west-1"]);
    assert!(out.contains("/20150830/eu-west-1/service/aws4_request"), "{out}");
}

#[test]
fn profile_choice_flag_then_env_then_default() {
    let sb = Sandbox::new();
    for (name, tok) in [("one", "T1"), ("two", "T2"), ("three", "T3")] {
        let (code, _, err) = add(&sb, &[name, "--auth", "bearer", "--store", &format!("env:{tok}")], b"", &[]);
        assert_eq!(code, 0, "{err}");
    }
    let sign = |env: &[(&str, &str)], extra: &[&str]| {
        let mut c = sb.cmd();
        c.envs([("T1", "tok-1"), ("T2", "tok-2"), ("T3", "tok-3")]);
        for (k, v) in env {
            c.env(k, v);
        }
        c.arg("sign").args(extra).arg(URL);
        let (code, out, err) = run(c);
        assert_eq!(code, 0, "{err}");
        out.lines().last().unwrap().to_string()
    };
    // The first profile added became the default.
    assert_eq!(sign(&[], &[]), "Authorization: Bearer tok-1");
    assert_eq!(sign(&[("GWCTL_PROFILE", "two")], &[]), "Authorization: Bearer tok-2");
    assert_eq!(sign(&[("GWCTL_PROFILE", "two")], &["--profile", "three"]), "Authorization: Bearer tok-3");
    let (code, _, _) = run({
        let mut c = sb.cmd();
        c.args(["profile", "use", "three"]);
        c
    });
    assert_eq!(code, 0);
    assert_eq!(sign(&[], &[]), "Authorization: Bearer tok-3");
    // --auth without --profile is the ad-hoc environment form, even with a default profile.
    assert_eq!(sign(&[("GWCTL_TOKEN", "adhoc")], &["--auth", "bearer"]), "Authorization: Bearer adhoc");
    // --auth with a profile of another scheme overrides it for one call (credentials from the
    // environment, the rest from the profile).
    let mut c = sb.cmd();
    c.envs([("GWCTL_USERNAME", "u"), ("GWCTL_PASSWORD", "p")]).args([
        "sign",
        "--profile",
        "one",
        "--auth",
        "basic",
        URL,
    ]);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("Authorization: Basic dTpw\n"), "{out}");
}

#[test]
fn list_show_edit_remove() {
    let sb = Sandbox::new();
    let pass = [("GWCTL_FILE_PASSPHRASE", "pp")];
    let (code, _, err) = add(
        &sb,
        &[
            "prod",
            "--auth",
            "sigv4",
            "--access-key-id",
            AK,
            "--region",
            "us-east-1",
            "--url",
            "https://gw.example.com",
            "--gateway",
            "aws",
            "--store",
            "file",
            "--secret-stdin",
        ],
        format!("{SK}\n").as_bytes(),
        &pass,
    );
    assert_eq!(code, 0, "{err}");
    let cmd = |a: &[&str]| {
        let mut c = sb.cmd();
        c.envs(pass).args(a);
        run(c)
    };
    let (_, out, _) = cmd(&["profile", "list"]);
    assert!(out.contains("* prod  sigv4  file   https://gw.example.com"), "{out}");
    let (_, out, _) = cmd(&["profile", "list", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["name"], "prod");
    assert_eq!(v[0]["default"], true);
    let (_, out, _) = cmd(&["profile", "show", "prod", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["auth"], "sigv4");
    assert_eq!(v["access_key_id"], AK);
    assert_eq!(v["region"], "us-east-1");
    assert_eq!(v["gateway"], "aws");
    assert_eq!(v["secret"], "****EKEY", "the trailing newline from stdin was dropped, the secret masked");
    let (_, out, _) = cmd(&["profile", "show", "prod"]);
    assert!(out.contains("region = \"us-east-1\"") && out.contains("# secret: ****EKEY"), "{out}");
    assert!(!out.contains(SK));

    // edit a field, then move the secret to the keyutils store and back
    assert_eq!(cmd(&["profile", "edit", "prod", "--region", "eu-west-1"]).0, 0);
    let (_, out, _) = cmd(&["profile", "show", "prod", "--format", "json"]);
    assert!(out.contains("\"region\":\"eu-west-1\""), "{out}");
    let (code, _, err) = cmd(&["profile", "edit", "prod", "--store", "keyutils"]);
    assert_eq!(code, 0, "{err}");
    assert!(!sb.config_dir().join("secrets/prod.age").exists(), "the old encrypted file is deleted after the move");
    let want = adhoc(
        &sb,
        "sigv4",
        &[("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)],
        &["--region", "eu-west-1", "--service", "execute-api"],
    );
    let mut c = sb.cmd();
    c.args(["sign", "-p", "prod", "--service", "execute-api", "--time", T, URL]);
    assert_eq!(run(c).1, want);
    // a new secret through edit
    let mut c = sb.cmd();
    c.args(["profile", "edit", "prod", "--secret-stdin"]);
    assert_eq!(run_with_stdin(c, b"another-secret-value-0000").0, 0);
    let (_, out, _) = cmd(&["profile", "show", "prod", "--format", "json"]);
    assert!(out.contains("****0000"), "{out}");

    // remove needs --yes without a terminal, and deletes the stored secret
    let (code, _, err) = cmd(&["profile", "remove", "prod"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--yes"));
    assert_eq!(cmd(&["profile", "remove", "prod", "--yes"]).0, 0);
    let (_, out, _) = cmd(&["profile", "list", "--format", "json"]);
    assert_eq!(out.trim(), "[]");
    let (code, _, err) = cmd(&["doctor"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn file_store_wrong_or_missing_passphrase_fails_cleanly() {
    let sb = Sandbox::new();
    let (code, _, err) = add(
        &sb,
        &["f", "--auth", "bearer", "--store", "file", "--secret-stdin"],
        b"file-token-0123456789",
        &[("GWCTL_FILE_PASSPHRASE", "right")],
    );
    assert_eq!(code, 0, "{err}");
    let config_before = std::fs::read(sb.config()).unwrap();
    for (env, needle) in [
        (vec![("GWCTL_FILE_PASSPHRASE", "wrong")], "wrong passphrase for the file store"),
        (vec![], "needs a passphrase: set GWCTL_FILE_PASSPHRASE"),
    ] {
        let mut c = sb.cmd();
        c.envs(env).args(["sign", "-p", "f", URL]);
        let (code, out, err) = run(c);
        assert_eq!(code, 6, "{err}");
        assert!(err.contains(needle), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(out.is_empty());
        assert!(!err.contains("file-token"));
    }
    assert_eq!(std::fs::read(sb.config()).unwrap(), config_before);
    let mut c = sb.cmd();
    c.env("GWCTL_FILE_PASSPHRASE", "right").args(["sign", "-p", "f", URL]);
    assert!(run(c).1.contains("Bearer file-token-0123456789"));
}

#[test]
fn keyutils_store() {
    let sb = Sandbox::new();
    let name = format!("ku-{}", std::process::id());
    let (code, _, err) =
        add(&sb, &[&name, "--auth", "bearer", "--store", "keyutils", "--secret-stdin"], b"kernel-token-42", &[]);
    assert_eq!(code, 0, "{err}");
    let mut c = sb.cmd();
    c.args(["sign", "-p", &name, URL]);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Authorization: Bearer kernel-token-42"));
    let mut c = sb.cmd();
    c.args(["profile", "remove", &name, "--yes"]);
    assert_eq!(run(c).0, 0);
}

#[test]
fn command_store_and_credential_process_json() {
    let sb = Sandbox::new();
    let json =
        format!(r#"{{"Version":1,"AccessKeyId":"ASIATEMP","SecretAccessKey":"{SK}","SessionToken":"tok-session-1"}}"#);
    let script = sb.dir.path().join("creds.sh");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' '{json}'\n")).unwrap();
    let spec = format!("command:sh {}", script.display());
    let (code, _, err) =
        add(&sb, &["tmp", "--auth", "sigv4", "--region", "us-east-1", "--service", "sts", "--store", &spec], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let mut c = sb.cmd();
    c.args(["sign", "-p", "tmp", "--time", T, URL]);
    let (code, out, err) = run(c);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("X-Amz-Security-Token: tok-session-1"), "{out}");
    assert!(out.contains("Credential=ASIATEMP/20150830/us-east-1/sts/aws4_request"), "{out}");

    for (cmdline, needle) in [("false", "failed"), ("true", "printed nothing")] {
        let (code, _, err) =
            add(&sb, &["bad", "--auth", "bearer", "--store", &format!("command:{cmdline}"), "--yes"], b"", &[]);
        assert_eq!(code, 0, "{err}");
        let mut c = sb.cmd();
        c.args(["sign", "-p", "bad", URL]);
        let (code, _, err) = run(c);
        assert_eq!(code, 6, "{err}");
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn bad_input_is_refused_and_the_config_left_alone() {
    let sb = Sandbox::new();
    let (code, _, err) = add(&sb, &["a", "--auth", "bearer", "--store", "env:A"], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(sb.config()).unwrap();
    let cases: Vec<(Vec<&str>, &[u8], i32, &str)> = vec![
        (vec!["profile", "add", "a", "--auth", "bearer", "--store", "env:A"], b"", 7, "already exists: pass --yes"),
        (vec!["profile", "add", "b c", "--auth", "bearer", "--store", "env:A"], b"", 3, "invalid profile name"),
        (vec!["profile", "add", "b", "--auth", "sigv4", "--store", "env:A"], b"", 3, "needs --access-key-id"),
        (vec!["profile", "add", "b", "--auth", "basic", "--store", "env:A"], b"", 3, "needs --username"),
        (vec!["profile", "add", "b", "--store", "env:A"], b"", 2, "--auth is required"),
        (vec!["profile", "add", "b", "--auth", "bearer", "--store", "keyutils"], b"", 2, "no secret given"),
        (vec!["profile", "add", "b", "--auth", "bearer", "--store", "env:A", "--secret-stdin"], b"x", 2, "read-only"),
        (vec!["profile", "add", "b", "--auth", "bearer", "--store", "vault"], b"", 2, "unknown store"),
        (
            vec!["profile", "add", "b", "--auth", "bearer", "--store", "keyutils", "--secret-stdin"],
            b"",
            3,
            "standard input was empty",
        ),
        (
            vec!["profile", "add", "b", "--auth", "jwt", "--alg", "RS256", "--store", "keyutils", "--secret-stdin"],
            b"not-a-pem",
            4,
            "PEM private key",
        ),
        (vec!["profile", "add", "b", "--auth", "bearer", "--iss", "x", "--store", "env:A"], b"", 2, "JWT options"),
        (
            vec!["profile", "add", "b", "--auth", "basic", "--username", "a:b", "--store", "env:A"],
            b"",
            3,
            "must not contain ':'",
        ),
        (vec!["profile", "show", "nope"], b"", 7, "unknown profile \"nope\" (known: a)"),
        (vec!["profile", "use", "nope"], b"", 7, "unknown profile"),
        (vec!["profile", "remove", "nope", "--yes"], b"", 7, "unknown profile"),
        (vec!["sign", "-p", "nope", URL], b"", 7, "unknown profile"),
        (vec!["sign", "-p", "a", URL], b"", 6, "env:A (the variable is not set)"),
        (vec!["sign", "-p", "a", "/relative"], b"", 3, "is a path"),
    ];
    for (a, stdin, want, needle) in cases {
        let mut c = sb.cmd();
        c.args(&a);
        let (code, out, err) = run_with_stdin(c, stdin);
        assert_eq!(code, want, "{a:?}: {err}");
        assert!(err.contains(needle), "{a:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{a:?}: one line: {err}");
        assert!(out.is_empty(), "{a:?}: {out}");
        assert_eq!(std::fs::read(sb.config()).unwrap(), before, "{a:?} changed the config");
    }

    // A corrupt config is reported with its line and never overwritten.
    std::fs::write(sb.config(), "[profiles.a]\nauth = \"bearer\"\nstore = \"env:A\"\ncolour = \"blue\"\n").unwrap();
    let corrupt = std::fs::read(sb.config()).unwrap();
    for a in [
        vec!["profile", "list"],
        vec!["profile", "add", "z", "--auth", "bearer", "--store", "env:Z"],
        vec!["sign", URL],
    ] {
        let mut c = sb.cmd();
        c.args(&a);
        let (code, _, err) = run(c);
        assert_eq!(code, 7, "{a:?}: {err}");
        assert!(err.contains("line 4") && err.contains("colour"), "{a:?}: {err}");
        assert_eq!(std::fs::read(sb.config()).unwrap(), corrupt);
    }
}

#[test]
fn twenty_parallel_adds_all_land() {
    let sb = Sandbox::new();
    let children: Vec<_> = (0..20)
        .map(|i| {
            let mut c = sb.cmd();
            c.args(["profile", "add", &format!("p{i:02}"), "--auth", "bearer", "--store", &format!("env:TOKEN_{i}")])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let mut c = sb.cmd();
    c.args(["profile", "list", "--format", "json"]);
    let (code, out, _) = run(c);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    let want: Vec<String> = (0..20).map(|i| format!("p{i:02}")).collect();
    assert_eq!(names, want);
    assert_eq!(v.as_array().unwrap().iter().filter(|p| p["default"] == true).count(), 1);
}

#[test]
fn import_aws_from_file_and_env() {
    let sb = Sandbox::new();
    let creds = sb.dir.path().join("aws-credentials");
    let config = sb.dir.path().join("aws-config");
    std::fs::write(&creds, format!("[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = x\n\n[work]\naws_access_key_id = {AK}\naws_secret_access_key = {SK}\n")).unwrap();
    std::fs::write(&config, "[profile work]\nregion = eu-north-1\n").unwrap();
    let mut c = sb.cmd();
    c.env("AWS_SHARED_CREDENTIALS_FILE", &creds).env("AWS_CONFIG_FILE", &config).args([
        "profile",
        "import",
        "aws",
        "--aws-profile",
        "work",
        "--service",
        "service",
        "--store",
        "keyutils",
    ]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let mut c = sb.cmd();
    c.args(["profile", "show", "work", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run(c).1).unwrap();
    assert_eq!(v["access_key_id"], AK);
    assert_eq!(v["region"], "eu-north-1");
    assert_eq!(v["secret"], "****EKEY");

    // From AWS_* with a session token: stored as credential_process JSON and signed with it.
    let mut c = sb.cmd();
    c.envs([
        ("AWS_ACCESS_KEY_ID", AK),
        ("AWS_SECRET_ACCESS_KEY", SK),
        ("AWS_SESSION_TOKEN", "sess-tok"),
        ("AWS_REGION", "us-east-1"),
    ])
    .args(["profile", "import", "aws", "--name", "envtmp", "--service", "service", "--store", "keyutils"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let mut c = sb.cmd();
    c.args(["sign", "-p", "envtmp", "--time", T, URL]);
    let out = run(c).1;
    let want = adhoc(
        &sb,
        "sigv4",
        &[("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK), ("AWS_SESSION_TOKEN", "sess-tok")],
        &["--region", "us-east-1", "--service", "service"],
    );
    assert_eq!(out, want);
    for n in ["work", "envtmp"] {
        let mut c = sb.cmd();
        c.args(["profile", "remove", n, "--yes"]);
        assert_eq!(run(c).0, 0);
    }
}

/// Profiles of every scheme, then: no secret in the config dir, in gwctl's argv, or in any
/// output with --verbose.
#[test]
fn no_secret_in_config_argv_or_verbose_output() {
    let sb = Sandbox::new();
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("ec.pem");
    // A P-256 key (SEC1) made with the openssl CLI if present; otherwise jwt uses a secret.
    let have_pem = Command::new("openssl")
        .args(["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out"])
        .arg(&pem)
        .status()
        .is_ok_and(|s| s.success());
    let pass = ("GWCTL_FILE_PASSPHRASE", "file-pass-phrase-9");
    let secrets: Vec<(&str, Vec<&str>, String)> = vec![
        ("b", vec!["--auth", "basic", "--username", "u1", "--store", "file"], "basic-password-sEcReT-1".into()),
        (
            "s",
            vec![
                "--auth",
                "sigv4",
                "--access-key-id",
                AK,
                "--region",
                "us-east-1",
                "--service",
                "execute-api",
                "--store",
                "keyutils",
            ],
            "sigv4-secret-key-sEcReT-2".into(),
        ),
        ("a", vec!["--auth", "apipark", "--access-key-id", "ak3", "--store", "file"], "apipark-secret-sEcReT-3".into()),
        (
            "h",
            vec!["--auth", "huawei", "--access-key-id", "ak4", "--store", "keyutils"],
            "huawei-secret-sEcReT-4".into(),
        ),
        ("t", vec!["--auth", "bearer", "--store", "file"], "bearer-token-sEcReT-5".into()),
        ("j", vec!["--auth", "jwt", "--alg", "HS256", "--store", "keyutils"], "jwt-hmac-secret-sEcReT-6".into()),
    ];
    let mut logs = String::new();
    let mut all_secrets: Vec<Vec<u8>> = Vec::new();
    for (name, a, secret) in &secrets {
        let name = format!("{name}{}", std::process::id());
        // Start gwctl, read its argv while it waits for the secret on stdin, then send it.
        let mut c = sb.cmd();
        c.env(pass.0, pass.1).args(["-v", "profile", "add", &name]).args(a).arg("--secret-stdin");
        let mut child = c
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let cmdline = std::fs::read(format!("/proc/{}/cmdline", child.id())).unwrap_or_default();
        assert!(!cmdline.windows(secret.len()).any(|w| w == secret.as_bytes()), "secret in argv");
        use std::io::Write;
        child.stdin.take().unwrap().write_all(secret.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        logs.push_str(&String::from_utf8_lossy(&out.stdout));
        logs.push_str(&String::from_utf8_lossy(&out.stderr));
        // Use, show and list with --verbose too.
        for cmd in [
            vec!["-v", "sign", "-p", &name, "--format", "json", URL],
            vec!["-v", "profile", "show", &name],
            vec!["-v", "profile", "list"],
            vec!["-v", "doctor"],
        ] {
            let mut c = sb.cmd();
            c.env(pass.0, pass.1).args(&cmd);
            let (code, out, err) = run(c);
            assert_eq!(code, 0, "{cmd:?}: {err}");
            if cmd[1] != "sign" {
                logs.push_str(&out);
            }
            logs.push_str(&err);
        }
        all_secrets.push(secret.as_bytes().to_vec());
    }
    if have_pem {
        let key = std::fs::read(&pem).unwrap();
        let mut c = sb.cmd();
        c.env(pass.0, pass.1)
            .args(["-v", "profile", "add", "pem", "--auth", "jwt", "--alg", "ES256", "--store", "file", "--key-file"])
            .arg(&pem);
        let (code, out, err) = run(c);
        assert_eq!(code, 0, "{err}");
        logs.push_str(&out);
        logs.push_str(&err);
        std::fs::remove_file(&pem).unwrap();
        let mut c = sb.cmd();
        c.env(pass.0, pass.1).args(["sign", "-p", "pem", URL]);
        let (code, out, err) = run(c);
        assert_eq!(code, 0, "the key was copied into the store, not referenced: {err}");
        assert!(out.contains("Bearer ey"));
        // The base64 body of the PEM must appear nowhere.
        let body: String = String::from_utf8(key).unwrap().lines().filter(|l| !l.starts_with("-----")).collect();
        all_secrets.push(body.as_bytes()[..40].to_vec());
    }
    assert!(logs.contains("gwctl: "), "verbose notes were printed");
    for secret in &all_secrets {
        assert!(
            !logs.as_bytes().windows(secret.len()).any(|w| w == secret.as_slice()),
            "a secret in the output:\n{logs}"
        );
        for entry in walk(&sb.config_dir()) {
            let bytes = std::fs::read(&entry).unwrap();
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_slice()), "a secret in {}", entry.display());
        }
    }
    // Clean up the kernel keyring entries.
    for (name, _, _) in &secrets {
        let mut c = sb.cmd();
        c.env(pass.0, pass.1).args(["profile", "remove", &format!("{name}{}", std::process::id()), "--yes"]);
        assert_eq!(run(c).0, 0);
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// `gwctl serve --listen 127.0.0.1:port ARGS` from the sandbox (with `env`), once it answers.
fn serve(sb: &Sandbox, port: u16, args: &[&str], env: &[(&str, &str)]) -> common::Daemon {
    common::serve(sb, port, args, env, &sb.dir.path().join(format!("serve-{port}.log")))
}

/// `--auth none`: a profile with no secret and no store, described as such, and refused by
/// every command that would hand out or change a credential (exit 2, one line).
#[test]
fn auth_none_profiles_keep_no_secret() {
    let sb = Sandbox::new();
    let (code, _, err) =
        add(&sb, &["local", "--auth", "none", "--url", "http://127.0.0.1:5000", "--gateway", "mlflow"], b"", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no credentials, no secret"), "{err}");
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(config.contains("auth = \"none\"") && !config.contains("store ="), "{config}");

    let (code, out, _) = gw(&sb, &[], &["profile", "list"]);
    assert_eq!(code, 0);
    let row = out.lines().find(|l| l.contains("local")).unwrap();
    assert_eq!(row.split_whitespace().collect::<Vec<_>>(), ["*", "local", "none", "-", "http://127.0.0.1:5000"]);
    let (code, out, _) = gw(&sb, &[], &["profile", "show", "local"]);
    assert_eq!(code, 0);
    assert!(out.contains("# secret: none (auth none: requests are sent without credentials)"), "{out}");
    let (_, out, _) = gw(&sb, &[], &["profile", "show", "local", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["auth"].as_str(), v["secret"].as_str(), v.get("store")), (Some("none"), Some("none"), None));

    // The flags of a credential are refused, not ignored; so is a store.
    for extra in [&["--secret-stdin"][..], &["--store", "file"], &["--username", "u"], &["--region", "r"]] {
        let mut a = vec!["other", "--auth", "none"];
        a.extend_from_slice(extra);
        let (code, _, err) = add(&sb, &a, b"x", &[]);
        assert_eq!((code, err.lines().count()), (2, 1), "{extra:?}: {err}");
        assert!(err.contains("cannot be used with auth none"), "{err}");
    }
    // A hand-written store on a none profile is reported with its line.
    let mut c = sb.cmd();
    c.env("GWCTL_CONFIG", sb.dir.path().join("hand.toml"));
    std::fs::write(sb.dir.path().join("hand.toml"), "[profiles.x]\nauth = \"none\"\nstore = \"file\"\n").unwrap();
    c.args(["profile", "list"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 7, "{err}");
    assert!(err.contains("keeps no secret"), "{err}");

    // Nothing to sign, print, hand over or rotate.
    for (a, says) in [
        (&["sign", "-p", "local", "http://127.0.0.1:5000/"][..], "nothing to sign"),
        (&["sign", "--explain", "-p", "local", "http://127.0.0.1:5000/"], "nothing to sign"),
        (&["sign", "--auth", "none", "http://127.0.0.1:5000/"], "--auth none: there is nothing to sign"),
        (&["token", "-p", "local"], "no token to print"),
        (&["credential-process", "-p", "local"], "no AWS credentials"),
        (&["exec", "-p", "local", "--", "true"], "no credentials to put"),
        (&["keys", "rotate", "-p", "local", "--yes"], "no key or password to rotate"),
        (&["serve", "--listen", "127.0.0.1:0", "--accept", "local"], "no credential to accept"),
    ] {
        let (code, out, err) = gw(&sb, &[], a);
        assert_eq!((code, out.as_str(), err.lines().count()), (2, "", 1), "{a:?}: {err}");
        assert!(err.contains(says), "{a:?}: {err}");
    }

    // A basic profile turned into none forgets its secret; and back, with a new one.
    let pass = [("GWCTL_FILE_PASSPHRASE", "none-test-passphrase")];
    let (code, _, err) =
        add(&sb, &["b", "--auth", "basic", "--username", "u", "--store", "file", "--secret-stdin"], b"pw", &pass);
    assert_eq!(code, 0, "{err}");
    let secret_file = sb.config_dir().join("secrets/b.age");
    assert!(secret_file.exists());
    let (code, _, err) = gw(&sb, &pass, &["profile", "edit", "b", "--auth", "none"]);
    assert_eq!(code, 0, "{err}");
    assert!(!secret_file.exists(), "the old secret stays behind");
    let (_, out, _) = gw(&sb, &[], &["profile", "show", "b", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["auth"].as_str(), v.get("username"), v.get("store")), (Some("none"), None, None), "{out}");
    let mut c = sb.cmd();
    c.envs(pass).args(["profile", "edit", "b", "--auth", "bearer", "--store", "file", "--secret-stdin"]);
    let (code, _, err) = run_with_stdin(c, b"tok");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = gw(&sb, &pass, &["sign", "-p", "b", "http://127.0.0.1:5000/"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Authorization: Bearer tok"), "{out}");

    let (code, _, err) = gw(&sb, &[], &["profile", "remove", "local", "--yes"]);
    assert_eq!(code, 0, "{err}");
}

/// A gateway that checks nothing (`gwctl serve` with no identity, like a plain `mlflow
/// gateway start`) is called with `--url` alone, without any profile.
#[test]
fn url_alone_calls_a_gateway_without_credentials() {
    let sb = Sandbox::new();
    let port = common::free_port();
    let _server = serve(&sb, port, &[], &[]);
    let url = format!("http://127.0.0.1:{port}");
    let (code, out, err) = gw(&sb, &[], &["routes", "list", "--url", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().any(|l| l.starts_with("chat ")), "{out}");
    assert_eq!(err, "", "no default profile: no note");
    let (code, out, err) = gw(&sb, &[], &["routes", "show", "chat", "--url", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("llm/v1/chat"), "{out}");
    let (code, out, err) =
        gw(&sb, &[], &["invoke", "route", "chat", "--url", &url, "--prompt", "hello none", "--format", "text"]);
    assert_eq!((code, out.trim()), (0, "hello none"), "{err}");
    let endpoint = format!("{url}/endpoints/chat/invocations");
    let (code, out, err) =
        gw(&sb, &[], &["invoke", "endpoint", &endpoint, "-d", r#"{"messages":[{"role":"user","content":"hi"}]}"#]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"content\":\"hi\""), "{out}");
    // The same through a profile with auth none, and with --auth none.
    let (code, _, err) = add(&sb, &["local", "--auth", "none", "--url", &url, "--gateway", "mlflow"], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = gw(&sb, &[], &["routes", "list"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = gw(&sb, &[], &["routes", "list", "--auth", "none", "--url", &url]);
    assert_eq!(code, 0, "{err}");
    // A header written by hand goes as written: none signs (and replaces) nothing.
    let (code, _, err) = gw(
        &sb,
        &[],
        &["invoke", "endpoint", &endpoint, "-d", "{}", "--dry-run", "-H", "Authorization: Bearer mine", "-p", "local"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("> Authorization: Bearer ****"), "{err}");
}

/// `--url` with no `-p`/`--auth` while a default profile exists: its credentials go only to its
/// own gateway's origin (or anywhere, for a profile without a URL); any other origin gets no
/// credentials and a one-line note. Checked against `gwctl serve --accept`, which refuses a
/// call without the profile's token (401).
#[test]
fn url_alone_and_the_default_profile() {
    let sb = Sandbox::new();
    let port = common::free_port();
    let env = [("T", "default-profile-token-0123456789")];
    let own = format!("http://127.0.0.1:{port}");
    let other = format!("http://localhost:{port}");
    let (code, _, err) = add(&sb, &["prod", "--auth", "bearer", "--store", "env:T", "--url", &own], b"", &[]);
    assert_eq!(code, 0, "{err}");
    let _server = serve(&sb, port, &["--accept", "prod"], &env);

    // Its own origin: the default profile signs (another path, the same origin).
    let (code, _, err) = gw(&sb, &env, &["routes", "list", "--url", &format!("{own}/")]);
    assert_eq!((code, err.as_str()), (0, ""), "{err}");
    // Another origin (localhost is not 127.0.0.1): no credentials, said in one line; refused.
    let (code, _, err) = gw(&sb, &env, &["routes", "list", "--url", &other]);
    assert_eq!(code, 9, "{err}");
    let note = err.lines().next().unwrap();
    assert!(
        note.starts_with("gwctl: note:")
            && note.contains(&format!("{other} is not on the gateway of the default profile \"prod\" ({own})"))
            && note.contains("pass -p prod"),
        "{err}"
    );
    assert!(!err.contains("default-profile-token"), "{err}");
    // The same for an absolute endpoint URL.
    let (code, _, err) =
        gw(&sb, &env, &["invoke", "endpoint", &format!("{other}/endpoints/chat/invocations"), "-d", "{}"]);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("not on the gateway of the default profile"), "{err}");
    // Naming the profile (or GWCTL_PROFILE) sends its credentials wherever asked.
    let (code, _, err) = gw(&sb, &env, &["routes", "list", "--url", &other, "-p", "prod"]);
    assert_eq!((code, err.as_str()), (0, ""), "{err}");
    let (code, _, err) = gw(&sb, &[env[0], ("GWCTL_PROFILE", "prod")], &["routes", "list", "--url", &other]);
    assert_eq!((code, err.as_str()), (0, ""), "{err}");
    // --auth none sends nothing, even to the profile's own gateway.
    let (code, _, err) = gw(&sb, &env, &["routes", "list", "--url", &own, "--auth", "none"]);
    assert_eq!(code, 9, "{err}");
    // ... but a header written by hand goes as written.
    let bearer = format!("Authorization: Bearer {}", env[0].1);
    let (code, out, err) = gw(
        &sb,
        &[],
        &[
            "invoke", "route", "chat", "--url", &own, "--auth", "none", "-H", &bearer, "--prompt", "mine", "--format",
            "text",
        ],
    );
    assert_eq!((code, out.trim()), (0, "mine"), "{err}");
    // A default profile without a URL is not tied to a gateway: it signs what it is pointed at.
    let (code, _, err) = gw(&sb, &[], &["profile", "edit", "prod", "--url", ""]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = gw(&sb, &env, &["routes", "list", "--url", &other]);
    assert_eq!((code, err.as_str()), (0, ""), "{err}");
}
