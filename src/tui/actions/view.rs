//! Moving through the recording, the window, filters, montages and the mouse.

use super::param::{Arg, End, FilterKind};
use crate::tui::app::App;

/// Filter cutoffs the cycle keys step through.
const HIGHPASS_STEPS: [Option<f64>; 6] =
    [None, Some(0.1), Some(0.3), Some(0.5), Some(1.0), Some(5.0)];
const LOWPASS_STEPS: [Option<f64>; 6] = [
    None,
    Some(15.0),
    Some(30.0),
    Some(40.0),
    Some(70.0),
    Some(100.0),
];
const NOTCH_STEPS: [Option<f64>; 3] = [None, Some(50.0), Some(60.0)];

pub fn quit(app: &mut App, _: Arg) {
    app.request_quit();
}

/// `cursor N`: N fiftieths of the window.
pub fn cursor(app: &mut App, arg: Arg) {
    let step = app.view.span_s / 50.0;
    app.view.move_cursor(step * arg.steps() as f64);
}

/// `scroll page -1`: the window divided by the part, times the count.
pub fn scroll(app: &mut App, arg: Arg) {
    if let Arg::Window { div, n } = arg {
        let dt = app.view.span_s / div;
        app.view.scroll(dt * n);
    }
}

pub fn go(app: &mut App, arg: Arg) {
    match arg {
        Arg::Go(End::Start) => app.view.go_start(),
        Arg::Go(End::End) => app.view.go_end(),
        _ => {}
    }
}

pub fn zoom_in(app: &mut App, _: Arg) {
    app.view.zoom_in();
}

pub fn zoom_out(app: &mut App, _: Arg) {
    app.view.zoom_out();
}

pub fn zoom_all(app: &mut App, _: Arg) {
    app.view.zoom_all();
}

pub fn next_montage(app: &mut App, _: Arg) {
    if app.montages.len() <= 1 {
        app.message =
            Some("montages apply to EEG recordings; this one is shown as recorded".into());
        return;
    }
    let mut next = app.montage;
    for _ in 0..app.montages.len() {
        next = (next + 1) % app.montages.len();
        match app.select_montage(next) {
            Ok(()) => return,
            Err(e) => app.message = Some(e),
        }
    }
}

pub fn toggle_filters(app: &mut App, _: Arg) {
    app.filters_on = !app.filters_on;
}

/// Steps the selected lane's kind's filter to its next cutoff (and turns filters on).
pub fn cycle_filter(app: &mut App, arg: Arg) {
    let Arg::Filter(which) = arg else { return };
    let Some(i) = app.selected_lane() else {
        return;
    };
    let kind = app.lanes[i].kind;
    app.filters_on = true;
    let mut spec = app.filter_for(kind);
    fn next(steps: &[Option<f64>], now: Option<f64>) -> Option<f64> {
        let at = steps.iter().position(|&s| s == now);
        steps[at.map_or(0, |k| (k + 1) % steps.len())]
    }
    match which {
        FilterKind::Highpass => spec.highpass_hz = next(&HIGHPASS_STEPS, spec.highpass_hz),
        FilterKind::Lowpass => spec.lowpass_hz = next(&LOWPASS_STEPS, spec.lowpass_hz),
        FilterKind::Notch => spec.notch_hz = next(&NOTCH_STEPS, spec.notch_hz),
    }
    app.set_filter(kind, spec);
    app.message = Some(format!("{} filter: {}", kind.name(), spec.describe()));
}

pub fn toggle_mouse(app: &mut App, _: Arg) {
    app.mouse = !app.mouse;
    app.message = Some(
        if app.mouse {
            "mouse on: click moves the cursor, wheel scrolls"
        } else {
            "mouse off"
        }
        .into(),
    );
}
