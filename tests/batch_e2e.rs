//! `gwctl invoke batch` end to end against a small local server (tests/py written inline):
//! SIGKILL at several points of a 2,000-line run and resume (every id exactly once, every line
//! parses), and 429 + Retry-After for a while (no failed line, fewer than N×attempts requests).

mod common;

use std::collections::HashMap;
use std::time::Duration;

const SERVER: &str = r#"
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
DELAY = float(sys.argv[1]); LIMITED = int(sys.argv[2])
count = [0]; lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        self.send_response(200); self.send_header("Content-Length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0")); body = self.rfile.read(n)
        with lock:
            count[0] += 1; c = count[0]
            open(sys.argv[3], "a").write("x\n")
        if c <= LIMITED:
            self.send_response(429); self.send_header("Retry-After", "1"); self.send_header("Content-Length", "0"); self.end_headers(); return
        time.sleep(DELAY)
        out = json.dumps({"object": "chat.completion", "echo": json.loads(body), "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode()
        self.send_response(200); self.send_header("Content-Type", "application/json"); self.send_header("Content-Length", str(len(out))); self.end_headers(); self.wfile.write(out)
ThreadingHTTPServer.daemon_threads = True
s = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[4])), H)
s.serve_forever()
"#;

fn server(dir: &std::path::Path, delay: f64, limited: u32) -> (common::Daemon, u16, std::path::PathBuf) {
    let script = dir.join("server.py");
    std::fs::write(&script, SERVER).unwrap();
    let port = common::free_port();
    let hits = dir.join("hits.log");
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(&script).arg(delay.to_string()).arg(limited.to_string()).arg(&hits).arg(port.to_string());
    let log = dir.join("server.log");
    let mut d = common::Daemon::spawn("slow server", cmd, &log);
    d.wait_http(&format!("http://127.0.0.1:{port}/health"), 90, &log);
    (d, port, hits)
}

fn input(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let p = dir.join("in.jsonl");
    let mut s = String::new();
    for i in 0..n {
        s += &format!(
            "{{\"custom_id\":\"id-{i}\",\"url\":\"/v1/chat/completions\",\"body\":{{\"messages\":[{{\"role\":\"user\",\"content\":\"q{i}\"}}]}}}}\n"
        );
    }
    std::fs::write(&p, s).unwrap();
    p
}

fn batch(sb: &common::Sandbox, port: u16, inp: &std::path::Path, out: &std::path::Path) -> std::process::Command {
    let mut c = sb.cmd();
    c.env("GWCTL_USERNAME", "u")
        .env("GWCTL_PASSWORD", "p")
        .args(["invoke", "batch"])
        .arg(inp)
        .arg("-o")
        .arg(out)
        .args(["--auth", "basic", "--url", &format!("http://127.0.0.1:{port}"), "--concurrency", "32"]);
    c
}

#[test]
fn sigkill_at_several_points_then_resume_gives_every_id_once() {
    let dir = tempfile::tempdir().unwrap();
    let (_srv, port, _) = server(dir.path(), 0.01, 0);
    let n = 2000;
    let inp = input(dir.path(), n);
    let out = dir.path().join("out.jsonl");
    let sb = common::Sandbox::new();
    for wait_ms in [150u64, 400, 700, 1000] {
        let mut child = batch(&sb, port, &inp, &out).stderr(std::process::Stdio::null()).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        unsafe { libc_kill(child.id() as i32, 9) };
        let _ = child.wait();
    }
    let (code, _, err) = common::run(batch(&sb, port, &inp, &out));
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    let mut seen: HashMap<String, u32> = HashMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(v["response"]["status_code"], 200, "{line}");
        *seen.entry(v["custom_id"].as_str().unwrap().to_string()).or_default() += 1;
    }
    assert_eq!(seen.len(), n);
    assert!(seen.values().all(|&c| c == 1));
}

#[test]
fn retry_after_429_for_a_while_finishes_without_failures() {
    let dir = tempfile::tempdir().unwrap();
    let limited = 40;
    let (_srv, port, hits) = server(dir.path(), 0.0, limited);
    let n = 200;
    let inp = input(dir.path(), n);
    let out = dir.path().join("out.jsonl");
    let sb = common::Sandbox::new();
    let mut cmd = batch(&sb, port, &inp, &out);
    cmd.args(["--max-attempts", "5"]);
    let (code, _, err) = common::run(cmd);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), n);
    assert!(text.lines().all(|l| l.contains("\"error\":null")));
    let requests = std::fs::read_to_string(&hits).unwrap().lines().count();
    assert!(requests < n * 5, "{requests} requests");
    assert_eq!(requests, n + limited as usize, "each 429 costs one extra request");
}

unsafe extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}
