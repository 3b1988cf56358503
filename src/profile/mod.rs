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
        if let Some(url) = &self.url {
            crate::request_spec::parse_url(url).map_err(|e| ProfileError::Invalid(format!("--url: {e}")))?;
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
