//! The screen shown when the terminal is smaller than the viewer needs.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::{MIN_HEIGHT, MIN_WIDTH};
use crate::tui::app::App;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let mut text = format!(
        "Terminal too small: {}x{}, sigmark needs {MIN_WIDTH}x{MIN_HEIGHT}. Enlarge it, or press q to quit.",
        area.width, area.height
    );
    if let Some(m) = &app.message {
        text = format!("{m}\n{text}");
    }
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}
