//! `--format wfdb-ann`: one recording's events as an MIT annotation file (WFDB `annot(5)`),
//! readable by WFDB and wfdb-python's `rdann`.
//!
//! `--reader R` writes R's events to `--out` exactly. `--readers A,B` writes one file per
//! reader, named as WFDB names annotators: `--out`'s path with the reader as its extension
//! (`--out 100.atr --readers alice,bob` writes `100.alice` and `100.bob`), so each reader is
//! an annotator that `rdann(record, 'alice')` and `sigmark compare 100.alice 100.bob` read.
//! (One file with a CHN per reader was not chosen: CHN names a signal, not an annotator.)
//!
//! Sample numbers are at the record's frequency: the frame rate on the record line of a
//! `NAME.hea` beside the recording, else the highest channel rate of the recording. Labels to
//! codes are `formats::mit::from_events`'s (PVC -> V, PAC -> A, AF interval -> `+ (AFIB` ...
//! `+ (N`, other labels as comments).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::rows::Row;
use super::{each_recording, ExportError, Options, Readers, Summary};
use crate::formats::mit::{self, EventSpec};

/// Writes the chosen readers' events of the one recording in `opts.inputs`.
pub fn export(opts: &Options, reader: Option<&str>) -> Result<Summary, ExportError> {
    let targets = targets(opts, reader)?;
    if opts.inputs.len() != 1 || !opts.inputs[0].is_file() {
        return Err(ExportError::Usage(
            "--format wfdb-ann takes exactly one recording file".into(),
        ));
    }
    let input = &opts.inputs[0];
    let mut one = opts.clone();
    one.readers = Readers::Names(targets.keys().cloned().collect());
    one.embedded = targets.contains_key("embedded");
    let mut rows: Vec<Row> = Vec::new();
    let mut opened = false;
    let summary = each_recording(&one, &|_| {}, &|_| None, |_, r, _| {
        opened = true;
        rows.extend(r.rows.iter().cloned());
        Ok(())
    })?;
    if let Some(p) = summary.skipped.first() {
        return Err(ExportError::Usage(format!("nothing written: {p}")));
    }
    if !opened {
        return Err(ExportError::Usage(format!(
            "{}: not a recording sigmark can read",
            input.display()
        )));
    }
    let fs = frequency(input, opts)?;
    for (name, out) in &targets {
        let events: Vec<EventSpec> = rows
            .iter()
            .filter(|r| &r.reader == name)
            .map(|r| EventSpec {
                onset_s: r.onset_s,
                duration_s: r.duration_s.unwrap_or(0.0),
                label: r.label.clone(),
            })
            .collect();
        if events.is_empty() {
            return Err(ExportError::Usage(format!(
                "{}: reader {name:?} has no events for it",
                input.display()
            )));
        }
        let entries = mit::from_events(&events, fs);
        mit::write_file(out, &entries).map_err(|e| match e {
            mit::Error::Io { path, source } => ExportError::Io { path, source },
            other => ExportError::Usage(other.to_string()),
        })?;
    }
    Ok(summary)
}

/// Reader -> file to write.
fn targets(opts: &Options, reader: Option<&str>) -> Result<BTreeMap<String, PathBuf>, ExportError> {
    if let Some(r) = reader {
        return Ok(BTreeMap::from([(r.to_string(), opts.out.clone())]));
    }
    let Readers::Names(names) = &opts.readers else {
        return Err(ExportError::Usage(
            "--format wfdb-ann writes named readers: add --reader NAME (one file, --out) or \
             --readers A,B (one file per reader, --out's path with the reader as extension)"
                .into(),
        ));
    };
    let names: BTreeSet<&String> = names.iter().collect();
    Ok(names
        .into_iter()
        .map(|n| (n.clone(), opts.out.with_extension(n)))
        .collect())
}

/// The record line's frequency of `NAME.hea` beside the input, else its highest channel rate.
fn frequency(input: &Path, opts: &Options) -> Result<f64, ExportError> {
    let hea = input.with_extension("hea");
    if hea.is_file() && input != hea {
        return mit::record_frequency(&hea).map_err(|e| ExportError::Usage(e.to_string()));
    }
    if input.extension().is_some_and(|e| e == "hea") {
        return mit::record_frequency(input).map_err(|e| ExportError::Usage(e.to_string()));
    }
    let rec = crate::formats::open_with(input, &opts.open)
        .map_err(|e| ExportError::Usage(e.to_string()))?;
    rec.channels
        .iter()
        .map(|c| c.rate_hz)
        .filter(|r| r.is_finite() && *r > 0.0)
        .reduce(f64::max)
        .ok_or_else(|| {
            ExportError::Usage(format!(
                "{}: no channel with a sampling rate to number the annotations by",
                input.display()
            ))
        })
}
