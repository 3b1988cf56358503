//! Signing throughput, with AWS's own `aws-sigv4` crate measured in the same run.
//!
//! `cargo bench --bench signing` (figures in BENCHMARKS.md).

use std::hint::black_box;
use std::time::{Duration, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{Criterion, criterion_group, criterion_main};
use gwctl::signing::aksk::{AkSkCredentials, AkSkSettings, AkSkSigner, AkSkVariant};
use gwctl::signing::jwt::{JwtKey, JwtSettings, JwtSigner, parse_algorithm};
use gwctl::signing::sigv4::{AwsCredentials, SigV4Settings, SigV4Signer};
use gwctl::signing::{Payload, Request, SigningTime};
use secrecy::SecretString;

const AK: &str = "AKIDEXAMPLE";
const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const HOST: &str = "bedrock-runtime.us-east-1.amazonaws.com";
const PATH: &str = "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke";
const BODY: &[u8] = br#"{"anthropic_version":"bedrock-2023-05-31","max_tokens":256,"messages":[{"role":"user","content":"Summarise the quarterly report in three bullet points."}]}"#;
const HEADERS: [(&str, &str); 2] = [("Content-Type", "application/json"), ("Accept", "application/json")];
const TIME: u64 = 1_732_406_400; // 2024-11-24T00:00:00Z

/// The typical small API request: a Bedrock InvokeModel call with a JSON body.
fn request() -> Request {
    let mut r = Request::from_parts("POST", "https", HOST, PATH);
    r.headers = HEADERS.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    r
}

fn aws_creds() -> AwsCredentials {
    AwsCredentials {
        access_key_id: AK.into(),
        secret_access_key: SecretString::from(SK.to_string()),
        session_token: None,
    }
}

fn sigv4(c: &mut Criterion) {
    let mut g = c.benchmark_group("sigv4_small_request");
    let req = request();
    let time = SigningTime::from_unix(TIME as i64).unwrap();
    let signer = SigV4Signer::new(aws_creds(), SigV4Settings::new("us-east-1", "bedrock")).unwrap();
    g.bench_function("gwctl_warm_key_cache", |b| {
        b.iter(|| black_box(signer.sign(black_box(&req), &Payload::Bytes(BODY), time).unwrap()))
    });
    g.bench_function("gwctl_cold_new_signer", |b| {
        b.iter(|| {
            let s = SigV4Signer::new(aws_creds(), SigV4Settings::new("us-east-1", "bedrock")).unwrap();
            black_box(s.sign(black_box(&req), &Payload::Bytes(BODY), time).unwrap())
        })
    });

    let identity: Identity = Credentials::new(AK, SK, None, None, "bench").into();
    let uri = format!("https://{HOST}{PATH}");
    g.bench_function("aws_sigv4_crate", |b| {
        b.iter(|| {
            let params = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("bedrock")
                .time(UNIX_EPOCH + Duration::from_secs(TIME))
                .settings(SigningSettings::default())
                .build()
                .unwrap()
                .into();
            let signable =
                SignableRequest::new("POST", uri.as_str(), HEADERS.iter().copied(), SignableBody::Bytes(BODY)).unwrap();
            black_box(sign(signable, &params).unwrap())
        })
    });
    g.bench_function("gwctl_presign", |b| {
        b.iter(|| black_box(signer.presign(black_box(&req), &Payload::EMPTY, time, 900).unwrap()))
    });
    g.finish();
}

fn aksk(c: &mut Criterion) {
    let req = request();
    let time = SigningTime::from_unix(TIME as i64).unwrap();
    for variant in [AkSkVariant::ApiPark, AkSkVariant::Huawei] {
        let signer = AkSkSigner::new(
            AkSkCredentials { access_key_id: AK.into(), secret: SecretString::from(SK.to_string()) },
            AkSkSettings::new(variant),
        )
        .unwrap();
        c.bench_function(&format!("aksk_{}", variant.name()), |b| {
            b.iter(|| black_box(signer.sign(black_box(&req), &Payload::Bytes(BODY), time).unwrap()))
        });
    }
}

fn jwt(c: &mut Criterion) {
    let time = SigningTime::from_unix(TIME as i64).unwrap();
    let mut settings = JwtSettings::new(parse_algorithm("HS256").unwrap());
    settings.issuer = Some("https://issuer.example".into());
    settings.audience = vec!["gateway".into()];
    let signer = JwtSigner::new(settings, &JwtKey::parse(b"a-32-byte-shared-secret-for-hs256").unwrap()).unwrap();
    c.bench_function("jwt_hs256_mint", |b| b.iter(|| black_box(signer.mint(time).unwrap())));
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = sigv4, aksk, jwt
}
criterion_main!(benches);
