//! End to end against a real SigV4 verifier: moto's server recomputes every signature with
//! botocore. `gwctl sign --format curl` output is run as is, by `sh`, with real curl.

mod common;

use std::process::Command;

/// `gwctl sign --format curl …` with the given AWS credentials; returns the printed command.
fn curl_command(ak: &str, sk: &str, service: &str, body: &str, url: &str) -> String {
    curl_command_with_token(ak, sk, None, service, body, url)
}

fn curl_command_with_token(ak: &str, sk: &str, token: Option<&str>, service: &str, body: &str, url: &str) -> String {
    let mut cmd = Command::new(common::gwctl_bin());
    cmd.env_clear();
    if let Some(t) = token {
        cmd.env("AWS_SESSION_TOKEN", t);
    }
    let out = cmd
        .args(["sign", "--auth", "sigv4", "--region", "us-east-1", "--service", service, "--format", "curl"])
        .args(["-H", "Content-Type: application/x-www-form-urlencoded; charset=utf-8", "-d", body, url])
        .env("AWS_ACCESS_KEY_ID", ak)
        .env("AWS_SECRET_ACCESS_KEY", sk)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Runs a printed command exactly as a user would paste it.
fn sh(cmd: &str) -> String {
    let out = Command::new("sh").arg("-c").arg(cmd).output().unwrap();
    assert!(out.status.success(), "curl failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn xml_value(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = xml.find(&open).unwrap_or_else(|| panic!("no <{tag}> in {xml}")) + open.len();
    let end = xml[start..].find("</").unwrap() + start;
    xml[start..end].to_string()
}

fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

#[test]
fn gwctl_curl_output_is_accepted_by_moto() {
    let Some(python) = common::venv_python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (_moto, url) = common::moto(&python, dir.path());

    // Bootstrap (the three unverified calls): a user, a policy, an access key.
    let boot = |body: String| sh(&curl_command("AKIDBOOTSTRAP00000000", "bootstrap", "iam", &body, &url));
    boot(form(&[("Action", "CreateUser"), ("UserName", "gwctl-e2e"), ("Version", "2010-05-08")]));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    boot(form(&[
        ("Action", "PutUserPolicy"),
        ("UserName", "gwctl-e2e"),
        ("PolicyName", "all"),
        ("PolicyDocument", policy),
        ("Version", "2010-05-08"),
    ]));
    let created = boot(form(&[("Action", "CreateAccessKey"), ("UserName", "gwctl-e2e"), ("Version", "2010-05-08")]));
    let ak = xml_value(&created, "AccessKeyId");
    let sk = xml_value(&created, "SecretAccessKey");

    // From here moto verifies every signature.
    let identity = form(&[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")]);
    let ok = sh(&curl_command(&ak, &sk, "sts", &identity, &url));
    assert!(ok.contains("<Arn>arn:aws:iam::123456789012:user/gwctl-e2e</Arn>"), "{ok}");

    // IAM with the same key: the key moto just issued is listed.
    let keys =
        sh(&curl_command(&ak, &sk, "iam", &form(&[("Action", "ListAccessKeys"), ("Version", "2010-05-08")]), &url));
    assert!(keys.contains(&ak), "{keys}");

    // A body from a file (`-d @FILE`, hashed by streaming, sent with --data-binary).
    let body_file = dir.path().join("body.txt");
    std::fs::write(&body_file, &identity).unwrap();
    let cmd = curl_command(&ak, &sk, "sts", &format!("@{}", body_file.display()), &url);
    assert!(cmd.contains("--data-binary"), "{cmd}");
    assert!(sh(&cmd).contains("<Arn>"), "file body refused");

    // The verifier is real: a wrong secret, an unknown key and a changed body are refused.
    let bad = sh(&curl_command(&ak, "not-the-secret", "sts", &identity, &url));
    assert!(bad.contains("SignatureDoesNotMatch"), "{bad}");
    let unknown = sh(&curl_command("AKIDUNKNOWN000000000", &sk, "sts", &identity, &url));
    assert!(unknown.contains("InvalidClientTokenId"), "{unknown}");
    let tampered = curl_command(&ak, &sk, "sts", &identity, &url).replace("2011-06-15", "2011-06-16");
    assert!(sh(&tampered).contains("SignatureDoesNotMatch"), "a changed body must be refused");

    // Temporary credentials: the session token travels in X-Amz-Security-Token, signed.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/gwctl-e2e"},"Action":"sts:AssumeRole"}]}"#;
    let role = sh(&curl_command(
        &ak,
        &sk,
        "iam",
        &form(&[
            ("Action", "CreateRole"),
            ("RoleName", "gwctl-role"),
            ("AssumeRolePolicyDocument", trust),
            ("Version", "2010-05-08"),
        ]),
        &url,
    ));
    let role_arn = xml_value(&role, "Arn");
    let session = sh(&curl_command(
        &ak,
        &sk,
        "sts",
        &form(&[
            ("Action", "AssumeRole"),
            ("RoleArn", &role_arn),
            ("RoleSessionName", "e2e"),
            ("Version", "2011-06-15"),
        ]),
        &url,
    ));
    let (tak, tsk, token) = (
        xml_value(&session, "AccessKeyId"),
        xml_value(&session, "SecretAccessKey"),
        xml_value(&session, "SessionToken"),
    );
    let cmd = curl_command_with_token(&tak, &tsk, Some(&token), "sts", &identity, &url);
    assert!(cmd.contains("X-Amz-Security-Token: "), "{cmd}");
    let temp = sh(&cmd);
    assert!(temp.contains("assumed-role/gwctl-role/e2e"), "{temp}");
    // gwctl invoke endpoint: signed and sent by gwctl's own HTTP client.
    let invoke = |sk: &str| {
        Command::new(common::gwctl_bin())
            .args(["invoke", "endpoint", &url, "--auth", "sigv4", "--region", "us-east-1", "--service", "sts"])
            .args(["-H", "Content-Type: application/x-www-form-urlencoded", "-d", &identity])
            .env_clear()
            .env("AWS_ACCESS_KEY_ID", &ak)
            .env("AWS_SECRET_ACCESS_KEY", sk)
            .output()
            .unwrap()
    };
    let out = invoke(&sk);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<Arn>arn:aws:iam::123456789012:user/gwctl-e2e</Arn>"));
    let out = invoke("not-the-secret");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{err}");
    assert!(
        err.contains("HTTP 403 Forbidden: SignatureDoesNotMatch") && err.contains("check the region and service"),
        "{err}"
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("<Code>SignatureDoesNotMatch</Code>"),
        "the body is still printed"
    );
    eprintln!("moto accepted gwctl's signatures for STS and IAM and refused 3 bad ones");
}
