//! Plain HTTP/1.1 to one origin at a time, with connections kept per thread: for the batch
//! runner's many small requests. It is hyper's connection API with none of reqwest's layers
//! (pool checkout, connector service, proxy matching, URL conversions): at 64 requests in flight
//! on loopback those layers were more of a request's time than the signing.
//!
//! Only for `http://` URLs that no proxy applies to ([`crate::net::NetSettings::direct_plain_http`]); TLS,
//! proxies, redirects and a 401 refresh stay with [`super::send`]. The request is built, signed
//! and checked as `send` does it ([`super::signed_headers`]); only the transport differs.
//!
//! Connections are kept in a thread-local pool per `host:port`: a batch runs each thread on its
//! own single-threaded runtime, so a connection is only ever used by the runtime that drives it.

use std::cell::RefCell;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;

use super::{HttpError, HttpOptions};
use crate::request::RequestError;

type Sender = SendRequest<Full<Bytes>>;

/// Idle connections kept per origin and thread at most.
const MAX_IDLE: usize = 512;

thread_local! {
    /// Idle connections per origin (a batch has one origin or a few: a list, not a map).
    static POOL: RefCell<Vec<(String, Vec<Sender>)>> = const { RefCell::new(Vec::new()) };
}

/// A response whose body is still to be read; its connection goes back to the pool once the
/// body has been read to the end.
pub struct Exchange {
    pub status: u16,
    pub headers: http::HeaderMap,
    body: Incoming,
    lease: Lease,
    host: String,
}

impl Exchange {
    /// The next piece of the body within the idle timeout; `Ok(None)` at the end.
    pub async fn next_chunk(&mut self, idle: Duration) -> Result<Option<Bytes>, HttpError> {
        loop {
            // Most answers are in by now (read with the headers): the timer is set only when
            // the next piece has yet to come.
            let ready = futures_util::FutureExt::now_or_never(self.body.frame()).map(Ok);
            let frame = match match ready {
                Some(r) => r,
                None => tokio::time::timeout(idle, self.body.frame()).await,
            } {
                Err(_) => {
                    return Err(HttpError::Stream(format!(
                        "{} sent nothing for {} s in the middle of the answer (--idle-timeout)",
                        self.host,
                        idle.as_secs_f64()
                    )));
                }
                Ok(None) => {
                    self.lease.reusable = true;
                    return Ok(None);
                }
                Ok(Some(Err(e))) => {
                    return Err(HttpError::Stream(format!("the answer from {} broke off: {e}", self.host)));
                }
                Ok(Some(Ok(f))) => f,
            };
            if let Ok(data) = frame.into_data()
                && !data.is_empty()
            {
                return Ok(Some(data));
            }
        }
    }
}

/// A connection in use: back to the pool when dropped, if its last answer was read whole.
struct Lease {
    origin: String,
    sender: Option<Sender>,
    reusable: bool,
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(s) = self.sender.take()
            && self.reusable
            && !s.is_closed()
        {
            let _ = POOL.try_with(|p| {
                let mut p = p.borrow_mut();
                let i = match p.iter().position(|(o, _)| *o == self.origin) {
                    Some(i) => i,
                    None => {
                        p.push((std::mem::take(&mut self.origin), Vec::new()));
                        p.len() - 1
                    }
                };
                if p[i].1.len() < MAX_IDLE {
                    p[i].1.push(s);
                }
            });
        }
    }
}

/// An idle connection to `origin` from this thread's pool.
fn pooled(origin: &str) -> Option<Sender> {
    POOL.try_with(|p| {
        let mut p = p.borrow_mut();
        let (_, idle) = p.iter_mut().find(|(o, _)| o == origin)?;
        while let Some(s) = idle.pop() {
            if s.is_ready() {
                return Some(s);
            }
        }
        None
    })
    .ok()
    .flatten()
}

async fn connect(origin: &str, host: &str, opts: &HttpOptions) -> Result<Sender, HttpError> {
    let connect_err = |reason: String| HttpError::Connect { host: host.to_string(), reason };
    let stream = match tokio::time::timeout(opts.connect_timeout, tokio::net::TcpStream::connect(origin)).await {
        Err(_) => return Err(HttpError::Timeout { host: host.to_string(), secs: opts.connect_timeout.as_secs_f64() }),
        Ok(Err(e)) => return Err(connect_err(e.to_string())),
        Ok(Ok(s)) => s,
    };
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .map_err(|e| connect_err(e.to_string()))?;
    tokio::spawn(async move {
        // Ends when the connection closes or its last sender is dropped.
        let _ = conn.await;
    });
    Ok(sender)
}

/// Sends one request to `origin` (`host:port`, what is connected to) and returns when its
/// response headers are in (within `opts.timeout`). `headers` are sent as given (they carry the
/// signature, and `Host` when the signer added one); without a `Host` among them, `authority`
/// (the URL's `host[:port]`, the port only when it is not the default) is sent, as reqwest
/// does. `User-Agent` and `Accept` are added as reqwest adds them when missing.
pub async fn send(
    origin: &str,
    authority: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(String, String)],
    body: Bytes,
    opts: &HttpOptions,
) -> Result<Exchange, HttpError> {
    let host = origin.rsplit_once(':').map_or(origin, |(h, _)| h).trim_matches(['[', ']']).to_string();
    let invalid = |what: String| HttpError::Request(RequestError::Input(what));
    // Built in place (a `Builder` moves the whole request at every header).
    let mut req = http::Request::new(Full::new(body));
    *req.method_mut() =
        http::Method::from_bytes(method.as_bytes()).map_err(|_| invalid(format!("invalid HTTP method {method:?}")))?;
    // (The path is not shown: its query may hold a key.)
    *req.uri_mut() = http::Uri::try_from(path_and_query)
        .map_err(|e| invalid(format!("cannot build the request: invalid path: {e}")))?;
    let too_many = |_| invalid("cannot build the request: too many headers".into());
    let map = req.headers_mut();
    map.try_reserve(headers.len() + 3).map_err(too_many)?;
    for (n, v) in headers {
        let name = http::HeaderName::from_bytes(n.as_bytes())
            .map_err(|_| invalid(format!("cannot build the request: invalid header name {n:?}")))?;
        let value = http::HeaderValue::from_str(v)
            .map_err(|_| invalid(format!("cannot build the request: invalid value for header {n}")))?;
        map.try_append(name, value).map_err(too_many)?;
    }
    if !map.contains_key(http::header::HOST) {
        let value = http::HeaderValue::from_str(authority)
            .map_err(|_| invalid(format!("cannot build the request: invalid host {authority:?}")))?;
        map.insert(http::header::HOST, value);
    }
    if !map.contains_key(http::header::USER_AGENT) {
        map.insert(
            http::header::USER_AGENT,
            http::HeaderValue::from_static(concat!("gwctl/", env!("CARGO_PKG_VERSION"))),
        );
    }
    if !map.contains_key(http::header::ACCEPT) {
        map.insert(http::header::ACCEPT, http::HeaderValue::from_static("*/*"));
    }

    let exchange = async {
        // A kept connection the server has closed in the meantime gives the request back
        // unsent: it then goes on a new connection (at most once).
        let mut reused = true;
        let mut sender = match pooled(origin) {
            Some(s) => s,
            None => {
                reused = false;
                connect(origin, &host, opts).await?
            }
        };
        loop {
            match sender.try_send_request(req).await {
                Ok(resp) => return Ok((resp, sender)),
                Err(mut e) => match e.take_message() {
                    Some(unsent) if reused => {
                        req = unsent;
                        reused = false;
                        sender = connect(origin, &host, opts).await?;
                    }
                    _ => {
                        let reason = e.into_error().to_string();
                        return Err(HttpError::Other { host: host.clone(), reason });
                    }
                },
            }
        }
    };
    let (resp, sender) = match opts.timeout {
        Some(t) => tokio::time::timeout(t, exchange)
            .await
            .map_err(|_| HttpError::Timeout { host: host.clone(), secs: t.as_secs_f64() })??,
        None => exchange.await?,
    };
    let (parts, body) = resp.into_parts();
    Ok(Exchange {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body,
        lease: Lease { origin: origin.to_string(), sender: Some(sender), reusable: false },
        host,
    })
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Reads one request (head and `Content-Length` body); `false` at end of stream.
    fn read_request(s: &mut std::net::TcpStream) -> bool {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match s.read(&mut byte) {
                Ok(1) => buf.push(byte[0]),
                _ => return false,
            }
        }
        let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
        let len = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len];
        s.read_exact(&mut body).is_ok()
    }

    /// A server answering each request with `answer(n)` (n counts requests); `close` ends the
    /// connection after each answer. Returns its `host:port` and the count of connections.
    fn server(answer: fn(usize) -> Vec<u8>, close: bool) -> (String, Arc<AtomicUsize>) {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap().to_string();
        let conns = Arc::new(AtomicUsize::new(0));
        let (c, n) = (conns.clone(), Arc::new(AtomicUsize::new(0)));
        std::thread::spawn(move || {
            for s in l.incoming() {
                let Ok(mut s) = s else { return };
                c.fetch_add(1, Ordering::SeqCst);
                let n = n.clone();
                std::thread::spawn(move || {
                    while read_request(&mut s) {
                        let _ = s.write_all(&answer(n.fetch_add(1, Ordering::SeqCst)));
                        if close {
                            return;
                        }
                    }
                });
            }
        });
        (addr, conns)
    }

    fn ok(_: usize) -> Vec<u8> {
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nx-request-id: r1\r\n\r\nhi".to_vec()
    }

    fn opts() -> HttpOptions {
        HttpOptions {
            timeout: Some(Duration::from_millis(500)),
            connect_timeout: Duration::from_secs(2),
            idle_timeout: Duration::from_millis(300),
            ..Default::default()
        }
    }

    async fn body(ex: &mut Exchange) -> Result<Vec<u8>, HttpError> {
        let mut out = Vec::new();
        while let Some(c) = ex.next_chunk(Duration::from_millis(300)).await? {
            out.extend_from_slice(&c);
        }
        Ok(out)
    }

    async fn post(addr: &str) -> Result<Exchange, HttpError> {
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        send(addr, addr, "POST", "/v1/x?a=1", &headers, Bytes::from_static(b"{}"), &opts()).await
    }

    #[tokio::test]
    async fn a_connection_is_kept_and_used_again() {
        let (addr, conns) = server(ok, false);
        for _ in 0..5 {
            let mut ex = post(&addr).await.unwrap();
            assert_eq!((ex.status, ex.headers["x-request-id"].to_str().unwrap()), (200, "r1"));
            assert_eq!(body(&mut ex).await.unwrap(), b"hi");
        }
        assert_eq!(conns.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_server_that_closes_after_each_answer_costs_a_connection_not_a_request() {
        let (addr, conns) =
            server(|_| b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi".to_vec(), true);
        for _ in 0..4 {
            let mut ex = post(&addr).await.unwrap();
            assert_eq!(body(&mut ex).await.unwrap(), b"hi");
        }
        assert_eq!(conns.load(Ordering::SeqCst), 4);
        // One that closes without saying so: a request may meet the close (a one-line error
        // the runner retries), never a hang; once the close is seen, a new connection is made.
        let (addr, _) = server(ok, true);
        for _ in 0..4 {
            match post(&addr).await {
                Ok(mut ex) => assert_eq!(body(&mut ex).await.unwrap(), b"hi"),
                Err(e) => assert!(matches!(e, HttpError::Other { .. }), "{e}"),
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(post(&addr).await.map(|e| e.status).ok(), Some(200));
    }

    #[tokio::test]
    async fn failures_are_one_line_errors_within_their_timeouts() {
        // Nothing listens.
        let dead = {
            let l = TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().to_string()
        };
        assert!(matches!(post(&dead).await, Err(HttpError::Connect { .. })));
        // Headers that never come.
        let (addr, _) = server(|_| Vec::new(), false);
        let started = std::time::Instant::now();
        assert!(matches!(post(&addr).await, Err(HttpError::Timeout { .. })));
        assert!(started.elapsed() < Duration::from_secs(2));
        // A body that stops half-way.
        let (addr, _) = server(|_| b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf".to_vec(), false);
        let mut ex = post(&addr).await.unwrap();
        let e = body(&mut ex).await.unwrap_err().to_string();
        assert!(e.contains("--idle-timeout"), "{e}");
        // An answer that is not HTTP.
        let (addr, _) = server(|_| b"SSH-2.0-OpenSSH\r\n\r\n".to_vec(), true);
        assert!(matches!(post(&addr).await, Err(HttpError::Other { .. })));
    }

    #[test]
    fn direct_only_without_a_proxy() {
        let mut n = crate::net::NetSettings { proxy: Some("http://proxy:3128".into()), ..Default::default() };
        assert!(!n.direct_plain_http());
        n.noproxy = Some("*".into());
        assert!(n.direct_plain_http());
    }
}
