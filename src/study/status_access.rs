//! `study status --access`: `DIR/access.jsonl` summarised per person and recording: opens by
//! mode, the first and last open, and how many were forced (outside the assignment).

use std::collections::BTreeMap;

use serde::Serialize;

use super::time::millis;
use crate::study::log::{self, Access, AccessMode};
use crate::study::{Study, StudyError};

pub fn mode_name(m: AccessMode) -> &'static str {
    match m {
        AccessMode::View => "view",
        AccessMode::Read => "read",
        AccessMode::Qa => "qa",
        AccessMode::Adjudicate => "adjudicate",
        AccessMode::Export => "export",
        AccessMode::Compare => "compare",
        AccessMode::Audit => "audit",
    }
}

/// The opens of one recording by one person.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccessRow {
    pub who: String,
    pub recording: String,
    pub opens: u64,
    /// Opens per mode (view, read, qa, adjudicate, export, compare), modes never used left out.
    pub modes: BTreeMap<String, u64>,
    pub first: String,
    pub last: String,
    pub forced: u64,
}

/// One person's opens over the study.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccessWho {
    pub who: String,
    pub opens: u64,
    pub recordings: u64,
    pub forced: u64,
    pub first: String,
    pub last: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AccessSummary {
    pub entries: u64,
    pub rows: Vec<AccessRow>,
    pub people: Vec<AccessWho>,
    pub notes: Vec<String>,
}

/// Keeps the earlier (or later) of two times, by instant when both parse.
fn earlier(a: &str, b: &str) -> bool {
    match (millis(a), millis(b)) {
        (Some(x), Some(y)) => x < y,
        _ => a < b,
    }
}

fn widen(first: &mut String, last: &mut String, time: &str) {
    if first.is_empty() || earlier(time, first) {
        *first = time.to_string();
    }
    if last.is_empty() || earlier(last, time) {
        *last = time.to_string();
    }
}

/// Summarises the access log (an absent log has no entries).
pub fn summary(study: &Study) -> Result<AccessSummary, StudyError> {
    let path = study.access_path();
    let found = log::read::<Access>(&path)?;
    let mut rows: BTreeMap<(String, String), AccessRow> = BTreeMap::new();
    let mut people: BTreeMap<String, AccessWho> = BTreeMap::new();
    for a in &found.entries {
        let row = rows
            .entry((a.who.clone(), a.recording.clone()))
            .or_insert_with(|| AccessRow {
                who: a.who.clone(),
                recording: a.recording.clone(),
                ..AccessRow::default()
            });
        row.opens += 1;
        *row.modes.entry(mode_name(a.mode).to_string()).or_default() += 1;
        row.forced += u64::from(a.forced);
        widen(&mut row.first, &mut row.last, &a.time);
        let p = people.entry(a.who.clone()).or_insert_with(|| AccessWho {
            who: a.who.clone(),
            ..AccessWho::default()
        });
        p.opens += 1;
        p.forced += u64::from(a.forced);
        widen(&mut p.first, &mut p.last, &a.time);
    }
    for (who, _) in rows.keys() {
        if let Some(p) = people.get_mut(who) {
            p.recordings += 1;
        }
    }
    Ok(AccessSummary {
        entries: found.entries.len() as u64,
        rows: rows.into_values().collect(),
        people: people.into_values().collect(),
        notes: super::damage_notes(&path, &found.damaged, found.torn_line),
    })
}
