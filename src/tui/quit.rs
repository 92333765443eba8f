//! Leaving the viewer without losing a mark, and keys that must not act blind.
//!
//! An open interval (e.g. AF marked in, not yet closed) lives only in memory until it is
//! closed, so quitting asks first: `q` again quits without it, any other key goes on (its
//! label key or `o` closes it, Esc drops it). While the "terminal too small" screen shows,
//! nothing of the recording is visible, so only quitting works. In view-only mode a label key
//! is answered, once, with why nothing was marked.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use super::app::App;
use super::input::Layer;

/// The reader shown in the status bar when no reader's store is open.
pub const VIEW_ONLY: &str = "view only";

/// What the last frame looked like and what the user has been told.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Guard {
    /// The last frame was the "terminal too small" screen.
    pub too_small: bool,
    /// The view-only notice was shown.
    pub told_view_only: bool,
}

fn is_ctrl_c(ev: KeyEvent) -> bool {
    ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL)
}

impl App {
    /// Quits, unless an interval is open: then asks first.
    pub(crate) fn request_quit(&mut self) {
        let open = self.annot.as_ref().and_then(|a| a.open.clone());
        let (Some(m), Some(a)) = (open, self.annot.as_ref()) else {
            self.quit = true;
            return;
        };
        if self.layers.top() != Some(&Layer::ConfirmQuit) {
            self.layers.push(Layer::ConfirmQuit);
        }
        let name = m
            .label
            .and_then(|l| a.taxonomy.labels.get(l))
            .map_or("an interval".to_string(), |l| l.name.clone());
        let at = super::view::format_offset(m.start, super::view::decimals(&self.view));
        self.message = Some(format!(
            "{name} open since {at} is not saved: close it (its key or o), Esc drops it, q again quits without it"
        ));
    }

    /// Keys that come before all others: the answer to "quit?", and the too-small screen.
    /// True when the key was taken.
    pub(crate) fn quit_key(&mut self, ev: KeyEvent) -> bool {
        let is_quit = is_ctrl_c(ev) || self.keymap.runs(ev, Action::Quit);
        // The question is the top layer: any other key takes it away and goes on.
        if self.layers.top() == Some(&Layer::ConfirmQuit) {
            self.layers.pop();
            if is_quit || ev.code == KeyCode::Char('y') {
                self.quit = true;
                return true;
            }
        }
        if !self.guard.too_small {
            return false;
        }
        if is_quit {
            self.request_quit();
        } else {
            self.message = Some(
                "the terminal is too small to see what a key does: enlarge it, or press q to quit"
                    .into(),
            );
        }
        true
    }

    /// A key that is neither a viewer action nor a label: in view-only mode, says once why
    /// nothing was marked.
    pub(crate) fn unbound_key(&mut self, ev: KeyEvent) {
        let plain = ev.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        if self.annot.is_none()
            && plain
            && matches!(ev.code, KeyCode::Char(_))
            && !self.guard.told_view_only
        {
            self.guard.told_view_only = true;
            self.message = Some(
                "view only: marks are off (open with --reader NAME, without --view-only, to mark)"
                    .into(),
            );
        }
    }
}
