//! The gwctl binary: parse, dispatch, map errors to exit codes (table in README.md).

use clap::{CommandFactory, FromArgMatches};

fn main() -> std::process::ExitCode {
    // `COMPLETE=bash gwctl …`: answer the shell's completion request and exit.
    clap_complete::CompleteEnv::with_factory(gwctl::cli::Cli::command).complete();
    // The command tree is built once and never dropped: the process ends soon after, and
    // freeing its thousands of small allocations cost a sixth of `gwctl --version`'s start.
    let mut cmd = gwctl::cli::Cli::command();
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut m| gwctl::cli::Cli::from_arg_matches_mut(&mut m).map_err(|e| e.format(&mut cmd)));
    std::mem::forget(cmd);
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version print to stdout and succeed.
            let _ = e.print();
            return std::process::ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line, like every other error: clap's first line, and where to look.
            let text = e.render().to_string();
            // clap's message: its lines up to the usage or the tip, joined.
            let lines: Vec<&str> = text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more"))
                .filter(|l| !l.is_empty())
                .collect();
            let joined = lines.join(" ");
            let first = joined.trim_start_matches("error: ").trim();
            let sub: Vec<String> = std::env::args().skip(1).take_while(|a| !a.starts_with('-')).take(2).collect();
            let help = if sub.is_empty() || e.kind() == clap::error::ErrorKind::InvalidSubcommand {
                "gwctl --help".to_string()
            } else {
                format!("gwctl {} --help", sub.join(" "))
            };
            // clap quotes the refused value: a URL's password (`--proxy http://u:pw@…`) is masked,
            // and a refused --proxy value is not repeated at all (`u:pw@host` has no scheme).
            let first =
                match first.strip_prefix("invalid value '").and_then(|r| r.rfind("' for '--proxy").map(|i| (r, i))) {
                    Some((r, i)) => format!("invalid value for '--proxy{}", &r[i + "' for '--proxy".len()..]),
                    None => gwctl::redact::userinfo(first),
                };
            eprintln!("gwctl: error: {} (see {help})", gwctl::redact::sanitize_line(&first));
            // A value its parser refused (a time, duration, claim, out-of-range number) is
            // invalid input (3); the rest is usage (2).
            let code = match e.kind() {
                clap::error::ErrorKind::ValueValidation => gwctl::ExitCode::InvalidInput,
                _ => gwctl::ExitCode::Usage,
            };
            return std::process::ExitCode::from(code as u8);
        }
    };
    match gwctl::commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gwctl: error: {}", gwctl::redact::sanitize_line(&gwctl::redact::userinfo(&e.to_string())));
            gwctl::printer::print_deferred(); // what explains the error, after its line
            std::process::ExitCode::from(e.exit_code() as u8)
        }
    }
}
