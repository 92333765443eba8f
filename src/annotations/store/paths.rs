//! The file names of one reader's events for one recording: `DIR/STEM.READER.events.tsv`,
//! `.events.json` (the sidecar), `.journal.jsonl` and `.lock`. Every other module that needs
//! one of these names asks here, so they are spelt in one place.

use std::path::{Path, PathBuf};

use super::StoreError;

/// How an events table's file name ends.
pub const TABLE_SUFFIX: &str = ".events.tsv";
/// How a provenance sidecar's file name ends.
pub const SIDECAR_SUFFIX: &str = ".events.json";
const JOURNAL_SUFFIX: &str = ".journal.jsonl";
const LOCK_SUFFIX: &str = ".lock";

/// A reader name safe to put in a file name.
pub fn check_reader(reader: &str) -> Result<(), StoreError> {
    let ok = !reader.is_empty()
        && reader.len() <= 64
        && !reader.starts_with('.')
        && reader
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::BadReader(reader.to_string()))
    }
}

/// The files of one reader for one recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Paths {
    pub events: PathBuf,
    pub sidecar: PathBuf,
    pub journal: PathBuf,
    pub lock: PathBuf,
}

impl Paths {
    /// `DIR/STEM.READER.*`, where DIR is `dir` or the recording's directory and STEM the
    /// recording's file name without its extension.
    pub fn new(recording: &Path, reader: &str, dir: Option<&Path>) -> Paths {
        let stem = recording
            .file_stem()
            .map_or_else(|| "recording".into(), |s| s.to_string_lossy().into_owned());
        let dir = dir
            .map(Path::to_path_buf)
            .or_else(|| recording.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let base = format!("{stem}.{reader}");
        let f = |suffix: &str| dir.join(format!("{base}{suffix}"));
        Paths {
            events: f(TABLE_SUFFIX),
            sidecar: sidecar_named(&dir, &base),
            journal: f(JOURNAL_SUFFIX),
            lock: f(LOCK_SUFFIX),
        }
    }

    /// Readers with an events table for this recording in the same directory, except `me`.
    pub fn other_readers(recording: &Path, me: &str, dir: Option<&Path>) -> Vec<String> {
        let mine = Paths::new(recording, me, dir);
        let Some(parent) = mine.events.parent() else {
            return Vec::new();
        };
        let stem = recording
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        let mut out: Vec<String> = std::fs::read_dir(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        })
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    let reader = name
                        .strip_prefix(&format!("{stem}."))?
                        .strip_suffix(TABLE_SUFFIX)?
                        .to_string();
                    (reader != me && check_reader(&reader).is_ok()).then_some(reader)
                })
                .collect()
        })
        .unwrap_or_default();
        out.sort();
        out
    }
}

/// The provenance sidecar of the table `X.events.tsv`: `X.events.json` beside it; `None` when
/// the name does not end in `.events.tsv` (or is not UTF-8).
pub fn sidecar_of(table: &Path) -> Option<PathBuf> {
    let name = table.file_name()?.to_str()?;
    let base = name.strip_suffix(TABLE_SUFFIX)?;
    Some(sidecar_named(table.parent().unwrap_or(Path::new("")), base))
}

/// The one place a sidecar's name is built: `DIR/BASE.events.json`.
fn sidecar_named(dir: &Path, base: &str) -> PathBuf {
    dir.join(format!("{base}{SIDECAR_SUFFIX}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sidecar_of_a_table_is_the_sidecar_paths_name() {
        let p = Paths::new(Path::new("/d/rec.edf"), "alice", None);
        println!("{p:?}");
        assert_eq!(p.sidecar, PathBuf::from("/d/rec.alice.events.json"));
        assert_eq!(sidecar_of(&p.events), Some(p.sidecar.clone()));
        assert_eq!(sidecar_of(Path::new("rec.tsv")), None);
        let bare = sidecar_of(Path::new("rec.bob.events.tsv"));
        assert_eq!(bare, Some(PathBuf::from("rec.bob.events.json")));
    }
}
