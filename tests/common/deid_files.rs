//! A recording with every kind of annotation file beside it, made with the real store and
//! adjudication APIs, with identifying text in the notes: for tests of `deid_annotation_files`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde_json::Value;
use sha2::Digest;
use sigmark::annotations::store::CONSENSUS;
use sigmark::annotations::{Event, Paths, Provenance, Source, Store};
use sigmark::compare::adjudicate::{Choice, Session, Setup};
use sigmark::deid::Identifiers;

/// The person: name parts and a record number, the birthdate; PHI written into notes.
pub const NAME: &str = "Jane_Doe";
pub const CODE: &str = "MRN4471";
pub const BIRTH: &str = "12.03.1961";
pub const VISIT: &str = "05.04.2023";
pub const CLOCK: &str = "22:30";
/// The original recording's stem (it names the person too).
pub const STEM: &str = "Doe_Jane_visit";
pub const READERS: [(&str, &str); 3] =
    [("alice", "reader1"), ("bob", "reader2"), ("carol", "adj1")];

pub fn identifiers() -> Identifiers {
    let mut ids = Identifiers::default();
    ids.add_name(NAME);
    ids.add_name(CODE);
    ids.dates
        .push(NaiveDate::from_ymd_opt(1961, 3, 12).unwrap());
    ids
}

pub fn reader_map() -> BTreeMap<String, String> {
    READERS
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

pub fn sha256_hex(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn provenance(rec: &Path) -> Provenance {
    Provenance {
        recording: rec.to_path_buf(),
        sha256: Some(sha256_hex(rec)),
        size: std::fs::metadata(rec).unwrap().len(),
        format: "EDF+".into(),
        keymap: "ecg".into(),
        keymap_version: "3".into(),
    }
}

fn ev(onset: f64, duration: f64, label: &str, note: &str, reader: &str) -> Event {
    Event {
        onset,
        duration,
        label: label.into(),
        note: note.into(),
        reader: reader.into(),
        id: sigmark::annotations::event::new_id(),
        created: sigmark::annotations::event::now(),
        modified: sigmark::annotations::event::now(),
        ..Default::default()
    }
}

fn open(rec: &Path, reader: &str) -> Store {
    Store::open(Paths::new(rec, reader, None), reader, provenance(rec))
        .unwrap()
        .0
}

/// alice: adds, changes a note, deletes and undoes, saves, then one unsaved add (in the
/// journal only).
fn alice(rec: &Path) {
    let mut s = open(rec, "alice");
    let a = ev(10.0, 30.0, "AF", "", "alice");
    let b = ev(
        100.0,
        0.0,
        "PVC",
        &format!("Jane Doe ({CODE}) felt it at {CLOCK}"),
        "alice",
    );
    let c = ev(
        200.0,
        10.0,
        "VT",
        &format!("born {BIRTH}, seen {VISIT}"),
        "alice",
    );
    for e in [&a, &b, &c] {
        s.add(e.clone()).unwrap();
    }
    let mut b2 = b.clone();
    b2.note = format!("DOE again at {CLOCK}");
    s.change(b2).unwrap();
    s.delete(&c.id).unwrap();
    s.undo().unwrap();
    s.save().unwrap();
    s.add(ev(300.0, 20.0, "AF", "jane resting", "alice"))
        .unwrap();
}

fn bob(rec: &Path) {
    let mut s = open(rec, "bob");
    for e in [
        ev(10.5, 29.8, "AF", "", "bob"),
        ev(
            100.2,
            0.0,
            "PAC",
            &format!("{CODE} on the phone at {CLOCK}"),
            "bob",
        ),
        ev(400.0, 0.0, "PVC", "Doe's visit", "bob"),
    ] {
        s.add(e).unwrap();
    }
    s.save().unwrap();
}

/// carol adjudicates: the agreed AF copied, two decisions, and one event from another
/// tool's merge (`source` alice+bob).
fn consensus(rec: &Path) {
    let mut cons = open(rec, CONSENSUS);
    let setup = Setup {
        recording: rec,
        dir: None,
        reader_a: "alice",
        reader_b: "bob",
        adjudicator: "carol",
        tol_s: 1.0,
    };
    let mut session = Session::open(&setup, &mut cons).unwrap();
    let open: Vec<usize> = session.disagreements().map(|(k, _)| k).take(2).collect();
    session.decide(&mut cons, open[0], Choice::A).unwrap();
    session.decide(&mut cons, open[1], Choice::Both).unwrap();
    let mut merged = ev(500.0, 5.0, "PVC", "agreed with Jane", "alice");
    merged.source = Source::Other("alice+bob".into());
    merged.adjudicator = "carol".into();
    cons.import(merged).unwrap();
    cons.save().unwrap();
}

/// Makes `dir/STEM.edf` (the demo ECG) with alice's, bob's and the consensus files beside
/// it, a QA file, a damaged-journal backup, a file sigmark does not know and a stale lock.
pub fn make(dir: &Path) -> PathBuf {
    let rec = dir.join(format!("{STEM}.edf"));
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    std::fs::copy(demo, &rec).unwrap();
    alice(&rec);
    bob(&rec);
    consensus(&rec);
    let qa = format!(
        "{{\"time\":\"2026-01-02T08:00:00.000Z\",\"reader\":\"alice\",\"comment\":\"Doe file \
         checked at {CLOCK}\",\"id\":\"q1\",\"score\":3}}\n"
    );
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    write(&format!("{STEM}.qa.decisions.jsonl"), &qa);
    write(
        &format!("{STEM}.alice.journal.jsonl.damaged-20260101T000000Z"),
        "Jane Doe\n",
    );
    write(&format!("{STEM}.alice.notes.txt"), "Jane Doe\n");
    write(
        &format!("{STEM}.dave.lock"),
        "4000000\nnowhere\nyesterday\n",
    );
    rec
}

/// Writes `out_dir/NEW.edf`, the recording with its patient field cleared (a stand-in for
/// the de-identified copy, which the EDF part writes).
pub fn copy_recording(rec: &Path, out_dir: &Path, new: &str) -> PathBuf {
    let out = out_dir.join(format!("{new}.edf"));
    let mut bytes = std::fs::read(rec).unwrap();
    bytes[8..88].copy_from_slice(format!("{:80}", "X X X deid").as_bytes());
    std::fs::write(&out, bytes).unwrap();
    out
}

pub fn time(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

const TIME_KEYS: [&str; 4] = ["time", "created", "modified", "saved"];

/// Every (source, output) pair of time strings at the same place of two JSON values.
fn json_times(a: &Value, b: &Value, key: Option<&str>, out: &mut Vec<(String, String)>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                let w = y.get(k).unwrap_or_else(|| panic!("key {k} lost"));
                json_times(v, w, Some(k), out);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for (v, w) in x.iter().zip(y) {
                json_times(v, w, key, out);
            }
        }
        (Value::String(x), Value::String(y))
            if !x.is_empty() && key.is_some_and(|k| TIME_KEYS.contains(&k)) =>
        {
            out.push((x.clone(), y.clone()));
        }
        _ => {}
    }
}

/// The time pairs of a source file and its output: tables by column, JSON by key, JSON lines
/// line by line.
pub fn time_pairs(src: &Path, out: &Path) -> Vec<(String, String)> {
    let name = src.to_string_lossy().into_owned();
    let mut pairs = Vec::new();
    if name.ends_with(".events.tsv") {
        let a = sigmark::annotations::store::read_table(src).unwrap();
        let b = sigmark::annotations::store::read_table(out).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            pairs.push((x.created.clone(), y.created.clone()));
            pairs.push((x.modified.clone(), y.modified.clone()));
        }
        return pairs;
    }
    let (a, b) = (
        std::fs::read_to_string(src).unwrap(),
        std::fs::read_to_string(out).unwrap(),
    );
    let docs: Vec<(String, String)> = if name.ends_with(".json") {
        vec![(a, b)]
    } else {
        assert_eq!(a.lines().count(), b.lines().count(), "{name}: lines");
        a.lines()
            .zip(b.lines())
            .map(|(x, y)| (x.into(), y.into()))
            .collect()
    };
    for (x, y) in docs {
        let (x, y): (Value, Value) = (
            serde_json::from_str(&x).unwrap(),
            serde_json::from_str(&y).unwrap(),
        );
        json_times(&x, &y, None, &mut pairs);
    }
    pairs
}
