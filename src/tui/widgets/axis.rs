//! The time axis under the event lanes: offsets from the start on the first row and, when
//! the start is known, clock time on the second, at a tick step that leaves room to read.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{column_of, split_gutter, GUTTER};
use crate::tui::app::App;
use crate::tui::view::{format_clock, format_offset};

/// Tick steps for the time axis, seconds.
const TICKS: [f64; 22] = [
    0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
    3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0, 172800.0,
];

/// Draws the axis into `r` (two rows: offsets, then clock time; gutter and waveform columns).
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if r.height == 0 {
        return;
    }
    let (gutter, wave) = split_gutter(app, r);
    let (y, clock_row) = (r.y, r.height >= 2);
    let dim = app.theme.dim();
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, y, "time", title_w, dim);
    if app.rec.start.is_some() && clock_row {
        buf.set_stringn(r.x, y + 1, "clock", title_w, dim);
    }
    let v = &app.view;
    let min_step = v.span_s * 12.0 / f64::from(wave.width.max(1));
    let step = TICKS
        .iter()
        .copied()
        .find(|&s| s >= min_step)
        .unwrap_or(v.span_s);
    let places = usize::from(step < 1.0);
    let mut t = (v.start_s / step).ceil() * step;
    let mut guard = 0;
    while t <= v.end_s() && guard < 1000 {
        guard += 1;
        if let Some(x) = column_of(app, wave, t) {
            let room = usize::from(wave.x + wave.width - x);
            buf.set_stringn(x, y, format!("|{}", format_offset(t, places)), room, dim);
            if let (Some(start), true) = (&app.rec.start, clock_row) {
                let clock = format_clock(start, t, places);
                buf.set_stringn(x, y + 1, format!("|{clock}"), room, dim);
            }
        }
        t += step;
    }
}
