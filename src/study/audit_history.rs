//! Every event's history, for `sigmark audit REC`: from each reader's journal (who did what
//! when, field by field, under which keymap version, on which recording hash), the table (an
//! event present before its first journal entry), the adjudication decisions that wrote it
//! into the consensus and the QA decisions on it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{file_name, ReaderFiles, RecordingFiles};
use crate::annotations::journal::{Action, JournalEntry};
use crate::annotations::store::Sidecar;
use crate::annotations::Event;
use crate::compare::adjudicate::decisions::Decision;
use crate::study::qa::QaDecision;

/// One field that differs between an event's state before and after a step (`None`: the event
/// did not exist on that side).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Where a traced value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum From {
    /// The journal entry itself.
    Journal,
    /// An entry from before journals carried it, included in the last save: the sidecar's.
    Sidecar,
    /// An entry from before journals carried it, after the last save (or without a sidecar).
    Unknown,
}

/// A keymap or a hash at the time of a step, and where that is known from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Traced {
    pub value: Option<String>,
    pub from: From,
}

/// One thing that happened to an event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Step {
    /// A journal entry: add, import, change, delete, undo, redo.
    Journal {
        seq: u64,
        time: String,
        who: String,
        action: Action,
        changes: Vec<Change>,
        keymap: Traced,
        keymap_version: Traced,
        recording_sha256: Traced,
    },
    /// The event was in the table before any journal entry about it (its own `created` and
    /// `reader` columns are all that says where it came from).
    Table { time: String, who: String },
    /// An adjudication decision that wrote the event into the consensus.
    Adjudication {
        time: String,
        who: String,
        decision: String,
        item: String,
    },
    /// A QA reviewer's decision on the event.
    Qa {
        time: String,
        who: String,
        verdict: String,
        changes: Vec<Change>,
    },
}

impl Step {
    pub fn time(&self) -> &str {
        match self {
            Step::Journal { time, .. }
            | Step::Table { time, .. }
            | Step::Adjudication { time, .. }
            | Step::Qa { time, .. } => time,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Present,
    Deleted,
}

/// One event of one reader's table and what happened to it, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventHistory {
    /// The table's file name.
    pub table: String,
    pub reader: String,
    pub id: String,
    /// The event's label and onset now, or when it was deleted.
    pub label: String,
    pub onset: f64,
    pub state: State,
    pub history: Vec<Step>,
}

/// The histories of every event of every reader in `files`.
pub fn histories(files: &RecordingFiles) -> Vec<EventHistory> {
    let adjudication: &[Decision] = files
        .adjudication
        .as_ref()
        .map_or(&[], |r| r.entries.as_slice());
    let qa: &[QaDecision] = files.qa.as_ref().map_or(&[], |r| r.entries.as_slice());
    files
        .readers
        .iter()
        .flat_map(|r| reader_histories(r, adjudication, qa))
        .collect()
}

/// The events a store opening these files would hold: the table, then the journal entries
/// after the last save.
pub fn current(r: &ReaderFiles) -> BTreeMap<String, Event> {
    let mut now: BTreeMap<String, Event> = match &r.table {
        Some(Ok(t)) => t.iter().map(|e| (e.id.clone(), e.clone())).collect(),
        _ => BTreeMap::new(),
    };
    let saved = r.saved_seq();
    for e in r.entries().iter().filter(|e| e.seq > saved) {
        set(&mut now, &e.id, &e.after);
    }
    now
}

/// Sets `id` to `state` (absent when `None`).
pub fn set(events: &mut BTreeMap<String, Event>, id: &str, state: &Option<Event>) {
    match state {
        Some(e) => events.insert(id.to_string(), e.clone()),
        None => events.remove(id),
    };
}

fn reader_histories(
    r: &ReaderFiles,
    adjudication: &[Decision],
    qa: &[QaDecision],
) -> Vec<EventHistory> {
    let now = current(r);
    let mut by_id: HashMap<&str, Vec<&JournalEntry>> = HashMap::new();
    let mut order: Vec<&str> = now.keys().map(String::as_str).collect();
    for e in r.entries() {
        let v = by_id.entry(e.id.as_str()).or_default();
        if v.is_empty() && !now.contains_key(&e.id) {
            order.push(e.id.as_str());
        }
        v.push(e);
    }
    let sidecar = match &r.sidecar {
        Some(Ok(s)) => Some(s),
        _ => None,
    };
    let mut out: Vec<EventHistory> = order
        .into_iter()
        .map(|id| {
            let entries = by_id.get(id).map_or(&[][..], Vec::as_slice);
            let mut steps = journal_steps(entries, sidecar);
            let last = now.get(id).or_else(|| last_known(entries));
            if let Some(e) = before_journal(entries, now.get(id)) {
                steps.insert(
                    0,
                    Step::Table {
                        time: e.created.clone(),
                        who: e.reader.clone(),
                    },
                );
            }
            steps.extend(decision_steps(id, adjudication, qa));
            steps.sort_by(|a, b| a.time().cmp(b.time()));
            EventHistory {
                table: file_name(&r.paths.events),
                reader: r.reader.clone(),
                id: id.to_string(),
                label: last.map_or_else(String::new, |e| e.label.clone()),
                onset: last.map_or(0.0, |e| e.onset),
                state: if now.contains_key(id) {
                    State::Present
                } else {
                    State::Deleted
                },
                history: steps,
            }
        })
        .collect();
    out.sort_by(|a, b| a.onset.total_cmp(&b.onset).then(a.id.cmp(&b.id)));
    out
}

/// The event as it was before the journal knew it: the state before its first entry, or the
/// table's row when no entry names it.
fn before_journal<'a>(entries: &[&'a JournalEntry], now: Option<&'a Event>) -> Option<&'a Event> {
    match entries.first() {
        Some(first) => first.before.as_ref(),
        None => now,
    }
}

/// The last state the journal gives the event (its state before a deletion).
fn last_known<'a>(entries: &[&'a JournalEntry]) -> Option<&'a Event> {
    entries
        .iter()
        .rev()
        .find_map(|e| e.after.as_ref().or(e.before.as_ref()))
}

fn journal_steps(entries: &[&JournalEntry], sidecar: Option<&Sidecar>) -> Vec<Step> {
    entries
        .iter()
        .map(|e| {
            let [keymap, keymap_version, recording_sha256] = trace(e, sidecar);
            Step::Journal {
                seq: e.seq,
                time: e.time.clone(),
                who: e.reader.clone(),
                action: e.action,
                changes: changes(e.before.as_ref(), e.after.as_ref()),
                keymap,
                keymap_version,
                recording_sha256,
            }
        })
        .collect()
}

/// The entry's keymap, keymap version and recording hash: its own, else the sidecar's for an
/// entry the last save includes, else unknown.
pub fn trace(e: &JournalEntry, sidecar: Option<&Sidecar>) -> [Traced; 3] {
    let saved = sidecar.filter(|s| e.seq <= s.journal_seq);
    let pick = |own: &Option<String>, side: Option<String>| match (own, side) {
        (Some(v), _) => Traced {
            value: Some(v.clone()),
            from: From::Journal,
        },
        (None, Some(v)) if !v.is_empty() => Traced {
            value: Some(v),
            from: From::Sidecar,
        },
        _ => Traced {
            value: None,
            from: From::Unknown,
        },
    };
    [
        pick(&e.keymap, saved.map(|s| s.keymap.clone())),
        pick(&e.keymap_version, saved.map(|s| s.keymap_version.clone())),
        pick(
            &e.recording_sha256,
            saved.and_then(|s| s.recording_sha256.clone()),
        ),
    ]
}

fn decision_steps(id: &str, adjudication: &[Decision], qa: &[QaDecision]) -> Vec<Step> {
    let adj = adjudication
        .iter()
        .filter(|d| d.wrote.iter().any(|w| w == id))
        .map(|d| Step::Adjudication {
            time: d.time.clone(),
            who: d.adjudicator.clone(),
            decision: d.decision.as_str().to_string(),
            item: d.key.clone(),
        });
    let q = qa.iter().filter(|d| d.id == id).map(|d| Step::Qa {
        time: d.time.clone(),
        who: d.reviewer.clone(),
        verdict: crate::study::qa::QaState::Decided(d.verdict)
            .as_str()
            .to_string(),
        changes: d
            .after
            .as_ref()
            .map_or_else(Vec::new, |a| changes(Some(&d.before), Some(a))),
    });
    adj.chain(q).collect()
}

/// A field's name and its text in an event.
type Field = (&'static str, fn(&Event) -> String);

/// The fields an audit follows, with their text.
const FIELDS: [Field; 8] = [
    ("onset", |e| e.onset.to_string()),
    ("duration", |e| e.duration.to_string()),
    ("label", |e| e.label.clone()),
    ("channel", |e| e.channel.clone()),
    ("certainty", |e| e.certainty.as_str().to_string()),
    ("note", |e| e.note.clone()),
    ("source", |e| e.source.as_str().to_string()),
    ("adjudicator", |e| e.adjudicator.clone()),
];

/// The fields that differ between `before` and `after`; for a creation or a deletion, every
/// field with a value (onset, duration, label and certainty always).
pub fn changes(before: Option<&Event>, after: Option<&Event>) -> Vec<Change> {
    FIELDS
        .iter()
        .enumerate()
        .filter_map(|(k, (field, text))| {
            let b = before.map(text);
            let a = after.map(text);
            let empty = |v: &Option<String>| v.as_deref().is_none_or(str::is_empty);
            let optional = !matches!(k, 0 | 1 | 2 | 4);
            let skip = a == b || (optional && empty(&a) && empty(&b));
            (!skip).then_some(Change {
                field,
                before: b,
                after: a,
            })
        })
        .collect()
}
