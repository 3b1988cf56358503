//! Which profile a command uses, and what signs its requests: `--profile`, then
//! `GWCTL_PROFILE` (clap merges both into one value), then the default profile; `--auth` alone
//! means credentials from the environment (`--auth none`: no credentials).
//!
//! A gateway URL typed on the command line (`--url`, an absolute endpoint URL) with neither
//! `--profile` nor `--auth` ([`for_typed_url`]): the default profile signs only when the URL is
//! on the origin of the profile's own `url` (or the profile has no `url`, so its credentials are
//! not tied to one gateway); otherwise the call goes without credentials, with a note saying
//! so. Without a default profile it goes without credentials, quietly: a plain
//! `mlflow gateway start` checks none.

use std::sync::Arc;

use super::config::{Config, ConfigFile};
use super::{Profile, ProfileError};
use crate::auth::{Auth, AuthSettings};
use std::collections::HashMap;

use crate::credentials::assume_role::{AssumeRoleProvider, RoleHop};
use crate::credentials::oauth2::OAuth2Provider;
use crate::credentials::slot::TokenSlot;
use crate::credentials::{Cached, EnvProvider, NoCredentials, ProvideCredential, StoreProvider};
use crate::scheme::{AuthConfig, AuthScheme};
use crate::tokens::sts::{self, StsEndpoint};

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

/// The credential provider of a stored profile, cached for the process: its secret store; for
/// an oauth2 profile, its token endpoint; for a profile with a role, STS AssumeRole (a chain
/// of source profiles, checked for loops).
pub fn provider_for(
    cf: &ConfigFile,
    config: &Config,
    name: &str,
    profile: &Profile,
) -> Result<Arc<dyn ProvideCredential>, ProfileError> {
    if profile.auth == AuthConfig::None {
        return Ok(Arc::new(NoCredentials::new()));
    }
    if let AuthConfig::OAuth2(o) = &profile.auth {
        return Ok(Arc::new(Cached::new(OAuth2Provider::new(o.clone(), token_slot(cf, name, profile)))));
    }
    if profile.role.is_some() {
        return Ok(Arc::new(Cached::new(assume_role_provider(cf, config, name, profile)?)));
    }
    Ok(Arc::new(Cached::new(StoreProvider::new(name, profile.auth.clone(), profile.store.clone(), cf.dir()))))
}

/// Where `name`'s issued token or session is cached: its own store, entry `NAME#token`.
pub fn token_slot(cf: &ConfigFile, name: &str, profile: &Profile) -> TokenSlot {
    TokenSlot::new(name, profile.store.clone(), cf.dir(), super::Slot::Token.entry(name))
}

/// The AssumeRole provider of a role profile: the chain from its source profiles.
pub fn assume_role_provider(
    cf: &ConfigFile,
    config: &Config,
    name: &str,
    profile: &Profile,
) -> Result<AssumeRoleProvider, ProfileError> {
    let chain_err = |e: sts::StsError| ProfileError::Chain(e.to_string());
    let roles: HashMap<String, sts::RoleProfile> = config
        .profiles
        .iter()
        .map(|(n, p)| {
            let has_credentials = p.role.is_none() || p.auth.key_id().is_some();
            let r = sts::RoleProfile {
                role_arn: p.role.as_ref().map(|r| r.role_arn.clone()),
                source_profile: p.role.as_ref().map(|r| r.source_profile.clone()),
                has_credentials,
            };
            (n.clone(), r)
        })
        .collect();
    let chain = sts::resolve_role_chain(&roles, name).map_err(chain_err)?;
    let base = config.get(&chain.base)?;
    if base.scheme() != AuthScheme::Sigv4 {
        return Err(ProfileError::Chain(format!(
            "the source profile {:?} of {name:?} is not a sigv4 profile (it is {}): a role needs AWS credentials",
            chain.base,
            base.scheme()
        )));
    }
    let mut hops = Vec::with_capacity(chain.hops.len());
    for h in &chain.hops {
        let r = config
            .get(&h.profile)?
            .role
            .clone()
            .ok_or_else(|| ProfileError::Chain(format!("profile {:?} has no role", h.profile)))?;
        hops.push(RoleHop {
            profile: h.profile.clone(),
            role_arn: r.role_arn,
            external_id: r.external_id,
            mfa_serial: r.mfa_serial,
            duration_secs: r.duration_secs,
            session_name: r.session_name,
        });
    }
    let base_provider: Arc<dyn ProvideCredential> =
        Arc::new(StoreProvider::new(&chain.base, base.auth.clone(), base.store.clone(), cf.dir()));
    let region = profile.auth.region().map(str::to_string);
    let endpoint = match &profile.sts_endpoint {
        Some(u) => StsEndpoint::custom(u, region.as_deref().unwrap_or("us-east-1")),
        None => StsEndpoint::for_region(region.as_deref()),
    }
    .map_err(|e| ProfileError::Invalid(e.to_string()))?;
    Ok(AssumeRoleProvider::new(base_provider, &chain.base, hops, endpoint, region, token_slot(cf, name, profile)))
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
    let provider = provider_for(cf, &config, &name, &profile)?;
    Ok(Resolved { settings: AuthSettings::new(profile.auth.clone()), provider, profile: Some((name, profile)) })
}

fn adhoc_resolved(scheme: AuthScheme, profile: Option<(String, Profile)>) -> Resolved {
    let mut config = AuthConfig::bare(scheme);
    // `--auth sigv4` over a profile of another scheme: the region and service it carries.
    if let (AuthConfig::SigV4 { region, service, .. }, Some((_, p))) = (&mut config, &profile) {
        region.clone_from(&p.override_scope.region);
        service.clone_from(&p.override_scope.service);
    }
    let provider: Arc<dyn ProvideCredential> = if scheme == AuthScheme::None {
        Arc::new(NoCredentials::new())
    } else {
        Arc::new(EnvProvider::from_process_env(scheme))
    };
    Resolved { settings: AuthSettings::new(config), provider, profile }
}

/// What signs a call to a URL typed on the command line when neither `--profile` (nor
/// `GWCTL_PROFILE`) nor `--auth` was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypedUrlChoice {
    /// The default profile: the URL is on its gateway's origin, or it names no gateway.
    Default(String),
    /// No credentials; `note` says why when a default profile was not used.
    NoCredentials { note: Option<String> },
}

/// Decides who signs a call to `typed` (see the module docs): the default profile when `typed`
/// is on the origin of the profile's `url` or the profile has no `url`; else no credentials,
/// with a note when there is a default profile that was left out. A `typed` that does not
/// parse leaves the default profile in charge (the command reports the URL itself).
pub fn for_typed_url(config: &Config, typed: &str) -> TypedUrlChoice {
    let Some(name) = config.default_profile.clone() else {
        return TypedUrlChoice::NoCredentials { note: None };
    };
    let Ok(profile) = config.get(&name) else {
        return TypedUrlChoice::NoCredentials { note: None };
    };
    let Some(own) = profile.url.as_deref() else { return TypedUrlChoice::Default(name) };
    let (Ok(typed_url), Ok(own_url)) = (url::Url::parse(typed), url::Url::parse(own)) else {
        return TypedUrlChoice::Default(name);
    };
    if same_origin(&typed_url, &own_url) || !profile.scheme().has_credentials() {
        return TypedUrlChoice::Default(name);
    }
    TypedUrlChoice::NoCredentials {
        note: Some(format!(
            "{} is not on the gateway of the default profile {name:?} ({}): sending no credentials \
             (pass -p {name} to sign with it)",
            origin(&typed_url),
            origin(&own_url)
        )),
    }
}

fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// `scheme://host[:port]`, without path, query or user info.
fn origin(u: &url::Url) -> String {
    match (u.host_str(), u.port()) {
        (Some(h), Some(p)) => format!("{}://{h}:{p}", u.scheme()),
        (Some(h), None) => format!("{}://{h}", u.scheme()),
        _ => u.scheme().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::store::StoreSpec;
    use crate::profile::{Profile, ProfileToml};

    fn config(default: Option<(&str, AuthScheme, Option<&str>)>) -> Config {
        let mut c = Config::default();
        if let Some((name, scheme, url)) = default {
            let store = if scheme == AuthScheme::None { StoreSpec::None } else { StoreSpec::Env("T".into()) };
            let mut t = ProfileToml::new(scheme, store);
            t.url = url.map(str::to_string);
            c.profiles.insert(name.into(), Profile::try_from(t).unwrap());
            c.default_profile = Some(name.into());
        }
        c
    }

    #[test]
    fn typed_urls() {
        use TypedUrlChoice::*;
        // No default profile: no credentials, quietly.
        assert_eq!(for_typed_url(&config(None), "http://127.0.0.1:15000"), NoCredentials { note: None });
        // The default profile's own gateway (any path, default port spelled out or not).
        let c = config(Some(("prod", AuthScheme::Bearer, Some("https://gw.example/mlflow"))));
        assert_eq!(for_typed_url(&c, "https://gw.example:443/other"), Default("prod".into()));
        // Another origin: another host, port or scheme.
        for other in ["https://evil.example/mlflow", "https://gw.example:8443/", "http://gw.example/mlflow"] {
            let NoCredentials { note: Some(note) } = for_typed_url(&c, other) else { panic!("{other}") };
            assert!(
                note.contains("\"prod\"") && note.contains("-p prod") && note.contains("https://gw.example"),
                "{note}"
            );
            assert!(!note.contains('\n'));
        }
        // A profile without a URL is not tied to a gateway: it signs what it is pointed at.
        let c = config(Some(("aws", AuthScheme::Bearer, None)));
        assert_eq!(for_typed_url(&c, "https://bedrock-runtime.us-east-1.amazonaws.com/"), Default("aws".into()));
        // A default profile without credentials sends none anyway.
        let c = config(Some(("local", AuthScheme::None, Some("http://127.0.0.1:5000"))));
        assert_eq!(for_typed_url(&c, "http://127.0.0.1:15000"), Default("local".into()));
    }
}
