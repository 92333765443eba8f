//! The help overlay: the rows `tui::help` makes from the loaded keymap (the active label keymap
//! first, then every layer's keys), from the scroll offset the help layer keeps.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

use crate::tui::app::App;

/// Draws the help box centred in `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let lines = crate::tui::help::rows(app);
    let inner_w = area.width.saturating_sub(4);
    let w: u16 = 100.min(inner_w);
    let h = crate::tui::help::box_rows(lines.len(), area.height) as u16 + 2;
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    if r.width == 0 || r.height < 3 {
        return;
    }
    Clear.render(r, buf);
    buf.set_style(r, Style::default());
    let border = app.theme.dim();
    for x in r.x..r.x + r.width {
        buf.set_string(x, r.y, "─", border);
        buf.set_string(x, r.y + r.height - 1, "─", border);
    }
    let rows = usize::from(r.height.saturating_sub(2));
    let state = app.layers.help().cloned().unwrap_or_default();
    let first = crate::tui::help::first_row(&state, lines.len(), rows);
    let title = format!(
        " sigmark keys, rows {}-{} of {} (arrows, pgup/pgdn, home/end scroll; any other key closes) ",
        first + 1,
        (first + rows).min(lines.len()),
        lines.len()
    );
    let tw = usize::from(r.width.saturating_sub(4));
    buf.set_stringn(r.x + 2, r.y, title, tw, app.theme.label(false));
    let lw = usize::from(r.width).saturating_sub(1);
    for (row, line) in lines.iter().skip(first).take(rows).enumerate() {
        buf.set_stringn(r.x, r.y + 1 + row as u16, line, lw, Style::default());
    }
}
