//! Format readers behind one entry point: `open` probes the content (not the extension),
//! memory-maps the file read-only and returns a `Recording` without reading samples.

pub mod check;
pub mod edf;
pub mod hdf5;
pub mod mit;
mod simd;
pub mod wfdb;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

// The readers' error lives in `signal` because `RecordingSource` (the sample-reading trait
// every reader implements) returns it, and `signal` imports nothing above it.
pub use crate::signal::Error;

use crate::signal::Recording;

/// What the user can tell the reader when the file does not say it itself.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// HDF5: the dataset (or group of 1-D datasets) that holds the signals.
    pub dataset: Option<String>,
    /// HDF5: the sampling rate, when the file has no rate attribute.
    pub rate_hz: Option<f64>,
    /// WFDB: the annotator (annotation file extension) whose file is the embedded annotations.
    pub annotator: Option<String>,
}

/// The kinds of container `probe` recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    Edf,
    Hdf5,
    Wfdb,
}

/// HDF5's superblock signature; it may sit at 0, 512, 1024, 2048... (after a user block, as in
/// MATLAB v7.3 files).
pub const HDF5_SIGNATURE: &[u8; 8] = b"\x89HDF\r\n\x1a\n";

/// Identifies the container from the first bytes of the file.
pub fn probe(path: &Path) -> Result<Container, Error> {
    probe_located(path).map(|(c, _)| c)
}

/// `probe`, with the WFDB header it found and parsed (so `open_with` reads it only once).
fn probe_located(path: &Path) -> Result<(Container, Option<(PathBuf, wfdb::Header)>), Error> {
    if let Some(found) = wfdb::probe_header(path) {
        return Ok((Container::Wfdb, Some(found)));
    }
    if !path.exists() {
        if let Some(found) = wfdb::locate_parsed(path) {
            return Ok((Container::Wfdb, Some(found)));
        }
    }
    let mut head = [0u8; 8];
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let n = read_up_to(&mut f, &mut head).map_err(|e| Error::io(path, e))?;
    if edf::sniff(&head[..n]) {
        return Ok((Container::Edf, None));
    }
    let len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut offset = 0u64;
    while offset + 8 <= len {
        let mut sig = [0u8; 8];
        std::io::Seek::seek(&mut f, std::io::SeekFrom::Start(offset))
            .map_err(|e| Error::io(path, e))?;
        if read_up_to(&mut f, &mut sig).map_err(|e| Error::io(path, e))? == 8
            && &sig == HDF5_SIGNATURE
        {
            return Ok((Container::Hdf5, None));
        }
        offset = if offset == 0 { 512 } else { offset * 2 };
    }
    if let Some(found) = wfdb::locate_parsed(path) {
        return Ok((Container::Wfdb, Some(found)));
    }
    Err(Error::UnknownFormat {
        path: path.to_path_buf(),
        detail: format!(
            "the first bytes {} are neither an EDF/BDF version field nor an HDF5 signature, and no WFDB header names the file",
            hex(&head[..n])
        ),
    })
}

fn read_up_to(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Opens a recording of any supported format, read-only.
pub fn open(path: impl AsRef<Path>) -> Result<Recording, Error> {
    open_with(path, &OpenOptions::default())
}

/// Opens a recording with hints for formats whose metadata may be incomplete.
pub fn open_with(path: impl AsRef<Path>, options: &OpenOptions) -> Result<Recording, Error> {
    let path = path.as_ref();
    match probe_located(path)? {
        (Container::Edf, _) => edf::open(path, map(path)?),
        (Container::Hdf5, _) => hdf5::open(path, options),
        (Container::Wfdb, found) => match found {
            Some((hea, h)) => wfdb::open_parsed(&hea, h, options),
            None => Err(Error::UnknownFormat {
                path: path.to_path_buf(),
                detail: "no WFDB header (.hea) names this file".into(),
            }),
        },
    }
}

/// Maps the file read-only. The recording is never written through this map.
pub(crate) fn map(path: &Path) -> Result<memmap2::Mmap, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    // SAFETY: the map is read-only; sigmark never writes recordings. If another process
    // truncates the file while it is mapped, reads may fault; that is the documented risk of
    // every memory-mapped reader (EDFlib's peers included) and is accepted for instant opens.
    unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))
}

/// Absolute path for messages, falling back to the given one.
pub fn display_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
