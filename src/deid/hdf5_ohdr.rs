//! The raw object header of one HDF5 object: where each of its messages lies in the file, so
//! the value bytes of a compact dataset or of an attribute can be overwritten in place.
//! `hdf5-reader` parses headers but keeps no file offsets, hence this small walk of the
//! on-disk layout (version 1 headers and their continuation runs; version 2 `OHDR` headers
//! and their `OCHK` continuation chunks, each closed by a Jenkins lookup3 checksum that
//! must be recomputed when a byte of the chunk changes).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use hdf5_reader::checksum::jenkins_lookup3;
use hdf5_reader::Hdf5File;

use super::out::Patch;
use crate::deid::DeidError;

/// Object header message types used here.
pub const LAYOUT: u16 = 0x0008;
pub const ATTRIBUTE: u16 = 0x000C;
const CONTINUATION: u16 = 0x0010;

/// A header chunk is never larger than this (a bound against a corrupt size field).
const MAX_CHUNK: u64 = 16 << 20;
/// A header has at most this many continuation chunks.
const MAX_CHUNKS: usize = 1024;
/// The most bytes all chunks of one object header may hold together.
const MAX_HEADER: u64 = 64 << 20;

/// A checksummed (version 2) header chunk: the lookup3 checksum of the bytes
/// `start..checksum_at` is stored at `checksum_at` (file offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    pub start: u64,
    pub checksum_at: u64,
}

/// One header message: its type and its body, which starts at file offset `at`.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: u16,
    pub at: u64,
    pub body: Vec<u8>,
}

/// The messages of one object header, and its checksummed chunks (none for version 1).
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub messages: Vec<Message>,
    pub checked: Vec<Checked>,
}

/// Reads the object header at `addr` (an address as `hdf5-reader` gives it: relative to the
/// superblock's base address). Offsets in the result are file offsets.
pub fn read(file: &Hdf5File, addr: u64) -> Result<Header, String> {
    let sb = file.superblock();
    let r = Raw {
        file,
        base: sb.base_address,
        o: usize::from(sb.offset_size),
        l: usize::from(sb.length_size),
    };
    let sig = r.bytes(addr, 4)?;
    let mut h = Header::default();
    let v2 = sig == b"OHDR";
    let (mut pending, co) = if v2 {
        r.v2_first(addr, &mut h)?
    } else {
        (r.v1_first(addr, &mut h)?, false)
    };
    // A continuation may point back at a chunk already read (a loop in a damaged or crafted
    // file): each chunk is read once, and the chunks together are bounded.
    let mut seen = std::collections::HashSet::new();
    let mut total = 0u64;
    while let Some((at, len)) = pending.pop() {
        if !seen.insert((at, len)) {
            continue;
        }
        total = total.saturating_add(len);
        if seen.len() > MAX_CHUNKS || total > MAX_HEADER {
            return Err(format!(
                "object header at {addr:#x}: too many continuations"
            ));
        }
        let found = if v2 {
            r.v2_next(at, len, co, &mut h)?
        } else {
            r.v1_run(at, len, &mut h)?
        };
        pending.extend(found);
    }
    Ok(h)
}

struct Raw<'a> {
    file: &'a Hdf5File,
    base: u64,
    o: usize,
    l: usize,
}

/// A continuation: the (relative) address and length of the next chunk.
type Next = Vec<(u64, u64)>;

impl Raw<'_> {
    fn bytes(&self, addr: u64, len: u64) -> Result<Vec<u8>, String> {
        if len > MAX_CHUNK {
            return Err(format!("header chunk of {len} bytes at {addr:#x}"));
        }
        self.file
            .storage()
            .read_range(addr, len as usize)
            .map(|b| b.as_ref().to_vec())
            .map_err(|e| format!("reading {len} bytes at {addr:#x}: {e}"))
    }

    fn v1_first(&self, addr: u64, h: &mut Header) -> Result<Next, String> {
        let p = self.bytes(addr, 16)?;
        if p[0] != 1 {
            return Err(format!(
                "object header at {addr:#x}: version {}, expected 1 or OHDR",
                p[0]
            ));
        }
        let size = u64::from(u32::from_le_bytes([p[8], p[9], p[10], p[11]]));
        self.v1_run(add(addr, 16)?, size, h)
    }

    /// A run of version 1 messages (8-byte envelope: type u16, size u16, flags, 3 reserved).
    fn v1_run(&self, at: u64, len: u64, h: &mut Header) -> Result<Next, String> {
        let b = self.bytes(at, len)?;
        let mut next = Vec::new();
        let mut pos = 0usize;
        while pos + 8 <= b.len() {
            let kind = u16::from_le_bytes([b[pos], b[pos + 1]]);
            let size = usize::from(u16::from_le_bytes([b[pos + 2], b[pos + 3]]));
            let body = b.get(pos + 8..pos + 8 + size).ok_or_else(|| {
                format!(
                    "header message at {:#x} runs past its chunk",
                    at + pos as u64
                )
            })?;
            self.push(kind, at + (pos + 8) as u64, body, h, &mut next)?;
            pos += 8 + size;
        }
        Ok(next)
    }

    /// The first chunk of a version 2 header; also whether its messages carry a creation
    /// order.
    fn v2_first(&self, addr: u64, h: &mut Header) -> Result<(Next, bool), String> {
        let p = self.bytes(addr, 6)?;
        let flags = p[5];
        let mut pos = 6u64;
        if flags & 0x20 != 0 {
            pos += 16;
        }
        if flags & 0x10 != 0 {
            pos += 4;
        }
        let width = 1u64 << (flags & 3);
        let w = self.bytes(add(addr, pos)?, width)?;
        let size = le(&w);
        if size > MAX_CHUNK {
            return Err(format!("header chunk of {size} bytes at {addr:#x}"));
        }
        pos += width;
        let creation_order = flags & 0x04 != 0;
        h.checked.push(Checked {
            start: add(self.base, addr)?,
            checksum_at: add(add(self.base, addr)?, pos + size)?,
        });
        let next = self.v2_run(add(addr, pos)?, size, creation_order, h)?;
        Ok((next, creation_order))
    }

    fn v2_next(&self, at: u64, len: u64, co: bool, h: &mut Header) -> Result<Next, String> {
        if !(8..=MAX_CHUNK).contains(&len) || self.bytes(at, 4)? != b"OCHK" {
            return Err(format!("no OCHK continuation chunk at {at:#x}"));
        }
        h.checked.push(Checked {
            start: add(self.base, at)?,
            checksum_at: add(add(self.base, at)?, len - 4)?,
        });
        self.v2_run(add(at, 4)?, len - 8, co, h)
    }

    /// Version 2 messages (type u8, size u16, flags, creation order u16 when the header
    /// tracks it); a tail shorter than an envelope is a gap.
    fn v2_run(&self, at: u64, len: u64, co: bool, h: &mut Header) -> Result<Next, String> {
        let b = self.bytes(at, len)?;
        let env = if co { 6 } else { 4 };
        let mut next = Vec::new();
        let mut pos = 0usize;
        while pos + env <= b.len() {
            let kind = u16::from(b[pos]);
            let size = usize::from(u16::from_le_bytes([b[pos + 1], b[pos + 2]]));
            let body = b.get(pos + env..pos + env + size).ok_or_else(|| {
                format!(
                    "header message at {:#x} runs past its chunk",
                    at + pos as u64
                )
            })?;
            self.push(kind, at + (pos + env) as u64, body, h, &mut next)?;
            pos += env + size;
        }
        Ok(next)
    }

    fn push(
        &self,
        kind: u16,
        at: u64,
        body: &[u8],
        h: &mut Header,
        next: &mut Next,
    ) -> Result<(), String> {
        if kind == CONTINUATION {
            let (o, l) = (self.o, self.l);
            let b = body
                .get(..o + l)
                .ok_or_else(|| format!("short continuation message at {:#x}", self.base + at))?;
            next.push((le(&b[..o]), le(&b[o..o + l])));
        }
        h.messages.push(Message {
            kind,
            at: self.base + at,
            body: body.to_vec(),
        });
        Ok(())
    }
}

/// A little-endian unsigned integer of 1 to 8 bytes.
pub fn le(b: &[u8]) -> u64 {
    b.iter().rev().fold(0, |acc, &x| (acc << 8) | u64::from(x))
}

/// The patches that restore the checksum of every chunk of `checked` that `patches` touch,
/// computed over the chunk as patched (`patches` sorted by offset; `src` is the source file).
pub fn checksums(
    src: &Path,
    checked: &[Checked],
    patches: &[Patch],
) -> Result<Vec<Patch>, DeidError> {
    let mut chunks = checked.to_vec();
    chunks.sort_by_key(|c| c.start);
    chunks.dedup();
    let mut out = Vec::new();
    let mut f = File::open(src).map_err(|e| DeidError::io(src, e))?;
    for c in chunks {
        let inside =
            |p: &&Patch| p.offset < c.checksum_at && p.offset + p.bytes.len() as u64 > c.start;
        if !patches.iter().any(|p| inside(&p)) {
            continue;
        }
        let len = usize::try_from(c.checksum_at - c.start)
            .map_err(|_| DeidError::invalid(src, format!("header chunk at byte {}", c.start)))?;
        let mut buf = vec![0u8; len];
        f.seek(SeekFrom::Start(c.start))
            .and_then(|_| f.read_exact(&mut buf))
            .map_err(|e| DeidError::io(src, e))?;
        for p in patches.iter().filter(inside) {
            for (i, b) in p.bytes.iter().enumerate() {
                let at = p.offset + i as u64;
                if (c.start..c.checksum_at).contains(&at) {
                    buf[(at - c.start) as usize] = *b;
                }
            }
        }
        out.push(Patch {
            offset: c.checksum_at,
            bytes: jenkins_lookup3(&buf).to_le_bytes().to_vec(),
        });
    }
    Ok(out)
}

/// `a + b`, or an error naming the address that does not fit (a damaged or crafted file).
fn add(a: u64, b: u64) -> Result<u64, String> {
    a.checked_add(b)
        .ok_or_else(|| format!("address {a:#x} + {b:#x} lies beyond any file"))
}
