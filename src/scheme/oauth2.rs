//! `oauth2`: OAuth2 client credentials (Databricks, Azure, any OpenID provider). Settings: the
//! profile's `[oauth2]` table ([`OAuth2Settings`]); the stored secret is the client secret or
//! private key, from which `credentials::oauth2` gets short-lived bearer tokens (signed like
//! `bearer`). Without a profile, a token obtained elsewhere comes from `GWCTL_TOKEN`.

use serde::{Deserialize, Serialize};

use super::{AuthConfig, FieldsError, MaterialError, Question, RotationKind, SchemeFields};

/// OAuth2 client-credentials settings (`[profiles.NAME.oauth2]`). The client secret or private
/// key is a secret and lives in the profile's store; issued tokens are cached in the store's
/// `NAME#token` slot. A preset is applied when the profile is made, so the stored settings are
/// explicit (the `preset` field only records where they came from).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuth2Settings {
    /// The token endpoint (one of `token_url` and `issuer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    /// The issuer whose discovery document names the token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    /// `basic`, `post`, `private-key-jwt`, `client-secret-jwt` [default: basic].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<String>,
    /// private_key_jwt: the assertion's algorithm (RS256, ES256 …) [default: from the key].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// private_key_jwt: the assertion's `kid` [default: the key's RFC 7638 thumbprint].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The preset the settings came from (`databricks`, `azure`), for `profile show`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The Azure tenant the preset was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
}

/// The settings must be there; `credentials::oauth2::token_config` checks them further (URLs,
/// client authentication) when the profile is loaded.
pub(super) fn from_fields(f: &SchemeFields) -> Result<AuthConfig, FieldsError> {
    let o = f.oauth2.clone().ok_or("an oauth2 profile needs --client-id and --token-url, --issuer or --preset")?;
    Ok(AuthConfig::OAuth2(o))
}

/// The stored secret is the client credential: tokens come from the token endpoint.
pub(super) fn not_a_token() -> MaterialError {
    MaterialError::Stored("the stored secret of an oauth2 profile is its client credential, not a token".into())
}

pub(super) const QUESTIONS: &[Question] = &[
    Question {
        key: "oauth2.client_id",
        label: "OAuth2 client id",
        optional: false,
        wanted: |f, _| f.oauth2.as_ref().is_none_or(|o| o.client_id.is_empty()),
        check: super::any,
        url: false,
        set: |f, v| f.oauth2.get_or_insert_with(Default::default).client_id = v.unwrap_or_default(),
    },
    Question {
        key: "oauth2.token_url",
        label: "Token endpoint URL",
        optional: false,
        wanted: |f, _| f.oauth2.as_ref().is_none_or(|o| o.token_url.is_none() && o.issuer.is_none()),
        check: super::any,
        url: true,
        set: |f, v| f.oauth2.get_or_insert_with(Default::default).token_url = v,
    },
];

pub(super) const ROTATION: RotationKind = RotationKind::NotRotated(|name| {
    format!(
        "oauth2 tokens are short-lived and refreshed by gwctl; a new client secret goes in with \
         gwctl profile edit {name} --secret-stdin"
    )
});
