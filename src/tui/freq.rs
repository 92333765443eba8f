//! Frequency views in the viewer: their state and background jobs. The spectrum panel (Welch
//! PSD of the selected channel over the visible window) is computed in `prepare::spectrum`;
//! the spectrogram (a background job over the whole recording) and the R peaks (detected in
//! the background) are started here; `widgets::{spectrum, spectrogram, heart_rate}` draw them.

use super::app::App;
use super::background::Output;
pub use super::prepare::heart::mean_hr_in_view;
use crate::dsp::spectrum::{Psd, SharedSpectrogram, Spectrogram, StftSpec};
use crate::dsp::ChannelKind;
use crate::jobs::{Key, Ticket};

/// Longest stretch the spectrum panel analyses: a zoomed-out view is analysed around the
/// cursor (the panel's title says so), so the panel stays within a frame's budget.
pub const SPECTRUM_MAX_S: f64 = 120.0;

/// The spectrogram of one lane over the whole recording, drawn while it fills.
pub struct SpectrogramJob {
    /// The lane's label and window it was computed for.
    pub key: Key,
    pub lane: usize,
    pub shared: SharedSpectrogram,
    /// The job filling `shared`; dropped = cancelled.
    pub job: Ticket,
    /// Why it failed, once its result arrived.
    pub failed: Option<String>,
}

/// Detected R peaks of one channel (sample indices).
pub struct BeatJob {
    pub channel: usize,
    pub rate_hz: f64,
    pub job: Ticket,
    /// The beats (or why detection failed), once the job's result arrived.
    pub result: Option<Result<Vec<u64>, String>>,
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
    /// The spectrogram's upper frequency limit chosen with `alt-f` (None: the lane kind's
    /// default; infinity: the highest computed).
    pub sg_top_hz: Option<f64>,
    /// The spectrogram's colour range chosen with `alt-g`.
    pub sg_db: DbRange,
}

/// Upper frequency limits `alt-f` steps through, Hz; after them the highest computed (the
/// Nyquist frequency, up to `SPECTROGRAM_MAX_HZ`).
pub const SG_TOPS: [f64; 5] = [15.0, 30.0, 40.0, 50.0, 100.0];

/// The highest frequency the spectrogram job computes (the Nyquist frequency below it).
pub const SPECTROGRAM_MAX_HZ: f64 = 250.0;

/// Which levels map to the ends of the spectrogram's colour scale.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum DbRange {
    /// The 5th to the 99th percentile of the levels on screen.
    #[default]
    Auto,
    /// From this many dB below the highest level on screen up to it.
    Below(f64),
}

/// The colour ranges `alt-g` steps through.
pub const DB_RANGES: [DbRange; 4] = [
    DbRange::Auto,
    DbRange::Below(40.0),
    DbRange::Below(60.0),
    DbRange::Below(80.0),
];

impl DbRange {
    pub fn label(self) -> String {
        match self {
            DbRange::Auto => "auto (5th-99th percentile)".into(),
            DbRange::Below(db) => format!("{db:.0} dB below the maximum"),
        }
    }
}

/// The spectrogram's default upper limit for a lane kind: 30 Hz for EEG, 40 Hz for ECG,
/// everything computed otherwise.
pub fn default_top_hz(kind: ChannelKind) -> f64 {
    match kind {
        ChannelKind::Eeg => 30.0,
        ChannelKind::Ecg => 40.0,
        _ => f64::INFINITY,
    }
}

/// The limit after `current` in `SG_TOPS` below `computed` (the highest computed frequency),
/// then `computed` itself (as infinity), then back to the first.
pub fn next_top_hz(current: f64, computed: f64) -> f64 {
    let below = |t: f64| t < computed - 1e-9;
    match SG_TOPS
        .iter()
        .copied()
        .find(|&t| t > current + 1e-9 && below(t))
    {
        Some(t) => t,
        None if below(current) => f64::INFINITY,
        None => SG_TOPS[0],
    }
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
/// windows, half overlap, up to `SPECTROGRAM_MAX_HZ` (or Nyquist). A job for another lane is dropped.
pub fn ensure_spectrogram(app: &mut App) {
    let Some(i) = app.selected_lane() else { return };
    let lane = &app.lanes[i];
    let window = ((2.0 * lane.rate_hz).round() as usize).max(8);
    let key = Key::Spectrogram {
        lane: lane.label.clone(),
        window,
    };
    if app.freq.spectrogram.as_ref().is_some_and(|s| s.key == key) {
        return;
    }
    app.freq.spectrogram = None; // cancels the stale job; its result will be dropped
    let spec = StftSpec {
        window,
        overlap: 0.5,
        max_hz: Some(SPECTROGRAM_MAX_HZ),
    };
    let Ok(sg) = Spectrogram::new(spec, lane.rate_hz, 0, lane.samples) else {
        app.message = Some("this channel is too short or too slow for a spectrogram".into());
        return;
    };
    let total = sg.total_columns() as u64;
    let shared = SharedSpectrogram::new(sg);
    let (s2, rec, d) = (shared.clone(), app.rec.clone(), lane.derivation.clone());
    let job = app.jobs.runner.request(key.clone(), total, move |ctx| {
        s2.compute_derivation(&rec, &d, ctx.progress(), ctx.cancel_flag())
            .map(|_| Output::Built)
            .map_err(|e| crate::text::sanitize(&e.to_string()))
    });
    app.freq.spectrogram = Some(SpectrogramJob {
        key,
        lane: i,
        shared,
        job,
        failed: None,
    });
}

/// The channel R peaks are looked for in (the heart-rate view and caliper snapping): the
/// selected lane's if it is an ECG, else the first ECG channel.
pub fn ecg_channel(app: &App) -> Option<usize> {
    app.selected_lane()
        .filter(|&i| app.lanes[i].kind == ChannelKind::Ecg)
        .map(|i| app.lanes[i].anchor)
        .or_else(|| {
            app.rec
                .channels
                .iter()
                .position(|c| ChannelKind::of(c) == ChannelKind::Ecg)
        })
}

/// Starts R-peak detection on the selected lane's channel (or the first ECG channel).
pub fn ensure_beats(app: &mut App) {
    let Some(ch) = ecg_channel(app) else {
        app.message = Some("no ECG channel to detect beats in".into());
        return;
    };
    if app.freq.beats.as_ref().is_some_and(|b| b.channel == ch) {
        return;
    }
    let c = &app.rec.channels[ch];
    let (rate, total) = (c.rate_hz, c.samples);
    let rec = app.rec.clone();
    let key = Key::Beats { channel: ch };
    let job = app.jobs.runner.request(key, total, move |ctx| {
        crate::dsp::beats::detect_channel(&rec, ch, ctx.progress(), ctx.cancel_flag())
            .map(|d| Output::Beats(d.beats.iter().map(|b| b.sample).collect()))
            .map_err(|e| crate::text::sanitize(&e.to_string()))
    });
    app.freq.beats = Some(BeatJob {
        channel: ch,
        rate_hz: rate,
        job,
        result: None,
    });
}

/// Beat sample indices once detection is done.
pub fn beats(app: &App) -> Option<Vec<u64>> {
    match app.freq.beats.as_ref()?.result.as_ref()? {
        Ok(v) => Some(v.clone()),
        Err(_) => None,
    }
}

/// The PSD of the selected lane over the panel's span, cached until the view or the segment
/// changes: (lane, PSD, whether the window was capped to `SPECTRUM_MAX_S` around the cursor).
pub fn spectrum(app: &mut App) -> Option<(usize, Psd, bool)> {
    super::prepare::spectrum::compute(app)
}
