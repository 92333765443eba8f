//! `sigmark detect beats FILE [--channel C] [--out FILE.tsv]`: R peaks found by the
//! Pan-Tompkins detector, written as point events labelled `beat` in the events-table format
//! (BIDS-style TSV: onset, duration, then label, channel, certainty, note, reader, id, created,
//! modified), for the annotation work to import as suggestions or for scripts.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64};

use clap::Subcommand;

use super::spectrum::find_channel;
use super::{CliError, FilePath, FormatHints};
use crate::annotations::store::escape;
use crate::dsp::beats::{detect_channel, Beat, BeatError};
use crate::dsp::ChannelKind;
use crate::signal::Recording;
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub what: What,
}

#[derive(Debug, Subcommand)]
pub enum What {
    /// R peaks of an ECG channel, as point events labelled `beat`.
    Beats(BeatsArgs),
}

#[derive(Debug, clap::Args)]
pub struct BeatsArgs {
    pub file: FilePath,
    /// ECG channel, label or 0-based index (default: the first channel that looks like ECG).
    #[arg(long, short = 'c', value_name = "NAME|INDEX")]
    pub channel: Option<String>,
    /// Write the table here (atomically: a temporary file renamed over it) instead of stdout.
    #[arg(long, value_name = "FILE.tsv")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub hints: FormatHints,
}

/// Columns of the events table, in order.
const HEADER: &str =
    "onset\tduration\tlabel\tchannel\tcertainty\tnote\treader\tid\tcreated\tmodified";
/// Who the events come from, in the `reader` column.
const READER: &str = "sigmark-detect";

pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.what {
        What::Beats(a) => beats(a),
    }
}

fn beats(args: &BeatsArgs) -> Result<(), CliError> {
    let rec = crate::formats::open_with(&args.file, &args.hints.options())?;
    let ch = match &args.channel {
        Some(c) => find_channel(&rec, c)?,
        None => first_ecg(&rec)?,
    };
    let detection = detect_channel(&rec, ch, &AtomicU64::new(0), &AtomicBool::new(false)).map_err(
        |e| match e {
            BeatError::Read(crate::dsp::Error::Read(f)) => CliError::Format(f),
            other => CliError::Usage(format!(
                "channel {:?}: {}",
                sanitize(&rec.channels[ch].label),
                other
            )),
        },
    )?;
    let table = table(&rec, ch, &detection.beats);
    match &args.out {
        Some(path) => write_atomic(path, table.as_bytes())?,
        None => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            out.write_all(table.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}

/// The first channel whose label and unit say ECG; the error lists the channels.
fn first_ecg(rec: &Recording) -> Result<usize, CliError> {
    rec.channels
        .iter()
        .position(|c| ChannelKind::of(c) == ChannelKind::Ecg)
        .ok_or_else(|| {
            let labels: Vec<String> = rec.channels.iter().map(|c| sanitize(&c.label)).collect();
            CliError::Usage(format!(
                "no channel looks like ECG (channels are: {}); name one with --channel",
                if labels.is_empty() {
                    "none".to_string()
                } else {
                    labels.join(", ")
                }
            ))
        })
}

/// The events table: onsets in seconds from the first sample (6 decimals: a microsecond,
/// finer than any ECG sample), duration 0 for point events. The channel label is escaped and
/// sanitised, so the table is safe in a file and on a terminal alike.
fn table(rec: &Recording, ch: usize, beats: &[Beat]) -> String {
    use std::fmt::Write as _;
    let channel = sanitize(&escape(rec.channels[ch].label.trim()));
    let mut s = String::with_capacity(HEADER.len() + 1 + beats.len() * 80);
    s.push_str(HEADER);
    s.push('\n');
    for (i, b) in beats.iter().enumerate() {
        let onset = rec.sample_time(ch, b.sample);
        let _ = writeln!(
            s,
            "{onset:.6}\t0\tbeat\t{channel}\tdefinite\t\t{READER}\tbeat-{:06}\t\t",
            i + 1
        );
    }
    s
}

/// The table written atomically (the store's temp file, fsync, rename), as an output error
/// naming the file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    crate::annotations::store::write_atomic(path, bytes)
        .map_err(|e| CliError::Output(std::io::Error::other(e.to_string())))
}
