//! The study's append-only logs: `readings.jsonl` (a reader finished or reopened a recording)
//! and `access.jsonl` (who opened which recording, when, in which mode). Each line is fsynced
//! before the caller goes on; a line cut short by a crash is reported and skipped on reading,
//! never rewritten (the access log is evidence).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::StudyError;
use crate::annotations::journal::{self, Line, Replayed};

pub const READINGS_FILE: &str = "readings.jsonl";
pub const ACCESS_FILE: &str = "access.jsonl";

/// A change of a reading's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// UTC, RFC 3339 with milliseconds, as the journal writes.
    pub time: String,
    pub reader: String,
    /// The recording's path as in `study.toml`.
    pub recording: String,
    pub state: ReadingState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadingState {
    Finished,
    Reopened,
}

/// One open of a recording within the study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Access {
    pub time: String,
    /// Who opened it: reader, adjudicator, QA reviewer or the exporting user.
    pub who: String,
    pub recording: String,
    pub mode: AccessMode,
    /// Opened outside the assignment with `--force`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessMode {
    View,
    Read,
    Qa,
    Adjudicate,
    Export,
    Compare,
    /// `sigmark audit REC`: every reader's events and their histories.
    Audit,
}

impl Line for Reading {
    const START: &'static [u8] = b"{\"time\"";
    fn label(&self) -> String {
        format!("reading of {} by {}", self.recording, self.reader)
    }
}

impl Line for Access {
    const START: &'static [u8] = b"{\"time\"";
    fn label(&self) -> String {
        format!("access to {} by {}", self.recording, self.who)
    }
}

/// Appends one entry as a JSON line, fsynced before returning.
pub fn append<E: Serialize>(path: &Path, entry: &E) -> Result<(), StudyError> {
    let mut line = serde_json::to_vec(entry).map_err(|e| StudyError::Invalid {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    line.push(b'\n');
    append_lines(path, &line)
}

/// Appends whole lines (each ending in a newline) to a log that several processes append to:
/// one `O_APPEND` write, then fsync. Unlike a reader's journal (one writer, under its lock), a
/// failed write is never cut back: a cut to the length seen at open could remove a line
/// another process appended meanwhile, and these logs are evidence. A line left short by a
/// failure or a crash makes the next append start on a fresh line; reading reports it.
pub fn append_lines(path: &Path, lines: &[u8]) -> Result<(), StudyError> {
    use std::io::Write;
    use std::os::unix::fs::FileExt;
    let io = |source| StudyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let existed = path.exists();
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(path)
        .map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let mut last = [b'\n'];
    if len > 0 {
        f.read_exact_at(&mut last, len - 1).map_err(io)?;
    }
    let mut buf = Vec::with_capacity(lines.len() + 1);
    if last[0] != b'\n' {
        buf.push(b'\n');
    }
    buf.extend_from_slice(lines);
    f.write_all(&buf).map_err(io)?;
    f.sync_data().map_err(io)?;
    if !existed {
        journal::sync_dir(path);
    }
    Ok(())
}

/// Every intact entry of a log (an absent log has none); damaged lines and a torn tail are
/// reported in `damaged` and `torn_line`.
pub fn read<E: Line>(path: &Path) -> Result<Replayed<E>, StudyError> {
    Ok(journal::read_lines(path)?)
}

/// Now, as the logs write it.
pub fn now() -> String {
    crate::annotations::event::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(ACCESS_FILE);
        let a = Access {
            time: "2026-12-01T10:00:00.000Z".into(),
            who: "alice".into(),
            recording: "a/rec.edf".into(),
            mode: AccessMode::Read,
            forced: false,
        };
        append(&path, &a).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"{\"time\":\"2026");
        std::fs::write(&path, &bytes).unwrap();
        let got = read::<Access>(&path).unwrap();
        println!("entries {:?}, torn {}", got.entries, got.torn_line);
        assert_eq!(got.entries, vec![a.clone()]);
        assert!(got.torn_line);
        // An entry appended after the torn tail starts on a fresh line (the fragment is kept:
        // the log is never rewritten) and is read.
        append(&path, &a).unwrap();
        let raw = std::fs::read(&path).unwrap();
        assert!(raw.starts_with(&bytes), "the earlier bytes are untouched");
        assert_eq!(raw[bytes.len()], b'\n', "the new line starts fresh");
        assert_eq!(read::<Access>(&path).unwrap().entries, vec![a.clone(), a]);
    }
}
