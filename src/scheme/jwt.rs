//! `jwt`: a JWT made and signed by gwctl for each request (HMAC secret or private key). The
//! settings are the profile's `[jwt]` table ([`JwtConfig`], also the per-call flags' overlay);
//! the key is the stored secret, or `GWCTL_JWT_KEY` (`@FILE` for a file) without a profile.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AuthConfig, AuthScheme, Env, FieldsError, Material, MaterialError, SchemeFields, SetupError};
use crate::signing::Signer;
use crate::signing::jwt::{self, JwtKey, JwtSettings, JwtSigner};
use crate::util::{self, ValueError};

pub const GWCTL_JWT_KEY: &str = "GWCTL_JWT_KEY";

/// The largest key file `GWCTL_JWT_KEY=@FILE` may name.
pub const MAX_KEY_FILE: u64 = 1 << 20;

/// JWT settings (the key itself is a secret and lives in a store). One struct for the profile's
/// `[profiles.NAME.jwt]` table and for the flags that override it for one call.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aud: Vec<String>,
    /// Token lifetime as given (`15m`, `300`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub claims: BTreeMap<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_jti: bool,
}

impl JwtConfig {
    pub fn is_empty(&self) -> bool {
        *self == JwtConfig::default()
    }

    /// The algorithm (HS256 unless set).
    pub fn algorithm(&self) -> Result<jsonwebtoken::Algorithm, crate::signing::SigningError> {
        jwt::parse_algorithm(self.alg.as_deref().unwrap_or("HS256"))
    }

    /// Checks every field once (algorithm, lifetime, claims).
    pub fn validate(&self) -> Result<(), ValueError> {
        self.algorithm().map_err(|e| ValueError(e.to_string()))?;
        if let Some(ttl) = &self.ttl {
            util::parse_duration_secs(ttl)?;
        }
        if self.claims.values().any(serde_json::Value::is_null) {
            return Err(ValueError("a JWT claim cannot be null in a profile".into()));
        }
        Ok(())
    }

    /// Fields set in `over` replace this config's; claims are merged; `no_jti` is sticky.
    pub fn overlay(&mut self, over: &JwtConfig) {
        let take = |dst: &mut Option<String>, src: &Option<String>| {
            if src.is_some() {
                dst.clone_from(src);
            }
        };
        take(&mut self.alg, &over.alg);
        take(&mut self.iss, &over.iss);
        take(&mut self.sub, &over.sub);
        take(&mut self.ttl, &over.ttl);
        take(&mut self.kid, &over.kid);
        if !over.aud.is_empty() {
            self.aud.clone_from(&over.aud);
        }
        self.claims.extend(over.claims.iter().map(|(k, v)| (k.clone(), v.clone())));
        self.no_jti |= over.no_jti;
    }

    /// The signing module's settings for these fields.
    pub fn settings(&self) -> Result<JwtSettings, ValueError> {
        let mut s = JwtSettings::new(self.algorithm().map_err(|e| ValueError(e.to_string()))?);
        s.issuer.clone_from(&self.iss);
        s.subject.clone_from(&self.sub);
        s.audience.clone_from(&self.aud);
        s.key_id.clone_from(&self.kid);
        s.extra_claims = self.claims.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        s.jti = !self.no_jti;
        if let Some(ttl) = &self.ttl {
            s.ttl_secs = util::parse_duration_secs(ttl)?;
        }
        Ok(s)
    }
}

pub(super) fn from_fields(f: &SchemeFields) -> Result<AuthConfig, FieldsError> {
    let j = f.jwt.clone().unwrap_or_default();
    j.validate().map_err(|e| e.to_string())?;
    Ok(AuthConfig::Jwt(j))
}

pub(super) fn from_env(env: &dyn Env) -> Result<Material, MaterialError> {
    let bytes = env.value_or_file(GWCTL_JWT_KEY, AuthScheme::Jwt, MAX_KEY_FILE)?;
    let key =
        JwtKey::parse(&bytes).map_err(|e| MaterialError::Invalid { var: GWCTL_JWT_KEY, message: e.to_string() })?;
    Ok(Material::Jwt(key))
}

pub(super) fn from_secret(secret: &[u8]) -> Result<Material, MaterialError> {
    Ok(Material::Jwt(JwtKey::parse(secret).map_err(|e| MaterialError::Stored(e.to_string()))?))
}

pub(super) fn signer(j: &JwtConfig, key: &JwtKey) -> Result<Signer, SetupError> {
    Ok(Signer::Jwt(JwtSigner::new(j.settings()?, key)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_overlay() {
        let mut base = JwtConfig { alg: Some("RS256".into()), aud: vec!["a".into()], ..Default::default() };
        base.overlay(&JwtConfig { iss: Some("me".into()), no_jti: true, ..Default::default() });
        assert_eq!(base.alg.as_deref(), Some("RS256"));
        assert_eq!(base.iss.as_deref(), Some("me"));
        assert_eq!(base.aud, vec!["a".to_string()]);
        assert!(base.no_jti);
        base.overlay(&JwtConfig { aud: vec!["b".into()], ..Default::default() });
        assert_eq!(base.aud, vec!["b".to_string()]);
    }
}
