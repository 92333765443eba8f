//! The panels' lists: the event list under its filter (cached per store revision and filter,
//! so labels are not lowercased every frame) and the disagreements with the adjudication
//! progress (once per change, not per item per frame).

use crate::tui::app::App;

/// The event list's rows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventListView {
    /// (store revision, event count, filter) the rows were made for.
    key: Option<(u64, usize, String)>,
    /// Positions in `store.events()` of the events the filter keeps.
    pub rows: Vec<usize>,
    /// The list cursor clamped to the rows.
    pub cursor: usize,
}

/// Whether `e` passes the list filter `f` (already lowercased): label or note contains it.
/// The one rule of the event list (`Annotating::listed` uses it too).
pub fn keeps(e: &crate::annotations::Event, f: &str) -> bool {
    f.is_empty() || e.label.to_lowercase().contains(f) || e.note.to_lowercase().contains(f)
}

pub fn refresh_event_list(app: &mut App) {
    let Some(a) = &app.annot else {
        app.prepared.event_list = EventListView::default();
        return;
    };
    let Some(list) = app.layers.event_list() else {
        app.prepared.event_list = EventListView::default();
        return;
    };
    let events = a.store.events();
    let key = (a.store.revision(), events.len(), list.filter.clone());
    let view = &mut app.prepared.event_list;
    if view.key.as_ref() != Some(&key) {
        let f = list.filter.to_lowercase();
        view.rows = (0..events.len())
            .filter(|&i| keeps(&events[i], &f))
            .collect();
        view.key = Some(key);
    }
    view.cursor = list.cursor.min(view.rows.len().saturating_sub(1));
}

/// The disagreement list and the progress.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AdjudicationView {
    /// (items, decisions, consensus revision) it was made for.
    key: Option<(usize, usize, u64)>,
    pub done: usize,
    pub total: usize,
    /// Item indices of the disagreements, in time order.
    pub items: Vec<usize>,
    /// Position of the current item in `items` (0 when none).
    pub cursor: usize,
}

pub fn refresh_adjudication(app: &mut App) {
    let Some(adj) = &app.adjudication else {
        app.prepared.adjudication = AdjudicationView::default();
        return;
    };
    let rev = app.annot.as_ref().map_or(0, |a| a.store.revision());
    let key = (adj.items.len(), adj.decided.len(), rev);
    let view = &mut app.prepared.adjudication;
    if view.key != Some(key) {
        let (done, total) = adj.progress();
        view.done = done;
        view.total = total;
        view.items = adj.disagreements().map(|(k, _)| k).collect();
        view.key = Some(key);
    }
    view.cursor = adj
        .current
        .and_then(|c| view.items.binary_search(&c).ok())
        .unwrap_or(0);
}
