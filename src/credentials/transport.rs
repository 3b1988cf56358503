//! The [`TokenTransport`] for token endpoints and STS, on reqwest: no redirects (a redirected
//! POST would carry the client secret elsewhere), every wait bounded, at most
//! [`MAX_RESPONSE_BYTES`] + 1 body bytes read, and only the redacted request logged.

use std::time::Duration;

use crate::net::NetSettings;
use crate::tokens::{FormPost, MAX_RESPONSE_BYTES, RawResponse, TokenTransport, TransportError};

/// How long one exchange may take in all (connect, send, answer).
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(30);
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct HttpTransport {
    client: reqwest::Client,
}

impl HttpTransport {
    /// A transport with the command's network settings (`--cacert`, `--insecure`, `--proxy`,
    /// `--noproxy`): a token fetch goes the way the call it is for goes.
    pub fn new(net: &NetSettings) -> Result<Self, TransportError> {
        let setup = |e: crate::request::RequestError| TransportError::new(e.to_string());
        let roots = net.extra_roots().map_err(setup)?;
        let b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            // No idle connections kept: token endpoints are asked once per token lifetime, longer
            // than servers keep an idle connection (Node closes one after 5 s), and a pooled
            // connection is tied to the runtime that opened it.
            .pool_max_idle_per_host(0)
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(EXCHANGE_TIMEOUT)
            .user_agent(concat!("gwctl/", env!("CARGO_PKG_VERSION")));
        let client = net
            .apply_tls(net.apply_proxy(b).map_err(setup)?, &roots)
            .build()
            .map_err(|e| TransportError::new(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Self { client })
    }

    async fn read(resp: reqwest::Response) -> Result<RawResponse, TransportError> {
        let status = resp.status().as_u16();
        let ct = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut resp = resp;
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(describe)? {
            let room = MAX_RESPONSE_BYTES + 1 - body.len();
            if chunk.len() >= room {
                body.extend_from_slice(&chunk[..room]);
                break;
            }
            body.extend_from_slice(&chunk);
        }
        crate::log::verbose(format_args!("answer: HTTP {status}, {} bytes", body.len()));
        Ok(RawResponse::new(status, ct.as_deref(), body))
    }
}

fn describe(e: reqwest::Error) -> TransportError {
    if e.is_timeout() {
        return TransportError::new(format!("no answer within {} s", EXCHANGE_TIMEOUT.as_secs()));
    }
    let mut s = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(inner) = src {
        s = format!("{s}: {inner}");
        src = inner.source();
    }
    TransportError::new(s)
}

impl TokenTransport for HttpTransport {
    async fn post_form(&self, req: &FormPost) -> Result<RawResponse, TransportError> {
        crate::log::verbose(format_args!("token request:\n{}", req.redacted()));
        let mut b = self.client.post(req.url.clone());
        for (k, v) in &req.headers {
            b = b.header(k, v);
        }
        let resp = b.body(req.body.to_vec()).send().await.map_err(describe)?;
        Self::read(resp).await
    }

    async fn get(&self, url: &url::Url) -> Result<RawResponse, TransportError> {
        crate::log::verbose(format_args!("GET {url}"));
        let resp = self.client.get(url.clone()).header("Accept", "application/json").send().await.map_err(describe)?;
        Self::read(resp).await
    }
}
