//! The spectrogram's colour bar, beside its panel: the colour scale from the top of the range
//! (top row) to its bottom, with its values in dB at the top, middle and bottom rows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};

use super::spectrogram::paint;
use crate::tui::app::App;

/// Columns the bar takes: a gap, the scale, a gap and labels of up to 5 characters.
pub const WIDTH: u16 = 8;

/// The labelled rows of a bar `rows` high over the levels `lo..hi` dB: (row, level) for the
/// top, the middle and the bottom row, each the level at the middle of its row.
pub fn labels(lo: f64, hi: f64, rows: u16) -> Vec<(u16, f64)> {
    if rows == 0 {
        return Vec::new();
    }
    let level = |row: u16| hi - (f64::from(row) + 0.5) / f64::from(rows) * (hi - lo);
    let mut out = vec![(0, hi)];
    let mid = (rows - 1) / 2;
    if rows >= 3 {
        out.push((mid, level(mid)));
    }
    if rows >= 2 {
        out.push((rows - 1, lo));
    }
    out
}

/// A level as its label: `-35dB`.
pub fn label_text(db: f64) -> String {
    format!("{db:.0}dB")
}

/// Draws the bar into `r` (the band beside the spectrogram panel).
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    let Some(view) = &app.prepared.spectrogram.view else {
        return;
    };
    Clear.render(r, buf);
    let Some((lo, hi)) = view.range else { return };
    if r.width < 3 || r.height == 0 {
        return;
    }
    let px = f64::from(r.height) * 2.0;
    let x = r.x + 1;
    for row in 0..r.height {
        let up = 1.0 - (f64::from(row) * 2.0 + 0.5) / px;
        let down = 1.0 - (f64::from(row) * 2.0 + 1.5) / px;
        let Some(cell) = buf.cell_mut((x, r.y + row)) else {
            continue;
        };
        paint(cell, up, down, app.theme.mode);
    }
    let room = usize::from(r.width.saturating_sub(3));
    for (row, db) in labels(lo, hi, r.height) {
        buf.set_stringn(r.x + 3, r.y + row, label_text(db), room, app.theme.dim());
    }
}
