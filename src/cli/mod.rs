//! The command line: one module per subcommand, each a thin layer over the library.

pub mod calibrate;
pub mod check;
pub mod compare;
pub mod deid;
pub mod detect;
pub mod dump;
pub mod export;
pub mod info;
pub mod open;
pub mod repair;
pub mod snapshot;
pub mod spectrum;
pub mod study;
pub mod synth;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::formats::OpenOptions;

#[derive(Debug, Parser)]
#[command(
    name = "sigmark",
    version,
    about = "Terminal annotator for physiological signals"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// With no command, sigmark opens FILE in the viewer (the demo recording shipped in
    /// `recordings/` when no FILE is given either).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A recording to open in the viewer (same as `sigmark open FILE`).
    pub file: Option<FilePath>,
    #[command(flatten)]
    pub view: open::ViewArgs,
    #[command(flatten)]
    pub hints: FormatHints,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open a recording in the terminal viewer.
    Open(open::Args),
    /// Summarise a recording: format, start, duration, channels, annotations.
    Info(info::Args),
    /// Print time and physical values, one row per sample (like WFDB's rdsamp).
    Dump(dump::Args),
    /// Write the deterministic demo recordings (ECG EDF+, EEG BDF+, monitoring HDF5) and their
    /// ground-truth event tables into a directory.
    Synth(synth::Args),
    /// Print the Welch power spectrum of a channel over a window, its EEG band powers and
    /// dominant frequency (text, --json or --csv).
    Spectrum(spectrum::Args),
    /// Run a detector headless; `detect beats` writes R peaks as an events table.
    Detect(detect::Args),
    /// Agreement between readers' event tables: event (SzCORE), beat (bxb) or epoch (kappa)
    /// mode; or every recording of a directory with --readers A,B.
    Compare(compare::Args),
    /// Export event tables of many recordings as one table (CSV, TSV, JSON Lines, Parquet),
    /// a BIDS tree or EDF+ annotations; --shard K/N and --merge for clusters.
    Export(export::Args),
    /// Measure the screen for the calibrated display: print a 50 mm ruler and type its
    /// measured length (or --cell-mm W,H / --dpi N); writes config.toml.
    Calibrate(calibrate::Args),
    /// A report strip on paper scale (ECG 25 mm/s 10 mm/mV on the 1/5 mm grid, EEG 30 mm/s
    /// 7 µV/mm) as SVG, PDF or PNG, with the viewer's filters and montage.
    Snapshot(snapshot::Args),
    /// Validate EDF/EDF+/BDF/BDF+ files and trees against the specifications (and EDFlib's checks).
    Check(check::Args),
    /// Write a conformant copy of an EDF/BDF file where the repair is well defined; states every change.
    Repair(repair::Args),
    /// De-identified copies of recordings and their annotation files (fields cleared, dates
    /// shifted, names replaced in text; samples and onsets unchanged), flat under --out.
    Deid(deid::Args),
    /// A reading study in a directory: init, add, next, status, qa, audit.
    Study(study::Args),
    /// Every event's history for a recording: who made and changed it, when, under which
    /// keymap version, adjudication and QA decisions.
    Audit(study::audit::Args),
}

/// Hints for recordings whose metadata is incomplete (HDF5).
#[derive(Debug, Clone, clap::Args)]
pub struct FormatHints {
    /// HDF5: path of the dataset (or group of 1-D datasets) holding the signals.
    #[arg(long, value_name = "PATH")]
    pub dataset: Option<String>,
    /// HDF5: sampling rate in Hz, when the file does not give one.
    #[arg(long, value_name = "HZ")]
    pub rate: Option<f64>,
    /// WFDB: the annotator whose file (NAME.ANNOTATOR beside the header) gives the
    /// recording's annotations (default: atr, when present).
    #[arg(long, value_name = "NAME")]
    pub annotator: Option<String>,
}

impl FormatHints {
    pub fn options(&self) -> OpenOptions {
        OpenOptions {
            dataset: self.dataset.clone(),
            rate_hz: self.rate,
            annotator: self.annotator.clone(),
        }
    }
}

/// A command's failure, printed by `main` in plain words.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Format(#[from] crate::formats::Error),
    #[error("{0}")]
    Usage(String),
    #[error("writing output: {0}")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Compare(#[from] crate::compare::CompareError),
    #[error(transparent)]
    Export(#[from] crate::export::ExportError),
    #[error(transparent)]
    Viewer(#[from] crate::tui::TuiError),
    #[error(transparent)]
    Snapshot(#[from] crate::snapshot::SnapshotError),
    #[error("{0}")]
    Check(String),
}

impl CliError {
    /// Exit status: 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Viewer(e) if e.is_usage() => 2,
            _ => 1,
        }
    }
}

pub fn run(cli: Cli) -> Result<(), CliError> {
    let Some(command) = cli.command else {
        let mut view = cli.view.clone();
        let file = match cli.file {
            Some(f) => f,
            None => {
                // Marks made on the demo go to the user's data directory, not into the
                // source tree the demo ships in.
                if view.annotations.is_none() {
                    view.annotations = directories::ProjectDirs::from("org", "sigmark", "sigmark")
                        .map(|d| d.data_dir().join("demo-events"));
                }
                demo_recording()?
            }
        };
        return open::view(&file, &view, &cli.hints);
    };
    match command {
        Command::Open(a) => open::run(&a),
        Command::Info(a) => info::run(&a),
        Command::Dump(a) => dump::run(&a),
        Command::Synth(a) => synth::run(&a),
        Command::Spectrum(a) => spectrum::run(&a),
        Command::Detect(a) => detect::run(&a),
        Command::Compare(a) => compare::run(&a),
        Command::Export(a) => export::run(&a),
        Command::Calibrate(a) => calibrate::run(&a),
        Command::Snapshot(a) => snapshot::run(&a),
        Command::Check(a) => check::run(&a),
        Command::Repair(a) => repair::run(&a),
        Command::Deid(a) => deid::run(&a),
        Command::Study(a) => study::run(&a),
        Command::Audit(a) => study::audit::run(&a),
    }
}

/// The demo recording: `recordings/demo_ecg.edf` under the working directory, else in the
/// source tree the binary was built from.
pub fn demo_recording() -> Result<PathBuf, CliError> {
    let rel = PathBuf::from("recordings").join(DEMO);
    let built = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&rel);
    [rel, built]
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| CliError::Usage(format!("the demo recording recordings/{DEMO} is missing; regenerate it with `sigmark synth --out recordings`")))
}

/// File name of the demo recording opened when no file is given.
pub const DEMO: &str = "demo_ecg.edf";

/// Path argument shared by the subcommands.
pub type FilePath = PathBuf;
