//! A reading study: plain files in a study directory beside the recordings.
//!
//! - `study.toml` ([`StudyFile`]): the guideline (keymap and version), readers, reads per
//!   recording, QA reviewers, agreement gates, critical labels, and the assignment of readers
//!   to recordings with each reader's (shuffled) reading order;
//! - `readings.jsonl` ([`log::Reading`]): a reader finished or reopened a recording;
//! - `access.jsonl` ([`log::Access`]): every open of a recording within the study;
//! - beside each recording, the readers' stores as usual, `REC.consensus.*` from adjudication,
//!   and `REC.qa.decisions.jsonl` from QA of critical labels.
//!
//! The two logs are append-only, each line fsynced before the action is shown as done.

pub mod access;
pub mod assign;
pub mod audit;
pub mod file;
pub mod init;
pub mod log;
pub mod qa;
pub mod qa_level;
pub mod qa_walk;
pub mod reading;
pub mod status;

use std::path::{Path, PathBuf};

pub use file::{Assignment, Critical, Gates, Guideline, StudyFile, STUDY_FILE};

/// What went wrong with a study, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {detail}", path.display())]
    Invalid { path: PathBuf, detail: String },
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Store(#[from] crate::annotations::StoreError),
}

/// A study directory and its `study.toml`.
#[derive(Debug, Clone)]
pub struct Study {
    pub dir: PathBuf,
    pub file: StudyFile,
}

impl Study {
    /// Reads `DIR/study.toml`.
    pub fn open(dir: &Path) -> Result<Study, StudyError> {
        let file = StudyFile::read(&dir.join(STUDY_FILE))?;
        Ok(Study {
            dir: dir.to_path_buf(),
            file,
        })
    }

    /// Writes `DIR/study.toml` atomically.
    pub fn save(&self) -> Result<(), StudyError> {
        self.file.write(&self.dir.join(STUDY_FILE))
    }

    /// The file of an assigned recording (its path in `study.toml` is relative to the study
    /// directory, with `/` separators).
    pub fn recording_path(&self, a: &Assignment) -> PathBuf {
        self.dir.join(&a.path)
    }

    /// The assignment of the recording at `rel` (as written in `study.toml`).
    pub fn assignment(&self, rel: &str) -> Option<&Assignment> {
        self.file.recordings.iter().find(|a| a.path == rel)
    }

    /// `DIR/readings.jsonl`.
    pub fn readings_path(&self) -> PathBuf {
        self.dir.join(log::READINGS_FILE)
    }

    /// `DIR/access.jsonl`.
    pub fn access_path(&self) -> PathBuf {
        self.dir.join(log::ACCESS_FILE)
    }
}

/// The study a recording belongs to: the nearest directory above it holding a `study.toml`
/// that lists it, with the recording's path as written there. Recordings outside any study
/// (the usual case) give `None`; an unreadable `study.toml` is an error, so an access is never
/// silently left out of a study's log.
pub fn containing(recording: &Path) -> Result<Option<(Study, String)>, StudyError> {
    let abs = std::path::absolute(recording).map_err(|source| StudyError::Io {
        path: recording.to_path_buf(),
        source,
    })?;
    for dir in abs.ancestors().skip(1) {
        if !dir.join(STUDY_FILE).is_file() {
            continue;
        }
        let study = Study::open(dir)?;
        let Ok(rel) = abs.strip_prefix(dir) else {
            continue;
        };
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if study.assignment(&rel).is_some() {
            return Ok(Some((study, rel)));
        }
    }
    Ok(None)
}

/// Appends an open of `recording` to its study's `access.jsonl` (fsynced) when it lies in a
/// study; does nothing otherwise. Returns whether it was logged. Every command that shows a
/// recording's signal or events (viewer, QA, adjudication, export, compare) calls this first.
pub fn record_access(
    recording: &Path,
    who: &str,
    mode: log::AccessMode,
    forced: bool,
) -> Result<bool, StudyError> {
    let Some((study, rel)) = containing(recording)? else {
        return Ok(false);
    };
    let entry = log::Access {
        time: log::now(),
        who: who.to_string(),
        recording: rel,
        mode,
        forced,
    };
    log::append(&study.access_path(), &entry)?;
    Ok(true)
}
