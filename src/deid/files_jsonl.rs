//! Other JSON-lines files beside a recording (`STEM.consensus.decisions.jsonl`,
//! `STEM.qa.decisions.jsonl`, ...), read as plain JSON: every line must parse, and every
//! string is rewritten by what its key is. Times are moved, reader names mapped, ids and
//! words sigmark writes kept, and every other string (note, label, text, comment, reason, and
//! keys this code does not know) scrubbed: a key it does not know may hold identifying text.

use serde_json::Value;

use super::files_env::{Env, Tally};

/// What a key's string values are.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Class {
    Time,
    Reader,
    Source,
    Id,
    Keep,
    Recording,
    RecordingSha,
    Text,
}

const TIME_KEYS: [&str; 9] = [
    "time",
    "created",
    "modified",
    "saved",
    "timestamp",
    "date",
    "started",
    "finished",
    "updated",
];
const READER_KEYS: [&str; 6] = [
    "reader",
    "adjudicator",
    "author",
    "user",
    "annotator",
    "rater",
];
const ID_KEYS: [&str; 4] = ["id", "key", "wrote", "ids"];
/// Words sigmark itself writes (verdicts, actions, certainties) and channel names.
const KEEP_KEYS: [&str; 10] = [
    "decision",
    "action",
    "certainty",
    "channel",
    "kind",
    "status",
    "format",
    "keymap",
    "keymap_version",
    "sigmark_version",
];

fn class(key: Option<&str>) -> Class {
    let Some(k) = key else { return Class::Text };
    let k = k.to_ascii_lowercase();
    let is = |list: &[&str]| list.contains(&k.as_str());
    if is(&TIME_KEYS) || k.ends_with("_time") || k.ends_with("_at") || k.ends_with("_date") {
        Class::Time
    } else if is(&READER_KEYS) {
        Class::Reader
    } else if k == "source" {
        Class::Source
    } else if is(&ID_KEYS) {
        Class::Id
    } else if is(&KEEP_KEYS) {
        Class::Keep
    } else if k == "recording" {
        Class::Recording
    } else if k == "recording_sha256" {
        Class::RecordingSha
    } else {
        Class::Text
    }
}

/// The file rewritten line by line; a line that is not JSON skips the file (naming the line),
/// except a torn last line (no newline), which is left out.
pub(super) fn json_lines(env: &Env, bytes: &[u8], t: &mut Tally) -> Result<Vec<u8>, String> {
    let complete = bytes.ends_with(b"\n");
    let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').collect();
    let n = lines.len();
    let mut out = Vec::with_capacity(bytes.len());
    for (k, raw) in lines.into_iter().enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let parsed = std::str::from_utf8(raw)
            .map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to() + 1))
            .and_then(|s| serde_json::from_str::<Value>(s).map_err(|e| e.to_string()));
        let value = match parsed {
            Ok(v) => v,
            Err(_) if k + 1 == n && !complete => {
                t.note("a half-written last line left out", 1);
                continue;
            }
            Err(e) => return Err(format!("line {}: not a JSON value ({e})", k + 1)),
        };
        let value = walk(env, None, value, t).map_err(|w| format!("line {}: {w}", k + 1))?;
        let json = serde_json::to_string(&value).map_err(|e| e.to_string())?;
        out.extend_from_slice(json.as_bytes());
        out.push(b'\n');
        t.note("lines", 1);
    }
    Ok(out)
}

fn walk(env: &Env, key: Option<&str>, v: Value, t: &mut Tally) -> Result<Value, String> {
    Ok(match v {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, x) in map {
                let x = walk(env, Some(&k), x, t)?;
                out.insert(k, x);
            }
            Value::Object(out)
        }
        Value::Array(list) => Value::Array(
            list.into_iter()
                .map(|x| walk(env, key, x, t))
                .collect::<Result<_, _>>()?,
        ),
        Value::String(s) => string(env, key, &s, t)?,
        Value::Number(_) if class(key) == Class::Time => {
            return Err(format!(
                "{} is a number; expected an RFC 3339 time (e.g. 2024-05-01T10:00:00.000Z)",
                key.unwrap_or("time")
            ))
        }
        other => other,
    })
}

fn string(env: &Env, key: Option<&str>, s: &str, t: &mut Tally) -> Result<Value, String> {
    let field = key.unwrap_or("text");
    let text = match class(key) {
        Class::Time => env.stamp(field, s, t)?,
        Class::Reader => env.reader(field, s, t),
        Class::Source => env.source_text(s, t),
        Class::Id => {
            env.check_id(field, s)?;
            s.to_string()
        }
        Class::Keep => s.to_string(),
        Class::Recording => {
            t.fields += 1;
            t.note("recording: the new file name", 1);
            env.recording.clone()
        }
        Class::RecordingSha if env.dry_run => s.to_string(),
        Class::RecordingSha => {
            t.fields += 1;
            t.note("recording_sha256: the copy's", 1);
            return Ok(env.sha256.map_or(Value::Null, |h| Value::String(h.into())));
        }
        Class::Text => env.text(field, s, t),
    };
    Ok(Value::String(text))
}
