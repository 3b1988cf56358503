//! Authentication schemes (L0): the scheme names ([`AuthScheme`]), each scheme's non-secret
//! settings ([`AuthConfig`], one variant per scheme), and everything else a scheme decides,
//! one module per scheme:
//!
//! | scheme | module | settings | secret |
//! | --- | --- | --- | --- |
//! | `basic` | [`basic`] | `username` | the password |
//! | `sigv4` | [`sigv4`] | `access_key_id`, `region`, `service` | the secret key (or `credential_process` JSON) |
//! | `apipark`, `huawei` | [`aksk`] | `access_key_id` | the secret key |
//! | `jwt` | [`jwt`] | `[jwt]` | the HMAC secret or private key |
//! | `bearer` | [`bearer`] | – | the token |
//! | `oauth2` | [`oauth2`] | `[oauth2]` | the client secret or private key |
//! | `none` | [`none`] | – | – |
//!
//! A scheme's module says how its settings are read from and written to a profile's keys
//! ([`SchemeFields`]), which environment variables and which stored secret make its
//! [`Material`], how a [`Signer`] is made from the two, what `profile add` asks on a terminal
//! ([`Question`]) and how `keys rotate` renews it ([`RotationKind`]). What every scheme has is
//! reached through [`AuthConfig`]'s methods, so a new scheme is its module, its variants and
//! keys here and its flags in `cli`; features only some schemes have (SigV4's scope flags, the
//! OAuth2 `token` command, each rotation's steps, `serve`'s verifiers) still name them. Pure:
//! the environment comes in through [`Env`], and nothing here reads a file or the network.

pub mod aksk;
pub mod basic;
pub mod bearer;
pub mod jwt;
pub mod none;
pub mod oauth2;
pub mod sigv4;

use std::fmt;
use std::str::FromStr;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::signing::aksk::{AkSkCredentials, AkSkVariant};
use crate::signing::basic::BasicCredentials;
use crate::signing::jwt::JwtKey;
use crate::signing::sigv4::AwsCredentials;
use crate::signing::{Signer, SigningError};
use crate::util::ValueError;

pub use jwt::JwtConfig;
pub use oauth2::OAuth2Settings;

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

    /// What `profile add` asks for when it prompts for the secret (`None`: no secret).
    pub fn secret_label(self) -> Option<&'static str> {
        match self {
            AuthScheme::Basic => Some("Password"),
            AuthScheme::Sigv4 | AuthScheme::Apipark | AuthScheme::Huawei => Some("Secret access key"),
            AuthScheme::Jwt => Some("JWT HMAC secret"),
            AuthScheme::Bearer => Some("Token"),
            AuthScheme::Oauth2 => Some("OAuth2 client secret"),
            AuthScheme::None => None,
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

/// The secret material of one scheme.
pub enum Material {
    Basic(BasicCredentials),
    Aws(AwsCredentials),
    AkSk(AkSkCredentials),
    Jwt(JwtKey),
    Bearer(SecretString),
    /// No credential at all (`--auth none`): nothing is signed.
    None,
}

impl fmt::Debug for Material {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Material::Basic(_) => "Basic(****)",
            Material::Aws(_) => "Aws(****)",
            Material::AkSk(_) => "AkSk(****)",
            Material::Jwt(_) => "Jwt(****)",
            Material::Bearer(_) => "Bearer(****)",
            Material::None => "None",
        })
    }
}

/// The keys of a profile that belong to its scheme, as the config file has them (flat, every
/// one optional; `profile::ProfileToml` holds them beside the keys every profile has). Each
/// scheme reads its own ([`AuthConfig::from_fields`]) and writes them back
/// ([`AuthConfig::to_fields`]). `region` and `service` are kept on every profile: they sign a
/// call that overrides the scheme with `--auth sigv4`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SchemeFields {
    /// Basic user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// SigV4 / AK/SK access key id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jwt: Option<JwtConfig>,
    /// OAuth2 client-credentials settings (`--auth oauth2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oauth2: Option<OAuth2Settings>,
}

impl SchemeFields {
    /// The keys, as the config file names them.
    pub const KEYS: &'static [&'static str] = &["username", "access_key_id", "region", "service", "jwt", "oauth2"];

    /// Reads the value of `key` from `map` when it is one of [`KEYS`](Self::KEYS) (a wrong
    /// value is reported at its own line); `false` for any other key, whose value is left.
    pub fn read_key<'de, A: serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
        match key {
            "username" => self.username = map.next_value()?,
            "access_key_id" => self.access_key_id = map.next_value()?,
            "region" => self.region = map.next_value()?,
            "service" => self.service = map.next_value()?,
            "jwt" => self.jwt = map.next_value()?,
            "oauth2" => self.oauth2 = map.next_value()?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The tables that belong to one scheme, by name: a table on a profile of another scheme
    /// is refused rather than ignored.
    pub fn tables(&self) -> [(&'static str, &'static str, bool, AuthScheme); 2] {
        [
            ("OAuth2 settings", "oauth2", self.oauth2.is_some(), AuthScheme::Oauth2),
            ("JWT settings", "jwt", self.jwt.is_some(), AuthScheme::Jwt),
        ]
    }
}

/// What a scheme needs to know about the rest of a profile to check its fields.
#[derive(Clone, Copy, Debug, Default)]
pub struct FieldsContext {
    /// The store is a command printing `credential_process` JSON: the key id comes from there.
    pub id_from_store: bool,
    /// The profile assumes a role: it signs with its source profile's key.
    pub assumes_role: bool,
}

/// Why a scheme's fields do not make a profile (`profile::ProfileError::Invalid`).
pub type FieldsError = String;

/// `Some(v)` unless empty.
fn nonempty(v: &Option<String>) -> Option<String> {
    v.clone().filter(|s| !s.is_empty())
}

/// `a SCHEME profile needs FLAG` unless `field` is set.
fn need(field: &Option<String>, scheme: AuthScheme, flag: &str) -> Result<(), FieldsError> {
    if field.as_deref().is_none_or(str::is_empty) { Err(format!("a {scheme} profile needs {flag}")) } else { Ok(()) }
}

/// Why the material for a scheme could not be had. Messages name the variable or say what is
/// wrong with the stored secret, never the secret.
#[derive(Debug, thiserror::Error)]
pub enum MaterialError {
    #[error("missing credential: set {var} (needed by --auth {scheme})")]
    Missing { var: &'static str, scheme: &'static str },
    #[error("{var} is not valid UTF-8")]
    NotUnicode { var: &'static str },
    #[error("cannot read the key file named by {var} ({path}): {source}")]
    KeyFile {
        var: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{var}: {message}")]
    Invalid { var: &'static str, message: String },
    /// The stored secret does not fit the scheme (the caller names the profile).
    #[error("{0}")]
    Stored(String),
}

/// The environment, as a scheme reads it (the process environment, or a map in tests).
pub trait Env {
    /// The variable's value; unset and empty are both `None`.
    fn var(&self, var: &'static str) -> Result<Option<Zeroizing<String>>, MaterialError>;

    /// The variable's value, or the content of the file it names as `@FILE` (at most `limit`
    /// bytes).
    fn value_or_file(
        &self,
        var: &'static str,
        scheme: AuthScheme,
        limit: u64,
    ) -> Result<Zeroizing<Vec<u8>>, MaterialError>;

    fn required(&self, var: &'static str, scheme: AuthScheme) -> Result<Zeroizing<String>, MaterialError> {
        self.var(var)?.ok_or(MaterialError::Missing { var, scheme: scheme.name() })
    }

    fn secret(&self, var: &'static str, scheme: AuthScheme) -> Result<SecretString, MaterialError> {
        Ok(SecretString::from(self.required(var, scheme)?.to_string()))
    }
}

/// A stored secret as text.
fn stored_text(secret: &[u8]) -> Result<Zeroizing<String>, MaterialError> {
    std::str::from_utf8(secret)
        .map(|s| Zeroizing::new(s.to_string()))
        .map_err(|_| MaterialError::Stored("the stored secret is not valid UTF-8".into()))
}

/// What a signer is made for besides the scheme's settings and material.
pub struct SignerContext<'a> {
    /// The request's authority (`host[:port]`).
    pub host: &'a str,
    /// A SigV4 region and service inferred from an AWS host name, asked only by `sigv4`.
    pub infer_scope: &'a dyn Fn(&str) -> Option<(String, String)>,
    /// The provider's region (`AWS_REGION`, the profile's), used last.
    pub default_region: Option<String>,
    /// Sign `UNSIGNED-PAYLOAD` (SigV4) / send `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (Huawei).
    pub unsigned_payload: bool,
    /// Add and sign `X-Amz-Content-SHA256`.
    pub content_sha256: bool,
}

/// Why a signer could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A setting that must be given (a region, a service).
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error(transparent)]
    Signing(#[from] SigningError),
    /// The material is another scheme's.
    #[error("the credential is for another scheme")]
    WrongMaterial,
}

/// A field `profile add` asks for on a terminal when no flag gave it.
pub struct Question {
    /// The profile key the answer sets (`region`; `oauth2.client_id` in a table): a flag that
    /// set it, even to nothing, is not asked again.
    pub key: &'static str,
    pub label: &'static str,
    /// An empty answer is accepted (the field stays unset).
    pub optional: bool,
    /// Whether to ask (the field is not set yet, and the profile needs it).
    pub wanted: fn(&SchemeFields, &FieldsContext) -> bool,
    pub check: fn(&str) -> Result<(), String>,
    /// The answer must also be an http(s) URL (checked by the prompt, with the request
    /// model's rules, before `check`).
    pub url: bool,
    pub set: fn(&mut SchemeFields, Option<String>),
}

/// Any answer.
fn any(_: &str) -> Result<(), String> {
    Ok(())
}

/// How `gwctl keys rotate` renews a scheme's credential.
#[derive(Clone, Copy, Debug)]
pub enum RotationKind {
    /// A new IAM access key, checked with STS before the old one is deleted.
    AwsAccessKey,
    /// A new key pair made by gwctl, registered on the gateway by hand (`--finish` when done).
    GatewayKey,
    /// A new password: through MLflow's user API on an `mlflow server`, else by hand.
    Password,
    /// An HMAC secret like a gateway key, or a new key pair for the JWKS.
    Jwt,
    /// Not rotated by gwctl; the function says why and what to do, given the profile's name.
    NotRotated(fn(&str) -> String),
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

    /// The scheme's settings from a profile's keys, checked once. Keys of another scheme (a
    /// `username` on a sigv4 profile) are left out.
    pub fn from_fields(scheme: AuthScheme, f: &SchemeFields, cx: &FieldsContext) -> Result<Self, FieldsError> {
        match scheme {
            AuthScheme::Basic => basic::from_fields(f),
            AuthScheme::Sigv4 => sigv4::from_fields(f, cx),
            AuthScheme::Apipark | AuthScheme::Huawei => aksk::from_fields(scheme, f, cx),
            AuthScheme::Jwt => jwt::from_fields(f),
            AuthScheme::Bearer => Ok(AuthConfig::Bearer),
            AuthScheme::Oauth2 => oauth2::from_fields(f),
            AuthScheme::None => Ok(AuthConfig::None),
        }
    }

    /// Writes the settings back as a profile's keys.
    pub fn to_fields(&self, f: &mut SchemeFields) {
        match self {
            AuthConfig::Basic { username } => f.username.clone_from(username),
            AuthConfig::SigV4 { access_key_id, region, service } => {
                f.access_key_id.clone_from(access_key_id);
                f.region.clone_from(region);
                f.service.clone_from(service);
            }
            AuthConfig::AkSk { access_key_id, .. } => f.access_key_id.clone_from(access_key_id),
            AuthConfig::Jwt(j) => f.jwt = (!j.is_empty()).then(|| j.clone()),
            AuthConfig::OAuth2(o) => f.oauth2 = Some(o.clone()),
            AuthConfig::Bearer | AuthConfig::None => {}
        }
    }

    /// The material from the environment's conventional variables (`--auth SCHEME` without a
    /// profile).
    pub fn material_from_env(scheme: AuthScheme, env: &dyn Env) -> Result<Material, MaterialError> {
        match scheme {
            AuthScheme::Basic => basic::from_env(env),
            AuthScheme::Sigv4 => sigv4::from_env(env),
            AuthScheme::Apipark | AuthScheme::Huawei => aksk::from_env(scheme, env),
            AuthScheme::Jwt => jwt::from_env(env),
            AuthScheme::Bearer | AuthScheme::Oauth2 => bearer::from_env(scheme, env),
            AuthScheme::None => Ok(Material::None),
        }
    }

    /// The material from a profile's stored secret.
    pub fn material_from_secret(&self, secret: &[u8]) -> Result<Material, MaterialError> {
        match self {
            AuthConfig::Basic { username } => basic::from_secret(username.as_deref(), secret),
            AuthConfig::SigV4 { access_key_id, .. } => sigv4::from_secret(access_key_id.as_deref(), secret),
            AuthConfig::AkSk { access_key_id, .. } => aksk::from_secret(access_key_id.as_deref(), secret),
            AuthConfig::Jwt(_) => jwt::from_secret(secret),
            AuthConfig::Bearer => bearer::from_secret(secret),
            AuthConfig::OAuth2(_) => Err(oauth2::not_a_token()),
            AuthConfig::None => Ok(Material::None),
        }
    }

    /// The signer for these settings and `material`.
    pub fn signer(&self, material: &Material, cx: &SignerContext<'_>) -> Result<Signer, SetupError> {
        match (self, material) {
            (AuthConfig::Basic { .. }, Material::Basic(c)) => basic::signer(c),
            (AuthConfig::Bearer | AuthConfig::OAuth2(_), Material::Bearer(t)) => bearer::signer(t),
            (AuthConfig::SigV4 { region, service, .. }, Material::Aws(c)) => {
                sigv4::signer(region.as_deref(), service.as_deref(), c, cx)
            }
            (AuthConfig::AkSk { variant, .. }, Material::AkSk(c)) => aksk::signer(*variant, c, cx),
            (AuthConfig::Jwt(j), Material::Jwt(key)) => jwt::signer(j, key),
            (AuthConfig::None, Material::None) => Ok(Signer::None),
            _ => Err(SetupError::WrongMaterial),
        }
    }

    /// What `profile add` asks on a terminal for this scheme's fields.
    pub fn questions(scheme: AuthScheme) -> &'static [Question] {
        match scheme {
            AuthScheme::Basic => basic::QUESTIONS,
            AuthScheme::Sigv4 => sigv4::QUESTIONS,
            AuthScheme::Apipark | AuthScheme::Huawei => aksk::QUESTIONS,
            AuthScheme::Oauth2 => oauth2::QUESTIONS,
            AuthScheme::Jwt | AuthScheme::Bearer | AuthScheme::None => &[],
        }
    }

    /// The secret is a PEM private key, read from a file rather than typed.
    pub fn secret_is_key_file(&self) -> bool {
        match self {
            AuthConfig::Jwt(j) => j.alg.as_deref().is_some_and(|a| !a.to_ascii_uppercase().starts_with("HS")),
            AuthConfig::OAuth2(o) => o.client_auth.as_deref() == Some("private-key-jwt"),
            _ => false,
        }
    }

    /// How `keys rotate` renews the credential.
    pub fn rotation(&self) -> RotationKind {
        match self {
            AuthConfig::SigV4 { .. } => RotationKind::AwsAccessKey,
            AuthConfig::AkSk { .. } => RotationKind::GatewayKey,
            AuthConfig::Basic { .. } => RotationKind::Password,
            AuthConfig::Jwt(_) => RotationKind::Jwt,
            AuthConfig::Bearer => bearer::ROTATION,
            AuthConfig::OAuth2(_) => oauth2::ROTATION,
            AuthConfig::None => none::ROTATION,
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

    /// Each scheme reads back what it writes: settings → keys → settings.
    #[test]
    fn fields_round_trip_for_every_scheme() {
        let cx = FieldsContext::default();
        let samples = [
            AuthConfig::Basic { username: Some("ann".into()) },
            AuthConfig::SigV4 {
                access_key_id: Some("AKID".into()),
                region: Some("eu-west-1".into()),
                service: Some("execute-api".into()),
            },
            AuthConfig::AkSk { variant: AkSkVariant::ApiPark, access_key_id: Some("AK".into()) },
            AuthConfig::AkSk { variant: AkSkVariant::Huawei, access_key_id: Some("HW".into()) },
            AuthConfig::Jwt(JwtConfig { alg: Some("RS256".into()), kid: Some("k1".into()), ..Default::default() }),
            AuthConfig::Bearer,
            AuthConfig::OAuth2(OAuth2Settings {
                token_url: Some("https://idp.example/token".into()),
                client_id: "c".into(),
                ..Default::default()
            }),
            AuthConfig::None,
        ];
        let mut seen: Vec<AuthScheme> = Vec::new();
        for c in samples {
            let mut f = SchemeFields::default();
            c.to_fields(&mut f);
            assert_eq!(AuthConfig::from_fields(c.scheme(), &f, &cx).unwrap(), c);
            seen.push(c.scheme());
        }
        assert!(AuthScheme::ALL.iter().all(|s| seen.contains(s)), "a scheme without a sample");
    }

    #[test]
    fn fields_a_scheme_needs_are_named() {
        let cx = FieldsContext::default();
        let f = SchemeFields::default();
        let e = AuthConfig::from_fields(AuthScheme::Sigv4, &f, &cx).unwrap_err();
        assert_eq!(e, "a sigv4 profile needs --access-key-id");
        // A role or a credential_process store brings the key id.
        for cx in [FieldsContext { assumes_role: true, ..cx }, FieldsContext { id_from_store: true, ..cx }] {
            assert!(AuthConfig::from_fields(AuthScheme::Sigv4, &f, &cx).is_ok());
        }
        let e = AuthConfig::from_fields(AuthScheme::Huawei, &f, &cx).unwrap_err();
        assert_eq!(e, "a huawei profile needs --access-key-id");
        let colon = SchemeFields { username: Some("a:b".into()), ..Default::default() };
        assert!(AuthConfig::from_fields(AuthScheme::Basic, &colon, &cx).unwrap_err().contains("':'"));
        assert!(AuthConfig::from_fields(AuthScheme::Oauth2, &f, &cx).unwrap_err().contains("--client-id"));
    }

    #[test]
    fn questions_set_what_they_ask_for() {
        let cx = FieldsContext::default();
        for s in AuthScheme::ALL {
            let mut f = SchemeFields::default();
            for q in AuthConfig::questions(s) {
                assert!((q.wanted)(&f, &cx), "{s}: {}", q.label);
                (q.set)(&mut f, Some(if q.url { "https://x.example/" } else { "x" }.into()));
                assert!(!(q.wanted)(&f, &cx), "{s}: {} is asked again after an answer", q.label);
            }
            // Once answered, the scheme's fields make a profile.
            assert!(AuthConfig::from_fields(s, &f, &cx).is_ok(), "{s}");
        }
        // A role brings the key id: not asked.
        let role = FieldsContext { assumes_role: true, ..cx };
        assert!(!(AuthConfig::questions(AuthScheme::Sigv4)[0].wanted)(&SchemeFields::default(), &role));
    }

    #[test]
    fn stored_secrets_and_their_refusals() {
        let sig = AuthConfig::bare(AuthScheme::Sigv4);
        let json = br#"{"Version":1,"AccessKeyId":"AKJ","SecretAccessKey":"s","SessionToken":"t"}"#;
        let Material::Aws(a) = sig.material_from_secret(json).unwrap() else { panic!("aws") };
        assert_eq!(a.access_key_id, "AKJ");
        assert!(a.session_token.is_some());
        let e = sig.material_from_secret(b"secret").unwrap_err().to_string();
        assert_eq!(e, "no --access-key-id in the profile");
        assert!(sig.material_from_secret(&[0xff]).unwrap_err().to_string().contains("UTF-8"));
        let e = AuthConfig::bare(AuthScheme::Oauth2).material_from_secret(b"x").unwrap_err().to_string();
        assert!(e.contains("client credential"), "{e}");
        assert!(matches!(AuthConfig::Bearer.material_from_secret(b" tok\n").unwrap(), Material::Bearer(_)));
        // Another scheme's material makes no signer.
        let cx = SignerContext {
            host: "h",
            infer_scope: &|_| None,
            default_region: None,
            unsigned_payload: false,
            content_sha256: false,
        };
        let m = AuthConfig::Bearer.material_from_secret(b"tok").unwrap();
        assert!(matches!(AuthConfig::None.signer(&m, &cx), Err(SetupError::WrongMaterial)));
        let e = AuthConfig::bare(AuthScheme::Sigv4)
            .signer(&sig.material_from_secret(json).unwrap(), &cx)
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs a region"), "{e}");
    }
}
