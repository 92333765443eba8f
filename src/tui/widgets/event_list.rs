//! The event list: a panel on the right of the waveforms with the events its filter keeps
//! (filtered in the update step), the cursor's row highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::app::App;
use crate::tui::view::{decimals, format_offset, span_label};

/// Draws the panel at the right of `lanes` (the area above the event lanes).
pub fn render(app: &App, lanes: Rect, buf: &mut Buffer) {
    let Some(a) = &app.annot else { return };
    let Some(list) = app.layers.event_list() else {
        return;
    };
    let Some(r) = super::side_panel(lanes, 48, 20, buf) else {
        return;
    };
    let w = r.width;
    let view = &app.prepared.event_list;
    let events = a.store.events();
    let cur = view.cursor;
    let title = format!(
        " events {}/{} filter: {}_",
        view.rows.len(),
        events.len(),
        crate::text::sanitize(&list.filter)
    );
    buf.set_stringn(r.x, r.y, title, usize::from(w), app.theme.label(true));
    let rows = usize::from(r.height - 1);
    let first = (cur + 1).saturating_sub(rows);
    for (k, &i) in view.rows.iter().enumerate().skip(first).take(rows) {
        let Some(e) = events.get(i) else { continue };
        let dur = if e.is_point() {
            String::new()
        } else {
            format!(" {}", span_label(e.duration))
        };
        let line = crate::text::sanitize(&format!(
            "{} {}{}{}",
            format_offset(e.onset, decimals(&app.view)),
            e.label,
            dur,
            if e.note.is_empty() { "" } else { " *" }
        ));
        let style = if k == cur {
            app.theme.label(true)
        } else {
            Style::default()
        };
        buf.set_stringn(
            r.x + 1,
            r.y + 1 + (k - first) as u16,
            format!("{line:<width$}", width = usize::from(w - 2)),
            usize::from(w - 2),
            style,
        );
    }
}
