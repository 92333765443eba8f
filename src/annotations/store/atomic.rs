//! The one atomic writer: every table, sidecar, consensus and export is written to a temporary
//! file beside its target, fsynced, and renamed over it (then the directory is fsynced), so a
//! crash leaves the old file or the new one.
//!
//! The temporary file is created with mode 0666 less the umask (0644 with umask 022, 0664 with
//! 002), as a plain create would, not tempfile's private 0600; when it replaces a file, it takes
//! that file's mode and group first, so a table shared through a group directory stays shared.

use std::fs::{File, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::StoreError;

/// A file being written under a temporary name in its target's directory; dropped without
/// `commit` (on any error), the temporary file is removed and the target is untouched.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
}

impl AtomicFile {
    /// Starts a file to replace `target`.
    pub fn create(target: &Path) -> std::io::Result<AtomicFile> {
        let dir = parent(target);
        let mut b = tempfile::Builder::new();
        b.prefix(".sigmark-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            b.permissions(Permissions::from_mode(0o666));
        }
        let temp = b.tempfile_in(dir)?;
        like_existing(temp.as_file(), target)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            temp,
        })
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The temporary file, to write (a second handle, for writers that own theirs).
    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// Flushes to disk and renames over the target (flush any buffered writer first).
    pub fn commit(self) -> std::io::Result<()> {
        self.temp.as_file().sync_all()?;
        let dir = parent(&self.target).to_path_buf();
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.temp.flush()
    }
}

fn parent(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Gives `file` the group and mode of `target` when it exists. The group is changed first (a
/// change of group can clear the set-group-id bit); a group the user is not in cannot be
/// given, and then the directory's (or the user's) group stays, which is what a plain write
/// by that user would have made.
#[cfg(unix)]
fn like_existing(file: &File, target: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let Ok(old) = std::fs::metadata(target) else {
        return Ok(());
    };
    let mine = file.metadata()?;
    if mine.gid() != old.gid() {
        let _ = std::os::unix::fs::fchown(file, None, Some(old.gid()));
    }
    file.set_permissions(Permissions::from_mode(old.mode() & 0o7777))
}

#[cfg(not(unix))]
fn like_existing(file: &File, target: &Path) -> std::io::Result<()> {
    match std::fs::metadata(target) {
        Ok(old) => file.set_permissions(old.permissions()),
        Err(_) => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically (see the module).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = AtomicFile::create(path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.commit().map_err(io)
}
