//! The caliper's figures for the frame (the second point follows the cursor while the caliper
//! is open) and the reading behind them: a lane's recorded value at a time (the sample nearest
//! it, derivation terms summed: what the cursor readout shows) and snapping a time to the
//! nearest detected R peak or to the selected lane's local extremum.
//!
//! R peaks come from the heart-rate view's detection when it has run; otherwise the same
//! detector (`dsp::beats`) runs over the `BEAT_MARGIN_S` block holding the time to snap and one
//! block on each side (15 s of signal whatever the zoom: detecting over a zoomed-out window,
//! hours of it, made a frame cost 60 ms at 6 h), cached per block.

use std::sync::atomic::{AtomicBool, AtomicU64};

use crate::dsp::{beats, Derivation};
use crate::tui::app::App;
use crate::tui::caliper::{self, Measurement, Point, SnapMode, Stage};

/// The detection block around a snapped time, and the least signal detected on either side of
/// it, so a beat near it is seen whole and the detector's thresholds have settled (its
/// learning phase is 2 s).
pub const BEAT_MARGIN_S: f64 = 5.0;

/// (cursor, window start, span, lane, montage, snap) the open caliper's second point was taken
/// for.
type Key = (u64, u64, u64, usize, usize, SnapMode);

/// R peaks detected over a stretch of one channel: (channel, first, end sample) and the times.
#[derive(Debug, Clone, Default)]
struct LocalBeats {
    key: Option<(usize, u64, u64)>,
    times: Vec<f64>,
}

/// What the caliper widget draws.
#[derive(Debug, Clone, Default)]
pub struct CaliperView {
    key: Option<Key>,
    beats: LocalBeats,
    pub first: Option<Point>,
    pub second: Option<Point>,
    pub measurement: Option<Measurement>,
    /// Both points are fixed (else the second follows the cursor).
    pub fixed: bool,
    /// March-out tick times inside the window.
    pub ticks: Vec<f64>,
}

/// Brings the figures up to date with the caliper, the cursor and the window.
pub fn refresh(app: &mut App) {
    if app
        .caliper
        .lane()
        .is_some_and(|lane| lane >= app.lanes.len())
    {
        // The lanes changed under the caliper (another montage): its lane is gone.
        app.caliper.clear();
    }
    let (first, second, lane, fixed) = match app.caliper.stage.clone() {
        Stage::Off => {
            let beats = std::mem::take(&mut app.prepared.caliper.beats);
            app.prepared.caliper = CaliperView {
                beats,
                ..CaliperView::default()
            };
            return;
        }
        Stage::Open { first, lane } => (first, open_second(app, lane), lane, false),
        Stage::Fixed {
            first,
            second,
            lane,
        } => (first, second, lane, true),
    };
    let unit = app.lanes.get(lane).map_or("", |l| l.unit.as_str());
    let m = Measurement::between(first, second, unit);
    let v = &app.view;
    let ticks = if app.caliper.march {
        caliper::march_ticks(first.t, m.dt_s, v.start_s, v.end_s())
    } else {
        Vec::new()
    };
    let view = &mut app.prepared.caliper;
    view.first = Some(first);
    view.second = Some(second);
    view.measurement = Some(m);
    view.fixed = fixed;
    view.ticks = ticks;
}

/// The open caliper's second point: at the (snapped) cursor, re-read only when it moved.
fn open_second(app: &mut App, lane: usize) -> Point {
    let v = &app.view;
    let key = (
        v.cursor_s.to_bits(),
        v.start_s.to_bits(),
        v.span_s.to_bits(),
        lane,
        app.montage,
        app.caliper.snap,
    );
    if let (Some(k), Some(p)) = (&app.prepared.caliper.key, app.prepared.caliper.second) {
        if *k == key && !app.prepared.caliper.fixed {
            return p;
        }
    }
    let p = take_point(app, lane, app.view.cursor_s);
    app.prepared.caliper.key = Some(key);
    p
}

/// A caliper point on `lane` at `t` moved by the snap mode, with the lane's value there.
pub fn take_point(app: &mut App, lane: usize, t: f64) -> Point {
    let t = snap(app, Some(lane), t);
    Point {
        t,
        value: value_at(app, lane, t),
    }
}

/// `t` moved by the caliper's snap mode: to the nearest R peak (within `R_PEAK_MAX_S`), or to
/// `lane`'s local extremum; unchanged when snap is off or there is nothing to snap to.
pub fn snap(app: &mut App, lane: Option<usize>, t: f64) -> f64 {
    match app.caliper.snap {
        SnapMode::Off => t,
        SnapMode::RPeak => r_peak_near(app, t).unwrap_or(t),
        SnapMode::Extremum => lane.and_then(|i| extremum_near(app, i, t)).unwrap_or(t),
    }
}

/// Lane `i`'s recorded value at the sample nearest `t` (none in a gap or past the end).
pub fn value_at(app: &App, i: usize, t: f64) -> Option<f64> {
    let lane = app.lanes.get(i)?;
    let k = super::readout::nearest_sample(app, lane.anchor, lane.samples, t)?;
    lane.derivation.read(&app.rec, k, 1).ok()?.first().copied()
}

/// The time of lane `i`'s sample farthest from the local median within `EXTREMUM_HALF_S`.
pub fn extremum_near(app: &App, i: usize, t: f64) -> Option<f64> {
    let lane = app.lanes.get(i)?;
    let (rec, ch) = (&app.rec, lane.anchor);
    let a = rec.sample_at_or_after(ch, t - caliper::EXTREMUM_HALF_S);
    let z = rec
        .sample_at_or_after(ch, t + caliper::EXTREMUM_HALF_S)
        .min(lane.samples);
    let n = usize::try_from(z.checked_sub(a)?).ok()?;
    let values = lane.derivation.read(rec, a, n).ok()?;
    let k = caliper::extremum_index(&values)?;
    Some(rec.sample_time(ch, a + k as u64))
}

/// The detected R peak nearest `t`, from the heart-rate view's beats, else from detecting
/// around `t`.
pub fn r_peak_near(app: &mut App, t: f64) -> Option<f64> {
    let from_view = super::heart::with_beats(app, |b| {
        let ch = app.freq.beats.as_ref().map_or(0, |j| j.channel);
        let k = app.rec.sample_at_or_after(ch, t);
        let i = b.partition_point(|&s| s < k);
        let near: Vec<f64> = [i.checked_sub(1), Some(i)]
            .into_iter()
            .flatten()
            .filter_map(|j| b.get(j))
            .map(|&s| app.rec.sample_time(ch, s))
            .collect();
        caliper::nearest(&near, t, caliper::R_PEAK_MAX_S)
    });
    match from_view {
        Some(found) => found,
        None => {
            local_beats(app, t);
            let times = &app.prepared.caliper.beats.times;
            caliper::nearest(times, t, caliper::R_PEAK_MAX_S)
        }
    }
}

/// Detects R peaks around `t` (its block and one on each side, so `t` has at least
/// `BEAT_MARGIN_S` of signal either way), unless already done for that block.
fn local_beats(app: &mut App, t: f64) {
    let Some(ch) = crate::tui::freq::ecg_channel(app) else {
        app.prepared.caliper.beats = LocalBeats::default();
        return;
    };
    let (rec, c) = (&app.rec, &app.rec.channels[ch]);
    let block = (t / BEAT_MARGIN_S).floor() * BEAT_MARGIN_S;
    let a = rec.sample_at_or_after(ch, block - BEAT_MARGIN_S);
    let z = rec
        .sample_at_or_after(ch, block + 2.0 * BEAT_MARGIN_S)
        .min(c.samples);
    let key = Some((ch, a, z));
    if app.prepared.caliper.beats.key == key {
        return;
    }
    let times = detect_between(app, ch, a, z).unwrap_or_default();
    app.prepared.caliper.beats = LocalBeats { key, times };
}

/// R-peak times in samples [a, z) of channel `ch`.
fn detect_between(app: &App, ch: usize, a: u64, z: u64) -> Option<Vec<f64>> {
    let rec = &app.rec;
    let d = Derivation::channel(rec, ch).ok()?;
    let rate = rec.channels.get(ch)?.rate_hz;
    let read = |first: u64, out: &mut [f64]| {
        let got = d.read(rec, a + first, out.len())?;
        out.fill(f64::NAN);
        let n = got.len().min(out.len());
        out[..n].copy_from_slice(&got[..n]);
        Ok(())
    };
    let (progress, cancel) = (AtomicU64::new(0), AtomicBool::new(false));
    let found = beats::detect_with(rate, z.saturating_sub(a), read, &progress, &cancel).ok()?;
    Some(
        found
            .beats
            .iter()
            .map(|b| rec.sample_time(ch, a + b.sample))
            .collect(),
    )
}

/// The cursor's time moved by the snap mode, on the selected lane: where a mark made now goes.
pub fn snapped_cursor(app: &mut App) -> f64 {
    let lane = app.selected_lane();
    snap(app, lane, app.view.cursor_s)
}
