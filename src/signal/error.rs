//! Errors of the format readers: each names the file, where in it, and what was expected.
//!
//! Defined here, below `formats`, because `RecordingSource` returns it when a reader fails to
//! read samples; `formats::Error` is the same type.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}: not a recording sigmark can read: {detail}", path.display())]
    UnknownFormat { path: PathBuf, detail: String },

    #[error("{}: header field '{field}' at byte {offset}: expected {expected}, found {found:?}", path.display())]
    HeaderField {
        path: PathBuf,
        field: String,
        offset: u64,
        expected: String,
        found: String,
    },

    #[error("{}: file size {actual} bytes does not match the header: {detail}", path.display())]
    Size {
        path: PathBuf,
        actual: u64,
        detail: String,
    },

    #[error("{}: annotation list (TAL) in data record {record}, byte {offset}: {detail}", path.display())]
    Tal {
        path: PathBuf,
        record: u64,
        offset: u64,
        detail: String,
    },

    #[error("{}: HDF5: {detail}", path.display())]
    Hdf5 { path: PathBuf, detail: String },

    #[error("{}: {what} is missing: {hint}", path.display())]
    Missing {
        path: PathBuf,
        what: String,
        hint: String,
    },

    #[error("{}: no channel {channel:?} (the file has {available} channels)", path.display())]
    NoSuchChannel {
        path: PathBuf,
        channel: String,
        available: usize,
    },

    #[error("{}: channel {channel:?}: samples {first}..{} are outside its {samples} samples", path.display(), first + count)]
    OutOfRange {
        path: PathBuf,
        channel: String,
        first: u64,
        count: u64,
        samples: u64,
    },

    #[error("{}: line {line}, field '{field}': expected {expected}, found {found:?}", path.display())]
    TextField {
        path: PathBuf,
        line: usize,
        field: String,
        expected: String,
        found: String,
    },
}

impl Error {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
