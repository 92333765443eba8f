//! One reader's events for one recording, kept so that nothing marked is ever lost:
//!
//! - every edit is appended to `REC.READER.journal.jsonl` and flushed to disk (fsync) before
//!   the caller shows it as done; the journal is never truncated (it is the audit trail);
//! - `REC.READER.events.tsv` is rewritten atomically (temporary file, fsync, rename, fsync of
//!   the directory) on save; `REC.READER.events.json` records provenance and the last journal
//!   entry the table includes, so on open every later entry is replayed (replay sets each
//!   event to its state after the entry, so replaying an entry twice changes nothing);
//! - `REC.READER.lock` keeps a second process from writing the same files;
//! - a table that cannot be read is reported with its line and never overwritten.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::event::{now, Certainty, Event};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A file that cannot be read; `line` is 1-based (0 when not about one line).
    #[error("{}:{line}: {detail}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("{}: {reader}'s events are open in another sigmark (process {pid} on {host}, since {since}); close it first, or remove the lock file if that process is gone", path.display())]
    Locked {
        path: PathBuf,
        reader: String,
        pid: u32,
        host: String,
        since: String,
    },
    #[error(
        "reader name {0:?}: use letters, digits, '.', '_' or '-' (it becomes part of file names)"
    )]
    BadReader(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

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
        let f = |suffix: &str| dir.join(format!("{stem}.{reader}.{suffix}"));
        Paths {
            events: f("events.tsv"),
            sidecar: f("events.json"),
            journal: f("journal.jsonl"),
            lock: f("lock"),
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
                        .strip_suffix(".events.tsv")?
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

/// Provenance written beside the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub seq: u64,
    pub time: String,
    pub reader: String,
    /// add, delete, change, undo, redo, import.
    pub action: String,
    pub id: String,
    pub before: Option<Event>,
    pub after: Option<Event>,
}

/// An edit as the undo stack keeps it: the event's state before and after.
#[derive(Debug, Clone, PartialEq)]
struct Edit {
    id: String,
    before: Option<Event>,
    after: Option<Event>,
}

/// The lock file, removed when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".into())
}

/// Whether process `pid` runs on this machine. Without /proc (not Linux) a lock is assumed
/// live: better a message to remove it by hand than two writers.
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    // A zombie (killed, not yet reaped by its parent) holds nothing: its state in
    // /proc/PID/stat, after the command name in parentheses, is 'Z'.
    match std::fs::read_to_string(proc.join(pid.to_string()).join("stat")) {
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

impl Lock {
    /// Takes the lock, or says who holds it. A lock left by a dead process on this host is
    /// taken over (and `stale` says so).
    pub fn acquire(path: &Path, reader: &str) -> Result<(Lock, Option<String>), StoreError> {
        let host = hostname();
        let mut stale = None;
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(path) {
                Ok(mut f) => {
                    let body = format!("{}\n{}\n{}\n", std::process::id(), host, now());
                    f.write_all(body.as_bytes())
                        .and_then(|_| f.sync_all())
                        .map_err(io(path))?;
                    return Ok((
                        Lock {
                            path: path.to_path_buf(),
                        },
                        stale,
                    ));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let text = std::fs::read_to_string(path).unwrap_or_default();
                    let mut lines = text.lines();
                    let pid = lines.next().and_then(|p| p.trim().parse::<u32>().ok());
                    let holder = lines.next().unwrap_or("").trim().to_string();
                    let since = lines.next().unwrap_or("").trim().to_string();
                    let dead = match pid {
                        Some(p) => holder == host && !process_alive(p),
                        // Half-written by a process that died while taking it.
                        None => text.trim().is_empty() || text.len() < 3,
                    };
                    if dead {
                        stale = Some(format!(
                            "took over a stale lock left by process {} on {holder}",
                            pid.map_or("?".into(), |p| p.to_string())
                        ));
                        std::fs::remove_file(path).map_err(io(path))?;
                        continue;
                    }
                    return Err(StoreError::Locked {
                        path: path.to_path_buf(),
                        reader: reader.to_string(),
                        pid: pid.unwrap_or(0),
                        host: crate::text::sanitize(&holder),
                        since: crate::text::sanitize(&since),
                    });
                }
                Err(e) => return Err(io(path)(e)),
            }
        }
        Err(StoreError::Parse {
            path: path.to_path_buf(),
            line: 0,
            detail: "could not take the lock".into(),
        })
    }
}

/// What opening found beyond the saved table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Recovery {
    /// Journal entries replayed (edits made after the last save).
    pub replayed: usize,
    /// A torn last journal line (a crash while writing it) that was ignored.
    pub torn_line: bool,
    pub stale_lock: Option<String>,
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
        if self.torn_line {
            parts.push("ignored a half-written last journal line".into());
        }
        if let Some(s) = &self.stale_lock {
            parts.push(s.clone());
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}

/// The events of one reader, in onset order, with undo and redo.
#[derive(Debug)]
pub struct Store {
    pub paths: Paths,
    pub reader: String,
    /// Who the journal attributes edits to: the reader, or the adjudicator for the consensus.
    pub author: String,
    pub provenance: Provenance,
    events: Vec<Event>,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    journal: File,
    seq: u64,
    saved_seq: u64,
    _lock: Lock,
}

/// The "reader" name of the adjudicated consensus file (`REC.consensus.events.tsv`).
pub const CONSENSUS: &str = "consensus";

/// Columns of the events table, in order.
pub const COLUMNS: [&str; 10] = [
    "onset",
    "duration",
    "label",
    "channel",
    "certainty",
    "note",
    "reader",
    "id",
    "created",
    "modified",
];

/// Reads an events table; any bad line is an error naming it.
pub fn read_table(path: &Path) -> Result<Vec<Event>, StoreError> {
    let file = File::open(path).map_err(io(path))?;
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .flexible(true)
        .from_reader(BufReader::new(file));
    let parse = |line: usize, detail: String| StoreError::Parse {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let header = rd.headers().map_err(|e| parse(1, e.to_string()))?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(onset), Some(duration), Some(label)) = (col("onset"), col("duration"), col("label"))
    else {
        return Err(parse(
            1,
            format!(
                "the header must name at least onset, duration and label (columns: {})",
                COLUMNS.join(", ")
            ),
        ));
    };
    let idx: Vec<Option<usize>> = COLUMNS.iter().map(|c| col(c)).collect();
    let mut out = Vec::new();
    for (k, rec) in rd.records().enumerate() {
        let line = k + 2;
        let rec = rec.map_err(|e| parse(line, e.to_string()))?;
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
        let num = |i: usize, what: &str| -> Result<f64, StoreError> {
            let text = rec.get(i).unwrap_or("");
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    parse(
                        line,
                        format!("{what} {text:?} is not a number of seconds >= 0"),
                    )
                })
        };
        let certainty = Certainty::parse(get(idx[4])).ok_or_else(|| {
            parse(
                line,
                format!("certainty {:?} is not definite or possible", get(idx[4])),
            )
        })?;
        let label_text = get(Some(label));
        if label_text.is_empty() {
            return Err(parse(line, "empty label".into()));
        }
        out.push(Event {
            onset: num(onset, "onset")?,
            duration: num(duration, "duration")?,
            label: unescape(label_text),
            channel: unescape(get(idx[3])),
            certainty,
            note: unescape(get(idx[5])),
            reader: unescape(get(idx[6])),
            id: get(idx[7]).to_string(),
            created: get(idx[8]).to_string(),
            modified: get(idx[9]).to_string(),
            source: unescape(get(col("source"))),
            adjudicator: unescape(get(col("adjudicator"))),
        });
    }
    Ok(out)
}

/// Tabs, newlines and backslashes in text fields are written as `\t`, `\n`, `\\`, so every
/// event stays one line of the table and a note is stored exactly as typed.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

/// The inverse of `escape`.
pub fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut o = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            o.push(c);
            continue;
        }
        match it.next() {
            Some('t') => o.push('\t'),
            Some('n') => o.push('\n'),
            Some('r') => o.push('\r'),
            Some('\\') => o.push('\\'),
            Some(other) => {
                o.push('\\');
                o.push(other);
            }
            None => o.push('\\'),
        }
    }
    o
}

/// The table as text; the consensus columns `source` and `adjudicator` are added when any
/// event has them.
pub fn table_text(events: &[Event]) -> String {
    let extra = events
        .iter()
        .any(|e| !e.source.is_empty() || !e.adjudicator.is_empty());
    table_text_with(events, extra)
}

/// The table as text, with or without the consensus columns.
pub fn table_text_with(events: &[Event], consensus: bool) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(64 + events.len() * 120);
    s.push_str(&COLUMNS.join("\t"));
    if consensus {
        s.push_str("\tsource\tadjudicator");
    }
    s.push('\n');
    for e in events {
        let _ = write!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.onset,
            e.duration,
            escape(&e.label),
            escape(&e.channel),
            e.certainty.as_str(),
            escape(&e.note),
            escape(&e.reader),
            e.id,
            e.created,
            e.modified
        );
        if consensus {
            let _ = write!(s, "\t{}\t{}", escape(&e.source), escape(&e.adjudicator));
        }
        s.push('\n');
    }
    s
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, fsync, rename
/// over the old file, fsync of the directory. A crash leaves the old file or the new one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".sigmark-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io(path))?;
    tmp.write_all(bytes).map_err(io(path))?;
    tmp.as_file().sync_all().map_err(io(path))?;
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

impl Store {
    /// Opens (or starts) `reader`'s events: takes the lock, reads the table and the sidecar,
    /// replays the journal entries made after the last save.
    pub fn open(
        paths: Paths,
        reader: &str,
        provenance: Provenance,
    ) -> Result<(Store, Recovery), StoreError> {
        check_reader(reader)?;
        if let Some(dir) = paths.events.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        let (lock, stale_lock) = Lock::acquire(&paths.lock, reader)?;
        let mut events = if paths.events.is_file() {
            read_table(&paths.events)?
        } else {
            Vec::new()
        };
        let saved_seq = if paths.sidecar.is_file() {
            let text = std::fs::read_to_string(&paths.sidecar).map_err(io(&paths.sidecar))?;
            let side: Sidecar = serde_json::from_str(&text).map_err(|e| StoreError::Parse {
                path: paths.sidecar.clone(),
                line: e.line(),
                detail: e.to_string(),
            })?;
            side.journal_seq
        } else {
            0
        };
        let mut recovery = Recovery {
            stale_lock,
            ..Recovery::default()
        };
        let mut seq = saved_seq;
        if paths.journal.is_file() {
            let f = File::open(&paths.journal).map_err(io(&paths.journal))?;
            let lines: Vec<String> = BufReader::new(f)
                .lines()
                .collect::<Result<_, _>>()
                .map_err(io(&paths.journal))?;
            let n = lines.len();
            for (k, line) in lines.iter().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let entry: JournalEntry = match serde_json::from_str(line) {
                    Ok(e) => e,
                    // Only the last line can be torn by a crash; anything else is damage.
                    Err(_) if k + 1 == n => {
                        recovery.torn_line = true;
                        continue;
                    }
                    Err(e) => {
                        return Err(StoreError::Parse {
                            path: paths.journal.clone(),
                            line: k + 1,
                            detail: e.to_string(),
                        })
                    }
                };
                seq = seq.max(entry.seq);
                if entry.seq > saved_seq {
                    set_state(&mut events, &entry.id, entry.after);
                    recovery.replayed += 1;
                }
            }
        }
        sort(&mut events);
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&paths.journal)
            .map_err(io(&paths.journal))?;
        let store = Store {
            paths,
            reader: reader.to_string(),
            author: reader.to_string(),
            provenance,
            events,
            undo: Vec::new(),
            redo: Vec::new(),
            journal,
            seq,
            saved_seq,
            _lock: lock,
        };
        Ok((store, recovery))
    }

    /// Events in onset order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn get(&self, id: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id == id)
    }

    /// Edits made since the last save.
    /// A number that changes with every edit (the journal's sequence number).
    pub fn revision(&self) -> u64 {
        self.seq
    }

    pub fn is_dirty(&self) -> bool {
        self.seq > self.saved_seq
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Index of the first event whose onset is at or after `t`.
    pub fn first_at_or_after(&self, t: f64) -> usize {
        self.events.partition_point(|e| e.onset < t)
    }

    /// Appends one entry to the journal and makes it durable.
    fn journal(
        &mut self,
        action: &str,
        id: &str,
        before: Option<Event>,
        after: Option<Event>,
    ) -> Result<(), StoreError> {
        let entry = JournalEntry {
            seq: self.seq + 1,
            time: now(),
            reader: self.author.clone(),
            action: action.to_string(),
            id: id.to_string(),
            before,
            after,
        };
        let mut line = serde_json::to_string(&entry).map_err(|e| StoreError::Parse {
            path: self.paths.journal.clone(),
            line: 0,
            detail: e.to_string(),
        })?;
        line.push('\n');
        let path = self.paths.journal.clone();
        self.journal.write_all(line.as_bytes()).map_err(io(&path))?;
        self.journal.sync_data().map_err(io(&path))?;
        self.seq += 1;
        Ok(())
    }

    /// Journals then applies an edit; a new edit clears the redo stack.
    fn edit(&mut self, action: &str, id: &str, after: Option<Event>) -> Result<(), StoreError> {
        let before = self.get(id).cloned();
        self.journal(action, id, before.clone(), after.clone())?;
        set_state(&mut self.events, id, after.clone());
        self.undo.push(Edit {
            id: id.to_string(),
            before,
            after,
        });
        self.redo.clear();
        Ok(())
    }

    pub fn add(&mut self, event: Event) -> Result<(), StoreError> {
        let id = event.id.clone();
        self.edit("add", &id, Some(event))
    }

    /// Adds an event copied from elsewhere (an embedded annotation, another table).
    pub fn import(&mut self, event: Event) -> Result<(), StoreError> {
        let id = event.id.clone();
        self.edit("import", &id, Some(event))
    }

    pub fn delete(&mut self, id: &str) -> Result<bool, StoreError> {
        if self.get(id).is_none() {
            return Ok(false);
        }
        self.edit("delete", id, None)?;
        Ok(true)
    }

    /// Replaces the event with `after.id`, stamping `modified`.
    pub fn change(&mut self, mut after: Event) -> Result<bool, StoreError> {
        let Some(before) = self.get(&after.id) else {
            return Ok(false);
        };
        if *before == after {
            return Ok(false);
        }
        after.modified = now();
        let id = after.id.clone();
        self.edit("change", &id, Some(after))?;
        Ok(true)
    }

    /// Undoes the last edit; returns the id it touched.
    pub fn undo(&mut self) -> Result<Option<String>, StoreError> {
        let Some(e) = self.undo.pop() else {
            return Ok(None);
        };
        if let Err(err) = self.journal("undo", &e.id, e.after.clone(), e.before.clone()) {
            self.undo.push(e);
            return Err(err);
        }
        set_state(&mut self.events, &e.id, e.before.clone());
        let id = e.id.clone();
        self.redo.push(e);
        Ok(Some(id))
    }

    pub fn redo(&mut self) -> Result<Option<String>, StoreError> {
        let Some(e) = self.redo.pop() else {
            return Ok(None);
        };
        if let Err(err) = self.journal("redo", &e.id, e.before.clone(), e.after.clone()) {
            self.redo.push(e);
            return Err(err);
        }
        set_state(&mut self.events, &e.id, e.after.clone());
        let id = e.id.clone();
        self.undo.push(e);
        Ok(Some(id))
    }

    /// Rewrites the table and the sidecar atomically (table first: a crash between the two
    /// leaves an older `journal_seq`, and replaying entries already in the table is harmless).
    pub fn save(&mut self) -> Result<(), StoreError> {
        let consensus = self.reader == CONSENSUS;
        write_atomic(
            &self.paths.events,
            table_text_with(&self.events, consensus).as_bytes(),
        )?;
        let p = &self.provenance;
        let side = Sidecar {
            recording: p
                .recording
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            recording_sha256: p.sha256.clone(),
            recording_size: p.size,
            format: p.format.clone(),
            keymap: p.keymap.clone(),
            keymap_version: p.keymap_version.clone(),
            reader: self.reader.clone(),
            sigmark_version: env!("CARGO_PKG_VERSION").to_string(),
            saved: now(),
            journal_seq: self.seq,
            events: self.events.len(),
        };
        let mut json = serde_json::to_string_pretty(&side).map_err(|e| StoreError::Parse {
            path: self.paths.sidecar.clone(),
            line: 0,
            detail: e.to_string(),
        })?;
        json.push('\n');
        write_atomic(&self.paths.sidecar, json.as_bytes())?;
        self.saved_seq = self.seq;
        Ok(())
    }
}

/// Sets event `id` to `state` (None removes it), keeping onset order.
fn set_state(events: &mut Vec<Event>, id: &str, state: Option<Event>) {
    if let Some(i) = events.iter().position(|e| e.id == id) {
        events.remove(i);
    }
    if let Some(e) = state {
        let at = events.partition_point(|x| (x.onset, x.id.as_str()) < (e.onset, e.id.as_str()));
        events.insert(at, e);
    }
}

fn sort(events: &mut [Event]) {
    events.sort_by(|a, b| a.onset.total_cmp(&b.onset).then_with(|| a.id.cmp(&b.id)));
}

/// Reads another reader's table for display (read-only, no lock).
pub fn read_other(
    recording: &Path,
    reader: &str,
    dir: Option<&Path>,
) -> Result<Vec<Event>, StoreError> {
    let p = Paths::new(recording, reader, dir);
    let mut ev = read_table(&p.events)?;
    sort(&mut ev);
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(onset: f64, label: &str) -> Event {
        Event {
            onset,
            duration: 0.0,
            label: label.into(),
            channel: String::new(),
            certainty: Certainty::Definite,
            note: String::new(),
            reader: "alice".into(),
            id: super::super::event::new_id(),
            created: now(),
            modified: now(),
            ..Default::default()
        }
    }

    fn open(dir: &Path) -> (Store, Recovery) {
        Store::open(
            Paths::new(&dir.join("rec.edf"), "alice", None),
            "alice",
            Provenance::default(),
        )
        .unwrap()
    }

    #[test]
    fn edits_undo_redo_and_round_trip() {
        let d = tempfile::tempdir().unwrap();
        let (mut s, rec) = open(d.path());
        assert_eq!(rec, Recovery::default());
        let a = ev(2.5, "PVC");
        let mut b = ev(1.25, "AF");
        b.duration = 30.0;
        b.note = "tab\there\nline \\ two".into();
        s.add(a.clone()).unwrap();
        s.add(b.clone()).unwrap();
        assert_eq!(
            s.events().iter().map(|e| e.onset).collect::<Vec<_>>(),
            vec![1.25, 2.5]
        );
        let mut a2 = a.clone();
        a2.onset = 3.0;
        assert!(s.change(a2).unwrap());
        assert_eq!(s.events()[1].onset, 3.0);
        s.undo().unwrap();
        assert_eq!(s.events()[1].onset, 2.5);
        s.redo().unwrap();
        assert_eq!(s.events()[1].onset, 3.0);
        s.delete(&b.id).unwrap();
        s.undo().unwrap();
        assert_eq!(s.events().len(), 2);
        s.save().unwrap();
        let table = read_table(&s.paths.events).unwrap();
        assert_eq!(table, s.events());
        assert_eq!(table[0].note, b.note);
        drop(s);
        let (s, rec) = open(d.path());
        assert_eq!(rec.replayed, 0);
        assert_eq!(s.events(), table.as_slice());
    }

    #[test]
    fn unsaved_edits_come_back_from_the_journal() {
        let d = tempfile::tempdir().unwrap();
        let (mut s, _) = open(d.path());
        s.add(ev(1.0, "PVC")).unwrap();
        s.save().unwrap();
        s.add(ev(2.0, "PAC")).unwrap();
        let gone = s.events()[0].id.clone();
        s.delete(&gone).unwrap();
        let expect = s.events().to_vec();
        std::mem::forget(s); // a crash: no save, no unlock
        std::fs::remove_file(d.path().join("rec.alice.lock")).unwrap();
        let (s, rec) = open(d.path());
        assert_eq!(rec.replayed, 2);
        assert_eq!(s.events(), expect.as_slice());
    }

    #[test]
    fn a_torn_last_journal_line_is_ignored_and_damage_elsewhere_is_an_error() {
        let d = tempfile::tempdir().unwrap();
        let (mut s, _) = open(d.path());
        s.add(ev(1.0, "PVC")).unwrap();
        let journal = s.paths.journal.clone();
        drop(s);
        let mut text = std::fs::read_to_string(&journal).unwrap();
        text.push_str("{\"seq\":2,\"ti");
        std::fs::write(&journal, &text).unwrap();
        let (s, rec) = open(d.path());
        assert!(rec.torn_line && rec.replayed == 1, "{rec:?}");
        drop(s);
        std::fs::write(&journal, format!("garbage\n{text}\n")).unwrap();
        let e = Store::open(
            Paths::new(&d.path().join("rec.edf"), "alice", None),
            "alice",
            Provenance::default(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("journal.jsonl:1:"), "{e}");
    }

    #[test]
    fn a_bad_table_names_its_line_and_is_not_overwritten() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("rec.alice.events.tsv");
        let text = "onset\tduration\tlabel\n1\t0\tPVC\nsoon\t0\tPAC\n";
        std::fs::write(&p, text).unwrap();
        let e = Store::open(
            Paths::new(&d.path().join("rec.edf"), "alice", None),
            "alice",
            Provenance::default(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("events.tsv:3:") && e.to_string().contains("soon"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
        assert!(
            !d.path().join("rec.alice.lock").exists(),
            "the lock is released"
        );
    }

    #[test]
    fn the_lock_names_its_holder_and_a_dead_holder_is_taken_over() {
        let d = tempfile::tempdir().unwrap();
        let (s, _) = open(d.path());
        let e = Store::open(
            Paths::new(&d.path().join("rec.edf"), "alice", None),
            "alice",
            Provenance::default(),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("process {}", std::process::id())) && msg.contains(&hostname()),
            "{msg}"
        );
        drop(s);
        // A lock from a process that no longer exists.
        std::fs::write(
            d.path().join("rec.alice.lock"),
            format!("4000000\n{}\nyesterday\n", hostname()),
        )
        .unwrap();
        let (_s, rec) = open(d.path());
        assert!(rec.stale_lock.unwrap().contains("4000000"));
    }

    #[test]
    fn reader_names_must_be_safe_in_file_names() {
        for bad in ["", "../x", "a b", ".hidden", "x/y", "é"] {
            assert!(check_reader(bad).is_err(), "{bad}");
        }
        check_reader("dr.smith_2-a").unwrap();
    }
}
