//! `sigmark snapshot FILE --start S --duration D [--channel C]... [--montage M]
//! [--speed MM_PER_S] [--sensitivity V] [--reader R] --out OUT.svg|OUT.pdf|OUT.png`:
//! a report strip on paper scale (see `crate::snapshot`).

use std::path::PathBuf;

use super::{CliError, FilePath, FormatHints};
use crate::snapshot::{self, Request, SnapshotError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The recording.
    pub file: FilePath,
    /// Start of the strip: seconds, H:MM:SS from the start, or @HH:MM[:SS] clock time.
    #[arg(long, value_name = "TIME", default_value = "0")]
    pub start: String,
    /// Length of the strip in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    pub duration: f64,
    /// Channel (label or 0-based index, after the montage); repeat for several. Default: all.
    #[arg(long = "channel", short = 'c', value_name = "NAME|INDEX")]
    pub channels: Vec<String>,
    /// EEG montage by name or file stem (double_banana, transverse, average, yours).
    #[arg(long, value_name = "NAME")]
    pub montage: Option<String>,
    /// Paper speed in mm/s (default 25 for ECG, 30 for EEG).
    #[arg(long, value_name = "MM_PER_S")]
    pub speed: Option<f64>,
    /// Sensitivity: 10 or 10mm/mV (ECG), 7 or 7uV/mm (EEG); a bare number is in each lane's
    /// own convention (default 10 mm/mV, 7 µV/mm).
    #[arg(long, value_name = "V")]
    pub sensitivity: Option<String>,
    /// Draw this reader's events (REC.READER.events.tsv) under the traces.
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// Directory of the readers' events files (default: beside the recording).
    #[arg(long, value_name = "DIR")]
    pub annotations: Option<PathBuf>,
    /// Draw the samples as recorded, without the display filters.
    #[arg(long)]
    pub no_filter: bool,
    /// Dots per inch of a PNG.
    #[arg(long, value_name = "DPI", default_value_t = snapshot::DEFAULT_DPI)]
    pub dpi: f64,
    /// Output file: .svg, .pdf or .png.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
    #[command(flatten)]
    pub hints: FormatHints,
}

pub fn run(a: &Args) -> Result<(), CliError> {
    let rec = crate::formats::open_with(&a.file, &a.hints.options())?;
    let start_s = crate::signal::time::parse_time_within(
        &a.start,
        rec.start.map(|s| s.seconds_of_day()),
        rec.duration_s,
    )
    .map_err(|e| CliError::Usage(format!("--start {:?}: {e}", a.start)))?;
    let (lanes, montage) =
        snapshot::derivations(&rec, a.montage.as_deref(), &a.channels).map_err(cli)?;
    let events = match &a.reader {
        Some(r) => {
            crate::annotations::store::check_reader(r)
                .map_err(|e| CliError::Usage(format!("--reader: {e}")))?;
            let ev = crate::annotations::store::read_other(&rec.path, r, a.annotations.as_deref())
                .map_err(|e| cli(e.into()))?;
            Some((r.clone(), ev))
        }
        None => None,
    };
    let req = Request {
        start_s,
        duration_s: a.duration,
        lanes,
        montage,
        speed_mm_s: a.speed,
        sensitivity: a.sensitivity.clone(),
        filters_on: !a.no_filter,
        filters: Vec::new(),
        events,
    };
    snapshot::write(&rec, &req, &a.out, a.dpi).map_err(cli)?;
    println!("wrote {}", a.out.display());
    Ok(())
}

/// A bad value is a usage error (exit 2); the rest fail the command (exit 1).
fn cli(e: SnapshotError) -> CliError {
    match e {
        SnapshotError::Value { .. } => CliError::Usage(e.to_string()),
        SnapshotError::Read(e) => CliError::Format(e),
        other => CliError::Snapshot(other),
    }
}
