//! One file per subcommand: thin glue between the CLI and the library. Each resolves its
//! flags into settings, calls the operation, and prints through [`crate::printer`].

pub mod batch;
pub mod demo;
pub mod doctor;
pub mod invoke;
pub mod keys;
pub mod profile;
pub mod routes;
pub mod scaffold;
pub mod serve;
pub mod sign;
pub mod token;

use crate::auth::AuthSettings;
use crate::cli::{Cli, Command, CredentialArgs, InvokeCommand, JwtArgs, KeysCommand, RoutesCommand, ScopeArgs};
use crate::error::Error;
use crate::profile::config::ConfigFile;
use crate::profile::resolve::{self, Resolved, TypedUrlChoice};
use crate::scheme::{AuthConfig, AuthScheme};

pub use crate::printer::print;

pub fn run(cli: Cli) -> Result<(), Error> {
    crate::log::set_verbose(cli.verbose);
    let config = ConfigFile::locate(cli.config)?;
    crate::log::verbose(format_args!("config file {}", config.path.display()));
    // Library code never prompts: commands that may need an MFA code say how to get one.
    token::install_mfa_prompt(false);
    let mut command = cli.command;
    settle_typed_url(&config, &mut command)?;
    refuse_auth_none(&config, &command)?;
    match command {
        Command::Sign(args) => sign::run(args, &config),
        Command::Profile(cmd) => profile::run(cmd, &config),
        Command::Doctor(a) => doctor::run(&config, &a),
        Command::Keys(cmd) => keys::run(cmd, &config),
        Command::Invoke(cmd) => invoke::run(cmd, &config),
        Command::Routes(cmd) => routes::run(cmd, &config),
        Command::Scaffold(cmd) => scaffold::run(cmd, &config),
        Command::Serve(a) => serve::run(a, &config),
        Command::Demo(a) => demo::run(a),
        Command::Unlock(a) => {
            let secs = crate::util::parse_duration_secs(&a.ttl)?;
            if secs == 0 || secs > 7 * 86_400 {
                return Err(Error::Input(format!("--ttl {}: give 1 second to 7 days", a.ttl)));
            }
            let dir = crate::profile::store::file_store_dir(&config.dir());
            let passphrase = crate::profile::store::ask_passphrase(false)?;
            crate::profile::store::unlock(&dir, passphrase, std::time::Duration::from_secs(secs))?;
            crate::printer::note(format_args!("the file store {} is unlocked for {}", dir.display(), a.ttl));
            Ok(())
        }
        Command::Lock => {
            let dir = crate::profile::store::file_store_dir(&config.dir());
            let was = crate::profile::store::lock(&dir)?;
            crate::printer::note(format_args!(
                "the file store {} is locked{}",
                dir.display(),
                if was { "" } else { " (it was not unlocked)" }
            ));
            Ok(())
        }
        Command::Token(a) => {
            token::install_mfa_prompt(false);
            token::token(&config, &a)
        }
        Command::CredentialProcess(a) => {
            token::install_mfa_prompt(a.mfa_code_stdin);
            token::credential_process(&config, &a)
        }
        Command::Exec(a) => {
            token::install_mfa_prompt(a.mfa_code_stdin);
            token::exec(&config, &a)
        }
        Command::Completions(a) => print(&completion_script(a.shell)),
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| Error::io("cannot render the man page", e))?;
            print(&String::from_utf8_lossy(&out))
        }
    }
}

/// A call to a gateway URL typed on the command line (`--url`, or an absolute endpoint URL)
/// with neither `--profile`/`GWCTL_PROFILE` nor `--auth`: the default profile signs it only on
/// its own gateway's origin (or when it names no gateway); otherwise it goes without
/// credentials (`--auth none`), with a note when a default profile was left out. See
/// [`resolve::for_typed_url`].
fn settle_typed_url(cf: &ConfigFile, command: &mut Command) -> Result<(), Error> {
    // An absolute URL is called as it is; a path joins --url (or the profile's url).
    let target = |url: &Option<String>, endpoint: Option<&str>| match endpoint {
        Some(e) if !e.starts_with('/') => Some(e.to_string()),
        _ => url.clone(),
    };
    let (credentials, typed): (&mut CredentialArgs, Option<String>) = match command {
        Command::Invoke(InvokeCommand::Route(a)) => (&mut a.common.credentials, a.common.url.clone()),
        Command::Invoke(InvokeCommand::Endpoint(a)) => {
            let typed = target(&a.common.url, Some(&a.endpoint));
            (&mut a.common.credentials, typed)
        }
        Command::Invoke(InvokeCommand::Batch(a)) => {
            let typed = target(&a.url, a.endpoint.as_deref());
            (&mut a.credentials, typed)
        }
        Command::Routes(RoutesCommand::List(a)) => (&mut a.common.credentials, a.common.url.clone()),
        Command::Routes(RoutesCommand::Show(a)) => (&mut a.common.credentials, a.common.url.clone()),
        _ => return Ok(()),
    };
    let Some(typed) = typed else { return Ok(()) };
    if credentials.profile.is_some() || credentials.auth.is_some() {
        return Ok(());
    }
    match resolve::for_typed_url(&cf.load()?, &typed) {
        TypedUrlChoice::Default(name) => {
            crate::log::verbose(format_args!("{typed}: the default profile {name:?} signs it"));
        }
        TypedUrlChoice::NoCredentials { note } => {
            match note {
                Some(note) => crate::log::note(format_args!("note: {note}")),
                None => crate::log::verbose(format_args!("no profile in use: sending no credentials")),
            }
            credentials.auth = Some(AuthScheme::None);
        }
    }
    Ok(())
}

/// Commands that hand out or change a credential refuse a profile with auth none (exit 2),
/// saying so in one line, before they look for a secret that is not there.
fn refuse_auth_none(cf: &ConfigFile, command: &Command) -> Result<(), Error> {
    let (named, what) = match command {
        Command::Token(a) => {
            (&a.profile, "there is no token to print (gwctl token is for oauth2, jwt and bearer profiles)")
        }
        Command::CredentialProcess(a) => {
            (&a.profile, "there are no AWS credentials to print (credential-process is for sigv4 profiles)")
        }
        Command::Exec(a) => (&a.profile, "there are no credentials to put in the command's environment"),
        Command::Keys(KeysCommand::Rotate(a)) => (&a.profile, "there is no key or password to rotate"),
        Command::Serve(a) => {
            let Ok(config) = cf.load() else { return Ok(()) };
            return match a.accept.iter().find(|n| config.get(n).is_ok_and(|p| !p.scheme().has_credentials())) {
                Some(name) => Err(Error::Usage(format!(
                    "--accept {name}: the profile has auth none: there is no credential to accept \
                     (serve without --accept is open, as a gateway without auth)"
                ))),
                None => Ok(()),
            };
        }
        _ => return Ok(()),
    };
    // Another problem (no such profile, no default) is the command's own to report.
    let Ok(config) = cf.load() else { return Ok(()) };
    let Ok(Some(name)) = resolve::choose(&config, named.profile.as_deref(), None) else { return Ok(()) };
    match config.get(&name) {
        Ok(p) if !p.scheme().has_credentials() => Err(Error::Usage(format!("profile {name:?} has auth none: {what}"))),
        _ => Ok(()),
    }
}

/// The signing settings for one call: the profile's (or the ad-hoc scheme's), with explicit
/// flags overriding its fields.
pub(crate) fn call_settings(resolved: &Resolved, s: &ScopeArgs, j: &JwtArgs) -> Result<AuthSettings, Error> {
    let mut settings = resolved.settings.clone();
    match &mut settings.config {
        AuthConfig::SigV4 { region, service, .. } => {
            if s.region.is_some() {
                region.clone_from(&s.region);
            }
            if s.service.is_some() {
                service.clone_from(&s.service);
            }
        }
        AuthConfig::Jwt(config) => config.overlay(&j.config()?),
        _ => {}
    }
    settings.unsigned_payload |= s.unsigned_payload;
    settings.content_sha256 |= s.content_sha256;
    Ok(settings)
}

/// A Basic profile's user and password, read from its store.
pub(crate) fn basic_credentials(
    cf: &ConfigFile,
    name: &str,
    profile: &crate::profile::Profile,
) -> Result<crate::signing::basic::BasicCredentials, Error> {
    use crate::credentials::{Material, ProvideCredential as _};
    let provider = crate::credentials::StoreProvider::new(name, profile.auth.clone(), profile.store.clone(), cf.dir());
    let credential = crate::http::block_on(provider.provide())??;
    match &credential.material {
        Material::Basic(c) => Ok(c.clone()),
        _ => Err(Error::Usage(format!("profile {name:?} is not a basic profile"))),
    }
}

/// The static completion script for `shell`, as shipped in `completions/`.
pub fn completion_script(shell: crate::cli::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell.generator(), &mut <Cli as clap::CommandFactory>::command(), "gwctl", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
