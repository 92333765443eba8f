//! A lane's gutter: its label, its scale (± value and unit) and the scale bar, whose full
//! height is twice the scale.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::short_number;
use crate::tui::app::{App, Lane};

pub fn render(app: &App, lane: &Lane, selected: bool, r: Rect, buf: &mut Buffer) {
    if r.width == 0 || r.height == 0 {
        return;
    }
    let w = usize::from(r.width - 1);
    let label: String = lane.label.chars().take(w).collect();
    buf.set_stringn(
        r.x,
        r.y,
        format!("{label:<w$}"),
        w,
        app.theme.label(selected),
    );
    let scale = format!("±{} {}", short_number(lane.scale), lane.unit);
    if r.height >= 2 {
        buf.set_stringn(r.x, r.y + 1, &scale, w, app.theme.dim());
    }
    for dy in 0..r.height {
        let ch = match (dy, r.height) {
            (_, 1) => "┼",
            (0, _) => "┬",
            (d, h) if d == h - 1 => "┴",
            _ => "│",
        };
        buf.set_string(r.x + r.width - 1, r.y + dy, ch, app.theme.dim());
    }
}
