//! The rows of one recording: its readers' tables, the consensus table and (on request) its own
//! EDF+ annotations, sorted by reader, onset and then every other column so that the order is
//! fully determined by the content.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::discover::Candidate;
use super::{Problem, ProblemKind, Readers};
use crate::annotations::store::{read_table, sidecar_of, Sidecar};
use crate::annotations::{Event, Taxonomy};
use crate::formats::OpenOptions;
use crate::signal::{Annotation, Recording, StartTime};

/// What every row of one recording shares.
#[derive(Debug, Clone, PartialEq)]
pub struct RecInfo {
    pub recording: String,
    pub sha256: String,
    pub format: String,
    pub duration_s: f64,
    pub start: Option<StartTime>,
}

/// One event of the exported table (`onset_time` and `start_time` are derived from
/// `rec.start` by the writers).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub rec: Arc<RecInfo>,
    pub reader: String,
    pub label: String,
    pub code: String,
    pub onset_s: f64,
    /// `None` for embedded annotations without a duration.
    pub duration_s: Option<f64>,
    pub channel: String,
    pub certainty: String,
    pub note: String,
    /// The readers the event came from: the reader itself, the consensus table's `source`
    /// column, or `embedded`.
    pub source: String,
    pub created: String,
    pub modified: String,
}

/// Settings shared by every recording of a run.
#[derive(Debug, Clone)]
pub struct Context {
    pub readers: Readers,
    pub embedded: bool,
    pub open: OpenOptions,
    /// Label name to code, from the shipped taxonomies (ecg, eeg, rpm; first one wins).
    pub codes: HashMap<String, String>,
    /// The caller's filter on events (`--qa confirmed`).
    pub keep: Option<super::keep::Keep>,
}

impl Context {
    pub fn new(readers: Readers, embedded: bool, open: OpenOptions) -> Context {
        Context {
            readers,
            embedded,
            open,
            codes: label_codes(),
            keep: None,
        }
    }
}

/// Label codes from the three shipped taxonomies. A label that two of them share keeps the code
/// of the first (ecg, eeg, rpm).
pub fn label_codes() -> HashMap<String, String> {
    let mut codes = HashMap::new();
    for name in ["ecg", "eeg", "rpm"] {
        let Ok(t) = Taxonomy::choose(name, None) else {
            continue;
        };
        for l in t.labels {
            if let Some(code) = l.code {
                codes.entry(l.name).or_insert(code);
            }
        }
    }
    codes
}

/// One recording's outcome.
#[derive(Debug, Default)]
pub struct RecRows {
    pub rows: Vec<Row>,
    pub readers: Vec<String>,
    /// Tables that could not be read (the rest of the recording is still exported).
    pub problems: Vec<Problem>,
    /// The recording itself could not be opened: nothing of it is exported.
    pub skipped: Option<Problem>,
}

/// Opens the recording (header only), reads its tables and returns its rows sorted.
pub fn collect(c: &Candidate, ctx: &Context) -> RecRows {
    let mut out = RecRows::default();
    let (rec, info) = match open_recording(c, ctx) {
        Ok(opened) => opened,
        Err(problem) => {
            out.skipped = Some(problem);
            return out;
        }
    };
    reader_rows(c, ctx, &info, &mut out);
    consensus_rows(c, ctx, &info, &mut out);
    if ctx.embedded && !rec.annotations.is_empty() {
        out.readers.push("embedded".into());
        out.rows.extend(
            rec.annotations
                .iter()
                .map(|a| embedded_row(&info, &ctx.codes, a)),
        );
    }
    out.rows.sort_by(row_order);
    out
}

/// The recording (header only) and what its rows share; a problem if it cannot be opened or
/// hashed, in which case nothing of it is exported.
fn open_recording(c: &Candidate, ctx: &Context) -> Result<(Recording, Arc<RecInfo>), Problem> {
    let skipped = |detail: String| Problem::new(&c.path, ProblemKind::Recording, detail);
    let rec = crate::formats::open_with(&c.path, &ctx.open)
        .map_err(|e| skipped(format!("not a readable recording: {e}")))?;
    let sha =
        recording_sha256(c).map_err(|e| skipped(format!("cannot read it for its SHA-256: {e}")))?;
    let info = Arc::new(RecInfo {
        recording: c.rel.clone(),
        sha256: sha,
        format: rec.format.name().to_string(),
        duration_s: rec.duration_s,
        start: rec.start,
    });
    Ok((rec, info))
}

/// The rows of every wanted reader's table; a malformed table is a problem, not the end.
fn reader_rows(c: &Candidate, ctx: &Context, info: &Arc<RecInfo>, out: &mut RecRows) {
    for (reader, path) in &c.tables {
        if !ctx.readers.wants(reader) {
            continue;
        }
        let read = read_table(path)
            .map_err(|e| format!("malformed events table: {e}"))
            .and_then(|ev| kept(c, ctx, reader, ev));
        match read {
            Ok(events) => {
                out.readers.push(reader.clone());
                out.rows.extend(
                    events
                        .into_iter()
                        .map(|e| event_row(info, reader, &ctx.codes, e)),
                );
            }
            Err(detail) => out
                .problems
                .push(Problem::new(path, ProblemKind::Table, detail)),
        }
    }
}

fn event_row(info: &Arc<RecInfo>, reader: &str, codes: &HashMap<String, String>, e: Event) -> Row {
    Row {
        rec: info.clone(),
        reader: reader.to_owned(),
        code: codes.get(&e.label).cloned().unwrap_or_default(),
        label: e.label,
        onset_s: e.onset,
        duration_s: Some(e.duration),
        channel: e.channel,
        certainty: e.certainty.as_str().to_string(),
        note: e.note,
        source: reader.to_owned(),
        created: e.created,
        modified: e.modified,
    }
}

/// The consensus table's rows, when there is one and it is wanted.
fn consensus_rows(c: &Candidate, ctx: &Context, info: &Arc<RecInfo>, out: &mut RecRows) {
    let Some(path) = c
        .consensus
        .as_ref()
        .filter(|_| ctx.readers.wants("consensus"))
    else {
        return;
    };
    let keep = |events| kept(c, ctx, "consensus", events);
    match super::consensus::read(path, info, &ctx.codes, &keep) {
        Ok(rows) => {
            out.readers.push("consensus".into());
            out.rows.extend(rows);
        }
        Err(detail) => out
            .problems
            .push(Problem::new(path, ProblemKind::Table, detail)),
    }
}

/// The events of one table that the caller's filter keeps (all without one).
fn kept(
    c: &Candidate,
    ctx: &Context,
    reader: &str,
    events: Vec<Event>,
) -> Result<Vec<Event>, String> {
    match &ctx.keep {
        Some(k) => k.apply(&c.path, reader, events),
        None => Ok(events),
    }
}

fn embedded_row(info: &Arc<RecInfo>, codes: &HashMap<String, String>, a: &Annotation) -> Row {
    Row {
        rec: info.clone(),
        reader: "embedded".into(),
        code: codes.get(&a.text).cloned().unwrap_or_default(),
        label: a.text.clone(),
        onset_s: a.onset_s,
        duration_s: a.duration_s,
        channel: a.channel.clone().unwrap_or_default(),
        certainty: String::new(),
        note: String::new(),
        source: "embedded".into(),
        created: String::new(),
        modified: String::new(),
    }
}

/// Reader, onset, then every other column: two runs give the same order whatever order the
/// tables list their events in.
pub fn row_order(a: &Row, b: &Row) -> Ordering {
    let dur = |r: &Row| r.duration_s.unwrap_or(-1.0);
    a.reader
        .cmp(&b.reader)
        .then(a.onset_s.total_cmp(&b.onset_s))
        .then(dur(a).total_cmp(&dur(b)))
        .then_with(|| a.label.cmp(&b.label))
        .then_with(|| a.channel.cmp(&b.channel))
        .then_with(|| a.certainty.cmp(&b.certainty))
        .then_with(|| a.note.cmp(&b.note))
        .then_with(|| a.source.cmp(&b.source))
        .then_with(|| a.created.cmp(&b.created))
        .then_with(|| a.modified.cmp(&b.modified))
}

/// The recording's SHA-256: taken from a reader's provenance sidecar when one records it for a
/// file of the same size (the first reader in name order), else computed by streaming the
/// file (the sidecar saves reading gigabytes; the size check catches a replaced recording).
fn recording_sha256(c: &Candidate) -> std::io::Result<String> {
    let size = std::fs::metadata(&c.path)?.len();
    for (_, table) in &c.tables {
        if let Some(sha) = sidecar_sha(table, size) {
            return Ok(sha);
        }
    }
    hash_file(&c.path)
}

fn sidecar_sha(table: &Path, size: u64) -> Option<String> {
    let s = Sidecar::read(&sidecar_of(table)?).ok()?;
    let sha = s
        .recording_sha256
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    (s.recording_size == size).then(|| sha.to_ascii_lowercase())
}

/// SHA-256 of a file, read in 1 MiB pieces.
pub fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
