//! The event list: a panel on the right of the waveforms with the rows its source (the
//! reader's events, the file's annotations, or all) and filter keep (chosen in the update
//! step), the cursor's row highlighted. The file's rows are marked `·file` when both show.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

use crate::tui::app::App;
use crate::tui::prepare::lists::{ListSource, Listed};
use crate::tui::view::{decimals, format_offset, span_label};

/// Draws the panel at the right of `lanes` (the area above the event lanes).
pub fn render(app: &App, lanes: Rect, buf: &mut Buffer) {
    let Some(list) = app.layers.event_list() else {
        return;
    };
    let Some(r) = super::side_panel(lanes, 48, 20, buf) else {
        return;
    };
    let w = r.width;
    let view = &app.prepared.event_list;
    let cur = view.cursor;
    let title = format!(
        " events: {} {}/{} filter: {}_",
        list.source.name(),
        view.rows.len(),
        view.total,
        crate::text::sanitize(&list.filter)
    );
    buf.set_stringn(r.x, r.y, title, usize::from(w), app.theme.label(true));
    let rows = usize::from(r.height - 1);
    let first = (cur + 1).saturating_sub(rows);
    let both = list.source == ListSource::All;
    for (k, &row) in view.rows.iter().enumerate().skip(first).take(rows) {
        let Some(line) = row_text(app, row, both) else {
            continue;
        };
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

/// A row as text: onset, label (text), duration, and `*` for a note (`·file` for the file's
/// annotations when both sources show), made safe for the terminal.
fn row_text(app: &App, row: Listed, both: bool) -> Option<String> {
    let places = decimals(&app.view);
    let dur = |d: f64| {
        if d > 0.0 {
            format!(" {}", span_label(d))
        } else {
            String::new()
        }
    };
    let line = match row {
        Listed::Mine(i) => {
            let e = app.annot.as_ref()?.store.events().get(i)?;
            let d = if e.is_point() { 0.0 } else { e.duration };
            let note = if e.note.is_empty() { "" } else { " *" };
            let (t, label) = (format_offset(e.onset, places), &e.label);
            format!("{t} {label}{}{note}", dur(d))
        }
        Listed::File(i) => {
            let a = app.rec.annotations.get(i)?;
            let d = dur(a.duration_s.unwrap_or(0.0));
            let from = if both { " ·file" } else { "" };
            let t = format_offset(a.onset_s, places);
            format!("{t} {}{d}{from}", a.text)
        }
    };
    Some(crate::text::sanitize(&line))
}
