//! The `g` prompt: typing a jump target. Every printable character is kept so that the parser
//! can report it (`-5` is before the start, `5s` has a stray `s`), never silently dropped.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Mode};
use crate::text::sanitize;

/// Longest jump text kept (a clock time with milliseconds is 13 characters).
const MAX_LEN: usize = 40;

impl App {
    /// A key while the jump prompt is open.
    pub(crate) fn jump_key(&mut self, ev: KeyEvent) {
        let Mode::Jump(text) = &mut self.mode else {
            return;
        };
        match ev.code {
            KeyCode::Esc => self.mode = Mode::Normal,
            KeyCode::Char('c') if ev.modifiers.contains(KeyModifiers::CONTROL) => {
                self.mode = Mode::Normal
            }
            KeyCode::Enter => {
                let text = std::mem::take(text);
                self.mode = Mode::Normal;
                self.jump_to_text(&text);
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if !c.is_control() && text.chars().count() < MAX_LEN => text.push(c),
            _ => {}
        }
    }

    /// Jumps to a typed target, or says why it cannot.
    pub(crate) fn jump_to_text(&mut self, text: &str) {
        match super::view::parse_time_within(text, self.start_of_day(), self.view.duration_s) {
            Ok(t) => self.view.jump(t),
            Err(e) => self.message = Some(sanitize(&e.to_string())),
        }
    }
}
