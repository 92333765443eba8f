//! Reading within a study: which recording a reader reads next, finishing and reopening a
//! reading (`readings.jsonl`), the guideline's keymap, and who may open what.
//!
//! A reading's state is the last `readings.jsonl` entry for its reader and recording:
//! `finished`, or (none, or `reopened`) not finished. The viewer and `study next` ask here;
//! nothing else decides it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::log::{self, AccessMode, Reading, ReadingState};
use super::{Study, StudyError};

/// What `study next` opens.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// The `k`th (from 1) of the reader's `n` recordings, the first not finished in their order.
    Open { rel: String, k: usize, n: usize },
    /// Every one of the reader's `n` recordings is finished.
    AllFinished { n: usize },
}

/// The last state of each of `reader`'s readings, by recording path.
pub fn states(study: &Study, reader: &str) -> Result<BTreeMap<String, Reading>, StudyError> {
    let mut last = BTreeMap::new();
    for r in log::read::<Reading>(&study.readings_path())?.entries {
        if r.reader == reader {
            last.insert(r.recording.clone(), r);
        }
    }
    Ok(last)
}

/// When `reader` finished the recording at `rel`, if the reading is finished now.
pub fn finished_at(study: &Study, reader: &str, rel: &str) -> Result<Option<String>, StudyError> {
    Ok(states(study, reader)?
        .remove(rel)
        .filter(|r| r.state == ReadingState::Finished)
        .map(|r| r.time))
}

/// The reader's reading order, or why they have none.
pub fn order<'a>(study: &'a Study, reader: &str) -> Result<&'a [String], StudyError> {
    if !study.file.readers.iter().any(|r| r == reader) {
        return Err(StudyError::Usage(format!(
            "{reader} is not a reader of study {} ({}); its readers: {}",
            crate::text::sanitize(&study.file.name),
            study.dir.join(super::STUDY_FILE).display(),
            crate::text::sanitize(&study.file.readers.join(", "))
        )));
    }
    Ok(study
        .file
        .order
        .get(reader)
        .map_or(&[][..], |v| v.as_slice()))
}

/// The first recording in `reader`'s order whose reading is not finished.
pub fn next(study: &Study, reader: &str) -> Result<Next, StudyError> {
    let order = order(study, reader)?;
    let states = states(study, reader)?;
    let n = order.len();
    let open = order.iter().enumerate().find(|(_, rel)| {
        states
            .get(rel.as_str())
            .is_none_or(|r| r.state != ReadingState::Finished)
    });
    Ok(match open {
        Some((i, rel)) => Next::Open {
            rel: rel.clone(),
            k: i + 1,
            n,
        },
        None => Next::AllFinished { n },
    })
}

/// Appends `state` for `reader`'s reading of `rel` (fsynced). Finishing a finished reading or
/// reopening one that is not finished is refused: the log records changes only.
pub fn mark(
    study: &Study,
    reader: &str,
    rel: &str,
    state: ReadingState,
) -> Result<Reading, StudyError> {
    let finished = finished_at(study, reader, rel)?.is_some();
    match (state, finished) {
        (ReadingState::Finished, true) => {
            return Err(StudyError::Usage(format!(
                "{reader} has already finished {rel}"
            )))
        }
        (ReadingState::Reopened, false) => {
            return Err(StudyError::Usage(format!(
                "{reader} has not finished {rel}: nothing to reopen"
            )))
        }
        _ => {}
    }
    let entry = Reading {
        time: log::now(),
        reader: reader.to_string(),
        recording: rel.to_string(),
        state,
    };
    log::append(&study.readings_path(), &entry)?;
    Ok(entry)
}

/// The keymap readers of the study use, as the viewer's `--keymap` takes it (a shipped name, or
/// a path resolved against the study directory), after checking that its version is still the
/// guideline's: a changed keymap is a changed guideline, and readings under two versions would
/// not be comparable.
pub fn guideline_keymap(study: &Study, user_dir: Option<&Path>) -> Result<String, StudyError> {
    let g = &study.file.guideline;
    let shipped = crate::annotations::taxonomy::shipped_names().contains(&g.keymap.as_str());
    let choice = if shipped {
        g.keymap.clone()
    } else {
        study.dir.join(&g.keymap).display().to_string()
    };
    let tax = crate::annotations::Taxonomy::choose(&choice, user_dir).map_err(|e| {
        StudyError::Invalid {
            path: study.dir.join(super::STUDY_FILE),
            detail: format!("guideline keymap {}: {e}", g.keymap),
        }
    })?;
    if tax.version != g.version {
        return Err(StudyError::Invalid {
            path: study.dir.join(super::STUDY_FILE),
            detail: format!(
                "the guideline changed: the study reads with keymap {} version {}, but the keymap found ({}) is version {}; restore that version or start a new study",
                g.keymap,
                g.version,
                crate::text::sanitize(&tax.file.display().to_string()),
                tax.version
            ),
        });
    }
    Ok(choice)
}

/// A recording opened within its study, as [`admit`] found it.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub study: Study,
    /// The recording's path as in `study.toml`.
    pub rel: String,
    /// The one opening it is one of its assigned readers.
    pub assigned: bool,
    /// Opened outside the assignment with `--force`.
    pub forced: bool,
    /// When the reader finished it, if they have.
    pub finished: Option<String>,
}

/// How a recording is being opened.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub recording: &'a Path,
    pub who: &'a str,
    pub mode: AccessMode,
    /// `--force`: open a recording not assigned to `who`.
    pub force: bool,
    /// `--reopen`: open a reading `who` has finished, marking it reopened.
    pub reopen: bool,
}

/// Whether `req` may open its recording: outside any study always (None); within one, reading
/// (mode `read`) needs the reader to be assigned (or `--force`) and a finished reading needs
/// `--reopen`. Nothing is written here: [`log_open`] does that once the viewer can start.
pub fn admit(req: &Request) -> Result<Option<Admitted>, StudyError> {
    let Some((study, rel)) = super::containing(req.recording)? else {
        return Ok(None);
    };
    let assigned = study
        .assignment(&rel)
        .is_some_and(|a| a.readers.iter().any(|r| r == req.who));
    let reading = req.mode == AccessMode::Read;
    if reading && !assigned && !req.force {
        return Err(StudyError::Usage(format!(
            "{rel} is not assigned to {who} in study {name} ({toml}): see `sigmark study next {dir} --reader {who}` for {who}'s recordings, or give --force to open it anyway (the open is logged as forced)",
            who = req.who,
            name = crate::text::sanitize(&study.file.name),
            toml = study.dir.join(super::STUDY_FILE).display(),
            dir = study.dir.display(),
        )));
    }
    // An adjudicator sees both readers' events: one of the recording's own readers may not.
    let adjudicating = req.mode == AccessMode::Adjudicate;
    if adjudicating && assigned && !req.force {
        return Err(StudyError::Usage(format!(
            "{who} is a reader of {rel} in study {name}: an adjudicator must not be one of its readers (they would see the other reader's events); give --force to open it anyway (the open is logged as forced)",
            who = req.who,
            name = crate::text::sanitize(&study.file.name),
        )));
    }
    let finished = if reading && assigned {
        finished_at(&study, req.who, &rel)?
    } else {
        None
    };
    if let (Some(at), false) = (&finished, req.reopen) {
        return Err(StudyError::Usage(format!(
            "{who} finished reading {rel} at {at}: give --reopen to change it (logged in {log}), or --view-only to look without marking",
            who = req.who,
            log = study.readings_path().display(),
        )));
    }
    Ok(Some(Admitted {
        forced: req.force && ((!assigned && reading) || (assigned && adjudicating)),
        study,
        rel,
        assigned,
        finished,
    }))
}

/// Logs an admitted open in the study's `access.jsonl` and, for a reopened reading, the
/// `reopened` entry in `readings.jsonl` (both fsynced), before the recording is shown.
pub fn log_open(a: &mut Admitted, req: &Request) -> Result<(), StudyError> {
    let entry = log::Access {
        time: log::now(),
        who: req.who.to_string(),
        recording: a.rel.clone(),
        mode: req.mode,
        forced: a.forced,
    };
    log::append(&a.study.access_path(), &entry)?;
    if a.finished.is_some() && req.reopen {
        mark(&a.study, req.who, &a.rel, ReadingState::Reopened)?;
        a.finished = None;
    }
    Ok(())
}

/// Where `rel`'s file is.
pub fn recording_file(study: &Study, rel: &str) -> PathBuf {
    study.dir.join(rel)
}
