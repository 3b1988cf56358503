//! `sigv4`: AWS Signature V4 (API Gateway, SageMaker, Bedrock). Settings: `access_key_id`,
//! `region`, `service` (the last two inferred from an AWS host name when unset). The secret is
//! the secret access key, or AWS `credential_process` JSON (a session token with it); without a
//! profile, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.

use secrecy::SecretString;

use super::{
    AuthConfig, AuthScheme, Env, FieldsContext, FieldsError, Material, MaterialError, Question, SchemeFields,
    SetupError, SignerContext,
};
use crate::signing::Signer;
use crate::signing::sigv4::{AwsCredentials, SigV4Settings, SigV4Signer};

pub const AWS_ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
pub const AWS_SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
pub const AWS_SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
pub const AWS_REGION: &str = "AWS_REGION";
pub const AWS_DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";

pub(super) fn from_fields(f: &SchemeFields, cx: &FieldsContext) -> Result<AuthConfig, FieldsError> {
    if !cx.id_from_store && !cx.assumes_role {
        super::need(&f.access_key_id, AuthScheme::Sigv4, "--access-key-id")?;
    }
    Ok(AuthConfig::SigV4 {
        access_key_id: super::nonempty(&f.access_key_id),
        region: super::nonempty(&f.region),
        service: super::nonempty(&f.service),
    })
}

pub(super) fn from_env(env: &dyn Env) -> Result<Material, MaterialError> {
    let scheme = AuthScheme::Sigv4;
    Ok(Material::Aws(AwsCredentials {
        access_key_id: env.required(AWS_ACCESS_KEY_ID, scheme)?.trim().to_string(),
        secret_access_key: env.secret(AWS_SECRET_ACCESS_KEY, scheme)?,
        session_token: env.var(AWS_SESSION_TOKEN)?.map(|t| SecretString::from(t.to_string())),
    }))
}

pub(super) fn from_secret(configured_id: Option<&str>, secret: &[u8]) -> Result<Material, MaterialError> {
    let (access_key_id, secret_access_key, session_token) = key_pair(secret, configured_id)?;
    Ok(Material::Aws(AwsCredentials { access_key_id, secret_access_key, session_token }))
}

/// A stored key pair: the secret is either the secret key itself, or AWS `credential_process`
/// JSON (`{"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…}`), which is also
/// how gwctl keeps rotated and temporary credentials. Also the AK/SK schemes' format.
pub(super) fn key_pair(
    secret: &[u8],
    configured_id: Option<&str>,
) -> Result<(String, SecretString, Option<SecretString>), MaterialError> {
    let invalid = |m: &str| MaterialError::Stored(m.to_string());
    let text = super::stored_text(secret)?;
    let id = |from_json: Option<String>| {
        from_json
            .or_else(|| configured_id.map(str::to_string))
            .filter(|s| !s.is_empty())
            .ok_or_else(|| invalid("no --access-key-id in the profile"))
    };
    if text.trim_start().starts_with('{') {
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|_| invalid("the secret looks like JSON but does not parse"))?;
        let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let secret = get("SecretAccessKey").ok_or_else(|| invalid("the JSON secret has no SecretAccessKey"))?;
        return Ok((id(get("AccessKeyId"))?, SecretString::from(secret), get("SessionToken").map(SecretString::from)));
    }
    Ok((id(None)?, SecretString::from(text.trim_end_matches(['\r', '\n']).to_string()), None))
}

/// The region and service: the profile's, else inferred from an AWS host name; the region
/// falls back to the provider's (`AWS_REGION`).
pub(super) fn signer(
    region: Option<&str>,
    service: Option<&str>,
    c: &AwsCredentials,
    cx: &SignerContext<'_>,
) -> Result<Signer, SetupError> {
    let host = cx.host;
    let inferred = if region.is_none() || service.is_none() { (cx.infer_scope)(host) } else { None };
    let region = region
        .map(str::to_string)
        .or_else(|| inferred.as_ref().map(|(r, _)| r.clone()))
        .or_else(|| cx.default_region.clone())
        .ok_or_else(|| SetupError::Usage("sigv4 needs a region: pass --region or set AWS_REGION".into()))?;
    let service = service.map(str::to_string).or_else(|| inferred.map(|(_, s)| s)).ok_or_else(|| {
        SetupError::Usage(format!(
            "sigv4 needs a service name (e.g. execute-api, sagemaker, bedrock, sts): pass --service; \
             it cannot be inferred from host {host:?}"
        ))
    })?;
    let mut s = SigV4Settings::new(region, service);
    s.unsigned_payload = cx.unsigned_payload;
    s.content_sha256_header |= cx.content_sha256;
    Ok(Signer::SigV4(SigV4Signer::new(c.clone(), s)?))
}

/// The access key id, unless a `credential_process` store or a role brings it.
pub(super) const ACCESS_KEY_ID: Question = Question {
    key: "access_key_id",
    label: "Access key id",
    optional: false,
    wanted: |f, cx| f.access_key_id.is_none() && !cx.assumes_role && !cx.id_from_store,
    check: super::any,
    url: false,
    set: |f, v| f.access_key_id = v,
};

pub(super) const QUESTIONS: &[Question] = &[
    ACCESS_KEY_ID,
    Question {
        key: "region",
        label: "AWS region (empty: from the URL's host or AWS_REGION)",
        optional: true,
        wanted: |f, _| f.region.is_none(),
        check: super::any,
        url: false,
        set: |f, v| f.region = v,
    },
    Question {
        key: "service",
        label: "AWS service: execute-api, sagemaker, bedrock, lambda … (empty: from the URL's host)",
        optional: true,
        wanted: |f, _| f.service.is_none(),
        check: super::any,
        url: false,
        set: |f, v| f.service = v,
    },
];
