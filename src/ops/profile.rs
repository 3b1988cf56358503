//! Profile transactions: store the secret, then write the config (and undo the store write if
//! the config write fails); move a secret between stores; remove a profile and its secrets.

use crate::auth::{AuthSettings, build_signer};
use crate::credentials::{Credential, StoreProvider};
use crate::profile::config::ConfigFile;
use crate::profile::store::{self, Secret, SecretStore, StoreSpec};
use crate::profile::{Profile, Slot};
use crate::scheme::{AuthConfig, AuthScheme};

use super::OpsError;

/// Checks a secret against the scheme before storing it (a PEM for the wrong algorithm, a
/// secret that is not text), so a bad key fails at `add` rather than at first use.
pub fn check_secret(name: &str, p: &Profile, secret: &Secret) -> Result<(), OpsError> {
    match &p.auth {
        AuthConfig::Jwt(_) | AuthConfig::Basic { .. } => {
            let provider = StoreProvider::with_secret(name, p.auth.clone(), secret.clone());
            let material = provider.material_from(secret).map_err(crate::auth::AuthError::from)?;
            build_signer(&AuthSettings::new(p.auth.clone()), &Credential::lasting(material), "localhost", None)
                .map(drop)
                .map_err(OpsError::from)
        }
        _ => std::str::from_utf8(secret)
            .map(drop)
            .map_err(|_| OpsError::Input("the secret is not valid UTF-8 text".into())),
    }
}

/// Stores the secret, then writes the profile; if the config write fails, a secret that was
/// just stored is removed again. Returns whether the profile became the default.
pub fn commit_new(
    cf: &ConfigFile,
    name: &str,
    profile: Profile,
    secret: Option<Secret>,
    store: &dyn SecretStore,
    old: Option<Profile>,
) -> Result<(bool, Vec<String>), OpsError> {
    if let Some(s) = &secret {
        check_secret(name, &profile, s)?;
        let t = std::time::Instant::now();
        store.set(name, s)?;
        crate::log::verbose(format_args!(
            "stored the secret of {name:?} in {} ({:.1} ms)",
            store.spec(),
            t.elapsed().as_secs_f64() * 1e3
        ));
    }
    let became_default = cf.update(|c| {
        c.profiles.insert(name.to_string(), profile.clone());
        let first = c.default_profile.is_none();
        if first {
            c.default_profile = Some(name.to_string());
        }
        Ok(first)
    });
    let became_default = match became_default {
        Ok(d) => d,
        Err(e) => {
            let same_store_before = old.as_ref().is_some_and(|o| o.store == profile.store);
            if secret.is_some() && !same_store_before {
                let _ = store.delete(name);
            }
            return Err(e.into());
        }
    };
    let mut warnings = Vec::new();
    if let Some(old) = old.filter(|o| o.store != profile.store) {
        warnings.extend(forget_old_secret(cf, name, &old.store));
    }
    crate::log::verbose(format_args!("wrote {}", cf.path.display()));
    Ok((became_default, warnings))
}

/// Deletes a secret left in a store the profile no longer uses; a warning when it cannot.
pub fn forget_old_secret(cf: &ConfigFile, name: &str, spec: &StoreSpec) -> Option<String> {
    let old_store = store::open(spec, &cf.dir()).ok()?;
    if !old_store.writable() {
        return None;
    }
    old_store.delete(name).err().map(|e| format!("could not delete the old secret of {name:?} from {spec}: {e}"))
}

/// Writes an edited profile: the new secret (if any) into `new_store` first, then the config,
/// then the old store's copy is forgotten when the secret moved.
pub fn commit_edit(
    cf: &ConfigFile,
    name: &str,
    old: &Profile,
    p: Profile,
    new_store: &dyn SecretStore,
    secret: Option<Secret>,
) -> Result<Vec<String>, OpsError> {
    let moved = p.store != old.store;
    let mut p = p;
    if let Some(s) = &secret {
        check_secret(name, &p, s)?;
        new_store.set(name, s)?;
        if !moved {
            p.key_created = Some(crate::profile::now_rfc3339());
        }
    }
    cf.update(|c| {
        c.get(name)?;
        c.profiles.insert(name.to_string(), p.clone());
        Ok(())
    })?;
    Ok(if moved { forget_old_secret(cf, name, &old.store).into_iter().collect() } else { Vec::new() })
}

/// Removes the profile's secrets (the current one and any rotation slots), then the profile.
/// Returns warnings for the person (an IAM key a rotation may have left).
pub fn remove(cf: &ConfigFile, name: &str, p: &Profile) -> Result<Vec<String>, OpsError> {
    let mut warnings = Vec::new();
    let store = store::open(&p.store, &cf.dir())?;
    if store.writable() {
        // The secret goes first: if the store cannot be reached the profile stays, intact.
        let existed = store.delete(name)?;
        crate::log::verbose(format_args!(
            "deleted the secret of {name:?} from {} (it {})",
            p.store,
            if existed { "existed" } else { "was already gone" }
        ));
        if p.scheme() == AuthScheme::Oauth2 || p.role.is_some() {
            let had = store.delete(&Slot::Token.entry(name))?;
            crate::log::verbose(format_args!("deleted the cached token of {name:?}: {had}"));
        }
        if let Some(r) = &p.rotation {
            for slot in [Slot::Pending, Slot::Previous] {
                store.delete(&slot.entry(name))?;
            }
            if let Some(id) = r.pending_key_id.as_deref().filter(|_| p.scheme() == AuthScheme::Sigv4) {
                warnings.push(format!(
                    "a rotation was under way; access key {id} may still exist in IAM (aws iam delete-access-key --access-key-id {id})"
                ));
            }
        }
    }
    cf.update(|c| {
        c.profiles.remove(name);
        if c.default_profile.as_deref() == Some(name) {
            c.default_profile = None;
        }
        Ok(())
    })?;
    Ok(warnings)
}
