//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`): header signing and presigned URLs.

use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::canonical::{self, CanonicalInput, HeaderRules, PathRule, QueryRule, RepeatRule, ValueRule};
use super::encoding::{self, UNRESERVED};
use super::{Payload, Request, SignatureDetails, Signed, SigningError, SigningTime, hmac_sha256};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The longest a presigned URL may live: seven days.
pub const MAX_PRESIGN_EXPIRES: u64 = 604_800;
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const HEADER_RULES: HeaderRules<'static> =
    HeaderRules { value: ValueRule::TrimCollapse, repeat: RepeatRule::Join, order: None };

/// An AWS access key pair, with a session token for temporary credentials.
#[derive(Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub session_token: Option<SecretString>,
}

impl std::fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &self.session_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Where the session token goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SessionTokenMode {
    /// `X-Amz-Security-Token` is part of the signature (what almost every service wants).
    #[default]
    Signed,
    /// The token is sent but added after signing (some older STS-style services).
    AddedAfterSigning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigV4Settings {
    pub region: String,
    pub service: String,
    /// Remove dot segments and duplicate slashes before signing (all services but S3).
    pub normalize_path: bool,
    /// `true` (all services but S3): percent-encode the wire path once more. `false` (S3): sign
    /// `UriEncode(percent-decoded path)` with `/` kept, the form S3 computes from the object key,
    /// so `/a%7Eb.txt` and `/a~b.txt` (and `%41` and `A`) sign identically; `%2F` decodes to
    /// `/` (S3 reads it as the key's `/`) and is signed as `/`.
    pub double_encode_path: bool,
    /// Add and sign `X-Amz-Content-SHA256`.
    pub content_sha256_header: bool,
    /// Sign `UNSIGNED-PAYLOAD` instead of the body's hash.
    pub unsigned_payload: bool,
    pub session_token_mode: SessionTokenMode,
}

impl SigV4Settings {
    /// The defaults for `service` in `region`: S3 rules for `s3` (single encoding, no
    /// normalisation, signed `X-Amz-Content-SHA256`), the general rules otherwise.
    pub fn new(region: impl Into<String>, service: impl Into<String>) -> Self {
        let service = service.into();
        let s3 = is_s3(&service);
        Self {
            region: region.into(),
            normalize_path: !s3,
            double_encode_path: !s3,
            content_sha256_header: s3,
            unsigned_payload: false,
            session_token_mode: SessionTokenMode::Signed,
            service,
        }
    }
}

fn is_s3(service: &str) -> bool {
    matches!(service, "s3" | "s3express" | "s3-object-lambda" | "s3-outposts")
}

/// A SigV4 signer for one identity, region and service. The day's signing key is derived
/// once and cached, so a signer reused across requests does two SHA-256s and one HMAC each.
pub struct SigV4Signer {
    credentials: AwsCredentials,
    settings: SigV4Settings,
    /// The day's signing key, as an HMAC already keyed with it (cloning it skips the key setup).
    key_cache: Mutex<Option<(String, Hmac<Sha256>)>>,
}

impl std::fmt::Debug for SigV4Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigV4Signer")
            .field("credentials", &self.credentials)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl SigV4Signer {
    /// Checks every value that reaches a header or the credential scope: the region and the
    /// service (settings: exit 3) and the access key id and session token (credentials: exit
    /// 4) must hold no control character, so none can start a header line of its own.
    pub fn new(credentials: AwsCredentials, settings: SigV4Settings) -> Result<Self, SigningError> {
        let bad_scope = |v: &str| v.is_empty() || v.contains(['/', ' ']) || super::has_control(v);
        if bad_scope(&settings.region) {
            return Err(SigningError::InvalidScope("region"));
        }
        if bad_scope(&settings.service) {
            return Err(SigningError::InvalidScope("service"));
        }
        let ak = &credentials.access_key_id;
        if ak.is_empty() || ak.contains(['/', ' ', ',']) || super::has_control(ak) {
            return Err(SigningError::InvalidAccessKeyId);
        }
        if let Some(t) = &credentials.session_token {
            super::check_header_safe(t.expose_secret(), "session token")?;
        }
        Ok(Self { credentials, settings, key_cache: Mutex::new(None) })
    }

    pub fn settings(&self) -> &SigV4Settings {
        &self.settings
    }

    fn scope(&self, date: &str) -> String {
        let (region, service) = (&self.settings.region, &self.settings.service);
        let mut s = String::with_capacity(date.len() + region.len() + service.len() + 16);
        for part in [date, "/", region, "/", service, "/aws4_request"] {
            s.push_str(part);
        }
        s
    }

    /// `HMAC("AWS4"+secret, date) → region → service → "aws4_request"`, cached per day.
    fn signing_key(&self, date: &str) -> Hmac<Sha256> {
        let mut cache = self.key_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, mac)) = cache.as_ref().filter(|(d, _)| d == date) {
            return mac.clone();
        }
        let secret = self.credentials.secret_access_key.expose_secret();
        let mut k_secret = zeroize::Zeroizing::new(Vec::with_capacity(secret.len() + 4));
        k_secret.extend_from_slice(b"AWS4");
        k_secret.extend_from_slice(secret.as_bytes());
        let k_date = zeroize::Zeroizing::new(hmac_sha256(&k_secret, date.as_bytes()));
        let k_region = zeroize::Zeroizing::new(hmac_sha256(&*k_date, self.settings.region.as_bytes()));
        let k_service = zeroize::Zeroizing::new(hmac_sha256(&*k_region, self.settings.service.as_bytes()));
        let key = zeroize::Zeroizing::new(hmac_sha256(&*k_service, b"aws4_request"));
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&*key).expect("HMAC takes keys of any length");
        *cache = Some((date.to_string(), mac.clone()));
        mac
    }

    fn signature(&self, date: &str, string_to_sign: &str) -> String {
        let mut mac = self.signing_key(date);
        mac.update(string_to_sign.as_bytes());
        encoding::hex(&mac.finalize().into_bytes())
    }

    fn payload_hash(&self, payload: &Payload<'_>, presign: bool) -> String {
        if self.settings.unsigned_payload || (presign && is_s3(&self.settings.service)) {
            UNSIGNED_PAYLOAD.to_string()
        } else {
            payload.sha256_hex()
        }
    }

    fn path_rule(&self) -> PathRule {
        PathRule::SigV4 { normalize: self.settings.normalize_path, double_encode: self.settings.double_encode_path }
    }

    /// Signs with an `Authorization` header. Returns the headers to add (replacing any of the
    /// same name): `Host` if the request had none, `X-Amz-Date`, `X-Amz-Security-Token`,
    /// `X-Amz-Content-SHA256` when asked for, and `Authorization`.
    pub fn sign(&self, req: &Request, payload: &Payload<'_>, time: SigningTime) -> Result<Signed, SigningError> {
        req.validate()?;
        let amz_date = time.amz_date();
        let date = time.date_stamp();
        let payload_hash = self.payload_hash(payload, false);
        let token = self.credentials.session_token.as_ref().map(|t| t.expose_secret());

        let mut added: Vec<(String, String)> = Vec::with_capacity(5);
        if req.header_value("host").is_none() {
            added.push(("Host".into(), req.authority.clone()));
        }
        added.push(("X-Amz-Date".into(), amz_date.clone()));
        if let Some(t) = token {
            added.push(("X-Amz-Security-Token".into(), t.to_string()));
        }
        if self.settings.content_sha256_header {
            added.push(("X-Amz-Content-SHA256".into(), payload_hash.clone()));
        }

        let replaced =
            |n: &str| n.eq_ignore_ascii_case("authorization") || added.iter().any(|(a, _)| a.eq_ignore_ascii_case(n));
        let mut to_sign: Vec<(&str, &str)> =
            req.headers.iter().filter(|(n, _)| !replaced(n)).map(|(n, v)| (n.as_str(), v.as_str())).collect();
        for (n, v) in &added {
            let unsigned_token =
                n == "X-Amz-Security-Token" && self.settings.session_token_mode == SessionTokenMode::AddedAfterSigning;
            if !unsigned_token {
                to_sign.push((n.as_str(), v.as_str()));
            }
        }

        let (creq, signed_headers) = canonical::canonical_request(&CanonicalInput {
            method: &req.method,
            path: &req.path,
            path_rule: self.path_rule(),
            query: req.query.as_deref(),
            query_extra: &[],
            query_rule: QueryRule::SigV4,
            headers: &to_sign,
            header_rules: HEADER_RULES,
            payload_hash: &payload_hash,
        });
        let scope = self.scope(&date);
        let sts = string_to_sign(&amz_date, &scope, &creq);
        let signature = self.signature(&date, &sts);
        let ak = &self.credentials.access_key_id;
        let mut authorization = String::with_capacity(96 + ak.len() + scope.len() + signed_headers.len());
        for part in [
            ALGORITHM,
            " Credential=",
            ak,
            "/",
            &scope,
            ", SignedHeaders=",
            &signed_headers,
            ", Signature=",
            &signature,
        ] {
            authorization.push_str(part);
        }
        added.push(("Authorization".into(), authorization));
        Ok(Signed {
            headers: added,
            url: None,
            details: Some(SignatureDetails { canonical_request: creq, string_to_sign: sts, signature }),
        })
    }

    /// A presigned URL valid for `expires` seconds (1..=604800). The request's own headers
    /// (and `host`) are signed and must be sent with the URL; `Signed::headers` holds `Host`
    /// when the request had none.
    pub fn presign(
        &self,
        req: &Request,
        payload: &Payload<'_>,
        time: SigningTime,
        expires: u64,
    ) -> Result<Signed, SigningError> {
        let p = self.presign_parts(req, payload, time, expires)?;
        let signature = encoding::hex(&p.mac);
        let token = self.credentials.session_token.as_ref().map(|t| t.expose_secret());
        let mut params = p.params();
        if let (Some(t), None) = (token, p.token) {
            params.push(("X-Amz-Security-Token", t));
        }
        params.push(("X-Amz-Signature", &signature));
        let mut url = format!("{}://{}{}?", req.scheme, req.authority, req.path);
        if let Some(q) = req.query.as_deref().filter(|q| !q.is_empty()) {
            url.push_str(q);
            url.push('&');
        }
        for (i, (k, v)) in params.iter().enumerate() {
            if i > 0 {
                url.push('&');
            }
            url.push_str(k);
            url.push('=');
            encoding::encode_into(&mut url, v.as_bytes(), UNRESERVED);
        }
        let details = SignatureDetails { canonical_request: p.creq, string_to_sign: p.sts, signature };
        Ok(Signed { headers: p.added, url: Some(url), details: Some(details) })
    }

    /// The signature [`presign`](Self::presign) puts in the URL for these arguments (the same
    /// canonical request), as bytes, without building the URL: for a verifier's hot path, which
    /// compares it; [`presign`](Self::presign) gives the details.
    pub fn presigned_mac(
        &self,
        req: &Request,
        payload: &Payload<'_>,
        time: SigningTime,
        expires: u64,
    ) -> Result<[u8; 32], SigningError> {
        Ok(self.presign_parts(req, payload, time, expires)?.mac)
    }

    /// The canonical request, string to sign and signature of a presigned URL.
    fn presign_parts(
        &self,
        req: &Request,
        payload: &Payload<'_>,
        time: SigningTime,
        expires: u64,
    ) -> Result<PresignParts<'_>, SigningError> {
        req.validate()?;
        if expires == 0 || expires > MAX_PRESIGN_EXPIRES {
            return Err(SigningError::InvalidExpiry(expires));
        }
        let amz_date = time.amz_date();
        let date = &amz_date[..8];
        let scope = self.scope(date);
        let ak = &self.credentials.access_key_id;
        let mut credential = String::with_capacity(ak.len() + 1 + scope.len());
        credential.push_str(ak);
        credential.push('/');
        credential.push_str(&scope);
        let token = self.credentials.session_token.as_ref().map(|t| t.expose_secret());

        let mut added: Vec<(String, String)> = Vec::new();
        if req.header_value("host").is_none() {
            added.push(("Host".into(), req.authority.clone()));
        }
        let mut to_sign: Vec<(&str, &str)> = req
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization"))
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        to_sign.extend(added.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        // The signed-headers list goes in the query, so it is computed first.
        let signed_headers = {
            let mut scratch = String::new();
            canonical::canonical_headers_into(&mut scratch, &HEADER_RULES, &to_sign)
        };

        let mut p = PresignParts {
            credential,
            amz_date: amz_date.clone(),
            signed_headers,
            expires: expires.to_string(),
            token: None,
            creq: String::new(),
            sts: String::new(),
            mac: [0; 32],
            added: Vec::new(),
        };
        p.token = token.filter(|_| self.settings.session_token_mode == SessionTokenMode::Signed);
        let payload_hash = self.payload_hash(payload, true);
        let params = p.params();
        let (creq, _) = canonical::canonical_request(&CanonicalInput {
            method: &req.method,
            path: &req.path,
            path_rule: self.path_rule(),
            query: req.query.as_deref(),
            query_extra: &params,
            query_rule: QueryRule::SigV4,
            headers: &to_sign,
            header_rules: HEADER_RULES,
            payload_hash: &payload_hash,
        });
        drop(params);
        let sts = string_to_sign(&amz_date, &scope, &creq);
        let mut mac = self.signing_key(date);
        mac.update(sts.as_bytes());
        p.mac = mac.finalize().into_bytes().into();
        p.creq = creq;
        p.sts = sts;
        p.added = added;
        Ok(p)
    }
}

/// What [`SigV4Signer::presign_parts`] computed.
struct PresignParts<'a> {
    credential: String,
    amz_date: String,
    signed_headers: String,
    expires: String,
    /// The session token when it is signed (in the canonical query), borrowed from the
    /// credentials: never copied out of its `SecretString`.
    token: Option<&'a str>,
    creq: String,
    sts: String,
    mac: [u8; 32],
    /// `Host`, when the request had none.
    added: Vec<(String, String)>,
}

impl PresignParts<'_> {
    /// The `X-Amz-*` query parameters that are signed, in URL order.
    fn params(&self) -> Vec<(&str, &str)> {
        let mut params: Vec<(&str, &str)> = vec![
            ("X-Amz-Algorithm", ALGORITHM),
            ("X-Amz-Credential", &self.credential),
            ("X-Amz-Date", &self.amz_date),
            ("X-Amz-SignedHeaders", &self.signed_headers),
            ("X-Amz-Expires", &self.expires),
        ];
        if let Some(t) = self.token {
            params.push(("X-Amz-Security-Token", t));
        }
        params
    }
}

fn string_to_sign(amz_date: &str, scope: &str, creq: &str) -> String {
    let mut s = String::with_capacity(ALGORITHM.len() + amz_date.len() + scope.len() + 67);
    for part in [ALGORITHM, "\n", amz_date, "\n", scope, "\n"] {
        s.push_str(part);
    }
    encoding::push_hex(&mut s, &Sha256::digest(creq.as_bytes()));
    s
}
