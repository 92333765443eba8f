//! `study init` and `study add`: find the recordings under a study directory by content, and
//! write or extend its `study.toml` (the guideline, readers, QA reviewers, gates, critical
//! labels and the assignment of [`super::assign`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{assign, Critical, Gates, Guideline, Study, StudyError, StudyFile, STUDY_FILE};
use crate::annotations::reader::check_human_reader;
use crate::annotations::store::check_reader;
use crate::annotations::Taxonomy;
use crate::export::discover;
use crate::formats::{self, Container};

/// What `study init` is given.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The study's name (default: the directory's name).
    pub name: Option<String>,
    pub readers: Vec<String>,
    pub reads: usize,
    pub qa: Vec<String>,
    /// ecg, eeg, rpm or a keymap file (default: inferred from the first recording).
    pub keymap: Option<String>,
    pub seed: u64,
    pub gates: Gates,
}

/// The recordings found under a study directory.
#[derive(Debug, Default)]
pub struct Found {
    /// Paths relative to the directory, `/` separators, sorted.
    pub recordings: Vec<String>,
    /// The label keymap the viewer would pick for the first recording's channels.
    pub first_keymap: Option<&'static str>,
    /// Files that looked like recordings but could not be opened, with why.
    pub skipped: Vec<String>,
}

/// What `study init` made.
#[derive(Debug)]
pub struct Created {
    pub study: Study,
    pub skipped: Vec<String>,
}

/// What `study add` did.
#[derive(Debug)]
pub struct Added {
    pub study: Study,
    /// The recordings assigned now, sorted.
    pub added: Vec<String>,
    /// Recordings in `study.toml` no longer found under the directory (kept there).
    pub missing: Vec<String>,
    pub skipped: Vec<String>,
}

/// Finds the recordings under `dir` with export's walk, keeping those a header-only open
/// accepts. A WFDB record is one recording, named by its header (`.hea`), however many of its
/// files the walk met. The study's own files (`study.toml`, logs) are not candidates.
pub fn find(dir: &Path) -> Found {
    let walked = discover::find(&[dir.to_path_buf()]);
    let mut found = Found {
        skipped: walked
            .problems
            .iter()
            .filter(|p| p.kind != crate::export::ProblemKind::Orphan)
            .map(|p| p.to_string())
            .collect(),
        ..Found::default()
    };
    let mut recordings: BTreeMap<String, PathBuf> = BTreeMap::new();
    for c in walked.candidates {
        let path = match formats::probe(&c.path) {
            Ok(Container::Wfdb) => match formats::wfdb::locate(&c.path) {
                Some(hea) => hea,
                None => continue,
            },
            Ok(_) => c.path,
            // Not a recording (a note, an image): passed over, as export does.
            Err(_) => continue,
        };
        recordings.insert(discover::relative(dir, &path), path);
    }
    for (rel, path) in recordings {
        match formats::open(&path) {
            Ok(rec) => {
                found
                    .first_keymap
                    .get_or_insert_with(|| crate::dsp::dominant(&rec.channels).taxonomy());
                found.recordings.push(rel);
            }
            Err(e) => found
                .skipped
                .push(format!("{rel}: not a readable recording: {e}")),
        }
    }
    found
}

/// Writes `DIR/study.toml` for the recordings under `dir`. Refuses a directory that already
/// holds a study, and bad readers, reviewers, reads, gates or keymaps, as usage errors.
pub fn init(dir: &Path, setup: &Setup) -> Result<Created, StudyError> {
    if !dir.is_dir() {
        return Err(usage(format!(
            "{}: not a directory (give the directory holding the study's recordings)",
            dir.display()
        )));
    }
    let toml = dir.join(STUDY_FILE);
    if toml.exists() {
        return Err(usage(format!(
            "{} already exists: `sigmark study add {}` adds new recordings to the study",
            toml.display(),
            dir.display()
        )));
    }
    check_setup(setup)?;
    let found = find(dir);
    let choice = match (&setup.keymap, found.first_keymap) {
        (Some(k), _) => k.clone(),
        (None, Some(k)) => k.to_string(),
        (None, None) => {
            return Err(usage(format!(
            "no recording under {} to infer the label keymap from: give --keymap ecg|eeg|rpm|PATH",
            dir.display()
        )))
        }
    };
    let user_dir = crate::annotations::config::label_keymap_dir();
    let tax = Taxonomy::choose(&choice, user_dir.as_deref())
        .map_err(|e| usage(format!("--keymap {choice}: {e}")))?;
    let mut file = StudyFile {
        name: setup.name.clone().unwrap_or_else(|| dir_name(dir)),
        guideline: Guideline {
            keymap: keymap_ref(dir, &choice, &tax),
            version: tax.version.clone(),
        },
        readers: setup.readers.clone(),
        reads: setup.reads,
        qa: setup.qa.clone(),
        seed: setup.seed,
        gates: setup.gates.clone(),
        critical: tax
            .critical()
            .map(|l| Critical {
                label: l.name.clone(),
                below: l.critical_below,
            })
            .collect(),
        recordings: Vec::new(),
        order: BTreeMap::new(),
    };
    assign::extend(&mut file, &found.recordings).map_err(|e| usage(e.to_string()))?;
    let study = Study {
        dir: dir.to_path_buf(),
        file,
    };
    study.save()?;
    Ok(Created {
        study,
        skipped: found.skipped,
    })
}

/// Assigns the recordings found under `dir` that `study.toml` does not list yet, keeping loads
/// balanced, and appends them to the readers' orders; nothing assigned before changes.
/// Recordings listed but no longer found are reported, never removed. The file is rewritten
/// only when something was added.
pub fn add(dir: &Path) -> Result<Added, StudyError> {
    let mut study = Study::open(dir)?;
    let found = find(dir);
    let listed: BTreeSet<&str> = study
        .file
        .recordings
        .iter()
        .map(|a| a.path.as_str())
        .collect();
    let here: BTreeSet<&str> = found.recordings.iter().map(String::as_str).collect();
    let added: Vec<String> = here.difference(&listed).map(|s| s.to_string()).collect();
    let missing: Vec<String> = listed.difference(&here).map(|s| s.to_string()).collect();
    if !added.is_empty() {
        assign::extend(&mut study.file, &added).map_err(|e| StudyError::Invalid {
            path: dir.join(STUDY_FILE),
            detail: e.to_string(),
        })?;
        study.save()?;
    }
    Ok(Added {
        study,
        added,
        missing,
        skipped: found.skipped,
    })
}

/// Readers and reviewers are valid, distinct names; reads fit the readers; gates are levels.
pub fn check_setup(s: &Setup) -> Result<(), StudyError> {
    if s.readers.is_empty() {
        return Err(usage(
            "--readers: give at least one reader (--readers alice,bob)".into(),
        ));
    }
    check_names(&s.readers, "--readers")?;
    check_names(&s.qa, "--qa")?;
    if let Some(r) =
        s.qa.iter()
            .find(|q| s.readers.iter().any(|r| same_name(r, q)))
    {
        return Err(usage(format!(
            "{r:?} is both a reader and a QA reviewer: a reviewer must not QA their own labels; give QA reviewers who do not read in this study"
        )));
    }
    if s.reads == 0 || s.reads > s.readers.len() {
        return Err(usage(format!(
            "--reads {}: each recording needs that many distinct readers; give 1 to {} (the number of readers)",
            s.reads,
            s.readers.len()
        )));
    }
    for (flag, level) in [("--kappa", s.gates.kappa), ("--f1", s.gates.f1)] {
        if !(level.is_finite() && (0.0..=1.0).contains(&level)) {
            return Err(usage(format!(
                "{flag} {level}: give an agreement level from 0 to 1 (0.80 is the usual bar)"
            )));
        }
    }
    if let Some(name) = &s.name {
        if name.trim().is_empty() || name.chars().any(char::is_control) {
            return Err(usage(format!(
                "--name {name:?}: give a name without control characters"
            )));
        }
    }
    Ok(())
}

/// Each name is one the store accepts, not one sigmark writes itself, and given once (without
/// regard to case: `Alice` and `alice` are one file on macOS and Windows).
fn check_names(names: &[String], flag: &str) -> Result<(), StudyError> {
    for (i, n) in names.iter().enumerate() {
        check_reader(n).map_err(|e| usage(format!("{flag}: {e}")))?;
        check_human_reader(n, flag).map_err(|e| usage(e.to_string()))?;
        if let Some(first) = names[..i].iter().find(|o| same_name(o, n)) {
            let case = if first == n {
                String::new()
            } else {
                format!(
                    " (as {first:?}: names differing only in case are one file on some systems)"
                )
            };
            return Err(usage(format!(
                "{flag}: {n:?} is given twice{case}; give each name once"
            )));
        }
    }
    Ok(())
}

fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn usage(m: String) -> StudyError {
    StudyError::Usage(m)
}

fn dir_name(dir: &Path) -> String {
    std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "study".into())
}

/// How `study.toml` names the keymap: a shipped one by name; a file by its path relative to
/// the study directory when it lies inside it (the study moves with it), else absolute.
fn keymap_ref(dir: &Path, choice: &str, tax: &Taxonomy) -> String {
    if crate::annotations::taxonomy::shipped(choice).is_some() {
        return tax.name.clone();
    }
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let file = abs(Path::new(choice));
    match file.strip_prefix(abs(dir)) {
        Ok(_) => discover::relative(&abs(dir), &file),
        Err(_) => file.display().to_string(),
    }
}

/// Each reader's load, in reader order: `(reader, assigned)`.
pub fn loads(file: &StudyFile) -> Vec<(String, usize)> {
    file.readers
        .iter()
        .cloned()
        .zip(assign::loads(file))
        .collect()
}
