//! `sigmark open FILE` (also `sigmark FILE`, and plain `sigmark` for the demo): the viewer.

use super::{CliError, FilePath, FormatHints};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The recording (EDF, EDF+, BDF, BDF+, HDF5, NWB, SNIRF, EEGLAB .set).
    pub file: FilePath,
    #[command(flatten)]
    pub view: ViewArgs,
    #[command(flatten)]
    pub hints: FormatHints,
}

/// Viewer options shared by `sigmark open` and `sigmark FILE`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ViewArgs {
    /// EEG montage to start with, by name or file stem (double_banana, transverse, average).
    #[arg(long, value_name = "NAME")]
    pub montage: Option<String>,
    /// Start with the mouse on (click moves the cursor, the wheel scrolls).
    #[arg(long)]
    pub mouse: bool,
    /// Initial window length in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub span: Option<f64>,
    /// Initial cursor time: seconds, H:MM:SS from the start, or @HH:MM[:SS] clock time.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Who is marking (default: `reader` in the configuration file, else the login name).
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// Label keymap: ecg, eeg, rpm or the path of a keymap file (default: from the channels).
    #[arg(long, value_name = "ecg|eeg|rpm|PATH")]
    pub keymap: Option<String>,
    /// Directory for the reader's events files (default: beside the recording).
    #[arg(long, value_name = "DIR")]
    pub annotations: Option<std::path::PathBuf>,
    /// Show other readers' events, read-only (readers are blinded to each other by default).
    #[arg(long)]
    pub show_readers: bool,
    /// Only view: mark nothing, write nothing.
    #[arg(long)]
    pub view_only: bool,
    /// Adjudicate two readers' events into REC.consensus.events.tsv.
    #[arg(long, num_args = 2, value_names = ["READER_A", "READER_B"])]
    pub compare: Option<Vec<String>>,
    /// Who adjudicates (default: the reader name; with this, no reader name is needed).
    #[arg(long, value_name = "NAME")]
    pub adjudicator: Option<String>,
    /// Adjudication: seconds two readers' events may differ by and still pair (default 1).
    #[arg(long, value_name = "SECONDS")]
    pub pair_tolerance: Option<f64>,
    /// Follow a file still being written: the window stays at the end as records arrive.
    #[arg(long)]
    pub follow: bool,
    /// How often a followed file is looked at, in milliseconds (default 500).
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(10..=600_000))]
    pub follow_ms: Option<u64>,
    /// Study: read a recording not assigned to the reader (the open is logged as forced).
    #[arg(long)]
    pub force: bool,
    /// Study: reopen a reading the reader has finished (logged in readings.jsonl).
    #[arg(long)]
    pub reopen: bool,
}

impl ViewArgs {
    /// The viewer's options for a recording starting `start_of_day` seconds after midnight
    /// and lasting `duration_s` seconds.
    fn options(
        &self,
        start_of_day: Option<f64>,
        duration_s: f64,
    ) -> Result<crate::tui::Options, CliError> {
        let at_s = match &self.at {
            Some(t) => Some(
                crate::signal::time::parse_time_within(t, start_of_day, duration_s)
                    .map_err(|e| CliError::Usage(format!("--at: {e}")))?,
            ),
            None => None,
        };
        if let Some(s) = self.span.filter(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(CliError::Usage(format!(
                "--span {s}: give a positive number of seconds"
            )));
        }
        let adjudicating = self.compare.is_some();
        if adjudicating && self.view_only {
            return Err(CliError::Usage(
                "--compare with --view-only: adjudicating writes the consensus and its decisions, and --view-only writes nothing; drop --view-only to adjudicate".into(),
            ));
        }
        // An adjudication needs only the adjudicator's name; the reader's identity stands in
        // for it when --adjudicator is absent.
        let reader = if self.view_only || (adjudicating && self.adjudicator.is_some()) {
            None
        } else {
            Some(
                crate::annotations::config::reader_name(self.reader.as_deref())
                    .map_err(|e| CliError::Usage(e.to_string()))?,
            )
        };
        if let Some(name) = &self.adjudicator {
            crate::annotations::reader::check_human_reader(name, "--adjudicator")
                .map_err(|e| CliError::Usage(e.to_string()))?;
        }
        let adjudicator = self
            .adjudicator
            .clone()
            .or_else(|| reader.clone().filter(|_| adjudicating));
        Ok(crate::tui::Options {
            montage: self.montage.clone(),
            mouse: self.mouse,
            span_s: self.span,
            at_s,
            reader,
            keymap: self.keymap.clone(),
            annotations_dir: self.annotations.clone(),
            show_readers: self.show_readers,
            compare: self.compare.as_ref().and_then(|v| match v.as_slice() {
                [a, b] => Some((a.clone(), b.clone())),
                _ => None,
            }),
            adjudicator,
            pair_tolerance_s: self.pair_tolerance,
            follow: Default::default(),
            study: None,
        })
    }
}

pub fn run(a: &Args) -> Result<(), CliError> {
    view(&a.file, &a.view, &a.hints)
}

/// Opens the viewer on `file`.
pub fn view(file: &FilePath, v: &ViewArgs, hints: &FormatHints) -> Result<(), CliError> {
    // Opened once: the start clock reads `--at @HH:MM:SS`, then the viewer takes it.
    let rec = crate::formats::open_with(file, &hints.options())?;
    let start = rec.start.map(|s| s.seconds_of_day());
    let mut opts = v.options(start, rec.duration_s)?;
    opts.follow = crate::tui::follow::Config {
        on: v.follow,
        interval: v.follow_ms.map_or(
            crate::tui::follow::DEFAULT_INTERVAL,
            std::time::Duration::from_millis,
        ),
        open: hints.options(),
    };
    super::study::next::within_study(file, v, &mut opts)?;
    Ok(crate::tui::run(rec, &opts)?)
}
