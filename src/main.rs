//! The gwctl binary: parse, dispatch, map errors to exit codes (table in README.md).

use clap::{CommandFactory, Parser};

fn main() -> std::process::ExitCode {
    // `COMPLETE=bash gwctl …`: answer the shell's completion request and exit.
    clap_complete::CompleteEnv::with_factory(gwctl::cli::Cli::command).complete();
    let cli = match gwctl::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; real usage errors exit 2.
            let _ = e.print();
            return std::process::ExitCode::from(if e.use_stderr() { gwctl::ExitCode::Usage as u8 } else { 0 });
        }
    };
    match gwctl::commands::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gwctl: error: {e}");
            std::process::ExitCode::from(e.exit_code() as u8)
        }
    }
}
