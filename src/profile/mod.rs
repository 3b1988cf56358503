//! Credential profiles (L2): non-secret settings in a TOML config file ([`config`]), parsed
//! into typed [`Profile`]s, the secret in a [`store`] named by the profile. [`resolve`] turns
//! `--profile`/`GWCTL_PROFILE`/the default profile into what signs a command's requests.

pub mod aws_import;
pub mod config;
pub mod private_file;
pub mod resolve;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::gateway::Gateway;
use crate::scheme::{AuthConfig, AuthScheme, FieldsContext, JwtConfig, SchemeFields};
use store::{StoreError, StoreSpec};

/// One profile as it is written in the config file: flat, every field optional. Commands
/// that edit profiles change this form; everything else uses the validated [`Profile`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProfileToml {
    pub auth: AuthScheme,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<Gateway>,
    /// The keys of the profile's scheme (`username`, `access_key_id`, `region`, `service`,
    /// `[jwt]`, `[oauth2]`), at the same level in the file.
    #[serde(flatten)]
    pub fields: SchemeFields,
    /// SigV4: assume this role (STS AssumeRole) with the credentials of `source_profile`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_profile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mfa_serial: Option<String>,
    /// The session's lifetime as given (`1h`, `3600`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
    /// Where the secret is (left out for `auth = "none"`, which has none).
    #[serde(skip_serializing_if = "is_no_store")]
    pub store: StoreSpec,
    /// When the current key or password was made (RFC 3339), for `gwctl doctor --max-age`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_created: Option<String>,
    /// IAM and STS endpoints for `gwctl keys rotate` (default: AWS's global endpoints).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iam_endpoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sts_endpoint: Option<String>,
    /// A key rotation under way (`gwctl keys rotate`), shown by `gwctl profile show`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotation: Option<Rotation>,
}

/// The keys every profile may have; the scheme's own are [`SchemeFields::KEYS`].
const COMMON_KEYS: &[&str] = &[
    "auth",
    "url",
    "gateway",
    "role_arn",
    "source_profile",
    "external_id",
    "mfa_serial",
    "duration",
    "session_name",
    "store",
    "key_created",
    "iam_endpoint",
    "sts_endpoint",
    "rotation",
];

/// A profile's key, checked as it is read: an unknown one (a typo) is refused at its line.
struct ProfileKey(String);

impl<'de> Deserialize<'de> for ProfileKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let key = String::deserialize(d)?;
        if COMMON_KEYS.contains(&key.as_str()) || SchemeFields::KEYS.contains(&key.as_str()) {
            return Ok(ProfileKey(key));
        }
        // In the order of the file's keys: the scheme's after `gateway`.
        let (head, tail) = COMMON_KEYS.split_at(3);
        let known: Vec<String> = head.iter().chain(SchemeFields::KEYS).chain(tail).map(|k| format!("`{k}`")).collect();
        Err(serde::de::Error::custom(format!("unknown field `{key}`, expected one of {}", known.join(", "))))
    }
}

/// Read key by key, so that every error (an unknown key, a wrong value, the scheme's keys
/// included) names its own line.
impl<'de> Deserialize<'de> for ProfileToml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = ProfileToml;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a profile table")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<ProfileToml, A::Error> {
                let mut auth = None;
                let mut t = ProfileToml::new(AuthScheme::None, StoreSpec::None);
                while let Some(ProfileKey(key)) = map.next_key()? {
                    match key.as_str() {
                        "auth" => auth = Some(map.next_value()?),
                        "url" => t.url = map.next_value()?,
                        "gateway" => t.gateway = map.next_value()?,
                        "role_arn" => t.role_arn = map.next_value()?,
                        "source_profile" => t.source_profile = map.next_value()?,
                        "external_id" => t.external_id = map.next_value()?,
                        "mfa_serial" => t.mfa_serial = map.next_value()?,
                        "duration" => t.duration = map.next_value()?,
                        "session_name" => t.session_name = map.next_value()?,
                        "store" => t.store = map.next_value()?,
                        "key_created" => t.key_created = map.next_value()?,
                        "iam_endpoint" => t.iam_endpoint = map.next_value()?,
                        "sts_endpoint" => t.sts_endpoint = map.next_value()?,
                        "rotation" => t.rotation = map.next_value()?,
                        other => {
                            if !t.fields.read_key(other, &mut map)? {
                                return Err(serde::de::Error::custom(format!("unknown field `{other}`")));
                            }
                        }
                    }
                }
                t.auth = auth.ok_or_else(|| serde::de::Error::missing_field("auth"))?;
                Ok(t)
            }
        }
        d.deserialize_map(Keys)
    }
}

fn is_no_store(s: &StoreSpec) -> bool {
    *s == StoreSpec::None
}

impl ProfileToml {
    pub fn new(auth: AuthScheme, store: StoreSpec) -> Self {
        Self {
            auth,
            url: None,
            gateway: None,
            fields: SchemeFields::default(),
            role_arn: None,
            source_profile: None,
            external_id: None,
            mfa_serial: None,
            duration: None,
            session_name: None,
            store,
            key_created: None,
            iam_endpoint: None,
            sts_endpoint: None,
            rotation: None,
        }
    }
}

/// A validated profile: the scheme's settings as one [`AuthConfig`] variant, and the settings
/// every profile has. Parsed from (and written as) [`ProfileToml`], so the file format is
/// unchanged; a profile that does not validate is reported when the config is loaded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ProfileToml", into = "ProfileToml")]
pub struct Profile {
    pub auth: AuthConfig,
    pub url: Option<String>,
    pub gateway: Option<Gateway>,
    pub store: StoreSpec,
    pub key_created: Option<String>,
    pub iam_endpoint: Option<String>,
    pub sts_endpoint: Option<String>,
    pub rotation: Option<Rotation>,
    /// SigV4 profiles that assume a role.
    pub role: Option<AssumeRoleSettings>,
    /// A profile of another scheme may carry a SigV4 region and service (`--region`,
    /// `--service`, accepted for every scheme): they sign a call that overrides its scheme with
    /// `--auth sigv4`. Kept and written back as given. A sigv4 profile keeps its own in `auth`.
    pub override_scope: SigV4Scope,
}

/// A SigV4 region and service, either possibly unset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SigV4Scope {
    pub region: Option<String>,
    pub service: Option<String>,
}

/// A SigV4 profile's role: STS `AssumeRole` signed with `source_profile`'s credentials (which
/// may themselves come from a role: a chain). No secret here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRoleSettings {
    pub role_arn: String,
    pub source_profile: String,
    pub external_id: Option<String>,
    pub mfa_serial: Option<String>,
    /// Seconds (900 to 43200); `None`: STS's default (1 h).
    pub duration_secs: Option<u32>,
    /// As written (`1h`), to write back unchanged.
    pub duration_text: Option<String>,
    pub session_name: Option<String>,
}

impl Profile {
    pub fn scheme(&self) -> AuthScheme {
        self.auth.scheme()
    }

    /// The flat form, for editing.
    pub fn to_toml(&self) -> ProfileToml {
        self.clone().into()
    }

    pub fn jwt(&self) -> Option<&JwtConfig> {
        self.auth.jwt()
    }
}

impl TryFrom<ProfileToml> for Profile {
    type Error = ProfileError;

    /// Checks that the fields the scheme needs are there and that every value parses. Fields
    /// of another scheme (a `username` on a sigv4 profile) have no effect and are dropped, but
    /// a `region` and `service` are kept on every profile ([`Profile::override_scope`]).
    fn try_from(t: ProfileToml) -> Result<Self, ProfileError> {
        let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
        let cx = FieldsContext {
            // With a command: store printing credential_process JSON the id comes from there.
            id_from_store: matches!(t.store, StoreSpec::Command(_)),
            assumes_role: t.role_arn.is_some(),
        };
        let auth = AuthConfig::from_fields(t.auth, &t.fields, &cx).map_err(ProfileError::Invalid)?;
        crate::credentials::check_settings(&auth).map_err(ProfileError::Invalid)?;
        for (what, table, present, owner) in t.fields.tables() {
            if present && t.auth != owner {
                return Err(ProfileError::Invalid(format!(
                    "{what} ([{table}]) do not go with auth = {:?}",
                    t.auth.name()
                )));
            }
        }
        let role = role_settings(&t)?;
        match (t.auth, &t.store) {
            (AuthScheme::None, StoreSpec::None) => {}
            (AuthScheme::None, other) => {
                return Err(ProfileError::Invalid(format!(
                    "a profile with auth none keeps no secret: it has no store (not {other})"
                )));
            }
            (scheme, StoreSpec::None) => {
                return Err(ProfileError::Invalid(format!(
                    "a {scheme} profile keeps its secret in a store (store = \"secret-service\", \"file\", \"env:VAR\" …); \
                     only auth none has none"
                )));
            }
            _ => {}
        }
        for (url, flag) in [(&t.url, "--url"), (&t.iam_endpoint, "--iam-endpoint"), (&t.sts_endpoint, "--sts-endpoint")]
        {
            if let Some(url) = url {
                crate::request::parse_url(url).map_err(|e| ProfileError::Invalid(format!("{flag}: {e}")))?;
            }
        }
        Ok(Profile {
            auth,
            url: nonempty(t.url),
            gateway: t.gateway,
            store: t.store,
            key_created: t.key_created,
            iam_endpoint: nonempty(t.iam_endpoint),
            sts_endpoint: nonempty(t.sts_endpoint),
            rotation: t.rotation,
            role,
            override_scope: if t.auth == AuthScheme::Sigv4 {
                SigV4Scope::default()
            } else {
                SigV4Scope { region: nonempty(t.fields.region.clone()), service: nonempty(t.fields.service.clone()) }
            },
        })
    }
}

/// The role fields of a flat profile, checked (ARN, duration, names).
fn role_settings(t: &ProfileToml) -> Result<Option<AssumeRoleSettings>, ProfileError> {
    use crate::tokens::sts;
    let nonempty = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
    let Some(role_arn) = nonempty(&t.role_arn) else {
        if t.source_profile.is_some() || t.external_id.is_some() || t.mfa_serial.is_some() || t.duration.is_some() {
            return Err(ProfileError::Invalid(
                "--source-profile, --external-id, --mfa-serial and --duration go with --role-arn".into(),
            ));
        }
        return Ok(None);
    };
    if t.auth != AuthScheme::Sigv4 {
        return Err(ProfileError::Invalid(format!("--role-arn is for sigv4 profiles, not {}", t.auth)));
    }
    let invalid = |e: sts::StsError| ProfileError::Invalid(e.to_string());
    sts::check_role_arn(&role_arn).map_err(invalid)?;
    let source_profile = nonempty(&t.source_profile)
        .ok_or_else(|| ProfileError::Invalid("a profile with --role-arn needs --source-profile".into()))?;
    let duration_text = nonempty(&t.duration);
    let duration_secs = duration_text.as_deref().map(sts::parse_duration).transpose().map_err(invalid)?;
    let r = AssumeRoleSettings {
        role_arn,
        source_profile,
        external_id: nonempty(&t.external_id),
        mfa_serial: nonempty(&t.mfa_serial),
        duration_secs,
        duration_text,
        session_name: nonempty(&t.session_name),
    };
    let mut p = sts::AssumeRoleParams::new(&r.role_arn, r.session_name.as_deref().unwrap_or("gwctl-check"));
    p.external_id.clone_from(&r.external_id);
    p.duration_secs = r.duration_secs;
    p.validate().map_err(invalid)?;
    if let Some(m) = &r.mfa_serial
        && (!(9..=256).contains(&m.len()) || m.chars().any(|c| c.is_whitespace() || c.is_control()))
    {
        return Err(ProfileError::Invalid(format!("invalid MFA serial {m:?}: an MFA device ARN or serial number")));
    }
    Ok(Some(r))
}

impl From<Profile> for ProfileToml {
    fn from(p: Profile) -> Self {
        let mut t = ProfileToml::new(p.auth.scheme(), p.store);
        p.auth.to_fields(&mut t.fields);
        if let Some(r) = p.role {
            t.role_arn = Some(r.role_arn);
            t.source_profile = Some(r.source_profile);
            t.external_id = r.external_id;
            t.mfa_serial = r.mfa_serial;
            t.duration = r.duration_text.or(r.duration_secs.map(|d| d.to_string()));
            t.session_name = r.session_name;
        }
        if p.override_scope != SigV4Scope::default() {
            t.fields.region = p.override_scope.region;
            t.fields.service = p.override_scope.service;
        }
        t.url = p.url;
        t.gateway = p.gateway;
        t.key_created = p.key_created;
        t.iam_endpoint = p.iam_endpoint;
        t.sts_endpoint = p.sts_endpoint;
        t.rotation = p.rotation;
        t
    }
}

/// Where a rotation stands. Each step is recorded before the next begins, so an interrupted
/// `gwctl keys rotate` resumes from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RotationStep {
    /// AWS: about to call CreateAccessKey (it may have happened; `keys_before` tells).
    Creating,
    /// AWS: the new key is stored in the `pending` slot.
    Created,
    /// AWS: STS accepted the new key.
    Verified,
    /// AWS: the profile uses the new key; the old one is still active.
    Promoted,
    /// AWS: the old key is inactive, about to be deleted.
    Deactivated,
    /// Basic on an MLflow tracking server: the new password is in the `pending` slot and may
    /// already be set on the server.
    Changing,
    /// A new secret in the `pending` slot waits for the gateway's admin; `--finish` promotes it.
    Pending,
    /// JWT: the new key signs; the previous public key is still published until `--finish`.
    Overlap,
}

impl RotationStep {
    pub fn name(self) -> &'static str {
        match self {
            RotationStep::Creating => "creating",
            RotationStep::Created => "created",
            RotationStep::Verified => "verified",
            RotationStep::Promoted => "promoted",
            RotationStep::Deactivated => "deactivated",
            RotationStep::Changing => "changing",
            RotationStep::Pending => "pending",
            RotationStep::Overlap => "overlap",
        }
    }
}

/// A rotation under way. No secret here: new keys wait in the store's `pending` slot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    pub step: RotationStep,
    /// When it began (RFC 3339).
    pub started: String,
    /// The new key's id (access key id, JWT kid), once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_key_id: Option<String>,
    /// The key being replaced (access key id, JWT kid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_key_id: Option<String>,
    /// AWS: the user's access key ids before CreateAccessKey (to find a key created by an
    /// interrupted run whose secret was never stored).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys_before: Vec<String>,
    /// JWT: the previous public key as a JWK (JSON text), published by `gwctl keys jwks`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_jwk: Option<String>,
    /// AWS: leave the old key inactive instead of deleting it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_old: bool,
    /// gwctl made the pending secret (so it may show it to the admin again); false when the
    /// user gave it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub generated: bool,
}

/// Secret-store slots besides the current secret (kept under the profile's own name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Current,
    /// A new key not in use yet.
    Pending,
    /// The key being replaced, until the rotation ends.
    Previous,
    /// An issued OAuth2 token or AssumeRole session (a cache record with its expiry).
    Token,
}

impl Slot {
    /// The store entry name: profile names cannot contain `#`, so these never collide.
    pub fn entry(self, profile: &str) -> String {
        match self {
            Slot::Current => profile.to_string(),
            Slot::Pending => format!("{profile}#pending"),
            Slot::Previous => format!("{profile}#previous"),
            Slot::Token => format!("{profile}#token"),
        }
    }
}

/// Profile names: letters, digits, `.`, `_`, `-`; at most 64; not starting with `.` or `-`.
pub fn check_name(name: &str) -> Result<(), ProfileError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && !name.starts_with(['.', '-']);
    if ok { Ok(()) } else { Err(ProfileError::BadName(name.chars().take(64).collect())) }
}

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("unknown profile {name:?}{}", if known.is_empty() { " (there are no profiles: gwctl profile add NAME …)".to_string() } else { format!(" (known: {})", known.join(", ")) })]
    Unknown { name: String, known: Vec<String> },
    #[error("profile {0:?} already exists: pass --yes to overwrite it")]
    Exists(String),
    #[error(
        "invalid profile name {0:?}: use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' or '-')"
    )]
    BadName(String),
    #[error(
        "no profile chosen: pass --profile NAME or set GWCTL_PROFILE (or make one the default with gwctl profile use NAME), or pass --auth SCHEME to use credentials from the environment"
    )]
    NoDefault,
    #[error("config file {path}, line {line}: {message} (the file was left as it is)")]
    Corrupt { path: String, line: usize, message: String },
    #[error("{0}")]
    Invalid(String),
    /// A role chain that loops or names a profile that cannot serve (exit 7).
    #[error("{0}")]
    Chain(String),
    #[error("{0}")]
    NeedsTerminal(String),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ProfileError {
    pub fn exit_code(&self) -> crate::exit::ExitCode {
        use crate::exit::ExitCode;
        match self {
            ProfileError::Io { .. } => ExitCode::Io,
            ProfileError::Invalid(_) | ProfileError::BadName(_) => ExitCode::InvalidInput,
            ProfileError::NeedsTerminal(_) => ExitCode::Usage,
            ProfileError::Store(e) => e.exit_code(),
            _ => ExitCode::Profile,
        }
    }
}

/// The current time as RFC 3339 UTC, whole seconds (`2026-11-24T09:30:00Z`).
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Shows the end of a secret only when it is long enough not to give much away.
/// The form is fixed: `****` and at most four visible, printable characters, never a line
/// break or a padding character of an encoding.
pub fn mask(secret: &[u8]) -> String {
    let trimmed = secret.trim_ascii_end();
    let tail = &trimmed[trimmed.len().saturating_sub(4)..];
    if trimmed.len() >= 16 && tail.iter().all(|b| b.is_ascii_alphanumeric()) {
        format!("****{}", String::from_utf8_lossy(tail))
    } else {
        "****".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key the file may have is read by the profile's reader: a key listed there but not
    /// read would be refused as unknown.
    #[test]
    fn every_listed_key_is_read() {
        for key in COMMON_KEYS.iter().chain(SchemeFields::KEYS) {
            assert_eq!(COMMON_KEYS.iter().chain(SchemeFields::KEYS).filter(|k| *k == key).count(), 1, "{key}");
            let text = format!("auth = \"sigv4\"\n{key} = \"x\"\n");
            if let Err(e) = toml::from_str::<ProfileToml>(&text) {
                assert!(!e.to_string().contains("unknown field"), "{key}: {e}");
            }
        }
        let e = toml::from_str::<ProfileToml>("auth = \"sigv4\"\nregoin = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("unknown field `regoin`, expected one of `auth`, `url`, `gateway`, `username`"), "{e}");
    }

    #[test]
    fn names() {
        for ok in ["prod", "dev-1", "a.b_c", "X"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".hidden", "-x", "a/b", "a b", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn none_profiles_have_no_store() {
        let p: Profile = toml::from_str("auth = \"none\"\nurl = \"http://127.0.0.1:5000\"\n").unwrap();
        assert_eq!(p.auth, AuthConfig::None);
        assert_eq!(p.store, StoreSpec::None);
        let text = toml::to_string(&p).unwrap();
        assert!(!text.contains("store"), "{text}");
        assert_eq!(toml::from_str::<Profile>(&text).unwrap(), p);
        let e = toml::from_str::<Profile>("auth = \"none\"\nstore = \"file\"\n").unwrap_err().to_string();
        assert!(e.contains("keeps no secret"), "{e}");
        let e = toml::from_str::<Profile>("auth = \"bearer\"\n").unwrap_err().to_string();
        assert!(e.contains("keeps its secret in a store"), "{e}");
    }

    #[test]
    fn masking() {
        assert_eq!(mask(b"short"), "****");
        assert_eq!(mask(b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), "****EKEY");
        assert_eq!(mask(b"c2VjcmV0LXNlY3JldC1zZWNyZXRzZWNyZXRzZWNyZXQ=\n"), "****");
        assert_eq!(mask(b"-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"), "****");
    }
}
