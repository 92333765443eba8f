//! Two readers' tables for adjudication tests: alice and bob agree on one AF, and disagree
//! four ways (label at 100 s, only A at 200 s, bounds at 300 s, only B at 400 s).

use std::path::{Path, PathBuf};

use sigmark::annotations::store::table_text;
use sigmark::annotations::Event;

pub fn ev(id: &str, onset: f64, duration: f64, label: &str, reader: &str) -> Event {
    Event {
        onset,
        duration,
        label: label.into(),
        reader: reader.into(),
        id: id.into(),
        ..Default::default()
    }
}

/// Copies the demo ECG into `dir` as holter.edf and writes alice's and bob's tables beside it.
pub fn two_readers(dir: &Path) -> PathBuf {
    let rec = dir.join("holter.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .unwrap();
    let a = vec![
        ev("a1", 10.0, 30.0, "AF", "alice"),
        ev("a2", 100.0, 0.0, "PVC", "alice"),
        ev("a3", 200.0, 10.0, "VT", "alice"),
        ev("a4", 300.0, 20.0, "AF", "alice"),
    ];
    let b = vec![
        ev("b1", 10.5, 29.8, "AF", "bob"),
        ev("b2", 100.2, 0.0, "PAC", "bob"),
        ev("b4", 305.0, 20.0, "AF", "bob"),
        ev("b5", 400.0, 0.0, "PVC", "bob"),
    ];
    std::fs::write(dir.join("holter.alice.events.tsv"), table_text(&a)).unwrap();
    std::fs::write(dir.join("holter.bob.events.tsv"), table_text(&b)).unwrap();
    rec
}
