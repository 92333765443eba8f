//! Helpers of tests/check.rs: the corpus, small broken files, mutations.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The corpus directory, or `None` (skipped locally; under CI=true a missing corpus panics).
pub fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "corpus {} missing under CI",
        dir.display()
    );
    eprintln!(
        "corpus {} not found: skipped (set SIGMARK_CORPUS)",
        dir.display()
    );
    None
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
    if let Some(p) = std::env::var_os("SIGMARK_PYTHON") {
        return Some(PathBuf::from(p));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "SIGMARK_PYTHON is not set under CI"
    );
    eprintln!("SIGMARK_PYTHON not set: pyedflib comparison skipped");
    None
}
