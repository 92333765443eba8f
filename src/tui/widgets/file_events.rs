//! The recording's own annotations (EDF+ TAL) in one lane, as the update step laid them out
//! per column (`prepare/annots.rs`): `▼` at an onset, the count where several share a column,
//! `─` over durations, a label where it fits before the next onset.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{split_gutter, GUTTER};
use crate::tui::app::App;

/// Draws the lane into the one-row band `r` (gutter and waveform columns).
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if r.height == 0 {
        return;
    }
    let (gutter, wave) = split_gutter(app, r);
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, r.y, "file events", title_w, app.theme.dim());
    let style = app.theme.event();
    for m in &app.prepared.file_lane.marks {
        if m.col >= wave.width {
            continue;
        }
        let room = usize::from(wave.width - m.col);
        buf.set_stringn(wave.x + m.col, r.y, &m.text, room, style);
    }
}
