//! `study qa DIR --reviewer R`: the QA mode of the viewer over the study's pending critical
//! events; and the `--qa confirmed` filter of `sigmark export`, built here from the study's
//! QA decisions and handed to export as data (export may not import study).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::annotations::store::CONSENSUS;
use crate::annotations::Event;
use crate::cli::CliError;
use crate::export::keep::Keep;
use crate::study::qa::{decisions, QaVerdict};
use crate::study::qa_level::Levels;
use crate::study::{containing, qa_walk, Study};
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The study directory (holding study.toml).
    pub dir: PathBuf,
    /// The QA reviewer (one of the study's `qa` list; never a reader of the recording).
    #[arg(long, value_name = "NAME")]
    pub reviewer: String,
}

pub fn run(a: &Args) -> Result<(), CliError> {
    let study = Study::open(&a.dir)?;
    let walk = qa_walk::walk(&study, &a.reviewer)?;
    for r in &walk.waiting {
        eprintln!("waiting: {} (its reader has not finished)", sanitize(r));
    }
    for r in &walk.refused {
        eprintln!(
            "not yours to QA: {} ({} read it)",
            sanitize(r),
            sanitize(&a.reviewer)
        );
    }
    if walk.pending().next().is_none() {
        eprintln!(
            "nothing pending: {} of {} critical events decided",
            walk.decided(),
            walk.items.len()
        );
        return Ok(());
    }
    crate::tui::require_terminal()?;
    for p in qa_walk::sync_walk(&study, &a.reviewer, &walk) {
        eprintln!("qa column not brought up to date: {}", sanitize(&p));
    }
    let (done, total) = crate::tui::qa::run(&study, &a.reviewer)?;
    eprintln!("QA: {done} of {total} critical events decided");
    Ok(())
}

/// What `--qa confirmed` keeps of one recording's events.
struct RecFilter {
    study: Study,
    /// The consensus's critical event ids (label and level) and the last verdict on each.
    consensus: BTreeMap<String, Option<QaVerdict>>,
    levels: Mutex<Levels>,
}

impl RecFilter {
    fn new(rec: &Path) -> Result<RecFilter, String> {
        let Some((study, rel)) = containing(rec).map_err(|e| e.to_string())? else {
            return Err(format!(
                "--qa confirmed: {} is in no study (no study.toml above it lists it), so \
                 which of its events are critical and whether they were reviewed is unknown; \
                 export it without --qa",
                rec.display()
            ));
        };
        let a = study
            .assignment(&rel)
            .cloned()
            .ok_or_else(|| format!("{rel} is not in {}", study.dir.display()))?;
        let decided = decisions(rec).map_err(|e| e.to_string())?;
        let consensus = qa_walk::recording_items(&study, &a)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|i| {
                let v = decided.get(&i.event.id).map(|d| d.verdict);
                (i.event.id, v)
            })
            .collect();
        Ok(RecFilter {
            study,
            consensus,
            levels: Mutex::new(Levels::new(rec)),
        })
    }

    /// The consensus keeps non-critical events and critical ones confirmed or edited (the
    /// table holds the edited version); a reader's table keeps only its non-critical events
    /// (QA is of the consensus: a reader's critical label is unreviewed).
    fn keep(&self, reader: &str, e: &Event) -> Result<bool, String> {
        if reader == CONSENSUS {
            return Ok(match self.consensus.get(&e.id) {
                None => true,
                Some(v) => matches!(v, Some(QaVerdict::Confirmed | QaVerdict::Edited)),
            });
        }
        let Some(c) = self.study.file.critical.iter().find(|c| c.label == e.label) else {
            return Ok(true);
        };
        let mut levels = self
            .levels
            .lock()
            .map_err(|_| "the level reader failed earlier".to_string())?;
        let level = levels.of(c, e).map_err(|err| err.to_string())?;
        Ok(!level.is_critical(c.below))
    }
}

/// The `--qa confirmed` filter: per recording (read once, on its first event), keep only
/// QA-confirmed or edited critical events; non-critical events pass. A recording in no study
/// is an error (its tables are skipped and listed), never exported with unreviewed labels.
pub fn confirmed_filter() -> Keep {
    let cache: Mutex<HashMap<PathBuf, Arc<RecFilter>>> = Mutex::new(HashMap::new());
    Keep(Arc::new(move |rec: &Path, reader: &str, e: &Event| {
        let known = cache
            .lock()
            .map_err(|_| "the QA filter failed earlier".to_string())?
            .get(rec)
            .cloned();
        let f = match known {
            Some(f) => f,
            None => {
                let f = Arc::new(RecFilter::new(rec)?);
                if let Ok(mut c) = cache.lock() {
                    c.insert(rec.to_path_buf(), f.clone());
                }
                f
            }
        };
        f.keep(reader, e)
    }))
}
