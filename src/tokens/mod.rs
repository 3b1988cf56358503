//! Credentials that expire: OAuth2 client-credentials tokens ([`oauth2`]), AWS STS
//! `AssumeRole` sessions ([`sts`]) and the cache that keeps them until shortly before they
//! expire ([`cache`]).
//!
//! This module holds the protocol logic only. Every byte on the wire goes through a
//! [`TokenTransport`], which the HTTP layer implements with the real client (timeouts, TLS,
//! proxies): this module never opens a socket, so it is tested with canned answers and with a
//! real OpenID provider (`tests/oidc_fixture.rs`).
//!
//! ## Exit codes (see [`crate::exit::ExitCode`])
//! | what | code |
//! | --- | --- |
//! | a setting that is missing and cannot be inferred (`azure` without a tenant) | 2 usage |
//! | a malformed setting (URL, scope, role ARN, duration out of 900..43200 s), a plain-`http` token endpoint that is not loopback | 3 invalid input |
//! | the token endpoint or STS refused the client (`invalid_client`, `invalid_scope`, `unauthorized_client`, `invalid_grant`, `invalid_target`, `AccessDenied`, `ExpiredToken`, a refused MFA code); an unusable private key | 4 credentials |
//! | a role chain that loops or names an unknown profile | 7 profile |
//! | cannot connect, timed out; an answer that is not a usable token response (not JSON/XML, no `access_token`, a `token_type` other than Bearer, `expires_in` zero/negative/over a year, over 1 MiB); a discovery document that is unusable (issuer mismatch, plain-`http` token endpoint) | 8 network / protocol |
//! | any other 4xx without an OAuth2/STS error document (a wrong token URL answering 404) | 9 |
//! | 5xx, `server_error`, `temporarily_unavailable`, STS throttling | 10 |

use std::future::Future;

use zeroize::Zeroizing;

pub mod cache;
pub mod oauth2;
pub mod sts;

/// The most bytes a token endpoint, discovery document or STS answer may have. A transport
/// reads at most `MAX_RESPONSE_BYTES + 1` bytes (so that "too large" can be told apart) and
/// stops there.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// A form POST, ready to send: the URL, the headers (without `Host`, which the transport sets
/// from the URL; `Content-Type` included) and the body. The body and some header values
/// (`Authorization: Basic …`, `X-Amz-Security-Token`) are secret: `Debug` and
/// [`FormPost::redacted`] show neither.
pub struct FormPost {
    pub url: url::Url,
    pub headers: Vec<(String, String)>,
    pub body: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for FormPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Form fields whose values are secret (client authentication, STS MFA codes).
const SECRET_FIELDS: &[&str] = &["client_secret", "client_assertion", "TokenCode"];
/// Headers whose values are secret.
const SECRET_HEADERS: &[&str] = &["authorization", "x-amz-security-token", "proxy-authorization"];

impl FormPost {
    /// For `-v`: `POST url`, the headers with secret values replaced by `<redacted>` (the
    /// `Authorization` scheme word is kept) and the form with secret fields redacted.
    pub fn redacted(&self) -> String {
        let mut out = format!("POST {}", self.url);
        for (name, value) in &self.headers {
            let lower = name.to_ascii_lowercase();
            if SECRET_HEADERS.contains(&lower.as_str()) {
                match value.split_once(' ').map(|(s, _)| s).filter(|s| s.len() < 32) {
                    Some(scheme) => out.push_str(&format!("\n{name}: {scheme} <redacted>")),
                    None => out.push_str(&format!("\n{name}: <redacted>")),
                }
            } else {
                out.push_str(&format!("\n{name}: {value}"));
            }
        }
        out.push_str("\n\n");
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in url::form_urlencoded::parse(&self.body) {
            if SECRET_FIELDS.contains(&k.as_ref()) {
                ser.append_pair(&k, "<redacted>");
            } else {
                ser.append_pair(&k, &v);
            }
        }
        out.push_str(&ser.finish());
        out
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The decoded form fields, in order (for tests and checks; values may be secret).
    pub fn form(&self) -> Vec<(String, Zeroizing<String>)> {
        url::form_urlencoded::parse(&self.body).map(|(k, v)| (k.into_owned(), Zeroizing::new(v.into_owned()))).collect()
    }
}

/// What came back: the status, the `Content-Type` and the body (at most
/// [`MAX_RESPONSE_BYTES`] + 1 bytes; more means "too large").
#[derive(Clone)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl RawResponse {
    pub fn new(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Self {
        Self { status, content_type: content_type.map(str::to_string), body: Zeroizing::new(body.into()) }
    }

    fn describe(&self) -> String {
        let ct = self.content_type.as_deref().map(|c| sanitize(c, 60)).unwrap_or_else(|| "no content-type".into());
        format!("{ct}, {} bytes", self.body.len())
    }
}

/// The transport could not get an answer (connection refused, DNS, TLS, timeout). The message
/// is one line and names no secret (the URLs involved carry none).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransportError {
    pub message: String,
}

impl TransportError {
    pub fn new(message: impl std::fmt::Display) -> Self {
        Self { message: sanitize(&message.to_string(), 300) }
    }
}

/// How this module talks to token endpoints and STS. The HTTP layer implements it with the
/// real client. Requirements on an implementation:
/// - send exactly the given headers and body; set `Host` from the URL;
/// - do not follow redirects (a redirected POST would carry the client secret elsewhere);
/// - bound every wait by a timeout, and read at most [`MAX_RESPONSE_BYTES`] + 1 body bytes;
/// - log only [`FormPost::redacted`], never the body or headers themselves.
pub trait TokenTransport {
    /// `POST` the form.
    fn post_form(&self, req: &FormPost) -> impl Future<Output = Result<RawResponse, TransportError>>;
    /// `GET` a document (discovery) with `Accept: application/json`.
    fn get(&self, url: &url::Url) -> impl Future<Output = Result<RawResponse, TransportError>>;
}

/// Makes server-supplied text safe for a one-line message: control characters (line breaks,
/// escapes) become spaces, runs of whitespace collapse, and the result is cut to `max` chars.
pub fn sanitize(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 4));
    let mut last_space = true;
    let mut n = 0;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() { ' ' } else { c };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        if n == max {
            out.push('…');
            break;
        }
        out.push(c);
        n += 1;
    }
    out.trim_end().to_string()
}

/// `sanitize`, then every occurrence of each secret (of 4 characters or more) replaced by
/// `<redacted>`: a hostile or buggy server may echo what it was sent.
pub(crate) fn sanitize_without(text: &str, max: usize, secrets: &[&str]) -> String {
    let mut t = text.to_string();
    for s in secrets {
        if s.len() >= 4 {
            t = t.replace(s, "<redacted>");
        }
    }
    let mut out = sanitize(&t, max);
    for s in secrets {
        if s.len() >= 4 {
            out = out.replace(s, "<redacted>");
        }
    }
    out
}

/// Whether `url` points at this machine (`localhost`, `127.0.0.0/8`, `::1`): the only hosts a
/// plain-`http` token endpoint is accepted for.
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_is_one_line_and_bounded() {
        assert_eq!(sanitize("a\nb\r\n\tc  d\u{1b}[31m", 100), "a b c d [31m");
        assert_eq!(sanitize("abcdef", 3), "abc…");
        assert_eq!(sanitize_without("bad secret hunter22 here", 100, &["hunter22"]), "bad secret <redacted> here");
        assert_eq!(sanitize_without("x hun\nter22", 100, &["hun ter22"]), "x <redacted>");
    }

    #[test]
    fn loopback_hosts() {
        for u in ["http://127.0.0.1:9/", "http://localhost/", "http://[::1]:8/", "http://a.localhost/"] {
            assert!(is_loopback(&url::Url::parse(u).unwrap()), "{u}");
        }
        for u in ["http://10.0.0.1/", "http://example.com/", "http://localhost.example.com/"] {
            assert!(!is_loopback(&url::Url::parse(u).unwrap()), "{u}");
        }
    }

    #[test]
    fn redacted_post() {
        let p = FormPost {
            url: url::Url::parse("https://idp.example/token").unwrap(),
            headers: vec![
                ("Authorization".into(), "Basic c2VjcmV0".into()),
                ("Content-Type".into(), "application/x-www-form-urlencoded".into()),
            ],
            body: Zeroizing::new(b"grant_type=client_credentials&client_secret=hunter2&client_assertion=eyJ".to_vec()),
        };
        let r = format!("{p:?}");
        assert!(!r.contains("hunter2") && !r.contains("c2VjcmV0") && !r.contains("eyJ"), "{r}");
        assert!(r.contains("Authorization: Basic <redacted>"), "{r}");
        assert!(r.contains("grant_type=client_credentials"), "{r}");
    }
}
