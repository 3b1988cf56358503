//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use gwctl::signing::Request;

pub const AK: &str = "AKIDEXAMPLE";
pub const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

pub fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A request parsed from a suite's `.req` / `request.txt` (HTTP/1.1 text, raw path).
pub struct SuiteRequest {
    pub request: Request,
    pub body: Vec<u8>,
}

/// Parses the test suites' request files: `METHOD PATH HTTP/1.1`, header lines (a line
/// starting with whitespace continues the previous value), a blank line, the body.
pub fn parse_request(text: &str) -> SuiteRequest {
    let text = text.replace("\r\n", "\n");
    let (head, body) = match text.split_once("\n\n") {
        Some((h, b)) => (h.to_string(), b.as_bytes().to_vec()),
        None => (text.trim_end_matches('\n').to_string(), Vec::new()),
    };
    let mut lines = head.lines();
    let first = lines.next().expect("request line");
    let first = first.strip_suffix(" HTTP/1.1").unwrap_or(first);
    let (method, target) = first.split_once(' ').expect("method and path");
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("continuation after a header");
            last.1.push('\n');
            last.1.push_str(line);
        } else if let Some((n, v)) = line.split_once(':') {
            headers.push((n.to_string(), v.to_string()));
        }
    }
    let host = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    let mut request = Request::from_parts(method, "https", &host, target);
    request.headers = headers;
    SuiteRequest { request, body }
}

/// Removes and returns the first header named `name`.
pub fn take_header(req: &mut Request, name: &str) -> Option<String> {
    let i = req.headers.iter().position(|(n, _)| n.eq_ignore_ascii_case(name))?;
    Some(req.headers.remove(i).1)
}

/// Finds a virtualenv python for the end-to-end tests. `None` (and a note) when absent,
/// unless GWCTL_REQUIRE_E2E=1 (set by scripts/test and CI), where absence is a failure.
pub fn venv_python() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("GWCTL_TEST_VENV").map(PathBuf::from),
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv")),
    ];
    for c in candidates.into_iter().flatten() {
        let py = c.join("bin/python");
        if py.exists() {
            return Some(py);
        }
    }
    if std::env::var("GWCTL_REQUIRE_E2E").as_deref() == Ok("1") {
        panic!("GWCTL_REQUIRE_E2E=1 but no test venv found: run ./scripts/test (it creates .venv)");
    }
    eprintln!("note: skipping: no test venv (run ./scripts/test to create .venv with moto and PyJWT)");
    None
}

pub fn gwctl_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gwctl"))
}

/// An isolated gwctl home: a temporary config file and HOME, and a clean environment.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        Sandbox { dir }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("cfg/config.toml")
    }

    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("cfg")
    }

    /// `gwctl` with only PATH, HOME and GWCTL_CONFIG set.
    pub fn cmd(&self) -> std::process::Command {
        let mut c = std::process::Command::new(gwctl_bin());
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path().join("home"))
            .env("GWCTL_CONFIG", self.config())
            .env("GWCTL_KEYRING_TIMEOUT", "20");
        c
    }
}

/// Runs a command with `stdin` as its standard input; returns (exit code, stdout, stderr).
///
/// A command may end without reading its input (a refused profile name, say): the write then
/// meets a closed pipe, which is not the test's failure, so `BrokenPipe` is ignored. The input is
/// written from its own thread so that a large input cannot deadlock against a full stdout pipe.
pub fn run_with_stdin(mut cmd: std::process::Command, stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || match pipe.write_all(&input) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing the child's stdin: {e}"),
        _ => {}
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub fn run(cmd: std::process::Command) -> (i32, String, String) {
    run_with_stdin(cmd, b"")
}

/// Runs gwctl with `GWCTL_FAILPOINT=step` and kills it (SIGKILL: no destructors, no cleanup)
/// as soon as it reports reaching that point. Panics if it ends some other way.
pub fn kill_at_failpoint(mut cmd: std::process::Command, step: &str) {
    use std::io::BufRead as _;
    use std::process::Stdio;
    cmd.env("GWCTL_FAILPOINT", step);
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let mut seen = String::new();
    for line in std::io::BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.contains(&format!("failpoint {step}")) {
            child.kill().unwrap();
            child.wait().unwrap();
            return;
        }
        seen.push_str(&line);
        seen.push('\n');
    }
    let status = child.wait().unwrap();
    panic!("gwctl never reached failpoint {step} ({status}):\n{seen}");
}

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A server process run in its own process group, stopped with the whole group on drop.
pub struct Daemon {
    pub child: std::process::Child,
    pub name: &'static str,
}

impl Daemon {
    pub fn spawn(name: &'static str, mut cmd: std::process::Command, log: &std::path::Path) -> Daemon {
        use std::os::unix::process::CommandExt;
        let log = std::fs::File::create(log).unwrap();
        let child = cmd
            .stdin(std::process::Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Daemon { child, name }
    }

    /// Waits until `url` answers 2xx (curl), or panics with the log after `secs`.
    pub fn wait_http(&mut self, url: &str, secs: u64, log: &std::path::Path) {
        if let Err(e) = self.try_wait_http(url, secs, log) {
            panic!("{e}");
        }
    }

    /// Waits until `url` answers 2xx (curl). Err: the process exited, or `secs` passed; the
    /// message holds the log and, for a hang, what each of its threads was waiting on.
    pub fn try_wait_http(&mut self, url: &str, secs: u64, log: &std::path::Path) -> Result<(), String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        loop {
            let ok = std::process::Command::new("curl")
                .args(["-sf", "-o", "/dev/null", "--max-time", "2", url])
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "{} exited ({status}):\n{}",
                    self.name,
                    std::fs::read_to_string(log).unwrap_or_default()
                ));
            }
            if std::time::Instant::now() > deadline {
                let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
                return Err(format!(
                    "{} did not answer {url} within {secs} s (loadavg {}); its threads:\n{}\nits log:\n{}",
                    self.name,
                    load.trim(),
                    thread_report(self.child.id()),
                    std::fs::read_to_string(log).unwrap_or_default()
                ));
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}

/// What each thread of `pid` is doing (name, state, CPU ticks, kernel wait channel) and, where
/// gdb is installed, their native stacks: enough to tell a starved start from a hung one.
fn thread_report(pid: u32) -> String {
    let mut out = String::new();
    if let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) {
        for t in tasks.flatten() {
            let p = t.path();
            let read = |f: &str| std::fs::read_to_string(p.join(f)).unwrap_or_default().trim().to_string();
            let stat = read("stat");
            // Fields after the parenthesised name: state, then utime and stime are 12th and 13th.
            let rest: Vec<&str> = stat.rsplit_once(") ").map(|(_, r)| r.split(' ').collect()).unwrap_or_default();
            let field = |i: usize| rest.get(i).copied().unwrap_or("?");
            out.push_str(&format!(
                "  tid {} {:<16} state {} utime {} stime {} wchan {}\n",
                t.file_name().to_string_lossy(),
                read("comm"),
                field(0),
                field(11),
                field(12),
                read("wchan")
            ));
        }
    }
    let gdb = std::process::Command::new("timeout")
        .args(["20", "gdb", "-batch", "-nx", "-p", &pid.to_string(), "-ex", "thread apply all bt 12"])
        .output();
    if let Ok(o) = gdb
        && o.status.success()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        let stacks: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with('#') || l.starts_with("Thread "))
            .map(|l| l.chars().take(160).collect())
            .collect();
        out.push_str(&stacks.join("\n"));
        out.push('\n');
    }
    out
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let pgid = format!("-{}", self.child.id());
        let _ = std::process::Command::new("kill").args(["-s", "TERM", "--", &pgid]).status();
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _ = std::process::Command::new("kill").args(["-s", "KILL", "--", &pgid]).status();
        let _ = self.child.wait();
    }
}

/// moto's server (a real SigV4 verifier with IAM and STS) on a free port; returns it and its
/// URL. The first three calls are not verified (they bootstrap a user); every later one is.
pub fn moto(venv_python: &std::path::Path, dir: &std::path::Path) -> (Daemon, String) {
    let port = free_port();
    let mut c = std::process::Command::new(venv_python.parent().unwrap().join("moto_server"));
    c.args(["-H", "127.0.0.1", "-p", &port.to_string()]).env("INITIAL_NO_AUTH_ACTION_COUNT", "3");
    let log = dir.join("moto.log");
    let mut d = Daemon::spawn("moto_server", c, &log);
    let url = format!("http://127.0.0.1:{port}/");
    d.wait_http(&format!("{url}moto-api/"), 90, &log);
    (d, url)
}

/// The gateway-like test server (tests/py/fake_gateway.py) on a free port.
pub fn fake_gateway(dir: &std::path::Path) -> (Daemon, u16) {
    let port = free_port();
    let mut c = std::process::Command::new("python3");
    c.arg(data_dir().join("../py/fake_gateway.py"))
        .arg(dir.join("fake-requests.jsonl"))
        .env("FAKE_PORT", port.to_string());
    let log = dir.join("fake.log");
    let mut d = Daemon::spawn("fake gateway", c, &log);
    d.wait_http(&format!("http://127.0.0.1:{port}/health"), 90, &log);
    (d, port)
}

/// What bash offers for the words, through the registered dynamic completion function.
pub fn bash_complete(sb: &Sandbox, words: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let script = format!(
        "source <(COMPLETE=bash '{bin}')\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_TYPE=9\n\
         _clap_complete_gwctl gwctl '{cur}' '{prev}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        bin = gwctl_bin().display(),
        words = quoted.join(" "),
        cword = words.len() - 1,
        cur = words[words.len() - 1],
        prev = words[words.len() - 2],
    );
    let mut c = sb.cmd();
    c.envs(env.iter().copied());
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(script)
        .env_clear()
        .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))))
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// `gwctl serve ARGS --listen 127.0.0.1:PORT` from the sandbox, with `env`; waits for /health.
pub fn serve(sb: &Sandbox, port: u16, args: &[&str], env: &[(&str, &str)], log: &std::path::Path) -> Daemon {
    let mut c = sb.cmd();
    c.arg("serve").args(["--listen", &format!("127.0.0.1:{port}")]).args(args).envs(env.iter().copied());
    let mut d = Daemon::spawn("gwctl serve", c, log);
    d.wait_http(&format!("http://127.0.0.1:{port}/health"), 90, log);
    d
}

/// gwctl in the sandbox with `env` added: exit code, stdout, stderr.
pub fn gw_env(sb: &Sandbox, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let mut c = sb.cmd();
    c.envs(env.iter().copied()).args(args);
    run(c)
}

/// A real OpenID provider (tests/js/oidc_server.mjs, npm oidc-provider) on a free port, with
/// the public keys of the `gwctl-jwt` client from `client_jwks` and the `gwctl-short` client's
/// tokens living 5 s; its token-endpoint log goes to `dir/token-requests.jsonl`. Returns the
/// daemon, its issuer URL and the log's path.
///
/// A start that does not answer within 30 s is reported (threads and stacks), stopped and
/// tried again on a new port, up to three times: on CI Node has twice sat idle in a futex
/// wait before printing its ready line, on a quiet machine, which no local run reproduced.
pub fn oidc_provider(dir: &std::path::Path, client_jwks: &std::path::Path) -> (Daemon, String, PathBuf) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let token_log = dir.join("token-requests.jsonl");
    let mut failures = Vec::new();
    for attempt in 1..=3 {
        let port = free_port();
        let mut c = std::process::Command::new("node");
        c.arg(root.join("tests/js/oidc_server.mjs"))
            .args(["--port", &port.to_string(), "--short-ttl", "5"])
            .arg("--log")
            .arg(&token_log)
            .arg("--client-jwks")
            .arg(client_jwks);
        let log = dir.join(format!("oidc-{attempt}.log"));
        let mut oidc = Daemon::spawn("oidc-provider", c, &log);
        let issuer = format!("http://127.0.0.1:{port}");
        match oidc.try_wait_http(&format!("{issuer}/.well-known/openid-configuration"), 30, &log) {
            Ok(()) => {
                for f in &failures {
                    eprintln!("note: an earlier oidc-provider start failed and was retried:\n{f}");
                }
                return (oidc, issuer, token_log);
            }
            Err(e) => failures.push(format!("attempt {attempt}: {e}")),
        }
    }
    panic!("oidc-provider did not start in three attempts:\n{}", failures.join("\n"));
}
