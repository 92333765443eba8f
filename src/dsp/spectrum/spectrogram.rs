//! A spectrogram of a long span, built in chunks on a background thread and shared with the
//! viewer as it grows.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use rustfft::num_complex::Complex;
use rustfft::FftPlanner;

use super::{check_overlap, check_rate, hann_periodic, overlap_samples, Plan, SpectrumError};
use crate::dsp::pyramid::BuildOutcome;
use crate::dsp::Derivation;
use crate::signal::Recording;

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
