//! The recording's own annotations (EDF+ TAL) in one lane: `▼` at the onset, `─` over the
//! duration, the text after the mark where it fits before the next one.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{column_of, split_gutter, GUTTER};
use crate::tui::app::App;

/// Draws the lane into the one-row band `r` (gutter and waveform columns).
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if r.height == 0 {
        return;
    }
    let (gutter, wave) = split_gutter(app, r);
    let y = r.y;
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, y, "file events", title_w, app.theme.dim());
    if wave.width == 0 {
        return;
    }
    let v = &app.view;
    let style = app.theme.event();
    let end = wave.x + wave.width;
    let mut marks: Vec<(u16, u16, &str)> = Vec::new();
    let index = &app.prepared.file_events;
    for i in index.visible(v.start_s, v.end_s()) {
        let Some(ann) = app.rec.annotations.get(i) else {
            continue;
        };
        let dur = ann.duration_s.unwrap_or(0.0).max(0.0);
        if ann.onset_s > v.end_s() || ann.onset_s + dur < v.start_s {
            continue;
        }
        let x0 = column_of(app, wave, ann.onset_s.max(v.start_s)).unwrap_or(wave.x);
        let x1 = column_of(app, wave, (ann.onset_s + dur).min(v.end_s())).unwrap_or(end - 1);
        marks.push((x0, x1, &ann.text));
        if marks.len() > usize::from(wave.width) {
            break;
        }
    }
    for (k, &(x0, x1, text)) in marks.iter().enumerate() {
        for x in x0..=x1.min(end - 1) {
            buf.set_string(x, y, if x == x0 { "▼" } else { "─" }, style);
        }
        let next = marks.get(k + 1).map_or(end, |m| m.0);
        let room = usize::from(next.saturating_sub(x0 + 1));
        if room > 1 {
            let text = crate::text::sanitize(text);
            buf.set_stringn(x0 + 1, y, text, room - 1, style);
        }
    }
}
