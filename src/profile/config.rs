//! The config file: TOML at the platform config dir (`$XDG_CONFIG_HOME/gwctl/config.toml` on
//! Linux), or `--config`/`GWCTL_CONFIG`. Writes are atomic (temporary file + rename), mode
//! 0600, and serialised between processes by a lock file. It never holds a secret.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Profile, ProfileError};

const HEADER: &str = "# gwctl configuration. Secrets are not stored here: each profile's `store` says where its\n\
                      # secret is. Edit with `gwctl profile …`; hand edits are kept if they parse.\n\n";

/// The largest config file gwctl reads.
const MAX_CONFIG: u64 = 16 << 20;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

impl Config {
    pub fn get(&self, name: &str) -> Result<&Profile, ProfileError> {
        self.profiles.get(name).ok_or_else(|| ProfileError::Unknown { name: name.into(), known: self.names() })
    }

    pub fn names(&self) -> Vec<String> {
        self.profiles.keys().cloned().collect()
    }
}

/// Where the config file is, and its operations.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    pub path: PathBuf,
}

impl ConfigFile {
    /// `explicit` (from `--config` or `GWCTL_CONFIG`), else the platform config dir.
    pub fn locate(explicit: Option<PathBuf>) -> Result<Self, ProfileError> {
        if let Some(path) = explicit {
            return Ok(Self { path });
        }
        let dirs = directories::ProjectDirs::from("", "", "gwctl").ok_or_else(|| {
            ProfileError::Invalid("cannot find a home directory for the config file: pass --config PATH".into())
        })?;
        Ok(Self { path: dirs.config_dir().join("config.toml") })
    }

    /// The directory holding the config (and the file store's `secrets/`).
    pub fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Reads the config; a missing file is an empty config.
    pub fn load(&self) -> Result<Config, ProfileError> {
        let bytes = match crate::util::read_limited(&self.path, MAX_CONFIG) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => return Err(self.io("cannot read config file", source)),
        };
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            ProfileError::Corrupt {
                path: self.path.display().to_string(),
                line: valid.iter().filter(|b| **b == b'\n').count() + 1,
                message: "the file is not UTF-8 text".into(),
            }
        })?;
        parse(&text, &self.path)
    }

    /// Locks the config against other gwctl processes, reads it, applies `change` and writes
    /// it back atomically. When `change` or the parse fails, nothing is written.
    pub fn update<T>(&self, change: impl FnOnce(&mut Config) -> Result<T, ProfileError>) -> Result<T, ProfileError> {
        let dir = self.dir();
        create_private_dir(&dir).map_err(|e| self.io("cannot create config directory", e))?;
        let _lock = self.lock()?;
        let mut config = self.load()?;
        let out = change(&mut config)?;
        let fresh =
            toml::to_string(&config).map_err(|e| ProfileError::Invalid(format!("cannot write the config: {e}")))?;
        // Hand edits (comments, order, spacing) are kept: the new content is merged into the
        // document as it is on disk, and only what changed is rewritten.
        let existing = match std::fs::read(&self.path) {
            Ok(bytes) => String::from_utf8(bytes).ok(),
            Err(_) => None,
        };
        let mut text = match existing.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(old) => merge_preserving(old, &fresh).unwrap_or_else(|| format!("{HEADER}{fresh}")),
            None => format!("{HEADER}{fresh}"),
        };
        // Comments stay with the profile they precede; the file's own header stays on top.
        if !text.starts_with(HEADER.lines().next().unwrap_or("#")) {
            text = format!("{HEADER}{}", text.trim_start());
        }
        super::private_file::write(&dir, &self.path, text.as_bytes())
            .map_err(|e| self.io("cannot write config file", e))?;
        Ok(out)
    }

    fn lock(&self) -> Result<File, ProfileError> {
        let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "config".into());
        let lock_path = self.dir().join(format!(".{name}.lock"));
        let mut options = File::options();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            // Owner-only, and never through a symlink (a dangling link would create its target).
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600).custom_flags(libc_o_nofollow());
        }
        let file = options.open(&lock_path).map_err(|e| ProfileError::Io {
            what: "cannot open lock file (it must be a plain file, not a symlink)",
            path: lock_path.display().to_string(),
            source: e,
        })?;
        file.lock().map_err(|e| ProfileError::Io {
            what: "cannot lock",
            path: lock_path.display().to_string(),
            source: e,
        })?;
        Ok(file)
    }

    fn io(&self, what: &'static str, source: std::io::Error) -> ProfileError {
        ProfileError::Io { what, path: self.path.display().to_string(), source }
    }
}

/// `new` (a freshly serialised config) written into `old` (the file as it is), keeping old's
/// comments and layout wherever the content is the same. `None` when `old` does not parse.
fn merge_preserving(old: &str, new: &str) -> Option<String> {
    let mut doc: toml_edit::DocumentMut = old.parse().ok()?;
    let fresh: toml_edit::DocumentMut = new.parse().ok()?;
    merge_table(doc.as_table_mut(), fresh.as_table());
    Some(doc.to_string())
}

fn bare(item: &toml_edit::Item) -> String {
    let mut item = item.clone();
    if let Some(v) = item.as_value_mut() {
        v.decor_mut().clear();
    }
    item.to_string().trim().to_string()
}

fn merge_table(old: &mut toml_edit::Table, new: &toml_edit::Table) {
    let gone: Vec<String> = old.iter().map(|(k, _)| k.to_string()).filter(|k| !new.contains_key(k)).collect();
    for k in gone {
        old.remove(&k);
    }
    for (k, new_item) in new.iter() {
        match (old.get_mut(k), new_item) {
            (Some(toml_edit::Item::Table(o)), toml_edit::Item::Table(n)) => merge_table(o, n),
            (Some(o), n) if bare(o) == bare(n) => {}
            (Some(toml_edit::Item::Value(o)), toml_edit::Item::Value(n)) => {
                let decor = o.decor().clone();
                *o = n.clone();
                *o.decor_mut() = decor;
            }
            (Some(o), n) => *o = n.clone(),
            (None, n) => {
                let mut n = n.clone();
                if let Some(t) = n.as_table_mut() {
                    clear_positions(t);
                }
                old.insert(k, n);
            }
        }
    }
}

/// Tables taken from another document go after the existing ones.
fn clear_positions(t: &mut toml_edit::Table) {
    t.set_position(None);
    for (_, item) in t.iter_mut() {
        if let Some(sub) = item.as_table_mut() {
            clear_positions(sub);
        }
    }
}

/// `O_NOFOLLOW` (Linux, the BSDs and macOS agree on "do not follow a final symlink").
#[cfg(unix)]
fn libc_o_nofollow() -> i32 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        0o400000
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        0x0100
    }
}

/// Creates the config directory (and its parents) with mode 0700 for the last part; an
/// existing directory is left as it is (`gwctl doctor` warns about a loose mode).
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut b = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    match b.create(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

/// Parses config text; errors name the file and line.
pub fn parse(text: &str, path: &Path) -> Result<Config, ProfileError> {
    let config = toml::from_str::<Config>(text).map_err(|e| {
        let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1).unwrap_or(1);
        ProfileError::Corrupt {
            path: path.display().to_string(),
            line,
            message: e.message().split_whitespace().collect::<Vec<_>>().join(" "),
        }
    })?;
    // Names are checked here, not only by `profile add`: a hand-written name must not reach a
    // store as a path (`../x`) or collide with the rotation slots (`a#pending`).
    for name in config.profiles.keys().chain(config.default_profile.iter()) {
        if super::check_name(name).is_err() {
            let line = text.lines().position(|l| l.contains(name.as_str())).map(|i| i + 1).unwrap_or(1);
            return Err(ProfileError::Corrupt {
                path: path.display().to_string(),
                line,
                message: format!(
                    "invalid profile name {:?}: use letters, digits, '.', '_' and '-' (at most 64, not starting with '.' or '-')",
                    name.chars().take(64).collect::<String>()
                ),
            });
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileToml;
    use crate::profile::store::StoreSpec;
    use crate::scheme::AuthScheme;

    /// Every key is read on its own: an error names the line of the key at fault, the
    /// scheme's keys and tables included.
    #[test]
    fn each_error_names_its_own_line() {
        let path = Path::new("c.toml");
        let err = |text: &str| parse(text, path).unwrap_err().to_string();
        let head = "# profiles\n[profiles.a]\nauth = \"basic\"\nstore = \"env:K\"\n";
        let e = err(&format!("{head}url = \"http://x\"\nusername = 5\n"));
        assert!(e.contains("line 6") && e.contains("invalid type: integer `5`"), "{e}");
        let e = err(&format!("{head}usernme = \"u\"\n"));
        assert!(e.contains("line 5") && e.contains("unknown field `usernme`") && e.contains("`username`"), "{e}");
        let e = err(&format!("{head}gateway = \"nginx\"\n"));
        assert!(e.contains("line 5") && e.contains("nginx"), "{e}");
        let e = err("[profiles.a]\nauth = \"jwt\"\nstore = \"env:K\"\n\n[profiles.a.jwt]\nalg = \"HS256\"\nalgg = 1\n");
        assert!(e.contains("line 7") && e.contains("`algg`"), "{e}");
        let e = err("[profiles.a]\nstore = \"env:K\"\n");
        assert!(e.contains("missing field `auth`"), "{e}");
        let ok = parse(&format!("{head}username = \"u\"\n"), path).unwrap();
        assert_eq!(ok.get("a").unwrap().auth.key_id(), Some("u"));
    }

    #[test]
    fn round_trip_and_errors_with_lines() {
        let dir = tempfile::tempdir().unwrap();
        let cf = ConfigFile { path: dir.path().join("c/config.toml") };
        assert_eq!(cf.load().unwrap(), Config::default());
        cf.update(|c| {
            let mut p = ProfileToml::new(AuthScheme::Sigv4, StoreSpec::Env("X".into()));
            p.fields.access_key_id = Some("AK".into());
            c.profiles.insert("prod".into(), Profile::try_from(p)?);
            c.default_profile = Some("prod".into());
            Ok(())
        })
        .unwrap();
        let c = cf.load().unwrap();
        assert_eq!(c.get("prod").unwrap().auth.key_id(), Some("AK"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&cf.path).unwrap().permissions().mode() & 0o777, 0o600);
        }

        std::fs::write(&cf.path, "[profiles.a]\nauth = \"sigv4\"\nstore = \"env:X\"\nregoin = \"x\"\n").unwrap();
        let e = cf.load().unwrap_err().to_string();
        assert!(e.contains("line 4") && e.contains("regoin"), "{e}");
        // A failed update leaves the file untouched.
        let before = std::fs::read(&cf.path).unwrap();
        assert!(cf.update(|_| Ok(())).is_err());
        assert_eq!(std::fs::read(&cf.path).unwrap(), before);

        // Comments and layout written by hand survive an update.
        let hand = "# my profiles\n[profiles.a] # the AWS one\nauth = \"sigv4\"\n# key below\naccess_key_id = \"AK\"   # old\nstore = \"env:X\"\n";
        std::fs::write(&cf.path, hand).unwrap();
        cf.update(|c| {
            let mut t = c.get("a")?.to_toml();
            t.fields.region = Some("eu-west-1".into());
            c.profiles.insert("a".into(), Profile::try_from(t)?);
            let mut b = ProfileToml::new(AuthScheme::Bearer, StoreSpec::Env("T".into()));
            b.url = Some("https://gw.example/".into());
            c.profiles.insert("b".into(), Profile::try_from(b)?);
            Ok(())
        })
        .unwrap();
        let text = std::fs::read_to_string(&cf.path).unwrap();
        for kept in ["# my profiles", "# the AWS one", "# key below", "# old"] {
            assert!(text.contains(kept), "{kept:?} lost:\n{text}");
        }
        let c = cf.load().unwrap();
        assert_eq!(c.get("a").unwrap().auth.region(), Some("eu-west-1"));
        assert_eq!(c.get("b").unwrap().url.as_deref(), Some("https://gw.example/"));
        cf.update(|c| {
            c.profiles.remove("a");
            Ok(())
        })
        .unwrap();
        let text = std::fs::read_to_string(&cf.path).unwrap();
        assert!(text.starts_with("# gwctl configuration") && !text.contains("[profiles.a]"), "{text}");

        // Every name is checked on load, not only on add.
        std::fs::write(&cf.path, "[profiles.\"../../tmp/evil\"]\nauth = \"bearer\"\nstore = \"file\"\n").unwrap();
        let e = cf.load().unwrap_err();
        assert!(e.to_string().contains("invalid profile name") && e.to_string().contains("line 1"), "{e}");
        assert_eq!(e.exit_code(), crate::exit::ExitCode::Profile);
        std::fs::write(&cf.path, b"[profiles.a]\nauth = \"b\xffasic\"\n").unwrap();
        let e = cf.load().unwrap_err();
        assert!(e.to_string().contains("not UTF-8") && e.to_string().contains("line 2"), "{e}");
        assert_eq!(e.exit_code(), crate::exit::ExitCode::Profile);
    }
}
