//! The file store's unlocked key, cached in the Linux kernel *session* keyring for a bounded
//! time (`keyctl set_timeout`), like sudo's timestamp or `ssh-agent -t`.
//!
//! - The keyring: the session keyring of the login session when there is one (shared by the
//!   processes of that session); otherwise the kernel's per-user session keyring, shared by
//!   the user's processes that have no session keyring (CI jobs, `docker exec` shells). gwctl
//!   never creates an anonymous session keyring here: it would vanish with the process.
//! - The entry: a `user` key described `gwctl:file-store:<hash of the store's canonical path>`,
//!   so two config directories never share a key; permissions: possessor only.
//! - The payload: `gwctl-file-store v1\n<expiry, Unix seconds>\n<AGE-SECRET-KEY-…>`; the
//!   expiry gives the remaining time (the kernel enforces it independently).

use std::path::Path;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use age::secrecy::ExposeSecret;
use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::StoreError;

const MAGIC: &str = "gwctl-file-store v1";

fn description(dir: &Path) -> String {
    let canonical =
        std::fs::canonicalize(dir).or_else(|_| std::path::absolute(dir)).unwrap_or_else(|_| dir.to_path_buf());
    let digest = Sha256::digest(canonical.as_os_str().as_encoded_bytes());
    format!("gwctl:file-store:{}", &hex::encode(digest)[..32])
}

fn session() -> Result<KeyRing, KeyError> {
    KeyRing::from_special_id(KeyRingIdentifier::Session, false)
}

fn unavailable(e: KeyError) -> StoreError {
    StoreError::Unavailable {
        store: "the kernel session keyring".into(),
        reason: format!("{e:?} (gwctl unlock needs the Linux kernel keyring; containers may block it)"),
    }
}

fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Caches `identity` for `ttl` (at least 1 s), replacing an earlier entry for this store.
pub fn put(dir: &Path, identity: &age::x25519::Identity, ttl: Duration) -> Result<(), StoreError> {
    let secs = ttl.as_secs().max(1);
    let ring = session().map_err(unavailable)?;
    let expires = now_unix().saturating_add(secs);
    let payload = Zeroizing::new(format!("{MAGIC}\n{expires}\n{}", identity.to_string().expose_secret()));
    let key = ring.add_key(&description(dir), payload.as_bytes()).map_err(unavailable)?;
    let perms = KeyPermissionsBuilder::builder().posessor(Permission::ALL).build();
    let secured = key.set_perms(perms).and_then(|()| key.set_timeout(usize::try_from(secs).unwrap_or(usize::MAX)));
    if let Err(e) = secured {
        let _ = key.invalidate();
        return Err(unavailable(e));
    }
    Ok(())
}

/// The cached identity and its remaining time, if this store is unlocked.
pub fn get(dir: &Path) -> Option<(age::x25519::Identity, Duration)> {
    let key = session().ok()?.search(&description(dir)).ok()?;
    let mut buf = Zeroizing::new([0u8; 512]);
    let len = key.read(&mut *buf).ok()?;
    let text = std::str::from_utf8(buf.get(..len)?).ok()?;
    let mut lines = text.splitn(3, '\n');
    if lines.next()? != MAGIC {
        return None;
    }
    let expires: u64 = lines.next()?.parse().ok()?;
    let remaining = expires.checked_sub(now_unix()).filter(|s| *s > 0)?;
    let identity = age::x25519::Identity::from_str(lines.next()?).ok()?;
    Some((identity, Duration::from_secs(remaining)))
}

/// Forgets the cached identity; `Ok(false)` when there was none.
pub fn remove(dir: &Path) -> Result<bool, StoreError> {
    let Ok(ring) = session() else { return Ok(false) };
    let mut removed = false;
    // More than one can exist when another process added one concurrently (bounded loop).
    for _ in 0..8 {
        let Ok(key) = ring.search(&description(dir)) else { break };
        key.invalidate().map_err(unavailable)?;
        removed = true;
    }
    Ok(removed)
}
