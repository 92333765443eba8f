//! The spectrogram panel under the lanes: the same columns as the waveform (so its time axis
//! is the view's), frequency up the rows with two pixels per cell (upper half-blocks), in a
//! perceptually uniform colour map; shades of one character without colour.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Clear, Widget};

use super::{split_gutter, GUTTER};
use crate::tui::app::App;
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
fn colour(x: f64, mode: ColorMode) -> Color {
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

const SHADES: [&str; 5] = [" ", "░", "▒", "▓", "█"];

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
    let dim = app.theme.dim();
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, r.y, &view.title, title_w, dim);
    if r.height >= 2 {
        buf.set_stringn(r.x, r.y + 1, &view.label, title_w, dim);
    }
    let range = format!("0-{:.0} Hz", view.top_hz);
    buf.set_stringn(r.x, r.y + r.height - 1, range, title_w, dim);
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
            if app.theme.mode == ColorMode::NoColor {
                let level = ((up + down) / 2.0).clamp(0.0, 1.0);
                cell.set_symbol(SHADES[(level * 4.0).round() as usize]);
            } else {
                cell.set_symbol("▀");
                cell.set_style(
                    Style::default()
                        .fg(colour(up, app.theme.mode))
                        .bg(colour(down, app.theme.mode)),
                );
            }
        }
    }
}
