//! FLAC signal files (formats 508, 516, 524).

use std::path::Path;

use super::header::SignalSpec;
use super::source::SignalFile;
use crate::formats::Error;

pub fn open(
    path: &Path,
    _specs: &[&SignalSpec],
    _frame_len: u64,
    _frames: Option<u64>,
    _max: u64,
) -> Result<(SignalFile, u64), Error> {
    Err(Error::UnknownFormat {
        path: path.to_path_buf(),
        detail: "FLAC signal files are not read yet".into(),
    })
}
