//! The one signing module: every gwctl command that authenticates a request comes here.
//!
//! Pure and synchronous: no I/O, no clap, no tokio. A scheme takes a [`Request`] (method, URL
//! parts, ordered headers), a [`Payload`] (the body's bytes or their precomputed SHA-256) and
//! a [`SigningTime`], and returns the headers to add, or a presigned URL ([`Signed`]).
//!
//! | scheme | file | header |
//! | --- | --- | --- |
//! | Basic | [`basic`] | `Authorization: Basic base64(user:pass)` |
//! | AWS SigV4 | [`sigv4`] | `Authorization: AWS4-HMAC-SHA256 …` or a presigned URL |
//! | APIPark/Apinto, Huawei APIG | [`aksk`] | `Authorization: HMAC-SHA256 …` / `SDK-HMAC-SHA256 …` |
//! | JWT | [`jwt`] | `Authorization: Bearer <jwt>` |
//! | static token | [`bearer`] | `Authorization: Bearer <token>` |
//! | none | [`Signer::None`] | nothing (the request is sent as it is) |
//!
//! ```
//! use gwctl::signing::sigv4::{AwsCredentials, SigV4Settings, SigV4Signer};
//! use gwctl::signing::{Payload, Request, SigningTime};
//! use secrecy::SecretString;
//!
//! // The `get-vanilla` case of the AWS SigV4 test suite.
//! let creds = AwsCredentials {
//!     access_key_id: "AKIDEXAMPLE".into(),
//!     secret_access_key: SecretString::from("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string()),
//!     session_token: None,
//! };
//! let signer = SigV4Signer::new(creds, SigV4Settings::new("us-east-1", "service")).unwrap();
//! let url = url::Url::parse("https://example.amazonaws.com/").unwrap();
//! let req = Request::from_url("GET", &url).unwrap();
//! let time = SigningTime::parse("20150830T123600Z").unwrap();
//! let signed = signer.sign(&req, &Payload::EMPTY, time).unwrap();
//! let (name, value) = signed.headers.last().unwrap();
//! assert_eq!(name, "Authorization");
//! assert!(value.ends_with("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
//! ```

mod canonical;
mod encoding;
mod request;
mod time;

pub mod aksk;
pub mod basic;
pub mod bearer;
pub mod jwt;
pub mod sigv4;
pub mod verify;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

pub use request::{Payload, Request};
pub use time::SigningTime;

/// What a signer produced.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// Headers to add to the request, replacing any of the same name, in this order.
    pub headers: Vec<(String, String)>,
    /// The presigned URL, when presigning.
    pub url: Option<String>,
    /// For canonical-request schemes (SigV4, AK/SK): what was signed, for tests and `-v`.
    pub details: Option<SignatureDetails>,
}

impl Signed {
    /// The request's own headers with these signed ones merged in: a `Host` the signer added
    /// goes first, request headers the signer replaces (same name, any case, and any
    /// `Authorization` unless nothing was signed) are dropped, and the signer's other headers
    /// follow in order. Also
    /// returns the value of the `Host` the signer added, if any (a client derives the same
    /// `Host` from the URL, so it need not send it itself).
    pub fn merge_into(&self, request_headers: &[(String, String)]) -> (Vec<(String, String)>, Option<String>) {
        let mut out = Vec::with_capacity(request_headers.len() + self.headers.len());
        let mut auto_host = None;
        // `Signer::None` signs nothing: the request's own headers (an Authorization the user
        // wrote) go as they are.
        let signs = !self.headers.is_empty() || self.url.is_some();
        let replaced = |n: &str| {
            (signs && n.eq_ignore_ascii_case("authorization"))
                || self.headers.iter().any(|(s, _)| s.eq_ignore_ascii_case(n))
        };
        let mut rest = self.headers.iter().peekable();
        if let Some((n, v)) = rest.next_if(|(n, _)| n.eq_ignore_ascii_case("host")) {
            out.push((n.clone(), v.clone()));
            auto_host = Some(v.clone());
        }
        out.extend(request_headers.iter().filter(|(n, _)| !replaced(n)).cloned());
        out.extend(rest.cloned());
        (out, auto_host)
    }
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The headers carry credentials: show names only.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Signed").field("headers", &names).finish_non_exhaustive()
    }
}

/// The intermediate values of a canonical-request signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureDetails {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

/// Everything that can go wrong while signing. No variant carries a secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigningError {
    #[error("the URL has no host")]
    NoHost,
    #[error("invalid HTTP method: a method is one token such as GET or POST")]
    InvalidMethod,
    #[error("invalid header name {0:?}")]
    InvalidHeaderName(String),
    #[error("invalid time {0:?}: expected YYYYMMDDTHHMMSSZ (e.g. 20150830T123600Z) or RFC 3339")]
    InvalidTime(String),
    #[error("presigned URL expiry must be 1 to 604800 seconds (7 days), got {0}")]
    InvalidExpiry(u64),
    #[error("invalid payload hash: expected 64 hex digits")]
    InvalidPayloadHash,
    #[error("invalid SigV4 {0}: it must be non-empty, without '/', spaces or control characters")]
    InvalidScope(&'static str),
    #[error("invalid access key id: it must be non-empty, without '/', ',', spaces or control characters")]
    InvalidAccessKeyId,
    #[error("invalid {0}: it contains a control character or line break")]
    InvalidCredential(&'static str),
    #[error("a Basic user name must not contain ':'")]
    BasicUserHasColon,
    #[error("{0} cannot presign a URL; only sigv4 can")]
    PresignUnsupported(&'static str),
    #[error("unknown JWT algorithm {0:?} (expected one of {list})", list = jwt::ALGORITHMS.join(", "))]
    UnknownJwtAlgorithm(String),
    #[error("invalid JWT key: {0}")]
    InvalidJwtKey(String),
    #[error("invalid JWT claim: {0}")]
    InvalidJwtClaim(String),
    #[error("JWT signing failed: {0}")]
    Jwt(String),
}

impl SigningError {
    /// Whether the problem lies in the credential itself (key, secret, access key id, user name)
    /// rather than in the request.
    pub fn is_credential_problem(&self) -> bool {
        matches!(
            self,
            SigningError::InvalidJwtKey(_)
                | SigningError::InvalidCredential(_)
                | SigningError::InvalidAccessKeyId
                | SigningError::BasicUserHasColon
        )
    }

    /// The documented exit code: 4 for unusable credentials, 3 for bad input.
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        if self.is_credential_problem() {
            crate::exit::ExitCode::Credentials
        } else {
            crate::exit::ExitCode::InvalidInput
        }
    }
}

/// A configured signer of any scheme: what commands hold and call.
#[derive(Debug)]
pub enum Signer {
    Basic(basic::BasicSigner),
    SigV4(sigv4::SigV4Signer),
    AkSk(aksk::AkSkSigner),
    Jwt(jwt::JwtSigner),
    Bearer(bearer::BearerSigner),
    /// `--auth none`: adds nothing.
    None,
}

impl Signer {
    /// Signs with headers.
    pub fn sign(&self, req: &Request, payload: &Payload<'_>, time: SigningTime) -> Result<Signed, SigningError> {
        match self {
            Signer::Basic(s) => s.sign(req),
            Signer::SigV4(s) => s.sign(req, payload, time),
            Signer::AkSk(s) => s.sign(req, payload, time),
            Signer::Jwt(s) => s.sign(req, time),
            Signer::Bearer(s) => s.sign(req),
            Signer::None => Ok(Signed { headers: Vec::new(), url: None, details: None }),
        }
    }

    /// Presigns a URL (SigV4 only).
    pub fn presign(
        &self,
        req: &Request,
        payload: &Payload<'_>,
        time: SigningTime,
        expires: u64,
    ) -> Result<Signed, SigningError> {
        match self {
            Signer::SigV4(s) => s.presign(req, payload, time, expires),
            other => Err(SigningError::PresignUnsupported(other.scheme_name())),
        }
    }

    pub fn scheme_name(&self) -> &'static str {
        match self {
            Signer::Basic(_) => "basic",
            Signer::SigV4(_) => "sigv4",
            Signer::AkSk(s) => s.variant().name(),
            Signer::Jwt(_) => "jwt",
            Signer::Bearer(_) => "bearer",
            Signer::None => "none",
        }
    }
}

/// Signed headers plus `Host` when the request had none: the common shape of the simple schemes.
pub(crate) fn with_host(req: &Request, mut headers: Vec<(String, String)>) -> Signed {
    if req.header_value("host").is_none() {
        headers.insert(0, ("Host".into(), req.authority.clone()));
    }
    Signed { headers, url: None, details: None }
}

pub(crate) fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Whether `v` holds a C0 control character (NUL, tab, CR, LF, …) or DEL: what must never reach
/// a header line (a CR or LF would start a new header; RFC 7617 forbids every CTL in Basic).
pub(crate) fn has_control(v: &str) -> bool {
    v.bytes().any(|b| b.is_ascii_control())
}

/// Rejects credential values that cannot go in a header (CR, LF, NUL, tab, other C0 controls,
/// DEL) without echoing them: a credential error (exit 4).
pub(crate) fn check_header_safe(v: &str, what: &'static str) -> Result<(), SigningError> {
    if has_control(v) {
        return Err(SigningError::InvalidCredential(what));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_into_order() {
        let signed = Signed {
            headers: vec![
                ("Host".into(), "h".into()),
                ("X-Amz-Date".into(), "d".into()),
                ("Authorization".into(), "a".into()),
            ],
            url: None,
            details: None,
        };
        let user = vec![
            ("Content-Type".into(), "t".into()),
            ("x-amz-date".into(), "old".into()),
            ("authorization".into(), "mine".into()),
        ];
        let (h, auto) = signed.merge_into(&user);
        let names: Vec<&str> = h.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Host", "Content-Type", "X-Amz-Date", "Authorization"]);
        assert_eq!(auto.as_deref(), Some("h"));
    }

    #[test]
    fn none_signs_nothing_and_keeps_the_request_headers() {
        let url = url::Url::parse("http://127.0.0.1:5000/api/2.0/endpoints/").unwrap();
        let req = Request::from_url("GET", &url).unwrap();
        let signed = Signer::None.sign(&req, &Payload::EMPTY, SigningTime::parse("20150830T123600Z").unwrap()).unwrap();
        assert!(signed.headers.is_empty() && signed.url.is_none());
        let user = vec![("Authorization".to_string(), "Bearer mine".to_string()), ("Accept".into(), "x".into())];
        let (h, auto) = signed.merge_into(&user);
        assert_eq!(h, user);
        assert_eq!(auto, None);
        assert!(Signer::None.presign(&req, &Payload::EMPTY, SigningTime::now(), 60).is_err());
    }

    #[test]
    fn control_characters_are_refused_in_header_values() {
        for bad in ["a\nb", "a\rb", "a\0b", "a\tb", "a\x7fb", "\x1b[2J"] {
            assert_eq!(check_header_safe(bad, "x"), Err(SigningError::InvalidCredential("x")), "{bad:?}");
        }
        assert!(check_header_safe("plain value-with_chars/+=", "x").is_ok());
    }
}
