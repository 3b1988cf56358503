//! AWS IAM user keys: list, create, verify with STS, switch, deactivate, delete; each step
//! recorded before the next.

use std::time::{Duration, Instant};

use super::*;
use crate::keys::iam::{ApiError, AwsApi, DEFAULT_IAM, DEFAULT_STS};
use crate::signing::sigv4::AwsCredentials;

impl Rotator<'_> {
    pub(super) async fn aws(&mut self) -> Result<Report, KeysError> {
        let p = self.profile()?;
        let iam = self.opts.iam_endpoint.clone().or(p.iam_endpoint.clone()).unwrap_or(DEFAULT_IAM.into());
        let sts = self.opts.sts_endpoint.clone().or(p.sts_endpoint.clone()).unwrap_or(DEFAULT_STS.into());
        let api = AwsApi::new(&iam, &sts, p.auth.region(), &self.opts.http)?;
        loop {
            let p = self.profile()?;
            let Some(r) = p.rotation.clone() else {
                match self.aws_start(&api, &p).await? {
                    None => continue,
                    Some(dry_run) => return Ok(dry_run),
                }
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

    pub(super) fn foreign_step(&self, step: RotationStep) -> KeysError {
        stopped(format!(
            "profile {:?} records a rotation at step {:?}, which does not belong to its scheme; \
             remove the [profiles.{}.rotation] table from the config if it was copied by hand",
            self.name,
            step.name(),
            self.name
        ))
    }

    pub(super) fn aws_current(&self, p: &Profile) -> Result<AwsCredentials, KeysError> {
        let creds = self.aws_of(p, self.get(Slot::Current)?)?;
        if creds.session_token.is_some() {
            return Err(KeysError::Usage(format!(
                "profile {:?} holds temporary credentials (a session token): they expire by themselves and \
                 cannot be rotated; rotate the IAM user's key they come from",
                self.name
            )));
        }
        Ok(creds)
    }

    pub(super) fn aws_pending(&self, p: &Profile) -> Result<Option<AwsCredentials>, KeysError> {
        match self.get_opt(Slot::Pending)? {
            Some(s) => Ok(Some(self.aws_of(p, s)?)),
            None => Ok(None),
        }
    }

    /// Lists the keys, checks there is room for one more, records the intent. Returns the
    /// dry run's report, or `None` to go on.
    pub(super) async fn aws_start(&self, api: &AwsApi, p: &Profile) -> Result<Option<Report>, KeysError> {
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
        let steps = [
            format!(
                "rotate access key {} of IAM user {user:?}: create a new key with IAM CreateAccessKey (its id is \
                 chosen by IAM when it is made)",
                current.access_key_id
            ),
            "check the new key with STS GetCallerIdentity, then switch the profile to it".to_string(),
            if self.opts.keep_old {
                format!("deactivate the old key {} and keep it (--keep-old)", current.access_key_id)
            } else {
                format!("deactivate, then delete the old key {}", current.access_key_id)
            },
        ];
        if let Some(report) = self.announce(&steps)? {
            return Ok(Some(report));
        }
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
        Ok(None)
    }

    pub(super) async fn aws_create(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<(), KeysError> {
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

    pub(super) async fn aws_verify(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<(), KeysError> {
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
        let deadline =
            Instant::now().checked_add(timeout).unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400));
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
    pub(super) fn aws_promote(&self, p: &Profile, r: &Rotation) -> Result<(), KeysError> {
        let pending_secret = self.get_opt(Slot::Pending)?;
        let current_secret = self.get(Slot::Current)?;
        let current = self.aws_of(p, current_secret.clone())?;
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
            set_key_id(&mut p.auth, Some(new_id.clone()));
            p.key_created = Some(created.unwrap_or_else(now_rfc3339));
            set_step(p, RotationStep::Promoted, |_| {});
        })?;
        self.delete(Slot::Pending)?;
        step(&self.name, format_args!("the profile now uses access key {new_id}"));
        failpoint("after-promote");
        Ok(())
    }

    pub(super) async fn aws_deactivate(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<(), KeysError> {
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

    pub(super) async fn aws_delete(&self, api: &AwsApi, p: &Profile, r: &Rotation) -> Result<Report, KeysError> {
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
}

/// Retries an IAM call while IAM does not know the (new) calling key yet.
async fn retry_until_consistent<F, Fut>(timeout: Option<Duration>, mut call: F) -> Result<(), ApiError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), ApiError>>,
{
    let deadline = Instant::now()
        .checked_add(timeout.unwrap_or(Duration::from_secs(30)))
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400));
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
