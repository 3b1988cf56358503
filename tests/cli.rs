//! `gwctl sign` as a user runs it: output formats, exit codes, and no secret in any error.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const T: &str = "20150830T123600Z";
const SECRETS: &[&str] =
    &["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "hunter2-password", "tok-3e1f9a", "jwt-secret-value"];

fn gwctl() -> Command {
    let mut c = Command::new(common::gwctl_bin());
    c.env_clear()
        .env("AWS_ACCESS_KEY_ID", common::AK)
        .env("AWS_SECRET_ACCESS_KEY", common::SK)
        .env("GWCTL_USERNAME", "alice")
        .env("GWCTL_PASSWORD", "hunter2-password")
        .env("GWCTL_TOKEN", "tok-3e1f9a")
        .env("GWCTL_JWT_KEY", "jwt-secret-value");
    c
}

fn sigv4() -> Command {
    let mut c = gwctl();
    c.args(["sign", "--auth", "sigv4", "--region", "us-east-1", "--service", "service", "--time", T]);
    c
}

#[test]
fn get_vanilla_headers() {
    sigv4().arg("https://example.amazonaws.com/").assert().success().stdout(
        "Host: example.amazonaws.com\nX-Amz-Date: 20150830T123600Z\nAuthorization: AWS4-HMAC-SHA256 \
         Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, \
         Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\n",
    );
}

#[test]
fn post_form_body_matches_the_suite() {
    // classic post-x-www-form-urlencoded: the same request through the command line.
    sigv4()
        .args(["-H", "Content-Type:application/x-www-form-urlencoded", "-d", "Param1=value1"])
        .arg("https://example.amazonaws.com/")
        .assert()
        .success()
        .stdout(predicate::str::contains("Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
}

#[test]
fn json_lists_every_header_in_order() {
    let out = sigv4()
        .args(["--format", "json", "-H", "X-B: 2", "-H", "X-A: 1", "-H", "X-B: 3", "-X", "PUT", "-d", "x"])
        .arg("https://example.amazonaws.com/p?q=1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["method"], "PUT");
    assert_eq!(v["url"], "https://example.amazonaws.com/p?q=1");
    let names: Vec<&str> = v["headers"].as_array().unwrap().iter().map(|h| h[0].as_str().unwrap()).collect();
    assert_eq!(names, ["Host", "X-B", "X-A", "X-B", "X-Amz-Date", "Authorization"]);
    let authz = v["headers"][5][1].as_str().unwrap();
    assert!(authz.contains("SignedHeaders=host;x-a;x-amz-date;x-b,"), "{authz}");
}

#[test]
fn curl_output_is_shell_quoted() {
    let out = sigv4()
        .args(["--format", "curl", "-X", "DELETE", "-H", "X-Note: it's $HOME", "-d", "a'b"])
        .arg("https://example.amazonaws.com/a b")
        .output()
        .unwrap();
    let cmd = String::from_utf8(out.stdout).unwrap();
    assert!(cmd.starts_with("curl --globoff -X DELETE -H 'X-Note: it'\\''s $HOME' "), "{cmd}");
    assert!(cmd.contains(" --data-raw 'a'\\''b' https://example.amazonaws.com/a%20b\n"), "{cmd}");
    assert!(!cmd.contains("Host:"), "curl sends Host itself: {cmd}");
}

#[test]
fn presigned_url() {
    let out = sigv4().args(["--presign", "--expires", "3600"]).arg("https://example.amazonaws.com/").output().unwrap();
    let url = String::from_utf8(out.stdout).unwrap();
    // crt get-vanilla, query form.
    let want_sig =
        std::fs::read_to_string(common::data_dir().join("sigv4-crt/v4/get-vanilla/query-signature.txt")).unwrap();
    assert!(url.trim_end().ends_with(&format!("X-Amz-Signature={}", want_sig.trim())), "{url}");
}

#[test]
fn stdin_body() {
    let a =
        sigv4().args(["-d", "@-"]).arg("https://example.amazonaws.com/").write_stdin("Param1=value1").output().unwrap();
    let b = sigv4().args(["-d", "Param1=value1"]).arg("https://example.amazonaws.com/").output().unwrap();
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn file_body_keeps_newlines() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("b.json");
    std::fs::write(&f, "{\n  \"a\": 1\n}\n").unwrap();
    let a = sigv4().args(["-d", &format!("@{}", f.display())]).arg("https://example.amazonaws.com/").output().unwrap();
    let b = sigv4().args(["-d", "{\n  \"a\": 1\n}\n"]).arg("https://example.amazonaws.com/").output().unwrap();
    assert!(a.status.success());
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn region_and_service_from_aws_host_names() {
    gwctl()
        .args(["sign", "--auth", "sigv4", "--time", T])
        .arg("https://bedrock-runtime.eu-central-1.amazonaws.com/model/m%3A0/invoke")
        .assert()
        .success()
        .stdout(predicate::str::contains("/20150830/eu-central-1/bedrock/aws4_request"));
}

#[test]
fn other_schemes() {
    gwctl()
        .args(["sign", "--auth", "basic", "https://gw.example/x"])
        .assert()
        .success()
        .stdout("Host: gw.example\nAuthorization: Basic YWxpY2U6aHVudGVyMi1wYXNzd29yZA==\n");
    gwctl()
        .args(["sign", "--auth", "bearer", "https://gw.example/x"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Authorization: Bearer tok-3e1f9a\n"));
    gwctl()
        .args(["sign", "--auth", "apipark", "--time", T, "https://gw.example/x"])
        .assert()
        .success()
        .stdout(predicate::str::contains("X-Gateway-Date: 20150830T123600Z\nAuthorization: HMAC-SHA256 Access=AKIDEXAMPLE, SignedHeaders=host;x-gateway-date, Signature="));
    gwctl()
        .args(["sign", "--auth", "huawei", "--unsigned-payload", "--time", T, "https://gw.example/x"])
        .assert()
        .success()
        .stdout(predicate::str::contains("X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD\nAuthorization: SDK-HMAC-SHA256 Access=AKIDEXAMPLE, SignedHeaders=host;x-sdk-content-sha256;x-sdk-date, Signature="));
    gwctl()
        .args(["sign", "--auth", "jwt", "--iss", "me", "https://gw.example/x"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Authorization: Bearer eyJ"));
}

/// Every failure: one line on stderr, the documented exit code, no secret.
#[test]
fn errors_are_one_line_with_documented_codes_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.json");
    type Case<'a> = (Vec<String>, Vec<(&'a str, &'a str)>, i32, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["sign", "--auth", "sigv4", "not a url"].into_iter().map(String::from).collect(),
            vec![],
            3,
            "invalid URL",
        ),
        (
            vec!["sign", "--auth", "sigv4", "ftp://x/"].into_iter().map(String::from).collect(),
            vec![],
            3,
            "not http or https",
        ),
        (
            vec!["sign", "--auth", "basic", "https://u:hunter2-password@h/"].into_iter().map(String::from).collect(),
            vec![],
            3,
            "credentials in the URL",
        ),
        (
            s(&[
                "sign",
                "--auth",
                "sigv4",
                "--region",
                "r",
                "--service",
                "s",
                "-H",
                "Authorization wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "https://h/",
            ]),
            vec![],
            3,
            "invalid header",
        ),
        (
            s(&["sign", "--auth", "sigv4", "--region", "r", "--service", "s", "--time", "noon", "https://h/"]),
            vec![],
            3,
            "invalid time",
        ),
        (
            s(&[
                "sign",
                "--auth",
                "sigv4",
                "--region",
                "r",
                "--service",
                "s",
                "--presign",
                "--expires",
                "604801",
                "https://h/",
            ]),
            vec![],
            3,
            "604800",
        ),
        (
            s(&[
                "sign",
                "--auth",
                "sigv4",
                "--region",
                "r",
                "--service",
                "s",
                "-d",
                &format!("@{}", missing.display()),
                "https://h/",
            ]),
            vec![],
            5,
            "cannot read body file",
        ),
        (
            s(&["sign", "--auth", "sigv4", "--region", "r", "--service", "s", "-X", "GE T", "https://h/"]),
            vec![],
            3,
            "invalid HTTP method",
        ),
        (s(&["sign", "--auth", "sigv4", "https://h.example/"]), vec![], 2, "needs a region"),
        (s(&["sign", "--auth", "sigv4", "--region", "r", "https://h.example/"]), vec![], 2, "--service"),
        (
            s(&["sign", "--auth", "sigv4", "--region", "r", "--service", "s", "--format", "url", "https://h/"]),
            vec![],
            2,
            "--presign",
        ),
        (s(&["sign", "--auth", "jwt", "--alg", "none", "https://h/"]), vec![], 3, "unknown JWT algorithm"),
        (s(&["sign", "--auth", "jwt", "--alg", "RS256", "https://h/"]), vec![], 4, "PEM private key"),
        (s(&["sign", "--auth", "jwt", "--ttl", "soon", "https://h/"]), vec![], 3, "invalid duration"),
        (s(&["sign", "--auth", "jwt", "--claim", "exp=1", "https://h/"]), vec![], 3, "own option"),
        (
            s(&["sign", "--auth", "jwt", "https://h/"]),
            vec![("GWCTL_JWT_KEY", "@/nonexistent/key.pem")],
            5,
            "cannot read the key file",
        ),
        (s(&["sign", "--auth", "jwt", "https://h/"]), vec![("GWCTL_JWT_KEY", "")], 4, "GWCTL_JWT_KEY"),
        (s(&["sign", "--auth", "basic", "https://h/"]), vec![("GWCTL_USERNAME", "a:b")], 4, "must not contain ':'"),
        (s(&["sign", "--auth", "basic", "https://h/"]), vec![("GWCTL_PASSWORD", "")], 4, "GWCTL_PASSWORD"),
        (
            s(&["sign", "--auth", "sigv4", "--region", "r", "--service", "s", "https://h/"]),
            vec![("AWS_SECRET_ACCESS_KEY", "")],
            4,
            "AWS_SECRET_ACCESS_KEY",
        ),
        (
            s(&["sign", "--auth", "bearer", "--region", "r", "https://h/"]),
            vec![],
            2,
            "--region cannot be used with --auth bearer",
        ),
        (s(&["sign", "--auth", "digest", "https://h/"]), vec![], 2, "invalid value"),
        (s(&["sign", "--auth", "sigv4", "--expires", "5", "https://h/"]), vec![], 2, "--presign"),
        (s(&["sign", "https://h/"]), vec![("GWCTL_CONFIG", "/nonexistent/gwctl.toml")], 7, "no profile chosen"),
    ];
    for (args, env, code, needle) in cases {
        let mut cmd = gwctl();
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let out = cmd.args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        if code != 2 {
            assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        }
        for secret in SECRETS {
            assert!(!err.contains(secret), "{args:?} leaked a secret: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
}

fn s(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|x| x.to_string()).collect()
}

#[test]
fn help_has_examples() {
    gwctl().args(["sign", "--help"]).assert().success().stdout(predicate::str::contains("Examples:"));
}
