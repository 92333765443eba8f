//! Where the bytes of a string dataset's values lie in the file, so they can be overwritten
//! in place with values of the same or smaller length: fixed-length strings of a contiguous
//! dataset, and variable-length strings (the dataset's references into a global heap
//! collection, and the heap object's bytes). Neither has a checksum, so every other byte of
//! the file stays as it is.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use hdf5_reader::messages::HdfMessage;
use hdf5_reader::{Dataset, Datatype, Hdf5File};

use super::out::Patch;
use crate::deid::DeidError;

/// One value's storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// `len` bytes at `offset`, padded with `pad`.
    Fixed { offset: u64, len: usize, pad: u8 },
    /// A heap object of `len` bytes at `data`, its length stated (u32) at `len_at`.
    Vlen { len_at: u64, data: u64, len: usize },
}

impl Slot {
    /// The patches that store `value` here (cut to the slot's length at a char boundary).
    pub fn patches(&self, value: &str) -> Vec<Patch> {
        let room = match self {
            Slot::Fixed { len, .. } | Slot::Vlen { len, .. } => *len,
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

/// The slots of every element of the string dataset `ds` (at `name`), in file offsets.
pub fn slots(
    path: &Path,
    file: &Hdf5File,
    ds: &Dataset,
    name: &str,
) -> Result<Vec<Slot>, DeidError> {
    let fail = |what: String| DeidError::invalid(path, format!("{name}: {what}"));
    let header = file
        .get_or_parse_header(ds.address())
        .map_err(|e| fail(format!("object header: {e}")))?;
    let (address, size) = header
        .messages
        .iter()
        .find_map(|m| match m {
            HdfMessage::DataLayout(l) => match l.layout {
                hdf5_reader::messages::layout::DataLayout::Contiguous { address, size } => {
                    Some((address, size))
                }
                _ => None,
            },
            _ => None,
        })
        .ok_or_else(|| {
            fail("not stored contiguously, so it cannot be rewritten in place".into())
        })?;
    let sb = file.superblock();
    let base = sb.base_address + address;
    let count = size as usize;
    match ds.dtype() {
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

fn le(b: &[u8]) -> u64 {
    b.iter().rev().fold(0, |acc, &x| (acc << 8) | u64::from(x))
}

fn read_at(path: &Path, f: &mut File, at: u64, len: usize) -> Result<Vec<u8>, DeidError> {
    let mut buf = vec![0u8; len];
    f.seek(SeekFrom::Start(at))
        .and_then(|_| f.read_exact(&mut buf))
        .map_err(|e| DeidError::io(path, e))?;
    Ok(buf)
}

/// The file offset and size of object `index` of the global heap collection at `heap`.
fn heap_object(
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
