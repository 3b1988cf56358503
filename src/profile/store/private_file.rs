//! Owner-only files and directories, made without following symbolic links.
//!
//! - [`write`]: a temporary file created with `O_CREAT|O_EXCL` (never through a link) in the
//!   same directory, mode 0600, synced, then renamed over the target (a link at the target is
//!   replaced, not followed), so a reader never sees half a file.
//! - [`ensure_private_dir`]: a directory gwctl keeps secrets in: created 0700, refused when it
//!   is a symbolic link, not a directory or not owned by the user; a too-open mode is tightened
//!   through a descriptor opened with `O_NOFOLLOW`, so a link is never chmod-ed.
//! - [`check_dir`] and [`read_bounded`]: the same checks for reading, and a read that opens
//!   with `O_NOFOLLOW|O_NONBLOCK` (no link, no FIFO hang), accepts regular files owned by the
//!   user only, and stops at a size limit.
//! - [`open_private`]: a file such as a lock file, opened or created 0600 without following a
//!   link.
//!
//! Every error is one line naming the path and the problem.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

/// Writes `data` to `path` atomically (a temporary file in `dir`, renamed), readable by the
/// owner only. `dir` (and missing parents) is created with mode 0700 when missing; an
/// existing directory's mode is left as it is.
pub fn write(dir: &Path, path: &Path, data: &[u8]) -> io::Result<()> {
    create_dirs(dir)?;
    // tempfile opens with O_CREAT|O_EXCL and mode 0600: it never follows a link.
    let mut tmp = tempfile::Builder::new().prefix(".gwctl-").tempfile_in(dir)?;
    set_private(tmp.as_file())?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    // rename(2) replaces a link at `path` rather than writing through it.
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Like [`write`], but fails with `AlreadyExists` when `path` exists (also as a link).
pub fn write_new(dir: &Path, path: &Path, data: &[u8]) -> io::Result<()> {
    create_dirs(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".gwctl-").tempfile_in(dir)?;
    set_private(tmp.as_file())?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

fn create_dirs(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Makes sure `dir` is a private directory of the user: creates it (and missing parents)
/// with mode 0700; refuses a symbolic link, a non-directory or another user's directory;
/// tightens a group/other-accessible mode to 0700 through an `O_NOFOLLOW` descriptor.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_dirs(dir)?,
        Err(e) => return Err(annotate(dir, e)),
        Ok(_) => {}
    }
    check_dir(dir)?;
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let meta = std::fs::symlink_metadata(dir).map_err(|e| annotate(dir, e))?;
        if std::os::unix::fs::PermissionsExt::mode(&meta.permissions()) & 0o077 != 0 {
            let fd = rustix::fs::open(
                dir,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| annotate(dir, e.into()))?;
            let st = rustix::fs::fstat(&fd).map_err(|e| annotate(dir, e.into()))?;
            owned_by_me(dir, st.st_uid)?;
            rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o700)).map_err(|e| annotate(dir, e.into()))?;
        }
    }
    Ok(())
}

/// Checks that an existing `dir` is a real directory (not a link) owned by the user.
/// A missing directory is an error of kind `NotFound`.
pub fn check_dir(dir: &Path) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(dir).map_err(|e| annotate(dir, e))?;
    if meta.file_type().is_symlink() {
        return Err(refused(format!(
            "{} is a symbolic link: gwctl keeps secrets only in a real directory (replace the link with a directory)",
            dir.display()
        )));
    }
    if !meta.is_dir() {
        return Err(refused(format!("{} is not a directory", dir.display())));
    }
    #[cfg(unix)]
    owned_by_me(dir, std::os::unix::fs::MetadataExt::uid(&meta))?;
    Ok(())
}

/// Reads a regular file owned by the user, without following a link or blocking on a FIFO;
/// more than `max` bytes is an error. A missing file is an error of kind `NotFound`.
pub fn read_bounded(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    let file = open_nofollow(path)?;
    let meta = file.metadata().map_err(|e| annotate(path, e))?;
    if !meta.is_file() {
        return Err(refused(format!("{} is not a regular file", path.display())));
    }
    #[cfg(unix)]
    owned_by_me(path, std::os::unix::fs::MetadataExt::uid(&meta))?;
    if meta.len() > max {
        return Err(refused(format!("{} is larger than {max} bytes", path.display())));
    }
    let mut out = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(max + 1).read_to_end(&mut out).map_err(|e| annotate(path, e))?;
    if out.len() as u64 > max {
        return Err(refused(format!("{} is larger than {max} bytes", path.display())));
    }
    Ok(out)
}

/// Opens `path` for reading and writing, creating it with mode 0600 when missing, never
/// through a link; refuses a non-regular file or another user's file (for lock files).
pub fn open_private(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    let file = {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::open(
            path,
            OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::from_raw_mode(0o600),
        )
        .map_err(|e| annotate_link(path, e.into()))?;
        File::from(fd)
    };
    #[cfg(not(unix))]
    let file = File::options().read(true).write(true).create(true).truncate(false).open(path)?;
    let meta = file.metadata().map_err(|e| annotate(path, e))?;
    if !meta.is_file() {
        return Err(refused(format!("{} is not a regular file", path.display())));
    }
    #[cfg(unix)]
    owned_by_me(path, std::os::unix::fs::MetadataExt::uid(&meta))?;
    Ok(file)
}

fn open_nofollow(path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use rustix::fs::{Mode, OFlags};
        let fd = rustix::fs::open(
            path,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| annotate_link(path, e.into()))?;
        Ok(File::from(fd))
    }
    #[cfg(not(unix))]
    {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(refused(format!("{} is a symbolic link: gwctl does not follow it", path.display())));
        }
        File::open(path).map_err(|e| annotate(path, e))
    }
}

/// `O_NOFOLLOW` on a link fails with ELOOP: say so in words.
fn annotate_link(path: &Path, e: io::Error) -> io::Error {
    #[cfg(unix)]
    if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) {
        return refused(format!("{} is a symbolic link: gwctl does not follow it", path.display()));
    }
    annotate(path, e)
}

/// Keeps the kind (NotFound stays NotFound) and names the path.
fn annotate(path: &Path, e: io::Error) -> io::Error {
    let msg = e.to_string();
    io::Error::new(e.kind(), format!("{}: {}", path.display(), msg.split_whitespace().collect::<Vec<_>>().join(" ")))
}

fn refused(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, msg)
}

#[cfg(unix)]
fn owned_by_me(path: &Path, uid: u32) -> io::Result<()> {
    let me = rustix::process::geteuid().as_raw();
    if uid == me {
        Ok(())
    } else {
        Err(refused(format!("{} is owned by uid {uid}, not by you (uid {me}): refusing to use it", path.display())))
    }
}

#[cfg(unix)]
fn set_private(f: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_f: &File) -> io::Result<()> {
    Ok(())
}

/// Makes the rename durable (best effort).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn dirs_are_made_private_and_links_refused() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path().join("a/b/secrets");
        ensure_private_dir(&d).unwrap();
        assert_eq!(mode(&d), 0o700);
        assert_eq!(mode(&t.path().join("a")), 0o700);

        std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&d).unwrap();
        assert_eq!(mode(&d), 0o700);

        let target = t.path().join("elsewhere");
        std::fs::create_dir(&target).unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
        let link = t.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let e = ensure_private_dir(&link).unwrap_err().to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(mode(&target), 0o755);

        let file = t.path().join("file");
        std::fs::write(&file, b"x").unwrap();
        assert!(ensure_private_dir(&file).unwrap_err().to_string().contains("not a directory"));
    }

    #[test]
    fn reads_refuse_links_fifos_and_big_files() {
        let t = tempfile::tempdir().unwrap();
        let f = t.path().join("f");
        write(t.path(), &f, b"hello").unwrap();
        assert_eq!(mode(&f), 0o600);
        assert_eq!(read_bounded(&f, 5).unwrap(), b"hello");
        assert!(read_bounded(&f, 4).unwrap_err().to_string().contains("larger than 4 bytes"));
        let link = t.path().join("l");
        std::os::unix::fs::symlink(&f, &link).unwrap();
        assert!(read_bounded(&link, 100).unwrap_err().to_string().contains("symbolic link"));
        assert_eq!(read_bounded(&t.path().join("none"), 1).unwrap_err().kind(), io::ErrorKind::NotFound);
        let fifo = t.path().join("fifo");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        assert!(read_bounded(&fifo, 100).unwrap_err().to_string().contains("not a regular file"));
        // write_new does not replace
        assert_eq!(write_new(t.path(), &f, b"x").unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&f).unwrap(), b"hello");
    }

    #[test]
    fn writes_replace_a_dangling_link_without_creating_its_target() {
        let t = tempfile::tempdir().unwrap();
        let target = t.path().join("target");
        let link = t.path().join("cfg");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write(t.path(), &link, b"data").unwrap();
        assert!(!target.exists());
        assert!(!std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());

        let lock = t.path().join("lock");
        std::os::unix::fs::symlink(&target, &lock).unwrap();
        assert!(open_private(&lock).unwrap_err().to_string().contains("symbolic link"));
        assert!(!target.exists());
        let real = t.path().join("real.lock");
        open_private(&real).unwrap();
        assert_eq!(mode(&real), 0o600);
    }
}
