//! Generating the gateway side: configs that the real tools accept, consistent with the client
//! profile that will call them: MLflow gateway configs ([`mlflow`], with a strict checker), AWS
//! API Gateway definitions ([`apigw`]) and an nginx server block with Basic auth ([`nginx`]).

pub mod apigw;
pub mod mlflow;
pub mod nginx;
pub mod yaml;

use std::io::{Read, Write};
use std::path::Path;

use crate::exit::ExitCode;

/// The largest file `scaffold check` reads: a gateway config is a few kilobytes.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// What can go wrong while scaffolding. Every message is one line and holds no secret.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// Flags that do not go together, an output that exists without `--force` (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A value that cannot be used: a backend URL, a password bcrypt would truncate, a config
    /// file too large or nested too deeply (exit 3).
    #[error("{0}")]
    Input(String),
    /// A file that could not be read or written (exit 5).
    #[error("{what}: {source}")]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
}

impl ScaffoldError {
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        ScaffoldError::Io { what: what.into(), source }
    }

    /// The documented exit code: 2 usage, 3 invalid input, 5 a file.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            ScaffoldError::Usage(_) => ExitCode::Usage,
            ScaffoldError::Input(_) => ExitCode::InvalidInput,
            ScaffoldError::Io { .. } => ExitCode::Io,
        }
    }
}

/// Writes a generated file, refusing to replace an existing one unless `force`. The write is
/// atomic (a temporary file in the same directory, renamed over the target; a symlink at the
/// target is replaced, not followed) and the file is created with its final mode: 0600 for
/// `private` files (password hashes), 0644 otherwise. Nothing is chmod-ed afterwards.
pub fn write_new(path: &Path, content: &[u8], force: bool, private: bool) -> Result<(), ScaffoldError> {
    let exists = || ScaffoldError::Usage(format!("{} exists: pass --force to overwrite it", path.display()));
    if !force && (path.exists() || path.is_symlink()) {
        return Err(exists());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let cannot = |e| ScaffoldError::io(format!("cannot write {}", path.display()), e);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".gwctl-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(if private { 0o600 } else { 0o644 }));
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut tmp = builder.tempfile_in(&dir).map_err(cannot)?;
    tmp.write_all(content).map_err(cannot)?;
    tmp.as_file().sync_all().map_err(cannot)?;
    if force {
        tmp.persist(path).map_err(|e| cannot(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists { exists() } else { cannot(e.error) }
        })?;
    }
    Ok(())
}

/// Reads a config file for `scaffold check`: at most [`MAX_CONFIG_BYTES`] (read through a
/// bounded reader, so `/dev/zero` or a huge file costs nothing), and UTF-8 text.
pub fn read_config(path: &Path) -> Result<String, ScaffoldError> {
    let file =
        std::fs::File::open(path).map_err(|e| ScaffoldError::io(format!("cannot read {}", path.display()), e))?;
    read_config_from(file, &path.display().to_string())
}

/// [`read_config`] for any reader (`what` names it in errors).
pub fn read_config_from(reader: impl Read, what: &str) -> Result<String, ScaffoldError> {
    let mut buf = Vec::new();
    reader
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| ScaffoldError::io(format!("cannot read {what}"), e))?;
    if buf.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ScaffoldError::Input(format!(
            "{what} is larger than {} MiB: not a gateway config",
            MAX_CONFIG_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(buf).map_err(|e| {
        ScaffoldError::Input(format!(
            "{what} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}
