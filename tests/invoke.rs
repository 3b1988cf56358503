//! `gwctl invoke` and `gwctl routes` against a local MLflow-gateway-like server
//! (tests/py/fake_gateway.py), and `invoke endpoint` against moto's real SigV4 verifier.

mod common;

use common::gw_env as gw;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Sandbox, run};
use serde_json::Value;

struct Fake {
    child: Child,
    port: u16,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Fake {
    fn start(env: &[(&str, &str)]) -> Fake {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("requests.jsonl");
        let mut child = Command::new("python3")
            .arg(common::data_dir().join("../py/fake_gateway.py"))
            .arg(&log)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        let mut out = child.stdout.take().unwrap();
        let mut byte = [0u8; 1];
        while out.read(&mut byte).unwrap() == 1 && byte[0] != b'\n' {
            line.push(byte[0] as char);
        }
        Fake { child, port: line.trim().parse().expect("port"), log, _dir: dir }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox_with_profile(fake: &Fake, auth: &[&str]) -> Sandbox {
    let sb = Sandbox::new();
    let mut c = sb.cmd();
    c.args(["profile", "add", "dev", "--url", &fake.url(), "--gateway", "mlflow"]).args(auth);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    sb
}

const TOKEN: (&str, &str) = ("TOK", "tok-sEcReT-77");

#[test]
fn routes_of_every_kind_and_style() {
    let fake = Fake::start(&[]);
    let sb = sandbox_with_profile(&fake, &["--auth", "bearer", "--store", "env:TOK"]);
    let (code, out, err) = gw(
        &sb,
        &[TOKEN],
        &["invoke", "route", "chat", "--prompt", "hi", "--system", "be brief", "--param", "temperature=0.2"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "no spinner or progress when output is piped: {err:?}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "echo: be brief | hi");
    let (_, out, _) = gw(&sb, &[TOKEN], &["invoke", "route", "completions", "--prompt", "hey", "--format", "text"]);
    assert_eq!(out, "done: hey\n", "the route kind was asked of the gateway");
    let (_, out, _) = gw(&sb, &[TOKEN], &["invoke", "route", "embeddings", "--prompt", "abc"]);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["data"][0]["embedding"][1], 3.0);
    let (_, out, _) =
        gw(&sb, &[TOKEN], &["invoke", "route", "chat", "--style", "openai", "--prompt", "yo", "--format", "text"]);
    assert_eq!(out, "echo: yo\n");
    let (code, out, err) = gw(&sb, &[TOKEN], &["invoke", "route", "chat", "--style", "legacy", "--prompt", "x"]);
    assert_eq!(code, 9, "the fake has no legacy path: {err}");
    assert_eq!(out.trim(), r#"{"detail":"Not Found"}"#, "the body is still printed");
    let (code, _, err) =
        gw(&sb, &[TOKEN], &["invoke", "route", "chat", "-d", r#"{"messages":[{"role":"user","content":"raw"}]}"#]);
    assert_eq!(code, 0, "{err}");

    let reqs = fake.requests();
    let chat = reqs.iter().find(|r| r["path"] == "/endpoints/chat/invocations").unwrap();
    assert_eq!(chat["headers"]["authorization"], "Bearer tok-sEcReT-77");
    assert_eq!(chat["headers"]["content-type"], "application/json");
    assert_eq!(chat["body"]["temperature"], 0.2);
    let openai = reqs.iter().find(|r| r["path"] == "/v1/chat/completions").unwrap();
    assert_eq!(openai["body"]["model"], "chat");

    // The listing shows the URL `invoke route chat` calls (the gateway itself lists its legacy
    // `/gateway/chat/invocations`).
    let (code, out, _) = gw(&sb, &[TOKEN], &["routes", "list"]);
    assert_eq!(code, 0);
    assert!(
        out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>()
            == ["chat", "llm/v1/chat", "openai:fake-model", "/endpoints/chat/invocations"]),
        "{out}"
    );
    let (_, out, _) = gw(&sb, &[TOKEN], &["routes", "list", "--format", "json"]);
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap().as_array().unwrap().len(), 6);
    let (_, out, _) = gw(&sb, &[TOKEN], &["routes", "show", "embeddings"]);
    assert!(out.contains("llm/v1/embeddings"));
    let (code, _, err) = gw(&sb, &[TOKEN], &["routes", "show", "nope"]);
    assert_eq!(code, 9, "{err}");
}

/// Each delta reaches stdout before the server sends the next event (it pauses 0.4 s).
#[test]
fn streaming_prints_each_delta_as_it_arrives() {
    let fake = Fake::start(&[("FAKE_PAUSE", "0.4")]);
    let sb = sandbox_with_profile(&fake, &["--auth", "bearer", "--store", "env:TOK"]);
    for route in ["chat", "chat-done", "completions"] {
        let mut c = sb.cmd();
        c.env(TOKEN.0, TOKEN.1).args(["invoke", "route", route, "--stream", "--prompt", "x"]).stdout(Stdio::piped());
        let mut child = c.spawn().unwrap();
        let mut out = child.stdout.take().unwrap();
        let start = Instant::now();
        let mut arrivals: Vec<(f64, String)> = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            let n = out.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            arrivals.push((start.elapsed().as_secs_f64(), String::from_utf8_lossy(&buf[..n]).into_owned()));
        }
        assert!(child.wait().unwrap().success(), "{route}");
        let text: String = arrivals.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(text, "Hello world\n", "{route}");
        let first = arrivals.iter().find(|(_, t)| t.contains("Hel")).unwrap().0;
        let last = arrivals.iter().find(|(_, t)| t.contains("ld")).unwrap().0;
        assert!(arrivals.len() >= 4, "{route}: deltas came in separate writes: {arrivals:?}");
        assert!(last - first >= 1.0, "{route}: deltas were printed as they came, not at the end: {arrivals:?}");
    }
    // --raw prints the events themselves.
    let (code, out, _) = gw(&sb, &[TOKEN], &["invoke", "route", "chat-done", "--stream", "--raw", "--prompt", "x"]);
    assert_eq!(code, 0);
    assert!(out.contains("data: [DONE]\n") && out.matches("data: ").count() == 6, "{out}");
}

#[test]
fn a_stream_cut_off_mid_event_is_an_error() {
    let fake = Fake::start(&[]);
    let sb = sandbox_with_profile(&fake, &["--auth", "bearer", "--store", "env:TOK"]);
    let (code, out, err) = gw(&sb, &[TOKEN], &["invoke", "route", "cutoff", "--stream", "--prompt", "x"]);
    assert_eq!(code, 8, "{err}");
    assert_eq!(out, "Hel\n");
    assert!(err.contains("cut off in the middle of an event"), "{err}");
}

#[test]
fn retry_after_then_success_with_a_fresh_signature_each_attempt() {
    let fake = Fake::start(&[]);
    let sb = sandbox_with_profile(
        &fake,
        &[
            "--auth",
            "sigv4",
            "--access-key-id",
            common::AK,
            "--region",
            "us-east-1",
            "--service",
            "execute-api",
            "--store",
            "env:SK",
        ],
    );
    let env = [("SK", common::SK)];
    let start = Instant::now();
    let (code, out, err) =
        gw(&sb, &env, &["invoke", "route", "flaky", "--kind", "chat", "--prompt", "x", "--retry-all"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("echo: x"));
    assert!(start.elapsed() >= Duration::from_secs(1), "Retry-After: 1 was honoured");
    let attempts: Vec<Value> =
        fake.requests().into_iter().filter(|r| r["path"] == "/endpoints/flaky/invocations").collect();
    assert_eq!(attempts.len(), 2);
    let (a, b) = (&attempts[0]["headers"], &attempts[1]["headers"]);
    assert!(a["x-amz-date"].is_string());
    assert_ne!(a["x-amz-date"], b["x-amz-date"], "re-signed with a new date");
    assert_ne!(a["authorization"], b["authorization"]);
    // Without --retry-all a POST is not retried on 503.
    let fake = Fake::start(&[]);
    let sb = sandbox_with_profile(&fake, &["--auth", "bearer", "--store", "env:TOK"]);
    let (code, _, err) = gw(&sb, &[TOKEN], &["invoke", "route", "flaky", "--kind", "chat", "--prompt", "x"]);
    assert_eq!(code, 10, "{err}");
    assert!(err.contains("HTTP 503"), "{err}");
}

#[test]
fn wrong_basic_password_is_reported_clearly_and_verbose_redacts() {
    let fake = Fake::start(&[("FAKE_BASIC", "alice:right-pass")]);
    let sb = sandbox_with_profile(&fake, &["--auth", "basic", "--username", "alice", "--store", "env:PW"]);
    let (code, _, err) =
        gw(&sb, &[("PW", "right-pass")], &["-v", "invoke", "route", "chat", "--kind", "chat", "--prompt", "x"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("> Authorization: Basic ****"), "{err}");
    assert!(!err.contains("right-pass") && !err.contains("YWxpY2U6"), "{err}");
    let (code, _, err) =
        gw(&sb, &[("PW", "wrong-pass")], &["invoke", "route", "chat", "--kind", "chat", "--prompt", "x"]);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("HTTP 401 Unauthorized") && err.contains("asks for Basic"), "{err}");
    // --dry-run signs and prints, but sends nothing.
    let before = fake.requests().len();
    let (code, _, err) =
        gw(&sb, &[("PW", "right-pass")], &["invoke", "route", "chat", "--kind", "chat", "--prompt", "x", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("> POST ") && err.contains("Basic ****"), "{err}");
    assert_eq!(fake.requests().len(), before);
}

#[test]
fn connection_refused_is_a_network_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let sb = Sandbox::new();
    let (code, _, err) = gw(
        &sb,
        &[("GWCTL_TOKEN", "t")],
        &[
            "invoke",
            "endpoint",
            &format!("http://127.0.0.1:{port}/invocations"),
            "--auth",
            "bearer",
            "-d",
            "{}",
            "--retries",
            "1",
        ],
    );
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("cannot connect to 127.0.0.1"), "{err}");
}

#[test]
fn model_serving_inputs_from_csv_and_json() {
    let fake = Fake::start(&[]);
    let sb = Sandbox::new();
    let csv = sb.dir.path().join("rows.csv");
    std::fs::write(&csv, "x,name\n1,\"a, b\"\n2.5,c\n").unwrap();
    let url = format!("{}/endpoints/chat/invocations", fake.url());
    let (_, _, _) = gw(
        &sb,
        &[("GWCTL_TOKEN", "t")],
        &["invoke", "endpoint", &url, "--auth", "bearer", "--input-csv", csv.to_str().unwrap()],
    );
    let last = fake.requests().pop().unwrap();
    assert_eq!(
        last["body"]["dataframe_split"],
        serde_json::json!({"columns": ["x", "name"], "data": [[1, "a, b"], [2.5, "c"]]})
    );
    let js = sb.dir.path().join("rows.json");
    std::fs::write(&js, r#"[{"x": 1, "y": 2}, {"x": 3}]"#).unwrap();
    gw(
        &sb,
        &[("GWCTL_TOKEN", "t")],
        &["invoke", "endpoint", &url, "--auth", "bearer", "--input-json", js.to_str().unwrap()],
    );
    let last = fake.requests().pop().unwrap();
    assert_eq!(
        last["body"]["dataframe_split"],
        serde_json::json!({"columns": ["x", "y"], "data": [[1, 2], [3, null]]})
    );
}

/// AWS event-stream answers (Bedrock invoke-with-response-stream, SageMaker
/// invocations-response-stream): decoded with CRC checks, text printed as it arrives.
#[test]
fn aws_event_streams_are_decoded() {
    let fake = Fake::start(&[("FAKE_PAUSE", "0.3")]);
    let sb = Sandbox::new();
    let env = [("AWS_ACCESS_KEY_ID", common::AK), ("AWS_SECRET_ACCESS_KEY", common::SK)];
    let call = |path: &str, extra: &[&str]| {
        let url = format!("{}{path}", fake.url());
        let mut a = vec![
            "invoke",
            "endpoint",
            url.as_str(),
            "--auth",
            "sigv4",
            "--region",
            "us-east-1",
            "--service",
            "bedrock",
            "-d",
            "{}",
        ];
        a.extend_from_slice(extra);
        gw(&sb, &env, &a)
    };
    let start = Instant::now();
    let (code, out, err) = call("/model/anthropic.claude-3-haiku-20240307-v1:0/invoke-with-response-stream", &[]);
    assert_eq!((code, out.as_str()), (0, "Hello world\n"), "{err}");
    assert!(start.elapsed() >= Duration::from_secs(1));
    let (code, out, err) = call("/endpoints/ep/invocations-response-stream", &[]);
    assert_eq!((code, out.as_str()), (0, "Hello world\n"), "{err}");
    let (code, out, _) = call("/endpoints/ep/invocations-response-stream", &["--format", "raw"]);
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 4, "one payload per line: {out}");
    let (code, out, err) = call("/model/bad-crc/invoke-with-response-stream", &[]);
    assert_eq!(code, 8, "{err}");
    assert_eq!(out, "Hel\n");
    assert!(err.contains("checksum does not match"), "{err}");
    let (code, out, err) = call("/model/exception/invoke-with-response-stream", &[]);
    assert_eq!(code, 10, "{err}");
    assert_eq!(out, "Hello\n");
    assert!(err.contains("throttlingException: Too many requests, please wait"), "{err}");
    // What the server put in an exception reaches stderr without its control characters.
    let (code, out, err) = call("/model/evil-exception/invoke-with-response-stream", &[]);
    assert_eq!(code, 10, "{err}");
    assert_eq!(out, "Hello\n");
    let t = err.trim_end_matches('\n');
    assert!(!t.chars().any(char::is_control), "control characters on stderr: {err:?}");
    assert!(t.contains("throttlingException: slow") && t.contains("down"), "{err}");
    // The model id's ':' was signed double-encoded and sent as given.
    let sent = fake.requests().into_iter().find(|r| r["path"].as_str().unwrap().contains("anthropic")).unwrap();
    assert!(sent["headers"]["authorization"].as_str().unwrap().contains("/us-east-1/bedrock/aws4_request"));
}

/// A redirect to another host must not carry the Authorization header along; one to the same
/// host keeps it.
#[test]
fn redirects_to_another_host_drop_authorization() {
    let first = Fake::start(&[]);
    let second = Fake::start(&[]);
    let sb = Sandbox::new();
    let env = [("GWCTL_TOKEN", "tok-must-not-leak")];
    // 127.0.0.1 and localhost are different hosts to the client.
    let elsewhere = format!("http://localhost:{}/health", second.port);
    let (code, _, err) =
        gw(&sb, &env, &["invoke", "endpoint", &format!("{}/redirect?to={elsewhere}", first.url()), "--auth", "bearer"]);
    assert_eq!(code, 0, "{err}");
    let reqs = second.requests();
    assert_eq!(reqs.len(), 1, "the redirect was followed");
    assert!(reqs[0]["headers"].get("authorization").is_none(), "{:?}", reqs[0]["headers"]);
    let same = format!("{}/health", first.url());
    let (code, _, _) =
        gw(&sb, &env, &["invoke", "endpoint", &format!("{}/redirect?to={same}", first.url()), "--auth", "bearer"]);
    assert_eq!(code, 0);
    let last = first.requests().pop().unwrap();
    assert_eq!(last["path"], "/health");
    assert_eq!(last["headers"]["authorization"], "Bearer tok-must-not-leak");
}

/// A CA and a server certificate for 127.0.0.1 signed by it (openssl CLI), in `dir`:
/// (ca.pem, cert.pem, key.pem).
fn test_ca(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let p = |f: &str| dir.join(f);
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl").args(args).current_dir(dir).output().expect("openssl is needed");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &["-subj", "/CN=gwctl test CA", "-days", "2", "-keyout", "ca.key", "-out", "ca.pem"],
        ]
        .concat(),
    );
    openssl(&[&["req"][..], &ec, &["-subj", "/CN=127.0.0.1", "-keyout", "key.pem", "-out", "leaf.csr"]].concat());
    std::fs::write(
        p("leaf.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
        "-out",
        "cert.pem",
    ]);
    (p("ca.pem"), p("cert.pem"), p("key.pem"))
}

/// HTTPS through the client that is built on first use (a plain-HTTP call never loads TLS
/// roots): a private CA is refused by the platform's roots, trusted with `--cacert`, ignored
/// with `--insecure`; and a plain-HTTP gateway's redirect to an HTTPS origin is followed.
#[test]
fn https_with_a_private_ca_and_a_redirect_from_http_to_https() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = test_ca(dir.path());
    let tls = format!("{}:{}", cert.display(), key.display());
    let secure = Fake::start(&[("FAKE_TLS", tls.as_str())]);
    let url = format!("https://127.0.0.1:{}/health", secure.port);
    let ca = ca.to_str().unwrap();
    let sb = Sandbox::new();

    let (code, _, err) = gw(&sb, &[], &["invoke", "endpoint", &url, "--auth", "none"]);
    assert_eq!(code, 8, "an unknown CA is a network error: {err}");
    assert!(err.to_lowercase().contains("certificate"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(secure.requests().is_empty());

    let (code, out, err) = gw(&sb, &[], &["invoke", "endpoint", &url, "--auth", "none", "--cacert", ca]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("OK"), "{out}");

    let (code, _, err) = gw(&sb, &[], &["invoke", "endpoint", &url, "--auth", "none", "--insecure"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("--insecure: TLS certificates are not verified"), "{err}");

    let plain = Fake::start(&[]);
    let env = [("GWCTL_TOKEN", "tok-must-not-leak")];
    let hop = format!("{}/redirect?to={url}", plain.url());
    let (code, _, err) = gw(&sb, &env, &["invoke", "endpoint", &hop, "--auth", "bearer", "--cacert", ca]);
    assert_eq!(code, 0, "{err}");
    let reqs = secure.requests();
    assert_eq!(reqs.len(), 3, "{reqs:?}");
    assert!(reqs[2]["headers"].get("authorization").is_none(), "{:?}", reqs[2]["headers"]);
}
