//! `gwctl serve --oauth2-client`: a small OAuth2 authorization server built into `serve`, so
//! OAuth2 clients (gwctl's own `--auth oauth2` profiles, or any other) can be tested offline.
//!
//! - `GET /.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`
//!   (RFC 8414): `issuer` (serve's URL, `http://ADDR`), `token_endpoint`, `jwks_uri`, and the
//!   grant and client authentication methods below.
//! - `POST /oauth2/token`: the client-credentials grant (RFC 6749 §4.4) with
//!   `client_secret_basic` or `client_secret_post` (§2.3.1); the answer is RFC 6749 §5.1 JSON
//!   whose `access_token` is an RS256 JWT (RFC 9068 claims: `iss`, `sub` = `client_id`, `aud` =
//!   serve's URL, `iat`, `nbf`, `exp`, `jti`, `client_id`, `scope` when asked for) signed with a
//!   key generated when serve starts; errors are §5.2 JSON (`invalid_client` with 401 and
//!   `WWW-Authenticate`, `invalid_request`, `unsupported_grant_type`, `invalid_scope`).
//! - `GET /oauth2/jwks`: the public key (RFC 7517), `kid` = its RFC 7638 thumbprint.
//!
//! The gateway routes accept these tokens through the same JWT verification as `--jwks`
//! ([`Issuer::identity`]). Requests are bounded ([`MAX_TOKEN_REQUEST`] bytes, at most
//! [`MAX_FORM_FIELDS`] fields), client secrets are compared in constant time, and nothing
//! secret (client secret, token) is logged or echoed.

use std::time::Duration;

use base64::Engine as _;
use jsonwebtoken::Algorithm;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use super::ServeError;
use crate::signing::SigningTime;
use crate::signing::jwt::{JwtKey, JwtSettings, JwtSigner};
use crate::signing::verify::{Identity, ct_eq, parse_jwks};

pub const TOKEN_PATH: &str = "/oauth2/token";
pub const JWKS_PATH: &str = "/oauth2/jwks";
pub const OPENID_CONFIGURATION_PATH: &str = "/.well-known/openid-configuration";
pub const AUTHORIZATION_SERVER_PATH: &str = "/.well-known/oauth-authorization-server";
/// The largest token request body read (a larger one: 413, refused before reading).
pub const MAX_TOKEN_REQUEST: usize = 16 * 1024;
/// The most form fields a token request may have.
pub const MAX_FORM_FIELDS: usize = 32;
/// The longest `scope` accepted.
pub const MAX_SCOPE: usize = 1024;
/// How long an issued token lives unless configured otherwise.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(3600);
/// The name of the accepted identity (the request log shows `oauth2 (CLIENT_ID)`).
pub const IDENTITY_NAME: &str = "oauth2";
const REALM: &str = "Basic realm=\"gwctl serve\"";

/// One registered client: its id and secret (`client_secret_basic` or `client_secret_post`).
#[derive(Clone)]
pub struct OAuth2Client {
    pub client_id: String,
    pub secret: SecretString,
}

impl std::fmt::Debug for OAuth2Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OAuth2Client {{ client_id: {:?}, secret: <redacted> }}", self.client_id)
    }
}

/// Which OAuth2 document a path asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Route {
    Metadata,
    Token,
    Jwks,
}

impl Route {
    pub(super) fn of(path: &str) -> Option<Route> {
        match path {
            OPENID_CONFIGURATION_PATH | AUTHORIZATION_SERVER_PATH => Some(Route::Metadata),
            TOKEN_PATH => Some(Route::Token),
            JWKS_PATH => Some(Route::Jwks),
            _ => None,
        }
    }
}

/// The issuer: its URL, clients, signing key and public JWKS.
pub struct Issuer {
    issuer: String,
    clients: Vec<OAuth2Client>,
    key: JwtKey,
    kid: String,
    jwks: Value,
    ttl_secs: u64,
    /// Compared against when the client id is unknown, so the time taken does not tell.
    decoy: SecretString,
}

impl std::fmt::Debug for Issuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issuer")
            .field("issuer", &self.issuer)
            .field("clients", &self.clients)
            .field("kid", &self.kid)
            .field("ttl_secs", &self.ttl_secs)
            .finish_non_exhaustive()
    }
}

/// What a token request came to: the status and JSON body, and for the log who asked and how
/// it ended. Never holds the client secret; `body` holds the token only when one was issued.
pub(super) struct TokenAnswer {
    pub status: u16,
    pub body: Value,
    /// Add `WWW-Authenticate: Basic realm="gwctl serve"` (a refused client).
    pub challenge: bool,
    /// `oauth2 (CLIENT_ID)` for a registered client (as the routes log its tokens), else `-`.
    pub identity: String,
    pub result: String,
}

impl TokenAnswer {
    fn error(status: u16, code: &str, description: &str, identity: String) -> Self {
        TokenAnswer {
            status,
            body: json!({"error": code, "error_description": description}),
            challenge: status == 401,
            identity,
            result: format!("refused:{code}"),
        }
    }

    pub fn www_authenticate(&self) -> Option<&'static str> {
        self.challenge.then_some(REALM)
    }
}

impl Issuer {
    /// A new issuer at `issuer` (serve's URL) for `clients`, with a freshly generated RS256
    /// key. Client ids must be unique, non-empty and printable; secrets non-empty.
    pub fn new(issuer: String, clients: Vec<OAuth2Client>, ttl: Duration) -> Result<Self, ServeError> {
        let bad = |m: String| ServeError::Config(m);
        for (i, c) in clients.iter().enumerate() {
            if c.client_id.is_empty() || c.client_id.len() > 256 || !c.client_id.chars().all(|ch| !ch.is_control()) {
                return Err(bad(format!(
                    "OAuth2 client id {:?}: use 1 to 256 printable characters",
                    c.client_id.chars().take(64).collect::<String>()
                )));
            }
            if c.secret.expose_secret().is_empty() {
                return Err(bad(format!("OAuth2 client {:?} has an empty secret", c.client_id)));
            }
            if clients[..i].iter().any(|o| o.client_id == c.client_id) {
                return Err(bad(format!("OAuth2 client {:?} is registered twice", c.client_id)));
            }
        }
        let ttl_secs = ttl.as_secs();
        if ttl_secs == 0 || ttl_secs > 24 * 3600 {
            return Err(bad(format!("the OAuth2 token lifetime must be 1 s to 24 h, got {ttl_secs} s")));
        }
        let generated = crate::keys::generate::jwt_key(Algorithm::RS256, 2048)
            .map_err(|e| ServeError::Key(format!("cannot generate the OAuth2 signing key: {e}")))?;
        let key = JwtKey::parse(&generated).map_err(|e| ServeError::Key(e.to_string()))?;
        let kid = key
            .thumbprint(Algorithm::RS256)
            .map_err(|e| ServeError::Key(e.to_string()))?
            .ok_or_else(|| ServeError::Key("the OAuth2 signing key has no public half".into()))?;
        let jwk = crate::signing::jwt::public_jwk(Algorithm::RS256, &key, Some(&kid))
            .map_err(|e| ServeError::Key(e.to_string()))?;
        let decoy = SecretString::from(
            crate::keys::generate::secret_key().map_err(|e| ServeError::Key(e.to_string()))?.to_string(),
        );
        Ok(Issuer { issuer, clients, key, kid, jwks: json!({ "keys": [jwk] }), ttl_secs, decoy })
    }

    /// The issuer URL (`iss` of every token, and the `--issuer` a client profile gives).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn token_endpoint(&self) -> String {
        format!("{}{TOKEN_PATH}", self.issuer)
    }

    pub fn client_ids(&self) -> impl Iterator<Item = &str> {
        self.clients.iter().map(|c| c.client_id.as_str())
    }

    pub fn token_ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    /// What the gateway routes accept: tokens signed by this issuer's key, with its `iss` and
    /// `aud` (serve's URL), RS256 only.
    pub fn identity(&self) -> Result<Identity, ServeError> {
        Ok(Identity::Jwt {
            name: IDENTITY_NAME.into(),
            key: parse_jwks(&self.jwks.to_string())?,
            issuer: Some(self.issuer.clone()),
            audience: vec![self.issuer.clone()],
            algorithms: vec![Algorithm::RS256],
        })
    }

    /// The discovery document (the same at both well-known paths).
    pub fn metadata(&self) -> Value {
        json!({
            "issuer": self.issuer,
            "token_endpoint": self.token_endpoint(),
            "jwks_uri": format!("{}{JWKS_PATH}", self.issuer),
            "grant_types_supported": ["client_credentials"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": [],
            "scopes_supported": [],
        })
    }

    pub fn jwks(&self) -> &Value {
        &self.jwks
    }

    /// A token request: `authorization` is the request's `Authorization` header (if any),
    /// `content_type` its `Content-Type`, `body` the form (already bounded).
    pub(super) fn token(
        &self,
        authorization: Option<&str>,
        content_type: Option<&str>,
        body: &[u8],
        now: SigningTime,
    ) -> TokenAnswer {
        let anon = || "-".to_string();
        let form_type = content_type
            .and_then(|c| c.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !form_type {
            return TokenAnswer::error(
                400,
                "invalid_request",
                "the body must be application/x-www-form-urlencoded",
                anon(),
            );
        }
        let form = match parse_form(body) {
            Ok(f) => f,
            Err(m) => return TokenAnswer::error(400, "invalid_request", &m, anon()),
        };
        let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());

        // Who the client says it is, and its secret: exactly one method.
        let basic = authorization.map(str::trim).filter(|a| !a.is_empty());
        let (candidates, method) = match (basic, field("client_secret")) {
            (Some(_), Some(_)) => {
                return TokenAnswer::error(
                    400,
                    "invalid_request",
                    "the client authenticated twice (Authorization header and client_secret): use one method",
                    anon(),
                );
            }
            (Some(h), None) => match parse_basic(h) {
                Ok(candidates) => {
                    if field("client_id").is_some_and(|f| candidates.iter().all(|(id, _)| f != id)) {
                        return TokenAnswer::error(
                            400,
                            "invalid_request",
                            "client_id in the body differs from the one in the Authorization header",
                            anon(),
                        );
                    }
                    (candidates, "client_secret_basic")
                }
                Err(m) => return TokenAnswer::error(401, "invalid_client", &m, anon()),
            },
            (None, Some(secret)) => match field("client_id") {
                Some(id) => (vec![(id.to_string(), Zeroizing::new(secret.to_string()))], "client_secret_post"),
                None => return TokenAnswer::error(400, "invalid_request", "client_secret without client_id", anon()),
            },
            (None, None) => {
                let m = if field("client_assertion").is_some() {
                    "client assertions (private_key_jwt, client_secret_jwt) are not supported here: use client_secret_basic or client_secret_post"
                } else {
                    "no client authentication: send client_secret_basic (Authorization: Basic) or client_id and client_secret in the body"
                };
                return TokenAnswer::error(401, "invalid_client", m, anon());
            }
        };

        // Every registered secret is compared (and the decoy when none matches the id), so the
        // time taken tells neither whether the id exists nor which client it is.
        let mut found = None;
        let mut known = None;
        for (client_id, secret) in &candidates {
            let mut id_known = false;
            for c in &self.clients {
                let id_match = c.client_id == *client_id;
                let secret_match = ct_eq(c.secret.expose_secret().as_bytes(), secret.as_bytes());
                id_known |= id_match;
                if id_match && secret_match && found.is_none() {
                    found = Some(c);
                }
            }
            if !id_known {
                let _ = ct_eq(self.decoy.expose_secret().as_bytes(), secret.as_bytes());
            } else if known.is_none() {
                known = Some(client_id.as_str());
            }
        }
        let Some(client) = found else {
            let known_id = known.is_some();
            let client_id = known.unwrap_or(candidates.first().map(|(id, _)| id.as_str()).unwrap_or(""));
            let shown: String =
                client_id.chars().take(64).map(|c| if c.is_control() { '?' } else { c }).collect::<String>();
            let (m, identity) = if known_id {
                (format!("wrong client secret for client {shown:?} ({method})"), format!("{IDENTITY_NAME} ({shown})"))
            } else {
                (format!("unknown client {shown:?}"), anon())
            };
            return TokenAnswer::error(401, "invalid_client", &m, identity);
        };
        let identity = format!("{IDENTITY_NAME} ({})", client.client_id);

        match field("grant_type") {
            None => {
                return TokenAnswer::error(400, "invalid_request", "grant_type is missing", identity);
            }
            Some("client_credentials") => {}
            Some(other) => {
                let shown: String = other.chars().take(64).filter(|c| !c.is_control()).collect();
                let m = format!("grant_type {shown:?} is not supported: only client_credentials");
                return TokenAnswer::error(400, "unsupported_grant_type", &m, identity);
            }
        }
        let scope = match field("scope").map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) if s.len() > MAX_SCOPE => {
                let m = format!("the scope is longer than {MAX_SCOPE} characters");
                return TokenAnswer::error(400, "invalid_scope", &m, identity);
            }
            // RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), space-separated.
            Some(s) if !s.bytes().all(|b| b == b' ' || ((b'!'..=b'~').contains(&b) && b != b'"' && b != b'\\')) => {
                return TokenAnswer::error(
                    400,
                    "invalid_scope",
                    "the scope has characters RFC 6749 does not allow",
                    identity,
                );
            }
            Some(s) => Some(s.split(' ').filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ")),
        };

        match self.mint(&client.client_id, scope.as_deref(), now) {
            Ok(token) => {
                let mut body = json!({
                    "access_token": token,
                    "token_type": "Bearer",
                    "expires_in": self.ttl_secs,
                });
                if let Some(s) = &scope {
                    body["scope"] = Value::from(s.as_str());
                }
                TokenAnswer { status: 200, body, challenge: false, identity, result: "token_issued".into() }
            }
            Err(e) => TokenAnswer::error(500, "server_error", &format!("cannot sign the token: {e}"), identity),
        }
    }

    fn mint(&self, client_id: &str, scope: Option<&str>, now: SigningTime) -> Result<String, String> {
        let mut s = JwtSettings::new(Algorithm::RS256);
        s.issuer = Some(self.issuer.clone());
        s.subject = Some(client_id.to_string());
        s.audience = vec![self.issuer.clone()];
        s.ttl_secs = self.ttl_secs;
        s.key_id = Some(self.kid.clone());
        s.jti = true;
        let mut extra = Map::new();
        extra.insert("client_id".into(), Value::from(client_id));
        if let Some(sc) = scope {
            extra.insert("scope".into(), Value::from(sc));
        }
        s.extra_claims = extra;
        let signer = JwtSigner::new(s, &self.key).map_err(|e| e.to_string())?;
        signer.mint(now).map_err(|e| e.to_string())
    }
}

/// The form's fields, decoded (RFC 6749 §3.2: a parameter sent twice is an error).
fn parse_form(body: &[u8]) -> Result<Vec<(String, Zeroizing<String>)>, String> {
    let mut out: Vec<(String, Zeroizing<String>)> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        if out.len() == MAX_FORM_FIELDS {
            return Err(format!("more than {MAX_FORM_FIELDS} fields"));
        }
        if k.is_empty() {
            continue;
        }
        if out.iter().any(|(n, _)| *n == k) {
            let shown: String = k.chars().take(64).filter(|c| !c.is_control()).collect();
            return Err(format!("the parameter {shown:?} is sent more than once"));
        }
        out.push((k.into_owned(), Zeroizing::new(v.into_owned())));
    }
    Ok(out)
}

/// `Basic base64(urlencode(id):urlencode(secret))` (RFC 6749 §2.3.1) → (id, secret), decoded;
/// then, when different, the id and secret as they are: many clients (`curl -u`, `requests`'
/// `auth=`) do not form-encode them.
fn parse_basic(header: &str) -> Result<Vec<(String, Zeroizing<String>)>, String> {
    let not_basic =
        "the token endpoint takes client_secret_basic (Authorization: Basic) or client_secret_post".to_string();
    let (scheme, rest) = header.split_once(' ').ok_or_else(|| not_basic.clone())?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(not_basic);
    }
    let decoded = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(rest.trim())
            .map_err(|_| "the Basic credentials are not valid base64".to_string())?,
    );
    let colon = decoded
        .iter()
        .position(|&b| b == b':')
        .ok_or_else(|| "the Basic credentials have no ':' between client id and secret".to_string())?;
    let (id, secret) = (&decoded[..colon], &decoded[colon + 1..]);
    if id.is_empty() {
        return Err("the Basic credentials have an empty client id".into());
    }
    let mut out = vec![(form_decode(id).to_string(), form_decode(secret))];
    if let (Ok(id), Ok(secret)) = (std::str::from_utf8(id), std::str::from_utf8(secret))
        && (out[0].0 != id || out[0].1.as_str() != secret)
    {
        out.push((id.to_string(), Zeroizing::new(secret.to_string())));
    }
    Ok(out)
}

/// `application/x-www-form-urlencoded` decoding (`+` is a space) into wiped memory.
fn form_decode(b: &[u8]) -> Zeroizing<String> {
    let plus = Zeroizing::new(b.iter().map(|&c| if c == b'+' { b' ' } else { c }).collect::<Vec<u8>>());
    let bytes = Zeroizing::new(percent_encoding::percent_decode(&plus).collect::<Vec<u8>>());
    Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> Issuer {
        let clients = vec![
            OAuth2Client { client_id: "cli".into(), secret: SecretString::from("s3cret/+&=".to_string()) },
            OAuth2Client { client_id: "other".into(), secret: SecretString::from("x".to_string()) },
        ];
        Issuer::new("http://127.0.0.1:9".into(), clients, DEFAULT_TOKEN_TTL).unwrap()
    }

    fn basic(id: &str, secret: &str) -> String {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", enc(id), enc(secret))))
    }

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded; charset=utf-8");

    #[test]
    fn token_requests() {
        let i = issuer();
        let now = SigningTime::now();
        let a = i.token(Some(&basic("cli", "s3cret/+&=")), FORM, b"grant_type=client_credentials&scope=a%20b", now);
        assert_eq!((a.status, a.result.as_str(), a.identity.as_str()), (200, "token_issued", "oauth2 (cli)"));
        assert_eq!(a.body["token_type"], "Bearer");
        assert_eq!(a.body["expires_in"], 3600);
        assert_eq!(a.body["scope"], "a b");
        let token = a.body["access_token"].as_str().unwrap();
        assert_eq!(token.split('.').count(), 3);

        // The token passes the gateway's verification.
        let v = crate::signing::verify::Verifier::new(vec![i.identity().unwrap()], Vec::new(), false).unwrap();
        let headers = vec![("authorization".to_string(), format!("Bearer {token}"))];
        let req =
            crate::signing::verify::Received { method: "GET", path: "/", query: None, headers: &headers, body: b"" };
        assert_eq!(v.verify(&req, now).unwrap().identity, "oauth2 (cli)");

        // Not form-encoded (curl -u, requests' auth=): accepted too.
        let raw = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("cli:s3cret/+&="));
        assert_eq!(i.token(Some(&raw), FORM, b"grant_type=client_credentials", now).status, 200);
        let post = b"grant_type=client_credentials&client_id=cli&client_secret=s3cret%2F%2B%26%3D";
        assert_eq!(i.token(None, FORM, post, now).status, 200);

        for (auth, ct, body, status, code) in [
            (Some(basic("cli", "bad-secret-x")), FORM, &b"grant_type=client_credentials"[..], 401, "invalid_client"),
            (Some(basic("nobody", "s3cret/+&=")), FORM, b"grant_type=client_credentials", 401, "invalid_client"),
            (Some("Bearer abc".to_string()), FORM, b"grant_type=client_credentials", 401, "invalid_client"),
            (None, FORM, b"grant_type=client_credentials", 401, "invalid_client"),
            (None, FORM, b"grant_type=client_credentials&client_id=cli", 401, "invalid_client"),
            (Some(basic("cli", "s3cret/+&=")), FORM, b"grant_type=password", 400, "unsupported_grant_type"),
            (Some(basic("cli", "s3cret/+&=")), FORM, b"scope=a", 400, "invalid_request"),
            (Some(basic("cli", "s3cret/+&=")), Some("application/json"), b"{}", 400, "invalid_request"),
            (
                Some(basic("cli", "s3cret/+&=")),
                FORM,
                b"grant_type=client_credentials&grant_type=x",
                400,
                "invalid_request",
            ),
            (
                Some(basic("cli", "s3cret/+&=")),
                FORM,
                b"grant_type=client_credentials&client_secret=x",
                400,
                "invalid_request",
            ),
            (
                Some(basic("cli", "s3cret/+&=")),
                FORM,
                b"grant_type=client_credentials&scope=a%22b",
                400,
                "invalid_scope",
            ),
        ] {
            let a = i.token(auth.as_deref(), ct, body, now);
            assert_eq!(
                (a.status, a.body["error"].as_str()),
                (status, Some(code)),
                "{:?}",
                String::from_utf8_lossy(body)
            );
            assert_eq!(a.www_authenticate().is_some(), status == 401);
            let text = a.body.to_string();
            assert!(!text.contains("s3cret") && !text.contains("bad-secret-x"), "{text}");
        }
        let a = i.token(Some(&basic("cli", "bad-secret-x")), FORM, b"grant_type=client_credentials", now);
        assert_eq!(a.identity, "oauth2 (cli)");
        let a = i.token(Some(&basic("nobody", "x")), FORM, b"grant_type=client_credentials", now);
        assert_eq!(a.identity, "-");
    }

    #[test]
    fn bad_settings() {
        let c = |id: &str, s: &str| OAuth2Client { client_id: id.into(), secret: SecretString::from(s.to_string()) };
        for clients in [vec![c("", "x")], vec![c("a", "")], vec![c("a", "x"), c("a", "y")], vec![c("a\nb", "x")]] {
            let e = Issuer::new("http://127.0.0.1:9".into(), clients, DEFAULT_TOKEN_TTL).unwrap_err();
            assert_eq!(e.exit_code(), crate::exit::ExitCode::Usage, "{e}");
        }
        let e = Issuer::new("http://127.0.0.1:9".into(), vec![c("a", "x")], Duration::ZERO).unwrap_err();
        assert!(e.to_string().contains("lifetime"), "{e}");
    }
}
