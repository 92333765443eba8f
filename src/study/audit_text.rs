//! The text of `sigmark audit REC` and `sigmark study audit DIR`: every piece taken from a file
//! is sanitised before it reaches the terminal.

use std::fmt::Write as _;

use super::check::{Anomaly, Report};
use super::history::{Change, EventHistory, From, State, Step, Traced};
use crate::annotations::journal::Action;
use crate::text::sanitize;

/// The warnings about the files read (damaged lines, unreadable files), one per line.
pub fn warnings(files: &super::RecordingFiles) -> Vec<String> {
    let mut out = Vec::new();
    let mut damage =
        |path: &std::path::Path, damaged: &[crate::annotations::journal::Damage], torn: bool| {
            let name = super::file_name(path);
            for d in damaged {
                out.push(format!(
                    "{name}:{}: damaged line left out: {}",
                    d.line, d.detail
                ));
            }
            if torn {
                out.push(format!("{name}: a half-written last line left out"));
            }
        };
    for r in &files.readers {
        if let Ok(j) = &r.journal {
            damage(&r.paths.journal, &j.damaged, j.torn_line);
        }
    }
    if let Ok(j) = &files.adjudication {
        damage(&files.adjudication_path, &j.damaged, j.torn_line);
    }
    if let Ok(j) = &files.qa {
        damage(&files.qa_path, &j.damaged, j.torn_line);
    }
    for r in &files.readers {
        let errors = [
            r.journal.as_ref().err(),
            r.table.as_ref().and_then(|t| t.as_ref().err()),
            r.sidecar.as_ref().and_then(|t| t.as_ref().err()),
        ];
        out.extend(
            errors
                .into_iter()
                .flatten()
                .map(|e| format!("unreadable: {e}")),
        );
    }
    for e in [files.adjudication.as_ref().err(), files.qa.as_ref().err()]
        .into_iter()
        .flatten()
    {
        out.push(format!("unreadable: {e}"));
    }
    out.into_iter().map(|w| sanitize(&w)).collect()
}

/// The histories as text: one block per table, one paragraph per event.
pub fn histories(
    recording: &str,
    sha_now: Option<&str>,
    warnings: &[String],
    events: &[EventHistory],
) -> String {
    let mut s = String::new();
    let now = sha_now.unwrap_or("unknown (unreadable)");
    let _ = writeln!(s, "recording {}, SHA-256 now {now}", sanitize(recording));
    for w in warnings {
        let _ = writeln!(s, "warning: {w}");
    }
    let mut table = "";
    for h in events {
        if h.table != table {
            table = &h.table;
            let n = events.iter().filter(|e| e.table == h.table).count();
            let _ = writeln!(
                s,
                "\n{} ({}): {n} event(s)",
                sanitize(&h.reader),
                sanitize(&h.table)
            );
        }
        let state = match h.state {
            State::Present => "present",
            State::Deleted => "deleted",
        };
        let _ = writeln!(
            s,
            "  {} at {} s, id {} ({state})",
            sanitize(&h.label),
            h.onset,
            sanitize(&h.id)
        );
        for step in &h.history {
            let _ = writeln!(s, "    {}", step_line(step, sha_now));
        }
    }
    if events.is_empty() {
        let _ = writeln!(
            s,
            "no events: no reader's table or journal for this recording"
        );
    }
    s
}

fn step_line(step: &Step, sha_now: Option<&str>) -> String {
    let line = match step {
        Step::Journal {
            seq,
            time,
            who,
            action,
            changes,
            keymap,
            keymap_version,
            recording_sha256,
        } => format!(
            "{time} {} by {who} (journal entry {seq}): {}; keymap {} version {}; recording {}",
            action.as_str(),
            what(*action, changes),
            traced(keymap),
            traced(keymap_version),
            hash(recording_sha256, sha_now)
        ),
        Step::Table { time, who } => format!(
            "{time} in the table before any journal entry (created by {who}, per its own columns)"
        ),
        Step::Adjudication {
            time,
            who,
            decision,
            item,
        } => format!("{time} adjudicated by {who}: decision {decision} on {item} wrote it into the consensus"),
        Step::Qa {
            time,
            who,
            verdict,
            changes,
        } if changes.is_empty() => format!("{time} QA by {who}: {verdict}"),
        Step::Qa {
            time,
            who,
            verdict,
            changes,
        } => format!("{time} QA by {who}: {verdict}: {}", what(Action::Change, changes)),
    };
    sanitize(&line)
}

/// "label PVC -> PAC, onset 12.5 -> 13", "created with onset 1, ...", "removed, was ...".
pub fn what(action: Action, changes: &[Change]) -> String {
    let (made, gone) = match action {
        Action::Undo | Action::Redo => ("restored with", "taken back, was"),
        Action::Import => ("imported with", "removed, was"),
        _ => ("created with", "removed, was"),
    };
    let created = changes.iter().all(|c| c.before.is_none());
    let deleted = changes.iter().all(|c| c.after.is_none());
    let fields =
        |f: &dyn Fn(&Change) -> String| changes.iter().map(f).collect::<Vec<_>>().join(", ");
    match (created, deleted) {
        _ if changes.is_empty() => "no field changed".into(),
        (true, _) => format!(
            "{made} {}",
            fields(&|c| format!("{} {}", c.field, c.after.as_deref().unwrap_or_default()))
        ),
        (_, true) => format!(
            "{gone} {}",
            fields(&|c| format!("{} {}", c.field, c.before.as_deref().unwrap_or_default()))
        ),
        _ => fields(&|c| {
            format!(
                "{} {:?} -> {:?}",
                c.field,
                c.before.as_deref().unwrap_or_default(),
                c.after.as_deref().unwrap_or_default()
            )
        }),
    }
}

fn traced(t: &Traced) -> String {
    match (&t.value, t.from) {
        (Some(v), From::Journal) => v.clone(),
        (Some(v), _) => {
            format!("{v} (per the sidecar: the entry is older than journals carrying it)")
        }
        (None, _) => "unknown (an entry from before journals carried it)".into(),
    }
}

fn hash(t: &Traced, now: Option<&str>) -> String {
    match (&t.value, now) {
        (Some(v), Some(n)) if v.eq_ignore_ascii_case(n) => {
            let from = if t.from == From::Sidecar {
                ", per the sidecar"
            } else {
                ""
            };
            format!("as now{from}")
        }
        (Some(v), _) => format!("SHA-256 {v}, not the recording's now"),
        (None, _) => "unknown".into(),
    }
}

/// One line per anomaly, then a summary line.
pub fn anomalies(report: &Report) -> String {
    let mut s = String::new();
    for a in &report.anomalies {
        let _ = writeln!(s, "{}", anomaly_line(a));
    }
    let _ = writeln!(
        s,
        "{} anomal{} in {} recording(s), {} table(s), {} journal entries",
        report.anomalies.len(),
        if report.anomalies.len() == 1 {
            "y"
        } else {
            "ies"
        },
        report.recordings,
        report.tables,
        report.journal_entries
    );
    s
}

pub fn anomaly_line(a: &Anomaly) -> String {
    let line = a.line.map_or_else(String::new, |l| format!(":{l}"));
    let id =
        a.id.as_ref()
            .map_or_else(String::new, |i| format!("event {i}: "));
    sanitize(&format!(
        "{}{line}: {}: {id}{}",
        a.file,
        a.kind.as_str(),
        a.detail
    ))
}
