//! `sigmark study audit DIR`: the study's integrity, recording by recording (in parallel: the
//! recording's hash is the cost).
//!
//! - every table equals the replay of its journal from empty, event by event (up to the
//!   sidecar's `journal_seq`, or a later entry when a save was cut short between the table
//!   and the sidecar): a row edited, added or removed by hand is an anomaly;
//! - every sidecar records the recording's SHA-256 and size, and they match the file; a
//!   journal entry made on another recording hash is reported;
//! - every journal entry of a reader's table is by a reader assigned to the recording
//!   (consensus entries are the adjudicator's, accepted from anyone: `study.toml` names no
//!   adjudicators); every QA decision is by one of the study's QA reviewers;
//! - damaged and torn lines of journals and decision files are reported.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::history::{changes, set};
use super::{load, recording_sha256, ReaderFiles, RecordingFiles};
use crate::annotations::journal::{Damage, Replayed};
use crate::annotations::{Event, StoreError};
use crate::study::{Assignment, Study};

/// What kind of anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    RecordingMissing,
    Unreadable,
    NoSidecar,
    NoSha256,
    Sha256Mismatch,
    SizeMismatch,
    HashChanged,
    TableDiffers,
    NoJournalEntry,
    RowMissing,
    UnassignedReader,
    NotQaReviewer,
    DamagedLine,
    TornLine,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::RecordingMissing => "recording missing",
            Kind::Unreadable => "unreadable",
            Kind::NoSidecar => "no sidecar",
            Kind::NoSha256 => "no SHA-256",
            Kind::Sha256Mismatch => "SHA-256 mismatch",
            Kind::SizeMismatch => "size mismatch",
            Kind::HashChanged => "recording changed",
            Kind::TableDiffers => "table differs from journal",
            Kind::NoJournalEntry => "no journal entry",
            Kind::RowMissing => "row missing",
            Kind::UnassignedReader => "unassigned reader",
            Kind::NotQaReviewer => "not a QA reviewer",
            Kind::DamagedLine => "damaged line",
            Kind::TornLine => "torn line",
        }
    }
}

/// One thing wrong, naming the file (relative to the study directory) and where in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Anomaly {
    /// The recording, as in `study.toml`.
    pub recording: String,
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The event concerned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub kind: Kind,
    pub detail: String,
}

/// What the audit looked at and found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Report {
    pub recordings: usize,
    pub tables: usize,
    pub journal_entries: usize,
    pub anomalies: Vec<Anomaly>,
}

/// Audits every recording of the study, in parallel; anomalies in `study.toml` order.
pub fn audit(study: &Study) -> Report {
    let per: Vec<(usize, usize, Vec<Anomaly>)> = study
        .file
        .recordings
        .par_iter()
        .map(|a| audit_recording(study, a))
        .collect();
    let mut r = Report {
        recordings: per.len(),
        ..Report::default()
    };
    for (tables, entries, found) in per {
        r.tables += tables;
        r.journal_entries += entries;
        r.anomalies.extend(found);
    }
    r
}

/// Collects the anomalies of one recording.
struct Finder<'a> {
    study: &'a Study,
    a: &'a Assignment,
    found: Vec<Anomaly>,
}

impl Finder<'_> {
    fn push(
        &mut self,
        file: &Path,
        line: Option<usize>,
        id: Option<&str>,
        kind: Kind,
        detail: String,
    ) {
        let file = file
            .strip_prefix(&self.study.dir)
            .unwrap_or(file)
            .to_string_lossy()
            .replace('\\', "/");
        self.found.push(Anomaly {
            recording: self.a.path.clone(),
            file,
            line,
            id: id.map(str::to_string),
            kind,
            detail,
        });
    }

    fn unreadable(&mut self, file: &Path, e: &StoreError) {
        let line = match e {
            StoreError::Parse { line, .. } if *line > 0 => Some(*line),
            _ => None,
        };
        self.push(file, line, None, Kind::Unreadable, e.to_string());
    }

    fn damage<E>(&mut self, file: &Path, found: &Result<Replayed<E>, StoreError>) {
        match found {
            Err(e) => self.unreadable(file, e),
            Ok(r) => {
                for Damage { line, detail } in &r.damaged {
                    self.push(file, Some(*line), None, Kind::DamagedLine, detail.clone());
                }
                if r.torn_line {
                    let detail = "a half-written last line (never acknowledged)".to_string();
                    self.push(file, None, None, Kind::TornLine, detail);
                }
            }
        }
    }
}

/// (tables, journal entries, anomalies) of one recording.
fn audit_recording(study: &Study, a: &Assignment) -> (usize, usize, Vec<Anomaly>) {
    let rec = study.recording_path(a);
    let mut f = Finder {
        study,
        a,
        found: Vec::new(),
    };
    if !rec.is_file() {
        let detail = "listed in study.toml but not found".to_string();
        f.push(&rec, None, None, Kind::RecordingMissing, detail);
        return (0, 0, f.found);
    }
    let files = match load(&rec, None) {
        Ok(files) => files,
        Err(e) => {
            f.push(&rec, None, None, Kind::Unreadable, e.to_string());
            return (0, 0, f.found);
        }
    };
    let sha = match recording_sha256(&rec) {
        Ok(h) => Some(h),
        Err(e) => {
            f.push(&rec, None, None, Kind::Unreadable, e.to_string());
            None
        }
    };
    let size = std::fs::metadata(&rec).map_or(0, |m| m.len());
    let mut entries = 0;
    for r in &files.readers {
        entries += r.entries().len();
        f.damage(&r.paths.journal, &r.journal);
        provenance(&mut f, r, sha.as_deref(), size);
        authors(&mut f, r);
        replay(&mut f, r);
    }
    decisions(&mut f, &files);
    (files.readers.len(), entries, f.found)
}

/// The sidecar against the recording, and each journal entry's recorded hash.
fn provenance(f: &mut Finder, r: &ReaderFiles, sha: Option<&str>, size: u64) {
    let side = &r.paths.sidecar;
    match &r.sidecar {
        None if r.table.is_some() => {
            let detail = format!(
                "{} has no provenance sidecar",
                super::file_name(&r.paths.events)
            );
            f.push(side, None, None, Kind::NoSidecar, detail);
        }
        None => {}
        Some(Err(e)) => f.unreadable(side, e),
        Some(Ok(s)) => match (&s.recording_sha256, sha) {
            (None, _) => {
                let detail = "records no SHA-256 of the recording; it cannot be checked".into();
                f.push(side, None, None, Kind::NoSha256, detail);
            }
            (Some(rec), Some(now)) if !rec.eq_ignore_ascii_case(now) => {
                let detail = format!("records SHA-256 {rec}, but the recording has {now}");
                f.push(side, None, None, Kind::Sha256Mismatch, detail);
            }
            _ if s.recording_size != size => {
                let detail = format!(
                    "records a recording of {} bytes, but it has {size}",
                    s.recording_size
                );
                f.push(side, None, None, Kind::SizeMismatch, detail);
            }
            _ => {}
        },
    }
    let Some(now) = sha else { return };
    let other: Vec<_> = r
        .entries()
        .iter()
        .filter(|e| {
            e.recording_sha256
                .as_deref()
                .is_some_and(|h| !h.eq_ignore_ascii_case(now))
        })
        .collect();
    if let Some(first) = other.first() {
        let detail = format!(
            "{} entr{} (first: entry {}) made on a recording with SHA-256 {}, but it now has {now}",
            other.len(),
            if other.len() == 1 { "y" } else { "ies" },
            first.seq,
            first.recording_sha256.as_deref().unwrap_or_default()
        );
        f.push(&r.paths.journal, None, None, Kind::HashChanged, detail);
    }
}

/// Every edit of a reader's table is by a reader assigned to the recording.
fn authors(f: &mut Finder, r: &ReaderFiles) {
    if r.is_consensus() {
        return;
    }
    let assigned = f.a.readers.clone();
    let list = assigned.join(", ");
    if !assigned.contains(&r.reader) {
        let file = if r.table.is_some() {
            &r.paths.events
        } else {
            &r.paths.journal
        };
        let detail = format!(
            "files of {}, who is not assigned to this recording (assigned: {list})",
            r.reader
        );
        f.push(file, None, None, Kind::UnassignedReader, detail);
    }
    for (who, es) in group_by_author(r) {
        if assigned.contains(&who) || (who == r.reader && !assigned.contains(&r.reader)) {
            continue;
        }
        let seqs: Vec<String> = es.iter().map(u64::to_string).collect();
        let detail = format!(
            "entr{} {} by {who}, who is not assigned to this recording (assigned: {list})",
            if es.len() == 1 { "y" } else { "ies" },
            seqs.join(", ")
        );
        f.push(&r.paths.journal, None, None, Kind::UnassignedReader, detail);
    }
}

fn group_by_author(r: &ReaderFiles) -> BTreeMap<String, Vec<u64>> {
    let mut by: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for e in r.entries() {
        by.entry(e.reader.clone()).or_default().push(e.seq);
    }
    by
}

/// The table against the replay of its journal from empty.
fn replay(f: &mut Finder, r: &ReaderFiles) {
    let table: BTreeMap<String, Event> = match &r.table {
        None => return,
        Some(Err(e)) => return f.unreadable(&r.paths.events, e),
        Some(Ok(t)) => t.iter().map(|e| (e.id.clone(), e.clone())).collect(),
    };
    let saved = r.saved_seq();
    let entries = r.entries();
    let mut state = BTreeMap::new();
    let mut k = 0;
    while k < entries.len() && entries[k].seq <= saved {
        set(&mut state, &entries[k].id, &entries[k].after);
        k += 1;
    }
    if state == table {
        return;
    }
    // A save cut short between the table and the sidecar: the table holds later entries.
    let mut later = state.clone();
    for e in &entries[k..] {
        set(&mut later, &e.id, &e.after);
        if later == table {
            return;
        }
    }
    differences(f, r, &table, &state);
}

/// Event by event: rows added, removed or edited by hand.
fn differences(
    f: &mut Finder,
    r: &ReaderFiles,
    table: &BTreeMap<String, Event>,
    journal: &BTreeMap<String, Event>,
) {
    let path = &r.paths.events;
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let line = |id: &str| {
        text.lines()
            .position(|l| l.split('\t').any(|c| c == id))
            .map(|k| k + 1)
    };
    let mentioned = |id: &str| r.entries().iter().any(|e| e.id == id);
    for (id, t) in table {
        let (kind, detail) = match journal.get(id) {
            Some(j) if j == t => continue,
            Some(j) => (Kind::TableDiffers, describe(&changes(Some(j), Some(t)))),
            None if mentioned(id) => (
                Kind::TableDiffers,
                format!(
                    "{} at {} s is in the table, but its journal deleted it",
                    t.label, t.onset
                ),
            ),
            None => (
                Kind::NoJournalEntry,
                format!(
                    "{} at {} s is in the table, but no journal entry made it",
                    t.label, t.onset
                ),
            ),
        };
        f.push(
            path,
            line(id),
            Some(id),
            kind,
            crate::text::sanitize(&detail),
        );
    }
    for (id, j) in journal.iter().filter(|(id, _)| !table.contains_key(*id)) {
        let detail = format!(
            "{} at {} s is in the journal, but not in the table",
            j.label, j.onset
        );
        f.push(
            path,
            None,
            Some(id),
            Kind::RowMissing,
            crate::text::sanitize(&detail),
        );
    }
}

/// "label PAC in the table, PVC in the journal; ...".
fn describe(changes: &[super::history::Change]) -> String {
    let fields: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{} {:?} in the table, {:?} in the journal",
                c.field,
                c.after.as_deref().unwrap_or_default(),
                c.before.as_deref().unwrap_or_default()
            )
        })
        .collect();
    let other = if fields.is_empty() {
        "created or modified times differ".to_string()
    } else {
        fields.join("; ")
    };
    format!("edited outside sigmark: {other}")
}

/// Damage in the decision files; QA decisions by someone who is not a QA reviewer.
fn decisions(f: &mut Finder, files: &RecordingFiles) {
    f.damage(&files.adjudication_path, &files.adjudication);
    f.damage(&files.qa_path, &files.qa);
    let Ok(qa) = &files.qa else { return };
    let reviewers = &f.study.file.qa;
    for d in qa
        .entries
        .iter()
        .filter(|d| !reviewers.contains(&d.reviewer))
    {
        let detail = format!(
            "QA decision by {}, who is not a QA reviewer of the study ({})",
            d.reviewer,
            reviewers.join(", ")
        );
        f.push(
            &files.qa_path,
            None,
            Some(&d.id),
            Kind::NotQaReviewer,
            crate::text::sanitize(&detail),
        );
    }
}
