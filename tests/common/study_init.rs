//! Study directories for the `study init` / `study add` tests: demo recordings copied under
//! new names and subdirectories, and the checks every assignment must pass.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sigmark::study::{Gates, Guideline, StudyFile};

/// The three demo kinds: (subdirectory, demo file, extension). Sorted by directory, ECG comes
/// first, so a study of them infers the ECG keymap.
pub const KINDS: [(&str, &str, &str); 3] = [
    ("ecg", "demo_ecg.edf", "edf"),
    ("eeg", "demo_eeg.bdf", "bdf"),
    ("mon", "demo_monitoring.h5", "h5"),
];

pub fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(name)
}

/// Recording `i` of a generated study: `KIND/pNN/recII.EXT`, the kinds in turn.
pub fn rel_of(i: usize) -> String {
    let (dir, _, ext) = KINDS[i % KINDS.len()];
    format!("{dir}/p{:02}/rec{i:02}.{ext}", i / 6)
}

/// Puts recordings `range` of a generated study under `dir` (hard links where the file
/// system allows, else copies) and returns their relative paths.
pub fn put_recordings(dir: &Path, range: std::ops::Range<usize>) -> Vec<String> {
    range
        .map(|i| {
            let rel = rel_of(i);
            let to = dir.join(&rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            let from = demo(KINDS[i % KINDS.len()].1);
            if std::fs::hard_link(&from, &to).is_err() {
                std::fs::copy(&from, &to).unwrap();
            }
            rel
        })
        .collect()
}

/// A study file with no recordings yet.
pub fn empty_study(readers: usize, reads: usize, seed: u64) -> StudyFile {
    StudyFile {
        name: "t".into(),
        guideline: Guideline {
            keymap: "ecg".into(),
            version: "1.1".into(),
        },
        readers: (0..readers).map(|r| format!("r{r}")).collect(),
        reads,
        qa: Vec::new(),
        seed,
        gates: Gates::default(),
        critical: Vec::new(),
        recordings: Vec::new(),
        order: BTreeMap::new(),
    }
}

/// Each reader's load, by name.
pub fn loads(f: &StudyFile) -> BTreeMap<String, usize> {
    f.readers
        .iter()
        .map(|r| {
            let n = f
                .recordings
                .iter()
                .filter(|a| a.readers.contains(r))
                .count();
            (r.clone(), n)
        })
        .collect()
}

/// What every assignment must be: each recording to `reads` distinct readers of the study,
/// loads within one of each other, each reader's order exactly their recordings, once each.
/// Returns what was wrong, if anything.
pub fn problems(f: &StudyFile) -> Vec<String> {
    let mut out = Vec::new();
    for a in &f.recordings {
        let distinct: BTreeSet<&String> = a.readers.iter().collect();
        if a.readers.len() != f.reads || distinct.len() != f.reads {
            out.push(format!(
                "{}: readers {:?}, want {} distinct",
                a.path, a.readers, f.reads
            ));
        }
    }
    let loads = loads(f);
    let (lo, hi) = (
        loads.values().min().copied().unwrap_or(0),
        loads.values().max().copied().unwrap_or(0),
    );
    if hi - lo > 1 {
        out.push(format!("loads differ by {}: {loads:?}", hi - lo));
    }
    for r in &f.readers {
        let mut order: Vec<&String> = f
            .order
            .get(r)
            .map(|o| o.iter().collect())
            .unwrap_or_default();
        let mut mine: Vec<&String> = f
            .recordings
            .iter()
            .filter(|a| a.readers.contains(r))
            .map(|a| &a.path)
            .collect();
        order.sort();
        mine.sort();
        if order != mine {
            out.push(format!("order of {r} is not their recordings once each"));
        }
    }
    if let Err(e) = f.check() {
        out.push(e);
    }
    out
}
