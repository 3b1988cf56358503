//! AWS STS `AssumeRole`: the request (form POST, SigV4-signed here with the signing module's
//! signer), the answer (XML, read with roxmltree), role chains (`source_profile` links, with
//! loop detection) and session durations.
//!
//! ```text
//! POST https://sts.<region>.amazonaws.com/
//! Action=AssumeRole&Version=2011-06-15&RoleArn=…&RoleSessionName=…[&DurationSeconds=900..43200]
//!   [&ExternalId=…][&SerialNumber=…&TokenCode=123456]
//! ```

use std::collections::HashMap;

use secrecy::{ExposeSecret, SecretString};
use url::Url;
use zeroize::Zeroizing;

use super::{FormPost, MAX_RESPONSE_BYTES, RawResponse, TokenTransport, is_loopback, sanitize};
use crate::exit::ExitCode;
use crate::signing::sigv4::{AwsCredentials, SigV4Settings, SigV4Signer};
use crate::signing::{Payload, Request, SigningTime};

pub const VERSION: &str = "2011-06-15";
/// The shortest session STS grants: 15 minutes.
pub const MIN_DURATION: u32 = 900;
/// The longest: 12 hours (the role's `MaxSessionDuration` may allow less).
pub const MAX_DURATION: u32 = 43_200;
/// The cap on sessions assumed with role credentials (role chaining): 1 hour.
pub const CHAINED_MAX_DURATION: u32 = 3600;
/// The longest role chain followed.
pub const MAX_CHAIN: usize = 10;
const GLOBAL_ENDPOINT: &str = "https://sts.amazonaws.com/";

/// Everything that can go wrong assuming a role. No variant carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum StsError {
    #[error("{0}")]
    InvalidSetting(String),
    /// A role chain that loops, is too long or names an unknown profile.
    #[error("{0}")]
    Chain(String),
    #[error("cannot sign the STS request: {0}")]
    Signing(#[from] crate::signing::SigningError),
    #[error("cannot reach STS at {url}: {message}")]
    Unreachable { url: String, message: String },
    #[error("STS refused to assume {role_arn}: {code}: {message}")]
    Refused { role_arn: String, status: u16, code: String, message: String },
    #[error("STS refused the MFA code for {role_arn}: {message}")]
    MfaRefused { role_arn: String, message: String },
    #[error("STS gave an unusable answer for {role_arn}: {problem}")]
    BadResponse { role_arn: String, problem: String },
}

/// STS error codes that mean "these credentials may not do this".
const CREDENTIAL_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "IncompleteSignature",
    "InvalidAccessKeyId",
    "MissingAuthenticationToken",
    "RegionDisabledException",
    "UnrecognizedClientException",
];

impl StsError {
    pub fn exit_code(&self) -> ExitCode {
        match self {
            StsError::InvalidSetting(_) => ExitCode::InvalidInput,
            StsError::Chain(_) => ExitCode::Profile,
            StsError::Signing(e) => e.exit_code(),
            StsError::Unreachable { .. } | StsError::BadResponse { .. } => ExitCode::Network,
            StsError::MfaRefused { .. } => ExitCode::Credentials,
            StsError::Refused { status, code, .. } => {
                if CREDENTIAL_CODES.contains(&code.as_str()) {
                    ExitCode::Credentials
                } else if *status >= 500 || code.starts_with("Throttl") {
                    ExitCode::ServerStatus
                } else {
                    ExitCode::ClientStatus
                }
            }
        }
    }

    /// The STS error code (`AccessDenied`, `ExpiredToken` …), if STS answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            StsError::Refused { code, .. } => Some(code),
            StsError::MfaRefused { .. } => Some("AccessDenied"),
            _ => None,
        }
    }
}

/// Where STS is and the region to sign for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StsEndpoint {
    pub url: Url,
    pub region: String,
}

impl StsEndpoint {
    /// The regional endpoint (`https://sts.<region>.amazonaws.com/`, `.amazonaws.com.cn` in
    /// China), or the global one (signed for `us-east-1`) without a region.
    pub fn for_region(region: Option<&str>) -> Result<Self, StsError> {
        let Some(region) = region.map(str::trim).filter(|r| !r.is_empty()) else {
            return Ok(Self { url: url_or_bad(GLOBAL_ENDPOINT)?, region: "us-east-1".into() });
        };
        if region.len() > 32 || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(StsError::InvalidSetting(format!("invalid AWS region {:?}", sanitize(region, 40))));
        }
        let suffix = if region.starts_with("cn-") { "amazonaws.com.cn" } else { "amazonaws.com" };
        Ok(Self { url: url_or_bad(&format!("https://sts.{region}.{suffix}/"))?, region: region.into() })
    }

    /// Any endpoint (`--sts-endpoint`, a test server): `https`, or plain `http` on loopback.
    pub fn custom(url: &str, region: &str) -> Result<Self, StsError> {
        let url = url_or_bad(url)?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            _ => {
                return Err(StsError::InvalidSetting(format!(
                    "the STS endpoint {url} must be https (plain http only on loopback): session credentials come back in the answer"
                )));
            }
        }
        if region.is_empty() || region.contains(['/', ' ']) {
            return Err(StsError::InvalidSetting(format!("invalid AWS region {:?}", sanitize(region, 40))));
        }
        Ok(Self { url, region: region.into() })
    }
}

fn url_or_bad(u: &str) -> Result<Url, StsError> {
    Url::parse(u).map_err(|e| StsError::InvalidSetting(format!("invalid STS endpoint {:?}: {e}", sanitize(u, 80))))
}

/// An MFA device and the current code.
pub struct Mfa {
    /// The device's serial number or ARN (`arn:aws:iam::123456789012:mfa/user`).
    pub serial: String,
    /// The six-digit code.
    pub code: SecretString,
}

impl std::fmt::Debug for Mfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mfa").field("serial", &self.serial).field("code", &"<redacted>").finish()
    }
}

/// One `AssumeRole` call.
#[derive(Debug)]
pub struct AssumeRoleParams {
    pub role_arn: String,
    pub session_name: String,
    /// `None`: STS's default (1 hour).
    pub duration_secs: Option<u32>,
    pub external_id: Option<String>,
    pub mfa: Option<Mfa>,
}

impl AssumeRoleParams {
    pub fn new(role_arn: impl Into<String>, session_name: impl Into<String>) -> Self {
        Self {
            role_arn: role_arn.into(),
            session_name: session_name.into(),
            duration_secs: None,
            external_id: None,
            mfa: None,
        }
    }

    /// Checks every field against STS's own limits, so a typo fails here with a clear line.
    pub fn validate(&self) -> Result<(), StsError> {
        check_role_arn(&self.role_arn)?;
        let bad = |m: String| Err(StsError::InvalidSetting(m));
        let name_ok = |s: &str, extra: &[u8]| {
            s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b) || extra.contains(&b))
        };
        if !(2..=64).contains(&self.session_name.len()) || !name_ok(&self.session_name, b"") {
            return bad(format!(
                "invalid role session name {:?}: 2 to 64 characters of letters, digits and _+=,.@-",
                sanitize(&self.session_name, 70)
            ));
        }
        if let Some(d) = self.duration_secs {
            check_duration(d)?;
        }
        if let Some(x) = &self.external_id
            && (!(2..=1224).contains(&x.len()) || !name_ok(x, b":/"))
        {
            return bad("invalid external id: 2 to 1224 characters of letters, digits and _+=,.@:/-".into());
        }
        if let Some(m) = &self.mfa {
            if !(9..=256).contains(&m.serial.len()) || !name_ok(&m.serial, b"/:") {
                return bad(format!(
                    "invalid MFA serial {:?}: an MFA device ARN or serial number",
                    sanitize(&m.serial, 80)
                ));
            }
            let code = m.code.expose_secret().trim();
            if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
                return bad("invalid MFA code: it is six digits".into());
            }
        }
        Ok(())
    }

    /// The cache binding ([`super::cache::binding`]) of this role, given a digest of whatever
    /// produced the source credentials (e.g. the source profile's name and access key id).
    pub fn cache_binding(&self, source: &str) -> String {
        let d = self.duration_secs.map(|d| d.to_string()).unwrap_or_default();
        super::cache::binding(&[
            "sts",
            source,
            &self.role_arn,
            &self.session_name,
            &d,
            self.external_id.as_deref().unwrap_or(""),
            self.mfa.as_ref().map(|m| m.serial.as_str()).unwrap_or(""),
        ])
    }
}

/// `arn:<partition>:iam::<12 digits>:role/<path/>name`.
pub fn check_role_arn(arn: &str) -> Result<(), StsError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].strip_prefix("role/").is_some_and(|r| !r.is_empty())
        && arn.len() <= 2048
        && !arn.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok {
        Ok(())
    } else {
        Err(StsError::InvalidSetting(format!(
            "invalid role ARN {:?}: expected arn:aws:iam::123456789012:role/NAME",
            sanitize(arn, 100)
        )))
    }
}

fn check_duration(d: u32) -> Result<(), StsError> {
    if (MIN_DURATION..=MAX_DURATION).contains(&d) {
        Ok(())
    } else {
        Err(StsError::InvalidSetting(format!(
            "session duration {d} s is out of range: STS allows 900 s (15m) to 43200 s (12h)"
        )))
    }
}

/// Parses a session duration: seconds (`3600`, `3600s`), or `15m`, `1h`, `1h30m`, `12h`;
/// it must be 900 to 43200 seconds.
pub fn parse_duration(text: &str) -> Result<u32, StsError> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || {
        StsError::InvalidSetting(format!(
            "invalid duration {:?}: give seconds (3600) or a span like 15m, 1h, 1h30m, 12h",
            sanitize(text, 40)
        ))
    };
    if t.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut seen_unit = false;
    for c in t.chars() {
        if c.is_ascii_digit() {
            if num.len() >= 9 {
                return Err(bad());
            }
            num.push(c);
            continue;
        }
        let mult = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = total.saturating_add(n.saturating_mul(mult));
        num.clear();
        seen_unit = true;
    }
    if !num.is_empty() {
        if seen_unit {
            return Err(bad());
        }
        total = num.parse().map_err(|_| bad())?;
    }
    let d = u32::try_from(total).unwrap_or(u32::MAX);
    check_duration(d)?;
    Ok(d)
}

/// A session name for `profile` at `now`: `gwctl-<profile>-<unix time>`, limited to the
/// characters and 64-character length STS allows.
pub fn default_session_name(profile: &str, now: i64) -> String {
    let clean: String = profile
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "_+=,.@-".contains(c) { c } else { '-' })
        .take(40)
        .collect();
    let mut name = format!("gwctl-{clean}-{now}");
    name.truncate(64);
    name
}

/// The signed `AssumeRole` request (pure): form body, `Content-Type`, `X-Amz-Date`,
/// `X-Amz-Security-Token` when the source credentials have one, `Authorization`.
pub fn assume_role_request(
    source: &AwsCredentials,
    endpoint: &StsEndpoint,
    params: &AssumeRoleParams,
    time: SigningTime,
) -> Result<FormPost, StsError> {
    params.validate()?;
    let duration = params.duration_secs.map(|d| d.to_string());
    let code = params.mfa.as_ref().map(|m| Zeroizing::new(m.code.expose_secret().trim().to_string()));
    let mut fields: Vec<(&str, &str)> = vec![
        ("Action", "AssumeRole"),
        ("Version", VERSION),
        ("RoleArn", &params.role_arn),
        ("RoleSessionName", &params.session_name),
    ];
    if let Some(d) = &duration {
        fields.push(("DurationSeconds", d));
    }
    if let Some(x) = &params.external_id {
        fields.push(("ExternalId", x));
    }
    if let (Some(m), Some(c)) = (&params.mfa, &code) {
        fields.push(("SerialNumber", &m.serial));
        fields.push(("TokenCode", c.as_str()));
    }
    let cap: usize = fields.iter().map(|(k, v)| k.len() + 2 + v.len() * 3).sum();
    let mut ser = url::form_urlencoded::Serializer::new(String::with_capacity(cap));
    for (k, v) in &fields {
        ser.append_pair(k, v);
    }
    let body = Zeroizing::new(ser.finish().into_bytes());

    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let req = Request::from_url("POST", &endpoint.url)?.header("Content-Type", content_type);
    let signer = SigV4Signer::new(source.clone(), SigV4Settings::new(endpoint.region.clone(), "sts"))?;
    let signed = signer.sign(&req, &Payload::Bytes(&body), time)?;
    let mut headers = vec![("Content-Type".to_string(), content_type.to_string())];
    headers.extend(signed.headers.into_iter().filter(|(n, _)| !n.eq_ignore_ascii_case("host")));
    Ok(FormPost { url: endpoint.url.clone(), headers, body })
}

/// What `AssumeRole` returned.
pub struct AssumedRole {
    pub credentials: AwsCredentials,
    /// Unix seconds.
    pub expiration: i64,
    /// `AssumedRoleUser/Arn`: `arn:aws:sts::123456789012:assumed-role/NAME/SESSION`.
    pub arn: String,
    pub assumed_role_id: Option<String>,
}

impl std::fmt::Debug for AssumedRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssumedRole")
            .field("credentials", &self.credentials)
            .field("expiration", &self.expiration)
            .field("arn", &self.arn)
            .finish_non_exhaustive()
    }
}

impl AssumedRole {
    /// The expiry in RFC 3339 UTC (`2025-01-01T01:00:00Z`), as `credential_process` wants it.
    pub fn expiration_rfc3339(&self) -> String {
        rfc3339(self.expiration)
    }

    /// The cache record for it.
    pub fn into_cached(self, obtained_at: i64, binding: String) -> super::cache::CachedToken {
        super::cache::CachedToken {
            value: super::cache::CachedValue::Aws(self.credentials),
            obtained_at,
            expires_at: self.expiration,
            binding,
        }
    }
}

/// Unix seconds as RFC 3339 UTC with a `Z` (out-of-range values clamp to the epoch).
pub fn rfc3339(unix: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.format(&f).unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

fn child_text<'a>(node: roxmltree::Node<'a, 'a>, tag: &str) -> Option<&'a str> {
    node.children().find(|c| c.has_tag_name(tag)).and_then(|c| c.text()).map(str::trim)
}

/// Reads an `AssumeRole` answer. `now` (Unix seconds) checks the expiry; `sent` (the MFA
/// code) is scrubbed from quoted messages.
pub fn parse_assume_role_response(
    role_arn: &str,
    resp: &RawResponse,
    now: i64,
    sent: &[&str],
) -> Result<AssumedRole, StsError> {
    let bad = |problem: String| StsError::BadResponse { role_arn: role_arn.to_string(), problem };
    if resp.body.len() > MAX_RESPONSE_BYTES {
        return Err(bad(format!("the answer is over {MAX_RESPONSE_BYTES} bytes")));
    }
    let text = std::str::from_utf8(&resp.body).map_err(|_| bad(format!("not UTF-8 ({})", resp.describe())))?;
    let doc = roxmltree::Document::parse(text).ok();
    if !(200..300).contains(&resp.status) {
        let field = |tag: &str| {
            doc.as_ref()
                .and_then(|d| d.descendants().find(|n| n.has_tag_name(tag)))
                .and_then(|n| n.text())
                .map(|t| super::sanitize_without(t, 300, sent))
                .filter(|t| !t.is_empty())
        };
        let code = field("Code").map(|c| sanitize(&c, 64));
        let message = field("Message").unwrap_or_else(|| format!("HTTP {} ({})", resp.status, resp.describe()));
        if code.as_deref() == Some("AccessDenied") && message.contains("MultiFactorAuthentication") {
            return Err(StsError::MfaRefused { role_arn: role_arn.to_string(), message });
        }
        return Err(StsError::Refused {
            role_arn: role_arn.to_string(),
            status: resp.status,
            code: code.unwrap_or_else(|| format!("HTTP{}", resp.status)),
            message,
        });
    }
    let doc = doc.ok_or_else(|| bad(format!("not XML ({})", resp.describe())))?;
    let result = doc
        .descendants()
        .find(|n| n.has_tag_name("AssumeRoleResult"))
        .ok_or_else(|| bad("no AssumeRoleResult in the answer".into()))?;
    let creds = result
        .children()
        .find(|n| n.has_tag_name("Credentials"))
        .ok_or_else(|| bad("no Credentials in the answer".into()))?;
    let need = |tag: &str| {
        child_text(creds, tag).filter(|t| !t.is_empty()).ok_or_else(|| bad(format!("no {tag} in the answer")))
    };
    let akid = need("AccessKeyId")?;
    if akid.len() > 128 || !akid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad("AccessKeyId is not an access key id".into()));
    }
    let secret = need("SecretAccessKey")?;
    let token = need("SessionToken")?;
    if secret.chars().chain(token.chars()).any(|c| c.is_control() || c.is_whitespace()) {
        return Err(bad("the secret key or session token contains spaces or control characters".into()));
    }
    let exp_text = need("Expiration")?;
    let expiration = time::OffsetDateTime::parse(exp_text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| bad(format!("Expiration {:?} is not an RFC 3339 time", sanitize(exp_text, 40))))?
        .unix_timestamp();
    if expiration <= now {
        return Err(bad(format!("the session already expired at {} (is the clock right?)", rfc3339(expiration))));
    }
    if expiration > now.saturating_add(366 * 24 * 3600) {
        return Err(bad(format!("the session expires at {}, over a year away", rfc3339(expiration))));
    }
    let user = result.children().find(|n| n.has_tag_name("AssumedRoleUser"));
    let arn = user.and_then(|u| child_text(u, "Arn")).map(|a| sanitize(a, 2048)).unwrap_or_default();
    let assumed_role_id = user.and_then(|u| child_text(u, "AssumedRoleId")).map(|a| sanitize(a, 256));
    Ok(AssumedRole {
        credentials: AwsCredentials {
            access_key_id: akid.to_string(),
            secret_access_key: SecretString::from(secret),
            session_token: Some(SecretString::from(token)),
        },
        expiration,
        arn,
        assumed_role_id,
    })
}

/// One `AssumeRole` exchange through `transport`.
pub async fn assume_role<T: TokenTransport>(
    transport: &T,
    source: &AwsCredentials,
    endpoint: &StsEndpoint,
    params: &AssumeRoleParams,
    time: SigningTime,
) -> Result<AssumedRole, StsError> {
    let req = assume_role_request(source, endpoint, params, time)?;
    let resp = transport
        .post_form(&req)
        .await
        .map_err(|e| StsError::Unreachable { url: endpoint.url.to_string(), message: e.message })?;
    let code = params.mfa.as_ref().map(|m| m.code.expose_secret().trim().to_string()).map(Zeroizing::new);
    let sent: Vec<&str> = code.as_ref().map(|c| c.as_str()).into_iter().collect();
    parse_assume_role_response(&params.role_arn, &resp, time.unix(), &sent)
}

/// Walks a chain: `steps[0]` is assumed with `base`, each later step with the previous
/// session. Steps after the first are capped at [`CHAINED_MAX_DURATION`] (STS refuses longer
/// chained sessions). `now` is read before each call.
pub async fn assume_chain<T: TokenTransport>(
    transport: &T,
    base: &AwsCredentials,
    endpoint: &StsEndpoint,
    steps: &mut [AssumeRoleParams],
    now: &(dyn Fn() -> SigningTime + Sync),
) -> Result<AssumedRole, StsError> {
    let mut current: Option<AssumedRole> = None;
    for (i, step) in steps.iter_mut().enumerate() {
        if i > 0 {
            step.duration_secs = Some(step.duration_secs.unwrap_or(CHAINED_MAX_DURATION).min(CHAINED_MAX_DURATION));
        }
        let source = current.as_ref().map(|c| &c.credentials).unwrap_or(base);
        current = Some(assume_role(transport, source, endpoint, step, now()).await?);
    }
    current.ok_or_else(|| StsError::Chain("the role chain is empty".into()))
}

/// A profile's role settings, as far as chains are concerned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoleProfile {
    /// `role_arn`: the profile assumes this role.
    pub role_arn: Option<String>,
    /// `source_profile`: whose credentials assume it.
    pub source_profile: Option<String>,
    /// Whether the profile has long-lived keys of its own (a profile may name itself as its
    /// `source_profile` only then, as in the AWS CLI).
    pub has_credentials: bool,
}

/// One role to assume in a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleHop {
    /// The profile that names the role.
    pub profile: String,
    pub role_arn: String,
}

/// How to get a profile's credentials: the long-lived keys of `base`, then each of `hops`
/// in order (`hops[0]` assumed with `base`'s keys). No hops: the profile is a plain one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleChain {
    pub base: String,
    pub hops: Vec<RoleHop>,
}

/// Follows `source_profile` links from `start` (pure). Errors: an unknown profile, a role
/// without a source profile, a loop (`a → b → a`, named in full), a chain over [`MAX_CHAIN`].
pub fn resolve_role_chain(profiles: &HashMap<String, RoleProfile>, start: &str) -> Result<RoleChain, StsError> {
    let mut path: Vec<String> = vec![start.to_string()];
    let mut hops: Vec<RoleHop> = Vec::new();
    let mut cur = start.to_string();
    loop {
        let p = profiles.get(&cur).ok_or_else(|| {
            if cur == start {
                StsError::Chain(format!("unknown profile {:?}", sanitize(&cur, 64)))
            } else {
                StsError::Chain(format!(
                    "profile {:?} names source profile {:?}, which does not exist",
                    sanitize(&path[path.len() - 2], 64),
                    sanitize(&cur, 64)
                ))
            }
        })?;
        let Some(role) = &p.role_arn else {
            hops.reverse();
            return Ok(RoleChain { base: cur, hops });
        };
        let src = p.source_profile.as_deref().filter(|s| !s.is_empty()).ok_or_else(|| {
            StsError::Chain(format!("profile {:?} has a role ARN but no source profile", sanitize(&cur, 64)))
        })?;
        hops.push(RoleHop { profile: cur.clone(), role_arn: role.clone() });
        if src == cur && p.has_credentials {
            hops.reverse();
            return Ok(RoleChain { base: cur, hops });
        }
        if path.iter().any(|v| v == src) {
            path.push(src.to_string());
            let shown: Vec<String> = path.iter().map(|p| sanitize(p, 64)).collect();
            return Err(StsError::Chain(format!("the role chain loops: {}", shown.join(" → "))));
        }
        if hops.len() > MAX_CHAIN {
            return Err(StsError::Chain(format!(
                "the role chain from {:?} is longer than {MAX_CHAIN} roles",
                sanitize(start, 64)
            )));
        }
        path.push(src.to_string());
        cur = src.to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::123456789012:role/gw-invoke";

    fn creds(token: Option<&str>) -> AwsCredentials {
        AwsCredentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: SecretString::from("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            session_token: token.map(SecretString::from),
        }
    }

    fn time() -> SigningTime {
        SigningTime::parse("20250101T000000Z").unwrap()
    }

    #[test]
    fn durations() {
        for (t, want) in [
            ("3600", 3600),
            ("3600s", 3600),
            ("1h", 3600),
            ("15m", 900),
            ("1h30m", 5400),
            ("12h", 43_200),
            (" 2H ", 7200),
        ] {
            assert_eq!(parse_duration(t).unwrap(), want, "{t}");
        }
        for t in ["", "899", "14m", "12h1s", "13h", "1d", "h", "1h30", "-1h", "99999999999999", "1.5h"] {
            let e = parse_duration(t).unwrap_err();
            assert_eq!(e.exit_code(), ExitCode::InvalidInput, "{t}");
            assert!(!e.to_string().contains('\n'));
        }
    }

    #[test]
    fn request_shape_and_signature() {
        let mut p = AssumeRoleParams::new(ROLE, "gwctl-test");
        p.duration_secs = Some(3600);
        p.external_id = Some("ext-42".into());
        p.mfa = Some(Mfa { serial: "arn:aws:iam::123456789012:mfa/alice".into(), code: SecretString::from("123456") });
        let ep = StsEndpoint::for_region(Some("eu-west-1")).unwrap();
        assert_eq!(ep.url.as_str(), "https://sts.eu-west-1.amazonaws.com/");
        let req = assume_role_request(&creds(Some("SESSION")), &ep, &p, time()).unwrap();
        assert_eq!(
            std::str::from_utf8(&req.body).unwrap(),
            "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fgw-invoke\
             &RoleSessionName=gwctl-test&DurationSeconds=3600&ExternalId=ext-42\
             &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456"
        );
        assert_eq!(req.header("content-type"), Some("application/x-www-form-urlencoded; charset=utf-8"));
        assert_eq!(req.header("x-amz-date"), Some("20250101T000000Z"));
        assert_eq!(req.header("x-amz-security-token"), Some("SESSION"));
        assert!(req.header("host").is_none());
        let auth = req.header("authorization").unwrap();
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/eu-west-1/sts/aws4_request"),
            "{auth}"
        );
        assert!(auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"), "{auth}");
        let dbg = format!("{req:?} {p:?}");
        assert!(!dbg.contains("123456\n") && !dbg.contains("TokenCode=123456") && !dbg.contains("SESSION"), "{dbg}");

        // The same signature as AWS's own signer would make is checked against moto in the
        // end-to-end tests; here: the global endpoint and China.
        assert_eq!(StsEndpoint::for_region(None).unwrap().region, "us-east-1");
        assert_eq!(
            StsEndpoint::for_region(Some("cn-north-1")).unwrap().url.as_str(),
            "https://sts.cn-north-1.amazonaws.com.cn/"
        );
        assert!(StsEndpoint::for_region(Some("eu west")).is_err());
        assert!(StsEndpoint::custom("http://127.0.0.1:5000/", "us-east-1").is_ok());
        assert!(StsEndpoint::custom("http://sts.example.com/", "us-east-1").is_err());
    }

    #[test]
    fn params_are_checked() {
        let check = |f: &dyn Fn(&mut AssumeRoleParams)| {
            let mut p = AssumeRoleParams::new(ROLE, "s1");
            f(&mut p);
            p.validate()
        };
        assert!(check(&|_| {}).is_ok());
        assert!(check(&|p| p.role_arn = "arn:aws:iam::123:role/x".into()).is_err());
        assert!(check(&|p| p.role_arn = "arn:aws:iam::123456789012:user/x".into()).is_err());
        assert!(check(&|p| p.role_arn = "gw-invoke".into()).is_err());
        assert!(check(&|p| p.role_arn = "arn:aws-cn:iam::123456789012:role/path/x".into()).is_ok());
        assert!(check(&|p| p.session_name = "a".into()).is_err());
        assert!(check(&|p| p.session_name = "has space".into()).is_err());
        assert!(check(&|p| p.session_name = "x".repeat(65)).is_err());
        assert!(check(&|p| p.duration_secs = Some(600)).is_err());
        assert!(check(&|p| p.external_id = Some("a\nb".into())).is_err());
        assert!(
            check(&|p| p.mfa = Some(Mfa { serial: "GAHT12345678".into(), code: SecretString::from("12345") })).is_err()
        );
        assert!(
            check(&|p| p.mfa = Some(Mfa { serial: "GAHT12345678".into(), code: SecretString::from("123456") })).is_ok()
        );
        let e = check(&|p| p.role_arn = "nope".into()).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::InvalidInput);
        assert_eq!(default_session_name("my profile/x", 1700000000), "gwctl-my-profile-x-1700000000");
        assert!(default_session_name(&"p".repeat(100), 1700000000).len() <= 64);
    }

    fn ok_xml(exp: &str) -> RawResponse {
        RawResponse::new(
            200,
            Some("text/xml"),
            format!(
                r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/gw-invoke/gwctl-test</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:gwctl-test</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764=</SessionToken>
      <Expiration>{exp}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>"#
            ),
        )
    }

    fn err_xml(status: u16, code: &str, msg: &str) -> RawResponse {
        RawResponse::new(
            status,
            Some("text/xml"),
            format!(
                r#"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>{code}</Code><Message>{msg}</Message></Error><RequestId>x</RequestId></ErrorResponse>"#
            ),
        )
    }

    #[test]
    fn answers() {
        let now = time().unix();
        let r = parse_assume_role_response(ROLE, &ok_xml("2025-01-01T01:00:00Z"), now, &[]).unwrap();
        assert_eq!(r.credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
        assert_eq!(r.credentials.secret_access_key.expose_secret(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
        assert_eq!(
            r.credentials.session_token.as_ref().unwrap().expose_secret(),
            "AQoDYXdzEPT//////////wEXAMPLEtc764="
        );
        assert_eq!(r.expiration - now, 3600);
        assert_eq!(r.expiration_rfc3339(), "2025-01-01T01:00:00Z");
        assert_eq!(r.arn, "arn:aws:sts::123456789012:assumed-role/gw-invoke/gwctl-test");
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("EXAMPLEKEY") && !dbg.contains("tc764"), "{dbg}");
        let c = r.into_cached(now, "b".into());
        assert_eq!(c.lifetime(), 3600);
        // Fractional seconds and offsets are RFC 3339 too.
        assert!(parse_assume_role_response(ROLE, &ok_xml("2025-01-01T02:00:00.123+01:00"), now, &[]).is_ok());

        let cases: Vec<(RawResponse, &str, ExitCode)> = vec![
            (
                err_xml(
                    403,
                    "AccessDenied",
                    "User: arn:aws:iam::123456789012:user/a is not authorized to perform: sts:AssumeRole",
                ),
                "STS refused to assume arn:aws:iam::123456789012:role/gw-invoke: AccessDenied: User: arn",
                ExitCode::Credentials,
            ),
            (
                err_xml(403, "ExpiredToken", "The security token included in the request is expired"),
                "ExpiredToken",
                ExitCode::Credentials,
            ),
            (
                err_xml(
                    403,
                    "AccessDenied",
                    "MultiFactorAuthentication failed with invalid MFA one time pass code. 654321",
                ),
                "STS refused the MFA code for arn:aws:iam::123456789012:role/gw-invoke: MultiFactorAuthentication failed",
                ExitCode::Credentials,
            ),
            (
                err_xml(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration"),
                "ValidationError",
                ExitCode::ClientStatus,
            ),
            (err_xml(400, "Throttling", "Rate exceeded"), "Throttling", ExitCode::ServerStatus),
            (
                RawResponse::new(503, Some("text/html"), "<h1>oops</h1>"),
                "HTTP503: HTTP 503 (text/html, 13 bytes)",
                ExitCode::ServerStatus,
            ),
            (ok_xml("2024-12-31T23:00:00Z"), "already expired", ExitCode::Network),
            (ok_xml("2099-01-01T00:00:00Z"), "over a year", ExitCode::Network),
            (ok_xml("tomorrow"), "not an RFC 3339 time", ExitCode::Network),
            (RawResponse::new(200, Some("text/xml"), "<a><b></a>"), "not XML", ExitCode::Network),
            (
                RawResponse::new(200, Some("text/xml"), "<AssumeRoleResponse/>"),
                "no AssumeRoleResult",
                ExitCode::Network,
            ),
            (
                RawResponse::new(200, None, "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>"),
                "not XML",
                ExitCode::Network,
            ),
            (RawResponse::new(200, None, vec![b'<'; MAX_RESPONSE_BYTES + 1]), "over 1048576 bytes", ExitCode::Network),
        ];
        for (resp, want, code) in cases {
            let e = parse_assume_role_response(ROLE, &resp, now, &["654321"]).unwrap_err();
            let m = e.to_string();
            assert!(m.contains(want), "{m}");
            assert!(!m.contains('\n') && !m.contains("654321"), "{m}");
            assert_eq!(e.exit_code(), code, "{m}");
        }
    }

    fn profiles(list: &[(&str, Option<&str>, Option<&str>, bool)]) -> HashMap<String, RoleProfile> {
        list.iter()
            .map(|(n, r, s, c)| {
                (
                    n.to_string(),
                    RoleProfile {
                        role_arn: r.map(str::to_string),
                        source_profile: s.map(str::to_string),
                        has_credentials: *c,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn chains() {
        let r1 = "arn:aws:iam::111111111111:role/one";
        let r2 = "arn:aws:iam::222222222222:role/two";
        let m = profiles(&[
            ("base", None, None, true),
            ("one", Some(r1), Some("base"), false),
            ("two", Some(r2), Some("one"), false),
            ("self", Some(r1), Some("self"), true),
            ("selfless", Some(r1), Some("selfless"), false),
            ("a", Some(r1), Some("b"), false),
            ("b", Some(r2), Some("c"), false),
            ("c", Some(r2), Some("a"), false),
            ("orphan", Some(r1), Some("ghost"), false),
            ("nosrc", Some(r1), None, false),
        ]);
        let c = resolve_role_chain(&m, "two").unwrap();
        assert_eq!(c.base, "base");
        assert_eq!(
            c.hops,
            vec![
                RoleHop { profile: "one".into(), role_arn: r1.into() },
                RoleHop { profile: "two".into(), role_arn: r2.into() }
            ]
        );
        assert_eq!(resolve_role_chain(&m, "base").unwrap(), RoleChain { base: "base".into(), hops: vec![] });
        let c = resolve_role_chain(&m, "self").unwrap();
        assert_eq!((c.base.as_str(), c.hops.len()), ("self", 1));
        for (start, want) in [
            ("a", "the role chain loops: a → b → c → a"),
            ("selfless", "the role chain loops: selfless → selfless"),
            ("orphan", "profile \"orphan\" names source profile \"ghost\", which does not exist"),
            ("nosrc", "profile \"nosrc\" has a role ARN but no source profile"),
            ("nobody", "unknown profile \"nobody\""),
        ] {
            let e = resolve_role_chain(&m, start).unwrap_err();
            assert_eq!(e.to_string(), want);
            assert_eq!(e.exit_code(), ExitCode::Profile);
        }
        // Long chains stop.
        let mut long = profiles(&[("p0", None, None, true)]);
        for i in 1..=20 {
            long.insert(
                format!("p{i}"),
                RoleProfile {
                    role_arn: Some(r1.into()),
                    source_profile: Some(format!("p{}", i - 1)),
                    has_credentials: false,
                },
            );
        }
        assert!(resolve_role_chain(&long, "p10").is_ok());
        assert!(resolve_role_chain(&long, "p20").unwrap_err().to_string().contains("longer than 10"));
    }

    struct Canned(std::cell::RefCell<Vec<(String, RawResponse)>>);

    impl TokenTransport for Canned {
        async fn post_form(&self, req: &FormPost) -> Result<RawResponse, super::super::TransportError> {
            let body = std::str::from_utf8(&req.body).unwrap().to_string();
            let auth = req.header("authorization").unwrap_or("").to_string();
            let mut v = self.0.borrow_mut();
            let (_, r) = v.remove(0);
            v.push((format!("{body} | {auth}"), r.clone()));
            Ok(r)
        }
        async fn get(&self, _url: &Url) -> Result<RawResponse, super::super::TransportError> {
            unreachable!()
        }
    }

    #[test]
    fn chain_caps_durations_and_uses_previous_session() {
        let t = Canned(std::cell::RefCell::new(vec![
            (String::new(), ok_xml("2025-01-01T10:00:00Z")),
            (String::new(), ok_xml("2025-01-01T01:00:00Z")),
        ]));
        let mut steps = vec![
            AssumeRoleParams { duration_secs: Some(36_000), ..AssumeRoleParams::new(ROLE, "s1") },
            AssumeRoleParams { duration_secs: Some(36_000), ..AssumeRoleParams::new(ROLE, "s2") },
        ];
        let ep = StsEndpoint::for_region(Some("us-west-2")).unwrap();
        let r = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(assume_chain(&t, &creds(None), &ep, &mut steps, &time))
            .unwrap();
        assert_eq!(r.expiration_rfc3339(), "2025-01-01T01:00:00Z");
        let seen = t.0.borrow();
        assert!(
            seen[0].0.contains("DurationSeconds=36000") && seen[0].0.contains("Credential=AKIDEXAMPLE/"),
            "{}",
            seen[0].0
        );
        assert!(
            seen[1].0.contains("DurationSeconds=3600&") || seen[1].0.contains("DurationSeconds=3600 "),
            "{}",
            seen[1].0
        );
        assert!(seen[1].0.contains("Credential=ASIAIOSFODNN7EXAMPLE/"), "{}", seen[1].0);
    }
}
