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
use std::sync::Arc;

use rustfft::num_complex::Complex;
use rustfft::num_traits::Zero;
use rustfft::{Fft, FftPlanner};

mod bands;
mod spectrogram;

pub use bands::*;
pub use spectrogram::*;

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
