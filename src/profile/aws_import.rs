//! Reading AWS credentials for `gwctl profile import aws`: the shared credentials file
//! (`~/.aws/credentials`, or `AWS_SHARED_CREDENTIALS_FILE`), the config file for the region
//! (`~/.aws/config`, or `AWS_CONFIG_FILE`), or the `AWS_*` environment variables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::ProfileError;

/// Imported credentials; the secret parts are wiped on drop.
pub struct AwsImport {
    pub access_key_id: String,
    pub secret_access_key: Zeroizing<String>,
    pub session_token: Option<Zeroizing<String>>,
    pub region: Option<String>,
    /// Where they came from, for messages.
    pub source: String,
}

impl AwsImport {
    /// The secret as gwctl stores it: the bare secret key, or `credential_process` JSON when
    /// there is a session token.
    pub fn stored_secret(&self) -> Zeroizing<Vec<u8>> {
        match &self.session_token {
            None => Zeroizing::new(self.secret_access_key.as_bytes().to_vec()),
            Some(token) => Zeroizing::new(
                serde_json::json!({
                    "Version": 1,
                    "AccessKeyId": self.access_key_id,
                    "SecretAccessKey": self.secret_access_key.as_str(),
                    "SessionToken": token.as_str(),
                })
                .to_string()
                .into_bytes(),
            ),
        }
    }
}

/// Parses INI text into sections of keys (lower-cased) and values.
fn parse_ini(text: &str) -> BTreeMap<String, BTreeMap<String, Zeroizing<String>>> {
    let mut out: BTreeMap<String, BTreeMap<String, Zeroizing<String>>> = BTreeMap::new();
    let mut section = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_string();
            continue;
        }
        if let Some((k, v)) = line.split_once('=') {
            out.entry(section.clone())
                .or_default()
                .insert(k.trim().to_ascii_lowercase(), Zeroizing::new(v.trim().to_string()));
        }
    }
    out
}

fn home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}

fn env_path(var: &str, default: &str) -> Option<PathBuf> {
    std::env::var_os(var).map(PathBuf::from).or_else(|| home().map(|h| h.join(default)))
}

/// From the environment, when `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` are set.
pub fn from_env() -> Option<AwsImport> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let ak = get("AWS_ACCESS_KEY_ID")?;
    let sk = Zeroizing::new(get("AWS_SECRET_ACCESS_KEY")?);
    Some(AwsImport {
        access_key_id: ak,
        secret_access_key: sk,
        session_token: get("AWS_SESSION_TOKEN").map(Zeroizing::new),
        region: get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION")),
        source: "the AWS_* environment variables".into(),
    })
}

/// From the shared credentials file, profile `aws_profile`.
pub fn from_files(aws_profile: &str) -> Result<AwsImport, ProfileError> {
    let creds_path = env_path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials")
        .ok_or_else(|| ProfileError::Invalid("cannot find the home directory for ~/.aws/credentials".into()))?;
    let text = Zeroizing::new(std::fs::read_to_string(&creds_path).map_err(|source| ProfileError::Io {
        what: "cannot read AWS credentials file",
        path: creds_path.display().to_string(),
        source,
    })?);
    let sections = parse_ini(&text);
    let section = sections
        .get(aws_profile)
        .ok_or_else(|| ProfileError::Invalid(format!("no [{aws_profile}] section in {}", creds_path.display())))?;
    let field = |k: &str| section.get(k).filter(|v| !v.is_empty());
    let ak = field("aws_access_key_id").ok_or_else(|| {
        ProfileError::Invalid(format!("[{aws_profile}] in {} has no aws_access_key_id", creds_path.display()))
    })?;
    let sk = field("aws_secret_access_key").ok_or_else(|| {
        ProfileError::Invalid(format!("[{aws_profile}] in {} has no aws_secret_access_key", creds_path.display()))
    })?;
    Ok(AwsImport {
        access_key_id: ak.to_string(),
        secret_access_key: sk.clone(),
        session_token: field("aws_session_token").cloned(),
        region: region_from_config(aws_profile).or_else(|| field("region").map(|r| r.to_string())),
        source: format!("[{aws_profile}] in {}", creds_path.display()),
    })
}

/// A role profile of `~/.aws/config` (`role_arn` with `source_profile`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsRole {
    pub role_arn: String,
    pub source_profile: Option<String>,
    pub mfa_serial: Option<String>,
    pub external_id: Option<String>,
    /// `duration_seconds`, as written.
    pub duration_seconds: Option<String>,
    pub role_session_name: Option<String>,
    pub region: Option<String>,
    pub source: String,
}

/// The role settings of `aws_profile` in the AWS config file, if it has a `role_arn`.
pub fn role_from_config(aws_profile: &str) -> Option<AwsRole> {
    let path = env_path("AWS_CONFIG_FILE", ".aws/config")?;
    role_in(&path, aws_profile)
}

fn role_in(path: &Path, aws_profile: &str) -> Option<AwsRole> {
    let text = std::fs::read_to_string(path).ok()?;
    let sections = parse_ini(&text);
    let name = if aws_profile == "default" { "default".to_string() } else { format!("profile {aws_profile}") };
    let section = sections.get(&name)?;
    let get = |k: &str| section.get(k).map(|v| v.to_string()).filter(|v| !v.is_empty());
    Some(AwsRole {
        role_arn: get("role_arn")?,
        source_profile: get("source_profile"),
        mfa_serial: get("mfa_serial"),
        external_id: get("external_id"),
        duration_seconds: get("duration_seconds"),
        role_session_name: get("role_session_name"),
        region: get("region"),
        source: format!("[{name}] in {}", path.display()),
    })
}

fn region_from_config(aws_profile: &str) -> Option<String> {
    let path = env_path("AWS_CONFIG_FILE", ".aws/config")?;
    region_in(&path, aws_profile)
}

fn region_in(path: &Path, aws_profile: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let sections = parse_ini(&text);
    let name = if aws_profile == "default" { "default".to_string() } else { format!("profile {aws_profile}") };
    sections.get(&name)?.get("region").map(|r| r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini() {
        let s = parse_ini("# c\n[default]\naws_access_key_id = AK\n\n[profile x]\nRegion=eu-west-1\n; x\n");
        assert_eq!(s["default"]["aws_access_key_id"].as_str(), "AK");
        assert_eq!(s["profile x"]["region"].as_str(), "eu-west-1");
    }

    #[test]
    fn roles_from_config() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(
            &path,
            "[profile base]\nregion = us-east-1\n[profile gw]\nrole_arn = arn:aws:iam::123456789012:role/gw\n\
             source_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/me\nexternal_id = x-1\n\
             duration_seconds = 7200\nregion = eu-west-1\n",
        )
        .unwrap();
        let r = role_in(&path, "gw").unwrap();
        assert_eq!(r.role_arn, "arn:aws:iam::123456789012:role/gw");
        assert_eq!(r.source_profile.as_deref(), Some("base"));
        assert_eq!(r.mfa_serial.as_deref(), Some("arn:aws:iam::123456789012:mfa/me"));
        assert_eq!(r.external_id.as_deref(), Some("x-1"));
        assert_eq!(r.duration_seconds.as_deref(), Some("7200"));
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        assert!(role_in(&path, "base").is_none());
    }
}
