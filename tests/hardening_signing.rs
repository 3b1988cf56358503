//! Issue 12, the signing module's part: hostile values never reach a header, S3 paths sign in
//! the canonical form S3 computes, key errors show no key material, every asymmetric key has a
//! kid, weak RSA keys are refused, the signing time is range-checked, and `--format curl` keeps
//! reversible secrets out of curl's argv.

mod common;

use std::io::{Read, Write};
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use gwctl::signing::basic::{BasicCredentials, BasicSigner};
use gwctl::signing::bearer::BearerSigner;
use gwctl::signing::jwt::{self, JwtKey, JwtSettings, JwtSigner};
use gwctl::signing::sigv4::{AwsCredentials, SigV4Settings, SigV4Signer};
use gwctl::signing::{Payload, Request, SigningError, SigningTime};
use secrecy::SecretString;

const T: &str = "20150830T123600Z";

fn gwctl() -> Command {
    let mut c = Command::new(common::gwctl_bin());
    c.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_ACCESS_KEY_ID", common::AK)
        .env("AWS_SECRET_ACCESS_KEY", common::SK)
        .env("GWCTL_USERNAME", "alice")
        .env("GWCTL_PASSWORD", "hunter2-password")
        .env("GWCTL_TOKEN", "tok-3e1f9a")
        .env("GWCTL_JWT_KEY", "jwt-secret-value");
    c
}

/// Runs and returns (code, stdout, stderr); the code is never a signal (no crash).
fn run(mut c: Command) -> (i32, String, String) {
    let out = c.output().unwrap();
    let code = out.status.code().unwrap_or_else(|| panic!("killed by a signal: {:?}", out.status));
    (code, String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn one_line(stderr: &str) {
    assert_eq!(stderr.trim_end().lines().count(), 1, "not one line: {stderr:?}");
}

fn creds(ak: &str, token: Option<&str>) -> AwsCredentials {
    AwsCredentials {
        access_key_id: ak.into(),
        secret_access_key: SecretString::from(common::SK.to_string()),
        session_token: token.map(|t| SecretString::from(t.to_string())),
    }
}

// ------------------------------------------------------------ item 21: control characters

#[test]
fn header_injection_through_credentials_and_scope_is_refused() {
    let ok = SigV4Settings::new("us-east-1", "service");
    for bad in ["AK\nX-Evil:1", "AK\rX", "AK\0", "AK\t", "AK\x7f", "AK\x1b[2J"] {
        let e = SigV4Signer::new(creds(bad, None), ok.clone()).unwrap_err();
        assert_eq!(e, SigningError::InvalidAccessKeyId, "{bad:?}");
        assert_eq!(e.exit_code(), gwctl::exit::ExitCode::Credentials);
    }
    let e = SigV4Signer::new(creds("AK", Some("tok\nX-Evil: 1")), ok.clone()).unwrap_err();
    assert_eq!(e, SigningError::InvalidCredential("session token"));
    assert_eq!(e.exit_code(), gwctl::exit::ExitCode::Credentials);
    for (region, service) in [("us-east-1\nX-Evil: 1", "s"), ("r", "svc\r\nX-Evil: 1"), ("r\0", "s"), ("r", "s\x7f")] {
        let e = SigV4Signer::new(creds("AK", None), SigV4Settings::new(region, service)).unwrap_err();
        assert!(matches!(e, SigningError::InvalidScope(_)), "{e}");
        assert_eq!(e.exit_code(), gwctl::exit::ExitCode::InvalidInput);
    }
    let basic = |u: &str, p: &str| {
        BasicSigner::new(BasicCredentials { username: u.into(), password: SecretString::from(p.to_string()) })
    };
    assert_eq!(basic("al\nice", "pw").unwrap_err(), SigningError::InvalidCredential("user name"));
    assert_eq!(basic("alice", "p\r\nw").unwrap_err(), SigningError::InvalidCredential("password"));
    assert!(basic("alice", "pässwörd with spaces").is_ok());
    for bad in ["tok\nX-Evil: 1", "tok\0", "to\tk"] {
        let e = BearerSigner::new(SecretString::from(bad.to_string())).unwrap_err();
        assert!(matches!(e, SigningError::InvalidCredential(_)), "{bad:?}");
    }
}

#[test]
fn header_injection_at_the_command_line_exits_4_or_3() {
    let sign = |env: &[(&str, &str)], region: &str, service: &str| {
        let mut c = gwctl();
        c.envs(env.iter().copied());
        c.args(["sign", "--auth", "sigv4", "--region", region, "--service", service, "--time", T]);
        c.arg("https://example.amazonaws.com/");
        run(c)
    };
    let (code, out, err) = sign(&[("AWS_ACCESS_KEY_ID", "AK\nX-Evil:1")], "us-east-1", "service");
    assert_eq!(code, 4, "{err}");
    assert!(out.is_empty() && !err.contains("X-Evil"), "{out}{err}");
    one_line(&err);
    let (code, _, err) = sign(&[("AWS_SESSION_TOKEN", "FQo\r\nX-Evil: 1")], "us-east-1", "service");
    assert_eq!(code, 4, "{err}");
    assert!(!err.contains("X-Evil") && !err.contains("FQo"), "{err}");
    one_line(&err);
    for (region, service) in [("us-east-1\nX-Evil: 1", "service"), ("us-east-1", "service\nX-Evil: 1")] {
        let (code, out, err) = sign(&[], region, service);
        assert_eq!(code, 3, "{err}");
        assert!(out.is_empty(), "{out}");
        one_line(&err);
    }
    let mut c = gwctl();
    c.env("GWCTL_USERNAME", "alice\r\nX-Evil: 1").args(["sign", "--auth", "basic", "https://gw.example/x"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 4, "{err}");
    one_line(&err);
}

// ------------------------------------------------------------ item 23: S3 canonical paths

fn s3_signature(path: &str) -> (String, String) {
    let signer = SigV4Signer::new(creds(common::AK, None), SigV4Settings::new("us-east-1", "s3")).unwrap();
    let req = Request::from_parts("GET", "https", "bkt.s3.amazonaws.com", path);
    let d = signer.sign(&req, &Payload::EMPTY, SigningTime::parse(T).unwrap()).unwrap().details.unwrap();
    (d.signature, d.canonical_request.lines().nth(1).unwrap().to_string())
}

#[test]
fn s3_paths_sign_in_the_canonical_form_s3_computes() {
    for (a, b, canonical) in [
        ("/a%7Eb.txt", "/a~b.txt", "/a~b.txt"),
        ("/%41", "/A", "/A"),
        ("/a%2Fb", "/a/b", "/a/b"),
        ("/a%3ab", "/a:b", "/a%3Ab"),
        ("/x%20y", "/x y", "/x%20y"),
        ("/(p)!*", "/%28p%29%21%2A", "/%28p%29%21%2A"),
        ("/caf%c3%a9", "/café", "/caf%C3%A9"),
    ] {
        let (sa, ca) = s3_signature(a);
        let (sb, cb) = s3_signature(b);
        assert_eq!(ca, canonical, "{a}");
        assert_eq!(cb, canonical, "{b}");
        assert_eq!(sa, sb, "{a} and {b} sign differently");
    }
    // S3 never normalises: dot segments and double slashes are part of the key.
    assert_eq!(s3_signature("/a/./b//c").1, "/a/./b//c");
    // And the command line agrees.
    let sig = |url: &str| {
        let mut c = gwctl();
        c.args(["sign", "--auth", "sigv4", "--region", "us-east-1", "--service", "s3", "--time", T, url]);
        let (code, out, err) = run(c);
        assert_eq!(code, 0, "{err}");
        out.lines().find(|l| l.starts_with("Authorization:")).unwrap().to_string()
    };
    assert_eq!(sig("https://bkt.s3.amazonaws.com/a%7Eb.txt"), sig("https://bkt.s3.amazonaws.com/a~b.txt"));
}

/// UriEncode as S3 defines it: every byte but `A-Z a-z 0-9 - . _ ~` and `/` as `%XX`.
fn uri_encode(key: &[u8]) -> String {
    let mut out = String::new();
    for &b in key {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[test]
fn s3_paths_with_any_escapes_agree_with_aws_sigv4() {
    use aws_credential_types::Credentials;
    use aws_sigv4::http_request::{
        PercentEncodingMode, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode, sign,
    };
    use aws_sigv4::sign::v4;
    use aws_smithy_runtime_api::client::identity::Identity;

    const BYTES: &[u8] = b"aZ09-._~/!$&'()*+,;=:@ %?#[]{}\"<>\\^`|\x00\x01\x7f\xc3\xa9\xe1\x88\xb4\xff";
    let raw_ok = |b: u8| b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b);
    let mut rng = fastrand::Rng::with_seed(0x5333_7061_7468);
    let identity: Identity = Credentials::new(common::AK, common::SK, None, None, "s3-differential").into();
    let mut checked = 0;
    for i in 0..2000 {
        let key: Vec<u8> = (0..rng.usize(1..24)).map(|_| BYTES[rng.usize(..BYTES.len())]).collect();
        // What an AWS SDK puts on the wire for this key, and what aws-sigv4 signs as it is.
        let canonical = format!("/{}", uri_encode(&key));
        // The same key written with other escapes: each byte raw where a path allows it, or
        // escaped with upper- or lower-case hex.
        let mut ours = String::from("/");
        for &b in &key {
            match (raw_ok(b), rng.u8(..3)) {
                (true, 0) => ours.push(b as char),
                (_, 1) => ours.push_str(&format!("%{b:02x}")),
                _ => ours.push_str(&format!("%{b:02X}")),
            }
        }
        let time = 1_400_000_000 + rng.u64(..400_000_000);
        let signer = SigV4Signer::new(creds(common::AK, None), SigV4Settings::new("us-east-1", "s3")).unwrap();
        let req = Request::from_parts("GET", "https", "bkt.s3.us-east-1.amazonaws.com", &ours);
        let got = signer.sign(&req, &Payload::EMPTY, SigningTime::from_unix(time as i64).unwrap()).unwrap();
        let got = got.details.unwrap();

        let mut settings = SigningSettings::default();
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = aws_sigv4::http_request::PayloadChecksumKind::XAmzSha256;
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("s3")
            .time(UNIX_EPOCH + Duration::from_secs(time))
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let uri = format!("https://bkt.s3.us-east-1.amazonaws.com{canonical}");
        let signable = SignableRequest::new("GET", uri, std::iter::empty(), SignableBody::Bytes(b"")).unwrap();
        let want = sign(signable, &params).unwrap().signature().to_string();
        assert_eq!(
            got.signature, want,
            "#{i}: key {key:?} sent as {ours} (SDK form {canonical}); our canonical request:\n{}",
            got.canonical_request
        );
        checked += 1;
    }
    assert_eq!(checked, 2000);
}

// ------------------------------------------------------------ items 13, 24, 25: keys

fn openssl_key(args: &[&str]) -> Vec<u8> {
    let out = Command::new("openssl").arg("genpkey").args(args).output().expect("openssl is needed");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

#[test]
fn rfc7638_thumbprint_example() {
    // RFC 7638 §3.1.
    let jwk = serde_json::json!({
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29"
    });
    assert_eq!(jwt::jwk_thumbprint(&jwk).unwrap(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

#[test]
fn every_asymmetric_key_gets_a_kid_in_token_and_jwks() {
    for (alg, args) in [
        ("RS256", &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"][..]),
        ("ES256", &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"][..]),
        ("EdDSA", &["-algorithm", "ED25519"][..]),
    ] {
        let alg = jwt::parse_algorithm(alg).unwrap();
        let key = JwtKey::parse(&openssl_key(args)).unwrap();
        let signer = JwtSigner::new(JwtSettings::new(alg), &key).unwrap();
        let token = signer.mint(SigningTime::parse(T).unwrap()).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        let jwk = jwt::public_jwk(alg, &key, None).unwrap();
        let thumb = key.thumbprint(alg).unwrap().unwrap();
        assert_eq!(header.kid.as_deref(), Some(thumb.as_str()), "{alg:?}");
        assert_eq!(jwk["kid"], thumb.as_str(), "{alg:?}");
        assert_eq!(signer.key_id(), Some(thumb.as_str()));
        assert_eq!(jwt::jwk_thumbprint(&jwk).unwrap(), thumb);
        assert_eq!(thumb.len(), 43, "base64url of 32 bytes");
        // A configured kid wins in both places.
        let mut s = JwtSettings::new(alg);
        s.key_id = Some("k1".into());
        let t = JwtSigner::new(s, &key).unwrap().mint(SigningTime::parse(T).unwrap()).unwrap();
        assert_eq!(jsonwebtoken::decode_header(&t).unwrap().kid.as_deref(), Some("k1"));
        assert_eq!(jwt::public_jwk(alg, &key, Some("k1")).unwrap()["kid"], "k1");
    }
}

#[test]
fn weak_rsa_keys_are_refused_as_credentials() {
    let weak = openssl_key(&["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]);
    let weak_pem = weak.clone();
    let e =
        JwtSigner::new(JwtSettings::new(jsonwebtoken::Algorithm::RS256), &JwtKey::parse(&weak).unwrap()).unwrap_err();
    assert!(e.to_string().contains("shorter than 2048 bits"), "{e}");
    assert_eq!(e.exit_code(), gwctl::exit::ExitCode::Credentials);
    assert_eq!(jwt::validate_key(jsonwebtoken::Algorithm::RS256, &JwtKey::parse(&weak).unwrap()).unwrap_err(), e);
    let mut c = gwctl();
    c.env("GWCTL_JWT_KEY", String::from_utf8(weak).unwrap());
    c.args(["sign", "--auth", "jwt", "--alg", "RS256", "https://gw.example/x"]);
    let (code, out, err) = run(c);
    assert_eq!(code, 4, "{err}");
    assert!(out.is_empty() && err.contains("2048"), "{err}");
    one_line(&err);
    // `profile add` refuses the key too, and saves nothing.
    let sb = common::Sandbox::new();
    let key = sb.dir.path().join("weak.pem");
    std::fs::write(&key, &weak_pem).unwrap();
    let mut c = sb.cmd();
    c.env("GWCTL_FILE_PASSPHRASE", "weak-key-test-passphrase");
    c.args(["profile", "add", "w", "--auth", "jwt", "--alg", "RS256", "--iss", "i", "--aud", "a", "--store", "file"])
        .arg("--key-file")
        .arg(&key);
    let (code, _, err) = run(c);
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("shorter than 2048 bits"), "{err}");
    one_line(&err);
    assert!(!sb.config().exists(), "nothing saved");
}

#[test]
fn pem_errors_never_echo_key_material() {
    let good = String::from_utf8(openssl_key(&["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"])).unwrap();
    let body: Vec<&str> = good.lines().filter(|l| !l.starts_with("-----")).collect();
    let corrupt = [
        // A character that is not base64 (the decoder's message names its byte value).
        good.replacen(body[1], &format!("!{}", &body[1][1..]), 1),
        // Cut in the middle.
        good.replacen(body[3], &body[3][..17], 1),
        // Mismatched labels.
        good.replace("-----END PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----"),
        // No END line.
        good.replace("-----END PRIVATE KEY-----", ""),
    ];
    for pem in &corrupt {
        let mut c = gwctl();
        c.env("GWCTL_JWT_KEY", pem).args(["sign", "--auth", "jwt", "--alg", "RS256", "https://gw.example/x"]);
        let (code, out, err) = run(c);
        assert_eq!(code, 4, "{err}");
        assert!(out.is_empty());
        one_line(&err);
        for l in body.iter().filter_map(|l| l.get(..12)) {
            assert!(!err.contains(l), "key text in {err:?}");
        }
        assert!(!err.contains("symbol") && !err.contains("offset"), "{err:?}");
    }
}

// ------------------------------------------------------------ item 27: the signing time

#[test]
fn out_of_range_signing_times_are_refused() {
    for t in
        ["-20150830T123600Z", "+20150830T123600Z", "120150830T123600Z", "-2015-08-30T12:36:00Z", "1969-12-31T23:59:59Z"]
    {
        let mut c = gwctl();
        c.args(["sign", "--auth", "sigv4", "--region", "us-east-1", "--service", "s"])
            .arg(format!("--time={t}"))
            .arg("https://example.amazonaws.com/");
        let (code, out, err) = run(c);
        assert_eq!(code, 3, "{t}: {out}{err}");
        one_line(&err);
    }
}

// ------------------------------------------------------------ item 12: curl's argv

/// A one-shot HTTP server on loopback: returns its port and a handle yielding the request head.
fn one_request_server() -> (u16, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok").unwrap();
        String::from_utf8_lossy(&head).into_owned()
    });
    (port, handle)
}

/// `gwctl sign … --format curl URL`, run as printed with `sh`; returns (printed, request head).
fn curl_round_trip(args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let (port, server) = one_request_server();
    let url = format!("http://127.0.0.1:{port}/x");
    let mut c = gwctl();
    c.envs(env.iter().copied()).arg("sign").args(args).args(["--format", "curl", &url]);
    let (code, printed, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let out =
        Command::new("sh").arg("-c").arg(printed.replacen("curl ", "curl -sS --max-time 10 ", 1)).output().unwrap();
    assert!(out.status.success(), "{printed}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, b"ok");
    (printed, server.join().unwrap())
}

/// Arguments of `gwctl sign`, extra environment, and the header that must arrive.
type CurlCase = (&'static [&'static str], &'static [(&'static str, &'static str)], &'static str);

#[test]
fn curl_format_keeps_reversible_secrets_out_of_argv() {
    let cases: [CurlCase; 4] = [
        (&["--auth", "basic"], &[], "Authorization: Basic YWxpY2U6aHVudGVyMi1wYXNzd29yZA=="),
        (&["--auth", "bearer"], &[], "Authorization: Bearer tok-3e1f9a"),
        (&["--auth", "jwt", "--iss", "me"], &[], "Authorization: Bearer eyJ"),
        (
            &["--auth", "sigv4", "--region", "us-east-1", "--service", "execute-api"],
            &[("AWS_SESSION_TOKEN", "FQoGZXIvYXdzEtoken")],
            "X-Amz-Security-Token: FQoGZXIvYXdzEtoken",
        ),
    ];
    for (args, env, header) in cases {
        let (printed, head) = curl_round_trip(args, env);
        let command_line = printed.lines().next().unwrap();
        let secret = header.split_once(": ").unwrap().1;
        assert!(!command_line.contains(secret), "secret on the command line: {printed}");
        assert!(command_line.ends_with("--config - <<'GWCTL_CURL_CONFIG'"), "{printed}");
        assert!(head.contains(header), "{header} did not arrive:\n{head}");
    }
}

#[test]
fn curl_format_without_secrets_is_unchanged() {
    let (printed, head) =
        curl_round_trip(&["--auth", "sigv4", "--region", "us-east-1", "--service", "execute-api"], &[]);
    assert_eq!(printed.lines().count(), 1, "{printed}");
    assert!(printed.starts_with("curl --globoff -H 'X-Amz-Date: ") && !printed.contains("--config"), "{printed}");
    assert!(head.contains("Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"), "{head}");
}
