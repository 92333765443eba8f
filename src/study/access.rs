//! Logging many opens at once (export of a tree, compare of a directory): each study's
//! `study.toml` is read once however many of its recordings are opened, each directory is
//! looked at once for a `study.toml`, and each study's entries go to its `access.jsonl` in one
//! fsynced append. Recordings outside any study cost one `stat` per new ancestor directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::log::{self, Access, AccessMode};
use super::{Study, StudyError, STUDY_FILE};

/// Finds the study of each recording, caching what each directory holds.
#[derive(Default)]
pub struct Finder {
    /// Directory -> its study, when it has a `study.toml`.
    dirs: HashMap<PathBuf, Option<Arc<Study>>>,
}

impl Finder {
    /// The nearest study above `recording` that lists it, with its path there (as
    /// [`super::containing`], cached).
    pub fn find(&mut self, recording: &Path) -> Result<Option<(Arc<Study>, String)>, StudyError> {
        let abs = std::path::absolute(recording).map_err(|source| StudyError::Io {
            path: recording.to_path_buf(),
            source,
        })?;
        for dir in abs.ancestors().skip(1) {
            let Some(study) = self.study_in(dir)? else {
                continue;
            };
            let Some(rel) = relative(dir, &abs) else {
                continue;
            };
            if study.assignment(&rel).is_some() {
                return Ok(Some((study, rel)));
            }
        }
        Ok(None)
    }

    fn study_in(&mut self, dir: &Path) -> Result<Option<Arc<Study>>, StudyError> {
        if let Some(s) = self.dirs.get(dir) {
            return Ok(s.clone());
        }
        let study = if dir.join(STUDY_FILE).is_file() {
            Some(Arc::new(Study::open(dir)?))
        } else {
            None
        };
        self.dirs.insert(dir.to_path_buf(), study.clone());
        Ok(study)
    }
}

fn relative(dir: &Path, abs: &Path) -> Option<String> {
    let rel = abs.strip_prefix(dir).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// Logs an open by `who` in `mode` of each of `recordings` that lies in a study (once per
/// recording, in the order given), one append per study. Returns how many were logged.
pub fn record_all<'a>(
    recordings: impl IntoIterator<Item = &'a Path>,
    who: &str,
    mode: AccessMode,
) -> Result<usize, StudyError> {
    let mut finder = Finder::default();
    let mut per_study: Vec<(Arc<Study>, Vec<u8>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut logged = 0;
    for rec in recordings {
        let Some((study, rel)) = finder.find(rec)? else {
            continue;
        };
        if !seen.insert((study.dir.clone(), rel.clone())) {
            continue;
        }
        let entry = Access {
            time: log::now(),
            who: who.to_string(),
            recording: rel,
            mode,
            forced: false,
        };
        let mut line = serde_json::to_vec(&entry).map_err(|e| StudyError::Invalid {
            path: study.access_path(),
            detail: e.to_string(),
        })?;
        line.push(b'\n');
        match per_study.iter_mut().find(|(s, _)| s.dir == study.dir) {
            Some((_, buf)) => buf.extend_from_slice(&line),
            None => per_study.push((study, line)),
        }
        logged += 1;
    }
    for (study, lines) in per_study {
        super::log::append_lines(&study.access_path(), &lines)?;
    }
    Ok(logged)
}

/// Who is opening, for commands without a reader of their own (export, compare): the given
/// name, else the configured reader, else the login name.
pub fn who(flag: Option<&str>) -> String {
    crate::annotations::config::reader_name(flag).unwrap_or_else(|_| {
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into())
    })
}
