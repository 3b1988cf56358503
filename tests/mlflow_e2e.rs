//! End to end with the real parts: an MLflow YAML gateway (`mlflow gateway start`, from PyPI)
//! whose OpenAI provider is a local fake, behind real nginx with `auth_basic`; gwctl calls it
//! with a Basic profile: single calls (`invoke route`), and `invoke batch` runs of 500 mixed
//! lines through MLflow's own paths and through its OpenAI-compatible ones.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Daemon, Sandbox, free_port, run};
use serde_json::Value;

struct Stack {
    nginx_url: String,
    gateway_url: String,
    _upstream: Daemon,
    _gateway: Daemon,
    _nginx: Daemon,
    /// The stack's files; `fake-requests.jsonl` there logs what reached the provider.
    dir: tempfile::TempDir,
}

fn have(tool: &str) -> bool {
    Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
}

fn start(python: &Path, user: &str, password: &str) -> Option<Stack> {
    if !have("nginx") && !Path::new("/usr/sbin/nginx").exists() {
        if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
            panic!("GWCTL_REQUIRE_E2E=1 but nginx is not installed");
        }
        eprintln!("note: skipping: nginx is not installed");
        return None;
    }
    let mlflow = python.parent().unwrap().join("mlflow");
    if !mlflow.exists() {
        if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
            panic!("GWCTL_REQUIRE_E2E=1 but mlflow is not in the test venv (tests/requirements.txt)");
        }
        eprintln!("note: skipping: mlflow is not in the test venv");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    // The fake OpenAI provider.
    let (upstream, up_port) = common::fake_gateway(d);

    // The MLflow YAML gateway.
    let gw_port = free_port();
    // Its config comes from gwctl scaffold mlflow.
    let sb_scaffold = common::Sandbox::new();
    let mut c = sb_scaffold.cmd();
    c.args([
        "scaffold",
        "mlflow",
        "-e",
        "chat:chat:openai:gpt-4o-mini",
        "-e",
        "completions:completions:openai:gpt-3.5-turbo-instruct",
    ])
    .args(["-e", "embeddings:embeddings:openai:text-embedding-3-small"])
    .args(["--api-base", &format!("http://127.0.0.1:{up_port}/v1"), "-o"])
    .arg(d.join("gateway.yaml"));
    let (code, _, err) = common::run(c);
    assert_eq!(code, 0, "{err}");
    let mut gw = Command::new(&mlflow);
    gw.args(["gateway", "start", "--config-path"])
        .arg(d.join("gateway.yaml"))
        .args(["--host", "127.0.0.1", "--port", &gw_port.to_string()])
        .current_dir(d)
        .env("HOME", d)
        .env("OPENAI_API_KEY", "fake-provider-key")
        .env("MLFLOW_DISABLE_TELEMETRY", "true")
        .env("GUNICORN_CMD_ARGS", "--no-control-socket");
    let mut gateway = Daemon::spawn("mlflow gateway", gw, &d.join("gateway.log"));
    gateway.wait_http(&format!("http://127.0.0.1:{gw_port}/health"), 90, &d.join("gateway.log"));

    // nginx with auth_basic in front: the server block and htpasswd come from gwctl scaffold nginx.
    let ng_port = free_port();
    let mut scaffold = Command::new(common::gwctl_bin());
    scaffold
        .args([
            "scaffold",
            "nginx",
            "--backend",
            &format!("http://127.0.0.1:{gw_port}"),
            "--user",
            user,
            "--password-stdin",
        ])
        .args(["--listen", &format!("127.0.0.1:{ng_port}"), "-o"])
        .arg(d.join("server.conf"))
        .env_clear()
        .env("HOME", d);
    let (code, _, err) = common::run_with_stdin(scaffold, password.as_bytes());
    assert_eq!(code, 0, "{err}");
    // nginx checks the hash on every request, in its worker's event loop: the scaffold uses
    // bcrypt cost 5 (as Apache's `htpasswd -B`), not 10, which took 60-130 ms a request here
    // and capped the batch runs at 8-15 requests/s.
    let scaffolded = std::fs::read_to_string(d.join("server.conf.htpasswd")).unwrap();
    assert!(scaffolded.starts_with(&format!("{user}:$2b$05$")), "{scaffolded}");
    for t in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
        std::fs::create_dir_all(d.join(t)).unwrap();
    }
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let p = d.display();
    let conf = format!(
        "{user_line}worker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/nginx-error.log;\nevents {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  include {p}/server.conf;\n}}\n",
        user_line = if root { "user root;\n" } else { "" }
    );
    std::fs::write(d.join("nginx.conf"), conf).unwrap();
    let nginx_bin = if have("nginx") { "nginx".to_string() } else { "/usr/sbin/nginx".to_string() };
    let mut ng = Command::new(nginx_bin);
    ng.arg("-p").arg(d).arg("-c").arg(d.join("nginx.conf")).args(["-g", "daemon off;"]);
    let mut nginx = Daemon::spawn("nginx", ng, &d.join("nginx.log"));
    // Unauthenticated health answers 401, which curl -f treats as failure: wait for the port.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", ng_port)).is_err() {
        if let Ok(Some(s)) = nginx.child.try_wait() {
            panic!("nginx exited ({s}): {}", std::fs::read_to_string(d.join("nginx.log")).unwrap_or_default());
        }
        assert!(std::time::Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Some(Stack {
        nginx_url: format!("http://127.0.0.1:{ng_port}"),
        gateway_url: format!("http://127.0.0.1:{gw_port}"),
        _upstream: upstream,
        _gateway: gateway,
        _nginx: nginx,
        dir,
    })
}

#[test]
fn mlflow_gateway_behind_nginx_basic_auth() {
    let Some(python) = common::venv_python() else { return };
    let Some(stack) = start(&python, "alice", "nginx-pass-123") else { return };
    let sb = Sandbox::new();
    let mut c = sb.cmd();
    c.args(["profile", "add", "mlflow", "--auth", "basic", "--username", "alice", "--store", "env:PW"]).args([
        "--url",
        &stack.nginx_url,
        "--gateway",
        "mlflow",
    ]);
    assert_eq!(run(c).0, 0);
    let gw = |pw: &str, a: &[&str]| {
        let mut c = sb.cmd();
        c.env("PW", pw).args(a);
        run(c)
    };
    let pw = "nginx-pass-123";

    let (code, out, err) = gw(pw, &["routes", "list", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let routes: Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = routes.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["chat", "completions", "embeddings"]);
    assert_eq!(routes[0]["type"], "llm/v1/chat");
    assert_eq!(routes[0]["model"], "openai:gpt-4o-mini");

    let (code, out, err) = gw(pw, &["invoke", "route", "chat", "--prompt", "hi", "--param", "max_tokens=16"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["choices"][0]["message"]["content"], "echo: hi");
    let (code, out, err) = gw(pw, &["invoke", "route", "completions", "--prompt", "hey", "--format", "text"]);
    assert_eq!((code, out.as_str()), (0, "done: hey\n"), "{err}");
    let (code, out, err) = gw(pw, &["invoke", "route", "embeddings", "--prompt", "abcd"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["data"][0]["embedding"][1], 4.0);
    // The OpenAI-style paths of the same gateway.
    let (code, out, err) =
        gw(pw, &["invoke", "route", "chat", "--style", "openai", "--prompt", "yo", "--format", "text"]);
    assert_eq!((code, out.as_str()), (0, "echo: yo\n"), "{err}");
    let (code, out, err) = gw(pw, &["invoke", "route", "embeddings", "--style", "openai", "--prompt", "ab"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["data"][0]["embedding"][1], 2.0);

    // Streaming chat: MLflow's own routes end without [DONE].
    let (code, out, err) = gw(pw, &["invoke", "route", "chat", "--stream", "--prompt", "hi"]);
    assert_eq!((code, out.as_str()), (0, "Hello world\n"), "{err}");
    // Streaming completions: MLflow 3.17.2 aborts the body mid-stream after sending 200 (a known
    // MLflow bug); gwctl must call that a failure, not a success.
    let (code, _, err) = gw(pw, &["invoke", "route", "completions", "--stream", "--prompt", "hi"]);
    assert_eq!(code, 8, "{err}");
    assert!(err.contains("broke off") || err.contains("cut off"), "{err}");

    // The wrong password is refused by nginx, and gwctl says so in one line.
    let (code, out, err) = gw("wrong-pass", &["invoke", "route", "chat", "--kind", "chat", "--prompt", "hi"]);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("HTTP 401 Unauthorized") && err.contains("asks for Basic"), "{err}");
    assert!(out.contains("401"), "nginx's body is still printed: {out}");
    assert!(!err.contains("wrong-pass"));

    // `gwctl invoke route <TAB>` in bash offers the routes of this running MLflow gateway.
    let cache = tempfile::tempdir().unwrap();
    let offered = common::bash_complete(
        &sb,
        &["gwctl", "invoke", "route", "c"],
        &[("PW", pw), ("GWCTL_PROFILE", "mlflow"), ("XDG_CACHE_HOME", cache.path().to_str().unwrap())],
    );
    assert_eq!(offered, ["chat", "completions"]);

    jwt_proxy_in_front_of_the_gateway(&python, &stack, &sb);
}

/// A PyJWT-verifying proxy in front of the same MLflow gateway: gwctl's tokens pass; a wrong
/// audience and an expired token (the proxy's clock an hour ahead) are refused, and gwctl says why.
fn jwt_proxy_in_front_of_the_gateway(python: &Path, stack: &Stack, sb: &Sandbox) {
    let dir = tempfile::tempdir().unwrap();
    let secret = "proxy-shared-hs256-secret-0123456789";
    std::fs::write(dir.path().join("key"), secret).unwrap();
    let start_proxy = |skew: &str| {
        let port = free_port();
        let mut c = Command::new(python);
        c.arg(common::data_dir().join("../py/jwt_proxy.py"))
            .args([&port.to_string(), &stack.gateway_url])
            .arg(dir.path().join("key"))
            .args(["HS256", "mlflow-gateway", "https://issuer.example"])
            .env("PROXY_CLOCK_SKEW", skew);
        let log = dir.path().join(format!("proxy-{port}.log"));
        let d = Daemon::spawn("jwt proxy", c, &log);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(std::time::Instant::now() < deadline, "{}", std::fs::read_to_string(&log).unwrap_or_default());
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        (d, format!("http://127.0.0.1:{port}"))
    };
    let (_proxy, url) = start_proxy("0");
    for (name, aud) in [("jwt-ok", "mlflow-gateway"), ("jwt-wrong-aud", "someone-else")] {
        let mut c = sb.cmd();
        c.args(["profile", "add", name, "--auth", "jwt", "--alg", "HS256", "--iss", "https://issuer.example"]).args([
            "--aud",
            aud,
            "--ttl",
            "10m",
            "--store",
            "env:JK",
            "--url",
            &url,
            "--gateway",
            "mlflow",
        ]);
        assert_eq!(run(c).0, 0);
    }
    let gw = |profile: &str, url_override: Option<&str>, a: &[&str]| {
        let mut c = sb.cmd();
        c.env("JK", secret).env("GWCTL_PROFILE", profile);
        c.args(a);
        if let Some(u) = url_override {
            c.args(["--url", u]);
        }
        run(c)
    };
    let (code, out, err) = gw("jwt-ok", None, &["invoke", "route", "chat", "--prompt", "hi", "--format", "text"]);
    assert_eq!((code, out.as_str()), (0, "echo: hi\n"), "{err}");
    let (code, out, err) = gw("jwt-ok", None, &["invoke", "route", "chat", "--prompt", "hi", "--stream"]);
    assert_eq!((code, out.as_str()), (0, "Hello world\n"), "{err}");
    let (code, _, err) = gw("jwt-wrong-aud", None, &["invoke", "route", "chat", "--kind", "chat", "--prompt", "hi"]);
    assert_eq!(code, 9, "{err}");
    assert!(err.contains("Audience doesn't match") && err.contains("check the profile's --aud"), "{err}");
    // The proxy's clock runs an hour ahead: the 10-minute token is expired there.
    let (_late, late_url) = start_proxy("3600");
    let (code, _, err) =
        gw("jwt-ok", Some(&late_url), &["invoke", "route", "chat", "--kind", "chat", "--prompt", "hi"]);
    assert_eq!(code, 9, "{err}");
    assert!(
        err.contains("Signature has expired") && err.contains("min") && err.contains("behind the server's"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// `gwctl invoke batch` through nginx (Basic) and the real MLflow YAML gateway.

/// Which URLs a batch's lines use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Paths {
    /// MLflow's own `/endpoints/{name}/invocations` (and the legacy `/gateway/{name}/…`).
    Mlflow,
    /// The OpenAI-compatible `/v1/chat/completions`, `/v1/completions`, `/v1/embeddings`, with
    /// `"model": "<route name>"` in the body.
    OpenAi,
}

/// What one line's record must hold.
#[derive(Debug)]
enum Want {
    /// 200, `choices[0].message.content`.
    Chat(String),
    /// 200, `choices[0].text`.
    Text(String),
    /// 200, `data[k].embedding[1]` (the fake provider answers the input's length there).
    Embedding(Vec<f64>),
    /// 200, a streamed chat answer collected into one `chat.completion` ("Hello world").
    Streamed,
    /// A failed line: the journal's error code, the summary's class, and what the gateway's
    /// answer (in `response.body`) says.
    Failed { code: &'static str, class: &'static str, detail: Detail },
}

#[derive(Debug)]
enum Detail {
    /// FastAPI validation: `{"detail": [{"loc": ["body", FIELD], …}]}`.
    Loc(&'static str),
    /// `{"detail": "…"}` containing this.
    Says(&'static str),
    /// A plain-text body, exactly.
    Plain(&'static str),
    /// No response at all (the error message contains this).
    NoResponse(&'static str),
}

struct Line {
    /// The custom_id the output must carry.
    id: String,
    json: String,
    /// A string only this line's request carries (its prompt / message / first input).
    marker: String,
    want: Want,
    /// How many times the fake provider behind MLflow must have seen the marker.
    upstream: usize,
}

/// 500 lines (or `n`): chat, completions and embeddings in the full OpenAI batch form, short
/// `{"custom_id","body"}` and `{"custom_id","prompt"}` lines for `--route chat`, one line without
/// a custom_id, streamed lines, bodies the gateway refuses (422), and routes that do not exist.
fn batch_lines(paths: Paths, n: usize) -> Vec<Line> {
    use serde_json::json;
    let (chat, completions, embeddings) = match paths {
        Paths::Mlflow => {
            ("/endpoints/chat/invocations", "/endpoints/completions/invocations", "/endpoints/embeddings/invocations")
        }
        Paths::OpenAi => ("/v1/chat/completions", "/v1/completions", "/v1/embeddings"),
    };
    let openai = paths == Paths::OpenAi;
    let mut lines = Vec::with_capacity(n);
    for i in 0..n {
        let prefix = if openai { "oa" } else { "ml" };
        let mut id = format!("{prefix}-{i:03}");
        let m = format!("m-{id}");
        let round = i / 25;
        // The route's name as the OpenAI `model` (MLflow's own paths refuse a `model` field).
        let with_model = |route: &str, mut body: Value| {
            if openai {
                body["model"] = route.into();
            }
            body
        };
        let msgs = json!([{"role": "user", "content": m}]);
        let chat_body = with_model("chat", json!({"messages": msgs, "max_tokens": 16}));
        let full = |id: &str, url: &str, body: Value| {
            if i % 2 == 0 {
                json!({"custom_id": id, "method": "POST", "url": url, "body": body})
            } else {
                json!({"custom_id": id, "url": url, "body": body}) // method defaults to POST
            }
        };
        let refused = |detail| Want::Failed { code: "http_422", class: "http_422", detail };
        let (line, want, upstream) = match i % 25 {
            0..=5 => (full(&id, chat, chat_body), Want::Chat(format!("echo: {m}")), 1),
            6..=9 => {
                let body = with_model("completions", json!({"prompt": m, "max_tokens": 8}));
                (full(&id, completions, body), Want::Text(format!("done: {m}")), 1)
            }
            10..=13 => {
                // The marker, then one input per decimal digit of i (length digit + 1): the
                // answer's embeddings spell the line's number.
                let digits: Vec<usize> = i.to_string().bytes().map(|b| (b - b'0') as usize + 1).collect();
                let mut input = vec![m.clone()];
                input.extend(digits.iter().map(|&d| "x".repeat(d)));
                let mut want = vec![m.len() as f64];
                want.extend(digits.iter().map(|&d| d as f64));
                (full(&id, embeddings, with_model("embeddings", json!({"input": input}))), Want::Embedding(want), 1)
            }
            14 if openai && round % 5 == 0 => {
                // With `--route chat --style openai`, a `{"custom_id","body"}` line that names no
                // model gets the route's, as `gwctl invoke route chat --style openai -d BODY`
                // does (MLflow answers 500 "Invalid endpoint / route name: 'None'" without it).
                let line = json!({"custom_id": id, "body": {"messages": msgs}});
                (line, Want::Chat(format!("echo: {m}")), 1)
            }
            14..=16 => (
                json!({"custom_id": id, "body": with_model("chat", json!({"messages": msgs}))}),
                Want::Chat(format!("echo: {m}")),
                1,
            ),
            17..=19 => (json!({"custom_id": id, "prompt": m}), Want::Chat(format!("echo: {m}")), 1),
            20 | 21 => {
                let (url, body, detail) = match (round * 2 + i % 25 - 20) % 5 {
                    0 => (chat, with_model("chat", json!({"messages": m})), Detail::Loc("messages")),
                    1 => (
                        chat,
                        with_model("chat", json!({"messages": msgs, "temperature": 5})),
                        Detail::Loc("temperature"),
                    ),
                    2 => (
                        completions,
                        with_model("completions", json!({"prompt": m, "temperature": "hot"})),
                        Detail::Loc("temperature"),
                    ),
                    3 => (embeddings, with_model("embeddings", json!({"text": m})), Detail::Loc("input")),
                    _ if openai => (chat, with_model("chat", json!({"messages": msgs, "n": 0})), Detail::Loc("n")),
                    _ => (
                        chat,
                        json!({"messages": msgs, "model": "gpt-4o"}),
                        Detail::Says("The parameter 'model' is not permitted"),
                    ),
                };
                (full(&id, url, body), refused(detail), 0)
            }
            22 => {
                let not_found = Want::Failed { code: "http_404", class: "http_404", detail: Detail::Says("Not Found") };
                match (paths, round % 3) {
                    (Paths::Mlflow, r) if r % 2 == 0 => {
                        (full(&id, "/endpoints/no-such-route/invocations", json!({"messages": msgs})), not_found, 0)
                    }
                    (Paths::Mlflow, _) => {
                        (full(&id, "/gateway/no-such-route/invocations", json!({"messages": msgs})), not_found, 0)
                    }
                    // MLflow 3.17.2 answers an unknown `model` on /v1/* with a bare 500 (an
                    // MlflowException it does not map), so gwctl retries it and records http_500.
                    (Paths::OpenAi, 0) => {
                        let body = json!({"model": "no-such-route", "messages": msgs});
                        let want = Want::Failed {
                            code: "http_500",
                            class: "5xx",
                            detail: Detail::Plain("Internal Server Error"),
                        };
                        (full(&id, chat, body), want, 0)
                    }
                    // A route of another kind: 400.
                    (Paths::OpenAi, 1) => {
                        let body = json!({"model": "chat", "prompt": m});
                        let want = Want::Failed {
                            code: "http_400",
                            class: "http_400",
                            detail: Detail::Says("Endpoint 'chat' is not a completions endpoint"),
                        };
                        (full(&id, completions, body), want, 0)
                    }
                    (Paths::OpenAi, _) => {
                        (full(&id, "/v1/no-such-route", json!({"model": "chat", "messages": msgs})), not_found, 0)
                    }
                }
            }
            23 if round % 4 == 0 => {
                // Streamed completions: MLflow 3.17.2 breaks the body off after its 200 (a known
                // MLflow bug): a stream error, retried, never a success.
                let body = with_model("completions", json!({"prompt": m, "stream": true}));
                let want =
                    Want::Failed { code: "stream_error", class: "stream", detail: Detail::NoResponse("broke off") };
                (full(&id, completions, body), want, 3)
            }
            23 => {
                let body = with_model("chat", json!({"messages": msgs, "stream": true}));
                (full(&id, chat, body), Want::Streamed, 1)
            }
            _ if i == 24 => {
                // No custom_id: the line number is its id.
                id = (i + 1).to_string();
                (json!({"url": chat, "body": chat_body}), Want::Chat(format!("echo: {m}")), 1)
            }
            _ => (full(&id, chat, chat_body), Want::Chat(format!("echo: {m}")), 1),
        };
        lines.push(Line { id, json: line.to_string(), marker: m, want, upstream });
    }
    lines
}

/// What the fake provider behind MLflow received: how many requests carried each marker (a
/// chat message, a prompt, or the first embeddings input).
fn upstream_markers(stack: &Stack) -> std::collections::HashMap<String, usize> {
    let mut seen = std::collections::HashMap::new();
    let log = std::fs::read_to_string(stack.dir.path().join("fake-requests.jsonl")).unwrap_or_default();
    for l in log.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        if v["method"] != "POST" {
            continue;
        }
        let b = &v["body"];
        let mut found: Vec<&str> = Vec::new();
        if let Some(ms) = b["messages"].as_array() {
            found.extend(ms.iter().filter_map(|m| m["content"].as_str()));
        }
        found.extend(b["prompt"].as_str());
        found.extend(b["input"].as_str().or_else(|| b["input"][0].as_str()));
        for f in found {
            *seen.entry(f.to_string()).or_insert(0) += 1;
        }
    }
    seen
}

/// Checks one record of the output (or errors) file against its line.
fn check_record(line: &Line, rec: &Value) {
    let ctx = format!("{}: {rec}", line.id);
    assert!(rec["id"].as_str().is_some_and(|s| s.starts_with("batch_req_")), "{ctx}");
    let body = &rec["response"]["body"];
    match &line.want {
        Want::Failed { code, detail, .. } => {
            assert_eq!(rec["error"]["code"], *code, "{ctx}");
            assert!(rec["error"]["message"].as_str().is_some_and(|m| !m.is_empty() && !m.contains('\n')), "{ctx}");
            if let Some(status) = code.strip_prefix("http_") {
                assert_eq!(rec["response"]["status_code"].to_string(), status, "{ctx}");
            }
            match detail {
                Detail::Loc(field) => {
                    let d = &body["detail"][0];
                    assert_eq!(d["loc"], serde_json::json!(["body", field]), "{ctx}");
                }
                Detail::Says(s) => assert!(body["detail"].as_str().is_some_and(|d| d.contains(s)), "{ctx}"),
                Detail::Plain(s) => assert_eq!(body, s, "{ctx}"),
                Detail::NoResponse(s) => {
                    assert!(rec["response"].is_null(), "{ctx}");
                    assert!(rec["error"]["message"].as_str().is_some_and(|m| m.contains(s)), "{ctx}");
                }
            }
        }
        ok => {
            assert!(rec["error"].is_null(), "{ctx}");
            assert_eq!(rec["response"]["status_code"], 200, "{ctx}");
            match ok {
                Want::Chat(c) => assert_eq!(body["choices"][0]["message"]["content"], *c, "{ctx}"),
                Want::Text(t) => assert_eq!(body["choices"][0]["text"], *t, "{ctx}"),
                Want::Embedding(e) => {
                    let got: Vec<f64> = body["data"]
                        .as_array()
                        .unwrap_or_else(|| panic!("{ctx}"))
                        .iter()
                        .map(|d| d["embedding"][1].as_f64().unwrap())
                        .collect();
                    assert_eq!(&got, e, "{ctx}");
                }
                Want::Streamed => {
                    assert_eq!(body["object"], "chat.completion", "{ctx}");
                    assert_eq!(body["choices"][0]["message"]["content"], "Hello world", "{ctx}");
                }
                Want::Failed { .. } => unreachable!(),
            }
        }
    }
}

/// Runs 500 mixed lines through nginx (Basic, the profile `profile`) and the MLflow gateway,
/// with `--route chat` for the short lines, and checks the output, the summary and what reached
/// the provider. `errors`: failed lines to a separate `--errors` file.
fn run_batch(stack: &Stack, sb: &Sandbox, env: &[(&str, &str)], profile: &str, paths: Paths, errors: bool) {
    let lines = batch_lines(paths, 500);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = d.join("in.jsonl");
    std::fs::write(&input, lines.iter().map(|l| format!("{}\n", l.json)).collect::<String>()).unwrap();
    let mut c = sb.cmd();
    c.envs(env.iter().copied()).args(["invoke", "batch"]).arg(&input).arg("-o").arg(d.join("out.jsonl"));
    c.args(["--profile", profile, "--route", "chat", "--concurrency", "16", "--max-attempts", "3"]);
    c.arg("--summary-json").arg(d.join("summary.json"));
    if paths == Paths::OpenAi {
        c.args(["--style", "openai"]);
    }
    if errors {
        c.arg("--errors").arg(d.join("errors.jsonl"));
    }
    let (code, out, err) = run(c);
    assert_eq!(code, 12, "[{paths:?}] some lines failed: exit 12 (BatchPartial)\n{err}");
    assert!(out.is_empty(), "results go to -o, not stdout: {out}");

    // Every custom_id exactly once, in the file it belongs in, and its record matches its line.
    let mut records: std::collections::HashMap<String, (Value, &str)> = std::collections::HashMap::new();
    let mut record_ids = std::collections::HashSet::new();
    let files: &[&str] = if errors { &["out.jsonl", "errors.jsonl"] } else { &["out.jsonl"] };
    for f in files {
        let text = std::fs::read_to_string(d.join(f)).unwrap();
        for l in text.lines() {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{f}: {e}: {l}"));
            let id = v["custom_id"].as_str().unwrap_or_else(|| panic!("{f}: no custom_id: {l}")).to_string();
            assert!(record_ids.insert(v["id"].as_str().unwrap_or_default().to_string()), "record id repeated: {l}");
            assert!(records.insert(id.clone(), (v, f)).is_none(), "custom_id {id} written twice");
        }
    }
    assert_eq!(records.len(), lines.len(), "one record per line");
    let upstream = upstream_markers(stack);
    let mut want_classes = std::collections::BTreeMap::<String, u64>::new();
    let (mut ok, mut retried_lines, mut prompt_tokens, mut completion_tokens) = (0u64, 0u64, 0u64, 0u64);
    for line in &lines {
        let (rec, file) = records.get(&line.id).unwrap_or_else(|| panic!("{} is missing from the output", line.id));
        check_record(line, rec);
        match &line.want {
            Want::Failed { code, class, .. } => {
                *want_classes.entry(class.to_string()).or_default() += 1;
                if *code == "stream_error" || code.starts_with("http_5") {
                    retried_lines += 1;
                }
                if errors {
                    assert_eq!(*file, "errors.jsonl", "{}: a failed line goes to --errors", line.id);
                }
            }
            want => {
                ok += 1;
                assert_eq!(*file, "out.jsonl", "{}", line.id);
                // Usage from each non-streamed answer (the collected stream has none here).
                if !matches!(want, Want::Streamed) {
                    prompt_tokens += 1;
                }
                if matches!(want, Want::Chat(_) | Want::Text(_)) {
                    completion_tokens += 1;
                }
            }
        }
        // Each successful line reached the provider once (no duplicate sends); refused lines
        // never left MLflow.
        assert_eq!(upstream.get(&line.marker).copied().unwrap_or(0), line.upstream, "{}: provider saw it", line.id);
    }
    let failed = lines.len() as u64 - ok;
    assert!(
        want_classes.contains_key("http_422") && want_classes.contains_key("stream") && failed > 50 && ok > 400,
        "{want_classes:?}"
    );

    // The summary agrees.
    let s: Value = serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        (s["done"].as_u64(), s["ok"].as_u64(), s["failed"].as_u64()),
        (Some(500), Some(ok), Some(failed)),
        "[{paths:?}] {s}"
    );
    assert_eq!(s["failed_by_class"], serde_json::to_value(&want_classes).unwrap(), "[{paths:?}] {s}");
    assert_eq!(s["retries"].as_u64(), Some(retried_lines * 2), "[{paths:?}] {s}");
    assert_eq!(s["attempts"].as_u64(), Some(500 + retried_lines * 2), "[{paths:?}] {s}");
    assert_eq!((s["rate_limited"].as_u64(), s["interrupted"].as_bool()), (Some(0), Some(false)), "[{paths:?}] {s}");
    assert_eq!((s["skipped_done"].as_u64(), s["not_done"].as_u64()), (Some(0), Some(0)), "[{paths:?}] {s}");
    assert_eq!((s["plan"]["lines"].as_u64(), s["plan"]["to_send"].as_u64()), (Some(500), Some(500)), "[{paths:?}] {s}");
    assert_eq!(
        (s["prompt_tokens"].as_u64(), s["completion_tokens"].as_u64()),
        (Some(prompt_tokens), Some(completion_tokens)),
        "[{paths:?}] {s}"
    );
    assert!(err.starts_with(&format!("500 line(s) done: {ok} ok, {failed} failed (")), "{err}");
    // The 5xx and stream failures are retryable: the summary says how to finish.
    assert!(err.contains("run the same command again"), "{err}");
}

/// Two runs of 500 mixed lines on one stack (one MLflow gateway start, not two): MLflow's own
/// paths with the password in gwctl's encrypted file store, then the OpenAI-compatible paths
/// with it in an environment variable and failed lines in `--errors`; then a wrong password.
#[test]
fn batch_of_500_mixed_lines_through_nginx_basic_to_mlflow() {
    let Some(python) = common::venv_python() else { return };
    let Some(stack) = start(&python, "bob", "batch-pass-456") else { return };
    let sb = Sandbox::new();

    // 1. /endpoints/{name}/invocations; the password in the file store.
    let pass = [("GWCTL_FILE_PASSPHRASE", "file-store-passphrase")];
    let mut c = sb.cmd();
    c.envs(pass).args([
        "profile",
        "add",
        "ml",
        "--auth",
        "basic",
        "--username",
        "bob",
        "--store",
        "file",
        "--secret-stdin",
    ]);
    c.args(["--url", &stack.nginx_url, "--gateway", "mlflow"]);
    let (code, _, err) = common::run_with_stdin(c, b"batch-pass-456");
    assert_eq!(code, 0, "{err}");
    run_batch(&stack, &sb, &pass, "ml", Paths::Mlflow, false);

    // 2. /v1/… with "model"; the password in an environment variable; failures to --errors.
    let mut c = sb.cmd();
    c.args(["profile", "add", "oa", "--auth", "basic", "--username", "bob", "--store", "env:OA_PW"]);
    c.args(["--url", &stack.nginx_url, "--gateway", "mlflow"]);
    assert_eq!(run(c).0, 0);
    run_batch(&stack, &sb, &[("OA_PW", "batch-pass-456")], "oa", Paths::OpenAi, true);

    // 3. The wrong password: nginx refuses every line (401), the run says so, and the password
    // is written nowhere.
    let mut c = sb.cmd();
    c.args(["profile", "add", "ml-bad", "--auth", "basic", "--username", "bob", "--store", "env:BAD_PW"]);
    c.args(["--url", &stack.nginx_url, "--gateway", "mlflow"]);
    assert_eq!(run(c).0, 0);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, "{\"custom_id\":\"w1\",\"prompt\":\"m-w1\"}\n{\"custom_id\":\"w2\",\"prompt\":\"m-w2\"}\n")
        .unwrap();
    let out = dir.path().join("out.jsonl");
    let mut c = sb.cmd();
    c.env("BAD_PW", "not-the-password-789").args(["invoke", "batch"]).arg(&input).arg("-o").arg(&out);
    c.args(["--profile", "ml-bad", "--route", "chat"]);
    let (code, stdout, err) = run(c);
    assert_eq!(code, 12, "{err}");
    assert!(err.starts_with("2 line(s) done: 0 ok, 2 failed (http_401: 2)"), "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), 2, "{text}");
    for l in text.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(
            (v["error"]["code"].as_str(), v["response"]["status_code"].as_u64()),
            (Some("http_401"), Some(401)),
            "{l}"
        );
    }
    for s in [&text, &stdout, &err] {
        assert!(!s.contains("not-the-password-789"), "the password leaked: {s}");
    }
    let upstream = upstream_markers(&stack);
    assert!(!upstream.contains_key("m-w1") && !upstream.contains_key("m-w2"));
}
