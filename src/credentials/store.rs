//! A profile's secret from its store: non-secret fields from the typed profile, the secret
//! read when first asked for (a file-store read costs a scrypt; a keyring read a D-Bus round
//! trip), then wiped when dropped.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::{Credential, CredentialError, CredentialFuture, Material, ProvideCredential, ready};
use crate::profile::store::{self, Secret, StoreSpec};
use crate::scheme::{AuthConfig, MaterialError};

pub struct StoreProvider {
    name: String,
    auth: AuthConfig,
    spec: StoreSpec,
    config_dir: PathBuf,
    /// A secret already in hand (checking a new secret before it is stored).
    given: OnceLock<Secret>,
}

impl StoreProvider {
    pub fn new(name: &str, auth: AuthConfig, spec: StoreSpec, config_dir: PathBuf) -> Self {
        Self { name: name.to_string(), auth, spec, config_dir, given: OnceLock::new() }
    }

    /// With the secret already in hand: nothing is read from the store.
    pub fn with_secret(name: &str, auth: AuthConfig, secret: Secret) -> Self {
        let p = Self::new(name, auth, StoreSpec::Env(String::new()), PathBuf::new());
        let _ = p.given.set(secret);
        p
    }

    fn secret(&self) -> Result<Secret, CredentialError> {
        if let Some(s) = self.given.get() {
            return Ok(s.clone());
        }
        crate::log::verbose(format_args!("reading the secret of profile {:?} from {}", self.name, self.spec));
        let store = store::open(&self.spec, &self.config_dir)?;
        Ok(store.get(&self.name)?)
    }

    fn invalid(&self, message: &str) -> CredentialError {
        CredentialError::Profile { profile: self.name.clone(), message: message.to_string() }
    }

    /// The material for `secret` under this profile's scheme.
    pub fn material_from(&self, secret: &[u8]) -> Result<Material, CredentialError> {
        self.auth.material_from_secret(secret).map_err(|e| match e {
            MaterialError::Stored(m) => self.invalid(&m),
            other => other.into(),
        })
    }
}

impl ProvideCredential for StoreProvider {
    fn provide(&self) -> CredentialFuture<'_> {
        ready(self.secret().and_then(|s| self.material_from(&s)).map(Credential::lasting))
    }

    fn provide_now(&self) -> Option<Result<Arc<Credential>, CredentialError>> {
        Some(self.secret().and_then(|s| self.material_from(&s)).map(|m| Arc::new(Credential::lasting(m))))
    }

    fn describe(&self) -> String {
        format!("profile {:?}", self.name)
    }

    fn default_region(&self) -> Option<String> {
        self.auth.region().map(str::to_string)
    }
}
