//! From a scheme's settings and a credential to a configured [`Signer`] (L2). [`Auth`] pairs
//! the settings with a credential provider and hands the HTTP client a signer for each
//! attempt: the same one while the credential is unchanged, a new one after a refresh.

use std::sync::{Arc, Mutex};

use crate::credentials::{Credential, CredentialError, ProvideCredential};
use crate::gateway;
use crate::scheme::{AuthConfig, AuthScheme, SetupError, SignerContext};
use crate::signing::{Signer, SigningError};
use crate::util::ValueError;

/// Everything but the secret that decides how requests are signed: the scheme's settings and
/// the per-call payload options.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthSettings {
    pub config: AuthConfig,
    /// Sign `UNSIGNED-PAYLOAD` (SigV4) / send `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (Huawei).
    pub unsigned_payload: bool,
    /// Add and sign `X-Amz-Content-SHA256`.
    pub content_sha256: bool,
}

impl AuthSettings {
    pub fn new(config: AuthConfig) -> Self {
        Self { config, unsigned_payload: false, content_sha256: false }
    }

    pub fn scheme(&self) -> AuthScheme {
        self.config.scheme()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A setting that must be given (a region, a service).
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Signing(#[from] SigningError),
    #[error("the credential from {from} is for another scheme than {scheme}")]
    WrongMaterial { from: String, scheme: AuthScheme },
}

impl AuthError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            AuthError::Usage(_) => crate::exit::ExitCode::Usage,
            AuthError::Value(e) => e.exit_code(),
            AuthError::Credential(e) => e.exit_code(),
            AuthError::Signing(e) => e.exit_code(),
            AuthError::WrongMaterial { .. } => crate::exit::ExitCode::Internal,
        }
    }
}

/// Builds the signer for `settings` with `credential`. `host` (the request's authority) lets
/// SigV4 infer region and service for AWS endpoints; `default_region` comes last.
pub fn build_signer(
    settings: &AuthSettings,
    credential: &Credential,
    host: &str,
    default_region: Option<String>,
) -> Result<Signer, AuthError> {
    let cx = SignerContext {
        host,
        infer_scope: &gateway::aws::infer_scope,
        default_region,
        unsigned_payload: settings.unsigned_payload,
        content_sha256: settings.content_sha256,
    };
    settings.config.signer(&credential.material, &cx).map_err(|e| match e {
        SetupError::Usage(m) => AuthError::Usage(m),
        SetupError::Value(e) => AuthError::Value(e),
        SetupError::Signing(e) => AuthError::Signing(e),
        SetupError::WrongMaterial => {
            AuthError::WrongMaterial { from: "the provider".into(), scheme: settings.scheme() }
        }
    })
}

/// The last signer, and the credential and host it was built for.
type LastSigner = Option<(Arc<Credential>, String, Arc<Signer>)>;

/// Settings + a credential provider: what the HTTP client signs each attempt with.
pub struct Auth {
    settings: AuthSettings,
    provider: Arc<dyn ProvideCredential>,
    last: Mutex<LastSigner>,
}

impl Auth {
    pub fn new(settings: AuthSettings, provider: Arc<dyn ProvideCredential>) -> Self {
        Self { settings, provider, last: Mutex::new(None) }
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    pub fn provider(&self) -> &Arc<dyn ProvideCredential> {
        &self.provider
    }

    /// A signer for a request to `host`: reused while the credential is the same.
    pub async fn signer(&self, host: &str) -> Result<Arc<Signer>, AuthError> {
        let credential = self.provider.provide().await?;
        self.signer_for(credential, host)
    }

    /// The signer without waiting, when the provider has its credential at hand
    /// ([`ProvideCredential::provide_now`]); `None`: use [`signer`](Self::signer).
    pub fn signer_now(&self, host: &str) -> Option<Result<Arc<Signer>, AuthError>> {
        let credential = self.provider.provide_now()?;
        Some(credential.map_err(AuthError::from).and_then(|c| self.signer_for(c, host)))
    }

    fn signer_for(&self, credential: Arc<Credential>, host: &str) -> Result<Arc<Signer>, AuthError> {
        if let Ok(last) = self.last.lock()
            && let Some((c, h, s)) = last.as_ref()
            && Arc::ptr_eq(c, &credential)
            && h == host
        {
            return Ok(s.clone());
        }
        let signer = Arc::new(build_signer(&self.settings, &credential, host, self.provider.default_region())?);
        if let Ok(mut last) = self.last.lock() {
            *last = Some((credential, host.to_string(), signer.clone()));
        }
        Ok(signer)
    }

    /// After the server refused the credential: whether asking the provider again is worth a
    /// retry (a token that may have been revoked or expired early).
    pub fn invalidate(&self) -> bool {
        self.provider.invalidate()
    }

    /// Where the credential comes from, for messages.
    pub fn describe(&self) -> String {
        self.provider.describe()
    }
}
