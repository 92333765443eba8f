//! Multi-segment records.

use std::path::Path;

use super::header::Header;
use crate::formats::Error;
use crate::signal::Recording;

pub fn open(hea: &Path, h: Header) -> Result<Recording, Error> {
    Err(Error::UnknownFormat {
        path: hea.to_path_buf(),
        detail: format!(
            "multi-segment record with {} segments: not read yet",
            h.segments.len()
        ),
    })
}
