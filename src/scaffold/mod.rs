//! Generating the gateway side: configs that the real tools accept, consistent with the client
//! profile that will call them: MLflow gateway configs ([`mlflow`], with a strict checker), AWS
//! API Gateway definitions ([`apigw`]) and an nginx server block with Basic auth ([`nginx`]).

pub mod apigw;
pub mod mlflow;
pub mod nginx;
pub mod yaml;

use std::path::Path;

use crate::error::Error;

/// Writes a generated file, refusing to replace an existing one unless `force`; the write is
/// atomic and, for `private` files (password hashes), owner-only.
pub fn write_new(path: &Path, content: &[u8], force: bool, private: bool) -> Result<(), Error> {
    if path.exists() && !force {
        return Err(Error::Usage(format!("{} exists: pass --force to overwrite it", path.display())));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    crate::profile::private_file::write(&dir, path, content)
        .map_err(|e| Error::io(format!("cannot write {}", path.display()), e))?;
    if !private {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644));
        }
    }
    Ok(())
}
