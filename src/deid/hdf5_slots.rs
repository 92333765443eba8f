//! Where the bytes of a string value lie in the file, so it can be overwritten in place with
//! a value of the same or smaller length: fixed-length strings of a contiguous or compact
//! dataset or of an attribute, variable-length strings (the references into a global heap
//! collection, and the heap object's bytes) and MATLAB char arrays (uint16 code units).
//! Compact data and attributes lie in object headers: a version 2 header chunk's checksum
//! is recomputed after patching (`hdf5_ohdr`); nothing else in the file changes.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use hdf5_reader::{Dataset, Datatype, Hdf5File};

use super::ohdr::{self, Checked};
use super::out::Patch;
use crate::deid::DeidError;

/// One value's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// `len` bytes at `offset`, padded with `pad`.
    Fixed { offset: u64, len: usize, pad: u8 },
    /// A heap object of `len` bytes at `data`, its length stated (u32) at `len_at`.
    Vlen { len_at: u64, data: u64, len: usize },
    /// A MATLAB char array: `units` UTF-16 code units (little-endian) at `offset`, padded
    /// with spaces.
    Utf16 { offset: u64, units: usize },
}

impl Slot {
    /// The patches that store `value` here (cut to the slot's length at a char boundary).
    pub fn patches(&self, value: &str) -> Vec<Patch> {
        let room = match self {
            Slot::Fixed { len, .. } | Slot::Vlen { len, .. } => *len,
            Slot::Utf16 { offset, units } => return vec![utf16(*offset, *units, value)],
        };
        let mut end = value.len().min(room);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = value.as_bytes()[..end].to_vec();
        match *self {
            Slot::Fixed { offset, len, pad } => {
                bytes.resize(len, pad);
                vec![Patch { offset, bytes }]
            }
            Slot::Utf16 { .. } => Vec::new(),
            Slot::Vlen { len_at, data, len } => {
                let used = bytes.len() as u32;
                bytes.resize(len, 0);
                vec![
                    Patch {
                        offset: len_at,
                        bytes: used.to_le_bytes().to_vec(),
                    },
                    Patch {
                        offset: data,
                        bytes,
                    },
                ]
            }
        }
    }
}

/// Where a dataset's raw data lie: file offset, size in bytes, and the checksummed header
/// chunks holding them (compact data live in the object header).
pub struct Data {
    pub offset: u64,
    pub size: usize,
    pub checked: Vec<Checked>,
}

/// The raw data of the dataset at object header `addr` (contiguous or compact).
pub fn data(file: &Hdf5File, addr: u64) -> Result<Data, String> {
    let header = ohdr::read(file, addr)?;
    let base = file.superblock().base_address;
    for m in header.messages.iter().filter(|m| m.kind == ohdr::LAYOUT) {
        let b = &m.body;
        let o = usize::from(file.superblock().offset_size);
        let l = usize::from(file.superblock().length_size);
        match (b.first(), b.get(1)) {
            (Some(3..=5), Some(0)) if b.len() >= 4 => {
                let size = usize::from(u16::from_le_bytes([b[2], b[3]]));
                let checked = header.checked.clone();
                return Ok(Data {
                    offset: m.at + 4,
                    size,
                    checked,
                });
            }
            (Some(3..=5), Some(1)) if b.len() >= 2 + o + l => {
                let address = ohdr::le(&b[2..2 + o]);
                let size = ohdr::le(&b[2 + o..2 + o + l]);
                return Ok(Data {
                    offset: base + address,
                    size: size as usize,
                    checked: Vec::new(),
                });
            }
            (Some(v), Some(c)) => {
                let how = match (v, c) {
                    (3..=5, 2) => "chunked",
                    (3..=5, 3) => "as a virtual dataset",
                    _ => "in an old layout message",
                };
                return Err(format!(
                    "stored {how} (layout message version {v}, class {c}), which cannot be rewritten in place"
                ));
            }
            _ => {}
        }
    }
    Err("no data layout message".into())
}

/// The slots of every element of the string dataset `ds` (at `name`), in file offsets, and
/// the checksummed header chunks they lie in.
pub fn slots(
    path: &Path,
    file: &Hdf5File,
    ds: &Dataset,
    name: &str,
) -> Result<(Vec<Slot>, Vec<Checked>), DeidError> {
    let fail = |what: String| DeidError::invalid(path, format!("{name}: {what}"));
    let d = data(file, ds.address()).map_err(|w| {
        fail(format!(
            "{w}; not stored contiguously or compact, so it cannot be rewritten in place"
        ))
    })?;
    let slots = element_slots(path, file, ds.dtype(), d.offset, d.size, name)?;
    Ok((slots, d.checked))
}

/// The slots of the `size` bytes at `base` holding elements of string type `dtype`.
pub fn element_slots(
    path: &Path,
    file: &Hdf5File,
    dtype: &Datatype,
    base: u64,
    size: usize,
    name: &str,
) -> Result<Vec<Slot>, DeidError> {
    let fail = |what: String| DeidError::invalid(path, format!("{name}: {what}"));
    let sb = file.superblock();
    let count = size;
    match dtype {
        Datatype::String {
            size: hdf5_reader::StringSize::Fixed(n),
            padding,
            ..
        } => {
            let n = (*n as usize).max(1);
            let pad = match padding {
                hdf5_reader::StringPadding::SpacePad => b' ',
                _ => 0,
            };
            Ok((0..count / n)
                .map(|k| Slot::Fixed {
                    offset: base + (k * n) as u64,
                    len: n,
                    pad,
                })
                .collect())
        }
        Datatype::String { .. } | Datatype::VarLen { .. } => {
            let o = usize::from(sb.offset_size);
            let esz = 4 + o + 4;
            let mut f = File::open(path).map_err(|e| DeidError::io(path, e))?;
            let refs = read_at(path, &mut f, base, count)?;
            refs.chunks_exact(esz)
                .enumerate()
                .map(|(k, r)| {
                    let len = u32::from_le_bytes([r[0], r[1], r[2], r[3]]) as usize;
                    let heap = le(&r[4..4 + o]);
                    let index = u32::from_le_bytes([r[4 + o], r[5 + o], r[6 + o], r[7 + o]]);
                    let data =
                        heap_object(path, &mut f, sb.base_address, heap, index, sb.length_size)
                            .map_err(|w| fail(format!("element {k}: {w}")))?;
                    Ok(Slot::Vlen {
                        len_at: base + (k * esz) as u64,
                        data: data.0,
                        len: len.min(data.1),
                    })
                })
                .collect()
        }
        other => Err(fail(format!("expected a string dataset, found {other:?}"))),
    }
}

/// `value` as `units` UTF-16 code units (cut before a split surrogate pair, space-padded).
fn utf16(offset: u64, units: usize, value: &str) -> Patch {
    let mut u: Vec<u16> = value.encode_utf16().take(units).collect();
    if u.len() == units && u.last().is_some_and(|c| (0xD800..0xDC00).contains(c)) {
        u.pop();
    }
    u.resize(units, u16::from(b' '));
    Patch {
        offset,
        bytes: u.iter().flat_map(|c| c.to_le_bytes()).collect(),
    }
}

fn le(b: &[u8]) -> u64 {
    b.iter().rev().fold(0, |acc, &x| (acc << 8) | u64::from(x))
}

pub fn read_at(path: &Path, f: &mut File, at: u64, len: usize) -> Result<Vec<u8>, DeidError> {
    let mut buf = vec![0u8; len];
    f.seek(SeekFrom::Start(at))
        .and_then(|_| f.read_exact(&mut buf))
        .map_err(|e| DeidError::io(path, e))?;
    Ok(buf)
}

/// The file offset and size of object `index` of the global heap collection at `heap`.
pub fn heap_object(
    path: &Path,
    f: &mut File,
    base: u64,
    heap: u64,
    index: u32,
    length_size: u8,
) -> Result<(u64, usize), String> {
    let l = usize::from(length_size);
    let at = base + heap;
    let head = read_at(path, f, at, 8 + l).map_err(|e| e.to_string())?;
    if &head[..4] != b"GCOL" {
        return Err(format!("no global heap collection at byte {at}"));
    }
    let total = le(&head[8..8 + l]);
    let mut pos = 8 + l as u64;
    while pos + 8 + l as u64 <= total {
        let obj = read_at(path, f, at + pos, 8 + l).map_err(|e| e.to_string())?;
        let idx = u16::from_le_bytes([obj[0], obj[1]]);
        let size = le(&obj[8..8 + l]);
        if idx == 0 {
            break;
        }
        let data = at + pos + 8 + l as u64;
        if u32::from(idx) == index {
            return Ok((data, size as usize));
        }
        pos += 8 + l as u64 + size.div_ceil(8) * 8;
    }
    Err(format!("global heap object {index} not found at byte {at}"))
}
