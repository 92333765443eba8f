//! The spectrogram panel under the lanes: the same columns as the waveform (so its time axis
//! is the view's), frequency up the rows with two pixels per cell (upper half-blocks), in a
//! perceptually uniform colour map; shades of one character without colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Clear, Widget};

use super::split_gutter;
use crate::tui::app::App;
use crate::tui::prepare::spectrogram::SpectrogramView;
use crate::tui::theme::ColorMode;

/// Perceptually uniform colour map (viridis), 9 stops from matplotlib's table.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

fn viridis(x: f64) -> (u8, u8, u8) {
    let x = x.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The colour of level `x` (0..1) in the terminal's colour mode.
pub(super) fn colour(x: f64, mode: ColorMode) -> Color {
    let (r, g, b) = viridis(x);
    match mode {
        ColorMode::TrueColor => Color::Rgb(r, g, b),
        // The 6x6x6 cube of the 256-colour palette.
        ColorMode::Ansi256 => {
            let q = |v: u8| (u16::from(v) * 5 / 255) as u8;
            Color::Indexed(16 + 36 * q(r) + 6 * q(g) + q(b))
        }
        _ => [
            Color::Black,
            Color::Blue,
            Color::Cyan,
            Color::Green,
            Color::Yellow,
        ][((x.clamp(0.0, 1.0)) * 4.0).round() as usize],
    }
}

pub(super) const SHADES: [&str; 5] = [" ", "░", "▒", "▓", "█"];

/// One cell of two pixels, `up` and `down` in 0..1: a half block in the colours of the map, or
/// a shade of their mean without colour. The panel and its colour bar paint alike.
pub(super) fn paint(cell: &mut ratatui::buffer::Cell, up: f64, down: f64, mode: ColorMode) {
    if mode == ColorMode::NoColor {
        let level = ((up + down) / 2.0).clamp(0.0, 1.0);
        cell.set_symbol(SHADES[(level * 4.0).round() as usize]);
    } else {
        cell.set_symbol("▀");
        cell.set_style(Style::default().fg(colour(up, mode)).bg(colour(down, mode)));
    }
}

/// Draws the panel into the band `r` (gutter and waveform columns).
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    let Some(view) = &app.prepared.spectrogram.view else {
        return;
    };
    let (gutter, wave) = split_gutter(app, r);
    if r.height == 0 || wave.width == 0 {
        return;
    }
    Clear.render(r, buf);
    gutter_text(app, view, gutter, buf);
    let Some((lo, hi)) = view.range else { return };
    let norm = |v: f32| (f64::from(v) - lo) / (hi - lo);
    for (x, col) in view.grid.iter().enumerate().take(usize::from(wave.width)) {
        let Some(col) = col else { continue };
        for row in 0..r.height {
            let k = usize::from(row) * 2;
            let (Some(&up), Some(&down)) = (col.get(k), col.get(k + 1)) else {
                continue;
            };
            let (up, down) = (norm(up), norm(down));
            let Some(cell) = buf.cell_mut((wave.x + x as u16, r.y + row)) else {
                continue;
            };
            paint(cell, up, down, app.theme.mode);
        }
    }
}

/// The gutter: title and lane label at the left, the frequency axis (top, middle and bottom
/// rows, in Hz) at the right.
fn gutter_text(app: &App, view: &SpectrogramView, g: Rect, buf: &mut Buffer) {
    let dim = app.theme.dim();
    let w = usize::from(g.width);
    let (left, right) = (w.min(7), w.saturating_sub(8).min(6));
    buf.set_stringn(g.x, g.y, &view.title, left, dim);
    if g.height >= 2 {
        buf.set_stringn(g.x, g.y + 1, &view.label, left, dim);
    }
    if right == 0 {
        return;
    }
    let rows = usize::from(g.height);
    for (row, hz) in hz_labels(view, rows) {
        let text = hz_text(hz);
        let x = g.x + 7 + (right - text.chars().count().min(right)) as u16;
        buf.set_stringn(x, g.y + row as u16, text, right, dim);
    }
}

/// The frequency axis of a panel `rows` high: (row, Hz) for the top, middle and bottom rows.
pub fn hz_labels(view: &SpectrogramView, rows: usize) -> Vec<(usize, f64)> {
    let mut out = vec![(0, view.top_hz)];
    if rows >= 3 {
        let mid = (rows - 1) / 2;
        out.push((mid, view.row_hz(mid, rows)));
    }
    if rows >= 2 {
        out.push((rows - 1, 0.0));
    }
    out
}

/// `30 Hz`, `7.5 Hz`, `100 Hz`; without the space when it would not fit 6 columns.
pub fn hz_text(hz: f64) -> String {
    let n = if hz >= 10.0 || hz.fract() == 0.0 {
        format!("{hz:.0}")
    } else {
        format!("{hz:.1}")
    };
    if n.len() <= 3 {
        format!("{n} Hz")
    } else {
        format!("{n}Hz")
    }
}
