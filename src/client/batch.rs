//! The batch executor (L3): one signed HTTP attempt per call of [`crate::batch::Executor`],
//! through ONE shared [`Client`] (connection pool, credentials cache, token refresh). The
//! runner owns retries, so the client is built with `retries = 0`.

use std::future::Future;
use std::time::Instant;

use crate::batch::stream::StreamCollector;
use crate::batch::{BatchRequest, ExecError, ExecErrorKind, ExecResponse, Executor};
use crate::client::{Client, ClientError, MAX_HELD_BODY};
use crate::exit::ExitCode;
use crate::gateway::stream::sse::SseParser;
use crate::http::{self, HttpError, Outgoing};
use crate::request::Body;

/// Where a line without its own `url` goes, and what a line's `url` path joins.
pub struct BatchTargets {
    /// The profile's URL (or `--url`): a line's `url` path joins it.
    pub base: Option<url::Url>,
    /// `--route` / `--endpoint`: lines without `url` go there.
    pub default: Option<url::Url>,
}

impl BatchTargets {
    /// The URL of one line, or a one-line reason it has none.
    pub fn resolve(&self, line_url: Option<&str>) -> Result<url::Url, String> {
        match line_url {
            None => {
                self.default.clone().ok_or_else(|| "the line has no url and no --route/--endpoint was given".into())
            }
            Some(u) if u.starts_with("http://") || u.starts_with("https://") => {
                url::Url::parse(u).map_err(|e| format!("invalid url: {e}"))
            }
            Some(path) => {
                let base = self
                    .base
                    .as_ref()
                    .ok_or_else(|| "the line's url is a path and the profile has no URL (pass --url)".to_string())?;
                join(base, path)
            }
        }
    }
}

/// Joins a path to a base URL, keeping the base's own path prefix (`https://h/prefix` +
/// `/v1/chat/completions` = `https://h/prefix/v1/chat/completions`).
fn join(base: &url::Url, path: &str) -> Result<url::Url, String> {
    let mut s = base.as_str().trim_end_matches('/').to_string();
    if base.query().is_some() || base.fragment().is_some() {
        let mut b = base.clone();
        b.set_query(None);
        b.set_fragment(None);
        s = b.as_str().trim_end_matches('/').to_string();
    }
    if !path.starts_with('/') {
        s.push('/');
    }
    s.push_str(path);
    url::Url::parse(&s).map_err(|e| format!("invalid url {path:?}: {e}"))
}

pub struct BatchExecutor {
    client: Client,
    targets: BatchTargets,
    /// Extra headers (`-H`), signed with every request.
    headers: Vec<(String, String)>,
    /// The largest answer body kept (a larger one fails the line).
    max_body: usize,
    /// The last line `url` resolved, and its URL: most lines of a file share one, and parsing
    /// it again (IDNA included) was a few percent of a line's time.
    last_url: std::sync::Mutex<Option<(String, url::Url)>>,
    /// Plain-HTTP URLs go over kept HTTP/1.1 connections ([`http::h1`]): no proxy applies.
    direct: bool,
}

impl BatchExecutor {
    /// `client` should have `retries = 0` (the runner retries).
    pub fn new(client: Client, targets: BatchTargets, headers: Vec<(String, String)>) -> Self {
        let direct = client.options().net.direct_plain_http();
        BatchExecutor { client, targets, headers, max_body: MAX_HELD_BODY, last_url: Default::default(), direct }
    }

    pub fn with_max_body(mut self, max: usize) -> Self {
        self.max_body = max.max(1);
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The request one attempt sends (before signing).
    pub fn outgoing<'a>(&self, req: &BatchRequest, body: &'a Body) -> Result<Outgoing<'a>, String> {
        let url = self.resolve(req.url.as_deref())?;
        let mut headers = self.headers.clone();
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if req.stream && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("accept")) {
            headers.push(("Accept".into(), "text/event-stream".into()));
        }
        Ok(Outgoing { method: req.method.clone(), url, headers, body, upload_progress: None })
    }

    fn resolve(&self, line_url: Option<&str>) -> Result<url::Url, String> {
        if let Some(u) = line_url
            && let Ok(last) = self.last_url.lock()
            && let Some((k, v)) = last.as_ref()
            && k == u
        {
            return Ok(v.clone());
        }
        let url = self.targets.resolve(line_url)?;
        if let Some(u) = line_url
            && let Ok(mut last) = self.last_url.lock()
        {
            *last = Some((u.to_string(), url.clone()));
        }
        Ok(url)
    }

    async fn attempt(&self, req: &BatchRequest) -> Result<ExecResponse, ExecError> {
        let body = if req.method == "GET" && req.body.is_empty() {
            Body::Empty
        } else {
            Body::Bytes { data: req.body.clone(), from_stdin: false }
        };
        let out = self.outgoing(req, &body).map_err(|m| ExecError { kind: ExecErrorKind::Other, message: m })?;
        if self.direct && out.url.scheme() == "http" {
            // `None`: a redirect or a 401, which the full execute step follows or refreshes.
            if let Some(done) = self.attempt_direct(&out).await? {
                return Ok(done);
            }
        }
        let host = out.url.host_str().unwrap_or("").to_string();
        let start = Instant::now();
        let resp = self.client.execute(&out, &mut |_, _, _, _| {}).await.map_err(client_error)?;
        let ttfb = start.elapsed();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let opts = self.client.options();
        let source = BodySource::Client { stream: Box::pin(resp.bytes_stream()), host: &host, opts };
        let body = self.read_body(status, &headers, source).await?;
        Ok(ExecResponse::new(status, header_pairs(&headers), body, ttfb, start.elapsed()))
    }

    /// One attempt over a kept plain-HTTP/1.1 connection ([`http::h1`]), signed as the
    /// execute step signs. `None` when the answer is a redirect, or a 401 to a credential that
    /// can be refreshed: the full execute step handles those (following it, refreshing).
    async fn attempt_direct(&self, out: &Outgoing<'_>) -> Result<Option<ExecResponse>, ExecError> {
        let (headers, _) = http::signed_headers(out, Some(self.client.auth())).await.map_err(http_error)?;
        let url = &out.url;
        let host = url.host_str().unwrap_or("");
        let origin = format!("{host}:{}", url.port_or_known_default().unwrap_or(80));
        // The Host a client derives from the URL: the port only when it is not the default.
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        };
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        let data = match out.body {
            Body::Bytes { data, .. } => bytes::Bytes::from(data.clone()),
            _ => bytes::Bytes::new(),
        };
        let opts = self.client.options();
        let start = Instant::now();
        let mut ex =
            http::h1::send(&origin, &authority, &out.method, &path, &headers, data, opts).await.map_err(http_error)?;
        let ttfb = start.elapsed();
        let redirect = matches!(ex.status, 301 | 302 | 303 | 307 | 308) && ex.headers.contains_key("location");
        // A 401 is sent again only when the credential can be refreshed (a token); a fixed
        // key's 401 is the answer.
        if redirect || (ex.status == 401 && self.client.auth().invalidate()) {
            return Ok(None);
        }
        let (status, headers) = (ex.status, std::mem::take(&mut ex.headers));
        let idle = opts.idle_timeout;
        let body = self.read_body(status, &headers, BodySource::Direct { ex: &mut ex, idle }).await?;
        Ok(Some(ExecResponse::new(status, header_pairs(&headers), body, ttfb, start.elapsed())))
    }

    /// Reads an answer's body through `next`: a stream (SSE) collected into one body, anything
    /// else bounded by `max_body`.
    async fn read_body(
        &self,
        status: u16,
        headers: &reqwest::header::HeaderMap,
        mut body: BodySource<'_>,
    ) -> Result<Vec<u8>, ExecError> {
        let is_sse = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.get(..17).is_some_and(|p| p.eq_ignore_ascii_case("text/event-stream")));
        if is_sse && status < 300 {
            let mut parser = SseParser::default();
            let mut collector = StreamCollector::new(self.max_body);
            while let Some(chunk) = body.next().await.map_err(http_error)? {
                for ev in parser.push(&chunk) {
                    collector.push(&ev.data).map_err(stream_error)?;
                }
                if let Some(f) = parser.failed() {
                    return Err(stream_error(f.to_string()));
                }
            }
            parser.finish().map_err(stream_error)?;
            return Ok(collector.finish());
        }
        let mut out = Vec::new();
        while let Some(chunk) = body.next().await.map_err(http_error)? {
            if out.len() + chunk.len() > self.max_body {
                return Err(ExecError {
                    kind: ExecErrorKind::Other,
                    message: format!("the answer is larger than {} bytes: not kept", self.max_body),
                });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

/// Where an answer's body comes from: the execute step's response, or a kept connection.
enum BodySource<'a> {
    Client {
        stream: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
        host: &'a str,
        opts: &'a crate::http::HttpOptions,
    },
    Direct {
        ex: &'a mut http::h1::Exchange,
        idle: std::time::Duration,
    },
}

impl BodySource<'_> {
    async fn next(&mut self) -> Result<Option<bytes::Bytes>, HttpError> {
        match self {
            BodySource::Client { stream, host, opts } => http::next_chunk(stream, host, opts).await,
            BodySource::Direct { ex, idle } => ex.next_chunk(*idle).await,
        }
    }
}

/// The headers the runner reads, as pairs.
fn header_pairs(headers: &reqwest::header::HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .iter()
        .filter(|(n, _)| ExecResponse::keep_header(n.as_str()))
        .filter_map(|(n, v)| Some((n.as_str(), v.to_str().ok()?)))
}

impl Executor for BatchExecutor {
    fn execute(&self, req: &BatchRequest) -> impl Future<Output = Result<ExecResponse, ExecError>> + Send {
        self.attempt(req)
    }
}

fn stream_error(message: String) -> ExecError {
    ExecError { kind: ExecErrorKind::Stream, message }
}

/// Classifies a failed attempt: connect and timeout are retried, a broken body too; a failure
/// to build or sign the request is final.
pub fn http_error(e: HttpError) -> ExecError {
    let kind = match &e {
        HttpError::Connect { .. } => ExecErrorKind::Connect,
        HttpError::Timeout { .. } => ExecErrorKind::Timeout,
        HttpError::Stream(_) => ExecErrorKind::Stream,
        // A reset mid-request (no response at all) is worth another attempt.
        HttpError::Other { .. } => ExecErrorKind::Connect,
        // A token endpoint or STS that could not be reached or answered 5xx: the credential may
        // come on the next attempt (a refused client or a bad setting stays final).
        HttpError::Auth(a) if matches!(a.exit_code(), ExitCode::Network | ExitCode::ServerStatus) => {
            ExecErrorKind::Connect
        }
        _ => ExecErrorKind::Other,
    };
    ExecError { kind, message: single_line(&e.to_string()) }
}

fn client_error(e: ClientError) -> ExecError {
    match e {
        ClientError::Http(h) => http_error(h),
        other => ExecError { kind: ExecErrorKind::Other, message: single_line(&other.to_string()) },
    }
}

fn single_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A redirect on the kept-connection path goes to the full execute step, which follows it;
    /// a plain answer is read over the kept connection; a 401 to a fixed credential is the
    /// answer, sent once.
    #[tokio::test]
    async fn direct_answers_and_redirects() {
        use std::io::{BufRead, BufReader, Read, Write};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let denied = std::sync::Arc::new(AtomicUsize::new(0));
        let seen = denied.clone();
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(s) = s else { return };
                let seen = seen.clone();
                std::thread::spawn(move || {
                    let mut r = BufReader::new(s.try_clone().unwrap());
                    let mut w = s;
                    loop {
                        let mut first = String::new();
                        if r.read_line(&mut first).unwrap_or(0) == 0 {
                            return;
                        }
                        let mut len = 0;
                        loop {
                            let mut h = String::new();
                            r.read_line(&mut h).unwrap();
                            if h == "\r\n" {
                                break;
                            }
                            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                                len = v.trim().parse().unwrap();
                            }
                        }
                        let mut body = vec![0; len];
                        r.read_exact(&mut body).unwrap();
                        let answer: &[u8] = if first.starts_with("POST /old ") {
                            b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"
                        } else if first.starts_with("POST /denied ") {
                            seen.fetch_add(1, Ordering::SeqCst);
                            b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 2\r\n\r\nno"
                        } else {
                            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
                        };
                        w.write_all(answer).unwrap();
                    }
                });
            }
        });
        let auth = crate::auth::Auth::new(
            crate::auth::AuthSettings::new(crate::scheme::AuthConfig::None),
            std::sync::Arc::new(crate::credentials::NoCredentials::new()),
        );
        let net = crate::net::NetSettings { noproxy: Some("*".into()), ..Default::default() };
        let opts = crate::http::HttpOptions { retries: 0, net, ..Default::default() };
        let client = Client::new(auth, opts).unwrap();
        let base = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        let exec = BatchExecutor::new(client, BatchTargets { base: Some(base), default: None }, Vec::new());
        assert!(exec.direct);
        let line = |url: &str| BatchRequest {
            line_no: 1,
            custom_id: "a".into(),
            method: "POST".into(),
            url: Some(url.into()),
            body: b"{}".to_vec(),
            stream: false,
            est_tokens: 1,
        };
        for url in ["/new", "/old", "/new"] {
            let r = exec.attempt(&line(url)).await.unwrap();
            assert_eq!((r.status, r.body.as_slice()), (200, &b"{\"a\":1}"[..]), "{url}");
        }
        let r = exec.attempt(&line("/denied")).await.unwrap();
        assert_eq!((r.status, r.body.as_slice(), denied.load(Ordering::SeqCst)), (401, &b"no"[..], 1));
    }

    #[test]
    fn targets() {
        let t = BatchTargets {
            base: Some(url::Url::parse("http://127.0.0.1:8080/gw/").unwrap()),
            default: Some(url::Url::parse("http://127.0.0.1:8080/gw/endpoints/chat/invocations").unwrap()),
        };
        assert_eq!(
            t.resolve(Some("/v1/chat/completions")).unwrap().as_str(),
            "http://127.0.0.1:8080/gw/v1/chat/completions"
        );
        assert_eq!(t.resolve(Some("https://x.example/a")).unwrap().as_str(), "https://x.example/a");
        assert_eq!(t.resolve(None).unwrap().path(), "/gw/endpoints/chat/invocations");
        let t = BatchTargets { base: None, default: None };
        assert!(t.resolve(None).is_err() && t.resolve(Some("/x")).is_err());
    }

    #[test]
    fn an_unreachable_token_endpoint_is_retried_a_refused_client_is_not() {
        use crate::auth::AuthError;
        use crate::credentials::CredentialError;
        use crate::tokens::oauth2::TokenError;
        let auth = |e: TokenError| http_error(HttpError::Auth(AuthError::Credential(CredentialError::OAuth2(e)))).kind;
        let url = "http://127.0.0.1:1/token".to_string();
        let unreachable = TokenError::Unreachable { url: url.clone(), message: "no answer within 30 s".into() };
        assert_eq!(auth(unreachable), ExecErrorKind::Connect);
        let busy = TokenError::Status { url: url.clone(), status: 503, detail: "busy".into() };
        assert_eq!(auth(busy), ExecErrorKind::Connect);
        let refused = TokenError::Refused { url, status: 401, error: "invalid_client".into(), description: None };
        assert_eq!(auth(refused), ExecErrorKind::Other);
    }
}
