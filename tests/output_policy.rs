//! One output policy for text from files: no C0/C1/DEL/bidi control reaches the output of any
//! command raw; JSON escapes them (and reads back to the original text), text replaces them.
//! The recordings are the reproducers of issue 11 item 16 (tests/data/output_policy).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::cli::Run;
use serde_json::Value;
use sigmark::annotations::store::table_text;
use sigmark::annotations::{Certainty, Event};

const FILES: [&str; 3] = ["inj2.edf", "inj.h5", "fuzz_mutant_hypnogram.edf"];

/// A label holding every kind of control the policy covers.
const HOSTILE: &str =
    "PVC\u{9b}31m\u{7f}\u{202e}live\u{2066}\u{200e}\u{200f}\u{61c}\u{85}\x1b[2J\u{7}";

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/output_policy")
        .join(name)
}

/// `sigmark ARGS`, which must succeed.
fn sigmark(args: &[&str]) -> Run {
    let o = common::cli::sigmark(args);
    assert!(o.success(), "sigmark {args:?} failed: {}", o.stderr);
    o
}

/// The characters of the policy, written out here on their own (not taken from the library),
/// so that a gap in the library's list shows up.
fn forbidden(c: char) -> bool {
    let u = u32::from(c);
    (u < 0x20 && c != '\n')
        || (0x7f..=0x9f).contains(&u)
        || (0x202a..=0x202e).contains(&u)
        || (0x2066..=0x2069).contains(&u)
        || matches!(u, 0x200e | 0x200f | 0x061c)
}

/// Fails naming the command and each raw character with its offset.
fn assert_clean(what: &str, bytes: &[u8]) {
    let text = std::str::from_utf8(bytes).unwrap_or_else(|e| panic!("{what}: not UTF-8: {e}"));
    let raw: Vec<(usize, String)> = text
        .char_indices()
        .filter(|&(_, c)| forbidden(c))
        .map(|(i, c)| (i, format!("U+{:04X}", u32::from(c))))
        .collect();
    println!("{what}: {} bytes, raw controls: {raw:?}", bytes.len());
    assert!(raw.is_empty(), "{what} writes raw controls {raw:?}");
}

fn json(what: &str, bytes: &[u8]) -> Value {
    assert_clean(what, bytes);
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: not JSON: {e}"))
}

fn assert_same(what: &str, got: &Value, want: &str) {
    println!("{what}: got {got:?}, want {want:?}");
    assert_eq!(got.as_str(), Some(want), "{what}");
}

#[test]
fn info_json_escapes_controls_and_reads_back_exact() {
    for name in FILES {
        let path = data(name);
        let rec = sigmark::formats::open(&path).unwrap();
        let p = path.to_str().unwrap();
        let what = format!("info --json {name}");
        let v = json(&what, &sigmark(&["info", "--json", p]).stdout_bytes);
        for (i, c) in rec.channels.iter().enumerate() {
            let s = &v["signals"][i];
            assert_same(&format!("{what} label {i}"), &s["label"], &c.label);
            assert_same(&format!("{what} unit {i}"), &s["unit"], &c.unit);
            assert_same(
                &format!("{what} transducer {i}"),
                &s["transducer"],
                &c.transducer,
            );
            assert_same(
                &format!("{what} prefilter {i}"),
                &s["prefilter"],
                &c.prefilter,
            );
        }
        for (i, a) in rec.annotations.iter().enumerate() {
            assert_same(
                &format!("{what} annotation {i}"),
                &v["annotations"][i]["text"],
                &a.text,
            );
        }
        for (i, n) in rec.notes.iter().enumerate() {
            assert_same(&format!("{what} note {i}"), &v["notes"][i], n);
        }
        assert_clean(&format!("info {name}"), &sigmark(&["info", p]).stdout_bytes);
    }
}

#[test]
fn spectrum_json_and_text_follow_the_policy() {
    for name in ["inj2.edf", "inj.h5"] {
        let path = data(name);
        let rec = sigmark::formats::open(&path).unwrap();
        let p = path.to_str().unwrap();
        let args = ["spectrum", p, "--channel", "0", "--segment", "1"];
        let what = format!("spectrum --json {name}");
        let v = json(
            &what,
            &sigmark(&[&args[..], &["--json"]].concat()).stdout_bytes,
        );
        assert_same(
            &format!("{what} channel"),
            &v["channel"],
            rec.channels[0].label.trim(),
        );
        assert_same(
            &format!("{what} unit"),
            &v["unit"],
            rec.channels[0].unit.trim(),
        );
        assert_clean(&format!("spectrum {name}"), &sigmark(&args).stdout_bytes);
    }
}

fn event(onset: f64, label: &str, reader: &str) -> Event {
    Event {
        onset,
        duration: 1.0,
        label: label.into(),
        channel: String::new(),
        certainty: Certainty::Definite,
        note: format!("note {HOSTILE}"),
        reader: reader.into(),
        id: format!("{reader}-{onset}"),
        created: "2024-05-01T10:00:00.000Z".into(),
        modified: "2024-05-01T10:00:01.500Z".into(),
        ..Default::default()
    }
}

/// inj2.edf with a reader table whose labels and notes hold every control.
fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    fs::copy(data("inj2.edf"), t.path().join("inj2.edf")).unwrap();
    for reader in ["alice", "bob"] {
        let events = [event(1.0, HOSTILE, reader), event(4.0, "N2", reader)];
        fs::write(
            t.path().join(format!("inj2.{reader}.events.tsv")),
            table_text(&events),
        )
        .unwrap();
    }
    t
}

fn all_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| all_strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            all_strings(x, out)
        }),
        _ => {}
    }
}

#[test]
fn compare_json_and_text_follow_the_policy() {
    let t = tree();
    let a = t.path().join("inj2.alice.events.tsv");
    let b = t.path().join("inj2.bob.events.tsv");
    let (a, b) = (a.to_str().unwrap(), b.to_str().unwrap());
    let args = ["compare", a, b, "--mode", "event"];
    let out = sigmark(&[&args[..], &["--json"]].concat()).stdout_bytes;
    let mut strings = Vec::new();
    all_strings(&json("compare --json", &out), &mut strings);
    let named = strings.iter().filter(|s| s.contains(HOSTILE)).count();
    println!("compare --json: {named} strings hold the label exact");
    assert!(named > 0, "compare --json lost the label: {strings:?}");
    assert_clean("compare", &sigmark(&args).stdout_bytes);
    assert_clean(
        "compare --csv",
        &sigmark(&[&args[..], &["--csv"]].concat()).stdout_bytes,
    );
}

#[test]
fn export_jsonl_escapes_controls_and_keeps_the_data_exact() {
    let t = tree();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("t.jsonl");
    let root = t.path().to_str().unwrap();
    sigmark(&["export", root, "--out", out.to_str().unwrap(), "--embedded"]);
    let bytes = fs::read(&out).unwrap();
    assert_clean("export --format jsonl", &bytes);
    let rows: Vec<Value> = String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let embedded = sigmark::formats::open(data("inj2.edf"))
        .unwrap()
        .annotations;
    let labels: Vec<&str> = rows.iter().filter_map(|r| r["label"].as_str()).collect();
    println!("labels read back: {labels:?}");
    assert_eq!(labels.iter().filter(|&&l| l == HOSTILE).count(), 2);
    for a in &embedded {
        assert!(
            labels.contains(&a.text.as_str()),
            "embedded {:?} lost",
            a.text
        );
    }
    let notes = rows
        .iter()
        .filter(|r| r["note"] == format!("note {HOSTILE}"));
    assert_eq!(notes.count(), 4, "the notes read back exact");
}
