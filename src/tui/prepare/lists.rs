//! The panels' lists: the event list under its filter (cached per store revision and filter,
//! so labels are not lowercased every frame) and the disagreements with the adjudication
//! progress (once per change, not per item per frame).

use crate::tui::app::App;
use crate::tui::input::EventList;

/// Which events the list shows (`tab` in the list cycles).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum ListSource {
    /// The reader's own events.
    #[default]
    Mine,
    /// The recording's embedded annotations (EDF+ TAL), read-only.
    File,
    /// Both, in onset order.
    All,
}

impl ListSource {
    pub fn next(self) -> ListSource {
        match self {
            ListSource::Mine => ListSource::File,
            ListSource::File => ListSource::All,
            ListSource::All => ListSource::Mine,
        }
    }

    /// As the list's title shows it.
    pub fn name(self) -> &'static str {
        match self {
            ListSource::Mine => "mine",
            ListSource::File => "file's",
            ListSource::All => "all",
        }
    }
}

/// One row of the list: an event of the reader's store or an annotation of the recording,
/// by position (`store.events()`, `rec.annotations`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    Mine(usize),
    File(usize),
}

/// The event list's rows.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct EventListView {
    /// (store revision, event count, annotation count, filter, source) the rows were made for.
    key: Option<(u64, usize, usize, String, ListSource)>,
    /// The rows the source and the filter keep, in onset order.
    pub rows: Vec<Listed>,
    /// How many the source holds before the filter.
    pub total: usize,
    /// The list cursor clamped to the rows.
    pub cursor: usize,
}

/// Whether `e` passes the list filter `f` (already lowercased): label or note contains it.
/// The one rule of the event list (`Annotating::listed` uses it too).
pub fn keeps(e: &crate::annotations::Event, f: &str) -> bool {
    f.is_empty() || e.label.to_lowercase().contains(f) || e.note.to_lowercase().contains(f)
}

/// Whether the file's annotation `a` passes the filter `f` (lowercased): its text contains it.
pub fn keeps_file(a: &crate::signal::Annotation, f: &str) -> bool {
    f.is_empty() || a.text.to_lowercase().contains(f)
}

/// The rows `list` shows, in onset order: what the update step caches and Enter goes to.
pub fn rows(app: &App, list: &EventList) -> Vec<Listed> {
    let f = list.filter.to_lowercase();
    let events = app.annot.as_ref().map_or(&[][..], |a| a.store.events());
    let anns = &app.rec.annotations;
    let mine = || {
        (0..events.len())
            .filter(|&i| keeps(&events[i], &f))
            .map(Listed::Mine)
    };
    let file = || {
        (0..anns.len())
            .filter(|&i| keeps_file(&anns[i], &f))
            .map(Listed::File)
    };
    let mut rows: Vec<Listed> = match list.source {
        ListSource::Mine => return mine().collect(),
        ListSource::File => file().collect(),
        ListSource::All => mine().chain(file()).collect(),
    };
    // The file's TALs need not be in time order; stable, so equal onsets keep their order.
    rows.sort_by(|a, b| onset(app, *a).total_cmp(&onset(app, *b)));
    rows
}

/// A row's onset, seconds (NaN when the row is gone).
pub fn onset(app: &App, row: Listed) -> f64 {
    match row {
        Listed::Mine(i) => app
            .annot
            .as_ref()
            .and_then(|a| a.store.events().get(i))
            .map_or(f64::NAN, |e| e.onset),
        Listed::File(i) => app.rec.annotations.get(i).map_or(f64::NAN, |a| a.onset_s),
    }
}

pub fn refresh_event_list(app: &mut App) {
    let Some(list) = app.layers.event_list() else {
        app.prepared.event_list = EventListView::default();
        return;
    };
    let (rev, n) = app
        .annot
        .as_ref()
        .map_or((0, 0), |a| (a.store.revision(), a.store.events().len()));
    let anns = app.rec.annotations.len();
    let key = (rev, n, anns, list.filter.clone(), list.source);
    if app.prepared.event_list.key.as_ref() != Some(&key) {
        let rows = rows(app, list);
        let total = match list.source {
            ListSource::Mine => n,
            ListSource::File => anns,
            ListSource::All => n + anns,
        };
        let view = &mut app.prepared.event_list;
        view.rows = rows;
        view.total = total;
        view.key = Some(key);
    }
    let view = &mut app.prepared.event_list;
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
