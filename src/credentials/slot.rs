//! The token slot: an issued token or session kept as a [`CachedToken`] record in the
//! profile's own secret store under `NAME#token` (never in the config file), and the
//! read → lock → fetch → write protocol of [`crate::tokens::cache::obtain`] around it.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::profile::store::{self, StoreError, StoreSpec};
use crate::tokens::cache::{self, CachedToken, ObtainError, ObtainOptions, Source};

use super::CredentialError;

/// How long to wait for another gwctl process's refresh before fetching anyway (longer than
/// one exchange may take).
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(45);

/// Where a profile's token is cached.
#[derive(Clone, Debug)]
pub struct TokenSlot {
    /// The profile's name (the lock key).
    pub profile: String,
    pub spec: StoreSpec,
    pub config_dir: PathBuf,
    /// The store entry (`NAME#token`).
    pub entry: String,
}

impl TokenSlot {
    pub fn new(profile: &str, spec: StoreSpec, config_dir: PathBuf, entry: String) -> Self {
        Self { profile: profile.to_string(), spec, config_dir, entry }
    }

    pub fn lock_dir(&self) -> PathBuf {
        self.config_dir.join("locks")
    }

    /// The cached record. `Ok(None)`: none, unreadable (it is fetched again) or a store that
    /// cannot keep one (`env:`, `command:`).
    pub fn read(&self) -> Result<Option<CachedToken>, CredentialError> {
        if matches!(self.spec, StoreSpec::Env(_) | StoreSpec::Command(_)) {
            return Ok(None);
        }
        let store = store::open(&self.spec, &self.config_dir)?;
        match store.get(&self.entry) {
            Ok(bytes) => match CachedToken::from_bytes(&bytes) {
                Ok(t) => Ok(Some(t)),
                Err(e) => {
                    crate::log::verbose(format_args!("{e}"));
                    Ok(None)
                }
            },
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Writes the record (nothing for a store gwctl cannot write to).
    pub fn write(&self, t: &CachedToken) -> Result<(), CredentialError> {
        let store = store::open(&self.spec, &self.config_dir)?;
        if !store.writable() {
            return Ok(());
        }
        store.set(&self.entry, &t.to_bytes())?;
        crate::log::verbose(format_args!(
            "cached the token of profile {:?} in {} (expires in {} s)",
            self.profile,
            self.spec,
            t.expires_in(crate::signing::SigningTime::now().unix())
        ));
        Ok(())
    }

    /// Deletes the record; whether there was one.
    pub fn clear(&self) -> Result<bool, CredentialError> {
        let store = store::open(&self.spec, &self.config_dir)?;
        if !store.writable() {
            return Ok(false);
        }
        Ok(store.delete(&self.entry)?)
    }
}

/// What providers with a token slot share: the fingerprint of the token last handed out and
/// of one the server refused (the next fetch must not return it).
#[derive(Default)]
pub struct Refusals {
    last: Mutex<Option<String>>,
    rejected: Mutex<Option<String>>,
}

impl Refusals {
    pub fn handed_out(&self, t: &CachedToken) {
        if let Ok(mut l) = self.last.lock() {
            *l = Some(t.fingerprint());
        }
    }

    /// After a 401: the last token is refused.
    pub fn refuse_last(&self) {
        let last = self.last.lock().ok().and_then(|l| l.clone());
        if let Ok(mut r) = self.rejected.lock() {
            *r = last;
        }
    }

    pub fn take_rejected(&self) -> Option<String> {
        self.rejected.lock().ok().and_then(|mut r| r.take())
    }
}

/// [`cache::obtain`] on `slot`: a usable cached token, or `fetch` (under the refresh lock) and
/// cache its answer. Nothing is cached when `fetch` fails; a token that could not be cached is
/// still used (with a warning).
pub async fn obtain<F, Fut>(
    slot: &TokenSlot,
    binding: &str,
    rejected: Option<&str>,
    fetch: F,
) -> Result<(CachedToken, Source), CredentialError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<CachedToken, CredentialError>>,
{
    let now = || crate::signing::SigningTime::now().unix();
    let lock_dir = slot.lock_dir();
    let opts = ObtainOptions {
        lock_dir: &lock_dir,
        lock_key: &slot.profile,
        lock_timeout: LOCK_TIMEOUT,
        binding,
        rejected,
        now: &now,
    };
    match cache::obtain(&opts, || slot.read(), fetch, |t| slot.write(t)).await {
        Ok((t, source)) => {
            crate::log::verbose(format_args!(
                "token of profile {:?}: {} (expires in {} s)",
                slot.profile,
                match source {
                    Source::Cache => "cached",
                    Source::CacheAfterWait => "cached by another gwctl process",
                    Source::Fetched => "fetched",
                },
                t.expires_in(now())
            ));
            Ok((t, source))
        }
        Err(ObtainError::Source(e)) => Err(e),
        Err(ObtainError::Lock(e)) => Err(e.into()),
        Err(ObtainError::WriteFailed { token, error }) => {
            eprintln!("gwctl: warning: the token of profile {:?} could not be cached: {error}", slot.profile);
            Ok((*token, Source::Fetched))
        }
    }
}

/// Unix seconds as a `SystemTime`.
pub fn system_time(unix: i64) -> SystemTime {
    if unix >= 0 { SystemTime::UNIX_EPOCH + Duration::from_secs(unix as u64) } else { SystemTime::UNIX_EPOCH }
}
