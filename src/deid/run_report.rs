//! What a `deid` run did, in walk order: each recording with its files' reports, each file
//! skipped with why, and the summary line.

use std::fmt;
use std::path::PathBuf;

use super::FileReport;

/// One line of the run's story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A recording de-identified (or, on a dry run, planned): its own report first, then its
    /// annotation files'.
    Done {
        rel: String,
        study_id: String,
        reports: Vec<FileReport>,
    },
    /// A file not de-identified, and why (the reason names no identifying value).
    Skipped { path: PathBuf, why: String },
}

/// Every entry of a run, in the walk's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    pub entries: Vec<Entry>,
}

/// The counts of the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub recordings: usize,
    /// Files written (on a dry run: that would be written).
    pub files: usize,
    pub fields_cleared: usize,
    pub texts_replaced: usize,
    pub skipped: usize,
    pub dry_run: bool,
}

impl RunReport {
    /// Every file skipped, with why: whole recordings and single annotation files.
    pub fn skipped(&self) -> Vec<(PathBuf, String)> {
        let mut out = Vec::new();
        for e in &self.entries {
            match e {
                Entry::Skipped { path, why } => out.push((path.clone(), why.clone())),
                Entry::Done { reports, .. } => out.extend(
                    reports
                        .iter()
                        .filter_map(|r| r.skipped.as_ref().map(|w| (r.source.clone(), w.clone()))),
                ),
            }
        }
        out
    }

    pub fn summary(&self, dry_run: bool) -> Summary {
        let mut s = Summary {
            dry_run,
            skipped: self.skipped().len(),
            ..Summary::default()
        };
        for e in &self.entries {
            if let Entry::Done { reports, .. } = e {
                s.recordings += 1;
                for r in reports.iter().filter(|r| r.skipped.is_none()) {
                    s.files += 1;
                    s.fields_cleared += r.fields_cleared;
                    s.texts_replaced += r.texts_replaced;
                }
            }
        }
        s
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (lead, written) = if self.dry_run {
            ("dry run, nothing written: ", "would be written")
        } else {
            ("", "written")
        };
        write!(
            f,
            "{lead}{} recordings, {} files {written}, {} fields cleared, {} texts replaced, {} skipped",
            self.recordings, self.files, self.fields_cleared, self.texts_replaced, self.skipped
        )
    }
}
