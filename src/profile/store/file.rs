//! `file`: age-encrypted files under `<config dir>/secrets/`, for headless machines with no
//! keyring.
//!
//! Layout of the store directory (mode 0700, never a symbolic link, owned by the user):
//! - `.identity.age`: the store key, an age X25519 identity, encrypted with the passphrase
//!   (scrypt, work factor 2^18, fixed: decryption never depends on a runtime estimate).
//! - `.recipient`: its public half (`age1…`), so writing a secret needs no passphrase.
//! - `NAME.age` (and `NAME#pending.age`, `NAME#previous.age`): each secret, encrypted to the
//!   store key.
//!
//! Reading a secret needs the store key: from the kernel session keyring if [`unlock`] put it
//! there (for a bounded time; reading then costs well under a millisecond), else decrypted
//! with the passphrase (`GWCTL_FILE_PASSPHRASE` or a prompt on a terminal; one scrypt, about
//! a second). Files written before the store key existed (encrypted with the passphrase
//! itself) are still read with the passphrase; [`unlock`] re-encrypts them to the store key,
//! and so does any write of that entry.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use age::secrecy::{ExposeSecret, SecretString};

use super::private_file;
use super::{MAX_SECRET, Secret, SecretStore, StoreError, StoreSpec, check_entry, one_line, read_capped};

pub const PASSPHRASE_VAR: &str = "GWCTL_FILE_PASSPHRASE";

/// How long `gwctl unlock` keeps the store key by default (like sudo's timestamp).
pub const DEFAULT_UNLOCK_TTL: Duration = Duration::from_secs(15 * 60);

/// The scrypt work factor (log2 N) gwctl encrypts the store key with: age's usual value,
/// about a second and 256 MiB.
const WORK_FACTOR: u8 = 18;
/// The highest work factor gwctl decrypts (1 GiB, a few seconds): files written by older
/// gwctl versions used age's calibration to about 1 s, which stays below it; a hostile file
/// cannot make gwctl work longer.
const MAX_WORK_FACTOR: u8 = 20;

const IDENTITY_FILE: &str = ".identity.age";
const RECIPIENT_FILE: &str = ".recipient";
/// The largest age file read: a secret of `MAX_SECRET` plus age's header and chunk tags.
const MAX_FILE: u64 = MAX_SECRET as u64 + 64 * 1024;
/// At most this many directory entries are looked at when migrating old files.
const MAX_DIR_ENTRIES: usize = 10_000;

pub struct FileStore {
    dir: PathBuf,
}

/// Why a decryption failed.
enum Failure {
    /// The file is encrypted to another key than the one tried.
    NotOurs,
    Other(StoreError),
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Other(e)
    }
}

impl FileStore {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The file of an entry (the name is not checked here; every operation checks it).
    pub fn path(&self, profile: &str) -> PathBuf {
        self.dir.join(format!("{profile}.age"))
    }

    fn identity_path(&self) -> PathBuf {
        self.dir.join(IDENTITY_FILE)
    }

    fn recipient_path(&self) -> PathBuf {
        self.dir.join(RECIPIENT_FILE)
    }

    /// Checks the directory before reading; `Ok(false)` when it does not exist.
    fn dir_exists(&self) -> Result<bool, StoreError> {
        match private_file::check_dir(&self.dir) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_failed("the file store", e)),
        }
    }

    /// Reads a file of the store; `Ok(None)` when it does not exist.
    fn read(&self, path: &Path, max: u64) -> Result<Option<Vec<u8>>, StoreError> {
        if !self.dir_exists()? {
            return Ok(None);
        }
        match private_file::read_bounded(path, max) {
            Ok(d) => Ok(Some(d)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io_failed("cannot read", e)),
        }
    }

    fn write(&self, path: &Path, data: &[u8]) -> Result<(), StoreError> {
        private_file::ensure_private_dir(&self.dir).map_err(|e| io_failed("the file store", e))?;
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(StoreError::Failed(format!(
                "{} is a symbolic link: gwctl does not write through it (remove it)",
                path.display()
            )));
        }
        private_file::write(&self.dir, path, data)
            .map_err(|e| io_failed(&format!("cannot write {}", path.display()), e))
    }

    /// Decrypts the store key with the passphrase (one scrypt).
    fn open_identity(&self, passphrase: &SecretString) -> Result<age::x25519::Identity, StoreError> {
        let path = self.identity_path();
        let Some(data) = self.read(&path, 64 * 1024)? else {
            return Err(StoreError::Failed(format!(
                "{} is missing: the secrets encrypted to the file store's key cannot be read (store them again)",
                path.display()
            )));
        };
        let decryptor = parse(&data, &path)?;
        if !decryptor.is_scrypt() {
            return Err(StoreError::Failed(format!("{} is not encrypted with a passphrase", path.display())));
        }
        let text = decrypt(decryptor, &scrypt_identity(passphrase), &path, true).map_err(|e| match e {
            Failure::NotOurs => StoreError::WrongPassphrase { path: path.display().to_string() },
            Failure::Other(e) => e,
        })?;
        let bad = || StoreError::Failed(format!("{} does not hold an age X25519 key", path.display()));
        let text = std::str::from_utf8(&text).map_err(|_| bad())?;
        age::x25519::Identity::from_str(text.trim()).map_err(|_| bad())
    }

    /// The store key: cached by `unlock`, else decrypted with the passphrase.
    fn identity(&self, passphrase: Option<&SecretString>) -> Result<age::x25519::Identity, StoreError> {
        if let Some(id) = cached(&self.dir) {
            return Ok(id);
        }
        match passphrase {
            Some(p) => self.open_identity(p),
            None => self.open_identity(&ask_passphrase(false)?),
        }
    }

    /// Creates the store key, protected by `passphrase`. When another process created one
    /// first, that one is used (it must open with the same passphrase).
    fn create_identity(&self, passphrase: &SecretString) -> Result<age::x25519::Identity, StoreError> {
        let identity = age::x25519::Identity::generate();
        let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
        recipient.set_work_factor(WORK_FACTOR);
        let ciphertext = age::encrypt(&recipient, identity.to_string().expose_secret().as_bytes())
            .map_err(|e| StoreError::Failed(format!("cannot encrypt the file store's key: {e}")))?;
        private_file::ensure_private_dir(&self.dir).map_err(|e| io_failed("the file store", e))?;
        let path = self.identity_path();
        let identity = match private_file::write_new(&self.dir, &path, &ciphertext) {
            Ok(()) => identity,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => self.open_identity(passphrase)?,
            Err(e) => return Err(io_failed(&format!("cannot write {}", path.display()), e)),
        };
        self.save_recipient(&identity)?;
        Ok(identity)
    }

    /// Writes `.recipient` unless it already names this key.
    fn save_recipient(&self, identity: &age::x25519::Identity) -> Result<age::x25519::Recipient, StoreError> {
        let recipient = identity.to_public();
        let text = recipient.to_string();
        let current = self.read(&self.recipient_path(), 1024).ok().flatten();
        if current.as_deref().map(|c| String::from_utf8_lossy(c).trim().to_string()) != Some(text.clone()) {
            self.write(&self.recipient_path(), format!("{text}\n").as_bytes())?;
        }
        Ok(recipient)
    }

    /// Whom to encrypt a new secret to: `.recipient` (no passphrase needed); when it is
    /// missing, the store key (made now, on first use, with the passphrase).
    fn recipient(&self) -> Result<age::x25519::Recipient, StoreError> {
        if let Some(data) = self.read(&self.recipient_path(), 1024)?
            && let Ok(r) = age::x25519::Recipient::from_str(String::from_utf8_lossy(&data).trim())
        {
            return Ok(r);
        }
        if self.read(&self.identity_path(), 64 * 1024)?.is_some() {
            let identity = self.identity(None)?;
            return self.save_recipient(&identity);
        }
        // A new store key. Files from older versions fix the passphrase: check it on one.
        let legacy = self.legacy_files();
        let passphrase = ask_passphrase(legacy.is_empty())?;
        if let Some(path) = legacy.first() {
            self.open_legacy(path, &passphrase)?;
        }
        Ok(self.create_identity(&passphrase)?.to_public())
    }

    /// Reads and decrypts a file encrypted with the passphrase itself.
    fn open_legacy(&self, path: &Path, passphrase: &SecretString) -> Result<Secret, StoreError> {
        let data =
            self.read(path, MAX_FILE)?.ok_or_else(|| StoreError::Failed(format!("{} vanished", path.display())))?;
        decrypt_legacy(&data, path, passphrase)
    }

    /// Secret files encrypted with the passphrase itself (gwctl before the store key); only
    /// their paths are kept, so memory stays bounded whatever the directory holds.
    fn legacy_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut out = Vec::new();
        for entry in entries.take(MAX_DIR_ENTRIES).flatten() {
            let name = entry.file_name();
            let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".age")) else { continue };
            if check_entry(stem).is_err() || !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let path = entry.path();
            if let Ok(data) = private_file::read_bounded(&path, MAX_FILE)
                && parse(&data, &path).is_ok_and(|d| d.is_scrypt())
            {
                out.push(path);
            }
        }
        out.sort();
        out
    }
}

impl SecretStore for FileStore {
    fn spec(&self) -> StoreSpec {
        StoreSpec::File
    }

    fn get(&self, profile: &str) -> Result<Secret, StoreError> {
        check_entry(profile)?;
        let path = self.path(profile);
        let Some(data) = self.read(&path, MAX_FILE)? else {
            return Err(StoreError::NotFound { store: format!("file ({})", path.display()), profile: profile.into() });
        };
        if parse(&data, &path)?.is_scrypt() {
            return decrypt_legacy(&data, &path, &ask_passphrase(false)?);
        }
        let not_ours = || {
            StoreError::Failed(format!(
                "{} is not encrypted to this file store's key ({IDENTITY_FILE})",
                path.display()
            ))
        };
        if let Some(identity) = cached(&self.dir) {
            match decrypt(parse(&data, &path)?, &identity, &path, false) {
                Ok(secret) => return Ok(secret),
                // A stale cache (the store key was replaced): ask for the passphrase.
                Err(Failure::NotOurs) => {}
                Err(Failure::Other(e)) => return Err(e),
            }
        }
        let identity = self.open_identity(&ask_passphrase(false)?)?;
        decrypt(parse(&data, &path)?, &identity, &path, false).map_err(|e| match e {
            Failure::NotOurs => not_ours(),
            Failure::Other(e) => e,
        })
    }

    fn set(&self, profile: &str, secret: &[u8]) -> Result<(), StoreError> {
        check_entry(profile)?;
        if secret.len() > MAX_SECRET {
            return Err(StoreError::Failed(format!("the secret is larger than {} KiB", MAX_SECRET / 1024)));
        }
        private_file::ensure_private_dir(&self.dir).map_err(|e| io_failed("the file store", e))?;
        let recipient = self.recipient()?;
        let ciphertext =
            age::encrypt(&recipient, secret).map_err(|e| StoreError::Failed(format!("cannot encrypt: {e}")))?;
        self.write(&self.path(profile), &ciphertext)
    }

    fn delete(&self, profile: &str) -> Result<bool, StoreError> {
        check_entry(profile)?;
        if !self.dir_exists()? {
            return Ok(false);
        }
        let path = self.path(profile);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_failed(&format!("cannot delete {}", path.display()), e)),
        }
    }

    fn probe(&self) -> Result<Duration, StoreError> {
        let t = Instant::now();
        private_file::ensure_private_dir(&self.dir)
            .map_err(|e| StoreError::Unavailable { store: "file".into(), reason: one_line(&e.to_string(), 300) })?;
        Ok(t.elapsed())
    }
}

/// Unlocks the file store in `dir` (the store directory, `file_store_dir(config_dir)`) for
/// `ttl`: decrypts the store key with `passphrase` once (wrong passphrase: exit 6) and keeps
/// it in the kernel session keyring with a kernel timeout, so reads pay no scrypt until then.
/// A store holding only files from older gwctl versions gets its store key now (the
/// passphrase must open them), and those files are re-encrypted to it.
pub fn unlock(dir: &Path, passphrase: SecretString, ttl: Duration) -> Result<(), StoreError> {
    let store = FileStore::new(dir.to_path_buf());
    let none_yet = || {
        StoreError::Failed(format!(
            "there is no file store in {} yet: store a secret there first (gwctl profile add NAME --store file …)",
            dir.display()
        ))
    };
    if !store.dir_exists()? {
        return Err(none_yet());
    }
    let identity = if store.read(&store.identity_path(), 64 * 1024)?.is_some() {
        store.open_identity(&passphrase)?
    } else {
        let legacy = store.legacy_files();
        let Some(path) = legacy.first() else { return Err(none_yet()) };
        store.open_legacy(path, &passphrase)?;
        store.create_identity(&passphrase)?
    };
    let recipient = store.save_recipient(&identity)?;
    cache(dir, &identity, ttl)?;
    // Old passphrase-encrypted files: re-encrypt each to the store key, once. A file with
    // another passphrase stays as it is (and is still read with its own passphrase).
    for path in store.legacy_files() {
        if let Ok(secret) = store.open_legacy(&path, &passphrase)
            && let Ok(ciphertext) = age::encrypt(&recipient, &secret)
        {
            store.write(&path, &ciphertext)?;
        }
    }
    Ok(())
}

/// Forgets the unlocked key of the file store in `dir`; `Ok(false)` when it was not unlocked.
pub fn lock(dir: &Path) -> Result<bool, StoreError> {
    #[cfg(target_os = "linux")]
    return super::session::remove(dir);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        Ok(false)
    }
}

/// How long the file store in `dir` stays unlocked, if it is (for `doctor`).
pub fn unlocked_for(dir: &Path) -> Option<Duration> {
    #[cfg(target_os = "linux")]
    return super::session::get(dir).map(|(_, left)| left);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        None
    }
}

fn cached(dir: &Path) -> Option<age::x25519::Identity> {
    #[cfg(target_os = "linux")]
    return super::session::get(dir).map(|(id, _)| id);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        None
    }
}

fn cache(dir: &Path, identity: &age::x25519::Identity, ttl: Duration) -> Result<(), StoreError> {
    #[cfg(target_os = "linux")]
    return super::session::put(dir, identity, ttl);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (dir, identity, ttl);
        Err(StoreError::Unavailable {
            store: "gwctl unlock".into(),
            reason: "it keeps the key in the Linux kernel keyring, which this platform does not have".into(),
        })
    }
}

/// The file store's passphrase: `GWCTL_FILE_PASSPHRASE`, else a prompt on a terminal (with a
/// confirmation when `confirm`), else an error saying how to give one. `gwctl unlock` uses it.
pub fn ask_passphrase(confirm: bool) -> Result<SecretString, StoreError> {
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
    let mut prompt = dialoguer::Password::new().with_prompt("Passphrase for gwctl's file store");
    if confirm {
        prompt = prompt.with_confirmation("Repeat the passphrase", "The passphrases differ");
    }
    let p = prompt.interact().map_err(|e| StoreError::Failed(format!("cannot read the passphrase: {e}")))?;
    Ok(SecretString::from(p))
}

fn scrypt_identity(passphrase: &SecretString) -> age::scrypt::Identity {
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(MAX_WORK_FACTOR);
    identity
}

fn parse<'a>(data: &'a [u8], path: &Path) -> Result<age::Decryptor<&'a [u8]>, StoreError> {
    age::Decryptor::new_buffered(data).map_err(|e| {
        StoreError::Failed(format!("{} is not an age file: {}", path.display(), one_line(&e.to_string(), 120)))
    })
}

fn decrypt_legacy(data: &[u8], path: &Path, passphrase: &SecretString) -> Result<Secret, StoreError> {
    decrypt(parse(data, path)?, &scrypt_identity(passphrase), path, true).map_err(|e| match e {
        Failure::NotOurs => StoreError::WrongPassphrase { path: path.display().to_string() },
        Failure::Other(e) => e,
    })
}

/// `passphrase`: a scrypt identity, whose wrong passphrase shows as a failed decryption.
fn decrypt(
    decryptor: age::Decryptor<&[u8]>,
    identity: &dyn age::Identity,
    path: &Path,
    passphrase: bool,
) -> Result<Secret, Failure> {
    let reader = decryptor.decrypt(std::iter::once(identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::KeyDecryptionFailed => Failure::NotOurs,
        age::DecryptError::DecryptionFailed if passphrase => Failure::NotOurs,
        age::DecryptError::DecryptionFailed => Failure::Other(StoreError::Failed(format!(
            "{} is damaged (its content does not authenticate)",
            path.display()
        ))),
        age::DecryptError::ExcessiveWork { required, .. } => Failure::Other(StoreError::Failed(format!(
            "{} asks for scrypt work factor {required}; gwctl accepts at most {MAX_WORK_FACTOR}",
            path.display()
        ))),
        other => Failure::Other(StoreError::Failed(format!(
            "cannot decrypt {}: {}",
            path.display(),
            one_line(&other.to_string(), 120)
        ))),
    })?;
    match read_capped(reader, MAX_SECRET) {
        Ok(Some(secret)) => Ok(secret),
        Ok(None) => Err(Failure::Other(StoreError::Failed(format!("{} holds more than 1 MiB", path.display())))),
        Err(e) => Err(Failure::Other(StoreError::Failed(format!(
            "cannot decrypt {}: {}",
            path.display(),
            one_line(&e.to_string(), 120)
        )))),
    }
}

fn io_failed(what: &str, e: std::io::Error) -> StoreError {
    StoreError::Failed(one_line(&format!("{what}: {e}"), 400))
}
