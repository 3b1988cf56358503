//! Known-answer vectors for the AK/SK gateway variants (Huawei APIG, APIPark/Apinto).

mod common;

use gwctl::signing::aksk::{AkSkCredentials, AkSkSettings, AkSkSigner, AkSkVariant};
use gwctl::signing::{Payload, Request, SigningTime};
use secrecy::SecretString;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(&common::read(&common::data_dir().join("aksk-vectors.json"))).unwrap()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k}"))
}

#[test]
fn huawei_sdk_hmac_sha256() {
    let v = &vectors()["huawei-sdk-hmac-sha256"];
    let (input, output) = (&v["input"], &v["output"]);
    let query: Vec<String> = input["query_pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let enc = |x: &Value| x.as_str().unwrap().replace(' ', "%20");
            format!("{}={}", enc(&p[0]), enc(&p[1]))
        })
        .collect();
    let host = s(&input["headers"], "Host");
    let mut req = Request::from_parts(s(input, "method"), "https", host, s(input, "path"));
    req.query = Some(query.join("&"));
    req.headers =
        vec![("Host".into(), host.into()), ("Content-Type".into(), s(&input["headers"], "Content-Type").into())];
    let signer = AkSkSigner::new(
        AkSkCredentials {
            access_key_id: s(input, "ak").into(),
            secret: SecretString::from(s(input, "sk").to_string()),
        },
        AkSkSettings::new(AkSkVariant::Huawei),
    )
    .unwrap();
    let time = SigningTime::parse(s(input, "sdk_date")).unwrap();
    let signed = signer.sign(&req, &Payload::Bytes(s(input, "body").as_bytes()), time).unwrap();
    let d = signed.details.as_ref().unwrap();
    assert_eq!(d.canonical_request, s(output, "canonical_request"));
    assert_eq!(d.string_to_sign, s(output, "string_to_sign"));
    assert_eq!(d.signature, s(output, "signature"));
    // The full header set to send, in the SDK's order.
    let mut all = req.headers.clone();
    all.extend(signed.headers.iter().cloned());
    let want: Vec<(String, String)> = output["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(all, want);
}

#[test]
fn apipark_apinto_hmac_sha256() {
    let v = &vectors()["apipark-apinto-hmac-sha256"];
    let (input, output) = (&v["input"], &v["output"]);
    let url = url::Url::parse(s(input, "url")).unwrap();
    let mut req = Request::from_url(s(input, "method"), &url).unwrap();
    req.headers = input["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let mut settings = AkSkSettings::new(AkSkVariant::ApiPark);
    settings.signed_headers =
        Some(input["signed_headers"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_string()).collect());
    let signer = AkSkSigner::new(
        AkSkCredentials { access_key_id: "ak-example".into(), secret: SecretString::from(s(input, "sk").to_string()) },
        settings,
    )
    .unwrap();
    let time = SigningTime::parse(s(&input["headers"], "x-gateway-date")).unwrap();
    let signed = signer.sign(&req, &Payload::EMPTY, time).unwrap();
    let d = signed.details.as_ref().unwrap();
    assert_eq!(d.canonical_request, s(output, "canonical_request"));
    assert_eq!(d.string_to_sign, s(output, "string_to_sign"));
    assert_eq!(d.signature, s(output, "signature"));
    let authz = &signed.headers.iter().find(|(n, _)| n == "Authorization").unwrap().1;
    assert_eq!(authz, &s(output, "authorization").replace("<ak>", "ak-example"));
}

#[test]
fn apipark_default_signs_every_header_sorted() {
    let url = url::Url::parse("https://gw.example.com/v1/chat?b=2&a=x%20y").unwrap();
    let req = Request::from_url("POST", &url).unwrap().header("Content-Type", "application/json");
    let signer = AkSkSigner::new(
        AkSkCredentials { access_key_id: "AK".into(), secret: SecretString::from("SK".to_string()) },
        AkSkSettings::new(AkSkVariant::ApiPark),
    )
    .unwrap();
    let signed = signer.sign(&req, &Payload::Bytes(b"{}"), SigningTime::parse("20200605T104456Z").unwrap()).unwrap();
    let creq = &signed.details.as_ref().unwrap().canonical_request;
    assert_eq!(creq.lines().take(3).collect::<Vec<_>>(), ["POST", "/v1/chat/", "a=x+y&b=2"],);
    assert!(signed.headers.iter().any(|(n, v)| n == "X-Gateway-Date" && v == "20200605T104456Z"));
    assert!(signed.headers.iter().any(|(n, v)| n == "Authorization"
        && v.starts_with("HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-gateway-date, Signature=")));
}
