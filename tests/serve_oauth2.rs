//! `gwctl serve --oauth2-client`: serve's built-in OAuth2 token endpoint.
//!
//! - gwctl's own oauth2 profiles against it (the binary on both sides): discovery at serve's
//!   issuer URL, `client_secret_basic` and `client_secret_post`, the routes with the token, and
//!   a wrong secret refused as one line with exit 4 (`TokenError::Refused` → Credentials).
//! - an independent client: Python `requests` posting the form, PyJWT verifying the access
//!   token's signature against `/oauth2/jwks` (tests/py/serve_oauth2_client.py).
//! - the library's limits: a token request over 16 KiB, wrong methods, no OAuth2 endpoints
//!   without clients.

mod common;

use common::{gw_env as gw, serve};

use std::time::Duration;

use common::{Sandbox, free_port, run};
use gwctl::serve::{self, OAuth2Client, ServeConfig};
use serde_json::Value;

const SECRET: &str = "oauth2-client-secret-0123456789/+&=";
const CLIENT_ID: &str = "demo-client";

/// An oauth2 profile `name` for serve at `base`, its secret read from `$T_OAUTH2`.
fn add_oauth2(sb: &Sandbox, name: &str, base: &str, extra: &[&str]) {
    let mut c = sb.cmd();
    c.args(["profile", "add", name, "--auth", "oauth2", "--client-id", CLIENT_ID, "--url", base])
        .args(["--gateway", "mlflow", "--store", "env:T_OAUTH2", "--yes"])
        .args(extra);
    let (code, _, err) = run(c);
    assert_eq!(code, 0, "profile add {name}: {err}");
}

#[test]
fn gwctl_oauth2_profiles_get_tokens_from_serve_and_call_the_routes() {
    let sb = Sandbox::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [("T_OAUTH2", SECRET)];
    add_oauth2(&sb, "cli", &base, &["--issuer", &base, "--scope", "models:invoke"]);
    add_oauth2(&sb, "cli-post", &base, &["--issuer", &base, "--client-auth", "post"]);
    add_oauth2(&sb, "cli-url", &base, &["--token-url", &format!("{base}/oauth2/token")]);
    let log = sb.dir.path().join("serve.log");
    let server = serve(&sb, port, &["--oauth2-client", "cli"], &env, &log);

    // Basic client authentication, the token endpoint found through discovery.
    let (code, out, err) = gw(&sb, &env, &["token", "-p", "cli", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let t: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(t["token_type"], "Bearer");
    assert!((3500..=3600).contains(&t["expires_in"].as_i64().unwrap()), "{out}");
    let token = t["access_token"].as_str().unwrap().to_string();
    for p in ["cli", "cli-post", "cli-url"] {
        let prompt = format!("hello {p}");
        let (code, out, err) =
            gw(&sb, &env, &["invoke", "route", "chat", "-p", p, "--prompt", &prompt, "--format", "text"]);
        assert_eq!((code, out.as_str()), (0, format!("{prompt}\n").as_str()), "{p}: {err}");
        let (code, out, err) = gw(&sb, &env, &["invoke", "route", "chat", "-p", p, "--prompt", &prompt, "--stream"]);
        assert_eq!((code, out.as_str()), (0, format!("{prompt}\n").as_str()), "{p}: {err}");
        let (code, out, err) = gw(&sb, &env, &["routes", "list", "-p", p]);
        assert_eq!(code, 0, "{p}: {err}");
        assert!(out.contains("embeddings"), "{out}");
    }

    // A wrong secret: the token endpoint's refusal as gwctl's one-line error, exit 4, for both
    // client authentication methods; the secret nowhere.
    let wrong = [("T_OAUTH2", "not-the-client-secret")];
    for (p, method) in [("cli", "client_secret_basic"), ("cli-post", "client_secret_post")] {
        let (code, out, err) = gw(&sb, &wrong, &["invoke", "route", "chat", "-p", p, "--prompt", "x"]);
        assert_eq!(code, 4, "{p}: {out}{err}");
        let want = format!(
            "gwctl: error: the token endpoint {base}/oauth2/token refused the request: invalid_client \
             (wrong client secret for client \"{CLIENT_ID}\" ({method}))\n"
        );
        assert_eq!(err, want, "{p}");
        assert!(!err.contains("not-the-client") && !out.contains("not-the-client"));
    }
    let (code, _, err) = gw(&sb, &wrong, &["token", "-p", "cli"]);
    assert_eq!(code, 4, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    // A token of another issuer (here: a static bearer token) is refused at the route.
    let mut c = sb.cmd();
    c.args(["invoke", "route", "chat", "--auth", "bearer", "--url", &base, "--prompt", "x"]).env("GWCTL_TOKEN", "abc");
    let (code, _, err) = run(c);
    assert_eq!(code, 9, "{err}");

    drop(server);
    // The log: token requests and calls by client, never the secret or a token.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains(&format!("OAuth2 issuer {base}: token endpoint {base}/oauth2/token")), "{text}");
    assert!(text.contains(&format!("POST /oauth2/token identity=oauth2 ({CLIENT_ID}) status=200 result=token_issued")));
    assert!(text.contains(&format!("identity=oauth2 ({CLIENT_ID}) status=401 result=refused:invalid_client")));
    assert!(text.contains(&format!("POST /endpoints/chat/invocations identity=oauth2 ({CLIENT_ID}) status=200")));
    assert!(!text.contains(SECRET) && !text.contains("not-the-client-secret") && !text.contains(&token), "{text}");
}

#[test]
fn serve_refuses_profiles_it_cannot_issue_tokens_for() {
    let sb = Sandbox::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [("T_OAUTH2", SECRET), ("T_BASIC", "pw")];
    add_oauth2(&sb, "jwtauth", &base, &["--issuer", &base, "--client-auth", "client-secret-jwt"]);
    add_oauth2(&sb, "cli", &base, &["--issuer", &base]);
    let mut c = sb.cmd();
    c.args(["profile", "add", "b", "--auth", "basic", "--username", "u", "--store", "env:T_BASIC", "--yes"]);
    assert_eq!(run(c).0, 0);
    let listen = format!("127.0.0.1:{port}");
    for (args, want) in [
        (vec!["--oauth2-client", "b"], "the profile's scheme is basic, not oauth2"),
        (vec!["--oauth2-client", "jwtauth"], "takes client_secret_basic and client_secret_post, not client_secret_jwt"),
        (vec!["--accept", "cli"], "use --oauth2-client cli"),
    ] {
        let (code, _, err) = gw(&sb, &env, &[&["serve", "--listen", &listen][..], &args].concat());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want) && err.lines().count() == 1, "{args:?}: {err}");
    }
    // A profile pointed elsewhere: serve starts, and says how to point it here.
    let mut c = sb.cmd();
    c.args(["profile", "edit", "cli", "--issuer", &format!("http://localhost:{port}")]);
    assert_eq!(run(c).0, 0);
    let log = sb.dir.path().join("serve.log");
    let server = serve(&sb, port, &["--oauth2-client", "cli"], &env, &log);
    drop(server);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains(&format!(
            "gwctl: warning: profile \"cli\" has --issuer http://localhost:{port}, but serve's issuer is {base}: \
             gwctl profile edit cli --issuer {base}"
        )),
        "{text}"
    );
}

#[test]
fn an_independent_client_gets_tokens_and_pyjwt_verifies_them() {
    let Some(py) = common::venv_python() else { return };
    let sb = Sandbox::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let env = [("T_OAUTH2", SECRET)];
    add_oauth2(&sb, "cli", &base, &["--issuer", &base]);
    let log = sb.dir.path().join("serve.log");
    let _server = serve(&sb, port, &["--oauth2-client", "cli"], &env, &log);
    let (code, token, err) = gw(&sb, &env, &["token", "-p", "cli"]);
    assert_eq!(code, 0, "{err}");
    let out = std::process::Command::new(&py)
        .arg(common::data_dir().join("../py/serve_oauth2_client.py"))
        .args([&base, CLIENT_ID])
        .env("CLIENT_SECRET", SECRET)
        .env("GWCTL_TOKEN", token.trim())
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}\n{}", std::fs::read_to_string(&log).unwrap_or_default());
    assert!(stdout.lines().filter(|l| l.starts_with("ok: ")).count() >= 20, "{stdout}");
}

#[test]
fn the_token_endpoint_is_bounded_and_absent_without_clients() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let mut config = ServeConfig::new("127.0.0.1:0".parse().unwrap());
        config.oauth2_clients.push(OAuth2Client { client_id: CLIENT_ID.into(), secret: SECRET.to_string().into() });
        let server = serve::bind(config).await.unwrap();
        let base = format!("http://{}", server.local_addr());
        assert_eq!(server.oauth2_issuer(), Some(base.as_str()));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        let c = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();
        let token_url = format!("{base}/oauth2/token");
        let big = format!("grant_type=client_credentials&pad={}", "x".repeat(20 * 1024));
        let r = c
            .post(&token_url)
            .basic_auth(CLIENT_ID, Some(SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(big)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413);
        let many: Vec<String> = (0..40).map(|i| format!("f{i}=1")).collect();
        let r = c
            .post(&token_url)
            .basic_auth(CLIENT_ID, Some(SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(many.join("&"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(v["error"], "invalid_request");
        let r = c.get(&token_url).send().await.unwrap();
        assert_eq!((r.status().as_u16(), r.headers()["allow"].to_str().unwrap()), (405, "POST"));
        let r = c.post(format!("{base}/oauth2/jwks")).send().await.unwrap();
        assert_eq!(r.status(), 405);
        let jwks = c.get(format!("{base}/oauth2/jwks")).send().await.unwrap().text().await.unwrap();
        let jwks: Value = serde_json::from_str(&jwks).unwrap();
        assert_eq!(jwks["keys"][0]["alg"], "RS256");
        assert!(jwks["keys"][0].get("d").is_none(), "only the public half: {jwks}");
        let _ = tx.send(());

        // Without clients, the paths are gateway paths like any other.
        let server = serve::bind(ServeConfig::new("127.0.0.1:0".parse().unwrap())).await.unwrap();
        let base = format!("http://{}", server.local_addr());
        assert_eq!(server.oauth2_issuer(), None);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.run(async move {
            let _ = rx.await;
        }));
        let r = c.get(format!("{base}/.well-known/openid-configuration")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let _ = tx.send(());

        // An unspecified listen address cannot be an issuer.
        let mut config = ServeConfig::new("0.0.0.0:0".parse().unwrap());
        config.allow_remote = true;
        config.oauth2_clients.push(OAuth2Client { client_id: CLIENT_ID.into(), secret: SECRET.to_string().into() });
        let err = serve::bind(config).await.unwrap_err();
        assert_eq!(err.exit_code(), gwctl::exit::ExitCode::Usage, "{err}");
    });
}
