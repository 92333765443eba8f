//! A WFDB record's annotation file as the recording's annotations: `atr` by default,
//! `--annotator NAME` for another, every other annotator named in the notes; counts and
//! symbols compared with wfdb-python's `rdann` (the corpus oracles).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sigmark::formats::{open_with, OpenOptions};

fn corpus() -> Option<PathBuf> {
    common::reference::corpus_with("wfdb", "wfdb_annotations").map(|c| c.join("wfdb"))
}

fn oracle(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn with(annotator: Option<&str>) -> OpenOptions {
    OpenOptions {
        annotator: annotator.map(str::to_string),
        ..OpenOptions::default()
    }
}

/// Symbol of each annotation as rdann gives it: the text up to the first space or `(`.
fn symbol_counts(rec: &sigmark::Recording) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for a in &rec.annotations {
        let sym: String = if a.text.starts_with('(') {
            "+".into()
        } else {
            a.text.split([' ', '(']).next().unwrap_or("").to_string()
        };
        *out.entry(sym).or_insert(0) += 1;
    }
    out
}

#[test]
fn mitdb_reference_annotations_open_with_the_record() {
    let Some(dir) = corpus() else { return };
    let mut compared = 0;
    for name in ["100", "106", "119", "201", "203", "208", "210", "232"] {
        let rec = open_with(dir.join("mitdb").join(name), &with(None)).unwrap();
        let o = oracle(&dir.join(format!("mitdb/{name}.oracle.json")));
        let want = &o["annotations"]["atr"]["wfdb"];
        assert_eq!(
            rec.annotations.len() as u64,
            want["count"].as_u64().unwrap(),
            "{name}: annotations"
        );
        let ours = symbol_counts(&rec);
        for (sym, n) in want["symbol_counts"].as_object().unwrap() {
            if sym == "+" || sym == "~" || sym == "\"" {
                continue; // their text is the AUX, not the symbol
            }
            assert_eq!(ours.get(sym).copied(), n.as_u64(), "{name}: symbol {sym}");
            compared += 1;
        }
        let first = &want["first20"][0];
        let fs = want["fs"].as_f64().unwrap();
        let onset = first["sample"].as_f64().unwrap() / fs;
        assert!((rec.annotations[0].onset_s - onset).abs() < 1e-9, "{name}");
        compared += 2;
        println!(
            "{name}: {} annotations, atr by default",
            rec.annotations.len()
        );
    }
    println!("{compared} counts and onsets compared with rdann");
}

#[test]
fn rhythm_changes_are_intervals_to_the_next() {
    let Some(dir) = corpus() else { return };
    let rec = open_with(dir.join("mitdb/201"), &with(None)).unwrap();
    let af: Vec<_> = rec
        .annotations
        .iter()
        .filter(|a| a.text == "(AFIB")
        .collect();
    println!("201: {} AF episodes, first {:?}", af.len(), af.first());
    assert!(!af.is_empty());
    assert!(af.iter().all(|a| a.duration_s.is_some_and(|d| d > 0.0)));
}

#[test]
fn another_annotator_is_picked_by_name_and_the_rest_are_named() {
    let Some(dir) = corpus() else { return };
    let rec = open_with(dir.join("03700181"), &with(Some("gqrsh"))).unwrap();
    let o = oracle(&dir.join("03700181.oracle.json"));
    let want = o["annotations"]["gqrsh"]["wfdb"]["count"].as_u64().unwrap();
    // rdann drops the sample-0 NOTE that names gqrs's command line; sigmark keeps it.
    let notes = o["annotations"]["gqrsh"]["raw"]["notes_at_sample_0"]
        .as_array()
        .map_or(0, Vec::len) as u64;
    println!(
        "gqrsh: {} annotations, rdann {want}, {notes} sample-0 notes",
        rec.annotations.len()
    );
    assert!(rec.annotations.len() as u64 >= want);
    let notes = rec.all_notes();
    let note = notes
        .iter()
        .find(|n| n.starts_with("annotations:"))
        .unwrap();
    println!("{note}");
    assert!(note.contains("gqrsh") && note.contains("gqrsl") && note.contains("sqrs"));
    // The default: no atr here, so no annotations, and a note naming what there is.
    let rec = open_with(dir.join("03700181"), &with(None)).unwrap();
    assert!(rec.annotations.is_empty());
    let notes = rec.all_notes();
    assert!(notes.iter().any(|n| n.contains("--annotator")), "{notes:?}");
}

/// A window read needs no annotation file, so opening a record for one does not read it: the
/// list is read (and its note made) the first time it is looked at. Checked with an `.atr`
/// that is not an annotation file at all: open and read succeed, the list then says why it is
/// empty. An `--annotator` asked for is read at open, and such a file is an error there.
#[test]
fn the_default_annotation_file_is_read_when_first_used_not_at_open() {
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    for ext in ["hea", "dat"] {
        let name = format!("100.{ext}");
        std::fs::copy(dir.join("mitdb").join(&name), tmp.path().join(&name)).unwrap();
    }
    std::fs::write(tmp.path().join("100.atr"), [0xff_u8; 7]).unwrap();
    let rec = open_with(tmp.path().join("100"), &with(None)).unwrap();
    let w = rec.read_window(0, 100.0, 10.0).unwrap();
    assert_eq!(w.values.len(), 3600);
    assert!(
        !rec.annotations.is_loaded(),
        "a window read loaded the .atr"
    );
    assert!(rec.annotations.is_empty());
    let notes = rec.all_notes();
    println!("{notes:?}");
    assert!(notes
        .iter()
        .any(|n| n.starts_with("annotations not shown:")));
    assert!(open_with(tmp.path().join("100"), &with(Some("atr"))).is_err());
    // A good atr: the same list, read on first use, as when asked for by name.
    std::fs::copy(dir.join("mitdb/100.atr"), tmp.path().join("100.atr")).unwrap();
    let lazy = open_with(tmp.path().join("100"), &with(None)).unwrap();
    let eager = open_with(tmp.path().join("100"), &with(Some("atr"))).unwrap();
    assert!(!lazy.annotations.is_loaded() && eager.annotations.is_loaded());
    assert_eq!(lazy.annotations.len(), 2274);
    assert_eq!(lazy.annotations, eager.annotations);
}

#[test]
fn a_missing_annotator_is_an_error_that_lists_the_others() {
    let Some(dir) = corpus() else { return };
    let err = open_with(dir.join("03700181"), &with(Some("nope"))).unwrap_err();
    let text = err.to_string();
    println!("{text}");
    assert!(
        text.contains("03700181.nope") && text.contains("gqrsl"),
        "{text}"
    );
    let run = common::cli::sigmark(&[
        "info".as_ref(),
        dir.join("mitdb/100").as_os_str(),
        "--annotator".as_ref(),
        "qrs".as_ref(),
    ]);
    let (code, _, err) = run.parts();
    assert_ne!(code, 0);
    assert!(err.contains("100.qrs"), "{err}");
}
