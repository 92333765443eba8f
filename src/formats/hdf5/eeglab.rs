//! EEGLAB `.set` files saved as MATLAB v7.3 (HDF5 behind a 512-byte user block).
//!
//! MATLAB writes arrays column-major, so EEGLAB's `EEG.data` (channels x samples) is stored as
//! samples x channels; struct arrays (`EEG.chanlocs`, `EEG.event`) store each field as an array
//! of object references into `/#refs#`, one per element, and char arrays as uint16.

use std::collections::HashMap;

use hdf5_reader::{Dataset, Datatype};

use super::storage::{Axes, Signal};
use super::values::{
    attr_string, find_attr, matlab_chars, object_refs, scalar_f64, shape_text, small_f64s, Cx, Num,
};
use super::{pick_rate, Found};
use crate::formats::{Error, OpenOptions};
use crate::signal::{Annotation, Format};

pub fn detect(cx: &Cx) -> bool {
    cx.group("/EEG").is_some() && cx.dataset("/EEG/data").is_some()
}

/// A MATLAB value read from a struct field.
enum Value {
    Text(String),
    Number(f64),
    Empty,
}

/// Object header address -> dataset, for the targets of MATLAB's references.
struct Refs(HashMap<u64, (String, Dataset)>);

impl Refs {
    fn load(cx: &Cx) -> Result<Refs, Error> {
        let mut map = HashMap::new();
        if let Some(g) = cx.group("/#refs#") {
            let (_, datasets) = g.members().map_err(cx.err("listing /#refs#"))?;
            for d in datasets {
                map.insert(d.address(), (format!("/#refs#/{}", d.name()), d));
            }
        }
        Ok(Refs(map))
    }

    /// The values of struct-array field `path`, one per element.
    fn field(&self, cx: &Cx, path: &str) -> Result<Option<Vec<Value>>, Error> {
        let Some(ds) = cx.dataset(path) else {
            return Ok(None);
        };
        if !matches!(ds.dtype(), Datatype::Reference { .. }) {
            // A struct array of one element stores the field's value itself.
            return Ok(Some(vec![value(cx, &ds, path)?]));
        }
        let mut out = Vec::new();
        for addr in object_refs(cx, &ds, path)? {
            let (p, d) = self.0.get(&addr).ok_or_else(|| {
                cx.fail(format!(
                    "{path} refers to an object at address {addr:#x} that is not in /#refs#"
                ))
            })?;
            out.push(value(cx, d, p)?);
        }
        Ok(Some(out))
    }
}

fn value(cx: &Cx, ds: &Dataset, path: &str) -> Result<Value, Error> {
    let attrs = ds.attributes();
    if find_attr(&attrs, &["MATLAB_empty"]).is_some() {
        return Ok(Value::Empty);
    }
    let class = find_attr(&attrs, &["MATLAB_class"]).and_then(attr_string);
    if class.as_deref() == Some("char") {
        return Ok(Value::Text(matlab_chars(cx, ds, path)?));
    }
    if Num::of(ds.dtype()).is_none() {
        return Ok(Value::Empty);
    }
    Ok(small_f64s(cx, ds, path)?
        .first()
        .map_or(Value::Empty, |&v| Value::Number(v)))
}

fn number(cx: &Cx, path: &str) -> Result<Option<f64>, Error> {
    match cx.dataset(path) {
        Some(d) => scalar_f64(cx, &d, path),
        None => Ok(None),
    }
}

pub fn open(cx: &Cx, options: &OpenOptions) -> Result<Option<Found>, Error> {
    if !detect(cx) || !dataset_wanted(options) {
        return Ok(None);
    }
    let Some(ds) = cx.dataset("/EEG/data") else {
        return Ok(None);
    };
    let mut found = Found::new(Format::Eeglab);
    check_continuous(cx, &ds)?;
    let (axes, samples) = data_axes(cx, &ds, &mut found.notes)?;
    let srate = number(cx, "/EEG/srate")?.map(|r| (r, "/EEG/srate".to_string()));
    let rate = pick_rate(
        cx,
        options,
        srate,
        "/EEG/data",
        "no numeric /EEG/srate",
        &mut found.notes,
    )?;
    let signal = Signal::new(cx, ds, "/EEG/data", axes)?;
    let channels = axes.channels();
    found.notes.push(format!(
        "signals: /EEG/data ({} as stored, i.e. MATLAB's {channels} channels x {samples} samples)",
        shape_text(signal.dataset.shape()),
    ));
    let refs = Refs::load(cx)?;
    for (i, label) in channel_labels(cx, &refs, channels, &mut found.notes)
        .into_iter()
        .enumerate()
    {
        // EEGLAB keeps no unit; its data are microvolts by convention (MNE assumes the same).
        found.push(label, "uV".into(), rate, &signal, i as u64);
    }
    match events(cx, &refs, rate) {
        Ok(a) => found.annotations = a,
        Err(e) => found.notes.push(format!("events not read: {e}")),
    }
    Ok(Some(found))
}

/// Whether `--dataset`, when given, names the EEGLAB data.
fn dataset_wanted(options: &OpenOptions) -> bool {
    options.dataset.as_ref().is_none_or(|d| {
        matches!(
            d.trim_end_matches('/'),
            "/EEG" | "EEG" | "/EEG/data" | "EEG/data"
        )
    })
}

/// Refuses what sigmark does not read: samples kept in a separate file, and epoched data.
fn check_continuous(cx: &Cx, ds: &Dataset) -> Result<(), Error> {
    let class = find_attr(&ds.attributes(), &["MATLAB_class"]).and_then(attr_string);
    if class.as_deref() == Some("char") {
        let name = matlab_chars(cx, ds, "/EEG/data").unwrap_or_default();
        return Err(cx.fail(format!(
            "/EEG/data names a separate data file ({name:?}); sigmark reads .set files that hold their samples"
        )));
    }
    let trials = number(cx, "/EEG/trials")?.unwrap_or(1.0);
    if trials > 1.0 {
        return Err(cx.fail(format!(
            "an epoched dataset ({trials} trials, /EEG/data {}); sigmark reads continuous EEGLAB data",
            shape_text(ds.shape())
        )));
    }
    Ok(())
}

/// Which axis of `/EEG/data` holds the channels, and how many samples MATLAB's array has.
fn data_axes(cx: &Cx, ds: &Dataset, notes: &mut Vec<String>) -> Result<(Axes, u64), Error> {
    let nbchan = number(cx, "/EEG/nbchan")?;
    let (r, c) = match ds.shape() {
        &[r, c] => (r, c),
        s => {
            return Err(cx.fail(format!(
                "/EEG/data has shape {s:?}; expected samples x channels"
            )))
        }
    };
    // MATLAB's channels x samples arrives transposed; trust nbchan when it says otherwise.
    let axes = match nbchan {
        Some(n) if n as u64 == r && n as u64 != c => Axes::Rows { channels: r },
        _ => Axes::Columns { channels: c },
    };
    if let Some(n) = nbchan.filter(|&n| n as u64 != axes.channels()) {
        notes.push(format!(
            "/EEG/nbchan is {n} but /EEG/data ({}) has {} channels",
            shape_text(ds.shape()),
            axes.channels()
        ));
    }
    let samples = if matches!(axes, Axes::Columns { .. }) {
        r
    } else {
        c
    };
    Ok((axes, samples))
}

/// `EEG.chanlocs.labels`, or EEG001.. when there are none or they cannot be read (noted).
fn channel_labels(cx: &Cx, refs: &Refs, channels: u64, notes: &mut Vec<String>) -> Vec<String> {
    match labels(cx, refs, channels) {
        Ok(Some(l)) => l,
        Ok(None) => numbered(channels),
        Err(e) => {
            notes.push(format!("channel labels not read: {e}"));
            numbered(channels)
        }
    }
}

fn numbered(n: u64) -> Vec<String> {
    (1..=n).map(|i| format!("EEG{i:03}")).collect()
}

fn labels(cx: &Cx, refs: &Refs, channels: u64) -> Result<Option<Vec<String>>, Error> {
    let Some(values) = refs.field(cx, "/EEG/chanlocs/labels")? else {
        return Ok(None);
    };
    if values.len() as u64 != channels {
        return Err(cx.fail(format!(
            "/EEG/chanlocs/labels has {} entries for {channels} channels",
            values.len()
        )));
    }
    Ok(Some(
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Text(s) => s,
                Value::Number(x) => format!("{x}"),
                Value::Empty => format!("EEG{:03}", i + 1),
            })
            .collect(),
    ))
}

/// `EEG.event`: `type` (text or number) at `latency` (1-based sample), optional `duration`
/// (samples).
fn events(cx: &Cx, refs: &Refs, rate: f64) -> Result<Vec<Annotation>, Error> {
    let Some(latency) = refs.field(cx, "/EEG/event/latency")? else {
        return Ok(Vec::new());
    };
    let types = refs.field(cx, "/EEG/event/type")?.unwrap_or_default();
    let durations = refs.field(cx, "/EEG/event/duration")?.unwrap_or_default();
    let mut out = Vec::new();
    for (i, lat) in latency.iter().enumerate() {
        let Value::Number(lat) = lat else { continue };
        let text = match types.get(i) {
            Some(Value::Text(s)) => s.clone(),
            Some(Value::Number(x)) => format!("{x}"),
            _ => String::new(),
        };
        let duration_s = match durations.get(i) {
            Some(Value::Number(d)) => Some(d / rate),
            _ => None,
        };
        out.push(Annotation {
            onset_s: (lat - 1.0) / rate,
            duration_s,
            text,
            channel: None,
        });
    }
    Ok(out)
}
