//! A record's annotation files (MIT format, `NAME.ANNOTATOR` beside the header) as the
//! recording's embedded annotations: `--annotator NAME` picks the file, else `atr` (the
//! reference annotations of PhysioNet's databases) when there is one. The other annotators
//! found beside the record are named in the notes, so `info` says what else there is.

use std::path::{Path, PathBuf};

use crate::formats::mit;
use crate::signal::{Error, Recording};

/// The annotator read when none is asked for.
pub const DEFAULT_ANNOTATOR: &str = "atr";

/// Extensions beside a header that are never annotation files.
const NOT_ANNOTATORS: [&str; 6] = ["hea", "dat", "mat", "xyz", "json", "edf"];

/// Candidate annotation files are read only below this size (MIT files of a 24 h Holter are
/// a few MB).
const MAX_ANNOTATION_BYTES: u64 = 1 << 28;

/// Reads the chosen annotator's file into `rec.annotations` (an asked-for annotator that is
/// missing or unreadable is an error; an unreadable `atr` found by default is a note).
pub fn attach(
    rec: &mut Recording,
    hea: &Path,
    signal_files: &[String],
    annotator: Option<&str>,
) -> Result<(), Error> {
    let chosen = annotator.unwrap_or(DEFAULT_ANNOTATOR);
    let found = annotators(hea, signal_files, chosen);
    let path = with_annotator(hea, chosen);
    if !path.is_file() {
        if annotator.is_some() {
            return Err(Error::Missing {
                path,
                what: format!("annotation file of annotator {chosen:?}"),
                hint: hint(&found),
            });
        }
        if !found.is_empty() {
            rec.notes.push(format!(
                "annotation files beside the record: {}; --annotator NAME shows one",
                found.join(", ")
            ));
        }
        return Ok(());
    }
    let file = match mit::read_file(&path) {
        Ok(f) => f,
        Err(e) if annotator.is_none() => {
            rec.notes.push(format!("annotations not shown: {e}"));
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    let frame_hz = if rec.record_duration_s > 0.0 {
        1.0 / rec.record_duration_s
    } else {
        0.0
    };
    let names: Vec<String> = rec.channels.iter().map(|c| c.label.clone()).collect();
    rec.annotations = mit::to_annotations(&file, frame_hz, rec.duration_s, &names);
    let others: Vec<&String> = found.iter().filter(|a| *a != chosen).collect();
    let mut note = format!(
        "annotations: annotator {chosen} ({} entries)",
        rec.annotations.len()
    );
    if !others.is_empty() {
        let list: Vec<&str> = others.iter().map(|s| s.as_str()).collect();
        note.push_str(&format!("; also beside it: {}", list.join(", ")));
    }
    rec.notes.push(note);
    Ok(())
}

fn hint(found: &[String]) -> String {
    if found.is_empty() {
        "no annotation file lies beside the record".into()
    } else {
        format!("annotators beside the record: {}", found.join(", "))
    }
}

fn with_annotator(hea: &Path, annotator: &str) -> PathBuf {
    let stem = hea
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    hea.with_file_name(format!("{stem}.{annotator}"))
}

/// The annotators beside the record: files `NAME.EXT` that are not the header or a signal
/// file the header names and read as MIT annotation files (`chosen`, read anyway, is listed
/// when it exists without being read twice).
fn annotators(hea: &Path, signal_files: &[String], chosen: &str) -> Vec<String> {
    let Some(stem) = hea.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let dir = super::header::dir_of(hea);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .take(4096)
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let ext = name.strip_prefix(&stem)?.strip_prefix('.')?.to_string();
            let small = e.metadata().ok()?.len() <= MAX_ANNOTATION_BYTES;
            let plain = !ext.contains('.') && !NOT_ANNOTATORS.contains(&ext.as_str());
            let data = signal_files.contains(&name);
            let mit = || ext == chosen || mit::read_file(e.path()).is_ok();
            (small && plain && !data && mit()).then_some(ext)
        })
        .collect();
    out.sort();
    out
}
