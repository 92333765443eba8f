//! The selected event: going to it, deleting, moving and resizing it, undo and redo, copying
//! the file's annotation, saving.

use super::annotate::{with_annot, Said};
use super::param::Arg;
use crate::annotations::event::round_time;
use crate::text::sanitize;
use crate::tui::annotate::Annotating;
use crate::tui::app::App;

/// `select_event N`: the Nth next (minus: previous) event of the list's filter.
pub fn select_event(app: &mut App, arg: Arg) {
    let n = arg.steps();
    for _ in 0..n.unsigned_abs().min(1000) {
        with_annot(app, |app, a| step_event(app, a, n > 0));
    }
}

fn step_event(app: &mut App, a: &mut Annotating, forward: bool) -> Said {
    let cursor = app.view.cursor_s;
    let listed = a.listed(app.layers.event_list());
    let next = if forward {
        listed.iter().find(|e| e.onset > cursor + 1e-6)
    } else {
        listed.iter().rev().find(|e| e.onset < cursor - 1e-6)
    };
    let Some(e) = next else {
        return Ok(Some("no more events that way".into()));
    };
    let (id, t) = (e.id.clone(), e.onset);
    a.selected = Some(id);
    if t < app.view.start_s || t > app.view.end_s() {
        app.view.jump(t);
    } else {
        app.view.move_cursor(t - cursor);
    }
    Ok(None)
}

pub fn delete(app: &mut App, _: Arg) {
    with_annot(app, |_, a| {
        Ok(Some(match a.selected.take() {
            Some(id) => {
                a.store.delete(&id)?;
                "deleted (u undoes)".into()
            }
            None => "select an event first (. and , go to the next and previous)".into(),
        }))
    });
}

pub fn undo(app: &mut App, _: Arg) {
    step(app, false);
}

pub fn redo(app: &mut App, _: Arg) {
    step(app, true);
}

/// Undo (or redo) one step and select the event it touched, if it still exists.
fn step(app: &mut App, redo: bool) {
    with_annot(app, |_, a| {
        let touched = if redo {
            a.store.redo()?
        } else {
            a.store.undo()?
        };
        Ok(Some(match touched {
            Some(id) => {
                a.selected = a.store.get(&id).map(|e| e.id.clone());
                if redo { "redone" } else { "undone" }.into()
            }
            None => if redo {
                "nothing to redo"
            } else {
                "nothing to undo"
            }
            .into(),
        }))
    });
}

/// Changes the selected event with `f(event, step)` (step: a fiftieth of the window, times
/// the row's count) and moves the cursor to its onset.
fn edit_selected(app: &mut App, n: i64, f: fn(&mut crate::annotations::Event, f64, f64)) {
    with_annot(app, |app, a| {
        let Some(mut e) = a.selected_event().cloned() else {
            return Ok(Some("select an event first".into()));
        };
        let step = app.view.span_s / 50.0;
        f(&mut e, step * n as f64, app.view.duration_s);
        let t = e.onset;
        a.store.change(e)?;
        app.view.move_cursor(t - app.view.cursor_s);
        Ok(None)
    });
}

pub fn move_event(app: &mut App, arg: Arg) {
    edit_selected(app, arg.steps(), |e, d, total| {
        let t = e.onset + d;
        e.onset = round_time(if d < 0.0 { t.max(0.0) } else { t.min(total) });
    });
}

pub fn resize_event(app: &mut App, arg: Arg) {
    edit_selected(app, arg.steps(), |e, d, total| {
        let t = e.duration + d;
        e.duration = round_time(if d < 0.0 {
            t.max(0.0)
        } else {
            t.min((total - e.onset).max(0.0))
        });
    });
}

/// Copies the file's annotation nearest the cursor (in view, at or before it) into the
/// reader's events; a second press selects the first copy.
pub fn copy_annotation(app: &mut App, _: Arg) {
    with_annot(app, |app, a| {
        let (cursor, v) = (app.view.cursor_s, &app.view);
        let best = app
            .rec
            .annotations
            .iter()
            .filter(|x| x.onset_s <= cursor + v.span_s / 100.0 && x.onset_s >= v.start_s)
            .min_by(|x, y| {
                (cursor - x.onset_s)
                    .abs()
                    .total_cmp(&(cursor - y.onset_s).abs())
            });
        let Some(x) = best else {
            return Ok(Some(
                "no file annotation in view at or before the cursor".into(),
            ));
        };
        let mut e = a.new_event(
            x.onset_s,
            x.duration_s.unwrap_or(0.0),
            &x.text,
            x.channel.clone().unwrap_or_default(),
        );
        e.note = "copied from the recording's annotation".into();
        if let Some(same) = a.store.find_same(&e) {
            a.selected = Some(same.id.clone());
            return Ok(Some(format!("{:?} is copied already", sanitize(&x.text))));
        }
        let id = e.id.clone();
        a.store.import(e)?;
        a.selected = Some(id);
        Ok(Some(format!("copied {:?}", sanitize(&x.text))))
    });
}

pub fn save(app: &mut App, _: Arg) {
    with_annot(app, |_, a| {
        a.save()?;
        Ok(Some(format!(
            "saved {} events to {}",
            a.store.events().len(),
            sanitize(&a.store.paths.events.display().to_string())
        )))
    });
}
