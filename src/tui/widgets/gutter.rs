//! A lane's gutter: its label, its scale (± value and unit) and the scale bar, whose full
//! height is twice the scale.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::short_number;
use crate::tui::app::{App, Lane};

/// What the gutter shows of its lane's row: whether it is the selected lane, and the lane's
/// value at the cursor (the readout), if there is one.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    pub selected: bool,
    pub value: Option<f64>,
}

/// The label, and right-aligned beside it the value at the cursor when both fit in `w`
/// columns with a space between (the label gives way to the value down to 4 characters).
pub fn label_row(label: &str, value: Option<f64>, w: usize) -> String {
    let value = value.map(short_number).unwrap_or_default();
    let room = w.saturating_sub(value.chars().count() + 1);
    if value.is_empty() || room < 4 {
        let label: String = label.chars().take(w).collect();
        return format!("{label:<w$}");
    }
    let label: String = label.chars().take(room).collect();
    format!("{label:<room$} {value}")
}

pub fn render(app: &App, lane: &Lane, row: Row, r: Rect, buf: &mut Buffer) {
    if r.width == 0 || r.height == 0 {
        return;
    }
    let w = usize::from(r.width - 1);
    buf.set_stringn(
        r.x,
        r.y,
        label_row(app.prepared.label(lane), row.value, w),
        w,
        app.theme.label(row.selected),
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
