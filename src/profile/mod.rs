//! Credential profiles (L2): non-secret settings in a TOML config file ([`config`]), parsed
//! into typed [`Profile`]s, the secret in a [`store`] named by the profile. [`resolve`] turns
//! `--profile`/`GWCTL_PROFILE`/the default profile into what signs a command's requests.

pub mod aws_import;
pub mod config;
pub mod private_file;
pub mod resolve;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::gateway::Gateway;
use crate::scheme::{AuthConfig, AuthScheme, JwtConfig};
use store::{StoreError, StoreSpec};

/// One profile as it is written in the config file: flat, every field optional. Commands
/// that edit profiles change this form; everything else uses the validated [`Profile`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileToml {
    pub auth: AuthScheme,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Gateway>,
    /// Basic user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// SigV4 / AK/SK access key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt: Option<JwtConfig>,
    /// Where the secret is.
    pub store: StoreSpec,
    /// When the current key or password was made (RFC 3339), for `gwctl doctor --max-age`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_created: Option<String>,
    /// IAM and STS endpoints for `gwctl keys rotate` (default: AWS's global endpoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts_endpoint: Option<String>,
    /// A key rotation under way (`gwctl keys rotate`), shown by `gwctl profile show`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
}

impl ProfileToml {
    pub fn new(auth: AuthScheme, store: StoreSpec) -> Self {
        Self {
            auth,
            url: None,
            gateway: None,
            username: None,
            access_key_id: None,
            region: None,
            service: None,
            jwt: None,
            store,
            key_created: None,
            iam_endpoint: None,
            sts_endpoint: None,
            rotation: None,
        }
    }
}

/// A validated profile: the scheme's settings as one [`AuthConfig`] variant, and the settings
/// every profile has. Parsed from (and written as) [`ProfileToml`], so the file format is
/// unchanged; a profile that does not validate is reported when the config is loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ProfileToml", into = "ProfileToml")]
pub struct Profile {
    pub auth: AuthConfig,
    pub url: Option<String>,
    pub gateway: Option<Gateway>,
    pub store: StoreSpec,
    pub key_created: Option<String>,
    pub iam_endpoint: Option<String>,
    pub sts_endpoint: Option<String>,
    pub rotation: Option<Rotation>,
}

impl Profile {
    pub fn scheme(&self) -> AuthScheme {
        self.auth.scheme()
    }

    /// The flat form, for editing.
    pub fn to_toml(&self) -> ProfileToml {
        self.clone().into()
    }

    pub fn jwt(&self) -> Option<&JwtConfig> {
        self.auth.jwt()
    }
}

impl TryFrom<ProfileToml> for Profile {
    type Error = ProfileError;

    /// Checks that the fields the scheme needs are there and that every value parses. Fields
    /// of another scheme (a `region` on a Basic profile) have no effect and are dropped.
    fn try_from(t: ProfileToml) -> Result<Self, ProfileError> {
        let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
        let need = |field: &Option<String>, flag: &str| {
            if field.as_deref().is_none_or(str::is_empty) {
                Err(ProfileError::Invalid(format!("a {} profile needs {flag}", t.auth)))
            } else {
                Ok(())
            }
        };
        // With a command: store printing credential_process JSON the id comes from there.
        let id_from_store = matches!(t.store, StoreSpec::Command(_));
        let auth = match t.auth {
            AuthScheme::Basic => {
                need(&t.username, "--username")?;
                if t.username.as_deref().is_some_and(|u| u.contains(':')) {
                    return Err(ProfileError::Invalid("a Basic user name must not contain ':'".into()));
                }
                AuthConfig::Basic { username: nonempty(t.username.clone()) }
            }
            AuthScheme::Sigv4 => {
                if !id_from_store {
                    need(&t.access_key_id, "--access-key-id")?;
                }
                AuthConfig::SigV4 {
                    access_key_id: nonempty(t.access_key_id.clone()),
                    region: nonempty(t.region.clone()),
                    service: nonempty(t.service.clone()),
                }
            }
            AuthScheme::Apipark | AuthScheme::Huawei => {
                if !id_from_store {
                    need(&t.access_key_id, "--access-key-id")?;
                }
                AuthConfig::AkSk {
                    variant: t.auth.aksk_variant().unwrap_or(crate::signing::aksk::AkSkVariant::ApiPark),
                    access_key_id: nonempty(t.access_key_id.clone()),
                }
            }
            AuthScheme::Jwt => {
                let j = t.jwt.clone().unwrap_or_default();
                j.validate().map_err(|e| ProfileError::Invalid(e.to_string()))?;
                AuthConfig::Jwt(j)
            }
            AuthScheme::Bearer => AuthConfig::Bearer,
        };
        if t.jwt.is_some() && t.auth != AuthScheme::Jwt {
            return Err(ProfileError::Invalid(format!(
                "JWT settings ([jwt]) do not go with auth = {:?}",
                t.auth.name()
            )));
        }
        for (url, flag) in [(&t.url, "--url"), (&t.iam_endpoint, "--iam-endpoint"), (&t.sts_endpoint, "--sts-endpoint")]
        {
            if let Some(url) = url {
                crate::request::parse_url(url).map_err(|e| ProfileError::Invalid(format!("{flag}: {e}")))?;
            }
        }
        Ok(Profile {
            auth,
            url: nonempty(t.url),
            gateway: t.gateway,
            store: t.store,
            key_created: t.key_created,
            iam_endpoint: nonempty(t.iam_endpoint),
            sts_endpoint: nonempty(t.sts_endpoint),
            rotation: t.rotation,
        })
    }
}

impl From<Profile> for ProfileToml {
    fn from(p: Profile) -> Self {
        let mut t = ProfileToml::new(p.auth.scheme(), p.store);
        match p.auth {
            AuthConfig::Basic { username } => t.username = username,
            AuthConfig::SigV4 { access_key_id, region, service } => {
                t.access_key_id = access_key_id;
                t.region = region;
                t.service = service;
            }
            AuthConfig::AkSk { access_key_id, .. } => t.access_key_id = access_key_id,
            AuthConfig::Jwt(j) => t.jwt = (!j.is_empty()).then_some(j),
            AuthConfig::Bearer => {}
        }
        t.url = p.url;
        t.gateway = p.gateway;
        t.key_created = p.key_created;
        t.iam_endpoint = p.iam_endpoint;
        t.sts_endpoint = p.sts_endpoint;
        t.rotation = p.rotation;
        t
    }
}

/// Where a rotation stands. Each step is recorded before the next begins, so an interrupted
/// `gwctl keys rotate` resumes from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RotationStep {
    /// AWS: about to call CreateAccessKey (it may have happened; `keys_before` tells).
    Creating,
    /// AWS: the new key is stored in the `pending` slot.
    Created,
    /// AWS: STS accepted the new key.
    Verified,
    /// AWS: the profile uses the new key; the old one is still active.
    Promoted,
    /// AWS: the old key is inactive, about to be deleted.
    Deactivated,
    /// Basic on an MLflow tracking server: the new password is in the `pending` slot and may
    /// already be set on the server.
    Changing,
    /// A new secret in the `pending` slot waits for the gateway's admin; `--finish` promotes it.
    Pending,
    /// JWT: the new key signs; the previous public key is still published until `--finish`.
    Overlap,
}

impl RotationStep {
    pub fn name(self) -> &'static str {
        match self {
            RotationStep::Creating => "creating",
            RotationStep::Created => "created",
            RotationStep::Verified => "verified",
            RotationStep::Promoted => "promoted",
            RotationStep::Deactivated => "deactivated",
            RotationStep::Changing => "changing",
            RotationStep::Pending => "pending",
            RotationStep::Overlap => "overlap",
        }
    }
}

/// A rotation under way. No secret here: new keys wait in the store's `pending` slot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    pub step: RotationStep,
    /// When it began (RFC 3339).
    pub started: String,
    /// The new key's id (access key id, JWT kid), once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_key_id: Option<String>,
    /// The key being replaced (access key id, JWT kid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_key_id: Option<String>,
    /// AWS: the user's access key ids before CreateAccessKey (to find a key created by an
    /// interrupted run whose secret was never stored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys_before: Vec<String>,
    /// JWT: the previous public key as a JWK (JSON text), published by `gwctl keys jwks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_jwk: Option<String>,
    /// AWS: leave the old key inactive instead of deleting it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_old: bool,
    /// gwctl made the pending secret (so it may show it to the admin again); false when the
    /// user gave it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
}

/// Secret-store slots besides the current secret (kept under the profile's own name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Current,
    /// A new key not in use yet.
    Pending,
    /// The key being replaced, until the rotation ends.
    Previous,
}

impl Slot {
    /// The store entry name: profile names cannot contain `#`, so these never collide.
    pub fn entry(self, profile: &str) -> String {
        match self {
            Slot::Current => profile.to_string(),
            Slot::Pending => format!("{profile}#pending"),
            Slot::Previous => format!("{profile}#previous"),
        }
    }
}

/// Profile names: letters, digits, `.`, `_`, `-`; at most 64; not starting with `.` or `-`.
pub fn check_name(name: &str) -> Result<(), ProfileError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && !name.starts_with(['.', '-']);
    if ok { Ok(()) } else { Err(ProfileError::BadName(name.chars().take(64).collect())) }
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown profile {name:?}{}", if known.is_empty() { " (there are no profiles: gwctl profile add NAME …)".to_string() } else { format!(" (known: {})", known.join(", ")) })]
    Unknown { name: String, known: Vec<String> },
    #[error("profile {0:?} already exists: pass --yes to overwrite it")]
    Exists(String),
    #[error(
        "invalid profile name {0:?}: use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' or '-')"
    )]
    BadName(String),
    #[error(
        "no profile chosen: pass --profile NAME or set GWCTL_PROFILE (or make one the default with gwctl profile use NAME), or pass --auth SCHEME to use credentials from the environment"
    )]
    NoDefault,
    #[error("config file {path}, line {line}: {message} (the file was left as it is)")]
    Corrupt { path: String, line: usize, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NeedsTerminal(String),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ProfileError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            ProfileError::Io { .. } => ExitCode::Io,
            ProfileError::Invalid(_) | ProfileError::BadName(_) => ExitCode::InvalidInput,
            ProfileError::NeedsTerminal(_) => ExitCode::Usage,
            ProfileError::Store(e) => e.exit_code(),
            _ => ExitCode::Profile,
        }
    }
}

/// The current time as RFC 3339 UTC, whole seconds (`2026-11-24T09:30:00Z`).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Shows the end of a secret only when it is long enough not to give much away.
/// The form is fixed: `****` and at most four visible, printable characters, never a line
/// break or a padding character of an encoding.
pub fn mask(secret: &[u8]) -> String {
    let trimmed = secret.trim_ascii_end();
    let tail = &trimmed[trimmed.len().saturating_sub(4)..];
    if trimmed.len() >= 16 && tail.iter().all(|b| b.is_ascii_alphanumeric()) {
        format!("****{}", String::from_utf8_lossy(tail))
    } else {
        "****".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["prod", "dev-1", "a.b_c", "X"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".hidden", "-x", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn masking() {
        assert_eq!(mask(b"short"), "****");
        assert_eq!(mask(b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "****EKEY");
        assert_eq!(mask(b"c2VjcmV0LXNlY3JldC1zZWNyZXRzZWNyZXRzZWNyZXQ=\n"), "****");
        assert_eq!(mask(b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"), "****");
    }
}
