//! Keys the gateway's admin installs: AK/SK pairs, HMAC JWT secrets and Basic passwords for a
//! proxy wait in the `pending` slot until `--finish`.

use std::fmt::Write as _;

use super::*;

impl Rotator<'_> {
    /// AK/SK pairs, HMAC JWT secrets and Basic passwords for a proxy: gwctl makes (or takes)
    /// the new secret, keeps it pending and prints what the admin installs; `--finish`
    /// switches to it.
    pub(super) fn gateway_managed(&self, p: &Profile) -> Result<Report, KeysError> {
        if let Some(r) = &p.rotation {
            if r.step != RotationStep::Pending {
                return Err(self.foreign_step(r.step));
            }
            let pending = self.get(Slot::Pending)?;
            step(&self.name, format_args!("a new key is already pending since {} (showing it again)", r.started));
            return self.install_instructions(p, &pending, r.pending_key_id.as_deref(), r.generated);
        }
        let (secret, id, generated) = self.new_gateway_secret(p)?;
        // The proxy checks the password through an htpasswd line: refuse one bcrypt would cut,
        // before anything is stored.
        if p.scheme() == AuthScheme::Basic {
            crate::scaffold::nginx::check_password_length(&secret).map_err(|e| KeysError::Input(e.to_string()))?;
        }
        if let Some(report) = self.announce(&self.gateway_plan(p, id.as_deref(), generated))? {
            return Ok(report);
        }
        self.set(Slot::Pending, &secret)?;
        let previous = access_key_id(p).or_else(|| p.jwt().and_then(|j| j.kid.clone()));
        self.update(|p| {
            p.rotation = Some(Rotation {
                step: RotationStep::Pending,
                started: now_rfc3339(),
                pending_key_id: id.clone(),
                previous_key_id: previous,
                keys_before: vec![],
                previous_jwk: None,
                keep_old: false,
                generated,
            })
        })?;
        step(&self.name, format_args!("stored the new secret as pending in {}", p.store));
        self.install_instructions(p, &secret, id.as_deref(), generated)
    }

    /// What a gateway-managed rotation does. A value gwctl generates (a key id, a kid) is
    /// chosen when it is made, so a dry run names only what was given.
    fn gateway_plan(&self, p: &Profile, id: Option<&str>, generated: bool) -> Vec<String> {
        let finish = format!("gwctl keys rotate --profile {} --finish", self.name);
        let current = access_key_id(p).or_else(|| p.jwt().and_then(|j| j.kid.clone()));
        let current = current.map(|c| format!(" ({c})")).unwrap_or_default();
        let (new, install) = match p.scheme() {
            AuthScheme::Apipark | AuthScheme::Huawei => (
                match (generated, id) {
                    (false, Some(id)) => format!("take the key pair given on standard input (access key {id})"),
                    _ => format!(
                        "make a new key pair: a 20-character access key id starting with {} and a 40-character secret \
                         key, chosen when they are made",
                        if p.scheme() == AuthScheme::Huawei { "HW" } else { "AK" }
                    ),
                },
                "print the pair for the gateway admin to install next to the old one",
            ),
            AuthScheme::Basic => (
                if generated {
                    "make a new password (32 random letters and digits)".to_string()
                } else {
                    "take the new password given on standard input".to_string()
                },
                "print the htpasswd line (bcrypt) that replaces the user's line in the proxy",
            ),
            _ => (
                if generated {
                    "make a new HMAC secret with a new random kid (both chosen when they are made)".to_string()
                } else {
                    "take the HMAC secret given on standard input, with a new random kid (chosen when it is made)"
                        .to_string()
                },
                "print the secret and its kid for the gateway's JWT verifier, to add next to the old one",
            ),
        };
        vec![
            new,
            format!("store it as pending in {} and {install}", p.store),
            format!("keep using the current {}{current} until {finish}", secret_word(p)),
        ]
    }

    /// The new secret in the form the current slot keeps it, its key id, and whether gwctl made it.
    pub(super) fn new_gateway_secret(&self, p: &Profile) -> Result<(Secret, Option<String>, bool), KeysError> {
        let given = self.opts.new_secret.clone();
        match p.scheme() {
            AuthScheme::Apipark | AuthScheme::Huawei => {
                let (id, sk) = match &given {
                    Some(text) => parse_pair(text)?,
                    None => {
                        let prefix = if p.scheme() == AuthScheme::Huawei { "HW" } else { "AK" };
                        (generate::access_key_id(prefix)?, generate::secret_key()?)
                    }
                };
                if Some(&id) == access_key_id(p).as_ref() {
                    return Err(KeysError::Input(format!("the new access key id is the current one ({id})")));
                }
                Ok((credential_json(&id, &sk, None), Some(id), given.is_none()))
            }
            AuthScheme::Basic => match given {
                Some(s) => {
                    let text = std::str::from_utf8(&s)
                        .map_err(|_| KeysError::Input("the new password is not UTF-8".into()))?;
                    let pw = text.trim_end_matches(['\r', '\n']);
                    if pw.is_empty() {
                        return Err(KeysError::Input("the new password on standard input is empty".into()));
                    }
                    Ok((Zeroizing::new(pw.as_bytes().to_vec()), None, false))
                }
                None => Ok((Zeroizing::new(generate::password()?.as_bytes().to_vec()), None, true)),
            },
            AuthScheme::Jwt => {
                let alg = self.jwt_alg(p)?;
                let secret = match given {
                    Some(s) => {
                        sjwt::JwtKey::parse(&s)?;
                        s
                    }
                    None => generate::jwt_key(alg, self.opts.rsa_bits)?,
                };
                Ok((secret, Some(generate::kid()?), self.opts.new_secret.is_none()))
            }
            other => Err(KeysError::Usage(format!("{other} keys are not rotated this way"))),
        }
    }

    pub(super) fn install_instructions(
        &self,
        p: &Profile,
        secret: &Secret,
        kid: Option<&str>,
        show_secret: bool,
    ) -> Result<Report, KeysError> {
        let finish = format!("gwctl keys rotate --profile {} --finish", self.name);
        // Written in place (no temporary copies of the secret) into a buffer that is wiped.
        let mut out = Report::new(String::with_capacity(1024));
        match p.scheme() {
            AuthScheme::Apipark | AuthScheme::Huawei => {
                let creds = self.aksk_of(p, secret.clone())?;
                let where_ = if p.scheme() == AuthScheme::Huawei {
                    "the API Gateway app's AppKey/AppSecret"
                } else {
                    "the APIPark/Apinto application's AK/SK authentication"
                };
                let _ = writeln!(out, "Install this key pair in {where_}, next to the old one:");
                let _ = writeln!(out, "  access key: {}", creds.access_key_id);
                if show_secret {
                    let _ = writeln!(out, "  secret key: {}", secrecy::ExposeSecret::expose_secret(&creds.secret));
                } else {
                    out.push_str("  secret key: (the one you gave on standard input)\n");
                }
            }
            AuthScheme::Basic => {
                let user = p.auth.key_id().map(str::to_string).unwrap_or_default();
                let line = crate::scaffold::nginx::htpasswd_line(&user, secret)
                    .map_err(|e| KeysError::Input(e.to_string()))?;
                out.push_str("Replace the user's line in the proxy's htpasswd file with:\n");
                let _ = writeln!(out, "  {line}");
            }
            AuthScheme::Jwt => {
                use base64::Engine as _;
                let key = sjwt::JwtKey::parse(secret)?;
                let sjwt::JwtKey::Secret(bytes) = key else {
                    return Err(KeysError::Input("an HMAC profile's new key is not a secret".into()));
                };
                out.push_str("Add this HMAC secret to the gateway's JWT verifier, next to the old one:\n");
                if let Some(kid) = kid {
                    let _ = writeln!(out, "  kid:    {kid}");
                }
                if show_secret {
                    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(bytes.as_slice()));
                    let _ = writeln!(out, "  secret: {} (base64)", b64.as_str());
                } else {
                    out.push_str("  secret: (the one you gave on standard input)\n");
                }
            }
            _ => {}
        }
        let _ = writeln!(out, "The profile keeps using its current key until you run: {finish}");
        Ok(out)
    }
}

/// A new AK/SK pair from standard input: JSON (`{"AccessKeyId":…,"SecretAccessKey":…}`) or
/// `AK SK` / `AK:SK`.
fn parse_pair(text: &[u8]) -> Result<(String, Zeroizing<String>), KeysError> {
    let bad =
        || KeysError::Input("give the new pair on standard input as \"AK SK\", \"AK:SK\" or credential JSON".into());
    let text = std::str::from_utf8(text).map_err(|_| bad())?.trim();
    if text.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|_| bad())?;
        let get = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        return Ok((get("AccessKeyId").ok_or_else(bad)?, Zeroizing::new(get("SecretAccessKey").ok_or_else(bad)?)));
    }
    let (ak, sk) = text.split_once(|c: char| c == ':' || c.is_whitespace()).ok_or_else(bad)?;
    let (ak, sk) = (ak.trim(), sk.trim());
    if ak.is_empty() || sk.is_empty() || sk.contains(char::is_whitespace) {
        return Err(bad());
    }
    Ok((ak.to_string(), Zeroizing::new(sk.to_string())))
}
