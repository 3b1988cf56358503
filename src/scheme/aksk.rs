//! `apipark` and `huawei`: AK/SK HMAC signatures (APIPark/Apinto `HMAC-SHA256`, Huawei APIG
//! `SDK-HMAC-SHA256`). Settings: `access_key_id`. The secret is the secret key (or
//! `credential_process` JSON, as for SigV4); without a profile, `AWS_ACCESS_KEY_ID` and
//! `AWS_SECRET_ACCESS_KEY`.

use super::sigv4::{AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY};
use super::{
    AuthConfig, AuthScheme, Env, FieldsContext, FieldsError, Material, MaterialError, Question, SchemeFields,
    SetupError, SignerContext,
};
use crate::signing::Signer;
use crate::signing::aksk::{AkSkCredentials, AkSkSettings, AkSkSigner, AkSkVariant};

pub(super) fn from_fields(scheme: AuthScheme, f: &SchemeFields, cx: &FieldsContext) -> Result<AuthConfig, FieldsError> {
    if !cx.id_from_store {
        super::need(&f.access_key_id, scheme, "--access-key-id")?;
    }
    Ok(AuthConfig::AkSk {
        variant: scheme.aksk_variant().unwrap_or(AkSkVariant::ApiPark),
        access_key_id: super::nonempty(&f.access_key_id),
    })
}

pub(super) fn from_env(scheme: AuthScheme, env: &dyn Env) -> Result<Material, MaterialError> {
    Ok(Material::AkSk(AkSkCredentials {
        access_key_id: env.required(AWS_ACCESS_KEY_ID, scheme)?.trim().to_string(),
        secret: env.secret(AWS_SECRET_ACCESS_KEY, scheme)?,
    }))
}

pub(super) fn from_secret(configured_id: Option<&str>, secret: &[u8]) -> Result<Material, MaterialError> {
    let (access_key_id, secret, _) = super::sigv4::key_pair(secret, configured_id)?;
    Ok(Material::AkSk(AkSkCredentials { access_key_id, secret }))
}

pub(super) fn signer(variant: AkSkVariant, c: &AkSkCredentials, cx: &SignerContext<'_>) -> Result<Signer, SetupError> {
    let mut s = AkSkSettings::new(variant);
    s.unsigned_payload = cx.unsigned_payload;
    Ok(Signer::AkSk(AkSkSigner::new(c.clone(), s)?))
}

pub(super) const QUESTIONS: &[Question] = &[super::sigv4::ACCESS_KEY_ID];
