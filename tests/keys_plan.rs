//! `gwctl keys rotate` says before it acts what it will do, in the words the real run then
//! uses: a dry run announces the kid the real run makes (or says it is the new key's RFC 7638
//! thumbprint, known once the key is made); on a terminal the plan is shown and confirmed
//! (default no); without a terminal, `--yes` is needed. A JWT profile added without `--kid`
//! signs with its key's thumbprint as kid, the kid `keys jwks` publishes (checked with PyJWT).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Sandbox, run, run_with_stdin};

fn cmd(sb: &Sandbox, args: &[&str]) -> Command {
    let mut c = sb.cmd();
    c.args(args);
    c
}

fn ok(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let (code, out, err) = run(cmd(sb, args));
    assert_eq!(code, 0, "gwctl {args:?}: {err}");
    (out, err)
}

fn token(sb: &Sandbox, profile: &str) -> String {
    let (out, _) = ok(sb, &["sign", "--profile", profile, "https://gw.example/v1/chat"]);
    out.lines().find_map(|l| l.strip_prefix("Authorization: Bearer ")).unwrap_or_else(|| panic!("{out}")).to_string()
}

fn kid_of(token: &str) -> String {
    use base64::Engine as _;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&header).unwrap();
    v["kid"].as_str().unwrap_or("").to_string()
}

fn show(sb: &Sandbox, profile: &str) -> serde_json::Value {
    serde_json::from_str(&ok(sb, &["profile", "show", profile, "--format", "json"]).0).unwrap()
}

fn jwks(sb: &Sandbox, profile: &str) -> serde_json::Value {
    serde_json::from_str(&ok(sb, &["keys", "jwks", "--profile", profile]).0).unwrap()
}

/// RFC 7638, computed here from the JWK's members (independently of gwctl's code).
fn thumbprint(jwk: &serde_json::Value) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let members: &[&str] = match jwk["kty"].as_str().unwrap() {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "OKP" => &["crv", "kty", "x"],
        other => panic!("kty {other}"),
    };
    let body: Vec<String> = members.iter().map(|m| format!("\"{m}\":\"{}\"", jwk[*m].as_str().unwrap())).collect();
    let digest = sha2::Sha256::digest(format!("{{{}}}", body.join(",")).as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// PyJWT's verdict per token against the JWKS gwctl prints now.
fn verify_with_jwks(python: &Path, sb: &Sandbox, profile: &str, tokens: &[&str]) -> Vec<String> {
    let file = sb.dir.path().join(format!("{profile}.jwks.json"));
    std::fs::write(&file, jwks(sb, profile).to_string()).unwrap();
    let out = Command::new(python)
        .arg(common::data_dir().join("../py/jwks_verify.py"))
        .arg(&file)
        .args(tokens)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

/// Keys made by Python's `cryptography` (tests/py/jwt_keys.py).
fn keys(python: &Path, sb: &Sandbox) -> PathBuf {
    let dir = sb.dir.path().join("keys");
    std::fs::create_dir_all(&dir).unwrap();
    let st = Command::new(python).arg(common::data_dir().join("../py/jwt_keys.py")).arg(&dir).status();
    assert!(st.unwrap().success());
    dir
}

fn add_jwt(sb: &Sandbox, name: &str, alg: &str, pem: &Path, extra: &[&str]) {
    let args = [
        &["profile", "add", name, "--auth", "jwt", "--alg", alg, "--iss", "gwctl", "--aud", "gw"][..],
        extra,
        &["--store", "keyutils", "--key-file", pem.to_str().unwrap()],
    ]
    .concat();
    ok(sb, &args);
}

/// gwctl run on a pseudo-terminal (a person is there), answering `answer` at "Go ahead?".
fn on_terminal(python: &Path, sb: &Sandbox, args: &[&str], answer: &str) -> (i32, String) {
    let base = sb.cmd();
    let mut c = Command::new(python);
    c.env_clear();
    for (k, v) in base.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    c.arg(common::data_dir().join("../py/pty_answer.py")).args(["Go ahead?", answer]).arg(common::gwctl_bin());
    c.args(args);
    let (code, out, err) = run(c);
    assert!(err.is_empty() || code >= 0, "{err}");
    (code, out)
}

#[test]
fn a_jwt_profile_without_kid_signs_with_its_thumbprint() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let dir = keys(&python, &sb);
    for (alg, pem) in [("ES256", "ec256.pem"), ("RS256", "rsa.pem"), ("EdDSA", "ed25519.pem")] {
        let name = format!("nokid-{}", alg.to_lowercase());
        add_jwt(&sb, &name, alg, &dir.join(pem), &[]);
        let t = token(&sb, &name);
        let published = jwks(&sb, &name);
        let keys = published["keys"].as_array().unwrap();
        assert_eq!(keys.len(), 1, "{published}");
        let kid = keys[0]["kid"].as_str().unwrap();
        assert_eq!(kid, thumbprint(&keys[0]), "{alg}: the published kid is the RFC 7638 thumbprint");
        assert_eq!(kid_of(&t), kid, "{alg}: the token names the published kid");
        assert_eq!(verify_with_jwks(&python, &sb, &name, &[&t]), vec![format!("ok {kid}")], "{alg}");
    }
}

#[test]
fn the_dry_run_announces_what_the_real_run_does() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let dir = keys(&python, &sb);
    add_jwt(&sb, "signer", "ES256", &dir.join("ec256.pem"), &["--kid", "k1"]);
    let before = token(&sb, "signer");

    // A generated key: the dry run cannot know its kid and says how it is made; nothing changes.
    let (out, _) = ok(&sb, &["keys", "rotate", "--profile", "signer", "--dry-run"]);
    assert!(out.starts_with("gwctl keys rotate --profile signer would (dry run: nothing was changed):\n"), "{out}");
    assert!(
        out.contains(
            "make a new ES256 key (EC P-256); its kid is the RFC 7638 thumbprint of the new key (computed when the key is made)"
        ),
        "{out}"
    );
    assert!(out.contains("drop the profile's configured kid k1") && out.contains("old public key (kid k1)"), "{out}");
    assert!(show(&sb, "signer").get("rotation").is_none(), "a dry run changes nothing");
    assert_eq!(token(&sb, "signer").split('.').next(), before.split('.').next());

    // A key given on standard input: the dry run names its kid, and the real run uses exactly it.
    let other = sb.dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let st = Command::new(&python).arg(common::data_dir().join("../py/jwt_keys.py")).arg(&other).status();
    assert!(st.unwrap().success());
    let new_pem = std::fs::read(other.join("ec256.pem")).unwrap();
    let (code, dry, err) = run_with_stdin(
        cmd(&sb, &["keys", "rotate", "--profile", "signer", "--dry-run", "--new-secret-stdin"]),
        &new_pem,
    );
    assert_eq!(code, 0, "{err}");
    let announced = dry
        .split("its kid is ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("{dry}"))
        .to_string();
    assert!(dry.contains(&format!("its kid is {announced} (RFC 7638 thumbprint of the new key)")), "{dry}");
    assert!(show(&sb, "signer").get("rotation").is_none(), "a dry run changes nothing");

    let (code, out, err) =
        run_with_stdin(cmd(&sb, &["keys", "rotate", "--profile", "signer", "--new-secret-stdin", "--yes"]), &new_pem);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("kid {announced} (RFC 7638 thumbprint of the new key)")), "{out}");
    assert!(err.contains(&format!("its kid is {announced} (RFC 7638 thumbprint of the new key)")), "{err}");
    let after = token(&sb, "signer");
    assert_eq!(kid_of(&after), announced, "the real run signs with the kid the dry run announced");
    let v = verify_with_jwks(&python, &sb, "signer", &[&before, &after]);
    assert_eq!(v, vec!["ok k1".to_string(), format!("ok {announced}")]);
    assert!(!out.contains("PRIVATE KEY") && !err.contains("PRIVATE KEY"));

    // --finish: the dry run and the real run name the same previous kid.
    let (dry, _) = ok(&sb, &["keys", "rotate", "--profile", "signer", "--finish", "--dry-run"]);
    assert!(dry.contains("stop publishing the previous public key (kid k1)"), "{dry}");
    ok(&sb, &["keys", "rotate", "--profile", "signer", "--finish", "--yes"]);

    // A generated key: the real run's kid is the one it reports and publishes.
    let (out, _) = ok(&sb, &["keys", "rotate", "--profile", "signer", "--yes"]);
    let kid = out
        .split("signed with the new key, kid ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .unwrap_or_else(|| panic!("{out}"))
        .to_string();
    assert_eq!(kid_of(&token(&sb, "signer")), kid);
    let published = jwks(&sb, "signer");
    let new_jwk = published["keys"].as_array().unwrap().iter().find(|k| k["kid"] == kid.as_str()).cloned();
    assert_eq!(thumbprint(&new_jwk.unwrap_or_else(|| panic!("{published}"))), kid);
}

#[test]
fn without_a_terminal_rotate_needs_yes() {
    let sb = Sandbox::new();
    let (code, _, err) = run_with_stdin(
        cmd(
            &sb,
            &["profile", "add", "b", "--auth", "basic", "--username", "alice", "--store", "keyutils", "--secret-stdin"],
        ),
        b"old-password",
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(cmd(&sb, &["keys", "rotate", "--profile", "b"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("no terminal to ask on: pass --yes"), "{err}");
    assert!(show(&sb, "b").get("rotation").is_none(), "nothing changed");

    // The gateway-managed plan: a generated value is chosen when made; a given one is named.
    let (dry, _) = ok(&sb, &["keys", "rotate", "--profile", "b", "--dry-run"]);
    assert!(dry.contains("make a new password (32 random letters and digits)"), "{dry}");
    assert!(dry.contains("keep using the current password until gwctl keys rotate --profile b --finish"), "{dry}");
    let (code, _, err) = run_with_stdin(
        cmd(
            &sb,
            &[
                "profile",
                "add",
                "ak",
                "--auth",
                "apipark",
                "--access-key-id",
                "OLDKEY",
                "--store",
                "keyutils",
                "--secret-stdin",
            ],
        ),
        b"old-secret-0123456789",
    );
    assert_eq!(code, 0, "{err}");
    let (code, dry, err) = run_with_stdin(
        cmd(&sb, &["keys", "rotate", "-p", "ak", "--dry-run", "--new-secret-stdin"]),
        b"NEWKEY s3cret-value-42",
    );
    assert_eq!(code, 0, "{err}");
    assert!(dry.contains("access key NEWKEY") && dry.contains("(OLDKEY)") && !dry.contains("s3cret"), "{dry}");

    // --finish changes the profile too: it asks, or needs --yes.
    ok(&sb, &["keys", "rotate", "--profile", "b", "--yes"]);
    let (code, _, err) = run(cmd(&sb, &["keys", "rotate", "--profile", "b", "--finish"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("gwctl keys rotate --profile b --finish changes credentials") && err.contains("pass --yes"),
        "{err}"
    );
    assert_eq!(show(&sb, "b")["rotation"]["step"], "pending");
    // Re-running an unfinished rotation only shows it again: no question.
    ok(&sb, &["keys", "rotate", "--profile", "b"]);
}

#[test]
fn on_a_terminal_rotate_shows_the_plan_and_asks() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let (code, _, err) = run_with_stdin(
        cmd(
            &sb,
            &["profile", "add", "b", "--auth", "basic", "--username", "alice", "--store", "keyutils", "--secret-stdin"],
        ),
        b"old-password",
    );
    assert_eq!(code, 0, "{err}");
    // "n": nothing changes.
    let (code, screen) = on_terminal(&python, &sb, &["keys", "rotate", "--profile", "b"], "n");
    assert!(screen.contains("gwctl keys rotate --profile b will:"), "{screen}");
    assert!(screen.contains("make a new password (32 random letters and digits)"), "{screen}");
    assert!(screen.contains("Go ahead?"), "{screen}");
    assert_eq!(code, 11, "{screen}");
    assert!(screen.contains("you answered no: nothing was changed"), "{screen}");
    assert!(show(&sb, "b").get("rotation").is_none());
    // "y": the rotation runs.
    let (code, screen) = on_terminal(&python, &sb, &["keys", "rotate", "--profile", "b"], "y");
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("alice:$2"), "the htpasswd line: {screen}");
    assert_eq!(show(&sb, "b")["rotation"]["step"], "pending");
}
