//! Secret stores behind one trait. A profile names its store; the secret lives there and
//! nowhere else (never in the config file, argv or a log).
//!
//! | spec | store | writable |
//! | --- | --- | --- |
//! | `secret-service` | Secret Service over D-Bus (GNOME Keyring, KWallet), Linux/BSD | yes |
//! | `keyutils` | the Linux kernel keyring (session; lost at reboot) | yes |
//! | `keychain` | macOS Keychain | yes |
//! | `wincred` | Windows Credential Manager | yes |
//! | `file` | an age-encrypted file per profile, passphrase from a prompt or `GWCTL_FILE_PASSPHRASE` | yes |
//! | `env:VAR` | the environment variable `VAR`, read at use | no |
//! | `command:CMD` | what `CMD` prints (like AWS `credential_process`, `pass`, `op read`) | no |
//! | `none` | nothing: the store of an `auth = "none"` profile, which has no secret | no |
//!
//! Entry names (a profile name, or `NAME#pending` / `NAME#previous` for rotation slots, or
//! `NAME#token` for a cached token) are
//! checked by every store ([`check_entry`]): nothing that could leave the store's directory
//! or collide with another entry or the store's own files.

mod command;
mod env;
mod file;
mod keyring;
pub mod private_file;
#[cfg(target_os = "linux")]
mod session;

use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use zeroize::Zeroizing;

pub use command::{COMMAND_TIMEOUT_VAR, CommandStore, MAX_OUTPUT, command_timeout};
pub use env::EnvStore;
pub use file::{DEFAULT_UNLOCK_TTL, FileStore, PASSPHRASE_VAR, ask_passphrase, lock, unlock, unlocked_for};
pub use keyring::{KeyringBackend, KeyringStore};

/// The secret bytes, wiped from memory when dropped.
pub type Secret = Zeroizing<Vec<u8>>;

/// The keyring service name under which gwctl files its entries (user = profile name).
pub const KEYRING_SERVICE: &str = "gwctl";

/// How long one keyring call may take before gwctl gives up (a D-Bus call must not hang
/// the CLI). `GWCTL_KEYRING_TIMEOUT` (seconds) overrides it.
pub fn keyring_timeout() -> Duration {
    std::env::var("GWCTL_KEYRING_TIMEOUT")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| *s > 0.0 && s.is_finite())
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(10))
}

/// The largest secret a store reads or writes (1 MiB): bounds memory on any input.
pub const MAX_SECRET: usize = 1 << 20;

/// Checks a store entry name: a profile name (not empty, at most 128 bytes, not starting
/// with `.`, no `/`, `\\`, `#` or control character such as NUL), optionally followed by
/// `#pending`, `#previous` (the rotation slots) or `#token` (a cached token), see `profile::Slot`. Stores check it
/// themselves, even though profile names are checked when the config is loaded, so no name
/// can reach outside the store's directory or collide with a slot or the store's own files.
pub fn check_entry(entry: &str) -> Result<(), StoreError> {
    let base = entry
        .strip_suffix("#pending")
        .or_else(|| entry.strip_suffix("#previous"))
        .or_else(|| entry.strip_suffix("#token"))
        .unwrap_or(entry);
    let ok = !base.is_empty()
        && base.len() <= 128
        && !base.starts_with('.')
        && !base.chars().any(|c| matches!(c, '/' | '\\' | '#') || c.is_control());
    if ok { Ok(()) } else { Err(StoreError::BadEntry(entry.chars().take(64).collect())) }
}

/// Reads at most `cap` bytes into wiped memory; `Ok(None)` when there is more.
pub(crate) fn read_capped(mut r: impl Read, cap: usize) -> std::io::Result<Option<Secret>> {
    let mut out: Secret = Zeroizing::new(Vec::with_capacity(cap.min(4096)));
    let mut chunk = Zeroizing::new([0u8; 8192]);
    loop {
        let n = match r.read(&mut chunk[..]) {
            Ok(0) => return Ok(Some(out)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if out.len() + n > cap {
            return Ok(None);
        }
        if out.capacity() < out.len() + n {
            // Grow by hand so the old buffer is wiped, not just freed.
            let mut bigger = Zeroizing::new(Vec::with_capacity((out.capacity() * 2).max(out.len() + n).min(cap)));
            bigger.extend_from_slice(&out);
            out = bigger;
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

/// Text from outside (a helper's stderr, a command line) as one short printable line.
pub(crate) fn one_line(s: &str, max_chars: usize) -> String {
    let flat: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let words = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() > max_chars {
        format!("{}…", words.chars().take(max_chars).collect::<String>())
    } else {
        words
    }
}

/// Which store a profile uses, as written in the config file and given to `--store`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreSpec {
    /// The platform keyring, probed: resolved to a concrete store when a profile is added.
    Auto,
    Keyring(KeyringBackend),
    File,
    Env(String),
    Command(String),
    /// No store: an `auth = "none"` profile keeps no secret.
    None,
}

impl StoreSpec {
    pub const HELP: &'static str = "auto|secret-service|keyutils|keychain|wincred|file|env:VAR|command:CMD";
}

impl fmt::Display for StoreSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreSpec::Auto => f.write_str("auto"),
            StoreSpec::Keyring(b) => f.write_str(b.name()),
            StoreSpec::File => f.write_str("file"),
            StoreSpec::Env(v) => write!(f, "env:{v}"),
            StoreSpec::Command(c) => write!(f, "command:{c}"),
            StoreSpec::None => f.write_str("none"),
        }
    }
}

impl FromStr for StoreSpec {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        if let Some(var) = s.strip_prefix("env:") {
            let ok = !var.is_empty() && var.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            return if ok {
                Ok(StoreSpec::Env(var.to_string()))
            } else {
                Err(StoreError::BadSpec(format!("env:{var} is not a valid variable name")))
            };
        }
        if let Some(cmd) = s.strip_prefix("command:") {
            return if cmd.trim().is_empty() {
                Err(StoreError::BadSpec("command: needs a command, e.g. command:pass show gwctl/prod".into()))
            } else {
                Ok(StoreSpec::Command(cmd.to_string()))
            };
        }
        match s {
            "auto" => Ok(StoreSpec::Auto),
            "file" => Ok(StoreSpec::File),
            "none" => Ok(StoreSpec::None),
            other => KeyringBackend::from_name(other)
                .map(StoreSpec::Keyring)
                .ok_or_else(|| StoreError::BadSpec(format!("unknown store {other:?} (expected {})", StoreSpec::HELP))),
        }
    }
}

impl serde::Serialize for StoreSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for StoreSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Store failures. Messages name the store and profile, never the secret.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    BadSpec(String),
    #[error("no secret for profile {profile:?} in {store}")]
    NotFound { store: String, profile: String },
    #[error("{store} is not available: {reason}")]
    Unavailable { store: String, reason: String },
    #[error("{store} did not answer within {secs:.0} s (is the keyring daemon running and unlocked?)")]
    Timeout { store: String, secs: f64 },
    #[error("{store} is read-only: {hint}")]
    ReadOnly { store: String, hint: String },
    #[error("wrong passphrase for the file store ({path})")]
    WrongPassphrase { path: String },
    #[error(
        "invalid secret entry name {0:?}: a profile name cannot be empty, start with '.', or hold '/', '\\', '#' or control characters"
    )]
    BadEntry(String),
    #[error("{0}")]
    Failed(String),
}

impl StoreError {
    /// The exit code this failure stands for: a bad `--store` or a write to a read-only
    /// store is a usage error (2); every other store failure is 6.
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            StoreError::BadSpec(_) | StoreError::ReadOnly { .. } => crate::exit::ExitCode::Usage,
            _ => crate::exit::ExitCode::Store,
        }
    }
}

/// One place secrets live.
pub trait SecretStore {
    /// The spec, as written in the config (`secret-service`, `env:VAR` …).
    fn spec(&self) -> StoreSpec;
    fn get(&self, profile: &str) -> Result<Secret, StoreError>;
    fn set(&self, profile: &str, secret: &[u8]) -> Result<(), StoreError>;
    /// Deletes the secret; `Ok(false)` when there was none.
    fn delete(&self, profile: &str) -> Result<bool, StoreError>;
    /// A real operation that proves the store answers; returns its latency.
    fn probe(&self) -> Result<Duration, StoreError>;
    /// Why gwctl cannot write secrets here (`env:` and `command:` are read at use only).
    fn read_only(&self) -> Option<StoreError> {
        None
    }

    fn writable(&self) -> bool {
        self.read_only().is_none()
    }
}

/// Where the file store keeps its encrypted files: `secrets/` next to the config file.
pub fn file_store_dir(config_dir: &Path) -> std::path::PathBuf {
    config_dir.join("secrets")
}

/// Opens the store a spec names. `config_dir` locates the file store.
pub fn open(spec: &StoreSpec, config_dir: &Path) -> Result<Box<dyn SecretStore>, StoreError> {
    Ok(match spec {
        StoreSpec::Auto => return resolve_auto(config_dir).map(|(s, _)| s),
        StoreSpec::Keyring(b) => Box::new(KeyringStore::new(*b)),
        StoreSpec::File => Box::new(FileStore::new(file_store_dir(config_dir))),
        StoreSpec::Env(var) => Box::new(EnvStore::new(var.clone())),
        StoreSpec::Command(cmd) => Box::new(CommandStore::new(cmd.clone())),
        StoreSpec::None => Box::new(NoStore),
    })
}

/// The store of a profile without a secret (`auth = "none"`): holds nothing, takes nothing.
pub struct NoStore;

impl SecretStore for NoStore {
    fn spec(&self) -> StoreSpec {
        StoreSpec::None
    }

    fn get(&self, profile: &str) -> Result<Secret, StoreError> {
        check_entry(profile)?;
        Err(StoreError::NotFound { store: "none".into(), profile: profile.to_string() })
    }

    fn set(&self, _profile: &str, _secret: &[u8]) -> Result<(), StoreError> {
        Err(self.read_only().unwrap_or_else(|| StoreError::Failed("the none store keeps nothing".into())))
    }

    fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        check_entry(profile)?;
        Ok(false)
    }

    fn probe(&self) -> Result<Duration, StoreError> {
        Ok(Duration::ZERO)
    }

    fn read_only(&self) -> Option<StoreError> {
        Some(StoreError::ReadOnly {
            store: "none".into(),
            hint: "a profile with auth none keeps no secret (choose a scheme and a store to keep one)".into(),
        })
    }
}

/// `auto`: the platform keyring, if a real operation on it succeeds. Never falls back to a
/// non-persistent or plaintext store by itself.
pub fn resolve_auto(_config_dir: &Path) -> Result<(Box<dyn SecretStore>, Duration), StoreError> {
    let Some(backend) = KeyringBackend::platform_default() else {
        return Err(StoreError::Unavailable {
            store: "auto".into(),
            reason: "this platform has no supported keyring; choose --store file, env:VAR or command:CMD".into(),
        });
    };
    let store = KeyringStore::new(backend);
    match store.probe() {
        Ok(latency) => Ok((Box::new(store), latency)),
        Err(e) => Err(StoreError::Unavailable {
            store: "auto".into(),
            reason: format!(
                "{e}; choose a store explicitly: --store file (encrypted file, for headless machines), \
                 --store keyutils (kernel keyring, lost at reboot), env:VAR or command:CMD"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_round_trip() {
        for s in [
            "auto",
            "secret-service",
            "keyutils",
            "keychain",
            "wincred",
            "file",
            "env:MY_KEY",
            "command:pass show x",
            "none",
        ] {
            assert_eq!(s.parse::<StoreSpec>().unwrap().to_string(), s);
        }
        for bad in ["", "env:", "env:A-B", "command: ", "vault"] {
            assert!(bad.parse::<StoreSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn entry_names_cannot_escape_or_collide() {
        for ok in ["prod", "a.b_c-d", "p#pending", "p#previous", "p#token", "x..y", "ünï"] {
            check_entry(ok).unwrap();
        }
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "/etc/passwd",
            "a\\b",
            "a\0b",
            "a\nb",
            ".identity",
            ".recipient",
            "#pending",
            "a#b",
            "a#pending#pending",
            "a#current",
            &"x".repeat(129),
        ] {
            let e = check_entry(bad).unwrap_err();
            assert_eq!(e.to_string().lines().count(), 1, "{e}");
            assert_eq!(e.exit_code(), crate::exit::ExitCode::Store);
        }
    }

    #[test]
    fn capped_reads() {
        assert_eq!(read_capped(&b"abc"[..], 3).unwrap().unwrap().as_slice(), b"abc");
        assert!(read_capped(&b"abcd"[..], 3).unwrap().is_none());
        let big = vec![7u8; 100_000];
        assert_eq!(read_capped(&big[..], 100_000).unwrap().unwrap().len(), 100_000);
        assert_eq!(one_line("a\x1b[2J\n b\tc", 100), "a [2J b c");
        assert_eq!(one_line("abcdef", 3), "abc…");
    }
}
