//! Power spectra for the frequency views: Welch's averaged periodogram, EEG band powers and the
//! dominant frequency, and a spectrogram of a long span built in chunks on a background thread.
//!
//! The Welch estimate is `scipy.signal.welch(x, fs, window="hann", nperseg, noverlap,
//! detrend, scaling="density", return_onesided=True, average="mean")`, step for step:
//! - the window is SciPy's periodic Hann (`get_window("hann", n)`, `fftbins=True`), computed
//!   with SciPy's own expression so the values agree to the last bit or two;
//! - segments start every `n - noverlap` samples; there are `(len - noverlap) / step` of them
//!   and samples after the last whole segment are not used (SciPy's `padded=False`);
//! - each segment is detrended (nothing, or its mean removed), windowed, transformed, and its
//!   squared magnitude scaled by `1 / (fs * sum(w^2))`;
//! - one-sided: every bin but DC is doubled, and for even `n` the Nyquist bin is not (it has
//!   no negative-frequency twin);
//! - a segment longer than the data is shortened to the data, as SciPy does (with a warning).
//!
//! All FFT plans come from one `FftPlanner` per `Welch`/spectrogram and are reused: scrolling
//! the spectrum panel computes new estimates into the same buffers without allocating.

use std::f64::consts::PI;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use rustfft::num_complex::Complex;
use rustfft::num_traits::Zero;
use rustfft::{Fft, FftPlanner};

use super::pyramid::BuildOutcome;
use super::Derivation;
use crate::signal::Recording;

/// Why a spectrum could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum SpectrumError {
    #[error("sampling rate {0} Hz: a spectrum needs a positive rate")]
    Rate(f64),
    #[error("segment of {0} samples: a segment needs at least 1 sample")]
    Segment(usize),
    #[error("overlap {0}: it must be a fraction from 0 up to (not including) 1")]
    Overlap(f64),
    #[error("no samples to analyse")]
    Empty,
    #[error("highest frequency {0} Hz: it must be a positive number")]
    MaxFrequency(f64),
    #[error(transparent)]
    Read(#[from] crate::dsp::Error),
}

/// What is removed from each segment before windowing (SciPy's `detrend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Detrend {
    None,
    /// The segment's mean: a DC offset then leaks into no bin (SciPy's default).
    #[default]
    Constant,
}

impl Detrend {
    pub fn name(self) -> &'static str {
        match self {
            Detrend::None => "none",
            Detrend::Constant => "constant",
        }
    }
}

/// Parameters of a Welch estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WelchSpec {
    /// Samples per segment (also the FFT length: no zero padding).
    pub segment: usize,
    /// Fraction of a segment shared with the next, `0 <= overlap < 1`.
    pub overlap: f64,
    pub detrend: Detrend,
}

impl WelchSpec {
    /// Half-overlapping segments, mean removed: SciPy's defaults.
    pub fn new(segment: usize) -> WelchSpec {
        WelchSpec {
            segment,
            overlap: 0.5,
            detrend: Detrend::Constant,
        }
    }

    fn validate(&self) -> Result<(), SpectrumError> {
        if self.segment == 0 {
            return Err(SpectrumError::Segment(self.segment));
        }
        check_overlap(self.overlap)
    }
}

fn check_overlap(overlap: f64) -> Result<(), SpectrumError> {
    if (0.0..1.0).contains(&overlap) {
        Ok(())
    } else {
        Err(SpectrumError::Overlap(overlap))
    }
}

fn check_rate(rate_hz: f64) -> Result<(), SpectrumError> {
    if rate_hz.is_finite() && rate_hz > 0.0 {
        Ok(())
    } else {
        Err(SpectrumError::Rate(rate_hz))
    }
}

/// Samples two consecutive segments of `segment` share: `floor(overlap * segment)`, which for
/// 0.5 is SciPy's default `nperseg // 2`; always less than the segment.
pub fn overlap_samples(segment: usize, overlap: f64) -> usize {
    // `as` saturates (NaN gives 0); the min keeps the step at least 1.
    ((overlap * segment as f64).floor() as usize).min(segment.saturating_sub(1))
}

/// SciPy's periodic Hann window of `n` points: `general_cosine(n + 1, [0.5, 0.5])` without its
/// last point, i.e. `0.5 + 0.5 cos(-pi + 2 pi k / n)`, with `ones(1)` for `n = 1`.
pub fn hann_periodic(n: usize) -> Vec<f64> {
    if n <= 1 {
        return vec![1.0; n];
    }
    // numpy.linspace(-pi, pi, n + 1): start + k * (2 pi / n).
    let step = 2.0 * PI / n as f64;
    (0..n)
        .map(|k| 0.5 + 0.5 * (k as f64 * step - PI).cos())
        .collect()
}

/// A one-sided power spectral density.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Psd {
    /// `k * rate / segment` for `k = 0..=segment / 2`.
    pub frequencies_hz: Vec<f64>,
    /// Power per hertz at each frequency, in the signal's unit squared per Hz.
    pub density: Vec<f64>,
    /// Segment length used: the one asked for, or the data length when that is shorter.
    pub segment: usize,
    pub overlap_samples: usize,
    /// Segments averaged.
    pub segments: usize,
    pub rate_hz: f64,
}

impl Psd {
    /// Spacing of the frequency bins.
    pub fn resolution_hz(&self) -> f64 {
        if self.segment == 0 {
            0.0
        } else {
            self.rate_hz / self.segment as f64
        }
    }
}

/// Plan, window and buffers for one segment length.
struct Plan<T: rustfft::FftNum> {
    fft: Arc<dyn Fft<T>>,
    window: Vec<T>,
    buf: Vec<Complex<T>>,
    scratch: Vec<Complex<T>>,
}

impl<T: rustfft::FftNum> Plan<T> {
    /// `batch` segments share one buffer, so a single call transforms them all.
    fn new(planner: &mut FftPlanner<T>, n: usize, batch: usize, window: Vec<T>) -> Plan<T> {
        let fft = planner.plan_fft_forward(n);
        let scratch = vec![Complex::zero(); fft.get_inplace_scratch_len()];
        Plan {
            buf: vec![Complex::zero(); n * batch],
            fft,
            window,
            scratch,
        }
    }

    fn len(&self) -> usize {
        self.window.len()
    }

    fn transform(&mut self, filled: usize) {
        let n = self.len();
        let end = filled * n;
        if end > 0 {
            self.fft
                .process_with_scratch(&mut self.buf[..end], &mut self.scratch);
        }
    }
}

/// Samples `Welch::estimate_from` reads at a time (8 MB of f64).
const WELCH_CHUNK_SAMPLES: usize = 1 << 20;

/// Welch estimator with its FFT plan, window and buffers kept between calls: repeated
/// estimates with the same segment length (the scrolling spectrum panel) allocate nothing.
pub struct Welch {
    spec: WelchSpec,
    planner: FftPlanner<f64>,
    /// For the segment length of the last call (none before the first): made on first use,
    /// so a segment far longer than any input never allocates its length.
    plan: Option<Plan<f64>>,
    /// `sum(w^2)` of the plan's window, for the density scaling.
    window_power: f64,
}

impl std::fmt::Debug for Welch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Welch").field("spec", &self.spec).finish()
    }
}

impl Welch {
    pub fn new(spec: WelchSpec) -> Result<Welch, SpectrumError> {
        spec.validate()?;
        Ok(Welch {
            spec,
            planner: FftPlanner::new(),
            plan: None,
            window_power: 0.0,
        })
    }

    pub fn spec(&self) -> WelchSpec {
        self.spec
    }

    /// The estimate of `samples` at `rate_hz` in a new `Psd`.
    pub fn psd(&mut self, samples: &[f64], rate_hz: f64) -> Result<Psd, SpectrumError> {
        let mut out = Psd::default();
        self.estimate(samples, rate_hz, &mut out)?;
        Ok(out)
    }

    /// The estimate of `samples` at `rate_hz` into `out`, reusing its vectors. Non-finite
    /// samples make the bins they reach NaN (nothing panics).
    pub fn estimate(
        &mut self,
        samples: &[f64],
        rate_hz: f64,
        out: &mut Psd,
    ) -> Result<(), SpectrumError> {
        let layout = self.begin(samples.len(), rate_hz, out)?;
        self.add_segments(samples, layout.segments, layout.step, out);
        self.finish(layout, rate_hz, out);
        Ok(())
    }

    /// The estimate over `total` samples that `read(first, out)` supplies (samples
    /// `first..first + out.len()`), read about a million at a time: the spectrum of a whole
    /// night without the night in memory. Equal to `estimate` over the same samples.
    pub fn estimate_from(
        &mut self,
        total: usize,
        rate_hz: f64,
        mut read: impl FnMut(usize, &mut [f64]) -> Result<(), crate::dsp::Error>,
        out: &mut Psd,
    ) -> Result<(), SpectrumError> {
        let layout = self.begin(total, rate_hz, out)?;
        let (n, step) = (layout.n, layout.step);
        let per_chunk = (WELCH_CHUNK_SAMPLES / step).max(1);
        let mut buf = Vec::new();
        let mut done = 0;
        while done < layout.segments {
            let count = per_chunk.min(layout.segments - done);
            buf.resize((count - 1) * step + n, 0.0);
            read(done * step, &mut buf)?;
            self.add_segments(&buf, count, step, out);
            done += count;
        }
        self.finish(layout, rate_hz, out);
        Ok(())
    }

    /// Checks the input, fixes the segment length for `len` samples and clears `out`.
    fn begin(&mut self, len: usize, rate_hz: f64, out: &mut Psd) -> Result<Layout, SpectrumError> {
        check_rate(rate_hz)?;
        if len == 0 {
            return Err(SpectrumError::Empty);
        }
        let n = self.spec.segment.min(len);
        self.replan(n);
        let noverlap = overlap_samples(n, self.spec.overlap);
        let step = n - noverlap;
        out.density.clear();
        out.density.resize(n / 2 + 1, 0.0);
        Ok(Layout {
            n,
            noverlap,
            step,
            segments: (len - noverlap) / step,
        })
    }

    /// Adds the squared magnitudes of `count` segments starting every `step` samples.
    fn add_segments(&mut self, samples: &[f64], count: usize, step: usize, out: &mut Psd) {
        let Some(plan) = self.plan.as_mut() else {
            return;
        };
        let n = plan.len();
        for seg in samples.windows(n).step_by(step).take(count) {
            fill_segment(seg, &plan.window, self.spec.detrend, &mut plan.buf);
            plan.transform(1);
            for (d, z) in out.density.iter_mut().zip(&plan.buf) {
                *d += z.norm_sqr();
            }
        }
    }

    /// Density scaling, one-sided doubling and the mean over segments; the frequencies.
    fn finish(&self, layout: Layout, rate_hz: f64, out: &mut Psd) {
        let Layout { n, segments, .. } = layout;
        let bins = out.density.len();
        let scale = 1.0 / (rate_hz * self.window_power);
        let last_doubled = if n % 2 == 0 { bins - 1 } else { bins };
        for (k, d) in out.density.iter_mut().enumerate() {
            let sides = if k == 0 || k >= last_doubled {
                1.0
            } else {
                2.0
            };
            *d = *d * scale * sides / segments as f64;
        }
        // numpy.fft.rfftfreq: k * (1 / (n * d)) with d = 1 / fs.
        let df = 1.0 / (n as f64 * (1.0 / rate_hz));
        out.frequencies_hz.clear();
        out.frequencies_hz.extend((0..bins).map(|k| k as f64 * df));
        out.segment = n;
        out.overlap_samples = layout.noverlap;
        out.segments = segments;
        out.rate_hz = rate_hz;
    }

    /// A new plan and window only when the segment length changes (the planner keeps plans it
    /// made, so going back to an earlier length costs only the window).
    fn replan(&mut self, n: usize) {
        if self.plan.as_ref().is_none_or(|p| p.len() != n) {
            let window = hann_periodic(n);
            self.window_power = window.iter().map(|w| w * w).sum();
            self.plan = Some(Plan::new(&mut self.planner, n, 1, window));
        }
    }
}

/// Where the segments of one estimate lie.
#[derive(Debug, Clone, Copy)]
struct Layout {
    n: usize,
    noverlap: usize,
    step: usize,
    segments: usize,
}

/// `(x - mean) * w` (or `x * w`) into the real parts of `buf`.
fn fill_segment(seg: &[f64], window: &[f64], detrend: Detrend, buf: &mut [Complex<f64>]) {
    let mean = match detrend {
        Detrend::None => 0.0,
        Detrend::Constant => seg.iter().sum::<f64>() / seg.len() as f64,
    };
    for ((b, &x), &w) in buf.iter_mut().zip(seg).zip(window) {
        *b = Complex::new((x - mean) * w, 0.0);
    }
}

// ------------------------------------------------------------------------------ band power

/// A frequency band of the EEG.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Band {
    pub name: &'static str,
    pub low_hz: f64,
    pub high_hz: f64,
}

/// The classical clinical EEG bands, gamma cut at 80 Hz (above it lie muscle and mains
/// harmonics). Adjacent bands share their edge, so the five powers add up to the total over
/// 0.5-80 Hz.
pub const EEG_BANDS: [Band; 5] = [
    Band {
        name: "delta",
        low_hz: 0.5,
        high_hz: 4.0,
    },
    Band {
        name: "theta",
        low_hz: 4.0,
        high_hz: 8.0,
    },
    Band {
        name: "alpha",
        low_hz: 8.0,
        high_hz: 13.0,
    },
    Band {
        name: "beta",
        low_hz: 13.0,
        high_hz: 30.0,
    },
    Band {
        name: "gamma",
        low_hz: 30.0,
        high_hz: 80.0,
    },
];

/// The range relative band power is taken over, and the dominant frequency searched in.
pub const TOTAL_BAND: Band = Band {
    name: "total",
    low_hz: 0.5,
    high_hz: 80.0,
};

/// Power in one band: absolute (unit squared) and as a fraction of `TOTAL_BAND`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BandPower {
    pub band: Band,
    pub absolute: f64,
    /// NaN when the total is zero (a flat signal).
    pub relative: f64,
}

/// Integral of the PSD from `low_hz` to `high_hz` by the trapezoid rule on the PSD as a
/// piecewise-linear function of frequency: bins inside the band are the nodes, and the band
/// edges are nodes too, their values interpolated linearly between the two nearest bins
/// (`numpy.trapezoid(numpy.interp(x, f, psd), x)` with `x = [low, bins inside, high]`). So the
/// result does not depend on where the bins fall, and adjacent bands add up exactly. The band
/// is clipped to the frequencies the PSD has (0 to Nyquist); nothing left gives 0.
pub fn band_power(psd: &Psd, low_hz: f64, high_hz: f64) -> f64 {
    let f = &psd.frequencies_hz;
    let p = &psd.density;
    let (Some(&f_first), Some(&f_last)) = (f.first(), f.last()) else {
        return 0.0;
    };
    let (lo, hi) = (low_hz.max(f_first), high_hz.min(f_last));
    if hi.is_nan() || lo.is_nan() || hi <= lo || p.len() != f.len() {
        return 0.0;
    }
    let mut area = 0.0;
    for k in 0..f.len() - 1 {
        let (a, b) = (f[k].max(lo), f[k + 1].min(hi));
        if b <= a {
            continue;
        }
        let at = |x: f64| p[k] + (p[k + 1] - p[k]) * (x - f[k]) / (f[k + 1] - f[k]);
        area += (b - a) * (at(a) + at(b)) / 2.0;
    }
    area
}

/// Absolute and relative power of the five `EEG_BANDS`.
pub fn band_powers(psd: &Psd) -> [BandPower; 5] {
    let total = band_power(psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz);
    EEG_BANDS.map(|band| {
        let absolute = band_power(psd, band.low_hz, band.high_hz);
        BandPower {
            band,
            absolute,
            relative: if total > 0.0 {
                absolute / total
            } else {
                f64::NAN
            },
        }
    })
}

/// Frequency of the largest PSD bin between `low_hz` and `high_hz` (inclusive; the first of
/// equal maxima, as `numpy.argmax`); `None` when no bin there holds a number.
pub fn dominant_frequency(psd: &Psd, low_hz: f64, high_hz: f64) -> Option<f64> {
    psd.frequencies_hz
        .iter()
        .zip(&psd.density)
        .filter(|(f, p)| (low_hz..=high_hz).contains(*f) && !p.is_nan())
        .fold(None, |best: Option<(f64, f64)>, (&f, &p)| match best {
            Some((_, bp)) if bp >= p => best,
            _ => Some((f, p)),
        })
        .map(|(f, _)| f)
}

// ------------------------------------------------------------------------------ spectrogram

/// Parameters of a spectrogram: Hann windows of `window` samples overlapping by `overlap`, each
/// with its mean removed (SciPy's `spectrogram` default detrend), density-scaled and one-sided
/// like `Welch`, kept up to `max_hz` (all bins up to Nyquist when `None`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StftSpec {
    pub window: usize,
    pub overlap: f64,
    pub max_hz: Option<f64>,
}

/// Power below this shows as its dB (-376 dB) instead of minus infinity.
const POWER_FLOOR: f32 = f32::MIN_POSITIVE;

/// Samples transformed by one FFT call: big enough to amortise the call, small enough for the
/// buffer to stay in L2 (64 windows of 512 samples, complex f32: 256 KB); long windows go one
/// at a time.
const BATCH_SAMPLES: usize = 64 * 512;

/// Samples read per chunk of a background build: the watermark advances in steps of about
/// 8 minutes at 256 Hz, and a chunk's buffer is 1 MB.
const CHUNK_SAMPLES: usize = 1 << 17;

/// A spectrogram of one channel over a span: one column of power in dB per window position.
/// Column `i` covers samples `first_sample + i * step ..+ window`; its time is its centre.
/// Times are seconds from the first sample of the channel, samples evenly spaced; across the
/// gaps of an EDF+D file the caller maps times through `Recording::sample_at_or_after` and
/// asks by sample (`column_at_sample`).
#[derive(Debug, Clone, PartialEq)]
pub struct Spectrogram {
    rate_hz: f64,
    window: usize,
    step: usize,
    first_sample: u64,
    bins: usize,
    total: usize,
    columns: Vec<Vec<f32>>,
}

impl Spectrogram {
    /// An empty spectrogram (no column computed yet) of `samples` samples from `first_sample`.
    /// A span shorter than one window has no columns.
    pub fn new(
        spec: StftSpec,
        rate_hz: f64,
        first_sample: u64,
        samples: u64,
    ) -> Result<Spectrogram, SpectrumError> {
        check_rate(rate_hz)?;
        if spec.window == 0 {
            return Err(SpectrumError::Segment(0));
        }
        check_overlap(spec.overlap)?;
        let half = spec.window / 2 + 1;
        let bins = match spec.max_hz {
            None => half,
            Some(f) if f > 0.0 => {
                // `as` saturates: a limit beyond Nyquist keeps every bin.
                ((f * spec.window as f64 / rate_hz).floor() as usize + 1).min(half)
            }
            Some(f) => return Err(SpectrumError::MaxFrequency(f)),
        };
        let step = spec.window - overlap_samples(spec.window, spec.overlap);
        let total = match samples.checked_sub(spec.window as u64) {
            Some(rest) => usize::try_from(rest / step as u64 + 1).unwrap_or(usize::MAX),
            None => 0,
        };
        Ok(Spectrogram {
            rate_hz,
            window: spec.window,
            step,
            first_sample,
            bins,
            total,
            columns: Vec::new(),
        })
    }

    /// Computes every column of `samples` (the whole span, starting at sample 0) on the calling
    /// thread: for tests, benchmarks and batch use.
    pub fn from_samples(
        spec: StftSpec,
        rate_hz: f64,
        samples: &[f64],
    ) -> Result<Spectrogram, SpectrumError> {
        let mut s = Spectrogram::new(spec, rate_hz, 0, samples.len() as u64)?;
        if s.total > 0 {
            let mut stft = Stft::new(&mut FftPlanner::new(), s.window, s.bins, rate_hz);
            s.columns.reserve_exact(s.total);
            stft.columns(samples, s.total, s.step, &mut s.columns);
        }
        Ok(s)
    }

    pub fn rate_hz(&self) -> f64 {
        self.rate_hz
    }

    /// Samples per window and between window starts.
    pub fn window(&self) -> usize {
        self.window
    }

    pub fn step(&self) -> usize {
        self.step
    }

    /// Frequency bins per column; bin `k` is `k * bin_hz()`.
    pub fn bins(&self) -> usize {
        self.bins
    }

    pub fn bin_hz(&self) -> f64 {
        self.rate_hz / self.window as f64
    }

    /// Columns the span holds when complete, and those computed so far (in time order).
    pub fn total_columns(&self) -> usize {
        self.total
    }

    pub fn columns_done(&self) -> usize {
        self.columns.len()
    }

    pub fn is_complete(&self) -> bool {
        self.columns.len() >= self.total
    }

    /// Power in dB (of unit squared per Hz) of column `i`, `bins()` values; `None` until it is
    /// computed.
    pub fn column(&self, i: usize) -> Option<&[f32]> {
        self.columns.get(i).map(Vec::as_slice)
    }

    /// Centre of column `i`, in samples of the channel.
    pub fn column_centre_sample(&self, i: usize) -> f64 {
        self.first_sample as f64 + i as f64 * self.step as f64 + self.window as f64 / 2.0
    }

    /// Centre of column `i` in seconds from the channel's first sample (SciPy's `t`).
    pub fn column_time_s(&self, i: usize) -> f64 {
        self.column_centre_sample(i) / self.rate_hz
    }

    /// The computed column whose centre is nearest to sample `s`; `None` outside the span or
    /// before the build reaches it.
    pub fn column_at_sample(&self, s: f64) -> Option<usize> {
        let x = (s - self.column_centre_sample(0)) / self.step as f64;
        let i = x.round();
        // NaN fails both comparisons; -0.0 (just before the first centre) is column 0.
        (i >= 0.0 && i < self.columns.len() as f64).then_some(i as usize)
    }

    /// The computed column nearest to `t_s` seconds from the channel's first sample.
    pub fn column_at_s(&self, t_s: f64) -> Option<usize> {
        self.column_at_sample(t_s * self.rate_hz)
    }

    /// Computed columns whose centres lie in `[t0_s, t1_s)`: what one screen column of a
    /// zoomed-out time axis covers (the caller takes their maximum or mean).
    pub fn columns_between_s(&self, t0_s: f64, t1_s: f64) -> Range<usize> {
        let index = |t: f64| {
            let x = ((t * self.rate_hz - self.column_centre_sample(0)) / self.step as f64).ceil();
            // `as` saturates: NaN and negative give 0, huge values the end.
            (x.max(0.0) as usize).min(self.columns.len())
        };
        let (a, b) = (index(t0_s), index(t1_s));
        a..b.max(a)
    }

    /// Appends columns computed from `first`; dropped unless they start at the watermark (a
    /// second builder's duplicate).
    fn push(&mut self, first: usize, columns: &mut Vec<Vec<f32>>) -> usize {
        if first == self.columns.len() {
            let room = self.total - self.columns.len();
            columns.truncate(room);
            self.columns.append(columns);
        }
        columns.clear();
        self.columns.len()
    }
}

/// A spectrogram shared between the thread that computes it and the UI that draws what is
/// done. The builder holds the write lock only to append a chunk's columns.
#[derive(Debug, Clone)]
pub struct SharedSpectrogram(Arc<RwLock<Spectrogram>>);

impl SharedSpectrogram {
    pub fn new(spectrogram: Spectrogram) -> SharedSpectrogram {
        SharedSpectrogram(Arc::new(RwLock::new(spectrogram)))
    }

    /// Read access for a frame. Columns are appended whole, so a builder that panicked leaves
    /// valid data and a poisoned lock is read through.
    pub fn read(&self) -> RwLockReadGuard<'_, Spectrogram> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Computes the columns in time order, `read(first, out)` filling `out` with samples
    /// `first..first + out.len()` of the channel. `progress` holds the columns done (compare
    /// with `total_columns`); `cancel` stops it between chunks, and a later call resumes where
    /// it stopped. Runs on the calling thread only (one core).
    pub fn compute(
        &self,
        mut read: impl FnMut(u64, &mut [f64]) -> Result<(), crate::dsp::Error>,
        progress: &AtomicU64,
        cancel: &AtomicBool,
    ) -> Result<BuildOutcome, SpectrumError> {
        let geometry = {
            let s = self.read();
            Spectrogram {
                columns: Vec::new(),
                ..*s
            }
        };
        let g = &geometry;
        let mut done = self.read().columns_done();
        progress.store(done as u64, Ordering::Relaxed);
        if done >= g.total {
            return Ok(BuildOutcome::Complete);
        }
        let mut stft = Stft::new(&mut FftPlanner::new(), g.window, g.bins, g.rate_hz);
        let per_chunk = (CHUNK_SAMPLES / g.step).max(1);
        let (mut buf, mut cols) = (Vec::new(), Vec::with_capacity(per_chunk));
        while done < g.total {
            if cancel.load(Ordering::Relaxed) {
                return Ok(BuildOutcome::Cancelled);
            }
            let count = per_chunk.min(g.total - done);
            buf.resize((count - 1) * g.step + g.window, 0.0);
            read(g.first_sample + (done * g.step) as u64, &mut buf)?;
            stft.columns(&buf, count, g.step, &mut cols);
            let mut s = self.0.write().unwrap_or_else(|e| e.into_inner());
            done = s.push(done, &mut cols);
            progress.store(done as u64, Ordering::Relaxed);
        }
        Ok(BuildOutcome::Complete)
    }

    /// `compute` over a derivation (a recorded channel or a montage channel) of `rec`.
    pub fn compute_derivation(
        &self,
        rec: &Recording,
        derivation: &Derivation,
        progress: &AtomicU64,
        cancel: &AtomicBool,
    ) -> Result<BuildOutcome, SpectrumError> {
        let read = |first: u64, out: &mut [f64]| {
            let values = derivation.read(rec, first, out.len())?;
            out.copy_from_slice(&values);
            Ok(())
        };
        self.compute(read, progress, cancel)
    }
}

/// The short-time transform of one spectrogram: plan, window and batch buffer.
struct Stft {
    plan: Plan<f32>,
    /// Windows per FFT call.
    batch: usize,
    bins: usize,
    /// `1 / (fs * sum(w^2))`, the density scaling.
    scale: f32,
    /// Bins from here on are not doubled (Nyquist of an even window; none for odd).
    last_doubled: usize,
}

impl Stft {
    fn new(planner: &mut FftPlanner<f32>, window: usize, bins: usize, rate_hz: f64) -> Stft {
        let w = hann_periodic(window);
        let power: f64 = w.iter().map(|v| v * v).sum();
        let half = window / 2 + 1;
        let batch = (BATCH_SAMPLES / window.max(1)).max(1);
        Stft {
            plan: Plan::new(
                planner,
                window,
                batch,
                w.iter().map(|&v| v as f32).collect(),
            ),
            batch,
            bins,
            scale: (1.0 / (rate_hz * power)) as f32,
            last_doubled: if window % 2 == 0 { half - 1 } else { half },
        }
    }

    /// Appends `count` columns whose windows start at `0, step, 2 step, ...` of `samples`
    /// (which holds at least `(count - 1) * step + window` samples; fewer columns otherwise).
    /// Each window has its mean removed in f64 before the f32 transform, so a large DC offset
    /// costs no precision.
    fn columns(&mut self, samples: &[f64], count: usize, step: usize, out: &mut Vec<Vec<f32>>) {
        let n = self.plan.len();
        let count = count.min(match samples.len().checked_sub(n) {
            Some(rest) => rest / step + 1,
            None => 0,
        });
        let mut c = 0;
        while c < count {
            let batch = self.batch.min(count - c);
            let buffers = self.plan.buf.chunks_exact_mut(n);
            let segments = samples.windows(n).step_by(step).skip(c);
            for (buf, seg) in buffers.zip(segments).take(batch) {
                let mean = seg.iter().sum::<f64>() / n as f64;
                for ((z, &x), &w) in buf.iter_mut().zip(seg).zip(&self.plan.window) {
                    *z = Complex::new((x - mean) as f32 * w, 0.0);
                }
            }
            self.plan.transform(batch);
            for spectrum in self.plan.buf.chunks_exact(n).take(batch) {
                out.push(self.decibels(&spectrum[..self.bins]));
            }
            c += batch;
        }
    }

    fn decibels(&self, spectrum: &[Complex<f32>]) -> Vec<f32> {
        let double = 2.0 * self.scale;
        spectrum
            .iter()
            .enumerate()
            .map(|(k, z)| {
                let scale = if k == 0 || k >= self.last_doubled {
                    self.scale
                } else {
                    double
                };
                let p = z.norm_sqr() * scale;
                if p > POWER_FLOOR {
                    10.0 * p.log10()
                } else if p.is_nan() {
                    f32::NAN
                } else {
                    10.0 * POWER_FLOOR.log10()
                }
            })
            .collect()
    }
}
