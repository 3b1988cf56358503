//! The request model that every scheme signs.

use sha2::{Digest, Sha256};

use super::SigningError;

/// An HTTP request as it will go on the wire, minus its body.
///
/// `path` and `query` are signed exactly as given: pass them in wire form (as sent), which is
/// what [`Request::from_url`] does. Headers keep their order and may repeat.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// `http` or `https`; only used to rebuild a URL (presigning).
    pub scheme: String,
    /// `host[:port]`, the value of the `Host` header when the request carries none.
    pub authority: String,
    /// The path, starting with `/`.
    pub path: String,
    /// The raw query string without `?`, if any.
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// `host[:port]` of a URL as sent in `Host` (a default port is left out).
    pub fn authority_of(url: &url::Url) -> Result<String, SigningError> {
        let host = url.host_str().ok_or(SigningError::NoHost)?;
        Ok(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        })
    }

    /// A request for a parsed URL, in the exact form the URL serialises to (and so is sent).
    pub fn from_url(method: &str, url: &url::Url) -> Result<Self, SigningError> {
        let authority = Self::authority_of(url)?;
        Ok(Self {
            method: method.to_string(),
            scheme: url.scheme().to_string(),
            authority,
            path: url.path().to_string(),
            query: url.query().map(str::to_string),
            headers: Vec::new(),
        })
    }

    /// A request from raw parts: `path_and_query` is split at the first `?`.
    pub fn from_parts(method: &str, scheme: &str, authority: &str, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p, Some(q.to_string())),
            None => (path_and_query, None),
        };
        Self {
            method: method.to_string(),
            scheme: scheme.to_string(),
            authority: authority.to_string(),
            path: if path.is_empty() { "/".to_string() } else { path.to_string() },
            query,
            headers: Vec::new(),
        }
    }

    /// Adds a header (builder style).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// `scheme://authority/path?query`.
    pub fn url(&self) -> String {
        let mut s = format!("{}://{}{}", self.scheme, self.authority, self.path);
        if let Some(q) = &self.query {
            s.push('?');
            s.push_str(q);
        }
        s
    }

    pub(crate) fn validate(&self) -> Result<(), SigningError> {
        if self.method.is_empty() || !self.method.bytes().all(is_tchar) {
            return Err(SigningError::InvalidMethod);
        }
        for (name, _) in &self.headers {
            if name.is_empty() || !name.bytes().all(is_tchar) {
                return Err(SigningError::InvalidHeaderName(name.chars().take(64).collect()));
            }
        }
        Ok(())
    }
}

/// RFC 9110 `tchar`: what a method or header name may contain.
pub(crate) fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// The body as the signer sees it: the bytes themselves, or their SHA-256 computed elsewhere
/// (a large file is hashed by streaming, outside this module).
#[derive(Clone, Copy, Debug)]
pub enum Payload<'a> {
    Bytes(&'a [u8]),
    Sha256([u8; 32]),
}

impl Payload<'_> {
    pub const EMPTY: Payload<'static> = Payload::Bytes(b"");

    /// Lower-case hex SHA-256 of the body.
    pub fn sha256_hex(&self) -> String {
        match self {
            Payload::Bytes(b) => super::encoding::hex(&Sha256::digest(b)),
            Payload::Sha256(h) => super::encoding::hex(h),
        }
    }

    /// Parses a 64-digit hex digest into [`Payload::Sha256`].
    pub fn from_hex_digest(hex_digest: &str) -> Result<Payload<'static>, SigningError> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex_digest.trim(), &mut out).map_err(|_| SigningError::InvalidPayloadHash)?;
        Ok(Payload::Sha256(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_url_keeps_wire_form() {
        let url = url::Url::parse("https://h.example:8443/model/a%3A0/invoke?x=1 2").unwrap();
        let r = Request::from_url("POST", &url).unwrap();
        assert_eq!(r.authority, "h.example:8443");
        assert_eq!(r.path, "/model/a%3A0/invoke");
        assert_eq!(r.query.as_deref(), Some("x=1%202"));
        assert_eq!(r.url(), url.as_str());
        let v6 = url::Url::parse("http://[::1]:80/").unwrap();
        assert_eq!(Request::from_url("GET", &v6).unwrap().authority, "[::1]");
    }

    #[test]
    fn payload_hash() {
        assert_eq!(Payload::EMPTY.sha256_hex(), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let p = Payload::from_hex_digest(&Payload::Bytes(b"abc").sha256_hex()).unwrap();
        assert_eq!(p.sha256_hex(), Payload::Bytes(b"abc").sha256_hex());
        assert!(Payload::from_hex_digest("xyz").is_err());
    }
}
