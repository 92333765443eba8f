//! A small study for QA tests, written directly (not by `study init`): two demo ECG copies,
//! `a/one.edf` read by alice and bob with a consensus (VT at 100 s, PVC at 150 s, Pause at
//! 200 s), `b/two.edf` read by carol alone (VT at 50 s, PAC at 60 s); critical VT, VF and
//! Pause; QA reviewer dana (and alice, to show a reader is refused on what she read).

use std::path::{Path, PathBuf};

use sigmark::annotations::store::CONSENSUS;
use sigmark::annotations::{Event, Paths, Provenance, Source, Store};
use sigmark::study::log::{self, Reading, ReadingState};
use sigmark::study::{Assignment, Critical, Gates, Guideline, Study, StudyFile};

pub fn ev(id: &str, onset: f64, duration: f64, label: &str, reader: &str) -> Event {
    Event {
        onset,
        duration,
        label: label.into(),
        reader: reader.into(),
        id: id.into(),
        created: "2026-12-01T10:00:00.000Z".into(),
        modified: "2026-12-01T10:00:00.000Z".into(),
        ..Default::default()
    }
}

/// Writes `events` as `reader`'s table through the store (journal, sidecar, table).
pub fn write_table(rec: &Path, reader: &str, events: Vec<Event>) {
    let (mut store, _) = Store::open(
        Paths::new(rec, reader, None),
        reader,
        Provenance {
            recording: rec.to_path_buf(),
            keymap: "ecg".into(),
            keymap_version: "1".into(),
            ..Default::default()
        },
    )
    .unwrap();
    store.import_all(events).unwrap();
    store.save().unwrap();
}

fn copy_demo(to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    std::fs::copy(demo, to).unwrap();
}

pub fn study_file() -> StudyFile {
    StudyFile {
        name: "qa-test".into(),
        guideline: Guideline {
            keymap: "ecg".into(),
            version: "1".into(),
        },
        readers: vec!["alice".into(), "bob".into(), "carol".into()],
        reads: 2,
        qa: vec!["dana".into(), "alice".into()],
        seed: 7,
        gates: Gates::default(),
        critical: ["VT", "VF", "Pause"]
            .iter()
            .map(|l| Critical {
                label: l.to_string(),
                below: None,
            })
            .collect(),
        recordings: vec![
            Assignment {
                path: "a/one.edf".into(),
                readers: vec!["alice".into(), "bob".into()],
            },
            Assignment {
                path: "b/two.edf".into(),
                readers: vec!["carol".into()],
            },
        ],
        order: Default::default(),
    }
}

/// The study in `dir`: recordings, readers' tables, one consensus; returns it opened.
pub fn make_study(dir: &Path) -> Study {
    let one = dir.join("a/one.edf");
    let two = dir.join("b/two.edf");
    copy_demo(&one);
    copy_demo(&two);
    write_table(&one, "alice", vec![ev("a1", 100.2, 4.8, "VT", "alice")]);
    write_table(&one, "bob", vec![ev("b1", 99.8, 5.5, "VT", "bob")]);
    let both = |e: Event| Event {
        source: Source::Both,
        ..e
    };
    write_table(
        &one,
        CONSENSUS,
        vec![
            both(ev("c1", 100.0, 5.0, "VT", "alice")),
            both(ev("c2", 150.0, 0.0, "PVC", "alice")),
            both(ev("c3", 200.0, 3.0, "Pause", "bob")),
        ],
    );
    write_table(
        &two,
        "carol",
        vec![
            ev("t1", 50.0, 4.0, "VT", "carol"),
            ev("t2", 60.0, 0.0, "PAC", "carol"),
        ],
    );
    let study = Study {
        dir: dir.to_path_buf(),
        file: study_file(),
    };
    study.save().unwrap();
    finish(&study, "carol", "b/two.edf");
    study
}

/// Logs `reader`'s reading of `rel` as finished.
pub fn finish(study: &Study, reader: &str, rel: &str) {
    let r = Reading {
        time: log::now(),
        reader: reader.into(),
        recording: rel.into(),
        state: ReadingState::Finished,
    };
    log::append(&study.readings_path(), &r).unwrap();
}

pub fn one(study: &Study) -> PathBuf {
    study.dir.join("a/one.edf")
}

pub fn two(study: &Study) -> PathBuf {
    study.dir.join("b/two.edf")
}

/// (id, label, onset, qa) of every event of the recording's consensus table on disk.
pub fn consensus_qa(rec: &Path) -> Vec<(String, String, f64, String)> {
    sigmark::annotations::store::read_table(&Paths::new(rec, CONSENSUS, None).events)
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.label, e.onset, e.qa))
        .collect()
}
