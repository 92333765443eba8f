//! One input stack: the viewer at the bottom and above it whatever is open (prompt, note
//! editor, event list, help, disagreement list, epoch scoring). The top layer gets the key and
//! either handles it or passes it down; each layer's keys are its section of the keymap. This
//! order replaces the chain of `if`s that used to decide which mode won.

mod labels;
mod text;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::App;
use super::help::HelpState;
use super::keymap::{Key, Section};

/// The event list panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventList {
    pub filter: String,
    pub cursor: usize,
    /// Mine, the file's or all (`tab`).
    pub source: super::prepare::lists::ListSource,
}

/// Something open above the viewer.
#[derive(Debug, Clone, PartialEq)]
pub enum Layer {
    /// Typing a jump target (`g`).
    Jump(String),
    /// Typing a note for the selected event.
    Note(String),
    /// The next label key changes the selected event's label; other keys go on to the viewer.
    Relabel,
    /// Asked whether to quit with an interval open (`quit.rs`).
    ConfirmQuit,
    List(EventList),
    Help(HelpState),
    /// The disagreement list beside the waveforms (adjudicating).
    Disagreements,
    /// Epoch scoring: the window is one epoch.
    Epoch,
    /// Typing the measured length of the 50 mm ruler (F4, `scale.rs`); the prompt's keys.
    Calibrate(String),
}

impl Layer {
    /// The keymap section of this layer's keys (None: it has no keys of its own).
    pub fn section(&self) -> Option<Section> {
        match self {
            Layer::Jump(_) | Layer::Calibrate(_) => Some(Section::Prompt),
            Layer::Note(_) => Some(Section::Note),
            Layer::List(_) => Some(Section::List),
            Layer::Help(_) => Some(Section::Help),
            Layer::Disagreements => Some(Section::Adjudicate),
            Layer::Epoch => Some(Section::Epoch),
            Layer::Relabel | Layer::ConfirmQuit => None,
        }
    }

    fn same_kind(&self, other: &Layer) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
    }
}

/// What a layer did with a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Handled,
    Pass,
}

/// The open layers, bottom first (the viewer itself is below them all).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layers {
    stack: Vec<Layer>,
    /// While a layer's section runs an action: that layer's depth (the action acts on it).
    focus: Option<usize>,
}

impl Layers {
    pub fn push(&mut self, layer: Layer) {
        self.stack.push(layer);
    }

    /// The layer an action acts on: the one whose key ran it, else the top.
    pub fn focused_mut(&mut self) -> Option<&mut Layer> {
        match self.focus {
            Some(d) => self.stack.get_mut(d),
            None => self.stack.last_mut(),
        }
    }

    /// Closes the layer an action acts on.
    pub fn close_focused(&mut self) -> Option<Layer> {
        match self.focus.take() {
            Some(d) if d < self.stack.len() => Some(self.stack.remove(d)),
            _ => self.stack.pop(),
        }
    }

    pub fn pop(&mut self) -> Option<Layer> {
        self.stack.pop()
    }

    pub fn top(&self) -> Option<&Layer> {
        self.stack.last()
    }

    pub fn top_mut(&mut self) -> Option<&mut Layer> {
        self.stack.last_mut()
    }

    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Layer> {
        self.stack.iter()
    }

    pub fn has(&self, kind: &Layer) -> bool {
        self.stack.iter().any(|l| l.same_kind(kind))
    }

    /// Removes every layer of `kind`; true when there was one.
    pub fn remove(&mut self, kind: &Layer) -> bool {
        let before = self.stack.len();
        self.stack.retain(|l| !l.same_kind(kind));
        self.stack.len() != before
    }

    /// Opens `layer` on top, or closes it when one of its kind is open; true when opened.
    pub fn toggle(&mut self, layer: Layer) -> bool {
        if self.remove(&layer) {
            return false;
        }
        self.push(layer);
        true
    }

    pub fn event_list(&self) -> Option<&EventList> {
        self.stack.iter().rev().find_map(|l| match l {
            Layer::List(list) => Some(list),
            _ => None,
        })
    }

    pub fn help(&self) -> Option<&HelpState> {
        self.stack.iter().rev().find_map(|l| match l {
            Layer::Help(h) => Some(h),
            _ => None,
        })
    }

    pub fn epoch_mode(&self) -> bool {
        self.has(&Layer::Epoch)
    }

    pub fn disagreements_open(&self) -> bool {
        self.has(&Layer::Disagreements)
    }

    /// The text being typed in the prompt or note editor on top, with which it is.
    pub fn typing(&self) -> Option<&Layer> {
        self.top()
            .filter(|l| matches!(l, Layer::Jump(_) | Layer::Note(_) | Layer::Calibrate(_)))
    }

    /// The status bar's mode name.
    pub fn mode_name(&self) -> &'static str {
        match self.top() {
            Some(Layer::Jump(_)) => "JUMP",
            Some(Layer::Help(_)) => "HELP",
            Some(Layer::Calibrate(_)) => "CALIBRATE",
            _ => "VIEW",
        }
    }
}

fn is_ctrl_c(ev: KeyEvent) -> bool {
    ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL)
}

impl App {
    /// A key press: the answer to "quit?" and the too-small screen first (`quit.rs`), then the
    /// layers from the top down, then the viewer.
    pub fn on_key(&mut self, ev: KeyEvent) {
        if ev.kind == crossterm::event::KeyEventKind::Release {
            return;
        }
        self.message = None;
        if self.quit_key(ev) {
            return;
        }
        let mut depth = self.layers.iter().count();
        while depth > 0 {
            depth -= 1;
            if self.layer_key(depth, ev) == Outcome::Handled {
                return;
            }
        }
        self.view_key(ev);
    }

    /// The key offered to the layer at `depth` (0 = the lowest).
    fn layer_key(&mut self, depth: usize, ev: KeyEvent) -> Outcome {
        let Some(layer) = self.layers.stack.get(depth) else {
            return Outcome::Pass;
        };
        if let Some(run) = layer.section().and_then(|s| self.keymap.get(s, ev)) {
            // The action acts on this layer, wherever it is in the stack.
            self.layers.focus = Some(depth);
            self.run(run);
            self.layers.focus = None;
            return Outcome::Handled;
        }
        match layer {
            Layer::Jump(_) | Layer::Calibrate(_) => self.type_into_prompt(depth, ev),
            Layer::Note(_) => self.type_into_note(depth, ev),
            Layer::List(_) => self.type_into_list(depth, ev),
            // Any key help does not bind closes it (and does nothing else).
            Layer::Help(_) => {
                self.layers.stack.remove(depth);
                Outcome::Handled
            }
            Layer::Relabel => self.relabel_key(Key::from_event(ev)),
            Layer::ConfirmQuit | Layer::Disagreements | Layer::Epoch => Outcome::Pass,
        }
    }

    /// The viewer, under every layer: its keymap section, then the label keys.
    fn view_key(&mut self, ev: KeyEvent) {
        let qa = self.qa.as_ref().and(self.keymap.get(Section::Qa, ev));
        if is_ctrl_c(ev) {
            self.request_quit();
        } else if let Some(run) = qa.or_else(|| self.keymap.get(Section::View, ev)) {
            self.run(run);
        } else if self.qa.is_some() && self.is_label_key(Key::from_event(ev)) {
            // QA decides on the readers' events; it never adds one of its own.
            self.message = Some(super::qa::NO_NEW_EVENTS.into());
        } else if !self.label_key(Key::from_event(ev)) {
            self.unbound_key(ev);
        }
    }

    /// Runs a keymap row's action (in QA only what [`super::qa::refusal`] allows: the
    /// consensus changes only through the current event and its decision).
    pub fn run(&mut self, run: super::action::Invocation) {
        if let Some(why) = super::qa::refusal(self, run.action) {
            self.message = Some(why.into());
            return;
        }
        (run.action.handler())(self, run.arg);
    }
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
