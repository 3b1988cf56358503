//! Small shared value types about authentication (L0): the scheme names, and each scheme's
//! non-secret settings ([`AuthConfig`]), as a profile stores them and as flags override them.
//! No I/O here; `auth` turns an [`AuthConfig`] plus a credential into a signer.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::signing::aksk::AkSkVariant;
use crate::signing::jwt::{self, JwtSettings};
use crate::util::{self, ValueError};

/// The authentication schemes gwctl signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum AuthScheme {
    Basic,
    Sigv4,
    Apipark,
    Huawei,
    Jwt,
    Bearer,
    /// OAuth2 client credentials: a bearer token issued by a token endpoint.
    Oauth2,
    /// No credentials: requests are sent as they are (a plain `mlflow gateway start`).
    None,
}

impl AuthScheme {
    pub const ALL: [AuthScheme; 8] =
        [Self::Basic, Self::Sigv4, Self::Apipark, Self::Huawei, Self::Jwt, Self::Bearer, Self::Oauth2, Self::None];

    pub fn name(self) -> &'static str {
        match self {
            AuthScheme::Basic => "basic",
            AuthScheme::Sigv4 => "sigv4",
            AuthScheme::Apipark => "apipark",
            AuthScheme::Huawei => "huawei",
            AuthScheme::Jwt => "jwt",
            AuthScheme::Bearer => "bearer",
            AuthScheme::Oauth2 => "oauth2",
            AuthScheme::None => "none",
        }
    }

    /// Whether requests carry a credential (every scheme but `none`).
    pub fn has_credentials(self) -> bool {
        self != AuthScheme::None
    }

    /// What the scheme is, in a few words (for prompts).
    pub fn summary(self) -> &'static str {
        match self {
            AuthScheme::Basic => "user name and password (MLflow basic auth, nginx auth_basic)",
            AuthScheme::Sigv4 => "AWS Signature V4 (API Gateway, SageMaker, Bedrock)",
            AuthScheme::Apipark => "APIPark/Apinto AK/SK (HMAC-SHA256)",
            AuthScheme::Huawei => "Huawei APIG AK/SK (SDK-HMAC-SHA256)",
            AuthScheme::Jwt => "a JWT signed by gwctl (HMAC secret or private key)",
            AuthScheme::Bearer => "a static bearer token",
            AuthScheme::Oauth2 => "OAuth2 client credentials (Databricks, Azure, any OpenID provider)",
            AuthScheme::None => "no credentials (a plain mlflow gateway start)",
        }
    }

    /// The AK/SK variant for `apipark` and `huawei`.
    pub fn aksk_variant(self) -> Option<AkSkVariant> {
        match self {
            AuthScheme::Apipark => Some(AkSkVariant::ApiPark),
            AuthScheme::Huawei => Some(AkSkVariant::Huawei),
            _ => None,
        }
    }
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AuthScheme {
    type Err = ValueError;
    fn from_str(s: &str) -> Result<Self, ValueError> {
        Self::ALL.into_iter().find(|a| a.name().eq_ignore_ascii_case(s)).ok_or_else(|| {
            let names: Vec<_> = Self::ALL.iter().map(|a| a.name()).collect();
            ValueError(format!("unknown auth scheme {s:?} (expected one of {})", names.join(", ")))
        })
    }
}

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

/// OAuth2 client-credentials settings (`[profiles.NAME.oauth2]`). The client secret or private
/// key is a secret and lives in the profile's store; issued tokens are cached in the store's
/// `NAME#token` slot. A preset is applied when the profile is made, so the stored settings are
/// explicit (the `preset` field only records where they came from).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Settings {
    /// The token endpoint (one of `token_url` and `issuer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// The issuer whose discovery document names the token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// `basic`, `post`, `private-key-jwt`, `client-secret-jwt` [default: basic].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<String>,
    /// private_key_jwt: the assertion's algorithm (RS256, ES256 …) [default: from the key].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// private_key_jwt: the assertion's `kid` [default: the key's RFC 7638 thumbprint].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The preset the settings came from (`databricks`, `azure`), for `profile show`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The Azure tenant the preset was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
}

/// A scheme with its non-secret settings: one variant per scheme, so no scheme's fields are
/// options checked by hand elsewhere. The secret comes from a credential provider.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthConfig {
    Basic {
        username: Option<String>,
    },
    SigV4 {
        /// `None`: the credential brings it (environment, credential_process JSON).
        access_key_id: Option<String>,
        region: Option<String>,
        service: Option<String>,
    },
    AkSk {
        variant: AkSkVariant,
        access_key_id: Option<String>,
    },
    Jwt(JwtConfig),
    Bearer,
    /// A bearer token from an OAuth2 token endpoint (signed like `Bearer`).
    OAuth2(OAuth2Settings),
    /// No credentials: nothing is signed, no secret is kept.
    None,
}

impl AuthConfig {
    /// The scheme with nothing set (credentials and settings from the environment or flags).
    pub fn bare(scheme: AuthScheme) -> Self {
        match scheme {
            AuthScheme::Basic => AuthConfig::Basic { username: None },
            AuthScheme::Sigv4 => AuthConfig::SigV4 { access_key_id: None, region: None, service: None },
            AuthScheme::Apipark => AuthConfig::AkSk { variant: AkSkVariant::ApiPark, access_key_id: None },
            AuthScheme::Huawei => AuthConfig::AkSk { variant: AkSkVariant::Huawei, access_key_id: None },
            AuthScheme::Jwt => AuthConfig::Jwt(JwtConfig::default()),
            AuthScheme::Bearer => AuthConfig::Bearer,
            AuthScheme::Oauth2 => AuthConfig::OAuth2(OAuth2Settings::default()),
            AuthScheme::None => AuthConfig::None,
        }
    }

    pub fn scheme(&self) -> AuthScheme {
        match self {
            AuthConfig::Basic { .. } => AuthScheme::Basic,
            AuthConfig::SigV4 { .. } => AuthScheme::Sigv4,
            AuthConfig::AkSk { variant: AkSkVariant::ApiPark, .. } => AuthScheme::Apipark,
            AuthConfig::AkSk { variant: AkSkVariant::Huawei, .. } => AuthScheme::Huawei,
            AuthConfig::Jwt(_) => AuthScheme::Jwt,
            AuthConfig::Bearer => AuthScheme::Bearer,
            AuthConfig::OAuth2(_) => AuthScheme::Oauth2,
            AuthConfig::None => AuthScheme::None,
        }
    }

    /// The key id (SigV4, AK/SK) or user name (Basic) the config names, if any.
    pub fn key_id(&self) -> Option<&str> {
        match self {
            AuthConfig::Basic { username } => username.as_deref(),
            AuthConfig::SigV4 { access_key_id, .. } | AuthConfig::AkSk { access_key_id, .. } => {
                access_key_id.as_deref()
            }
            AuthConfig::Jwt(j) => j.kid.as_deref(),
            AuthConfig::Bearer | AuthConfig::None => None,
            AuthConfig::OAuth2(o) => Some(o.client_id.as_str()),
        }
    }

    pub fn jwt(&self) -> Option<&JwtConfig> {
        match self {
            AuthConfig::Jwt(j) => Some(j),
            _ => None,
        }
    }

    pub fn region(&self) -> Option<&str> {
        match self {
            AuthConfig::SigV4 { region, .. } => region.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_names_round_trip() {
        for s in AuthScheme::ALL {
            assert_eq!(s.name().parse::<AuthScheme>().unwrap(), s);
            assert_eq!(AuthConfig::bare(s).scheme(), s);
            let v = <AuthScheme as clap::ValueEnum>::to_possible_value(&s).unwrap();
            assert_eq!(v.get_name(), s.name());
        }
        assert!("digest".parse::<AuthScheme>().is_err());
        assert!(!AuthScheme::None.has_credentials());
        assert!(AuthScheme::ALL.iter().filter(|s| !s.has_credentials()).count() == 1);
    }

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
