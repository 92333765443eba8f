//! Audit of the annotation files of recordings: `sigmark audit REC` (every event's history,
//! [`history`]) and `sigmark study audit DIR` (the study's integrity, [`check`]).
//!
//! Both read the same files of a recording, loaded here once: per reader (and the consensus)
//! the table, its sidecar and its journal; the adjudication's `REC.consensus.decisions.jsonl`
//! and the QA's `REC.qa.decisions.jsonl`. Nothing is written, nothing is locked: an audit
//! reads what is on disk, damaged lines included (reported, never repaired here).

#[path = "audit_check.rs"]
pub mod check;
#[path = "audit_history.rs"]
pub mod history;
#[path = "audit_text.rs"]
pub mod text;

use std::path::{Path, PathBuf};

use super::qa::{decisions_path, QaDecision};
use super::StudyError;
use crate::annotations::journal::{self, Replayed};
use crate::annotations::store::{check_reader, read_table, Sidecar, CONSENSUS, TABLE_SUFFIX};
use crate::annotations::{Event, Paths, StoreError};
use crate::compare::adjudicate::decisions::{path_for, Decision};

const JOURNAL_SUFFIX: &str = ".journal.jsonl";

/// One reader's files for a recording, as found.
#[derive(Debug)]
pub struct ReaderFiles {
    pub reader: String,
    pub paths: Paths,
    /// `None` when there is no table file (a reading never saved); an unreadable table is the
    /// error naming its line.
    pub table: Option<Result<Vec<Event>, StoreError>>,
    pub sidecar: Option<Result<Sidecar, StoreError>>,
    /// Intact entries, damaged lines, torn tail; an unreadable file is the error.
    pub journal: Result<Replayed, StoreError>,
}

/// Every annotation file of one recording.
#[derive(Debug)]
pub struct RecordingFiles {
    pub recording: PathBuf,
    /// Readers in name order, the consensus last.
    pub readers: Vec<ReaderFiles>,
    pub adjudication_path: PathBuf,
    pub adjudication: Result<Replayed<Decision>, StoreError>,
    pub qa_path: PathBuf,
    pub qa: Result<Replayed<QaDecision>, StoreError>,
}

impl ReaderFiles {
    /// The sidecar's `journal_seq` (0 without a readable sidecar).
    pub fn saved_seq(&self) -> u64 {
        match &self.sidecar {
            Some(Ok(s)) => s.journal_seq,
            _ => 0,
        }
    }

    /// The journal's intact entries (none when it cannot be read).
    pub fn entries(&self) -> &[journal::JournalEntry] {
        self.journal.as_ref().map_or(&[], |j| j.entries.as_slice())
    }

    pub fn is_consensus(&self) -> bool {
        self.reader == CONSENSUS
    }
}

/// The readers with a table or a journal for `recording` in its directory, in name order with
/// the consensus last.
pub fn readers_of(recording: &Path) -> Result<Vec<String>, StudyError> {
    let dir = match recording.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let stem = recording
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let prefix = format!("{stem}.");
    let listing = std::fs::read_dir(&dir).map_err(|source| StudyError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut out: Vec<String> = listing
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let rest = name.strip_prefix(&prefix)?;
            let reader = rest
                .strip_suffix(TABLE_SUFFIX)
                .or_else(|| rest.strip_suffix(JOURNAL_SUFFIX))?;
            check_reader(reader).is_ok().then(|| reader.to_string())
        })
        .collect();
    out.sort_by(|a, b| (a == CONSENSUS, a).cmp(&(b == CONSENSUS, b)));
    out.dedup();
    Ok(out)
}

/// Reads one reader's files.
pub fn load_reader(recording: &Path, reader: &str) -> ReaderFiles {
    let paths = Paths::new(recording, reader, None);
    let table = paths.events.is_file().then(|| read_table(&paths.events));
    let sidecar = paths
        .sidecar
        .is_file()
        .then(|| Sidecar::read(&paths.sidecar));
    let journal = journal::read(&paths.journal);
    ReaderFiles {
        reader: reader.to_string(),
        paths,
        table,
        sidecar,
        journal,
    }
}

/// Reads every annotation file of `recording` (only `reader`'s, when given).
pub fn load(recording: &Path, reader: Option<&str>) -> Result<RecordingFiles, StudyError> {
    let names = match reader {
        Some(r) => {
            check_reader(r)?;
            vec![r.to_string()]
        }
        None => readers_of(recording)?,
    };
    let readers = names.iter().map(|r| load_reader(recording, r)).collect();
    let adjudication_path = path_for(recording, None);
    let qa_path = decisions_path(recording);
    Ok(RecordingFiles {
        recording: recording.to_path_buf(),
        readers,
        adjudication: journal::read_lines(&adjudication_path),
        adjudication_path,
        qa: journal::read_lines(&qa_path),
        qa_path,
    })
}

/// The file name of `path`, for messages.
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Lowercase hex SHA-256 of the recording (the export's streaming hash).
pub fn recording_sha256(recording: &Path) -> Result<String, StudyError> {
    crate::export::rows::hash_file(recording).map_err(|source| StudyError::Io {
        path: recording.to_path_buf(),
        source,
    })
}
