//! The events table `REC.READER.events.tsv`: its columns, escaping, writing and the one reader
//! of it (the store, compare and export all read tables here, so every error names the line a
//! text editor shows: lines are counted at each `\n`, blank lines included).

use std::collections::HashMap;
use std::path::Path;

use super::StoreError;
use crate::annotations::event::{Certainty, Event, Source};

/// Columns of the events table, in order.
pub const COLUMNS: [&str; 10] = [
    "onset",
    "duration",
    "label",
    "channel",
    "certainty",
    "note",
    "reader",
    "id",
    "created",
    "modified",
];

/// Reads an events table; any bad line is an error naming it (1-based physical line). Rows
/// are split at `\n` only (a `\r` before it is dropped); a raw `\r` elsewhere is refused, since
/// sigmark writes it as `\r`. Every event needs its own id: a duplicate is refused naming
/// both lines; a row without an id gets one made from its line number and text, the same on
/// every read, so journal entries about it still replay.
pub fn read_table(path: &Path) -> Result<Vec<Event>, StoreError> {
    let bytes = std::fs::read(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let parse = |line: usize, detail: String| StoreError::Parse {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let mut rows = bytes.split(|&b| b == b'\n').enumerate().map(|(k, raw)| {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = k + 1;
        if let Some(at) = raw.iter().position(|&b| b == b'\r') {
            return Err(parse(
                line,
                format!(
                    "a raw carriage return (CR) at byte {} of the line; expected tab-separated \
                     fields ending at a newline (sigmark writes a CR in a field as \\r)",
                    at + 1
                ),
            ));
        }
        std::str::from_utf8(raw)
            .map(|text| (line, text))
            .map_err(|e| {
                parse(
                    line,
                    format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1),
                )
            })
    });
    let header = match rows.next() {
        Some(h) => h?.1,
        None => "",
    };
    let header: Vec<&str> = header.trim_start_matches('\u{feff}').split('\t').collect();
    let cols = Columns::find(&header).ok_or_else(|| {
        parse(
            1,
            format!(
                "the header must name at least onset, duration and label (columns: {})",
                COLUMNS.join(", ")
            ),
        )
    })?;
    let (mut out, mut lines) = (Vec::new(), Vec::new());
    for row in rows {
        let (line, text) = row?;
        if text.trim().is_empty() {
            continue;
        }
        let mut e = cols.event(text).map_err(|d| parse(line, d))?;
        if e.id.is_empty() {
            e.id = made_id(line, text);
        }
        out.push(e);
        lines.push(line);
    }
    check_unique_ids(&out, &lines).map_err(|(line, detail)| parse(line, detail))?;
    Ok(out)
}

/// The first row whose id an earlier row has, as (its line, what is wrong). The ids are
/// borrowed, not copied: a 100,000-event table is checked without 100,000 allocations.
fn check_unique_ids(events: &[Event], lines: &[usize]) -> Result<(), (usize, String)> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(events.len());
    for (e, &line) in events.iter().zip(lines) {
        if let Some(first) = seen.insert(e.id.as_str(), line) {
            return Err((
                line,
                format!(
                    "id {:?} is also the id of the event on line {first}; every event needs its \
                     own id: change one of them, or empty it and sigmark makes one",
                    e.id
                ),
            ));
        }
    }
    Ok(())
}

/// The id of a row that has none: a hash of its line number and text.
fn made_id(line: usize, text: &str) -> String {
    use sha2::Digest;
    let h = sha2::Sha256::new()
        .chain_update(line.to_le_bytes())
        .chain_update(text.as_bytes())
        .finalize();
    h.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// Where each column is in a table's header.
struct Columns {
    onset: usize,
    duration: usize,
    label: usize,
    /// Positions of `COLUMNS`, then of `source`, `adjudicator` and `qa`.
    idx: Vec<Option<usize>>,
}

impl Columns {
    fn find(header: &[&str]) -> Option<Columns> {
        let col = |name: &str| header.iter().position(|h| *h == name);
        let mut idx: Vec<Option<usize>> = COLUMNS.iter().map(|c| col(c)).collect();
        idx.push(col("source"));
        idx.push(col("adjudicator"));
        idx.push(col("qa"));
        Some(Columns {
            onset: col("onset")?,
            duration: col("duration")?,
            label: col("label")?,
            idx,
        })
    }

    /// The event of one row, or what is wrong with it.
    fn event(&self, text: &str) -> Result<Event, String> {
        let fields: Vec<&str> = text.split('\t').collect();
        let get = |i: Option<usize>| i.and_then(|i| fields.get(i).copied()).unwrap_or("");
        let at = |k: usize| get(self.idx[k]);
        let num = |i: usize, what: &str| -> Result<f64, String> {
            let text = get(Some(i));
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("{what} {text:?} is not a number of seconds >= 0"))
        };
        let certainty = Certainty::parse(at(4))
            .ok_or_else(|| format!("certainty {:?} is not definite or possible", at(4)))?;
        let label = get(Some(self.label));
        if label.is_empty() {
            return Err("empty label".into());
        }
        let (onset, duration) = (num(self.onset, "onset")?, num(self.duration, "duration")?);
        let source = Source::parse(&unescape(at(10)));
        if !(onset + duration).is_finite() {
            return Err("onset + duration is not a finite time".into());
        }
        Ok(Event {
            onset,
            duration,
            label: unescape(label),
            channel: unescape(at(3)),
            certainty,
            note: unescape(at(5)),
            reader: unescape(at(6)),
            id: at(7).to_string(),
            created: at(8).to_string(),
            modified: at(9).to_string(),
            source,
            adjudicator: unescape(at(11)),
            qa: unescape(at(12)),
        })
    }
}

/// Tabs, newlines and backslashes in text fields are written as `\t`, `\n`, `\\`, so every
/// event stays one line of the table and a note is stored exactly as typed.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => o.push_str("\\\\"),
            '\t' => o.push_str("\\t"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            c => o.push(c),
        }
    }
    o
}

/// The inverse of `escape`.
pub fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut o = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            o.push(c);
            continue;
        }
        match it.next() {
            Some('t') => o.push('\t'),
            Some('n') => o.push('\n'),
            Some('r') => o.push('\r'),
            Some('\\') => o.push('\\'),
            Some(other) => {
                o.push('\\');
                o.push(other);
            }
            None => o.push('\\'),
        }
    }
    o
}

/// The table as text; the consensus columns `source` and `adjudicator` are added when any
/// event has them.
pub fn table_text(events: &[Event]) -> String {
    let extra = events
        .iter()
        .any(|e| !e.source.is_empty() || !e.adjudicator.is_empty() || !e.qa.is_empty());
    table_text_with(events, extra)
}

/// The table as text, with or without the consensus columns. The `qa` column (after them) is
/// written only when an event has a QA state, so a table from before QA writes back unchanged.
pub fn table_text_with(events: &[Event], consensus: bool) -> String {
    use std::fmt::Write as _;
    let qa = events.iter().any(|e| !e.qa.is_empty());
    let consensus = consensus || qa;
    let mut s = String::with_capacity(64 + events.len() * 120);
    s.push_str(&COLUMNS.join("\t"));
    if consensus {
        s.push_str("\tsource\tadjudicator");
    }
    if qa {
        s.push_str("\tqa");
    }
    s.push('\n');
    for e in events {
        let _ = write!(
            s,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.onset,
            e.duration,
            escape(&e.label),
            escape(&e.channel),
            e.certainty.as_str(),
            escape(&e.note),
            escape(&e.reader),
            e.id,
            e.created,
            e.modified
        );
        if consensus {
            let _ = write!(
                s,
                "\t{}\t{}",
                escape(e.source.as_str()),
                escape(&e.adjudicator)
            );
        }
        if qa {
            let _ = write!(s, "\t{}", escape(&e.qa));
        }
        s.push('\n');
    }
    s
}
