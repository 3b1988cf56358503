//! `gwctl keys rotate` for keys gwctl makes itself (JWT key pairs and secrets, AK/SK pairs for
//! APIPark/Huawei, Basic passwords for a proxy) and `gwctl keys jwks`, checked with PyJWT.

mod common;

use common::{Sandbox, run, run_with_stdin};

fn cmd(sb: &Sandbox, args: &[&str]) -> std::process::Command {
    let mut c = sb.cmd();
    c.args(args);
    c
}

fn ok(sb: &Sandbox, args: &[&str]) -> (String, String) {
    let (code, out, err) = run(cmd(sb, args));
    assert_eq!(code, 0, "gwctl {args:?}: {err}");
    (out, err)
}

/// The Authorization value `gwctl sign` prints for the profile.
fn authorization(sb: &Sandbox, profile: &str) -> String {
    let (out, _) = ok(sb, &["sign", "--profile", profile, "https://gw.example/v1/chat"]);
    out.lines().find_map(|l| l.strip_prefix("Authorization: ")).unwrap_or_else(|| panic!("{out}")).to_string()
}

fn token(sb: &Sandbox, profile: &str) -> String {
    authorization(sb, profile).strip_prefix("Bearer ").unwrap().to_string()
}

fn show(sb: &Sandbox, profile: &str) -> serde_json::Value {
    serde_json::from_str(&ok(sb, &["profile", "show", profile, "--format", "json"]).0).unwrap()
}

/// PyJWT's verdict per token against the JWKS gwctl prints now.
fn verify_with_jwks(python: &std::path::Path, sb: &Sandbox, profile: &str, tokens: &[&str]) -> Vec<String> {
    let (jwks, _) = ok(sb, &["keys", "jwks", "--profile", profile]);
    let file = sb.dir.path().join(format!("{profile}.jwks.json"));
    std::fs::write(&file, &jwks).unwrap();
    let out = std::process::Command::new(python)
        .arg(common::data_dir().join("../py/jwks_verify.py"))
        .arg(&file)
        .args(tokens)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

fn kid_of(token: &str) -> String {
    use base64::Engine as _;
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&header).unwrap();
    v["kid"].as_str().unwrap_or("").to_string()
}

#[test]
fn jwt_key_pairs_rotate_and_jwks_verifies_old_and_new_tokens() {
    let Some(python) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let keys = sb.dir.path().join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    let st = std::process::Command::new(&python).arg(common::data_dir().join("../py/jwt_keys.py")).arg(&keys).status();
    assert!(st.unwrap().success());

    for (alg, pem) in [
        ("RS256", "rsa.pem"),
        ("PS256", "rsa-pkcs1.pem"),
        ("ES256", "ec256.pem"),
        ("ES384", "ec384-sec1.pem"),
        ("EdDSA", "ed25519.pem"),
    ] {
        let p = format!("j-{}", alg.to_lowercase());
        ok(
            &sb,
            &["profile", "add", &p, "--auth", "jwt", "--alg", alg, "--iss", "gwctl", "--aud", "gw", "--kid", "k1"]
                .iter()
                .copied()
                .chain(["--store", "keyutils", "--key-file", keys.join(pem).to_str().unwrap()])
                .collect::<Vec<_>>(),
        );
        let before = token(&sb, &p);
        assert_eq!(verify_with_jwks(&python, &sb, &p, &[&before]), vec!["ok k1"], "{alg}");

        let (out, err) = ok(&sb, &["keys", "rotate", "--profile", &p, "--yes"]);
        assert!(out.contains("gwctl keys jwks") && out.contains("--finish"), "{out}");
        assert!(!err.contains("PRIVATE KEY"), "{err}");
        let after = token(&sb, &p);
        let new_kid = kid_of(&after);
        assert_ne!(new_kid, "k1", "{alg}: a new kid");
        let profile = show(&sb, &p);
        assert_eq!(profile["rotation"]["step"], "overlap", "{profile}");
        assert_eq!(profile["rotation"]["previous_key_id"], "k1");
        // The new kid is the key's RFC 7638 thumbprint, derived from the key (no kid stored).
        assert_eq!(profile["rotation"]["pending_key_id"], new_kid.as_str(), "{profile}");
        assert!(profile["jwt"].get("kid").is_none_or(|k| k.is_null()), "{profile}");
        assert_eq!(new_kid.len(), 43, "a base64url SHA-256 thumbprint: {new_kid}");
        // During the overlap the JWKS verifies tokens minted before and after the rotation.
        assert_eq!(
            verify_with_jwks(&python, &sb, &p, &[&before, &after]),
            vec!["ok k1".to_string(), format!("ok {new_kid}")],
            "{alg}"
        );
        // A second rotation before --finish would drop a published key: refused.
        let (code, _, err) = run(cmd(&sb, &["keys", "rotate", "--profile", &p]));
        assert_eq!(code, 11, "{err}");
        ok(&sb, &["keys", "rotate", "--profile", &p, "--finish", "--yes"]);
        let v = verify_with_jwks(&python, &sb, &p, &[&before, &after]);
        assert!(v[0].starts_with("fail") && v[1] == format!("ok {new_kid}"), "{alg}: {v:?}");
        assert!(show(&sb, &p).get("rotation").is_none());
        eprintln!("{alg}: JWKS verified tokens from before and after the rotation");
    }

    // Killed mid-way (issue 12 item 18): at every kill point a token minted right after the
    // kill verifies against the JWKS published then, the JWKS still covers the old tokens, and
    // the re-run completes.
    ok(
        &sb,
        &[
            "profile",
            "add",
            "j-kill",
            "--auth",
            "jwt",
            "--alg",
            "ES256",
            "--kid",
            "old",
            "--store",
            "keyutils",
            "--key-file",
            keys.join("ec256.pem").to_str().unwrap(),
        ],
    );
    for step in ["after-store-pending", "after-switch"] {
        let before = token(&sb, "j-kill");
        let old_kid = kid_of(&before);
        common::kill_at_failpoint(cmd(&sb, &["keys", "rotate", "--profile", "j-kill", "--yes"]), step);
        assert_eq!(show(&sb, "j-kill")["rotation"]["step"], "created", "{step}");
        let during = token(&sb, "j-kill");
        let v = verify_with_jwks(&python, &sb, "j-kill", &[&before, &during]);
        assert_eq!(v[0], format!("ok {old_kid}"), "{step}: the old key must stay published");
        assert_eq!(v[1], format!("ok {}", kid_of(&during)), "{step}: a token minted after the kill verifies: {v:?}");
        ok(&sb, &["keys", "rotate", "--profile", "j-kill"]);
        let after = token(&sb, "j-kill");
        let v = verify_with_jwks(&python, &sb, "j-kill", &[&before, &during, &after]);
        assert!(v.iter().all(|l| l.starts_with("ok")), "{step}: {v:?}");
        ok(&sb, &["keys", "rotate", "--profile", "j-kill", "--finish", "--yes"]);
    }
}

#[test]
fn hmac_jwt_has_no_jwks_and_rotates_through_the_admin() {
    let sb = Sandbox::new();
    let (code, _, err) = run_with_stdin(
        cmd(&sb, &["profile", "add", "h", "--auth", "jwt", "--alg", "HS256", "--store", "keyutils", "--secret-stdin"]),
        b"old-shared-secret-0123456789abcdef",
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(cmd(&sb, &["keys", "jwks", "--profile", "h"]));
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("no public key to publish") && err.trim().lines().count() == 1, "{err}");

    let old = authorization(&sb, "h");
    let (out, _) = ok(&sb, &["keys", "rotate", "--profile", "h", "--yes"]);
    assert!(out.contains("secret: ") && out.contains("--finish"), "{out}");
    assert_eq!(show(&sb, "h")["rotation"]["step"], "pending");
    // Until --finish the old secret still signs.
    let still = token(&sb, "h");
    assert_eq!(kid_of(&still), kid_of(old.strip_prefix("Bearer ").unwrap()));
    // Re-running shows the same pending secret again instead of making another.
    let (again, _) = ok(&sb, &["keys", "rotate", "--profile", "h"]);
    assert_eq!(again, out);
    ok(&sb, &["keys", "rotate", "--profile", "h", "--finish", "--yes"]);
    let new = token(&sb, "h");
    let secret_b64 = out.lines().find_map(|l| l.trim().strip_prefix("secret: ")).unwrap().split(' ').next().unwrap();
    use base64::Engine as _;
    let secret = base64::engine::general_purpose::STANDARD.decode(secret_b64).unwrap();
    assert_eq!(secret.len(), 32);
    // The new token verifies with the printed secret (HS256 by hand: HMAC over header.payload).
    use hmac::{KeyInit, Mac};
    let (signing_input, sig) = new.rsplit_once('.').unwrap();
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&secret).unwrap();
    mac.update(signing_input.as_bytes());
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    assert_eq!(sig, expected, "the token is signed with the new secret");
    assert!(show(&sb, "h").get("rotation").is_none());
}

#[test]
fn aksk_pairs_wait_for_the_admin_then_switch() {
    let sb = Sandbox::new();
    for scheme in ["apipark", "huawei"] {
        let p = format!("ak-{scheme}");
        let (code, _, err) = run_with_stdin(
            cmd(
                &sb,
                &[
                    "profile",
                    "add",
                    &p,
                    "--auth",
                    scheme,
                    "--access-key-id",
                    "OLDKEY",
                    "--store",
                    "keyutils",
                    "--secret-stdin",
                ],
            ),
            b"old-secret",
        );
        assert_eq!(code, 0, "{err}");
        let (out, err) = ok(&sb, &["keys", "rotate", "--profile", &p, "--yes"]);
        let new_ak = out.lines().find_map(|l| l.trim().strip_prefix("access key: ")).unwrap().to_string();
        let new_sk = out.lines().find_map(|l| l.trim().strip_prefix("secret key: ")).unwrap().to_string();
        assert_eq!((new_ak.len(), new_sk.len()), (20, 40), "{out}");
        assert!(!err.contains(&new_sk), "the secret belongs on stdout only: {err}");
        let profile = show(&sb, &p);
        assert_eq!(profile["rotation"]["pending_key_id"], new_ak.as_str());
        assert!(profile["pending_secret"].as_str().unwrap().contains(&new_ak), "{profile}");
        assert!(authorization(&sb, &p).contains("OLDKEY"), "the old pair signs until --finish");
        let config = std::fs::read_to_string(sb.config()).unwrap();
        assert!(!config.contains(&new_sk), "no secret in the config");
        ok(&sb, &["keys", "rotate", "--profile", &p, "--finish", "--yes"]);
        let auth = authorization(&sb, &p);
        assert!(auth.contains(&new_ak) && !auth.contains("OLDKEY"), "{auth}");
        assert_eq!(show(&sb, &p)["access_key_id"], new_ak.as_str());
    }
    // A pair given on stdin is not echoed back.
    let (code, out, err) = run_with_stdin(
        cmd(&sb, &["keys", "rotate", "--profile", "ak-apipark", "--new-secret-stdin", "--yes"]),
        b"GIVENKEY given-secret-value-123\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("GIVENKEY") && !out.contains("given-secret-value") && !err.contains("given-secret-value"),
        "{out}{err}"
    );
    for bad in [&b"onlyonefield"[..], b"{\"AccessKeyId\":\"X\"}"] {
        let (code, _, err) =
            run_with_stdin(cmd(&sb, &["keys", "rotate", "--profile", "ak-huawei", "--new-secret-stdin"]), bad);
        assert_eq!(code, 3, "{err}");
        assert!(err.trim().lines().count() == 1 && !err.contains("onlyonefield"), "{err}");
    }
    // --finish with nothing pending, and a rotation of a read-only store: clear refusals.
    let (code, _, err) = run(cmd(&sb, &["keys", "rotate", "--profile", "ak-huawei", "--finish"]));
    assert_eq!(code, 2, "{err}");
    ok(&sb, &["profile", "add", "ro", "--auth", "apipark", "--access-key-id", "A", "--store", "env:SK"]);
    let (code, _, err) = run(cmd(&sb, &["keys", "rotate", "--profile", "ro"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("env:SK") && err.contains("writable store"), "{err}");
    // An unknown profile.
    let (code, _, err) = run(cmd(&sb, &["keys", "rotate", "--profile", "nope"]));
    assert_eq!(code, 7, "{err}");
}

/// A sandbox with profile "b": Basic, alice / "old-password", in the kernel keyring.
fn basic_proxy_profile() -> Sandbox {
    let sb = Sandbox::new();
    let (code, _, err) = run_with_stdin(
        cmd(
            &sb,
            &["profile", "add", "b", "--auth", "basic", "--username", "alice", "--store", "keyutils", "--secret-stdin"],
        ),
        b"old-password",
    );
    assert_eq!(code, 0, "{err}");
    sb
}

#[test]
fn a_new_proxy_password_bcrypt_would_cut_is_refused_before_anything_is_stored() {
    let sb = basic_proxy_profile();
    let before = std::fs::read_to_string(sb.config()).unwrap();
    let (code, out, err) =
        run_with_stdin(cmd(&sb, &["keys", "rotate", "--profile", "b", "--new-secret-stdin", "--yes"]), &[b'x'; 80]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("80 bytes") && err.contains("72"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!out.contains("xxxx") && !err.contains("xxxx"), "the password is never echoed");
    assert_eq!(std::fs::read_to_string(sb.config()).unwrap(), before, "no rotation recorded");
    assert_eq!(authorization(&sb, "b"), "Basic YWxpY2U6b2xkLXBhc3N3b3Jk", "the old password still signs");
    // 72 bytes are taken.
    let (code, _, err) =
        run_with_stdin(cmd(&sb, &["keys", "rotate", "--profile", "b", "--new-secret-stdin", "--yes"]), &[b'y'; 72]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn basic_password_for_a_proxy_gets_an_htpasswd_line() {
    let sb = basic_proxy_profile();
    let (out, err) = ok(&sb, &["keys", "rotate", "--profile", "b", "--yes"]);
    let line = out.lines().find_map(|l| l.trim().strip_prefix("alice:")).unwrap_or_else(|| panic!("{out}"));
    assert!(line.starts_with("$2"), "bcrypt: {out}");
    ok(&sb, &["keys", "rotate", "--profile", "b", "--finish", "--yes"]);
    use base64::Engine as _;
    let basic = authorization(&sb, "b");
    let decoded = base64::engine::general_purpose::STANDARD.decode(basic.strip_prefix("Basic ").unwrap()).unwrap();
    let (user, pw) = std::str::from_utf8(&decoded).unwrap().split_once(':').unwrap();
    assert_eq!(user, "alice");
    assert!(pw.len() == 32 && pw.bytes().all(|b| b.is_ascii_alphanumeric()), "a strong generated password");
    assert!(bcrypt::verify(pw, line).unwrap(), "the htpasswd line holds the new password");
    assert!(!out.contains(pw) && !err.contains(pw), "the password itself is never printed");
    let (out, _) = ok(&sb, &["doctor"]);
    assert!(out.contains("key is 0 days old"), "{out}");
    // An old key is flagged, with the command that rotates it.
    let config = std::fs::read_to_string(sb.config()).unwrap();
    let start = config.find("key_created = \"").unwrap() + 15;
    let end = start + config[start..].find('"').unwrap();
    std::fs::write(sb.config(), format!("{}2025-01-01T00:00:00Z{}", &config[..start], &config[end..])).unwrap();
    let (out, _) = ok(&sb, &["doctor", "--max-age", "90d"]);
    assert!(
        out.contains("WARNING: key is") && out.contains("older than 90 days: gwctl keys rotate --profile b"),
        "{out}"
    );
    let (out, _) = ok(&sb, &["doctor", "--max-age", "3650d"]);
    assert!(!out.contains("WARNING"), "{out}");
}
