//! Opening and closing layers of the input stack, and the keys the layers share: submit,
//! delete a typed character, move a cursor or scroll by rows. Each acts on the layer whose
//! keymap section ran it (`Layers::focused_mut`).

use super::annotate::not_saved;
use super::param::Arg;
use crate::tui::app::App;
use crate::tui::help::{self, HelpState};
use crate::tui::input::Layer;

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

/// Selects the event under the list's cursor, closes the list and goes to the event.
fn go_to_listed(app: &mut App) {
    let (Some(a), Some(list)) = (app.annot.as_mut(), app.layers.event_list()) else {
        return;
    };
    let k = crate::tui::annotate::list_cursor(a, list);
    let Some((id, t)) = a.listed(Some(list)).get(k).map(|e| (e.id.clone(), e.onset)) else {
        return;
    };
    a.selected = Some(id);
    app.layers.close_focused();
    app.view.jump(t);
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
