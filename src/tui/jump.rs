//! The `g` prompt's answer: the typed jump target, parsed (the prompt layer keeps every
//! printable character so that the parser can report it: `-5` is before the start, `5s` has
//! a stray `s`).

use super::app::App;
use crate::text::sanitize;

impl App {
    /// Jumps to a typed target, or says why it cannot.
    pub(crate) fn jump_to_text(&mut self, text: &str) {
        match super::view::parse_time_within(text, self.start_of_day(), self.view.duration_s) {
            Ok(t) => self.view.jump(t),
            Err(e) => self.message = Some(sanitize(&e.to_string())),
        }
    }
}
