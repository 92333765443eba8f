//! `sigmark info FILE [--json] [--stats]`.

use std::io::Write;

use serde::Serialize;

use super::{CliError, FilePath, FormatHints};
use crate::signal::{ChannelStats, Recording};
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The recording (EDF, EDF+, BDF, BDF+, HDF5, NWB, SNIRF, EEGLAB .set).
    pub file: FilePath,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Add per-channel min, max, mean, sum and sum of squares (one streaming pass).
    #[arg(long)]
    pub stats: bool,
    #[command(flatten)]
    pub hints: FormatHints,
}

#[derive(Serialize)]
struct Summary<'a> {
    file: String,
    format: &'a str,
    start: Option<String>,
    duration_s: f64,
    records: u64,
    record_duration_s: f64,
    signals: Vec<SignalJson<'a>>,
    annotations: Vec<AnnotationJson<'a>>,
    segments: &'a [crate::signal::Segment],
    notes: &'a [String],
    /// A writer is still appending (EDF count -1 or records beyond it): `records` is what the
    /// file held when read.
    open_for_writing: bool,
}

#[derive(Serialize)]
struct SignalJson<'a> {
    label: &'a str,
    transducer: &'a str,
    unit: &'a str,
    physical_min: Option<f64>,
    physical_max: Option<f64>,
    digital_min: Option<i64>,
    digital_max: Option<i64>,
    prefilter: &'a str,
    samples_per_record: u64,
    rate_hz: f64,
    samples: u64,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    stats: Option<StatsJson>,
}

#[derive(Serialize)]
struct StatsJson {
    min: Option<f64>,
    max: Option<f64>,
    mean: Option<f64>,
    sum: f64,
    sum_sq: f64,
}

impl From<ChannelStats> for StatsJson {
    fn from(s: ChannelStats) -> Self {
        let finite = |v: f64| v.is_finite().then_some(v);
        StatsJson {
            min: finite(s.min),
            max: finite(s.max),
            mean: finite(s.mean),
            sum: s.sum,
            sum_sq: s.sum_sq,
        }
    }
}

#[derive(Serialize)]
struct AnnotationJson<'a> {
    onset_s: f64,
    duration_s: Option<f64>,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channel: Option<&'a str>,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let mut rec = crate::formats::open_with(&args.file, &args.hints.options())?;
    let checks = rec.verify();
    rec.notes = rec.all_notes();
    rec.notes.extend(checks);
    let stats = if args.stats {
        Some(rec.all_stats()?)
    } else {
        None
    };
    let summary = summary(&rec, stats);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        crate::text::write_json_pretty(&mut out, &summary).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        write_text(&mut out, &summary)?;
    }
    out.flush()?;
    Ok(())
}

fn summary(rec: &Recording, stats: Option<Vec<ChannelStats>>) -> Summary<'_> {
    let mut stats = stats.map(|v| v.into_iter());
    Summary {
        file: rec.path.display().to_string(),
        format: rec.format.name(),
        start: rec.start.map(|s| s.to_string()),
        duration_s: rec.duration_s,
        records: rec.records,
        record_duration_s: rec.record_duration_s,
        signals: rec
            .channels
            .iter()
            .map(|c| SignalJson {
                label: &c.label,
                transducer: &c.transducer,
                unit: &c.unit,
                physical_min: c.physical_min,
                physical_max: c.physical_max,
                digital_min: c.digital_min,
                digital_max: c.digital_max,
                prefilter: &c.prefilter,
                samples_per_record: c.samples_per_record,
                rate_hz: c.rate_hz,
                samples: c.samples,
                stats: stats.as_mut().and_then(|s| s.next()).map(StatsJson::from),
            })
            .collect(),
        annotations: rec
            .annotations
            .iter()
            .map(|a| AnnotationJson {
                onset_s: a.onset_s,
                duration_s: a.duration_s,
                text: &a.text,
                channel: a.channel.as_deref(),
            })
            .collect(),
        segments: &rec.segments,
        notes: &rec.notes,
        open_for_writing: rec.open_for_writing(),
    }
}

fn write_text(out: &mut impl Write, s: &Summary<'_>) -> std::io::Result<()> {
    write_overview(out, s)?;
    write_channels(out, &s.signals)?;
    write_annotations(out, &s.annotations)?;
    for n in s.notes {
        writeln!(out, "note        {}", sanitize(n))?;
    }
    Ok(())
}

/// File, format, start, duration, records and (when there are gaps) the segments.
fn write_overview(out: &mut impl Write, s: &Summary<'_>) -> std::io::Result<()> {
    writeln!(out, "file        {}", sanitize(&s.file))?;
    writeln!(out, "format      {}", s.format)?;
    writeln!(
        out,
        "start       {}",
        s.start.as_deref().unwrap_or("unknown")
    )?;
    writeln!(
        out,
        "duration    {} ({} s)",
        clock(s.duration_s),
        s.duration_s
    )?;
    writeln!(out, "records     {} x {} s", s.records, s.record_duration_s)?;
    if s.open_for_writing {
        writeln!(
            out,
            "writing     the file is open for writing: {} complete records present so far",
            s.records
        )?;
    }
    if s.segments.len() > 1 {
        writeln!(
            out,
            "segments    {} (the recording has gaps)",
            s.segments.len()
        )?;
        for g in s.segments {
            writeln!(
                out,
                "            {} .. {}",
                clock(g.start_s),
                clock(g.start_s + g.duration_s)
            )?;
        }
    }
    Ok(())
}

/// The channel count and table, with stats columns when any channel has stats.
fn write_channels(out: &mut impl Write, signals: &[SignalJson<'_>]) -> std::io::Result<()> {
    writeln!(out, "channels    {}", signals.len())?;
    let has_stats = signals.iter().any(|c| c.stats.is_some());
    let w = signals
        .iter()
        .map(|c| sanitize(c.label).chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    write!(
        out,
        "  #  {:<w$}  {:<8} {:>10} {:>10} {:>24}",
        "label", "unit", "rate (Hz)", "samples", "physical range"
    )?;
    if has_stats {
        write!(out, " {:>12} {:>12} {:>12}", "min", "max", "mean")?;
    }
    writeln!(out)?;
    for (i, c) in signals.iter().enumerate() {
        write_channel(out, i, c, w)?;
    }
    Ok(())
}

/// One row of the channel table; `w` is the label column's width.
fn write_channel(
    out: &mut impl Write,
    i: usize,
    c: &SignalJson<'_>,
    w: usize,
) -> std::io::Result<()> {
    let range = match (c.physical_min, c.physical_max) {
        (Some(a), Some(b)) => format!("{a} .. {b}"),
        _ => "-".into(),
    };
    write!(
        out,
        "{:>3}  {:<w$}  {:<8} {:>10} {:>10} {:>24}",
        i,
        sanitize(c.label),
        sanitize(c.unit),
        trim_num(c.rate_hz),
        c.samples,
        range
    )?;
    if let Some(st) = &c.stats {
        let f = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.6}"));
        write!(
            out,
            " {:>12} {:>12} {:>12}",
            f(st.min),
            f(st.max),
            f(st.mean)
        )?;
    }
    writeln!(out)
}

/// The annotation count and the first 20 of them.
fn write_annotations(
    out: &mut impl Write,
    annotations: &[AnnotationJson<'_>],
) -> std::io::Result<()> {
    writeln!(out, "annotations {}", annotations.len())?;
    for a in annotations.iter().take(20) {
        let d = a.duration_s.map_or(String::new(), |d| format!(" ({d} s)"));
        writeln!(out, "  {:>12.4} s{d}  {}", a.onset_s, sanitize(a.text))?;
    }
    if annotations.len() > 20 {
        writeln!(
            out,
            "  ... {} more (--json lists them all)",
            annotations.len() - 20
        )?;
    }
    Ok(())
}

fn trim_num(v: f64) -> String {
    let s = format!("{v:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `HH:MM:SS.mmm` for a duration or offset in seconds.
pub fn clock(s: f64) -> String {
    let ms = (s * 1000.0).round() as i64;
    let (h, m, sec, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{sec:02}.{milli:03}")
}
