//! The journal file `REC.READER.journal.jsonl`: one JSON entry per line, appended and fsynced
//! before an edit is shown as done.
//!
//! - An append that fails (a full disk) is cut back to the last complete line, so the next
//!   append starts on a fresh line instead of joining a fragment.
//! - Replay keeps every intact entry: a torn last line (a crash while writing it, cut at any
//!   byte, even inside a UTF-8 character) is ignored; a damaged line in the middle (bad UTF-8,
//!   bad JSON, an impossible sequence number) is reported by its line number, and an intact
//!   entry appended onto a fragment is recovered from the end of that line.
//! - After damage the original file is kept beside the journal as
//!   `REC.READER.journal.jsonl.damaged-YYYYMMDDTHHMMSSZ` and the journal is rewritten
//!   atomically with the intact lines only, so the damage is reported once and new appends
//!   continue on clean lines; the backup keeps the audit trail whole.
//!
//! The scanner is generic over the entry type ([`Line`]), so other append-only JSON-lines files
//! (the adjudication's decisions) get the same handling.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::annotations::event::Event;

/// The largest sequence number sigmark writes: 2^53 - 1, the largest integer every JSON reader
/// holds exactly. At a million edits a second it lasts 285 years, so a larger number in a
/// journal or sidecar was never written by sigmark and is reported as impossible.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

/// What a journal entry did; the strings are the journal's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Add,
    Delete,
    Change,
    Undo,
    Redo,
    /// An event copied in (accepted detections, a consensus copy).
    Import,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Delete => "delete",
            Action::Change => "change",
            Action::Undo => "undo",
            Action::Redo => "redo",
            Action::Import => "import",
        }
    }
}

impl PartialEq<&str> for Action {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// One line of the journal. Unknown keys are accepted on purpose: a line that fails to parse
/// is damage, left out of the replay (kept only in the backup), so refusing a key a newer
/// sigmark added would lose that edit instead of reporting a typo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub time: String,
    pub reader: String,
    pub action: Action,
    pub id: String,
    pub before: Option<Event>,
    pub after: Option<Event>,
    /// The label keymap (guideline) and its version the edit was made under, and the
    /// recording's SHA-256 when known, so every entry is traceable on its own. Journals from
    /// before these fields read with none (the sidecar has the last save's values only);
    /// absent values are not written, so such lines read as they always did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keymap: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keymap_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_sha256: Option<String>,
}

/// An entry of an append-only JSON-lines file that [`parse_lines`] scans.
pub trait Line: DeserializeOwned {
    /// How every serialised entry begins (its first field), to find an intact entry appended
    /// onto the fragment of a failed write.
    const START: &'static [u8];
    /// What makes a well-formed entry impossible.
    fn check(&self) -> Result<(), String> {
        Ok(())
    }
    /// The entry in a message, e.g. "entry 12".
    fn label(&self) -> String;
}

impl Line for JournalEntry {
    const START: &'static [u8] = b"{\"seq\"";

    fn check(&self) -> Result<(), String> {
        if self.seq == 0 || self.seq > MAX_SEQ {
            return Err(format!(
                "sequence number {} is impossible (sigmark writes 1 to {MAX_SEQ})",
                self.seq
            ));
        }
        Ok(())
    }

    fn label(&self) -> String {
        format!("entry {}", self.seq)
    }
}

/// A journal line that could not be replayed as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Damage {
    /// 1-based line number in the journal as it was found.
    pub line: usize,
    pub detail: String,
}

/// What opening found beyond the saved table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovery {
    /// Journal entries replayed (edits made after the last save).
    pub replayed: usize,
    /// A torn last journal line (a crash while writing it) that was ignored.
    pub torn_line: bool,
    pub stale_lock: Option<String>,
    /// Damaged journal lines (their intact neighbours were replayed).
    pub damaged: Vec<Damage>,
    /// Where the journal as found was kept when it had to be rewritten.
    pub backup: Option<PathBuf>,
    /// The sidecar's `journal_seq` when it was impossible (the whole journal was replayed).
    pub impossible_saved_seq: Option<u64>,
}

impl Recovery {
    pub fn message(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.replayed > 0 {
            parts.push(format!(
                "recovered {} unsaved edit(s) from the journal",
                self.replayed
            ));
        }
        if !self.damaged.is_empty() {
            let lines: Vec<String> = self.damaged.iter().map(|d| d.line.to_string()).collect();
            let first = &self.damaged[0];
            parts.push(format!(
                "damaged journal lines {} (line {}: {})",
                lines.join(", "),
                first.line,
                first.detail
            ));
        }
        if self.torn_line {
            parts.push("ignored a half-written last journal line".into());
        }
        if let Some(b) = &self.backup {
            parts.push(format!("backup kept at {}", b.display()));
        }
        if let Some(s) = self.impossible_saved_seq {
            parts.push(format!(
                "the sidecar's journal_seq {s} is impossible, so the whole journal was replayed"
            ));
        }
        if let Some(s) = &self.stale_lock {
            parts.push(s.clone());
        }
        (!parts.is_empty()).then(|| crate::text::sanitize(&parts.join("; ")))
    }
}

/// The journal (or another [`Line`] file) read back.
#[derive(Debug)]
pub struct Replayed<E = JournalEntry> {
    /// Intact entries in file order.
    pub entries: Vec<E>,
    pub damaged: Vec<Damage>,
    pub torn_line: bool,
    /// The intact lines, each ending in a newline, when the file must be rewritten.
    rewrite: Option<Vec<u8>>,
}

impl<E> Default for Replayed<E> {
    fn default() -> Self {
        Replayed {
            entries: Vec::new(),
            damaged: Vec::new(),
            torn_line: false,
            rewrite: None,
        }
    }
}

/// Reads the journal at `path` (a missing file is an empty journal).
pub fn read(path: &Path) -> Result<Replayed, StoreError> {
    read_lines(path)
}

/// Splits journal bytes into intact entries, damaged lines and a torn tail.
pub fn parse(bytes: &[u8]) -> Replayed {
    parse_lines(bytes)
}

/// Reads the [`Line`] file at `path` (a missing file is an empty one).
pub fn read_lines<E: Line>(path: &Path) -> Result<Replayed<E>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(parse_lines(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Replayed::default()),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Splits the bytes of a [`Line`] file into intact entries, damaged lines and a torn tail.
pub fn parse_lines<E: Line>(bytes: &[u8]) -> Replayed<E> {
    let mut out = Replayed::default();
    let mut clean = Vec::with_capacity(bytes.len());
    let mut dirty = false;
    let complete = bytes.ends_with(b"\n");
    let mut lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    if complete || bytes.is_empty() {
        lines.pop(); // the empty piece after the last newline
    }
    let n = lines.len();
    for (k, raw) in lines.into_iter().enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let torn_tail = k + 1 == n && !complete;
        match entry::<E>(raw) {
            Ok(e) => {
                clean.extend_from_slice(raw);
                clean.push(b'\n');
                dirty |= torn_tail; // a whole entry that only lacks its newline
                out.entries.push(e);
            }
            // The last line without its newline was being written when the writer stopped:
            // it was never acknowledged, whatever byte it stops at.
            Err(_) if torn_tail => {
                out.torn_line = true;
                dirty = true;
            }
            Err(detail) => {
                dirty = true;
                if let Some((at, e)) = salvage::<E>(raw) {
                    clean.extend_from_slice(&raw[at..]);
                    clean.push(b'\n');
                    out.damaged.push(Damage {
                        line: k + 1,
                        detail: format!(
                            "{at} byte(s) of a half-written entry before {} (kept the entry)",
                            e.label()
                        ),
                    });
                    out.entries.push(e);
                } else {
                    out.damaged.push(Damage {
                        line: k + 1,
                        detail,
                    });
                }
            }
        }
    }
    out.rewrite = dirty.then_some(clean);
    out
}

/// One line as an entry, or what is wrong with it.
fn entry<E: Line>(raw: &[u8]) -> Result<E, String> {
    let text = std::str::from_utf8(raw)
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1))?;
    let e: E = serde_json::from_str(text).map_err(|e| e.to_string())?;
    e.check()?;
    Ok(e)
}

/// An intact entry appended onto a fragment left by a failed write: the first
/// [`Line::START`] after the start of the line from which the rest parses.
fn salvage<E: Line>(raw: &[u8]) -> Option<(usize, E)> {
    (1..raw.len())
        .filter(|&i| raw[i..].starts_with(E::START))
        .find_map(|i| entry(&raw[i..]).ok().map(|e| (i, e)))
}

/// Keeps the journal as found beside it and rewrites it with its intact lines; returns the
/// backup's path. Nothing to do (None) when the journal was clean.
pub fn repair<E>(path: &Path, found: &Replayed<E>) -> Result<Option<PathBuf>, StoreError> {
    let Some(clean) = &found.rewrite else {
        return Ok(None);
    };
    let backup = backup_path(path);
    // A hard link needs no space on a full disk; a copy is the fallback where links are not
    // supported.
    if std::fs::hard_link(path, &backup).is_err() {
        std::fs::copy(path, &backup).map_err(|source| StoreError::Io {
            path: backup.clone(),
            source,
        })?;
        if let Ok(f) = File::open(&backup) {
            let _ = f.sync_all();
        }
    }
    sync_dir(path);
    super::write_atomic(path, clean)?;
    Ok(Some(backup))
}

/// `JOURNAL.damaged-YYYYMMDDTHHMMSSZ`, with `-2`, `-3`... when that name is taken.
fn backup_path(path: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let name = path.file_name().map_or_else(
        || "journal.jsonl".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let base = path.with_file_name(format!("{name}.damaged-{stamp}"));
    let mut candidate = base.clone();
    let mut k = 2;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{}-{k}", base.display()));
        k += 1;
    }
    candidate
}

/// Fsyncs the directory holding `path`, so a file created or renamed there survives a power
/// cut (POSIX makes the directory entry durable only through the directory).
pub fn sync_dir(path: &Path) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// What the journal is written to: a file, or in tests a writer that fails on purpose.
pub trait JournalFile: Write + Send + Sync + std::fmt::Debug {
    /// Cuts the file back to `len` bytes and makes that durable.
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()>;
    /// Makes the bytes written so far durable.
    fn sync(&mut self) -> std::io::Result<()>;
}

impl JournalFile for File {
    fn truncate_to(&mut self, len: u64) -> std::io::Result<()> {
        self.set_len(len)?;
        self.sync_all()
    }

    fn sync(&mut self) -> std::io::Result<()> {
        self.sync_data()
    }
}

/// Appends whole lines to the journal.
#[derive(Debug)]
pub struct Appender {
    file: Box<dyn JournalFile>,
    path: PathBuf,
    /// Bytes of complete lines in the file.
    len: u64,
    /// A failed append may have left bytes after `len` that are not cut off yet.
    fragment: bool,
    /// The last append's failure, until an append succeeds again.
    failure: Option<String>,
}

impl Appender {
    /// Opens the journal for appending, creating it (and fsyncing its directory) if needed.
    pub fn open(path: &Path) -> Result<Appender, StoreError> {
        let io = |source| StoreError::Io {
            path: path.to_path_buf(),
            source,
        };
        let existed = path.exists();
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        if !existed {
            sync_dir(path);
        }
        Ok(Appender::with_file(Box::new(file), path, len))
    }

    /// An appender over any journal file whose complete lines end at `len`.
    pub fn with_file(file: Box<dyn JournalFile>, path: &Path, len: u64) -> Appender {
        Appender {
            file,
            path: path.to_path_buf(),
            len,
            fragment: false,
            failure: None,
        }
    }

    /// Appends `line` (ending in a newline) durably, or leaves the file as it was.
    pub fn append(&mut self, line: &[u8]) -> Result<(), StoreError> {
        let result = self.cut_fragment().and_then(|()| {
            self.file.write_all(line)?;
            self.file.sync()
        });
        match result {
            Ok(()) => {
                self.len += line.len() as u64;
                self.failure = None;
                Ok(())
            }
            Err(source) => {
                self.fragment = true;
                // If cutting fails too (the disk is still full), the next append cuts first.
                let _ = self.cut_fragment();
                self.failure = Some(source.to_string());
                Err(StoreError::Io {
                    path: self.path.clone(),
                    source,
                })
            }
        }
    }

    fn cut_fragment(&mut self) -> std::io::Result<()> {
        if self.fragment {
            self.file.truncate_to(self.len)?;
            self.fragment = false;
        }
        Ok(())
    }

    /// Why the last append failed, until one succeeds again.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }
}

#[cfg(test)]
#[path = "journal_tests.rs"]
mod tests;
