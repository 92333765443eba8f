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
    /// Initial cursor time: seconds, H:MM:SS from the start, or @HH:MM:SS clock time.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

impl ViewArgs {
    fn options(&self, start_of_day: Option<f64>) -> Result<crate::tui::Options, CliError> {
        let at_s = match &self.at {
            Some(t) => {
                Some(crate::tui::view::parse_time(t, start_of_day).map_err(CliError::Usage)?)
            }
            None => None,
        };
        if let Some(s) = self.span.filter(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(CliError::Usage(format!(
                "--span {s}: give a positive number of seconds"
            )));
        }
        Ok(crate::tui::Options {
            montage: self.montage.clone(),
            mouse: self.mouse,
            span_s: self.span,
            at_s,
        })
    }
}

pub fn run(a: &Args) -> Result<(), CliError> {
    view(&a.file, &a.view, &a.hints)
}

/// Opens the viewer on `file`.
pub fn view(file: &FilePath, v: &ViewArgs, hints: &FormatHints) -> Result<(), CliError> {
    let open = hints.options();
    // The start clock is needed to read `--at @HH:MM:SS`; the header is cheap to read twice.
    let start = crate::formats::open_with(file, &open)?
        .start
        .map(|s| s.seconds_of_day());
    crate::tui::run(file, &open, &v.options(start)?)
}
