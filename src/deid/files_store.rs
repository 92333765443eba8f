//! The store's own files de-identified with the store's own readers and writers: events
//! tables (`read_table` / `table_text`), sidecars (`Sidecar`) and journals (`journal::parse`,
//! one `JournalEntry` per line). An event is rewritten by one function wherever it occurs (a
//! table row, a journal entry's before and after), so a de-identified journal replays to
//! exactly the de-identified table.

use std::path::Path;

use super::files_env::{Env, Tally};
use crate::annotations::journal::{self, JournalEntry};
use crate::annotations::store::{read_table, table_text, table_text_with, Sidecar};
use crate::annotations::Event;

/// One event: label and note scrubbed, reader and adjudicator mapped, `created`/`modified`
/// moved; onset, duration, channel, certainty and id unchanged.
pub(super) fn event(env: &Env, e: &Event, t: &mut Tally) -> Result<Event, String> {
    let with_id = |what: String| format!("event id {:?}: {what}", e.id);
    env.check_id("event id", &e.id).map_err(with_id)?;
    Ok(Event {
        label: env.text("label", &e.label, t),
        note: env.text("note", &e.note, t),
        reader: env.reader("reader", &e.reader, t),
        adjudicator: env.reader("adjudicator", &e.adjudicator, t),
        source: env.source(&e.source, t),
        created: env.time("created", &e.created, t).map_err(with_id)?,
        modified: env.time("modified", &e.modified, t).map_err(with_id)?,
        ..e.clone()
    })
}

/// An events table, written back with the store's writer (the consensus columns kept for the
/// consensus table).
pub(super) fn table(
    env: &Env,
    src: &Path,
    consensus: bool,
    t: &mut Tally,
) -> Result<Vec<u8>, String> {
    let events = read_table(src).map_err(|e| e.to_string())?;
    let out = events
        .iter()
        .map(|e| event(env, e, t))
        .collect::<Result<Vec<_>, _>>()?;
    t.note("events", out.len());
    let text = if consensus {
        table_text_with(&out, true)
    } else {
        table_text(&out)
    };
    Ok(text.into_bytes())
}

/// A sidecar: the new recording's name, hash and size, the reader mapped, `saved` moved; the
/// keymap, its version and the journal position kept.
pub(super) fn sidecar(env: &Env, src: &Path, t: &mut Tally) -> Result<Vec<u8>, String> {
    let mut s = Sidecar::read(src).map_err(|e| e.to_string())?;
    s.recording = env.recording.clone();
    t.fields += 1;
    t.note("recording: the new file name", 1);
    if !env.dry_run {
        // The original's hash would link the copy to the original: never kept.
        s.recording_sha256 = env.sha256.map(str::to_string);
        s.recording_size = env.size.unwrap_or(s.recording_size);
        t.fields += 2;
        t.note("recording_sha256 and recording_size: the copy's", 1);
    }
    s.reader = env.reader("reader", &s.reader, t);
    s.saved = env.time("saved", &s.saved, t)?;
    let mut json = serde_json::to_string_pretty(&s).map_err(|e| e.to_string())?;
    json.push('\n');
    Ok(json.into_bytes())
}

/// A journal: every entry's time moved, reader mapped and events rewritten as in the table.
/// A damaged line skips the file (its text may hold what the scrubber cannot see); a torn
/// last line (an edit never acknowledged) is left out.
pub(super) fn journal(env: &Env, src: &Path, t: &mut Tally) -> Result<Vec<u8>, String> {
    let bytes = std::fs::read(src).map_err(|e| e.to_string())?;
    let found = journal::parse(&bytes);
    if let Some(d) = found.damaged.first() {
        return Err(format!(
            "damaged journal line {}: {} (open the recording in sigmark to repair the \
             journal, then de-identify again)",
            d.line, d.detail
        ));
    }
    if found.torn_line {
        t.note("a half-written last line (never acknowledged) left out", 1);
    }
    let mut out = Vec::with_capacity(bytes.len());
    for e in &found.entries {
        let line = entry(env, e, t).map_err(|w| format!("journal entry {}: {w}", e.seq))?;
        let json = serde_json::to_string(&line).map_err(|e| e.to_string())?;
        out.extend_from_slice(json.as_bytes());
        out.push(b'\n');
    }
    t.note("entries", found.entries.len());
    Ok(out)
}

fn entry(env: &Env, e: &JournalEntry, t: &mut Tally) -> Result<JournalEntry, String> {
    env.check_id("entry id", &e.id)?;
    let rewrite = |x: &Option<Event>, t: &mut Tally| x.as_ref().map(|x| event(env, x, t));
    Ok(JournalEntry {
        time: env.time("time", &e.time, t)?,
        reader: env.reader("reader", &e.reader, t),
        before: rewrite(&e.before, t).transpose()?,
        after: rewrite(&e.after, t).transpose()?,
        // The original's hash would link the copy to it: the copy's, as in the sidecar.
        recording_sha256: e
            .recording_sha256
            .as_ref()
            .and(env.sha256.map(str::to_string)),
        ..e.clone()
    })
}
