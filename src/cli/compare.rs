//! `sigmark compare A.tsv B.tsv [MORE.tsv...] [--recording FILE] [--mode event|beat|epoch|all]
//! [--json|--csv]`, or `sigmark compare DIR --readers A,B`: agreement between readers' event
//! tables (see `crate::compare` for the counting rules).

use std::io::Write;
use std::path::PathBuf;

use super::CliError;
use crate::annotations::store::check_reader;
use crate::compare::batch::{self, BatchJson};
use crate::compare::report::{to_json, Report};
use crate::compare::rows;
use crate::compare::{summary, text};
use crate::compare::{BeatParams, CompareError, EventParams, Mode, Settings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ModeArg {
    /// Any-overlap matching of events per label (SzCORE's counting).
    Event,
    /// Beat-by-beat comparison within a match window (WFDB bxb).
    Beat,
    /// One label per epoch and reader; Cohen's and Fleiss' kappa.
    Epoch,
    /// All three.
    All,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Two or more event tables (A is the first), or one directory with --readers.
    #[arg(required = true, value_name = "TABLE|DIR")]
    pub inputs: Vec<PathBuf>,
    /// Check the tables were made for this recording (SHA-256 in their .events.json) and use
    /// its duration (else the latest event end).
    #[arg(long, value_name = "FILE")]
    pub recording: Option<PathBuf>,
    /// Directory form: the readers whose REC.READER.events.tsv to compare, A first.
    #[arg(long, value_delimiter = ',', value_name = "A,B")]
    pub readers: Vec<String>,
    /// Default: epoch when every label is a sleep stage, beat when every event is a point
    /// with a beat label, else event.
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Event mode: fraction of the widened reference event to cover (0: any overlap).
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub min_overlap: f64,
    /// Event mode: seconds the reference event is widened before its onset.
    #[arg(long, default_value_t = 0.0, value_name = "S")]
    pub tolerance_before: f64,
    /// Event mode: seconds the reference event is widened after its end.
    #[arg(long, default_value_t = 0.0, value_name = "S")]
    pub tolerance_after: f64,
    /// Event mode: first merge one reader's events separated by less than this.
    #[arg(long, value_name = "S")]
    pub merge_gap: Option<f64>,
    /// Event mode: split events longer than this.
    #[arg(long, value_name = "S")]
    pub max_duration: Option<f64>,
    /// Event mode: labels whose events are mostly points are matched one-to-one, nearest
    /// first, within this many seconds (EC57: 0.15); the others by overlap.
    #[arg(long, default_value_t = 0.15, value_name = "S")]
    pub point_window: f64,
    /// Beat mode: match window in seconds (EC57: 0.15).
    #[arg(long, default_value_t = 0.15, value_name = "S")]
    pub window: f64,
    /// Beat mode: reference beats before this are not scored (bxb's default: 5 minutes).
    #[arg(long, default_value_t = 300.0, value_name = "S")]
    pub start: f64,
    /// Epoch mode: epoch length (default 30 s for sleep stages, else 1 s).
    #[arg(long, value_name = "S")]
    pub epoch: Option<f64>,
    /// Print every number as JSON.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print per-label rows as CSV.
    #[arg(long)]
    pub csv: bool,
}

/// Settings errors are the user's to fix (exit 2); the rest name a file.
fn fail(e: CompareError) -> CliError {
    match e {
        CompareError::Settings(s) => CliError::Usage(s),
        other => CliError::Compare(other),
    }
}

fn settings(args: &Args) -> Result<Settings, CliError> {
    let modes = match args.mode {
        None => Vec::new(),
        Some(ModeArg::Event) => vec![Mode::Event],
        Some(ModeArg::Beat) => vec![Mode::Beat],
        Some(ModeArg::Epoch) => vec![Mode::Epoch],
        Some(ModeArg::All) => vec![Mode::Event, Mode::Beat, Mode::Epoch],
    };
    let s = Settings {
        modes,
        event: EventParams {
            min_overlap: args.min_overlap,
            tolerance_before_s: args.tolerance_before,
            tolerance_after_s: args.tolerance_after,
            merge_gap_s: args.merge_gap,
            max_duration_s: args.max_duration,
        },
        beat: BeatParams {
            window_s: args.window,
            start_s: args.start,
        },
        epoch_s: args.epoch,
        point_window_s: Some(args.point_window),
    };
    s.check().map_err(fail)?;
    Ok(s)
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let settings = settings(args)?;
    match args.inputs.as_slice() {
        [dir] if dir.is_dir() => directory(args, dir, &settings),
        [one] => Err(CliError::Usage(format!(
            "{}: give two tables or more, or a directory with --readers A,B",
            crate::text::sanitize(&one.display().to_string())
        ))),
        tables => files(args, tables, &settings),
    }
}

fn files(args: &Args, tables: &[PathBuf], settings: &Settings) -> Result<(), CliError> {
    if !args.readers.is_empty() {
        return Err(CliError::Usage(
            "--readers is for the directory form: sigmark compare DIR --readers A,B".into(),
        ));
    }
    let mut c = batch::compare_files(tables, args.recording.as_deref(), settings).map_err(fail)?;
    if let Some(rec) = &args.recording {
        c.duration_source = format!("--recording {}", rec.display());
    }
    log_access(c.recording.iter().chain(&args.recording))?;
    if tables.len() > 2 && (c.event.is_some() || c.beat.is_some()) {
        c.notes
            .push("event and beat modes compare the first two tables (A and B)".into());
    }
    let out = if args.json {
        to_json(&Report::new(&c)).map_err(std::io::Error::other)? + "\n"
    } else if args.csv {
        csv(rows::csv_table("", &c))?
    } else {
        text::render(&c)
    };
    emit(&out)
}

fn directory(args: &Args, dir: &std::path::Path, settings: &Settings) -> Result<(), CliError> {
    if args.readers.len() < 2 {
        return Err(CliError::Usage(
            "the directory form needs two readers or more: --readers A,B".into(),
        ));
    }
    if args.recording.is_some() {
        return Err(CliError::Usage(
            "--recording is for two tables; in the directory form each recording is found \
             beside its tables (STEM.edf, .bdf, .h5 ...)"
                .into(),
        ));
    }
    for r in &args.readers {
        check_reader(r).map_err(|e| CliError::Usage(e.to_string()))?;
    }
    let found = batch::discover(dir, &args.readers).map_err(fail)?;
    log_access(found.iter().filter_map(|f| f.recording.as_ref()))?;
    let b = batch::run(dir, &args.readers, settings).map_err(fail)?;
    if b.rows.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: no recording has tables for all of {} (files STEM.READER.events.tsv)",
            crate::text::sanitize(&dir.display().to_string()),
            args.readers.join(", ")
        )));
    }
    let out = if args.json {
        to_json(&BatchJson::new(&b)).map_err(std::io::Error::other)? + "\n"
    } else if args.csv {
        csv(rows::batch_csv_table(&b))?
    } else {
        summary::render_batch(&b)
    };
    emit(&out)
}

/// Logs the compared recordings that lie in a study in its `access.jsonl`, before the
/// comparison is shown.
fn log_access<'a>(recordings: impl Iterator<Item = &'a PathBuf>) -> Result<(), CliError> {
    let who = crate::study::access::who(None);
    let mode = crate::study::log::AccessMode::Compare;
    crate::study::access::record_all(recordings.map(|p| p.as_path()), &who, mode)?;
    Ok(())
}

fn csv((header, rows): (Vec<&str>, Vec<Vec<String>>)) -> Result<String, CliError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| CliError::Output(std::io::Error::other(e));
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(&r).map_err(err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CliError::Output(e.into_error()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn emit(text: &str) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}
