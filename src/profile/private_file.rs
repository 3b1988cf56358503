//! Owner-only files written atomically: a temporary file in the same directory, synced,
//! then renamed over the target, so a reader never sees half a file.

use std::io::Write;
use std::path::Path;

/// Writes `data` to `path` atomically (a temporary file in the same directory, renamed),
/// readable by the owner only.
pub fn write(dir: &Path, path: &Path, data: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_private_dir(dir);
    let mut tmp = tempfile::Builder::new().prefix(".gwctl-").tempfile_in(dir)?;
    set_private(tmp.as_file())?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn set_private(f: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_f: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
fn set_private_dir(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = std::fs::metadata(dir)
        && meta.permissions().mode() & 0o077 != 0
        && dir.file_name().is_some_and(|n| n == "secrets")
    {
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
}

#[cfg(not(unix))]
fn set_private_dir(_dir: &Path) {}
