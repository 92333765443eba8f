//! The two-column maps of a run: `--id-map` (original recording id -> study id) and
//! `--reader-map` (reader name -> shared reader name). Both are tab-separated, one pair a
//! line, an optional header line; every error names the file and the line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::DeidError;
use crate::annotations::store::check_reader;

/// `--id-map`: original -> study id, where original is a recording's path relative to its root
/// (`site/p1.edf`) or its file stem (`p1`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdMap {
    pub path: PathBuf,
    pub ids: BTreeMap<String, String>,
}

impl IdMap {
    /// Reads and checks the map (see [`IdMap::parse`]).
    pub fn read(path: &Path) -> Result<IdMap, DeidError> {
        let text = std::fs::read_to_string(path).map_err(|e| DeidError::io(path, e))?;
        IdMap::parse(path, &text)
    }

    /// Two columns `original<TAB>study_id`; a first line whose first column is `original` is a
    /// header. A study id becomes a file name, so it must be a plain one (letters, digits,
    /// `.`, `_`, `-`, not starting with `.`); an original or a study id given twice is an error.
    pub fn parse(path: &Path, text: &str) -> Result<IdMap, DeidError> {
        let pairs = pairs(path, text, "original")?;
        let mut seen = BTreeMap::new();
        for (line, _, study) in &pairs {
            check_name(path, *line, study, "study id")?;
            if let Some(first) = seen.insert(study.clone(), *line) {
                return Err(at(
                    path,
                    *line,
                    format!("study id {study:?} is given again (first on line {first}); each recording needs its own"),
                ));
            }
        }
        Ok(IdMap {
            path: path.to_path_buf(),
            ids: pairs.into_iter().map(|(_, o, s)| (o, s)).collect(),
        })
    }

    /// The study id of the recording at `rel` (its path relative to its root): by that path,
    /// else by its file stem.
    pub fn get(&self, rel: &str) -> Option<&str> {
        self.ids
            .get(rel)
            .or_else(|| self.ids.get(stem(rel)))
            .map(String::as_str)
    }
}

/// `--reader-map`: `alice<TAB>reader1`, both valid reader names; two readers mapped to one name
/// would merge their tables, so that is an error.
pub fn parse_reader_map(path: &Path, text: &str) -> Result<BTreeMap<String, String>, DeidError> {
    let pairs = pairs(path, text, "reader")?;
    let mut targets = BTreeSet::new();
    for (line, from, to) in &pairs {
        for name in [from, to] {
            check_reader(name).map_err(|_| {
                at(
                    path,
                    *line,
                    format!("{name:?} is not a reader name (letters, digits, '.', '_', '-', at most 64, not starting with '.')"),
                )
            })?;
        }
        if !targets.insert(to.clone()) {
            return Err(at(
                path,
                *line,
                format!("{to:?} is given to two readers; their tables would merge"),
            ));
        }
    }
    Ok(pairs.into_iter().map(|(_, f, t)| (f, t)).collect())
}

/// Reads `--reader-map`.
pub fn read_reader_map(path: &Path) -> Result<BTreeMap<String, String>, DeidError> {
    let text = std::fs::read_to_string(path).map_err(|e| DeidError::io(path, e))?;
    parse_reader_map(path, &text)
}

/// The file stem of a `/`-separated relative path (`a/b/p1.edf` -> `p1`).
pub fn stem(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name.rsplit_once('.') {
        Some((s, _)) if !s.is_empty() => s,
        _ => name,
    }
}

/// `(line, left, right)` of every non-empty line, the header (first column `header`) skipped;
/// a left value given twice is an error.
fn pairs(path: &Path, text: &str, header: &str) -> Result<Vec<(usize, String, String)>, DeidError> {
    let mut out: Vec<(usize, String, String)> = Vec::new();
    let mut lefts = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').map(str::trim).collect();
        if line == 1 && cols[0].eq_ignore_ascii_case(header) {
            continue;
        }
        let [left, right] = cols[..] else {
            return Err(at(
                path,
                line,
                format!("expected two tab-separated columns, found {}", cols.len()),
            ));
        };
        if left.is_empty() || right.is_empty() {
            return Err(at(path, line, "a column is empty".into()));
        }
        if let Some(first) = lefts.insert(left.to_string(), line) {
            return Err(at(
                path,
                line,
                format!("{left:?} is given again (first on line {first})"),
            ));
        }
        out.push((line, left.to_string(), right.to_string()));
    }
    Ok(out)
}

fn check_name(path: &Path, line: usize, name: &str, what: &str) -> Result<(), DeidError> {
    let ok = !name.starts_with('.')
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(at(
            path,
            line,
            format!("{what} {name:?} is not a plain file name (letters, digits, '.', '_', '-', not starting with '.')"),
        ))
    }
}

fn at(path: &Path, line: usize, what: String) -> DeidError {
    DeidError::invalid(path, format!("line {line}: {what}"))
}
