//! Guards issue #11's promise: "the TOML on disk stays the same (existing config files keep
//! working)". `tests/data/pre-redesign/` holds a config file written by the last release
//! before the redesign (commit 5833ea5): one profile per scheme and notable option, secrets in
//! `env:`, `command:` and `file` stores, rotations under way, and what that release printed for
//! it (how it was made: its README.md). The current gwctl, run on a copy, must load every
//! profile, sign each request exactly as the old release did, show the same settings and JWKS,
//! pass `doctor`, and, after a no-op edit, leave a file the old release still reads (same keys,
//! same values: the old parser refuses unknown keys).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Sandbox, run};
use serde_json::Value;

/// Every profile in the fixture.
const PROFILES: [&str; 16] = [
    "apipark",
    "apipark-rotating",
    "basic-mlflow",
    "basic-server",
    "bearer",
    "huawei",
    "huawei-scoped",
    "jwt-default",
    "jwt-eddsa",
    "jwt-es256",
    "jwt-hs256",
    "jwt-hs512-b64",
    "jwt-rs256",
    "sigv4-apigw",
    "sigv4-process",
    "sigv4-session",
];

/// JWT profiles whose tokens differ on every run (a random `jti`, or ECDSA's random nonce):
/// compared on header and claims (without `jti`), and verified with the old key.
const RANDOM_TOKENS: [&str; 2] = ["jwt-default", "jwt-es256"];

/// The request each profile signed with the old release (regenerate.sh).
const TIME: &str = "20261201T120000Z";
const BODY: &str = r#"{"messages":[{"role":"user","content":"hi"}]}"#;

fn fixture_dir() -> PathBuf {
    common::data_dir().join("pre-redesign")
}

fn expected(rel: &str) -> String {
    common::read(&fixture_dir().join("expected").join(rel))
}

/// The fixture's config and file store copied into a sandbox, with the secrets the old
/// release was given in the environment.
struct OldConfig {
    sb: Sandbox,
    env: Vec<(String, String)>,
}

impl OldConfig {
    fn new() -> Self {
        let sb = Sandbox::new();
        let src = fixture_dir();
        let cfg = sb.config_dir();
        copy_private(&src.join("secrets"), &cfg.join("secrets"));
        std::fs::copy(src.join("config.toml"), sb.config()).unwrap();
        set_mode(&sb.config(), 0o600);
        let mut env = secrets_env(&src.join("secrets.env"));
        env.push(("PRERED_JWT_RS256_PEM".into(), common::read(&src.join("rs256.pem"))));
        env.push(("PRERED_JWT_ES256_PEM".into(), common::read(&src.join("es256.pem"))));
        OldConfig { sb, env }
    }

    fn run_with(&self, extra: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
        let mut c = self.sb.cmd();
        c.envs(self.env.iter().map(|(k, v)| (k, v))).envs(extra.iter().copied()).args(args);
        run(c)
    }

    /// Runs gwctl and returns its standard output; it must succeed.
    fn gw(&self, args: &[&str]) -> String {
        self.gw_with(&[], args)
    }

    fn gw_with(&self, extra: &[(&str, &str)], args: &[&str]) -> String {
        let (code, out, err) = self.run_with(extra, args);
        assert_eq!(code, 0, "gwctl {args:?} failed on the pre-redesign config: {err}");
        out
    }

    fn sign(&self, profile: &str) -> String {
        let url = match profile {
            "sigv4-process" => "https://runtime.sagemaker.us-west-2.amazonaws.com/endpoints/ep/invocations",
            _ => "/v1/chat/completions",
        };
        self.gw(&[
            "sign",
            "--profile",
            profile,
            "--time",
            TIME,
            "--format",
            "json",
            "-H",
            "Content-Type: application/json",
            "-d",
            BODY,
            url,
        ])
    }

    /// A value from secrets.env.
    fn secret(&self, key: &str) -> String {
        self.env.iter().find(|(k, _)| k == key).unwrap_or_else(|| panic!("{key} is not in secrets.env")).1.clone()
    }

    fn config_text(&self) -> String {
        common::read(&self.sb.config())
    }
}

/// `secrets.env`: `KEY='value'` lines (comments and blank lines skipped).
fn secrets_env(path: &Path) -> Vec<(String, String)> {
    common::read(path)
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("bad line in secrets.env: {l}"));
            (k.to_string(), v.trim_matches('\'').to_string())
        })
        .collect()
}

/// A directory copied with the modes gwctl's file store insists on (git keeps neither).
fn copy_private(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    set_mode(to, 0o700);
    set_mode(to.parent().unwrap(), 0o700);
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        std::fs::copy(entry.path(), &dest).unwrap();
        set_mode(&dest, 0o600);
    }
}

fn set_mode(path: &Path, mode: u32) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn every_profile_loads_and_lists_as_before() {
    let old = OldConfig::new();
    let new = json(&old.gw(&["profile", "list", "--format", "json"]));
    let names: Vec<&str> = new.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, PROFILES);
    // Every field the old release listed is listed with the same value.
    let before = json(&expected("list.json"));
    let mut bad = Vec::new();
    for (b, n) in before.as_array().unwrap().iter().zip(new.as_array().unwrap()) {
        bad.extend(field_differences(b, n, &[], &format!("profile list, {}", b["name"])));
    }
    assert!(bad.is_empty(), "profile list --format json differs from the old release:\n{}", bad.join("\n"));
    assert_eq!(old.gw(&["profile", "list"]), expected("list.txt"), "profile list (table)");
}

#[test]
fn every_profile_signs_as_before() {
    let old = OldConfig::new();
    for p in PROFILES {
        let (before, now) = (expected(&format!("sign/{p}.json")), old.sign(p));
        if RANDOM_TOKENS.contains(&p) {
            assert_same_token_request(&old, p, &before, &now);
        } else {
            assert_eq!(now, before, "sign --profile {p}: not what the old release signed");
        }
    }
}

#[test]
fn presigned_urls_and_the_default_profile_sign_as_before() {
    let old = OldConfig::new();
    let t = ["--time", TIME];
    let presign = old.gw(&["sign", "--profile", "sigv4-apigw", t[0], t[1], "--presign", "--expires", "600", "/models"]);
    assert_eq!(presign, expected("sign/sigv4-apigw.presign.txt"), "presigned URL");
    let presign = old.gw(&["sign", "--profile", "sigv4-session", t[0], t[1], "--presign", "/model/m/invoke"]);
    assert_eq!(presign, expected("sign/sigv4-session.presign.txt"), "presigned URL with a session token");
    // No --profile: the config's default_profile signs.
    let headers = old.gw(&["sign", t[0], t[1], "--format", "headers", "/models"]);
    assert_eq!(headers, expected("sign/default-profile.headers.txt"), "sign with the default profile");
}

/// `--auth` naming another scheme than the profile's: the credentials come from the
/// environment, the URL from the profile and, in the old release, the SigV4 region and
/// service too (kept on an AK/SK profile, where they have no other use).
#[test]
fn scheme_overrides_sign_as_before() {
    let old = OldConfig::new();
    let t = ["--time", TIME];
    let token = old.secret("PRERED_BEARER_TOKEN");
    let as_bearer = old.gw_with(
        &[("GWCTL_TOKEN", &token)],
        &["sign", "--profile", "basic-mlflow", "--auth", "bearer", t[0], t[1], "--format", "json", "/v1/models"],
    );
    assert_eq!(as_bearer, expected("sign/basic-mlflow.as-bearer.json"), "sign --profile basic-mlflow --auth bearer");

    let sk = old.secret("PRERED_SIGV4_SECRET");
    let (code, as_sigv4, err) = old.run_with(
        &[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", &sk)],
        &["sign", "--profile", "huawei-scoped", "--auth", "sigv4", t[0], t[1], "--format", "json", "/models"],
    );
    assert_eq!(
        (code, as_sigv4.as_str()),
        (0, expected("sign/huawei-scoped.as-sigv4.json").as_str()),
        "sign --profile huawei-scoped --auth sigv4: the old release signed for region cn-north-4 and \
         service execute-api from the profile; stderr: {err}"
    );
}

#[test]
fn show_and_jwks_agree_with_the_old_release() {
    let old = OldConfig::new();
    let mut bad = Vec::new();
    for p in PROFILES {
        let before = json(&expected(&format!("show/{p}.json")));
        let now = json(&old.gw(&["profile", "show", p, "--format", "json"]));
        // The masked secret is left out: masks were hardened on purpose (no tail that is not
        // a letter or digit, such as a PEM's dashes and line break). The store must still
        // answer, so a mask stays a mask, not "(missing)" or "(unavailable: …)".
        bad.extend(field_differences(&before, &now, &["secret", "pending_secret"], &format!("profile show {p}")));
        for k in ["secret", "pending_secret"].into_iter().filter(|k| before.get(k).is_some()) {
            let (b, n) = (before[k].as_str().unwrap(), now[k].as_str().unwrap_or_default());
            if b.starts_with("****") != n.starts_with("****") {
                bad.push(format!("profile show {p}: {k} was a mask, is {n:?}"));
            }
        }
    }
    assert!(bad.is_empty(), "profile show differs from the old release:\n{}", bad.join("\n"));
    for p in ["jwt-rs256", "jwt-es256", "jwt-eddsa"] {
        let now = old.gw(&["keys", "jwks", "--profile", p]);
        assert_eq!(json(&now), json(&expected(&format!("jwks/{p}.json"))), "keys jwks --profile {p}");
    }
}

#[test]
fn doctor_does_not_complain() {
    let old = OldConfig::new();
    // The keys' ages are those of the day the fixture was made: not what is checked here.
    let (code, out, err) = old.run_with(&[], &["doctor", "--max-age", "36500d"]);
    assert_eq!(code, 0, "doctor on the pre-redesign config:\n{out}{err}");
    assert!(out.contains(&format!("{} profile(s); default: sigv4-apigw", PROFILES.len())), "{out}");
    for p in PROFILES {
        assert!(out.lines().any(|l| l.split_whitespace().next() == Some(p)), "doctor does not mention {p}:\n{out}");
    }
    // The "secret stores:" section is about this machine (a keyring may be missing), not the config.
    let mut section = "";
    let complaints: Vec<&str> = out
        .lines()
        .filter(|l| {
            if !l.starts_with(' ') {
                section = l;
            }
            section != "secret stores:"
        })
        .chain(err.lines())
        .filter(|l| {
            let l = l.to_ascii_lowercase();
            ["warning", "error", "fail", "invalid", "missing", "unavailable", "cannot"].iter().any(|w| l.contains(w))
        })
        .collect();
    assert!(complaints.is_empty(), "doctor complains about the pre-redesign config:\n{}", complaints.join("\n"));
}

/// The old release refuses a config with a key it does not know (`deny_unknown_fields`), and
/// reads its secrets only in its own file-store format: after a no-op edit through the current
/// gwctl, the TOML must hold the same keys with the same values, and `secrets/` be untouched.
#[test]
fn a_no_op_edit_leaves_a_file_the_old_release_reads() {
    let old = OldConfig::new();
    let original = old.config_text();
    let store = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect()
    };
    let secrets_before = store(&old.sb.config_dir().join("secrets"));
    // Each goes through the config's read-modify-write.
    old.gw(&["profile", "edit", "sigv4-apigw", "--region", "us-east-1"]);
    old.gw(&["profile", "edit", "jwt-eddsa", "--ttl", "10m"]);
    old.gw(&["profile", "edit", "basic-server", "--username", "bob"]);
    old.gw(&["profile", "use", "sigv4-apigw"]);
    let rewritten = old.config_text();
    let (before, after) = (flatten_toml(&original), flatten_toml(&rewritten));
    let mut diff = Vec::new();
    for (k, v) in &before {
        match after.get(k) {
            None => diff.push(format!("- {k} = {v} (dropped)")),
            Some(n) if n != v => diff.push(format!("~ {k} = {v} became {n}")),
            Some(_) => {}
        }
    }
    diff.extend(after.iter().filter(|(k, _)| !before.contains_key(*k)).map(|(k, v)| format!("+ {k} = {v} (new)")));
    assert!(diff.is_empty(), "a no-op edit changed the pre-redesign config:\n{}\n---\n{rewritten}", diff.join("\n"));
    assert!(store(&old.sb.config_dir().join("secrets")) == secrets_before, "the edits changed the file store");
    // And the current gwctl still signs from the rewritten file as before.
    assert_eq!(old.sign("sigv4-apigw"), expected("sign/sigv4-apigw.json"));
    assert_eq!(old.sign("jwt-eddsa"), expected("sign/jwt-eddsa.json"));
}

/// The fields of `before` (but `skip`) that `now` lacks or has with another value; `now`
/// may have more.
fn field_differences(before: &Value, now: &Value, skip: &[&str], what: &str) -> Vec<String> {
    before
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, v)| !skip.contains(&k.as_str()) && now.get(k.as_str()) != Some(*v))
        .map(|(k, v)| {
            format!("{what}: {k} was {v}, is {}", now.get(k.as_str()).map_or("absent".into(), Value::to_string))
        })
        .collect()
}

/// `a.b.c = value` for every value of a TOML document (arrays as whole values).
fn flatten_toml(text: &str) -> BTreeMap<String, toml::Value> {
    fn walk(prefix: &str, t: &toml::Table, out: &mut BTreeMap<String, toml::Value>) {
        for (k, v) in t {
            let key = if prefix.is_empty() { format!("{k:?}") } else { format!("{prefix}.{k:?}") };
            match v {
                toml::Value::Table(sub) => walk(&key, sub, out),
                other => {
                    out.insert(key, other.clone());
                }
            }
        }
    }
    let doc: toml::Table = toml::from_str(text).unwrap_or_else(|e| panic!("not TOML ({e}):\n{text}"));
    let mut out = BTreeMap::new();
    walk("", &doc, &mut out);
    out
}

/// Two signed requests whose bearer JWTs may differ in `jti` and the signature: everything
/// else must be equal, and the new token must verify with the key the old one was made with.
fn assert_same_token_request(old: &OldConfig, profile: &str, before: &str, now: &str) {
    let (mut b, mut n) = (json(before), json(now));
    let (tb, tn) = (take_bearer(&mut b), take_bearer(&mut n));
    assert_eq!(n, b, "sign --profile {profile}: the request around the token differs");
    let (hb, mut cb) = token_parts(&tb);
    let (hn, mut cn) = token_parts(&tn);
    assert_eq!(hn, hb, "sign --profile {profile}: JWT header");
    assert_eq!(cb.remove("jti").is_some(), cn.remove("jti").is_some(), "sign --profile {profile}: jti");
    assert_eq!(cn, cb, "sign --profile {profile}: JWT claims");
    let alg: jsonwebtoken::Algorithm = hb["alg"].as_str().unwrap().parse().unwrap();
    let key = match profile {
        "jwt-es256" => {
            let jwks = json(&expected("jwks/jwt-es256.json"));
            jsonwebtoken::DecodingKey::from_jwk(&serde_json::from_value(jwks["keys"][0].clone()).unwrap()).unwrap()
        }
        _ => jsonwebtoken::DecodingKey::from_secret(old.secret("PRERED_JWT_HS256").as_bytes()),
    };
    let mut v = jsonwebtoken::Validation::new(alg);
    v.validate_exp = false;
    v.validate_aud = false;
    jsonwebtoken::decode::<Value>(&tn, &key, &v)
        .unwrap_or_else(|e| panic!("sign --profile {profile}: the token does not verify with the old key: {e}"));
}

/// Takes the bearer token out of a `--format json` request (leaving `Bearer ` in its place).
fn take_bearer(req: &mut Value) -> String {
    let headers = req["headers"].as_array_mut().unwrap();
    let auth = headers.iter_mut().find(|h| h[0] == "Authorization").expect("an Authorization header");
    let token = auth[1].as_str().unwrap().strip_prefix("Bearer ").expect("a bearer token").to_string();
    auth[1] = "Bearer ".into();
    token
}

/// A JWT's header and claims, decoded.
fn token_parts(token: &str) -> (Value, serde_json::Map<String, Value>) {
    use base64::Engine as _;
    let part = |s: &str| -> Value {
        json(&String::from_utf8(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()).unwrap())
    };
    let mut it = token.split('.');
    let header = part(it.next().unwrap());
    let claims = part(it.next().unwrap());
    (header, claims.as_object().unwrap().clone())
}
