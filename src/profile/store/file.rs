//! `file`: one age-encrypted file per profile (`<config dir>/secrets/<profile>.age`), for
//! headless machines with no keyring. The passphrase comes from `GWCTL_FILE_PASSPHRASE` or a
//! prompt on a terminal; without either, the store refuses rather than guess.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use zeroize::Zeroizing;

use super::{Secret, SecretStore, StoreError, StoreSpec};

pub const PASSPHRASE_VAR: &str = "GWCTL_FILE_PASSPHRASE";

pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn path(&self, profile: &str) -> PathBuf {
        self.dir.join(format!("{profile}.age"))
    }

    fn passphrase(&self, confirm: bool) -> Result<SecretString, StoreError> {
        if let Some(p) = std::env::var_os(PASSPHRASE_VAR).filter(|p| !p.is_empty()) {
            let p = p.into_string().map_err(|_| StoreError::Failed(format!("{PASSPHRASE_VAR} is not valid UTF-8")))?;
            return Ok(SecretString::from(p));
        }
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(StoreError::Unavailable {
                store: "file".into(),
                reason: format!("it needs a passphrase: set {PASSPHRASE_VAR} or run on a terminal"),
            });
        }
        let mut prompt = dialoguer::Password::new().with_prompt("Passphrase for gwctl's encrypted secret file");
        if confirm {
            prompt = prompt.with_confirmation("Repeat the passphrase", "The passphrases differ");
        }
        let p = prompt.interact().map_err(|e| StoreError::Failed(format!("cannot read the passphrase: {e}")))?;
        Ok(SecretString::from(p))
    }
}

impl SecretStore for FileStore {
    fn spec(&self) -> StoreSpec {
        StoreSpec::File
    }

    fn get(&self, profile: &str) -> Result<Secret, StoreError> {
        let path = self.path(profile);
        let data = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NotFound {
                    store: format!("file ({})", path.display()),
                    profile: profile.into(),
                });
            }
            Err(e) => return Err(StoreError::Failed(format!("cannot read {}: {e}", path.display()))),
        };
        let identity = age::scrypt::Identity::new(self.passphrase(false)?);
        decrypt(&identity, &data, &path)
    }

    fn set(&self, profile: &str, secret: &[u8]) -> Result<(), StoreError> {
        let path = self.path(profile);
        let recipient = age::scrypt::Recipient::new(self.passphrase(!path.exists())?);
        let ciphertext =
            age::encrypt(&recipient, secret).map_err(|e| StoreError::Failed(format!("cannot encrypt: {e}")))?;
        crate::profile::private_file::write(&self.dir, &path, &ciphertext)
            .map_err(|e| StoreError::Failed(format!("cannot write {}: {e}", path.display())))
    }

    fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        match std::fs::remove_file(self.path(profile)) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(StoreError::Failed(format!("cannot delete {}: {e}", self.path(profile).display()))),
        }
    }

    fn probe(&self) -> Result<Duration, StoreError> {
        let t = Instant::now();
        std::fs::create_dir_all(&self.dir).map_err(|e| StoreError::Unavailable {
            store: "file".into(),
            reason: format!("{}: {e}", self.dir.display()),
        })?;
        Ok(t.elapsed())
    }
}

fn decrypt(identity: &age::scrypt::Identity, data: &[u8], path: &Path) -> Result<Secret, StoreError> {
    let decryptor = age::Decryptor::new_buffered(data)
        .map_err(|e| StoreError::Failed(format!("{} is not an age file: {e}", path.display())))?;
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys
        | age::DecryptError::KeyDecryptionFailed
        | age::DecryptError::DecryptionFailed => StoreError::WrongPassphrase { path: path.display().to_string() },
        other => StoreError::Failed(format!("cannot decrypt {}: {other}", path.display())),
    })?;
    let mut out = Zeroizing::new(Vec::new());
    reader.read_to_end(&mut out).map_err(|e| StoreError::Failed(format!("cannot decrypt {}: {e}", path.display())))?;
    Ok(out)
}
