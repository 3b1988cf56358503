//! `command:CMD`: the secret is what a command prints on standard output, like AWS
//! `credential_process` or a git credential helper (`pass show …`, `op read …`, `vault kv get …`).
//!
//! The helper is hostile input like any other: it runs in its own process group, its output
//! is read up to [`MAX_OUTPUT`] (more is an error), and everything is bounded by
//! [`command_timeout`]. The output is complete when the helper has exited *and* closed its
//! standard output; when that has not happened by the deadline (a hang, or a background
//! process still holding the output open), gwctl kills the whole process group and fails.
//! The helper's standard error is captured (its first 4 KiB kept, the rest drained); when
//! the helper fails, the error line shows its first non-empty line, sanitised and cut to
//! 160 characters. Its standard output is never shown. On success, processes the helper left
//! running after closing its output (an agent it started) are left alone.

use std::io::Read;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{MAX_SECRET, Secret, SecretStore, StoreError, StoreSpec, check_entry, one_line, read_capped};

/// The most a helper may print on standard output (1 MiB); more fails with exit 6.
pub const MAX_OUTPUT: usize = MAX_SECRET;

/// Overrides the helper's time limit, in seconds.
pub const COMMAND_TIMEOUT_VAR: &str = "GWCTL_COMMAND_TIMEOUT";

/// How much of the helper's standard error is kept for the error message.
const STDERR_KEPT: usize = 4096;

/// How long a helper may take: `GWCTL_COMMAND_TIMEOUT` seconds (a positive number), else 60 s
/// (helpers such as `pass` or `op` may wait for the user at a PIN or biometric prompt).
pub fn command_timeout() -> Duration {
    std::env::var(COMMAND_TIMEOUT_VAR)
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| *s > 0.0 && *s <= 86_400.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(60))
}

pub struct CommandStore {
    command: String,
}

impl CommandStore {
    pub fn new(command: String) -> Self {
        Self { command }
    }

    /// `command:CMD` on one line, cut to 80 characters (the command is config text).
    fn label(&self) -> String {
        format!("command:{}", one_line(&self.command, 80))
    }

    fn failed(&self, what: impl std::fmt::Display) -> StoreError {
        StoreError::Failed(format!("{}: {what}", self.label()))
    }
}

impl SecretStore for CommandStore {
    fn spec(&self) -> StoreSpec {
        StoreSpec::Command(self.command.clone())
    }

    fn get(&self, profile: &str) -> Result<Secret, StoreError> {
        check_entry(profile)?;
        let timeout = command_timeout();
        let mut cmd = if cfg!(windows) {
            let mut c = Command::new("cmd");
            c.arg("/C").arg(&self.command);
            c
        } else {
            let mut c = Command::new("sh");
            c.arg("-c").arg(&self.command);
            c
        };
        // The profile name lets one helper serve several profiles.
        cmd.env("GWCTL_PROFILE_NAME", profile).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().map_err(|e| self.failed(format_args!("cannot start the command: {e}")))?;
        let (Some(stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
            kill(&mut child);
            return Err(self.failed("cannot read the command's output"));
        };
        let (out_tx, rx) = mpsc::channel();
        // Readers may outlive this call if a process outside the group holds a pipe open:
        // they own nothing but their pipe and end with it.
        std::thread::spawn(move || {
            let _ = out_tx.send(read_capped(stdout, MAX_OUTPUT));
        });
        let (err_tx, err_rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let _ = (&mut stderr).take(STDERR_KEPT as u64).read_to_end(&mut kept);
            let _ = std::io::copy(&mut stderr, &mut std::io::sink());
            let _ = err_tx.send(kept);
        });

        let deadline = Instant::now() + timeout;
        let mut out: Option<Secret> = None;
        let mut exited = false;
        while out.is_none() || !exited {
            if !exited {
                match has_exited(&mut child) {
                    Ok(done) => exited = done,
                    Err(e) => {
                        kill(&mut child);
                        return Err(self.failed(e));
                    }
                }
                if exited && out.is_some() {
                    break;
                }
            }
            let now = Instant::now();
            if now >= deadline {
                kill(&mut child);
                let why = if exited {
                    " (it exited, but a process it started in the background kept its output open: \
                     redirect that process's output, e.g. `… >/dev/null 2>&1 &`)"
                } else {
                    ""
                };
                return Err(self.failed(format_args!(
                    "the helper command timed out after {} s{why}; {COMMAND_TIMEOUT_VAR} sets the limit",
                    fmt_secs(timeout)
                )));
            }
            // Wake up for output at once; poll the exit every 5 ms.
            let tick = (deadline - now).min(Duration::from_millis(5));
            if out.is_some() {
                std::thread::sleep(tick);
                continue;
            }
            match rx.recv_timeout(tick) {
                Ok(Ok(Some(bytes))) => out = Some(bytes),
                Ok(Ok(None)) => {
                    kill(&mut child);
                    return Err(self.failed(format_args!(
                        "the helper printed more than {} KiB (a secret is expected); it was stopped",
                        MAX_OUTPUT / 1024
                    )));
                }
                Ok(Err(e)) => {
                    kill(&mut child);
                    return Err(self.failed(format_args!("cannot read the output: {}", one_line(&e.to_string(), 120))));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    kill(&mut child);
                    return Err(self.failed("cannot read the output"));
                }
            }
        }
        let Some(mut out) = out else {
            return Err(self.failed("internal error: no result"));
        };
        // The helper is a zombie by now: this reaps it at once.
        let status = child.wait().map_err(|e| self.failed(e))?;
        if !status.success() {
            // Standard error is closed once stdout is (usually); wait briefly, never long.
            let detail = err_rx
                .recv_timeout(Duration::from_millis(200))
                .ok()
                .and_then(|e| String::from_utf8_lossy(&e).lines().map(|l| one_line(l, 160)).find(|l| !l.is_empty()))
                .map(|l| format!(": {l}"))
                .unwrap_or_default();
            return Err(StoreError::Failed(format!("{} failed ({status}){detail}", self.label())));
        }
        while out.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            out.pop();
        }
        if out.is_empty() {
            return Err(StoreError::Failed(format!("{} printed nothing", self.label())));
        }
        Ok(out)
    }

    fn set(&self, _profile: &str, _secret: &[u8]) -> Result<(), StoreError> {
        Err(self.read_only_error())
    }

    fn delete(&self, _profile: &str) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn probe(&self) -> Result<Duration, StoreError> {
        Ok(Duration::ZERO)
    }

    fn read_only(&self) -> Option<StoreError> {
        Some(self.read_only_error())
    }
}

impl CommandStore {
    fn read_only_error(&self) -> StoreError {
        StoreError::ReadOnly {
            store: self.label(),
            hint: "gwctl runs the command when the secret is needed; store the secret with that tool".into(),
        }
    }
}

/// Whether the helper has exited, without reaping it where the platform allows (`WNOWAIT`):
/// while it is a zombie its pid, which is also its process group's id, cannot be reused, so
/// killing the group later cannot hit another process.
fn has_exited(child: &mut std::process::Child) -> std::io::Result<bool> {
    #[cfg(all(unix, not(any(target_os = "openbsd", target_os = "cygwin"))))]
    if let Some(pid) = i32::try_from(child.id()).ok().and_then(rustix::process::Pid::from_raw) {
        use rustix::process::{WaitId, WaitIdOptions, waitid};
        let opts = WaitIdOptions::EXITED | WaitIdOptions::NOHANG | WaitIdOptions::NOWAIT;
        return Ok(waitid(WaitId::Pid(pid), opts)?.is_some());
    }
    Ok(child.try_wait()?.is_some())
}

/// Kills the helper's whole process group (the helper and whatever it started that did not
/// leave the group), then reaps the helper.
fn kill(child: &mut std::process::Child) {
    #[cfg(unix)]
    if let Some(pid) = i32::try_from(child.id()).ok().and_then(rustix::process::Pid::from_raw) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn fmt_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0}") } else { format!("{s:.1}") }
}
