//! `sigmark dump FILE [--channel NAME|INDEX]... [--start S] [--duration S] [--format csv|tsv]`.

use std::io::Write;

use super::{CliError, FilePath, FormatHints};
use crate::signal::Recording;
use crate::text::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Delimited {
    Csv,
    Tsv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    pub file: FilePath,
    /// Channel label or 0-based index; repeat for several (they must share one rate).
    /// Default: every channel of the first channel's rate.
    #[arg(long = "channel", short = 'c', value_name = "NAME|INDEX")]
    pub channels: Vec<String>,
    /// Start, seconds from the first sample.
    #[arg(long, default_value_t = 0.0)]
    pub start: f64,
    /// Duration in seconds (default: to the end).
    #[arg(long)]
    pub duration: Option<f64>,
    #[arg(long, value_enum, default_value_t = Delimited::Csv)]
    pub format: Delimited,
    #[command(flatten)]
    pub hints: FormatHints,
}

/// Samples read per channel per step: bounded memory for any length of output.
const BLOCK: usize = 65_536;

pub fn run(args: &Args) -> Result<(), CliError> {
    let rec = crate::formats::open_with(&args.file, &args.hints.options())?;
    let chans = select(&rec, &args.channels)?;
    if !args.start.is_finite() || args.start < 0.0 {
        return Err(CliError::Usage(format!(
            "--start {} must be a number of seconds >= 0",
            args.start
        )));
    }
    let end_t = args.start + args.duration.unwrap_or(f64::INFINITY).max(0.0);
    let first = rec.sample_at_or_after(chans[0], args.start);
    let last = if end_t.is_finite() {
        rec.sample_at_or_after(chans[0], end_t)
    } else {
        rec.channels[chans[0]].samples
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let sep = match args.format {
        Delimited::Csv => b',',
        Delimited::Tsv => b'\t',
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(sep)
        .from_writer(&mut out);
    let mut header = vec!["time_s".to_string()];
    header.extend(chans.iter().map(|&c| sanitize(&rec.channels[c].label)));
    w.write_record(&header).map_err(csv_io)?;
    let mut at = first;
    let mut cols: Vec<Vec<f64>> = Vec::new();
    let mut row = Vec::with_capacity(chans.len() + 1);
    while at < last {
        let n = ((last - at) as usize).min(BLOCK);
        cols.clear();
        for &c in &chans {
            cols.push(rec.read_samples(c, at, n)?);
        }
        for k in 0..n {
            row.clear();
            row.push(format!(
                "{}",
                round_time(rec.sample_time(chans[0], at + k as u64))
            ));
            row.extend(cols.iter().map(|col| format!("{}", col[k])));
            w.write_record(&row).map_err(csv_io)?;
        }
        at += n as u64;
    }
    w.flush()?;
    drop(w);
    out.flush()?;
    Ok(())
}

/// Times print without float noise (0.1 + 0.2 style digits): rounded to 1 ns.
fn round_time(t: f64) -> f64 {
    (t * 1e9).round() / 1e9
}

fn csv_io(e: csv::Error) -> CliError {
    CliError::Output(std::io::Error::other(e))
}

fn select(rec: &Recording, wanted: &[String]) -> Result<Vec<usize>, CliError> {
    if rec.channels.is_empty() {
        return Err(CliError::Usage(format!(
            "{}: the recording has no signal channels (annotations only)",
            rec.path.display()
        )));
    }
    let chans: Vec<usize> = if wanted.is_empty() {
        let rate = rec.channels[0].rate_hz;
        (0..rec.channels.len())
            .filter(|&i| rec.channels[i].rate_hz == rate)
            .collect()
    } else {
        wanted
            .iter()
            .map(|w| {
                rec.channel_index(w).ok_or_else(|| {
                    let labels: Vec<String> =
                        rec.channels.iter().map(|c| sanitize(&c.label)).collect();
                    CliError::Usage(format!(
                        "no channel {:?}; channels are: {}",
                        sanitize(w),
                        labels.join(", ")
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let rate = rec.channels[chans[0]].rate_hz;
    if let Some(&odd) = chans.iter().find(|&&c| rec.channels[c].rate_hz != rate) {
        return Err(CliError::Usage(format!(
            "channels of one dump must share a rate: {:?} is {} Hz, {:?} is {} Hz",
            sanitize(&rec.channels[chans[0]].label),
            rate,
            sanitize(&rec.channels[odd].label),
            rec.channels[odd].rate_hz
        )));
    }
    Ok(chans)
}
