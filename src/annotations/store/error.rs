//! The store's error: each names the file and, for a parse error, the line.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file that cannot be read; `line` is 1-based (0 when not about one line).
    #[error("{}:{line}: {detail}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("{}: {reader}'s events are open in another sigmark (process {pid} on {host}, since {since}); close it first, or remove the lock file if that process is gone", path.display())]
    Locked {
        path: PathBuf,
        reader: String,
        pid: u32,
        host: String,
        since: String,
    },
    #[error(
        "reader name {0:?}: use letters, digits, '.', '_' or '-' (it becomes part of file names)"
    )]
    BadReader(String),
}

pub(super) fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}
