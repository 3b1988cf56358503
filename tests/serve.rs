//! `gwctl serve` through the library: the server runs in-process on a free loopback port.
//!
//! The central test feeds it requests signed by independent signers (botocore, PyJWT,
//! requests, and reference Huawei APIG / APIPark signers checked against the shared vectors),
//! each also with one thing changed, and checks acceptance and the refusal reason.

mod common;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gwctl::serve::{self, Endpoint, EndpointType, Faults, Identity, JwtVerifyKey, ServeConfig, ServeError};
use gwctl::signing::aksk::{AkSkCredentials, AkSkVariant};
use gwctl::signing::sigv4::AwsCredentials;
use secrecy::SecretString;
use serde_json::Value;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// A running server: stopped when dropped (the runtime that owns it ends with the test).
struct Running {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Running {
    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

async fn start(config: ServeConfig) -> Running {
    let server = serve::bind(config).await.unwrap();
    let addr = server.local_addr();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async move {
        let _ = rx.await;
    }));
    Running { addr, stop: Some(tx) }
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_string())
}

fn log_sink() -> (serve::LogSink, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let l = lines.clone();
    (Arc::new(move |s: &str| l.lock().unwrap().push(s.to_string())), lines)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap()
}

const ISS: &str = "https://issuer.gwctl.test";
const AUD: &str = "gwctl-serve";

#[test]
fn independent_signers_are_accepted_and_each_tampered_copy_refused_with_its_reason() {
    let Some(py) = common::venv_python() else { return };
    let port = common::free_port();
    let out = std::process::Command::new(&py)
        .arg(common::data_dir().join("../py/serve_signers.py"))
        .arg(port.to_string())
        .env("AKSK_VECTORS", common::data_dir().join("aksk-vectors.json"))
        .output()
        .unwrap();
    assert!(out.status.success(), "serve_signers.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let keys: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    let cases: Vec<Value> = lines.map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(cases.len() > 80, "{} cases", cases.len());

    let jwks = serve::parse_jwks(&keys["keys"]["jwks"].to_string()).unwrap();
    let pem = keys["keys"]["rsa_pem"].as_str().unwrap().as_bytes().to_vec();
    let aws = |ak: &str, sk: &str, token: Option<&str>| AwsCredentials {
        access_key_id: ak.into(),
        secret_access_key: secret(sk),
        session_token: token.map(secret),
    };
    let jwt = |name: &str, key: JwtVerifyKey| Identity::Jwt {
        name: name.into(),
        key,
        issuer: Some(ISS.into()),
        audience: vec![AUD.into()],
        algorithms: Vec::new(),
    };
    let mut config = ServeConfig::new(loopback(port));
    config.identities = vec![
        Identity::SigV4 {
            name: "aws".into(),
            credentials: aws(common::AK, common::SK, None),
            region: "us-east-1".into(),
            service: "execute-api".into(),
        },
        Identity::SigV4 {
            name: "aws-temp".into(),
            credentials: aws("ASIATEMPEXAMPLE", "temp/secret+key", Some("FwoGZXIvYXdzEXAMPLEtoken==")),
            region: "us-east-1".into(),
            service: "execute-api".into(),
        },
        Identity::AkSk {
            name: "hw".into(),
            variant: AkSkVariant::Huawei,
            credentials: AkSkCredentials { access_key_id: "HWAKEXAMPLE".into(), secret: secret("huawei-secret-key") },
        },
        Identity::AkSk {
            name: "ap".into(),
            variant: AkSkVariant::ApiPark,
            credentials: AkSkCredentials { access_key_id: "APAKEXAMPLE".into(), secret: secret("apipark-secret-key") },
        },
        Identity::Basic { name: "alice".into(), username: "alice".into(), password: secret("wonderland") },
        Identity::Bearer { name: "static".into(), token: secret("static-token-0123456789") },
        jwt(
            "hs",
            JwtVerifyKey::Secret(zeroize::Zeroizing::new(
                format!("hs-secret-{}", "0123456789abcdef".repeat(4)).into_bytes(),
            )),
        ),
        jwt("jwks", jwks),
        jwt("pem", JwtVerifyKey::PublicPem(pem)),
    ];
    let hash = bcrypt::hash("builder", 4).unwrap();
    config.htpasswd = serve::parse_htpasswd(&format!("# made by the test\nbob:{hash}\n")).unwrap();
    config.explain = true;
    let (sink, log) = log_sink();
    config.log = Some(sink);

    let failures = rt().block_on(async {
        let running = start(config).await;
        assert_eq!(running.addr.port(), port);
        let c = client();
        let mut failures = Vec::new();
        let (mut accepted, mut refused) = (0, 0);
        for case in &cases {
            let name = case["name"].as_str().unwrap();
            let method = reqwest::Method::from_bytes(case["method"].as_str().unwrap().as_bytes()).unwrap();
            let mut req = c.request(method, case["url"].as_str().unwrap());
            for (k, v) in case["headers"].as_object().unwrap() {
                req = req.header(k.as_str(), v.as_str().unwrap());
            }
            let body = case["body"].as_str().unwrap().to_string();
            if !body.is_empty() {
                req = req.body(body);
            }
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            let www = resp.headers().get("www-authenticate").is_some();
            let text = resp.text().await.unwrap();
            let expect = case["expect"].as_str().unwrap();
            if expect == "ok" {
                let echo = case["echo"].as_str().unwrap_or("");
                if status != 200 || !text.contains(echo) {
                    failures.push(format!("{name}: expected 200 with {echo:?}, got {status} {text}"));
                }
                accepted += 1;
            } else {
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                let code = v["error"]["code"].as_str().unwrap_or("");
                let scheme = v["error"]["scheme"].as_str().unwrap_or("");
                let want_status = if matches!(scheme, "sigv4" | "huawei" | "apipark") { 403 } else { 401 };
                if code != expect || status != want_status || (status == 401) != www {
                    failures.push(format!("{name}: expected {expect} ({want_status}), got {status} {text}"));
                }
                if code == "signature_mismatch"
                    && scheme != "jwt"
                    && (v["error"]["canonical_request"].as_str().is_none()
                        || v["error"]["string_to_sign"].as_str().is_none())
                {
                    failures.push(format!("{name}: --explain gave no canonical request: {text}"));
                }
                refused += 1;
            }
        }
        eprintln!("{accepted} accepted and {refused} refused as expected (of {})", cases.len());
        failures
    });
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));

    // The log: one line per request, no secret.
    let log = log.lock().unwrap();
    assert!(log.len() > cases.len(), "{}", log.len());
    let all = log.join("\n");
    for s in [
        common::SK,
        "wonderland",
        "builder",
        "huawei-secret-key",
        "static-token-0123456789",
        "FwoGZXIvYXdzEXAMPLEtoken",
    ] {
        assert!(!all.contains(s), "the log shows a secret ({s})");
    }
    assert!(all.contains("identity=aws status=200 result=ok"), "{all}");
    assert!(all.contains("result=refused:signature_mismatch") && all.contains("canonical_request="), "{all}");
}

fn echo_config() -> ServeConfig {
    let yaml = "endpoints:\n  - name: chat\n    endpoint_type: llm/v1/chat\n    model:\n      provider: openai\n      name: gpt-4o-mini\n      config:\n        openai_api_key: $OPENAI_API_KEY\n  - name: completions\n    endpoint_type: llm/v1/completions\n    model: {provider: openai, name: gpt-3.5-turbo-instruct}\n  - name: embeddings\n    endpoint_type: llm/v1/embeddings\n    model: {provider: openai, name: text-embedding-3-small}\n";
    let mut c = ServeConfig::new(loopback(0));
    c.endpoints = serve::endpoints_from_mlflow_config(yaml).unwrap();
    c
}

#[test]
fn open_server_lists_endpoints_echoes_and_answers_404_and_422_like_mlflow() {
    let mut config = echo_config();
    let (sink, log) = log_sink();
    config.log = Some(sink);
    rt().block_on(async {
        let s = start(config).await;
        let c = client();
        let get = |p: &str| c.get(s.url(p)).send();
        let health: Value = get("/health")
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
            .unwrap();
        assert_eq!(health["status"], "OK");

        let list: Value = get("/api/2.0/endpoints/")
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
            .unwrap();
        let eps = list["endpoints"].as_array().unwrap();
        assert_eq!(eps.len(), 3);
        assert_eq!(eps[0]["name"], "chat");
        assert_eq!(eps[0]["endpoint_type"], "llm/v1/chat");
        assert_eq!(eps[0]["model"]["name"], "gpt-4o-mini");
        assert_eq!(eps[0]["endpoint_url"], "/gateway/chat/invocations");
        let one: Value = get("/api/2.0/endpoints/embeddings")
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
            .unwrap();
        assert_eq!(one["endpoint_type"], "llm/v1/embeddings");
        let r = get("/api/2.0/endpoints/nope").await.unwrap();
        assert_eq!(r.status(), 404);
        assert_eq!(
            r.text().await.map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null)).unwrap()["detail"],
            "Not Found"
        );
        assert_eq!(get("/no/such/route").await.unwrap().status(), 404);

        let post =
            |p: &str, b: &str| c.post(s.url(p)).header("content-type", "application/json").body(b.to_string()).send();
        let chat: Value = post(
            "/endpoints/chat/invocations",
            r#"{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"say hi twice"}]}"#,
        )
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
        .unwrap();
        assert_eq!(chat["object"], "chat.completion");
        assert_eq!(chat["choices"][0]["message"]["content"], "say hi twice");
        assert_eq!(chat["usage"]["prompt_tokens"], 5);
        assert_eq!(chat["usage"]["completion_tokens"], 3);
        assert_eq!(chat["usage"]["total_tokens"], 8);
        let comp: Value = post("/v1/completions", r#"{"model":"completions","prompt":"Say hi"}"#)
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
            .unwrap();
        assert_eq!(comp["choices"][0]["text"], "Say hi");
        let emb: Value = post("/v1/embeddings", r#"{"model":"embeddings","input":["a","b c"]}"#)
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
            .unwrap();
        let data = emb["data"].as_array().unwrap();
        assert_eq!(data.len(), 2);
        assert_eq!(data[0]["embedding"].as_array().unwrap().len(), 8);
        let again: Value = post("/endpoints/embeddings/invocations", r#"{"input":"a"}"#)
            .await
            .unwrap()
            .text()
            .await
            .map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null))
            .unwrap();
        assert_eq!(again["data"][0]["embedding"], data[0]["embedding"], "embeddings are deterministic");

        for (path, body, status) in [
            ("/endpoints/chat/invocations", "{not json", 422),
            ("/endpoints/chat/invocations", r#"{"model":"x","messages":[{"role":"user","content":"a"}]}"#, 422),
            ("/endpoints/chat/invocations", r#"{"messages":[]}"#, 422),
            ("/v1/chat/completions", r#"{"messages":[{"role":"user","content":"a"}]}"#, 422),
            ("/v1/chat/completions", r#"{"model":"nope","messages":[{"role":"user","content":"a"}]}"#, 404),
            ("/v1/chat/completions", r#"{"model":"embeddings","messages":[{"role":"user","content":"a"}]}"#, 400),
            ("/endpoints/nope/invocations", "{}", 404),
        ] {
            let r = post(path, body).await.unwrap();
            assert_eq!(r.status().as_u16(), status, "{path} {body}");
            assert!(
                r.text().await.map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null)).unwrap()["detail"]
                    .is_string(),
                "{path} {body}"
            );
        }
    });
    let log = log.lock().unwrap();
    assert!(log[0].contains("OPEN"), "{}", log[0]);
}

/// Reads an SSE response chunk by chunk; returns the chunks as they arrived.
async fn chunks(resp: reqwest::Response) -> Vec<String> {
    use futures_util::StreamExt as _;
    let mut out = Vec::new();
    let mut s = resp.bytes_stream();
    while let Some(c) = s.next().await {
        out.push(String::from_utf8(c.unwrap().to_vec()).unwrap());
    }
    out
}

#[test]
fn streams_sse_chunks_like_mlflow() {
    rt().block_on(async {
        let s = start(echo_config()).await;
        let c = client();
        let resp = c
            .post(s.url("/endpoints/chat/invocations"))
            .body(r#"{"messages":[{"role":"user","content":"one two three four five six"}],"stream":true}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["content-type"], "text/event-stream");
        let got = chunks(resp).await;
        assert!(got.len() >= 4, "chunks arrive separately: {got:?}");
        let events: Vec<Value> = got
            .concat()
            .split("\n\n")
            .filter(|e| !e.is_empty())
            .map(|e| serde_json::from_str(e.strip_prefix("data: ").unwrap()).unwrap())
            .collect();
        let text: String =
            events.iter().filter_map(|e| e["choices"][0]["delta"]["content"].as_str()).collect::<Vec<_>>().concat();
        assert_eq!(text, "one two three four five six");
        assert_eq!(events[0]["object"], "chat.completion.chunk");
        let last = events.last().unwrap();
        assert_eq!(last["choices"], serde_json::json!([]), "MLflow's last chunk: no choices, the usage");
        assert_eq!(last["usage"]["completion_tokens"], 6);

        let resp = c
            .post(s.url("/v1/completions"))
            .body(r#"{"model":"completions","prompt":"a b","stream":true}"#)
            .send()
            .await
            .unwrap();
        let all = chunks(resp).await.concat();
        assert!(all.contains(r#""text":"a "#), "{all}");
        assert!(all.ends_with("data: [DONE]\n\n"), "OpenAI-style routes end with [DONE]: {all}");
    });
}

#[test]
fn faults_are_deterministic_with_a_seed() {
    async fn statuses(seed: u64) -> (Vec<u16>, bool) {
        let mut config = echo_config();
        config.faults = Faults { rate_429: 0.3, rate_500: 0.2, seed, retry_after_secs: 2, ..Faults::default() };
        let s = start(config).await;
        let c = client();
        let mut out = Vec::new();
        let mut retry_after = true;
        for _ in 0..30 {
            let r = c.post(s.url("/endpoints/completions/invocations")).body(r#"{"prompt":"x"}"#).send().await.unwrap();
            if r.status() == 429 {
                retry_after &= r.headers().get("retry-after").is_some_and(|v| v == "2");
            }
            out.push(r.status().as_u16());
        }
        (out, retry_after)
    }
    rt().block_on(async {
        let (a, ra) = statuses(42).await;
        let (b, _) = statuses(42).await;
        let (other, _) = statuses(7).await;
        assert_eq!(a, b, "same seed, same faults");
        assert_ne!(a, other, "another seed, other faults");
        assert!(a.contains(&200) && a.contains(&429) && a.contains(&500), "{a:?}");
        assert!(ra, "429 carries Retry-After");

        // A cut-off stream: 200 first, then the body ends in the middle of an event.
        let mut config = echo_config();
        config.faults = Faults { cut_stream_rate: 1.0, ..Faults::default() };
        let s = start(config).await;
        let resp = client()
            .post(s.url("/endpoints/chat/invocations"))
            .body(r#"{"messages":[{"role":"user","content":"a b c d"}],"stream":true}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        use futures_util::StreamExt as _;
        let mut st = resp.bytes_stream();
        let mut got = Vec::new();
        let mut failed = false;
        while let Some(c) = st.next().await {
            match c {
                Ok(b) => got.extend_from_slice(&b),
                Err(_) => failed = true,
            }
        }
        assert!(failed, "the client sees a broken body");
        assert!(String::from_utf8_lossy(&got).ends_with("{\"cont"), "{}", String::from_utf8_lossy(&got));
    });
}

#[test]
fn refuses_a_non_loopback_listen_address() {
    rt().block_on(async {
        let err = serve::bind(ServeConfig::new("0.0.0.0:0".parse().unwrap())).await.unwrap_err();
        assert!(matches!(err, ServeError::NotLoopback(_)), "{err}");
        assert_eq!(err.exit_code(), gwctl::exit::ExitCode::Usage);
        assert!(err.to_string().contains("--allow-remote"), "{err}");
        let mut c = ServeConfig::new("[::1]:0".parse().unwrap());
        c.endpoints = vec![Endpoint::new("chat", EndpointType::Chat, "echo")];
        // ::1 is loopback (binding may fail where IPv6 is off: only NotLoopback matters here).
        if let Err(e) = serve::bind(c).await {
            assert!(!matches!(e, ServeError::NotLoopback(_)), "{e}");
        }
    });
}

#[test]
fn a_50_mib_body_is_refused_without_reading_it() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    rt().block_on(async {
        let s = start(echo_config()).await;
        // Declared length: refused before any of the body is read.
        let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
        let head = format!(
            "POST /endpoints/chat/invocations HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            s.addr,
            50 * 1024 * 1024
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        tcp.write_all(&[b' '; 1024]).await.unwrap();
        let mut buf = vec![0u8; 4096];
        let n = tokio::time::timeout(Duration::from_secs(5), tcp.read(&mut buf)).await.unwrap().unwrap();
        let answer = String::from_utf8_lossy(&buf[..n]);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

        // Chunked, no length: the server stops reading at its limit (10 MiB) and answers 413.
        let mut tcp = tokio::net::TcpStream::connect(s.addr).await.unwrap();
        let head = format!(
            "POST /endpoints/chat/invocations HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
            s.addr
        );
        tcp.write_all(head.as_bytes()).await.unwrap();
        let (mut rd, mut wr) = tcp.into_split();
        let writer = tokio::spawn(async move {
            let chunk = format!("{:x}\r\n{}\r\n", 1 << 20, " ".repeat(1 << 20));
            let mut sent = 0usize;
            for _ in 0..50 {
                if wr.write_all(chunk.as_bytes()).await.is_err() {
                    break;
                }
                sent += 1 << 20;
            }
            sent
        });
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), rd.read_to_end(&mut answer)).await;
        let sent = tokio::time::timeout(Duration::from_secs(10), writer).await.unwrap().unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(sent < 50 << 20, "the server stopped reading: {sent} bytes went out");
    });
}

#[test]
fn forwards_verified_requests_upstream_without_client_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let (_fake, fake_port) = common::fake_gateway(dir.path());
    let mut config = ServeConfig::new(loopback(0));
    config.upstream = Some(url::Url::parse(&format!("http://127.0.0.1:{fake_port}")).unwrap());
    config.identities =
        vec![Identity::Basic { name: "alice".into(), username: "alice".into(), password: secret("wonderland") }];
    rt().block_on(async {
        let s = start(config).await;
        let c = client();
        let r = c
            .post(s.url("/endpoints/chat/invocations"))
            .basic_auth("alice", Some("wonderland"))
            .body(r#"{"messages":[{"role":"user","content":"via upstream"}]}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.text().await.map(|t| serde_json::from_str::<Value>(&t).unwrap_or(Value::Null)).unwrap();
        assert_eq!(v["choices"][0]["message"]["content"], "echo: via upstream");
        let r = c
            .post(s.url("/endpoints/chat/invocations"))
            .basic_auth("alice", Some("wonderland"))
            .body(r#"{"messages":[{"role":"user","content":"x"}],"stream":true}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let got = chunks(r).await;
        assert!(got.len() >= 3, "streamed through, not buffered: {got:?}");
        assert!(got.concat().contains("wor"), "{got:?}");
        assert_eq!(c.get(s.url("/health")).send().await.unwrap().status(), 200, "health is open and forwarded");
        let r = c
            .post(s.url("/endpoints/chat/invocations"))
            .basic_auth("alice", Some("nope"))
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    });
    let log = std::fs::read_to_string(dir.path().join("fake-requests.jsonl")).unwrap_or_default();
    assert!(log.contains("via upstream"), "{log}");
    assert!(!log.to_ascii_lowercase().contains("\"authorization\""), "the client's credentials were forwarded: {log}");
}
