//! `sigmark spectrum FILE --channel C [--start S --duration D] [--segment SECONDS]
//! [--overlap FRACTION] [--detrend none|constant] [--json|--csv]`: the Welch estimate of one
//! channel over a window (equal to `scipy.signal.welch` with a Hann window, density scaling,
//! one-sided), its EEG band powers and its dominant frequency.

use std::io::Write;

use serde::Serialize;

use super::{CliError, FilePath, FormatHints};
use crate::dsp::spectrum::{
    band_power, band_powers, dominant_frequency, BandPower, Detrend, Psd, SpectrumError, Welch,
    WelchSpec, TOTAL_BAND,
};
use crate::signal::Recording;
use crate::text::sanitize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DetrendArg {
    /// Segments as they are.
    None,
    /// Each segment's mean removed (SciPy's default).
    Constant,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    pub file: FilePath,
    /// Channel label or 0-based index.
    #[arg(long, short = 'c', value_name = "NAME|INDEX")]
    pub channel: String,
    /// Start of the window, seconds from the first sample.
    #[arg(long, default_value_t = 0.0)]
    pub start: f64,
    /// Length of the window in seconds (default: to the end of the recording).
    #[arg(long)]
    pub duration: Option<f64>,
    /// Welch segment length in seconds (the frequency resolution is its inverse).
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS")]
    pub segment: f64,
    /// Fraction of a segment shared with the next, 0 to below 1.
    #[arg(long, default_value_t = 0.5, value_name = "FRACTION")]
    pub overlap: f64,
    #[arg(long, value_enum, default_value_t = DetrendArg::Constant)]
    pub detrend: DetrendArg,
    /// Print JSON: the settings, frequencies_hz, psd, bands and dominant_hz.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print the spectrum as CSV: frequency_hz,psd.
    #[arg(long)]
    pub csv: bool,
    #[command(flatten)]
    pub hints: FormatHints,
}

/// The window of samples to analyse, as checked against the recording.
struct Window {
    channel: usize,
    first: u64,
    count: usize,
    start_s: f64,
    duration_s: f64,
}

#[derive(Serialize)]
struct Report<'a> {
    file: String,
    channel: String,
    unit: String,
    rate_hz: f64,
    start_s: f64,
    duration_s: f64,
    samples: usize,
    segment_s: f64,
    segment_samples: usize,
    overlap: f64,
    overlap_samples: usize,
    detrend: Detrend,
    segments: usize,
    window: &'static str,
    scaling: &'static str,
    psd_unit: String,
    frequencies_hz: &'a [f64],
    psd: &'a [f64],
    bands: Bands,
    band_unit: String,
    dominant_hz: Option<f64>,
    notes: Vec<String>,
}

/// The bands by name, in frequency order, and their total.
#[derive(Serialize)]
struct Bands {
    delta: BandJson,
    theta: BandJson,
    alpha: BandJson,
    beta: BandJson,
    gamma: BandJson,
    total: BandJson,
}

#[derive(Serialize)]
struct BandJson {
    low_hz: f64,
    high_hz: f64,
    absolute: f64,
    relative: f64,
}

impl From<&BandPower> for BandJson {
    fn from(b: &BandPower) -> Self {
        BandJson {
            low_hz: b.band.low_hz,
            high_hz: b.band.high_hz,
            absolute: b.absolute,
            relative: b.relative,
        }
    }
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let rec = crate::formats::open_with(&args.file, &args.hints.options())?;
    let w = window(&rec, args)?;
    let c = &rec.channels[w.channel];
    let segment = segment_samples(args.segment, c.rate_hz)?;
    let spec = WelchSpec {
        segment,
        overlap: args.overlap,
        detrend: match args.detrend {
            DetrendArg::None => Detrend::None,
            DetrendArg::Constant => Detrend::Constant,
        },
    };
    let mut welch = Welch::new(spec).map_err(spectrum_error)?;
    let mut psd = Psd::default();
    let read = |first: usize, out: &mut [f64]| {
        let values = rec.read_samples(w.channel, w.first + first as u64, out.len())?;
        out.copy_from_slice(&values);
        Ok(())
    };
    welch
        .estimate_from(w.count, c.rate_hz, read, &mut psd)
        .map_err(spectrum_error)?;
    let mut notes = Vec::new();
    if psd.segment < segment {
        notes.push(format!(
            "the segment of {} s is longer than the window; shortened to the window's {} \
             samples, as scipy.signal.welch does",
            args.segment, psd.segment
        ));
    }
    let span = rec.sample_time(w.channel, w.first + w.count as u64 - 1)
        - rec.sample_time(w.channel, w.first);
    if span > (w.count as f64 - 0.5) / c.rate_hz {
        notes.push(format!(
            "the window spans a gap of the recording ({:.3} s of time for {} s of samples); \
             the samples either side were joined",
            span + 1.0 / c.rate_hz,
            w.duration_s
        ));
    }
    if psd.density.iter().any(|v| v.is_nan()) {
        notes.push("the window holds samples that are not numbers (NaN)".to_string());
    }
    let report = report(&rec, &w, &psd, args, notes);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        crate::text::write_json_pretty(&mut out, &report).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else if args.csv {
        writeln!(out, "frequency_hz,psd")?;
        for (f, p) in psd.frequencies_hz.iter().zip(&psd.density) {
            writeln!(out, "{f},{p}")?;
        }
    } else {
        write_text(&mut out, &report)?;
    }
    out.flush()?;
    Ok(())
}

/// The channel and the samples of the window; errors say what is wrong with the arguments.
fn window(rec: &Recording, args: &Args) -> Result<Window, CliError> {
    let channel = find_channel(rec, &args.channel)?;
    let c = &rec.channels[channel];
    if c.samples == 0 || c.rate_hz.is_nan() || c.rate_hz <= 0.0 {
        return Err(CliError::Usage(format!(
            "channel {:?} has no samples at a usable rate ({} samples at {} Hz)",
            sanitize(&c.label),
            c.samples,
            c.rate_hz
        )));
    }
    let end_s = rec.sample_time(channel, c.samples - 1) + 1.0 / c.rate_hz;
    if !args.start.is_finite() || args.start < 0.0 || args.start >= end_s {
        return Err(CliError::Usage(format!(
            "--start {} s is outside the recording: channel {:?} runs from 0 to {end_s} s",
            args.start,
            sanitize(&c.label)
        )));
    }
    let stop = match args.duration {
        None => c.samples,
        Some(d) if d.is_finite() && d > 0.0 => {
            let stop_s = args.start + d;
            // Half a sample of slack, so "--duration" up to the exact end is accepted.
            if stop_s > end_s + 0.5 / c.rate_hz {
                return Err(CliError::Usage(format!(
                    "the window {} to {stop_s} s ends after the recording, which ends at \
                     {end_s} s; give a shorter --duration",
                    args.start
                )));
            }
            rec.sample_at_or_after(channel, stop_s)
        }
        Some(d) => {
            return Err(CliError::Usage(format!(
                "--duration {d} must be a positive number of seconds"
            )))
        }
    };
    let first = rec.sample_at_or_after(channel, args.start);
    let count = usize::try_from(stop.saturating_sub(first)).unwrap_or(usize::MAX);
    if count == 0 {
        return Err(CliError::Usage(format!(
            "the window from {} s holds no sample of channel {:?}",
            args.start,
            sanitize(&c.label)
        )));
    }
    Ok(Window {
        channel,
        first,
        count,
        start_s: rec.sample_time(channel, first),
        duration_s: count as f64 / c.rate_hz,
    })
}

/// A channel by label or index; the error lists the channels there are.
pub(crate) fn find_channel(rec: &Recording, wanted: &str) -> Result<usize, CliError> {
    rec.channel_index(wanted).ok_or_else(|| {
        let labels: Vec<String> = rec.channels.iter().map(|c| sanitize(&c.label)).collect();
        CliError::Usage(if labels.is_empty() {
            format!(
                "no channel {:?}: the recording has no signal channels (annotations only)",
                sanitize(wanted)
            )
        } else {
            format!(
                "no channel {:?}; channels are: {}",
                sanitize(wanted),
                labels.join(", ")
            )
        })
    })
}

fn segment_samples(seconds: f64, rate_hz: f64) -> Result<usize, CliError> {
    let n = (seconds * rate_hz).round();
    if !seconds.is_finite() || n.is_nan() || n < 1.0 {
        return Err(CliError::Usage(format!(
            "--segment {seconds} s is not a usable length at {rate_hz} Hz: it must hold at \
             least one sample"
        )));
    }
    // `as` saturates; a longer segment than the window is shortened later anyway.
    Ok(n as usize)
}

fn spectrum_error(e: SpectrumError) -> CliError {
    match e {
        SpectrumError::Read(crate::dsp::Error::Read(f)) => CliError::Format(f),
        SpectrumError::Overlap(v) => CliError::Usage(format!(
            "--overlap {v}: it must be a fraction from 0 up to (not including) 1"
        )),
        other => CliError::Usage(other.to_string()),
    }
}

fn report<'a>(
    rec: &Recording,
    w: &Window,
    psd: &'a Psd,
    args: &Args,
    notes: Vec<String>,
) -> Report<'a> {
    let c = &rec.channels[w.channel];
    let unit = c.unit.trim().to_string();
    let [delta, theta, alpha, beta, gamma] = band_powers(psd);
    let total = band_power(psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz);
    Report {
        file: rec.path.display().to_string(),
        channel: c.label.trim().to_string(),
        rate_hz: c.rate_hz,
        start_s: w.start_s,
        duration_s: w.duration_s,
        samples: w.count,
        segment_s: psd.segment as f64 / c.rate_hz,
        segment_samples: psd.segment,
        overlap: args.overlap,
        overlap_samples: psd.overlap_samples,
        detrend: match args.detrend {
            DetrendArg::None => Detrend::None,
            DetrendArg::Constant => Detrend::Constant,
        },
        segments: psd.segments,
        window: "hann",
        scaling: "density",
        psd_unit: format!("{unit}^2/Hz"),
        frequencies_hz: &psd.frequencies_hz,
        psd: &psd.density,
        bands: Bands {
            delta: (&delta).into(),
            theta: (&theta).into(),
            alpha: (&alpha).into(),
            beta: (&beta).into(),
            gamma: (&gamma).into(),
            total: BandJson {
                low_hz: TOTAL_BAND.low_hz,
                high_hz: TOTAL_BAND.high_hz,
                absolute: total,
                relative: if total > 0.0 { 1.0 } else { f64::NAN },
            },
        },
        band_unit: format!("{unit}^2"),
        dominant_hz: dominant_frequency(psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz),
        unit,
        notes,
    }
}

fn write_text(out: &mut impl Write, r: &Report<'_>) -> std::io::Result<()> {
    writeln!(out, "file        {}", sanitize(&r.file))?;
    writeln!(
        out,
        "channel     {} ({}, {} Hz)",
        sanitize(&r.channel),
        sanitize(&r.unit),
        r.rate_hz
    )?;
    writeln!(
        out,
        "window      {} s from {} s ({} samples)",
        r.duration_s, r.start_s, r.samples
    )?;
    writeln!(
        out,
        "welch       Hann segments of {} s ({} samples, {} Hz bins), overlap {}, detrend {}, \
         {} segments averaged",
        r.segment_s,
        r.segment_samples,
        r.rate_hz / r.segment_samples as f64,
        r.overlap,
        r.detrend.name(),
        r.segments
    )?;
    match r.dominant_hz {
        Some(f) => writeln!(out, "dominant    {f} Hz (largest bin in 0.5-80 Hz)")?,
        None => writeln!(out, "dominant    - (no bin in 0.5-80 Hz)")?,
    }
    let unit = sanitize(&r.band_unit);
    writeln!(
        out,
        "bands       {:>16} {:>9}",
        format!("({unit})"),
        "relative"
    )?;
    let b = &r.bands;
    for (name, band) in [
        ("delta", &b.delta),
        ("theta", &b.theta),
        ("alpha", &b.alpha),
        ("beta", &b.beta),
        ("gamma", &b.gamma),
        ("total", &b.total),
    ] {
        writeln!(
            out,
            "  {name:<6} {:>4}-{:<3} Hz {:>14.6e} {:>9.4}",
            band.low_hz, band.high_hz, band.absolute, band.relative
        )?;
    }
    for n in &r.notes {
        writeln!(out, "note        {}", sanitize(n))?;
    }
    writeln!(
        out,
        "{:>14} {:>16}",
        "frequency (Hz)",
        format!("PSD ({})", sanitize(&r.psd_unit))
    )?;
    for (f, p) in r.frequencies_hz.iter().zip(r.psd) {
        writeln!(out, "{f:>14.4} {p:>16.6e}")?;
    }
    Ok(())
}
