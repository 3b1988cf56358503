//! One file per subcommand: thin glue between the CLI and the library.

pub mod doctor;
pub mod profile;
pub mod sign;

use std::io::Write;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::profile::config::ConfigFile;

pub fn run(cli: Cli) -> Result<(), Error> {
    crate::log::set_verbose(cli.verbose);
    let config = ConfigFile::locate(cli.config)?;
    crate::log::verbose(format_args!("config file {}", config.path.display()));
    match cli.command {
        Command::Sign(args) => sign::run(args, &config),
        Command::Profile(cmd) => profile::run(cmd, &config),
        Command::Doctor => doctor::run(&config),
    }
}

/// Writes to standard output; a closed pipe (`gwctl … | head`) is not an error.
pub(crate) fn print(s: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::io("cannot write to standard output", e)),
        _ => Ok(()),
    }
}
