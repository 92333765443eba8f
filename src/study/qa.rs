//! QA of critical labels: which events need a decision, and the decisions file
//! `REC.qa.decisions.jsonl` beside the recording (append-only, each line fsynced). The last
//! decision on an event id wins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Assignment, Study, StudyError};
use crate::annotations::journal::Line;
use crate::annotations::store::{read_table, Paths, CONSENSUS};
use crate::annotations::Event;

/// A QA reviewer's decision on one critical event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QaDecision {
    /// The id of the event decided on (in the consensus, or the single reader's table).
    pub id: String,
    pub verdict: QaVerdict,
    pub reviewer: String,
    pub time: String,
    /// The event as it was shown to the reviewer.
    pub before: Event,
    /// For `edited`: the event as the reviewer corrected it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Event>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QaVerdict {
    Confirmed,
    Rejected,
    Edited,
}

/// The QA state of one critical event: a verdict, or pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QaState {
    Pending,
    Decided(QaVerdict),
}

impl QaState {
    /// The `qa` column's word.
    pub fn as_str(self) -> &'static str {
        match self {
            QaState::Pending => "pending",
            QaState::Decided(QaVerdict::Confirmed) => "confirmed",
            QaState::Decided(QaVerdict::Rejected) => "rejected",
            QaState::Decided(QaVerdict::Edited) => "edited",
        }
    }
}

impl Line for QaDecision {
    const START: &'static [u8] = b"{\"id\"";
    fn check(&self) -> Result<(), String> {
        if self.id.is_empty() {
            return Err("a QA decision without an event id".into());
        }
        Ok(())
    }
    fn label(&self) -> String {
        format!("the QA decision on {}", self.id)
    }
}

/// `DIR/STEM.qa.decisions.jsonl` beside the recording.
pub fn decisions_path(recording: &Path) -> PathBuf {
    let p = Paths::new(recording, "qa", None);
    p.events.with_file_name(
        p.events
            .file_name()
            .map(|n| {
                n.to_string_lossy()
                    .replace(".events.tsv", ".decisions.jsonl")
            })
            .unwrap_or_default(),
    )
}

/// The last decision on each event id.
pub fn decisions(recording: &Path) -> Result<BTreeMap<String, QaDecision>, StudyError> {
    let found = super::log::read::<QaDecision>(&decisions_path(recording))?;
    Ok(found
        .entries
        .into_iter()
        .map(|d| (d.id.clone(), d))
        .collect())
}

/// The table whose critical events need QA: the consensus when there is one, else the table
/// of the recording's only reader (a single-read recording). `None` until one exists.
pub fn qa_table(study: &Study, a: &Assignment) -> Option<PathBuf> {
    let rec = study.recording_path(a);
    let consensus = Paths::new(&rec, CONSENSUS, None).events;
    if consensus.is_file() {
        return Some(consensus);
    }
    match a.readers.as_slice() {
        [only] => Some(Paths::new(&rec, only, None).events).filter(|p| p.is_file()),
        _ => None,
    }
}

/// The critical events of a recording (by label; a `below` level is applied by the QA mode,
/// which reads the signal) with their QA state, in onset order.
pub fn critical_events(study: &Study, a: &Assignment) -> Result<Vec<(Event, QaState)>, StudyError> {
    let Some(table) = qa_table(study, a) else {
        return Ok(Vec::new());
    };
    let decided = decisions(&study.recording_path(a))?;
    let mut out: Vec<(Event, QaState)> = read_table(&table)?
        .into_iter()
        .filter(|e| study.file.is_critical(&e.label))
        .map(|e| {
            let state = decided
                .get(&e.id)
                .map_or(QaState::Pending, |d| QaState::Decided(d.verdict));
            (e, state)
        })
        .collect();
    out.sort_by(|x, y| x.0.onset.total_cmp(&y.0.onset));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_decisions_file_lies_beside_the_recording() {
        let p = decisions_path(Path::new("/s/a/rec.edf"));
        assert_eq!(p, Path::new("/s/a/rec.qa.decisions.jsonl"));
    }
}
