//! The calibration ruler (F4): a bar of 50 mm at the current cell size, drawn over the top of
//! the lanes while the prompt asks for its measured length. Whole cells are `█`, a final half
//! cell `▌`, so the bar is within a quarter of a cell of 50 mm (its drawn length is what the
//! correction divides by).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;
use crate::tui::input::Layer;
use crate::tui::scale::{ruler_drawn_mm, ruler_halves, RULER_MM};

/// The bar's text for `halves` half cells.
pub fn bar(halves: u16) -> String {
    let mut s = "█".repeat(usize::from(halves / 2));
    if halves % 2 == 1 {
        s.push('▌');
    }
    s
}

/// Draws the ruler in `area` (the lanes) when the calibration prompt is on top.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if !matches!(app.layers.top(), Some(Layer::Calibrate(_))) || area.height < 3 || area.width < 2 {
        return;
    }
    let screen = &app.scale.screen;
    let halves = ruler_halves(screen);
    let y = area.y + area.height / 2 - 1;
    let blank = " ".repeat(usize::from(area.width));
    for dy in 0..3 {
        buf.set_stringn(
            area.x,
            y + dy,
            &blank,
            usize::from(area.width),
            app.theme.dim(),
        );
    }
    let title = format!(
        " {RULER_MM} mm ruler (drawn {:.1} mm at cell {:.3} x {:.3} mm): measure the bar",
        ruler_drawn_mm(screen),
        screen.cell_mm[0],
        screen.cell_mm[1]
    );
    buf.set_stringn(
        area.x,
        y,
        title,
        usize::from(area.width),
        app.theme.label(true),
    );
    let x = area.x + 1;
    let room = usize::from(area.width.saturating_sub(1));
    buf.set_stringn(x, y + 1, bar(halves), room, app.theme.label(true));
    if usize::from(halves / 2) + 1 > room {
        buf.set_stringn(
            area.x,
            y + 2,
            " the terminal is narrower than the ruler",
            room,
            app.theme.dim(),
        );
    }
}
