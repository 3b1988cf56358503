//! The HTTP client (L2): one place for timeouts, TLS, proxies, redirects and retries. Every
//! attempt is signed afresh through the shared signing module, with a signer from [`Auth`]; a
//! 401 makes a refreshable credential (a token) refresh once.

use std::time::Duration;

use futures_util::StreamExt;

use crate::auth::{Auth, AuthError};
use crate::net::NetSettings;
use crate::request::{Body, RequestError};
use crate::signing::{Request, SigningError, SigningTime};

pub mod h1;

/// How requests are sent.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// How long to wait for the response headers (a stream may then run longer: see
    /// `idle_timeout`).
    pub timeout: Option<Duration>,
    pub connect_timeout: Duration,
    /// The longest pause between two pieces of a response body.
    pub idle_timeout: Duration,
    /// Extra attempts after the first.
    pub retries: u32,
    /// Retry non-idempotent requests on 429/5xx and timeouts too.
    pub retry_all: bool,
    /// CA certificates, certificate checks and proxies (shared with the token transport).
    pub net: NetSettings,
}

/// The defaults of every network command: 10 s to connect, 300 s for the response headers
/// (a model may think for minutes before it answers), 60 s between two pieces of a body.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(300);
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: Some(DEFAULT_HEADER_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            retries: 2,
            retry_all: false,
            net: NetSettings::default(),
        }
    }
}

/// Failures of the transport (no usable HTTP response).
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("cannot connect to {host}: {reason}")]
    Connect { host: String, reason: String },
    #[error("no response from {host} within {secs} s")]
    Timeout { host: String, secs: f64 },
    #[error("request to {host} failed: {reason}")]
    Other { host: String, reason: String },
    #[error("{0}")]
    Stream(String),
    /// A client setting that does not work (`--cacert` that is not PEM).
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Signing(#[from] SigningError),
    #[error(transparent)]
    Request(#[from] RequestError),
}

impl HttpError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            HttpError::Connect { .. } | HttpError::Timeout { .. } | HttpError::Other { .. } | HttpError::Stream(_) => {
                ExitCode::Network
            }
            HttpError::Setup(_) => ExitCode::InvalidInput,
            HttpError::Auth(e) => e.exit_code(),
            HttpError::Signing(e) => e.exit_code(),
            HttpError::Request(e) => e.exit_code(),
        }
    }
}

/// The HTTP client of every network command. A plain-HTTP URL goes through a client with no
/// TLS roots at all; the TLS client (the platform's verifier, which reads and parses every
/// certificate in the system's CA store: a few milliseconds, most of a loopback call) is built
/// the first time an `https://` URL is sent to, and then kept. `--cacert` is read and checked,
/// and `--insecure` warned about, when the client is made, whatever the URL. With a TLS proxy for
/// plain HTTP (`HTTP_PROXY` or `ALL_PROXY` set to an `https://` URL) every URL takes the TLS client.
#[derive(Clone)]
pub struct HttpClient {
    inner: std::sync::Arc<ClientInner>,
}

struct ClientInner {
    connect_timeout: Duration,
    net: NetSettings,
    roots: Vec<reqwest::Certificate>,
    /// Plain-HTTP URLs go through a proxy reached over TLS: every URL takes the TLS client.
    tls_proxy: bool,
    plain: std::sync::OnceLock<reqwest::Client>,
    tls: std::sync::OnceLock<reqwest::Client>,
}

impl HttpClient {
    pub fn new(opts: &HttpOptions) -> Result<Self, HttpError> {
        let roots = opts.net.extra_roots()?;
        // Said when the client is made, whatever the URL.
        opts.net.warn_insecure();
        let inner = ClientInner {
            connect_timeout: opts.connect_timeout,
            net: opts.net.clone(),
            roots,
            tls_proxy: opts.net.plain_http_over_tls(),
            plain: std::sync::OnceLock::new(),
            tls: std::sync::OnceLock::new(),
        };
        let client = Self { inner: std::sync::Arc::new(inner) };
        // A bad --cacert certificate or proxy shows now, not at the first request.
        if !client.inner.roots.is_empty() {
            client.for_scheme(true)?;
        }
        if client.inner.net.proxy.is_some() || client.inner.net.noproxy.is_some() {
            client.for_scheme(client.inner.tls_proxy)?;
        }
        Ok(client)
    }

    /// The client for `url`: the TLS one for `https`, the plain one otherwise.
    pub fn for_url(&self, url: &url::Url) -> Result<&reqwest::Client, HttpError> {
        self.for_scheme(url.scheme() == "https" || self.inner.tls_proxy)
    }

    fn for_scheme(&self, tls: bool) -> Result<&reqwest::Client, HttpError> {
        let cell = if tls { &self.inner.tls } else { &self.inner.plain };
        if let Some(c) = cell.get() {
            return Ok(c);
        }
        // Two threads may both build one; the first kept wins and the other is dropped.
        let built = self.build(tls)?;
        Ok(cell.get_or_init(|| built))
    }

    fn build(&self, tls: bool) -> Result<reqwest::Client, HttpError> {
        let i = &self.inner;
        let mut b = reqwest::Client::builder()
            .connect_timeout(i.connect_timeout)
            .user_agent(concat!("gwctl/", env!("CARGO_PKG_VERSION")))
            // Redirects are followed by `send` itself: re-signed on the same origin, and with none
            // of gwctl's or the user's headers (and no Referer) on another one.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false);
        b = i.net.apply_proxy(b)?;
        b = if tls {
            i.net.apply_tls(b, &i.roots)
        } else {
            // Never used for TLS (https URLs take the other client): no roots to load.
            b.tls_certs_only(std::iter::empty())
        };
        b.build().map_err(|e| HttpError::Setup(format!("cannot set up the HTTP client: {e}")))
    }
}

/// A request to send: what the user asked for, before signing.
pub struct Outgoing<'a> {
    pub method: String,
    pub url: url::Url,
    pub headers: Vec<(String, String)>,
    pub body: &'a Body,
    /// Advanced by the bytes of a file body as they are uploaded (a progress bar on a terminal).
    pub upload_progress: Option<indicatif::ProgressBar>,
}

fn idempotent(method: &str) -> bool {
    matches!(method.to_ascii_uppercase().as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE")
}

fn retryable_status(s: u16) -> bool {
    matches!(s, 429 | 500 | 502 | 503 | 504)
}

/// Exponential backoff with jitter: 0.5 s, 1 s, 2 s … (±50 %), at most 20 s; a server's
/// `Retry-After` (seconds, at most 120) wins.
fn delay(attempt: u32, retry_after: Option<&str>) -> Duration {
    if let Some(secs) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        return Duration::from_secs(secs.min(120));
    }
    let base = 0.5 * 2f64.powi(attempt as i32);
    Duration::from_secs_f64((base * (0.5 + fastrand::f64())).min(20.0))
}

/// Called with each attempt's number, method, URL and headers (for `-v`).
pub type RequestObserver<'a> = dyn FnMut(u32, &str, &str, &[(String, String)]) + Send + 'a;

/// The most redirects `send` follows.
const MAX_REDIRECTS: usize = 10;

fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// Signs `out` with a signer from `auth` and sends it, retrying per `opts`; each attempt is
/// signed anew (a fresh date, a fresh JWT, a refreshed token). `on_request` sees each
/// attempt's headers (for `-v`). Any HTTP status is a response, not an error.
///
/// Redirects (at most 10) are followed here: to the same origin the request is signed again
/// for the new URL; to another origin it goes without any header gwctl signed or the user
/// added, and without a Referer (curl's rule without `--location-trusted`). 301/302/303 turn
/// a POST into a body-less GET; 307/308 keep the method and body.
pub async fn send(
    client: &HttpClient,
    out: &Outgoing<'_>,
    auth: &Auth,
    opts: &HttpOptions,
    on_request: &mut RequestObserver<'_>,
) -> Result<reqwest::Response, HttpError> {
    let origin = out.url.clone();
    let empty = Body::Empty;
    let mut current = Outgoing {
        method: out.method.clone(),
        url: out.url.clone(),
        headers: out.headers.clone(),
        body: out.body,
        upload_progress: out.upload_progress.clone(),
    };
    for _ in 0..=MAX_REDIRECTS {
        let trusted = same_origin(&current.url, &origin);
        let resp = send_once(client, &current, trusted.then_some(auth), opts, on_request).await?;
        let status = resp.status().as_u16();
        let location = resp.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_string);
        let (true, Some(location)) = (matches!(status, 301 | 302 | 303 | 307 | 308), location) else {
            return Ok(resp);
        };
        let next = current.url.join(&location).map_err(|_| HttpError::Other {
            host: current.url.host_str().unwrap_or("").into(),
            reason: "a redirect to an invalid URL".into(),
        })?;
        if !matches!(next.scheme(), "http" | "https") {
            return Ok(resp);
        }
        drop(resp);
        let to_get = status == 303 || (matches!(status, 301 | 302) && current.method.eq_ignore_ascii_case("POST"));
        crate::log::verbose(format_args!(
            "HTTP {status}: following the redirect to {}{}",
            crate::redact::url(next.as_str()),
            if same_origin(&next, &origin) { "" } else { " (another origin: without credentials or headers)" }
        ));
        current = Outgoing {
            method: if to_get && !current.method.eq_ignore_ascii_case("HEAD") {
                "GET".into()
            } else {
                current.method.clone()
            },
            headers: if same_origin(&next, &origin) && !to_get {
                out.headers.clone()
            } else if same_origin(&next, &origin) {
                out.headers.iter().filter(|(n, _)| !n.eq_ignore_ascii_case("content-type")).cloned().collect()
            } else {
                Vec::new()
            },
            body: if to_get { &empty } else { current.body },
            upload_progress: None,
            url: next,
        };
    }
    Err(HttpError::Other {
        host: origin.host_str().unwrap_or("").into(),
        reason: format!("more than {MAX_REDIRECTS} redirects"),
    })
}

/// The headers of one attempt: the request's own, signed afresh (a new date, a new token)
/// when `auth` is given, with the `Host` the signer added (if any) said apart.
pub async fn signed_headers(
    out: &Outgoing<'_>,
    auth: Option<&Auth>,
) -> Result<(Vec<(String, String)>, Option<String>), HttpError> {
    let mut req = Request::from_url(&out.method, &out.url)?;
    req.headers = out.headers.clone();
    Ok(match auth {
        Some(auth) => {
            let signer = auth.signer(&req.authority).await?;
            let signed = signer.sign(&req, &out.body.payload(), SigningTime::now())?;
            signed.merge_into(&req.headers)
        }
        None => (req.headers, None),
    })
}

/// One request (with retries): signed when `auth` is given, else sent with the given headers
/// only.
async fn send_once(
    client: &HttpClient,
    out: &Outgoing<'_>,
    auth: Option<&Auth>,
    opts: &HttpOptions,
    on_request: &mut RequestObserver<'_>,
) -> Result<reqwest::Response, HttpError> {
    let host = out.url.host_str().unwrap_or("").to_string();
    let mut attempt = 0u32;
    let mut refreshed = false;
    loop {
        let (headers, auto_host) = signed_headers(out, auth).await?;
        on_request(attempt, &out.method, out.url.as_str(), &headers);

        let method = reqwest::Method::from_bytes(out.method.as_bytes())
            .map_err(|_| RequestError::Input(format!("invalid HTTP method {:?}", out.method)))?;
        let mut rb = client.for_url(&out.url)?.request(method, out.url.clone());
        for (n, v) in &headers {
            if n.eq_ignore_ascii_case("host") && auto_host.as_deref() == Some(v.as_str()) {
                continue; // the client sends the same Host from the URL
            }
            rb = rb.header(n.as_str(), v.as_str());
        }
        rb = match out.body {
            Body::Empty => rb,
            Body::Bytes { data, .. } => rb.body(data.clone()),
            Body::File { path, len, .. } => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| RequestError::io(format!("cannot read body file {}", path.display()), e))?;
                let progress = out.upload_progress.clone();
                if let Some(p) = &progress {
                    p.set_position(0);
                }
                let stream = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024).inspect(move |chunk| {
                    if let (Some(p), Ok(c)) = (&progress, chunk) {
                        p.inc(c.len() as u64);
                    }
                });
                rb.header("Content-Length", len.to_string()).body(reqwest::Body::wrap_stream(stream))
            }
        };

        let can_retry = attempt < opts.retries;
        // The timeout covers the wait for the response headers only; the body is read under
        // the idle timeout by whoever reads it.
        let sent = match opts.timeout {
            Some(t) => match tokio::time::timeout(t, rb.send()).await {
                Ok(r) => r,
                Err(_) if can_retry && (idempotent(&out.method) || opts.retry_all) => {
                    let wait = delay(attempt, None);
                    crate::log::verbose(format_args!("no response headers within {:.1} s; retrying", t.as_secs_f64()));
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                Err(_) => return Err(HttpError::Timeout { host, secs: t.as_secs_f64() }),
            },
            None => rb.send().await,
        };
        match sent {
            Ok(resp) => {
                let status = resp.status().as_u16();
                // A refused token may have expired or been revoked early: refresh it once.
                if status == 401 && !refreshed && auth.is_some_and(Auth::invalidate) {
                    crate::log::verbose(format_args!("HTTP 401; refreshing the credential and trying once more"));
                    refreshed = true;
                    drop(resp);
                    continue;
                }
                if can_retry && retryable_status(status) && (idempotent(&out.method) || opts.retry_all) {
                    let ra = resp.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
                    let wait = delay(attempt, ra.as_deref());
                    crate::log::verbose(format_args!("HTTP {status}; retrying in {:.1} s", wait.as_secs_f64()));
                    drop(resp);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                return Ok(resp);
            }
            Err(e) => {
                // A refused connection never reached the server: safe to retry any method.
                let not_sent = e.is_connect();
                if can_retry
                    && (not_sent || ((e.is_timeout() || e.is_request()) && (idempotent(&out.method) || opts.retry_all)))
                {
                    let wait = delay(attempt, None);
                    crate::log::verbose(format_args!("{}; retrying in {:.1} s", describe(&e), wait.as_secs_f64()));
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                return Err(transport_error(&host, &e, opts));
            }
        }
    }
}

fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s = format!("{s}: {inner}");
        src = inner.source();
    }
    s
}

pub fn transport_error(host: &str, e: &reqwest::Error, opts: &HttpOptions) -> HttpError {
    if e.is_timeout() {
        let secs = if e.is_connect() { opts.connect_timeout } else { opts.timeout.unwrap_or(opts.connect_timeout) }
            .as_secs_f64();
        return HttpError::Timeout { host: host.into(), secs };
    }
    let reason = describe(e).replace('\n', " ");
    if e.is_connect() {
        HttpError::Connect { host: host.into(), reason }
    } else {
        HttpError::Other { host: host.into(), reason }
    }
}

/// The next piece of a response body within the idle timeout. `Ok(None)` at the end.
pub async fn next_chunk(
    stream: &mut (impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    host: &str,
    opts: &HttpOptions,
) -> Result<Option<bytes::Bytes>, HttpError> {
    match tokio::time::timeout(opts.idle_timeout, stream.next()).await {
        Err(_) => Err(HttpError::Stream(format!(
            "{host} sent nothing for {} s in the middle of the answer (--idle-timeout)",
            opts.idle_timeout.as_secs_f64()
        ))),
        Ok(None) => Ok(None),
        Ok(Some(Ok(b))) => Ok(Some(b)),
        Ok(Some(Err(e))) => Err(HttpError::Stream(format!("the answer from {host} broke off: {}", describe(&e)))),
    }
}

/// Reads a whole body of at most `limit` bytes (an error body, a listing, an IAM answer);
/// past the limit, the rest is not read and `truncated` says so.
pub async fn read_limited(
    resp: reqwest::Response,
    limit: usize,
    opts: &HttpOptions,
) -> Result<(Vec<u8>, bool), HttpError> {
    let host = resp.url().host_str().unwrap_or("").to_string();
    let mut stream = resp.bytes_stream();
    let mut out = Vec::new();
    while let Some(chunk) = next_chunk(&mut stream, &host, opts).await? {
        let room = limit - out.len();
        if chunk.len() > room {
            out.extend_from_slice(&chunk[..room]);
            return Ok((out, true));
        }
        out.extend_from_slice(&chunk);
    }
    Ok((out, false))
}

/// Runs a future to completion on the process's one runtime (single-threaded, made on first
/// use), so commands stay synchronous. Not for use inside a future.
pub fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, HttpError> {
    static RUNTIME: std::sync::OnceLock<Result<tokio::runtime::Runtime, String>> = std::sync::OnceLock::new();
    let rt = RUNTIME
        .get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string()));
    match rt {
        Ok(rt) => Ok(rt.block_on(f)),
        Err(e) => Err(HttpError::Setup(format!("cannot start the async runtime: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff() {
        assert_eq!(delay(0, Some("1")), Duration::from_secs(1));
        assert_eq!(delay(3, Some("9999")), Duration::from_secs(120));
        for a in 0..6 {
            let d = delay(a, None).as_secs_f64();
            let base = 0.5 * 2f64.powi(a as i32);
            assert!(d >= base * 0.5 - 1e-9 && d <= (base * 1.5).min(20.0) + 1e-9, "{a}: {d}");
        }
        assert!(idempotent("get") && !idempotent("POST"));
    }
}
