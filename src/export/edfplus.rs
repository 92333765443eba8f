//! One recording's events for EDFbrowser: `--format edfplus` writes an annotation-only EDF+
//! file (EDF+C, no data signals, one `EDF Annotations` signal, one data record of duration 0,
//! which EDF+ section 2.2.4 allows for a file that holds only annotations); `--format
//! edfbrowser-csv` writes the `Onset,Duration,Annotation` CSV of EDFbrowser's annotation
//! import and export (onset in seconds from the start, duration empty when unknown).
//! Both take `--reader R` (a reader, `consensus` or `embedded`) and exactly one recording.

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};

use super::rows::Row;
use super::sink::Pending;
use super::{each_recording, ExportError, Options, OutFormat, Readers, Summary};
use crate::formats::edf::writer::{self, AnnotationSpec, FileSpec, Plus};

/// Writes the chosen reader's events of the one recording in `opts.inputs`.
pub fn export(opts: &Options, reader: Option<&str>) -> Result<Summary, ExportError> {
    let reader = reader.ok_or_else(|| {
        ExportError::Usage(
            "--format edfplus and edfbrowser-csv write one reader's events: add --reader NAME"
                .into(),
        )
    })?;
    if opts.inputs.len() != 1 || !opts.inputs[0].is_file() {
        return Err(ExportError::Usage(
            "--format edfplus and edfbrowser-csv take exactly one recording file".into(),
        ));
    }
    let mut one = opts.clone();
    one.readers = Readers::Names(BTreeSet::from([reader.to_string()]));
    one.embedded = reader == "embedded";
    let mut found: Option<(Vec<Row>, Option<crate::signal::StartTime>)> = None;
    let summary = each_recording(&one, &|_| {}, &|_| None, |_, r, _| {
        let start = r.rows.first().and_then(|row| row.rec.start);
        found = Some((r.rows.clone(), start));
        Ok(())
    })?;
    if let Some(p) = summary.skipped.first() {
        return Err(ExportError::Usage(format!("nothing written: {p}")));
    }
    let Some((rows, start)) = found else {
        return Err(ExportError::Usage(format!(
            "{}: not a recording sigmark can read",
            opts.inputs[0].display()
        )));
    };
    if rows.is_empty() {
        return Err(ExportError::Usage(format!(
            "{}: reader {reader:?} has no events for it",
            opts.inputs[0].display()
        )));
    }
    match opts.format {
        OutFormat::Edfplus => write_edf(&opts.out, &rows, start)?,
        _ => write_edfbrowser_csv(&opts.out, &rows)?,
    }
    Ok(summary)
}

/// The annotation-only EDF+ file. Onsets are from the recording's start second plus its
/// sub-second start (EDF+ keeps the sub-second part in the first TAL), in 100 ns.
pub fn write_edf(
    out: &std::path::Path,
    rows: &[Row],
    start: Option<crate::signal::StartTime>,
) -> Result<(), ExportError> {
    let (start_dt, sub) = match start {
        Some(s) => (s.datetime, i64::from(s.subsecond_100ns)),
        None => (chrono::NaiveDateTime::default(), 0),
    };
    let spec = FileSpec {
        bdf: false,
        plus: Some(Plus::Continuous),
        patient: "X X X X".into(),
        recording: format!(
            "Startdate {} X X sigmark-export",
            start_dt.format("%d-%b-%Y").to_string().to_uppercase()
        ),
        start: start_dt,
        start_offset_100ns: sub,
        records: 1,
        record_duration_100ns: 0,
        record_onsets_100ns: Vec::new(),
        signals: Vec::new(),
        annotations: rows
            .iter()
            .map(|r| AnnotationSpec {
                onset_100ns: sub + to_100ns(r.onset_s),
                duration_100ns: r.duration_s.filter(|d| *d > 0.0).map(to_100ns),
                text: r.label.clone(),
            })
            .collect(),
    };
    let (file, pending) = Pending::create(out)?;
    let mut w = BufWriter::new(file);
    writer::write(&mut w, &spec, |_, _| {}).map_err(|e| ExportError::io(out, e))?;
    w.flush().map_err(|e| ExportError::io(out, e))?;
    drop(w);
    pending.commit()
}

fn to_100ns(s: f64) -> i64 {
    // Saturating `as`: onsets were validated as finite and >= 0 when the table was read.
    (s * 1e7).round() as i64
}

/// EDFbrowser's annotation CSV: `Onset,Duration,Annotation`.
pub fn write_edfbrowser_csv(out: &std::path::Path, rows: &[Row]) -> Result<(), ExportError> {
    let (file, pending) = Pending::create(out)?;
    let mut w = csv::Writer::from_writer(BufWriter::new(file));
    let err = |e: csv::Error| ExportError::io(out, e.into());
    w.write_record(["Onset", "Duration", "Annotation"])
        .map_err(err)?;
    for r in rows {
        let duration = r.duration_s.map_or_else(String::new, |d| d.to_string());
        w.write_record([r.onset_s.to_string(), duration, r.label.clone()])
            .map_err(err)?;
    }
    let mut inner = w
        .into_inner()
        .map_err(|e| ExportError::io(out, e.into_error()))?;
    inner.flush().map_err(|e| ExportError::io(out, e))?;
    drop(inner);
    pending.commit()
}
