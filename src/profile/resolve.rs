//! Which profile a command uses, and what signing it implies: `--profile`, then
//! `GWCTL_PROFILE` (clap merges both into one value), then the default profile; explicit flags
//! override the profile's fields.

use super::config::{Config, ConfigFile};
use super::credentials::ProfileCredentials;
use super::{Profile, ProfileError, store};
use crate::auth::{self, AuthOptions, AuthScheme, JwtOptions};
use crate::credentials::{CredentialSource, EnvCredentials};
use crate::error::Error;

/// What a command signs with.
pub struct Resolved {
    pub options: AuthOptions,
    pub credentials: Box<dyn CredentialSource>,
    /// The profile's name and base URL, when a profile is used.
    pub profile: Option<(String, Profile)>,
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

/// The signing options a profile stands for.
pub fn options_from_profile(p: &Profile) -> Result<AuthOptions, Error> {
    let mut o = AuthOptions::new(p.auth);
    o.region = p.region.clone();
    o.service = p.service.clone();
    if let Some(j) = &p.jwt {
        o.jwt = JwtOptions {
            alg: j.alg.clone(),
            iss: j.iss.clone(),
            sub: j.sub.clone(),
            aud: j.aud.clone(),
            ttl_secs: j.ttl.as_deref().map(auth::parse_duration_secs).transpose()?,
            kid: j.kid.clone(),
            claims: j.claims.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            no_jti: j.no_jti,
        };
    }
    Ok(o)
}

/// Resolves the profile (if any) into options and credentials. `adhoc` is `--auth`: alone, the
/// environment form; with a profile of another scheme, an override for one call.
pub fn resolve(config_file: &ConfigFile, named: Option<&str>, adhoc: Option<AuthScheme>) -> Result<Resolved, Error> {
    if let (None, Some(scheme)) = (named, adhoc) {
        return Ok(adhoc_resolved(scheme));
    }
    let config = config_file.load()?;
    let Some(name) = choose(&config, named, adhoc)? else {
        return Ok(adhoc_resolved(adhoc.expect("ad-hoc mode has a scheme")));
    };
    let profile = config.get(&name)?.clone();
    if let Some(a) = adhoc.filter(|a| *a != profile.auth) {
        // `--auth` overrides the profile's scheme for one call: the credentials for that scheme
        // come from the environment; the profile still gives the URL, region and service.
        crate::log::verbose(format_args!(
            "--auth {a} overrides profile {name:?} ({}): credentials from the environment",
            profile.auth
        ));
        let mut options = AuthOptions::new(a);
        options.region = profile.region.clone();
        options.service = profile.service.clone();
        return Ok(Resolved {
            options,
            credentials: Box::new(EnvCredentials::from_process_env()),
            profile: Some((name, profile)),
        });
    }
    crate::log::verbose(format_args!("using profile {name:?} ({}, secret in {})", profile.auth, profile.store));
    let options = options_from_profile(&profile)?;
    let store = store::open(&profile.store, &config_file.dir())?;
    let credentials = Box::new(ProfileCredentials::new(name.clone(), profile.clone(), store));
    Ok(Resolved { options, credentials, profile: Some((name, profile)) })
}

fn adhoc_resolved(scheme: AuthScheme) -> Resolved {
    Resolved {
        options: AuthOptions::new(scheme),
        credentials: Box::new(EnvCredentials::from_process_env()),
        profile: None,
    }
}

/// Resolves `url` against a profile's base URL when it is a path (`/v1/chat`).
pub fn join_url(base: Option<&str>, url: &str) -> Result<String, Error> {
    if !url.starts_with('/') {
        return Ok(url.to_string());
    }
    let Some(base) = base else {
        return Err(Error::Input(format!("{url:?} is a path, and no profile with a url is in use: give a full URL")));
    };
    Ok(format!("{}{url}", base.trim_end_matches('/')))
}
