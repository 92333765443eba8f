//! Errors of the DSP layer: each names the derivation, channel or montage file (and line) it is
//! about, so the UI can show it as it is.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading samples failed (the reader's error names the file and channel).
    #[error(transparent)]
    Read(#[from] crate::formats::Error),

    /// A derivation cannot be computed from the recording as asked.
    #[error("derivation {derivation:?}: {detail}")]
    Derivation { derivation: String, detail: String },

    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A montage file is malformed or does not fit the recording; `line` is 1-based.
    #[error("{}: {detail}", location(path, *line))]
    Montage {
        path: PathBuf,
        line: Option<usize>,
        detail: String,
    },
}

impl Error {
    pub(crate) fn derivation(label: &str, detail: impl Into<String>) -> Self {
        Error::Derivation {
            derivation: label.to_string(),
            detail: detail.into(),
        }
    }

    pub(crate) fn montage(path: &Path, line: Option<usize>, detail: impl Into<String>) -> Self {
        Error::Montage {
            path: path.to_path_buf(),
            line,
            detail: detail.into(),
        }
    }
}

/// `file` or `file:line`, the form editors and compilers use.
fn location(path: &Path, line: Option<usize>) -> String {
    match line {
        Some(n) => format!("{}:{n}", path.display()),
        None => path.display().to_string(),
    }
}
