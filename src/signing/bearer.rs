//! A static bearer token: `Authorization: Bearer <token>`.

use secrecy::{ExposeSecret, SecretString};

use super::{Request, Signed, SigningError, check_header_safe, with_host};

pub struct BearerSigner {
    token: SecretString,
}

impl std::fmt::Debug for BearerSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BearerSigner { token: <redacted> }")
    }
}

impl BearerSigner {
    pub fn new(token: SecretString) -> Result<Self, SigningError> {
        let t = token.expose_secret();
        if t.trim().is_empty() {
            return Err(SigningError::InvalidCredential("bearer token (empty)"));
        }
        check_header_safe(t, "bearer token")?;
        Ok(Self { token })
    }

    pub fn sign(&self, req: &Request) -> Result<Signed, SigningError> {
        req.validate()?;
        let value = format!("Bearer {}", self.token.expose_secret().trim());
        Ok(with_host(req, vec![("Authorization".into(), value)]))
    }
}
