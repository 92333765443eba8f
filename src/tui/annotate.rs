//! Marking in the viewer: label keys from the taxonomy, the open interval, the selected event,
//! epoch scoring, the event list. Every change goes through `Store` (journal first).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

pub use super::input::EventList;
use super::keymap::{parse_key, Key, Keymap, Section};
use crate::annotations::event::{new_id, now, round_time};
use crate::annotations::{Certainty, Event, LabelKind, Store, Taxonomy};

/// An interval being marked: from `start` to the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenMark {
    pub start: f64,
    /// The label, when the interval was opened by a label key.
    pub label: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Taxonomy(#[from] crate::annotations::TaxonomyError),
    #[error(transparent)]
    Store(#[from] crate::annotations::StoreError),
    /// A label key that cannot be read or is taken by a viewer action.
    #[error("{}:{line}: {detail}", file.display())]
    Key {
        file: PathBuf,
        line: usize,
        detail: String,
    },
}

pub struct Annotating {
    pub store: Store,
    pub taxonomy: Taxonomy,
    keys: HashMap<Key, usize>,
    pub open: Option<OpenMark>,
    pub selected: Option<String>,
    /// New events apply to the selected channel only.
    pub scope_selected: bool,
    pub certainty: Certainty,
    /// Other readers' events, read-only (`--show-readers`).
    pub others: Vec<(String, Vec<Event>)>,
    pub last_save: Instant,
    /// The recording's SHA-256, once its background job (`hasher`) has delivered it.
    pub sha256: Option<String>,
    pub hasher: Option<crate::jobs::Ticket>,
    /// Names of the taxonomy's epoch labels.
    epoch_labels: Vec<String>,
    /// When this is the consensus store: who adjudicates (stamped on the events made here).
    pub adjudicator: Option<String>,
    epoch_cache: Mutex<Option<(u64, bool)>>,
}

/// Starts hashing `path` as a background job (a day-long file takes about a second); the
/// result arrives on the event loop's channel and `App::on_job` keeps it in `sha256`.
pub(crate) fn hash_in_background(
    jobs: &mut crate::jobs::Runner<super::background::Output>,
    path: &Path,
) -> crate::jobs::Ticket {
    let path = path.to_path_buf();
    let total = std::fs::metadata(&path).map_or(0, |m| m.len());
    let key = crate::jobs::Key::Hash { path: path.clone() };
    jobs.request(key, total, move |ctx| {
        crate::jobs::sha256(&path, ctx).map(super::background::Output::Sha256)
    })
}

impl Annotating {
    /// Binds the taxonomy's keys, refusing a key that cannot be read or that a viewer action
    /// already uses (the error names the taxonomy file and line, and the action).
    pub fn new(store: Store, taxonomy: Taxonomy, nav: &Keymap) -> Result<Annotating, SetupError> {
        let mut keys: HashMap<Key, usize> = HashMap::new();
        for (i, l) in taxonomy.labels.iter().enumerate() {
            let err = |detail: String| SetupError::Key {
                file: l.file.clone(),
                line: l.line,
                detail,
            };
            let key = parse_key(&l.key).ok_or_else(|| {
                err(format!(
                    "label {:?}: cannot read the key {:?}",
                    l.name, l.key
                ))
            })?;
            if let Some(b) = nav
                .bindings()
                .iter()
                .find(|b| b.key == key && passes_labels(b.section))
            {
                return Err(err(format!(
                    "label {:?}: key {:?} is already the viewer's {:?} key ({}); choose another",
                    l.name,
                    l.key,
                    b.run.text(),
                    b.key_text
                )));
            }
            if let Some(&j) = keys.get(&key) {
                return Err(err(format!(
                    "label {:?}: key {:?} is already bound to {:?}",
                    l.name, l.key, taxonomy.labels[j].name
                )));
            }
            keys.insert(key, i);
        }
        let taxonomy_epochs = taxonomy
            .labels
            .iter()
            .filter(|l| l.kind == LabelKind::Epoch)
            .map(|l| l.name.clone())
            .collect();
        Ok(Annotating {
            store,
            taxonomy,
            keys,
            open: None,
            selected: None,
            scope_selected: false,
            certainty: Certainty::Definite,
            others: Vec::new(),
            last_save: Instant::now(),
            sha256: None,
            hasher: None,
            epoch_labels: taxonomy_epochs,
            adjudicator: None,
            epoch_cache: Mutex::new(None),
        })
    }

    /// The label bound to a key.
    pub fn label_for(&self, key: Key) -> Option<usize> {
        self.keys.get(&key).copied()
    }

    /// Saves, with the recording's hash once it is known (`App::save_annotations` can wait
    /// for it).
    pub fn save(&mut self) -> Result<(), crate::annotations::StoreError> {
        if self.store.provenance.sha256.is_none() {
            self.store.provenance.sha256 = self.sha256.clone();
        }
        self.store.save()?;
        self.last_save = Instant::now();
        Ok(())
    }

    pub fn selected_event(&self) -> Option<&Event> {
        self.selected.as_deref().and_then(|id| self.store.get(id))
    }

    /// A new event stamped with this reader and now.
    pub fn new_event(&self, onset: f64, duration: f64, label: &str, channel: String) -> Event {
        let t = now();
        Event {
            onset: round_time(onset.max(0.0)),
            duration: round_time(duration.max(0.0)),
            label: label.to_string(),
            channel,
            certainty: self.certainty,
            note: String::new(),
            reader: self.store.reader.clone(),
            id: new_id(),
            created: t.clone(),
            modified: t,
            source: if self.adjudicator.is_some() {
                crate::annotations::Source::Adjudicated
            } else {
                crate::annotations::Source::None
            },
            adjudicator: self.adjudicator.clone().unwrap_or_default(),
            qa: String::new(),
        }
    }

    /// Events the list shows (its filter, case-insensitive, on label and note; all when the
    /// list is closed).
    pub fn listed(&self, list: Option<&EventList>) -> Vec<&Event> {
        let f = list.map_or(String::new(), |l| l.filter.to_lowercase());
        self.store
            .events()
            .iter()
            .filter(|e| super::prepare::lists::keeps(e, &f))
            .collect()
    }

    /// Whether the label at `i` is a point, interval or epoch label.
    pub fn kind(&self, i: usize) -> LabelKind {
        self.taxonomy
            .labels
            .get(i)
            .map_or(LabelKind::Point, |l| l.kind)
    }

    /// The epoch holding time `t`: (onset, duration).
    pub fn epoch_at(&self, t: f64, duration_s: f64) -> (f64, f64) {
        let e = self.taxonomy.epoch_s;
        let k = (t / e).floor().max(0.0);
        let onset = k * e;
        (onset, e.min((duration_s - onset).max(0.0)))
    }

    /// Whether an event carries one of the taxonomy's epoch labels.
    pub fn is_epoch_event(&self, e: &Event) -> bool {
        !self.epoch_labels.is_empty() && self.epoch_labels.contains(&e.label)
    }

    /// Whether any of the reader's events is a sleep stage (cached per store revision: the
    /// frame asks this for every draw, and a day's file can hold 100,000 events).
    pub fn has_epoch_events(&self) -> bool {
        if self.epoch_labels.is_empty() {
            return false;
        }
        let rev = self.store.revision();
        if let Ok(Some((r, v))) = self.epoch_cache.lock().map(|c| *c) {
            if r == rev {
                return v;
            }
        }
        let v = self.store.events().iter().any(|e| self.is_epoch_event(e));
        if let Ok(mut c) = self.epoch_cache.lock() {
            *c = Some((rev, v));
        }
        v
    }
}

/// Whether label keys reach the viewer through a layer of this section (they do through the
/// viewer's own and through the layers that pass other keys down).
fn passes_labels(s: Section) -> bool {
    matches!(
        s,
        Section::View | Section::Epoch | Section::Adjudicate | Section::Qa
    )
}

/// The list cursor clamped to the filtered list.
pub fn list_cursor(a: &Annotating, list: &EventList) -> usize {
    let n = a.listed(Some(list)).len();
    list.cursor.min(n.saturating_sub(1))
}

pub(crate) fn self_channel(
    lanes: &[super::app::Lane],
    selected: Option<usize>,
    scoped: bool,
) -> String {
    match selected {
        Some(i) if scoped => lanes
            .get(i)
            .map_or(String::new(), |l| l.derivation.label.clone()),
        _ => String::new(),
    }
}

/// Adds the open interval from `start` to `end` (either order) with label `i`; the message
/// shows the times to `places` decimals.
pub(crate) fn close_interval(
    a: &mut Annotating,
    (start, end, places): (f64, f64, usize),
    i: usize,
    channel: String,
) -> Result<String, crate::annotations::StoreError> {
    let (t0, t1) = (start.min(end), start.max(end));
    let name = a.taxonomy.labels[i].name.clone();
    let e = a.new_event(t0, t1 - t0, &name, channel);
    a.selected = Some(e.id.clone());
    a.store.add(e)?;
    a.open = None;
    Ok(format!(
        "{name} {} to {}",
        super::view::format_offset(t0, places),
        super::view::format_offset(t1, places)
    ))
}
