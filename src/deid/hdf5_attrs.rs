//! String attributes: every group and dataset of the file is visited, and each string
//! attribute gets a rule by its name (subject/patient ids and birthdates cleared, NWB's
//! session fields cleared or shifted, every other text scrubbed); the structural ones
//! (MATLAB_class, NWB's namespace/neurodata_type/object_id, dimension scales) are left alone.
//! An attribute's value lies in its object header's attribute message (0x000C); a
//! variable-length one points into a global heap. Attributes kept in dense storage (a
//! fractal heap) are not in the header: changing one is refused, naming it.

use std::collections::HashSet;
use std::path::Path;

use hdf5_reader::{Attribute, Datatype, Hdf5File};

use super::ohdr::{self, Checked, Header};
use super::slots::{self, Slot};
use super::{Item, Place, Rule};
use crate::deid::{DeidError, Field};

/// At most this many objects are visited (a bound against a cyclic or corrupt file).
const MAX_OBJECTS: usize = 1 << 20;

/// The rule of a string attribute by its name; `None`: structural, left alone.
fn rule(name: &str) -> Option<Rule> {
    let n = name.to_ascii_lowercase();
    if n.starts_with("matlab_")
        || n.starts_with('.')
        || [
            "namespace",
            "neurodata_type",
            "object_id",
            "nwb_version",
            "class",
            "reference_list",
            "dimension_list",
        ]
        .contains(&n.as_str())
    {
        return None;
    }
    Some(match n.as_str() {
        "subject_id" | "subjectid" | "subject" | "patient" | "patient_id" | "patientid"
        | "patient_name" | "patientname" | "experimenter" | "date_of_birth" | "dateofbirth"
        | "birthdate" | "dob" => Rule::Id,
        "institution" | "lab" | "session_id" | "hospital" | "operator" | "technician" => {
            Rule::Clear
        }
        "sex" | "gender" => Rule::Keep(Field::Sex),
        "age" => Rule::Keep(Field::Age),
        "session_start_time"
        | "timestamps_reference_time"
        | "file_create_date"
        | "measurementdate" => Rule::Date,
        _ => Rule::Text,
    })
}

/// An attribute's string values, when it holds strings.
fn strings(a: &Attribute) -> Option<Vec<String>> {
    if !matches!(
        a.datatype,
        Datatype::String { .. } | Datatype::VarLen { .. }
    ) {
        return None;
    }
    a.read_strings()
        .ok()
        .or_else(|| a.read_string().ok().map(|s| vec![s]))
}

/// Every string attribute of every object of `file` that has a rule.
pub fn items(path: &Path, file: &Hdf5File) -> Result<Vec<Item>, DeidError> {
    let fail = |w: String| DeidError::invalid(path, w);
    let root = file
        .root_group()
        .map_err(|e| fail(format!("reading the root group: {e}")))?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut groups = vec![(root, String::new())];
    while let Some((g, gpath)) = groups.pop() {
        if !seen.insert(g.address()) || seen.len() > MAX_OBJECTS {
            continue;
        }
        let attrs = g
            .attributes()
            .map_err(|e| fail(format!("{gpath}: reading its attributes: {e}")))?;
        add(
            &mut out,
            if gpath.is_empty() { "/" } else { &gpath },
            g.address(),
            &attrs,
        );
        let (sub, sets) = g
            .members()
            .map_err(|e| fail(format!("{gpath}: listing its members: {e}")))?;
        for d in sets {
            if seen.insert(d.address()) {
                let dpath = format!("{gpath}/{}", d.name());
                add(&mut out, &dpath, d.address(), &d.attributes());
            }
        }
        groups.extend(sub.into_iter().map(|s| {
            let p = format!("{gpath}/{}", s.name());
            (s, p)
        }));
    }
    Ok(out)
}

fn add(out: &mut Vec<Item>, object: &str, addr: u64, attrs: &[Attribute]) {
    for a in attrs {
        let (Some(rule), Some(old)) = (rule(&a.name), strings(a)) else {
            continue;
        };
        out.push(Item {
            name: format!("{object} attribute {}", a.name),
            rule,
            old,
            place: Place::Attr {
                addr,
                attr: a.name.clone(),
                // A shape whose product overflows cannot be a value in a header message:
                // usize::MAX makes `locate` refuse it.
                count: a
                    .shape
                    .iter()
                    .try_fold(1u64, |n, d| n.checked_mul(*d))
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(usize::MAX),
                dtype: a.datatype.clone(),
            },
        });
    }
}

/// The slots of attribute `attr` (of `count` elements) of the object at `addr`.
pub fn locate(
    path: &Path,
    file: &Hdf5File,
    addr: u64,
    attr: &str,
    count: usize,
    dtype: &Datatype,
    name: &str,
) -> Result<(Vec<Slot>, Vec<Checked>), DeidError> {
    let fail = |w: String| DeidError::invalid(path, format!("{name}: {w}"));
    let size = count
        .checked_mul(element_size(file, dtype).map_err(fail)?)
        .ok_or_else(|| {
            fail(format!(
                "{count} elements do not fit in an attribute message"
            ))
        })?;
    let header = ohdr::read(file, addr).map_err(fail)?;
    let at = value_at(&header, attr, size).map_err(fail)?;
    let slots = slots::element_slots(path, file, dtype, at, size, name)?;
    Ok((slots, header.checked))
}

/// The bytes one element of string type `dtype` takes in an attribute's value.
fn element_size(file: &Hdf5File, dtype: &Datatype) -> Result<usize, String> {
    match dtype {
        Datatype::String {
            size: hdf5_reader::StringSize::Fixed(n),
            ..
        } => Ok(*n as usize),
        Datatype::String { .. } | Datatype::VarLen { .. } => {
            Ok(8 + usize::from(file.superblock().offset_size))
        }
        other => Err(format!("expected a string attribute, found {other:?}")),
    }
}

/// The file offset of the value of attribute `attr` (of `size` bytes) in `header`.
fn value_at(header: &Header, attr: &str, size: usize) -> Result<u64, String> {
    for m in header.messages.iter().filter(|m| m.kind == ohdr::ATTRIBUTE) {
        let Some((name, pos, shared)) = parse(&m.body) else {
            continue;
        };
        if name != attr.as_bytes() {
            continue;
        }
        if shared {
            return Err(
                "its datatype or dataspace is a shared message; not rewritten in place".into(),
            );
        }
        if pos.checked_add(size).is_none_or(|end| end > m.body.len()) {
            return Err(format!(
                "its value ({size} bytes) runs past its attribute message at byte {}",
                m.at
            ));
        }
        return Ok(m.at + pos as u64);
    }
    Err(
        "kept in dense attribute storage (a fractal heap), which deid does not rewrite in place"
            .into(),
    )
}

/// An attribute message's name, the offset of its value in the body, and whether its
/// datatype or dataspace is shared.
fn parse(b: &[u8]) -> Option<(&[u8], usize, bool)> {
    let u = |i: usize| {
        Some(usize::from(u16::from_le_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
        ])))
    };
    let (ns, ts, ss) = (u(2)?, u(4)?, u(6)?);
    let (start, pad, flags) = match b.first()? {
        1 => (8, true, 0),
        2 => (8, false, *b.get(1)?),
        3 => (9, false, *b.get(1)?),
        _ => return None,
    };
    let step = |n: usize| if pad { n.div_ceil(8) * 8 } else { n };
    let name = b.get(start..start + ns)?;
    let name = name.split(|&c| c == 0).next().unwrap_or(name);
    let pos = start + step(ns) + step(ts) + step(ss);
    Some((name, pos, flags & 3 != 0))
}
