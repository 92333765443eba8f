//! The record's annotation file: the recording's own annotations (EDF+ TALs, HDF5 event
//! tables) as `NAME.atr`, numbered at the highest channel rate; where that is finer than the
//! frame rate (mixed-rate EDF, whose frame is often a second), the file opens with WFDB's
//! `## time resolution: N` note, which WFDB and wfdb-python's `rdann` read as the tick rate.
//! A point annotation written the way MIT rhythm changes print (`+(AFIB`, as in an EDF+ made
//! from an MIT-BIH record) becomes that rhythm change again; other labels are mapped by
//! `formats::mit::from_events` (beats by symbol, intervals as rhythms or comments).

use std::path::{Path, PathBuf};

use crate::export::ExportError;
use crate::formats::mit::{self, codes, Entry, EventSpec};
use crate::signal::Recording;

/// Writes `rec.annotations` beside the record; `None` when it has none.
pub fn write(
    rec: &Recording,
    frame_hz: f64,
    dir: &Path,
    name: &str,
) -> Result<Option<PathBuf>, ExportError> {
    if rec.annotations.is_empty() {
        return Ok(None);
    }
    let tick = rec
        .channels
        .iter()
        .map(|c| c.rate_hz)
        .filter(|r| r.is_finite() && *r > 0.0)
        .fold(frame_hz, f64::max);
    let at = |s: f64| (s.max(0.0) * tick).round() as i64;
    let (rhythms, rest): (Vec<_>, Vec<_>) = rec
        .annotations
        .iter()
        .partition(|a| a.text.starts_with("+(") && a.duration_s.is_none_or(|d| d <= 0.0));
    let events: Vec<EventSpec> = rest
        .iter()
        .map(|a| EventSpec {
            onset_s: a.onset_s.max(0.0),
            duration_s: a.duration_s.unwrap_or(0.0),
            label: a.text.clone(),
        })
        .collect();
    let mut entries = Vec::with_capacity(events.len() + 1);
    if tick > frame_hz * (1.0 + 1e-12) {
        let mut note = Entry::new(0, codes::NOTE);
        note.aux = Some(format!("## time resolution: {tick}").into_bytes());
        entries.push(note);
    }
    let mut body = mit::from_events(&events, tick);
    body.extend(rhythms.iter().map(|a| {
        let mut e = Entry::new(at(a.onset_s), codes::RHYTHM);
        e.aux = Some(a.text.as_bytes()[1..].to_vec());
        e
    }));
    body.sort_by_key(|e| e.sample);
    entries.extend(body);
    let out = dir.join(format!("{name}.atr"));
    mit::write_file(&out, &entries).map_err(|e| match e {
        mit::Error::Io { path, source } => ExportError::Io { path, source },
        other => ExportError::Usage(other.to_string()),
    })?;
    Ok(Some(out))
}
