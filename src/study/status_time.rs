//! Active reading time per reader, from timestamps.
//!
//! A reader's activity is every time they left a trace: each entry of their journals
//! (`REC.READER.journal.jsonl`, entries written by them), each open of a recording by them in
//! `access.jsonl`, and each of their `readings.jsonl` entries (finished, reopened). Sorted
//! over all their recordings, the gaps between consecutive times are summed, except gaps over
//! [`IDLE_S`] (a break: a new session starts). So the first time of a session adds nothing of
//! its own: a session opened in the viewer counts from the open to the last edit or finish,
//! and one without a logged open counts from its first edit. Times that do not parse as RFC
//! 3339 are left out, and a note says how many.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::annotations::journal::{read_lines, Line};
use crate::study::log::{self, Access, Reading};
use crate::study::{Study, StudyError};

/// A gap longer than this (seconds) is a break, not reading.
pub const IDLE_S: f64 = 300.0;

/// The fields of a journal entry that time needs (the rest is skipped unparsed).
#[derive(Debug, Deserialize)]
struct Stamp {
    #[allow(dead_code)]
    seq: u64,
    time: String,
    reader: String,
}

impl Line for Stamp {
    const START: &'static [u8] = b"{\"seq\"";
    fn label(&self) -> String {
        format!("entry {}", self.seq)
    }
}

/// Activity times (milliseconds since 1970) per reader.
#[derive(Debug, Default)]
pub struct Stamps {
    by_reader: HashMap<String, Vec<i64>>,
    unparsed: u64,
    pub notes: Vec<String>,
}

/// Milliseconds since 1970 of an RFC 3339 time.
pub fn millis(time: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(time)
        .ok()
        .map(|t| t.timestamp_millis())
}

impl Stamps {
    pub fn push(&mut self, who: &str, time: &str) {
        match millis(time) {
            Some(ms) => self.by_reader.entry(who.to_string()).or_default().push(ms),
            None => self.unparsed += 1,
        }
    }

    /// Adds the entries `reader` wrote to the journal at `path`; whether the journal exists.
    pub fn journal(&mut self, reader: &str, path: &Path) -> Result<bool, StudyError> {
        if !path.is_file() {
            return Ok(false);
        }
        let found = read_lines::<Stamp>(path)?;
        self.notes
            .extend(super::damage_notes(path, &found.damaged, found.torn_line));
        for s in found.entries.iter().filter(|s| s.reader == reader) {
            self.push(reader, &s.time);
        }
        Ok(true)
    }

    pub fn extend(&mut self, o: Stamps) {
        for (who, mut times) in o.by_reader {
            self.by_reader.entry(who).or_default().append(&mut times);
        }
        self.unparsed += o.unparsed;
        self.notes.extend(o.notes);
    }

    /// The unparsed times, in words (none: no note).
    pub fn unparsed_note(&self) -> Option<String> {
        (self.unparsed > 0).then(|| {
            format!(
                "{} times are not RFC 3339 and were left out of the reading time",
                self.unparsed
            )
        })
    }

    /// Seconds of active reading: gaps of at most [`IDLE_S`] between consecutive times.
    pub fn active_s(&self, reader: &str) -> f64 {
        let Some(times) = self.by_reader.get(reader) else {
            return 0.0;
        };
        let mut t = times.clone();
        t.sort_unstable();
        let ms: i64 = t
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|&gap| gap as f64 <= IDLE_S * 1000.0)
            .sum();
        ms as f64 / 1000.0
    }
}

/// The opens in `access.jsonl` and the entries of `readings.jsonl`, as activity times.
pub fn study_activity(study: &Study) -> Result<(Stamps, Vec<String>), StudyError> {
    let mut s = Stamps::default();
    let mut notes = Vec::new();
    let path = study.access_path();
    let access = log::read::<Access>(&path)?;
    notes.extend(super::damage_notes(
        &path,
        &access.damaged,
        access.torn_line,
    ));
    for a in &access.entries {
        s.push(&a.who, &a.time);
    }
    // readings.jsonl's damage is reported where the states are read.
    for r in &log::read::<Reading>(&study.readings_path())?.entries {
        s.push(&r.reader, &r.time);
    }
    Ok((s, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_over_five_minutes_are_breaks_and_a_session_starts_at_its_first_time() {
        let mut s = Stamps::default();
        // Session 1: 10:00:00 to 10:04:30 (270 s, gaps 60 + 210); a 10-minute break; session
        // 2: 10:14:30 to 10:15:00 (30 s). Given out of order.
        for t in [
            "2026-12-01T10:01:00.000Z",
            "2026-12-01T10:00:00.000Z",
            "2026-12-01T10:04:30.000Z",
            "2026-12-01T10:15:00.000Z",
            "2026-12-01T10:14:30.000Z",
        ] {
            s.push("alice", t);
        }
        s.push("alice", "yesterday");
        let got = s.active_s("alice");
        println!(
            "active {got} s, expected 270 + 30; note {:?}",
            s.unparsed_note()
        );
        assert_eq!(got, 300.0);
        assert_eq!(s.active_s("bob"), 0.0);
        assert!(s.unparsed_note().is_some());
        // Exactly five minutes is still reading.
        let mut e = Stamps::default();
        e.push("bob", "2026-12-01T10:00:00.000Z");
        e.push("bob", "2026-12-01T10:05:00.000Z");
        assert_eq!(e.active_s("bob"), 300.0);
    }
}
