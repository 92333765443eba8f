//! The calibrated display's part of the update step: the window follows a fixed paper speed
//! (before the lanes' columns), then each calibrated lane's half-height comes from its
//! sensitivity and the lane's height in mm, and lanes without a paper sensitivity get their
//! visible value range for the gutter (after the columns).

use crate::dsp::paper::{volts_per_unit, Sensitivity};
use crate::tui::app::{App, Lane};
use crate::tui::scale::{half_height, LaneScale};

/// What the gutters show besides the lanes' own state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaperView {
    /// Per shown lane (as `LanesView::shown`): its visible (min, max) when the lane is read by
    /// its value range (no paper sensitivity for its kind and unit).
    pub ranges: Vec<Option<(f64, f64)>>,
}

/// A fixed speed sets the window from the waveform's width; a window changed by anything else
/// (zoom, epoch mode) since the speed last set it frees the speed.
pub fn follow_speed(app: &mut App) {
    let Some(speed) = app.scale.speed else { return };
    if app
        .scale
        .applied_span
        .is_some_and(|a| (a - app.view.span_s).abs() > 1e-9 * a.max(1.0))
    {
        app.scale.speed = None;
        app.scale.applied_span = None;
        return;
    }
    let cols = app.prepared.layout.wave.width;
    if cols == 0 {
        return;
    }
    let span = app.scale.span_for(speed, cols);
    if (span - app.view.span_s).abs() > 1e-9 * span.max(1.0) {
        app.view.set_span(span);
    }
    app.scale.applied_span = Some(app.view.span_s);
}

/// Calibrated lanes' half-heights for the lanes' current height, and the value ranges.
pub fn refresh(app: &mut App) {
    let rows = app.prepared.lanes.lane_h.max(1);
    let screen = app.scale.screen;
    for l in &mut app.lanes {
        if let Some(h) = l
            .paper
            .sensitivity()
            .and_then(|s| half_height(s, &l.unit, rows, &screen))
        {
            l.scale = h.clamp(1e-12, 1e12);
        }
    }
    let view = &app.prepared.lanes;
    let ranges = view
        .shown
        .iter()
        .zip(&view.cols)
        .map(|(&i, cols)| {
            app.lanes
                .get(i)
                .filter(|l| by_range(l))
                .and_then(|_| range(cols))
        })
        .collect();
    app.prepared.paper.ranges = ranges;
}

/// A lane read by its value range: its kind has no paper sensitivity, or its unit is not a
/// voltage (SpO2 in %, heart rate in bpm, temperature, position, events).
pub fn by_range(l: &Lane) -> bool {
    matches!(l.paper, LaneScale::Auto)
        && (Sensitivity::default_for(l.kind).is_none() || volts_per_unit(&l.unit).is_none())
}

/// The (min, max) of the finite values of `cols`.
pub fn range(cols: &[(f32, f32)]) -> Option<(f64, f64)> {
    let finite = |v: &f32| v.is_finite();
    let lo = cols
        .iter()
        .map(|c| c.0)
        .filter(finite)
        .fold(f32::INFINITY, f32::min);
    let hi = cols
        .iter()
        .map(|c| c.1)
        .filter(finite)
        .fold(f32::NEG_INFINITY, f32::max);
    (lo.is_finite() && hi.is_finite()).then(|| (f64::from(lo.min(hi)), f64::from(lo.max(hi))))
}
