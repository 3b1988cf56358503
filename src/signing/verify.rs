//! Verification: the server side of every scheme in this module.
//!
//! SigV4 and the AK/SK variants are verified by rebuilding the canonical request from the
//! request *as received* (raw path and query, the headers the client says it signed, the body),
//! signing it with the known secret through the very signers in [`super::sigv4`] and
//! [`super::aksk`], and comparing signatures in constant time. JWTs are checked with
//! jsonwebtoken (signature) and here (`exp`/`nbf`/`iat`/`iss`/`aud`, with a small leeway, against
//! the time given). Basic and bearer compare in constant time; htpasswd entries are bcrypt.
//!
//! Pure like the rest of the module: the time is an argument, nothing is read or fetched.
//! Every refusal is a typed [`Reason`]; with `explain`, a signature mismatch carries the
//! server's canonical request and string to sign. No reason or error carries a secret.

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine as _;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, errors::ErrorKind, jwk::JwkSet};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::aksk::{AkSkCredentials, AkSkSettings, AkSkSigner, AkSkVariant};
use super::sigv4::{ALGORITHM as SIGV4_ALGORITHM, AwsCredentials, MAX_PRESIGN_EXPIRES, SigV4Settings, SigV4Signer};
use super::{Payload, Request, SignatureDetails, SigningTime};

/// SigV4 header form: the largest difference between `X-Amz-Date` and the server's clock.
pub const SIGV4_MAX_SKEW_SECS: i64 = 300;
/// Huawei APIG and APIPark/Apinto: the largest difference between the date header and the clock
/// (Huawei documents 15 minutes).
pub const AKSK_MAX_SKEW_SECS: i64 = 900;
/// JWT `exp`/`nbf`/`iat` leeway.
pub const JWT_LEEWAY_SECS: i64 = 60;
/// Longest Authorization header or token looked at.
const MAX_AUTH_LEN: usize = 16 * 1024;

/// One accepted identity: the scheme, who, the secret material and the scheme's settings.
pub enum Identity {
    /// AWS SigV4 (header and presigned query) for this key, region and service.
    SigV4 { name: String, credentials: AwsCredentials, region: String, service: String },
    /// APIPark/Apinto or Huawei APIG AK/SK.
    AkSk { name: String, variant: AkSkVariant, credentials: AkSkCredentials },
    /// HTTP Basic with a plain password (compared in constant time).
    Basic { name: String, username: String, password: SecretString },
    /// A static bearer token (compared in constant time).
    Bearer { name: String, token: SecretString },
    /// JWTs signed with `key`. `algorithms` empty: any algorithm of the key's family.
    Jwt { name: String, key: JwtVerifyKey, issuer: Option<String>, audience: Vec<String>, algorithms: Vec<Algorithm> },
}

impl Identity {
    pub fn name(&self) -> &str {
        match self {
            Identity::SigV4 { name, .. }
            | Identity::AkSk { name, .. }
            | Identity::Basic { name, .. }
            | Identity::Bearer { name, .. }
            | Identity::Jwt { name, .. } => name,
        }
    }

    pub fn scheme(&self) -> &'static str {
        match self {
            Identity::SigV4 { .. } => "sigv4",
            Identity::AkSk { variant, .. } => variant.name(),
            Identity::Basic { .. } => "basic",
            Identity::Bearer { .. } => "bearer",
            Identity::Jwt { .. } => "jwt",
        }
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Identity {{ scheme: {}, name: {:?}, secret: <redacted> }}", self.scheme(), self.name())
    }
}

/// What a JWT is checked against.
pub enum JwtVerifyKey {
    /// An HMAC secret (HS256/384/512).
    Secret(zeroize::Zeroizing<Vec<u8>>),
    /// A PEM public key (RSA, EC P-256/P-384 or Ed25519; `PUBLIC KEY` or `RSA PUBLIC KEY`).
    PublicPem(Vec<u8>),
    /// A JWKS (`{"keys": [...]}`); a token's `kid` picks the key (a set of one needs no kid).
    Jwks(JwkSet),
}

impl std::fmt::Debug for JwtVerifyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwtVerifyKey::Secret(_) => f.write_str("JwtVerifyKey::Secret(<redacted>)"),
            JwtVerifyKey::PublicPem(_) => f.write_str("JwtVerifyKey::PublicPem"),
            JwtVerifyKey::Jwks(s) => write!(f, "JwtVerifyKey::Jwks({} keys)", s.keys.len()),
        }
    }
}

/// Parses a JWKS document (as `gwctl keys jwks` writes it).
pub fn parse_jwks(text: &str) -> Result<JwtVerifyKey, VerifyConfigError> {
    let set: JwkSet = serde_json::from_str(text).map_err(|e| VerifyConfigError::Jwks(one_line(&e.to_string())))?;
    if set.keys.is_empty() {
        return Err(VerifyConfigError::Jwks("it has no keys".into()));
    }
    Ok(JwtVerifyKey::Jwks(set))
}

/// One `user:bcrypt-hash` line of an htpasswd file.
#[derive(Clone)]
pub struct HtpasswdEntry {
    pub username: String,
    pub hash: String,
}

impl std::fmt::Debug for HtpasswdEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HtpasswdEntry {{ username: {:?}, hash: <redacted> }}", self.username)
    }
}

/// Parses an htpasswd file: `user:$2y$…` lines (bcrypt, as `gwctl scaffold nginx` and
/// `htpasswd -B` write them); blank lines and `#` comments are skipped. Other hash kinds are
/// refused with their line number.
pub fn parse_htpasswd(text: &str) -> Result<Vec<HtpasswdEntry>, VerifyConfigError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((user, hash)) = line.split_once(':') else {
            return Err(VerifyConfigError::Htpasswd(i + 1, "expected user:hash".into()));
        };
        if !["$2y$", "$2b$", "$2a$", "$2x$"].iter().any(|p| hash.starts_with(p)) {
            return Err(VerifyConfigError::Htpasswd(i + 1, "only bcrypt entries ($2y$…) are supported".into()));
        }
        out.push(HtpasswdEntry { username: user.to_string(), hash: hash.to_string() });
    }
    Ok(out)
}

/// A configuration the verifier cannot use. One line, no secret.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyConfigError {
    #[error("identity {0:?}: {1}")]
    Identity(String, String),
    #[error("the JWKS is not usable: {0}")]
    Jwks(String),
    #[error("htpasswd line {0}: {1}")]
    Htpasswd(usize, String),
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No `Authorization` header (nor presigned query).
    MissingAuthorization,
    /// The credentials could not be read; the text says what is wrong.
    MalformedAuthorization(String),
    /// An authorization scheme this server does not accept.
    UnsupportedScheme(String),
    /// No identity has this access key id / JWT `kid`.
    UnknownKeyId(String),
    /// The credential scope names another region or service.
    WrongScope {
        expected: String,
        got: String,
    },
    /// The recomputed signature differs.
    SignatureMismatch,
    /// `X-Amz-Content-SHA256` does not match the body.
    PayloadHashMismatch,
    /// The session token is missing, unexpected or different.
    InvalidSessionToken,
    /// The request time is this many seconds off the server's clock (positive: in the future).
    ClockSkew {
        seconds: i64,
    },
    /// A presigned URL or token expired this many seconds ago.
    Expired {
        seconds_ago: i64,
    },
    /// A token whose `nbf`/`iat` lies in the future.
    NotYetValid {
        seconds: i64,
    },
    WrongAudience,
    WrongIssuer,
    /// The JWT's algorithm is not accepted for its key.
    AlgorithmNotAccepted(String),
    UnknownUser,
    WrongPassword,
    /// A bearer token that matches no identity.
    InvalidToken,
}

impl Reason {
    /// A stable machine-readable code (the `code` of a refusal's JSON body).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::MissingAuthorization => "missing_authorization",
            Reason::MalformedAuthorization(_) => "malformed_authorization",
            Reason::UnsupportedScheme(_) => "unsupported_scheme",
            Reason::UnknownKeyId(_) => "unknown_key_id",
            Reason::WrongScope { .. } => "wrong_scope",
            Reason::SignatureMismatch => "signature_mismatch",
            Reason::PayloadHashMismatch => "payload_hash_mismatch",
            Reason::InvalidSessionToken => "invalid_session_token",
            Reason::ClockSkew { .. } => "clock_skew",
            Reason::Expired { .. } => "expired",
            Reason::NotYetValid { .. } => "not_yet_valid",
            Reason::WrongAudience => "wrong_audience",
            Reason::WrongIssuer => "wrong_issuer",
            Reason::AlgorithmNotAccepted(_) => "algorithm_not_accepted",
            Reason::UnknownUser => "unknown_user",
            Reason::WrongPassword => "wrong_password",
            Reason::InvalidToken => "invalid_token",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::MissingAuthorization => f.write_str("no Authorization header (or presigned query) in the request"),
            Reason::MalformedAuthorization(m) => write!(f, "malformed credentials: {m}"),
            Reason::UnsupportedScheme(s) => write!(f, "unsupported authorization scheme {s:?}"),
            Reason::UnknownKeyId(k) => write!(f, "unknown key id {k:?}"),
            Reason::WrongScope { expected, got } => {
                write!(f, "credential scope {got:?} does not match this gateway's {expected:?}")
            }
            Reason::SignatureMismatch => {
                f.write_str("signature mismatch: the signature computed from the request as received differs")
            }
            Reason::PayloadHashMismatch => f.write_str("the body does not match its declared SHA-256"),
            Reason::InvalidSessionToken => f.write_str("the session token is missing, unexpected or wrong"),
            Reason::ClockSkew { seconds } => write!(
                f,
                "clock skew of {seconds} s: the request time is {} s {} the server's clock, beyond the window",
                seconds.abs(),
                if *seconds > 0 { "ahead of" } else { "behind" }
            ),
            Reason::Expired { seconds_ago } => write!(f, "expired {seconds_ago} s ago"),
            Reason::NotYetValid { seconds } => write!(f, "not valid for another {seconds} s (nbf/iat)"),
            Reason::WrongAudience => f.write_str("wrong audience (aud)"),
            Reason::WrongIssuer => f.write_str("wrong issuer (iss)"),
            Reason::AlgorithmNotAccepted(a) => write!(f, "JWT algorithm {a} is not accepted for this key"),
            Reason::UnknownUser => f.write_str("unknown user"),
            Reason::WrongPassword => f.write_str("wrong password"),
            Reason::InvalidToken => f.write_str("invalid bearer token"),
        }
    }
}

/// A refused request: the reason, the scheme it was tried as, and (with `explain`, on a
/// signature mismatch) what the server signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub reason: Reason,
    pub scheme: Option<&'static str>,
    pub details: Option<Box<SignatureDetails>>,
}

impl Refusal {
    fn new(scheme: &'static str, reason: Reason) -> Self {
        Self { reason, scheme: Some(scheme), details: None }
    }

    /// The HTTP status, AWS-like: the canonical-request schemes (SigV4, AK/SK) answer 403 for
    /// anything wrong with credentials that were presented (as AWS `SignatureDoesNotMatch`,
    /// `RequestTimeTooSkewed`, `InvalidClientTokenId` do); Basic, bearer and JWT answer 401
    /// (with `WWW-Authenticate`). A request without credentials is 401.
    pub fn status(&self) -> u16 {
        match (&self.reason, self.scheme) {
            (Reason::MissingAuthorization, _) => 401,
            (_, Some("sigv4" | "apipark" | "huawei")) => 403,
            _ => 401,
        }
    }

    /// The `WWW-Authenticate` value for a 401.
    pub fn www_authenticate(&self) -> Option<String> {
        if self.status() != 401 {
            return None;
        }
        Some(match self.scheme {
            Some("jwt" | "bearer") => {
                format!("Bearer realm=\"gwctl\", error=\"invalid_token\", error_description=\"{}\"", self.reason.code())
            }
            _ => "Basic realm=\"gwctl\", charset=\"UTF-8\"".to_string(),
        })
    }
}

/// Who a request was verified as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub scheme: &'static str,
    /// The accepted identity's name (for a JWT with `sub`: `name (sub)`).
    pub identity: String,
}

/// A request as the server received it. `path` and `query` are in wire form (not decoded).
#[derive(Clone, Copy, Debug)]
pub struct Received<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    /// In received order; repeated names repeat.
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Received<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

struct SigV4Entry {
    name: String,
    region: String,
    service: String,
    token: Option<SecretString>,
    /// Indexed by `content_sha256_header as usize * 2 + unsigned_payload as usize`.
    signers: [SigV4Signer; 4],
}

struct AkSkEntry {
    name: String,
    credentials: AkSkCredentials,
}

struct JwtEntry {
    name: String,
    /// `(kid, key)`; `None` kid for a PEM or secret, or a JWK without one.
    keys: Vec<(Option<String>, DecodingKey)>,
    issuer: Option<String>,
    audience: Vec<String>,
    algorithms: Vec<Algorithm>,
}

/// Verifies requests against a set of identities. Cheap to share (`Arc`) across threads.
pub struct Verifier {
    sigv4: HashMap<String, SigV4Entry>,
    aksk: HashMap<(&'static str, String), AkSkEntry>,
    basic: HashMap<String, (String, SecretString)>,
    htpasswd: HashMap<String, String>,
    bearer: Vec<(String, SecretString)>,
    jwt: Vec<JwtEntry>,
    explain: bool,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("sigv4", &self.sigv4.len())
            .field("aksk", &self.aksk.len())
            .field("basic", &self.basic.len())
            .field("htpasswd", &self.htpasswd.len())
            .field("bearer", &self.bearer.len())
            .field("jwt", &self.jwt.len())
            .field("explain", &self.explain)
            .finish()
    }
}

impl Verifier {
    pub fn new(
        identities: Vec<Identity>,
        htpasswd: Vec<HtpasswdEntry>,
        explain: bool,
    ) -> Result<Self, VerifyConfigError> {
        let mut v = Verifier {
            sigv4: HashMap::new(),
            aksk: HashMap::new(),
            basic: HashMap::new(),
            htpasswd: htpasswd.into_iter().map(|e| (e.username, e.hash)).collect(),
            bearer: Vec::new(),
            jwt: Vec::new(),
            explain,
        };
        for id in identities {
            let bad = |name: &str, m: String| VerifyConfigError::Identity(name.to_string(), m);
            match id {
                Identity::SigV4 { name, credentials, region, service } => {
                    let make = |content: bool, unsigned: bool| {
                        let mut s = SigV4Settings::new(region.clone(), service.clone());
                        s.content_sha256_header = content;
                        s.unsigned_payload = unsigned;
                        SigV4Signer::new(credentials.clone(), s).map_err(|e| bad(&name, e.to_string()))
                    };
                    let signers = [make(false, false)?, make(false, true)?, make(true, false)?, make(true, true)?];
                    let key = credentials.access_key_id.clone();
                    let token = credentials.session_token.clone();
                    v.sigv4.insert(key, SigV4Entry { name, region, service, token, signers });
                }
                Identity::AkSk { name, variant, credentials } => {
                    AkSkSigner::new(credentials.clone(), AkSkSettings::new(variant))
                        .map_err(|e| bad(&name, e.to_string()))?;
                    v.aksk.insert((variant.name(), credentials.access_key_id.clone()), AkSkEntry { name, credentials });
                }
                Identity::Basic { name, username, password } => {
                    if username.contains(':') {
                        return Err(bad(&name, "a Basic user name must not contain ':'".into()));
                    }
                    v.basic.insert(username, (name, password));
                }
                Identity::Bearer { name, token } => {
                    if token.expose_secret().trim().is_empty() {
                        return Err(bad(&name, "the bearer token is empty".into()));
                    }
                    v.bearer.push((name, token));
                }
                Identity::Jwt { name, key, issuer, audience, algorithms } => {
                    let keys = decoding_keys(&key).map_err(|m| bad(&name, m))?;
                    v.jwt.push(JwtEntry { name, keys, issuer, audience, algorithms });
                }
            }
        }
        Ok(v)
    }

    /// True when no identity, htpasswd entry or JWT key is configured: every request passes.
    pub fn is_open(&self) -> bool {
        self.sigv4.is_empty()
            && self.aksk.is_empty()
            && self.basic.is_empty()
            && self.htpasswd.is_empty()
            && self.bearer.is_empty()
            && self.jwt.is_empty()
    }

    /// Whether verifying this request may run bcrypt (slow: run it off the async threads).
    pub fn may_block(&self, req: &Received<'_>) -> bool {
        !self.htpasswd.is_empty()
            && req.header("authorization").is_some_and(|a| a.get(..6).is_some_and(|p| p.eq_ignore_ascii_case("basic ")))
    }

    /// Verifies `req` at time `now`.
    pub fn verify(&self, req: &Received<'_>, now: SigningTime) -> Result<Verified, Refusal> {
        if self.is_open() {
            return Ok(Verified { scheme: "none", identity: "-".into() });
        }
        let auth = req.header("authorization").map(str::trim);
        let Some(auth) = auth.filter(|a| !a.is_empty()) else {
            if req.query.is_some_and(|q| q.contains("X-Amz-Signature=")) {
                return self.verify_sigv4_presigned(req, now);
            }
            return Err(Refusal { reason: Reason::MissingAuthorization, scheme: None, details: None });
        };
        if auth.len() > MAX_AUTH_LEN {
            return Err(Refusal {
                reason: Reason::MalformedAuthorization("the Authorization header is too long".into()),
                scheme: None,
                details: None,
            });
        }
        let (scheme, rest) = auth.split_once(' ').unwrap_or((auth, ""));
        let rest = rest.trim();
        if scheme == SIGV4_ALGORITHM {
            self.verify_sigv4_header(req, rest, now)
        } else if scheme == AkSkVariant::ApiPark.algorithm() {
            self.verify_aksk(req, AkSkVariant::ApiPark, rest, now)
        } else if scheme == AkSkVariant::Huawei.algorithm() {
            self.verify_aksk(req, AkSkVariant::Huawei, rest, now)
        } else if scheme.eq_ignore_ascii_case("basic") {
            self.verify_basic(rest)
        } else if scheme.eq_ignore_ascii_case("bearer") {
            self.verify_bearer(rest, now)
        } else {
            Err(Refusal { reason: Reason::UnsupportedScheme(printable(scheme, 40)), scheme: None, details: None })
        }
    }

    fn mismatch(&self, scheme: &'static str, details: SignatureDetails) -> Refusal {
        Refusal {
            reason: Reason::SignatureMismatch,
            scheme: Some(scheme),
            details: self.explain.then(|| Box::new(details)),
        }
    }

    fn verify_sigv4_header(&self, req: &Received<'_>, params: &str, now: SigningTime) -> Result<Verified, Refusal> {
        let refuse = |r: Reason| Refusal::new("sigv4", r);
        let malformed = |m: &str| refuse(Reason::MalformedAuthorization(m.to_string()));
        let p = auth_params(params);
        let credential = p.get("credential").ok_or_else(|| malformed("no Credential="))?;
        let signed_headers = p.get("signedheaders").ok_or_else(|| malformed("no SignedHeaders="))?;
        let signature = p.get("signature").ok_or_else(|| malformed("no Signature="))?;
        let (entry, date_stamp) = self.sigv4_scope(credential)?;
        let date = req.header("x-amz-date").ok_or_else(|| malformed("no X-Amz-Date header"))?;
        let time = SigningTime::parse(date).map_err(|_| malformed("X-Amz-Date is not YYYYMMDDTHHMMSSZ"))?;
        let skew = time.unix() - now.unix();
        if skew.abs() > SIGV4_MAX_SKEW_SECS {
            return Err(refuse(Reason::ClockSkew { seconds: skew }));
        }
        if time.date_stamp() != date_stamp {
            return Err(malformed("the credential's date is not X-Amz-Date's day"));
        }
        check_token(entry.token.as_ref(), req.header("x-amz-security-token")).map_err(refuse)?;

        let list: Vec<String> = signed_headers.split(';').map(str::to_ascii_lowercase).collect();
        let content_header = list.iter().any(|h| h == "x-amz-content-sha256");
        let declared = req.header("x-amz-content-sha256").map(str::trim);
        let unsigned = declared == Some(super::sigv4::UNSIGNED_PAYLOAD);
        if let Some(d) = declared.filter(|_| !unsigned) {
            if d.starts_with("STREAMING-") {
                return Err(malformed("streaming (chunked) payload signing is not supported"));
            }
            if !d.eq_ignore_ascii_case(&Payload::Bytes(req.body).sha256_hex()) {
                return Err(refuse(Reason::PayloadHashMismatch));
            }
        }
        let request = self.rebuild(req, &list, None);
        let signer = &entry.signers[usize::from(content_header) * 2 + usize::from(unsigned)];
        let signed = signer.sign(&request, &Payload::Bytes(req.body), time).map_err(|e| malformed(&e.to_string()))?;
        let details = signed.details.unwrap_or_else(empty_details);
        let ok_headers = signed
            .headers
            .iter()
            .find(|(n, _)| n == "Authorization")
            .is_some_and(|(_, v)| v.contains(&format!("SignedHeaders={}, ", list.join(";"))));
        if ok_headers && ct_eq_hex(&details.signature, signature) {
            Ok(Verified { scheme: "sigv4", identity: entry.name.clone() })
        } else {
            Err(self.mismatch("sigv4", details))
        }
    }

    /// Looks up `AK/date/region/service/aws4_request`; returns the entry and the date.
    fn sigv4_scope<'s>(&'s self, credential: &str) -> Result<(&'s SigV4Entry, String), Refusal> {
        let refuse = |r: Reason| Refusal::new("sigv4", r);
        let parts: Vec<&str> = credential.split('/').collect();
        let [ak, date, region, service, terminal] = parts[..] else {
            return Err(refuse(Reason::MalformedAuthorization(
                "Credential is not AK/yyyymmdd/region/service/aws4_request".into(),
            )));
        };
        let entry = self.sigv4.get(ak).ok_or_else(|| refuse(Reason::UnknownKeyId(printable(ak, 64))))?;
        if region != entry.region || service != entry.service || terminal != "aws4_request" {
            return Err(refuse(Reason::WrongScope {
                expected: format!("{}/{}/aws4_request", entry.region, entry.service),
                got: printable(&format!("{region}/{service}/{terminal}"), 120),
            }));
        }
        Ok((entry, date.to_string()))
    }

    fn verify_sigv4_presigned(&self, req: &Received<'_>, now: SigningTime) -> Result<Verified, Refusal> {
        let refuse = |r: Reason| Refusal::new("sigv4", r);
        let malformed = |m: &str| refuse(Reason::MalformedAuthorization(m.to_string()));
        let raw = req.query.unwrap_or("");
        // The X-Amz-* parameters (decoded), by their index in PRESIGN_PARAMS.
        let mut amz: [Option<Cow<'_, str>>; PRESIGN_PARAMS.len()] = Default::default();
        let mut kept = String::with_capacity(raw.len());
        for piece in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            let key = decode_component(k);
            if let Some(i) = PRESIGN_PARAMS.iter().position(|p| p.eq_ignore_ascii_case(&key)) {
                if amz[i].replace(decode_component(v)).is_some() {
                    return Err(malformed("a presigned X-Amz-* parameter is repeated"));
                }
            } else {
                if !kept.is_empty() {
                    kept.push('&');
                }
                kept.push_str(piece);
            }
        }
        let get = |k: &str| PRESIGN_PARAMS.iter().position(|p| *p == k).and_then(|i| amz[i].as_deref());
        if get("X-Amz-Algorithm") != Some(SIGV4_ALGORITHM) {
            return Err(malformed("X-Amz-Algorithm is not AWS4-HMAC-SHA256"));
        }
        let credential = get("X-Amz-Credential").ok_or_else(|| malformed("no X-Amz-Credential"))?;
        let signature = get("X-Amz-Signature").ok_or_else(|| malformed("no X-Amz-Signature"))?;
        let signed_headers = get("X-Amz-SignedHeaders").ok_or_else(|| malformed("no X-Amz-SignedHeaders"))?;
        let date = get("X-Amz-Date").ok_or_else(|| malformed("no X-Amz-Date"))?;
        let expires: u64 = get("X-Amz-Expires")
            .and_then(|e| e.parse().ok())
            .filter(|e| (1..=MAX_PRESIGN_EXPIRES).contains(e))
            .ok_or_else(|| malformed("X-Amz-Expires must be 1 to 604800"))?;
        let (entry, date_stamp) = self.sigv4_scope(credential)?;
        let time = SigningTime::parse(date).map_err(|_| malformed("X-Amz-Date is not YYYYMMDDTHHMMSSZ"))?;
        if time.date_stamp() != date_stamp {
            return Err(malformed("the credential's date is not X-Amz-Date's day"));
        }
        let skew = time.unix() - now.unix();
        if skew > SIGV4_MAX_SKEW_SECS {
            return Err(refuse(Reason::ClockSkew { seconds: skew }));
        }
        let age = now.unix() - time.unix();
        if age > expires as i64 {
            return Err(refuse(Reason::Expired { seconds_ago: age - expires as i64 }));
        }
        check_token(entry.token.as_ref(), get("X-Amz-Security-Token")).map_err(refuse)?;
        let list: Vec<String> = signed_headers.split(';').map(str::to_ascii_lowercase).collect();
        let request = self.rebuild(req, &list, Some(kept));
        let payload = Payload::Bytes(req.body);
        // Clients sign the body's hash or (S3 and many presigners) UNSIGNED-PAYLOAD: try both.
        // Only the signature is computed; the explanation is built on a mismatch, with explain.
        for idx in [0usize, 1] {
            let mac = entry.signers[idx]
                .presigned_mac(&request, &payload, time, expires)
                .map_err(|e| malformed(&e.to_string()))?;
            if ct_eq_hex(&super::encoding::hex(&mac), signature) {
                return Ok(Verified { scheme: "sigv4", identity: entry.name.clone() });
            }
        }
        let details = if self.explain {
            entry.signers[0]
                .presign(&request, &payload, time, expires)
                .map_err(|e| malformed(&e.to_string()))?
                .details
                .unwrap_or_else(empty_details)
        } else {
            empty_details()
        };
        Err(self.mismatch("sigv4", details))
    }

    /// The request as the signers see it: the received method, raw path and query, and only
    /// the headers named in `signed` (in received order).
    fn rebuild(&self, req: &Received<'_>, signed: &[String], query: Option<String>) -> Request {
        let host = req.header("host").unwrap_or("").trim().to_string();
        let mut r = Request::from_parts(req.method, "http", &host, "/");
        r.path = if req.path.is_empty() { "/".into() } else { req.path.to_string() };
        r.query = match query {
            Some(q) if q.is_empty() => None,
            Some(q) => Some(q),
            None => req.query.map(str::to_string),
        };
        r.headers = req
            .headers
            .iter()
            .filter(|(n, _)| {
                !n.eq_ignore_ascii_case("authorization") && signed.iter().any(|s| n.eq_ignore_ascii_case(s))
            })
            .cloned()
            .collect();
        r
    }

    fn verify_aksk(
        &self,
        req: &Received<'_>,
        variant: AkSkVariant,
        params: &str,
        now: SigningTime,
    ) -> Result<Verified, Refusal> {
        let scheme = variant.name();
        let refuse = |r: Reason| Refusal::new(scheme, r);
        let malformed = |m: String| refuse(Reason::MalformedAuthorization(m));
        let p = auth_params(params);
        let ak = p.get("access").ok_or_else(|| malformed("no Access=".into()))?;
        let signed_headers = p.get("signedheaders").ok_or_else(|| malformed("no SignedHeaders=".into()))?;
        let signature = p.get("signature").ok_or_else(|| malformed("no Signature=".into()))?;
        let entry = self
            .aksk
            .get(&(variant.name(), ak.to_string()))
            .ok_or_else(|| refuse(Reason::UnknownKeyId(printable(ak, 64))))?;
        let date_header = variant.date_header();
        let date = req.header(date_header).ok_or_else(|| malformed(format!("no {date_header} header")))?;
        let time = SigningTime::parse(date).map_err(|_| malformed(format!("{date_header} is not YYYYMMDDTHHMMSSZ")))?;
        let skew = time.unix() - now.unix();
        if skew.abs() > AKSK_MAX_SKEW_SECS {
            return Err(refuse(Reason::ClockSkew { seconds: skew }));
        }
        let list: Vec<String> = signed_headers.split(';').map(|s| s.trim().to_ascii_lowercase()).collect();
        let mut settings = AkSkSettings::new(variant);
        settings.signed_headers = Some(list.clone());
        settings.unsigned_payload = variant == AkSkVariant::Huawei
            && req.header("x-sdk-content-sha256").map(str::trim) == Some("UNSIGNED-PAYLOAD");
        let signer = AkSkSigner::new(entry.credentials.clone(), settings).map_err(|e| malformed(e.to_string()))?;
        let request = self.rebuild(req, &list, None);
        let signed = signer.sign(&request, &Payload::Bytes(req.body), time).map_err(|e| malformed(e.to_string()))?;
        let details = signed.details.unwrap_or_else(empty_details);
        if ct_eq_hex(&details.signature, signature) {
            Ok(Verified { scheme, identity: entry.name.clone() })
        } else {
            Err(self.mismatch(scheme, details))
        }
    }

    fn verify_basic(&self, b64: &str) -> Result<Verified, Refusal> {
        let refuse = |r: Reason| Refusal::new("basic", r);
        let decoded = zeroize::Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .map_err(|_| refuse(Reason::MalformedAuthorization("Basic credentials are not base64".into())))?,
        );
        let text = std::str::from_utf8(&decoded)
            .map_err(|_| refuse(Reason::MalformedAuthorization("Basic credentials are not UTF-8".into())))?;
        let (user, password) = text
            .split_once(':')
            .ok_or_else(|| refuse(Reason::MalformedAuthorization("Basic credentials have no ':'".into())))?;
        if let Some((name, want)) = self.basic.get(user) {
            return if ct_eq(want.expose_secret().as_bytes(), password.as_bytes()) {
                Ok(Verified { scheme: "basic", identity: name.clone() })
            } else {
                Err(refuse(Reason::WrongPassword))
            };
        }
        if let Some(hash) = self.htpasswd.get(user) {
            return match bcrypt::verify(password, hash) {
                Ok(true) => Ok(Verified { scheme: "basic", identity: format!("htpasswd:{user}") }),
                _ => Err(refuse(Reason::WrongPassword)),
            };
        }
        Err(refuse(Reason::UnknownUser))
    }

    fn verify_bearer(&self, token: &str, now: SigningTime) -> Result<Verified, Refusal> {
        let mut found = None;
        for (name, want) in &self.bearer {
            // Every token is compared, so the time does not tell which one matched.
            if ct_eq(want.expose_secret().trim().as_bytes(), token.as_bytes()) {
                found = Some(name);
            }
        }
        if let Some(name) = found {
            return Ok(Verified { scheme: "bearer", identity: name.clone() });
        }
        if !self.jwt.is_empty() && token.bytes().filter(|&b| b == b'.').count() == 2 {
            return self.verify_jwt(token, now);
        }
        Err(Refusal::new(
            if self.bearer.is_empty() && !self.jwt.is_empty() { "jwt" } else { "bearer" },
            Reason::InvalidToken,
        ))
    }

    fn verify_jwt(&self, token: &str, now: SigningTime) -> Result<Verified, Refusal> {
        let refuse = |r: Reason| Refusal::new("jwt", r);
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| refuse(Reason::MalformedAuthorization("the JWT header is not readable".into())))?;
        let alg = header.alg;
        let mut best: Option<Reason> = None;
        let mut any_key = false;
        for entry in &self.jwt {
            for (kid, key) in &entry.keys {
                let kid_ok = match (&header.kid, kid) {
                    (Some(want), Some(have)) => want == have,
                    (Some(_), None) => entry.keys.len() == 1,
                    (None, _) => entry.keys.len() == 1,
                };
                if !kid_ok {
                    continue;
                }
                let allowed = if entry.algorithms.is_empty() {
                    key.family().algorithms().to_vec()
                } else {
                    entry.algorithms.iter().copied().filter(|a| a.family() == key.family()).collect()
                };
                if !allowed.contains(&alg) {
                    continue;
                }
                any_key = true;
                let mut v = Validation::new(alg);
                v.validate_exp = false;
                v.validate_nbf = false;
                v.validate_aud = false;
                v.required_spec_claims.clear();
                match jsonwebtoken::decode::<serde_json::Map<String, Value>>(token, key, &v) {
                    Ok(data) => {
                        check_claims(&data.claims, entry, now).map_err(refuse)?;
                        let identity = match data.claims.get("sub").and_then(Value::as_str) {
                            Some(sub) => format!("{} ({})", entry.name, printable(sub, 64)),
                            None => entry.name.clone(),
                        };
                        return Ok(Verified { scheme: "jwt", identity });
                    }
                    Err(e) => {
                        let r = match e.kind() {
                            ErrorKind::InvalidSignature => Reason::SignatureMismatch,
                            ErrorKind::InvalidAlgorithm => Reason::AlgorithmNotAccepted(format!("{alg:?}")),
                            _ => Reason::MalformedAuthorization("the JWT is not readable".into()),
                        };
                        if best.is_none() || r == Reason::SignatureMismatch {
                            best = Some(r);
                        }
                    }
                }
            }
        }
        if !any_key {
            let kid_known = header
                .kid
                .as_ref()
                .is_some_and(|want| self.jwt.iter().flat_map(|e| &e.keys).any(|(k, _)| k.as_ref() == Some(want)));
            return Err(refuse(match &header.kid {
                Some(kid) if !kid_known => Reason::UnknownKeyId(printable(kid, 64)),
                _ => Reason::AlgorithmNotAccepted(format!("{alg:?}")),
            }));
        }
        Err(refuse(best.unwrap_or(Reason::SignatureMismatch)))
    }
}

const PRESIGN_PARAMS: &[&str] = &[
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

fn check_claims(claims: &serde_json::Map<String, Value>, entry: &JwtEntry, now: SigningTime) -> Result<(), Reason> {
    let now = now.unix();
    let num = |k: &str| claims.get(k).and_then(Value::as_f64).map(|f| f as i64);
    let exp = num("exp").ok_or_else(|| Reason::MalformedAuthorization("the JWT has no numeric exp claim".into()))?;
    if now > exp + JWT_LEEWAY_SECS {
        return Err(Reason::Expired { seconds_ago: now - exp });
    }
    for k in ["nbf", "iat"] {
        if let Some(t) = num(k)
            && t > now + JWT_LEEWAY_SECS
        {
            return Err(Reason::NotYetValid { seconds: t - now });
        }
    }
    if let Some(iss) = &entry.issuer
        && claims.get("iss").and_then(Value::as_str) != Some(iss.as_str())
    {
        return Err(Reason::WrongIssuer);
    }
    if !entry.audience.is_empty() {
        let ok = match claims.get("aud") {
            Some(Value::String(a)) => entry.audience.contains(a),
            Some(Value::Array(list)) => {
                list.iter().filter_map(Value::as_str).any(|a| entry.audience.iter().any(|w| w == a))
            }
            _ => false,
        };
        if !ok {
            return Err(Reason::WrongAudience);
        }
    }
    Ok(())
}

fn decoding_keys(key: &JwtVerifyKey) -> Result<Vec<(Option<String>, DecodingKey)>, String> {
    match key {
        JwtVerifyKey::Secret(s) => {
            if s.is_empty() {
                return Err("the JWT secret is empty".into());
            }
            Ok(vec![(None, DecodingKey::from_secret(s))])
        }
        JwtVerifyKey::PublicPem(pem) => {
            let k = DecodingKey::from_rsa_pem(pem)
                .or_else(|_| DecodingKey::from_ec_pem(pem))
                .or_else(|_| DecodingKey::from_ed_pem(pem))
                .map_err(|_| "not a PEM RSA, EC or Ed25519 public key".to_string())?;
            Ok(vec![(None, k)])
        }
        JwtVerifyKey::Jwks(set) => {
            let mut out = Vec::new();
            for jwk in &set.keys {
                let k = DecodingKey::from_jwk(jwk).map_err(|e| format!("a JWKS key is not usable ({e})"))?;
                out.push((jwk.common.key_id.clone(), k));
            }
            Ok(out)
        }
    }
}

fn check_token(want: Option<&SecretString>, got: Option<&str>) -> Result<(), Reason> {
    match (want, got) {
        (None, None) => Ok(()),
        (Some(w), Some(g)) if ct_eq(w.expose_secret().as_bytes(), g.trim().as_bytes()) => Ok(()),
        _ => Err(Reason::InvalidSessionToken),
    }
}

/// `Key=value, Key2=value2` parameters of an Authorization header, keys lower-cased.
fn auth_params(s: &str) -> HashMap<String, &str> {
    s.split(',')
        .filter_map(|p| p.trim().split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
        .collect()
}

/// A query component decoded (`+` a space); borrowed when there is nothing to decode.
fn decode_component(s: &str) -> Cow<'_, str> {
    if !s.contains(['%', '+']) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(String::from_utf8_lossy(&super::encoding::decode(s, true)).into_owned())
}

fn empty_details() -> SignatureDetails {
    SignatureDetails { canonical_request: String::new(), string_to_sign: String::new(), signature: String::new() }
}

/// Constant-time equality of two byte strings (the length is not hidden).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    // Compare digests: equal length, so the comparison time does not depend on where they differ.
    let (da, db) = (Sha256::digest(a), Sha256::digest(b));
    da.iter().zip(db.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn ct_eq_hex(expected: &str, got: &str) -> bool {
    ct_eq(expected.as_bytes(), got.trim().to_ascii_lowercase().as_bytes())
}

/// At most `max` characters of `s`, control characters replaced: safe to log and return.
fn printable(s: &str, max: usize) -> String {
    s.chars().take(max).map(|c| if c.is_control() { '?' } else { c }).collect()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const AK: &str = "AKIDEXAMPLE";
    const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn verifier(explain: bool) -> Verifier {
        Verifier::new(
            vec![
                Identity::SigV4 {
                    name: "aws".into(),
                    credentials: AwsCredentials {
                        access_key_id: AK.into(),
                        secret_access_key: SecretString::from(SK.to_string()),
                        session_token: None,
                    },
                    region: "us-east-1".into(),
                    service: "execute-api".into(),
                },
                Identity::AkSk {
                    name: "hw".into(),
                    variant: AkSkVariant::Huawei,
                    credentials: AkSkCredentials {
                        access_key_id: "HWAK".into(),
                        secret: SecretString::from("hwsk".to_string()),
                    },
                },
                Identity::Basic {
                    name: "b".into(),
                    username: "alice".into(),
                    password: SecretString::from("pw".to_string()),
                },
            ],
            Vec::new(),
            explain,
        )
        .unwrap()
    }

    fn headers(signed: &super::super::Signed, extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut h: Vec<(String, String)> = extra.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        h.extend(signed.headers.iter().cloned());
        h
    }

    #[test]
    fn sigv4_roundtrip_and_tamper() {
        let v = verifier(true);
        let now = SigningTime::parse("20260101T000000Z").unwrap();
        let creds = AwsCredentials {
            access_key_id: AK.into(),
            secret_access_key: SecretString::from(SK.to_string()),
            session_token: None,
        };
        let signer = SigV4Signer::new(creds, SigV4Settings::new("us-east-1", "execute-api")).unwrap();
        let url = url::Url::parse("http://127.0.0.1:9/v1/chat/completions?a=1").unwrap();
        let req = Request::from_url("POST", &url).unwrap().header("Content-Type", "application/json");
        let body = br#"{"x":1}"#;
        let signed = signer.sign(&req, &Payload::Bytes(body), now).unwrap();
        let h = headers(&signed, &[("Content-Type", "application/json")]);
        let rx = Received { method: "POST", path: "/v1/chat/completions", query: Some("a=1"), headers: &h, body };
        assert_eq!(v.verify(&rx, now).unwrap().identity, "aws");
        let bad = Received { body: br#"{"x":2}"#, ..rx };
        let r = v.verify(&bad, now).unwrap_err();
        assert_eq!(r.reason, Reason::SignatureMismatch);
        assert_eq!(r.status(), 403);
        assert!(r.details.unwrap().canonical_request.starts_with("POST\n/v1/chat/completions\na=1\n"));
        let late = SigningTime::from_unix(now.unix() + 301).unwrap();
        assert_eq!(v.verify(&rx, late).unwrap_err().reason, Reason::ClockSkew { seconds: -301 });

        let p = signer.presign(&Request::from_url("GET", &url).unwrap(), &Payload::EMPTY, now, 60).unwrap();
        let purl = url::Url::parse(p.url.as_deref().unwrap()).unwrap();
        let h = vec![("Host".to_string(), "127.0.0.1:9".to_string())];
        let rx = Received { method: "GET", path: purl.path(), query: purl.query(), headers: &h, body: b"" };
        assert!(v.verify(&rx, now).is_ok());
        let later = SigningTime::from_unix(now.unix() + 61).unwrap();
        assert_eq!(v.verify(&rx, later).unwrap_err().reason, Reason::Expired { seconds_ago: 1 });
    }

    #[test]
    fn sigv4_unsigned_payload_and_declared_hash() {
        let v = verifier(false);
        let now = SigningTime::parse("20260101T000000Z").unwrap();
        let creds = AwsCredentials {
            access_key_id: AK.into(),
            secret_access_key: SecretString::from(SK.to_string()),
            session_token: None,
        };
        let mut settings = SigV4Settings::new("us-east-1", "execute-api");
        settings.content_sha256_header = true;
        settings.unsigned_payload = true;
        let signer = SigV4Signer::new(creds.clone(), settings).unwrap();
        let url = url::Url::parse("http://127.0.0.1:9/x").unwrap();
        let signed = signer.sign(&Request::from_url("PUT", &url).unwrap(), &Payload::Bytes(b"a"), now).unwrap();
        let h = headers(&signed, &[]);
        let rx = Received { method: "PUT", path: "/x", query: None, headers: &h, body: b"any body" };
        assert!(v.verify(&rx, now).is_ok(), "UNSIGNED-PAYLOAD: the body is not signed");

        let mut settings = SigV4Settings::new("us-east-1", "execute-api");
        settings.content_sha256_header = true;
        let signer = SigV4Signer::new(creds, settings).unwrap();
        let signed = signer.sign(&Request::from_url("PUT", &url).unwrap(), &Payload::Bytes(b"a"), now).unwrap();
        let h = headers(&signed, &[]);
        let rx = Received { method: "PUT", path: "/x", query: None, headers: &h, body: b"a" };
        assert!(v.verify(&rx, now).is_ok());
        let rx = Received { body: b"b", ..rx };
        assert_eq!(v.verify(&rx, now).unwrap_err().reason, Reason::PayloadHashMismatch);
    }

    #[test]
    fn huawei_and_basic() {
        let v = verifier(false);
        let now = SigningTime::parse("20260101T000000Z").unwrap();
        let signer = AkSkSigner::new(
            AkSkCredentials { access_key_id: "HWAK".into(), secret: SecretString::from("hwsk".to_string()) },
            AkSkSettings::new(AkSkVariant::Huawei),
        )
        .unwrap();
        let url = url::Url::parse("http://127.0.0.1:9/v1/x?b=2&a=1").unwrap();
        let signed = signer.sign(&Request::from_url("POST", &url).unwrap(), &Payload::Bytes(b"hi"), now).unwrap();
        let h = headers(&signed, &[]);
        let rx = Received { method: "POST", path: "/v1/x", query: Some("b=2&a=1"), headers: &h, body: b"hi" };
        assert_eq!(v.verify(&rx, now).unwrap().scheme, "huawei");
        let rx2 = Received { query: Some("b=3&a=1"), ..rx };
        assert_eq!(v.verify(&rx2, now).unwrap_err().reason, Reason::SignatureMismatch);

        let basic = |s: &str| {
            vec![(
                "Authorization".to_string(),
                format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(s)),
            )]
        };
        let ok = basic("alice:pw");
        let rx = Received { method: "GET", path: "/", query: None, headers: &ok, body: b"" };
        assert!(v.verify(&rx, now).is_ok());
        let wrong = basic("alice:px");
        assert_eq!(v.verify(&Received { headers: &wrong, ..rx }, now).unwrap_err().reason, Reason::WrongPassword);
        let who = basic("bob:pw");
        let r = v.verify(&Received { headers: &who, ..rx }, now).unwrap_err();
        assert_eq!((r.status(), r.reason), (401, Reason::UnknownUser));
        assert_eq!(v.verify(&Received { headers: &[], ..rx }, now).unwrap_err().reason, Reason::MissingAuthorization);
    }

    #[test]
    fn ct_eq_works() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
    }

    #[test]
    fn htpasswd_parse() {
        let e = parse_htpasswd("# c\nalice:$2y$05$abcdefghijklmnopqrstuu5s2v8.iXieOjg/.AySBTTZIIVFJeBui\n").unwrap();
        assert_eq!(e[0].username, "alice");
        assert!(parse_htpasswd("bob:{SHA}xyz").is_err());
    }
}
