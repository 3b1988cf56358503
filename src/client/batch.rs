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
}

impl BatchExecutor {
    /// `client` should have `retries = 0` (the runner retries).
    pub fn new(client: Client, targets: BatchTargets, headers: Vec<(String, String)>) -> Self {
        BatchExecutor { client, targets, headers, max_body: MAX_HELD_BODY, last_url: Default::default() }
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
        let host = out.url.host_str().unwrap_or("").to_string();
        let start = Instant::now();
        let resp = self.client.execute(&out, &mut |_, _, _, _| {}).await.map_err(client_error)?;
        let ttfb = start.elapsed();
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .filter(|(n, _)| ExecResponse::keep_header(n.as_str()))
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let is_sse = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/event-stream"));
        let opts = self.client.options();
        let mut stream = resp.bytes_stream();
        let body = if is_sse && status < 300 {
            let mut parser = SseParser::default();
            let mut collector = StreamCollector::new(self.max_body);
            while let Some(chunk) = http::next_chunk(&mut stream, &host, opts).await.map_err(http_error)? {
                for ev in parser.push(&chunk) {
                    collector.push(&ev.data).map_err(stream_error)?;
                }
                if let Some(f) = parser.failed() {
                    return Err(stream_error(f.to_string()));
                }
            }
            parser.finish().map_err(stream_error)?;
            collector.finish()
        } else {
            let mut out = Vec::new();
            while let Some(chunk) = http::next_chunk(&mut stream, &host, opts).await.map_err(http_error)? {
                if out.len() + chunk.len() > self.max_body {
                    return Err(ExecError {
                        kind: ExecErrorKind::Other,
                        message: format!("the answer is larger than {} bytes: not kept", self.max_body),
                    });
                }
                out.extend_from_slice(&chunk);
            }
            out
        };
        let total = start.elapsed();
        Ok(ExecResponse::new(status, headers.iter().map(|(n, v)| (n.as_str(), v.as_str())), body, ttfb, total))
    }
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
