//! One file per subcommand: thin glue between the CLI and the library.

pub mod doctor;
pub mod invoke;
pub mod keys;
pub mod profile;
pub mod routes;
pub mod scaffold;
pub mod sign;

use std::io::Write;

use crate::auth::{self, AuthOptions};
use crate::cli::{Cli, Command, JwtArgs, ScopeArgs};
use crate::error::Error;
use crate::profile::config::ConfigFile;

pub fn run(cli: Cli) -> Result<(), Error> {
    crate::log::set_verbose(cli.verbose);
    let config = ConfigFile::locate(cli.config)?;
    crate::log::verbose(format_args!("config file {}", config.path.display()));
    match cli.command {
        Command::Sign(args) => sign::run(args, &config),
        Command::Profile(cmd) => profile::run(cmd, &config),
        Command::Doctor(a) => doctor::run(&config, &a),
        Command::Keys(cmd) => keys::run(cmd, &config),
        Command::Invoke(cmd) => invoke::run(cmd, &config),
        Command::Routes(cmd) => routes::run(cmd, &config),
        Command::Scaffold(cmd) => scaffold::run(cmd, &config),
        Command::Completions(a) => print(&completion_script(&a.shell)),
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut out)
                .map_err(|e| Error::io("cannot render the man page", e))?;
            print(&String::from_utf8_lossy(&out))
        }
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

/// Explicit flags override the profile's (or the ad-hoc defaults') fields for one call.
pub(crate) fn apply_overrides(mut opts: AuthOptions, s: &ScopeArgs, j: &JwtArgs) -> Result<AuthOptions, Error> {
    if s.region.is_some() {
        opts.region = s.region.clone();
    }
    if s.service.is_some() {
        opts.service = s.service.clone();
    }
    opts.unsigned_payload |= s.unsigned_payload;
    opts.content_sha256 |= s.content_sha256;
    let o = &mut opts.jwt;
    if j.alg.is_some() {
        o.alg = j.alg.clone();
    }
    if j.iss.is_some() {
        o.iss = j.iss.clone();
    }
    if j.sub.is_some() {
        o.sub = j.sub.clone();
    }
    if !j.aud.is_empty() {
        o.aud = j.aud.clone();
    }
    if let Some(ttl) = &j.ttl {
        o.ttl_secs = Some(auth::parse_duration_secs(ttl)?);
    }
    if j.kid.is_some() {
        o.kid = j.kid.clone();
    }
    for c in &j.claim {
        let (k, v) = auth::parse_claim(c)?;
        o.claims.insert(k, v);
    }
    o.no_jti |= j.no_jti;
    Ok(opts)
}

/// The static completion script for `shell`, as shipped in `completions/`.
pub fn completion_script(shell: &str) -> String {
    use clap_complete::Shell;
    let shell = match shell {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "fish" => Shell::Fish,
        "powershell" => Shell::PowerShell,
        _ => Shell::Elvish,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "gwctl", &mut out);
    String::from_utf8(out).expect("scripts are UTF-8")
}
