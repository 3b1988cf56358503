//! JWT minting (sent as `Authorization: Bearer <jwt>`), with jsonwebtoken on aws-lc-rs.

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::{Request, Signed, SigningError, SigningTime, with_host};

/// Every algorithm gwctl mints.
pub const ALGORITHMS: &[&str] =
    &["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"];

/// Claims that have their own setting and cannot be given as extra claims.
pub const REGISTERED_CLAIMS: &[&str] = &["iss", "sub", "aud", "iat", "nbf", "exp", "jti"];

/// Parses an algorithm name (case-insensitive: `hs256`, `EdDSA`).
pub fn parse_algorithm(name: &str) -> Result<Algorithm, SigningError> {
    ALGORITHMS
        .iter()
        .find(|a| a.eq_ignore_ascii_case(name.trim()))
        .and_then(|a| a.parse::<Algorithm>().ok())
        .ok_or_else(|| SigningError::UnknownJwtAlgorithm(name.chars().take(32).collect()))
}

/// Key material: a PEM private key, or an HMAC secret.
pub enum JwtKey {
    /// A PEM document (PKCS#8 for every family; PKCS#1 for RSA; SEC1 for EC).
    Pem(Zeroizing<Vec<u8>>),
    /// Raw HMAC secret bytes.
    Secret(Zeroizing<Vec<u8>>),
}

impl std::fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JwtKey::Pem(_) => f.write_str("JwtKey::Pem(<redacted>)"),
            JwtKey::Secret(_) => f.write_str("JwtKey::Secret(<redacted>)"),
        }
    }
}

impl JwtKey {
    /// Interprets key text: a PEM document if it starts with `-----BEGIN`, a base64 secret
    /// if it starts with `base64:`, otherwise the raw bytes as the secret (one trailing
    /// newline, as left by `echo` or an editor, is dropped).
    pub fn parse(text: &[u8]) -> Result<Self, SigningError> {
        let trimmed_start = text.trim_ascii_start();
        if trimmed_start.starts_with(b"-----BEGIN") {
            return Ok(JwtKey::Pem(Zeroizing::new(trimmed_start.to_vec())));
        }
        let mut raw = text;
        if let Some(r) = raw.strip_suffix(b"\n") {
            raw = r.strip_suffix(b"\r").unwrap_or(r);
        }
        if let Some(b64) = raw.strip_prefix(b"base64:") {
            use base64::Engine as _;
            let engines = [
                base64::engine::general_purpose::STANDARD,
                base64::engine::general_purpose::URL_SAFE,
                base64::engine::general_purpose::STANDARD_NO_PAD,
                base64::engine::general_purpose::URL_SAFE_NO_PAD,
            ];
            let decoded = engines
                .iter()
                .find_map(|e| e.decode(b64.trim_ascii()).ok())
                .ok_or_else(|| SigningError::InvalidJwtKey("the base64: secret is not valid base64".into()))?;
            return Ok(JwtKey::Secret(Zeroizing::new(decoded)));
        }
        if raw.is_empty() {
            return Err(SigningError::InvalidJwtKey("the secret is empty".into()));
        }
        Ok(JwtKey::Secret(Zeroizing::new(raw.to_vec())))
    }
}

/// What goes into each token.
#[derive(Clone, Debug, PartialEq)]
pub struct JwtSettings {
    pub algorithm: Algorithm,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    /// One audience is sent as a string, several as an array.
    pub audience: Vec<String>,
    /// `exp = iat + ttl`.
    pub ttl_secs: u64,
    /// `kid` header.
    pub key_id: Option<String>,
    /// Add a random `jti`.
    pub jti: bool,
    /// Any other claims.
    pub extra_claims: Map<String, Value>,
}

impl JwtSettings {
    pub fn new(algorithm: Algorithm) -> Self {
        Self {
            algorithm,
            issuer: None,
            subject: None,
            audience: Vec::new(),
            ttl_secs: 300,
            key_id: None,
            jti: true,
            extra_claims: Map::new(),
        }
    }
}

pub struct JwtSigner {
    settings: JwtSettings,
    key: EncodingKey,
    /// The `kid` sent: the configured one, else the key's RFC 7638 thumbprint (asymmetric keys).
    key_id: Option<String>,
}

impl std::fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSigner").field("settings", &self.settings).finish_non_exhaustive()
    }
}

impl JwtSigner {
    /// Checks the key against the algorithm up front, so a wrong key fails before any request.
    pub fn new(settings: JwtSettings, key: &JwtKey) -> Result<Self, SigningError> {
        for name in settings.extra_claims.keys() {
            if REGISTERED_CLAIMS.contains(&name.as_str()) {
                return Err(SigningError::InvalidJwtClaim(format!(
                    "'{name}' has its own option (--iss, --sub, --aud, --ttl); it cannot be an extra claim"
                )));
            }
        }
        if settings.ttl_secs == 0 {
            return Err(SigningError::InvalidJwtClaim("the token lifetime (ttl) must be positive".into()));
        }
        let ek = encoding_key(settings.algorithm, key)?;
        let key_id = match &settings.key_id {
            Some(k) => Some(k.clone()),
            None if family(settings.algorithm) == "hmac" => None,
            None => Some(jwk_thumbprint(&bare_public_jwk(settings.algorithm, &ek)?)?),
        };
        Ok(Self { settings, key: ek, key_id })
    }

    pub fn settings(&self) -> &JwtSettings {
        &self.settings
    }

    /// The `kid` each token carries: the configured key id, or for an asymmetric key without
    /// one its RFC 7638 JWK thumbprint (the `kid` [`public_jwk`] publishes for it); `None` for
    /// an HMAC secret without a configured key id.
    pub fn key_id(&self) -> Option<&str> {
        self.key_id.as_deref()
    }

    /// Mints one token issued at `time`.
    pub fn mint(&self, time: SigningTime) -> Result<String, SigningError> {
        let s = &self.settings;
        let iat = time.unix();
        let mut claims = Map::new();
        if let Some(v) = &s.issuer {
            claims.insert("iss".into(), v.clone().into());
        }
        if let Some(v) = &s.subject {
            claims.insert("sub".into(), v.clone().into());
        }
        match s.audience.as_slice() {
            [] => {}
            [one] => {
                claims.insert("aud".into(), one.clone().into());
            }
            many => {
                claims.insert("aud".into(), many.iter().cloned().map(Value::from).collect::<Vec<_>>().into());
            }
        }
        claims.insert("iat".into(), iat.into());
        claims.insert("nbf".into(), iat.into());
        let ttl = i64::try_from(s.ttl_secs).unwrap_or(i64::MAX);
        claims.insert("exp".into(), iat.saturating_add(ttl).into());
        if s.jti {
            claims.insert("jti".into(), random_jti()?.into());
        }
        for (k, v) in &s.extra_claims {
            claims.insert(k.clone(), v.clone());
        }
        let mut header = Header::new(s.algorithm);
        header.kid = self.key_id.clone();
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| SigningError::Jwt(jwt_problem(&e)))
    }

    pub fn sign(&self, req: &Request, time: SigningTime) -> Result<Signed, SigningError> {
        req.validate()?;
        let token = self.mint(time)?;
        Ok(with_host(req, vec![("Authorization".into(), format!("Bearer {token}"))]))
    }
}

fn random_jti() -> Result<String, SigningError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| SigningError::Jwt(format!("no randomness for jti: {e}")))?;
    Ok(hex::encode(bytes))
}

/// The public half of `key` as a JWK (RFC 7517) with `kid`, `alg` and `use: sig`, for a JWKS a
/// gateway trusts. Without `kid`, the key's RFC 7638 thumbprint is its `kid` (the one
/// [`JwtSigner`] puts in tokens). HMAC keys have no public half: publishing one would publish
/// the secret.
pub fn public_jwk(alg: Algorithm, key: &JwtKey, kid: Option<&str>) -> Result<serde_json::Value, SigningError> {
    if family(alg) == "hmac" {
        return Err(SigningError::InvalidJwtKey(format!(
            "{alg:?} uses a shared secret: there is no public key to publish (give the gateway the secret itself)"
        )));
    }
    let ek = encoding_key(alg, key)?;
    let mut v = bare_public_jwk(alg, &ek)?;
    let kid = match kid {
        Some(k) => k.to_string(),
        None => jwk_thumbprint(&v)?,
    };
    if let Some(obj) = v.as_object_mut() {
        obj.insert("use".into(), "sig".into());
        obj.insert("alg".into(), format!("{alg:?}").into());
        obj.insert("kid".into(), kid.into());
    }
    Ok(v)
}

/// The public JWK members of an asymmetric key (`kty`, `n`/`e`, `crv`/`x`/`y`), nothing else.
fn bare_public_jwk(alg: Algorithm, ek: &EncodingKey) -> Result<serde_json::Value, SigningError> {
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(ek, alg)
        .map_err(|_| SigningError::InvalidJwtKey("cannot derive the public key from the private key".into()))?;
    let mut v = serde_json::to_value(&jwk)
        .map_err(|_| SigningError::InvalidJwtKey("cannot write the public key as a JWK".into()))?;
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|k, x| !x.is_null() && matches!(k.as_str(), "kty" | "n" | "e" | "crv" | "x" | "y"));
    }
    Ok(v)
}

/// The RFC 7638 thumbprint of a public JWK: base64url (no padding) of the SHA-256 of its
/// required members (RSA: `e`, `kty`, `n`; EC: `crv`, `kty`, `x`, `y`; OKP: `crv`, `kty`, `x`)
/// as JSON in that order, without whitespace. Symmetric (`oct`) keys are refused: their
/// thumbprint would be derived from the secret.
pub fn jwk_thumbprint(jwk: &serde_json::Value) -> Result<String, SigningError> {
    use base64::Engine as _;
    use sha2::Digest as _;
    let bad = |m: &str| SigningError::InvalidJwtKey(format!("cannot compute the JWK thumbprint: {m}"));
    let kty = jwk.get("kty").and_then(Value::as_str).ok_or_else(|| bad("the JWK has no kty"))?;
    let members: &[&str] = match kty {
        "RSA" => &["e", "kty", "n"],
        "EC" => &["crv", "kty", "x", "y"],
        "OKP" => &["crv", "kty", "x"],
        _ => return Err(bad("only RSA, EC and OKP public keys have one here")),
    };
    let mut canonical = String::from("{");
    for (i, m) in members.iter().enumerate() {
        let v = jwk.get(*m).and_then(Value::as_str).ok_or_else(|| bad("a required member is missing"))?;
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&Value::from(*m).to_string());
        canonical.push(':');
        canonical.push_str(&Value::from(v).to_string());
    }
    canonical.push('}');
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(canonical.as_bytes())))
}

/// Checks that `key` can sign `alg` (the right family, a readable PEM, RSA of 2048 to 8192
/// bits) without making a signer: what `profile add` should call so a weak or wrong key is
/// refused when it is stored (a credential error, exit 4), not at the first request.
pub fn validate_key(alg: Algorithm, key: &JwtKey) -> Result<(), SigningError> {
    encoding_key(alg, key).map(|_| ())
}

impl JwtKey {
    /// The RFC 7638 thumbprint of the public half, as used for `alg` (`None` for an HMAC
    /// secret, which has no public half). The default `kid` of tokens and JWKS entries.
    pub fn thumbprint(&self, alg: Algorithm) -> Result<Option<String>, SigningError> {
        if family(alg) == "hmac" {
            return Ok(None);
        }
        let ek = encoding_key(alg, self)?;
        jwk_thumbprint(&bare_public_jwk(alg, &ek)?).map(Some)
    }
}

fn family(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => "hmac",
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => "rsa",
        Algorithm::ES256 | Algorithm::ES384 => "ec",
        Algorithm::EdDSA => "ed",
        _ => "unsupported",
    }
}

/// Why a PEM document could not be read, without any of its content (a parser's own message
/// can quote a byte of the key, e.g. "Invalid symbol 33, offset 0").
fn pem_problem(e: &pem::PemError) -> &'static str {
    match e {
        pem::PemError::MismatchedTags(..) => "its BEGIN and END lines name different types",
        pem::PemError::MalformedFraming => "its BEGIN/END lines are malformed",
        pem::PemError::MissingBeginTag => "it has no -----BEGIN line",
        pem::PemError::MissingEndTag => "it has no -----END line",
        pem::PemError::MissingData => "it holds no key data",
        pem::PemError::InvalidData(_) => "its base64 body is corrupt (a character is not base64, or it is cut)",
        pem::PemError::InvalidHeader(_) => "it has a malformed header line",
        pem::PemError::NotUtf8(_) => "it is not text",
    }
}

/// A PEM type label fit to show (`PRIVATE KEY`, `CERTIFICATE`): printable, short, or a placeholder.
fn shown_tag(tag: &str) -> String {
    if !tag.is_empty()
        && tag.len() <= 40
        && tag.bytes().all(|b| b.is_ascii_uppercase() || b == b' ' || b.is_ascii_digit())
    {
        format!("a PEM '{tag}'")
    } else {
        "this PEM document".to_string()
    }
}

/// A signing failure named by its kind only: the libraries' messages are not shown, as they
/// may describe key bytes.
fn jwt_problem(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match e.kind() {
        K::InvalidEcdsaKey => "the EC key was refused".into(),
        K::InvalidEddsaKey => "the Ed25519 key was refused".into(),
        K::InvalidRsaKey(_) => "the RSA key was refused".into(),
        K::RsaFailedSigning => "RSA signing failed".into(),
        K::InvalidKeyFormat => "the key format is not supported".into(),
        K::Json(_) => "a claim could not be written as JSON".into(),
        _ => "the key could not sign the token".into(),
    }
}

/// The smallest RSA modulus gwctl signs with (NIST SP 800-131A: shorter keys are disallowed).
pub const MIN_RSA_BITS: usize = 2048;

fn encoding_key(alg: Algorithm, key: &JwtKey) -> Result<EncodingKey, SigningError> {
    let bad = |msg: String| SigningError::InvalidJwtKey(msg);
    match (family(alg), key) {
        ("hmac", JwtKey::Secret(s)) => Ok(EncodingKey::from_secret(s)),
        ("hmac", JwtKey::Pem(_)) => Err(bad(format!("{alg:?} needs a shared secret, not a PEM private key"))),
        (_, JwtKey::Secret(_)) => Err(bad(format!("{alg:?} needs a PEM private key, not a shared secret"))),
        (fam, JwtKey::Pem(pem_bytes)) => {
            let doc = pem::parse(pem_bytes.as_slice())
                .map_err(|e| bad(format!("not a readable PEM document: {}", pem_problem(&e))))?;
            let der = Zeroizing::new(doc.contents().to_vec());
            match (fam, doc.tag()) {
                ("rsa", tag @ ("PRIVATE KEY" | "RSA PRIVATE KEY")) => {
                    let pair = if tag == "RSA PRIVATE KEY" {
                        aws_lc_rs::rsa::KeyPair::from_der(&der)
                    } else {
                        aws_lc_rs::rsa::KeyPair::from_pkcs8(&der)
                    };
                    match pair {
                        Ok(_) => {}
                        Err(e) if e.description_() == "TooSmall" => {
                            return Err(bad(format!(
                                "the RSA key is shorter than {MIN_RSA_BITS} bits, too weak to sign with; make a new one of 3072 bits"
                            )));
                        }
                        Err(e) if e.description_() == "TooLarge" => {
                            return Err(bad("the RSA key is longer than 8192 bits; use one of 2048 to 8192".into()));
                        }
                        Err(_) => return Err(bad(format!("not an RSA private key as {alg:?} needs"))),
                    }
                    EncodingKey::from_rsa_pem(pem_bytes).map_err(|_| bad("not a usable RSA private key".into()))
                }
                ("ec", "PRIVATE KEY" | "EC PRIVATE KEY") => {
                    let curve = match alg {
                        Algorithm::ES256 => &aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
                        _ => &aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED_SIGNING,
                    };
                    let curve_name = if alg == Algorithm::ES256 { "P-256" } else { "P-384" };
                    // Accepts PKCS#8 and SEC1 (RFC 5915); re-encode as the PKCS#8 jsonwebtoken wants.
                    let pair = aws_lc_rs::signature::EcdsaKeyPair::from_private_key_der(curve, &der)
                        .map_err(|_| bad(format!("not an EC {curve_name} private key as {alg:?} needs")))?;
                    let pkcs8 =
                        pair.to_pkcs8v1().map_err(|_| bad("the EC key could not be re-encoded as PKCS#8".into()))?;
                    Ok(EncodingKey::from_ec_der(pkcs8.as_ref()))
                }
                ("ed", "PRIVATE KEY") => {
                    aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
                        .map_err(|_| bad("not an Ed25519 PKCS#8 private key as EdDSA needs".into()))?;
                    EncodingKey::from_ed_pem(pem_bytes).map_err(|_| bad("not a usable Ed25519 key".into()))
                }
                (_, tag) => Err(bad(format!("{} cannot sign {alg:?}", shown_tag(tag)))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_names() {
        for a in ALGORITHMS {
            assert!(parse_algorithm(a).is_ok(), "{a}");
        }
        assert_eq!(parse_algorithm("hs256").unwrap(), Algorithm::HS256);
        assert!(matches!(parse_algorithm("none"), Err(SigningError::UnknownJwtAlgorithm(_))));
    }

    #[test]
    fn key_forms() {
        assert!(matches!(JwtKey::parse(b"secret\n").unwrap(), JwtKey::Secret(s) if s.as_slice() == b"secret"));
        assert!(matches!(JwtKey::parse(b"base64:c2VjcmV0").unwrap(), JwtKey::Secret(s) if s.as_slice() == b"secret"));
        assert!(JwtKey::parse(b"base64:***").is_err());
        assert!(JwtKey::parse(b"").is_err());
        assert!(matches!(JwtKey::parse(b"  -----BEGIN PRIVATE KEY-----\n").unwrap(), JwtKey::Pem(_)));
    }

    #[test]
    fn hs256_roundtrip_claims() {
        let mut s = JwtSettings::new(Algorithm::HS256);
        s.issuer = Some("me".into());
        s.audience = vec!["a".into(), "b".into()];
        s.key_id = Some("k1".into());
        s.extra_claims.insert("scope".into(), "read".into());
        let signer = JwtSigner::new(s, &JwtKey::parse(b"0123456789abcdef0123456789abcdef").unwrap()).unwrap();
        let t = SigningTime::parse("20250101T000000Z").unwrap();
        let token = signer.mint(t).unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::HS256);
        v.validate_exp = false;
        v.set_audience(&["a"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(
            &token,
            &jsonwebtoken::DecodingKey::from_secret(b"0123456789abcdef0123456789abcdef"),
            &v,
        )
        .unwrap();
        assert_eq!(data.header.kid.as_deref(), Some("k1"));
        assert_eq!(signer.key_id(), Some("k1"));
        assert_eq!(data.claims["iss"], "me");
        assert_eq!(data.claims["exp"], t.unix() + 300);
        assert_eq!(data.claims["scope"], "read");
    }

    #[test]
    fn registered_claims_are_refused_as_extras() {
        let mut s = JwtSettings::new(Algorithm::HS256);
        s.extra_claims.insert("exp".into(), 1.into());
        assert!(matches!(JwtSigner::new(s, &JwtKey::parse(b"k").unwrap()), Err(SigningError::InvalidJwtClaim(_))));
    }

    #[test]
    fn wrong_key_family() {
        let pem = JwtKey::parse(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").unwrap();
        assert!(JwtSigner::new(JwtSettings::new(Algorithm::HS256), &pem).is_err());
        assert!(JwtSigner::new(JwtSettings::new(Algorithm::RS256), &JwtKey::parse(b"k").unwrap()).is_err());
        assert!(JwtSigner::new(JwtSettings::new(Algorithm::ES256), &pem).is_err());
    }
}

#[cfg(test)]
mod key_error_tests {
    use super::*;

    #[test]
    fn pem_errors_never_show_key_bytes() {
        // '!' is symbol 33: the base64 decoder's own message would quote it.
        let text = b"-----BEGIN PRIVATE KEY-----\n!!!!SECRETBYTES\n-----END PRIVATE KEY-----\n";
        let err = JwtSigner::new(JwtSettings::new(Algorithm::RS256), &JwtKey::parse(text).unwrap()).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("base64 body is corrupt"), "{msg}");
        assert!(!msg.contains("33") && !msg.contains("SECRET") && !msg.contains("symbol"), "{msg}");
        assert!(err.is_credential_problem());
    }

    #[test]
    fn hmac_secrets_have_no_thumbprint() {
        assert_eq!(JwtKey::parse(b"k").unwrap().thumbprint(Algorithm::HS256).unwrap(), None);
        let signer = JwtSigner::new(JwtSettings::new(Algorithm::HS256), &JwtKey::parse(b"k").unwrap()).unwrap();
        assert_eq!(signer.key_id(), None);
    }
}
