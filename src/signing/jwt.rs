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
        let key = encoding_key(settings.algorithm, key)?;
        Ok(Self { settings, key })
    }

    pub fn settings(&self) -> &JwtSettings {
        &self.settings
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
        header.kid = s.key_id.clone();
        jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| SigningError::Jwt(e.to_string()))
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
/// gateway trusts. HMAC keys have no public half: publishing one would publish the secret.
pub fn public_jwk(alg: Algorithm, key: &JwtKey, kid: Option<&str>) -> Result<serde_json::Value, SigningError> {
    if family(alg) == "hmac" {
        return Err(SigningError::InvalidJwtKey(format!(
            "{alg:?} uses a shared secret: there is no public key to publish (give the gateway the secret itself)"
        )));
    }
    let ek = encoding_key(alg, key)?;
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&ek, alg)
        .map_err(|e| SigningError::InvalidJwtKey(format!("cannot derive the public key ({e})")))?;
    let mut v = serde_json::to_value(&jwk)
        .map_err(|e| SigningError::InvalidJwtKey(format!("cannot write the public key ({e})")))?;
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|_, x| !x.is_null());
        obj.insert("use".into(), "sig".into());
        obj.insert("alg".into(), format!("{alg:?}").into());
        if let Some(kid) = kid {
            obj.insert("kid".into(), kid.into());
        }
    }
    Ok(v)
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

fn encoding_key(alg: Algorithm, key: &JwtKey) -> Result<EncodingKey, SigningError> {
    let bad = |msg: String| SigningError::InvalidJwtKey(msg);
    match (family(alg), key) {
        ("hmac", JwtKey::Secret(s)) => Ok(EncodingKey::from_secret(s)),
        ("hmac", JwtKey::Pem(_)) => Err(bad(format!("{alg:?} needs a shared secret, not a PEM private key"))),
        (_, JwtKey::Secret(_)) => Err(bad(format!("{alg:?} needs a PEM private key, not a shared secret"))),
        (fam, JwtKey::Pem(pem_bytes)) => {
            let doc =
                pem::parse(pem_bytes.as_slice()).map_err(|e| bad(format!("not a readable PEM document ({e})")))?;
            let der = Zeroizing::new(doc.contents().to_vec());
            match (fam, doc.tag()) {
                ("rsa", "PRIVATE KEY" | "RSA PRIVATE KEY") => {
                    EncodingKey::from_rsa_pem(pem_bytes).map_err(|e| bad(format!("not a usable RSA private key ({e})")))
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
                    EncodingKey::from_ed_pem(pem_bytes).map_err(|e| bad(format!("not a usable Ed25519 key ({e})")))
                }
                (_, tag) => Err(bad(format!("a PEM '{tag}' cannot sign {alg:?}"))),
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
