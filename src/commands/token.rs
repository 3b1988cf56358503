//! `gwctl token`, `gwctl credential-process` and `gwctl exec`: hand a profile's current
//! credentials to other tools. Tokens go to stdout or into the child's environment, never into
//! an argument list or onto stderr.

use std::ffi::OsString;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::cli::{CredentialProcessArgs, ExecArgs, TokenArgs, TokenFormat};
use crate::credentials::assume_role::AssumeRoleProvider;
use crate::credentials::oauth2::OAuth2Provider;
use crate::credentials::{Material, ProvideCredential as _, StoreProvider};
use crate::error::Error;
use crate::net::NetSettings;
use crate::profile::config::ConfigFile;
use crate::profile::resolve;
use crate::profile::{Profile, store::StoreSpec};
use crate::scheme::AuthConfig;
use crate::signing::SigningTime;
use crate::signing::sigv4::AwsCredentials;
use crate::tokens::sts::rfc3339;

/// A token and when it expires (Unix seconds), if known.
struct Token {
    value: SecretString,
    expires_at: Option<i64>,
}

/// AWS credentials and when they expire.
struct AwsSession {
    credentials: AwsCredentials,
    expires_at: Option<i64>,
}

fn load(cf: &ConfigFile, named: Option<&str>) -> Result<(String, Profile, crate::profile::config::Config), Error> {
    let config = cf.load()?;
    let name = resolve::choose(&config, named, None)?.ok_or(crate::profile::ProfileError::NoDefault)?;
    let profile = config.get(&name)?.clone();
    Ok((name, profile, config))
}

fn block<T>(f: impl std::future::Future<Output = Result<T, crate::credentials::CredentialError>>) -> Result<T, Error> {
    Ok(crate::http::block_on(f)??)
}

/// The current token of a token profile (oauth2, jwt, bearer).
fn current_token(cf: &ConfigFile, name: &str, p: &Profile, net: &NetSettings) -> Result<Token, Error> {
    match &p.auth {
        AuthConfig::OAuth2(o) => {
            let provider = OAuth2Provider::new(o.clone(), resolve::token_slot(cf, name, p));
            provider.use_network(net);
            let (t, _) = block(provider.token())?;
            let value = t
                .bearer_token()
                .cloned()
                .ok_or_else(|| Error::Input("the cached token record is not a bearer token".into()))?;
            Ok(Token { value, expires_at: Some(t.expires_at) })
        }
        AuthConfig::Jwt(j) => {
            let provider = StoreProvider::new(name, p.auth.clone(), p.store.clone(), cf.dir());
            let credential = block(provider.provide())?;
            let Material::Jwt(key) = &credential.material else {
                return Err(Error::Input(format!("profile {name:?} has no JWT key")));
            };
            let settings = j.settings()?;
            let ttl = settings.ttl_secs;
            let signer = crate::signing::jwt::JwtSigner::new(settings, key)?;
            let now = SigningTime::now();
            let value = SecretString::from(signer.mint(now)?);
            Ok(Token { value, expires_at: Some(now.unix().saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX))) })
        }
        AuthConfig::Bearer => {
            let provider = StoreProvider::new(name, p.auth.clone(), p.store.clone(), cf.dir());
            let credential = block(provider.provide())?;
            match &credential.material {
                Material::Bearer(t) => Ok(Token { value: t.clone(), expires_at: None }),
                _ => Err(Error::Input(format!("profile {name:?} has no token"))),
            }
        }
        other => Err(Error::Usage(format!(
            "profile {name:?} is a {} profile: gwctl token is for oauth2, jwt and bearer profiles{}",
            other.scheme(),
            if matches!(other, AuthConfig::SigV4 { .. }) {
                " (for sigv4 use gwctl credential-process or gwctl exec)"
            } else {
                ""
            }
        ))),
    }
}

/// The current AWS credentials of a sigv4 profile (assumed for a role profile).
fn current_aws(
    cf: &ConfigFile,
    name: &str,
    p: &Profile,
    config: &crate::profile::config::Config,
    net: &NetSettings,
) -> Result<AwsSession, Error> {
    if !matches!(p.auth, AuthConfig::SigV4 { .. }) {
        return Err(Error::Usage(format!(
            "profile {name:?} is a {} profile: AWS credentials come from sigv4 profiles",
            p.scheme()
        )));
    }
    if p.role.is_some() {
        let provider: AssumeRoleProvider = resolve::assume_role_provider(cf, config, name, p)?;
        provider.use_network(net);
        let (t, _) = block(provider.session())?;
        let c = crate::credentials::assume_role::aws_credential(&t)?;
        let Material::Aws(credentials) = c.material else {
            return Err(Error::Input("the cached session is not AWS credentials".into()));
        };
        return Ok(AwsSession { credentials, expires_at: Some(t.expires_at) });
    }
    let provider = StoreProvider::new(name, p.auth.clone(), p.store.clone(), cf.dir());
    let credential = block(provider.provide())?;
    match &credential.material {
        Material::Aws(c) => Ok(AwsSession {
            credentials: AwsCredentials {
                access_key_id: c.access_key_id.clone(),
                secret_access_key: c.secret_access_key.clone(),
                session_token: c.session_token.clone(),
            },
            expires_at: None,
        }),
        _ => Err(Error::Input(format!("profile {name:?} has no AWS key"))),
    }
}

pub fn token(cf: &ConfigFile, a: &TokenArgs) -> Result<(), Error> {
    let (name, p, _) = load(cf, a.profile.profile.as_deref())?;
    if a.clear {
        if !matches!(p.auth, AuthConfig::OAuth2(_)) && p.role.is_none() {
            return Err(Error::Usage(format!(
                "profile {name:?} keeps no cached token (only oauth2 and AssumeRole profiles do)"
            )));
        }
        let had = resolve::token_slot(cf, &name, &p).clear()?;
        eprintln!(
            "gwctl: {}",
            if had { format!("deleted the cached token of {name:?}") } else { format!("{name:?} had no cached token") }
        );
        return Ok(());
    }
    let net = a.transport.settings();
    net.check()?;
    let t = current_token(cf, &name, &p, &net)?;
    let out = Zeroizing::new(match a.format {
        TokenFormat::Raw => format!("{}\n", t.value.expose_secret()),
        TokenFormat::Header => format!("Authorization: Bearer {}\n", t.value.expose_secret()),
        TokenFormat::Json => {
            let mut o = serde_json::Map::new();
            o.insert("access_token".into(), t.value.expose_secret().into());
            o.insert("token_type".into(), "Bearer".into());
            if let Some(e) = t.expires_at {
                o.insert("expires_at".into(), rfc3339(e).into());
                o.insert("expires_in".into(), (e - SigningTime::now().unix()).max(0).into());
            }
            format!("{}\n", serde_json::Value::Object(o))
        }
    });
    super::print(&out)
}

pub fn credential_process(cf: &ConfigFile, a: &CredentialProcessArgs) -> Result<(), Error> {
    let (name, p, config) = load(cf, a.profile.profile.as_deref())?;
    let net = a.transport.settings();
    net.check()?;
    let s = current_aws(cf, &name, &p, &config, &net)?;
    let mut o = serde_json::Map::new();
    o.insert("Version".into(), 1.into());
    o.insert("AccessKeyId".into(), s.credentials.access_key_id.clone().into());
    o.insert("SecretAccessKey".into(), s.credentials.secret_access_key.expose_secret().into());
    if let Some(t) = &s.credentials.session_token {
        o.insert("SessionToken".into(), t.expose_secret().into());
    }
    if let Some(e) = s.expires_at {
        o.insert("Expiration".into(), rfc3339(e).into());
    }
    let out = Zeroizing::new(format!("{}\n", serde_json::Value::Object(o)));
    super::print(&out)
}

/// A POSIX environment variable name.
fn check_env_name(v: &str) -> Result<(), Error> {
    let ok = !v.is_empty()
        && v.len() <= 128
        && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !v.as_bytes()[0].is_ascii_digit();
    if ok { Ok(()) } else { Err(Error::Input(format!("--env {v:?} is not a variable name (letters, digits, '_')"))) }
}

pub fn exec(cf: &ConfigFile, a: &ExecArgs) -> Result<(), Error> {
    check_env_name(&a.env)?;
    let net = a.transport.settings();
    net.check()?;
    let (name, p, config) = load(cf, a.profile.profile.as_deref())?;
    let mut env: Vec<(String, Zeroizing<String>)> = Vec::new();
    let mut remove: Vec<&str> = Vec::new();
    if matches!(p.auth, AuthConfig::SigV4 { .. }) {
        let s = current_aws(cf, &name, &p, &config, &net)?;
        env.push(("AWS_ACCESS_KEY_ID".into(), Zeroizing::new(s.credentials.access_key_id.clone())));
        env.push((
            "AWS_SECRET_ACCESS_KEY".into(),
            Zeroizing::new(s.credentials.secret_access_key.expose_secret().to_string()),
        ));
        match &s.credentials.session_token {
            Some(t) => env.push(("AWS_SESSION_TOKEN".into(), Zeroizing::new(t.expose_secret().to_string()))),
            None => remove.push("AWS_SESSION_TOKEN"),
        }
        if let Some(e) = s.expires_at {
            env.push(("AWS_CREDENTIAL_EXPIRATION".into(), Zeroizing::new(rfc3339(e))));
        }
        if let Some(r) = p.auth.region() {
            env.push(("AWS_REGION".into(), Zeroizing::new(r.to_string())));
            env.push(("AWS_DEFAULT_REGION".into(), Zeroizing::new(r.to_string())));
        }
        // The child uses these keys, not a profile of its own config.
        remove.push("AWS_PROFILE");
    } else {
        let t = current_token(cf, &name, &p, &net)?;
        env.push((a.env.clone(), Zeroizing::new(t.value.expose_secret().to_string())));
    }
    let (program, args) = a.command.split_first().ok_or_else(|| Error::Usage("no command to run after --".into()))?;
    crate::log::verbose(format_args!(
        "running {:?} with {} from profile {name:?}",
        program,
        env.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
    ));
    let mut cmd = std::process::Command::new(program);
    cmd.args(args.iter().map(OsString::as_os_str));
    for k in remove {
        cmd.env_remove(k);
    }
    for (k, v) in &env {
        cmd.env(k, v.as_str());
    }
    let status = cmd.status().map_err(|e| Error::io(format!("cannot run {}", program.to_string_lossy()), e))?;
    drop(env);
    let code = match status.code() {
        Some(c) => c,
        None => {
            #[cfg(unix)]
            {
                use std::os::unix::process::ExitStatusExt;
                128 + status.signal().unwrap_or(0)
            }
            #[cfg(not(unix))]
            {
                1
            }
        }
    };
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    std::process::exit(code);
}

/// How MFA codes are obtained: from standard input (`--mfa-code-stdin`), else a hidden prompt
/// on a terminal, else an error that says what to do.
pub fn install_mfa_prompt(from_stdin: bool) {
    let prompt: Arc<crate::credentials::assume_role::MfaPrompt> = Arc::new(move |serial: &str| {
        if from_stdin {
            let bytes = crate::util::read_limited_from(std::io::stdin().lock(), 64)
                .map_err(|e| format!("--mfa-code-stdin: cannot read standard input: {e}"))?;
            let text = Zeroizing::new(String::from_utf8_lossy(&bytes).trim().to_string());
            if text.is_empty() {
                return Err("--mfa-code-stdin: standard input was empty".into());
            }
            return Ok(SecretString::from(text.to_string()));
        }
        if !crate::prompt::interactive() {
            return Err(format!(
                "the role needs a code from MFA device {serial}: run on a terminal, or pass --mfa-code-stdin (gwctl credential-process, gwctl exec)"
            ));
        }
        let code = dialoguer::Password::new()
            .with_prompt(format!("MFA code for {serial}"))
            .interact()
            .map_err(|e| format!("cannot read the MFA code: {e}"))?;
        Ok(SecretString::from(code))
    });
    crate::credentials::assume_role::set_mfa_prompt(prompt);
}

/// Whether `p` keeps a cached token (oauth2, AssumeRole).
pub fn has_token_slot(p: &Profile) -> bool {
    matches!(p.auth, AuthConfig::OAuth2(_)) || p.role.is_some()
}

/// A token profile's cached token state for `doctor`: `expires in 4m 10s`, `expired`, `none`.
pub fn token_state(cf: &ConfigFile, name: &str, p: &Profile) -> String {
    if matches!(p.store, StoreSpec::Env(_) | StoreSpec::Command(_)) {
        return "not cached (the store is read-only)".into();
    }
    match resolve::token_slot(cf, name, p).read() {
        Ok(Some(t)) => {
            let left = t.expires_in(SigningTime::now().unix());
            if left > 0 { format!("expires in {}", human(left)) } else { "expired".into() }
        }
        Ok(None) => "none".into(),
        Err(e) => format!("unreadable: {e}"),
    }
}

/// `doctor --check`: get a token or session now.
pub fn check_token(
    cf: &ConfigFile,
    name: &str,
    p: &Profile,
    config: &crate::profile::config::Config,
    net: &NetSettings,
) -> String {
    let r = if matches!(p.auth, AuthConfig::OAuth2(_)) {
        current_token(cf, name, p, net).map(|t| t.expires_at)
    } else {
        current_aws(cf, name, p, config, net).map(|s| s.expires_at)
    };
    match r {
        Ok(Some(e)) => format!("OK, valid for {}", human((e - SigningTime::now().unix()).max(0))),
        Ok(None) => "OK".into(),
        Err(e) => format!("FAILED: {e}"),
    }
}

/// `3h 2m`, `4m 10s`, `9s`.
pub fn human(secs: i64) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h > 0 {
        format!("{h}h {m}m")
    } else if m > 0 {
        format!("{m}m {s}s")
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_and_durations() {
        for ok in ["GWCTL_TOKEN", "OPENAI_API_KEY", "_x1"] {
            check_env_name(ok).unwrap();
        }
        for bad in ["", "1X", "A-B", "A B", "A=B"] {
            assert!(check_env_name(bad).is_err(), "{bad}");
        }
        assert_eq!(human(9), "9s");
        assert_eq!(human(250), "4m 10s");
        assert_eq!(human(3 * 3600 + 120), "3h 2m");
    }

    #[test]
    fn every_new_command_has_examples() {
        use clap::CommandFactory as _;
        let cmd = crate::cli::Cli::command();
        for name in ["token", "credential-process", "exec"] {
            let mut sub = cmd.find_subcommand(name).unwrap_or_else(|| panic!("{name}")).clone();
            let help = sub.render_long_help().to_string();
            assert!(help.contains("Examples:"), "{name} --help has no Examples: section");
        }
    }
}
