//! Studies for the `study status` tests, made the way the other study commands will make
//! them: `study.toml` written from [`StudyFile`], readers' tables written through the store
//! (open, add, save: journal and sidecar as a reader leaves them), readings, access and QA
//! decisions appended with `study::log::append`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sigmark::annotations::store::{Paths, Provenance};
use sigmark::annotations::{Event, Store};
use sigmark::study::log::{self, Access, AccessMode, Reading, ReadingState};
use sigmark::study::qa::{decisions_path, QaDecision, QaVerdict};
use sigmark::study::{Assignment, Critical, Gates, Guideline, StudyFile, STUDY_FILE};

use crate::common::cli::{Cli, Run};

/// A study in a temporary directory.
pub struct StudyDir {
    pub tmp: tempfile::TempDir,
}

/// `recordings`: (path relative to the study, its readers). Each recording is a small
/// placeholder file: status never opens a recording.
pub fn study(readers: &[&str], recordings: &[(&str, &[&str])], critical: &[&str]) -> StudyDir {
    let tmp = tempfile::tempdir().unwrap();
    let mut order: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, rs) in recordings {
        for r in *rs {
            order
                .entry(r.to_string())
                .or_default()
                .push(path.to_string());
        }
        let full = tmp.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(&full, b"placeholder recording").unwrap();
    }
    let file = StudyFile {
        name: "status test".into(),
        guideline: Guideline {
            keymap: "ecg".into(),
            version: "1.0".into(),
        },
        readers: readers.iter().map(|s| s.to_string()).collect(),
        reads: recordings.first().map_or(2, |r| r.1.len()),
        qa: vec!["dana".into()],
        seed: 7,
        gates: Gates::default(),
        critical: critical
            .iter()
            .map(|l| Critical {
                label: l.to_string(),
                below: None,
            })
            .collect(),
        recordings: recordings
            .iter()
            .map(|(p, rs)| Assignment {
                path: p.to_string(),
                readers: rs.iter().map(|s| s.to_string()).collect(),
            })
            .collect(),
        order,
    };
    file.write(&tmp.path().join(STUDY_FILE)).unwrap();
    StudyDir { tmp }
}

/// An event with a given id (so that tests can name it).
pub fn ev(id: &str, onset: f64, duration: f64, label: &str) -> Event {
    Event {
        onset,
        duration,
        label: label.into(),
        id: id.into(),
        ..Default::default()
    }
}

impl StudyDir {
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    pub fn rec(&self, rel: &str) -> PathBuf {
        self.dir().join(rel)
    }

    /// `reader` marks `events` on `rel` through the store and saves.
    pub fn mark(&self, rel: &str, reader: &str, events: &[Event]) {
        self.mark_as(rel, reader, reader, events);
    }

    /// As [`StudyDir::mark`], for the store of `reader` (e.g. `consensus`) edited by `author`.
    pub fn mark_as(&self, rel: &str, reader: &str, author: &str, events: &[Event]) {
        let rec = self.rec(rel);
        let prov = Provenance {
            recording: rec.clone(),
            keymap: "ecg".into(),
            keymap_version: "1.0".into(),
            ..Provenance::default()
        };
        let (mut store, _) = Store::open(Paths::new(&rec, reader, None), reader, prov).unwrap();
        store.author = author.to_string();
        for e in events {
            let mut e = e.clone();
            e.reader = reader.to_string();
            assert!(store.add(e).unwrap());
        }
        store.save().unwrap();
    }

    pub fn reading(&self, rel: &str, reader: &str, state: ReadingState, time: &str) {
        let r = Reading {
            time: time.into(),
            reader: reader.into(),
            recording: rel.into(),
            state,
        };
        log::append(&self.dir().join(log::READINGS_FILE), &r).unwrap();
    }

    pub fn finish(&self, rel: &str, reader: &str) {
        self.reading(
            rel,
            reader,
            ReadingState::Finished,
            "2026-12-01T12:00:00.000Z",
        );
    }

    pub fn access(&self, rel: &str, who: &str, mode: AccessMode, forced: bool, time: &str) {
        let a = Access {
            time: time.into(),
            who: who.into(),
            recording: rel.into(),
            mode,
            forced,
        };
        log::append(&self.dir().join(log::ACCESS_FILE), &a).unwrap();
    }

    /// dana's QA decision on `event` of `rel`.
    pub fn qa(&self, rel: &str, event: &Event, verdict: QaVerdict) {
        let after = (verdict == QaVerdict::Edited).then(|| {
            let mut e = event.clone();
            e.duration += 1.0;
            e
        });
        let d = QaDecision {
            id: event.id.clone(),
            verdict,
            reviewer: "dana".into(),
            time: "2026-12-01T13:00:00.000Z".into(),
            before: event.clone(),
            after,
        };
        log::append(&decisions_path(&self.rec(rel)), &d).unwrap();
    }

    /// `sigmark study status DIR ARGS`.
    pub fn status(&self, args: &[&str]) -> Run {
        let mut cli = Cli::new().arg("study").arg("status").arg(self.dir());
        for a in args {
            cli = cli.arg(a);
        }
        cli.run()
    }

    /// `study status --json`, parsed, with its exit code.
    pub fn status_json(&self) -> (i32, serde_json::Value) {
        let run = self.status(&["--json"]);
        let v = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
        (run.code, v)
    }
}

/// One event per 30 s epoch from `labels` (epoch k is `labels[k]`), ids `PREFIX-k`.
pub fn epochs(prefix: &str, labels: &[&str]) -> Vec<Event> {
    labels
        .iter()
        .enumerate()
        .map(|(k, l)| ev(&format!("{prefix}-{k}"), 30.0 * k as f64, 30.0, l))
        .collect()
}
