//! The status bar: the text the update step made, and on its right end the message (or a
//! failed journal append, which stays until an append succeeds again).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::tui::app::App;

/// Draws the status bar into the row `r`.
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if r.height == 0 || r.width == 0 {
        return;
    }
    let style = app.theme.status();
    buf.set_style(r, style);
    let w = usize::from(r.width);
    buf.set_stringn(r.x, r.y, &app.prepared.status, w, style);
    let unsaved = app.annot.as_ref().and_then(|a| a.store.append_failure());
    if let Some(msg) = crate::tui::notice::status_message(app.message.as_deref(), unsaved) {
        let msg = format!(" {msg} ");
        let len = msg.chars().count().min(w);
        let x = r.x + (r.width - len as u16);
        buf.set_stringn(x, r.y, msg, w, app.theme.warning().patch(style));
    }
}
