//! The gwctl binary: parse, dispatch, map errors to exit codes (table in README.md).
//!
//! On Linux with glibc the entry point is a C `main` instead of Rust's: std's start-up
//! (`lang_start`) reads and parses `/proc/self/maps` to place the main thread's stack-overflow
//! guard, about a tenth of a `gwctl sign`'s instructions (BENCHMARKS §2). There std still gets
//! the arguments (from its own `.init_array` entry, which only glibc Linux has: other targets
//! keep Rust's `main`). [`start`] does the parts of std's start that matter here (standard
//! descriptors that are closed are opened on `/dev/null`, SIGPIPE is ignored so a closed pipe is
//! an error value), a panic still exits 101, and `process::exit` flushes stdout as std's end
//! does. What is lost: a stack overflow ends the process with SIGSEGV without std's "has
//! overflowed its stack" line (no code path recurses without bound), and a panic message names
//! the thread `<unnamed>` instead of `main`. Test builds keep Rust's `main` (the harness needs it).
#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

use clap::{CommandFactory, FromArgMatches};

#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: std::ffi::c_int, _argv: *const *const std::ffi::c_char) -> std::ffi::c_int {
    start();
    // std reads the arguments itself, from its init_array entry.
    let code = std::panic::catch_unwind(run).unwrap_or(101);
    // Runs std's clean-up (stdout flushed) and exits.
    std::process::exit(code)
}

/// `pow`, the one function the binary takes from glibc's libm (indicatif's progress estimates,
/// the retry back-off), defined here from the `libm` crate (Rust's port of musl's, within 1 ULP):
/// with no other reference to libm, the linker drops `libm.so.6`, and every start loads one
/// shared library fewer (BENCHMARKS §2, fourth round).
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() {
    std::process::exit(run())
}

/// What std's runtime start does on Unix and matters here, without the stack guard.
#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
fn start() {
    // SAFETY: the process has one thread here; fcntl, open and signal are called with valid
    // arguments, and ignoring SIGPIPE is what every Rust program does.
    unsafe {
        for fd in 0..3 {
            if libc::fcntl(fd, libc::F_GETFD) == -1
                && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF)
                && libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) == -1
            {
                libc::abort();
            }
        }
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Parses, dispatches and returns the exit code.
fn run() -> i32 {
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
            return 0;
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
            return code as i32;
        }
    };
    match gwctl::commands::run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("gwctl: error: {}", gwctl::redact::sanitize_line(&gwctl::redact::userinfo(&e.to_string())));
            gwctl::printer::print_deferred(); // what explains the error, after its line
            e.exit_code() as i32
        }
    }
}
