//! The heart-rate lane's data: instantaneous rate (60 / RR) per dot column over the view and
//! the beat ticks, and the mean rate for the status bar. The beats are read in place (never
//! copied) and only those in the view are visited (binary search).

use crate::tui::app::App;

/// What the heart-rate lane draws.
#[derive(Debug, Clone, PartialEq)]
pub enum HeartView {
    /// Detection is running or failed: the text to show.
    Waiting(String),
    /// One (min, max) rate per dot column, and the columns (cells) with a beat.
    Series {
        cols: Vec<(f32, f32)>,
        ticks: Vec<u16>,
    },
}

/// (view start, span, dot columns, channel) the series was made for, once detection is done.
type Key = (u64, u64, usize, usize);

#[derive(Debug, Default)]
pub struct HeartCache {
    key: Option<Key>,
    pub view: Option<HeartView>,
    /// Mean rate over the view, bpm.
    pub mean_bpm: Option<f64>,
}

/// Runs `f` on the detected beats (sample indices) once detection is done, without copying.
pub fn with_beats<R>(app: &App, f: impl FnOnce(&[u64]) -> R) -> Option<R> {
    let b = app.freq.beats.as_ref()?;
    match b.result.as_ref()? {
        Ok(v) => Some(f(v)),
        Err(_) => None,
    }
}

/// Mean heart rate over the visible window, from the detected beats.
pub fn mean_hr_in_view(app: &App, beats: &[u64]) -> Option<f64> {
    let b = app.freq.beats.as_ref()?;
    let v = &app.view;
    let a = app.rec.sample_at_or_after(b.channel, v.start_s);
    let z = app.rec.sample_at_or_after(b.channel, v.end_s());
    let (i, j) = (
        beats.partition_point(|&s| s < a),
        beats.partition_point(|&s| s < z),
    );
    let inside = beats.get(i..j)?;
    if inside.len() < 2 {
        return None;
    }
    let span = app.rec.sample_time(b.channel, inside[inside.len() - 1])
        - app.rec.sample_time(b.channel, inside[0]);
    (span > 0.0).then(|| 60.0 * (inside.len() - 1) as f64 / span)
}

/// Brings the lane's series (for a plot `width` cells wide) and the mean rate up to date.
pub fn refresh(app: &mut App, width: u16) {
    let Some(channel) = app.freq.beats.as_ref().map(|b| b.channel) else {
        app.prepared.heart = HeartCache::default();
        return;
    };
    let dots = usize::from(width) * 2;
    let v = &app.view;
    let key = (v.start_s.to_bits(), v.span_s.to_bits(), dots, channel);
    if app.prepared.heart.key == Some(key) {
        return;
    }
    let done = with_beats(app, |b| (mean_hr_in_view(app, b), series(app, b, dots)));
    let waiting = done.is_none().then(|| waiting_text(app));
    let heart = &mut app.prepared.heart;
    match done {
        Some((mean, (cols, ticks))) => {
            heart.key = Some(key);
            heart.mean_bpm = mean;
            heart.view = Some(HeartView::Series { cols, ticks });
        }
        None => {
            // Still running (or failed): shown again on the next update.
            heart.key = None;
            heart.mean_bpm = None;
            heart.view = waiting.map(HeartView::Waiting);
        }
    }
}

fn waiting_text(app: &App) -> String {
    let Some(b) = &app.freq.beats else {
        return String::new();
    };
    let failure = b.result.as_ref().and_then(|r| r.as_ref().err().cloned());
    match failure {
        Some(e) => format!("beat detection failed: {e}"),
        None => format!("detecting beats {:.0}%", b.job.fraction() * 100.0),
    }
}

/// The rate per dot column (a step line carried across columns without a beat) and the
/// cells holding a beat.
fn series(app: &App, beats: &[u64], dots: usize) -> (Vec<(f32, f32)>, Vec<u16>) {
    let mut cols = vec![(f32::NAN, f32::NAN); dots];
    let mut ticks = Vec::new();
    let Some(b) = &app.freq.beats else {
        return (cols, ticks);
    };
    if dots == 0 {
        return (cols, ticks);
    }
    let v = &app.view;
    let dt = v.span_s / dots as f64;
    let a = app.rec.sample_at_or_after(b.channel, v.start_s);
    let first = beats.partition_point(|&s| s < a).saturating_sub(1);
    for w in beats[first.min(beats.len())..].windows(2) {
        let (t0, t1) = (
            app.rec.sample_time(b.channel, w[0]),
            app.rec.sample_time(b.channel, w[1]),
        );
        if t0 > v.end_s() {
            break;
        }
        let rr = t1 - t0;
        if rr.is_nan() || rr <= 0.0 || rr > 5.0 {
            continue;
        }
        let hr = (60.0 / rr) as f32;
        if t1 >= v.start_s && t1 <= v.end_s() {
            let c = (((t1 - v.start_s) / dt) as usize).min(dots - 1);
            let slot = &mut cols[c];
            *slot = if slot.0.is_nan() {
                (hr, hr)
            } else {
                (slot.0.min(hr), slot.1.max(hr))
            };
            ticks.push((c / 2) as u16);
        }
    }
    let mut last = None;
    for c in cols.iter_mut() {
        match (c.0.is_nan(), last) {
            (true, Some(l)) => *c = (l, l),
            (false, _) => last = Some(c.1),
            _ => {}
        }
    }
    (cols, ticks)
}
