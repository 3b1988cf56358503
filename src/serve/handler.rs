//! One request: read the body (bounded), verify, inject faults, then answer with the echo model
//! or forward upstream. The OAuth2 endpoints (when configured) are answered before any of that.

use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use futures_util::StreamExt as _;
use http_body_util::{BodyExt, Full, Limited, StreamBody, combinators::BoxBody};
use hyper::body::{Body as _, Frame, Incoming};
use hyper::{HeaderMap, Method, Request, Response, StatusCode, header};
use serde_json::{Value, json};

use super::oauth2::{self, Issuer};
use super::{Endpoint, EndpointType, Faults, Limits, LogSink, echo};
use crate::signing::SigningTime;
use crate::signing::verify::{Received, Refusal, Verified, Verifier};

type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub(super) type Body = BoxBody<Bytes, BoxError>;

pub(super) struct State {
    pub verifier: Arc<Verifier>,
    pub endpoints: Vec<Endpoint>,
    pub upstream: Option<(url::Url, reqwest::Client)>,
    pub faults: Faults,
    pub rng: Mutex<fastrand::Rng>,
    pub explain: bool,
    pub log: Option<LogSink>,
    pub limits: Limits,
    pub counter: AtomicU64,
    pub oauth2: Option<Arc<Issuer>>,
    /// The endpoint listing's body and each endpoint's description (in `endpoints` order),
    /// serialised once.
    pub answers: Answers,
}

pub(super) struct Answers {
    list: Bytes,
    each: Vec<Bytes>,
}

impl Answers {
    pub(super) fn new(endpoints: &[Endpoint]) -> Self {
        let list: Vec<Value> = endpoints.iter().map(describe).collect();
        Self {
            list: Bytes::from(json!({ "endpoints": list }).to_string()),
            each: endpoints.iter().map(|e| Bytes::from(describe(e).to_string())).collect(),
        }
    }
}

/// Headers never forwarded upstream: hop-by-hop ones, and the client's credentials.
const DROP_UPSTREAM: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-api-key",
    "x-gateway-date",
    "x-mlflow-authorization",
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
];

/// What one request came to, for the log.
struct Outcome {
    response: Response<Body>,
    identity: String,
    result: String,
    explain: Option<(String, String)>,
}

pub(super) async fn handle(state: Arc<State>, req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let start = Instant::now();
    let method = req.method().clone();
    let path: String = req.uri().path().chars().take(200).map(|c| if c.is_control() { '?' } else { c }).collect();
    let out = process(&state, req).await;
    let mut response = out.response;
    let ms = start.elapsed().as_millis();
    if let Ok(v) = header::HeaderValue::from_str(&ms.to_string()) {
        response.headers_mut().insert("x-mlflow-gateway-duration-ms", v);
    }
    if let Some(log) = &state.log {
        let mut line = format!(
            "{} {method} {path} identity={} status={} result={} latency_ms={ms}",
            SigningTime::now().amz_date(),
            out.identity,
            response.status().as_u16(),
            out.result,
        );
        if let Some((creq, sts)) = &out.explain {
            line.push_str(&format!(
                " canonical_request={} string_to_sign={}",
                Value::from(creq.as_str()),
                Value::from(sts.as_str())
            ));
        }
        log(&line);
    }
    Ok(response)
}

fn full(b: impl Into<Bytes>) -> Body {
    Full::new(b.into()).map_err(|never: Infallible| match never {}).boxed()
}

fn json_response(status: u16, v: &Value) -> Response<Body> {
    json_bytes(status, Bytes::from(v.to_string()))
}

fn json_bytes(status: u16, body: Bytes) -> Response<Body> {
    let mut r = Response::new(full(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    r
}

fn detail(status: u16, msg: &str) -> Response<Body> {
    json_response(status, &json!({ "detail": msg }))
}

fn outcome(response: Response<Body>, identity: &str, result: &str) -> Outcome {
    Outcome { response, identity: identity.to_string(), result: result.to_string(), explain: None }
}

async fn process(state: &Arc<State>, req: Request<Incoming>) -> Outcome {
    // Health checks are never authenticated (load balancers and `gwctl doctor` probe them).
    let health = req.method() == Method::GET && req.uri().path() == "/health";
    if health && state.upstream.is_none() {
        return outcome(json_response(200, &json!({"status": "OK"})), "-", "ok");
    }
    let (parts, body) = req.into_parts();
    if let Some(issuer) = &state.oauth2
        && let Some(r) = oauth2::Route::of(parts.uri.path())
    {
        return oauth2_endpoint(state, issuer, r, &parts, body).await;
    }
    let bytes = match read_body(state, &parts, body, state.limits.max_body_bytes).await {
        Ok(b) => b,
        Err(o) => return o,
    };

    if health && let Some((base, client)) = &state.upstream {
        let r = forward(base, client, &parts, bytes).await;
        return outcome(r, "-", "ok");
    }
    let verified = match verify(state, &parts, &bytes).await {
        Ok(v) => v,
        Err(refusal) => return refused(state, refusal),
    };
    let identity = verified.identity.clone();

    // Faults: three draws per request, so a seed gives the same sequence whatever happens.
    // (Without faults nothing is drawn: the shared generator's lock is not taken per request.)
    let (d429, d500, dcut) = if state.faults.any() {
        let mut rng = state.rng.lock().unwrap_or_else(|e| e.into_inner());
        (rng.f64(), rng.f64(), rng.f64())
    } else {
        (1.0, 1.0, 1.0)
    };
    if !state.faults.latency.is_zero() {
        tokio::time::sleep(state.faults.latency).await;
    }
    if d429 < state.faults.rate_429 {
        let mut r = json_response(429, &json!({"error": "Rate limit exceeded (injected by gwctl serve --fault 429)"}));
        if let Ok(v) = header::HeaderValue::from_str(&state.faults.retry_after_secs.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return outcome(r, &identity, "fault_429");
    }
    if d500 < state.faults.rate_500 {
        let r = json_response(500, &json!({"error": "Internal error (injected by gwctl serve --fault 500)"}));
        return outcome(r, &identity, "fault_500");
    }
    let cut = dcut < state.faults.cut_stream_rate;

    if let Some((base, client)) = &state.upstream {
        let r = forward(base, client, &parts, bytes).await;
        let result = if r.status().is_success() { "ok" } else { "upstream_error" };
        return outcome(r, &identity, result);
    }
    let (r, result) = route(state, &parts.method, parts.uri.path(), &bytes, cut);
    outcome(r, &identity, result)
}

/// The body, at most `max` bytes (refused from `Content-Length` before reading), within the
/// body-read timeout.
async fn read_body(
    state: &State,
    parts: &hyper::http::request::Parts,
    body: Incoming,
    max: usize,
) -> Result<Bytes, Outcome> {
    let declared =
        parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(outcome(too_large(max), "-", "body_too_large"));
    }
    // No body (a GET): nothing to wait for, so no timer is set.
    if body.is_end_stream() {
        return Ok(Bytes::new());
    }
    match tokio::time::timeout(state.limits.body_read_timeout, Limited::new(body, max).collect()).await {
        Err(_) => Err(outcome(detail(408, "the request body did not arrive in time"), "-", "body_timeout")),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(outcome(too_large(max), "-", "body_too_large"))
        }
        Ok(Err(_)) => Err(outcome(detail(400, "the request body could not be read"), "-", "body_error")),
        Ok(Ok(c)) => Ok(c.to_bytes()),
    }
}

/// Discovery, JWKS and the token endpoint: never behind the gateway's own authentication,
/// faults or upstream.
async fn oauth2_endpoint(
    state: &State,
    issuer: &Issuer,
    route: oauth2::Route,
    parts: &hyper::http::request::Parts,
    body: Incoming,
) -> Outcome {
    let get = parts.method == Method::GET || parts.method == Method::HEAD;
    let no_store = |mut r: Response<Body>| {
        let h = r.headers_mut();
        h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        h.insert(header::PRAGMA, header::HeaderValue::from_static("no-cache"));
        r
    };
    match route {
        oauth2::Route::Metadata | oauth2::Route::Jwks if !get => {
            let mut r = json_response(405, &json!({"error": "invalid_request", "error_description": "use GET"}));
            r.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
            outcome(r, "-", "method_not_allowed")
        }
        oauth2::Route::Metadata => outcome(json_response(200, &issuer.metadata()), "-", "ok"),
        oauth2::Route::Jwks => outcome(json_response(200, issuer.jwks()), "-", "ok"),
        oauth2::Route::Token if parts.method != Method::POST => {
            let body = json!({"error": "invalid_request", "error_description": "the token endpoint takes POST"});
            let mut r = no_store(json_response(405, &body));
            r.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("POST"));
            outcome(r, "-", "method_not_allowed")
        }
        oauth2::Route::Token => {
            let bytes = match read_body(state, parts, body, oauth2::MAX_TOKEN_REQUEST).await {
                Ok(b) => b,
                Err(o) => return o,
            };
            let text = |n: header::HeaderName| parts.headers.get(n).and_then(|v| v.to_str().ok());
            let answer =
                issuer.token(text(header::AUTHORIZATION), text(header::CONTENT_TYPE), &bytes, SigningTime::now());
            let mut r = no_store(json_response(answer.status, &answer.body));
            if let Some(w) = answer.www_authenticate() {
                r.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static(w));
            }
            Outcome { response: r, identity: answer.identity, result: answer.result, explain: None }
        }
    }
}

fn too_large(max: usize) -> Response<Body> {
    let mut r = detail(413, &format!("the request body is larger than {max} bytes"));
    r.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    r
}

async fn verify(state: &Arc<State>, parts: &hyper::http::request::Parts, body: &Bytes) -> Result<Verified, Refusal> {
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let method = parts.method.as_str().to_string();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let now = SigningTime::now();
    let run = move |v: &Verifier, headers: &[(String, String)], body: &[u8]| {
        v.verify(&Received { method: &method, path: &path, query: query.as_deref(), headers, body }, now)
    };
    let probe = Received { method: parts.method.as_str(), path: "", query: None, headers: &headers, body: b"" };
    if state.verifier.may_block(&probe) {
        // bcrypt takes milliseconds: keep it off the threads that serve connections.
        let verifier = state.verifier.clone();
        let body = body.clone();
        match tokio::task::spawn_blocking(move || run(&verifier, &headers, &body)).await {
            Ok(r) => r,
            Err(_) => Err(Refusal {
                reason: crate::signing::verify::Reason::MalformedAuthorization("verification failed".into()),
                scheme: Some("basic"),
                details: None,
            }),
        }
    } else {
        run(&state.verifier, &headers, body)
    }
}

/// The session token is a secret even in an explanation: its value is replaced.
fn redact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with("x-amz-security-token:") {
            out.push_str("x-amz-security-token:<redacted>");
        } else if let Some(pos) = line.find("X-Amz-Security-Token=") {
            let start = pos + "X-Amz-Security-Token=".len();
            let end = line[start..].find('&').map_or(line.len(), |e| start + e);
            out.push_str(&line[..start]);
            out.push_str("<redacted>");
            out.push_str(&line[end..]);
        } else {
            out.push_str(line);
        }
    }
    out
}

fn refused(state: &State, refusal: Refusal) -> Outcome {
    let mut error = json!({
        "code": refusal.reason.code(),
        "message": refusal.reason.to_string(),
        "scheme": refusal.scheme,
    });
    let mut explain = None;
    if let (true, Some(d)) = (state.explain, &refusal.details) {
        let (creq, sts) = (redact(&d.canonical_request), d.string_to_sign.clone());
        error["canonical_request"] = Value::from(creq.as_str());
        error["string_to_sign"] = Value::from(sts.as_str());
        explain = Some((creq, sts));
    }
    let mut r = json_response(refusal.status(), &json!({ "error": error }));
    if let Some(w) = refusal.www_authenticate()
        && let Ok(v) = header::HeaderValue::from_str(&w)
    {
        r.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    Outcome { response: r, identity: "-".into(), result: format!("refused:{}", refusal.reason.code()), explain }
}

fn route(state: &State, method: &Method, path: &str, body: &[u8], cut: bool) -> (Response<Body>, &'static str) {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let not_found = || (detail(404, "Not Found"), "not_found");
    let get = method == Method::GET;
    let post = method == Method::POST;
    match segs.as_slice() {
        ["api", "2.0", "endpoints"] | ["api", "2.0", "endpoints", ""] | ["api", "2.0", "gateway", "routes", ""] => {
            if !get {
                return (detail(405, "Method Not Allowed"), "method_not_allowed");
            }
            (json_bytes(200, state.answers.list.clone()), "ok")
        }
        ["api", "2.0", "endpoints", name] | ["api", "2.0", "gateway", "routes", name] => {
            if !get {
                return (detail(405, "Method Not Allowed"), "method_not_allowed");
            }
            match state.endpoints.iter().position(|e| e.name == *name) {
                Some(i) => (json_bytes(200, state.answers.each[i].clone()), "ok"),
                None => not_found(),
            }
        }
        ["endpoints", name, "invocations"] | ["gateway", name, "invocations"] => {
            if !post {
                return (detail(405, "Method Not Allowed"), "method_not_allowed");
            }
            let Some(ep) = state.endpoints.iter().find(|e| e.name == *name) else { return not_found() };
            let body = match parse_body(body) {
                Ok(b) => b,
                Err(m) => return (detail(422, &m), "bad_body"),
            };
            if body.get("model").is_some() {
                return (
                    detail(
                        422,
                        "The parameter 'model' is not allowed on /endpoints/NAME/invocations: the endpoint sets it",
                    ),
                    "bad_body",
                );
            }
            invoke(state, ep, &body, false, cut)
        }
        ["v1", rest @ ..] => {
            let want = match rest {
                ["chat", "completions"] => EndpointType::Chat,
                ["completions"] => EndpointType::Completions,
                ["embeddings"] => EndpointType::Embeddings,
                _ => return not_found(),
            };
            if !post {
                return (detail(405, "Method Not Allowed"), "method_not_allowed");
            }
            let body = match parse_body(body) {
                Ok(b) => b,
                Err(m) => return (detail(422, &m), "bad_body"),
            };
            let Some(model) = body.get("model").and_then(Value::as_str) else {
                return (detail(422, "'model' (the endpoint name) is required"), "bad_body");
            };
            let Some(ep) = state.endpoints.iter().find(|e| e.name == model) else {
                return (
                    detail(404, &format!("Endpoint {:?} not found", model.chars().take(100).collect::<String>())),
                    "not_found",
                );
            };
            if ep.endpoint_type != want {
                let msg =
                    format!("Endpoint {:?} is of type {}, not {}", ep.name, ep.endpoint_type.as_str(), want.as_str());
                return (detail(400, &msg), "wrong_endpoint_type");
            }
            invoke(state, ep, &body, true, cut)
        }
        _ => not_found(),
    }
}

fn describe(e: &Endpoint) -> Value {
    json!({
        "name": e.name,
        "endpoint_type": e.endpoint_type.as_str(),
        "model": {"name": e.model, "provider": e.provider},
        "endpoint_url": format!("/gateway/{}/invocations", e.name),
        "limit": null,
    })
}

/// The JSON object body, or the 422 message.
fn parse_body(body: &[u8]) -> Result<Value, String> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err("the body must be a JSON object".into()),
        Err(e) => Err(format!("the body is not valid JSON: {e}")),
    }
}

fn invoke(state: &State, ep: &Endpoint, body: &Value, openai: bool, cut: bool) -> (Response<Body>, &'static str) {
    let n = state.counter.fetch_add(1, Ordering::Relaxed);
    let id = format!("gwctl-echo-{n}");
    let created = SigningTime::now().unix();
    let answer = match ep.endpoint_type {
        EndpointType::Embeddings => {
            return match echo::embeddings(body, &ep.model) {
                Ok(v) => (json_response(200, &v), "ok"),
                Err(e) => (detail(422, &e.0), "bad_body"),
            };
        }
        EndpointType::Chat => echo::chat(body),
        EndpointType::Completions => echo::completions(body),
    };
    let answer = match answer {
        Ok(a) => a,
        Err(e) => return (detail(422, &e.0), "bad_body"),
    };
    if body.get("stream").and_then(Value::as_bool) != Some(true) {
        return (json_response(200, &echo::response(ep, &answer, &id, created)), "ok");
    }
    let events = echo::stream_events(ep, &answer, &id, created, openai);
    let pause = state.limits.stream_pause;
    // States: 0.. the index of the next event; CUT: send half an event; END: fail the body.
    const CUT: usize = usize::MAX - 1;
    const END: usize = usize::MAX;
    let stream = futures_util::stream::unfold((events, 0usize), move |(events, i)| async move {
        match i {
            END => None,
            CUT => {
                // Let the half event go out before the connection is dropped.
                tokio::time::sleep(pause).await;
                Some((Err::<Frame<Bytes>, BoxError>("stream cut off (injected fault)".into()), (events, END)))
            }
            _ if cut && i == 1 => {
                tokio::time::sleep(pause).await;
                Some((Ok(Frame::data(Bytes::from_static(b"data: {\"choices\": [{\"delta\": {\"cont"))), (events, CUT)))
            }
            _ => {
                let ev = events.get(i)?.clone();
                if i > 0 {
                    tokio::time::sleep(pause).await;
                }
                Some((Ok(Frame::data(Bytes::from(ev))), (events, i + 1)))
            }
        }
    });
    let mut r = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/event-stream"));
    h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    (r, if cut { "fault_stream_cut" } else { "ok" })
}

async fn forward(
    base: &url::Url,
    client: &reqwest::Client,
    parts: &hyper::http::request::Parts,
    body: Bytes,
) -> Response<Body> {
    let mut url = base.clone();
    let joined = format!("{}{}", base.path().trim_end_matches('/'), parts.uri.path());
    url.set_path(&joined);
    url.set_query(parts.uri.query());
    let mut headers = HeaderMap::new();
    for (n, v) in &parts.headers {
        let name = n.as_str();
        if DROP_UPSTREAM.contains(&name) || name.starts_with("x-amz-") || name.starts_with("x-sdk-") {
            continue;
        }
        headers.append(n.clone(), v.clone());
    }
    // A presigned URL's credentials live in the query: drop them too.
    if parts.uri.query().is_some_and(|q| q.contains("X-Amz-")) {
        let kept: Vec<&str> =
            parts.uri.query().unwrap_or("").split('&').filter(|p| !p.starts_with("X-Amz-") && !p.is_empty()).collect();
        let joined = kept.join("&");
        url.set_query(if joined.is_empty() { None } else { Some(&joined) });
    }
    let sent = client.request(parts.method.clone(), url).headers(headers).body(body).send().await;
    let resp = match sent {
        Ok(r) => r,
        Err(e) => {
            let kind = if e.is_timeout() {
                "timed out"
            } else if e.is_connect() {
                "refused the connection"
            } else {
                "failed"
            };
            return json_response(
                502,
                &json!({"error": {"code": "upstream_unreachable", "message": format!("the upstream gateway {kind}")}}),
            );
        }
    };
    let status = resp.status();
    let mut out_headers = HeaderMap::new();
    for (n, v) in resp.headers() {
        if DROP_UPSTREAM.contains(&n.as_str()) {
            continue;
        }
        out_headers.append(n.clone(), v.clone());
    }
    let stream = resp.bytes_stream().map(|chunk| chunk.map(Frame::data).map_err(|e| Box::new(e) as BoxError));
    let mut r = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    *r.status_mut() = status;
    *r.headers_mut() = out_headers;
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_tokens() {
        let s = "GET\n/\nA=1&X-Amz-Security-Token=abc%2B&b=2\nhost:x\nx-amz-security-token:abc\n";
        let r = redact(s);
        assert!(!r.contains("abc"), "{r}");
        assert!(r.contains("X-Amz-Security-Token=<redacted>&b=2"));
    }
}
