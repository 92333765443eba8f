//! The time cursor: a vertical line over the waveform columns at the cursor's time.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::column_of;
use crate::tui::app::App;

/// Draws the cursor down the waveform columns `wave`.
pub fn render(app: &App, wave: Rect, buf: &mut Buffer) {
    let Some(x) = column_of(app, wave, app.view.cursor_s) else {
        return;
    };
    let style = app.theme.cursor();
    for y in wave.y..wave.y + wave.height {
        if let Some(cell) = buf.cell_mut((x, y)) {
            if cell.symbol() == " " {
                cell.set_symbol("│");
            }
            cell.set_style(style);
        }
    }
}
