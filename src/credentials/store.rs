//! A profile's secret from its store: non-secret fields from the typed profile, the secret
//! read when first asked for (a file-store read costs a scrypt; a keyring read a D-Bus round
//! trip), then wiped when dropped.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::{Credential, CredentialError, CredentialFuture, Material, ProvideCredential, ready};
use crate::profile::store::{self, Secret, StoreSpec};
use crate::scheme::AuthConfig;
use crate::signing::aksk::AkSkCredentials;
use crate::signing::basic::BasicCredentials;
use crate::signing::jwt::JwtKey;
use crate::signing::sigv4::AwsCredentials;

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

    fn text(&self, bytes: &[u8]) -> Result<Zeroizing<String>, CredentialError> {
        std::str::from_utf8(bytes)
            .map(|s| Zeroizing::new(s.to_string()))
            .map_err(|_| self.invalid("the stored secret is not valid UTF-8"))
    }

    /// The material for `secret` under this profile's scheme.
    pub fn material_from(&self, secret: &[u8]) -> Result<Material, CredentialError> {
        Ok(match &self.auth {
            AuthConfig::Basic { username } => Material::Basic(BasicCredentials {
                username: username.clone().ok_or_else(|| self.invalid("no --username in the profile"))?,
                password: SecretString::from(self.text(secret)?.to_string()),
            }),
            AuthConfig::SigV4 { access_key_id, .. } => {
                let (access_key_id, secret_access_key, session_token) =
                    self.key_pair(secret, access_key_id.as_deref())?;
                Material::Aws(AwsCredentials { access_key_id, secret_access_key, session_token })
            }
            AuthConfig::AkSk { access_key_id, .. } => {
                let (access_key_id, secret, _) = self.key_pair(secret, access_key_id.as_deref())?;
                Material::AkSk(AkSkCredentials { access_key_id, secret })
            }
            AuthConfig::Jwt(_) => Material::Jwt(JwtKey::parse(secret).map_err(|e| self.invalid(&e.to_string()))?),
            AuthConfig::Bearer => Material::Bearer(SecretString::from(self.text(secret)?.trim().to_string())),
            AuthConfig::None => Material::None,
            AuthConfig::OAuth2(_) => {
                return Err(
                    self.invalid("the stored secret of an oauth2 profile is its client credential, not a token")
                );
            }
        })
    }

    /// The key pair: the secret is either the secret key itself, or AWS `credential_process`
    /// JSON (`{"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…}`), which is
    /// also how gwctl keeps rotated and temporary credentials.
    fn key_pair(
        &self,
        secret: &[u8],
        configured_id: Option<&str>,
    ) -> Result<(String, SecretString, Option<SecretString>), CredentialError> {
        let text = self.text(secret)?;
        let id = |from_json: Option<String>| {
            from_json
                .or_else(|| configured_id.map(str::to_string))
                .filter(|s| !s.is_empty())
                .ok_or_else(|| self.invalid("no --access-key-id in the profile"))
        };
        if text.trim_start().starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|_| self.invalid("the secret looks like JSON but does not parse"))?;
            let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            let secret =
                get("SecretAccessKey").ok_or_else(|| self.invalid("the JSON secret has no SecretAccessKey"))?;
            return Ok((
                id(get("AccessKeyId"))?,
                SecretString::from(secret),
                get("SessionToken").map(SecretString::from),
            ));
        }
        Ok((id(None)?, SecretString::from(text.trim_end_matches(['\r', '\n']).to_string()), None))
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
