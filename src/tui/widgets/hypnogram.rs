//! Sleep stages as a step lane: each epoch's stage name over its span, deeper stages lower.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::{column_of, split_gutter, GUTTER};
use crate::annotations::LabelKind;
use crate::tui::app::App;

/// Draws the stages into the one-row band `r`.
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    let Some(a) = &app.annot else { return };
    if r.height == 0 {
        return;
    }
    let (gutter, wave) = split_gutter(app, r);
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, r.y, "stages", title_w, app.theme.dim());
    if wave.width == 0 {
        return;
    }
    let (v, y) = (&app.view, r.y);
    let end = wave.x + wave.width;
    let events = a.store.events();
    let epoch_labels: Vec<&str> = a
        .taxonomy
        .labels
        .iter()
        .filter(|l| l.kind == LabelKind::Epoch)
        .map(|l| l.name.as_str())
        .collect();
    for i in app.prepared.reader_events.visible(v.start_s, v.end_s()) {
        let Some(e) = events.get(i) else { continue };
        if e.end() < v.start_s || !a.is_epoch_event(e) {
            continue;
        }
        let x0 = column_of(app, wave, e.onset.max(v.start_s)).unwrap_or(wave.x);
        let x1 = column_of(app, wave, e.end().min(v.end_s()))
            .unwrap_or(end - 1)
            .max(x0);
        let depth = epoch_labels.iter().position(|&l| l == e.label).unwrap_or(0);
        let style = app.theme.lane(depth);
        let block = ["█", "▇", "▅", "▃", "▁"][depth.min(4)];
        for x in x0..=x1.min(end - 1) {
            buf.set_string(x, y, block, style);
        }
        let text = crate::text::sanitize(&e.label);
        if usize::from(x1 - x0) > text.chars().count() + 1 {
            buf.set_stringn(
                x0 + 1,
                y,
                text,
                usize::from(x1 - x0),
                style.add_modifier(Modifier::REVERSED),
            );
        }
    }
}
