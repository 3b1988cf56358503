//! `gwctl keys rotate`: one state machine per scheme. Each step is recorded in the profile's
//! `rotation` before the next starts; re-running resumes from the recorded step.

use std::time::{Duration, Instant};

use jsonwebtoken::AlgorithmFamily;
use std::fmt::Write as _;

use zeroize::Zeroizing;

use super::iam::{ApiError, AwsApi, DEFAULT_IAM, DEFAULT_STS};
use super::{KeysError, failpoint, generate};
use crate::auth::AuthScheme;
use crate::credentials::CredentialSource;
use crate::error::Error;
use crate::profile::config::ConfigFile;
use crate::profile::credentials::ProfileCredentials;
use crate::profile::store::{self, Secret, SecretStore, StoreError};
use crate::profile::{Gateway, Profile, ProfileError, Rotation, RotationStep, Slot, now_rfc3339};
use crate::signing::jwt;
use crate::signing::sigv4::AwsCredentials;

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

fn stopped(msg: impl Into<String>) -> Error {
    KeysError::Stopped(msg.into()).into()
}

fn step(name: &str, msg: std::fmt::Arguments<'_>) {
    eprintln!("gwctl: keys rotate {name}: {msg}");
}

impl<'a> Rotator<'a> {
    pub fn new(cf: &'a ConfigFile, name: &str, opts: RotateOptions) -> Result<Self, Error> {
        let p = cf.load()?.get(name)?.clone();
        let store = store::open(&p.store, &cf.dir())?;
        if let Some(e) = store.read_only() {
            return Err(Error::Usage(format!(
                "profile {name:?} keeps its secret in {}, which gwctl cannot write ({e}); move it to a writable store first \
                 (gwctl profile edit {name} --store secret-service|keyutils|file --secret-stdin)",
                p.store
            )));
        }
        Ok(Self { cf, name: name.to_string(), store, opts, cache: Default::default() })
    }

    pub fn run(&mut self) -> Result<Report, Error> {
        let p = self.profile()?;
        if self.opts.finish {
            return self.finish(&p);
        }
        match p.auth {
            AuthScheme::Sigv4 => crate::http::block_on(self.aws())?,
            AuthScheme::Apipark | AuthScheme::Huawei => self.gateway_managed(&p),
            AuthScheme::Basic if p.gateway == Some(Gateway::MlflowServer) => {
                crate::http::block_on(self.mlflow_basic())?
            }
            AuthScheme::Basic => self.gateway_managed(&p),
            AuthScheme::Jwt if self.jwt_alg(&p)?.family() == AlgorithmFamily::Hmac => self.gateway_managed(&p),
            AuthScheme::Jwt => self.jwt_pair(&p),
            AuthScheme::Bearer => Err(Error::Usage(format!(
                "bearer tokens are issued by the gateway, not by gwctl: store the new one with \
                 gwctl profile edit {} --secret-stdin",
                self.name
            ))),
        }
    }

    fn profile(&self) -> Result<Profile, Error> {
        Ok(self.cf.load()?.get(&self.name)?.clone())
    }

    /// Changes the profile under the config lock; fails if it vanished meanwhile.
    fn update(&self, change: impl FnOnce(&mut Profile)) -> Result<(), Error> {
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

    fn get(&self, slot: Slot) -> Result<Secret, Error> {
        match self.get_opt(slot)? {
            Some(s) => Ok(s),
            None => {
                Err(StoreError::NotFound { store: self.store.spec().to_string(), profile: slot.entry(&self.name) }
                    .into())
            }
        }
    }

    fn get_opt(&self, slot: Slot) -> Result<Option<Secret>, Error> {
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

    fn set(&self, slot: Slot, secret: &[u8]) -> Result<(), Error> {
        self.store.set(&slot.entry(&self.name), secret)?;
        self.remember(slot, Some(Zeroizing::new(secret.to_vec())));
        Ok(())
    }

    fn delete(&self, slot: Slot) -> Result<(), Error> {
        if self.cache.borrow().iter().any(|(k, v)| *k == slot && v.is_none()) {
            return Ok(());
        }
        self.store.delete(&slot.entry(&self.name))?;
        self.remember(slot, None);
        Ok(())
    }

    fn confirm(&self, question: &str) -> Result<(), Error> {
        if self.opts.yes {
            return Ok(());
        }
        if !crate::prompt::interactive() {
            return Err(Error::Usage(format!("{question} Pass --yes to go ahead (there is no terminal to ask on)")));
        }
        if crate::prompt::confirm(question)? { Ok(()) } else { Err(stopped("nothing changed")) }
    }

    fn creds(&self, p: &Profile, secret: Secret) -> ProfileCredentials {
        ProfileCredentials::with_secret(self.name.clone(), p.clone(), secret)
    }

    fn jwt_alg(&self, p: &Profile) -> Result<jsonwebtoken::Algorithm, Error> {
        Ok(jwt::parse_algorithm(p.jwt.as_ref().and_then(|j| j.alg.as_deref()).unwrap_or("HS256"))?)
    }

    // ---------------------------------------------------------------- AWS IAM user keys

    async fn aws(&mut self) -> Result<Report, Error> {
        let p = self.profile()?;
        let iam = self.opts.iam_endpoint.clone().or(p.iam_endpoint.clone()).unwrap_or(DEFAULT_IAM.into());
        let sts = self.opts.sts_endpoint.clone().or(p.sts_endpoint.clone()).unwrap_or(DEFAULT_STS.into());
        let api = AwsApi::new(&iam, &sts, p.region.as_deref())?;
        loop {
            let p = self.profile()?;
            let Some(r) = p.rotation.clone() else {
                if self.aws_start(&api, &p).await? {
                    continue;
                }
                return Ok(Report::default());
            };
            match r.step {
                RotationStep::Creating => self.aws_create(&api, &p, &r).await?,
                RotationStep::Created => self.aws_verify(&api, &p, &r).await?,
                RotationStep::Verified => self.aws_promote(&p, &r)?,
                RotationStep::Promoted => self.aws_deactivate(&api, &p, &r).await?,
                RotationStep::Deactivated => return self.aws_delete(&api, &p, &r).await,
                other => return Err(self.foreign_step(other)),
            }
        }
    }

    fn foreign_step(&self, step: RotationStep) -> Error {
        stopped(format!(
            "profile {:?} records a rotation at step {:?}, which does not belong to its scheme; \
             remove the [profiles.{}.rotation] table from the config if it was copied by hand",
            self.name,
            step.name(),
            self.name
        ))
    }

    fn aws_current(&self, p: &Profile) -> Result<AwsCredentials, Error> {
        let creds = self.creds(p, self.get(Slot::Current)?).aws()?;
        if creds.session_token.is_some() {
            return Err(Error::Usage(format!(
                "profile {:?} holds temporary credentials (a session token): they expire by themselves and \
                 cannot be rotated; rotate the IAM user's key they come from",
                self.name
            )));
        }
        Ok(creds)
    }

    fn aws_pending(&self, p: &Profile) -> Result<Option<AwsCredentials>, Error> {
        match self.get_opt(Slot::Pending)? {
            Some(s) => Ok(Some(self.creds(p, s).aws()?)),
            None => Ok(None),
        }
    }

    /// Lists the keys, checks there is room for one more, records the intent. Returns whether
    /// to go on (false for --dry-run).
    async fn aws_start(&self, api: &AwsApi, p: &Profile) -> Result<bool, Error> {
        let current = self.aws_current(p)?;
        let (user, keys) = api.list_access_keys(&current).await?;
        step(&self.name, format_args!("IAM user {user:?} has {} access key(s)", keys.len()));
        if keys.len() >= 2 {
            let other: Vec<_> = keys.iter().filter(|k| k.id != current.access_key_id).collect();
            let list = keys
                .iter()
                .map(|k| {
                    format!(
                        "{} ({}{}, created {})",
                        k.id,
                        k.status.to_lowercase(),
                        if k.id == current.access_key_id { ", this profile's" } else { "" },
                        k.created.as_deref().unwrap_or("?")
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let hint = match other.first() {
                Some(k) => format!(
                    "; if nothing uses {id}, delete it: aws iam delete-access-key --user-name {user} --access-key-id {id}",
                    id = k.id
                ),
                None => String::new(),
            };
            return Err(stopped(format!(
                "IAM user {user:?} already has two access keys, the most IAM allows: {list}. Nothing was changed{hint}"
            )));
        }
        let plan = format!(
            "rotate access key {} of IAM user {user:?}: create a new key, check it with STS, switch the profile to it, \
             then deactivate {}",
            current.access_key_id,
            if self.opts.keep_old { "the old key (kept: --keep-old)" } else { "and delete the old key" }
        );
        if self.opts.dry_run {
            println!("would {plan}");
            return Ok(false);
        }
        self.confirm(&format!("{}?", capitalise(&plan)))?;
        let keys_before = keys.iter().map(|k| k.id.clone()).collect();
        self.update(|p| {
            p.rotation = Some(Rotation {
                step: RotationStep::Creating,
                started: now_rfc3339(),
                pending_key_id: None,
                previous_key_id: Some(current.access_key_id.clone()),
                keys_before,
                previous_jwk: None,
                keep_old: self.opts.keep_old,
                generated: true,
            })
        })?;
        Ok(true)
    }

    async fn aws_create(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<(), Error> {
        let current = self.aws_current(p)?;
        let (_, keys) = api.list_access_keys(&current).await?;
        // Resuming: the new key may have been stored before the step was recorded.
        if let Some(pending) = self.aws_pending(p)?
            && keys.iter().any(|k| k.id == pending.access_key_id)
        {
            let id = pending.access_key_id.clone();
            return self.update(|p| set_step(p, RotationStep::Created, |r| r.pending_key_id = Some(id)));
        }
        // A key created by an interrupted run whose secret was never stored is of no use to
        // anyone: delete it, or it would take the second slot.
        for orphan in keys.iter().filter(|k| !r.keys_before.contains(&k.id) && k.id != current.access_key_id) {
            step(
                &self.name,
                format_args!(
                    "deleting access key {} left by an interrupted run (its secret was never stored)",
                    orphan.id
                ),
            );
            match api.delete_access_key(&current, &orphan.id).await {
                Ok(()) => {}
                Err(e) if e.code() == Some("NoSuchEntity") => {}
                Err(e) => return Err(e.into()),
            }
        }
        let new = api.create_access_key(&current).await.map_err(|e| {
            if e.code() == Some("LimitExceeded") {
                stopped(format!("{e}; the user has two keys already: delete the one this profile does not use"))
            } else {
                e.into()
            }
        })?;
        failpoint("after-create");
        self.set(Slot::Pending, &credential_json(&new.id, &new.secret, new.created.as_deref()))?;
        failpoint("after-store-pending");
        step(&self.name, format_args!("created access key {} (stored as pending in {})", new.id, p.store));
        self.update(|p| set_step(p, RotationStep::Created, |r| r.pending_key_id = Some(new.id.clone())))
    }

    async fn aws_verify(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<(), Error> {
        let Some(pending) = self.aws_pending(p)? else {
            // The pending secret is gone: start the creation step over (its key is an orphan).
            step(&self.name, format_args!("the pending key's secret is missing; creating a new key"));
            return self.update(|p| set_step(p, RotationStep::Creating, |r| r.pending_key_id = None));
        };
        let expected = match self.aws_current(p) {
            Ok(c) => api.caller_identity(&c).await.ok(),
            Err(_) => None,
        };
        let timeout = self.opts.verify_timeout.unwrap_or(Duration::from_secs(30));
        let deadline = Instant::now() + timeout;
        let mut tries = 0;
        let arn = loop {
            tries += 1;
            match api.caller_identity(&pending).await {
                Ok(arn) => break arn,
                Err(e) if Instant::now() + Duration::from_secs(2) < deadline => {
                    crate::log::verbose(format_args!("STS does not accept the new key yet ({e}); trying again"));
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                Err(e) => {
                    return Err(stopped(format!(
                        "STS did not accept the new key {} within {} s ({tries} tries; last: {e}). The profile still \
                         uses {}; run gwctl keys rotate --profile {} again to retry",
                        pending.access_key_id,
                        timeout.as_secs(),
                        r.previous_key_id.as_deref().unwrap_or("the old key"),
                        self.name
                    )));
                }
            }
        };
        if let Some(expected) = expected.filter(|e| !e.is_empty() && !arn.is_empty() && *e != arn) {
            return Err(stopped(format!(
                "the new key {} acts as {arn}, but the profile's key acts as {expected}; nothing was switched",
                pending.access_key_id
            )));
        }
        step(&self.name, format_args!("STS accepts the new key {} as {arn}", pending.access_key_id));
        self.update(|p| set_step(p, RotationStep::Verified, |_| {}))?;
        failpoint("after-verify");
        Ok(())
    }

    /// Switches the profile to the new key. The current slot holds the key as JSON with its
    /// id, so the store write is the switch; the old key is kept in the `previous` slot first.
    fn aws_promote(&self, p: &Profile, r: &Rotation) -> Result<(), Error> {
        let pending_secret = self.get_opt(Slot::Pending)?;
        let current_secret = self.get(Slot::Current)?;
        let current = self.creds(p, current_secret.clone()).aws()?;
        let new_id = r.pending_key_id.clone().unwrap_or_default();
        if current.access_key_id != new_id {
            let Some(pending_secret) = pending_secret else {
                step(&self.name, format_args!("the pending key's secret is missing; creating a new key"));
                return self.update(|p| set_step(p, RotationStep::Creating, |r| r.pending_key_id = None));
            };
            let old = credential_json(
                &current.access_key_id,
                secrecy::ExposeSecret::expose_secret(&current.secret_access_key),
                None,
            );
            self.set(Slot::Previous, &old)?;
            self.set(Slot::Current, &pending_secret)?;
            failpoint("after-switch");
        }
        let created = self
            .get_opt(Slot::Current)?
            .and_then(|s| serde_json::from_slice::<serde_json::Value>(&s).ok())
            .and_then(|v| v.get("CreateDate").and_then(|d| d.as_str()).map(str::to_string));
        self.update(|p| {
            p.access_key_id = Some(new_id.clone());
            p.key_created = Some(created.unwrap_or_else(now_rfc3339));
            set_step(p, RotationStep::Promoted, |_| {});
        })?;
        self.delete(Slot::Pending)?;
        step(&self.name, format_args!("the profile now uses access key {new_id}"));
        failpoint("after-promote");
        Ok(())
    }

    async fn aws_deactivate(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<(), Error> {
        let current = self.aws_current(p)?;
        let Some(old) = r.previous_key_id.clone().filter(|o| *o != current.access_key_id) else {
            return self.update(|p| set_step(p, RotationStep::Deactivated, |_| {}));
        };
        let result =
            retry_until_consistent(self.opts.verify_timeout, || api.update_access_key(&current, &old, "Inactive"))
                .await;
        match result {
            Ok(()) => step(&self.name, format_args!("deactivated the old access key {old}")),
            Err(e) if e.code() == Some("NoSuchEntity") => {
                step(&self.name, format_args!("the old access key {old} is already gone"))
            }
            Err(e) => return Err(e.into()),
        }
        self.update(|p| set_step(p, RotationStep::Deactivated, |_| {}))?;
        failpoint("after-deactivate");
        Ok(())
    }

    async fn aws_delete(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<Report, Error> {
        let current = self.aws_current(p)?;
        let old = r.previous_key_id.clone().filter(|o| *o != current.access_key_id);
        let keep = r.keep_old || self.opts.keep_old;
        if let Some(old) = &old {
            if keep {
                step(&self.name, format_args!("kept the old access key {old}, inactive (--keep-old)"));
            } else {
                match retry_until_consistent(self.opts.verify_timeout, || api.delete_access_key(&current, old)).await {
                    Ok(()) => step(&self.name, format_args!("deleted the old access key {old}")),
                    Err(e) if e.code() == Some("NoSuchEntity") => {}
                    Err(e) => return Err(e.into()),
                }
                failpoint("after-delete");
            }
        }
        self.delete(Slot::Previous)?;
        self.update(|p| p.rotation = None)?;
        step(&self.name, format_args!("done: the profile uses access key {}", current.access_key_id));
        Ok(Report::default())
    }

    // ---------------------------------------- keys the gateway's admin installs (pending)

    /// AK/SK pairs, HMAC JWT secrets and Basic passwords for a proxy: gwctl makes (or takes)
    /// the new secret, keeps it pending and prints what the admin installs; `--finish`
    /// switches to it.
    fn gateway_managed(&self, p: &Profile) -> Result<Report, Error> {
        if let Some(r) = &p.rotation {
            if r.step != RotationStep::Pending {
                return Err(self.foreign_step(r.step));
            }
            let pending = self.get(Slot::Pending)?;
            step(&self.name, format_args!("a new key is already pending since {} (showing it again)", r.started));
            return self.install_instructions(p, &pending, r.pending_key_id.as_deref(), r.generated);
        }
        let (secret, id, generated) = self.new_gateway_secret(p)?;
        if self.opts.dry_run {
            println!("would store a new {} secret as pending and print what the gateway admin installs", p.auth);
            return Ok(Report::default());
        }
        self.set(Slot::Pending, &secret)?;
        let previous = p.access_key_id.clone().or_else(|| p.jwt.as_ref().and_then(|j| j.kid.clone()));
        self.update(|p| {
            p.rotation = Some(Rotation {
                step: RotationStep::Pending,
                started: now_rfc3339(),
                pending_key_id: id.clone(),
                previous_key_id: previous,
                keys_before: vec![],
                previous_jwk: None,
                keep_old: false,
                generated,
            })
        })?;
        step(&self.name, format_args!("stored the new secret as pending in {}", p.store));
        self.install_instructions(p, &secret, id.as_deref(), generated)
    }

    /// The new secret in the form the current slot keeps it, its key id, and whether gwctl made it.
    fn new_gateway_secret(&self, p: &Profile) -> Result<(Secret, Option<String>, bool), Error> {
        let given = self.opts.new_secret.clone();
        match p.auth {
            AuthScheme::Apipark | AuthScheme::Huawei => {
                let (id, sk) = match &given {
                    Some(text) => parse_pair(text)?,
                    None => {
                        let prefix = if p.auth == AuthScheme::Huawei { "HW" } else { "AK" };
                        (generate::access_key_id(prefix)?, generate::secret_key()?)
                    }
                };
                if Some(&id) == p.access_key_id.as_ref() {
                    return Err(Error::Input(format!("the new access key id is the current one ({id})")));
                }
                Ok((credential_json(&id, &sk, None), Some(id), given.is_none()))
            }
            AuthScheme::Basic => match given {
                Some(s) => {
                    let text =
                        std::str::from_utf8(&s).map_err(|_| Error::Input("the new password is not UTF-8".into()))?;
                    let pw = text.trim_end_matches(['\r', '\n']);
                    if pw.is_empty() {
                        return Err(Error::Input("the new password on standard input is empty".into()));
                    }
                    Ok((Zeroizing::new(pw.as_bytes().to_vec()), None, false))
                }
                None => Ok((Zeroizing::new(generate::password()?.as_bytes().to_vec()), None, true)),
            },
            AuthScheme::Jwt => {
                let alg = self.jwt_alg(p)?;
                let secret = match given {
                    Some(s) => {
                        jwt::JwtKey::parse(&s)?;
                        s
                    }
                    None => generate::jwt_key(alg, self.opts.rsa_bits)?,
                };
                Ok((secret, Some(generate::kid()?), self.opts.new_secret.is_none()))
            }
            other => Err(Error::Usage(format!("{other} keys are not rotated this way"))),
        }
    }

    fn install_instructions(
        &self,
        p: &Profile,
        secret: &Secret,
        kid: Option<&str>,
        show_secret: bool,
    ) -> Result<Report, Error> {
        let finish = format!("gwctl keys rotate --profile {} --finish", self.name);
        // Written in place (no temporary copies of the secret) into a buffer that is wiped.
        let mut out = Report::new(String::with_capacity(1024));
        match p.auth {
            AuthScheme::Apipark | AuthScheme::Huawei => {
                let creds = self.creds(p, secret.clone()).aksk(p.auth.name())?;
                let where_ = if p.auth == AuthScheme::Huawei {
                    "the API Gateway app's AppKey/AppSecret"
                } else {
                    "the APIPark/Apinto application's AK/SK authentication"
                };
                let _ = writeln!(out, "Install this key pair in {where_}, next to the old one:");
                let _ = writeln!(out, "  access key: {}", creds.access_key_id);
                if show_secret {
                    let _ = writeln!(out, "  secret key: {}", secrecy::ExposeSecret::expose_secret(&creds.secret));
                } else {
                    out.push_str("  secret key: (the one you gave on standard input)\n");
                }
            }
            AuthScheme::Basic => {
                let user = p.username.clone().unwrap_or_default();
                let line = crate::scaffold::nginx::htpasswd_line(&user, secret)?;
                out.push_str("Replace the user's line in the proxy's htpasswd file with:\n");
                let _ = writeln!(out, "  {line}");
            }
            AuthScheme::Jwt => {
                use base64::Engine as _;
                let key = jwt::JwtKey::parse(secret)?;
                let jwt::JwtKey::Secret(bytes) = key else {
                    return Err(Error::Input("an HMAC profile's new key is not a secret".into()));
                };
                out.push_str("Add this HMAC secret to the gateway's JWT verifier, next to the old one:\n");
                if let Some(kid) = kid {
                    let _ = writeln!(out, "  kid:    {kid}");
                }
                if show_secret {
                    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()));
                    let _ = writeln!(out, "  secret: {} (base64)", b64.as_str());
                } else {
                    out.push_str("  secret: (the one you gave on standard input)\n");
                }
            }
            _ => {}
        }
        let _ = writeln!(out, "The profile keeps using its current key until you run: {finish}");
        Ok(out)
    }

    // ------------------------------------------------------------------ JWT key pairs

    fn jwt_pair(&self, p: &Profile) -> Result<Report, Error> {
        let alg = self.jwt_alg(p)?;
        match p.rotation.as_ref().map(|r| r.step) {
            None => {}
            Some(RotationStep::Created) => return self.jwt_switch(),
            Some(RotationStep::Overlap) => {
                return Err(stopped(format!(
                    "profile {:?} was rotated at {}; the previous public key is still published. When every gateway \
                     has fetched the new JWKS, run gwctl keys rotate --profile {} --finish (then rotate again if needed)",
                    self.name,
                    p.rotation.as_ref().map(|r| r.started.as_str()).unwrap_or("?"),
                    self.name
                )));
            }
            Some(other) => return Err(self.foreign_step(other)),
        }
        let current = self.creds(p, self.get(Slot::Current)?).jwt_key()?;
        let old_kid = p.jwt.as_ref().and_then(|j| j.kid.clone());
        let previous_jwk = jwt::public_jwk(alg, &current, old_kid.as_deref())?;
        let (secret, kid, _) = self.new_gateway_secret(p)?;
        let key = jwt::JwtKey::parse(&secret)?;
        jwt::public_jwk(alg, &key, kid.as_deref())?; // the new key must be usable for alg
        if self.opts.dry_run {
            println!(
                "would make a new {alg:?} key with kid {}, sign with it, and keep publishing the old key{} until --finish",
                kid.as_deref().unwrap_or("?"),
                old_kid.as_deref().map(|k| format!(" ({k})")).unwrap_or_default()
            );
            return Ok(Report::default());
        }
        self.set(Slot::Pending, &secret)?;
        self.update(|p| {
            p.rotation = Some(Rotation {
                step: RotationStep::Created,
                started: now_rfc3339(),
                pending_key_id: kid.clone(),
                previous_key_id: old_kid.clone(),
                keys_before: vec![],
                previous_jwk: Some(previous_jwk.to_string()),
                keep_old: false,
                generated: true,
            })
        })?;
        failpoint("after-store-pending");
        step(&self.name, format_args!("made a new {alg:?} key, kid {}", kid.as_deref().unwrap_or("?")));
        self.jwt_switch()
    }

    /// Makes the pending key current, together with its kid.
    fn jwt_switch(&self) -> Result<Report, Error> {
        let p = self.profile()?;
        let Some(r) = p.rotation.clone() else {
            return Err(stopped(format!("profile {:?} has no rotation under way", self.name)));
        };
        if let Some(pending) = self.get_opt(Slot::Pending)? {
            self.set(Slot::Current, &pending)?;
        }
        failpoint("after-switch");
        let kid = r.pending_key_id.clone();
        self.update(|p| {
            p.jwt.get_or_insert_with(Default::default).kid = kid.clone();
            p.key_created = Some(now_rfc3339());
            set_step(p, RotationStep::Overlap, |_| {});
        })?;
        self.delete(Slot::Pending)?;
        step(
            &self.name,
            format_args!(
                "tokens are now signed with kid {}; the previous public key stays in the JWKS",
                kid.as_deref().unwrap_or("?")
            ),
        );
        Ok(format!(
            "Publish the JWKS with both keys to the gateway now:\n  gwctl keys jwks --profile {n}\n\
             When every gateway has it and tokens signed with the old key have expired, run:\n  gwctl keys rotate --profile {n} --finish\n",
            n = self.name
        )
        .into())
    }

    // -------------------------------------------- Basic on an MLflow tracking server

    async fn mlflow_basic(&self) -> Result<Report, Error> {
        let p = self.profile()?;
        let base = p.url.clone().ok_or_else(|| {
            Error::Usage(format!("profile {:?} has no --url: the tracking server's address is needed", self.name))
        })?;
        let user = p.username.clone().unwrap_or_default();
        let client = crate::http::client(&crate::http::HttpOptions::default())?;
        let api = MlflowUsers { client: &client, base: &base, user: &user };
        match p.rotation.as_ref().map(|r| r.step) {
            None => {
                let (secret, _, _) = self.new_gateway_secret(&p)?;
                if self.opts.dry_run {
                    println!(
                        "would change the password of MLflow user {user:?} at {base} and switch the profile to it"
                    );
                    return Ok(Report::default());
                }
                self.confirm(&format!("Change the password of MLflow user {user:?} at {base}?"))?;
                // The old password must work, or the change cannot be made (and nothing is lost).
                api.check(&self.get(Slot::Current)?).await?;
                self.set(Slot::Pending, &secret)?;
                self.update(|p| {
                    p.rotation = Some(Rotation {
                        step: RotationStep::Changing,
                        started: now_rfc3339(),
                        pending_key_id: None,
                        previous_key_id: None,
                        keys_before: vec![],
                        previous_jwk: None,
                        keep_old: false,
                        generated: true,
                    })
                })?;
                failpoint("after-store-pending");
            }
            Some(RotationStep::Changing) => {}
            Some(other) => return Err(self.foreign_step(other)),
        }
        let pending = self.get(Slot::Pending)?;
        // Resuming: the server may have the new password already.
        if api.check(&pending).await.is_err() {
            let current = self.get(Slot::Current)?;
            api.change(&current, &pending).await?;
            step(&self.name, format_args!("changed the password of {user:?} on the server"));
            failpoint("after-change");
            api.check(&pending).await.map_err(|e| {
                stopped(format!(
                    "the server does not accept the new password ({e}); it is kept as pending: re-run to retry"
                ))
            })?;
        }
        step(&self.name, format_args!("the server accepts the new password"));
        self.set(Slot::Current, &pending)?;
        self.update(|p| {
            p.key_created = Some(now_rfc3339());
            p.rotation = None;
        })?;
        self.delete(Slot::Pending)?;
        step(&self.name, format_args!("done: the profile uses the new password"));
        Ok(Report::default())
    }

    // ------------------------------------------------------------------ --finish

    fn finish(&self, p: &Profile) -> Result<Report, Error> {
        let Some(r) = p.rotation.clone() else {
            return Err(Error::Usage(format!("profile {:?} has no rotation to finish", self.name)));
        };
        match r.step {
            RotationStep::Pending => {
                if self.opts.dry_run {
                    println!("would switch profile {:?} to its pending key and forget the old one", self.name);
                    return Ok(Report::default());
                }
                if let Some(pending) = self.get_opt(Slot::Pending)? {
                    self.set(Slot::Current, &pending)?;
                }
                failpoint("after-switch");
                self.update(|p| {
                    if let Some(id) = &r.pending_key_id {
                        match p.auth {
                            AuthScheme::Jwt => p.jwt.get_or_insert_with(Default::default).kid = Some(id.clone()),
                            _ => p.access_key_id = Some(id.clone()),
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
                if self.opts.dry_run {
                    println!("would stop publishing the previous public key of {:?}", self.name);
                    return Ok(Report::default());
                }
                self.update(|p| p.rotation = None)?;
                step(&self.name, format_args!("the previous public key is no longer in the JWKS"));
                Ok(format!("Publish the new JWKS: gwctl keys jwks --profile {}\n", self.name).into())
            }
            RotationStep::Created if p.auth == AuthScheme::Jwt => {
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

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// A new AK/SK pair from standard input: JSON (`{"AccessKeyId":…,"SecretAccessKey":…}`) or
/// `AK SK` / `AK:SK`.
fn parse_pair(text: &[u8]) -> Result<(String, Zeroizing<String>), Error> {
    let bad = || Error::Input("give the new pair on standard input as \"AK SK\", \"AK:SK\" or credential JSON".into());
    let text = std::str::from_utf8(text).map_err(|_| bad())?.trim();
    if text.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
        let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        return Ok((get("AccessKeyId").ok_or_else(bad)?, Zeroizing::new(get("SecretAccessKey").ok_or_else(bad)?)));
    }
    let (ak, sk) = text.split_once(|c: char| c == ':' || c.is_whitespace()).ok_or_else(bad)?;
    let (ak, sk) = (ak.trim(), sk.trim());
    if ak.is_empty() || sk.is_empty() || sk.contains(char::is_whitespace) {
        return Err(bad());
    }
    Ok((ak.to_string(), Zeroizing::new(sk.to_string())))
}

/// Retries an IAM call while IAM does not know the (new) calling key yet.
async fn retry_until_consistent<F, Fut>(timeout: Option<Duration>, mut call: F) -> Result<(), ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), ApiError>>,
{
    let deadline = Instant::now() + timeout.unwrap_or(Duration::from_secs(30));
    loop {
        match call().await {
            Err(e) if e.is_not_yet_consistent() && Instant::now() + Duration::from_secs(2) < deadline => {
                crate::log::verbose(format_args!("IAM does not accept the new key yet ({e}); trying again"));
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            other => return other,
        }
    }
}

/// MLflow's basic-auth user API on a tracking server, called through the shared client and
/// the Basic signer.
struct MlflowUsers<'a> {
    client: &'a reqwest::Client,
    base: &'a str,
    user: &'a str,
}

impl MlflowUsers<'_> {
    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<String>,
        password: &[u8],
        what: &str,
    ) -> Result<(), Error> {
        use crate::signing::basic::{BasicCredentials, BasicSigner};
        let pw = std::str::from_utf8(password).map_err(|_| Error::Input("the password is not UTF-8".into()))?;
        let signer = crate::signing::Signer::Basic(BasicSigner::new(BasicCredentials {
            username: self.user.to_string(),
            password: secrecy::SecretString::from(pw.to_string()),
        })?);
        let url = crate::request_spec::parse_url(&format!("{}/{path}", self.base.trim_end_matches('/')))?;
        let (headers, body) = match body {
            Some(b) => (
                vec![("Content-Type".to_string(), "application/json".to_string())],
                crate::request_spec::Body::Bytes { data: b.into_bytes(), from_stdin: false },
            ),
            None => (vec![], crate::request_spec::Body::Empty),
        };
        let out = crate::http::Outgoing { method: method.into(), url, headers, body: &body, upload_progress: None };
        let opts = crate::http::HttpOptions::default();
        let resp = crate::http::send(self.client, &out, &signer, &opts, &mut |_, _, _, _| {}).await?;
        let status = resp.status().as_u16();
        if let crate::request_spec::Body::Bytes { mut data, .. } = body {
            zeroize::Zeroize::zeroize(&mut data);
        }
        if (200..300).contains(&status) {
            return Ok(());
        }
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.unwrap_or_default();
        Err(Error::Status {
            status,
            message: format!("{what}: {}", crate::gateway::errors::summarize(status, &headers, &bytes)),
        })
    }

    /// Whether `password` is accepted (the user reading its own record).
    async fn check(&self, password: &[u8]) -> Result<(), Error> {
        let path = format!(
            "api/2.0/mlflow/users/get?username={}",
            percent_encoding::utf8_percent_encode(self.user, percent_encoding::NON_ALPHANUMERIC)
        );
        self.send("GET", &path, None, password, "checking the password").await
    }

    /// `current_password` is required by MLflow 3.x when users change their own password.
    async fn change(&self, current: &[u8], new: &[u8]) -> Result<(), Error> {
        let utf8 = |b: &[u8]| {
            std::str::from_utf8(b).map(str::to_string).map_err(|_| Error::Input("the password is not UTF-8".into()))
        };
        let (cur, new) = (Zeroizing::new(utf8(current)?), Zeroizing::new(utf8(new)?));
        let body =
            serde_json::json!({"username": self.user, "password": new.as_str(), "current_password": cur.as_str()})
                .to_string();
        self.send("PATCH", "api/2.0/mlflow/users/update-password", Some(body), current, "changing the password").await
    }
}
