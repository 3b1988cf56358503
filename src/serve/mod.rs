//! `gwctl serve`: a local gateway that verifies every scheme through [`crate::signing::verify`]
//! and serves the MLflow YAML gateway's API with a deterministic echo model ([`echo`]), or
//! forwards verified requests to an upstream gateway.
//!
//! Routes: `GET /health` (never authenticated), `GET /api/2.0/endpoints/` (alias
//! `/api/2.0/gateway/routes/`), `GET /api/2.0/endpoints/NAME`, `POST /endpoints/NAME/invocations`
//! (alias `/gateway/NAME/invocations`), and OpenAI-style `POST /v1/chat/completions`,
//! `/v1/completions`, `/v1/embeddings` with `"model": NAME`.
//!
//! Refusals are JSON `{"error": {"code", "message", "scheme"[, "canonical_request",
//! "string_to_sign"]}}`: 401 (with `WWW-Authenticate`) for missing credentials and for Basic,
//! bearer and JWT; 403 for SigV4 and AK/SK credentials that were presented but do not hold
//! (signature mismatch, clock skew, expired, unknown key id), as AWS answers.
//!
//! With OAuth2 clients configured ([`ServeConfig::oauth2_clients`]), serve is also their
//! authorization server ([`oauth2`]): discovery, `POST /oauth2/token` (client credentials) and
//! `GET /oauth2/jwks`, and the gateway routes accept the tokens it issues.
//!
//! Built on hyper 1 + hyper-util (no hand-written HTTP): header-read timeout, body size limit,
//! a body-read timeout, a connection cap, and graceful shutdown.

pub mod echo;
mod handler;
pub mod oauth2;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};

use crate::scaffold::yaml::{self, Kind};
pub use crate::signing::verify::{HtpasswdEntry, Identity, JwtVerifyKey, parse_htpasswd, parse_jwks};
use crate::signing::verify::{Verifier, VerifyConfigError};
pub use oauth2::OAuth2Client;

/// Where request log lines go (one call per line, no trailing newline). Never given a secret.
pub type LogSink = Arc<dyn Fn(&str) + Send + Sync>;

/// What an endpoint does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndpointType {
    Chat,
    Completions,
    Embeddings,
}

impl EndpointType {
    /// `llm/v1/chat`, `llm/v1/completions`, `llm/v1/embeddings`.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointType::Chat => "llm/v1/chat",
            EndpointType::Completions => "llm/v1/completions",
            EndpointType::Embeddings => "llm/v1/embeddings",
        }
    }

    /// Parses `llm/v1/chat` or `chat` (and the same for the others).
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s.trim().trim_start_matches("llm/v1/") {
            "chat" => EndpointType::Chat,
            "completions" => EndpointType::Completions,
            "embeddings" => EndpointType::Embeddings,
            _ => return None,
        })
    }
}

/// One served endpoint (an MLflow gateway config entry).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub name: String,
    pub endpoint_type: EndpointType,
    /// The model name reported in listings and answers.
    pub model: String,
    /// The provider reported in listings (`echo` for the built-in model).
    pub provider: String,
}

impl Endpoint {
    pub fn new(name: &str, endpoint_type: EndpointType, model: &str) -> Self {
        Self { name: name.into(), endpoint_type, model: model.into(), provider: "echo".into() }
    }
}

/// `chat`, `completions` and `embeddings` on the echo model: what `gwctl serve` offers with no
/// `--gateway-config`.
pub fn default_endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint::new("chat", EndpointType::Chat, "echo"),
        Endpoint::new("completions", EndpointType::Completions, "echo"),
        Endpoint::new("embeddings", EndpointType::Embeddings, "echo"),
    ]
}

/// The endpoints of an MLflow YAML gateway config (what `gwctl scaffold mlflow` writes):
/// `endpoints:` (or the old `routes:`) entries with `name`, `endpoint_type` (or `route_type`)
/// and `model: {provider, name}`. Provider settings are ignored (the echo model answers).
pub fn endpoints_from_mlflow_config(text: &str) -> Result<Vec<Endpoint>, ServeError> {
    let bad = |line: usize, m: &str| ServeError::GatewayConfig(line, m.to_string());
    let root = match yaml::parse(text) {
        Ok(Some(r)) => r,
        Ok(None) => return Err(bad(1, "the file is empty: it needs an `endpoints:` list")),
        Err((line, m)) => return Err(bad(line, &format!("not valid YAML: {m}"))),
    };
    let list =
        root.get("endpoints").or_else(|| root.get("routes")).ok_or_else(|| bad(root.line, "no `endpoints:` list"))?;
    let Kind::Seq(items) = &list.kind else {
        return Err(bad(list.line, "`endpoints:` must be a list"));
    };
    let mut out: Vec<Endpoint> = Vec::new();
    for ep in items {
        let name =
            ep.get("name").and_then(|n| n.as_str()).ok_or_else(|| bad(ep.line, "an endpoint without `name:`"))?;
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)) {
            return Err(bad(ep.line, &format!("endpoint name {:?}: use letters, digits, '-', '_' and '.'", name)));
        }
        if out.iter().any(|e| e.name == name) {
            return Err(bad(ep.line, &format!("endpoint {name:?} is defined twice")));
        }
        let t = ep
            .get("endpoint_type")
            .or_else(|| ep.get("route_type"))
            .and_then(|t| t.as_str())
            .ok_or_else(|| bad(ep.line, &format!("endpoint {name:?} has no `endpoint_type:`")))?;
        let endpoint_type = EndpointType::parse(t).ok_or_else(|| {
            bad(
                ep.line,
                &format!(
                    "endpoint {name:?}: endpoint_type {t:?} is not llm/v1/chat, llm/v1/completions or llm/v1/embeddings"
                ),
            )
        })?;
        let model = ep.get("model");
        let model_name = model.and_then(|m| m.get("name")).and_then(|n| n.as_str()).unwrap_or("echo");
        let provider = model.and_then(|m| m.get("provider")).and_then(|n| n.as_str()).unwrap_or("echo");
        out.push(Endpoint {
            name: name.to_string(),
            endpoint_type,
            model: model_name.to_string(),
            provider: provider.to_string(),
        });
    }
    if out.is_empty() {
        return Err(bad(list.line, "the `endpoints:` list is empty"));
    }
    Ok(out)
}

/// Injected faults, deterministic for a given seed and request order.
#[derive(Clone, Debug, PartialEq)]
pub struct Faults {
    /// Share of requests answered 429 with `Retry-After` (0.0–1.0).
    pub rate_429: f64,
    /// Share of requests answered 500.
    pub rate_500: f64,
    /// Share of streamed answers cut off in the middle of an event.
    pub cut_stream_rate: f64,
    /// Added before every answer (after verification).
    pub latency: Duration,
    /// `Retry-After` seconds on a 429.
    pub retry_after_secs: u64,
    pub seed: u64,
}

impl Faults {
    /// Whether any fault is drawn per request (a rate above zero).
    pub fn any(&self) -> bool {
        self.rate_429 > 0.0 || self.rate_500 > 0.0 || self.cut_stream_rate > 0.0
    }
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            rate_429: 0.0,
            rate_500: 0.0,
            cut_stream_rate: 0.0,
            latency: Duration::ZERO,
            retry_after_secs: 1,
            seed: 0,
        }
    }
}

/// Limits on what one connection or request may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest request body read (larger: 413, refused from `Content-Length` before reading).
    pub max_body_bytes: usize,
    /// Time to receive a request's headers (also the keep-alive idle limit).
    pub header_read_timeout: Duration,
    /// Time to receive a request's body.
    pub body_read_timeout: Duration,
    /// Upstream: time to connect, and the longest pause between answer chunks.
    pub upstream_timeout: Duration,
    /// Connections served at once (more wait in the kernel's backlog).
    pub max_connections: usize,
    /// Pause between streamed echo chunks.
    pub stream_pause: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 10 * 1024 * 1024,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            upstream_timeout: Duration::from_secs(60),
            max_connections: 512,
            stream_pause: Duration::from_millis(30),
        }
    }
}

/// Everything `gwctl serve` needs; the command glue fills it from flags and profiles.
pub struct ServeConfig {
    pub listen: SocketAddr,
    /// Allow a non-loopback `listen` address.
    pub allow_remote: bool,
    /// Accepted identities (`--accept PROFILE`, `--jwks` with `--issuer`/`--audience`).
    pub identities: Vec<Identity>,
    /// `--htpasswd` entries (see [`parse_htpasswd`]).
    pub htpasswd: Vec<HtpasswdEntry>,
    /// Served by the echo model (ignored with `upstream`). Empty: [`default_endpoints`].
    pub endpoints: Vec<Endpoint>,
    /// Forward verified requests here instead of answering (`--upstream`).
    pub upstream: Option<url::Url>,
    pub faults: Faults,
    /// Put the server's canonical request and string to sign in refusals and the log.
    pub explain: bool,
    /// Request log; `None`: no log.
    pub log: Option<LogSink>,
    pub limits: Limits,
    /// Clients of the built-in OAuth2 token endpoint (`--oauth2-client`); empty: no OAuth2
    /// endpoints. Their tokens are accepted on the gateway routes.
    pub oauth2_clients: Vec<OAuth2Client>,
    /// Lifetime of the tokens issued ([`oauth2::DEFAULT_TOKEN_TTL`]).
    pub oauth2_token_ttl: Duration,
}

impl ServeConfig {
    /// Loopback on `listen`, open (no identities), the default endpoints, no faults.
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            allow_remote: false,
            identities: Vec::new(),
            htpasswd: Vec::new(),
            endpoints: Vec::new(),
            upstream: None,
            faults: Faults::default(),
            explain: false,
            log: None,
            limits: Limits::default(),
            oauth2_clients: Vec::new(),
            oauth2_token_ttl: oauth2::DEFAULT_TOKEN_TTL,
        }
    }
}

impl std::fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeConfig")
            .field("listen", &self.listen)
            .field("allow_remote", &self.allow_remote)
            .field("identities", &self.identities)
            .field("htpasswd", &self.htpasswd)
            .field("endpoints", &self.endpoints)
            .field("upstream", &self.upstream.as_ref().map(|u| u.as_str()))
            .field("faults", &self.faults)
            .field("explain", &self.explain)
            .field("oauth2_clients", &self.oauth2_clients)
            .finish_non_exhaustive()
    }
}

/// Why the server could not start or run. One line, no secret.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("refusing to listen on {0}: it is not a loopback address (use --allow-remote to serve other hosts)")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, String),
    #[error(transparent)]
    Verify(#[from] VerifyConfigError),
    #[error("gateway config line {0}: {1}")]
    GatewayConfig(usize, String),
    #[error("invalid serve settings: {0}")]
    Config(String),
    #[error("cannot set up the upstream client: {0}")]
    Upstream(String),
    /// The OAuth2 signing key could not be made.
    #[error("{0}")]
    Key(String),
}

impl ServeError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            ServeError::NotLoopback(_) | ServeError::Config(_) => ExitCode::Usage,
            ServeError::Bind(..) => ExitCode::Io,
            ServeError::Verify(_) => ExitCode::Credentials,
            ServeError::GatewayConfig(..) => ExitCode::InvalidInput,
            ServeError::Upstream(_) => ExitCode::Network,
            ServeError::Key(_) => ExitCode::Internal,
        }
    }
}

/// A bound server, not yet serving: its address is known (for `gwctl demo`'s free port).
pub struct Server {
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    state: Arc<handler::State>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish_non_exhaustive()
    }
}

/// Checks the config, builds the verifier and binds the listener (port 0: a free port).
pub async fn bind(config: ServeConfig) -> Result<Server, ServeError> {
    if !config.listen.ip().is_loopback() && !config.allow_remote {
        return Err(ServeError::NotLoopback(config.listen));
    }
    let f = &config.faults;
    for (what, r) in [("429 rate", f.rate_429), ("500 rate", f.rate_500), ("stream cut-off rate", f.cut_stream_rate)] {
        if !(0.0..=1.0).contains(&r) {
            return Err(ServeError::Config(format!("the {what} must be between 0 and 1, got {r}")));
        }
    }
    if config.limits.max_body_bytes == 0 || config.limits.max_connections == 0 {
        return Err(ServeError::Config("the body and connection limits must be positive".into()));
    }
    if let Some(u) = &config.upstream
        && !matches!(u.scheme(), "http" | "https")
    {
        return Err(ServeError::Config(format!("the upstream must be an http(s) URL, got scheme {:?}", u.scheme())));
    }
    if !config.oauth2_clients.is_empty() && config.listen.ip().is_unspecified() {
        return Err(ServeError::Config(format!(
            "the OAuth2 issuer is serve's URL, so --listen needs an address clients connect to, not {}",
            config.listen.ip()
        )));
    }
    let upstream = match &config.upstream {
        Some(u) => Some((
            u.clone(),
            reqwest::Client::builder()
                .connect_timeout(config.limits.upstream_timeout.min(Duration::from_secs(10)))
                .read_timeout(config.limits.upstream_timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| ServeError::Upstream(e.to_string()))?,
        )),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ServeError::Bind(config.listen, e.to_string()))?;
    let addr = listener.local_addr().map_err(|e| ServeError::Bind(config.listen, e.to_string()))?;
    // The issuer is the URL serve answers on, known once the port is.
    let mut identities = config.identities;
    let issuer = if config.oauth2_clients.is_empty() {
        None
    } else {
        let issuer = oauth2::Issuer::new(format!("http://{addr}"), config.oauth2_clients, config.oauth2_token_ttl)?;
        identities.push(issuer.identity()?);
        Some(Arc::new(issuer))
    };
    let verifier = Verifier::new(identities, config.htpasswd, config.explain)?;
    let endpoints = if config.endpoints.is_empty() { default_endpoints() } else { config.endpoints };
    let log = config.log;
    if let Some(log) = &log {
        if verifier.is_open() {
            log(&format!(
                "gwctl serve on http://{addr}: OPEN, no identity is configured: every request is accepted without authentication (like a plain MLflow gateway)"
            ));
        } else {
            log(&format!("gwctl serve on http://{addr}: {verifier:?}"));
        }
        match &upstream {
            Some((u, _)) => log(&format!("forwarding verified requests to {}", u.as_str())),
            None => log(&format!(
                "echo model endpoints: {}",
                endpoints
                    .iter()
                    .map(|e| format!("{} ({})", e.name, e.endpoint_type.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        if let Some(i) = &issuer {
            log(&format!(
                "OAuth2 issuer {}: token endpoint {} (client credentials, RS256 tokens for {} s) for client(s) {}",
                i.issuer(),
                i.token_endpoint(),
                i.token_ttl_secs(),
                i.client_ids().map(|c| format!("{c:?}")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    let answers = handler::Answers::new(&endpoints);
    let state = Arc::new(handler::State {
        verifier: Arc::new(verifier),
        endpoints,
        upstream,
        rng: Mutex::new(fastrand::Rng::with_seed(config.faults.seed)),
        faults: config.faults,
        explain: config.explain,
        log,
        limits: config.limits,
        counter: std::sync::atomic::AtomicU64::new(0),
        oauth2: issuer,
        answers,
    });
    Ok(Server { listener, addr, state })
}

impl Server {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The OAuth2 issuer URL (`http://ADDR`), when OAuth2 clients are configured.
    pub fn oauth2_issuer(&self) -> Option<&str> {
        self.state.oauth2.as_deref().map(oauth2::Issuer::issuer)
    }

    /// Serves until `shutdown` completes, then lets open requests finish (at most 5 s).
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> Result<(), ServeError> {
        let Server { listener, state, .. } = self;
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        let slots = Arc::new(tokio::sync::Semaphore::new(state.limits.max_connections));
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                () = &mut shutdown => break,
            };
            let stream = match accepted {
                Ok((s, _)) => s,
                Err(_) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let Ok(permit) = slots.clone().acquire_owned().await else { break };
            let _ = stream.set_nodelay(true);
            let st = state.clone();
            let service = hyper::service::service_fn(move |req| handler::handle(st.clone(), req));
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(state.limits.header_read_timeout)
                .max_buf_size(64 * 1024);
            let conn = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
            tokio::spawn(async move {
                let _ = conn.await;
                drop(permit);
            });
        }
        drop(listener);
        let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
        Ok(())
    }
}

/// Binds, reports the address on `ready`, and serves until `shutdown` completes.
pub async fn run(
    config: ServeConfig,
    ready: tokio::sync::oneshot::Sender<SocketAddr>,
    shutdown: impl Future<Output = ()>,
) -> Result<(), ServeError> {
    let server = bind(config).await?;
    let _ = ready.send(server.local_addr());
    server.run(shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mlflow_config() {
        let yaml = "endpoints:\n  - name: chat\n    endpoint_type: llm/v1/chat\n    model:\n      provider: openai\n      name: gpt-4o-mini\n      config:\n        openai_api_key: $OPENAI_API_KEY\n  - name: emb\n    endpoint_type: llm/v1/embeddings\n    model: {provider: openai, name: text-embedding-3-small}\n";
        let eps = endpoints_from_mlflow_config(yaml).unwrap();
        assert_eq!(eps.len(), 2);
        assert_eq!(eps[0].model, "gpt-4o-mini");
        assert_eq!(eps[1].endpoint_type, EndpointType::Embeddings);
        let e = endpoints_from_mlflow_config("endpoints:\n  - name: x\n    endpoint_type: llm/v1/nope\n").unwrap_err();
        assert!(e.to_string().starts_with("gateway config line 2:"), "{e}");
    }
}
