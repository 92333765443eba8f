//! The QA walk over a study and applying decisions (headless: the viewer's QA mode and the
//! tests drive the same calls).
//!
//! - The critical events of a study in order: recordings as listed in `study.toml`, events by
//!   onset; a `below` level is checked against the recording's SpO2 ([`super::qa_level`]).
//! - The QA'd table is always the consensus. A single-read recording without one gets its
//!   consensus made from the reader's table on first QA (each event imported with its id,
//!   `source` = the reader), so edits never touch a reader's own work and the `qa` column
//!   lives in one kind of file.
//! - A decision is appended (fsynced) to `REC.qa.decisions.jsonl` first, then the event's `qa`
//!   column (and, for an edit, the event) is changed through the consensus store with the
//!   reviewer as author (journaled) and the table saved. A crash between the two leaves the
//!   decision in the file: [`sync`] (run whenever a recording is opened for QA) brings the
//!   table in line, so the decisions file is the record and the column follows it.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::qa::{decisions, decisions_path, qa_table, QaDecision, QaState, QaVerdict};
use super::qa_level::{Level, Levels};
use super::{Assignment, Study, StudyError};
use crate::annotations::store::{read_table, Sidecar, CONSENSUS};
use crate::annotations::{Event, Paths, Provenance, Recovery, Source, Store};

/// One critical event to decide (or decided).
#[derive(Debug, Clone, PartialEq)]
pub struct QaItem {
    /// The recording's path as in `study.toml`.
    pub rel: String,
    pub recording: PathBuf,
    /// The event as in the QA'd table when the walk was made.
    pub event: Event,
    pub state: QaState,
    pub level: Level,
}

/// The critical events a reviewer may decide, and the recordings refused to them.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    pub items: Vec<QaItem>,
    /// Recordings with critical events that the reviewer read (they may not QA them).
    pub refused: Vec<String>,
    /// Single-read recordings whose reader has not finished (their table may still change).
    pub waiting: Vec<String>,
}

impl Walk {
    pub fn decided(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.state != QaState::Pending)
            .count()
    }

    pub fn pending(&self) -> impl Iterator<Item = &QaItem> {
        self.items.iter().filter(|i| i.state == QaState::Pending)
    }
}

/// Refuses a reviewer not in the study's `qa` list.
pub fn check_reviewer(study: &Study, reviewer: &str) -> Result<(), StudyError> {
    if study.file.qa.iter().any(|q| q == reviewer) {
        return Ok(());
    }
    Err(StudyError::Usage(format!(
        "{reviewer} is not a QA reviewer of study {} (qa = [{}] in {})",
        study.file.name,
        study.file.qa.join(", "),
        study.dir.join(super::STUDY_FILE).display()
    )))
}

/// Whether `who` read the recording: assigned to it, or has a table of their own beside it.
pub fn read_it(study: &Study, a: &Assignment, who: &str) -> bool {
    a.readers.iter().any(|r| r == who)
        || Paths::new(&study.recording_path(a), who, None)
            .events
            .is_file()
}

/// The critical events of one recording (label and level) with their QA state, by onset. An
/// event with a decision keeps its state even if an edit made it non-critical.
pub fn recording_items(study: &Study, a: &Assignment) -> Result<Vec<QaItem>, StudyError> {
    let Some(table) = qa_table(study, a) else {
        return Ok(Vec::new());
    };
    let rec = study.recording_path(a);
    let decided = decisions(&rec)?;
    let mut levels = Levels::new(&rec);
    let mut out = Vec::new();
    for e in read_table(&table)? {
        let state = decided
            .get(&e.id)
            .map_or(QaState::Pending, |d| QaState::Decided(d.verdict));
        let Some(c) = study.file.critical.iter().find(|c| c.label == e.label) else {
            if state != QaState::Pending {
                out.push(item(a, &rec, e, state, Level::Any));
            }
            continue;
        };
        let level = levels.of(c, &e)?;
        if level.is_critical(c.below) || state != QaState::Pending {
            out.push(item(a, &rec, e, state, level));
        }
    }
    out.sort_by(|x, y| x.event.onset.total_cmp(&y.event.onset));
    Ok(out)
}

fn item(a: &Assignment, rec: &std::path::Path, e: Event, state: QaState, level: Level) -> QaItem {
    QaItem {
        rel: a.path.clone(),
        recording: rec.to_path_buf(),
        event: e,
        state,
        level,
    }
}

/// Every critical event `reviewer` may decide, in study order; recordings they read are
/// listed in `refused` instead.
pub fn walk(study: &Study, reviewer: &str) -> Result<Walk, StudyError> {
    check_reviewer(study, reviewer)?;
    let mut w = Walk::default();
    let finished = finished_readings(study)?;
    for a in &study.file.recordings {
        let cons = Paths::new(&study.recording_path(a), CONSENSUS, None).events;
        let single_unfinished = !cons.is_file()
            && a.readers
                .iter()
                .any(|r| !finished.contains(&(r.clone(), a.path.clone())));
        let items = recording_items(study, a)?;
        if single_unfinished && !items.is_empty() {
            w.waiting.push(a.path.clone());
            continue;
        }
        if items.is_empty() {
            continue;
        }
        if read_it(study, a, reviewer) {
            w.refused.push(a.path.clone());
            continue;
        }
        w.items.extend(items);
    }
    Ok(w)
}

/// (reader, recording) pairs whose last reading state is finished.
fn finished_readings(
    study: &Study,
) -> Result<std::collections::BTreeSet<(String, String)>, StudyError> {
    use super::log::{Reading, ReadingState};
    let mut last = BTreeMap::new();
    for r in super::log::read::<Reading>(&study.readings_path())?.entries {
        last.insert((r.reader, r.recording), r.state);
    }
    Ok(last
        .into_iter()
        .filter(|(_, s)| *s == ReadingState::Finished)
        .map(|(k, _)| k)
        .collect())
}

/// Brings the `qa` column of every recording in the reviewer's walk up to date (so
/// `pending` shows before anyone opens it); a consensus open elsewhere (locked) is named and
/// left for later.
pub fn sync_walk(study: &Study, reviewer: &str, w: &Walk) -> Vec<String> {
    let mut rels: Vec<&str> = w.items.iter().map(|i| i.rel.as_str()).collect();
    rels.dedup();
    let mut problems = Vec::new();
    for rel in rels {
        let Some(a) = study.assignment(rel) else {
            continue;
        };
        if let Err(e) = open_store(study, a, reviewer) {
            problems.push(format!("{rel}: {e}"));
        }
    }
    problems
}

/// Opens the recording's consensus store for QA with `reviewer` as author (making it from the
/// only reader's table for a single-read recording), then [`sync`]s its `qa` column.
pub fn open_store(
    study: &Study,
    a: &Assignment,
    reviewer: &str,
) -> Result<(Store, Recovery), StudyError> {
    check_reviewer(study, reviewer)?;
    if read_it(study, a, reviewer) {
        return Err(StudyError::Usage(format!(
            "{reviewer} read {} and may not QA it",
            a.path
        )));
    }
    let Some(table) = qa_table(study, a) else {
        return Err(StudyError::Usage(format!(
            "{} has no consensus yet (adjudicate it first) nor a single reader's table",
            a.path
        )));
    };
    let rec = study.recording_path(a);
    let paths = Paths::new(&rec, CONSENSUS, None);
    let made = table != paths.events;
    let provenance = provenance(study, &rec, &table);
    let (mut store, recovery) = Store::open(paths, CONSENSUS, provenance)?;
    store.author = reviewer.to_string();
    if made {
        let reader = a.readers.first().cloned().unwrap_or_default();
        let copies = read_table(&table)?
            .into_iter()
            .map(|e| Event {
                source: Source::Other(reader.clone()),
                ..e
            })
            .collect();
        store.import_all(copies)?;
        store.save()?;
    }
    sync(study, a, &mut store)?;
    Ok((store, recovery))
}

/// The sidecar's provenance of the table QA starts from (the recording's hash and keymap).
fn provenance(study: &Study, rec: &std::path::Path, table: &std::path::Path) -> Provenance {
    let side = crate::annotations::store::sidecar_of(table).and_then(|p| Sidecar::read(&p).ok());
    Provenance {
        recording: rec.to_path_buf(),
        sha256: side.as_ref().and_then(|s| s.recording_sha256.clone()),
        size: std::fs::metadata(rec).map(|m| m.len()).unwrap_or(0),
        format: side.as_ref().map(|s| s.format.clone()).unwrap_or_default(),
        keymap: side
            .as_ref()
            .map_or(study.file.guideline.keymap.clone(), |s| s.keymap.clone()),
        keymap_version: side
            .as_ref()
            .map_or(study.file.guideline.version.clone(), |s| {
                s.keymap_version.clone()
            }),
    }
}

/// Brings the consensus's `qa` column (and edited events) in line with the decisions file:
/// `pending` on undecided critical events, the verdict on decided ones, empty elsewhere.
/// Returns how many events changed (saved when any did).
pub fn sync(study: &Study, a: &Assignment, store: &mut Store) -> Result<usize, StudyError> {
    let rec = study.recording_path(a);
    let decided = decisions(&rec)?;
    let critical: BTreeMap<String, QaState> = recording_items(study, a)?
        .into_iter()
        .map(|i| (i.event.id, i.state))
        .collect();
    let mut changed = 0;
    for e in store.events().to_vec() {
        let want = match critical.get(&e.id) {
            Some(s) => s.as_str(),
            None => "",
        };
        let mut after = e.clone();
        if let Some(edit) = decided
            .get(&e.id)
            .filter(|d| d.verdict == QaVerdict::Edited)
            .and_then(|d| d.after.as_ref())
        {
            take_edit(&mut after, edit);
        }
        after.qa = want.to_string();
        if after != e && store.change(after)? {
            changed += 1;
        }
    }
    if changed > 0 || store.is_dirty() {
        store.save()?;
    }
    Ok(changed)
}

/// Copies what a reviewer can change (place, length, label, channel, certainty, note).
fn take_edit(e: &mut Event, edit: &Event) {
    e.onset = edit.onset;
    e.duration = edit.duration;
    e.label = edit.label.clone();
    e.channel = edit.channel.clone();
    e.certainty = edit.certainty;
    e.note = edit.note.clone();
}

/// Whether the reviewer changed the event from what they were shown.
pub fn was_edited(shown: &Event, now: &Event) -> bool {
    let mut probe = shown.clone();
    take_edit(&mut probe, now);
    probe != *shown
}

/// Decides on the event `shown.id`: appends the decision (fsynced), then sets the event's `qa`
/// column in the consensus (for `edited`, the event as it is now in the store, which the
/// reviewer changed with the editing keys) and saves the table.
pub fn decide(
    study: &Study,
    a: &Assignment,
    store: &mut Store,
    reviewer: &str,
    shown: &Event,
    verdict: QaVerdict,
) -> Result<QaDecision, StudyError> {
    if read_it(study, a, reviewer) {
        return Err(StudyError::Usage(format!(
            "{reviewer} read {} and may not QA it",
            a.path
        )));
    }
    let Some(now) = store.get(&shown.id).cloned() else {
        return Err(StudyError::Usage(format!(
            "event {} is no longer in the consensus of {}",
            shown.id, a.path
        )));
    };
    let clean = |e: &Event| Event {
        qa: String::new(),
        ..e.clone()
    };
    let d = QaDecision {
        id: shown.id.clone(),
        verdict,
        reviewer: reviewer.to_string(),
        time: super::log::now(),
        before: clean(shown),
        after: (verdict == QaVerdict::Edited).then(|| clean(&now)),
    };
    super::log::append(&decisions_path(&study.recording_path(a)), &d)?;
    let after = Event {
        qa: QaState::Decided(verdict).as_str().to_string(),
        ..now
    };
    store.change(after)?;
    store.save()?;
    Ok(d)
}
