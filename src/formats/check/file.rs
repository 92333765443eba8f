//! Checking a file on disk: read only the header (and map the data when asked).

use std::fs::File;
use std::io::Read;
use std::path::Path;

use super::{check_edf, header_len, Report};
use crate::formats::Error;

/// Checks `path`: a WFDB header by its `.hea` extension, else an EDF/BDF file; `Ok(None)` when
/// it is neither.
pub fn check_path(path: &Path, with_data: bool) -> Result<Option<Report>, Error> {
    if super::wfdb::is_hea(path) {
        return super::wfdb::check_hea(path, with_data).map(Some);
    }
    check_file(path, with_data)
}

/// Checks `path`; `Ok(None)` when its first bytes are not an EDF/BDF version field.
pub fn check_file(path: &Path, with_data: bool) -> Result<Option<Report>, Error> {
    let mut f = File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = f.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut head = vec![0u8; 256];
    let n = read_up_to(&mut f, &mut head).map_err(|e| Error::io(path, e))?;
    head.truncate(n);
    if !looks_like_edf(&head) {
        return Ok(None);
    }
    let want = header_len(&head);
    if want > n && n == 256 {
        head.resize(want, 0);
        let more = read_up_to(&mut f, &mut head[256..]).map_err(|e| Error::io(path, e))?;
        head.truncate(256 + more);
    }
    if !with_data {
        return Ok(Some(check_edf(&head, file_len, None)));
    }
    // SAFETY: read-only map of a file sigmark never writes; a concurrent truncation by another
    // process may fault reads, the documented risk of every memory-mapped reader.
    let map = unsafe { memmap2::Mmap::map(&f) }.map_err(|e| Error::io(path, e))?;
    Ok(Some(check_edf(&head, map.len() as u64, Some(&map))))
}

/// EDF (`0` then spaces) or BDF (byte 255): the first byte decides, so that a version field
/// that is only nearly right is reported by the check instead of being passed over.
pub fn looks_like_edf(head: &[u8]) -> bool {
    head.starts_with(b"0 ") || head.first() == Some(&0xFF)
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
