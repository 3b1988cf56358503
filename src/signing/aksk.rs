//! AK/SK gateway variants of SigV4: APIPark/Apinto `HMAC-SHA256` and Huawei APIG
//! `SDK-HMAC-SHA256`. Both reuse the SigV4 canonicaliser with their own knobs and sign the
//! string `ALGORITHM\n<date>\nhex(sha256(canonical_request))` with HMAC-SHA256 keyed by the
//! raw secret.

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::canonical::{self, CanonicalInput, HeaderRules, PathRule, QueryRule, RepeatRule, ValueRule};
use super::encoding;
use super::{Payload, Request, SignatureDetails, Signed, SigningError, SigningTime, hmac_sha256};

#[derive(Clone)]
pub struct AkSkCredentials {
    pub access_key_id: String,
    pub secret: SecretString,
}

impl std::fmt::Debug for AkSkCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AkSkCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AkSkVariant {
    /// APIPark / Apinto `aksk`: `HMAC-SHA256`, date in `X-Gateway-Date`.
    ApiPark,
    /// Huawei Cloud APIG: `SDK-HMAC-SHA256`, date in `X-Sdk-Date`.
    Huawei,
}

impl AkSkVariant {
    pub fn name(self) -> &'static str {
        match self {
            AkSkVariant::ApiPark => "apipark",
            AkSkVariant::Huawei => "huawei",
        }
    }

    pub fn algorithm(self) -> &'static str {
        match self {
            AkSkVariant::ApiPark => "HMAC-SHA256",
            AkSkVariant::Huawei => "SDK-HMAC-SHA256",
        }
    }

    pub fn date_header(self) -> &'static str {
        match self {
            AkSkVariant::ApiPark => "X-Gateway-Date",
            AkSkVariant::Huawei => "X-Sdk-Date",
        }
    }

    fn path_rule(self) -> PathRule {
        match self {
            AkSkVariant::ApiPark => PathRule::ApiPark,
            AkSkVariant::Huawei => PathRule::Huawei,
        }
    }

    fn query_rule(self) -> QueryRule {
        match self {
            AkSkVariant::ApiPark => QueryRule::ApiPark,
            AkSkVariant::Huawei => QueryRule::Huawei,
        }
    }

    fn repeat_rule(self) -> RepeatRule {
        match self {
            AkSkVariant::ApiPark => RepeatRule::First,
            AkSkVariant::Huawei => RepeatRule::Join,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AkSkSettings {
    pub variant: AkSkVariant,
    /// Huawei only: send `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` and sign that instead of
    /// the body's hash.
    pub unsigned_payload: bool,
    /// The headers to sign, in this order (lower case). `None`: every header, sorted.
    pub signed_headers: Option<Vec<String>>,
}

impl AkSkSettings {
    pub fn new(variant: AkSkVariant) -> Self {
        Self { variant, unsigned_payload: false, signed_headers: None }
    }
}

#[derive(Debug)]
pub struct AkSkSigner {
    credentials: AkSkCredentials,
    settings: AkSkSettings,
}

impl AkSkSigner {
    pub fn new(credentials: AkSkCredentials, settings: AkSkSettings) -> Result<Self, SigningError> {
        let ak = &credentials.access_key_id;
        if ak.is_empty() || ak.contains([',', ' ']) || ak.bytes().any(|b| b.is_ascii_control()) {
            return Err(SigningError::InvalidAccessKeyId);
        }
        Ok(Self { credentials, settings })
    }

    pub fn variant(&self) -> AkSkVariant {
        self.settings.variant
    }

    /// Returns the headers to add: `Host` if missing, the date header, Huawei's
    /// `X-Sdk-Content-Sha256` when unsigned, and `Authorization`.
    pub fn sign(&self, req: &Request, payload: &Payload<'_>, time: SigningTime) -> Result<Signed, SigningError> {
        req.validate()?;
        let variant = self.settings.variant;
        let date = time.amz_date();
        let unsigned = self.settings.unsigned_payload && variant == AkSkVariant::Huawei;
        let payload_hash = if unsigned { "UNSIGNED-PAYLOAD".to_string() } else { payload.sha256_hex() };

        let mut added: Vec<(String, String)> = Vec::with_capacity(4);
        if req.header_value("host").is_none() {
            added.push(("Host".into(), req.authority.clone()));
        }
        added.push((variant.date_header().into(), date.clone()));
        if unsigned {
            added.push(("X-Sdk-Content-Sha256".into(), "UNSIGNED-PAYLOAD".into()));
        }
        let mut to_sign: Vec<(&str, &str)> = req
            .headers
            .iter()
            .filter(|(n, _)| {
                !n.eq_ignore_ascii_case("authorization") && !added.iter().any(|(a, _)| a.eq_ignore_ascii_case(n))
            })
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        to_sign.extend(added.iter().map(|(n, v)| (n.as_str(), v.as_str())));

        let rules = HeaderRules {
            value: ValueRule::Trim,
            repeat: variant.repeat_rule(),
            order: self.settings.signed_headers.as_deref(),
        };
        let payload_hash_ref: &str = &payload_hash;
        let (creq, signed_headers) = canonical::canonical_request(&CanonicalInput {
            method: &req.method.to_ascii_uppercase(),
            path: &req.path,
            path_rule: variant.path_rule(),
            query: req.query.as_deref(),
            query_extra: &[],
            query_rule: variant.query_rule(),
            headers: &to_sign,
            header_rules: rules,
            payload_hash: payload_hash_ref,
        });
        let mut sts = String::with_capacity(96);
        for part in [variant.algorithm(), "\n", &date, "\n"] {
            sts.push_str(part);
        }
        encoding::push_hex(&mut sts, &Sha256::digest(creq.as_bytes()));
        let secret = self.credentials.secret.expose_secret();
        let signature = encoding::hex(&hmac_sha256(secret.as_bytes(), sts.as_bytes()));
        added.push((
            "Authorization".into(),
            format!(
                "{} Access={}, SignedHeaders={signed_headers}, Signature={signature}",
                variant.algorithm(),
                self.credentials.access_key_id
            ),
        ));
        Ok(Signed {
            headers: added,
            url: None,
            details: Some(SignatureDetails { canonical_request: creq, string_to_sign: sts, signature }),
        })
    }
}
