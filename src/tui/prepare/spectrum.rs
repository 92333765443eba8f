//! The spectrum panel's data: Welch PSD of the selected lane over the visible window (or
//! `SPECTRUM_MAX_S` around the cursor when zoomed out), recomputed only when the lane, the
//! samples or the segment length change.

use crate::dsp::spectrum::{Psd, Welch, WelchSpec};
use crate::tui::app::App;
use crate::tui::freq::SPECTRUM_MAX_S;

/// What the spectrum panel draws.
#[derive(Debug, Clone, PartialEq)]
pub struct SpectrumView {
    /// Index into `app.lanes`.
    pub lane: usize,
    pub psd: Psd,
    /// The window is longer than `SPECTRUM_MAX_S`: the span around the cursor was analysed.
    pub capped: bool,
}

/// (montage, lane, first sample, count, segment): the cache key.
type Key = (usize, usize, u64, u64, usize);

/// The Welch plan and the last PSD with its key.
#[derive(Default)]
pub struct SpectrumCache {
    welch: Option<Welch>,
    key: Option<Key>,
    pub view: Option<SpectrumView>,
}

/// The samples the spectrum panel analyses for lane `i`: the visible window, or
/// `SPECTRUM_MAX_S` around the cursor when the window is longer. (first sample, count).
fn spectrum_span(app: &App, i: usize) -> (u64, usize) {
    let lane = &app.lanes[i];
    let v = &app.view;
    let (t0, t1) = if v.span_s > SPECTRUM_MAX_S {
        let t0 = (v.cursor_s - SPECTRUM_MAX_S / 2.0)
            .clamp(0.0, (v.duration_s - SPECTRUM_MAX_S).max(0.0));
        (t0, t0 + SPECTRUM_MAX_S)
    } else {
        (v.start_s, v.end_s())
    };
    let a = app.rec.sample_at_or_after(lane.anchor, t0);
    let b = app
        .rec
        .sample_at_or_after(lane.anchor, t1)
        .min(lane.samples);
    (a, b.saturating_sub(a) as usize)
}

/// Brings the cached PSD up to date with the view (no work when nothing it depends on moved).
pub fn refresh(app: &mut App) {
    let Some(i) = app.selected_lane() else {
        app.prepared.spectrum.view = None;
        app.prepared.spectrum.key = None;
        return;
    };
    let (first, count) = spectrum_span(app, i);
    let rate = app.lanes[i].rate_hz;
    let segment = ((app.freq.segment_s * rate).round() as usize).clamp(8, 1 << 20);
    let key = (app.montage, i, first, count as u64, segment);
    let capped = app.view.span_s > SPECTRUM_MAX_S;
    let cache = &mut app.prepared.spectrum;
    if cache.key == Some(key) {
        if let Some(v) = cache.view.as_mut() {
            v.capped = capped;
        }
        return;
    }
    cache.key = Some(key);
    cache.view = None;
    let Ok(values) = app.lanes[i].derivation.read(&app.rec, first, count) else {
        return;
    };
    let welch = match &mut cache.welch {
        Some(w) if w.spec().segment == segment => w,
        slot => match Welch::new(WelchSpec::new(segment)) {
            Ok(w) => slot.insert(w),
            Err(_) => return,
        },
    };
    cache.view = welch.psd(&values, rate).ok().map(|psd| SpectrumView {
        lane: i,
        psd,
        capped,
    });
}

/// The PSD of the selected lane over the panel's span: (lane, PSD, capped).
pub fn compute(app: &mut App) -> Option<(usize, Psd, bool)> {
    refresh(app);
    let v = app.prepared.spectrum.view.as_ref()?;
    Some((v.lane, v.psd.clone(), v.capped))
}
