//! The frequency views: spectrum, spectrogram, heart rate, and accepting detected beats.

use super::param::Arg;
use crate::text::sanitize;
use crate::tui::app::App;
use crate::tui::freq;

pub fn spectrum(app: &mut App, _: Arg) {
    app.freq.spectrum_on = !app.freq.spectrum_on;
}

pub fn spectrogram(app: &mut App, _: Arg) {
    if app.freq.spectrogram.take().is_none() {
        freq::ensure_spectrogram(app);
    }
}

pub fn heart_rate(app: &mut App, _: Arg) {
    app.freq.heart_rate_on = !app.freq.heart_rate_on;
    if app.freq.heart_rate_on {
        freq::ensure_beats(app);
    }
}

/// `freq_cursor N`: N frequency bins up (minus: down), at least 0.1 Hz each.
pub fn freq_cursor(app: &mut App, arg: Arg) {
    let step = (1.0 / app.freq.segment_s).max(0.1);
    let d = step * arg.steps() as f64;
    app.freq.cursor_hz = (app.freq.cursor_hz + d).max(0.0);
}

/// `segment x2`: Welch segments twice as long (at most 16 s); `/2` half (at least 0.25 s).
pub fn segment(app: &mut App, arg: Arg) {
    if let Arg::Factor { times, by } = arg {
        let s = app.freq.segment_s;
        app.freq.segment_s = if times { s * by } else { s / by }.clamp(0.25, 16.0);
    }
}

/// Adds the detected beats inside the view to the reader's events as point events labelled
/// `beat` (at most 2,000 at once: each is journaled), as one undo step.
pub fn accept_beats(app: &mut App, _: Arg) {
    let Some(inside) = beats_in_view(app) else {
        return;
    };
    if inside.len() > 2000 {
        app.message = Some(format!(
            "{} beats in view: zoom in to accept at most 2,000 at once",
            inside.len()
        ));
        return;
    }
    let label = app.freq.beats.as_ref().map_or(String::new(), |b| {
        app.rec
            .channels
            .get(b.channel)
            .map_or(String::new(), |c| sanitize(&c.label))
    });
    let Some(ann) = app.annot.as_mut() else {
        app.message = Some("annotating is off: open with a reader to accept beats".into());
        return;
    };
    // One undo step for the lot; beats already accepted are not added twice.
    let new: Vec<_> = inside
        .into_iter()
        .map(|t| {
            let mut e = ann.new_event(t, 0.0, "beat", label.clone());
            e.note = "detected R peak, accepted".into();
            e
        })
        .filter(|e| ann.store.find_same(e).is_none())
        .collect();
    app.message = Some(match ann.store.import_all(new) {
        Ok(0) => "the beats in view are accepted already".into(),
        Ok(n) => format!("added {n} beats (u undoes them all)"),
        Err(err) => format!(
            "NOT SAVED: {} (the beats added before it are one undo step)",
            sanitize(&err.to_string())
        ),
    });
}

/// The times of the detected beats in view, or None (said) when there are none yet.
fn beats_in_view(app: &mut App) -> Option<Vec<f64>> {
    let Some(beats) = freq::beats(app) else {
        app.message =
            Some("no detected beats yet: R shows the heart-rate lane and detects them".into());
        return None;
    };
    let ch = app.freq.beats.as_ref()?.channel;
    let (a, z) = (
        app.rec.sample_at_or_after(ch, app.view.start_s),
        app.rec.sample_at_or_after(ch, app.view.end_s()),
    );
    Some(
        beats
            .iter()
            .filter(|&&s| s >= a && s < z)
            .map(|&s| app.rec.sample_time(ch, s))
            .collect(),
    )
}

/// `spectrogram_range`: the spectrogram's next upper frequency limit (15, 30, 40, 50, 100 Hz,
/// the highest computed, then 15 again).
pub fn spectrogram_range(app: &mut App, _: Arg) {
    let Some((current, computed)) = crate::tui::prepare::spectrogram::top_hz(app) else {
        app.message = Some("no spectrogram: G shows it".into());
        return;
    };
    let next = freq::next_top_hz(current, computed);
    app.freq.sg_top_hz = Some(next);
    app.message = Some(format!("spectrogram 0-{:.0} Hz", next.min(computed)));
}

/// `spectrogram_db`: the spectrogram's next colour range (auto, then 40, 60, 80 dB below the
/// maximum on screen).
pub fn spectrogram_db(app: &mut App, _: Arg) {
    let k = freq::DB_RANGES
        .iter()
        .position(|&d| d == app.freq.sg_db)
        .map_or(0, |k| (k + 1) % freq::DB_RANGES.len());
    app.freq.sg_db = freq::DB_RANGES[k];
    app.message = Some(format!("spectrogram colours: {}", app.freq.sg_db.label()));
}
