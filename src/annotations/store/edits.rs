//! The edit stack: every edit is journaled then applied; one undo step is one edit or a group
//! of edits made at once (accepting detected beats), and undoing or redoing a group journals
//! each of its edits, so the journal alone replays to what the screen showed.

use super::journal::Action;
use super::{now, Event, Store, StoreError};

/// An edit as the undo stack keeps it: the event's state before and after.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Edit {
    id: String,
    before: Option<Event>,
    after: Option<Event>,
}

/// Which way a step is being moved.
#[derive(Clone, Copy)]
enum Way {
    Undo,
    Redo,
}

impl Store {
    /// Journals then applies each `(id, state after)` in order, as one undo step; a new edit
    /// clears the redo stack. When the journal fails part way, the edits already made stay (they
    /// are journaled) as one undo step and the error is returned.
    fn edit_group(
        &mut self,
        action: Action,
        edits: Vec<(String, Option<Event>)>,
    ) -> Result<usize, StoreError> {
        let mut done = Vec::with_capacity(edits.len());
        let mut result = Ok(());
        for (id, after) in edits {
            let before = self.get(&id).cloned();
            if let Err(e) = self.journal(action, &id, before.clone(), after.clone()) {
                result = Err(e);
                break;
            }
            self.events.set(&id, after.clone());
            done.push(Edit { id, before, after });
        }
        let n = done.len();
        if n > 0 {
            self.undo.push(done);
            self.redo.clear();
        }
        result.map(|()| n)
    }

    fn edit(&mut self, action: Action, id: &str, after: Option<Event>) -> Result<(), StoreError> {
        self.edit_group(action, vec![(id.to_string(), after)])
            .map(|_| ())
    }

    /// Adds a new event; `false` (and nothing done) when an event with its id exists already,
    /// so an add never replaces an event it was not aimed at.
    pub fn add(&mut self, event: Event) -> Result<bool, StoreError> {
        if self.get(&event.id).is_some() {
            return Ok(false);
        }
        let id = event.id.clone();
        self.edit(Action::Add, &id, Some(event))?;
        Ok(true)
    }

    /// Adds an event copied from elsewhere (an embedded annotation, another table); `false`
    /// when its id is taken.
    pub fn import(&mut self, event: Event) -> Result<bool, StoreError> {
        if self.get(&event.id).is_some() {
            return Ok(false);
        }
        let id = event.id.clone();
        self.edit(Action::Import, &id, Some(event))?;
        Ok(true)
    }

    /// Imports many events as one undo step (each journaled as an `import` entry); events whose
    /// id is taken are skipped. Returns how many were added.
    pub fn import_all(&mut self, events: Vec<Event>) -> Result<usize, StoreError> {
        let mut ids = std::collections::HashSet::new();
        let edits: Vec<(String, Option<Event>)> = events
            .into_iter()
            .filter(|e| self.get(&e.id).is_none() && ids.insert(e.id.clone()))
            .map(|e| (e.id.clone(), Some(e)))
            .collect();
        self.edit_group(Action::Import, edits)
    }

    /// An event at the same place with the same label as `e` (onset, duration, label and
    /// channel equal), whatever its id: what a second copy of `e` would duplicate.
    pub fn find_same(&self, e: &Event) -> Option<&Event> {
        let from = self.first_at_or_after(e.onset);
        self.events.as_slice()[from..]
            .iter()
            .take_while(|x| x.onset == e.onset)
            .find(|x| x.duration == e.duration && x.label == e.label && x.channel == e.channel)
    }

    pub fn delete(&mut self, id: &str) -> Result<bool, StoreError> {
        if self.get(id).is_none() {
            return Ok(false);
        }
        self.edit(Action::Delete, id, None)?;
        Ok(true)
    }

    /// Replaces the event with `after.id`, stamping `modified`.
    pub fn change(&mut self, mut after: Event) -> Result<bool, StoreError> {
        let Some(before) = self.get(&after.id) else {
            return Ok(false);
        };
        if *before == after {
            return Ok(false);
        }
        after.modified = now();
        let id = after.id.clone();
        self.edit(Action::Change, &id, Some(after))?;
        Ok(true)
    }

    /// Undoes the last step (one edit or a whole group); returns an id it touched.
    pub fn undo(&mut self) -> Result<Option<String>, StoreError> {
        self.step(Way::Undo)
    }

    pub fn redo(&mut self) -> Result<Option<String>, StoreError> {
        self.step(Way::Redo)
    }

    /// Moves one step from the undo stack to the redo stack or back, journaling each edit.
    /// Undo goes through a group backwards, redo forwards. When the journal fails part way,
    /// the edits already moved form a step on the other stack and the rest stay where they
    /// were, so the stacks always match the events.
    fn step(&mut self, way: Way) -> Result<Option<String>, StoreError> {
        let from = match way {
            Way::Undo => &mut self.undo,
            Way::Redo => &mut self.redo,
        };
        let Some(mut group) = from.pop() else {
            return Ok(None);
        };
        let first = group.first().map(|e| e.id.clone());
        if let Way::Undo = way {
            group.reverse();
        }
        let mut moved = Vec::with_capacity(group.len());
        let mut result = Ok(());
        let mut rest = group.into_iter();
        for e in rest.by_ref() {
            let (action, old, new) = match way {
                Way::Undo => (Action::Undo, &e.after, &e.before),
                Way::Redo => (Action::Redo, &e.before, &e.after),
            };
            if let Err(err) = self.journal(action, &e.id, old.clone(), new.clone()) {
                result = Err(err);
                moved.push(e); // not moved: put back below
                break;
            }
            self.events.set(&e.id, new.clone());
            moved.push(e);
        }
        let failed = result.is_err().then(|| moved.pop()).flatten();
        let mut left: Vec<Edit> = failed.into_iter().chain(rest).collect();
        // Both stacks keep groups in the order the edits were made.
        if let Way::Undo = way {
            left.reverse();
            moved.reverse();
        }
        let (back, to) = match way {
            Way::Undo => (&mut self.undo, &mut self.redo),
            Way::Redo => (&mut self.redo, &mut self.undo),
        };
        if !left.is_empty() {
            back.push(left);
        }
        if !moved.is_empty() {
            to.push(moved);
        }
        result.map(|()| first)
    }
}
