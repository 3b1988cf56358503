//! `command:CMD`: the secret is what a command prints on standard output, like AWS
//! `credential_process` or a git credential helper (`pass show …`, `op read …`, `vault kv get …`).

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{Secret, SecretStore, StoreError, StoreSpec};

/// How long the command may run.
const TIMEOUT: Duration = Duration::from_secs(60);

pub struct CommandStore {
    command: String,
}

impl CommandStore {
    pub fn new(command: String) -> Self {
        Self { command }
    }

    fn label(&self) -> String {
        format!("command:{}", self.command)
    }
}

impl SecretStore for CommandStore {
    fn spec(&self) -> StoreSpec {
        StoreSpec::Command(self.command.clone())
    }

    fn get(&self, profile: &str) -> Result<Secret, StoreError> {
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
        cmd.env("GWCTL_PROFILE_NAME", profile).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit());
        let mut child =
            cmd.spawn().map_err(|e| StoreError::Failed(format!("{}: cannot start the command: {e}", self.label())))?;
        let mut stdout = child.stdout.take().expect("piped");
        let reader = std::thread::spawn(move || {
            let mut out = Zeroizing::new(Vec::new());
            let _ = stdout.read_to_end(&mut out);
            out
        });
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| StoreError::Failed(format!("{}: {e}", self.label())))? {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(StoreError::Failed(format!("{}: no answer within {} s", self.label(), TIMEOUT.as_secs())));
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let mut out = reader.join().unwrap_or_default();
        if !status.success() {
            return Err(StoreError::Failed(format!("{} failed ({status})", self.label())));
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
        Err(self.read_only().expect("always read-only"))
    }

    fn delete(&self, _profile: &str) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn probe(&self) -> Result<Duration, StoreError> {
        Ok(Duration::ZERO)
    }

    fn read_only(&self) -> Option<StoreError> {
        Some(StoreError::ReadOnly {
            store: self.label(),
            hint: "gwctl runs the command when the secret is needed; store the secret with that tool".into(),
        })
    }
}
