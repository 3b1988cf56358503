//! `gwctl keys rotate` and `gwctl keys jwks`.

use std::io::Read;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::cli::KeysCommand;
use crate::error::Error;
use crate::keys::rotate::{RotateOptions, Rotator};
use crate::profile::config::ConfigFile;
use crate::profile::resolve::choose;

pub fn run(cmd: KeysCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        KeysCommand::Rotate(a) => {
            let name = profile_name(cf, a.profile.as_deref())?;
            let verify_timeout = Duration::from_secs(crate::auth::parse_duration_secs(&a.verify_timeout)?);
            let new_secret = if a.new_secret_stdin {
                let mut buf = Zeroizing::new(Vec::new());
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| Error::io("cannot read the new secret from standard input", e))?;
                if buf.trim_ascii().is_empty() {
                    return Err(Error::Input("standard input held no new secret".into()));
                }
                Some(buf)
            } else {
                None
            };
            if a.finish && (new_secret.is_some() || a.keep_old) {
                return Err(Error::Usage("--finish takes no new secret and no --keep-old".into()));
            }
            let opts = RotateOptions {
                yes: a.yes,
                dry_run: a.dry_run,
                finish: a.finish,
                keep_old: a.keep_old,
                iam_endpoint: a.iam_endpoint,
                sts_endpoint: a.sts_endpoint,
                verify_timeout: Some(verify_timeout),
                new_secret,
                rsa_bits: a.rsa_bits,
            };
            let report = Rotator::new(cf, &name, opts)?.run()?;
            super::print(&report)
        }
        KeysCommand::Jwks(a) => {
            let name = profile_name(cf, a.profile.as_deref())?;
            let jwks = crate::keys::jwks(cf, &name)?;
            let text = if a.pretty { serde_json::to_string_pretty(&jwks) } else { serde_json::to_string(&jwks) }
                .map_err(|e| Error::Input(format!("cannot print the JWKS: {e}")))?;
            super::print(&format!("{text}\n"))
        }
    }
}

fn profile_name(cf: &ConfigFile, named: Option<&str>) -> Result<String, Error> {
    let config = cf.load()?;
    Ok(choose(&config, named, None)?.ok_or(crate::profile::ProfileError::NoDefault)?)
}
