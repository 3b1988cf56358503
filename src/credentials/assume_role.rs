//! The AssumeRole provider: the source profile's credentials (a chain of roles walked in
//! order), STS `AssumeRole` through [`HttpTransport`], the session cached in the role
//! profile's store (`NAME#token`) until its refresh window, refreshed once after a 401. An MFA
//! code is asked through the callback the command installed ([`set_mfa_prompt`]): library code
//! never prompts.

use std::sync::{Arc, RwLock};

use secrecy::SecretString;

use super::slot::{self, Refusals, TokenSlot};
use super::transport::HttpTransport;
use super::{Credential, CredentialError, CredentialFuture, Material, ProvideCredential};
use crate::net::NetSettings;
use crate::signing::SigningTime;
use crate::signing::sigv4::AwsCredentials;
use crate::tokens::cache::{self, CachedToken, CachedValue, Source};
use crate::tokens::sts::{self, AssumeRoleParams, Mfa, StsEndpoint};

/// Asks for the current code of the MFA device `serial`; `Err` says why there is none.
pub type MfaPrompt = dyn Fn(&str) -> Result<SecretString, String> + Send + Sync;

static MFA_PROMPT: RwLock<Option<Arc<MfaPrompt>>> = RwLock::new(None);

/// Installs how MFA codes are obtained (a terminal prompt, standard input). Without one, a
/// role that needs MFA fails with a one-line error.
pub fn set_mfa_prompt(prompt: Arc<MfaPrompt>) {
    if let Ok(mut p) = MFA_PROMPT.write() {
        *p = Some(prompt);
    }
}

fn mfa_code(serial: &str) -> Result<SecretString, CredentialError> {
    let prompt = MFA_PROMPT.read().ok().and_then(|p| p.clone());
    match prompt {
        Some(p) => p(serial).map_err(CredentialError::MfaCode),
        None => Err(CredentialError::MfaCode(format!("the role needs a code from MFA device {serial}"))),
    }
}

/// One role of a chain, as a profile names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleHop {
    pub profile: String,
    pub role_arn: String,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    pub duration_secs: Option<u32>,
    /// `None`: `gwctl-<profile>` (stable, so the cached session matches the settings).
    pub session_name: Option<String>,
}

impl RoleHop {
    fn params(&self) -> AssumeRoleParams {
        let name = self.session_name.clone().unwrap_or_else(|| default_session_name(&self.profile));
        let mut p = AssumeRoleParams::new(&self.role_arn, name);
        p.external_id.clone_from(&self.external_id);
        p.duration_secs = self.duration_secs;
        p
    }
}

/// `gwctl-<profile>`, in the characters and length STS allows.
pub fn default_session_name(profile: &str) -> String {
    let clean: String = profile
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) { c } else { '-' })
        .take(58)
        .collect();
    format!("gwctl-{clean}")
}

pub struct AssumeRoleProvider {
    /// The long-lived credentials at the start of the chain, and the profile they belong to.
    base: Arc<dyn ProvideCredential>,
    base_profile: String,
    hops: Vec<RoleHop>,
    endpoint: StsEndpoint,
    region: Option<String>,
    slot: TokenSlot,
    refusals: Refusals,
    net: std::sync::OnceLock<NetSettings>,
}

impl AssumeRoleProvider {
    /// `hops[0]` is assumed with `base`'s credentials, each later one with the previous session.
    pub fn new(
        base: Arc<dyn ProvideCredential>,
        base_profile: &str,
        hops: Vec<RoleHop>,
        endpoint: StsEndpoint,
        region: Option<String>,
        slot: TokenSlot,
    ) -> Self {
        Self {
            base,
            base_profile: base_profile.to_string(),
            hops,
            endpoint,
            region,
            slot,
            refusals: Refusals::default(),
            net: std::sync::OnceLock::new(),
        }
    }

    /// The settings the cached session depends on.
    fn binding(&self) -> String {
        let mut parts: Vec<String> =
            vec!["assume-role".into(), self.base_profile.clone(), self.endpoint.url.to_string()];
        for h in &self.hops {
            parts.push(h.params().cache_binding(&h.profile));
            parts.push(h.mfa_serial.clone().unwrap_or_default());
        }
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        cache::binding(&refs)
    }

    async fn assume(&self, binding: &str) -> Result<CachedToken, CredentialError> {
        let base = self.base.provide().await?;
        let Material::Aws(base) = &base.material else {
            return Err(CredentialError::Profile {
                profile: self.base_profile.clone(),
                message: "the source profile of a role must be a sigv4 profile".into(),
            });
        };
        let mut steps = Vec::with_capacity(self.hops.len());
        for h in &self.hops {
            let mut p = h.params();
            if let Some(serial) = &h.mfa_serial {
                p.mfa = Some(Mfa { serial: serial.clone(), code: mfa_code(serial)? });
            }
            steps.push(p);
        }
        let transport = HttpTransport::new(self.net.get().unwrap_or(&NetSettings::default()))
            .map_err(|e| CredentialError::Profile { profile: self.slot.profile.clone(), message: e.to_string() })?;
        crate::log::verbose(format_args!(
            "assuming {} for profile {:?} with the credentials of {:?}",
            steps.iter().map(|s| s.role_arn.as_str()).collect::<Vec<_>>().join(" → "),
            self.slot.profile,
            self.base_profile
        ));
        let obtained = SigningTime::now().unix();
        let assumed = sts::assume_chain(&transport, base, &self.endpoint, &mut steps, &SigningTime::now).await?;
        crate::log::verbose(format_args!("assumed {}", assumed.arn));
        Ok(assumed.into_cached(obtained, binding.to_string()))
    }

    /// The current session record and where it came from.
    pub async fn session(&self) -> Result<(CachedToken, Source), CredentialError> {
        let binding = self.binding();
        let rejected = self.refusals.take_rejected();
        let (t, source) = slot::obtain(&self.slot, &binding, rejected.as_deref(), || self.assume(&binding)).await?;
        self.refusals.handed_out(&t);
        Ok((t, source))
    }
}

/// An AWS credential from a session record.
pub fn aws_credential(t: &CachedToken) -> Result<Credential, CredentialError> {
    let CachedValue::Aws(c) = &t.value else {
        return Err(CredentialError::Invalid {
            var: "token cache",
            message: "the cached record is not an AWS session".into(),
        });
    };
    Ok(Credential {
        material: Material::Aws(AwsCredentials {
            access_key_id: c.access_key_id.clone(),
            secret_access_key: c.secret_access_key.clone(),
            session_token: c.session_token.clone(),
        }),
        expires_at: Some(slot::system_time(t.expires_at)),
        obtained_at: slot::system_time(t.obtained_at),
    })
}

impl ProvideCredential for AssumeRoleProvider {
    fn provide(&self) -> CredentialFuture<'_> {
        Box::pin(async move {
            let (t, _) = self.session().await?;
            Ok(Arc::new(aws_credential(&t)?))
        })
    }

    fn invalidate(&self) -> bool {
        self.refusals.refuse_last();
        true
    }

    fn describe(&self) -> String {
        format!(
            "profile {:?} (role {})",
            self.slot.profile,
            self.hops.last().map(|h| h.role_arn.as_str()).unwrap_or("")
        )
    }

    fn default_region(&self) -> Option<String> {
        self.region.clone()
    }

    fn use_network(&self, net: &NetSettings) {
        let _ = self.net.set(net.clone());
        self.base.use_network(net);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_names_are_stable_and_valid() {
        assert_eq!(default_session_name("prod"), "gwctl-prod");
        let long = default_session_name(&"x".repeat(80));
        assert!(long.len() <= 64);
        let mut p = AssumeRoleParams::new("arn:aws:iam::123456789012:role/r", default_session_name("a b/c"));
        p.duration_secs = None;
        p.validate().unwrap();
    }
}
