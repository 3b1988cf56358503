//! The OAuth2 client-credentials provider: the client secret (or private key) from the
//! profile's store, the token from the token endpoint through [`HttpTransport`], cached in the
//! store's `NAME#token` slot until its refresh window, refreshed once after a 401.

use std::sync::Arc;

use jsonwebtoken::Algorithm;
use secrecy::SecretString;
use url::Url;
use zeroize::Zeroizing;

use super::slot::{self, Refusals, TokenSlot};
use super::transport::HttpTransport;
use super::{Credential, CredentialError, CredentialFuture, Material, ProvideCredential};
use crate::net::NetSettings;
use crate::profile::store;
use crate::scheme::OAuth2Settings;
use crate::signing::SigningTime;
use crate::signing::jwt::JwtKey;
use crate::tokens::cache::{CachedToken, Source};
use crate::tokens::oauth2::{self, ClientAuth, ClientCredential, OAuth2Config, TokenEndpoint, TokenError};

/// The token library's settings for a profile's OAuth2 settings, checked.
pub fn token_config(s: &OAuth2Settings) -> Result<OAuth2Config, TokenError> {
    let parse = |u: &str, what: &str| {
        Url::parse(u).map_err(|e| {
            TokenError::InvalidSetting(format!("invalid {what} {:?}: {e}", crate::tokens::sanitize(u, 80)))
        })
    };
    let endpoint = match (s.token_url.as_deref(), s.issuer.as_deref()) {
        (Some(u), None) => TokenEndpoint::Url(parse(u, "--token-url")?),
        (None, Some(i)) => TokenEndpoint::Issuer(parse(i, "--issuer")?),
        (Some(_), Some(_)) => {
            return Err(TokenError::InvalidSetting("give --token-url or --issuer, not both".into()));
        }
        (None, None) => {
            return Err(TokenError::MissingSetting(
                "an oauth2 profile needs --token-url, --issuer or --preset databricks|azure".into(),
            ));
        }
    };
    let mut c = OAuth2Config::new(endpoint, s.client_id.clone());
    c.scopes.clone_from(&s.scopes);
    c.audience.clone_from(&s.audience);
    c.resources.clone_from(&s.resources);
    if let Some(m) = &s.client_auth {
        c.client_auth = ClientAuth::parse(m)?;
    }
    if let Some(a) = &s.alg {
        crate::signing::jwt::parse_algorithm(a)?;
    }
    c.validate()?;
    Ok(c)
}

/// The algorithm for a `private_key_jwt` key: the one given, else the first that fits the key.
pub fn key_algorithm(given: Option<&str>, key: &JwtKey) -> Result<Algorithm, TokenError> {
    if let Some(a) = given {
        return Ok(crate::signing::jwt::parse_algorithm(a)?);
    }
    [Algorithm::RS256, Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA]
        .into_iter()
        .find(|a| crate::signing::jwt::public_jwk(*a, key, None).is_ok())
        .ok_or_else(|| {
            TokenError::InvalidSetting(
                "the private key is not an RSA, EC P-256/P-384 or Ed25519 PEM key: pass --alg".into(),
            )
        })
}

/// The client's credential from the stored secret.
pub fn client_credential(s: &OAuth2Settings, auth: ClientAuth, secret: &[u8]) -> Result<ClientCredential, TokenError> {
    if auth.needs_private_key() {
        let key = JwtKey::parse(secret)?;
        if !matches!(key, JwtKey::Pem(_)) {
            return Err(TokenError::InvalidSetting(
                "private-key-jwt needs a PEM private key in the store (--key-file)".into(),
            ));
        }
        let algorithm = key_algorithm(s.alg.as_deref(), &key)?;
        return Ok(ClientCredential::PrivateKey { key, algorithm, key_id: s.kid.clone() });
    }
    let text = std::str::from_utf8(secret)
        .map_err(|_| TokenError::InvalidSetting("the stored client secret is not valid UTF-8".into()))?;
    let text = Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_string());
    if text.is_empty() {
        return Err(TokenError::InvalidSetting("the stored client secret is empty".into()));
    }
    Ok(ClientCredential::Secret(SecretString::from(text.to_string())))
}

pub struct OAuth2Provider {
    settings: OAuth2Settings,
    slot: TokenSlot,
    refusals: Refusals,
    transport: std::sync::OnceLock<Arc<HttpTransport>>,
    net: std::sync::OnceLock<NetSettings>,
}

impl OAuth2Provider {
    /// `slot` names the profile, its store and the token entry (`NAME#token`).
    pub fn new(settings: OAuth2Settings, slot: TokenSlot) -> Self {
        Self {
            settings,
            slot,
            refusals: Refusals::default(),
            transport: std::sync::OnceLock::new(),
            net: std::sync::OnceLock::new(),
        }
    }

    fn transport(&self) -> Result<Arc<HttpTransport>, CredentialError> {
        if let Some(t) = self.transport.get() {
            return Ok(t.clone());
        }
        let t =
            Arc::new(HttpTransport::new(self.net.get().unwrap_or(&NetSettings::default())).map_err(|e| {
                CredentialError::Profile { profile: self.slot.profile.clone(), message: e.to_string() }
            })?);
        Ok(self.transport.get_or_init(|| t).clone())
    }

    fn read_client_credential(&self, config: &OAuth2Config) -> Result<ClientCredential, CredentialError> {
        crate::log::verbose(format_args!(
            "reading the client credential of profile {:?} from {}",
            self.slot.profile, self.slot.spec
        ));
        let store = store::open(&self.slot.spec, &self.slot.config_dir)?;
        let secret = store.get(&self.slot.profile)?;
        Ok(client_credential(&self.settings, config.client_auth, &secret)?)
    }

    /// The current token record and where it came from (for `gwctl token` and `doctor`).
    pub async fn token(&self) -> Result<(CachedToken, Source), CredentialError> {
        let config = token_config(&self.settings)?;
        let binding = config.cache_binding();
        let rejected = self.refusals.take_rejected();
        let transport = self.transport()?;
        let fetch = || async {
            let credential = self.read_client_credential(&config)?;
            let issued = oauth2::fetch_token(transport.as_ref(), &config, &credential, SigningTime::now()).await?;
            Ok(issued.into_cached(binding.clone()))
        };
        let (t, source) = slot::obtain(&self.slot, &binding, rejected.as_deref(), fetch).await?;
        self.refusals.handed_out(&t);
        Ok((t, source))
    }
}

/// A bearer credential from a token record.
pub fn bearer_credential(t: &CachedToken) -> Result<Credential, CredentialError> {
    let token = t.bearer_token().ok_or_else(|| CredentialError::Invalid {
        var: "token cache",
        message: "the cached record is not a bearer token".into(),
    })?;
    Ok(Credential {
        material: Material::Bearer(token.clone()),
        expires_at: Some(slot::system_time(t.expires_at)),
        obtained_at: slot::system_time(t.obtained_at),
    })
}

impl ProvideCredential for OAuth2Provider {
    fn provide(&self) -> CredentialFuture<'_> {
        Box::pin(async move {
            let (t, _) = self.token().await?;
            Ok(Arc::new(bearer_credential(&t)?))
        })
    }

    fn invalidate(&self) -> bool {
        self.refusals.refuse_last();
        true
    }

    fn describe(&self) -> String {
        format!("profile {:?} (OAuth2 client {:?})", self.slot.profile, self.settings.client_id)
    }

    fn use_network(&self, net: &NetSettings) {
        let _ = self.net.set(net.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_to_config() {
        let mut s = OAuth2Settings {
            token_url: Some("https://idp.example/token".into()),
            client_id: "c".into(),
            scopes: vec!["a".into(), "b".into()],
            client_auth: Some("post".into()),
            ..Default::default()
        };
        let c = token_config(&s).unwrap();
        assert_eq!(c.client_auth, ClientAuth::ClientSecretPost);
        assert_eq!(c.scopes, vec!["a".to_string(), "b".to_string()]);
        s.issuer = Some("https://idp.example".into());
        assert!(token_config(&s).unwrap_err().to_string().contains("not both"));
        s.token_url = None;
        s.issuer = None;
        assert_eq!(token_config(&s).unwrap_err().exit_code(), crate::exit::ExitCode::Usage);
        s.token_url = Some("http://idp.example/token".into());
        assert_eq!(token_config(&s).unwrap_err().exit_code(), crate::exit::ExitCode::InvalidInput);
        s.token_url = Some("https://idp.example/token".into());
        s.client_auth = Some("digest".into());
        assert!(token_config(&s).is_err());
    }

    #[test]
    fn client_secret_from_store() {
        let s = OAuth2Settings::default();
        match client_credential(&s, ClientAuth::ClientSecretBasic, b"s3cret\n").unwrap() {
            ClientCredential::Secret(x) => assert_eq!(secrecy::ExposeSecret::expose_secret(&x), "s3cret"),
            other => panic!("{other:?}"),
        }
        assert!(client_credential(&s, ClientAuth::PrivateKeyJwt, b"not a pem").is_err());
        assert!(client_credential(&s, ClientAuth::ClientSecretPost, b"\n").is_err());
    }
}
