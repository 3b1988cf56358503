//! The cached-credential record and the rules around it.
//!
//! - [`CachedToken`]: an issued bearer token or AWS session, when it was obtained and when it
//!   expires, and a `binding` (a hash of the settings that produced it, so a profile whose
//!   client id, scope, token URL or role changed never reuses an old token). It is kept as a
//!   small JSON record in the profile's secret store (a separate slot: never the config file);
//!   [`CachedToken::to_bytes`] / [`CachedToken::from_bytes`] convert it, in wiped buffers.
//! - The refresh window: a token is reused until `expires_at − margin`, where
//!   `margin = max(60 s, 10 % of its lifetime)`, but never more than half the lifetime (so a
//!   5-second token is still reused for 2–3 seconds instead of never).
//! - [`RefreshLock`]: an exclusive `flock` on a file in a lock directory, waited for with a
//!   timeout, so concurrent gwctl processes do not stampede the token endpoint; and
//!   [`obtain`], the whole read → lock → re-read → fetch → write protocol.

use std::fs::File;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::signing::sigv4::AwsCredentials;

/// The largest cache record accepted (real ones are a few KiB).
pub const MAX_RECORD_BYTES: usize = 256 * 1024;
/// The format version written in every record.
pub const RECORD_VERSION: u32 = 1;
/// The smallest refresh margin, in seconds (capped at half the lifetime).
pub const MIN_REFRESH_MARGIN: i64 = 60;
/// A token obtained further in the future than this (the clock went back) is not trusted.
const CLOCK_BACK_TOLERANCE: i64 = 300;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("the cached token record is unreadable ({0}); it will be fetched again")]
    Corrupt(String),
    #[error("cannot use the token lock {path}: {source}")]
    LockIo { path: String, source: std::io::Error },
    #[error("another gwctl process held the token lock {path} for more than {secs} s")]
    LockTimeout { path: String, secs: u64 },
}

impl CacheError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        match self {
            CacheError::Corrupt(_) => crate::exit::ExitCode::Store,
            CacheError::LockIo { .. } | CacheError::LockTimeout { .. } => crate::exit::ExitCode::Io,
        }
    }
}

/// What is cached.
#[derive(Clone)]
pub enum CachedValue {
    /// An OAuth2 access token, sent as `Authorization: Bearer …`.
    Bearer(SecretString),
    /// AWS session credentials (from `AssumeRole`).
    Aws(AwsCredentials),
}

impl std::fmt::Debug for CachedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CachedValue::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            CachedValue::Aws(c) => write!(f, "Aws({c:?})"),
        }
    }
}

/// A credential with an expiry. Times are Unix seconds.
#[derive(Clone, Debug)]
pub struct CachedToken {
    pub value: CachedValue,
    pub obtained_at: i64,
    pub expires_at: i64,
    /// [`binding`] of the settings that produced it.
    pub binding: String,
}

/// The refresh margin for a credential that lives `lifetime` seconds:
/// `min(max(60, lifetime / 10), lifetime / 2)`.
pub fn refresh_margin(lifetime: i64) -> i64 {
    let lifetime = lifetime.max(0);
    MIN_REFRESH_MARGIN.max(lifetime / 10).min(lifetime / 2)
}

/// A stable digest of the settings a credential depends on (token URL or issuer, client id,
/// client-auth method, scopes, audience, resource; or role ARN, source, external id …), to
/// store with it. Each part is length-prefixed, so `["ab","c"]` and `["a","bc"]` differ.
pub fn binding(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    hex::encode(&h.finalize()[..16])
}

impl CachedToken {
    pub fn bearer(token: SecretString, obtained_at: i64, expires_at: i64, binding: String) -> Self {
        Self { value: CachedValue::Bearer(token), obtained_at, expires_at, binding }
    }

    /// Seconds from `obtained_at` to `expires_at`.
    pub fn lifetime(&self) -> i64 {
        self.expires_at.saturating_sub(self.obtained_at).max(0)
    }

    /// When a new one should be fetched: `expires_at − refresh_margin(lifetime)`.
    pub fn refresh_at(&self) -> i64 {
        self.expires_at.saturating_sub(refresh_margin(self.lifetime()))
    }

    /// Whether it must be refreshed at `now`: inside the refresh window, or obtained "in the
    /// future" (the clock went back by more than 5 minutes: the expiry cannot be trusted).
    pub fn needs_refresh(&self, now: i64) -> bool {
        now >= self.refresh_at() || self.obtained_at > now.saturating_add(CLOCK_BACK_TOLERANCE)
    }

    /// Whether it can be used at `now` for settings with this `binding`.
    pub fn is_usable(&self, binding: &str, now: i64) -> bool {
        self.binding == binding && !self.needs_refresh(now)
    }

    /// Seconds until it expires (negative once expired): for `doctor`.
    pub fn expires_in(&self, now: i64) -> i64 {
        self.expires_at.saturating_sub(now)
    }

    /// The bearer token, if this is one.
    pub fn bearer_token(&self) -> Option<&SecretString> {
        match &self.value {
            CachedValue::Bearer(t) => Some(t),
            CachedValue::Aws(_) => None,
        }
    }

    /// A short digest of the secret value: lets a caller tell "the token the gateway refused"
    /// from "a token another process has fetched since" without keeping the token around.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        match &self.value {
            CachedValue::Bearer(t) => h.update(t.expose_secret().as_bytes()),
            CachedValue::Aws(c) => {
                h.update(c.access_key_id.as_bytes());
                h.update([0]);
                h.update(c.secret_access_key.expose_secret().as_bytes());
            }
        }
        hex::encode(&h.finalize()[..16])
    }

    /// The record for the secret store: one JSON object, in a buffer wiped on drop.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let (kind, token, akid, sak, st) = match &self.value {
            CachedValue::Bearer(t) => ("bearer", Some(t.expose_secret()), None, None, None),
            CachedValue::Aws(c) => (
                "aws",
                None,
                Some(c.access_key_id.as_str()),
                Some(c.secret_access_key.expose_secret()),
                c.session_token.as_ref().map(|t| t.expose_secret()),
            ),
        };
        let rec = RecordOut {
            v: RECORD_VERSION,
            kind,
            token,
            access_key_id: akid,
            secret_access_key: sak,
            session_token: st,
            obtained_at: self.obtained_at,
            expires_at: self.expires_at,
            binding: &self.binding,
        };
        // Reserve enough up front that the buffer never reallocates (which would leave an
        // unwiped copy behind): JSON escaping at most sextuples a character.
        let secret_len: usize = [token, akid, sak, st].iter().flatten().map(|s| s.len()).sum();
        let mut buf = Zeroizing::new(Vec::with_capacity(secret_len * 6 + self.binding.len() * 6 + 256));
        // Serialising plain strings and integers into a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *buf, &rec);
        buf
    }

    /// Reads a record written by [`CachedToken::to_bytes`]. Anything else (another version,
    /// missing fields, over 256 KiB) is [`CacheError::Corrupt`]: treat it as "no cache".
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CacheError> {
        if bytes.len() > MAX_RECORD_BYTES {
            return Err(CacheError::Corrupt(format!("{} bytes, over the {MAX_RECORD_BYTES}-byte limit", bytes.len())));
        }
        let rec: RecordIn = serde_json::from_slice(bytes)
            .map_err(|e| CacheError::Corrupt(format!("not a token record: {}", e.classify_name())))?;
        if rec.v != RECORD_VERSION {
            return Err(CacheError::Corrupt(format!("record version {} (this gwctl reads {RECORD_VERSION})", rec.v)));
        }
        let missing = |f: &str| CacheError::Corrupt(format!("a {} record without {f}", rec.kind));
        let value = match rec.kind.as_str() {
            "bearer" => CachedValue::Bearer(rec.token.ok_or_else(|| missing("token"))?.into_secret()),
            "aws" => CachedValue::Aws(AwsCredentials {
                access_key_id: rec.access_key_id.ok_or_else(|| missing("access_key_id"))?.0.to_string(),
                secret_access_key: rec.secret_access_key.ok_or_else(|| missing("secret_access_key"))?.into_secret(),
                session_token: rec.session_token.map(Wiped::into_secret),
            }),
            other => return Err(CacheError::Corrupt(format!("unknown kind {:?}", crate::tokens::sanitize(other, 20)))),
        };
        Ok(Self { value, obtained_at: rec.obtained_at, expires_at: rec.expires_at, binding: rec.binding })
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    /// The kind of JSON error, without its text (which could quote the record).
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "bad JSON",
            serde_json::error::Category::Data => "wrong fields",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}

#[derive(Serialize)]
struct RecordOut<'a> {
    v: u32,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    access_key_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret_access_key: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<&'a str>,
    obtained_at: i64,
    expires_at: i64,
    binding: &'a str,
}

#[derive(Deserialize)]
struct RecordIn {
    v: u32,
    kind: String,
    token: Option<Wiped>,
    access_key_id: Option<Wiped>,
    secret_access_key: Option<Wiped>,
    session_token: Option<Wiped>,
    obtained_at: i64,
    expires_at: i64,
    binding: String,
}

/// A deserialised string that is wiped when dropped.
struct Wiped(Zeroizing<String>);

impl<'de> Deserialize<'de> for Wiped {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Wiped(Zeroizing::new(s)))
    }
}

impl Wiped {
    fn into_secret(self) -> SecretString {
        SecretString::from(self.0.as_str())
    }
}

/// An exclusive lock on `<dir>/<name>.lock`, held until dropped (the operating system also
/// releases it when the process dies, so a crashed gwctl never leaves it stuck).
#[derive(Debug)]
pub struct RefreshLock {
    _file: File,
    path: PathBuf,
}

impl RefreshLock {
    /// The lock file for `key` (e.g. the profile name) in `dir`: a digest of the key, so any
    /// profile name makes a safe file name.
    pub fn path_for(dir: &Path, key: &str) -> PathBuf {
        dir.join(format!("token-{}.lock", binding(&[key])))
    }

    fn open(dir: &Path, key: &str) -> Result<(File, PathBuf), CacheError> {
        let path = Self::path_for(dir, key);
        let io = |source| CacheError::LockIo { path: path.display().to_string(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut opts = File::options();
        opts.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let file = opts.open(&path).map_err(io)?;
        Ok((file, path))
    }

    fn try_take(file: &File, path: &Path) -> Result<bool, CacheError> {
        match file.try_lock() {
            Ok(()) => Ok(true),
            Err(std::fs::TryLockError::WouldBlock) => Ok(false),
            Err(std::fs::TryLockError::Error(source)) => {
                Err(CacheError::LockIo { path: path.display().to_string(), source })
            }
        }
    }

    /// Waits (polling every 50 ms, without blocking the async runtime) up to `timeout`.
    pub async fn acquire(dir: &Path, key: &str, timeout: Duration) -> Result<Self, CacheError> {
        let (file, path) = Self::open(dir, key)?;
        let deadline = Instant::now() + timeout;
        loop {
            if Self::try_take(&file, &path)? {
                return Ok(Self { _file: file, path });
            }
            if Instant::now() >= deadline {
                return Err(CacheError::LockTimeout { path: path.display().to_string(), secs: timeout.as_secs() });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The same, for synchronous callers (sleeps the thread).
    pub fn acquire_blocking(dir: &Path, key: &str, timeout: Duration) -> Result<Self, CacheError> {
        let (file, path) = Self::open(dir, key)?;
        let deadline = Instant::now() + timeout;
        loop {
            if Self::try_take(&file, &path)? {
                return Ok(Self { _file: file, path });
            }
            if Instant::now() >= deadline {
                return Err(CacheError::LockTimeout { path: path.display().to_string(), secs: timeout.as_secs() });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Where [`obtain`]'s answer came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The cache, without taking the lock.
    Cache,
    /// The cache, after waiting for another process that refreshed it.
    CacheAfterWait,
    /// A new exchange (and the cache was written).
    Fetched,
}

/// How [`obtain`] runs.
pub struct ObtainOptions<'a> {
    /// The lock directory (e.g. the config directory's `locks/`).
    pub lock_dir: &'a Path,
    /// What to lock (the profile name).
    pub lock_key: &'a str,
    /// How long to wait for another process's refresh (longer than the HTTP timeout). When it
    /// runs out, the fetch goes ahead without the lock rather than failing.
    pub lock_timeout: Duration,
    /// The binding of the current settings: a cached token with another one is not used.
    pub binding: &'a str,
    /// The fingerprint ([`CachedToken::fingerprint`]) of a token the gateway just refused
    /// (401): a cached token with that fingerprint is not used, any other fresh one is.
    pub rejected: Option<&'a str>,
    /// Seconds since the Unix epoch, read whenever needed (a clock for tests).
    pub now: &'a (dyn Fn() -> i64 + Sync),
}

/// The cache protocol: use a fresh cached token; otherwise take the lock, look again (another
/// process may have refreshed meanwhile), and only then `fetch` and `write`. `read` returns
/// `Ok(None)` when there is no record; a corrupt record should be returned as `Ok(None)` too.
/// Nothing is written when `fetch` fails. A failed `write` is returned as an error after the
/// fetch (the caller may choose to warn and go on with the token instead: see
/// [`ObtainError::WriteFailed`]).
pub async fn obtain<E, R, F, Fut, W>(
    opts: &ObtainOptions<'_>,
    mut read: R,
    fetch: F,
    mut write: W,
) -> Result<(CachedToken, Source), ObtainError<E>>
where
    R: FnMut() -> Result<Option<CachedToken>, E>,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<CachedToken, E>>,
    W: FnMut(&CachedToken) -> Result<(), E>,
{
    let usable =
        |t: &CachedToken| t.is_usable(opts.binding, (opts.now)()) && opts.rejected.is_none_or(|r| t.fingerprint() != r);
    if let Some(t) = read().map_err(ObtainError::Source)?.filter(usable) {
        return Ok((t, Source::Cache));
    }
    let _lock = match RefreshLock::acquire(opts.lock_dir, opts.lock_key, opts.lock_timeout).await {
        Ok(l) => Some(l),
        Err(CacheError::LockTimeout { .. }) => None,
        Err(e) => return Err(ObtainError::Lock(e)),
    };
    if let Some(t) = read().map_err(ObtainError::Source)?.filter(usable) {
        return Ok((t, Source::CacheAfterWait));
    }
    let token = fetch().await.map_err(ObtainError::Source)?;
    match write(&token) {
        Ok(()) => Ok((token, Source::Fetched)),
        Err(e) => Err(ObtainError::WriteFailed { token: Box::new(token), error: e }),
    }
}

/// What [`obtain`] failed with.
#[derive(Debug)]
pub enum ObtainError<E> {
    /// `read` or `fetch` failed.
    Source(E),
    /// The lock file could not be opened or locked (not a timeout).
    Lock(CacheError),
    /// The token was fetched but could not be cached: it is still usable.
    WriteFailed { token: Box<CachedToken>, error: E },
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    fn tok(obtained: i64, expires: i64) -> CachedToken {
        CachedToken::bearer(SecretString::from("t0k3n"), obtained, expires, "b".into())
    }

    #[test]
    fn window_math() {
        // One hour: 10 % = 360 s.
        let t = tok(1000, 4600);
        assert_eq!(t.refresh_at(), 4240);
        assert!(!t.needs_refresh(4239));
        assert!(t.needs_refresh(4240));
        // Ten minutes: 10 % is 60 s, the floor.
        let t = tok(0, 600);
        assert_eq!(refresh_margin(600), 60);
        assert_eq!(t.refresh_at(), 540);
        // Five minutes: 10 % = 30 s < 60 s floor.
        assert_eq!(refresh_margin(300), 60);
        // Twelve hours: 4320 s.
        assert_eq!(refresh_margin(43_200), 4320);
        // Short tokens: at most half the lifetime.
        assert_eq!(refresh_margin(5), 2);
        assert_eq!(refresh_margin(100), 50);
        assert_eq!(refresh_margin(120), 60);
        assert_eq!(refresh_margin(0), 0);
        assert_eq!(refresh_margin(-5), 0);
        let t = tok(100, 105);
        assert!(!t.needs_refresh(102));
        assert!(t.needs_refresh(103));
        // Expired, or obtained "in the future" (clock went back).
        assert!(tok(0, 10).needs_refresh(1_000_000));
        assert!(tok(10_000, 20_000).needs_refresh(9_000));
        assert!(!tok(10_000, 20_000).needs_refresh(10_000 - 200));
        // Overflow-proof.
        assert!(!tok(i64::MIN, i64::MAX).needs_refresh(0));
        assert!(tok(i64::MAX, i64::MIN).needs_refresh(0));
    }

    #[test]
    fn binding_and_usable() {
        assert_ne!(binding(&["ab", "c"]), binding(&["a", "bc"]));
        assert_eq!(binding(&["x"]).len(), 32);
        let t = CachedToken::bearer(SecretString::from("t"), 0, 3600, binding(&["x"]));
        assert!(t.is_usable(&binding(&["x"]), 10));
        assert!(!t.is_usable(&binding(&["y"]), 10));
    }

    #[test]
    fn record_round_trip_and_redaction() {
        let t = CachedToken::bearer(SecretString::from("tok\"en\u{1}"), 5, 3605, "bind".into());
        let bytes = t.to_bytes();
        let back = CachedToken::from_bytes(&bytes).unwrap();
        assert_eq!(back.bearer_token().unwrap().expose_secret(), "tok\"en\u{1}");
        assert_eq!((back.obtained_at, back.expires_at, back.binding.as_str()), (5, 3605, "bind"));
        assert!(!format!("{back:?}").contains("tok"));

        let aws = CachedToken {
            value: CachedValue::Aws(AwsCredentials {
                access_key_id: "ASIAEXAMPLE".into(),
                secret_access_key: SecretString::from("sekrit"),
                session_token: Some(SecretString::from("sess")),
            }),
            obtained_at: 1,
            expires_at: 2,
            binding: "r".into(),
        };
        let back = CachedToken::from_bytes(&aws.to_bytes()).unwrap();
        let CachedValue::Aws(c) = &back.value else { panic!() };
        assert_eq!(c.access_key_id, "ASIAEXAMPLE");
        assert_eq!(c.secret_access_key.expose_secret(), "sekrit");
        assert_eq!(c.session_token.as_ref().unwrap().expose_secret(), "sess");
        let dbg = format!("{back:?}");
        assert!(!dbg.contains("sekrit") && !dbg.contains("sess\""), "{dbg}");
        assert_eq!(back.fingerprint(), aws.fingerprint());
        assert_ne!(back.fingerprint(), t.fingerprint());
    }

    #[test]
    fn corrupt_records() {
        for bad in [
            &b""[..],
            b"{",
            b"[]",
            b"{\"v\":2,\"kind\":\"bearer\",\"token\":\"x\",\"obtained_at\":0,\"expires_at\":1,\"binding\":\"\"}",
            b"{\"v\":1,\"kind\":\"bearer\",\"obtained_at\":0,\"expires_at\":1,\"binding\":\"\"}",
            b"{\"v\":1,\"kind\":\"x\",\"obtained_at\":0,\"expires_at\":1,\"binding\":\"\"}",
            b"{\"v\":1,\"kind\":\"aws\",\"access_key_id\":\"A\",\"obtained_at\":0,\"expires_at\":1,\"binding\":\"\"}",
            b"{\"v\":1,\"kind\":\"bearer\",\"token\":\"SECRET\",\"obtained_at\":\"x\",\"expires_at\":1,\"binding\":\"\"}",
        ] {
            let e = CachedToken::from_bytes(bad).unwrap_err();
            let msg = e.to_string();
            assert!(!msg.contains('\n') && !msg.contains("SECRET"), "{msg}");
        }
        assert!(CachedToken::from_bytes(&vec![b' '; MAX_RECORD_BYTES + 1]).is_err());
    }

    #[test]
    fn lock_is_exclusive_across_threads_and_times_out() {
        let dir = tempfile::tempdir().unwrap();
        let held = RefreshLock::acquire_blocking(dir.path(), "p", Duration::from_secs(1)).unwrap();
        let start = Instant::now();
        let e = RefreshLock::acquire_blocking(dir.path(), "p", Duration::from_millis(300)).unwrap_err();
        assert!(matches!(e, CacheError::LockTimeout { .. }), "{e}");
        assert!(start.elapsed() >= Duration::from_millis(300));
        // Another key is another lock.
        let _other = RefreshLock::acquire_blocking(dir.path(), "q", Duration::from_millis(100)).unwrap();
        // Released on drop: a waiting thread gets it.
        let d = dir.path().to_path_buf();
        let waiter = std::thread::spawn(move || RefreshLock::acquire_blocking(&d, "p", Duration::from_secs(5)).is_ok());
        std::thread::sleep(Duration::from_millis(200));
        drop(held);
        assert!(waiter.join().unwrap());
    }

    /// Another process (util-linux `flock`, the same flock(2) lock) holds the lock: we wait for
    /// it, and get it once that process ends.
    #[test]
    fn lock_is_exclusive_across_processes() {
        let dir = tempfile::tempdir().unwrap();
        let path = RefreshLock::path_for(dir.path(), "p");
        std::fs::write(&path, b"").unwrap();
        let Ok(mut child) = std::process::Command::new("flock").arg(&path).args(["sleep", "1.5"]).spawn() else {
            eprintln!("note: no flock(1) here; the cross-thread test covers the lock");
            return;
        };
        std::thread::sleep(Duration::from_millis(400));
        let e = RefreshLock::acquire_blocking(dir.path(), "p", Duration::from_millis(200)).unwrap_err();
        assert!(matches!(e, CacheError::LockTimeout { .. }), "{e}");
        let start = Instant::now();
        let lock = rt().block_on(RefreshLock::acquire(dir.path(), "p", Duration::from_secs(10))).unwrap();
        assert!(start.elapsed() >= Duration::from_millis(500), "{:?}", start.elapsed());
        assert_eq!(lock.path(), path);
        let _ = child.wait();
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    /// Eight threads (each its own runtime, like eight gwctl processes) find an empty cache at
    /// once: exactly one fetches, the others wait for the lock and reuse its token.
    #[test]
    fn obtain_does_not_stampede() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<Mutex<Option<Zeroizing<Vec<u8>>>>> = Arc::new(Mutex::new(None));
        let fetches = Arc::new(AtomicUsize::new(0));
        let now = || 1_000_000i64;
        let mut handles = Vec::new();
        for _ in 0..8 {
            let (store, fetches, dir) = (store.clone(), fetches.clone(), dir.path().to_path_buf());
            handles.push(std::thread::spawn(move || {
                rt().block_on(async {
                    let opts = ObtainOptions {
                        lock_dir: &dir,
                        lock_key: "prof",
                        lock_timeout: Duration::from_secs(10),
                        binding: "b",
                        rejected: None,
                        now: &now,
                    };
                    let (t, src) = obtain::<String, _, _, _, _>(
                        &opts,
                        || Ok(store.lock().unwrap().as_ref().map(|b| CachedToken::from_bytes(b)).transpose().unwrap()),
                        || async {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(300)).await;
                            Ok(CachedToken::bearer(SecretString::from("fresh"), 1_000_000, 1_003_600, "b".into()))
                        },
                        |t| {
                            *store.lock().unwrap() = Some(t.to_bytes());
                            Ok(())
                        },
                    )
                    .await
                    .unwrap();
                    assert_eq!(t.bearer_token().unwrap().expose_secret(), "fresh");
                    src
                })
            }));
        }
        let sources: Vec<Source> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(fetches.load(Ordering::SeqCst), 1, "{sources:?}");
        assert_eq!(sources.iter().filter(|s| **s == Source::Fetched).count(), 1);
    }

    #[test]
    fn obtain_rules() {
        let dir = tempfile::tempdir().unwrap();
        let clock = std::sync::atomic::AtomicI64::new(100);
        let now = || clock.load(Ordering::SeqCst);
        let cached = std::cell::RefCell::new(Some(CachedToken::bearer(SecretString::from("old"), 0, 3600, "b".into())));
        let fetches = std::cell::Cell::new(0);
        let run = |binding: &str, rejected: Option<&str>| {
            let opts = ObtainOptions {
                lock_dir: dir.path(),
                lock_key: "p",
                lock_timeout: Duration::from_secs(1),
                binding,
                rejected,
                now: &now,
            };
            rt().block_on(obtain::<String, _, _, _, _>(
                &opts,
                || Ok(cached.borrow().clone()),
                || async {
                    fetches.set(fetches.get() + 1);
                    Ok(CachedToken::bearer(
                        SecretString::from(format!("new{}", fetches.get())),
                        now(),
                        now() + 3600,
                        binding.into(),
                    ))
                },
                |t| {
                    *cached.borrow_mut() = Some(t.clone());
                    Ok(())
                },
            ))
        };
        // Fresh and bound to these settings: reused.
        let (t, s) = run("b", None).unwrap();
        assert_eq!((t.bearer_token().unwrap().expose_secret(), s), ("old", Source::Cache));
        // Settings changed: fetched.
        let (t, s) = run("c", None).unwrap();
        assert_eq!((t.bearer_token().unwrap().expose_secret(), s), ("new1", Source::Fetched));
        // The gateway refused it: fetched again, once.
        let fp = t.fingerprint();
        let (t, s) = run("c", Some(&fp)).unwrap();
        assert_eq!((t.bearer_token().unwrap().expose_secret(), s), ("new2", Source::Fetched));
        // A refusal of an older token does not discard the newer one.
        let (t, s) = run("c", Some(&fp)).unwrap();
        assert_eq!((t.bearer_token().unwrap().expose_secret(), s), ("new2", Source::Cache));
        // In the refresh window: fetched.
        clock.store(100 + 3600 - 300, Ordering::SeqCst);
        let (t, s) = run("c", None).unwrap();
        assert_eq!((t.bearer_token().unwrap().expose_secret(), s), ("new3", Source::Fetched));
        // A failed fetch writes nothing.
        let before = cached.borrow().as_ref().unwrap().fingerprint();
        let opts = ObtainOptions {
            lock_dir: dir.path(),
            lock_key: "p",
            lock_timeout: Duration::from_secs(1),
            binding: "z",
            rejected: None,
            now: &now,
        };
        let e = rt()
            .block_on(obtain::<String, _, _, _, _>(
                &opts,
                || Ok(cached.borrow().clone()),
                || async { Err("refused".to_string()) },
                |_| panic!("must not write"),
            ))
            .unwrap_err();
        assert!(matches!(e, ObtainError::Source(ref m) if m == "refused"));
        assert_eq!(cached.borrow().as_ref().unwrap().fingerprint(), before);
    }
}
