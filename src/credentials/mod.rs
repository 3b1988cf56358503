//! Credential providers (L2): where the secret material for a request comes from, with an
//! optional expiry. One trait, [`ProvideCredential`], implemented by the environment
//! ([`env::EnvProvider`]) and a profile's secret store ([`store::StoreProvider`]); token-issuing
//! providers plug in the same way. [`cached::Cached`] keeps an unexpired credential and
//! refreshes it inside a window before expiry, or once after the server refused it.
//! [`NoCredentials`] stands for `--auth none`: no secret from anywhere, nothing signed.
//!
//! Secrets never come from command-line arguments (they would show in `ps` and shell history).

pub mod assume_role;
pub mod cached;
pub mod env;
pub mod oauth2;
pub mod slot;
pub mod store;
pub mod transport;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

pub use crate::scheme::Material;
use crate::scheme::MaterialError;
pub use cached::Cached;
pub use env::EnvProvider;
pub use store::StoreProvider;

/// A credential: its material, and when it stops working (`None`: not known to expire).
#[derive(Debug)]
pub struct Credential {
    pub material: Material,
    pub expires_at: Option<SystemTime>,
    pub obtained_at: SystemTime,
}

impl Credential {
    /// A credential that does not expire by itself (a stored key, a password).
    pub fn lasting(material: Material) -> Self {
        Self { material, expires_at: None, obtained_at: SystemTime::now() }
    }

    /// Whether it should be refreshed at `now`: inside the token cache's refresh margin before
    /// expiry ([`crate::tokens::cache::refresh_margin`]: the later of 60 s and 10% of its
    /// lifetime, but at most half of it, so a 5-second token is reused for 2–3 seconds).
    pub fn needs_refresh(&self, now: SystemTime) -> bool {
        let Some(expires) = self.expires_at else { return false };
        let lifetime = expires.duration_since(self.obtained_at).unwrap_or_default();
        let margin = crate::tokens::cache::refresh_margin(i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX));
        now + Duration::from_secs(margin.max(0) as u64) >= expires
    }
}

/// Credential failures. Messages name the variable, file or profile, never the secret.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// From the environment (a variable unset, not UTF-8, a key file unreadable).
    #[error(transparent)]
    Material(#[from] MaterialError),
    #[error("{var}: {message}")]
    Invalid { var: &'static str, message: String },
    #[error("profile {profile:?}: {message}")]
    Profile { profile: String, message: String },
    #[error(transparent)]
    Store(#[from] crate::profile::store::StoreError),
    #[error(transparent)]
    OAuth2(#[from] crate::tokens::oauth2::TokenError),
    #[error(transparent)]
    Sts(#[from] crate::tokens::sts::StsError),
    #[error(transparent)]
    TokenCache(#[from] crate::tokens::cache::CacheError),
    /// An MFA code is needed and none could be had (no terminal, no --mfa-code-stdin).
    #[error("{0}")]
    MfaCode(String),
}

impl CredentialError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            CredentialError::Material(MaterialError::KeyFile { .. }) => crate::exit::ExitCode::Io,
            CredentialError::Store(e) => e.exit_code(),
            CredentialError::OAuth2(e) => e.exit_code(),
            CredentialError::Sts(e) => e.exit_code(),
            CredentialError::TokenCache(e) => e.exit_code(),
            CredentialError::MfaCode(_) => crate::exit::ExitCode::Usage,
            _ => crate::exit::ExitCode::Credentials,
        }
    }
}

/// Checks the settings only a provider can (an OAuth2 token endpoint's URLs and client
/// authentication), when a profile is loaded.
pub fn check_settings(auth: &crate::scheme::AuthConfig) -> Result<(), String> {
    match auth {
        crate::scheme::AuthConfig::OAuth2(o) => oauth2::token_config(o).map(drop).map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}

pub type CredentialFuture<'a> = Pin<Box<dyn Future<Output = Result<Arc<Credential>, CredentialError>> + Send + 'a>>;

/// A source of credentials for one scheme (fixed when the provider is made).
pub trait ProvideCredential: Send + Sync {
    /// The current credential.
    fn provide(&self) -> CredentialFuture<'_>;

    /// The current credential when getting it needs no waiting (the environment, a store, a
    /// credential in hand): lets a one-shot command such as `sign` skip making a runtime.
    /// `None`: only [`provide`](Self::provide) can get it.
    fn provide_now(&self) -> Option<Result<Arc<Credential>, CredentialError>> {
        None
    }

    /// Forgets a cached credential after a server refused it. Returns whether asking again
    /// may give a different one (so a refused request is worth one more try).
    fn invalidate(&self) -> bool {
        false
    }

    /// Where the credential comes from, for messages (`the environment`, `profile "prod"`).
    fn describe(&self) -> String;

    /// A region to use when neither the command line nor the host name gives one.
    fn default_region(&self) -> Option<String> {
        None
    }

    /// The command's network settings, for a provider that fetches its credential over the
    /// network (a token endpoint, STS). Given once, before the first `provide`; a later call
    /// is ignored.
    fn use_network(&self, _net: &crate::net::NetSettings) {}
}

/// A credential already in hand (a key being rotated, a password being checked).
pub struct Fixed(Arc<Credential>);

impl Fixed {
    pub fn new(material: Material) -> Self {
        Self(Arc::new(Credential::lasting(material)))
    }
}

impl ProvideCredential for Fixed {
    fn provide(&self) -> CredentialFuture<'_> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }

    fn provide_now(&self) -> Option<Result<Arc<Credential>, CredentialError>> {
        Some(Ok(self.0.clone()))
    }

    fn describe(&self) -> String {
        "the credential in hand".into()
    }
}

/// `--auth none`: no credential, from nowhere (no environment variable, no store).
pub struct NoCredentials(Arc<Credential>);

impl NoCredentials {
    pub fn new() -> Self {
        Self(Arc::new(Credential::lasting(Material::None)))
    }
}

impl Default for NoCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredential for NoCredentials {
    fn provide(&self) -> CredentialFuture<'_> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }

    fn provide_now(&self) -> Option<Result<Arc<Credential>, CredentialError>> {
        Some(Ok(self.0.clone()))
    }

    fn describe(&self) -> String {
        "no credentials (auth none)".into()
    }
}

/// A ready future, for providers that need no I/O.
pub(crate) fn ready(r: Result<Credential, CredentialError>) -> CredentialFuture<'static> {
    Box::pin(std::future::ready(r.map(Arc::new)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    #[test]
    fn refresh_window() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let c = |life: u64| Credential {
            material: Material::Bearer(SecretString::from("t")),
            expires_at: Some(t0 + Duration::from_secs(life)),
            obtained_at: t0,
        };
        // 1 h token: window is 6 min.
        assert!(!c(3600).needs_refresh(t0 + Duration::from_secs(3600 - 361)));
        assert!(c(3600).needs_refresh(t0 + Duration::from_secs(3600 - 360)));
        // 5 s token: the margin is half its life (2 s), not 60 s: reused at first, then refreshed.
        assert!(!c(5).needs_refresh(t0));
        assert!(!c(5).needs_refresh(t0 + Duration::from_secs(2)));
        assert!(c(5).needs_refresh(t0 + Duration::from_secs(3)));
        // 90 s token: the margin is 45 s.
        assert!(!c(90).needs_refresh(t0 + Duration::from_secs(44)));
        assert!(c(90).needs_refresh(t0 + Duration::from_secs(45)));
        assert!(!Credential::lasting(Material::Bearer(SecretString::from("t"))).needs_refresh(SystemTime::now()));
    }
}
