//! The heart-rate lane: instantaneous rate (60 / RR) per column as a trace on a 30-150 bpm
//! scale, and the beats as ticks on its top row when they are far enough apart to tell.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{split_gutter, wave, GUTTER};
use crate::tui::app::App;
use crate::tui::prepare::heart::HeartView;

/// Draws the lane into the band `r` (gutter and waveform columns).
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if app.freq.beats.is_none() || r.height == 0 {
        return;
    }
    let (gutter, plot) = split_gutter(app, r);
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, r.y, "HR bpm", title_w, app.theme.label(false));
    match &app.prepared.heart.view {
        Some(HeartView::Waiting(text)) => {
            buf.set_stringn(plot.x, r.y, text, usize::from(plot.width), app.theme.dim());
        }
        Some(HeartView::Series { cols, ticks }) => {
            wave::draw_lane(buf, plot, cols, 90.0, 60.0, app.theme.lane(4));
            let bottom = r.y + r.height - 1;
            buf.set_stringn(r.x, bottom, "30-150", title_w, app.theme.dim());
            if ticks.len() * 3 < usize::from(plot.width) {
                for &x in ticks.iter().filter(|&&x| x < plot.width) {
                    if let Some(cell) = buf.cell_mut((plot.x + x, r.y)) {
                        cell.set_symbol("╷");
                        cell.set_style(app.theme.event());
                    }
                }
            }
        }
        None => {}
    }
}
