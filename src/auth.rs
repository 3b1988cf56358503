//! From an auth scheme, its settings and a credential source to a configured
//! [`Signer`]. `gwctl sign` builds [`AuthOptions`] from flags; profiles will build the same
//! struct from the config file.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::credentials::CredentialSource;
use crate::error::Error;
use crate::gateway;
use crate::signing::Signer;
use crate::signing::aksk::{AkSkSettings, AkSkSigner, AkSkVariant};
use crate::signing::basic::BasicSigner;
use crate::signing::bearer::BearerSigner;
use crate::signing::jwt::{self, JwtSettings, JwtSigner};
use crate::signing::sigv4::{SigV4Settings, SigV4Signer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthScheme {
    Basic,
    Sigv4,
    Apipark,
    Huawei,
    Jwt,
    Bearer,
}

impl AuthScheme {
    pub const NAMES: [&'static str; 6] = ["basic", "sigv4", "apipark", "huawei", "jwt", "bearer"];
    const ALL: [AuthScheme; 6] = [Self::Basic, Self::Sigv4, Self::Apipark, Self::Huawei, Self::Jwt, Self::Bearer];

    pub fn name(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|s| *s == self).expect("listed")]
    }
}

impl fmt::Display for AuthScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AuthScheme {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::NAMES.iter().position(|n| n.eq_ignore_ascii_case(s)).map(|i| Self::ALL[i]).ok_or_else(|| {
            Error::Usage(format!("unknown auth scheme {s:?} (expected one of {})", Self::NAMES.join(", ")))
        })
    }
}

impl serde::Serialize for AuthScheme {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for AuthScheme {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!("unknown auth scheme {s:?} (expected one of {})", Self::NAMES.join(", ")))
        })
    }
}

/// JWT settings as the user gives them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JwtOptions {
    pub alg: Option<String>,
    pub iss: Option<String>,
    pub sub: Option<String>,
    pub aud: Vec<String>,
    pub ttl_secs: Option<u64>,
    pub kid: Option<String>,
    pub claims: Map<String, Value>,
    pub no_jti: bool,
}

/// Everything but the secret that decides how requests are signed.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthOptions {
    pub scheme: AuthScheme,
    pub region: Option<String>,
    pub service: Option<String>,
    pub unsigned_payload: bool,
    pub content_sha256: bool,
    pub jwt: JwtOptions,
}

impl AuthOptions {
    pub fn new(scheme: AuthScheme) -> Self {
        Self {
            scheme,
            region: None,
            service: None,
            unsigned_payload: false,
            content_sha256: false,
            jwt: JwtOptions::default(),
        }
    }
}

/// Builds the signer for `opts`, taking secrets from `creds`. `host` (the request's
/// authority) lets SigV4 infer region and service for AWS endpoints.
pub fn build_signer(opts: &AuthOptions, creds: &dyn CredentialSource, host: &str) -> Result<Signer, Error> {
    Ok(match opts.scheme {
        AuthScheme::Basic => Signer::Basic(BasicSigner::new(creds.basic()?)?),
        AuthScheme::Bearer => Signer::Bearer(BearerSigner::new(creds.bearer_token()?)?),
        AuthScheme::Sigv4 => {
            let inferred = gateway::aws::infer_scope(host);
            let region = opts
                .region
                .clone()
                .or_else(|| inferred.as_ref().map(|(r, _)| r.clone()))
                .or_else(|| creds.default_region())
                .ok_or_else(|| Error::Usage("sigv4 needs a region: pass --region or set AWS_REGION".into()))?;
            let service = opts.service.clone().or_else(|| inferred.map(|(_, s)| s)).ok_or_else(|| {
                Error::Usage(format!(
                    "sigv4 needs a service name (e.g. execute-api, sagemaker, bedrock, sts): pass --service; \
                     it cannot be inferred from host {host:?}"
                ))
            })?;
            let mut settings = SigV4Settings::new(region, service);
            settings.unsigned_payload = opts.unsigned_payload;
            settings.content_sha256_header |= opts.content_sha256;
            Signer::SigV4(SigV4Signer::new(creds.aws()?, settings)?)
        }
        AuthScheme::Apipark | AuthScheme::Huawei => {
            let variant = if opts.scheme == AuthScheme::Apipark { AkSkVariant::ApiPark } else { AkSkVariant::Huawei };
            let mut settings = AkSkSettings::new(variant);
            settings.unsigned_payload = opts.unsigned_payload;
            Signer::AkSk(AkSkSigner::new(creds.aksk(variant.name())?, settings)?)
        }
        AuthScheme::Jwt => {
            let j = &opts.jwt;
            let alg = jwt::parse_algorithm(j.alg.as_deref().unwrap_or("HS256"))?;
            let mut settings = JwtSettings::new(alg);
            settings.issuer = j.iss.clone();
            settings.subject = j.sub.clone();
            settings.audience = j.aud.clone();
            settings.key_id = j.kid.clone();
            settings.extra_claims = j.claims.clone();
            settings.jti = !j.no_jti;
            if let Some(ttl) = j.ttl_secs {
                settings.ttl_secs = ttl;
            }
            Signer::Jwt(JwtSigner::new(settings, &creds.jwt_key()?)?)
        }
    })
}

/// Parses a lifetime: `300`, `300s`, `15m`, `1h`, `1d`, `1h30m`.
pub fn parse_duration_secs(s: &str) -> Result<u64, Error> {
    let s = s.trim();
    let bad = || Error::Input(format!("invalid duration {s:?}: expected e.g. 300, 90s, 15m, 1h or 1d"));
    if let Ok(n) = s.parse::<u64>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let n: u64 = num.parse().map_err(|_| bad())?;
        total = n.checked_mul(unit).and_then(|v| total.checked_add(v)).ok_or_else(bad)?;
        num.clear();
        any = true;
    }
    if !num.is_empty() || !any {
        return Err(bad());
    }
    Ok(total)
}

/// Parses `key=value` for an extra JWT claim: the value is JSON when it parses as JSON
/// (`n=5`, `admin=true`, `roles=["a","b"]`), a string otherwise.
pub fn parse_claim(s: &str) -> Result<(String, Value), Error> {
    let (k, v) = s.split_once('=').ok_or_else(|| Error::Input(format!("invalid --claim {s:?}: expected key=value")))?;
    let k = k.trim();
    if k.is_empty() {
        return Err(Error::Input("invalid --claim: the key is empty".into()));
    }
    let value = serde_json::from_str::<Value>(v).unwrap_or_else(|_| Value::String(v.to_string()));
    Ok((k.to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_secs("300").unwrap(), 300);
        assert_eq!(parse_duration_secs("15m").unwrap(), 900);
        assert_eq!(parse_duration_secs("1h30m").unwrap(), 5400);
        assert_eq!(parse_duration_secs("1d").unwrap(), 86400);
        for bad in ["", "m", "5x", "1h5", "-3"] {
            assert!(parse_duration_secs(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn claims() {
        assert_eq!(parse_claim("n=5").unwrap(), ("n".into(), Value::from(5)));
        assert_eq!(parse_claim("s=read write").unwrap(), ("s".into(), Value::from("read write")));
        assert_eq!(parse_claim("o=007").unwrap(), ("o".into(), Value::from("007")));
        assert!(parse_claim("novalue").is_err());
    }

    #[test]
    fn scheme_names() {
        for n in AuthScheme::NAMES {
            assert_eq!(n.parse::<AuthScheme>().unwrap().name(), n);
        }
        assert!("digest".parse::<AuthScheme>().is_err());
    }
}
