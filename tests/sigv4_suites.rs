//! The official SigV4 test suites: every classic case, every aws-c-auth v4 case in header and
//! presigned form, and the smithy-rs double-encoding extras.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{AK, SK, data_dir, parse_request, read, take_header};
use gwctl::signing::sigv4::{AwsCredentials, SessionTokenMode, SigV4Settings, SigV4Signer};
use gwctl::signing::{Payload, SigningTime};
use secrecy::SecretString;

fn creds(ak: &str, sk: &str, token: Option<&str>) -> AwsCredentials {
    AwsCredentials {
        access_key_id: ak.into(),
        secret_access_key: SecretString::from(sk.to_string()),
        session_token: token.map(|t| SecretString::from(t.to_string())),
    }
}

fn case_dirs(root: &Path, marker: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let marker_file = marker.replace("{}", &name);
        if dir.join(&marker_file).exists() {
            out.push(dir.clone());
        }
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn classic_suite() {
    let root = data_dir().join("sigv4-classic");
    let cases = case_dirs(&root, "{}.req");
    assert_eq!(cases.len(), 34, "the classic suite has 34 cases");
    let mut failures = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let file = |ext: &str| read(&dir.join(format!("{name}.{ext}")));
        let mut parsed = parse_request(&file("req"));
        let time = SigningTime::parse(take_header(&mut parsed.request, "x-amz-date").unwrap().trim()).unwrap();
        let mut settings = SigV4Settings::new("us-east-1", "service");
        let token = match name.as_str() {
            // The token is not in the .req; the expected canonical request shows it signed.
            "get-vanilla-with-session-token" => {
                Some("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267".to_string())
            }
            // The token is added to the request after signing (see the case's readme).
            "post-sts-header-after" => {
                settings.session_token_mode = SessionTokenMode::AddedAfterSigning;
                let sreq = file("sreq");
                let line = sreq.lines().find(|l| l.starts_with("X-Amz-Security-Token:")).unwrap();
                Some(line.split_once(':').unwrap().1.to_string())
            }
            _ => take_header(&mut parsed.request, "x-amz-security-token"),
        };
        let signer = SigV4Signer::new(creds(AK, SK, token.as_deref()), settings).unwrap();
        let signed = signer.sign(&parsed.request, &Payload::Bytes(&parsed.body), time).unwrap();
        let d = signed.details.as_ref().unwrap();
        let authz = signed.headers.iter().find(|(n, _)| n == "Authorization").unwrap().1.clone();
        let checks = [
            ("creq", d.canonical_request.as_str(), file("creq")),
            ("sts", d.string_to_sign.as_str(), file("sts")),
            ("authz", authz.as_str(), file("authz")),
        ];
        for (what, got, want) in checks {
            if got != want.trim_end_matches('\n') {
                failures.push(format!("{name} {what}:\n got: {got:?}\nwant: {want:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[derive(serde::Deserialize)]
struct Context {
    credentials: ContextCreds,
    expiration_in_seconds: u64,
    normalize: bool,
    region: String,
    service: String,
    sign_body: bool,
    timestamp: String,
    #[serde(default)]
    omit_session_token: bool,
}

#[derive(serde::Deserialize)]
struct ContextCreds {
    access_key_id: String,
    secret_access_key: String,
    token: Option<String>,
}

fn query_params(url_or_line: &str) -> BTreeSet<(String, String)> {
    let q = url_or_line.split_once('?').map(|(_, q)| q).unwrap_or("");
    let q = q.split(' ').next().unwrap_or("");
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn crt_v4_suite_header_and_presign() {
    let root = data_dir().join("sigv4-crt/v4");
    let cases = case_dirs(&root, "context.json");
    assert_eq!(cases.len(), 38, "the aws-c-auth v4 suite has 38 cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let file = |f: &str| read(&dir.join(f));
        let ctx: Context = serde_json::from_str(&file("context.json")).unwrap();
        let parsed = parse_request(&file("request.txt"));
        let time = SigningTime::parse(&ctx.timestamp).unwrap();
        let mut settings = SigV4Settings::new(&ctx.region, &ctx.service);
        settings.normalize_path = ctx.normalize;
        settings.content_sha256_header = ctx.sign_body;
        if ctx.omit_session_token {
            settings.session_token_mode = SessionTokenMode::AddedAfterSigning;
        }
        let c = &ctx.credentials;
        let signer =
            SigV4Signer::new(creds(&c.access_key_id, &c.secret_access_key, c.token.as_deref()), settings).unwrap();
        let payload = Payload::Bytes(&parsed.body);

        let signed = signer.sign(&parsed.request, &payload, time).unwrap();
        let d = signed.details.as_ref().unwrap();
        for (what, got, want) in [
            ("header creq", d.canonical_request.as_str(), file("header-canonical-request.txt")),
            ("header sts", d.string_to_sign.as_str(), file("header-string-to-sign.txt")),
            ("header signature", d.signature.as_str(), file("header-signature.txt")),
        ] {
            if got != want.trim_end_matches('\n') {
                failures.push(format!("{name} {what}:\n got: {got:?}\nwant: {want:?}"));
            }
        }
        // Every header of the expected signed request is among what we send.
        let want_signed = parse_request(&file("header-signed-request.txt"));
        for (n, v) in &want_signed.request.headers {
            let ours = signed
                .headers
                .iter()
                .chain(parsed.request.headers.iter())
                .any(|(a, b)| a.eq_ignore_ascii_case(n) && b.trim() == v.trim());
            if !ours {
                failures.push(format!("{name} header form: missing {n}"));
            }
        }

        let presigned = signer.presign(&parsed.request, &payload, time, ctx.expiration_in_seconds).unwrap();
        let d = presigned.details.as_ref().unwrap();
        for (what, got, want) in [
            ("query creq", d.canonical_request.as_str(), file("query-canonical-request.txt")),
            ("query sts", d.string_to_sign.as_str(), file("query-string-to-sign.txt")),
            ("query signature", d.signature.as_str(), file("query-signature.txt")),
        ] {
            if got != want.trim_end_matches('\n') {
                failures.push(format!("{name} {what}:\n got: {got:?}\nwant: {want:?}"));
            }
        }
        let want_line = file("query-signed-request.txt").lines().next().unwrap().to_string();
        let url = presigned.url.as_deref().unwrap();
        if query_params(url) != query_params(&want_line) {
            failures.push(format!("{name} presigned URL parameters:\n got: {url}\nwant: {want_line}"));
        }
        checked += 1;
    }
    assert_eq!(checked, 38);
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn smithy_rs_double_encode_path() {
    let dir = data_dir().join("sigv4-smithy-rs-extra/v4/double-encode-path");
    let mut parsed = parse_request(&read(&dir.join("request.txt")));
    take_header(&mut parsed.request, "x-amz-date");
    let signer = SigV4Signer::new(creds(AK, SK, None), SigV4Settings::new("us-east-1", "service")).unwrap();
    let time = SigningTime::parse("20210511T154045Z").unwrap();
    let signed = signer.sign(&parsed.request, &Payload::Bytes(&parsed.body), time).unwrap();
    assert_eq!(
        signed.details.unwrap().canonical_request,
        read(&dir.join("header-canonical-request.txt")).trim_end_matches('\n')
    );
}

#[test]
fn smithy_rs_double_url_encode() {
    let dir = data_dir().join("sigv4-smithy-rs-extra/v4/double-url-encode");
    let mut parsed = parse_request(&read(&dir.join("request.txt")));
    let time = SigningTime::parse(take_header(&mut parsed.request, "x-amz-date").unwrap().trim()).unwrap();
    let signer = SigV4Signer::new(creds(AK, SK, None), SigV4Settings::new("us-east-2", "lambda")).unwrap();
    let signed = signer.sign(&parsed.request, &Payload::Bytes(&parsed.body), time).unwrap();
    let d = signed.details.as_ref().unwrap();
    assert_eq!(d.canonical_request, read(&dir.join("header-canonical-request.txt")).trim_end_matches('\n'));
    assert_eq!(d.string_to_sign, read(&dir.join("header-string-to-sign.txt")).trim_end_matches('\n'));
    let expected = read(&dir.join("header-signed-request.txt"));
    let want_sig = expected.split("Signature=").nth(1).unwrap().trim();
    assert_eq!(d.signature, want_sig);
}

#[test]
fn s3_rules_encode_once_and_keep_dots() {
    // S3 signs the wire path as it is: no second encoding, no dot-segment removal.
    let signer = SigV4Signer::new(creds(AK, SK, None), SigV4Settings::new("us-east-1", "s3")).unwrap();
    let req = gwctl::signing::Request::from_parts("GET", "https", "b.s3.amazonaws.com", "/a%3A0/./x y");
    let t = SigningTime::parse("20150830T123600Z").unwrap();
    let signed = signer.sign(&req, &Payload::EMPTY, t).unwrap();
    let creq = signed.details.unwrap().canonical_request;
    assert_eq!(creq.lines().nth(1).unwrap(), "/a%3A0/./x%20y");
    assert!(creq.contains("x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    // And the general rule for every other service: double encoding, normalised.
    let signer = SigV4Signer::new(creds(AK, SK, None), SigV4Settings::new("us-east-1", "bedrock")).unwrap();
    let signed = signer.sign(&req, &Payload::EMPTY, t).unwrap();
    assert_eq!(signed.details.unwrap().canonical_request.lines().nth(1).unwrap(), "/a%253A0/x%20y");
}

#[test]
fn presign_expiry_bounds() {
    let signer = SigV4Signer::new(creds(AK, SK, None), SigV4Settings::new("us-east-1", "service")).unwrap();
    let req = gwctl::signing::Request::from_parts("GET", "https", "example.amazonaws.com", "/");
    let t = SigningTime::parse("20150830T123600Z").unwrap();
    assert!(signer.presign(&req, &Payload::EMPTY, t, 604_800).is_ok());
    assert!(signer.presign(&req, &Payload::EMPTY, t, 604_801).is_err());
    assert!(signer.presign(&req, &Payload::EMPTY, t, 0).is_err());
}

#[test]
fn unsigned_payload_and_signing_key_cache() {
    let mut settings = SigV4Settings::new("us-east-1", "service");
    settings.unsigned_payload = true;
    settings.content_sha256_header = true;
    let signer = SigV4Signer::new(creds(AK, SK, None), settings).unwrap();
    let req = gwctl::signing::Request::from_parts("PUT", "https", "example.amazonaws.com", "/k");
    let t1 = SigningTime::parse("20150830T123600Z").unwrap();
    let a = signer.sign(&req, &Payload::Bytes(b"body"), t1).unwrap();
    assert!(a.details.as_ref().unwrap().canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
    assert!(a.headers.contains(&("X-Amz-Content-SHA256".into(), "UNSIGNED-PAYLOAD".into())));
    // A new day derives a new key; coming back gives the same signature as a fresh signer.
    let t2 = SigningTime::parse("20150831T000001Z").unwrap();
    let b = signer.sign(&req, &Payload::Bytes(b"body"), t2).unwrap();
    let fresh = SigV4Signer::new(creds(AK, SK, None), signer.settings().clone()).unwrap();
    assert_eq!(b, fresh.sign(&req, &Payload::Bytes(b"body"), t2).unwrap());
    assert_eq!(a, signer.sign(&req, &Payload::Bytes(b"body"), t1).unwrap());
}
