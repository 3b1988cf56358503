//! Keeps a provider's credential while it is fresh: reused until the refresh window before its
//! expiry ([`Credential::needs_refresh`]), fetched again once after a server refused it. One
//! fetch at a time: concurrent requests (a batch) wait for the same refresh.

use std::sync::Arc;
use std::time::SystemTime;

use super::{Credential, CredentialFuture, ProvideCredential};

pub struct Cached<P> {
    inner: P,
    slot: tokio::sync::Mutex<Option<Arc<Credential>>>,
    /// Set by `invalidate` (sync) and honoured by the next `provide`.
    stale: std::sync::atomic::AtomicBool,
}

impl<P: ProvideCredential> Cached<P> {
    pub fn new(inner: P) -> Self {
        Self { inner, slot: tokio::sync::Mutex::new(None), stale: false.into() }
    }
}

impl<P: ProvideCredential> ProvideCredential for Cached<P> {
    fn provide(&self) -> CredentialFuture<'_> {
        Box::pin(async move {
            let mut slot = self.slot.lock().await;
            let stale = self.stale.swap(false, std::sync::atomic::Ordering::SeqCst);
            if let Some(c) = slot.as_ref()
                && !stale
                && !c.needs_refresh(SystemTime::now())
            {
                return Ok(c.clone());
            }
            let fresh = self.inner.provide().await?;
            *slot = Some(fresh.clone());
            Ok(fresh)
        })
    }

    /// The kept credential while it is fresh, else the inner provider's, when it has one at
    /// hand (a store); `None` while a refresh is under way or for a provider that must wait.
    fn provide_now(&self) -> Option<Result<Arc<Credential>, super::CredentialError>> {
        let mut slot = self.slot.try_lock().ok()?;
        if let Some(c) = slot.as_ref()
            && !self.stale.load(std::sync::atomic::Ordering::SeqCst)
            && !c.needs_refresh(SystemTime::now())
        {
            return Some(Ok(c.clone()));
        }
        let fresh = self.inner.provide_now()?;
        self.stale.store(false, std::sync::atomic::Ordering::SeqCst);
        if let Ok(c) = &fresh {
            *slot = Some(c.clone());
        }
        Some(fresh)
    }

    fn invalidate(&self) -> bool {
        let inner = self.inner.invalidate();
        self.stale.store(true, std::sync::atomic::Ordering::SeqCst);
        inner
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn default_region(&self) -> Option<String> {
        self.inner.default_region()
    }

    fn use_network(&self, net: &crate::net::NetSettings) {
        self.inner.use_network(net)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use secrecy::SecretString;

    use super::*;
    use crate::credentials::{Material, ready};

    struct Counting {
        calls: AtomicUsize,
        life: Option<Duration>,
    }

    impl ProvideCredential for Counting {
        fn provide(&self) -> CredentialFuture<'_> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let now = SystemTime::now();
            ready(Ok(Credential {
                material: Material::Bearer(SecretString::from("t")),
                expires_at: self.life.map(|l| now + l),
                obtained_at: now,
            }))
        }
        fn provide_now(&self) -> Option<Result<Arc<Credential>, crate::credentials::CredentialError>> {
            self.calls.fetch_add(1, Ordering::SeqCst);
            Some(Ok(Arc::new(Credential::lasting(Material::Bearer(SecretString::from("t"))))))
        }
        fn invalidate(&self) -> bool {
            true
        }
        fn describe(&self) -> String {
            "test".into()
        }
    }

    #[test]
    fn provide_now_keeps_the_credential_and_honours_invalidate() {
        let c = Cached::new(Counting { calls: 0.into(), life: None });
        let a = c.provide_now().unwrap().unwrap();
        let b = c.provide_now().unwrap().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(c.inner.calls.load(Ordering::SeqCst), 1);
        assert!(c.invalidate());
        c.provide_now().unwrap().unwrap();
        assert_eq!(c.inner.calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn reuses_until_the_window_and_after_invalidate_fetches_again() {
        let c = Cached::new(Counting { calls: 0.into(), life: Some(Duration::from_secs(3600)) });
        c.provide().await.unwrap();
        c.provide().await.unwrap();
        assert_eq!(c.inner.calls.load(Ordering::SeqCst), 1);
        assert!(c.invalidate());
        c.provide().await.unwrap();
        assert_eq!(c.inner.calls.load(Ordering::SeqCst), 2);
        // A 5 s credential is reused for its first half, not fetched for every request.
        let short = Cached::new(Counting { calls: 0.into(), life: Some(Duration::from_secs(5)) });
        short.provide().await.unwrap();
        short.provide().await.unwrap();
        assert_eq!(short.inner.calls.load(Ordering::SeqCst), 1);
        // One that is already expired when it arrives is fetched each time.
        let spent = Cached::new(Counting { calls: 0.into(), life: Some(Duration::ZERO) });
        spent.provide().await.unwrap();
        spent.provide().await.unwrap();
        assert_eq!(spent.inner.calls.load(Ordering::SeqCst), 2);
    }
}
