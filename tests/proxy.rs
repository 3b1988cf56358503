//! `--proxy` and `--noproxy` (and the environment's proxy variables) through a real forward
//! proxy, tinyproxy (Debian's package), in front of `gwctl serve`:
//!
//! - a SigV4 call through the proxy is verified by serve (the signature covers the gateway's
//!   host, not the proxy's), and the proxy's log shows it passed through;
//! - an OAuth2 profile's token fetch takes the same proxy (`gwctl token --proxy`, and inside
//!   `invoke`): the token transport gets the command's network settings;
//! - `--noproxy` sends a host around a dead proxy, `--noproxy '*'` ignores `HTTP_PROXY`, a dead
//!   proxy is a network error (exit 8) and a proxy URL gwctl cannot use is refused (exit 3),
//!   each as one line.

mod common;

use common::{Daemon, Sandbox, free_port, gw_env as gw, run, serve};

const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const OAUTH2_SECRET: &str = "proxy-test-client-secret";

/// tinyproxy on a free loopback port, in the foreground, logging each request. Returns the
/// daemon, its URL and its log file.
fn tinyproxy(sb: &Sandbox) -> Option<(Daemon, String, std::path::PathBuf)> {
    let bin = ["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"].into_iter().find(|p| std::path::Path::new(p).exists())?;
    let port = free_port();
    let dir = sb.dir.path();
    let log = dir.join("tinyproxy.log");
    let conf = dir.join("tinyproxy.conf");
    std::fs::write(
        &conf,
        format!(
            "Port {port}\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 30\nMaxClients 20\nLogLevel Info\n\
             LogFile \"{}\"\nDisableViaHeader Yes\n",
            log.display()
        ),
    )
    .unwrap();
    let mut c = std::process::Command::new(bin);
    c.arg("-d").arg("-c").arg(&conf);
    let mut d = Daemon::spawn("tinyproxy", c, &dir.join("tinyproxy.out"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            d.child.try_wait().unwrap().is_none(),
            "tinyproxy exited: {}",
            common::read(&dir.join("tinyproxy.out"))
        );
        assert!(std::time::Instant::now() < deadline, "tinyproxy did not listen on {port}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    Some((d, format!("http://127.0.0.1:{port}"), log))
}

/// What tinyproxy logged so far (it writes each line as it happens).
fn proxied(log: &std::path::Path) -> String {
    std::fs::read_to_string(log).unwrap_or_default()
}

#[test]
fn calls_and_token_fetches_go_through_the_proxy_and_noproxy_goes_around_it() {
    let sb = Sandbox::new();
    let Some((_proxy, proxy_url, proxy_log)) = tinyproxy(&sb) else {
        assert!(std::env::var_os("CI").is_none(), "tinyproxy is missing (.ci/run installs it)");
        eprintln!("skipped: tinyproxy is not installed (apt-get install tinyproxy)");
        return;
    };
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [("T_SK", SK), ("T_OAUTH2", OAUTH2_SECRET)];
    let mut c = sb.cmd();
    c.args(["profile", "add", "sig", "--auth", "sigv4", "--access-key-id", "AKIDEXAMPLE", "--region", "us-east-1"])
        .args(["--service", "execute-api", "--store", "env:T_SK", "--url", &base, "--gateway", "mlflow", "--yes"]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let mut c = sb.cmd();
    c.args(["profile", "add", "tok", "--auth", "oauth2", "--client-id", "proxy-client", "--url", &base]).args([
        "--token-url",
        &format!("{base}/oauth2/token"),
        "--gateway",
        "mlflow",
        "--store",
        "env:T_OAUTH2",
        "--yes",
    ]);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "{err}");
    let serve_log = sb.dir.path().join("serve.log");
    let _server = serve(&sb, port, &["--accept", "sig", "--oauth2-client", "tok"], &env, &serve_log);

    // A SigV4 call through the proxy: serve verifies it, the proxy saw it.
    let invoke = ["invoke", "route", "chat", "-p", "sig", "--prompt", "through the proxy", "--format", "text"];
    let (code, out, err) = gw(&sb, &env, &[&invoke[..], &["--proxy", &proxy_url]].concat());
    assert_eq!((code, out.as_str()), (0, "through the proxy\n"), "{err}\nproxy log:\n{}", proxied(&proxy_log));
    let request_line = format!("POST {base}/endpoints/chat/invocations HTTP/1.1");
    assert!(proxied(&proxy_log).contains(&request_line), "{}", proxied(&proxy_log));

    // The same through HTTP_PROXY.
    let with_env = [("T_SK", SK), ("T_OAUTH2", OAUTH2_SECRET), ("HTTP_PROXY", proxy_url.as_str())];
    let before = proxied(&proxy_log).len();
    let (code, out, err) = gw(&sb, &with_env, &invoke);
    assert_eq!((code, out.as_str()), (0, "through the proxy\n"), "{err}");
    assert!(proxied(&proxy_log).len() > before, "HTTP_PROXY was not used");

    // The token fetch takes the proxy too: `gwctl token` and an invoke with a fresh token.
    let (code, out, err) = gw(&sb, &env, &["token", "-p", "tok", "--clear"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = gw(&sb, &env, &["token", "-p", "tok", "--proxy", &proxy_url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.trim().len() > 20, "{out}");
    assert!(proxied(&proxy_log).contains(&format!("POST {base}/oauth2/token HTTP/1.1")), "{}", proxied(&proxy_log));
    let (code, _, err) = gw(&sb, &env, &["token", "-p", "tok", "--clear"]);
    assert_eq!(code, 0, "{err}");
    let dead = format!("http://127.0.0.1:{}", free_port());
    let (code, _, err) = gw(&sb, &env, &["token", "-p", "tok", "--proxy", &dead]);
    assert_ne!(code, 0, "a token fetch through a dead proxy worked: it did not take the proxy");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, out, err) =
        gw(&sb, &env, &["invoke", "route", "chat", "-p", "tok", "--prompt", "token via proxy", "--proxy", &proxy_url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("token via proxy"), "{out}");

    // --noproxy: the host goes direct, around a dead proxy; '*' ignores HTTP_PROXY.
    let (code, out, err) =
        gw(&sb, &env, &[&invoke[..], &["--proxy", &dead, "--noproxy", "localhost,127.0.0.1"]].concat());
    assert_eq!((code, out.as_str()), (0, "through the proxy\n"), "{err}");
    let dead_env = [("T_SK", SK), ("HTTP_PROXY", dead.as_str())];
    let (code, out, err) = gw(&sb, &dead_env, &[&invoke[..], &["--noproxy", "*"]].concat());
    assert_eq!((code, out.as_str()), (0, "through the proxy\n"), "{err}");

    // A dead proxy is a network error; an unusable proxy URL is bad input. One line each.
    let (code, _, err) = gw(&sb, &env, &[&invoke[..], &["--proxy", &dead, "--retries", "0"]].concat());
    assert_eq!(code, 8, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for bad in ["socks5://127.0.0.1:1080", "http://", "socks5://alice:pr0xy-pw@127.0.0.1:1080", "alice:pr0xy-pw@"] {
        let (code, _, err) = gw(&sb, &env, &[&invoke[..], &["--proxy", bad]].concat());
        assert_eq!(code, 3, "--proxy {bad}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(!err.contains("pr0xy-pw"), "the proxy password was echoed: {err}");
    }
    // Without a scheme a proxy is http://, as in curl.
    let bare = proxy_url.trim_start_matches("http://");
    let (code, out, err) = gw(&sb, &env, &[&invoke[..], &["--proxy", bare]].concat());
    assert_eq!((code, out.as_str()), (0, "through the proxy\n"), "{err}");
    // A bad --cacert or --proxy is refused when `token` starts, before any cached token is used.
    let (code, _, err) = gw(&sb, &env, &["token", "-p", "tok", "--cacert", "/nonexistent/ca.pem"]);
    assert_eq!(code, 5, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // A proxy password never shows, the proxy being dead or alive.
    let with_password = dead.replace("http://", "http://alice:pr0xy-pw@");
    let (code, out, err) = gw(&sb, &env, &[&invoke[..], &["--proxy", &with_password, "--retries", "0", "-v"]].concat());
    assert_eq!(code, 8, "{err}");
    assert!(!err.contains("pr0xy-pw") && !out.contains("pr0xy-pw"), "{err}");
}
