//! De-identification (`sigmark deid`): shareable copies of recordings and of the annotation
//! files beside them, with the identifying fields cleared, dates shifted by one whole number of
//! days, and identifying text replaced; every sample and every onset is kept.
//!
//! This module holds what the per-format parts share: the date [`Shift`], the fields a user
//! chose to [`Keep`], the [`Identifiers`] read from a recording's own header, the text
//! [`scrub::Scrubber`] built from them, and the per-file [`FileReport`]. A source is never
//! opened for writing; every output is written atomically.

pub mod edf;
pub mod files;
pub mod hdf5;
pub mod keys;
pub mod run;
pub mod run_maps;
pub mod run_report;
pub mod scrub;
pub mod wfdb;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// Every date and time of one recording and its annotation files moves by the same whole
/// number of days (negative: earlier), so intervals, weekdays-of-offset and onsets relative to
/// the start are unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Shift {
    pub days: i64,
}

impl Shift {
    pub fn days(days: i64) -> Shift {
        Shift { days }
    }

    /// The shifted date, or `None` when it would leave chrono's calendar.
    pub fn date(self, d: NaiveDate) -> Option<NaiveDate> {
        d.checked_add_signed(Duration::try_days(self.days)?)
    }

    /// The shifted date and time, or `None` when it would leave chrono's calendar.
    pub fn datetime(self, t: NaiveDateTime) -> Option<NaiveDateTime> {
        t.checked_add_signed(Duration::try_days(self.days)?)
    }
}

/// A field that `--keep` can keep as it is (everything else identifying is cleared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Patient sex.
    Sex,
    /// The age at recording in whole years (90 and over as `90+`) instead of the birthdate.
    Age,
    /// The hospital administration code of the recording.
    Admin,
    /// The technician or investigator.
    Technician,
    /// The equipment (device name and serial number).
    Equipment,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::Sex,
        Field::Age,
        Field::Admin,
        Field::Technician,
        Field::Equipment,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::Sex => "sex",
            Field::Age => "age",
            Field::Admin => "admin",
            Field::Technician => "technician",
            Field::Equipment => "equipment",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// The fields to keep (`--keep sex,age`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keep(pub BTreeSet<Field>);

impl Keep {
    pub fn has(&self, f: Field) -> bool {
        self.0.contains(&f)
    }

    /// Parses `sex,age`; an unknown name is an error naming it and the known ones.
    pub fn parse(list: &str) -> Result<Keep, String> {
        let mut keep = Keep::default();
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let field = Field::parse(name).ok_or_else(|| {
                let known: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "--keep: unknown field {name:?} (known: {})",
                    known.join(", ")
                )
            })?;
            keep.0.insert(field);
        }
        Ok(keep)
    }
}

/// What identifies the person in one recording, read from its own header: name parts, codes
/// (patient and administration codes, device serials) and dates (birthdate, start date). The
/// scrubber looks for these in every text of the recording and of its annotation files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identifiers {
    /// Words that name or code the person (each at least 2 characters), as in the header.
    pub names: Vec<String>,
    /// Dates that belong to the person (birthdate); found in any common spelling.
    pub dates: Vec<NaiveDate>,
}

impl Identifiers {
    /// Adds a header field's words (`Jane_Doe` gives `Jane` and `Doe`); `X` and one-letter
    /// words are not identifying and are left out.
    pub fn add_name(&mut self, field: &str) {
        for word in field.split(['_', ' ', ',', '^']) {
            let word = word.trim();
            if word.chars().count() >= 2 && !self.names.iter().any(|n| n == word) {
                self.names.push(word.to_string());
            }
        }
    }
}

/// What de-identifying one file did, for the report (counts, never the values).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileReport {
    pub source: PathBuf,
    pub output: PathBuf,
    /// Header or metadata fields cleared or rewritten.
    pub fields_cleared: usize,
    /// Replacements made in free text (names, dates, times).
    pub texts_replaced: usize,
    /// One line per change, for `--dry-run` (field names and kinds, not values).
    pub changes: Vec<String>,
    /// Why the file was not written, when it was not.
    pub skipped: Option<String>,
}

/// The directory an output (or source) path lies in: its parent, or `.` for a bare file name,
/// where temporary files are made and names are resolved.
pub fn dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// What to do to one recording: the same for every format.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// `None` when no shift is wanted: dates are then removed (the EDF+ convention for an
    /// unknown date, `01.01.85`; `[date]` in text) instead of moved.
    pub shift: Option<Shift>,
    pub keep: Keep,
    /// Report what would change without writing anything.
    pub dry_run: bool,
}

/// What de-identifying one recording gave: its report, what its header identified (so the
/// annotation files beside it are scrubbed for the same words), and the SHA-256 of the copy
/// (`None` on a dry run).
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub report: FileReport,
    pub ids: Identifiers,
    pub sha256: Option<String>,
}

/// Why a file could not be de-identified. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum DeidError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not what it claims, at a byte offset or field.
    #[error("{}: {what}", path.display())]
    Invalid { path: PathBuf, what: String },
    /// Writing the output would overwrite the source, or the output exists.
    #[error("{}: {why}", path.display())]
    Refused { path: PathBuf, why: String },
}

impl DeidError {
    pub fn io(path: &Path, source: std::io::Error) -> DeidError {
        DeidError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn invalid(path: &Path, what: impl Into<String>) -> DeidError {
        DeidError::Invalid {
            path: path.to_path_buf(),
            what: what.into(),
        }
    }
}
