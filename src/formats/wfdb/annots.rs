//! A record's annotation files (MIT format, `NAME.ANNOTATOR` beside the header) as the
//! recording's embedded annotations: `--annotator NAME` picks the file, else `atr` (the
//! reference annotations of PhysioNet's databases) when there is one. The other annotators
//! found beside the record are named in the notes, so `info` says what else there is.

use std::path::{Path, PathBuf};

use crate::formats::mit;
use crate::signal::{Annotations, Error, Loaded, Recording};

/// The annotator read when none is asked for.
pub const DEFAULT_ANNOTATOR: &str = "atr";

/// Extensions beside a header that are never annotation files.
const NOT_ANNOTATORS: [&str; 6] = ["hea", "dat", "mat", "xyz", "json", "edf"];

/// Candidate annotation files are read only below this size (MIT files of a 24 h Holter are
/// a few MB).
const MAX_ANNOTATION_BYTES: u64 = 1 << 28;

/// Gives `rec` its annotations: an asked-for annotator is read now (missing or unreadable is
/// an error); otherwise `atr`, when there is one, is read the first time the list is used, so
/// opening a record to read a window costs no annotation file (an unreadable `atr` found by
/// default becomes a note then).
pub fn attach(
    rec: &mut Recording,
    hea: &Path,
    signal_files: &[String],
    annotator: Option<&str>,
) -> Result<(), Error> {
    let frame_hz = if rec.record_duration_s > 0.0 {
        1.0 / rec.record_duration_s
    } else {
        0.0
    };
    let source = Source {
        hea: hea.to_path_buf(),
        signal_files: signal_files.to_vec(),
        frame_hz,
        duration_s: rec.duration_s,
        names: rec.channels.iter().map(|c| c.label.clone()).collect(),
    };
    rec.annotations = match annotator {
        Some(chosen) => source.load(chosen, true)?.into(),
        None => Annotations::lazy(move || {
            source
                .load(DEFAULT_ANNOTATOR, false)
                .unwrap_or_else(|e| Loaded {
                    list: Vec::new(),
                    notes: vec![format!("annotations not shown: {e}")],
                })
        }),
    };
    Ok(())
}

/// What reading a record's annotation file needs, owned so it can be done later.
struct Source {
    hea: PathBuf,
    signal_files: Vec<String>,
    frame_hz: f64,
    duration_s: f64,
    names: Vec<String>,
}

impl Source {
    /// Reads annotator `chosen`; `strict`: it was asked for, so a missing or unreadable file
    /// is an error rather than a note.
    fn load(&self, chosen: &str, strict: bool) -> Result<Loaded, Error> {
        let found = annotators(&self.hea, &self.signal_files, chosen);
        let path = with_annotator(&self.hea, chosen);
        let mut loaded = Loaded::default();
        if !path.is_file() {
            if strict {
                return Err(Error::Missing {
                    path,
                    what: format!("annotation file of annotator {chosen:?}"),
                    hint: hint(&found),
                });
            }
            if !found.is_empty() {
                loaded.notes.push(format!(
                    "annotation files beside the record: {}; --annotator NAME shows one",
                    found.join(", ")
                ));
            }
            return Ok(loaded);
        }
        let file = mit::read_file(&path)?;
        loaded.list = mit::to_annotations(&file, self.frame_hz, self.duration_s, &self.names);
        let mut note = format!(
            "annotations: annotator {chosen} ({} entries)",
            loaded.list.len()
        );
        let others: Vec<&str> = found
            .iter()
            .map(String::as_str)
            .filter(|a| *a != chosen)
            .collect();
        if !others.is_empty() {
            note.push_str(&format!("; also beside it: {}", others.join(", ")));
        }
        loaded.notes.push(note);
        Ok(loaded)
    }
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
