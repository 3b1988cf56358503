//! Short-lived credentials end to end, through the gwctl BINARY: oauth2 profiles against a
//! real OpenID provider (npm `oidc-provider`, tests/js/oidc_server.mjs) with a resource server
//! that verifies its JWTs (tests/py/resource_server.py), and AssumeRole profiles against moto.
//!
//! Needs `node` and `npm ci --prefix tests/js`, and the test venv (GWCTL_TEST_VENV or ./.venv)
//! with PyJWT, moto and boto3. Skips with a note when they are missing, unless
//! GWCTL_REQUIRE_E2E=1.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::Sandbox;

const PASS: &str = "e2e passphrase";
const RESOURCE: &str = "urn:gwctl:test-gateway";

fn require_or_skip<T>(what: &str) -> Option<T> {
    if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
        panic!("GWCTL_REQUIRE_E2E=1 but {what}");
    }
    eprintln!("note: skipping: {what}");
    None
}

/// The provider and the resource server, stopped on drop.
struct Idp {
    dir: tempfile::TempDir,
    issuer: String,
    rs_url: String,
    token_log: PathBuf,
    key_pem: PathBuf,
    _oidc: common::Daemon,
    _rs: common::Daemon,
}

/// An ES256 key pair for the private_key_jwt client: the PEM file gwctl reads and the JWKS
/// file the provider reads (kid = the RFC 7638 thumbprint, which gwctl sends by default).
fn client_key(dir: &Path) -> (PathBuf, PathBuf) {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
    use gwctl::signing::jwt::{JwtKey, public_jwk};
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let der = pair.to_pkcs8v1().unwrap();
    let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", der.as_ref().to_vec()));
    let key = JwtKey::parse(pem.as_bytes()).unwrap();
    let kid = gwctl::tokens::oauth2::key_thumbprint(jsonwebtoken::Algorithm::ES256, &key).unwrap();
    let jwk = public_jwk(jsonwebtoken::Algorithm::ES256, &key, Some(&kid)).unwrap();
    let jwks = dir.join("client-jwks.json");
    std::fs::write(&jwks, serde_json::json!({ "keys": [jwk] }).to_string()).unwrap();
    let pem_path = dir.join("client-key.pem");
    std::fs::write(&pem_path, pem).unwrap();
    (pem_path, jwks)
}

impl Idp {
    fn start() -> Option<Idp> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        if !Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()) {
            return require_or_skip("node is not installed (the OpenID provider runs on Node)");
        }
        if !root.join("tests/js/node_modules/oidc-provider/package.json").exists() {
            return require_or_skip("tests/js/node_modules is missing: run `npm ci --prefix tests/js`");
        }
        let py = common::venv_python()?;
        let dir = tempfile::tempdir().unwrap();
        let (key_pem, jwks) = client_key(dir.path());
        let (oidc, issuer, token_log) = common::oidc_provider(dir.path(), &jwks);
        let rs_port = common::free_port();
        let mut c = Command::new(py);
        c.arg(root.join("tests/py/resource_server.py"))
            .args(["--port", &rs_port.to_string(), "--issuer", &issuer, "--audience", RESOURCE])
            .arg("--log")
            .arg(dir.path().join("resource-requests.jsonl"));
        let log = dir.path().join("rs.log");
        let mut rs = common::Daemon::spawn("resource server", c, &log);
        let rs_url = format!("http://127.0.0.1:{rs_port}");
        rs.wait_http(&format!("{rs_url}/health"), 90, &log);
        Some(Idp { dir, issuer, rs_url, token_log, key_pem, _oidc: oidc, _rs: rs })
    }

    /// Successful token requests of `client_id`, from the provider's log.
    fn hits(&self, client_id: &str) -> usize {
        self.requests(client_id).iter().filter(|v| v["status"] == 200).count()
    }

    fn requests(&self, client_id: &str) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.token_log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["client_id"] == client_id && v["path"] == "/token")
            .collect()
    }

    fn revoke_all(&self) {
        let ok = Command::new("curl")
            .args(["-sf", "-o", "/dev/null", "-X", "POST", "--max-time", "5", &format!("{}/revoke-all", self.rs_url)])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    }
}

fn cmd(sb: &Sandbox) -> Command {
    let mut c = sb.cmd();
    c.env("GWCTL_FILE_PASSPHRASE", PASS);
    c
}

fn gw(sb: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let mut c = cmd(sb);
    c.args(args);
    common::run(c)
}

fn gw_stdin(sb: &Sandbox, args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut c = cmd(sb);
    c.args(args);
    common::run_with_stdin(c, stdin.as_bytes())
}

/// `gwctl invoke endpoint /v1/chat/completions -p NAME`: (exit code, body JSON, stderr).
fn invoke(sb: &Sandbox, name: &str, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args = vec!["invoke", "endpoint", "/v1/chat/completions", "-p", name, "-d", "{}", "--format", "raw"];
    args.extend_from_slice(extra);
    let (code, out, err) = gw(sb, &args);
    (code, serde_json::from_str(&out).unwrap_or(serde_json::Value::Null), err)
}

fn add_oauth2(sb: &Sandbox, idp: &Idp, name: &str, client: &str, method: &str, secret: Option<&str>) {
    let mut args = vec![
        "profile",
        "add",
        name,
        "--auth",
        "oauth2",
        "--issuer",
        &idp.issuer,
        "--client-id",
        client,
        "--client-auth",
        method,
        "--scope",
        "gateway:invoke",
        "--url",
        &idp.rs_url,
        "--store",
        "file",
        "--yes",
    ];
    let key = idp.key_pem.display().to_string();
    match secret {
        Some(_) => args.push("--secret-stdin"),
        None => args.extend(["--key-file", key.as_str()]),
    }
    let (code, _, err) = gw_stdin(sb, &args, secret.unwrap_or(""));
    assert_eq!(code, 0, "profile add {name}: {err}");
}

/// Every client-auth method through `gwctl invoke`: discovery, the token, the resource
/// server's check, and the cache (a second call makes no token request).
#[test]
fn oauth2_profiles_for_each_client_auth_method() {
    let Some(idp) = Idp::start() else { return };
    let sb = Sandbox::new();
    let cases = [
        ("basic", "gwctl-basic", "basic", Some("basic-secret-0123456789abcdef")),
        ("post", "gwctl-post", "post", Some("post-secret-0123456789abcdef")),
        ("hs", "gwctl-secret-jwt", "client-secret-jwt", Some("hs-secret-0123456789abcdef0123456789abcdef")),
        ("pk", "gwctl-jwt", "private-key-jwt", None),
    ];
    for (name, client, method, secret) in cases {
        add_oauth2(&sb, &idp, name, client, method, secret);
        let (code, body, err) = invoke(&sb, name, &[]);
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(body["client_id"], client, "{name}: {body}");
        assert_eq!(body["scope"], "gateway:invoke");
        assert_eq!(idp.hits(client), 1, "{name}");
        let (code, body, err) = invoke(&sb, name, &[]);
        assert_eq!((code, &body["client_id"]), (0, &serde_json::json!(client)), "{name}: {err}");
        assert_eq!(idp.hits(client), 1, "{name}: the second call used the cached token");
    }
    // The token is in the profile's store slot, never in the config file; `profile show`
    // shows no token; `doctor` shows its expiry.
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(!config.contains("eyJ"), "{config}");
    assert!(config.contains("[profiles.basic.oauth2]"), "{config}");
    let (_, show, _) = gw(&sb, &["profile", "show", "basic"]);
    assert!(!show.contains("eyJ"), "{show}");
    let (code, doctor, err) = gw(&sb, &["doctor"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        doctor.contains("cached token: expires in 9m") || doctor.contains("cached token: expires in 10m"),
        "{doctor}"
    );
}

/// A 5-second token is refreshed; a revoked token → 401 → one refresh → success; a wrong
/// secret is a one-line error (exit 4) with nothing cached; `gwctl token` and `--clear`; no
/// secret or token in `-v`.
#[test]
fn oauth2_refresh_revocation_errors_and_token_command() {
    let Some(idp) = Idp::start() else { return };
    let sb = Sandbox::new();
    let secret = "basic-secret-0123456789abcdef";
    add_oauth2(&sb, &idp, "idp", "gwctl-basic", "basic", Some(secret));
    add_oauth2(&sb, &idp, "short", "gwctl-short", "basic", Some("short-secret-0123456789abcdef"));

    // A 5-second token: after 6 s it has expired and a new one is fetched before the call.
    let (code, _, err) = invoke(&sb, "short", &[]);
    assert_eq!((code, idp.hits("gwctl-short")), (0, 1), "{err}");
    std::thread::sleep(Duration::from_secs(6));
    let (code, body, err) = invoke(&sb, "short", &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(body["client_id"], "gwctl-short");
    assert_eq!(idp.hits("gwctl-short"), 2);

    // Revoked at the resource server: the cached token gets a 401, one refresh, then 200.
    let (code, _, err) = invoke(&sb, "idp", &[]);
    assert_eq!((code, idp.hits("gwctl-basic")), (0, 1), "{err}");
    idp.revoke_all();
    std::thread::sleep(Duration::from_millis(1100)); // iat has second precision
    let (code, body, err) = invoke(&sb, "idp", &["-v", "--retries", "0"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(body["client_id"], "gwctl-basic");
    assert_eq!(idp.hits("gwctl-basic"), 2, "exactly one refresh");
    assert!(err.contains("HTTP 401; refreshing"), "{err}");
    assert!(!err.contains("eyJ") && !err.contains(secret), "-v shows no token or secret:\n{err}");

    // `gwctl token`: the cached token (no new request), usable at the resource server.
    let (code, token, err) = gw(&sb, &["token", "-p", "idp"]);
    assert_eq!(code, 0, "{err}");
    let token = token.trim().to_string();
    assert!(token.starts_with("eyJ") && !token.contains('\n'));
    assert_eq!(idp.hits("gwctl-basic"), 2);
    let status = Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-d", "{}"])
        .arg("-H")
        .arg(format!("Authorization: Bearer {token}"))
        .arg(format!("{}/v1/chat/completions", idp.rs_url))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "200");
    let (_, header, _) = gw(&sb, &["token", "-p", "idp", "--format", "header"]);
    assert_eq!(header.trim(), format!("Authorization: Bearer {token}"));
    let (_, json, _) = gw(&sb, &["token", "-p", "idp", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((v["access_token"].as_str(), v["token_type"].as_str()), (Some(token.as_str()), Some("Bearer")));
    assert!(v["expires_in"].as_i64().unwrap() > 500, "{v}");

    // --clear deletes the cached token: doctor says none, the next use fetches.
    let (code, _, err) = gw(&sb, &["token", "-p", "idp", "--clear"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("deleted the cached token"), "{err}");
    let (_, doctor, _) = gw(&sb, &["doctor"]);
    assert!(doctor.lines().any(|l| l.contains("cached token: none")), "{doctor}");
    // -v of a fresh fetch shows the redacted token request, never the secret or the token.
    let (code, token2, err) = gw(&sb, &["-v", "token", "-p", "idp"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(idp.hits("gwctl-basic"), 3);
    assert!(err.contains("token request:") && err.contains("Authorization: Basic <redacted>"), "{err}");
    for s in [secret, token2.trim(), &token] {
        assert!(!err.contains(s), "-v leaked a secret:\n{err}");
    }

    // A wrong client secret: one line, exit 4, nothing cached.
    add_oauth2(&sb, &idp, "wrong", "gwctl-post", "post", Some("not-the-secret-value"));
    let (code, _, err) = invoke(&sb, "wrong", &[]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("invalid_client") && !err.contains("not-the-secret-value"), "{err}");
    let (_, doctor, _) = gw(&sb, &["doctor"]);
    let wrong: Vec<&str> = doctor.lines().skip_while(|l| !l.trim_start().starts_with("wrong ")).take(3).collect();
    assert!(wrong.iter().any(|l| l.contains("cached token: none")), "{doctor}");
    let (code, doctor, _) = gw(&sb, &["doctor", "--check"]);
    assert_eq!(code, 9, "a profile is refused (its client secret): {doctor}");
    assert!(doctor.contains("token check: FAILED: the token endpoint"), "{doctor}");
    assert!(doctor.contains("token check: OK, valid for"), "{doctor}");

    // exec: the token in the named variable, the exit code passed through.
    let (code, out, err) = gw(
        &sb,
        &["exec", "-p", "idp", "--env", "OPENAI_API_KEY", "--", "sh", "-c", "printf %s \"$OPENAI_API_KEY\"; exit 7"],
    );
    assert_eq!(code, 7, "{err}");
    assert!(out.starts_with("eyJ"), "{out}");

    // profile remove deletes the token slot with the secret.
    let (code, _, err) = gw(&sb, &["profile", "remove", "idp", "--yes"]);
    assert_eq!(code, 0, "{err}");
    let files: Vec<String> = std::fs::read_dir(sb.config_dir().join("secrets"))
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    assert!(!files.iter().any(|f| f.starts_with("idp")), "{files:?}");
    drop(idp.dir);
}

/// Runs Python with `args`; returns stdout (trimmed).
fn python(py: &Path, code: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(py).arg("-c").arg(code).args(args).envs(env.iter().copied()).output().unwrap();
    assert!(out.status.success(), "python: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

const BOTO_SETUP: &str = r#"
import sys, boto3
url, ak, sk = sys.argv[1:4]
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1", aws_access_key_id=ak, aws_secret_access_key=sk)
trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}'
arn = iam.create_role(RoleName="gw-invoke", AssumeRolePolicyDocument=trust, MaxSessionDuration=43200)["Role"]["Arn"]
iam.put_role_policy(RoleName="gw-invoke", PolicyName="all", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
print(arn)
"#;

const BOTO_WHOAMI_PROFILE: &str = r#"
import sys, boto3
s = boto3.Session(profile_name=sys.argv[2])
print(s.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1").get_caller_identity()["Arn"])
"#;

const BOTO_WHOAMI_ENV: &str = r#"
import os, sys, boto3
assert "AWS_SESSION_TOKEN" in os.environ and os.environ["AWS_REGION"] == "us-east-1"
print(boto3.client("sts", endpoint_url=sys.argv[1]).get_caller_identity()["Arn"])
"#;

/// AssumeRole profiles against moto: `invoke endpoint` GetCallerIdentity answers the
/// assumed-role ARN; the session is cached and reused; `credential-process` through boto3's
/// `credential_process`, and `exec`, give the same ARN; a role chain that loops is exit 7.
#[test]
fn assume_role_profiles_against_moto() {
    let Some(py) = common::venv_python() else { return };
    if !py.parent().unwrap().join("moto_server").exists() {
        require_or_skip::<()>("the test venv has no moto_server");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_moto, url) = common::moto(&py, dir.path());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let boot =
        python(&py, &std::fs::read_to_string(root.join("tests/py/iam_tool.py")).unwrap(), &["bootstrap", &url], &[]);
    let (ak, sk) = boot.split_once(' ').unwrap();
    let role = python(&py, BOTO_SETUP, &[&url, ak, sk], &[]);
    let want = "arn:aws:sts::123456789012:assumed-role/gw-invoke/gwctl-e2e";

    let sb = Sandbox::new();
    let base = ["profile", "add", "base", "--auth", "sigv4", "--access-key-id", ak, "--region", "us-east-1"];
    let (code, _, err) = gw_stdin(&sb, &[&base[..], &["--store", "file", "--secret-stdin"]].concat(), sk);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = gw(
        &sb,
        &[
            "profile",
            "add",
            "role",
            "--auth",
            "sigv4",
            "--role-arn",
            &role,
            "--source-profile",
            "base",
            "--session-name",
            "gwctl-e2e",
            "--duration",
            "2h",
            "--external-id",
            "ext-123",
            "--region",
            "us-east-1",
            "--service",
            "sts",
            "--sts-endpoint",
            &url,
            "--url",
            &url,
            "--store",
            "file",
        ],
    );
    assert_eq!(code, 0, "{err}");

    // invoke: STS GetCallerIdentity signed with the assumed role's session.
    let call = |sb: &Sandbox| {
        gw(
            sb,
            &[
                "invoke",
                "endpoint",
                "/",
                "-p",
                "role",
                "-H",
                "Content-Type: application/x-www-form-urlencoded",
                "-d",
                "Action=GetCallerIdentity&Version=2011-06-15",
                "--format",
                "raw",
            ],
        )
    };
    let (code, out, err) = call(&sb);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("<Arn>{want}</Arn>")), "{out}");

    // The session is cached and reused: the same temporary key id every time (moto issues a
    // new one per AssumeRole), with the expiry of the first call.
    let session = |sb: &Sandbox| {
        let (code, out, err) = gw(sb, &["credential-process", "-p", "role"]);
        assert_eq!(code, 0, "{err}");
        assert!(err.is_empty(), "nothing on stderr: {err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let s1 = session(&sb);
    let (code, _, err) = call(&sb);
    assert_eq!(code, 0, "{err}");
    let s2 = session(&sb);
    assert_eq!(s1, s2);
    assert_eq!(s1["Version"], 1);
    assert!(s1["AccessKeyId"].as_str().unwrap().starts_with("ASIA"), "{s1}");
    assert!(s1["SessionToken"].as_str().is_some_and(|t| !t.is_empty()));
    let exp = s1["Expiration"].as_str().unwrap();
    assert!(exp.ends_with('Z') && exp.len() == 20, "{exp}");
    let (_, doctor, _) = gw(&sb, &["doctor"]);
    assert!(
        doctor.contains("cached token: expires in 1h 5") || doctor.contains("cached token: expires in 2h 0m"),
        "{doctor}"
    );

    // credential_process in an AWS config file, used by boto3.
    let aws_config = dir.path().join("aws-config");
    std::fs::write(
        &aws_config,
        format!(
            "[profile gw]\ncredential_process = {} --config {} credential-process --profile role\n",
            common::gwctl_bin().display(),
            sb.config().display()
        ),
    )
    .unwrap();
    let env = [
        ("AWS_CONFIG_FILE", aws_config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("GWCTL_FILE_PASSPHRASE", PASS),
    ];
    assert_eq!(python(&py, BOTO_WHOAMI_PROFILE, &[&url, "gw"], &env), want);

    // exec: the session in the child's environment.
    let py_s = py.display().to_string();
    let (code, out, err) = gw(&sb, &["exec", "-p", "role", "--", &py_s, "-c", BOTO_WHOAMI_ENV, &url]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), want);
    // token --clear forgets the session: the next one is new.
    let (code, _, err) = gw(&sb, &["token", "-p", "role", "--clear"]);
    assert_eq!(code, 0, "{err}");
    assert_ne!(session(&sb)["AccessKeyId"], s1["AccessKeyId"]);

    // A chain that loops: one line, exit 7.
    for (n, src) in [("loop-a", "loop-b"), ("loop-b", "loop-a")] {
        let (code, _, err) = gw(
            &sb,
            &["profile", "add", n, "--auth", "sigv4", "--role-arn", &role, "--source-profile", src, "--store", "file"],
        );
        assert_eq!(code, 0, "{err}");
    }
    let (code, _, err) = gw(&sb, &["credential-process", "-p", "loop-a"]);
    assert_eq!(code, 7, "{err}");
    assert_eq!(err.trim(), "gwctl: error: the role chain loops: loop-a → loop-b → loop-a");

    // MFA: the code from standard input with --mfa-code-stdin; without a terminal and without
    // the flag, one line saying what to do (exit 2), and nothing cached.
    let (code, _, err) = gw(
        &sb,
        &[
            "profile",
            "add",
            "mfa",
            "--auth",
            "sigv4",
            "--role-arn",
            &role,
            "--source-profile",
            "base",
            "--mfa-serial",
            "arn:aws:iam::123456789012:mfa/alice",
            "--region",
            "us-east-1",
            "--sts-endpoint",
            &url,
            "--store",
            "file",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = gw(&sb, &["credential-process", "-p", "mfa"]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("MFA device arn:aws:iam::123456789012:mfa/alice") && err.contains("--mfa-code-stdin"),
        "{err}"
    );
    let (code, out, err) = gw_stdin(&sb, &["credential-process", "-p", "mfa", "--mfa-code-stdin"], "123456\n");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"SessionToken\""), "{out}");
    assert!(!err.contains("123456"), "{err}");
}

/// `gwctl token` for JWT (a freshly minted token) and bearer (the stored one) profiles; sigv4
/// is pointed at credential-process; `--clear` only for profiles that cache.
#[test]
fn token_command_for_jwt_and_bearer_profiles() {
    use base64::Engine as _;
    let sb = Sandbox::new();
    let (code, _, err) = gw_stdin(
        &sb,
        &[
            "profile",
            "add",
            "j",
            "--auth",
            "jwt",
            "--alg",
            "HS256",
            "--iss",
            "me",
            "--ttl",
            "10m",
            "--store",
            "file",
            "--secret-stdin",
        ],
        "an-hmac-secret-of-some-length-0123456789",
    );
    assert_eq!(code, 0, "{err}");
    let (code, t1, err) = gw(&sb, &["token", "-p", "j"]);
    assert_eq!(code, 0, "{err}");
    let payload = t1.trim().split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(claims["iss"], "me");
    assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 600);
    let (_, t2, _) = gw(&sb, &["token", "-p", "j"]);
    assert_ne!(t1, t2, "a fresh token each time (jti)");
    let (_, json, _) = gw(&sb, &["token", "-p", "j", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!((595..=600).contains(&v["expires_in"].as_i64().unwrap()), "{v}");

    let (code, _, err) = gw(&sb, &["profile", "add", "b", "--auth", "bearer", "--store", "env:TOK"]);
    assert_eq!(code, 0, "{err}");
    let mut c = cmd(&sb);
    c.args(["token", "-p", "b", "--format", "header"]).env("TOK", "opaque-token-value");
    let (code, out, err) = common::run(c);
    assert_eq!((code, out.as_str()), (0, "Authorization: Bearer opaque-token-value\n"), "{err}");
    let (code, _, err) = gw(&sb, &["token", "-p", "b", "--clear"]);
    assert_eq!(code, 2, "{err}");

    let (code, _, err) = gw_stdin(
        &sb,
        &[
            "profile",
            "add",
            "s",
            "--auth",
            "sigv4",
            "--access-key-id",
            "AKIDEXAMPLE",
            "--store",
            "file",
            "--secret-stdin",
        ],
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = gw(&sb, &["token", "-p", "s"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("credential-process"), "{err}");
    // A plain sigv4 profile: credential_process JSON without a session or an expiry.
    let (code, out, err) = gw(&sb, &["credential-process", "-p", "s"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"Version": 1, "AccessKeyId": "AKIDEXAMPLE", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"})
    );
    // exec: the exit code of the command, and its environment.
    let (code, out, _) = gw(&sb, &["exec", "-p", "s", "--", "sh", "-c", "printf %s \"$AWS_ACCESS_KEY_ID\"; exit 3"]);
    assert_eq!((code, out.as_str()), (3, "AKIDEXAMPLE"));
    let (code, _, err) = gw(&sb, &["exec", "-p", "j", "--env", "NOT-A-NAME", "--", "true"]);
    assert_eq!(code, 3, "{err}");
}

/// A batch run refreshes a short-lived token mid-run without failing a line: 5-second tokens,
/// 40 lines at 5 requests/s (about 8 s), every line answered 200 by the resource server, and
/// the token endpoint asked more than once but not once a line. (Before the fix, the check
/// before the run fetched the token on another runtime than the run's, and the first refresh
/// waited 30 s on a pooled connection nothing drove.)
#[test]
fn batch_run_refreshes_tokens_mid_run_without_failing_lines() {
    let Some(idp) = Idp::start() else { return };
    let sb = Sandbox::new();
    add_oauth2(&sb, &idp, "short", "gwctl-short", "basic", Some("short-secret-0123456789abcdef"));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let lines: String = (0..40)
        .map(|i| format!("{{\"custom_id\":\"r{i}\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{{\"n\":{i}}}}}\n"))
        .collect();
    std::fs::write(&input, lines).unwrap();
    let out = dir.path().join("out.jsonl");
    let (code, _, err) = gw(
        &sb,
        &[
            "invoke",
            "batch",
            input.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "-p",
            "short",
            "--concurrency",
            "1",
            "--rpm",
            "300",
        ],
    );
    let text = std::fs::read_to_string(&out).unwrap_or_default();
    let failed: Vec<&str> = text.lines().filter(|l| !l.contains("\"error\":null")).collect();
    assert_eq!(code, 0, "{err}\nfailed lines: {failed:?}");
    let records: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 40, "{text}");
    for r in &records {
        assert_eq!(r["response"]["status_code"], 200, "{r}");
        assert!(r["error"].is_null(), "{r}");
    }
    let ids: std::collections::BTreeSet<&str> = records.iter().map(|r| r["custom_id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 40);
    let hits = idp.hits("gwctl-short");
    assert!(hits >= 2, "the token was never refreshed: {hits} token requests");
    // Each token is reused for the first half of its 5 s life, not fetched for every line.
    assert!(hits <= 12, "{hits} token requests for 40 lines in about 8 s");
    assert!(!text.contains("short-secret"), "no secret in the output");
}
