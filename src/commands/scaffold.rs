//! `gwctl scaffold …`: write the gateway side, consistent with a client profile.

use std::io::Read;
use std::path::PathBuf;

use secrecy::ExposeSecret;
use zeroize::Zeroizing;

use crate::auth::AuthScheme;
use crate::cli::{ScaffoldCommand, ScaffoldNginxArgs};
use crate::credentials::CredentialSource;
use crate::error::Error;
use crate::profile::config::ConfigFile;
use crate::profile::credentials::ProfileCredentials;
use crate::profile::{ProfileError, store};
use crate::scaffold::{self, nginx};

pub fn run(cmd: ScaffoldCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        ScaffoldCommand::Nginx(a) => run_nginx(&a, cf),
    }
}

fn run_nginx(a: &ScaffoldNginxArgs, cf: &ConfigFile) -> Result<(), Error> {
    let backend = crate::request_spec::parse_url(&a.backend)?;
    let (user, password): (String, Zeroizing<Vec<u8>>) = match (&a.from_profile, &a.user) {
        (Some(name), _) => {
            let config = cf.load()?;
            let profile = config.get(name)?.clone();
            if profile.auth != AuthScheme::Basic {
                return Err(ProfileError::Invalid(format!(
                    "--from-profile {name}: nginx auth_basic needs a basic profile, not {}",
                    profile.auth
                ))
                .into());
            }
            let store = store::open(&profile.store, &cf.dir())?;
            let creds = ProfileCredentials::new(name.clone(), profile, store).basic()?;
            (creds.username, Zeroizing::new(creds.password.expose_secret().as_bytes().to_vec()))
        }
        (None, Some(user)) => {
            let mut buf = Zeroizing::new(Vec::new());
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Error::io("cannot read the password from standard input", e))?;
            while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
                buf.pop();
            }
            if buf.is_empty() {
                return Err(Error::Input("--password-stdin: standard input was empty".into()));
            }
            (user.clone(), buf)
        }
        (None, None) => {
            return Err(Error::Usage("pass --from-profile PROFILE, or --user USER --password-stdin".into()));
        }
    };
    let htpasswd: PathBuf = match (&a.htpasswd, &a.output) {
        (Some(h), _) => h.clone(),
        (None, Some(o)) => PathBuf::from(format!("{}.htpasswd", o.display())),
        (None, None) => {
            return Err(Error::Usage("the htpasswd entry needs a file: pass -o FILE or --htpasswd FILE".into()));
        }
    };
    let htpasswd_abs = std::path::absolute(&htpasswd).unwrap_or_else(|_| htpasswd.clone());
    let block = nginx::server_block(&nginx::NginxOptions {
        backend,
        listen: a.listen.clone(),
        server_name: a.server_name.clone(),
        realm: a.realm.clone(),
        htpasswd_path: htpasswd_abs.display().to_string(),
    })?;
    let line = nginx::htpasswd_line(&user, &password)?;
    if let Some(o) = &a.output
        && o.exists()
        && !a.force
    {
        return Err(Error::Usage(format!("{} exists: pass --force to overwrite it", o.display())));
    }
    // nginx's workers must read it; it holds a bcrypt hash, not the password.
    scaffold::write_new(&htpasswd, line.as_bytes(), a.force, false)?;
    match &a.output {
        Some(o) => {
            scaffold::write_new(o, block.as_bytes(), a.force, false)?;
            eprintln!("gwctl: wrote {} and {}", o.display(), htpasswd.display());
        }
        None => super::print(&block)?,
    }
    let port_url = format!("http://{}", a.listen.split_whitespace().next().unwrap_or(&a.listen));
    let profile_hint = match &a.from_profile {
        Some(p) => format!("gwctl profile edit {p} --url {port_url} --gateway mlflow"),
        None => format!(
            "gwctl profile add gateway --auth basic --username {user} --url {port_url} --gateway mlflow --secret-stdin"
        ),
    };
    eprintln!(
        "gwctl: next: nginx -t && nginx -s reload; then\n  {profile_hint}\n  gwctl routes list --profile {}",
        a.from_profile.as_deref().unwrap_or("gateway")
    );
    Ok(())
}
