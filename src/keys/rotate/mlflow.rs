//! Basic on an MLflow tracking server: the password is changed through MLflow's user API and
//! checked before the profile switches.

use super::*;
use crate::client::users::MlflowUsers;

impl Rotator<'_> {
    pub(super) async fn mlflow_basic(&self) -> Result<Report, KeysError> {
        let p = self.profile()?;
        let base = p.url.clone().ok_or_else(|| {
            KeysError::Usage(format!("profile {:?} has no --url: the tracking server's address is needed", self.name))
        })?;
        let user = p.auth.key_id().map(str::to_string).unwrap_or_default();
        let api = MlflowUsers { base: base.clone(), user: user.clone(), opts: self.opts.http.clone() };
        match p.rotation.as_ref().map(|r| r.step) {
            None => {
                let (secret, _, generated) = self.new_gateway_secret(&p)?;
                let steps = [
                    format!(
                        "change the password of MLflow user {user:?} at {base} (MLflow's update-password API) to {}",
                        if generated {
                            "a new generated password (32 letters and digits)"
                        } else {
                            "the password read from standard input"
                        }
                    ),
                    "check that the server accepts the new password, then switch the profile to it".to_string(),
                ];
                if let Some(report) = self.announce(&steps)? {
                    return Ok(report);
                }
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
}
