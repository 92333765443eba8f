//! The caliper: two vertical markers over the lanes at its points, a bracket between them and
//! the figures on the top rows of the waveform area (the figures stay when the points are
//! scrolled off), and march-out ticks on the time axis row. Draws only what `prepare` made.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::column_of;
use crate::tui::app::App;

/// Marker of a caliper point, and of a march-out tick on the axis.
const MARKER: &str = "┊";
const TICK: &str = "▲";

/// Draws the caliper over the lane traces `traces` and its ticks on the axis row `axis_y`.
pub fn render(app: &App, traces: Rect, axis_y: Option<u16>, buf: &mut Buffer) {
    let c = &app.prepared.caliper;
    let (Some(first), Some(second), Some(m)) = (c.first, c.second, &c.measurement) else {
        return;
    };
    if traces.width == 0 || traces.height == 0 {
        return;
    }
    let style = app.theme.event();
    let cols: Vec<Option<u16>> = [first.t, second.t]
        .iter()
        .map(|&t| column_of(app, traces, t))
        .collect();
    for x in cols.iter().flatten() {
        for y in traces.y..traces.y + traces.height {
            // Over the trace only the colour changes: the peak measured stays visible.
            if let Some(cell) = buf.cell_mut((*x, y)) {
                if cell.symbol() == " " {
                    cell.set_symbol(MARKER);
                }
                cell.set_style(style);
            }
        }
    }
    if traces.height >= 2 {
        bracket(app, traces, (first.t, second.t), buf);
    }
    let mut caption = format!(" {} ", m.text());
    if !c.fixed {
        caption.push_str("(k fixes) ");
    }
    if app.caliper.snap != crate::tui::caliper::SnapMode::Off {
        caption.push_str(&format!("snap {} ", app.caliper.snap.label()));
    }
    let w = caption.chars().count() as u16;
    let left = cols.iter().flatten().min().copied().unwrap_or(traces.x);
    let x = left
        .min((traces.x + traces.width).saturating_sub(w))
        .max(traces.x);
    let room = usize::from(traces.x + traces.width - x);
    buf.set_stringn(x, traces.y, caption, room, style);
    if let Some(y) = axis_y {
        for &t in &c.ticks {
            if let Some(x) = column_of(app, traces, t) {
                if let Some(cell) = buf.cell_mut((x, y)) {
                    cell.set_symbol(TICK).set_style(style);
                }
            }
        }
    }
}

/// `├────┤` on the second row between the points' columns, clipped to the window (an arrow
/// where a point is off screen).
fn bracket(app: &App, traces: Rect, (t0, t1): (f64, f64), buf: &mut Buffer) {
    let (a, b) = (t0.min(t1), t0.max(t1));
    let v = &app.view;
    if b < v.start_s || a > v.end_s() {
        return;
    }
    let last = traces.x + traces.width - 1;
    let xa = column_of(app, traces, a);
    let xb = column_of(app, traces, b);
    let (from, to) = (xa.unwrap_or(traces.x), xb.unwrap_or(last));
    let y = traces.y + 1;
    let style = app.theme.event();
    for x in from..=to {
        let s = match (x == from, x == to) {
            (true, _) if xa.is_none() => "◀",
            (_, true) if xb.is_none() => "▶",
            (true, _) => "├",
            (_, true) => "┤",
            _ => "─",
        };
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.set_symbol(s).set_style(style);
        }
    }
}
