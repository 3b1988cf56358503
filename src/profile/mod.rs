//! Credential profiles: non-secret settings in a TOML config file ([`config`]), the secret in
//! a [`store`] named by the profile. [`resolve`] turns `--profile`/`GWCTL_PROFILE`/the default
//! profile into signing options and a credential source for any command.

pub mod aws_import;
pub mod config;
pub mod credentials;
pub mod private_file;
pub mod resolve;
pub mod store;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::auth::AuthScheme;
use store::{StoreError, StoreSpec};

/// What kind of gateway a profile's URL points at (decides route URLs and payloads).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gateway {
    /// The MLflow AI Gateway started with `mlflow gateway start` (YAML config).
    Mlflow,
    /// The gateway inside `mlflow server` (tracking server).
    MlflowServer,
    /// SageMaker, Bedrock, API Gateway, Lambda function URLs.
    Aws,
    Generic,
}

impl Gateway {
    pub const NAMES: [&'static str; 4] = ["mlflow", "mlflow-server", "aws", "generic"];

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "mlflow" => Gateway::Mlflow,
            "mlflow-server" => Gateway::MlflowServer,
            "aws" => Gateway::Aws,
            "generic" => Gateway::Generic,
            _ => return None,
        })
    }
}

/// JWT settings kept in a profile (the key itself is in the secret store).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtProfile {
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

/// One profile: everything but the secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
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
    pub jwt: Option<JwtProfile>,
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

impl Profile {
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

    /// Checks that the fields the scheme needs are there.
    pub fn validate(&self) -> Result<(), ProfileError> {
        let need = |field: &Option<String>, flag: &str| {
            if field.as_deref().is_none_or(str::is_empty) {
                Err(ProfileError::Invalid(format!("a {} profile needs {flag}", self.auth)))
            } else {
                Ok(())
            }
        };
        match self.auth {
            AuthScheme::Basic => need(&self.username, "--username")?,
            AuthScheme::Sigv4 | AuthScheme::Apipark | AuthScheme::Huawei => {
                // With a command: store printing credential_process JSON the id comes from there.
                if !matches!(self.store, StoreSpec::Command(_)) {
                    need(&self.access_key_id, "--access-key-id")?
                }
            }
            AuthScheme::Jwt | AuthScheme::Bearer => {}
        }
        for (url, flag) in
            [(&self.url, "--url"), (&self.iam_endpoint, "--iam-endpoint"), (&self.sts_endpoint, "--sts-endpoint")]
        {
            if let Some(url) = url {
                crate::request_spec::parse_url(url).map_err(|e| ProfileError::Invalid(format!("{flag}: {e}")))?;
            }
        }
        if let Some(j) = &self.jwt {
            if let Some(alg) = &j.alg {
                crate::signing::jwt::parse_algorithm(alg).map_err(|e| ProfileError::Invalid(e.to_string()))?;
            }
            if let Some(ttl) = &j.ttl {
                crate::auth::parse_duration_secs(ttl).map_err(|e| ProfileError::Invalid(e.to_string()))?;
            }
            if j.claims.values().any(serde_json::Value::is_null) {
                return Err(ProfileError::Invalid("a JWT claim cannot be null in a profile".into()));
            }
        }
        Ok(())
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

/// The current time as RFC 3339 UTC, whole seconds (`2026-11-24T09:30:00Z`).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Shows the end of a secret only when it is long enough not to give much away.
pub fn mask(secret: &[u8]) -> String {
    if secret.len() >= 16 {
        let tail = String::from_utf8_lossy(&secret[secret.len() - 4..]).into_owned();
        format!("****{tail}")
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
    }
}
