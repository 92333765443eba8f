//! Typed access to HDF5 values: numeric datasets as f64, strings, attributes by alias, object
//! references, and the size checks that keep a hostile file from sizing an allocation.

use std::fmt::Display;
use std::path::Path;

use hdf5_reader::group::Group;
use hdf5_reader::{Attribute, Dataset, Datatype, Hdf5File, SliceInfo, SliceInfoElem};

use crate::formats::Error;

/// Largest array sigmark reads whole (metadata: time vectors, labels, events). Signal samples
/// are read in blocks and are not subject to it.
pub const MAX_WHOLE_ELEMENTS: u64 = 16 * 1024 * 1024;

/// DEFLATE cannot expand by more than about 1032:1, so chunked data claiming more than this
/// multiple of the file size cannot be real.
const MAX_COMPRESSION_RATIO: u64 = 1100;

/// What the readers need to know about the open file.
pub struct Cx<'a> {
    pub path: &'a Path,
    pub file: &'a Hdf5File,
    pub file_len: u64,
    /// Bytes of decoded chunks the reader keeps (0: none).
    pub chunk_cache_bytes: usize,
}

impl Cx<'_> {
    /// Maps an `hdf5-reader` error to `Error::Hdf5`, saying what was being read.
    pub fn err(&self, what: impl Display) -> impl FnOnce(hdf5_reader::error::Error) -> Error {
        let path = self.path.to_path_buf();
        let what = what.to_string();
        move |e| Error::Hdf5 {
            path,
            detail: format!("{what}: {e}"),
        }
    }

    pub fn fail(&self, detail: impl Into<String>) -> Error {
        Error::Hdf5 {
            path: self.path.to_path_buf(),
            detail: detail.into(),
        }
    }

    pub fn missing(&self, what: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Missing {
            path: self.path.to_path_buf(),
            what: what.into(),
            hint: hint.into(),
        }
    }

    pub fn dataset(&self, path: &str) -> Option<Dataset> {
        self.file.dataset(path).ok()
    }

    pub fn group(&self, path: &str) -> Option<Group> {
        self.file.group(path).ok()
    }

    /// Refuses datasets whose declared size cannot be backed by the file: contiguous data must
    /// lie inside it, chunked data cannot be compressed beyond DEFLATE's ratio.
    pub fn check_plausible(&self, ds: &Dataset, path: &str) -> Result<(), Error> {
        let n = ds
            .num_elements()
            .map_err(self.err(format!("size of {path}")))?;
        let bytes = ds
            .raw_element_size()
            .ok()
            .and_then(|s| n.checked_mul(s as u64));
        let limit = if ds.chunks().is_some() {
            self.file_len.saturating_mul(MAX_COMPRESSION_RATIO)
        } else {
            self.file_len
        };
        match bytes {
            Some(b) if b <= limit => Ok(()),
            _ => Err(self.fail(format!(
                "{path} declares shape {:?} ({} bytes), more than a file of {} bytes can hold",
                ds.shape(),
                bytes.map_or_else(|| "over 2^64".to_string(), |b| b.to_string()),
                self.file_len
            ))),
        }
    }

    /// Checks that a metadata array is small enough to read whole.
    pub fn check_whole(&self, ds: &Dataset, path: &str, max: u64) -> Result<u64, Error> {
        self.check_plausible(ds, path)?;
        let n = ds
            .num_elements()
            .map_err(self.err(format!("size of {path}")))?;
        if n > max {
            return Err(self.fail(format!(
                "{path} has {n} elements; sigmark reads at most {max} of them whole"
            )));
        }
        Ok(n)
    }
}

/// The numeric element types sigmark converts to f64.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Num {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

impl Num {
    pub fn of(dt: &Datatype) -> Option<Num> {
        Some(match dt {
            Datatype::FixedPoint { size, signed, .. } => match (size, signed) {
                (1, true) => Num::I8,
                (1, false) => Num::U8,
                (2, true) => Num::I16,
                (2, false) => Num::U16,
                (4, true) => Num::I32,
                (4, false) => Num::U32,
                (8, true) => Num::I64,
                (8, false) => Num::U64,
                _ => return None,
            },
            Datatype::FloatingPoint { size: 4, .. } => Num::F32,
            Datatype::FloatingPoint { size: 8, .. } => Num::F64,
            _ => return None,
        })
    }

    /// Bytes of one stored element.
    pub fn bytes(self) -> u64 {
        match self {
            Num::I8 | Num::U8 => 1,
            Num::I16 | Num::U16 => 2,
            Num::I32 | Num::U32 | Num::F32 => 4,
            Num::I64 | Num::U64 | Num::F64 => 8,
        }
    }

    /// numpy's name for the type, as the oracles and h5py users write it.
    pub fn name(self) -> &'static str {
        match self {
            Num::I8 => "int8",
            Num::U8 => "uint8",
            Num::I16 => "int16",
            Num::U16 => "uint16",
            Num::I32 => "int32",
            Num::U32 => "uint32",
            Num::I64 => "int64",
            Num::U64 => "uint64",
            Num::F32 => "float32",
            Num::F64 => "float64",
        }
    }
}

/// Reads a selection of a numeric dataset, appending the values as f64 in row-major order.
pub fn read_f64(
    ds: &Dataset,
    num: Num,
    sel: &SliceInfo,
    out: &mut Vec<f64>,
) -> hdf5_reader::error::Result<()> {
    macro_rules! go {
        ($t:ty) => {{
            let a = ds.read_slice::<$t>(sel)?;
            out.extend(a.iter().map(|&v| v as f64));
        }};
    }
    match num {
        Num::I8 => go!(i8),
        Num::U8 => go!(u8),
        Num::I16 => go!(i16),
        Num::U16 => go!(u16),
        Num::I32 => go!(i32),
        Num::U32 => go!(u32),
        Num::I64 => go!(i64),
        Num::U64 => go!(u64),
        Num::F32 => go!(f32),
        Num::F64 => go!(f64),
    }
    Ok(())
}

/// The whole selection of every axis.
pub fn all(ndim: usize) -> SliceInfo {
    SliceInfo {
        selections: vec![
            SliceInfoElem::Slice {
                start: 0,
                end: u64::MAX,
                step: 1,
            };
            ndim
        ],
    }
}

/// A whole small numeric dataset (any rank, row-major) as f64, after the size checks.
pub fn small_f64s(cx: &Cx, ds: &Dataset, path: &str) -> Result<Vec<f64>, Error> {
    let num = Num::of(ds.dtype())
        .ok_or_else(|| cx.fail(format!("{path} is not numeric (type {:?})", ds.dtype())))?;
    cx.check_whole(ds, path, MAX_WHOLE_ELEMENTS)?;
    let mut out = Vec::new();
    if ds.ndim() == 0 {
        // Scalar dataspaces take no selection.
        macro_rules! scalar {
            ($t:ty) => {{
                let a = ds
                    .read_array::<$t>()
                    .map_err(cx.err(format!("reading {path}")))?;
                out.extend(a.iter().map(|&v| v as f64));
            }};
        }
        match num {
            Num::I8 => scalar!(i8),
            Num::U8 => scalar!(u8),
            Num::I16 => scalar!(i16),
            Num::U16 => scalar!(u16),
            Num::I32 => scalar!(i32),
            Num::U32 => scalar!(u32),
            Num::I64 => scalar!(i64),
            Num::U64 => scalar!(u64),
            Num::F32 => scalar!(f32),
            Num::F64 => scalar!(f64),
        }
        return Ok(out);
    }
    read_f64(ds, num, &all(ds.ndim()), &mut out).map_err(cx.err(format!("reading {path}")))?;
    Ok(out)
}

/// The first value of a numeric dataset meant to hold one number (`[]`, `[1]`, `[1, 1]`).
pub fn scalar_f64(cx: &Cx, ds: &Dataset, path: &str) -> Result<Option<f64>, Error> {
    if Num::of(ds.dtype()).is_none() {
        return Ok(None);
    }
    let n = ds
        .num_elements()
        .map_err(cx.err(format!("size of {path}")))?;
    if n != 1 {
        return Ok(None);
    }
    Ok(small_f64s(cx, ds, path)?.first().copied())
}

/// Every string of a string dataset (fixed or variable length), after the size checks.
pub fn strings(cx: &Cx, ds: &Dataset, path: &str) -> Result<Vec<String>, Error> {
    cx.check_whole(ds, path, MAX_WHOLE_ELEMENTS)?;
    ds.read_strings()
        .map_err(cx.err(format!("reading the strings of {path}")))
}

/// True for string-typed datasets and attributes.
pub fn is_string(dt: &Datatype) -> bool {
    matches!(
        dt,
        Datatype::String { .. }
            | Datatype::VarLen {
                kind: hdf5_reader::VarLenKind::String,
                ..
            }
    )
}

/// A MATLAB char array (uint16 UTF-16 code units) as a string.
pub fn matlab_chars(cx: &Cx, ds: &Dataset, path: &str) -> Result<String, Error> {
    if !matches!(
        ds.dtype(),
        Datatype::FixedPoint {
            size: 2,
            signed: false,
            ..
        }
    ) {
        return Err(cx.fail(format!(
            "{path} is not a MATLAB char array (expected uint16, found {:?})",
            ds.dtype()
        )));
    }
    let units: Vec<u16> = small_f64s(cx, ds, path)?
        .into_iter()
        .map(|v| v as u16)
        .collect();
    Ok(String::from_utf16_lossy(&units))
}

/// Object references stored in a dataset, as object header addresses.
pub fn object_refs(cx: &Cx, ds: &Dataset, path: &str) -> Result<Vec<u64>, Error> {
    let Datatype::Reference {
        ref_type: hdf5_reader::ReferenceType::Object,
        ..
    } = ds.dtype()
    else {
        return Err(cx.fail(format!(
            "{path} does not hold object references (type {:?})",
            ds.dtype()
        )));
    };
    cx.check_whole(ds, path, MAX_WHOLE_ELEMENTS)?;
    let raw = ds
        .read_raw_bytes()
        .map_err(cx.err(format!("reading the references in {path}")))?;
    hdf5_reader::reference::read_object_references(&raw, cx.file.superblock().offset_size)
        .map_err(cx.err(format!("decoding the references in {path}")))
}

/// The attribute whose name matches one of `names` (ASCII case-insensitive), in the order of
/// `names`.
pub fn find_attr<'a>(attrs: &'a [Attribute], names: &[&str]) -> Option<&'a Attribute> {
    names
        .iter()
        .find_map(|n| attrs.iter().find(|a| a.name.eq_ignore_ascii_case(n)))
}

/// An attribute as a number, when it holds one.
pub fn attr_f64(a: &Attribute) -> Option<f64> {
    a.read_as_f64().ok()
}

/// An attribute as one string (a scalar, or an array of one).
pub fn attr_string(a: &Attribute) -> Option<String> {
    if let Ok(s) = a.read_string() {
        return Some(clean(&s));
    }
    let v = a.read_strings().ok()?;
    match v.as_slice() {
        [s] => Some(clean(s)),
        _ => None,
    }
}

/// An attribute as a list of strings.
pub fn attr_strings(a: &Attribute) -> Option<Vec<String>> {
    if let Ok(v) = a.read_strings() {
        return Some(v.iter().map(|s| clean(s)).collect());
    }
    a.read_string().ok().map(|s| vec![clean(&s)])
}

/// Strings as stored, without the NUL padding some writers leave after the text.
pub fn clean(s: &str) -> String {
    s.trim_end_matches('\0').to_string()
}

/// `parent` and `name` joined into an absolute HDF5 path.
pub fn join(parent: &str, name: &str) -> String {
    if parent.ends_with('/') {
        format!("{parent}{name}")
    } else {
        format!("{parent}/{name}")
    }
}

/// The parent path of an absolute HDF5 path (`/` for top-level objects).
pub fn parent_of(path: &str) -> &str {
    match path.trim_end_matches('/').rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component of an HDF5 path.
pub fn base_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

/// `shape` written as `8 x 20000`.
pub fn shape_text(shape: &[u64]) -> String {
    if shape.is_empty() {
        return "scalar".into();
    }
    shape
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(" x ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(join("/", "a"), "/a");
        assert_eq!(join("/a", "b"), "/a/b");
        assert_eq!(parent_of("/a"), "/");
        assert_eq!(parent_of("/a/b/c"), "/a/b");
        assert_eq!(base_name("/a/b"), "b");
        assert_eq!(shape_text(&[8, 20000]), "8 x 20000");
    }
}
