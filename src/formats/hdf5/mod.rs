//! HDF5 recordings (generic layouts, NWB, SNIRF, EEGLAB v7.3) through `hdf5-reader`.

use std::path::Path;

use super::{Error, OpenOptions};
use crate::signal::Recording;

pub fn open(path: &Path, _options: &OpenOptions) -> Result<Recording, Error> {
    Err(Error::Hdf5 {
        path: path.to_path_buf(),
        detail: "HDF5 reading is not available in this build yet".into(),
    })
}
