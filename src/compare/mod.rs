//! Agreement between readers' event tables, headless: the command line (`sigmark compare`) and
//! the viewer call the same functions.
//!
//! Three modes, each counting as the field's reference tools count:
//!
//! - **event** ([`event`]): any-overlap matching of intervals per label, with the SzCORE
//!   options (merge, split, widen the reference, minimum overlap) in SzCORE's order; TP, FN and
//!   FP with A as the reference and then B; epicmp's duration measures.
//! - **beat** ([`beat`]): WFDB bxb's beat-by-beat comparison (EC57 match window, N S V F Q
//!   classes, QRS, VEB and SVEB statistics), skipping a learning period.
//! - **epoch** ([`epoch`]): one label per reader and epoch (the label covering its centre),
//!   Cohen's kappa and percent agreement, Fleiss' kappa for three readers or more.
//!
//! Matching is by sorted sweeps and binary searches, never all pairs, so two readers with a
//! million events each compare in well under a second.

pub mod adjudicate;
pub mod batch;
pub mod beat;
pub mod epoch;
pub mod event;
pub mod input;
pub mod interval;
pub mod kappa;
pub mod locate;
pub mod points;
pub mod report;
pub mod rows;
pub mod summary;
pub mod text;

use std::path::PathBuf;

pub use beat::{BeatParams, BeatResult};
pub use epoch::EpochResult;
pub use event::{Counts, EventParams, EventResult};
pub use input::Table;

/// One event as compared: seconds from the first sample, and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub onset: f64,
    /// Seconds; 0 for a point event.
    pub duration: f64,
    pub label: String,
}

impl Mark {
    pub fn new(onset: f64, duration: f64, label: impl Into<String>) -> Mark {
        Mark {
            onset,
            duration,
            label: label.into(),
        }
    }

    pub fn end(&self) -> f64 {
        self.onset + self.duration
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error(transparent)]
    Store(#[from] crate::annotations::StoreError),
    /// A table that cannot be read; `line` is 1-based.
    #[error("{}:{line}: {detail}", path.display())]
    Table {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A table made for another recording, or a provenance file that cannot be read.
    #[error("{}: {detail}", path.display())]
    Provenance { path: PathBuf, detail: String },
    #[error(transparent)]
    Recording(#[from] crate::formats::Error),
    /// A request that would take unbounded memory or time (too many epochs or pieces).
    #[error("{0}")]
    Limit(String),
    /// Settings out of range, or events a caller built that are not times.
    #[error("{0}")]
    Settings(String),
}

/// Which comparison to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Event,
    Beat,
    Epoch,
}

/// Everything a comparison can be asked; `modes` empty means "choose from the tables".
#[derive(Debug, Clone)]
pub struct Settings {
    pub modes: Vec<Mode>,
    pub event: EventParams,
    pub beat: BeatParams,
    /// Epoch length; `None`: 30 s when every label is a sleep stage, else 1 s.
    pub epoch_s: Option<f64>,
    /// Event mode: labels that are mostly points are matched one-to-one within this many
    /// seconds ([`points`]); `None`: every label by overlap. Default EC57's 0.150 s.
    pub point_window_s: Option<f64>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            modes: Vec::new(),
            event: EventParams::default(),
            beat: BeatParams::default(),
            epoch_s: None,
            point_window_s: Some(points::EC57_WINDOW_S),
        }
    }
}

impl Settings {
    /// Every number in range, said in the option's words.
    pub fn check(&self) -> Result<(), CompareError> {
        self.event.check().map_err(CompareError::Settings)?;
        self.beat.check().map_err(CompareError::Settings)?;
        if let Some(e) = self.epoch_s {
            if !(e.is_finite() && e > 0.0) {
                return Err(CompareError::Settings(format!(
                    "--epoch {e}: give a number of seconds > 0"
                )));
            }
        }
        if let Some(w) = self.point_window_s {
            if !(w.is_finite() && w >= 0.0) {
                return Err(CompareError::Settings(format!(
                    "--point-window {w}: give a number of seconds >= 0"
                )));
            }
        }
        Ok(())
    }
}

/// Where the duration used for rates and epochs came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DurationFrom {
    /// The recording (`--recording`, or found beside the tables).
    Recording,
    /// The latest end of any event in the tables.
    Events,
}

/// The result of comparing the tables of one recording.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub readers: Vec<(String, PathBuf)>,
    pub recording: Option<PathBuf>,
    pub duration_s: f64,
    pub duration_from: DurationFrom,
    /// Where the duration came from, in words ("--recording", the table's provenance file, or
    /// the latest event end).
    pub duration_source: String,
    pub notes: Vec<String>,
    pub event: Option<EventResult>,
    pub beat: Option<BeatResult>,
    pub epoch: Option<EpochResult>,
}

/// The modes to run when none was asked for: epoch when every label is a sleep stage (or
/// there are three readers or more), beat when every event is a point with a beat label,
/// else event.
pub fn default_modes(tables: &[Table]) -> Vec<Mode> {
    choose_modes(tables.iter().flat_map(|t| t.marks.iter()), tables.len())
}

/// [`default_modes`] for `readers` readers whose events are `marks` (of any recordings).
pub fn choose_modes<'a>(
    marks: impl Iterator<Item = &'a Mark> + Clone,
    readers: usize,
) -> Vec<Mode> {
    let marks = || marks.clone();
    let any = marks().next().is_some();
    if any && marks().all(|m| epoch::is_sleep_stage(&m.label)) {
        return vec![Mode::Epoch];
    }
    if any && marks().all(|m| m.duration == 0.0 && beat::Class::of(&m.label).is_some()) {
        return vec![Mode::Beat];
    }
    if readers > 2 {
        return vec![Mode::Epoch];
    }
    vec![Mode::Event]
}

/// Compares the tables of one recording: event and beat mode the first two (A, then B), epoch
/// mode all of them. `duration_s` is the recording's; without it, the latest event end.
pub fn compare(
    tables: &[Table],
    duration_s: Option<f64>,
    settings: &Settings,
) -> Result<Comparison, CompareError> {
    settings.check()?;
    if tables.len() < 2 {
        return Err(CompareError::Settings(format!(
            "compare needs two tables or more, got {}",
            tables.len()
        )));
    }
    for t in tables {
        check_marks(t)?;
    }
    let (duration_s, duration_from) = match duration_s {
        Some(d) if d.is_finite() && d >= 0.0 => (d, DurationFrom::Recording),
        _ => (latest_end(tables), DurationFrom::Events),
    };
    let modes = if settings.modes.is_empty() {
        default_modes(tables)
    } else {
        settings.modes.clone()
    };
    let (a, b) = (&tables[0].marks, &tables[1].marks);
    let mut out = Comparison {
        readers: tables
            .iter()
            .map(|t| (t.name.clone(), t.path.clone()))
            .collect(),
        recording: None,
        duration_s,
        duration_from,
        duration_source: match duration_from {
            DurationFrom::Recording => "the recording".into(),
            DurationFrom::Events => "the latest event end".into(),
        },
        notes: tables.iter().flat_map(|t| t.notes.clone()).collect(),
        event: None,
        beat: None,
        epoch: None,
    };
    if modes.contains(&Mode::Event) {
        let w = settings.point_window_s;
        out.event = Some(event::compare_with_window(
            a,
            b,
            &settings.event,
            w,
            duration_s,
        )?);
    }
    if modes.contains(&Mode::Beat) {
        out.beat = Some(beat::compare(a, b, &settings.beat, duration_s));
    }
    if modes.contains(&Mode::Epoch) {
        let all: Vec<&[Mark]> = tables.iter().map(|t| t.marks.as_slice()).collect();
        let epoch_s = settings
            .epoch_s
            .unwrap_or_else(|| epoch::default_epoch(&all));
        out.epoch = Some(epoch::compare(&all, epoch_s, duration_s)?);
    }
    Ok(out)
}

/// Events a caller built by hand get the checks a table file gets.
fn check_marks(t: &Table) -> Result<(), CompareError> {
    for (i, m) in t.marks.iter().enumerate() {
        let ok = m.onset.is_finite()
            && m.onset >= 0.0
            && m.duration.is_finite()
            && m.duration >= 0.0
            && m.end().is_finite();
        if !ok {
            return Err(CompareError::Settings(format!(
                "{}: event {} has onset {} and duration {}: times must be finite and >= 0",
                t.path.display(),
                i + 1,
                m.onset,
                m.duration
            )));
        }
    }
    Ok(())
}

/// The latest end of any event: the duration when no recording says otherwise.
pub fn latest_end(tables: &[Table]) -> f64 {
    tables
        .iter()
        .flat_map(|t| t.marks.iter())
        .map(Mark::end)
        .fold(0.0, f64::max)
}
