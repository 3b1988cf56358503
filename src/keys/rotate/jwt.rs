//! JWT key pairs: a new key signs at once; the previous public key stays in the JWKS until
//! `--finish`.
//!
//! The new key's kid is not a second record written next to it: it is derived from the key
//! (its RFC 7638 thumbprint, what the signer uses when the profile names no kid). The first
//! config write of a rotation drops a configured kid, so from then on every token's kid follows
//! whichever key the current slot holds, and a kill between any two writes leaves tokens that
//! the JWKS verifies (the old key is published under its configured kid and its thumbprint).

use super::*;

impl Rotator<'_> {
    pub(super) fn jwt_pair(&self, p: &Profile) -> Result<Report, KeysError> {
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
        let current = self.jwt_of(p, self.get(Slot::Current)?)?;
        let old_thumbprint = current.thumbprint(alg)?;
        let old_kid = p.jwt().and_then(|j| j.kid.clone()).or_else(|| old_thumbprint.clone());
        // The old key under its configured kid (tokens minted before the rotation) and under its
        // thumbprint (tokens minted after the kid was dropped, before the new key took over).
        let mut previous = vec![sjwt::public_jwk(alg, &current, old_kid.as_deref())?];
        if old_kid != old_thumbprint {
            previous.push(sjwt::public_jwk(alg, &current, None)?);
        }
        let previous_jwk = serde_json::Value::Array(previous);
        // A key given on standard input has a kid now; a generated key has one only once it
        // is made (the dry run says so rather than show the kid of a key it throws away).
        let given = match &self.opts.new_secret {
            Some(s) => {
                let key = sjwt::JwtKey::parse(s)?;
                sjwt::public_jwk(alg, &key, None)?; // the new key must be usable for alg
                Some((s.clone(), key.thumbprint(alg)?))
            }
            None => None,
        };
        if let Some((_, kid)) = &given
            && *kid == old_thumbprint
        {
            return Err(KeysError::Input("the new key is the current one".into()));
        }
        let what = match &given {
            Some((_, kid)) => format!(
                "take the {alg:?} key given on standard input; its kid is {} ({KID_IS})",
                kid.as_deref().unwrap_or("?")
            ),
            None => format!(
                "make a new {alg:?} key ({}); its kid is the {KID_IS} (computed when the key is made)",
                key_kind(alg, self.opts.rsa_bits)
            ),
        };
        let configured = p.jwt().and_then(|j| j.kid.clone());
        let mut steps = vec![what, "sign tokens with the new key at once".to_string()];
        if let Some(k) = configured.as_ref().filter(|k| Some(*k) != old_thumbprint.as_ref()) {
            steps.push(format!(
                "drop the profile's configured kid {k}: from now on every token's kid is the thumbprint of the key \
                 that signs it"
            ));
        }
        steps.push(format!(
            "keep publishing the old public key{} in gwctl keys jwks until gwctl keys rotate --profile {} --finish",
            old_kid.as_deref().map(|k| format!(" (kid {k})")).unwrap_or_default(),
            self.name
        ));
        if let Some(report) = self.announce(&steps)? {
            return Ok(report);
        }
        let secret = match given {
            Some((s, _)) => s,
            None => generate::jwt_key(alg, self.opts.rsa_bits)?,
        };
        let key = sjwt::JwtKey::parse(&secret)?;
        sjwt::public_jwk(alg, &key, None)?;
        let kid = key.thumbprint(alg)?;
        if kid == old_thumbprint {
            return Err(KeysError::Input("the new key is the current one".into()));
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
            });
            // From here the kid is the key's thumbprint: whatever key the current slot holds,
            // its tokens name the kid the JWKS publishes it under.
            set_kid(&mut p.auth, None);
        })?;
        failpoint("after-store-pending");
        step(
            &self.name,
            format_args!(
                "stored the new {alg:?} key as pending; its kid is {} ({KID_IS})",
                kid.as_deref().unwrap_or("?")
            ),
        );
        self.jwt_switch()
    }

    /// Makes the pending key current (one write: the kid is derived from the key).
    pub(super) fn jwt_switch(&self) -> Result<Report, KeysError> {
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
            set_kid(&mut p.auth, None);
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
            "Tokens are now signed with the new key, kid {kid} ({KID_IS}).\n\
             Publish the JWKS with both keys to the gateway now:\n  gwctl keys jwks --profile {n}\n\
             When every gateway has it and tokens signed with the old key have expired, run:\n  gwctl keys rotate --profile {n} --finish\n",
            kid = kid.as_deref().unwrap_or("?"),
            n = self.name
        )
        .into())
    }
}

/// How the new key's kid is made, in the same words for the dry run, the question and the log.
const KID_IS: &str = "RFC 7638 thumbprint of the new key";

/// The kind of key a rotation makes for `alg`.
fn key_kind(alg: jsonwebtoken::Algorithm, rsa_bits: u32) -> String {
    use jsonwebtoken::Algorithm as A;
    match alg {
        A::ES256 => "EC P-256".into(),
        A::ES384 => "EC P-384".into(),
        A::EdDSA => "Ed25519".into(),
        _ => format!("RSA {rsa_bits} bits"),
    }
}
