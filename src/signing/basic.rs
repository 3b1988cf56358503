//! HTTP Basic: `Authorization: Basic base64(user:password)`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::{Request, Signed, SigningError, check_header_safe, with_host};

#[derive(Clone)]
pub struct BasicCredentials {
    pub username: String,
    pub password: SecretString,
}

impl std::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials").field("username", &self.username).field("password", &"<redacted>").finish()
    }
}

#[derive(Debug)]
pub struct BasicSigner {
    credentials: BasicCredentials,
}

impl BasicSigner {
    /// Fails when the user name contains `:` (RFC 7617 forbids it: the first `:` separates), or
    /// when the user name or the password holds a control character (CR, LF, NUL, tab, other C0,
    /// DEL). The password is base64-encoded, so a CR or LF in it could not inject a header line;
    /// it is refused all the same because RFC 7617 §2 forbids control characters in both, and a
    /// server would decode it into a credential that no one can type.
    pub fn new(credentials: BasicCredentials) -> Result<Self, SigningError> {
        if credentials.username.contains(':') {
            return Err(SigningError::BasicUserHasColon);
        }
        check_header_safe(&credentials.username, "user name")?;
        check_header_safe(credentials.password.expose_secret(), "password")?;
        Ok(Self { credentials })
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> String {
        let joined =
            Zeroizing::new(format!("{}:{}", self.credentials.username, self.credentials.password.expose_secret()));
        format!("Basic {}", STANDARD.encode(joined.as_bytes()))
    }

    pub fn sign(&self, req: &Request) -> Result<Signed, SigningError> {
        req.validate()?;
        Ok(with_host(req, vec![("Authorization".into(), self.authorization())]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(u: &str, p: &str) -> BasicCredentials {
        BasicCredentials { username: u.into(), password: SecretString::from(p.to_string()) }
    }

    #[test]
    fn rfc7617_example() {
        let s = BasicSigner::new(creds("Aladdin", "open sesame")).unwrap();
        assert_eq!(s.authorization(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    }

    #[test]
    fn colon_in_user_is_an_error() {
        assert_eq!(BasicSigner::new(creds("a:b", "x")).unwrap_err(), SigningError::BasicUserHasColon);
        // A colon in the password is fine.
        assert!(BasicSigner::new(creds("a", "x:y")).is_ok());
    }
}
