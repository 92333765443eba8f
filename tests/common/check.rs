//! Helpers of tests/check.rs: the corpus, small broken files, mutations.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The corpus directory, or `None` (skipped locally; under CI=true a missing corpus panics).
pub fn corpus() -> Option<PathBuf> {
    crate::common::reference::corpus_with("", "check")
}

/// Every file under `dir` whose name ends with one of `exts`, sorted.
pub fn files_under(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if exts.iter().any(|x| p.to_string_lossy().ends_with(x)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// `file` with `text` written at `offset`.
pub fn patched(file: &[u8], offset: usize, text: &[u8]) -> Vec<u8> {
    let mut b = file.to_vec();
    b[offset..offset + text.len()].copy_from_slice(text);
    b
}

/// The interpreter for the pyedflib tests, or `None` (skipped locally, a panic under CI=true).
pub fn python() -> Option<PathBuf> {
    crate::common::reference::python("check (pyedflib)")
}
