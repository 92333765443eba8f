//! A small reading study for the `study next` tests: copies of the demo ECG at `a/r1.edf`,
//! `a/r2.edf` and `b/r3.edf` under a temporary directory, readers alice (all three, in the
//! order r3, r1, r2) and bob (r1 only), keymap ecg at its shipped version. Until `study init`
//! lands the study.toml is written from `StudyFile` directly.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sigmark::study::{Assignment, Gates, Guideline, Study, StudyFile};

pub const R1: &str = "a/r1.edf";
pub const R2: &str = "a/r2.edf";
pub const R3: &str = "b/r3.edf";

pub struct StudyDir {
    pub tmp: tempfile::TempDir,
    pub study: Study,
}

impl StudyDir {
    pub fn dir(&self) -> &Path {
        &self.study.dir
    }

    pub fn rec(&self, rel: &str) -> PathBuf {
        self.study.dir.join(rel)
    }

    /// The lines of a log in the study directory (none when it is absent).
    pub fn lines(&self, name: &str) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(self.dir().join(name)).unwrap_or_default();
        println!("{name}:\n{text}");
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

/// The study, with the guideline at keymap `ecg` version `version`.
pub fn make_with_version(version: &str) -> StudyDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("study");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    for rel in [R1, R2, R3] {
        let to = dir.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&demo, &to).unwrap();
    }
    let both = vec!["alice".to_string(), "bob".to_string()];
    let file = StudyFile {
        name: "pilot".into(),
        guideline: Guideline {
            keymap: "ecg".into(),
            version: version.into(),
        },
        readers: both.clone(),
        reads: 1,
        qa: Vec::new(),
        seed: 7,
        gates: Gates::default(),
        critical: Vec::new(),
        recordings: vec![
            Assignment {
                path: R1.into(),
                readers: both,
            },
            Assignment {
                path: R2.into(),
                readers: vec!["alice".into()],
            },
            Assignment {
                path: R3.into(),
                readers: vec!["alice".into()],
            },
        ],
        order: BTreeMap::from([
            (
                "alice".to_string(),
                vec![R3.to_string(), R1.to_string(), R2.to_string()],
            ),
            ("bob".to_string(), vec![R1.to_string()]),
        ]),
    };
    let study = Study { dir, file };
    study.save().unwrap();
    StudyDir { tmp, study }
}

/// The study at the shipped ECG keymap's version.
pub fn make() -> StudyDir {
    make_with_version(&ecg_version())
}

/// The shipped ECG keymap's version, read from the keymap (it changes when the labels do).
pub fn ecg_version() -> String {
    sigmark::annotations::taxonomy::shipped("ecg")
        .expect("the ecg keymap is shipped")
        .expect("the ecg keymap reads")
        .version
}
