#![allow(clippy::type_complexity)]
//! Issue 12: hostile input and hostile servers. One test per item, named after what it
//! protects, run against the real binary. The malicious servers are written here (std
//! `TcpListener`, one thread per connection, loopback only); memory bounds are shown by running
//! gwctl under an address-space limit (`ulimit -v`), not by timing.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Sandbox, run, run_with_stdin};

// ---------------------------------------------------------------------------------------------
// A malicious server.

/// A request as the server read it.
#[derive(Clone, Debug)]
struct Req {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Req, &mut TcpStream) + Send + Sync;

struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Req>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Serves every connection with `handler` (after reading the request head and a
    /// `Content-Length` body), one request per connection.
    fn start(handler: impl Fn(&Req, &mut TcpStream) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<Req>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (seen2, stop2) = (seen.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut conn) = conn else { continue };
                let (handler, seen) = (handler.clone(), seen2.clone());
                std::thread::spawn(move || {
                    let _ = conn.set_read_timeout(Some(Duration::from_secs(30)));
                    if let Some(req) = read_request(&mut conn) {
                        seen.lock().unwrap().push(req.clone());
                        handler(&req, &mut conn);
                    }
                });
            }
        });
        Server { port, seen, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<Req> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn read_request(conn: &mut TcpStream) -> Option<Req> {
    let mut r = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    r.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    r.read_exact(&mut body).ok()?;
    Some(Req { method, path, headers, body })
}

fn respond(conn: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body);
}

/// Writes `total` bytes made of `piece` repeated (the last one cut), stopping when the client
/// goes away.
fn write_repeated(conn: &mut TcpStream, piece: &[u8], total: u64) {
    let block: Vec<u8> = piece.iter().copied().cycle().take((1 << 20) / piece.len() * piece.len()).collect();
    let mut left = total;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        if conn.write_all(&block[..n]).is_err() {
            return;
        }
        left -= n as u64;
    }
}

fn stream_head(conn: &mut TcpStream, status: &str, content_type: &str, len: Option<u64>) {
    let len = len.map(|n| format!("Content-Length: {n}\r\n")).unwrap_or_default();
    let _ = conn.write_all(
        format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{len}Connection: close\r\n\r\n").as_bytes(),
    );
}

// ---------------------------------------------------------------------------------------------
// Running gwctl.

const TOKEN: &str = "tok-sEcReT-4242";

fn gw(sb: &Sandbox, args: &[&str]) -> Command {
    let mut c = sb.cmd();
    c.env("GWCTL_TOKEN", TOKEN).args(args);
    c
}

/// gwctl under an address-space limit (KiB) with few malloc arenas, so that the limit measures
/// what gwctl holds, not what glibc reserves per thread.
fn limited(sb: &Sandbox, kib: u64, args: &[&str]) -> Command {
    let inner = gw(sb, args);
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(inner.get_program())
        .args(inner.get_args())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
        .env("MALLOC_ARENA_MAX", "2");
    c
}

/// Runs `cmd`, counting (not keeping) its standard output; returns (code, stdout bytes,
/// stdout's first KiB, stderr, seconds).
fn run_counting(mut cmd: Command) -> (i32, u64, Vec<u8>, String, f64) {
    let start = Instant::now();
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut err = child.stderr.take().unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.by_ref().take(1 << 20).read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let mut out = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 1 << 16];
    let (mut n, mut head) = (0u64, Vec::new());
    loop {
        let k = out.read(&mut buf).unwrap();
        if k == 0 {
            break;
        }
        if head.len() < 1024 {
            head.extend_from_slice(&buf[..k.min(1024 - head.len())]);
        }
        n += k as u64;
    }
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), n, head, err_reader.join().unwrap(), start.elapsed().as_secs_f64())
}

/// One line on stderr, no panic, no control characters.
fn assert_one_clean_line(err: &str, what: &str) {
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{what}: a panic: {err}");
    let t = err.trim_end_matches('\n');
    assert_eq!(t.lines().count(), 1, "{what}: one line expected: {err:?}");
    assert!(!t.chars().any(char::is_control), "{what}: control characters on stderr: {err:?}");
}

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;
/// The address-space limit for gwctl in the memory tests: far below what holding any of the
/// hostile bodies would take, comfortably above what a bounded gwctl needs.
const LIMIT_KIB: u64 = 640 * 1024;

// ---------------------------------------------------------------------------------------------
// Item 1: float flags.

#[test]
fn item01_infinite_or_huge_timeouts_are_one_line_errors_not_panics() {
    let sb = Sandbox::new();
    for flags in [
        &["--timeout", "inf"][..],
        &["--timeout", "1e300"],
        &["--timeout", "NaN"],
        &["--timeout=-1"],
        &["--connect-timeout", "inf"],
        &["--idle-timeout", "1e300"],
    ] {
        let mut args = vec!["invoke", "endpoint", "http://127.0.0.1:9/x", "--auth", "bearer"];
        args.extend_from_slice(flags);
        let (code, out, err) = run(gw(&sb, &args));
        assert_eq!(code, 3, "{flags:?}: a refused value is invalid input: {err}");
        assert!(out.is_empty());
        assert_one_clean_line(&err, &format!("{flags:?}"));
        let mut args = vec!["routes", "list", "--url", "http://127.0.0.1:9", "--auth", "bearer"];
        args.extend_from_slice(flags);
        let (code, _, err) = run(gw(&sb, &args));
        assert_eq!(code, 3, "routes {flags:?}: {err}");
        assert_one_clean_line(&err, &format!("routes {flags:?}"));
    }
}

/// A SigV4 profile "aws" (the AWS example key) in the kernel keyring, for the IAM cases.
fn add_aws_profile(sb: &Sandbox) {
    let args = [
        "profile",
        "add",
        "aws",
        "--auth",
        "sigv4",
        "--access-key-id",
        "AKIDEXAMPLE",
        "--region",
        "us-east-1",
        "--service",
        "execute-api",
        "--store",
        "keyutils",
        "--secret-stdin",
    ];
    let (code, _, err) = run_with_stdin(gw(sb, &args), b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    assert_eq!(code, 0, "{err}");
}

// ---------------------------------------------------------------------------------------------
// Item 2: --verify-timeout overflow, refused before anything is created.

#[test]
fn item02_huge_verify_timeout_is_refused_before_any_key_is_created() {
    let iam = Server::start(|_, conn| respond(conn, "500 Internal Server Error", "text/plain", b"no"));
    let sb = Sandbox::new();
    add_aws_profile(&sb);
    for huge in ["18446744073709551615", "18446744073709551615s", "999999999999d", "1e300"] {
        let (code, _, err) = run(gw(
            &sb,
            &[
                "keys",
                "rotate",
                "--profile",
                "aws",
                "--yes",
                "--verify-timeout",
                huge,
                "--iam-endpoint",
                &iam.url("/"),
                "--sts-endpoint",
                &iam.url("/"),
            ],
        ));
        assert_eq!(code, 3, "{huge}: {err}");
        assert_one_clean_line(&err, huge);
    }
    assert!(iam.requests().is_empty(), "nothing was asked of IAM: {:?}", iam.requests());
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(!config.contains("rotation"), "no rotation recorded: {config}");
}

// ---------------------------------------------------------------------------------------------
// Item 6: memory bounded on hostile bodies.

#[test]
fn item06_sse_data_lines_without_a_blank_line_are_refused_in_bounded_memory() {
    let srv = Server::start(|_, conn| {
        stream_head(conn, "200 OK", "text/event-stream", None);
        write_repeated(conn, b"data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n", GIB);
    });
    let sb = Sandbox::new();
    let (code, n, _, err, secs) = run_counting(limited(
        &sb,
        LIMIT_KIB,
        &["invoke", "endpoint", &srv.url("/s"), "--auth", "bearer", "--stream", "-d", "{}"],
    ));
    assert_eq!(code, 8, "{err}");
    assert_one_clean_line(&err, "sse no blank line");
    assert!(err.contains("MiB") || err.contains("larger") || err.contains("limit"), "{err}");
    eprintln!("1 GiB of data lines with no event end: exit 8 after {secs:.1} s, {n} bytes out, under {LIMIT_KIB} KiB");
}

#[test]
fn item06_an_sse_line_without_a_newline_is_refused_in_bounded_memory() {
    let srv = Server::start(|_, conn| {
        stream_head(conn, "200 OK", "text/event-stream", None);
        let _ = conn.write_all(b"data: ");
        write_repeated(conn, b"x", GIB);
    });
    let sb = Sandbox::new();
    for raw in [false, true] {
        let url = srv.url("/s");
        let mut args = vec!["invoke", "endpoint", url.as_str(), "--auth", "bearer", "--stream", "-d", "{}"];
        if raw {
            args.push("--raw");
        }
        let (code, _, _, err, _) = run_counting(limited(&sb, LIMIT_KIB, &args));
        assert_eq!(code, 8, "raw={raw}: {err}");
        assert_one_clean_line(&err, "sse no newline");
    }
}

#[test]
fn item06_a_2gib_plain_body_is_streamed_to_stdout_in_bounded_memory() {
    let srv = Server::start(|_, conn| {
        stream_head(conn, "200 OK", "application/octet-stream", Some(2 * GIB));
        write_repeated(conn, b"0123456789abcdef", 2 * GIB);
    });
    let sb = Sandbox::new();
    let (code, n, head, err, secs) = run_counting(limited(
        &sb,
        LIMIT_KIB,
        &["invoke", "endpoint", &srv.url("/big"), "--auth", "bearer", "--format", "raw"],
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(n, 2 * GIB, "every byte reached stdout");
    assert!(head.starts_with(b"0123456789abcdef0123"));
    eprintln!("2 GiB body streamed to stdout in {secs:.1} s under {LIMIT_KIB} KiB");
}

#[test]
fn item06_a_500mib_4xx_body_is_printed_and_exits_9_in_bounded_memory() {
    let srv = Server::start(|_, conn| {
        stream_head(conn, "400 Bad Request", "text/plain", Some(500 * MIB));
        write_repeated(conn, b"bad request ", 500 * MIB);
    });
    let sb = Sandbox::new();
    let (code, n, head, err, _) = run_counting(limited(
        &sb,
        LIMIT_KIB,
        &["invoke", "endpoint", &srv.url("/bad"), "--auth", "bearer", "-d", "{}"],
    ));
    assert_eq!(code, 9, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(n > 0 && head.starts_with(b"bad request"), "the body is printed ({n} bytes)");
    let line = err.trim_end();
    assert!(!line.is_empty() && !line.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    assert!(line.len() < 64 * 1024, "the message quotes a bounded part of the body ({} bytes)", line.len());
}

#[test]
fn item06_routes_list_refuses_a_1gib_answer_in_bounded_memory() {
    let srv = Server::start(|_, conn| {
        stream_head(conn, "200 OK", "application/json", Some(GIB));
        let _ = conn.write_all(b"{\"endpoints\":[");
        write_repeated(conn, b"{\"name\":\"chat\",\"endpoint_type\":\"llm/v1/chat\"},", GIB - 14);
    });
    let sb = Sandbox::new();
    let (code, _, _, err, _) = run_counting(limited(
        &sb,
        LIMIT_KIB,
        &["routes", "list", "--url", &srv.url(""), "--gateway", "mlflow", "--auth", "bearer"],
    ));
    assert_ne!(code, 0, "{err}");
    assert_one_clean_line(&err, "routes list 1 GiB");
    assert!(err.contains("larger than"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Item 7: files read whole have size limits.

#[test]
fn item07_dev_zero_as_a_key_input_or_config_is_a_size_error() {
    let srv = Server::start(|_, conn| respond(conn, "200 OK", "application/json", b"{}"));
    let sb = Sandbox::new();
    let url = srv.url("/invocations");
    let mut cases: Vec<(&str, Command)> = Vec::new();
    let mut c = limited(&sb, LIMIT_KIB, &["sign", "--auth", "jwt", "--alg", "RS256", "https://gw.example/x"]);
    c.env("GWCTL_JWT_KEY", "@/dev/zero");
    cases.push(("GWCTL_JWT_KEY=@/dev/zero", c));
    cases.push((
        "--input-json /dev/zero",
        limited(&sb, LIMIT_KIB, &["invoke", "endpoint", &url, "--auth", "bearer", "--input-json", "/dev/zero"]),
    ));
    cases.push((
        "--input-csv /dev/zero",
        limited(&sb, LIMIT_KIB, &["invoke", "endpoint", &url, "--auth", "bearer", "--input-csv", "/dev/zero"]),
    ));
    cases.push((
        "--key-file /dev/zero",
        limited(
            &sb,
            LIMIT_KIB,
            &[
                "profile",
                "add",
                "j",
                "--auth",
                "jwt",
                "--alg",
                "RS256",
                "--store",
                "keyutils",
                "--key-file",
                "/dev/zero",
            ],
        ),
    ));
    for (what, cmd) in cases {
        let start = Instant::now();
        let (code, _, _, err, _) = run_counting(cmd);
        assert!(code != 0 && code != 1, "{what}: exit {code}: {err}");
        assert_one_clean_line(&err, what);
        assert!(
            err.contains("larger") || err.contains("too large") || err.contains("limit") || err.contains("MiB"),
            "{what}: the error says it is too large: {err}"
        );
        assert!(start.elapsed() < Duration::from_secs(30), "{what}");
    }
    assert!(srv.requests().is_empty());
}

// ---------------------------------------------------------------------------------------------
// Item 8: every wait bounded; the header timeout does not cut a healthy stream.

#[test]
fn item08_a_server_that_never_answers_times_out() {
    let srv = Server::start(|_, _conn| std::thread::sleep(Duration::from_secs(120)));
    let sb = Sandbox::new();
    for args in [
        vec!["invoke", "endpoint", "URL/invocations", "--auth", "bearer", "-d", "{}", "--timeout", "1"],
        vec!["invoke", "endpoint", "URL/invocations", "--auth", "bearer", "--timeout", "1"],
        vec!["routes", "list", "--url", "URL", "--gateway", "mlflow", "--auth", "bearer", "--timeout", "1"],
        vec!["invoke", "route", "chat", "--prompt", "hi", "--url", "URL", "--auth", "bearer", "--timeout", "1"],
    ] {
        let url = srv.url("");
        let args: Vec<String> = args.iter().map(|a| a.replace("URL", &url)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let start = Instant::now();
        let (code, _, err) = run(gw(&sb, &args));
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(code, 8, "{args:?}: {err}");
        assert_one_clean_line(&err, "never answers");
        assert!(secs < 20.0, "{args:?}: took {secs:.1} s");
    }
}

#[test]
fn item08_a_stalled_stream_hits_the_idle_timeout() {
    let srv = Server::start(|_, conn| {
        stream_head(conn, "200 OK", "text/event-stream", None);
        let _ = conn.write_all(b"data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n");
        std::thread::sleep(Duration::from_secs(60));
    });
    let sb = Sandbox::new();
    let start = Instant::now();
    let (code, out, err) = run(gw(
        &sb,
        &["invoke", "endpoint", &srv.url("/s"), "--auth", "bearer", "--stream", "-d", "{}", "--idle-timeout", "1"],
    ));
    assert_eq!(code, 8, "{err}");
    assert!(out.starts_with("Hel"), "{out:?}");
    assert_one_clean_line(&err, "stalled stream");
    assert!(start.elapsed() < Duration::from_secs(15), "{:?}", start.elapsed());
}

#[test]
fn item08_the_header_timeout_does_not_cut_a_healthy_stream() {
    let srv = Server::start(|_, conn| {
        stream_head(conn, "200 OK", "text/event-stream", None);
        for i in 0..4 {
            let _ = conn
                .write_all(format!("data: {{\"choices\":[{{\"delta\":{{\"content\":\"e{i} \"}}}}]}}\n\n").as_bytes());
            let _ = conn.flush();
            std::thread::sleep(Duration::from_secs(1));
        }
        let _ = conn.write_all(b"data: [DONE]\n\n");
    });
    let sb = Sandbox::new();
    let start = Instant::now();
    let (code, out, err) = run(gw(
        &sb,
        &["invoke", "endpoint", &srv.url("/s"), "--auth", "bearer", "--stream", "-d", "{}", "--timeout", "2"],
    ));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim_end(), "e0 e1 e2 e3", "{out:?}");
    assert!(start.elapsed() >= Duration::from_secs(4), "the stream ran past --timeout");
}

// ---------------------------------------------------------------------------------------------
// Item 9: bodies from pipes are read once.

#[test]
fn item09_a_body_from_a_pipe_is_read_once_and_sent() {
    let srv = Server::start(|_, conn| respond(conn, "200 OK", "application/json", b"{\"ok\":true}"));
    let sb = Sandbox::new();
    let url = srv.url("/invocations");
    for auth in ["bearer", "sigv4"] {
        let mut c = gw(&sb, &["invoke", "endpoint", &url, "--auth", auth, "-d", "@/dev/stdin"]);
        c.env("AWS_ACCESS_KEY_ID", common::AK)
            .env("AWS_SECRET_ACCESS_KEY", common::SK)
            .env("AWS_REGION", "us-east-1")
            .args(["--service", "execute-api"].iter().filter(|_| auth == "sigv4"));
        let (code, _, err) = run_with_stdin(c, b"{\"a\":1}");
        assert_eq!(code, 0, "{auth} @/dev/stdin: {err}");
        assert_eq!(srv.requests().last().unwrap().body, b"{\"a\":1}", "{auth}");
    }
    // Process substitution, through bash.
    let bin = common::gwctl_bin();
    let script = format!("'{}' invoke endpoint '{url}' --auth bearer -d @<(printf '%s' '{{\"b\":2}}')", bin.display());
    let mut c = sb.cmd();
    c.env("GWCTL_TOKEN", TOKEN);
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env_clear()
        .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let reqs = srv.requests();
    assert_eq!(reqs.last().unwrap().body, b"{\"b\":2}");
    assert_eq!(reqs.len(), 3, "one request each");
}

// ---------------------------------------------------------------------------------------------
// Item 10: redirects.

const LEAKS: [&str; 8] = [
    "authorization",
    "x-amz-security-token",
    "x-api-key",
    "referer",
    "x-amz-date",
    "x-gateway-date",
    "x-sdk-date",
    "x-sdk-content-sha256",
];

#[test]
fn item10_a_cross_origin_redirect_carries_no_credential_or_referer() {
    let elsewhere = Server::start(|_, conn| respond(conn, "200 OK", "application/json", b"{\"ok\":true}"));
    let target = elsewhere.url("/landing");
    let first = Server::start(move |_, conn| {
        let _ = conn.write_all(
            format!("HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        );
    });
    let sb = Sandbox::new();
    let url = first.url("/start?x=1");
    let aksk: &[(&str, &str)] = &[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", common::SK)];
    let schemes: [(&str, &[&str], &[(&str, &str)]); 6] = [
        (
            "sigv4",
            &["--auth", "sigv4", "--region", "us-east-1", "--service", "execute-api"],
            &[
                ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
                ("AWS_SECRET_ACCESS_KEY", common::SK),
                ("AWS_SESSION_TOKEN", "sEsSiOnToKeN"),
            ],
        ),
        ("basic", &["--auth", "basic"], &[("GWCTL_USERNAME", "alice"), ("GWCTL_PASSWORD", "pAsSwOrD")]),
        ("bearer", &["--auth", "bearer"], &[]),
        (
            "jwt",
            &["--auth", "jwt", "--alg", "HS256", "--iss", "me"],
            &[("GWCTL_JWT_KEY", "jwt-secret-0123456789abcdef0123456789")],
        ),
        ("apipark", &["--auth", "apipark"], aksk),
        ("huawei", &["--auth", "huawei"], aksk),
    ];
    for (name, flags, env) in schemes {
        let before = elsewhere.requests().len();
        let mut args = vec!["invoke", "endpoint", url.as_str(), "-H", "X-Api-Key: k-sEcReT", "-d", "{}"];
        args.extend_from_slice(flags);
        let mut c = gw(&sb, &args);
        c.envs(env.iter().copied());
        let (code, _, err) = run(c);
        assert_eq!(code, 0, "{name}: {err}");
        let reqs = elsewhere.requests();
        assert_eq!(reqs.len(), before + 1, "{name}: the redirect was followed once");
        let got = reqs.last().unwrap();
        for h in LEAKS {
            assert!(got.header(h).is_none(), "{name}: {h} reached another origin: {:?}", got.headers);
        }
        for (n, v) in &got.headers {
            for secret in ["sEsSiOnToKeN", "k-sEcReT", TOKEN, "pAsSwOrD", "jwt-secret", "eyJ"] {
                assert!(!v.contains(secret), "{name}: {n}: {v}");
            }
        }
        assert!(!err.contains("k-sEcReT") && !err.contains(TOKEN), "{err}");
    }
}

/// The same for an OAuth2 profile: the token its endpoint issued goes to the gateway's origin only.
#[test]
fn item10_an_oauth2_token_does_not_follow_a_cross_origin_redirect() {
    let elsewhere = Server::start(|_, conn| respond(conn, "200 OK", "application/json", b"{\"ok\":true}"));
    let target = elsewhere.url("/landing");
    let gateway = Server::start(move |req, conn| {
        if req.path.starts_with("/token") {
            let token = br#"{"access_token":"tok-oauth-sEcReT","token_type":"Bearer","expires_in":3600}"#;
            respond(conn, "200 OK", "application/json", token);
        } else {
            let _ = conn.write_all(
                format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nLocation: {target}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .as_bytes(),
            );
        }
    });
    let sb = Sandbox::new();
    let env = [("T_CLIENT_SECRET", "client-sEcReT-0123456789")];
    let (token_url, base) = (gateway.url("/token"), gateway.url(""));
    let mut c = gw(
        &sb,
        &["profile", "add", "o", "--auth", "oauth2", "--token-url", &token_url, "--client-id", "c", "--url", &base],
    );
    c.args(["--store", "env:T_CLIENT_SECRET", "--yes"]).envs(env);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let mut c =
        gw(&sb, &["invoke", "endpoint", &gateway.url("/start"), "-p", "o", "-H", "X-Api-Key: k-sEcReT", "-d", "{}"]);
    c.envs(env);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let first = gateway.requests().into_iter().find(|r| r.path.starts_with("/start")).expect("the gateway was called");
    assert_eq!(first.header("authorization"), Some("Bearer tok-oauth-sEcReT"), "{:?}", first.headers);
    let reqs = elsewhere.requests();
    assert_eq!(reqs.len(), 1, "the redirect was followed once");
    for h in LEAKS {
        assert!(reqs[0].header(h).is_none(), "{h} reached another origin: {:?}", reqs[0].headers);
    }
    for (n, v) in &reqs[0].headers {
        assert!(!v.contains("sEcReT"), "{n}: {v}");
    }
}

#[test]
fn item10_a_same_origin_redirect_is_signed_again_for_the_new_path() {
    let srv = Server::start(|req, conn| {
        if req.path.starts_with("/start") {
            let _ = conn.write_all(
                b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /moved/here?y=2\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        } else {
            respond(conn, "200 OK", "application/json", b"{\"ok\":true}");
        }
    });
    let sb = Sandbox::new();
    let mut c = gw(
        &sb,
        &[
            "invoke",
            "endpoint",
            &srv.url("/start?x=1"),
            "--auth",
            "sigv4",
            "--region",
            "us-east-1",
            "--service",
            "execute-api",
            "-H",
            "X-Api-Key: k1",
            "-d",
            "{\"a\":1}",
        ],
    );
    c.env("AWS_ACCESS_KEY_ID", common::AK)
        .env("AWS_SECRET_ACCESS_KEY", common::SK)
        .env("AWS_SESSION_TOKEN", "sess-token");
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let reqs = srv.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let moved = &reqs[1];
    assert_eq!(moved.path, "/moved/here?y=2");
    assert_eq!(moved.header("x-api-key"), Some("k1"), "same origin keeps the user's headers");
    assert_eq!(moved.header("x-amz-security-token"), Some("sess-token"));
    let first_auth = reqs[0].header("authorization").unwrap();
    let auth = moved.header("authorization").expect("re-signed");
    assert_ne!(auth, first_auth, "signed again, not replayed");
    // Valid for the new path: a real SigV4 verifier accepts it.
    use gwctl::signing::verify::{Identity, Received, Verifier};
    let creds = gwctl::signing::sigv4::AwsCredentials {
        access_key_id: common::AK.into(),
        secret_access_key: common::SK.to_string().into(),
        session_token: Some("sess-token".to_string().into()),
    };
    let v = Verifier::new(
        vec![Identity::SigV4 {
            name: "t".into(),
            credentials: creds,
            region: "us-east-1".into(),
            service: "execute-api".into(),
        }],
        vec![],
        true,
    )
    .unwrap();
    let (path, query) = moved.path.split_once('?').map(|(p, q)| (p, Some(q))).unwrap_or((&moved.path, None));
    let received = Received { method: &moved.method, path, query, headers: &moved.headers, body: &moved.body };
    let verdict = v.verify(&received, gwctl::signing::SigningTime::now());
    assert!(verdict.is_ok(), "the redirected request verifies: {:?}", verdict.err());
}

// ---------------------------------------------------------------------------------------------
// Item 11: redaction before truncation.

#[test]
fn item11_a_long_password_in_a_url_never_reaches_stderr() {
    let sb = Sandbox::new();
    let secret = format!("PW{}END", "s3cr3t".repeat(41));
    assert!(secret.len() >= 250);
    for url in [
        format!("http://user:{secret}@127.0.0.1:9/x"),
        format!("http://user:{secret}@[::1/x"),
        format!("http://user:{secret}@exa mple.com/x"),
        format!("ftp://user:{secret}@127.0.0.1/x"),
        format!("http://{secret}@127.0.0.1:9/x"),
    ] {
        for args in [
            vec!["invoke", "endpoint", url.as_str(), "--auth", "bearer"],
            vec!["routes", "list", "--url", url.as_str(), "--auth", "bearer"],
            vec!["sign", "--auth", "bearer", url.as_str()],
        ] {
            let (code, out, err) = run(gw(&sb, &args));
            assert_ne!(code, 0, "{args:?}");
            for part in [&secret[..], &secret[..40], &secret[100..140], &secret[secret.len() - 40..]] {
                assert!(!err.contains(part) && !out.contains(part), "{args:?}: the password leaked: {err}");
            }
            assert_one_clean_line(&err, "userinfo");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Item 19: multi-byte characters split across reads.

#[test]
fn item19_a_character_split_across_tcp_writes_stays_intact() {
    let srv = Server::start(|req, conn| {
        stream_head(conn, "200 OK", "text/event-stream", None);
        let event: &[u8] = if req.path.contains("json") {
            "data: {\"choices\":[{\"delta\":{\"content\":\"café\"}}]}\n\n".as_bytes()
        } else {
            "data: café\n\n".as_bytes()
        };
        let cut = event.iter().position(|&b| b == 0xc3).unwrap() + 1;
        let _ = conn.write_all(&event[..cut]);
        let _ = conn.flush();
        std::thread::sleep(Duration::from_millis(400));
        let _ = conn.write_all(&event[cut..]);
        let _ = conn.write_all(b"data: [DONE]\n\n");
    });
    let sb = Sandbox::new();
    for path in ["/json", "/text"] {
        for raw in [false, true] {
            let url = srv.url(path);
            let mut args = vec!["invoke", "endpoint", url.as_str(), "--auth", "bearer", "--stream", "-d", "{}"];
            if raw {
                args.push("--raw");
            }
            let (code, out, err) = run(gw(&sb, &args));
            assert_eq!(code, 0, "{path} raw={raw}: {err}");
            assert!(out.contains("café") && !out.contains('\u{FFFD}'), "{path} raw={raw}: {out:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Item 22: server text on stderr is sanitised.

#[test]
fn item22_control_characters_from_a_server_never_reach_stderr() {
    let evil = "bad \u{1b}[2J\u{1b}]0;pwned\u{7}\nsecond line\r\n\u{1b}[31mred\u{9b}";
    let srv = Server::start(move |req, conn| {
        let body = if req.path.contains("json") {
            serde_json::json!({"error": {"message": evil, "code": evil}, "message": evil}).to_string()
        } else if req.path.contains("aws") {
            format!("<Error><Code>Bad\nCode\u{1b}[2J</Code><Message>{}</Message></Error>", evil.replace('&', ""))
        } else {
            evil.to_string()
        };
        let ct = if req.path.contains("json") { "application/json" } else { "text/plain" };
        respond(conn, "400 Bad Request", ct, body.as_bytes());
    });
    let sb = Sandbox::new();
    for path in ["/plain", "/json", "/aws"] {
        let url = srv.url(path);
        let (code, out, err) = run(gw(&sb, &["invoke", "endpoint", &url, "--auth", "bearer", "-d", "{}"]));
        assert_eq!(code, 9, "{path}: {err}");
        if path == "/plain" {
            // The body goes to stdout as received (it is not a terminal here).
            assert_eq!(out.trim_end_matches('\n'), evil, "{path}");
        }
        let t = err.trim_end_matches('\n');
        assert!(!t.chars().any(char::is_control), "{path}: control characters on stderr: {err:?}");
        assert!(!t.contains("[2J") || !t.contains('\u{1b}'), "{path}");
        assert!(t.contains("bad") || t.contains("400"), "{path}: {err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 27: wrong codes.

#[test]
fn item27_bad_config_time_cacert_and_clap_errors_are_one_line_with_the_right_code() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.config_dir()).unwrap();
    std::fs::write(sb.config(), b"[profiles.a]\nauth = \"bearer\"\nurl = \"\xff\xfe\"\n").unwrap();
    let (code, _, err) = run(gw(&sb, &["profile", "list"]));
    assert_eq!(code, 7, "non-UTF-8 config: {err}");
    assert_one_clean_line(&err, "non-UTF-8 config");
    std::fs::remove_file(sb.config()).unwrap();

    let (code, out, err) =
        run(gw(&sb, &["sign", "--auth", "bearer", "--time=-20150830T123600Z", "https://gw.example/x"]));
    assert_eq!(code, 3, "negative year: {out}{err}");
    assert_one_clean_line(&err, "--time");
    let (code, _, err) = run(gw(
        &sb,
        &[
            "sign",
            "--auth",
            "sigv4",
            "--region",
            "us-east-1",
            "--service",
            "s3",
            "--time=-20150830T123600Z",
            "https://gw.example/x",
        ],
    ));
    assert!(code == 3 || code == 4, "{err}");

    for args in [
        &["invoke", "--nope"][..],
        &["frobnicate"],
        &["invoke", "endpoint"],
        &["sign", "--auth", "nonsense", "https://x/"],
        &["profile", "add"],
    ] {
        let (code, _, err) = run(gw(&sb, args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_one_clean_line(&err, &format!("{args:?}"));
    }
    // A value its parser refuses is invalid input (3), like any out-of-range value.
    for args in
        [&["routes", "list", "--retries", "1000"][..], &["sign", "--auth", "jwt", "--ttl", "forever", "https://x/"]]
    {
        let (code, _, err) = run(gw(&sb, args));
        assert_eq!(code, 3, "{args:?}: {err}");
        assert_one_clean_line(&err, &format!("{args:?}"));
    }
}

// ---------------------------------------------------------------------------------------------
// Item 15: profile names checked on load.

#[test]
fn item15_a_traversing_profile_name_is_refused_by_every_command() {
    let sb = Sandbox::new();
    let outside = sb.dir.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(sb.config_dir().join("secrets")).unwrap();
    let victims = [outside.join("evil.age"), outside.join("evil2.age")];
    for v in &victims {
        std::fs::write(v, "precious").unwrap();
    }
    for name in ["../../outside/evil", "../../../../tmp/evil", "a#pending"] {
        std::fs::write(
            sb.config(),
            format!(
                "default_profile = \"ok\"\n[profiles.ok]\nauth = \"bearer\"\nstore = \"env:T\"\n\n\
                 [profiles.{name:?}]\nauth = \"basic\"\nusername = \"u\"\nstore = \"file\"\n\n\
                 [profiles.\"../../outside/evil2\"]\nauth = \"bearer\"\nstore = \"file\"\n"
            ),
        )
        .unwrap();
        let cmds: Vec<Vec<&str>> = vec![
            vec!["profile", "list"],
            vec!["profile", "show", name],
            vec!["profile", "remove", name, "--yes"],
            vec!["profile", "remove", "../../outside/evil2", "--yes"],
            vec!["profile", "edit", "../../outside/evil2", "--secret-stdin"],
            vec!["profile", "use", name],
            vec!["sign", "--profile", name, "https://gw.example/x"],
            vec!["sign", "--profile", "ok", "https://gw.example/x"],
            vec!["keys", "rotate", "--profile", name, "--yes"],
            vec!["doctor"],
        ];
        for args in cmds {
            let mut c = gw(&sb, &args);
            c.env("GWCTL_FILE_PASSPHRASE", "pp").env("T", "t");
            let (code, _, err) = run_with_stdin(c, b"new-secret");
            assert_eq!(code, 7, "{name}: {args:?}: {err}");
            assert_one_clean_line(&err, &format!("{args:?}"));
        }
        for v in &victims {
            assert_eq!(std::fs::read_to_string(v).unwrap(), "precious", "{name}: {} was touched", v.display());
        }
        assert!(!std::path::Path::new("/tmp/evil.age").exists() || name != "../../../../tmp/evil");
        let entries: Vec<_> = std::fs::read_dir(&outside).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(entries.len(), 2, "nothing created outside the config dir: {entries:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Item 16: no symlink followed where gwctl creates or changes modes.

#[test]
fn item16_a_dangling_lock_symlink_is_not_followed_and_the_config_dir_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    let (code, _, err) = run(gw(&sb, &["profile", "add", "a", "--auth", "bearer", "--store", "env:T"]));
    assert_eq!(code, 0, "{err}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&sb.config_dir()), 0o700, "the config dir is owner-only");
    let lock = sb.config_dir().join(".config.toml.lock");
    if lock.exists() {
        assert_eq!(mode(&lock), 0o600, "the lock file is owner-only");
        std::fs::remove_file(&lock).unwrap();
    }
    let target = sb.dir.path().join("created-by-gwctl");
    std::os::unix::fs::symlink(&target, &lock).unwrap();
    let (code, _, err) = run(gw(&sb, &["profile", "add", "b", "--auth", "bearer", "--store", "env:T"]));
    assert!(!target.exists(), "the symlink's target was created (exit {code}: {err})");
    if code != 0 {
        assert_one_clean_line(&err, "lock symlink");
    }
    // A secrets dir that is a symlink to another directory: its target's mode is not changed.
    let sb = Sandbox::new();
    let elsewhere = sb.dir.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::create_dir_all(sb.config_dir()).unwrap();
    std::os::unix::fs::symlink(&elsewhere, sb.config_dir().join("secrets")).unwrap();
    let mut c = gw(&sb, &["profile", "add", "f", "--auth", "bearer", "--store", "file", "--secret-stdin"]);
    c.env("GWCTL_FILE_PASSPHRASE", "correct horse");
    let _ = run_with_stdin(c, b"tok");
    assert_eq!(mode(&elsewhere), 0o755, "the symlinked directory's mode was changed");
}

// ---------------------------------------------------------------------------------------------
// Item 17: comments survive.

#[test]
fn item17_hand_written_comments_survive_profile_add_and_edit() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.config_dir()).unwrap();
    std::fs::write(
        sb.config(),
        "# my gateways -- keep this note\ndefault_profile = \"dev\"\n\n\
         # dev talks to the staging gateway\n[profiles.dev]\nurl = \"http://127.0.0.1:5000\" # local tunnel\n\
         auth = \"bearer\"\nstore = \"env:TOK\"\n",
    )
    .unwrap();
    let (code, _, err) = run(gw(&sb, &["profile", "add", "prod", "--auth", "bearer", "--store", "env:PROD"]));
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(gw(&sb, &["profile", "edit", "dev", "--url", "http://127.0.0.1:5001"]));
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(sb.config()).unwrap();
    for note in ["# my gateways -- keep this note", "# dev talks to the staging gateway"] {
        assert!(text.contains(note), "{note:?} was dropped:\n{text}");
    }
    assert!(text.contains("5001") && text.contains("[profiles.prod]"), "{text}");
    let (code, out, _) = run(gw(&sb, &["profile", "list"]));
    assert_eq!(code, 0);
    assert!(out.contains("dev") && out.contains("prod"), "{out}");
}

#[test]
fn item07_scaffold_check_of_dev_zero_is_a_size_error() {
    let sb = Sandbox::new();
    let (code, _, _, err, secs) = run_counting(limited(&sb, LIMIT_KIB, &["scaffold", "check", "/dev/zero"]));
    assert_eq!(code, 3, "{err}");
    assert_one_clean_line(&err, "scaffold check /dev/zero");
    assert!(err.contains("larger than"), "{err}");
    assert!(secs < 30.0);
}

#[test]
fn item27_a_cacert_file_without_a_certificate_is_refused() {
    let sb = Sandbox::new();
    let hostname = sb.dir.path().join("hostname");
    std::fs::write(&hostname, "myhost\n").unwrap();
    for cacert in [hostname.to_str().unwrap(), "/dev/null"] {
        let (code, _, err) =
            run(gw(&sb, &["invoke", "endpoint", "https://127.0.0.1:9/x", "--auth", "bearer", "--cacert", cacert]));
        assert_eq!(code, 3, "--cacert {cacert}: {err}");
        assert_one_clean_line(&err, "--cacert");
    }
}

/// Item 27: an IAM answer that is a 200 with a body gwctl cannot read is a bad answer from the
/// network side (exit 8, one line), not a 4xx refusal (exit 9); nothing is created.
#[test]
fn item27_an_unreadable_200_from_iam_is_exit_8() {
    let iam = Server::start(|_, conn| respond(conn, "200 OK", "text/xml", b"<ListAccessKeysResponse><oops"));
    let sb = Sandbox::new();
    add_aws_profile(&sb);
    let (code, _, err) = run(gw(
        &sb,
        &[
            "keys",
            "rotate",
            "--profile",
            "aws",
            "--yes",
            "--iam-endpoint",
            &iam.url("/"),
            "--sts-endpoint",
            &iam.url("/"),
        ],
    ));
    assert_eq!(code, 8, "{err}");
    assert_one_clean_line(&err, "oops-not-a-secret");
    let (_, show, _) = run(gw(&sb, &["profile", "show", "aws"]));
    assert!(!show.contains("rotation"), "no rotation recorded: {show}");
}
