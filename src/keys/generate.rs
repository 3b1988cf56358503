//! New secrets and keys: random bytes from the operating system, key pairs from aws-lc-rs.

use aws_lc_rs::encoding::AsDer;
use jsonwebtoken::Algorithm;
use zeroize::Zeroizing;

use super::KeysError;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn random_bytes(n: usize) -> Result<Zeroizing<Vec<u8>>, KeysError> {
    let mut buf = Zeroizing::new(vec![0u8; n]);
    getrandom::fill(&mut buf).map_err(|e| KeysError::Generate(format!("the system random source failed: {e}")))?;
    Ok(buf)
}

/// `len` characters drawn uniformly from `alphabet` (rejection sampling: no modulo bias).
fn random_string(alphabet: &[u8], len: usize) -> Result<Zeroizing<String>, KeysError> {
    let limit = 256 - 256 % alphabet.len();
    let mut out = Zeroizing::new(String::with_capacity(len));
    while out.len() < len {
        for &b in random_bytes(len * 2)?.iter() {
            if (b as usize) < limit && out.len() < len {
                out.push(alphabet[b as usize % alphabet.len()] as char);
            }
        }
    }
    Ok(out)
}

/// A password: 32 letters and digits (about 190 bits), safe in any header, URL or shell.
pub fn password() -> Result<Zeroizing<String>, KeysError> {
    random_string(ALNUM, 32)
}

/// An access key id for a gateway-managed key pair: `prefix` then upper-case letters and digits, 20 in all.
pub fn access_key_id(prefix: &str) -> Result<String, KeysError> {
    let rest = random_string(UPPER_DIGITS, 20usize.saturating_sub(prefix.len()))?;
    Ok(format!("{prefix}{}", rest.as_str()))
}

/// A secret key for a gateway-managed key pair: 40 letters and digits (about 238 bits).
pub fn secret_key() -> Result<Zeroizing<String>, KeysError> {
    random_string(ALNUM, 40)
}

/// A fresh key id for a JWT key: the date and 8 random characters (`2026-11-24-k3x9q2mz`).
pub fn kid() -> Result<String, KeysError> {
    let date = crate::profile::now_rfc3339();
    let suffix = random_string(b"abcdefghijklmnopqrstuvwxyz0123456789", 8)?;
    Ok(format!("{}-{}", &date[..10.min(date.len())], suffix.as_str()))
}

/// A new JWT signing key for `alg`, in the text form profiles store: `base64:…` for an HMAC
/// secret (as many bytes as the hash), a PKCS#8 PEM private key otherwise (RSA of
/// `rsa_bits`, EC P-256/P-384, Ed25519).
pub fn jwt_key(alg: Algorithm, rsa_bits: u32) -> Result<Zeroizing<Vec<u8>>, KeysError> {
    use aws_lc_rs::signature;
    use base64::Engine as _;
    let fail = |what: &str| KeysError::Generate(format!("cannot generate {what}"));
    let der: Zeroizing<Vec<u8>> = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            let n = match alg {
                Algorithm::HS256 => 32,
                Algorithm::HS384 => 48,
                _ => 64,
            };
            let b64 = base64::engine::general_purpose::STANDARD.encode(random_bytes(n)?.as_slice());
            return Ok(Zeroizing::new(format!("base64:{b64}\n").into_bytes()));
        }
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => {
            let size = match rsa_bits {
                2048 => aws_lc_rs::rsa::KeySize::Rsa2048,
                3072 => aws_lc_rs::rsa::KeySize::Rsa3072,
                4096 => aws_lc_rs::rsa::KeySize::Rsa4096,
                8192 => aws_lc_rs::rsa::KeySize::Rsa8192,
                other => {
                    return Err(KeysError::Generate(format!(
                        "RSA keys are 2048, 3072, 4096 or 8192 bits, not {other}"
                    )));
                }
            };
            let pair = aws_lc_rs::rsa::KeyPair::generate(size).map_err(|_| fail("an RSA key"))?;
            let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).map_err(|_| fail("an RSA key"))?;
            Zeroizing::new(der.as_ref().to_vec())
        }
        Algorithm::ES256 | Algorithm::ES384 => {
            let curve = if alg == Algorithm::ES256 {
                &signature::ECDSA_P256_SHA256_FIXED_SIGNING
            } else {
                &signature::ECDSA_P384_SHA384_FIXED_SIGNING
            };
            let pair = signature::EcdsaKeyPair::generate(curve).map_err(|_| fail("an EC key"))?;
            Zeroizing::new(pair.to_pkcs8v1().map_err(|_| fail("an EC key"))?.as_ref().to_vec())
        }
        Algorithm::EdDSA => {
            let pair = signature::Ed25519KeyPair::generate().map_err(|_| fail("an Ed25519 key"))?;
            Zeroizing::new(pair.to_pkcs8v1().map_err(|_| fail("an Ed25519 key"))?.as_ref().to_vec())
        }
        #[allow(unreachable_patterns)]
        other => return Err(KeysError::Generate(format!("gwctl cannot generate keys for {other:?}"))),
    };
    let pem = pem::encode(&pem::Pem::new("PRIVATE KEY", der.to_vec()));
    Ok(Zeroizing::new(pem.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let p = password().unwrap();
        assert_eq!(p.len(), 32);
        assert!(p.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(*p, *password().unwrap());
        let ak = access_key_id("AK").unwrap();
        assert!(ak.len() == 20 && ak.starts_with("AK") && ak.bytes().all(|b| UPPER_DIGITS.contains(&b)));
        assert_eq!(secret_key().unwrap().len(), 40);
        assert_eq!(kid().unwrap().len(), 19);
    }

    #[test]
    fn keys_sign() {
        use crate::signing::jwt::{JwtKey, JwtSettings, JwtSigner};
        for alg in
            [Algorithm::HS384, Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::ES384, Algorithm::EdDSA]
        {
            let key = JwtKey::parse(&jwt_key(alg, 2048).unwrap()).unwrap();
            let signer = JwtSigner::new(JwtSettings::new(alg), &key).unwrap();
            signer.mint(crate::signing::SigningTime::now()).unwrap();
        }
        assert!(jwt_key(Algorithm::RS256, 1024).is_err());
    }
}
