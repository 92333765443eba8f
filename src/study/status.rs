//! `study status`: where a study stands, and whether every gate passes.
//!
//! Per recording: each assigned reader's state ([`ReaderState`], from the files and the last
//! `readings.jsonl` entry), agreement between the finished readers ([`agreement`]: compare's
//! epoch and event modes with the guideline's epoch length), adjudication progress and QA
//! state; per reader: assigned, finished and active reading time ([`time`]); overall: pooled
//! kappa and per label, recordings below the threshold, critical events by QA state.
//!
//! A recording passes when every assigned reader finished, every pair of them reaches the
//! gates (or every disagreement is adjudicated), and no critical event is pending QA. The
//! recordings are independent, so they are worked on in parallel; no recording is opened:
//! the duration epochs are cut over is the latest event end of the readers' tables.

#[path = "status_access.rs"]
pub mod access;
#[path = "status_agreement.rs"]
pub mod agreement;
#[path = "status_text.rs"]
pub mod text;
#[path = "status_time.rs"]
pub mod time;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::log::{self, Reading, ReadingState};
use super::qa::{self, QaState, QaVerdict};
use super::{Assignment, Gates, Study, StudyError};
use crate::annotations::store::{read_table, Paths};
use crate::annotations::{Event, Taxonomy};
use agreement::{Adjudication, Agreement, LabelKinds, Overall};

/// Where one reader stands with one recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReaderState {
    /// No journal and no table yet.
    NotStarted,
    InProgress,
    /// The last `readings.jsonl` entry for the reader and recording is `finished`.
    Finished,
}

impl ReaderState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReaderState::NotStarted => "not started",
            ReaderState::InProgress => "in progress",
            ReaderState::Finished => "finished",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReaderOfRecording {
    pub reader: String,
    pub state: ReaderState,
}

/// QA of one recording's critical events.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct QaCounts {
    pub confirmed: u64,
    pub rejected: u64,
    pub edited: u64,
    pub pending: u64,
    /// Readers' tables hold critical events but there is no consensus (nor a single reader's
    /// table) to QA them in yet.
    pub awaiting_consensus: u64,
}

impl QaCounts {
    pub fn add(&mut self, o: &QaCounts) {
        self.confirmed += o.confirmed;
        self.rejected += o.rejected;
        self.edited += o.edited;
        self.pending += o.pending;
        self.awaiting_consensus += o.awaiting_consensus;
    }

    pub fn complete(&self) -> bool {
        self.pending == 0 && self.awaiting_consensus == 0
    }
}

/// Which gates a recording passes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecordingGates {
    /// Every assigned reader finished.
    pub read: bool,
    /// Read, and every pair of readers at or above the gates, or adjudicated.
    pub agreement: bool,
    /// No critical event pending QA.
    pub qa: bool,
    pub passes: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordingStatus {
    pub path: String,
    pub readers: Vec<ReaderOfRecording>,
    /// `None` with fewer than two finished readers.
    pub agreement: Option<Agreement>,
    /// `None` when not needed (agreement passes and nothing was decided yet).
    pub adjudication: Option<Adjudication>,
    pub qa: QaCounts,
    pub gates: RecordingGates,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ReaderStatus {
    pub reader: String,
    pub assigned: u64,
    pub finished: u64,
    pub in_progress: u64,
    pub not_started: u64,
    /// Active reading time, seconds (see [`time`]).
    pub active_s: f64,
}

/// The whole study's status.
#[derive(Debug, Clone, Serialize)]
pub struct StudyStatus {
    pub study: String,
    pub keymap: String,
    pub keymap_version: String,
    pub epoch_s: f64,
    pub gates: Gates,
    pub recordings: Vec<RecordingStatus>,
    pub readers: Vec<ReaderStatus>,
    pub overall: Overall,
    pub qa: QaCounts,
    /// Damaged log lines and other things read past.
    pub notes: Vec<String>,
    pub passes: bool,
}

/// The guideline's keymap: a shipped name, or a path relative to the study directory.
pub fn taxonomy(study: &Study) -> Result<Taxonomy, StudyError> {
    let k = &study.file.guideline.keymap;
    let choice = if crate::annotations::taxonomy::shipped(k).is_some() {
        k.clone()
    } else {
        study.dir.join(k).to_string_lossy().into_owned()
    };
    Taxonomy::choose(&choice, None).map_err(|e| StudyError::Invalid {
        path: study.dir.join(super::STUDY_FILE),
        detail: format!("guideline keymap {k:?}: {e}"),
    })
}

/// The last reading state per (reader, recording path).
type States = HashMap<(String, String), ReadingState>;

/// The last reading state per (reader, recording), with notes on damaged lines.
fn readings(study: &Study) -> Result<(States, Vec<String>), StudyError> {
    let path = study.readings_path();
    let found = log::read::<Reading>(&path)?;
    let notes = damage_notes(&path, &found.damaged, found.torn_line);
    let last = found
        .entries
        .into_iter()
        .map(|r| ((r.reader, r.recording), r.state))
        .collect();
    Ok((last, notes))
}

/// What a log's reading skipped, in words.
pub(crate) fn damage_notes(
    path: &Path,
    damaged: &[crate::annotations::store::Damage],
    torn: bool,
) -> Vec<String> {
    let mut notes: Vec<String> = damaged
        .iter()
        .map(|d| format!("{}:{}: skipped: {}", path.display(), d.line, d.detail))
        .collect();
    if torn {
        notes.push(format!(
            "{}: skipped a half-written last line",
            path.display()
        ));
    }
    notes
}

/// Everything `study status` reports.
pub fn status(study: &Study) -> Result<StudyStatus, StudyError> {
    let tax = taxonomy(study)?;
    let kinds = LabelKinds::new(&tax);
    let (last, mut notes) = readings(study)?;
    let work: Vec<Result<(RecordingStatus, Overall, time::Stamps), StudyError>> = study
        .file
        .recordings
        .par_iter()
        .map(|a| recording(study, a, &last, &kinds, tax.epoch_s))
        .collect();
    let mut recordings = Vec::with_capacity(work.len());
    let mut overall = Overall::default();
    let mut stamps = time::Stamps::default();
    for w in work {
        let (r, o, s) = w?;
        overall.add(o);
        stamps.extend(s);
        recordings.push(r);
    }
    let (activity, more) = time::study_activity(study)?;
    stamps.extend(activity);
    notes.extend(more);
    notes.extend(stamps.notes.iter().cloned());
    notes.extend(stamps.unparsed_note());
    overall.finish(&recordings);
    let mut qa_all = QaCounts::default();
    for r in &recordings {
        qa_all.add(&r.qa);
    }
    let readers = readers(study, &recordings, &stamps);
    let passes = recordings.iter().all(|r| r.gates.passes);
    Ok(StudyStatus {
        study: study.file.name.clone(),
        keymap: study.file.guideline.keymap.clone(),
        keymap_version: study.file.guideline.version.clone(),
        epoch_s: tax.epoch_s,
        gates: study.file.gates.clone(),
        recordings,
        readers,
        overall,
        qa: qa_all,
        notes,
        passes,
    })
}

/// One recording: states, agreement, adjudication, QA; its pooled epochs and events; its
/// readers' journal times.
fn recording(
    study: &Study,
    a: &Assignment,
    last: &States,
    kinds: &LabelKinds,
    epoch_s: f64,
) -> Result<(RecordingStatus, Overall, time::Stamps), StudyError> {
    let rec = study.recording_path(a);
    let mut readers = Vec::with_capacity(a.readers.len());
    let mut finished: Vec<(String, Vec<Event>)> = Vec::new();
    let mut stamps = time::Stamps::default();
    for r in &a.readers {
        let paths = Paths::new(&rec, r, None);
        let has_journal = stamps.journal(r, &paths.journal)?;
        let has_table = paths.events.is_file();
        let state = match last.get(&(r.clone(), a.path.clone())) {
            Some(ReadingState::Finished) => ReaderState::Finished,
            _ if has_journal || has_table => ReaderState::InProgress,
            _ => ReaderState::NotStarted,
        };
        if state == ReaderState::Finished {
            let events = if has_table {
                read_table(&paths.events)?
            } else {
                Vec::new()
            };
            finished.push((r.clone(), events));
        }
        readers.push(ReaderOfRecording {
            reader: r.clone(),
            state,
        });
    }
    let read = readers.iter().all(|r| r.state == ReaderState::Finished);
    let (agreement, overall) =
        agreement::of_readers(&rec, &finished, kinds, epoch_s, &study.file.gates)?;
    let passes_agreement = agreement.as_ref().is_none_or(|g| g.passes);
    let adjudication = match &finished[..] {
        [(ra, ea), (rb, eb), ..] => agreement::adjudication(
            &rec,
            (ra.as_str(), ea.as_slice()),
            (rb.as_str(), eb.as_slice()),
            passes_agreement,
        )?,
        _ => None,
    };
    let adjudicated = adjudication.as_ref().is_some_and(|j| j.complete);
    let qa = qa_counts(study, a, &finished)?;
    let agreement_gate = read && (passes_agreement || adjudicated);
    let gates = RecordingGates {
        read,
        agreement: agreement_gate,
        qa: qa.complete(),
        passes: read && agreement_gate && qa.complete(),
    };
    let status = RecordingStatus {
        path: a.path.clone(),
        readers,
        agreement,
        adjudication,
        qa,
        gates,
    };
    Ok((status, overall, stamps))
}

/// QA counts from [`qa::critical_events`]; without a table to QA in, the critical events of
/// the finished readers' tables are counted as awaiting a consensus.
fn qa_counts(
    study: &Study,
    a: &Assignment,
    finished: &[(String, Vec<Event>)],
) -> Result<QaCounts, StudyError> {
    let mut c = QaCounts::default();
    if qa::qa_table(study, a).is_none() {
        c.awaiting_consensus = finished
            .iter()
            .flat_map(|(_, events)| events)
            .filter(|e| study.file.is_critical(&e.label))
            .count() as u64;
        return Ok(c);
    }
    for (_, state) in qa::critical_events(study, a)? {
        match state {
            QaState::Pending => c.pending += 1,
            QaState::Decided(QaVerdict::Confirmed) => c.confirmed += 1,
            QaState::Decided(QaVerdict::Rejected) => c.rejected += 1,
            QaState::Decided(QaVerdict::Edited) => c.edited += 1,
        }
    }
    Ok(c)
}

/// Per reader, in the study's order: assignments by state and active reading time.
fn readers(
    study: &Study,
    recordings: &[RecordingStatus],
    stamps: &time::Stamps,
) -> Vec<ReaderStatus> {
    let mut by: BTreeMap<&str, ReaderStatus> = BTreeMap::new();
    for r in recordings {
        for x in &r.readers {
            let s = by.entry(x.reader.as_str()).or_default();
            s.assigned += 1;
            match x.state {
                ReaderState::Finished => s.finished += 1,
                ReaderState::InProgress => s.in_progress += 1,
                ReaderState::NotStarted => s.not_started += 1,
            }
        }
    }
    study
        .file
        .readers
        .iter()
        .map(|name| {
            let mut s = by.remove(name.as_str()).unwrap_or_default();
            s.reader = name.clone();
            s.active_s = stamps.active_s(name);
            s
        })
        .collect()
}
