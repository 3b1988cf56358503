//! The OS keyrings, through the keyring-rs project's `keyring-core` and its per-platform
//! store crates. Every call runs under a timeout, so a D-Bus service that never answers
//! cannot hang the CLI.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use zeroize::Zeroizing;

use super::{KEYRING_SERVICE, Secret, SecretStore, StoreError, StoreSpec, check_entry, keyring_timeout};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyringBackend {
    /// The freedesktop Secret Service (GNOME Keyring, KWallet) over D-Bus.
    SecretService,
    /// The Linux kernel keyring: in kernel memory, lost at reboot; an explicit choice only.
    Keyutils,
    /// The macOS Keychain.
    Keychain,
    /// The Windows Credential Manager.
    Wincred,
}

impl KeyringBackend {
    pub const ALL: [KeyringBackend; 4] = [Self::SecretService, Self::Keyutils, Self::Keychain, Self::Wincred];

    pub fn name(self) -> &'static str {
        match self {
            KeyringBackend::SecretService => "secret-service",
            KeyringBackend::Keyutils => "keyutils",
            KeyringBackend::Keychain => "keychain",
            KeyringBackend::Wincred => "wincred",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The persistent keyring of this platform, which `auto` probes.
    pub fn platform_default() -> Option<Self> {
        if cfg!(target_os = "macos") {
            Some(Self::Keychain)
        } else if cfg!(windows) {
            Some(Self::Wincred)
        } else if cfg!(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd")) {
            Some(Self::SecretService)
        } else {
            None
        }
    }

    /// Whether this build can talk to it at all.
    pub fn supported_here(self) -> bool {
        match self {
            KeyringBackend::SecretService => {
                cfg!(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))
            }
            KeyringBackend::Keyutils => cfg!(target_os = "linux"),
            KeyringBackend::Keychain => cfg!(target_os = "macos"),
            KeyringBackend::Wincred => cfg!(windows),
        }
    }

    fn open(self) -> Result<Arc<CredentialStore>, KeyringError> {
        match self {
            #[cfg(any(target_os = "linux", target_os = "freebsd", target_os = "openbsd"))]
            KeyringBackend::SecretService => {
                Ok(zbus_secret_service_keyring_store::Store::new()? as Arc<CredentialStore>)
            }
            #[cfg(target_os = "linux")]
            KeyringBackend::Keyutils => {
                // Processes started by CI, cron or `docker exec` have no session keyring, and
                // the store then fails with AccessDenied: create or join one first.
                linux_keyutils::KeyRing::from_special_id(linux_keyutils::KeyRingIdentifier::Session, true)
                    .map_err(|e| KeyringError::NoStorageAccess(Box::new(e)))?;
                Ok(linux_keyutils_keyring_store::Store::new()? as Arc<CredentialStore>)
            }
            #[cfg(target_os = "macos")]
            KeyringBackend::Keychain => Ok(apple_native_keyring_store::keychain::Store::new()? as Arc<CredentialStore>),
            #[cfg(windows)]
            KeyringBackend::Wincred => Ok(windows_native_keyring_store::store::Store::new()? as Arc<CredentialStore>),
            #[allow(unreachable_patterns)]
            other => {
                Err(KeyringError::NotSupportedByStore(format!("{} is not available on this platform", other.name())))
            }
        }
    }
}

pub struct KeyringStore {
    backend: KeyringBackend,
    timeout: Duration,
}

impl KeyringStore {
    pub fn new(backend: KeyringBackend) -> Self {
        Self { backend, timeout: keyring_timeout() }
    }

    /// Runs one keyring operation on a worker thread and waits at most `timeout`.
    fn call<T: Send + 'static>(
        &self,
        op: impl FnOnce(&Entry) -> Result<T, KeyringError> + Send + 'static,
        profile: &str,
    ) -> Result<T, StoreError> {
        let backend = self.backend;
        let user = profile.to_string();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let result = backend
                .open()
                .and_then(|store| Entry::new_in_store(&store, KEYRING_SERVICE, &user))
                .and_then(|e| op(&e));
            let _ = tx.send(result);
        });
        match rx.recv_timeout(self.timeout) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(self.map_err(e, profile)),
            Err(_) => Err(StoreError::Timeout { store: self.backend.name().into(), secs: self.timeout.as_secs_f64() }),
        }
    }

    /// Maps keyring errors to messages that never carry secret bytes (some variants hold them).
    fn map_err(&self, e: KeyringError, profile: &str) -> StoreError {
        let store = self.backend.name().to_string();
        match e {
            KeyringError::NoEntry => StoreError::NotFound { store, profile: profile.into() },
            KeyringError::NoStorageAccess(err) => StoreError::Unavailable { store, reason: one_line(&err.to_string()) },
            KeyringError::PlatformFailure(err) => StoreError::Unavailable { store, reason: one_line(&err.to_string()) },
            KeyringError::NotSupportedByStore(why) => StoreError::Unavailable { store, reason: why },
            KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
                StoreError::Failed(format!("{store}: the stored secret for {profile:?} is malformed"))
            }
            KeyringError::TooLong(what, limit) => {
                StoreError::Failed(format!("{store}: the {what} is longer than the limit of {limit}"))
            }
            KeyringError::Invalid(what, why) => StoreError::Failed(format!("{store}: invalid {what}: {why}")),
            KeyringError::Ambiguous(items) => StoreError::Failed(format!(
                "{store}: {} entries match profile {profile:?}; remove the extras",
                items.len()
            )),
            _ => StoreError::Failed(format!("{store}: keyring error")),
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl SecretStore for KeyringStore {
    fn spec(&self) -> StoreSpec {
        StoreSpec::Keyring(self.backend)
    }

    fn get(&self, profile: &str) -> Result<Secret, StoreError> {
        check_entry(profile)?;
        self.call(|e| e.get_secret().map(Zeroizing::new), profile)
    }

    fn set(&self, profile: &str, secret: &[u8]) -> Result<(), StoreError> {
        check_entry(profile)?;
        let secret = Zeroizing::new(secret.to_vec());
        self.call(move |e| e.set_secret(&secret), profile)
    }

    fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        check_entry(profile)?;
        match self.call(|e| e.delete_credential(), profile) {
            Ok(()) => Ok(true),
            Err(StoreError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Writes, reads back and deletes a probe entry: only a real write proves the store
    /// answers (opening a Secret Service store succeeds even with no unlocked keyring). Its
    /// entry starts with `.`, which no profile name can, so it never touches a profile's.
    fn probe(&self) -> Result<Duration, StoreError> {
        let start = Instant::now();
        self.call(
            |e| {
                e.set_secret(b"probe")?;
                let back = e.get_secret()?;
                e.delete_credential()?;
                if back == b"probe" {
                    Ok(())
                } else {
                    Err(KeyringError::BadStoreFormat("probe read back differs".into()))
                }
            },
            ".gwctl-probe",
        )?;
        Ok(start.elapsed())
    }
}
