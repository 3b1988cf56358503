//! The HTTP client: one place for timeouts, TLS, proxies, redirects and retries. Every attempt
//! is signed afresh through the shared signing module.

pub mod eventstream;
pub mod redact;
pub mod sse;

use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;

use crate::error::Error;
use crate::output::merge_headers;
use crate::request_spec::Body;
use crate::signing::{Request, Signer, SigningTime};

/// How requests are sent.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Whole-request timeout (until the response headers; a stream may run longer).
    pub timeout: Option<Duration>,
    pub connect_timeout: Duration,
    /// Extra attempts after the first.
    pub retries: u32,
    /// Retry non-idempotent requests on 429/5xx and timeouts too.
    pub retry_all: bool,
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            timeout: None,
            connect_timeout: Duration::from_secs(10),
            retries: 2,
            retry_all: false,
            cacert: None,
            insecure: false,
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
}

pub fn client(opts: &HttpOptions) -> Result<reqwest::Client, Error> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(opts.connect_timeout)
        .user_agent(concat!("gwctl/", env!("CARGO_PKG_VERSION")))
        // reqwest drops Authorization (and cookies) when a redirect leaves the host.
        .redirect(reqwest::redirect::Policy::limited(10));
    if let Some(path) = &opts.cacert {
        let pem = std::fs::read(path).map_err(|e| Error::io(format!("cannot read --cacert {}", path.display()), e))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| Error::Input(format!("--cacert {}: not a PEM certificate bundle ({e})", path.display())))?;
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    if opts.insecure {
        eprintln!("gwctl: warning: --insecure: TLS certificates are not verified");
        b = b.danger_accept_invalid_certs(true);
    }
    b.build().map_err(|e| Error::Input(format!("cannot set up the HTTP client: {e}")))
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
pub type RequestObserver<'a> = dyn FnMut(u32, &str, &str, &[(String, String)]) + 'a;

/// Signs `out` with `signer` and sends it, retrying per `opts`; each attempt is signed anew
/// (a fresh date, a fresh JWT). `on_request` sees each attempt's headers (for `-v`).
pub async fn send(
    client: &reqwest::Client,
    out: &Outgoing<'_>,
    signer: &Signer,
    opts: &HttpOptions,
    on_request: &mut RequestObserver<'_>,
) -> Result<reqwest::Response, Error> {
    let host = out.url.host_str().unwrap_or("").to_string();
    let mut attempt = 0u32;
    loop {
        let mut req = Request::from_url(&out.method, &out.url)?;
        req.headers = out.headers.clone();
        let signed = signer.sign(&req, &out.body.payload(), SigningTime::now())?;
        let (headers, auto_host) = merge_headers(&req.headers, &signed);
        on_request(attempt, &out.method, out.url.as_str(), &headers);

        let method = reqwest::Method::from_bytes(out.method.as_bytes())
            .map_err(|_| Error::Input(format!("invalid HTTP method {:?}", out.method)))?;
        let mut rb = client.request(method, out.url.clone());
        for (n, v) in &headers {
            if n.eq_ignore_ascii_case("host") && auto_host.as_deref() == Some(v.as_str()) {
                continue; // the client sends the same Host from the URL
            }
            rb = rb.header(n.as_str(), v.as_str());
        }
        if let Some(t) = opts.timeout {
            rb = rb.timeout(t);
        }
        rb = match out.body {
            Body::Empty => rb,
            Body::Bytes { data, .. } => rb.body(data.clone()),
            Body::File { path, len, .. } => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| Error::io(format!("cannot read body file {}", path.display()), e))?;
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
        match rb.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
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
                return Err(transport_error(&host, &e, opts).into());
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
        let secs = opts.timeout.unwrap_or(opts.connect_timeout).as_secs_f64();
        return HttpError::Timeout { host: host.into(), secs };
    }
    let reason = describe(e).replace('\n', " ");
    if e.is_connect() {
        HttpError::Connect { host: host.into(), reason }
    } else {
        HttpError::Other { host: host.into(), reason }
    }
}

/// Runs a future on a small single-threaded runtime (commands stay synchronous).
pub fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, Error> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::io("cannot start the async runtime", e))?;
    Ok(rt.block_on(f))
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
