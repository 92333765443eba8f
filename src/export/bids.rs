//! `--format bids --out DIR`: one `*_events.tsv` per recording with its `*_events.json` column
//! descriptions, in a BIDS-style tree under DIR. A recording already in a BIDS layout
//! (`sub-01/ses-1/eeg/sub-01_ses-1_task-rest_eeg.edf`) keeps its folders and entities
//! (`DIR/sub-01/ses-1/eeg/sub-01_ses-1_task-rest_events.tsv`); any other becomes
//! `DIR/sub-<label>/eeg/sub-<label>_task-annotations_events.tsv`, the label being the letters
//! and digits of its relative path. Only letters, digits, `-` and `_` reach a file name, so no
//! input path can make it write outside DIR, and no directory or file that is a symbolic link
//! inside DIR is written through (`make_dirs`, `check_file`). The recordings are not copied.
//!
//! Columns (BIDS: `onset` and `duration` first, seconds; `n/a` for missing values):
//! onset duration trial_type value channel certainty note reader source created modified.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::rows::Row;
use super::{each_recording, ExportError, Options, Summary};
use crate::annotations::store::write_atomic;

const COLUMNS: [&str; 11] = [
    "onset",
    "duration",
    "trial_type",
    "value",
    "channel",
    "certainty",
    "note",
    "reader",
    "source",
    "created",
    "modified",
];

/// Writes the tree; recordings without events get no files.
pub fn export(opts: &Options) -> Result<Summary, ExportError> {
    fs::create_dir_all(&opts.out).map_err(|e| ExportError::io(&opts.out, e))?;
    let sidecar = sidecar_json();
    let mut written: HashMap<PathBuf, String> = HashMap::new();
    each_recording(
        opts,
        &|_| {},
        &|rows| Some(Ok(events_tsv(rows).into_bytes())),
        |c, r, text| {
            if r.rows.is_empty() {
                return Ok(());
            }
            let rel = bids_base(&c.rel);
            let base = opts.out.join(&rel);
            if let Some(other) = written.insert(base.clone(), c.rel.clone()) {
                return Err(ExportError::Usage(format!(
                    "{} and {other} would both be written to {}: rename one",
                    c.rel,
                    base.display()
                )));
            }
            make_dirs(&opts.out, rel.parent().unwrap_or(Path::new("")))?;
            let tsv = with_suffix(&base, "_events.tsv");
            let json = with_suffix(&base, "_events.json");
            check_file(&tsv, &opts.out)?;
            check_file(&json, &opts.out)?;
            let bytes = text
                .unwrap_or_else(|| Ok(Vec::new()))
                .map_err(|e| ExportError::io(&tsv, e))?;
            write(&tsv, &bytes)?;
            write(&json, sidecar.as_bytes())
        },
    )
}

/// Makes the directories of `rel` under `root` one at a time, refusing any component that is a
/// symlink or not a directory: the tree is written inside `root`, never where a link planted
/// in it points. `root` itself (the user's `--out`) is taken as given.
fn make_dirs(root: &Path, rel: &Path) -> Result<PathBuf, ExportError> {
    let mut dir = root.to_path_buf();
    for part in rel.components() {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => return Err(symlink(&dir, root)),
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(ExportError::Usage(format!(
                    "{} is in the way: it is a file where the BIDS tree needs a directory",
                    dir.display()
                )))
            }
            // `create_dir` makes the last component itself and fails on anything already
            // there (a link made since the check included), which is checked again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let m = fs::symlink_metadata(&dir).map_err(|e| ExportError::io(&dir, e))?;
                    if m.file_type().is_symlink() {
                        return Err(symlink(&dir, root));
                    }
                    if !m.is_dir() {
                        return Err(ExportError::Usage(format!(
                            "{} is in the way: it is not a directory",
                            dir.display()
                        )));
                    }
                }
                Err(e) => return Err(ExportError::io(&dir, e)),
            },
            Err(e) => return Err(ExportError::io(&dir, e)),
        }
    }
    Ok(dir)
}

/// A file of the tree is written by rename over `path`, which replaces a link rather than
/// following it; a link there is still refused, as it means something else owns the name.
fn check_file(path: &Path, root: &Path) -> Result<(), ExportError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(symlink(path, root)),
        Ok(m) if !m.is_file() => Err(ExportError::Usage(format!(
            "{} is in the way: it is not a file",
            path.display()
        ))),
        _ => Ok(()),
    }
}

fn symlink(path: &Path, root: &Path) -> ExportError {
    ExportError::Usage(format!(
        "{} is a symbolic link inside --out {}: the BIDS export writes only inside --out and \
         does not follow it; remove the link or choose another --out",
        path.display(),
        root.display()
    ))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    write_atomic(path, bytes).map_err(|e| ExportError::Usage(e.to_string()))
}

fn with_suffix(base: &Path, suffix: &str) -> PathBuf {
    let mut s = base.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// The path under DIR, without the `_events.tsv` suffix.
pub fn bids_base(rel: &str) -> PathBuf {
    let parts: Vec<&str> = rel.split('/').collect();
    let (dirs, file) = parts.split_at(parts.len().saturating_sub(1));
    let file = file.first().copied().unwrap_or("recording");
    let stem = file.split_once('.').map_or(file, |(s, _)| s);
    if stem.starts_with("sub-") && dirs.first().is_some_and(|d| d.starts_with("sub-")) {
        // BIDS already: keep the folders and the entities, drop the modality suffix.
        let mut p = PathBuf::new();
        for d in dirs {
            p.push(safe(d));
        }
        let entities = match stem.rsplit_once('_') {
            Some((e, suffix)) if !suffix.contains('-') => e,
            _ => stem,
        };
        return p.join(safe(entities));
    }
    let label: String = rel
        .rsplit_once('.')
        .map_or(rel, |(r, _)| r)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let label = if label.is_empty() { "x".into() } else { label };
    PathBuf::from(format!("sub-{label}"))
        .join("eeg")
        .join(format!("sub-{label}_task-annotations"))
}

/// Letters, digits, `-` and `_` only (never `.` or `/`).
fn safe(s: &str) -> String {
    let t: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .collect();
    if t.is_empty() {
        "x".into()
    } else {
        t
    }
}

fn na(s: &str) -> String {
    if s.is_empty() {
        "n/a".into()
    } else {
        super::sink::escape(s)
    }
}

/// The events table of one recording.
/// BIDS lists events by onset: a stable sort keeps the table order among equal onsets.
pub fn events_tsv(rows: &[Row]) -> String {
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by(|a, b| a.onset_s.total_cmp(&b.onset_s));
    let mut s = COLUMNS.join("\t");
    s.push('\n');
    for r in sorted {
        let cells = [
            r.onset_s.to_string(),
            r.duration_s.map_or_else(|| "n/a".into(), |d| d.to_string()),
            na(&r.label),
            na(&r.code),
            na(&r.channel),
            na(&r.certainty),
            na(&r.note),
            na(&r.reader),
            na(&r.source),
            na(&r.created),
            na(&r.modified),
        ];
        s.push_str(&cells.join("\t"));
        s.push('\n');
    }
    s
}

/// The `*_events.json` column descriptions (the same for every recording).
pub fn sidecar_json() -> String {
    let d = |long: &str, desc: &str| serde_json::json!({"LongName": long, "Description": desc});
    let v = serde_json::json!({
        "onset": {"LongName": "Onset", "Description": "Seconds from the first sample of the recording.", "Units": "s"},
        "duration": {"LongName": "Duration", "Description": "Seconds; 0 for a point event, n/a when the recording's own annotation gives none.", "Units": "s"},
        "trial_type": d("Label", "The event's label, as marked in sigmark (keymaps ecg, eeg, rpm) or as written in the recording's EDF+ annotations."),
        "value": d("Code", "SNOMED CT code of the label in sigmark's taxonomies; n/a when the label has none."),
        "channel": d("Channels", "Comma-separated channel labels the event applies to; n/a means all channels."),
        "certainty": d("Certainty", "definite or possible, as the reader marked it."),
        "note": d("Note", "The reader's free-text note (tab, newline and backslash written as \\t, \\n, \\\\)."),
        "reader": d("Reader", "Who marked the event: a reader's name, consensus for the adjudicated table, embedded for the recording's own EDF+ annotations."),
        "source": d("Source", "The readers the event came from: the reader, the consensus table's source, or embedded."),
        "created": d("Created", "RFC 3339 UTC time the event was created."),
        "modified": d("Modified", "RFC 3339 UTC time the event was last changed."),
    });
    crate::text::to_json_pretty(&v).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bids_paths_stay_inside_and_keep_entities() {
        assert_eq!(
            bids_base("sub-01/ses-1/eeg/sub-01_ses-1_task-rest_eeg.edf"),
            PathBuf::from("sub-01/ses-1/eeg/sub-01_ses-1_task-rest")
        );
        assert_eq!(
            bids_base("ecg/demo_ecg.edf"),
            PathBuf::from("sub-ecgdemoecg/eeg/sub-ecgdemoecg_task-annotations")
        );
        let odd = bids_base("sub-../sub-x..y.edf");
        assert!(!odd.to_string_lossy().contains(".."), "{odd:?}");
    }
}
