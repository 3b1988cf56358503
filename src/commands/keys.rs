//! `gwctl keys rotate` and `gwctl keys jwks`.

use std::time::Duration;

use zeroize::Zeroizing;

use crate::cli::KeysCommand;
use crate::error::Error;
use crate::keys::KeysError;
use crate::keys::rotate::{RotateOptions, Rotator};
use crate::profile::config::ConfigFile;
use crate::profile::resolve::chosen_name;

/// The longest `--verify-timeout`: a day.
const MAX_VERIFY_TIMEOUT: u64 = 86_400;

pub fn run(cmd: KeysCommand, cf: &ConfigFile) -> Result<(), Error> {
    match cmd {
        KeysCommand::Rotate(a) => {
            let name = chosen_name(cf, a.profile.profile.as_deref())?;
            let verify_timeout = crate::util::parse_duration_secs(&a.verify_timeout)?;
            if verify_timeout > MAX_VERIFY_TIMEOUT {
                return Err(Error::Input(format!(
                    "--verify-timeout {}: at most {MAX_VERIFY_TIMEOUT} seconds (a day)",
                    a.verify_timeout
                )));
            }
            let new_secret = if a.new_secret_stdin {
                let buf = Zeroizing::new(
                    crate::util::read_limited_from(std::io::stdin().lock(), 1 << 20)
                        .map_err(|e| Error::io("cannot read the new secret from standard input", e))?,
                );
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
            // On a terminal: the plan, then "Go ahead?" (default no). Without one, the library
            // refuses unless --yes (or --dry-run) was given.
            let confirm: Option<Box<crate::keys::rotate::Confirm>> =
                crate::prompt::interactive().then(|| Box::new(ask_plan) as Box<crate::keys::rotate::Confirm>);
            let opts = RotateOptions {
                yes: a.yes,
                dry_run: a.dry_run,
                finish: a.finish,
                keep_old: a.keep_old,
                iam_endpoint: a.iam_endpoint,
                sts_endpoint: a.sts_endpoint,
                verify_timeout: Some(Duration::from_secs(verify_timeout)),
                new_secret,
                rsa_bits: a.rsa_bits.bits(),
                http: a.network.settings(),
                confirm,
            };
            let report = Rotator::new(cf, &name, opts)?.run()?;
            super::print(&report)
        }
        KeysCommand::Jwks(a) => {
            let name = chosen_name(cf, a.profile.profile.as_deref())?;
            let jwks = crate::keys::jwks(cf, &name)?;
            let text = if a.pretty { format!("{jwks:#}") } else { jwks.to_string() };
            super::print(&format!("{text}\n"))
        }
    }
}

/// Shows what the rotation will do on standard error and asks whether to go ahead (default no).
fn ask_plan(plan: &str) -> Result<bool, KeysError> {
    eprint!("{plan}");
    crate::prompt::confirm("Go ahead?").map_err(|e| KeysError::Input(e.to_string()))
}
