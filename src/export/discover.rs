//! Finding recordings in the given files and directories, and the reader and consensus tables
//! beside each one. Recordings are found by content later (a header-only open); here a file is a
//! candidate unless it is clearly not a recording (events tables, sidecars, journals, locks,
//! text and table files), which are passed over silently.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::{Problem, ProblemKind};
use crate::annotations::store::check_reader;

/// A file that may be a recording, with the tables found beside it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// Path relative to the given root, with `/` separators: the `recording` column.
    pub rel: String,
    /// `(reader, STEM.READER.events.tsv)`, sorted by reader (consensus excluded).
    pub tables: Vec<(String, PathBuf)>,
    /// `STEM.consensus.events.tsv`, when present.
    pub consensus: Option<PathBuf>,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Found {
    /// Sorted by `rel` (byte order), the order of the exported table.
    pub candidates: Vec<Candidate>,
    pub problems: Vec<Problem>,
}

const EVENTS_SUFFIX: &str = ".events.tsv";
/// Extensions of files that are never recordings: skipped without a word.
const NOT_RECORDINGS: [&str; 12] = [
    "tsv", "csv", "json", "jsonl", "md", "txt", "lock", "parquet", "toml", "log", "tmp", "edf-csv",
];

/// Walks every input (a recording file or a directory, recursively).
pub fn find(inputs: &[PathBuf]) -> Found {
    let mut found = Found::default();
    for input in inputs {
        match fs::metadata(input) {
            Ok(m) if m.is_dir() => walk(input, &mut found),
            Ok(_) => single(input, &mut found),
            Err(e) => found.problems.push(Problem::new(
                input,
                ProblemKind::Unreadable,
                format!("cannot read it: {e}"),
            )),
        }
    }
    found.candidates.sort_by(|a, b| a.rel.cmp(&b.rel));
    found
}

fn single(file: &Path, found: &mut Found) {
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match list_dir(dir, dir) {
        Ok(mut listing) => {
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
            listing
                .candidates
                .retain(|c| c.path.file_name().map(|n| n.to_string_lossy().into_owned()) == name);
            listing.orphans.clear();
            found.candidates.extend(listing.candidates);
        }
        Err(p) => found.problems.push(p),
    }
}

fn walk(root: &Path, found: &mut Found) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        match list_dir(root, &dir) {
            Ok(listing) => {
                found.candidates.extend(listing.candidates);
                found.problems.extend(listing.orphans);
                // Reverse so that the pop order is sorted (only messages depend on it).
                stack.extend(listing.subdirs.into_iter().rev());
            }
            Err(p) => found.problems.push(p),
        }
    }
}

struct Listing {
    candidates: Vec<Candidate>,
    subdirs: Vec<PathBuf>,
    orphans: Vec<Problem>,
}

/// One directory: its candidate recordings, events tables matched to them by stem, and
/// subdirectories. Symbolic links to directories are not followed (no cycles, no escaping
/// the root); links to files are.
fn list_dir(root: &Path, dir: &Path) -> Result<Listing, Problem> {
    let rd = fs::read_dir(dir).map_err(|e| {
        Problem::new(
            dir,
            ProblemKind::Unreadable,
            format!("cannot list the directory: {e}"),
        )
    })?;
    let mut names: Vec<(String, PathBuf)> = Vec::new();
    let mut subdirs = Vec::new();
    for entry in rd.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            if !name.starts_with('.') {
                subdirs.push(path);
            }
        } else if ft.is_file() || (ft.is_symlink() && path.is_file()) {
            names.push((name, path));
        }
    }
    names.sort();
    subdirs.sort();
    let mut candidates = Vec::new();
    let mut tables = Vec::new();
    for (name, path) in names {
        if let Some(base) = name.strip_suffix(EVENTS_SUFFIX) {
            tables.push((base.to_string(), path));
        } else if !clearly_not_a_recording(&name) {
            candidates.push(Candidate {
                rel: relative(root, &path),
                path,
                tables: Vec::new(),
                consensus: None,
            });
        }
    }
    let orphans = attach_tables(&mut candidates, tables);
    Ok(Listing {
        candidates,
        subdirs,
        orphans,
    })
}

/// Gives each `STEM.READER.events.tsv` to the recordings of that stem. Stems and reader names
/// may both contain dots, so the longest stem that is a recording's wins.
fn attach_tables(candidates: &mut [Candidate], tables: Vec<(String, PathBuf)>) -> Vec<Problem> {
    let mut by_stem: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if let Some(stem) = c.path.file_stem() {
            by_stem
                .entry(stem.to_string_lossy().into_owned())
                .or_default()
                .push(i);
        }
    }
    let mut orphans = Vec::new();
    for (base, path) in tables {
        let split = base
            .char_indices()
            .rev()
            .filter(|&(_, ch)| ch == '.')
            .map(|(i, _)| (&base[..i], &base[i + 1..]))
            .find(|(stem, reader)| by_stem.contains_key(*stem) && check_reader(reader).is_ok());
        let Some((stem, reader)) = split else {
            orphans.push(Problem::new(
                &path,
                ProblemKind::Orphan,
                "no recording of this stem beside it (expected STEM.READER.events.tsv next to STEM.*)"
                    .into(),
            ));
            continue;
        };
        for &i in by_stem.get(stem).map_or(&[][..], Vec::as_slice) {
            let c = &mut candidates[i];
            if reader == "consensus" {
                c.consensus = Some(path.clone());
            } else {
                c.tables.push((reader.to_string(), path.clone()));
            }
        }
    }
    for c in candidates.iter_mut() {
        c.tables.sort();
    }
    orphans
}

fn clearly_not_a_recording(name: &str) -> bool {
    if name.starts_with('.') {
        return true;
    }
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".events.json")
        || lower.ends_with(".journal.jsonl")
        // A damaged journal's or decision file's backup (`.jsonl.damaged-YYYYMMDDTHHMMSSZ`).
        || lower.contains(".jsonl.damaged-")
        || lower
            .rsplit_once('.')
            .is_some_and(|(_, ext)| NOT_RECORDINGS.contains(&ext))
}

/// `path` relative to `root`, `/`-separated; the file name when `root` is not a prefix.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_stem_wins_and_orphans_are_reported() {
        let mut cands: Vec<Candidate> = ["rec.edf", "rec.a.edf"]
            .iter()
            .map(|n| Candidate {
                path: PathBuf::from(n),
                rel: n.to_string(),
                tables: Vec::new(),
                consensus: None,
            })
            .collect();
        let tables = vec![
            (
                "rec.a.bob".to_string(),
                PathBuf::from("rec.a.bob.events.tsv"),
            ),
            (
                "rec.alice".to_string(),
                PathBuf::from("rec.alice.events.tsv"),
            ),
            ("rec.consensus".to_string(), PathBuf::from("x")),
            ("other.alice".to_string(), PathBuf::from("o")),
        ];
        let orphans = attach_tables(&mut cands, tables);
        assert_eq!(orphans.len(), 1);
        assert_eq!(cands[0].tables.len(), 1);
        assert_eq!(cands[0].tables[0].0, "alice");
        assert!(cands[0].consensus.is_some());
        assert_eq!(cands[1].tables[0].0, "bob");
    }

    #[test]
    fn text_files_are_not_candidates() {
        assert!(clearly_not_a_recording("a.md"));
        assert!(clearly_not_a_recording("rec.alice.events.json"));
        assert!(clearly_not_a_recording(".sigmark-x.tmp"));
        assert!(!clearly_not_a_recording("rec.edf"));
        assert!(!clearly_not_a_recording("notes.bin"));
    }
}
