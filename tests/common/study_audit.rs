//! A small reading study for the audit tests: copies of the demo ECG under a temporary
//! directory, a `study.toml` written from `StudyFile` (two of three readers per recording),
//! and stores opened as a reader's viewer opens them (with the recording's hash and keymap).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sigmark::annotations::event::{new_id, now};
use sigmark::annotations::{Event, Paths, Provenance, Store};
use sigmark::study::{Assignment, Gates, Guideline, Study, StudyFile};

pub const READERS: [&str; 3] = ["alice", "bob", "carol"];
pub const KEYMAP_VERSION: &str = "2026.1";

/// The demo recording in the source tree.
pub fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf")
}

/// `n` recordings `recN/rN.edf` under `dir`; recording k is read by readers k and k+1 (of
/// three); `dana` is the QA reviewer.
pub fn make_study(dir: &Path, n: usize) -> Study {
    let mut recordings = Vec::new();
    let mut order: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for k in 0..n {
        let rel = format!("rec{k}/r{k}.edf");
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(demo(), &path).unwrap();
        let readers: Vec<String> = [READERS[k % 3], READERS[(k + 1) % 3]]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for r in &readers {
            order.entry(r.clone()).or_default().push(rel.clone());
        }
        recordings.push(Assignment { path: rel, readers });
    }
    let study = Study {
        dir: dir.to_path_buf(),
        file: StudyFile {
            name: "audit test".into(),
            guideline: Guideline {
                keymap: "ecg".into(),
                version: KEYMAP_VERSION.into(),
            },
            readers: READERS.iter().map(|s| s.to_string()).collect(),
            reads: 2,
            qa: vec!["dana".into()],
            seed: 7,
            gates: Gates::default(),
            critical: Vec::new(),
            recordings,
            order,
        },
    };
    study.save().unwrap();
    study
}

/// The provenance a viewer gives the store once the hash has arrived.
pub fn provenance(rec: &Path) -> Provenance {
    Provenance {
        recording: rec.to_path_buf(),
        sha256: Some(sigmark::export::rows::hash_file(rec).unwrap()),
        size: std::fs::metadata(rec).unwrap().len(),
        format: "EDF+".into(),
        keymap: "ecg".into(),
        keymap_version: KEYMAP_VERSION.into(),
    }
}

/// `reader`'s store of `rec`.
pub fn open(rec: &Path, reader: &str) -> Store {
    Store::open(Paths::new(rec, reader, None), reader, provenance(rec))
        .unwrap()
        .0
}

/// A new point event by `reader`.
pub fn event(reader: &str, onset: f64, label: &str) -> Event {
    Event {
        onset,
        duration: 0.0,
        label: label.into(),
        reader: reader.into(),
        id: new_id(),
        created: now(),
        modified: now(),
        ..Default::default()
    }
}

/// Each assigned reader of every recording marks two events and saves.
pub fn read_all(study: &Study) {
    for a in &study.file.recordings {
        let rec = study.recording_path(a);
        for r in &a.readers {
            let mut s = open(&rec, r);
            s.add(event(r, 10.0, "PVC")).unwrap();
            s.add(event(r, 20.0, "PAC")).unwrap();
            s.save().unwrap();
        }
    }
}
