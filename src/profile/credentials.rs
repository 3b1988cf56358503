//! A profile as a [`CredentialSource`]: non-secret fields from the config, the secret from
//! the profile's store (read once, on first use, and wiped when dropped).

use std::cell::OnceCell;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::Profile;
use super::store::{Secret, SecretStore};
use crate::credentials::{CredentialError, CredentialSource};
use crate::signing::aksk::AkSkCredentials;
use crate::signing::basic::BasicCredentials;
use crate::signing::jwt::JwtKey;
use crate::signing::sigv4::AwsCredentials;

pub struct ProfileCredentials {
    name: String,
    profile: Profile,
    store: Box<dyn SecretStore>,
    secret: OnceCell<Secret>,
}

impl ProfileCredentials {
    pub fn new(name: String, profile: Profile, store: Box<dyn SecretStore>) -> Self {
        Self { name, profile, store, secret: OnceCell::new() }
    }

    /// With a secret already in hand (checking a new secret before it is stored).
    pub fn with_secret(name: String, profile: Profile, secret: Secret) -> Self {
        let store = Box::new(super::store::EnvStore::new(String::new()));
        let cell = OnceCell::new();
        let _ = cell.set(secret);
        Self { name, profile, store, secret: cell }
    }

    fn secret(&self) -> Result<&Secret, CredentialError> {
        if let Some(s) = self.secret.get() {
            return Ok(s);
        }
        crate::log::verbose(format_args!("reading the secret of profile {:?} from {}", self.name, self.store.spec()));
        let s = self.store.get(&self.name)?;
        Ok(self.secret.get_or_init(|| s))
    }

    fn secret_text(&self) -> Result<Zeroizing<String>, CredentialError> {
        let bytes = self.secret()?;
        std::str::from_utf8(bytes)
            .map(|s| Zeroizing::new(s.to_string()))
            .map_err(|_| self.invalid("the stored secret is not valid UTF-8"))
    }

    fn invalid(&self, message: &str) -> CredentialError {
        CredentialError::Profile { profile: self.name.clone(), message: message.to_string() }
    }

    fn field(&self, v: &Option<String>, flag: &str) -> Result<String, CredentialError> {
        v.clone().filter(|s| !s.is_empty()).ok_or_else(|| self.invalid(&format!("no {flag} in the profile")))
    }

    /// The key pair: the secret is either the secret key itself, or AWS `credential_process`
    /// JSON (`{"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…}`), which is
    /// also how gwctl keeps temporary credentials.
    fn key_pair(&self) -> Result<(String, SecretString, Option<SecretString>), CredentialError> {
        let text = self.secret_text()?;
        if text.trim_start().starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(&text)
                .map_err(|_| self.invalid("the secret looks like JSON but does not parse"))?;
            let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
            let secret =
                get("SecretAccessKey").ok_or_else(|| self.invalid("the JSON secret has no SecretAccessKey"))?;
            let ak = match get("AccessKeyId") {
                Some(ak) => ak,
                None => self.field(&self.profile.access_key_id, "--access-key-id")?,
            };
            return Ok((ak, SecretString::from(secret), get("SessionToken").map(SecretString::from)));
        }
        let ak = self.field(&self.profile.access_key_id, "--access-key-id")?;
        Ok((ak, SecretString::from(text.trim_end_matches(['\r', '\n']).to_string()), None))
    }
}

impl CredentialSource for ProfileCredentials {
    fn basic(&self) -> Result<BasicCredentials, CredentialError> {
        Ok(BasicCredentials {
            username: self.field(&self.profile.username, "--username")?,
            password: SecretString::from(self.secret_text()?.to_string()),
        })
    }

    fn aws(&self) -> Result<AwsCredentials, CredentialError> {
        let (access_key_id, secret_access_key, session_token) = self.key_pair()?;
        Ok(AwsCredentials { access_key_id, secret_access_key, session_token })
    }

    fn aksk(&self, _scheme: &'static str) -> Result<AkSkCredentials, CredentialError> {
        let (access_key_id, secret, _) = self.key_pair()?;
        Ok(AkSkCredentials { access_key_id, secret })
    }

    fn jwt_key(&self) -> Result<JwtKey, CredentialError> {
        JwtKey::parse(self.secret()?).map_err(|e| self.invalid(&e.to_string()))
    }

    fn bearer_token(&self) -> Result<SecretString, CredentialError> {
        Ok(SecretString::from(self.secret_text()?.trim().to_string()))
    }

    fn default_region(&self) -> Option<String> {
        self.profile.region.clone()
    }
}
