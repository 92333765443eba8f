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
    let note = rec
        .notes
        .iter()
        .find(|n| n.starts_with("annotations:"))
        .unwrap();
    println!("{note}");
    assert!(note.contains("gqrsh") && note.contains("gqrsl") && note.contains("sqrs"));
    // The default: no atr here, so no annotations, and a note naming what there is.
    let rec = open_with(dir.join("03700181"), &with(None)).unwrap();
    assert!(rec.annotations.is_empty());
    assert!(
        rec.notes.iter().any(|n| n.contains("--annotator")),
        "{:?}",
        rec.notes
    );
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
