//! The disagreements in time order, the current one highlighted, each with its decision; the
//! title carries the progress the update step counted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::annotations::Event;
use crate::tui::app::App;
use crate::tui::view::{decimals, format_offset};

/// Draws the panel at the right of `lanes` (the area above the event lanes).
pub fn render(app: &App, lanes: Rect, buf: &mut Buffer) {
    let Some(adj) = &app.adjudication else { return };
    let Some(r) = super::side_panel(lanes, 60, 24, buf) else {
        return;
    };
    let w = r.width;
    let view = &app.prepared.adjudication;
    let title = format!(
        " {} vs {}: {} of {} resolved",
        adj.reader_a, adj.reader_b, view.done, view.total
    );
    buf.set_stringn(
        r.x,
        r.y,
        crate::text::sanitize(&title),
        usize::from(w),
        app.theme.label(true),
    );
    let rows = usize::from(r.height - 1);
    let first = (view.cursor + 1).saturating_sub(rows);
    let label = |e: &Option<Event>| e.as_ref().map_or("-".to_string(), |e| e.label.clone());
    for (n, &k) in view.items.iter().enumerate().skip(first).take(rows) {
        let Some(it) = adj.items.get(k) else { continue };
        let decided = adj
            .decided
            .get(&it.key())
            .map_or(String::new(), |d| format!(" [{}]", d.decision));
        let line = format!(
            "{} {:<13} A {} / B {}{decided}",
            format_offset(it.onset(), decimals(&app.view)),
            it.status.name(),
            label(&it.a),
            label(&it.b)
        );
        let style = if Some(k) == adj.current {
            app.theme.label(true)
        } else {
            Style::default()
        };
        buf.set_stringn(
            r.x + 1,
            r.y + 1 + (n - first) as u16,
            crate::text::sanitize(&format!("{line:<width$}", width = usize::from(w - 2))),
            usize::from(w - 2),
            style,
        );
    }
}
