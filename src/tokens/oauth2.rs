//! OAuth2 client credentials (RFC 6749 §4.4): from a client's settings to an access token.
//!
//! - [`OAuth2Config`]: where the token endpoint is ([`TokenEndpoint::Url`], or an issuer to
//!   discover it from), the client id, scopes, `audience` (Auth0 style), `resource` (RFC 8707)
//!   and how the client authenticates ([`ClientAuth`]); [`Preset`] fills them for Databricks
//!   and Azure Entra.
//! - [`discover`]: `{issuer}/.well-known/openid-configuration`, then RFC 8414's
//!   `/.well-known/oauth-authorization-server{path}`; the document's `issuer` must be the one
//!   asked for, and its `token_endpoint` must be `https` (plain `http` only on loopback).
//! - [`token_request`]: the exact form POST (pure; unit-tested for every preset and method).
//! - [`parse_token_response`]: the answer, checked (see the rules on [`IssuedToken`]).
//! - [`fetch_token`]: all of it through a [`TokenTransport`].
//!
//! Secrets (the client secret, the private key, the assertion, the token) are never in `Debug`
//! output or error messages; error descriptions from the server are sanitised to one line and
//! scrubbed of anything the client sent.

use jsonwebtoken::Algorithm;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;
use zeroize::Zeroizing;

use super::{FormPost, MAX_RESPONSE_BYTES, RawResponse, TokenTransport, TransportError, is_loopback, sanitize};
use crate::exit::ExitCode;
use crate::signing::SigningTime;
use crate::signing::jwt::{JwtKey, JwtSettings, JwtSigner};

/// `expires_in` assumed when a token response has none and the token is not a JWT with an
/// `exp` claim: short, so an unknown lifetime is not trusted for long (a 401 from the gateway
/// refreshes it sooner anyway).
pub const DEFAULT_EXPIRES_IN: i64 = 300;
/// The longest `expires_in` accepted: one year. A larger value is refused as nonsense.
pub const MAX_EXPIRES_IN: i64 = 365 * 24 * 3600;
/// Lifetime of a `private_key_jwt` / `client_secret_jwt` assertion (RFC 7523 wants it short).
pub const ASSERTION_TTL_SECS: u64 = 300;
/// RFC 7523 `client_assertion_type`.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Everything that can go wrong getting a token. No variant carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// A setting that cannot be inferred is missing.
    #[error("{0}")]
    MissingSetting(String),
    /// A setting is malformed or not allowed.
    #[error("{0}")]
    InvalidSetting(String),
    /// The private key (or secret) cannot sign the client assertion.
    #[error("client assertion: {0}")]
    Assertion(#[from] crate::signing::SigningError),
    /// No answer.
    #[error("cannot reach {url}: {message}")]
    Unreachable { url: String, message: String },
    /// An OAuth2 error document (`{"error": …}`).
    #[error("the token endpoint {url} refused the request: {error}{}", description_suffix(.description))]
    Refused { url: String, status: u16, error: String, description: Option<String> },
    /// An HTTP error status without an OAuth2 error document.
    #[error("the token endpoint {url} answered HTTP {status} ({detail})")]
    Status { url: String, status: u16, detail: String },
    /// A 2xx answer that is not a usable token response.
    #[error("the token endpoint {url} gave an unusable answer: {problem}")]
    BadResponse { url: String, problem: String },
    /// The discovery document is missing or unusable.
    #[error("discovery at {url} failed: {problem}")]
    Discovery { url: String, problem: String },
}

fn description_suffix(d: &Option<String>) -> String {
    d.as_deref().map(|d| format!(" ({d})")).unwrap_or_default()
}

impl TokenError {
    /// The documented exit code (see the module table in [`crate::tokens`]).
    pub fn exit_code(&self) -> ExitCode {
        match self {
            TokenError::MissingSetting(_) => ExitCode::Usage,
            TokenError::InvalidSetting(_) => ExitCode::InvalidInput,
            TokenError::Assertion(e) => e.exit_code(),
            TokenError::Unreachable { .. } | TokenError::BadResponse { .. } | TokenError::Discovery { .. } => {
                ExitCode::Network
            }
            TokenError::Refused { status, error, .. } => {
                if *status >= 500 || error == "server_error" || error == "temporarily_unavailable" {
                    ExitCode::ServerStatus
                } else {
                    ExitCode::Credentials
                }
            }
            TokenError::Status { status, .. } if *status >= 500 => ExitCode::ServerStatus,
            TokenError::Status { .. } => ExitCode::ClientStatus,
        }
    }

    /// Whether the provider refused the client itself (wrong secret or key, unknown client):
    /// retrying with the same settings cannot help.
    pub fn is_client_refused(&self) -> bool {
        matches!(self, TokenError::Refused { error, .. }
            if matches!(error.as_str(), "invalid_client" | "unauthorized_client" | "invalid_grant" | "access_denied"))
    }
}

/// Where the token endpoint is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenEndpoint {
    /// Given directly (`--token-url`).
    Url(Url),
    /// Discovered from the issuer's metadata (`--issuer`).
    Issuer(Url),
}

/// How the client authenticates to the token endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ClientAuth {
    /// RFC 6749 §2.3.1: `Authorization: Basic base64(urlencode(id):urlencode(secret))`.
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form.
    ClientSecretPost,
    /// RFC 7523: a JWT signed with the client's private key (`--key-file`).
    PrivateKeyJwt,
    /// RFC 7523 with an HMAC (HS256) of the client secret.
    ClientSecretJwt,
}

impl ClientAuth {
    pub const NAMES: &[&str] = &["basic", "post", "private-key-jwt", "client-secret-jwt"];

    /// `basic`, `post`, `private-key-jwt`, `client-secret-jwt`, or the RFC names
    /// (`client_secret_basic` …), case-insensitive.
    pub fn parse(s: &str) -> Result<Self, TokenError> {
        let n = s.trim().to_ascii_lowercase().replace('_', "-");
        Ok(match n.as_str() {
            "basic" | "client-secret-basic" => Self::ClientSecretBasic,
            "post" | "client-secret-post" => Self::ClientSecretPost,
            "private-key-jwt" => Self::PrivateKeyJwt,
            "client-secret-jwt" => Self::ClientSecretJwt,
            _ => {
                return Err(TokenError::InvalidSetting(format!(
                    "unknown client authentication {:?} (expected one of {})",
                    sanitize(s, 40),
                    Self::NAMES.join(", ")
                )));
            }
        })
    }

    /// The RFC / discovery name (`client_secret_basic` …).
    pub fn rfc_name(&self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::ClientSecretJwt => "client_secret_jwt",
        }
    }

    /// The short name used on the command line (`basic` …).
    pub fn short_name(&self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "basic",
            Self::ClientSecretPost => "post",
            Self::PrivateKeyJwt => "private-key-jwt",
            Self::ClientSecretJwt => "client-secret-jwt",
        }
    }

    /// Whether it needs a private key rather than a client secret.
    pub fn needs_private_key(&self) -> bool {
        *self == Self::PrivateKeyJwt
    }
}

/// A client's settings (no secret: that is a [`ClientCredential`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuth2Config {
    pub endpoint: TokenEndpoint,
    pub client_id: String,
    /// Sent space-separated as `scope` (none: no `scope` parameter).
    pub scopes: Vec<String>,
    /// Sent as `audience` (Auth0, some Keycloak setups).
    pub audience: Option<String>,
    /// Sent as `resource`, one parameter each (RFC 8707).
    pub resources: Vec<String>,
    pub client_auth: ClientAuth,
    /// Accept a plain-`http` token endpoint on a non-loopback host (the secret travels in
    /// clear: only for a lab network, behind an explicit flag).
    pub allow_insecure_http: bool,
}

impl OAuth2Config {
    /// A generic client: token URL or issuer, client id, client_secret_basic, nothing else.
    pub fn new(endpoint: TokenEndpoint, client_id: impl Into<String>) -> Self {
        Self {
            endpoint,
            client_id: client_id.into(),
            scopes: Vec::new(),
            audience: None,
            resources: Vec::new(),
            client_auth: ClientAuth::ClientSecretBasic,
            allow_insecure_http: false,
        }
    }

    /// Checks every setting; run when a profile is added and before every exchange.
    pub fn validate(&self) -> Result<(), TokenError> {
        let bad = |m: String| Err(TokenError::InvalidSetting(m));
        if self.client_id.is_empty() {
            return Err(TokenError::MissingSetting("the OAuth2 client id is empty".into()));
        }
        if self.client_id.chars().any(char::is_control) || self.client_id.len() > 1024 {
            return bad("the OAuth2 client id contains a control character or is over 1024 bytes".into());
        }
        for s in &self.scopes {
            // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
            if s.is_empty() || !s.bytes().all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
            {
                return bad(format!(
                    "invalid scope {:?}: a scope is one word of visible ASCII without '\"' or '\\' (give several scopes separately)",
                    sanitize(s, 60)
                ));
            }
        }
        if let Some(a) = &self.audience
            && (a.is_empty() || a.chars().any(char::is_control))
        {
            return bad("the audience is empty or contains a control character".into());
        }
        for r in &self.resources {
            match Url::parse(r) {
                Ok(u) if u.fragment().is_none() => {}
                _ => {
                    return bad(format!(
                        "invalid resource {:?}: a resource indicator is an absolute URI without a fragment (RFC 8707)",
                        sanitize(r, 80)
                    ));
                }
            }
        }
        match &self.endpoint {
            TokenEndpoint::Url(u) => check_transport_security(u, self.allow_insecure_http, "token URL"),
            TokenEndpoint::Issuer(u) => {
                if u.query().is_some() || u.fragment().is_some() {
                    return bad("the issuer URL must not have a query or fragment".into());
                }
                check_transport_security(u, self.allow_insecure_http, "issuer")
            }
        }
    }

    /// The cache binding of these settings ([`super::cache::binding`]): a token cached under
    /// other settings is not reused.
    pub fn cache_binding(&self) -> String {
        let (kind, url) = match &self.endpoint {
            TokenEndpoint::Url(u) => ("token_url", u.as_str()),
            TokenEndpoint::Issuer(u) => ("issuer", u.as_str()),
        };
        let scopes = self.scopes.join(" ");
        let resources = self.resources.join(" ");
        super::cache::binding(&[
            "oauth2",
            kind,
            url,
            &self.client_id,
            self.client_auth.rfc_name(),
            &scopes,
            self.audience.as_deref().unwrap_or(""),
            &resources,
        ])
    }
}

fn check_transport_security(u: &Url, allow_insecure: bool, what: &str) -> Result<(), TokenError> {
    match u.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(u) || allow_insecure => Ok(()),
        "http" => Err(TokenError::InvalidSetting(format!(
            "the {what} {u} is plain http: the client secret would travel unencrypted (https is required except on loopback)"
        ))),
        other => Err(TokenError::InvalidSetting(format!("the {what} must be an https URL, not {other}:"))),
    }
}

/// The client's secret material.
pub enum ClientCredential {
    /// For `client_secret_basic`, `client_secret_post` and `client_secret_jwt`.
    Secret(SecretString),
    /// For `private_key_jwt`: a PEM private key, the algorithm to sign with, and the `kid`
    /// (when `None`, the RFC 7638 thumbprint of the public key is sent as `kid`).
    PrivateKey { key: JwtKey, algorithm: Algorithm, key_id: Option<String> },
}

impl std::fmt::Debug for ClientCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientCredential::Secret(_) => f.write_str("ClientCredential::Secret(<redacted>)"),
            ClientCredential::PrivateKey { algorithm, key_id, .. } => f
                .debug_struct("ClientCredential::PrivateKey")
                .field("algorithm", algorithm)
                .field("key_id", key_id)
                .finish_non_exhaustive(),
        }
    }
}

impl ClientCredential {
    fn secret(&self) -> Option<&str> {
        match self {
            ClientCredential::Secret(s) => Some(s.expose_secret()),
            ClientCredential::PrivateKey { .. } => None,
        }
    }
}

/// The RFC 7638 JWK thumbprint (SHA-256, base64url) of `key`'s public half: the default `kid`
/// of a `private_key_jwt` assertion. Publish the key with the same `kid`
/// (`signing::jwt::public_jwk(alg, key, Some(&thumbprint))`).
pub fn key_thumbprint(algorithm: Algorithm, key: &JwtKey) -> Result<String, TokenError> {
    // The signing module computes it (the same value it puts in tokens and JWKS by default).
    key.thumbprint(algorithm)?.ok_or_else(|| {
        TokenError::InvalidSetting(
            "an HMAC key has no thumbprint: private_key_jwt needs an RSA, EC or Ed25519 key".into(),
        )
    })
}

/// Ready-made settings for a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Generic,
    /// Databricks OAuth M2M: `https://<workspace>/oidc/v1/token`, scope `all-apis`, Basic.
    Databricks,
    /// Microsoft Entra for Azure OpenAI:
    /// `https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`, scope
    /// `https://cognitiveservices.azure.com/.default`, secret in the form.
    Azure,
}

/// What a preset needs to know.
#[derive(Clone, Copy, Debug, Default)]
pub struct PresetInput<'a> {
    /// Databricks: the workspace URL or host (`https://adb-1234.5.azuredatabricks.net/…`;
    /// only the origin is used). Usually the gateway URL.
    pub host: Option<&'a str>,
    /// Azure: the directory (tenant) id or domain (`contoso.onmicrosoft.com`).
    pub tenant: Option<&'a str>,
}

pub const DATABRICKS_SCOPE: &str = "all-apis";
pub const AZURE_SCOPE: &str = "https://cognitiveservices.azure.com/.default";
pub const AZURE_AUTHORITY: &str = "https://login.microsoftonline.com";

impl Preset {
    pub const NAMES: &[&str] = &["generic", "databricks", "azure"];

    pub fn parse(s: &str) -> Result<Self, TokenError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "generic" => Ok(Self::Generic),
            "databricks" => Ok(Self::Databricks),
            "azure" | "entra" | "azure-entra" => Ok(Self::Azure),
            _ => Err(TokenError::InvalidSetting(format!(
                "unknown OAuth2 preset {:?} (expected one of {})",
                sanitize(s, 40),
                Self::NAMES.join(", ")
            ))),
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::Databricks => "databricks",
            Self::Azure => "azure",
        }
    }

    /// The settings the preset fills: the token endpoint, the default scopes and client
    /// authentication. `Generic` fills nothing and returns `None` (give `--token-url` or
    /// `--issuer`). The caller then applies the user's overrides (`--scope` replaces the
    /// default scopes, `--client-auth` the method).
    pub fn config(&self, client_id: &str, input: PresetInput<'_>) -> Result<Option<OAuth2Config>, TokenError> {
        match self {
            Self::Generic => Ok(None),
            Self::Databricks => {
                let host = input.host.ok_or_else(|| {
                    TokenError::MissingSetting(
                        "the databricks preset needs the workspace URL (--url https://<workspace-host>/…)".into(),
                    )
                })?;
                let origin = origin_of(host)?;
                let url = Url::parse(&format!("{origin}/oidc/v1/token"))
                    .map_err(|e| TokenError::InvalidSetting(format!("workspace URL: {e}")))?;
                let mut c = OAuth2Config::new(TokenEndpoint::Url(url), client_id);
                c.scopes = vec![DATABRICKS_SCOPE.into()];
                c.client_auth = ClientAuth::ClientSecretBasic;
                Ok(Some(c))
            }
            Self::Azure => {
                let tenant = input.tenant.map(str::trim).filter(|t| !t.is_empty()).ok_or_else(|| {
                    TokenError::MissingSetting(
                        "the azure preset needs the directory (tenant) id: --tenant <id or domain>".into(),
                    )
                })?;
                if tenant.len() > 256 || !tenant.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.') {
                    return Err(TokenError::InvalidSetting(format!(
                        "invalid tenant {:?}: a tenant is a directory id (GUID) or a domain name",
                        sanitize(tenant, 60)
                    )));
                }
                let url = Url::parse(&format!("{AZURE_AUTHORITY}/{tenant}/oauth2/v2.0/token"))
                    .map_err(|e| TokenError::InvalidSetting(format!("tenant: {e}")))?;
                let mut c = OAuth2Config::new(TokenEndpoint::Url(url), client_id);
                c.scopes = vec![AZURE_SCOPE.into()];
                c.client_auth = ClientAuth::ClientSecretPost;
                Ok(Some(c))
            }
        }
    }
}

/// `scheme://host[:port]` of a URL or bare host name (`https` assumed for a bare host).
fn origin_of(host: &str) -> Result<String, TokenError> {
    let host = host.trim();
    let with_scheme = if host.contains("://") { host.to_string() } else { format!("https://{host}") };
    let u = Url::parse(&with_scheme)
        .map_err(|e| TokenError::InvalidSetting(format!("invalid workspace URL {:?}: {e}", sanitize(host, 80))))?;
    if u.host_str().is_none_or(str::is_empty) {
        return Err(TokenError::InvalidSetting(format!("the workspace URL {:?} has no host", sanitize(host, 80))));
    }
    Ok(u.origin().ascii_serialization())
}

/// What discovery found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovery {
    /// The document's URL.
    pub url: Url,
    pub issuer: String,
    pub token_endpoint: Url,
    pub jwks_uri: Option<Url>,
    /// `token_endpoint_auth_methods_supported` (empty: not given, which means
    /// `client_secret_basic` only).
    pub auth_methods: Vec<String>,
}

impl Discovery {
    /// Whether the provider says it supports `method` (`None`: it does not say).
    pub fn supports(&self, method: ClientAuth) -> Option<bool> {
        if self.auth_methods.is_empty() {
            return None;
        }
        Some(self.auth_methods.iter().any(|m| m == method.rfc_name()))
    }
}

/// The two metadata URLs for `issuer`: OpenID Connect Discovery (appended to the issuer) and
/// RFC 8414 (inserted before the issuer's path).
pub fn discovery_urls(issuer: &Url) -> Result<[Url; 2], TokenError> {
    let bad = |e: url::ParseError| TokenError::InvalidSetting(format!("issuer {issuer}: {e}"));
    let base = issuer.as_str().trim_end_matches('/');
    let oidc = Url::parse(&format!("{base}/.well-known/openid-configuration")).map_err(bad)?;
    let path = issuer.path().trim_end_matches('/');
    let origin = issuer.origin().ascii_serialization();
    let oauth = Url::parse(&format!("{origin}/.well-known/oauth-authorization-server{path}")).map_err(bad)?;
    Ok([oidc, oauth])
}

/// Fetches and checks the issuer's metadata: the OpenID document first; on a 404 (or other
/// 4xx), RFC 8414's. `allow_insecure_http` as in [`OAuth2Config`].
pub async fn discover<T: TokenTransport>(
    transport: &T,
    issuer: &Url,
    allow_insecure_http: bool,
) -> Result<Discovery, TokenError> {
    check_transport_security(issuer, allow_insecure_http, "issuer")?;
    let urls = discovery_urls(issuer)?;
    let mut last = None;
    for url in urls {
        let resp = transport
            .get(&url)
            .await
            .map_err(|e: TransportError| TokenError::Unreachable { url: url.to_string(), message: e.message })?;
        if (400..500).contains(&resp.status) {
            last = Some(TokenError::Discovery {
                url: url.to_string(),
                problem: format!("HTTP {} ({})", resp.status, resp.describe()),
            });
            continue;
        }
        return parse_discovery(&url, issuer, &resp, allow_insecure_http);
    }
    Err(last.unwrap_or_else(|| TokenError::Discovery { url: issuer.to_string(), problem: "no metadata".into() }))
}

/// Checks a discovery document (see [`discover`]).
pub fn parse_discovery(
    url: &Url,
    issuer: &Url,
    resp: &RawResponse,
    allow_insecure_http: bool,
) -> Result<Discovery, TokenError> {
    let fail = |problem: String| TokenError::Discovery { url: url.to_string(), problem };
    if !(200..300).contains(&resp.status) {
        return Err(fail(format!("HTTP {} ({})", resp.status, resp.describe())));
    }
    if resp.body.len() > MAX_RESPONSE_BYTES {
        return Err(fail(format!("the document is over {MAX_RESPONSE_BYTES} bytes")));
    }
    let doc: Value = serde_json::from_slice(&resp.body)
        .map_err(|_| fail(format!("the document is not JSON ({})", resp.describe())))?;
    let obj = doc.as_object().ok_or_else(|| fail("the document is not a JSON object".into()))?;
    let text = |k: &str| obj.get(k).and_then(Value::as_str);
    let doc_issuer = text("issuer").ok_or_else(|| fail("the document has no issuer".into()))?;
    if doc_issuer.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
        return Err(fail(format!(
            "the document is for issuer {:?}, not {issuer} (a wrong --issuer, or a proxy in the way)",
            sanitize(doc_issuer, 120)
        )));
    }
    let te = text("token_endpoint").ok_or_else(|| fail("the document has no token_endpoint".into()))?;
    let token_endpoint =
        Url::parse(te).map_err(|_| fail(format!("token_endpoint {:?} is not a URL", sanitize(te, 120))))?;
    check_transport_security(&token_endpoint, allow_insecure_http, "token_endpoint")
        .map_err(|e| fail(e.to_string()))?;
    if token_endpoint.scheme() == "http" && issuer.scheme() == "https" && !allow_insecure_http {
        return Err(fail(format!("the https issuer names a plain-http token_endpoint {token_endpoint}")));
    }
    let jwks_uri = text("jwks_uri").and_then(|u| Url::parse(u).ok());
    let auth_methods = obj
        .get("token_endpoint_auth_methods_supported")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).take(32).map(|s| sanitize(s, 64)).collect())
        .unwrap_or_default();
    Ok(Discovery { url: url.clone(), issuer: doc_issuer.to_string(), token_endpoint, jwks_uri, auth_methods })
}

/// The token endpoint of `config`: the given URL, or the discovered one.
pub async fn resolve_token_url<T: TokenTransport>(transport: &T, config: &OAuth2Config) -> Result<Url, TokenError> {
    match &config.endpoint {
        TokenEndpoint::Url(u) => Ok(u.clone()),
        TokenEndpoint::Issuer(i) => Ok(discover(transport, i, config.allow_insecure_http).await?.token_endpoint),
    }
}

/// The client-credentials request for `token_url` (pure). `time` dates the client assertion.
pub fn token_request(
    config: &OAuth2Config,
    token_url: &Url,
    credential: &ClientCredential,
    time: SigningTime,
) -> Result<FormPost, TokenError> {
    config.validate()?;
    check_transport_security(token_url, config.allow_insecure_http, "token endpoint")?;
    let mut headers = vec![
        ("Content-Type".to_string(), FORM_CONTENT_TYPE.to_string()),
        ("Accept".to_string(), "application/json".to_string()),
    ];
    let secret = || {
        credential.secret().ok_or_else(|| {
            TokenError::MissingSetting(format!(
                "{} needs a client secret, but the profile has a private key",
                config.client_auth.rfc_name()
            ))
        })
    };
    // Fields and their values; secret ones are in wiped strings.
    let mut fields: Vec<(&str, Zeroizing<String>)> = vec![("grant_type", Zeroizing::new("client_credentials".into()))];
    if !config.scopes.is_empty() {
        fields.push(("scope", Zeroizing::new(config.scopes.join(" "))));
    }
    if let Some(a) = &config.audience {
        fields.push(("audience", Zeroizing::new(a.clone())));
    }
    for r in &config.resources {
        fields.push(("resource", Zeroizing::new(r.clone())));
    }
    match config.client_auth {
        ClientAuth::ClientSecretBasic => {
            use base64::Engine as _;
            let s = secret()?;
            let id: String = url::form_urlencoded::byte_serialize(config.client_id.as_bytes()).collect();
            let mut pair = Zeroizing::new(String::with_capacity(id.len() + 1 + s.len() * 3));
            pair.push_str(&id);
            pair.push(':');
            for part in url::form_urlencoded::byte_serialize(s.as_bytes()) {
                pair.push_str(part);
            }
            let mut value = String::with_capacity(6 + pair.len().div_ceil(3) * 4 + 4);
            value.push_str("Basic ");
            base64::engine::general_purpose::STANDARD.encode_string(pair.as_bytes(), &mut value);
            headers.push(("Authorization".to_string(), value));
        }
        ClientAuth::ClientSecretPost => {
            fields.push(("client_id", Zeroizing::new(config.client_id.clone())));
            fields.push(("client_secret", Zeroizing::new(secret()?.to_string())));
        }
        ClientAuth::PrivateKeyJwt => {
            let ClientCredential::PrivateKey { key, algorithm, key_id } = credential else {
                return Err(TokenError::MissingSetting(
                    "private_key_jwt needs a private key (--key-file), but the profile has a client secret".into(),
                ));
            };
            let kid = match key_id {
                Some(k) => k.clone(),
                None => key_thumbprint(*algorithm, key)?,
            };
            let assertion = mint_assertion(config, token_url, key, *algorithm, Some(kid), time)?;
            fields.push(("client_id", Zeroizing::new(config.client_id.clone())));
            fields.push(("client_assertion_type", Zeroizing::new(JWT_BEARER_ASSERTION.into())));
            fields.push(("client_assertion", assertion));
        }
        ClientAuth::ClientSecretJwt => {
            let key = JwtKey::Secret(Zeroizing::new(secret()?.as_bytes().to_vec()));
            let assertion = mint_assertion(config, token_url, &key, Algorithm::HS256, None, time)?;
            fields.push(("client_id", Zeroizing::new(config.client_id.clone())));
            fields.push(("client_assertion_type", Zeroizing::new(JWT_BEARER_ASSERTION.into())));
            fields.push(("client_assertion", assertion));
        }
    }
    // Reserve the worst case (every byte percent-encoded) so the body never reallocates.
    let cap: usize = fields.iter().map(|(k, v)| k.len() + 2 + v.len() * 3).sum();
    let mut ser = url::form_urlencoded::Serializer::new(String::with_capacity(cap));
    for (k, v) in &fields {
        ser.append_pair(k, v);
    }
    let body = Zeroizing::new(ser.finish().into_bytes());
    Ok(FormPost { url: token_url.clone(), headers, body })
}

/// An RFC 7523 client assertion: `iss = sub = client_id`, `aud` = the token endpoint, a random
/// `jti`, `iat`/`nbf` now and `exp` [`ASSERTION_TTL_SECS`] later.
fn mint_assertion(
    config: &OAuth2Config,
    token_url: &Url,
    key: &JwtKey,
    algorithm: Algorithm,
    key_id: Option<String>,
    time: SigningTime,
) -> Result<Zeroizing<String>, TokenError> {
    let mut s = JwtSettings::new(algorithm);
    s.issuer = Some(config.client_id.clone());
    s.subject = Some(config.client_id.clone());
    s.audience = vec![token_url.to_string()];
    s.ttl_secs = ASSERTION_TTL_SECS;
    s.key_id = key_id;
    s.jti = true;
    Ok(Zeroizing::new(JwtSigner::new(s, key)?.mint(time)?))
}

/// A token the endpoint issued.
///
/// Rules applied to the answer:
/// - at most [`MAX_RESPONSE_BYTES`]; a JSON object (the `Content-Type` is not insisted on);
/// - `access_token`: a non-empty string of visible ASCII (it goes in a header);
/// - `token_type`: `Bearer`, any case; missing is taken as Bearer; anything else (`DPoP`,
///   `mac`, `N_A`) is refused;
/// - `expires_in`: a number or numeric string of seconds. Missing: the JWT's `exp` when the
///   token is a JWT that has one, else [`DEFAULT_EXPIRES_IN`] (300 s). Zero, negative, or
///   over [`MAX_EXPIRES_IN`] (one year): refused.
pub struct IssuedToken {
    pub access_token: SecretString,
    /// Seconds it lives from `obtained_at`.
    pub expires_in: i64,
    /// Whether `expires_in` came from the server (`false`: inferred or defaulted).
    pub expires_in_given: bool,
    pub obtained_at: i64,
    pub scope: Option<String>,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedToken")
            .field("access_token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .field("expires_in_given", &self.expires_in_given)
            .field("obtained_at", &self.obtained_at)
            .field("scope", &self.scope)
            .finish()
    }
}

impl IssuedToken {
    pub fn expires_at(&self) -> i64 {
        self.obtained_at.saturating_add(self.expires_in)
    }

    /// The cache record for it.
    pub fn into_cached(self, binding: String) -> super::cache::CachedToken {
        let expires_at = self.expires_at();
        super::cache::CachedToken::bearer(self.access_token, self.obtained_at, expires_at, binding)
    }
}

/// Reads a token endpoint's answer. `now` is when the request was sent (Unix seconds);
/// `sent_secrets` are scrubbed from any server text quoted in an error.
pub fn parse_token_response(
    url: &Url,
    resp: &RawResponse,
    now: i64,
    sent_secrets: &[&str],
) -> Result<IssuedToken, TokenError> {
    let url_s = url.to_string();
    let bad = |problem: String| TokenError::BadResponse { url: url_s.clone(), problem };
    if resp.body.len() > MAX_RESPONSE_BYTES {
        return Err(if (200..300).contains(&resp.status) {
            bad(format!("the answer is over {MAX_RESPONSE_BYTES} bytes"))
        } else {
            TokenError::Status {
                url: url_s.clone(),
                status: resp.status,
                detail: format!("an answer over {MAX_RESPONSE_BYTES} bytes"),
            }
        });
    }
    let mut doc: Option<Value> = serde_json::from_slice(&resp.body).ok();
    let obj = doc.as_ref().and_then(Value::as_object);
    // An OAuth2 error document, whatever the status (some servers answer 200 with one).
    if let Some(o) = obj
        && let Some(err) = o.get("error")
        && (!(200..300).contains(&resp.status) || o.get("access_token").is_none())
    {
        let code = err.as_str().map(|e| super::sanitize_without(e, 64, sent_secrets)).unwrap_or_else(|| "error".into());
        let description = o
            .get("error_description")
            .and_then(Value::as_str)
            .map(|d| super::sanitize_without(d, 300, sent_secrets))
            .filter(|d| !d.is_empty());
        return Err(TokenError::Refused { url: url_s, status: resp.status, error: code, description });
    }
    if !(200..300).contains(&resp.status) {
        let hint = match resp.status {
            401 | 403 => "the client was not accepted",
            404 | 405 => "is this the token endpoint?",
            _ => "",
        };
        let detail = if hint.is_empty() { resp.describe() } else { format!("{}; {hint}", resp.describe()) };
        return Err(TokenError::Status { url: url_s, status: resp.status, detail });
    }
    let Some(o) = doc.as_mut().and_then(Value::as_object_mut) else {
        return Err(bad(format!("not a JSON object ({})", resp.describe())));
    };
    // Taken out of the document, so the one copy serde_json made is wiped on drop.
    let token = match o.remove("access_token") {
        Some(Value::String(t)) if !t.is_empty() => Zeroizing::new(t),
        Some(Value::String(_)) => return Err(bad("access_token is empty".into())),
        Some(_) => return Err(bad("access_token is not a string".into())),
        None => return Err(bad("no access_token in the answer".into())),
    };
    if !token.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
        return Err(bad("access_token contains spaces, control or non-ASCII characters".into()));
    }
    match o.get("token_type") {
        None | Some(Value::Null) => {}
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => {}
        Some(Value::String(t)) => {
            return Err(bad(format!(
                "token_type is {:?}; gwctl sends only Bearer tokens",
                super::sanitize_without(t, 32, sent_secrets)
            )));
        }
        Some(_) => return Err(bad("token_type is not a string".into())),
    }
    let given = match o.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(
            n.as_i64()
                .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f.clamp(-1e15, 1e15) as i64))
                .ok_or_else(|| bad("expires_in is not a number of seconds".into()))?,
        ),
        Some(Value::String(s)) => {
            Some(s.trim().parse::<i64>().map_err(|_| bad("expires_in is not a number of seconds".into()))?)
        }
        Some(_) => return Err(bad("expires_in is not a number of seconds".into())),
    };
    let (expires_in, expires_in_given) = match given {
        Some(n) if n <= 0 => return Err(bad(format!("expires_in is {n}: the token is already expired"))),
        Some(n) if n > MAX_EXPIRES_IN => {
            return Err(bad(format!("expires_in is {n} s, over a year: refusing to trust it")));
        }
        Some(n) => (n, true),
        None => (jwt_lifetime(&token, now).unwrap_or(DEFAULT_EXPIRES_IN), false),
    };
    let scope = o.get("scope").and_then(Value::as_str).map(|s| sanitize(s, 1000));
    Ok(IssuedToken {
        access_token: SecretString::from(token.as_str()),
        expires_in,
        expires_in_given,
        obtained_at: now,
        scope,
    })
}

/// `exp − now` of an (unverified) JWT, when it is one and that is in (0, one year].
fn jwt_lifetime(token: &str, now: i64) -> Option<i64> {
    use base64::Engine as _;
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || payload.len() > 64 * 1024 {
        return None;
    }
    let bytes = Zeroizing::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).ok()?);
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_i64()?;
    let left = exp.checked_sub(now)?;
    (left > 0 && left <= MAX_EXPIRES_IN).then_some(left)
}

/// The whole exchange: resolve the endpoint (discovery for an issuer), build the request,
/// send it, read the answer.
pub async fn fetch_token<T: TokenTransport>(
    transport: &T,
    config: &OAuth2Config,
    credential: &ClientCredential,
    time: SigningTime,
) -> Result<IssuedToken, TokenError> {
    config.validate()?;
    let token_url = resolve_token_url(transport, config).await?;
    fetch_token_at(transport, config, &token_url, credential, time).await
}

/// The exchange with a known token endpoint (e.g. one discovered earlier).
pub async fn fetch_token_at<T: TokenTransport>(
    transport: &T,
    config: &OAuth2Config,
    token_url: &Url,
    credential: &ClientCredential,
    time: SigningTime,
) -> Result<IssuedToken, TokenError> {
    let req = token_request(config, token_url, credential, time)?;
    let resp = transport
        .post_form(&req)
        .await
        .map_err(|e| TokenError::Unreachable { url: token_url.to_string(), message: e.message })?;
    // Everything the client sent that a server could echo back.
    let form = req.form();
    let mut sent: Vec<&str> =
        form.iter().filter(|(k, _)| k == "client_secret" || k == "client_assertion").map(|(_, v)| v.as_str()).collect();
    if let Some(s) = credential.secret() {
        sent.push(s);
    }
    let basic = req.header("authorization").and_then(|v| v.strip_prefix("Basic "));
    if let Some(b) = basic {
        sent.push(b);
    }
    parse_token_response(token_url, &resp, time.unix(), &sent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    const T0: &str = "20250101T000000Z";

    fn time() -> SigningTime {
        SigningTime::parse(T0).unwrap()
    }

    fn secret(s: &str) -> ClientCredential {
        ClientCredential::Secret(SecretString::from(s))
    }

    fn form_map(p: &FormPost) -> Vec<(String, String)> {
        p.form().into_iter().map(|(k, v)| (k, v.to_string())).collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    fn basic_of(p: &FormPost) -> String {
        use base64::Engine as _;
        let v = p.header("authorization").unwrap().strip_prefix("Basic ").unwrap();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(v).unwrap()).unwrap()
    }

    #[test]
    fn databricks_preset_request_shape() {
        let cfg = Preset::Databricks
            .config(
                "my-sp",
                PresetInput {
                    host: Some("https://adb-123.4.azuredatabricks.net/serving-endpoints/x/invocations"),
                    tenant: None,
                },
            )
            .unwrap()
            .unwrap();
        let url = match &cfg.endpoint {
            TokenEndpoint::Url(u) => u.clone(),
            _ => panic!(),
        };
        assert_eq!(url.as_str(), "https://adb-123.4.azuredatabricks.net/oidc/v1/token");
        let p = token_request(&cfg, &url, &secret("dose-secret"), time()).unwrap();
        assert_eq!(p.url, url);
        assert_eq!(p.header("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(basic_of(&p), "my-sp:dose-secret");
        assert_eq!(form_map(&p), pairs(&[("grant_type", "client_credentials"), ("scope", "all-apis")]));
        assert_eq!(std::str::from_utf8(&p.body).unwrap(), "grant_type=client_credentials&scope=all-apis");
        // A bare host works too; a missing one is a usage error.
        let c = Preset::Databricks.config("x", PresetInput { host: Some("dbc-1.cloud.databricks.com"), tenant: None });
        assert!(
            matches!(c.unwrap().unwrap().endpoint, TokenEndpoint::Url(u) if u.as_str() == "https://dbc-1.cloud.databricks.com/oidc/v1/token")
        );
        let e = Preset::Databricks.config("x", PresetInput::default()).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::Usage);
    }

    #[test]
    fn azure_preset_request_shape() {
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
        let cfg = Preset::Azure.config("app-id", PresetInput { host: None, tenant: Some(tenant) }).unwrap().unwrap();
        let TokenEndpoint::Url(url) = &cfg.endpoint else { panic!() };
        assert_eq!(url.as_str(), format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"));
        let p = token_request(&cfg, url, &secret("az~secret.1"), time()).unwrap();
        assert!(p.header("authorization").is_none());
        assert_eq!(
            form_map(&p),
            pairs(&[
                ("grant_type", "client_credentials"),
                ("scope", "https://cognitiveservices.azure.com/.default"),
                ("client_id", "app-id"),
                ("client_secret", "az~secret.1"),
            ])
        );
        assert_eq!(
            std::str::from_utf8(&p.body).unwrap(),
            "grant_type=client_credentials&scope=https%3A%2F%2Fcognitiveservices.azure.com%2F.default\
             &client_id=app-id&client_secret=az%7Esecret.1"
        );
        let e = Preset::Azure.config("a", PresetInput::default()).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::Usage);
        assert!(e.to_string().contains("--tenant"));
        let e = Preset::Azure.config("a", PresetInput { host: None, tenant: Some("../evil") }).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::InvalidInput);
        assert_eq!(Preset::Generic.config("a", PresetInput::default()).unwrap(), None);
        assert_eq!(Preset::parse("Azure").unwrap(), Preset::Azure);
        assert!(Preset::parse("okta").is_err());
    }

    #[test]
    fn basic_auth_form_urlencodes_before_base64() {
        let mut cfg = OAuth2Config::new(TokenEndpoint::Url(Url::parse("https://idp/t").unwrap()), "id:with space");
        cfg.scopes = vec!["a".into(), "b:c".into()];
        cfg.audience = Some("https://api.example".into());
        cfg.resources = vec!["https://r1/".into(), "urn:r2".into()];
        let TokenEndpoint::Url(u) = cfg.endpoint.clone() else { panic!() };
        let p = token_request(&cfg, &u, &secret("p@ss w+rd:%/é"), time()).unwrap();
        assert_eq!(basic_of(&p), "id%3Awith+space:p%40ss+w%2Brd%3A%25%2F%C3%A9");
        assert_eq!(
            form_map(&p),
            pairs(&[
                ("grant_type", "client_credentials"),
                ("scope", "a b:c"),
                ("audience", "https://api.example"),
                ("resource", "https://r1/"),
                ("resource", "urn:r2"),
            ])
        );
        let dbg = format!("{p:?}");
        assert!(!dbg.contains(p.header("authorization").unwrap().trim_start_matches("Basic ")), "{dbg}");
    }

    fn ec_key() -> JwtKey {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
        let der = pair.to_pkcs8v1().unwrap();
        let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", der.as_ref().to_vec()));
        JwtKey::parse(pem.as_bytes()).unwrap()
    }

    #[test]
    fn private_key_jwt_assertion() {
        let key = ec_key();
        let jwk = crate::signing::jwt::public_jwk(Algorithm::ES256, &key, None).unwrap();
        let thumb = key_thumbprint(Algorithm::ES256, &key).unwrap();
        assert_eq!(thumb.len(), 43);
        let mut cfg = OAuth2Config::new(TokenEndpoint::Url(Url::parse("https://idp/token").unwrap()), "svc");
        cfg.client_auth = ClientAuth::PrivateKeyJwt;
        let cred = ClientCredential::PrivateKey { key, algorithm: Algorithm::ES256, key_id: None };
        let TokenEndpoint::Url(u) = cfg.endpoint.clone() else { panic!() };
        let p = token_request(&cfg, &u, &cred, time()).unwrap();
        assert!(p.header("authorization").is_none());
        let f = form_map(&p);
        assert_eq!(f[0], ("grant_type".into(), "client_credentials".into()));
        assert_eq!(f[1], ("client_id".into(), "svc".into()));
        assert_eq!(f[2], ("client_assertion_type".into(), JWT_BEARER_ASSERTION.into()));
        let assertion = &f[3].1;
        let dec = jsonwebtoken::DecodingKey::from_jwk(&serde_json::from_value(jwk).unwrap()).unwrap();
        let mut v = jsonwebtoken::Validation::new(Algorithm::ES256);
        v.validate_exp = false;
        v.set_audience(&["https://idp/token"]);
        let data = jsonwebtoken::decode::<serde_json::Map<String, Value>>(assertion, &dec, &v).unwrap();
        assert_eq!(data.header.kid.as_deref(), Some(thumb.as_str()));
        let c = &data.claims;
        assert_eq!((c["iss"].as_str(), c["sub"].as_str()), (Some("svc"), Some("svc")));
        assert_eq!(c["aud"], "https://idp/token");
        let iat = time().unix();
        assert_eq!(c["exp"].as_i64().unwrap() - iat, 300);
        assert_eq!(c["jti"].as_str().unwrap().len(), 32);
        // Two assertions never share a jti.
        let p2 = token_request(&cfg, &u, &cred, time()).unwrap();
        assert_ne!(form_map(&p2)[3].1, *assertion);
        // Debug shows neither the key nor the assertion.
        assert!(!format!("{cred:?} {p:?}").contains(assertion.as_str()));
        // A client secret where a key is needed, and the other way round.
        let e = token_request(&cfg, &u, &secret("x"), time()).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::Usage);
        cfg.client_auth = ClientAuth::ClientSecretPost;
        assert!(token_request(&cfg, &u, &cred, time()).is_err());
    }

    #[test]
    fn client_secret_jwt_assertion() {
        let mut cfg = OAuth2Config::new(TokenEndpoint::Url(Url::parse("https://idp/token").unwrap()), "svc");
        cfg.client_auth = ClientAuth::ClientSecretJwt;
        let TokenEndpoint::Url(u) = cfg.endpoint.clone() else { panic!() };
        let s = "0123456789abcdef0123456789abcdef";
        let p = token_request(&cfg, &u, &secret(s), time()).unwrap();
        let f = form_map(&p);
        let mut v = jsonwebtoken::Validation::new(Algorithm::HS256);
        v.validate_exp = false;
        v.set_audience(&["https://idp/token"]);
        let d = jsonwebtoken::decode::<serde_json::Map<String, Value>>(
            &f[3].1,
            &jsonwebtoken::DecodingKey::from_secret(s.as_bytes()),
            &v,
        )
        .unwrap();
        assert_eq!(d.claims["iss"], "svc");
        assert!(!std::str::from_utf8(&p.body).unwrap().contains(s));
    }

    #[test]
    fn settings_are_checked() {
        let ok = |u: &str| OAuth2Config::new(TokenEndpoint::Url(Url::parse(u).unwrap()), "c").validate();
        assert!(ok("https://idp.example/token").is_ok());
        assert!(ok("http://127.0.0.1:8080/token").is_ok());
        assert!(ok("http://localhost/token").is_ok());
        let e = ok("http://idp.example/token").unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::InvalidInput);
        assert!(e.to_string().contains("plain http"), "{e}");
        let mut c = OAuth2Config::new(TokenEndpoint::Url(Url::parse("http://idp.example/t").unwrap()), "c");
        c.allow_insecure_http = true;
        assert!(c.validate().is_ok());
        assert!(ok("ftp://idp/").is_err());
        let mut c = OAuth2Config::new(TokenEndpoint::Url(Url::parse("https://idp/t").unwrap()), "c");
        c.scopes = vec!["two words".into()];
        assert!(c.validate().is_err());
        c.scopes = vec!["a\"b".into()];
        assert!(c.validate().is_err());
        c.scopes = vec![];
        c.resources = vec!["relative/path".into()];
        assert!(c.validate().is_err());
        c.resources = vec!["https://r/#frag".into()];
        assert!(c.validate().is_err());
        c.resources = vec![];
        c.client_id = String::new();
        assert_eq!(c.validate().unwrap_err().exit_code(), ExitCode::Usage);
        assert_eq!(ClientAuth::parse("client_secret_post").unwrap(), ClientAuth::ClientSecretPost);
        assert_eq!(ClientAuth::parse("Private-Key-JWT").unwrap(), ClientAuth::PrivateKeyJwt);
        assert!(ClientAuth::parse("tls").is_err());
        // The cache binding follows every setting.
        let a = OAuth2Config::new(TokenEndpoint::Url(Url::parse("https://idp/t").unwrap()), "c");
        let mut b = a.clone();
        assert_eq!(a.cache_binding(), b.cache_binding());
        b.scopes = vec!["s".into()];
        assert_ne!(a.cache_binding(), b.cache_binding());
    }

    fn url() -> Url {
        Url::parse("https://idp.example/token").unwrap()
    }

    fn parse(status: u16, ct: Option<&str>, body: &str) -> Result<IssuedToken, TokenError> {
        parse_token_response(&url(), &RawResponse::new(status, ct, body.as_bytes().to_vec()), 1000, &["s3cret"])
    }

    const JSON: Option<&str> = Some("application/json; charset=utf-8");

    #[test]
    fn good_answers() {
        let t = parse(200, JSON, r#"{"access_token":"abc.def","token_type":"Bearer","expires_in":3600,"scope":"x"}"#)
            .unwrap();
        assert_eq!(t.access_token.expose_secret(), "abc.def");
        assert_eq!((t.expires_in, t.expires_at(), t.expires_in_given), (3600, 4600, true));
        assert_eq!(t.scope.as_deref(), Some("x"));
        assert!(!format!("{t:?}").contains("abc.def"));
        // Lower-case bearer, numeric string (old Azure v1), float, text/plain content type.
        let t = parse(200, Some("text/plain"), r#"{"access_token":"a","token_type":"bearer","expires_in":"3599"}"#)
            .unwrap();
        assert_eq!(t.expires_in, 3599);
        assert_eq!(parse(200, JSON, r#"{"access_token":"a","expires_in":59.9}"#).unwrap().expires_in, 59);
        // Missing expires_in: default, or the JWT's exp.
        let t = parse(200, JSON, r#"{"access_token":"opaque","token_type":"Bearer"}"#).unwrap();
        assert_eq!((t.expires_in, t.expires_in_given), (DEFAULT_EXPIRES_IN, false));
        use base64::Engine as _;
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"exp":1900}"#);
        let jwt = format!("eyJhbGciOiJub25lIn0.{payload}.sig");
        let t = parse(200, JSON, &format!(r#"{{"access_token":"{jwt}","token_type":"Bearer"}}"#)).unwrap();
        assert_eq!(t.expires_in, 900);
        let cached = t.into_cached("b".into());
        assert_eq!((cached.obtained_at, cached.expires_at), (1000, 1900));
    }

    fn one_line(e: &TokenError) -> String {
        let m = e.to_string();
        assert!(!m.contains('\n') && !m.contains('\r'), "{m}");
        assert!(!m.contains("s3cret"), "{m}");
        m
    }

    #[test]
    fn bad_answers() {
        let cases: &[(u16, Option<&str>, &str, &str, ExitCode)] = &[
            (200, JSON, r#"{"token_type":"Bearer","expires_in":3600}"#, "no access_token", ExitCode::Network),
            (200, JSON, r#"{"access_token":"","token_type":"Bearer"}"#, "empty", ExitCode::Network),
            (200, JSON, r#"{"access_token":7}"#, "not a string", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a\nb"}"#, "control", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a b"}"#, "spaces", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","token_type":"DPoP"}"#, "\"DPoP\"", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","token_type":"mac"}"#, "only Bearer", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","expires_in":0}"#, "expires_in is 0", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","expires_in":-5}"#, "expires_in is -5", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","expires_in":99999999999}"#, "over a year", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","expires_in":1e300}"#, "over a year", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","expires_in":"soon"}"#, "not a number", ExitCode::Network),
            (200, JSON, r#"{"access_token":"a","expires_in":[1]}"#, "not a number", ExitCode::Network),
            (
                200,
                Some("text/html"),
                "<html>login</html>",
                "not a JSON object (text/html, 18 bytes)",
                ExitCode::Network,
            ),
            (200, JSON, "[1,2]", "not a JSON object", ExitCode::Network),
            (
                401,
                JSON,
                r#"{"error":"invalid_client","error_description":"client authentication failed\n(secret s3cret wrong)"}"#,
                "refused the request: invalid_client (client authentication failed (secret <redacted> wrong))",
                ExitCode::Credentials,
            ),
            (400, JSON, r#"{"error":"invalid_scope"}"#, "refused the request: invalid_scope", ExitCode::Credentials),
            (
                400,
                JSON,
                r#"{"error":"unauthorized_client","error_description":"\u001b[31mred"}"#,
                "unauthorized_client ([31mred)",
                ExitCode::Credentials,
            ),
            (200, JSON, r#"{"error":"invalid_grant"}"#, "invalid_grant", ExitCode::Credentials),
            (503, JSON, r#"{"error":"temporarily_unavailable"}"#, "temporarily_unavailable", ExitCode::ServerStatus),
            (
                404,
                Some("text/html"),
                "<h1>Not found</h1>",
                "HTTP 404 (text/html, 18 bytes; is this the token endpoint?)",
                ExitCode::ClientStatus,
            ),
            (502, None, "", "HTTP 502 (no content-type, 0 bytes)", ExitCode::ServerStatus),
        ];
        for (status, ct, body, want, code) in cases {
            let e = parse(*status, *ct, body).unwrap_err();
            let m = one_line(&e);
            assert!(m.contains(want), "{body}: {m}");
            assert_eq!(e.exit_code(), *code, "{body}: {m}");
        }
        let long = format!(r#"{{"error":"invalid_client","error_description":"{}"}}"#, "x".repeat(5000));
        let m = one_line(&parse(401, JSON, &long).unwrap_err());
        assert!(m.len() < 500, "{}", m.len());
        let huge = format!(r#"{{"access_token":"{}"}}"#, "a".repeat(MAX_RESPONSE_BYTES));
        let e = parse(200, JSON, &huge).unwrap_err();
        assert!(one_line(&e).contains("over 1048576 bytes"));
        assert!(parse(401, JSON, r#"{"error":"invalid_client"}"#).unwrap_err().is_client_refused());
    }

    /// Canned answers keyed by URL; records what was asked.
    struct Fake {
        answers: Vec<(String, RawResponse)>,
        seen: RefCell<Vec<String>>,
    }

    impl TokenTransport for Fake {
        async fn post_form(&self, req: &FormPost) -> Result<RawResponse, TransportError> {
            self.get(&req.url).await
        }
        async fn get(&self, url: &Url) -> Result<RawResponse, TransportError> {
            self.seen.borrow_mut().push(url.to_string());
            self.answers
                .iter()
                .find(|(u, _)| u == url.as_str())
                .map(|(_, r)| r.clone())
                .ok_or_else(|| TransportError::new("connection refused"))
        }
    }

    fn block<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    fn doc(issuer: &str, token: &str) -> RawResponse {
        RawResponse::new(
            200,
            JSON,
            format!(
                r#"{{"issuer":"{issuer}","token_endpoint":"{token}","jwks_uri":"{issuer}/jwks","token_endpoint_auth_methods_supported":["client_secret_basic","private_key_jwt"]}}"#
            ),
        )
    }

    #[test]
    fn discovery_rules() {
        let issuer = Url::parse("https://idp.example/realms/x").unwrap();
        let [a, b] = discovery_urls(&issuer).unwrap();
        assert_eq!(a.as_str(), "https://idp.example/realms/x/.well-known/openid-configuration");
        assert_eq!(b.as_str(), "https://idp.example/.well-known/oauth-authorization-server/realms/x");
        let root = Url::parse("https://idp.example/").unwrap();
        assert_eq!(
            discovery_urls(&root).unwrap()[1].as_str(),
            "https://idp.example/.well-known/oauth-authorization-server"
        );

        // OpenID document found.
        let f = Fake {
            answers: vec![(a.to_string(), doc("https://idp.example/realms/x", "https://idp.example/realms/x/token"))],
            seen: RefCell::new(vec![]),
        };
        let d = block(discover(&f, &issuer, false)).unwrap();
        assert_eq!(d.token_endpoint.as_str(), "https://idp.example/realms/x/token");
        assert_eq!(d.supports(ClientAuth::PrivateKeyJwt), Some(true));
        assert_eq!(d.supports(ClientAuth::ClientSecretPost), Some(false));

        // 404, then RFC 8414.
        let f = Fake {
            answers: vec![
                (a.to_string(), RawResponse::new(404, Some("text/html"), "nope")),
                (b.to_string(), doc("https://idp.example/realms/x/", "https://idp.example/t")),
            ],
            seen: RefCell::new(vec![]),
        };
        assert_eq!(block(discover(&f, &issuer, false)).unwrap().token_endpoint.as_str(), "https://idp.example/t");
        assert_eq!(f.seen.borrow().len(), 2);

        let one = |resp: RawResponse| {
            let f = Fake { answers: vec![(a.to_string(), resp)], seen: RefCell::new(vec![]) };
            block(discover(&f, &issuer, false))
        };
        for (resp, want) in [
            (doc("https://evil.example", "https://evil.example/t"), "not https://idp.example/realms/x"),
            (doc("https://idp.example/realms/x", "http://idp.example/t"), "plain http"),
            (doc("https://idp.example/realms/x", "javascript:alert(1)"), "must be an https URL"),
            (doc("https://idp.example/realms/x", "not a url"), "is not a URL"),
            (RawResponse::new(200, JSON, r#"{"issuer":"https://idp.example/realms/x"}"#), "no token_endpoint"),
            (RawResponse::new(200, Some("text/html"), "<html>"), "not JSON"),
            (RawResponse::new(500, None, ""), "HTTP 500"),
        ] {
            let e = one(resp).unwrap_err();
            let m = one_line(&e);
            assert!(m.contains(want), "{m}");
            assert_eq!(e.exit_code(), ExitCode::Network);
        }
        // A loopback issuer may use http for both.
        let lo = Url::parse("http://127.0.0.1:9/").unwrap();
        let f = Fake {
            answers: vec![(
                "http://127.0.0.1:9/.well-known/openid-configuration".into(),
                doc("http://127.0.0.1:9", "http://127.0.0.1:9/token"),
            )],
            seen: RefCell::new(vec![]),
        };
        assert!(block(discover(&f, &lo, false)).is_ok());
        // Unreachable: one line, network.
        let f = Fake { answers: vec![], seen: RefCell::new(vec![]) };
        let e = block(discover(&f, &issuer, false)).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::Network);
        assert!(one_line(&e).contains("connection refused"));
        // An http issuer elsewhere is refused before any request.
        let f = Fake { answers: vec![], seen: RefCell::new(vec![]) };
        let e = block(discover(&f, &Url::parse("http://idp.example/").unwrap(), false)).unwrap_err();
        assert_eq!(e.exit_code(), ExitCode::InvalidInput);
        assert!(f.seen.borrow().is_empty());
    }

    #[test]
    fn fetch_through_transport() {
        let f = Fake {
            answers: vec![
                (
                    "https://idp.example/.well-known/openid-configuration".into(),
                    doc("https://idp.example", "https://idp.example/oauth/token"),
                ),
                (
                    "https://idp.example/oauth/token".into(),
                    RawResponse::new(200, JSON, r#"{"access_token":"tok","token_type":"Bearer","expires_in":60}"#),
                ),
            ],
            seen: RefCell::new(vec![]),
        };
        let cfg = OAuth2Config::new(TokenEndpoint::Issuer(Url::parse("https://idp.example").unwrap()), "c");
        let t = block(fetch_token(&f, &cfg, &secret("s"), time())).unwrap();
        assert_eq!(t.access_token.expose_secret(), "tok");
        assert_eq!(t.obtained_at, time().unix());
        // A server echoing the Basic credentials in its error gets them scrubbed.
        let cfg = OAuth2Config::new(TokenEndpoint::Url(Url::parse("https://idp.example/echo").unwrap()), "c");
        let p = token_request(&cfg, &Url::parse("https://idp.example/echo").unwrap(), &secret("longsecret"), time())
            .unwrap();
        let basic = p.header("authorization").unwrap().to_string();
        let f = Fake {
            answers: vec![(
                "https://idp.example/echo".into(),
                RawResponse::new(
                    401,
                    JSON,
                    format!(r#"{{"error":"invalid_client","error_description":"got {basic} and longsecret"}}"#),
                ),
            )],
            seen: RefCell::new(vec![]),
        };
        let e = block(fetch_token(&f, &cfg, &secret("longsecret"), time())).unwrap_err();
        let m = e.to_string();
        assert!(!m.contains("longsecret") && !m.contains(basic.trim_start_matches("Basic ")), "{m}");
        assert_eq!(e.exit_code(), ExitCode::Credentials);
    }
}
