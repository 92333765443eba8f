//! Writing de-identified copies: atomically (a temporary file in the output directory, fsync,
//! rename without replacing anything), streaming in chunks, with the SHA-256 of what was
//! written. Shared by the HDF5 and WFDB parts.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::DeidError;

/// Copies are streamed in chunks of this size (bounded memory whatever the file's size).
pub const CHUNK: usize = 4 << 20;

/// A byte range of the output that differs from the source: `bytes` replace the source's
/// bytes from `offset` on (same length, so every other byte keeps its offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    pub offset: u64,
    pub bytes: Vec<u8>,
}

/// Refuses an output that is its source (same canonical path) or that already exists.
pub fn refuse_overwrite(src: &Path, out: &Path) -> Result<(), DeidError> {
    let same = match (src.canonicalize(), out.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(DeidError::Refused {
            path: out.to_path_buf(),
            why: format!("the output is the source {}", src.display()),
        });
    }
    if out.exists() {
        return Err(DeidError::Refused {
            path: out.to_path_buf(),
            why: "the output exists already; choose an empty --out directory".into(),
        });
    }
    Ok(())
}

/// Writes `out` atomically through `fill`, hashing every byte; returns the SHA-256 (hex).
fn write_atomic(
    out: &Path,
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> Result<(), DeidError>,
) -> Result<String, DeidError> {
    let dir = crate::deid::dir_of(out);
    let io = |e| DeidError::io(out, e);
    let tmp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    let mut hash = Sha256::new();
    {
        let mut file = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file());
        let mut sink = |b: &[u8]| {
            hash.update(b);
            file.write_all(b)
        };
        fill(&mut sink)?;
        file.flush().map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist_noclobber(out).map_err(|e| io(e.error))?;
    Ok(hex(&hash.finalize()))
}

/// Writes `bytes` as `out`; returns the SHA-256.
pub fn write_bytes(out: &Path, bytes: &[u8]) -> Result<String, DeidError> {
    write_atomic(out, |sink| sink(bytes).map_err(|e| DeidError::io(out, e)))
}

/// Copies `src` to `out` byte for byte, in chunks; returns the SHA-256 of the copy.
pub fn copy_file(src: &Path, out: &Path) -> Result<String, DeidError> {
    copy_patched(src, out, &[])
}

/// Copies `src` to `out` in chunks with `patches` (sorted by offset, not overlapping, inside
/// the file) applied on the way; returns the SHA-256 of the copy.
pub fn copy_patched(src: &Path, out: &Path, patches: &[Patch]) -> Result<String, DeidError> {
    let mut file = File::open(src).map_err(|e| DeidError::io(src, e))?;
    write_atomic(out, |sink| {
        let mut buf = vec![0u8; CHUNK];
        let mut at = 0u64;
        loop {
            let n = read_full(&mut file, &mut buf).map_err(|e| DeidError::io(src, e))?;
            if n == 0 {
                return Ok(());
            }
            apply(&mut buf[..n], at, patches);
            sink(&buf[..n]).map_err(|e| DeidError::io(out, e))?;
            at += n as u64;
        }
    })
}

fn read_full(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Overwrites the parts of `patches` that fall in the chunk starting at file offset `at`.
fn apply(chunk: &mut [u8], at: u64, patches: &[Patch]) {
    let end = at + chunk.len() as u64;
    for p in patches {
        let p_end = p.offset + p.bytes.len() as u64;
        if p_end <= at || p.offset >= end {
            continue;
        }
        let from = p.offset.max(at);
        let to = p_end.min(end);
        let dst = &mut chunk[(from - at) as usize..(to - at) as usize];
        dst.copy_from_slice(&p.bytes[(from - p.offset) as usize..(to - p.offset) as usize]);
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_spanning_chunk_boundaries_land_at_their_offsets() {
        let src: Vec<u8> = (0..20u8).collect();
        let patches = [
            Patch {
                offset: 3,
                bytes: vec![100, 101, 102, 103],
            },
            Patch {
                offset: 18,
                bytes: vec![200, 201],
            },
        ];
        let mut out = src.clone();
        for (k, chunk) in out.chunks_mut(5).enumerate() {
            apply(chunk, k as u64 * 5, &patches);
        }
        let mut want = src;
        want[3..7].copy_from_slice(&[100, 101, 102, 103]);
        want[18..20].copy_from_slice(&[200, 201]);
        assert_eq!(out, want, "chunked patching vs whole-buffer patching");
    }
}
