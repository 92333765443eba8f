//! A lane's gutter: its label, its scale and the scale bar, whose full height is twice the
//! scale. The scale row is the sensitivity of a calibrated lane (`10 mm/mV`, `*20 mm/mV` for
//! the lane's own), the visible value range of a lane read by range (`88-99 %`: SpO2, heart
//! rate, temperature, position), or `±half unit` for an auto-scaled one.

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
    /// The visible (min, max) of a lane read by its value range.
    pub range: Option<(f64, f64)>,
}

/// The gutter's second row for `lane` (see the module's comment).
pub fn scale_row(lane: &Lane, range: Option<(f64, f64)>) -> String {
    if let Some(label) = lane.paper.label() {
        return label;
    }
    match range {
        Some((lo, hi)) => format!("{} {}", range_text(lo, hi), lane.unit),
        None => format!("±{} {}", short_number(lane.scale), lane.unit),
    }
}

/// `88-99`, or `-1.2..0.80` when the low end is negative (a dash would read as a minus).
pub fn range_text(lo: f64, hi: f64) -> String {
    let sep = if lo < 0.0 { ".." } else { "-" };
    format!("{}{sep}{}", short_number(lo), short_number(hi))
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
    let scale = scale_row(lane, row.range);
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
