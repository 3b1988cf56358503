//! `gwctl keys rotate`: one state machine per scheme. Each step is recorded in the profile's
//! `rotation` before the next starts; re-running resumes from the recorded step.

mod aws;
mod jwt;
mod mlflow;
mod pending;

use std::time::Duration;

use jsonwebtoken::AlgorithmFamily;
use zeroize::Zeroizing;

use super::{KeysError, failpoint, generate};
use crate::credentials::{Material, StoreProvider};
use crate::gateway::Gateway;
use crate::profile::config::ConfigFile;
use crate::profile::store::{self, Secret, SecretStore, StoreError};
use crate::profile::{Profile, ProfileError, Rotation, RotationStep, Slot, now_rfc3339};
use crate::scheme::{AuthConfig, AuthScheme, RotationKind};
use crate::signing::aksk::AkSkCredentials;
use crate::signing::jwt as sjwt;
use crate::signing::sigv4::AwsCredentials;

/// Shows the person running the rotation what it will do (the text, several lines) and asks
/// whether to go ahead (the command supplies it; library code never prompts). `Err` when the
/// terminal cannot be read.
pub type Confirm = dyn Fn(&str) -> Result<bool, KeysError>;

/// What the user asked for. Not `Debug`: it may hold the new secret.
#[derive(Default)]
pub struct RotateOptions {
    /// Do not ask before starting.
    pub yes: bool,
    /// Say what would happen; change nothing (AWS: the key list is still read).
    pub dry_run: bool,
    /// Promote a pending key (gateway-managed keys) or stop publishing the previous public key (JWT).
    pub finish: bool,
    /// AWS: leave the old key inactive instead of deleting it.
    pub keep_old: bool,
    pub iam_endpoint: Option<String>,
    pub sts_endpoint: Option<String>,
    /// How long to wait for AWS to accept a new key.
    pub verify_timeout: Option<Duration>,
    /// A new secret given by the user (standard input) instead of a generated one.
    pub new_secret: Option<Secret>,
    /// RSA key size for new JWT keys.
    pub rsa_bits: u32,
    /// How IAM, STS and MLflow are called (timeouts, TLS).
    pub http: crate::http::HttpOptions,
    /// How to ask before starting (`None`: there is no terminal; `--yes` is needed).
    pub confirm: Option<Box<Confirm>>,
}

/// What a rotation prints for the user (standard output): instructions for an admin, which
/// may include a new secret, so it is wiped when dropped.
pub type Report = Zeroizing<String>;

pub struct Rotator<'a> {
    cf: &'a ConfigFile,
    name: String,
    store: Box<dyn SecretStore>,
    opts: RotateOptions,
    /// What this run read or wrote per slot (a file-store read costs a scrypt, ~1 s).
    cache: std::cell::RefCell<Vec<(Slot, Option<Secret>)>>,
}

fn stopped(msg: impl Into<String>) -> KeysError {
    KeysError::Stopped(msg.into())
}

/// A step, logged on standard error (never a secret).
fn step(name: &str, msg: std::fmt::Arguments<'_>) {
    crate::log::note(format_args!("keys rotate {name}: {msg}"));
}

/// The access key id an AK/SK or SigV4 profile names.
fn access_key_id(p: &Profile) -> Option<String> {
    match &p.auth {
        AuthConfig::SigV4 { access_key_id, .. } | AuthConfig::AkSk { access_key_id, .. } => access_key_id.clone(),
        _ => None,
    }
}

fn set_key_id(auth: &mut AuthConfig, id: Option<String>) {
    if let AuthConfig::SigV4 { access_key_id, .. } | AuthConfig::AkSk { access_key_id, .. } = auth {
        *access_key_id = id;
    }
}

fn set_kid(auth: &mut AuthConfig, kid: Option<String>) {
    if let AuthConfig::Jwt(j) = auth {
        j.kid = kid;
    }
}

impl<'a> Rotator<'a> {
    pub fn new(cf: &'a ConfigFile, name: &str, opts: RotateOptions) -> Result<Self, KeysError> {
        let p = cf.load()?.get(name)?.clone();
        let store = store::open(&p.store, &cf.dir())?;
        if let Some(e) = store.read_only() {
            return Err(KeysError::Usage(format!(
                "profile {name:?} keeps its secret in {}, which gwctl cannot write ({e}); move it to a writable store first \
                 (gwctl profile edit {name} --store secret-service|keyutils|file --secret-stdin)",
                p.store
            )));
        }
        Ok(Self { cf, name: name.to_string(), store, opts, cache: Default::default() })
    }

    pub fn run(&mut self) -> Result<Report, KeysError> {
        let p = self.profile()?;
        if self.opts.finish {
            return self.finish(&p);
        }
        match p.auth.rotation() {
            RotationKind::AwsAccessKey => crate::http::block_on(self.aws())?,
            RotationKind::GatewayKey => self.gateway_managed(&p),
            RotationKind::Password if p.gateway == Some(Gateway::MlflowServer) => {
                crate::http::block_on(self.mlflow_basic())?
            }
            RotationKind::Password => self.gateway_managed(&p),
            RotationKind::Jwt if self.jwt_alg(&p)?.family() == AlgorithmFamily::Hmac => self.gateway_managed(&p),
            RotationKind::Jwt => self.jwt_pair(&p),
            RotationKind::NotRotated(why) => Err(KeysError::Usage(why(&self.name))),
        }
    }

    fn profile(&self) -> Result<Profile, KeysError> {
        Ok(self.cf.load()?.get(&self.name)?.clone())
    }

    /// Changes the profile under the config lock; fails if it vanished meanwhile.
    fn update(&self, change: impl FnOnce(&mut Profile)) -> Result<(), KeysError> {
        self.cf.update(|c| {
            let p = c
                .profiles
                .get_mut(&self.name)
                .ok_or_else(|| ProfileError::Unknown { name: self.name.clone(), known: vec![] })?;
            change(p);
            Ok(())
        })?;
        Ok(())
    }

    fn get(&self, slot: Slot) -> Result<Secret, KeysError> {
        match self.get_opt(slot)? {
            Some(s) => Ok(s),
            None => {
                Err(StoreError::NotFound { store: self.store.spec().to_string(), profile: slot.entry(&self.name) }
                    .into())
            }
        }
    }

    fn get_opt(&self, slot: Slot) -> Result<Option<Secret>, KeysError> {
        if let Some((_, s)) = self.cache.borrow().iter().find(|(k, _)| *k == slot) {
            return Ok(s.clone());
        }
        let value = match self.store.get(&slot.entry(&self.name)) {
            Ok(s) => Some(s),
            Err(StoreError::NotFound { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        self.remember(slot, value.clone());
        Ok(value)
    }

    fn remember(&self, slot: Slot, value: Option<Secret>) {
        let mut cache = self.cache.borrow_mut();
        cache.retain(|(k, _)| *k != slot);
        cache.push((slot, value));
    }

    fn set(&self, slot: Slot, secret: &[u8]) -> Result<(), KeysError> {
        self.store.set(&slot.entry(&self.name), secret)?;
        self.remember(slot, Some(Zeroizing::new(secret.to_vec())));
        Ok(())
    }

    fn delete(&self, slot: Slot) -> Result<(), KeysError> {
        if self.cache.borrow().iter().any(|(k, v)| *k == slot && v.is_none()) {
            return Ok(());
        }
        self.store.delete(&slot.entry(&self.name))?;
        self.remember(slot, None);
        Ok(())
    }

    /// `gwctl keys rotate --profile NAME[ --finish]`, for messages.
    fn command(&self) -> String {
        format!("gwctl keys rotate --profile {}{}", self.name, if self.opts.finish { " --finish" } else { "" })
    }

    /// Before the first change: with `--dry-run`, the plan as the report (nothing changed);
    /// otherwise the plan is confirmed (`--yes`, or a question on the terminal; without either
    /// the run is refused). The same words serve the dry run, the question and the log, so a
    /// dry run announces exactly what the real run does.
    fn announce(&self, steps: &[String]) -> Result<Option<Report>, KeysError> {
        // A step may name what a server said (an IAM user name): one clean line each.
        let plan: String = steps.iter().map(|s| format!("  - {}\n", crate::redact::sanitize_line(s))).collect();
        if self.opts.dry_run {
            return Ok(Some(Zeroizing::new(format!(
                "{} would (dry run: nothing was changed):\n{plan}",
                self.command()
            ))));
        }
        for s in steps {
            crate::log::verbose(format_args!("keys rotate {}: plan: {s}", self.name));
        }
        if self.opts.yes {
            return Ok(None);
        }
        let Some(ask) = &self.opts.confirm else {
            return Err(KeysError::Usage(format!(
                "{} changes credentials and asks first, but there is no terminal to ask on: pass --yes \
                 (--dry-run shows what it would do)",
                self.command()
            )));
        };
        if ask(&format!("{} will:\n{plan}", self.command()))? {
            Ok(None)
        } else {
            Err(stopped("you answered no: nothing was changed"))
        }
    }

    fn material(&self, p: &Profile, secret: Secret) -> Result<Material, KeysError> {
        Ok(StoreProvider::with_secret(&self.name, p.auth.clone(), secret.clone()).material_from(&secret)?)
    }

    fn aws_of(&self, p: &Profile, secret: Secret) -> Result<AwsCredentials, KeysError> {
        match self.material(p, secret)? {
            Material::Aws(c) => Ok(c),
            _ => Err(KeysError::Input(format!("profile {:?}: the secret is not an AWS key pair", self.name))),
        }
    }

    fn aksk_of(&self, p: &Profile, secret: Secret) -> Result<AkSkCredentials, KeysError> {
        match self.material(p, secret)? {
            Material::AkSk(c) => Ok(c),
            _ => Err(KeysError::Input(format!("profile {:?}: the secret is not an AK/SK pair", self.name))),
        }
    }

    fn jwt_of(&self, p: &Profile, secret: Secret) -> Result<sjwt::JwtKey, KeysError> {
        match self.material(p, secret)? {
            Material::Jwt(k) => Ok(k),
            _ => Err(KeysError::Input(format!("profile {:?}: the secret is not a JWT key", self.name))),
        }
    }

    fn jwt_alg(&self, p: &Profile) -> Result<jsonwebtoken::Algorithm, KeysError> {
        Ok(p.jwt().cloned().unwrap_or_default().algorithm()?)
    }

    fn finish(&self, p: &Profile) -> Result<Report, KeysError> {
        let Some(r) = p.rotation.clone() else {
            return Err(KeysError::Usage(format!("profile {:?} has no rotation to finish", self.name)));
        };
        match r.step {
            RotationStep::Pending => {
                let new = match &r.pending_key_id {
                    Some(id) => format!(" ({} {id})", if p.scheme() == AuthScheme::Jwt { "kid" } else { "access key" }),
                    None => String::new(),
                };
                let old = r.previous_key_id.as_deref().map(|id| format!(" ({id})")).unwrap_or_default();
                let steps = [
                    format!("switch profile {:?} to its pending {}{new}", self.name, secret_word(p)),
                    format!("forget the old one{old}: do this once the gateway accepts the new one"),
                ];
                if let Some(report) = self.announce(&steps)? {
                    return Ok(report);
                }
                if let Some(pending) = self.get_opt(Slot::Pending)? {
                    self.set(Slot::Current, &pending)?;
                }
                failpoint("after-switch");
                self.update(|p| {
                    if let Some(id) = &r.pending_key_id {
                        match p.scheme() {
                            AuthScheme::Jwt => set_kid(&mut p.auth, Some(id.clone())),
                            _ => set_key_id(&mut p.auth, Some(id.clone())),
                        }
                    }
                    p.key_created = Some(now_rfc3339());
                    p.rotation = None;
                })?;
                self.delete(Slot::Pending)?;
                self.delete(Slot::Previous)?;
                step(&self.name, format_args!("the profile now uses the new key; the old one is forgotten"));
                Ok(format!(
                    "Remove the old key from the gateway{}.\n",
                    match &r.previous_key_id {
                        Some(id) => format!(" ({id})"),
                        None => String::new(),
                    }
                )
                .into())
            }
            RotationStep::Overlap => {
                let old = r.previous_key_id.as_deref().map(|id| format!(" (kid {id})")).unwrap_or_default();
                let steps = [format!(
                    "stop publishing the previous public key{old} of profile {:?} in gwctl keys jwks: tokens signed \
                     with it no longer verify once gateways fetch the new JWKS",
                    self.name
                )];
                if let Some(report) = self.announce(&steps)? {
                    return Ok(report);
                }
                self.update(|p| p.rotation = None)?;
                step(&self.name, format_args!("the previous public key is no longer in the JWKS"));
                Ok(format!("Publish the new JWKS: gwctl keys jwks --profile {}\n", self.name).into())
            }
            RotationStep::Created if p.scheme() == AuthScheme::Jwt => {
                self.jwt_switch()?;
                Err(stopped("the interrupted switch to the new key is now done; publish the JWKS, then run --finish"))
            }
            _ => Err(stopped(format!(
                "the rotation of {:?} is at step {} and finishes by itself: run gwctl keys rotate --profile {} (without --finish)",
                self.name,
                r.step.name(),
                self.name
            ))),
        }
    }
}

/// A key pair as AWS `credential_process` JSON (how the slots keep AK/SK pairs: the id travels
/// with the secret), written straight into wiped memory.
fn credential_json(id: &str, secret: &str, created: Option<&str>) -> Secret {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "PascalCase")]
    struct Json<'a> {
        version: u8,
        access_key_id: &'a str,
        secret_access_key: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        create_date: Option<&'a str>,
    }
    let mut out = Zeroizing::new(Vec::with_capacity(128));
    let json = Json { version: 1, access_key_id: id, secret_access_key: secret, create_date: created };
    serde_json::to_writer(&mut *out, &json).expect("writing JSON to memory cannot fail");
    out
}

fn set_step(p: &mut Profile, step: RotationStep, also: impl FnOnce(&mut Rotation)) {
    if let Some(r) = p.rotation.as_mut() {
        r.step = step;
        also(r);
    }
}

/// What the profile's secret is called in a plan.
fn secret_word(p: &Profile) -> &'static str {
    match p.scheme() {
        AuthScheme::Apipark | AuthScheme::Huawei => "key pair",
        AuthScheme::Basic => "password",
        AuthScheme::Jwt => "key",
        _ => "credential",
    }
}
