//! `REC.READER.events.json`: provenance written beside the table, and the last journal entry
//! the table includes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{io, write_atomic, StoreError};
use crate::annotations::event::now;

/// Provenance written beside the table. Every field has been written since the sidecar
/// existed (none was ever renamed or dropped), so unknown keys are refused: a hand-edited
/// `jurnal_seq` is an error naming its line, not a silent replay of the whole journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    pub recording: String,
    pub recording_sha256: Option<String>,
    pub recording_size: u64,
    pub format: String,
    pub keymap: String,
    pub keymap_version: String,
    pub reader: String,
    pub sigmark_version: String,
    pub saved: String,
    /// The last journal entry the table includes.
    pub journal_seq: u64,
    pub events: usize,
}

/// What the recording is, for the sidecar.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub recording: PathBuf,
    pub sha256: Option<String>,
    pub size: u64,
    pub format: String,
    pub keymap: String,
    pub keymap_version: String,
}

impl Sidecar {
    /// The sidecar of a save of `events` events by `reader`, up to journal entry `journal_seq`.
    pub fn new(p: &Provenance, reader: &str, journal_seq: u64, events: usize) -> Sidecar {
        Sidecar {
            recording: p
                .recording
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            recording_sha256: p.sha256.clone(),
            recording_size: p.size,
            format: p.format.clone(),
            keymap: p.keymap.clone(),
            keymap_version: p.keymap_version.clone(),
            reader: reader.to_string(),
            sigmark_version: env!("CARGO_PKG_VERSION").to_string(),
            saved: now(),
            journal_seq,
            events,
        }
    }

    /// Reads the sidecar at `path`; a parse error names its line.
    pub fn read(path: &Path) -> Result<Sidecar, StoreError> {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        serde_json::from_str(&text).map_err(|e| StoreError::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            detail: e.to_string(),
        })
    }

    /// Writes the sidecar atomically to `path`.
    pub fn write(&self, path: &Path) -> Result<(), StoreError> {
        let mut json = serde_json::to_string_pretty(self).map_err(|e| StoreError::Parse {
            path: path.to_path_buf(),
            line: 0,
            detail: e.to_string(),
        })?;
        json.push('\n');
        write_atomic(path, json.as_bytes())
    }
}

/// The last journal entry the table at the sidecar `path` includes; 0 when there is no sidecar.
pub(super) fn saved_seq(path: &Path) -> Result<u64, StoreError> {
    if path.is_file() {
        Ok(Sidecar::read(path)?.journal_seq)
    } else {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_key_names_its_line_and_the_expected_keys() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("rec.alice.events.json");
        let good = Sidecar::new(&Provenance::default(), "alice", 7, 2);
        good.write(&path).unwrap();
        assert_eq!(
            Sidecar::read(&path).unwrap(),
            good,
            "today's sidecar reads back"
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let line = 1 + text
            .lines()
            .position(|l| l.contains("journal_seq"))
            .unwrap();
        std::fs::write(&path, text.replace("journal_seq", "jurnal_seq")).unwrap();
        let msg = Sidecar::read(&path).unwrap_err().to_string();
        println!("line {line}: {msg}");
        assert!(msg.contains(&format!("events.json:{line}:")), "{msg}");
        assert!(
            msg.contains("jurnal_seq") && msg.contains("journal_seq"),
            "{msg}"
        );
    }
}
