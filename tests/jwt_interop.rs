//! JWTs minted by `gwctl sign --auth jwt` verify with PyJWT for every algorithm, with every
//! key encoding gwctl accepts, and carry the claims asked for.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

struct KeyCase {
    alg: &'static str,
    /// A file in the key directory, or an HMAC secret.
    key: &'static str,
    hmac: bool,
}

const CASES: &[KeyCase] = &[
    KeyCase { alg: "HS256", key: "a-32-byte-shared-secret-for-hs256", hmac: true },
    KeyCase { alg: "HS384", key: "a-48-byte-shared-secret-for-hs384-xxxxxxxxxxxxxx", hmac: true },
    KeyCase { alg: "HS512", key: "a-64-byte-shared-secret-for-hs512-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", hmac: true },
    KeyCase { alg: "RS256", key: "rsa.pem", hmac: false },
    KeyCase { alg: "RS384", key: "rsa-pkcs1.pem", hmac: false },
    KeyCase { alg: "RS512", key: "rsa.pem", hmac: false },
    KeyCase { alg: "PS256", key: "rsa.pem", hmac: false },
    KeyCase { alg: "PS384", key: "rsa-pkcs1.pem", hmac: false },
    KeyCase { alg: "PS512", key: "rsa.pem", hmac: false },
    KeyCase { alg: "ES256", key: "ec256.pem", hmac: false },
    KeyCase { alg: "ES256", key: "ec256-sec1.pem", hmac: false },
    KeyCase { alg: "ES384", key: "ec384.pem", hmac: false },
    KeyCase { alg: "ES384", key: "ec384-sec1.pem", hmac: false },
    KeyCase { alg: "EdDSA", key: "ed25519.pem", hmac: false },
];

fn mint(alg: &str, key_env: &str) -> std::process::Output {
    Command::new(common::gwctl_bin())
        .args(["sign", "--auth", "jwt", "--alg", alg, "--iss", "https://issuer.example", "--sub", "svc-batch"])
        .args(["--aud", "mlflow-gateway", "--aud", "other", "--ttl", "10m", "--kid", "key-2026"])
        .args(["--claim", "scope=invoke:chat", "--claim", "tier=3", "--format", "json", "https://gw.example/v1/x"])
        .env_clear()
        .env("GWCTL_JWT_KEY", key_env)
        .output()
        .unwrap()
}

#[test]
fn every_algorithm_verifies_with_pyjwt() {
    let Some(python) = common::venv_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let status =
        Command::new(&python).arg(common::data_dir().join("../py/jwt_keys.py")).arg(dir.path()).status().unwrap();
    assert!(status.success());

    let mut lines = String::new();
    for case in CASES {
        let key_path = dir.path().join(case.key);
        let key_env = if case.hmac { case.key.to_string() } else { format!("@{}", key_path.display()) };
        let out = mint(case.alg, &key_env);
        assert!(out.status.success(), "{} {}: {}", case.alg, case.key, String::from_utf8_lossy(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let authz = v["headers"].as_array().unwrap().iter().find(|h| h[0] == "Authorization").unwrap()[1]
            .as_str()
            .unwrap()
            .to_string();
        let token = authz.strip_prefix("Bearer ").expect("a Bearer header");
        let key = if case.hmac { case.key.to_string() } else { key_path.display().to_string() };
        lines.push_str(
            &serde_json::json!({"token": token, "alg": case.alg, "key": key, "hmac": case.hmac,
                "aud": "mlflow-gateway", "iss": "https://issuer.example"})
            .to_string(),
        );
        lines.push('\n');
    }

    let mut child = Command::new(&python)
        .arg(common::data_dir().join("../py/jwt_verify.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(lines.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let results: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(results.len(), CASES.len());
    for (case, r) in CASES.iter().zip(&results) {
        assert_eq!(r["ok"], true, "{} with {}: {}", case.alg, case.key, r["error"]);
        let (h, c) = (&r["header"], &r["claims"]);
        assert_eq!(h["alg"], case.alg);
        assert_eq!(h["kid"], "key-2026");
        assert_eq!(h["typ"], "JWT");
        assert_eq!(c["iss"], "https://issuer.example");
        assert_eq!(c["sub"], "svc-batch");
        assert_eq!(c["aud"], serde_json::json!(["mlflow-gateway", "other"]));
        assert_eq!(c["scope"], "invoke:chat");
        assert_eq!(c["tier"], 3);
        let (iat, nbf, exp) = (c["iat"].as_i64().unwrap(), c["nbf"].as_i64().unwrap(), c["exp"].as_i64().unwrap());
        assert_eq!(exp - iat, 600);
        assert_eq!(nbf, iat);
        assert_eq!(c["jti"].as_str().unwrap().len(), 32);
    }
    eprintln!("PyJWT verified {} tokens ({} algorithms)", results.len(), 12);
}

#[test]
fn wrong_key_for_algorithm_is_a_clear_error() {
    let Some(python) = common::venv_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    assert!(
        Command::new(&python)
            .arg(common::data_dir().join("../py/jwt_keys.py"))
            .arg(dir.path())
            .status()
            .unwrap()
            .success()
    );
    let p = |f: &str| format!("@{}", dir.path().join(f).display());
    for (alg, key, expect) in [
        ("ES384", p("ec256.pem"), "not an EC P-384 private key"),
        ("ES256", p("rsa.pem"), "not an EC P-256 private key"),
        ("RS256", p("ec256.pem"), "RSA"),
        ("EdDSA", p("rsa.pem"), "Ed25519"),
        ("HS256", p("rsa.pem"), "shared secret"),
        ("RS256", "just-a-secret".to_string(), "PEM private key"),
    ] {
        let out = mint(alg, &key);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(4), "{alg}: {err}");
        assert!(err.contains(expect), "{alg}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(!err.contains("BEGIN"), "no key material: {err}");
    }
}
