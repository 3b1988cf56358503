//! Credentials from the conventional environment variables (`--auth SCHEME` without a
//! profile, and `--auth` overriding a profile's scheme for one call).

use std::collections::HashMap;
use std::ffi::OsString;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::{Credential, CredentialError, CredentialFuture, Material, ProvideCredential, ready};
use crate::scheme::{AuthConfig, AuthScheme, Env, MaterialError};

pub use crate::scheme::basic::{GWCTL_PASSWORD, GWCTL_USERNAME};
pub use crate::scheme::bearer::GWCTL_TOKEN;
pub use crate::scheme::jwt::{GWCTL_JWT_KEY, MAX_KEY_FILE};
pub use crate::scheme::sigv4::{
    AWS_ACCESS_KEY_ID, AWS_DEFAULT_REGION, AWS_REGION, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN,
};

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

    /// The material for the provider's scheme.
    pub fn material(&self) -> Result<Material, CredentialError> {
        Ok(AuthConfig::material_from_env(self.scheme, self)?)
    }
}

impl Env for EnvProvider {
    fn var(&self, var: &'static str) -> Result<Option<Zeroizing<String>>, MaterialError> {
        match (self.lookup)(var) {
            None => Ok(None),
            Some(v) if v.is_empty() => Ok(None),
            Some(v) => v.into_string().map(|s| Some(Zeroizing::new(s))).map_err(|_| MaterialError::NotUnicode { var }),
        }
    }

    fn value_or_file(
        &self,
        var: &'static str,
        scheme: AuthScheme,
        limit: u64,
    ) -> Result<Zeroizing<Vec<u8>>, MaterialError> {
        let value = self.required(var, scheme)?;
        Ok(match value.strip_prefix('@') {
            Some(path) => Zeroizing::new(
                crate::util::read_limited(std::path::Path::new(path), limit)
                    .map_err(|source| MaterialError::KeyFile { var, path: path.to_string(), source })?,
            ),
            None => Zeroizing::new(value.as_bytes().to_vec()),
        })
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
            .find_map(|v| Env::var(self, v).ok().flatten().map(|s| s.trim().to_string()))
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
