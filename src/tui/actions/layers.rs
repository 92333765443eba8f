//! Opening and closing layers of the input stack, and the keys the layers share: submit,
//! delete a typed character, move a cursor or scroll by rows. Each acts on the layer whose
//! keymap section ran it (`Layers::focused_mut`).

use super::annotate::not_saved;
use super::param::Arg;
use crate::tui::app::App;
use crate::tui::help::{self, HelpState};
use crate::tui::input::Layer;
use crate::tui::prepare::lists::{self, Listed};

pub fn open_help(app: &mut App, _: Arg) {
    app.layers.push(Layer::Help(HelpState::default()));
}

pub fn open_jump(app: &mut App, _: Arg) {
    app.layers.push(Layer::Jump(String::new()));
}

pub fn close(app: &mut App, _: Arg) {
    app.layers.close_focused();
}

/// Enter: jumps to the typed time, saves the note, or goes to the listed event.
pub fn submit(app: &mut App, _: Arg) {
    match app.layers.focused_mut() {
        Some(Layer::Jump(_)) => {
            if let Some(Layer::Jump(text)) = app.layers.close_focused() {
                app.jump_to_text(&text);
            }
        }
        Some(Layer::Note(_)) => {
            if let Some(Layer::Note(text)) = app.layers.close_focused() {
                save_note(app, text);
            }
        }
        Some(Layer::List(_)) => go_to_listed(app),
        Some(Layer::Calibrate(_)) => {
            if let Some(Layer::Calibrate(text)) = app.layers.close_focused() {
                super::scale::measured(app, &text);
            }
        }
        _ => {}
    }
}

fn save_note(app: &mut App, note: String) {
    let Some(a) = app.annot.as_mut() else { return };
    let Some(mut e) = a.selected_event().cloned() else {
        return;
    };
    e.note = note;
    app.message = Some(match a.store.change(e) {
        Ok(_) => "note saved".into(),
        Err(err) => not_saved(&err),
    });
}

/// Selects the event under the list's cursor (a file's annotation: none), closes the list
/// and goes to it.
fn go_to_listed(app: &mut App) {
    let Some(list) = app.layers.event_list() else {
        return;
    };
    let rows = lists::rows(app, list);
    let Some(&row) = rows.get(list.cursor.min(rows.len().saturating_sub(1))) else {
        return;
    };
    let t = lists::onset(app, row);
    if let Some(a) = app.annot.as_mut() {
        a.selected = match row {
            Listed::Mine(i) => a.store.events().get(i).map(|e| e.id.clone()),
            Listed::File(_) => None,
        };
    }
    app.layers.close_focused();
    if t.is_finite() {
        app.view.jump(t);
    }
}

pub fn delete_char(app: &mut App, _: Arg) {
    match app.layers.focused_mut() {
        Some(Layer::Jump(text) | Layer::Note(text) | Layer::Calibrate(text)) => {
            text.pop();
        }
        Some(Layer::List(list)) => {
            list.filter.pop();
            list.cursor = 0;
        }
        _ => {}
    }
}

/// `move N`: the list cursor or the help scroll N rows down (minus: up; start, end).
pub fn move_rows(app: &mut App, arg: Arg) {
    let n = arg.steps();
    let total = match app.layers.focused_mut() {
        Some(Layer::Help(_)) => help::rows(app).len(),
        _ => 0,
    };
    let shown = help::box_rows(total, app.prepared.layout.area.height);
    match app.layers.focused_mut() {
        Some(Layer::Help(state)) => help::scroll(state, n, total, shown),
        Some(Layer::List(list)) => {
            list.cursor = if n < 0 {
                list.cursor.saturating_sub(n.unsigned_abs() as usize)
            } else {
                list.cursor.saturating_add(n as usize)
            }
        }
        _ => {}
    }
}
