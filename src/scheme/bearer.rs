//! `bearer`: a static token sent as `Authorization: Bearer …`: the stored secret, or
//! `GWCTL_TOKEN` without a profile (also for `oauth2` with a token obtained elsewhere).

use secrecy::SecretString;

use super::{AuthScheme, Env, Material, MaterialError, RotationKind, SetupError};
use crate::signing::Signer;
use crate::signing::bearer::BearerSigner;

pub const GWCTL_TOKEN: &str = "GWCTL_TOKEN";

pub(super) fn from_env(scheme: AuthScheme, env: &dyn Env) -> Result<Material, MaterialError> {
    Ok(Material::Bearer(env.secret(GWCTL_TOKEN, scheme)?))
}

pub(super) fn from_secret(secret: &[u8]) -> Result<Material, MaterialError> {
    Ok(Material::Bearer(SecretString::from(super::stored_text(secret)?.trim().to_string())))
}

pub(super) fn signer(token: &SecretString) -> Result<Signer, SetupError> {
    Ok(Signer::Bearer(BearerSigner::new(token.clone())?))
}

pub(super) const ROTATION: RotationKind = RotationKind::NotRotated(|name| {
    format!(
        "bearer tokens are issued by the gateway, not by gwctl: store the new one with \
         gwctl profile edit {name} --secret-stdin"
    )
});
