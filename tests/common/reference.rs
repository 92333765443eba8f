//! Where the tests find the corpus and the reference libraries' Python: `$SIGMARK_CORPUS`
//! (default `../shared/corpus`) and `$SIGMARK_PYTHON` (a venv with wfdb 4.3.1 and pyedflib,
//! made by `.ci/run`). Missing locally: the test says it skipped and returns; under `CI` it
//! fails instead, so CI never passes by skipping.

use std::path::{Path, PathBuf};

fn under_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// The corpus root when `dir` (e.g. "wfdb", or "" for the root) exists in it.
pub fn corpus_with(dir: &str, test: &str) -> Option<PathBuf> {
    let root = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if root.join(dir).is_dir() {
        return Some(root);
    }
    assert!(
        !under_ci(),
        "{test}: corpus not found at {} (set SIGMARK_CORPUS)",
        root.display()
    );
    eprintln!("{test}: corpus not found at {}, skipped", root.display());
    None
}

/// The Python with the reference libraries.
pub fn python(test: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SIGMARK_PYTHON") {
        return Some(PathBuf::from(p));
    }
    assert!(!under_ci(), "{test}: SIGMARK_PYTHON is not set under CI");
    eprintln!("{test}: SIGMARK_PYTHON not set, the reference comparison skipped");
    None
}
