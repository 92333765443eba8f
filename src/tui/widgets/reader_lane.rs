//! One reader's events in a lane: points as `▼`, intervals as `├───┤`, the selected event in
//! reverse video, the open interval being marked as `░` from its start to the cursor. Other
//! readers' lanes are read-only and, when adjudicating, take the colour of each event's status.
//! Only the events overlapping the view are visited (the update step's time index).

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};

use super::{column_of, split_gutter, GUTTER};
use crate::annotations::{Certainty, Event};
use crate::tui::adjudicate::Status;
use crate::tui::annotate::Annotating;
use crate::tui::app::App;
use crate::tui::prepare::index::TimeIndex;
use crate::tui::prepare::EventLane;

/// Where a lane draws: its row, the waveform's columns, and the right end.
struct Row {
    y: u16,
    wave: Rect,
    end: u16,
}

/// Draws `lane` (the reader's or another reader's) into the band `r`: the reader's events on
/// the sub-rows the update step gave them, another reader's on the first row.
pub fn render(app: &App, lane: EventLane, r: Rect, buf: &mut Buffer) {
    let Some(a) = &app.annot else { return };
    if r.height == 0 {
        return;
    }
    let (title, events, index): (String, &[Event], _) = match lane {
        EventLane::Other(k) => match (a.others.get(k), app.prepared.other_events.get(k)) {
            (Some((name, ev)), Some(ix)) => (format!("{name} (ro)"), ev.as_slice(), ix),
            _ => return,
        },
        _ => (
            a.store.reader.clone(),
            a.store.events(),
            &app.prepared.reader_events,
        ),
    };
    let (gutter, wave) = split_gutter(app, r);
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    let title: String = crate::text::sanitize(&title)
        .chars()
        .take(title_w)
        .collect();
    buf.set_stringn(r.x, r.y, title, title_w, app.theme.label(false));
    if wave.width == 0 {
        return;
    }
    let v = &app.view;
    let placed = placed(app, a, lane, events, index);
    let rows = usize::from(r.height).min(crate::tui::prepare::subrows::MAX_ROWS);
    let mut state = vec![(wave.x, None::<u16>); rows];
    for &(i, row_ix) in placed.iter() {
        let (Some(e), Some(st)) = (events.get(i), state.get_mut(usize::from(row_ix))) else {
            continue;
        };
        let row = Row {
            y: r.y + u16::from(row_ix),
            wave,
            end: wave.x + wave.width,
        };
        let x0 = column_of(app, wave, e.onset.max(v.start_s)).unwrap_or(wave.x);
        let selected =
            matches!(lane, EventLane::Reader) && a.selected.as_deref() == Some(e.id.as_str());
        // Zoomed out over a day of beats, hundreds of point events share a column: draw the
        // first, skip the rest (the selected one is always drawn).
        if e.is_point() && !selected && st.1 == Some(x0) {
            continue;
        }
        if e.is_point() {
            st.1 = Some(x0);
        }
        let style = event_style(app, lane, e, selected);
        st.0 = draw_event(app, &row, e, (x0, st.0), style, buf);
    }
    let row = Row {
        y: r.y,
        wave,
        end: wave.x + wave.width,
    };
    if matches!(lane, EventLane::Reader) {
        if rows == usize::from(r.height) && rows > 0 {
            draw_hidden(app, events, wave, r.y + rows as u16 - 1, buf);
        }
        draw_open(app, a, &row, buf);
    }
}

/// The events to draw with their rows: the reader's on the sub-rows the update step gave
/// them (prepare/subrows.rs), another reader's all on the first row.
fn placed<'a>(
    app: &'a App,
    a: &Annotating,
    lane: EventLane,
    events: &[Event],
    index: &TimeIndex,
) -> Cow<'a, [(usize, u8)]> {
    let v = &app.view;
    match lane {
        EventLane::Reader => Cow::Borrowed(&app.prepared.subrows.placed),
        _ => Cow::Owned(
            index
                .visible(v.start_s, v.end_s())
                .filter(|&i| {
                    events
                        .get(i)
                        .is_some_and(|e| e.end() >= v.start_s && !a.is_epoch_event(e))
                })
                .map(|i| (i, 0))
                .collect(),
        ),
    }
}

/// `+n` on the last row where events beyond it begin: one marker for each run of hidden
/// events whose columns fall under the previous marker.
fn draw_hidden(app: &App, events: &[Event], wave: Rect, y: u16, buf: &mut Buffer) {
    let end = wave.x + wave.width;
    let mut marks: Vec<(u16, usize)> = Vec::new();
    for &i in &app.prepared.subrows.hidden {
        let Some(e) = events.get(i) else { continue };
        let x = column_of(app, wave, e.onset.max(app.view.start_s)).unwrap_or(wave.x);
        match marks.last_mut() {
            Some((x0, n)) if x < *x0 + format!("+{n}").len() as u16 + 1 => *n += 1,
            _ => marks.push((x, 1)),
        }
    }
    for (x, n) in marks {
        let text = format!("+{n}");
        let room = usize::from(end.saturating_sub(x));
        buf.set_stringn(x, y, text, room, app.theme.warning());
    }
}

/// The event's style: the lane's colour (or its adjudication status), reversed when selected
/// or when it belongs to the current disagreement.
fn event_style(app: &App, lane: EventLane, e: &Event, selected: bool) -> Style {
    let base = if matches!(lane, EventLane::Reader) {
        app.theme.event()
    } else {
        app.theme.dim()
    };
    let adj = app.adjudication.as_ref();
    let base = match lane {
        EventLane::Other(_) => adj
            .and_then(|adj| adj.status_of.get(&e.id))
            .map_or(base, |st| match st {
                Status::Agree => app.theme.lane(1),
                Status::OnlyA | Status::OnlyB => app.theme.warning(),
                Status::LabelDiffers => app.theme.event(),
                Status::BoundsDiffer => app.theme.lane(3),
            }),
        _ => base,
    };
    let current = adj
        .and_then(|adj| adj.current.and_then(|k| adj.items.get(k)))
        .is_some_and(|it| {
            it.a.as_ref().is_some_and(|x| x.id == e.id)
                || it.b.as_ref().is_some_and(|x| x.id == e.id)
        });
    if selected || (current && matches!(lane, EventLane::Other(_))) {
        base.add_modifier(Modifier::REVERSED)
    } else {
        base
    }
}

/// Draws one event's mark and, where it does not run into an earlier label, its label;
/// returns where the last label ends.
fn draw_event(
    app: &App,
    row: &Row,
    e: &Event,
    (x0, last_text_end): (u16, u16),
    style: Style,
    buf: &mut Buffer,
) -> u16 {
    let v = &app.view;
    let (y, end) = (row.y, row.end);
    let x1 = column_of(app, row.wave, e.end().min(v.end_s()))
        .unwrap_or(end - 1)
        .max(x0);
    for x in x0..=x1.min(end - 1) {
        let ch = if e.is_point() {
            "▼"
        } else if x == x0 {
            "├"
        } else if x == x1 {
            "┤"
        } else {
            "─"
        };
        buf.set_string(x, y, ch, style);
    }
    let x = x0 + 1;
    if x < last_text_end || x >= end {
        return last_text_end;
    }
    let possible = if e.certainty == Certainty::Possible {
        "?"
    } else {
        ""
    };
    let text = crate::text::sanitize(&format!("{}{possible}", e.label));
    let room = usize::from(end - x);
    let n = text.chars().count().min(room);
    buf.set_stringn(x, y, &text, room, style);
    x + n as u16 + 1
}

/// The interval being marked: `░` from its start to the cursor, with its label's name.
fn draw_open(app: &App, a: &Annotating, row: &Row, buf: &mut Buffer) {
    let Some(open) = &a.open else { return };
    let v = &app.view;
    let (y, end) = (row.y, row.end);
    let (t0, t1) = (open.start.min(v.cursor_s), open.start.max(v.cursor_s));
    let x0 = column_of(app, row.wave, t0.max(v.start_s)).unwrap_or(row.wave.x);
    let x1 = column_of(app, row.wave, t1.min(v.end_s()))
        .unwrap_or(end - 1)
        .max(x0);
    for x in x0..=x1.min(end - 1) {
        buf.set_string(x, y, "░", app.theme.cursor());
    }
    let name = open
        .label
        .and_then(|l| a.taxonomy.labels.get(l))
        .map_or("mark".to_string(), |l| crate::text::sanitize(&l.name));
    buf.set_stringn(
        x0,
        y,
        name,
        usize::from(end.saturating_sub(x0)),
        app.theme.cursor(),
    );
}
