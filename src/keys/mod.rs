//! Key rotation (`gwctl keys rotate`) and key publication (`gwctl keys jwks`).
//!
//! A rotation is a sequence of steps, each recorded in the profile (`rotation.step`) before
//! the next begins; new secrets wait in the store's `pending` slot ([`Slot`]) until they are
//! known to work. At every point the profile holds a working credential, and re-running
//! `gwctl keys rotate` resumes where an interrupted run stopped.
//!
//! | scheme | how the new key is made | when the old one goes |
//! | --- | --- | --- |
//! | sigv4 | IAM `CreateAccessKey`, checked with STS | deactivated and deleted once the new key works |
//! | apipark, huawei | generated (or read from stdin) for the gateway admin to install | `--finish` |
//! | jwt (RSA, EC, Ed25519) | a new key pair with a new `kid` | old public key published until `--finish` |
//! | jwt (HMAC) | a new secret for the gateway admin to install | `--finish` |
//! | basic | a new password: set through MLflow's API, or an htpasswd line for the admin | at once (MLflow) or `--finish` |
//!
//! [`Slot`]: crate::profile::Slot

pub mod generate;
pub mod iam;
pub mod rotate;

use crate::client::ClientError;
use crate::credentials::{CredentialError, Material, ProvideCredential as _, StoreProvider};
use crate::http::HttpError;
use crate::profile::config::ConfigFile;
use crate::profile::store::{self, StoreError};
use crate::profile::{ProfileError, Rotation, RotationStep, Slot};
use crate::scheme::AuthScheme;
use crate::signing::{SigningError, jwt};
use crate::util::ValueError;

#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error("{0}")]
    Generate(String),
    /// The rotation stopped before it finished (a precondition, or a step that can be
    /// retried); the profile still works.
    #[error("{0}")]
    Stopped(String),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Input(String),
    /// An AWS answer that is an error document (4xx/5xx).
    #[error("{message}")]
    Status { status: u16, message: String },
    /// An answer gwctl cannot read.
    #[error("{0}")]
    BadAnswer(String),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Credential(#[from] CredentialError),
    #[error(transparent)]
    Signing(#[from] SigningError),
    #[error(transparent)]
    Value(#[from] ValueError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Http(#[from] HttpError),
}

impl KeysError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            KeysError::Generate(_) => ExitCode::Internal,
            KeysError::Stopped(_) => ExitCode::Rotation,
            KeysError::Usage(_) => ExitCode::Usage,
            KeysError::Input(_) => ExitCode::InvalidInput,
            KeysError::Status { status, .. } if *status >= 500 => ExitCode::ServerStatus,
            KeysError::Status { .. } => ExitCode::ClientStatus,
            KeysError::BadAnswer(_) => ExitCode::Network,
            KeysError::Profile(e) => e.exit_code(),
            KeysError::Store(e) => e.exit_code(),
            KeysError::Credential(e) => e.exit_code(),
            KeysError::Signing(e) => e.exit_code(),
            KeysError::Value(e) => e.exit_code(),
            KeysError::Client(e) => e.exit_code(),
            KeysError::Http(e) => e.exit_code(),
        }
    }
}

impl From<iam::ApiError> for KeysError {
    fn from(e: iam::ApiError) -> Self {
        match e {
            iam::ApiError::Transport(h) => KeysError::Http(h),
            iam::ApiError::Aws { status, .. } if status < 300 => KeysError::BadAnswer(e.to_string()),
            iam::ApiError::Aws { status, .. } => KeysError::Status { status, message: e.to_string() },
        }
    }
}

impl From<crate::auth::AuthError> for KeysError {
    fn from(e: crate::auth::AuthError) -> Self {
        KeysError::Http(e.into())
    }
}

/// Stops here when `GWCTL_FAILPOINT` names this step, so that tests can kill the process at
/// an exact point: announces it on standard error, then waits to be killed. A test hook: it
/// exists in debug builds only (the tests' binary); a release build ignores the variable.
#[cfg(debug_assertions)]
pub(crate) fn failpoint(step: &str) {
    if std::env::var("GWCTL_FAILPOINT").is_ok_and(|f| f == step) {
        eprintln!("gwctl: failpoint {step}: waiting to be killed");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub(crate) fn failpoint(_step: &str) {}

/// The JWKS (RFC 7517) for a JWT profile: the current public key, and during a rotation the
/// pending and previous ones, so that a gateway trusts every key that may sign.
pub fn jwks(cf: &ConfigFile, name: &str) -> Result<serde_json::Value, KeysError> {
    let config = cf.load()?;
    let p = config.get(name)?.clone();
    let Some(jp) = p.jwt().cloned().filter(|_| p.scheme() == AuthScheme::Jwt) else {
        return Err(KeysError::Usage(format!("profile {name:?} uses {}: a JWKS is for jwt profiles", p.scheme())));
    };
    let alg = jp.algorithm()?;
    if alg.family() == jsonwebtoken::AlgorithmFamily::Hmac {
        return Err(KeysError::Usage(format!(
            "profile {name:?} signs with {alg:?}, a shared secret: there is no public key to publish. \
             The gateway must hold the secret itself (gwctl keys rotate prints a new one for its admin)"
        )));
    }
    let store = store::open(&p.store, &cf.dir())?;
    let mut keys = Vec::new();
    let mid_switch = p.rotation.as_ref().filter(|r| r.step == RotationStep::Created);
    if let Some(r) = mid_switch {
        // Mid-switch the current slot holds the old key or already the new one: publish the
        // new (pending) key under its kid, and the old one from `previous_jwk` below.
        let pending = match store.get(&Slot::Pending.entry(name)) {
            Ok(secret) => secret,
            Err(StoreError::NotFound { .. }) => store.get(&Slot::Current.entry(name))?,
            Err(e) => return Err(e.into()),
        };
        keys.push(jwt::public_jwk(alg, &jwt::JwtKey::parse(&pending)?, r.pending_key_id.as_deref())?);
        // The kid is dropped when the rotation starts, so tokens name the thumbprint of the
        // key the current slot holds (old or new): publish that one too.
        if jp.kid.is_none() {
            let current = store.get(&Slot::Current.entry(name))?;
            let jwk = jwt::public_jwk(alg, &jwt::JwtKey::parse(&current)?, None)?;
            if !keys.contains(&jwk) {
                keys.push(jwk);
            }
        }
    } else {
        let provider = StoreProvider::new(name, p.auth.clone(), p.store.clone(), cf.dir());
        let credential = crate::http::block_on(provider.provide())??;
        let Material::Jwt(key) = &credential.material else {
            return Err(KeysError::Input(format!("profile {name:?}: the stored secret is not a JWT key")));
        };
        keys.push(jwt::public_jwk(alg, key, jp.kid.as_deref())?);
    }
    if let Some(prev) = p.rotation.as_ref().and_then(|r| r.previous_jwk.as_ref()) {
        let jwk: serde_json::Value = serde_json::from_str(prev)
            .map_err(|e| KeysError::Input(format!("profile {name:?}: the previous key's JWK does not parse ({e})")))?;
        // One JWK, or (since kids are thumbprints) the old key under each kid it signed with.
        let jwks = match jwk {
            serde_json::Value::Array(many) => many,
            one => vec![one],
        };
        for jwk in jwks {
            if !keys.contains(&jwk) {
                keys.push(jwk);
            }
        }
    }
    Ok(serde_json::json!({ "keys": keys }))
}

/// One line for `gwctl doctor` and `profile show` about a rotation under way.
pub fn describe(name: &str, r: &Rotation) -> String {
    let what = match r.step {
        RotationStep::Pending => "a new key waits for the gateway admin; then: gwctl keys rotate --finish".to_string(),
        RotationStep::Overlap => {
            "the previous public key is still published; when gateways have the new JWKS: gwctl keys rotate --finish"
                .to_string()
        }
        step => format!("interrupted at step {}; gwctl keys rotate resumes it", step.name()),
    };
    format!("rotation of {name:?} since {}: {what}", r.started)
}

#[cfg(test)]
mod failpoint_tests {
    /// A release build ignores `GWCTL_FAILPOINT` (run with `cargo test --release --lib
    /// failpoint`); a debug build (the tests' binary) honours it.
    #[test]
    fn failpoints_exist_in_debug_builds_only() {
        // SAFETY: this test's process sets the variable before any other thread reads it for
        // this step name, which nothing else uses.
        unsafe { std::env::set_var("GWCTL_FAILPOINT", "never-used-step-in-tests") };
        if cfg!(debug_assertions) {
            // Not called: it would wait forever, by design.
            return;
        }
        let t = std::time::Instant::now();
        super::failpoint("never-used-step-in-tests");
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }
}
