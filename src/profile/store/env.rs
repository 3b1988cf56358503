//! `env:VAR`: the secret is the value of an environment variable, read at use (for CI).

use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{Secret, SecretStore, StoreError, StoreSpec};

pub struct EnvStore {
    var: String,
}

impl EnvStore {
    pub fn new(var: String) -> Self {
        Self { var }
    }
}

impl SecretStore for EnvStore {
    fn spec(&self) -> StoreSpec {
        StoreSpec::Env(self.var.clone())
    }

    fn get(&self, profile: &str) -> Result<Secret, StoreError> {
        match std::env::var_os(&self.var) {
            Some(v) if !v.is_empty() => Ok(Zeroizing::new(v.into_encoded_bytes())),
            _ => Err(StoreError::NotFound {
                store: format!("env:{} (the variable is not set)", self.var),
                profile: profile.into(),
            }),
        }
    }

    fn set(&self, _profile: &str, _secret: &[u8]) -> Result<(), StoreError> {
        Err(self.read_only().expect("always read-only"))
    }

    fn delete(&self, _profile: &str) -> Result<bool, StoreError> {
        Ok(false)
    }

    fn probe(&self) -> Result<Duration, StoreError> {
        let t = Instant::now();
        let _ = std::env::var_os(&self.var);
        Ok(t.elapsed())
    }

    fn read_only(&self) -> Option<StoreError> {
        Some(StoreError::ReadOnly {
            store: format!("env:{}", self.var),
            hint: format!("gwctl reads the secret from ${} when it is used; export it there", self.var),
        })
    }
}
