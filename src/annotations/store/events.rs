//! The store's events in (onset, id) order, with an id -> onset map kept in step with every
//! change, so finding an event by id is a hash lookup and a binary search (O(log n)) instead
//! of a scan of a 100,000-event table.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::annotations::event::Event;

#[derive(Debug, Default)]
pub(super) struct Events {
    list: Vec<Event>,
    onset_of: HashMap<String, f64>,
}

/// The one order of the table: onset (`total_cmp`), then id.
fn order(onset: f64, id: &str, e: &Event) -> Ordering {
    e.onset
        .total_cmp(&onset)
        .then_with(|| e.id.as_str().cmp(id))
}

impl Events {
    /// Sorts `list` (ids are unique: `read_table` refuses duplicates).
    pub(super) fn new(mut list: Vec<Event>) -> Events {
        list.sort_by(|a, b| a.onset.total_cmp(&b.onset).then_with(|| a.id.cmp(&b.id)));
        let onset_of = list.iter().map(|e| (e.id.clone(), e.onset)).collect();
        Events { list, onset_of }
    }

    pub(super) fn as_slice(&self) -> &[Event] {
        &self.list
    }

    pub(super) fn into_vec(self) -> Vec<Event> {
        self.list
    }

    pub(super) fn len(&self) -> usize {
        self.list.len()
    }

    fn position(&self, id: &str) -> Option<usize> {
        let onset = *self.onset_of.get(id)?;
        self.list.binary_search_by(|e| order(onset, id, e)).ok()
    }

    pub(super) fn get(&self, id: &str) -> Option<&Event> {
        self.position(id).map(|i| &self.list[i])
    }

    /// Sets event `id` to `state` (None removes it), keeping the order.
    pub(super) fn set(&mut self, id: &str, state: Option<Event>) {
        if let Some(i) = self.position(id) {
            self.list.remove(i);
            self.onset_of.remove(id);
        }
        if let Some(e) = state {
            let at = self
                .list
                .partition_point(|x| order(e.onset, &e.id, x) == Ordering::Less);
            self.onset_of.insert(e.id.clone(), e.onset);
            self.list.insert(at, e);
        }
    }
}
