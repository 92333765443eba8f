//! Where generic HDF5 files keep a signal's metadata: attribute and dataset names for the
//! sampling rate, channel names, units and labels, looked up on the dataset, its group, and
//! datasets beside it.

use hdf5_reader::{Attribute, Dataset};

use super::values::{
    attr_f64, attr_strings, find_attr, is_string, join, parent_of, scalar_f64, strings, Cx,
};
use crate::formats::Error;

pub const RATE_NAMES: &[&str] = &[
    "sampling_rate",
    "srate",
    "fs",
    "rate",
    "sample_rate",
    "sampling_frequency",
    "sfreq",
    "samplerate",
    "sampling_rate_hz",
    "fsample",
];
pub const NAME_NAMES: &[&str] = &[
    "channel_names",
    "channel_labels",
    "ch_names",
    "labels",
    "channels",
    "names",
];
pub const UNIT_NAMES: &[&str] = &["units", "unit"];
pub const LABEL_NAMES: &[&str] = &["label", "name", "channel_name"];

pub fn own_rate(attrs: &[Attribute]) -> Option<(f64, String)> {
    let a = find_attr(attrs, RATE_NAMES)?;
    Some((attr_f64(a)?, format!("attribute {}", a.name)))
}

/// The rate the file states for dataset `path`: an attribute on it or its parent group, or a
/// scalar dataset beside it (MATLAB-style `srate`).
pub fn rate_of(cx: &Cx, ds: &Dataset, path: &str) -> Result<Option<(f64, String)>, Error> {
    if let Some((r, src)) = own_rate(&ds.attributes()) {
        return Ok(Some((r, format!("{src} of {path}"))));
    }
    let parent = parent_of(path);
    let Some(g) = cx.group(parent) else {
        return Ok(None);
    };
    if let Some((r, src)) = own_rate(&g.attributes().unwrap_or_default()) {
        return Ok(Some((r, format!("{src} of {parent}"))));
    }
    let (_, siblings) = g
        .member_names()
        .map_err(cx.err(format!("listing {parent}")))?;
    for rn in RATE_NAMES {
        for name in siblings.iter().filter(|n| n.eq_ignore_ascii_case(rn)) {
            let p = join(parent, name);
            if p == path {
                continue;
            }
            if let Some(d) = cx.dataset(&p) {
                if let Some(r) = scalar_f64(cx, &d, &p)? {
                    return Ok(Some((r, format!("dataset {p}"))));
                }
            }
        }
    }
    Ok(None)
}

pub fn missing_rate_why() -> String {
    format!(
        "no attribute {} on the dataset or its parent, and no such scalar dataset beside it",
        RATE_NAMES.join("/")
    )
}

/// Channel names for a dataset: an attribute on it or its parent, or a string dataset beside it.
pub fn names_of(cx: &Cx, ds: &Dataset, path: &str) -> Result<Option<(Vec<String>, String)>, Error> {
    if let Some(a) = find_attr(&ds.attributes(), NAME_NAMES) {
        if let Some(v) = attr_strings(a) {
            return Ok(Some((v, format!("attribute {} of {path}", a.name))));
        }
    }
    let parent = parent_of(path);
    if let Some(g) = cx.group(parent) {
        if let Some(a) = find_attr(&g.attributes().unwrap_or_default(), NAME_NAMES) {
            if let Some(v) = attr_strings(a) {
                return Ok(Some((v, format!("attribute {} of {parent}", a.name))));
            }
        }
    }
    for name in NAME_NAMES {
        let p = join(parent, name);
        if let Some(d) = cx.dataset(&p).filter(|d| is_string(d.dtype())) {
            return Ok(Some((strings(cx, &d, &p)?, format!("dataset {p}"))));
        }
    }
    Ok(None)
}

pub fn units_of(attrs: &[Attribute], parent: &[Attribute]) -> Vec<String> {
    find_attr(attrs, UNIT_NAMES)
        .or_else(|| find_attr(parent, UNIT_NAMES))
        .and_then(attr_strings)
        .unwrap_or_default()
}
