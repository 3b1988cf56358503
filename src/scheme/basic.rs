//! `basic`: a user name and password (MLflow basic auth, nginx `auth_basic`). The user name is
//! the profile's `username`; the password is the stored secret, or `GWCTL_USERNAME` and
//! `GWCTL_PASSWORD` without a profile.

use secrecy::SecretString;

use super::{AuthConfig, AuthScheme, Env, FieldsError, Material, MaterialError, Question, SchemeFields, SetupError};
use crate::signing::Signer;
use crate::signing::basic::{BasicCredentials, BasicSigner};

pub const GWCTL_USERNAME: &str = "GWCTL_USERNAME";
pub const GWCTL_PASSWORD: &str = "GWCTL_PASSWORD";

const NO_COLON: &str = "a Basic user name must not contain ':'";

pub(super) fn from_fields(f: &SchemeFields) -> Result<AuthConfig, FieldsError> {
    super::need(&f.username, AuthScheme::Basic, "--username")?;
    if f.username.as_deref().is_some_and(|u| u.contains(':')) {
        return Err(NO_COLON.into());
    }
    Ok(AuthConfig::Basic { username: super::nonempty(&f.username) })
}

pub(super) fn from_env(env: &dyn Env) -> Result<Material, MaterialError> {
    Ok(Material::Basic(BasicCredentials {
        username: env.required(GWCTL_USERNAME, AuthScheme::Basic)?.to_string(),
        password: env.secret(GWCTL_PASSWORD, AuthScheme::Basic)?,
    }))
}

pub(super) fn from_secret(username: Option<&str>, secret: &[u8]) -> Result<Material, MaterialError> {
    Ok(Material::Basic(BasicCredentials {
        username: username.ok_or_else(|| MaterialError::Stored("no --username in the profile".into()))?.to_string(),
        password: SecretString::from(super::stored_text(secret)?.to_string()),
    }))
}

pub(super) fn signer(c: &BasicCredentials) -> Result<Signer, SetupError> {
    Ok(Signer::Basic(BasicSigner::new(c.clone())?))
}

pub(super) const QUESTIONS: &[Question] = &[Question {
    key: "username",
    label: "User name",
    optional: false,
    wanted: |f, _| f.username.is_none(),
    check: |v| if v.contains(':') { Err(NO_COLON.into()) } else { Ok(()) },
    url: false,
    set: |f, v| f.username = v,
}];
