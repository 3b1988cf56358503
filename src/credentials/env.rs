//! Credentials from the conventional environment variables (`--auth SCHEME` without a
//! profile, and `--auth` overriding a profile's scheme for one call).

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::Arc;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::{Credential, CredentialError, CredentialFuture, Material, ProvideCredential, ready};
use crate::scheme::AuthScheme;
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

/// The largest key file `GWCTL_JWT_KEY=@FILE` may name.
pub const MAX_KEY_FILE: u64 = 1 << 20;

type Lookup = Box<dyn Fn(&str) -> Option<OsString> + Send + Sync>;

pub struct EnvProvider {
    scheme: AuthScheme,
    lookup: Lookup,
}

impl EnvProvider {
    pub fn from_process_env(scheme: AuthScheme) -> Self {
        Self { scheme, lookup: Box::new(|k| std::env::var_os(k)) }
    }

    /// For tests: a fixed map instead of the process environment.
    pub fn from_map(scheme: AuthScheme, map: HashMap<String, String>) -> Self {
        Self { scheme, lookup: Box::new(move |k| map.get(k).map(OsString::from)) }
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

    fn required(&self, var: &'static str) -> Result<Zeroizing<String>, CredentialError> {
        self.var(var)?.ok_or(CredentialError::Missing { var, scheme: self.scheme.name() })
    }

    fn secret(&self, var: &'static str) -> Result<SecretString, CredentialError> {
        Ok(SecretString::from(self.required(var)?.to_string()))
    }

    /// The material for the provider's scheme.
    pub fn material(&self) -> Result<Material, CredentialError> {
        Ok(match self.scheme {
            AuthScheme::Basic => Material::Basic(BasicCredentials {
                username: self.required(GWCTL_USERNAME)?.to_string(),
                password: self.secret(GWCTL_PASSWORD)?,
            }),
            AuthScheme::Sigv4 => Material::Aws(AwsCredentials {
                access_key_id: self.required(AWS_ACCESS_KEY_ID)?.trim().to_string(),
                secret_access_key: self.secret(AWS_SECRET_ACCESS_KEY)?,
                session_token: self.var(AWS_SESSION_TOKEN)?.map(|t| SecretString::from(t.to_string())),
            }),
            AuthScheme::Apipark | AuthScheme::Huawei => Material::AkSk(AkSkCredentials {
                access_key_id: self.required(AWS_ACCESS_KEY_ID)?.trim().to_string(),
                secret: self.secret(AWS_SECRET_ACCESS_KEY)?,
            }),
            AuthScheme::Jwt => Material::Jwt(self.jwt_key()?),
            // An OAuth2 token obtained elsewhere is a bearer token.
            AuthScheme::Bearer | AuthScheme::Oauth2 => Material::Bearer(self.secret(GWCTL_TOKEN)?),
            AuthScheme::None => Material::None,
        })
    }

    fn jwt_key(&self) -> Result<JwtKey, CredentialError> {
        let value = self.required(GWCTL_JWT_KEY)?;
        let bytes = match value.strip_prefix('@') {
            Some(path) => {
                Zeroizing::new(crate::util::read_limited(std::path::Path::new(path), MAX_KEY_FILE).map_err(
                    |source| CredentialError::KeyFile { var: GWCTL_JWT_KEY, path: path.to_string(), source },
                )?)
            }
            None => Zeroizing::new(value.as_bytes().to_vec()),
        };
        JwtKey::parse(&bytes).map_err(|e| CredentialError::Invalid { var: GWCTL_JWT_KEY, message: e.to_string() })
    }
}

impl ProvideCredential for EnvProvider {
    fn provide(&self) -> CredentialFuture<'_> {
        ready(self.material().map(Credential::lasting))
    }

    fn provide_now(&self) -> Option<Result<Arc<Credential>, CredentialError>> {
        Some(self.material().map(|m| Arc::new(Credential::lasting(m))))
    }

    fn describe(&self) -> String {
        "the environment".into()
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

    fn env(scheme: AuthScheme, pairs: &[(&str, &str)]) -> EnvProvider {
        EnvProvider::from_map(scheme, pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn missing_names_the_variable() {
        let e = env(AuthScheme::Sigv4, &[("AWS_ACCESS_KEY_ID", "AK")]).material().unwrap_err();
        assert_eq!(e.to_string(), "missing credential: set AWS_SECRET_ACCESS_KEY (needed by --auth sigv4)");
        let e = env(AuthScheme::Basic, &[("GWCTL_USERNAME", "")]).material().unwrap_err();
        assert!(e.to_string().contains("GWCTL_USERNAME"));
    }

    #[test]
    fn reads_aws_and_region() {
        let c = env(
            AuthScheme::Sigv4,
            &[("AWS_ACCESS_KEY_ID", "AK"), ("AWS_SECRET_ACCESS_KEY", "SK"), ("AWS_DEFAULT_REGION", "eu-west-1")],
        );
        let Material::Aws(a) = c.material().unwrap() else { panic!("aws") };
        assert_eq!(a.secret_access_key.expose_secret(), "SK");
        assert!(a.session_token.is_none());
        assert_eq!(c.default_region().as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn unreadable_or_endless_key_file() {
        let e = env(AuthScheme::Jwt, &[("GWCTL_JWT_KEY", "@/nonexistent/key.pem")]).material().unwrap_err();
        assert!(e.to_string().contains("/nonexistent/key.pem"));
        let e = env(AuthScheme::Jwt, &[("GWCTL_JWT_KEY", "@/dev/zero")]).material().unwrap_err();
        assert!(e.to_string().contains("1 MiB"), "{e}");
        assert_eq!(e.exit_code(), crate::exit::ExitCode::Io);
    }
}
