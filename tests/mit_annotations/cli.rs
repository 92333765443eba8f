//! The command line: `sigmark compare` with MIT annotation files (bxb), `sigmark export
//! --format wfdb-ann` (read back by sigmark and by wfdb-python's rdann), bad input.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sigmark::annotations::store::table_text;
use sigmark::annotations::{Certainty, Event};
use sigmark::formats::mit;

use crate::common::cli::sigmark;
use crate::corpus;

fn beat_json(args: &[&str]) -> Value {
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--mode", "beat", "--json"]);
    let run = sigmark(&all);
    assert!(run.success(), "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    v["beat"].clone()
}

#[test]
fn compare_atr_against_a_table_of_itself_is_all_agreement() {
    let Some(dir) = corpus() else { return };
    let t = tempfile::tempdir().unwrap();
    let atr = dir.join("wfdb/mitdb/100.atr");
    // mitdb/ has 100.hea beside 100.atr: copy both so the table sits beside them.
    for ext in ["atr", "hea"] {
        fs::copy(atr.with_extension(ext), t.path().join(format!("100.{ext}"))).unwrap();
    }
    let f = mit::read_file(&atr).unwrap();
    let mut tsv = String::from("onset\tduration\tlabel\n");
    for e in f.wfdb_entries() {
        let sym = f.symbol(e.code).unwrap();
        tsv.push_str(&format!("{}\t0\t{sym}\n", e.sample as f64 / 360.0));
    }
    fs::write(t.path().join("copy.tsv"), tsv).unwrap();
    let a = t.path().join("100.atr");
    let b = beat_json(&[
        a.to_str().unwrap(),
        t.path().join("copy.tsv").to_str().unwrap(),
    ]);
    println!("100.atr vs itself: qrs {} veb {}", b["qrs"], b["veb"]);
    assert_eq!(b["qrs"]["sensitivity"], 1.0);
    assert_eq!(b["qrs"]["ppv"], 1.0);
    assert_eq!(b["qrs"]["fn"], 0);
    assert!(b["qrs"]["tp"].as_u64().unwrap() > 1800, "{}", b["qrs"]);
    // 100.atr has one V after 5 minutes? Whatever it has, it is matched to itself.
    assert_eq!(b["veb"]["fn"], 0);
}

#[test]
fn compare_atr_against_gqrs_prints_its_figures() {
    let Some(dir) = corpus() else { return };
    let atr = dir.join("wfdb/100.atr");
    let qrs = dir.join("wfdb/100.qrs");
    let b = beat_json(&[atr.to_str().unwrap(), qrs.to_str().unwrap()]);
    let q = &b["qrs"];
    println!(
        "100.atr (reference) vs 100.qrs (gqrs): TP {} FN {} FP {} Se {} +P {}",
        q["tp"], q["fn"], q["fp"], q["sensitivity"], q["ppv"]
    );
    assert!(q["sensitivity"].as_f64().unwrap() > 0.99, "{q}");
    assert!(q["ppv"].as_f64().unwrap() > 0.99, "{q}");
}

#[test]
fn a_broken_annotation_file_is_refused_with_its_byte_offset() {
    let t = tempfile::tempdir().unwrap();
    fs::write(
        t.path().join("r.hea"),
        "r 1 360 1000\nr.dat 16 200 16 0 0 0 0 ECG\n",
    )
    .unwrap();
    // N at 5, then AUX of 9 bytes with only 2 present.
    fs::write(t.path().join("r.atr"), [5u8, 4, 9, 0xFC, b'(', b'N']).unwrap();
    fs::write(t.path().join("x.tsv"), "onset\tduration\tlabel\n1\t0\tN\n").unwrap();
    let run = sigmark(&[
        "compare",
        t.path().join("r.atr").to_str().unwrap(),
        t.path().join("x.tsv").to_str().unwrap(),
        "--mode",
        "beat",
    ]);
    println!("{}", run.stderr);
    assert!(!run.success());
    assert!(run.stderr.contains("r.atr"), "{}", run.stderr);
    assert!(
        run.stderr.contains("byte 2") && run.stderr.contains("AUX"),
        "{}",
        run.stderr
    );
}

fn event(onset: f64, duration: f64, label: &str, reader: &str) -> Event {
    Event {
        onset,
        duration,
        label: label.into(),
        channel: String::new(),
        certainty: Certainty::Definite,
        note: String::new(),
        reader: reader.into(),
        id: format!("{reader}-{onset}"),
        created: "2024-05-01T10:00:00.000Z".into(),
        modified: "2024-05-01T10:00:01.500Z".into(),
        ..Default::default()
    }
}

/// demo_ecg.edf with reader tables for alice and bob in a temporary directory.
fn recording() -> (tempfile::TempDir, PathBuf, f64) {
    let t = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rec = t.path().join("demo_ecg.edf");
    fs::copy(repo.join("recordings/demo_ecg.edf"), &rec).unwrap();
    let alice = [
        event(1.0, 0.0, "N", "alice"),
        event(2.5, 0.0, "PVC", "alice"),
        event(3.25, 0.0, "PAC", "alice"),
        event(4.0, 6.0, "AF", "alice"),
        event(5.0, 0.0, "Spike", "alice"),
        event(12.0, 0.0, "F", "alice"),
    ];
    let bob = [event(1.01, 0.0, "N", "bob"), event(2.0, 0.0, "PVC", "bob")];
    for (name, evs) in [("alice", &alice[..]), ("bob", &bob[..])] {
        fs::write(
            t.path().join(format!("demo_ecg.{name}.events.tsv")),
            table_text(evs),
        )
        .unwrap();
    }
    let fs_hz = sigmark::open(&rec)
        .unwrap()
        .channels
        .iter()
        .map(|c| c.rate_hz)
        .fold(0.0, f64::max);
    (t, rec, fs_hz)
}

fn expected_alice(fs: f64) -> Vec<(i64, String, String)> {
    let s = |t: f64| (t * fs).round() as i64;
    vec![
        (s(1.0), "N".into(), String::new()),
        (s(2.5), "V".into(), String::new()),
        (s(3.25), "A".into(), String::new()),
        (s(4.0), "+".into(), "(AFIB".into()),
        (s(5.0), "\"".into(), "Spike".into()),
        (s(10.0), "+".into(), "(N".into()),
        (s(12.0), "F".into(), String::new()),
    ]
}

#[test]
fn export_wfdb_ann_writes_beats_rhythms_and_comments() {
    let (t, rec, fs_hz) = recording();
    let out = t.path().join("demo_ecg.atr");
    let run = sigmark(&[
        "export",
        rec.to_str().unwrap(),
        "--format",
        "wfdb-ann",
        "--reader",
        "alice",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let f = mit::read_file(&out).unwrap();
    let got: Vec<(i64, String, String)> = f
        .entries
        .iter()
        .map(|e| {
            (
                e.sample,
                f.symbol(e.code).unwrap().to_string(),
                e.aux_latin1(),
            )
        })
        .collect();
    println!("fs {fs_hz}: {got:?}");
    assert_eq!(got, expected_alice(fs_hz));

    // Several readers: one file per reader, the reader as the annotator (extension).
    let run = sigmark(&[
        "export",
        rec.to_str().unwrap(),
        "--format",
        "wfdb-ann",
        "--readers",
        "alice,bob",
        "--out",
        t.path().join("demo_ecg.atr").to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let bob = mit::read_file(t.path().join("demo_ecg.bob")).unwrap();
    let alice = mit::read_file(t.path().join("demo_ecg.alice")).unwrap();
    println!("bob {:?}", bob.entries);
    assert_eq!(bob.entries.len(), 2);
    assert_eq!(bob.entries[1].code, 5);
    assert_eq!(alice.entries, f.entries);

    // `.atr` chooses the format; without a reader it says what to add.
    let run = sigmark(&[
        "export",
        rec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    println!("{}", run.stderr);
    assert!(
        !run.success()
            && run
                .stderr
                .contains("--format wfdb-ann writes named readers")
    );
}

fn python() -> Option<PathBuf> {
    super::common::reference::python("mit_annotations")
}

#[test]
fn wfdb_python_reads_the_export_back() {
    let Some(py) = python() else { return };
    let (t, rec, fs_hz) = recording();
    let out = t.path().join("demo_ecg.atr");
    let run = sigmark(&[
        "export",
        rec.to_str().unwrap(),
        "--format",
        "wfdb-ann",
        "--reader",
        "alice",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.success(), "{}", run.stderr);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/mitann_rdann.py");
    let o = std::process::Command::new(py)
        .arg(script)
        .arg(t.path().join("demo_ecg"))
        .arg("atr")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    println!("rdann: {stdout}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success());
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let got: Vec<(i64, String, String)> = (0..v["sample"].as_array().unwrap().len())
        .map(|k| {
            (
                v["sample"][k].as_i64().unwrap(),
                v["symbol"][k].as_str().unwrap().to_string(),
                v["aux_note"][k].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(got, expected_alice(fs_hz));
}
