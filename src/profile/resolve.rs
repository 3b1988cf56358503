//! Which profile a command uses, and what signs its requests: `--profile`, then
//! `GWCTL_PROFILE` (clap merges both into one value), then the default profile; `--auth` alone
//! means credentials from the environment.

use std::sync::Arc;

use super::config::{Config, ConfigFile};
use super::{Profile, ProfileError};
use crate::auth::{Auth, AuthSettings};
use crate::credentials::{Cached, EnvProvider, ProvideCredential, StoreProvider};
use crate::scheme::{AuthConfig, AuthScheme};

/// What a command signs with, before per-call flags are applied.
pub struct Resolved {
    pub settings: AuthSettings,
    pub provider: Arc<dyn ProvideCredential>,
    /// The profile's name and settings, when a profile is used.
    pub profile: Option<(String, Profile)>,
}

impl Resolved {
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref().map(|(_, p)| p)
    }

    pub fn name(&self) -> Option<&str> {
        self.profile.as_ref().map(|(n, _)| n.as_str())
    }

    /// The profile's base URL, if any.
    pub fn url(&self) -> Option<&str> {
        self.profile().and_then(|p| p.url.as_deref())
    }

    /// The signer source for these settings (after overrides).
    pub fn auth(&self, settings: AuthSettings) -> Auth {
        Auth::new(settings, self.provider.clone())
    }
}

/// Picks the profile: the named one, else (when no ad-hoc `--auth` was given) the default.
/// `Ok(None)`: ad-hoc mode (credentials from the environment).
pub fn choose(config: &Config, named: Option<&str>, adhoc: Option<AuthScheme>) -> Result<Option<String>, ProfileError> {
    if let Some(name) = named {
        config.get(name)?;
        return Ok(Some(name.to_string()));
    }
    if adhoc.is_some() {
        return Ok(None);
    }
    match &config.default_profile {
        Some(name) => {
            config.get(name)?;
            Ok(Some(name.clone()))
        }
        None => Err(ProfileError::NoDefault),
    }
}

/// The profile `named` (or the default one) must exist: its name.
pub fn chosen_name(cf: &ConfigFile, named: Option<&str>) -> Result<String, ProfileError> {
    let config = cf.load()?;
    choose(&config, named, None)?.ok_or(ProfileError::NoDefault)
}

/// The credential provider of a stored profile: its secret store, cached for the process.
pub fn provider_for(cf: &ConfigFile, name: &str, profile: &Profile) -> Arc<dyn ProvideCredential> {
    Arc::new(Cached::new(StoreProvider::new(name, profile.auth.clone(), profile.store.clone(), cf.dir())))
}

/// Resolves the profile (if any) into settings and a credential provider. `adhoc` is `--auth`:
/// alone, the environment form; with a profile of another scheme, an override for one call.
pub fn resolve(cf: &ConfigFile, named: Option<&str>, adhoc: Option<AuthScheme>) -> Result<Resolved, ProfileError> {
    if let (None, Some(scheme)) = (named, adhoc) {
        return Ok(adhoc_resolved(scheme, None));
    }
    let config = cf.load()?;
    let Some(name) = choose(&config, named, adhoc)? else {
        // `choose` returns None only in ad-hoc mode.
        return Ok(adhoc_resolved(adhoc.unwrap_or(AuthScheme::Bearer), None));
    };
    let profile = config.get(&name)?.clone();
    if let Some(a) = adhoc.filter(|a| *a != profile.scheme()) {
        // `--auth` overrides the profile's scheme for one call: the credentials for that scheme
        // come from the environment; the profile still gives the URL (and a SigV4 scope).
        crate::log::verbose(format_args!(
            "--auth {a} overrides profile {name:?} ({}): credentials from the environment",
            profile.scheme()
        ));
        return Ok(adhoc_resolved(a, Some((name, profile))));
    }
    crate::log::verbose(format_args!("using profile {name:?} ({}, secret in {})", profile.scheme(), profile.store));
    let provider = provider_for(cf, &name, &profile);
    Ok(Resolved { settings: AuthSettings::new(profile.auth.clone()), provider, profile: Some((name, profile)) })
}

fn adhoc_resolved(scheme: AuthScheme, profile: Option<(String, Profile)>) -> Resolved {
    let mut config = AuthConfig::bare(scheme);
    if let (AuthConfig::SigV4 { region, service, .. }, Some((_, p))) = (&mut config, &profile)
        && let AuthConfig::SigV4 { region: r, service: s, .. } = &p.auth
    {
        region.clone_from(r);
        service.clone_from(s);
    }
    Resolved { settings: AuthSettings::new(config), provider: Arc::new(EnvProvider::from_process_env(scheme)), profile }
}
