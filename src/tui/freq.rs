//! Frequency views in the viewer: their state and background jobs. The spectrum panel (Welch
//! PSD of the selected channel over the visible window) is computed in `prepare::spectrum`;
//! the spectrogram (a background job over the whole recording) and the R peaks (detected in
//! the background) are started here; `widgets::{spectrum, spectrogram, heart_rate}` draw them.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use super::app::App;
pub use super::prepare::heart::mean_hr_in_view;
use crate::dsp::spectrum::{Psd, SharedSpectrogram, Spectrogram, StftSpec};
use crate::dsp::ChannelKind;

/// Longest stretch the spectrum panel analyses: a zoomed-out view is analysed around the
/// cursor (the panel's title says so), so the panel stays within a frame's budget.
pub const SPECTRUM_MAX_S: f64 = 120.0;

/// A background job: its result slot, progress and cancel flag; dropped = cancelled.
pub struct Job<T> {
    pub result: Arc<Mutex<Option<Result<T, String>>>>,
    pub progress: Arc<AtomicU64>,
    pub total: u64,
    cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl<T: Send + 'static> Job<T> {
    fn spawn(
        name: &str,
        total: u64,
        work: impl FnOnce(&AtomicU64, &AtomicBool) -> Result<T, String> + Send + 'static,
    ) -> Job<T> {
        let result = Arc::new(Mutex::new(None));
        let progress = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let (r, p, c) = (result.clone(), progress.clone(), cancel.clone());
        let handle = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&p, &c)))
                    .unwrap_or_else(|_| Err("internal error".into()));
                if let Ok(mut slot) = r.lock() {
                    *slot = Some(out);
                }
            })
            .ok();
        Job {
            result,
            progress,
            total,
            cancel,
            handle,
        }
    }

    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.progress.load(Ordering::Relaxed) as f64 / self.total as f64).min(1.0)
        }
    }

    pub fn is_done(&self) -> bool {
        self.result.lock().map_or(true, |r| r.is_some())
    }

    pub fn wait(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// The spectrogram of one lane over the whole recording.
pub struct SpectrogramJob {
    /// The lane's label and window it was computed for (the cache key).
    pub key: (String, usize),
    pub lane: usize,
    pub shared: SharedSpectrogram,
    pub job: Job<()>,
}

/// Detected R peaks of one channel (sample indices).
pub struct BeatJob {
    pub channel: usize,
    pub rate_hz: f64,
    pub job: Job<Vec<u64>>,
}

#[derive(Default)]
pub struct FreqState {
    pub spectrum_on: bool,
    /// Welch segment length in seconds.
    pub segment_s: f64,
    pub cursor_hz: f64,
    pub spectrogram: Option<SpectrogramJob>,
    pub heart_rate_on: bool,
    pub beats: Option<BeatJob>,
}

impl FreqState {
    pub fn new() -> FreqState {
        FreqState {
            segment_s: 2.0,
            cursor_hz: 10.0,
            ..FreqState::default()
        }
    }
}

/// Starts (or keeps) the spectrogram of the selected lane over the whole recording: 2-second
/// windows, half overlap, up to 100 Hz (or Nyquist). A job for another lane is dropped.
pub fn ensure_spectrogram(app: &mut App) {
    let Some(i) = app.selected_lane() else { return };
    let lane = &app.lanes[i];
    let window = ((2.0 * lane.rate_hz).round() as usize).max(8);
    let key = (lane.label.clone(), window);
    if app.freq.spectrogram.as_ref().is_some_and(|s| s.key == key) {
        return;
    }
    app.freq.spectrogram = None; // cancels the stale job
    let spec = StftSpec {
        window,
        overlap: 0.5,
        max_hz: Some(100.0),
    };
    let Ok(sg) = Spectrogram::new(spec, lane.rate_hz, 0, lane.samples) else {
        app.message = Some("this channel is too short or too slow for a spectrogram".into());
        return;
    };
    let total = sg.total_columns() as u64;
    let shared = SharedSpectrogram::new(sg);
    let (s2, rec, d) = (shared.clone(), app.rec.clone(), lane.derivation.clone());
    let job = Job::spawn("spectrogram", total, move |p, c| {
        s2.compute_derivation(&rec, &d, p, c)
            .map(|_| ())
            .map_err(|e| crate::text::sanitize(&e.to_string()))
    });
    app.freq.spectrogram = Some(SpectrogramJob {
        key,
        lane: i,
        shared,
        job,
    });
}

/// Starts R-peak detection on the selected lane's channel (or the first ECG channel).
pub fn ensure_beats(app: &mut App) {
    let ch = app
        .selected_lane()
        .filter(|&i| app.lanes[i].kind == ChannelKind::Ecg)
        .map(|i| app.lanes[i].anchor)
        .or_else(|| {
            app.rec
                .channels
                .iter()
                .position(|c| ChannelKind::of(c) == ChannelKind::Ecg)
        });
    let Some(ch) = ch else {
        app.message = Some("no ECG channel to detect beats in".into());
        return;
    };
    if app.freq.beats.as_ref().is_some_and(|b| b.channel == ch) {
        return;
    }
    let c = &app.rec.channels[ch];
    let (rate, total) = (c.rate_hz, c.samples);
    let rec = app.rec.clone();
    let job = Job::spawn("beats", total, move |p, cancel| {
        crate::dsp::beats::detect_channel(&rec, ch, p, cancel)
            .map(|d| d.beats.iter().map(|b| b.sample).collect())
            .map_err(|e| crate::text::sanitize(&e.to_string()))
    });
    app.freq.beats = Some(BeatJob {
        channel: ch,
        rate_hz: rate,
        job,
    });
}

/// Beat sample indices once detection is done.
pub fn beats(app: &App) -> Option<Vec<u64>> {
    let b = app.freq.beats.as_ref()?;
    let slot = b.job.result.lock().ok()?;
    match slot.as_ref()? {
        Ok(v) => Some(v.clone()),
        Err(_) => None,
    }
}

/// The PSD of the selected lane over the panel's span, cached until the view or the segment
/// changes: (lane, PSD, whether the window was capped to `SPECTRUM_MAX_S` around the cursor).
pub fn spectrum(app: &mut App) -> Option<(usize, Psd, bool)> {
    super::prepare::spectrum::compute(app)
}
