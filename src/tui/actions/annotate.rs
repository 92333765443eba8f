//! Marking: the open interval, relabel and note prompts, certainty and scope, epoch scoring
//! and the event list. Every change goes through `Store` (journal first).

use super::param::Arg;
use crate::annotations::StoreError;
use crate::tui::annotate::{close_interval, self_channel, Annotating, OpenMark};
use crate::tui::app::App;
use crate::tui::input::{EventList, Layer};
use crate::tui::view::{decimals, format_offset};

/// What an annotation handler tells the user (None: nothing new).
pub type Said = Result<Option<String>, StoreError>;

/// Runs `f` on the reader's store, or says that annotating is off; a store error is shown as
/// NOT SAVED.
pub fn with_annot(app: &mut App, f: impl FnOnce(&mut App, &mut Annotating) -> Said) {
    let Some(mut a) = app.annot.take() else {
        app.message =
            Some("annotating is off: open with a reader (--reader) to mark events".into());
        return;
    };
    let result = f(app, &mut a);
    app.annot = Some(a);
    match result {
        Ok(Some(msg)) => app.message = Some(msg),
        Ok(None) => {}
        Err(e) => app.message = Some(not_saved(&e)),
    }
}

pub fn not_saved(e: &StoreError) -> String {
    format!("NOT SAVED: {}", crate::text::sanitize(&e.to_string()))
}

pub fn mark_in(app: &mut App, _: Arg) {
    with_annot(app, |app, a| {
        let cursor = crate::tui::prepare::caliper::snapped_cursor(app);
        a.open = Some(OpenMark {
            start: cursor,
            label: None,
        });
        Ok(Some(format!(
            "interval from {}: move, then press its label key",
            format_offset(cursor, decimals(&app.view))
        )))
    });
}

pub fn mark_out(app: &mut App, _: Arg) {
    with_annot(app, |app, a| {
        Ok(Some(match a.open.clone() {
            Some(OpenMark {
                label: Some(l),
                start,
            }) => {
                let channel = self_channel(&app.lanes, app.selected_lane(), a.scope_selected);
                let end = (
                    start,
                    crate::tui::prepare::caliper::snapped_cursor(app),
                    decimals(&app.view),
                );
                close_interval(a, end, l, channel)?
            }
            Some(_) => "press the interval's label key to close it".into(),
            None => "no open interval: mark in first".into(),
        }))
    });
}

/// Drops the open interval, else closes the event list; and always a waiting relabel.
pub fn cancel(app: &mut App, _: Arg) {
    if super::measure::clear(app) {
        return;
    }
    with_annot(app, |app, a| {
        let had = a.open.take().is_some()
            || app.layers.remove(&Layer::List(EventList::default()))
            || app.layers.has(&Layer::Relabel);
        app.layers.remove(&Layer::Relabel);
        Ok(had.then(|| "cancelled".to_string()))
    });
}

pub fn relabel(app: &mut App, _: Arg) {
    with_annot(app, |app, a| {
        Ok(Some(if a.selected_event().is_some() {
            if !app.layers.has(&Layer::Relabel) {
                app.layers.push(Layer::Relabel);
            }
            "press the new label's key".into()
        } else {
            "select an event first".into()
        }))
    });
}

pub fn note(app: &mut App, _: Arg) {
    with_annot(app, |app, a| {
        Ok(match a.selected_event() {
            Some(e) => {
                app.layers.push(Layer::Note(e.note.clone()));
                None
            }
            None => Some("select an event first".into()),
        })
    });
}

pub fn toggle_certainty(app: &mut App, _: Arg) {
    with_annot(app, |_, a| {
        Ok(Some(match a.selected_event().cloned() {
            Some(mut e) => {
                e.certainty = e.certainty.toggled();
                let c = e.certainty;
                a.store.change(e)?;
                format!("event is {}", c.as_str())
            }
            None => {
                a.certainty = a.certainty.toggled();
                format!("new events are {}", a.certainty.as_str())
            }
        }))
    });
}

pub fn toggle_scope(app: &mut App, _: Arg) {
    with_annot(app, |_, a| {
        a.scope_selected = !a.scope_selected;
        Ok(Some(
            if a.scope_selected {
                "new events apply to the selected channel"
            } else {
                "new events apply to all channels"
            }
            .into(),
        ))
    });
}

/// Epoch scoring on (the window becomes the epoch under the cursor) or off.
pub fn epoch_mode(app: &mut App, _: Arg) {
    with_annot(app, |app, a| {
        if !app.layers.toggle(Layer::Epoch) {
            return Ok(Some("epoch scoring off".into()));
        }
        let (onset, _) = a.epoch_at(app.view.cursor_s, app.view.duration_s);
        app.view.set_span(a.taxonomy.epoch_s);
        app.view.start_s = onset;
        app.view.jump(onset + a.taxonomy.epoch_s / 2.0);
        Ok(Some(format!(
            "epoch scoring: {} s epochs; a stage key labels the epoch and advances",
            a.taxonomy.epoch_s
        )))
    });
}

pub fn event_list(app: &mut App, _: Arg) {
    if app.annot.is_none() && !app.rec.annotations.is_empty() {
        // Viewing only: the list shows the recording's own annotations.
        let source = crate::tui::prepare::lists::ListSource::File;
        app.layers.toggle(Layer::List(EventList {
            source,
            ..EventList::default()
        }));
        return;
    }
    with_annot(app, |app, _| {
        app.layers.toggle(Layer::List(EventList::default()));
        Ok(None)
    });
}
