//! What the typing layers do with keys their keymap section does not bind: the jump prompt and
//! the note editor keep every printable character (the parser reports a stray one, never
//! dropped silently); the event list types its filter and passes other keys to the viewer.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{is_ctrl_c, Layer, Outcome};
use crate::tui::app::App;
use crate::tui::keymap::Key;

/// Longest jump text kept (a clock time with milliseconds is 13 characters).
const MAX_JUMP: usize = 40;
/// Longest note kept.
const MAX_NOTE: usize = 500;

fn printable(ev: KeyEvent) -> Option<char> {
    match ev.code {
        KeyCode::Char(c) if !c.is_control() => Some(c),
        _ => None,
    }
}

impl App {
    pub(super) fn type_into_prompt(&mut self, depth: usize, ev: KeyEvent) -> Outcome {
        if let (Some(Layer::Jump(text) | Layer::Calibrate(text)), Some(c)) =
            (self.layers.stack.get_mut(depth), printable(ev))
        {
            if text.chars().count() < MAX_JUMP {
                text.push(c);
            }
        }
        // The prompt takes every key.
        Outcome::Handled
    }

    pub(super) fn type_into_note(&mut self, depth: usize, ev: KeyEvent) -> Outcome {
        if is_ctrl_c(ev) {
            return Outcome::Pass; // the viewer quits (asking first when an interval is open)
        }
        if let (Some(Layer::Note(text)), Some(c)) =
            (self.layers.stack.get_mut(depth), printable(ev))
        {
            if text.chars().count() < MAX_NOTE {
                text.push(c);
            }
        }
        Outcome::Handled
    }

    pub(super) fn type_into_list(&mut self, depth: usize, ev: KeyEvent) -> Outcome {
        let plain = ev.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        match (self.layers.stack.get_mut(depth), printable(ev)) {
            (Some(Layer::List(list)), Some(c)) if plain => {
                list.filter.push(c);
                list.cursor = 0;
                Outcome::Handled
            }
            // Other keys (arrows with modifiers, function keys) go on to the viewer.
            _ => Outcome::Pass,
        }
    }

    /// A label key changes the selected event's label; other keys go on to the viewer.
    pub(super) fn relabel_key(&mut self, key: Key) -> Outcome {
        let Some(i) = self.annot.as_ref().and_then(|a| a.label_for(key)) else {
            return Outcome::Pass;
        };
        self.layers.remove(&Layer::Relabel);
        self.relabel_to(i);
        Outcome::Handled
    }
}
