//! Where secrets come from. Every command asks a [`CredentialSource`]; today that is the
//! environment ([`EnvCredentials`]), and profiles plug in behind the same trait.
//!
//! Secrets never come from command-line arguments (they would show in `ps` and shell history).

use std::collections::HashMap;
use std::ffi::OsString;

use secrecy::SecretString;
use zeroize::Zeroizing;

use crate::signing::aksk::AkSkCredentials;
use crate::signing::basic::BasicCredentials;
use crate::signing::jwt::JwtKey;
use crate::signing::sigv4::AwsCredentials;

pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
pub const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
pub const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
pub const AWS_REGION: &str = "AWS_REGION";
pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
pub const GWCTL_USERNAME: &str = "GWCTL_USERNAME";
pub const GWCTL_PASSWORD: &str = "GWCTL_PASSWORD";
pub const GWCTL_JWT_KEY: &str = "GWCTL_JWT_KEY";
pub const GWCTL_TOKEN: &str = "GWCTL_TOKEN";

/// Credential failures. Messages name the variable or file, never its content.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
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
    #[error("profile {profile:?}: {message}")]
    Profile { profile: String, message: String },
    #[error(transparent)]
    Store(#[from] crate::profile::store::StoreError),
}

/// A source of credentials for each scheme.
pub trait CredentialSource {
    fn basic(&self) -> Result<BasicCredentials, CredentialError>;
    fn aws(&self) -> Result<AwsCredentials, CredentialError>;
    /// The access key pair for the AK/SK gateway variants (`scheme` names it in errors).
    fn aksk(&self, scheme: &'static str) -> Result<AkSkCredentials, CredentialError>;
    fn jwt_key(&self) -> Result<JwtKey, CredentialError>;
    fn bearer_token(&self) -> Result<SecretString, CredentialError>;
    /// A region to use when neither the command line nor the host name gives one.
    fn default_region(&self) -> Option<String>;
}

type Lookup = Box<dyn Fn(&str) -> Option<OsString>>;

/// Credentials from the conventional environment variables.
pub struct EnvCredentials {
    lookup: Lookup,
}

impl EnvCredentials {
    pub fn from_process_env() -> Self {
        Self { lookup: Box::new(|k| std::env::var_os(k)) }
    }

    /// For tests: a fixed map instead of the process environment.
    pub fn from_map(map: HashMap<String, String>) -> Self {
        Self { lookup: Box::new(move |k| map.get(k).map(OsString::from)) }
    }

    /// The variable's value; unset and empty are both `None`.
    fn var(&self, var: &'static str) -> Result<Option<Zeroizing<String>>, CredentialError> {
        match (self.lookup)(var) {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => {
                v.into_string().map(|s| Some(Zeroizing::new(s))).map_err(|_| CredentialError::NotUnicode { var })
            }
        }
    }

    fn required(&self, var: &'static str, scheme: &'static str) -> Result<Zeroizing<String>, CredentialError> {
        self.var(var)?.ok_or(CredentialError::Missing { var, scheme })
    }

    fn secret(&self, var: &'static str, scheme: &'static str) -> Result<SecretString, CredentialError> {
        Ok(SecretString::from(self.required(var, scheme)?.to_string()))
    }
}

impl CredentialSource for EnvCredentials {
    fn basic(&self) -> Result<BasicCredentials, CredentialError> {
        Ok(BasicCredentials {
            username: self.required(GWCTL_USERNAME, "basic")?.to_string(),
            password: self.secret(GWCTL_PASSWORD, "basic")?,
        })
    }

    fn aws(&self) -> Result<AwsCredentials, CredentialError> {
        Ok(AwsCredentials {
            access_key_id: self.required(AWS_ACCESS_KEY_ID, "sigv4")?.trim().to_string(),
            secret_access_key: self.secret(AWS_SECRET_ACCESS_KEY, "sigv4")?,
            session_token: self.var(AWS_SESSION_TOKEN)?.map(|t| SecretString::from(t.to_string())),
        })
    }

    fn aksk(&self, scheme: &'static str) -> Result<AkSkCredentials, CredentialError> {
        Ok(AkSkCredentials {
            access_key_id: self.required(AWS_ACCESS_KEY_ID, scheme)?.trim().to_string(),
            secret: self.secret(AWS_SECRET_ACCESS_KEY, scheme)?,
        })
    }

    fn jwt_key(&self) -> Result<JwtKey, CredentialError> {
        let value = self.required(GWCTL_JWT_KEY, "jwt")?;
        let bytes = match value.strip_prefix('@') {
            Some(path) => Zeroizing::new(std::fs::read(path).map_err(|source| CredentialError::KeyFile {
                var: GWCTL_JWT_KEY,
                path: path.to_string(),
                source,
            })?),
            None => Zeroizing::new(value.as_bytes().to_vec()),
        };
        JwtKey::parse(&bytes).map_err(|e| CredentialError::Invalid { var: GWCTL_JWT_KEY, message: e.to_string() })
    }

    fn bearer_token(&self) -> Result<SecretString, CredentialError> {
        self.secret(GWCTL_TOKEN, "bearer")
    }

    fn default_region(&self) -> Option<String> {
        [AWS_REGION, AWS_DEFAULT_REGION]
            .into_iter()
            .find_map(|v| self.var(v).ok().flatten().map(|s| s.trim().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn env(pairs: &[(&str, &str)]) -> EnvCredentials {
        EnvCredentials::from_map(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn missing_names_the_variable() {
        let e = env(&[("AWS_ACCESS_KEY_ID", "AK")]).aws().unwrap_err();
        assert_eq!(e.to_string(), "missing credential: set AWS_SECRET_ACCESS_KEY (needed by --auth sigv4)");
        let e = env(&[("GWCTL_USERNAME", "")]).basic().unwrap_err();
        assert!(e.to_string().contains("GWCTL_USERNAME"));
    }

    #[test]
    fn reads_aws_and_region() {
        let c =
            env(&[("AWS_ACCESS_KEY_ID", "AK"), ("AWS_SECRET_ACCESS_KEY", "SK"), ("AWS_DEFAULT_REGION", "eu-west-1")]);
        let a = c.aws().unwrap();
        assert_eq!(a.secret_access_key.expose_secret(), "SK");
        assert!(a.session_token.is_none());
        assert_eq!(c.default_region().as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn unreadable_key_file_does_not_echo_content() {
        let e = env(&[("GWCTL_JWT_KEY", "@/nonexistent/key.pem")]).jwt_key().unwrap_err();
        assert!(e.to_string().contains("/nonexistent/key.pem"));
    }
}
