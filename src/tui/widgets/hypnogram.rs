//! Sleep stages as a stepped plot: rows W, R, N1, N2, N3 from the top (R drawn heavy), each
//! column at the stage of the epoch under its middle, a vertical step joining consecutive
//! epochs of different stages. Stages come from the reader's epoch events and the file's
//! sleep-stage annotations (Sleep-EDF's `Sleep stage W/1/2/3/4/R/?`: N4 is N3, `?` and
//! movement time are gaps); the reader's stage wins where both score an epoch. Fewer than 5
//! rows: a one-row strip of stage blocks.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::{column_of, split_gutter, GUTTER};
use crate::signal::Recording;
use crate::tui::app::App;

/// A sleep stage, in the hypnogram's row order (top to bottom).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    W,
    R,
    N1,
    N2,
    N3,
}

impl Stage {
    pub const ALL: [Stage; 5] = [Stage::W, Stage::R, Stage::N1, Stage::N2, Stage::N3];

    pub fn name(self) -> &'static str {
        ["W", "R", "N1", "N2", "N3"][self as usize]
    }

    /// The one-row strip's block: deeper sleep, lower block; R the lowest.
    fn block(self) -> &'static str {
        ["█", "▁", "▇", "▅", "▃"][self as usize]
    }
}

/// What a label says about the sleep stage: `None` when it is no stage label, `Some(None)`
/// for an unscored epoch (`Sleep stage ?`, `Movement time`), else the stage. Takes AASM names
/// (`W`, `N1`..`N3`, `R`) and the R&K names of Sleep-EDF (`Sleep stage 1`..`4`, N4 as N3).
pub fn stage_of(label: &str) -> Option<Option<Stage>> {
    let l = label.trim();
    let (name, rk) = match l.strip_prefix("Sleep stage ") {
        Some(n) => (n, true),
        None => (l, false),
    };
    let stage = match (name, rk) {
        ("W", _) => Stage::W,
        ("R", _) | ("REM", true) => Stage::R,
        ("N1", _) | ("1", true) => Stage::N1,
        ("N2", _) | ("2", true) => Stage::N2,
        ("N3", _) | ("N4" | "3" | "4", true) => Stage::N3,
        ("?", true) | ("Movement time", false) => return Some(None),
        _ => return None,
    };
    Some(Some(stage))
}

/// Whether the recording's own annotations score sleep stages.
pub fn file_has_stages(rec: &Recording) -> bool {
    rec.annotations
        .iter()
        .any(|a| a.text.starts_with("Sleep stage") && stage_of(&a.text).is_some())
}

/// A scored stretch: onset, end, stage (None: unscored) and the label as written.
type Segment<'a> = (f64, f64, Option<Stage>, &'a str);

/// The scored stretches overlapping the view: the file's first, then the reader's, each in
/// onset order.
fn segments(app: &App) -> (Vec<Segment<'_>>, Vec<Segment<'_>>) {
    let v = &app.view;
    let (t0, t1) = (v.start_s, v.end_s());
    let anns = &app.rec.annotations;
    let file = app
        .prepared
        .file_events
        .visible(t0, t1)
        .filter_map(|i| anns.get(i))
        .filter(|a| a.text.starts_with("Sleep stage"))
        .filter_map(|a| {
            let end = a.onset_s + a.duration_s.unwrap_or(0.0).max(0.0);
            Some((a.onset_s, end, stage_of(&a.text)?, a.text.as_str()))
        })
        .filter(|s| s.1 >= t0)
        .collect();
    let Some(a) = &app.annot else {
        return (file, Vec::new());
    };
    let events = a.store.events();
    let reader = app
        .prepared
        .reader_events
        .visible(t0, t1)
        .filter_map(|i| events.get(i))
        .filter(|e| e.end() >= t0 && a.is_epoch_event(e))
        .filter_map(|e| Some((e.onset, e.end(), stage_of(&e.label)?, e.label.as_str())))
        .collect();
    (file, reader)
}

/// Per column of `wave`: the stage under its middle (None: unscored), the reader's first.
fn column_stages(app: &App, wave: Rect) -> Vec<Option<Stage>> {
    let (file, reader) = segments(app);
    let v = &app.view;
    let t = |x: u16| v.start_s + (f64::from(x) + 0.5) / f64::from(wave.width) * v.span_s;
    let sweep = |segs: &[Segment]| -> Vec<Option<Option<Stage>>> {
        let mut i = 0;
        (0..wave.width)
            .map(|x| {
                let t = t(x);
                while segs.get(i).is_some_and(|s| s.1 <= t && s.0 < t) {
                    i += 1;
                }
                segs.get(i).filter(|s| s.0 <= t && t < s.1).map(|s| s.2)
            })
            .collect()
    };
    let (f, r) = (sweep(&file), sweep(&reader));
    f.into_iter()
        .zip(r)
        .map(|(f, r)| r.or(f).flatten())
        .collect()
}

/// Draws the stages into the band `r`: a step plot when it has 5 rows or more, else a strip.
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if r.height == 0 {
        return;
    }
    let (gutter, wave) = split_gutter(app, r);
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, r.y, "stages", title_w.min(7), app.theme.dim());
    if wave.width == 0 {
        return;
    }
    if r.height >= 5 {
        step_plot(app, gutter, wave, buf);
    } else {
        strip(app, Rect::new(wave.x, wave.y, wave.width, 1), buf);
    }
}

/// The row of stage `s` in a plot `h` rows high (W at the top, N3 at the bottom).
pub fn stage_row(s: Stage, h: u16) -> u16 {
    (s as u16 * (h.max(5) - 1)) / 4
}

fn step_plot(app: &App, gutter: Rect, wave: Rect, buf: &mut Buffer) {
    let h = wave.height;
    for s in Stage::ALL {
        let y = wave.y + stage_row(s, h);
        let x = gutter.x + gutter.width.saturating_sub(4);
        if gutter.width >= 11 {
            buf.set_stringn(x, y, s.name(), 3, app.theme.dim());
        }
    }
    let stages = column_stages(app, wave);
    let mut prev: Option<Stage> = None;
    for (k, st) in stages.iter().enumerate() {
        let x = wave.x + k as u16;
        let Some(s) = *st else {
            prev = None;
            continue;
        };
        let style = stage_style(app, s);
        let (row, line) = (stage_row(s, h), if s == Stage::R { "━" } else { "─" });
        match prev.filter(|&p| p != s) {
            Some(p) => step(buf, x, wave.y, (stage_row(p, h), row), style),
            None => {
                buf.set_string(x, wave.y + row, line, style);
            }
        }
        prev = Some(s);
    }
}

/// The vertical step at column `x` from row `from` (the line arriving from the left) to row
/// `to` (the line leaving to the right), rows relative to `y0`.
fn step(buf: &mut Buffer, x: u16, y0: u16, (from, to): (u16, u16), style: Style) {
    let down = to > from;
    let (a, b) = (from.min(to), from.max(to));
    for row in a + 1..b {
        buf.set_string(x, y0 + row, "│", style);
    }
    buf.set_string(x, y0 + from, if down { "┐" } else { "┘" }, style);
    buf.set_string(x, y0 + to, if down { "└" } else { "┌" }, style);
}

fn stage_style(app: &App, s: Stage) -> Style {
    let style = app.theme.lane(s as usize);
    if s == Stage::R {
        style.add_modifier(Modifier::BOLD)
    } else {
        style
    }
}

/// The one-row strip: each epoch's block over its span, its label inside when it fits.
fn strip(app: &App, wave: Rect, buf: &mut Buffer) {
    let (file, reader) = segments(app);
    let v = &app.view;
    let end = wave.x + wave.width;
    for &(onset, stop, stage, label) in file.iter().chain(&reader) {
        let Some(s) = stage else { continue };
        let x0 = column_of(app, wave, onset.max(v.start_s)).unwrap_or(wave.x);
        let x1 = column_of(app, wave, stop.min(v.end_s()))
            .unwrap_or(end - 1)
            .max(x0);
        let style = stage_style(app, s);
        for x in x0..=x1.min(end - 1) {
            buf.set_string(x, wave.y, s.block(), style);
        }
        let text = crate::text::sanitize(label);
        if usize::from(x1 - x0) > text.chars().count() + 1 {
            let room = usize::from(x1 - x0);
            let rev = style.add_modifier(Modifier::REVERSED);
            buf.set_stringn(x0 + 1, wave.y, text, room, rev);
        }
    }
}
