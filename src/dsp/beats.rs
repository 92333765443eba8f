//! R-peak detection for ECG channels: a Pan-Tompkins detector (Pan and Tompkins, "A Real-Time
//! QRS Detection Algorithm", IEEE Trans. Biomed. Eng. 32(3), 1985), with its adaptive thresholds,
//! search-back for missed beats, 200 ms refractory period and T-wave test.
//!
//! The 1985 paper fixes its filters for 200 Hz; here every length is in seconds, so the same
//! detector runs at any rate from 32 Hz up:
//! - band-pass 5-15 Hz (the band where QRS energy dominates P and T waves, baseline wander and
//!   mains hum): Butterworth high- and low-pass of order 2, forward and backward
//!   (`FilterSpec::apply`, zero phase: the filtered QRS stays where the raw one is);
//! - the five-point derivative, squared: steep slopes count, sign does not;
//! - a moving average over 150 ms (the width of a wide QRS), centred, so its peak marks the
//!   middle of the complex with no delay to subtract;
//! - candidates are the peaks of that average that are its largest value within 200 ms on
//!   both sides (two beats cannot be closer: the refractory period);
//! - each candidate is a beat when it passes both thresholds (on the integrated and on the
//!   band-passed signal), unless it comes within 360 ms of the last beat with less than half
//!   of its slope (a T wave). When no beat came for 166% of the recent RR interval, the largest
//!   candidate since the last beat that passes half the thresholds is taken (search-back).
//!
//! The R peak of a beat is the largest |band-passed| sample within 90 ms of the candidate,
//! moved to the raw signal's extreme of the same sign within 25 ms, so marks sit on the drawn
//! peak. Long recordings are processed in chunks of a minute with margins on both sides (the
//! filters' start-up and the candidate test reach beyond a chunk), so memory stays bounded for
//! a 24-hour Holter; the decision state carries over from chunk to chunk.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::{BuildOutcome, Derivation, FilterSpec};
use crate::signal::Recording;

/// The QRS band.
const BAND_HZ: (f64, f64) = (5.0, 15.0);
/// Width of the moving-window integration.
const INTEGRATION_S: f64 = 0.150;
/// No two beats closer than this (the ventricles' refractory period).
const REFRACTORY_S: f64 = 0.200;
/// A candidate this close to the last beat must show half its slope to be a QRS, not a T wave.
const T_WAVE_S: f64 = 0.360;
/// Half-width of the window around a candidate where the QRS's band-passed peak is looked for.
const QRS_HALF_S: f64 = 0.090;
/// Half-width of the window where the peak is moved to the raw signal's extreme.
const REFINE_S: f64 = 0.025;
/// Initial thresholds come from the first seconds of the signal (the paper's learning phase).
const LEARN_S: f64 = 2.0;
/// Samples are processed in chunks of this duration.
const CHUNK_S: f64 = 60.0;
/// Below this rate the 15 Hz low-pass is beyond Nyquist and a QRS spans a few samples.
pub const MIN_RATE_HZ: f64 = 32.0;
/// RR intervals averaged (the paper's RR AVERAGE1 and 2 use the last 8).
const RR_COUNT: usize = 8;
/// RR average assumed before any beat (60 bpm).
const RR_DEFAULT_S: f64 = 1.0;

#[derive(Debug, thiserror::Error)]
pub enum BeatError {
    #[error("sampling rate {0} Hz: R-peak detection needs at least {MIN_RATE_HZ} Hz")]
    Rate(f64),
    #[error(transparent)]
    Read(#[from] crate::dsp::Error),
}

/// A detected beat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Beat {
    /// Sample index of the R peak.
    pub sample: u64,
    /// Found by search-back: below the first thresholds, taken because a beat was overdue.
    pub searchback: bool,
}

/// The beats found, and whether the whole signal was searched.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    pub beats: Vec<Beat>,
    pub outcome: BuildOutcome,
}

/// Beats in `samples` (one ECG lead at `rate_hz`), on the calling thread.
pub fn detect(samples: &[f64], rate_hz: f64) -> Result<Vec<Beat>, BeatError> {
    let read = |first: u64, out: &mut [f64]| {
        let first = usize::try_from(first).unwrap_or(usize::MAX);
        match samples.get(first..first.saturating_add(out.len())) {
            Some(values) => out.copy_from_slice(values),
            None => out.fill(f64::NAN),
        }
        Ok(())
    };
    let never = AtomicBool::new(false);
    let d = detect_with(
        rate_hz,
        samples.len() as u64,
        read,
        &AtomicU64::new(0),
        &never,
    )?;
    Ok(d.beats)
}

/// Beats in channel `ch` of `rec` (any derivation of it would do as well: `detect_with`).
pub fn detect_channel(
    rec: &Recording,
    ch: usize,
    progress: &AtomicU64,
    cancel: &AtomicBool,
) -> Result<Detection, BeatError> {
    let derivation = Derivation::channel(rec, ch)?;
    let shape = derivation.shape(rec)?;
    let read = |first: u64, out: &mut [f64]| {
        out.copy_from_slice(&derivation.read(rec, first, out.len())?);
        Ok(())
    };
    detect_with(shape.rate_hz, shape.samples, read, progress, cancel)
}

/// Beats in a signal of `total` samples at `rate_hz` that `read(first, out)` supplies chunk by
/// chunk. `progress` holds the samples searched so far; `cancel` stops between chunks (the
/// beats found until then are returned).
pub fn detect_with(
    rate_hz: f64,
    total: u64,
    mut read: impl FnMut(u64, &mut [f64]) -> Result<(), crate::dsp::Error>,
    progress: &AtomicU64,
    cancel: &AtomicBool,
) -> Result<Detection, BeatError> {
    if !(rate_hz.is_finite() && rate_hz >= MIN_RATE_HZ) {
        return Err(BeatError::Rate(rate_hz));
    }
    let g = Geometry::new(rate_hz);
    let mut features = Features::default();
    let mut decider = Decider::new(&g);
    let mut raw = Vec::new();
    let mut last_candidate: Option<u64> = None;
    let mut start = 0u64;
    while start < total {
        if cancel.load(Ordering::Relaxed) {
            return Ok(decider.finish(None));
        }
        let end = start.saturating_add(g.chunk).min(total);
        let first = start.saturating_sub(g.margin);
        let stop = end.saturating_add(g.margin).min(total);
        raw.resize(usize::try_from(stop - first).unwrap_or(0), 0.0);
        read(first, &mut raw)?;
        features.compute(&raw, &g);
        if start == 0 {
            decider.learn(&features, &g);
        }
        // Candidates from the chunk and the refractory span after it: a peak near the border
        // is seen whole from one side or the other, and one seen from both is dropped below.
        let span = (
            start - first,
            end.saturating_add(g.refractory).min(stop) - first,
        );
        for mut c in features.candidates(&raw, span, &g) {
            c.at += first;
            c.r += first;
            if last_candidate.is_some_and(|l| c.at <= l + g.refractory) {
                continue;
            }
            last_candidate = Some(c.at);
            decider.offer(c);
        }
        progress.store(end, Ordering::Relaxed);
        start = end;
    }
    Ok(decider.finish(Some(total)))
}

/// Beats per minute over the beats given: 60 / mean RR interval (beats at sample indices of a
/// channel at `rate_hz`); `None` with fewer than two beats.
pub fn mean_heart_rate_bpm(beats: &[Beat], rate_hz: f64) -> Option<f64> {
    let (first, last) = (beats.first()?, beats.last()?);
    let span = last.sample.checked_sub(first.sample)? as f64 / rate_hz;
    (beats.len() > 1 && span > 0.0).then(|| 60.0 * (beats.len() - 1) as f64 / span)
}

/// Every duration of the detector in samples at one rate.
struct Geometry {
    rate_hz: f64,
    half_integration: usize,
    refractory: u64,
    t_wave: u64,
    qrs_half: usize,
    refine: usize,
    learn: usize,
    chunk: u64,
    /// Samples read beyond each side of a chunk: the filters' decay, two refractory spans for
    /// candidates near the border, and the windows around a candidate.
    margin: u64,
    filter: FilterSpec,
}

impl Geometry {
    fn new(rate_hz: f64) -> Geometry {
        // `as` saturates; the rate is checked to be at least MIN_RATE_HZ.
        let samples = |s: f64| (s * rate_hz).round() as usize;
        let filter = FilterSpec {
            highpass_hz: Some(BAND_HZ.0),
            lowpass_hz: Some(BAND_HZ.1),
            notch_hz: None,
            order: 2,
        };
        let margin = filter.margin_samples(rate_hz)
            + 2 * samples(REFRACTORY_S)
            + samples(QRS_HALF_S + REFINE_S + INTEGRATION_S);
        Geometry {
            rate_hz,
            half_integration: samples(INTEGRATION_S) / 2,
            refractory: samples(REFRACTORY_S) as u64,
            t_wave: samples(T_WAVE_S) as u64,
            qrs_half: samples(QRS_HALF_S),
            refine: samples(REFINE_S),
            learn: samples(LEARN_S),
            chunk: samples(CHUNK_S) as u64,
            margin: margin as u64,
            filter,
        }
    }
}

/// A peak of the integrated signal, with what the decision needs about it.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    /// Sample of the integrated signal's peak.
    at: u64,
    /// Sample of the R peak.
    r: u64,
    /// Heights of the integrated and of the |band-passed| signal.
    peak_i: f64,
    peak_f: f64,
    /// Largest |derivative| of the band-passed signal around the peak (for the T-wave test).
    slope: f64,
}

/// The signals derived from one chunk, buffers kept from chunk to chunk.
#[derive(Debug, Default)]
struct Features {
    band: Vec<f64>,
    slope: Vec<f64>,
    integrated: Vec<f64>,
}

impl Features {
    fn compute(&mut self, raw: &[f64], g: &Geometry) {
        self.band.clear();
        self.band.extend_from_slice(raw);
        g.filter.apply(g.rate_hz, &mut self.band);
        // Pan-Tompkins' five-point derivative, (2 x[n+1] + x[n+2] - x[n-2] - 2 x[n-1]) / 8.
        let x = &self.band;
        self.slope.clear();
        self.slope.resize(x.len(), 0.0);
        for n in 2..x.len().saturating_sub(2) {
            let d = (2.0 * (x[n + 1] - x[n - 1]) + x[n + 2] - x[n - 2]) / 8.0;
            self.slope[n] = d.abs();
        }
        // Centred moving average of the squared derivative, as a running sum.
        let h = g.half_integration;
        let width = (2 * h + 1) as f64;
        // A missing sample (NaN) adds nothing, so it cannot blank the rest of the chunk.
        let sq = |i: usize| {
            self.slope
                .get(i)
                .map_or(0.0, |d| if d.is_finite() { d * d } else { 0.0 })
        };
        self.integrated.clear();
        let mut sum: f64 = (0..=h).map(sq).sum();
        for n in 0..x.len() {
            self.integrated.push(sum / width);
            sum += sq(n + h + 1);
            if n >= h {
                sum -= sq(n - h);
            }
        }
    }

    /// Candidates whose integrated peak lies in `span` (indices into this chunk).
    fn candidates(&self, raw: &[f64], span: (u64, u64), g: &Geometry) -> Vec<Candidate> {
        let y = &self.integrated;
        let r = g.refractory as usize;
        let (lo, hi) = (span.0 as usize, (span.1 as usize).min(y.len()));
        let mut out = Vec::new();
        for i in lo.max(1)..hi.min(y.len().saturating_sub(1)) {
            let peak = y[i] > y[i - 1] && y[i] >= y[i + 1] && y[i] > 0.0;
            if !peak
                || y[i.saturating_sub(r)..i].iter().any(|&v| v >= y[i])
                || y[i + 1..(i + r + 1).min(y.len())].iter().any(|&v| v > y[i])
            {
                continue;
            }
            out.push(self.describe(raw, i, g));
        }
        out
    }

    fn describe(&self, raw: &[f64], i: usize, g: &Geometry) -> Candidate {
        let window = i.saturating_sub(g.qrs_half)..(i + g.qrs_half + 1).min(self.band.len());
        let j = argmax(&self.band[window.clone()], f64::abs) + window.start;
        let slope = self.slope[window].iter().cloned().fold(0.0, f64::max);
        let near = j.saturating_sub(g.refine)..(j + g.refine + 1).min(raw.len());
        let sign = if self.band[j] < 0.0 { -1.0 } else { 1.0 };
        let r = argmax(&raw[near.clone()], |v| sign * v) + near.start;
        Candidate {
            at: i as u64,
            r: r as u64,
            peak_i: self.integrated[i],
            peak_f: self.band[j].abs(),
            slope,
        }
    }
}

/// Index of the largest `key(v)`, the first of equals; 0 for an empty or all-NaN slice.
fn argmax(v: &[f64], key: impl Fn(f64) -> f64) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, &x) in v.iter().enumerate() {
        let k = key(x);
        if k > best.1 {
            best = (i, k);
        }
    }
    best.0
}

/// A running signal and noise level (the paper's SPK and NPK) for one of the two signals.
#[derive(Debug, Clone, Copy)]
struct Levels {
    signal: f64,
    noise: f64,
}

impl Levels {
    /// Signal a third of the largest value, noise half the mean (non-numbers left out).
    fn learn(values: impl Iterator<Item = f64>) -> Levels {
        let (mut max, mut sum, mut n) = (0.0f64, 0.0, 0usize);
        for x in values.filter(|x| x.is_finite()) {
            max = max.max(x);
            sum += x;
            n += 1;
        }
        Levels {
            signal: max / 3.0,
            noise: sum / n.max(1) as f64 / 2.0,
        }
    }

    /// THRESHOLD1 = NPK + 0.25 (SPK - NPK), halved when the rhythm is irregular.
    fn threshold(&self, irregular: bool) -> f64 {
        let t = self.noise + 0.25 * (self.signal - self.noise);
        if irregular {
            t / 2.0
        } else {
            t
        }
    }
}

/// The decision stage: thresholds, RR averages, the last beat and the candidates since.
struct Decider {
    refractory: u64,
    t_wave: u64,
    integrated: Levels,
    band: Levels,
    /// The last 8 RR intervals, and the last 8 that were within 92-116% of their average.
    rr_recent: VecDeque<u64>,
    rr_regular: VecDeque<u64>,
    /// Beats in a row whose RR fell outside the regular limits.
    off_limits: usize,
    irregular: bool,
    /// The last beat: integrated-peak sample and slope.
    last: Option<(u64, f64)>,
    /// Candidates since the last beat that were not beats (search-back looks among them).
    pending: Vec<Candidate>,
    rr_default: f64,
    beats: Vec<Beat>,
}

impl Decider {
    fn new(g: &Geometry) -> Decider {
        let zero = Levels {
            signal: 0.0,
            noise: 0.0,
        };
        Decider {
            refractory: g.refractory,
            t_wave: g.t_wave,
            integrated: zero,
            band: zero,
            rr_recent: VecDeque::with_capacity(RR_COUNT),
            rr_regular: VecDeque::with_capacity(RR_COUNT),
            off_limits: 0,
            irregular: false,
            last: None,
            pending: Vec::new(),
            rr_default: RR_DEFAULT_S * g.rate_hz,
            beats: Vec::new(),
        }
    }

    /// Initial levels from the first seconds (the paper's learning phase 1).
    fn learn(&mut self, f: &Features, g: &Geometry) {
        let n = g.learn.min(f.integrated.len());
        self.integrated = Levels::learn(f.integrated[..n].iter().copied());
        self.band = Levels::learn(f.band[..n].iter().map(|v| v.abs()));
    }

    fn mean(v: &VecDeque<u64>) -> Option<f64> {
        (!v.is_empty()).then(|| v.iter().sum::<u64>() as f64 / v.len() as f64)
    }

    /// RR AVERAGE2 (of regular intervals), falling back to AVERAGE1 and then to 60 bpm.
    fn rr_average(&self) -> f64 {
        Decider::mean(&self.rr_regular)
            .or_else(|| Decider::mean(&self.rr_recent))
            .unwrap_or(self.rr_default)
    }

    fn offer(&mut self, c: Candidate) {
        while let Some((last, _)) = self.last {
            let overdue = c.at.saturating_sub(last) as f64 > 1.66 * self.rr_average();
            if !overdue || !self.search_back() {
                break;
            }
        }
        if self
            .last
            .is_some_and(|(last, _)| c.at < last + self.refractory)
        {
            return;
        }
        let qrs = c.peak_i > self.integrated.threshold(self.irregular)
            && c.peak_f > self.band.threshold(self.irregular);
        if qrs && !self.is_t_wave(&c) {
            self.accept(c, false);
        } else {
            self.integrated.noise = 0.125 * c.peak_i + 0.875 * self.integrated.noise;
            self.band.noise = 0.125 * c.peak_f + 0.875 * self.band.noise;
            self.pending.push(c);
        }
    }

    fn is_t_wave(&self, c: &Candidate) -> bool {
        self.last
            .is_some_and(|(last, slope)| c.at < last + self.t_wave && c.slope < 0.5 * slope)
    }

    /// Takes the largest pending candidate above half the thresholds as a missed beat. When
    /// there is none, the pending candidates are dropped: they failed at these thresholds, and
    /// keeping them would make a long stretch without beats quadratic in its candidates.
    fn search_back(&mut self) -> bool {
        let (thi, thf) = (
            self.integrated.threshold(self.irregular) / 2.0,
            self.band.threshold(self.irregular) / 2.0,
        );
        let best = self
            .pending
            .iter()
            .filter(|c| c.peak_i > thi && c.peak_f > thf && !self.is_t_wave(c))
            .filter(|c| self.last.is_none_or(|(l, _)| c.at >= l + self.refractory))
            .max_by(|a, b| a.peak_i.total_cmp(&b.peak_i))
            .copied();
        match best {
            Some(c) => {
                self.accept(c, true);
                true
            }
            None => {
                self.pending.clear();
                false
            }
        }
    }

    fn accept(&mut self, c: Candidate, searchback: bool) {
        let w = if searchback { 0.25 } else { 0.125 };
        self.integrated.signal = w * c.peak_i + (1.0 - w) * self.integrated.signal;
        self.band.signal = w * c.peak_f + (1.0 - w) * self.band.signal;
        if let Some((last, _)) = self.last {
            self.record_rr(c.at - last);
        }
        self.last = Some((c.at, c.slope));
        self.pending.retain(|p| p.at > c.at);
        self.beats.push(Beat {
            sample: c.r,
            searchback,
        });
    }

    /// Keeps the RR averages and the regularity flag: an interval outside 92-116% of RR
    /// AVERAGE2 makes the rhythm irregular (thresholds halved). After 8 such in a row the
    /// rhythm has changed, and the regular average restarts from the recent one.
    fn record_rr(&mut self, rr: u64) {
        let avg = self.rr_average();
        let regular = (0.92 * avg..=1.16 * avg).contains(&(rr as f64));
        push_capped(&mut self.rr_recent, rr);
        self.irregular = !regular;
        if regular {
            push_capped(&mut self.rr_regular, rr);
            self.off_limits = 0;
        } else {
            self.off_limits += 1;
            if self.off_limits >= RR_COUNT || self.rr_regular.is_empty() {
                self.rr_regular.clone_from(&self.rr_recent);
                self.off_limits = 0;
            }
        }
    }

    /// A last search-back when the signal ends long after the last beat (`end` samples), then
    /// the beats in time order (search-back can add one before the candidates that follow).
    fn finish(mut self, end: Option<u64>) -> Detection {
        if let Some(end) = end {
            while let Some((last, _)) = self.last {
                let overdue = end.saturating_sub(last) as f64 > 1.66 * self.rr_average();
                if !overdue || !self.search_back() {
                    break;
                }
            }
        }
        self.beats.sort_by_key(|b| b.sample);
        self.beats.dedup_by_key(|b| b.sample);
        Detection {
            beats: self.beats,
            outcome: match end {
                Some(_) => BuildOutcome::Complete,
                None => BuildOutcome::Cancelled,
            },
        }
    }
}

fn push_capped(v: &mut VecDeque<u64>, x: u64) {
    if v.len() == RR_COUNT {
        v.pop_front();
    }
    v.push_back(x);
}
