//! Marking in the viewer: label keys from the taxonomy, the open interval, the selected event,
//! epoch scoring, the event list. Every change goes through `Store` (journal first).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::keymap::{parse_key, Key, Keymap};
use crate::annotations::event::{new_id, now, round_time};
use crate::annotations::{Certainty, Event, LabelKind, Store, Taxonomy};

/// An interval being marked: from `start` to the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenMark {
    pub start: f64,
    /// The label, when the interval was opened by a label key.
    pub label: Option<usize>,
}

/// A prompt or choice waiting for keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    None,
    /// The next label key changes the selected event's label.
    Relabel,
    /// Typing a note for the selected event.
    Note(String),
    /// Asked whether to quit with an interval open (`quit.rs`).
    Quit,
}

/// The event list panel.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventList {
    pub filter: String,
    pub cursor: usize,
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
    pub epoch_mode: bool,
    pub pending: Pending,
    pub list: Option<EventList>,
    /// Other readers' events, read-only (`--show-readers`).
    pub others: Vec<(String, Vec<Event>)>,
    pub last_save: Instant,
    /// The recording's SHA-256, computed on a background thread.
    pub sha256: Arc<Mutex<Option<String>>>,
    hasher: Option<std::thread::JoinHandle<()>>,
    /// Names of the taxonomy's epoch labels.
    epoch_labels: Vec<String>,
    /// When this is the consensus store: who adjudicates (stamped on the events made here).
    pub adjudicator: Option<String>,
    epoch_cache: Mutex<Option<(u64, bool)>>,
}

/// Starts hashing `path` on a background thread (a day-long file takes about a second).
fn hash_in_background(
    path: &Path,
) -> (
    Arc<Mutex<Option<String>>>,
    Option<std::thread::JoinHandle<()>>,
) {
    use sha2::Digest;
    let slot = Arc::new(Mutex::new(None));
    let (out, path) = (slot.clone(), path.to_path_buf());
    let handle = std::thread::Builder::new()
        .name("sha256".into())
        .spawn(move || {
            use std::io::Read;
            let Ok(mut f) = std::fs::File::open(&path) else {
                return;
            };
            let mut h = sha2::Sha256::new();
            let mut buf = vec![0u8; 1 << 20];
            loop {
                match f.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => h.update(&buf[..n]),
                    Err(_) => return,
                }
            }
            let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
            if let Ok(mut s) = out.lock() {
                *s = Some(hex);
            }
        })
        .ok();
    (slot, handle)
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
            if let Some(b) = nav.bindings().iter().find(|b| b.key == key) {
                return Err(err(format!(
                    "label {:?}: key {:?} is already the viewer's {:?} key ({}); choose another",
                    l.name,
                    l.key,
                    b.action.name(),
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
        let (sha256, hasher) = hash_in_background(&store.provenance.recording);
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
            epoch_mode: false,
            pending: Pending::None,
            list: None,
            others: Vec::new(),
            last_save: Instant::now(),
            sha256,
            hasher,
            epoch_labels: taxonomy_epochs,
            adjudicator: None,
            epoch_cache: Mutex::new(None),
        })
    }

    /// The label bound to a key.
    pub fn label_for(&self, key: Key) -> Option<usize> {
        self.keys.get(&key).copied()
    }

    /// Saves, with the recording's hash once it is known; `wait` waits for the hash.
    pub fn save(&mut self, wait: bool) -> Result<(), crate::annotations::StoreError> {
        if wait {
            if let Some(h) = self.hasher.take() {
                let _ = h.join();
            }
        }
        if self.store.provenance.sha256.is_none() {
            self.store.provenance.sha256 = self.sha256.lock().ok().and_then(|s| s.clone());
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
        }
    }

    /// Events the list shows (its filter, case-insensitive, on label and note).
    pub fn listed(&self) -> Vec<&Event> {
        let f = self
            .list
            .as_ref()
            .map_or(String::new(), |l| l.filter.to_lowercase());
        self.store
            .events()
            .iter()
            .filter(|e| {
                f.is_empty()
                    || e.label.to_lowercase().contains(&f)
                    || e.note.to_lowercase().contains(&f)
            })
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

impl Drop for Annotating {
    fn drop(&mut self) {
        if let Some(h) = self.hasher.take() {
            let _ = h.join();
        }
    }
}

use super::action::Action;
use super::app::App;
use crate::text::sanitize;

impl App {
    /// Runs an annotation action; false when there is nothing to annotate with.
    pub(crate) fn annotate_action(&mut self, action: Action) {
        let Some(mut taken) = self.annot.take() else {
            self.message =
                Some("annotating is off: open with a reader (--reader) to mark events".into());
            return;
        };
        let a = &mut taken;
        let cursor = self.view.cursor_s;
        let step = self.view.span_s / 50.0;
        let places = super::view::decimals(&self.view);
        let result: Result<Option<String>, crate::annotations::StoreError> = (|| {
            Ok(match action {
                Action::MarkIn => {
                    a.open = Some(OpenMark {
                        start: cursor,
                        label: None,
                    });
                    Some(format!(
                        "interval from {}: move, then press its label key",
                        super::view::format_offset(cursor, places)
                    ))
                }
                Action::MarkOut => match a.open.clone() {
                    Some(OpenMark {
                        label: Some(l),
                        start,
                    }) => Some(close_interval(
                        a,
                        (start, cursor, places),
                        l,
                        self_channel(&self.lanes, self.selected_lane(), a.scope_selected),
                    )?),
                    Some(_) => Some("press the interval's label key to close it".into()),
                    None => Some("no open interval: mark in first".into()),
                },
                Action::CancelMark => {
                    let had = a.open.take().is_some()
                        || a.list.take().is_some()
                        || a.pending != Pending::None;
                    a.pending = Pending::None;
                    had.then(|| "cancelled".to_string())
                }
                Action::NextEvent | Action::PrevEvent => {
                    let listed = a.listed();
                    let next = if action == Action::NextEvent {
                        listed.iter().find(|e| e.onset > cursor + 1e-6)
                    } else {
                        listed.iter().rev().find(|e| e.onset < cursor - 1e-6)
                    };
                    match next {
                        Some(e) => {
                            let (id, t) = (e.id.clone(), e.onset);
                            a.selected = Some(id);
                            if t < self.view.start_s || t > self.view.end_s() {
                                self.view.jump(t);
                            } else {
                                self.view.move_cursor(t - cursor);
                            }
                            None
                        }
                        None => Some("no more events that way".into()),
                    }
                }
                Action::DeleteEvent => match a.selected.take() {
                    Some(id) => {
                        a.store.delete(&id)?;
                        Some("deleted (u undoes)".into())
                    }
                    None => {
                        Some("select an event first (. and , go to the next and previous)".into())
                    }
                },
                Action::Undo => match a.store.undo()? {
                    Some(id) => {
                        a.selected = a.store.get(&id).map(|e| e.id.clone());
                        Some("undone".into())
                    }
                    None => Some("nothing to undo".into()),
                },
                Action::Redo => match a.store.redo()? {
                    Some(id) => {
                        a.selected = a.store.get(&id).map(|e| e.id.clone());
                        Some("redone".into())
                    }
                    None => Some("nothing to redo".into()),
                },
                Action::Relabel => {
                    if a.selected_event().is_some() {
                        a.pending = Pending::Relabel;
                        Some("press the new label's key".into())
                    } else {
                        Some("select an event first".into())
                    }
                }
                Action::EditNote => match a.selected_event() {
                    Some(e) => {
                        a.pending = Pending::Note(e.note.clone());
                        None
                    }
                    None => Some("select an event first".into()),
                },
                Action::ToggleCertainty => match a.selected_event().cloned() {
                    Some(mut e) => {
                        e.certainty = e.certainty.toggled();
                        let c = e.certainty;
                        a.store.change(e)?;
                        Some(format!("event is {}", c.as_str()))
                    }
                    None => {
                        a.certainty = a.certainty.toggled();
                        Some(format!("new events are {}", a.certainty.as_str()))
                    }
                },
                Action::ToggleScope => {
                    a.scope_selected = !a.scope_selected;
                    Some(
                        if a.scope_selected {
                            "new events apply to the selected channel"
                        } else {
                            "new events apply to all channels"
                        }
                        .into(),
                    )
                }
                Action::MoveEventBack
                | Action::MoveEventForward
                | Action::ShrinkEvent
                | Action::GrowEvent => match a.selected_event().cloned() {
                    Some(mut e) => {
                        match action {
                            Action::MoveEventBack => {
                                e.onset = round_time((e.onset - step).max(0.0))
                            }
                            Action::MoveEventForward => {
                                e.onset = round_time((e.onset + step).min(self.view.duration_s))
                            }
                            Action::ShrinkEvent => {
                                e.duration = round_time((e.duration - step).max(0.0))
                            }
                            _ => {
                                e.duration = round_time(
                                    (e.duration + step)
                                        .min((self.view.duration_s - e.onset).max(0.0)),
                                )
                            }
                        }
                        let t = e.onset;
                        a.store.change(e)?;
                        self.view.move_cursor(t - cursor);
                        None
                    }
                    None => Some("select an event first".into()),
                },
                Action::EpochMode => {
                    a.epoch_mode = !a.epoch_mode;
                    if a.epoch_mode {
                        let (onset, _) = a.epoch_at(cursor, self.view.duration_s);
                        self.view.set_span(a.taxonomy.epoch_s);
                        self.view.start_s = onset;
                        self.view.jump(onset + a.taxonomy.epoch_s / 2.0);
                        Some(format!(
                            "epoch scoring: {} s epochs; a stage key labels the epoch and advances",
                            a.taxonomy.epoch_s
                        ))
                    } else {
                        Some("epoch scoring off".into())
                    }
                }
                Action::EventList => {
                    a.list = match a.list.take() {
                        Some(_) => None,
                        None => Some(EventList::default()),
                    };
                    None
                }
                Action::CopyAnnotation => {
                    let best = self
                        .rec
                        .annotations
                        .iter()
                        .filter(|x| x.onset_s <= cursor + self.view.span_s / 100.0)
                        .filter(|x| x.onset_s >= self.view.start_s)
                        .min_by(|x, y| {
                            (cursor - x.onset_s)
                                .abs()
                                .total_cmp(&(cursor - y.onset_s).abs())
                        });
                    match best {
                        Some(x) => {
                            let mut e = a.new_event(
                                x.onset_s,
                                x.duration_s.unwrap_or(0.0),
                                &x.text,
                                x.channel.clone().unwrap_or_default(),
                            );
                            e.note = "copied from the recording's annotation".into();
                            // A second C on the same annotation selects the first copy.
                            if let Some(same) = a.store.find_same(&e) {
                                a.selected = Some(same.id.clone());
                                Some(format!("{:?} is copied already", sanitize(&x.text)))
                            } else {
                                let id = e.id.clone();
                                a.store.import(e)?;
                                a.selected = Some(id);
                                Some(format!("copied {:?}", sanitize(&x.text)))
                            }
                        }
                        None => Some("no file annotation in view at or before the cursor".into()),
                    }
                }
                Action::Save => {
                    a.save(false)?;
                    Some(format!(
                        "saved {} events to {}",
                        a.store.events().len(),
                        sanitize(&a.store.paths.events.display().to_string())
                    ))
                }
                _ => None,
            })
        })();
        self.annot = Some(taken);
        match result {
            Ok(msg) => {
                if msg.is_some() {
                    self.message = msg;
                }
            }
            Err(e) => self.message = Some(format!("NOT SAVED: {}", sanitize(&e.to_string()))),
        }
    }

    /// A taxonomy key in normal mode: mark, close the open interval, score the epoch, or
    /// relabel. Returns false when the key is not a label key.
    pub(crate) fn label_key(&mut self, key: Key) -> bool {
        let sel_lane = self.selected_lane();
        let Some(i) = self.annot.as_ref().and_then(|a| a.label_for(key)) else {
            return false;
        };
        let Some(mut taken) = self.annot.take() else {
            return false;
        };
        let a = &mut taken;
        let cursor = self.view.cursor_s;
        let places = super::view::decimals(&self.view);
        let channel = self_channel(&self.lanes, sel_lane, a.scope_selected);
        let name = a.taxonomy.labels[i].name.clone();
        let result: Result<Option<String>, crate::annotations::StoreError> = (|| {
            if a.pending == Pending::Relabel {
                a.pending = Pending::None;
                if let Some(mut e) = a.selected_event().cloned() {
                    e.label = name.clone();
                    a.store.change(e)?;
                    return Ok(Some(format!("label changed to {name}")));
                }
                return Ok(None);
            }
            Ok(Some(match a.kind(i) {
                LabelKind::Point => {
                    let e = a.new_event(cursor, 0.0, &name, channel);
                    a.selected = Some(e.id.clone());
                    a.store.add(e)?;
                    format!("{name} at {}", super::view::format_offset(cursor, places))
                }
                LabelKind::Interval => match a.open.clone() {
                    Some(m) => close_interval(a, (m.start, cursor, places), i, channel)?,
                    None => {
                        a.open = Some(OpenMark {
                            start: cursor,
                            label: Some(i),
                        });
                        format!(
                            "{name} from {}: move, then press the key again (or o)",
                            super::view::format_offset(cursor, places)
                        )
                    }
                },
                LabelKind::Epoch => {
                    let (onset, dur) = a.epoch_at(cursor, self.view.duration_s);
                    let existing = a
                        .store
                        .events()
                        .iter()
                        .find(|e| (e.onset - onset).abs() < 1e-6 && a.is_epoch_event(e))
                        .cloned();
                    match existing {
                        Some(mut e) => {
                            e.label = name.clone();
                            a.selected = Some(e.id.clone());
                            a.store.change(e)?;
                        }
                        None => {
                            let e = a.new_event(onset, dur, &name, String::new());
                            a.selected = Some(e.id.clone());
                            a.store.add(e)?;
                        }
                    }
                    // Advance to the next epoch.
                    let next = onset + a.taxonomy.epoch_s;
                    if next < self.view.duration_s {
                        self.view.start_s = next;
                        self.view
                            .jump(next + a.taxonomy.epoch_s.min(self.view.span_s) / 2.0);
                        self.view.move_cursor(next - self.view.cursor_s);
                    }
                    format!(
                        "epoch {} scored {name}",
                        (onset / a.taxonomy.epoch_s).round() as u64 + 1
                    )
                }
            }))
        })();
        self.annot = Some(taken);
        match result {
            Ok(msg) => self.message = msg,
            Err(e) => self.message = Some(format!("NOT SAVED: {}", sanitize(&e.to_string()))),
        }
        true
    }

    /// Keys while a note is typed or the event list is open; true when taken.
    pub(crate) fn annotate_text_key(&mut self, ev: crossterm::event::KeyEvent) -> bool {
        let Some(mut taken) = self.annot.take() else {
            return false;
        };
        let taken_key = self.annotate_text_key_with(&mut taken, ev);
        self.annot = Some(taken);
        taken_key
    }

    fn annotate_text_key_with(
        &mut self,
        a: &mut Annotating,
        ev: crossterm::event::KeyEvent,
    ) -> bool {
        use crossterm::event::KeyCode;
        if let Pending::Note(text) = &mut a.pending {
            match ev.code {
                KeyCode::Esc => a.pending = Pending::None,
                KeyCode::Enter => {
                    let note = text.clone();
                    a.pending = Pending::None;
                    if let Some(mut e) = a.selected_event().cloned() {
                        e.note = note;
                        if let Err(err) = a.store.change(e) {
                            self.message =
                                Some(format!("NOT SAVED: {}", sanitize(&err.to_string())));
                        } else {
                            self.message = Some("note saved".into());
                        }
                    }
                }
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) if !c.is_control() && text.chars().count() < 500 => text.push(c),
                _ => {}
            }
            return true;
        }
        let Some(list) = a.list.as_mut() else {
            return false;
        };
        match ev.code {
            KeyCode::Esc => a.list = None,
            KeyCode::Up => list.cursor = list.cursor.saturating_sub(1),
            KeyCode::Down => list.cursor += 1,
            KeyCode::PageUp => list.cursor = list.cursor.saturating_sub(10),
            KeyCode::PageDown => list.cursor += 10,
            KeyCode::Backspace => {
                list.filter.pop();
                list.cursor = 0;
            }
            KeyCode::Char(c)
                if !c.is_control()
                    && ev
                        .modifiers
                        .difference(crossterm::event::KeyModifiers::SHIFT)
                        .is_empty() =>
            {
                list.filter.push(c);
                list.cursor = 0;
            }
            KeyCode::Enter => {
                let listed = a.listed();
                let k = list_cursor(a);
                if let Some(e) = listed.get(k) {
                    let (id, t) = (e.id.clone(), e.onset);
                    a.selected = Some(id);
                    a.list = None;
                    self.view.jump(t);
                }
            }
            // Other keys (arrows with modifiers, function keys) fall through to the viewer.
            _ => return false,
        }
        true
    }
}

/// The list cursor clamped to the filtered list.
pub fn list_cursor(a: &Annotating) -> usize {
    let n = a.listed().len();
    a.list
        .as_ref()
        .map_or(0, |l| l.cursor.min(n.saturating_sub(1)))
}

fn self_channel(lanes: &[super::app::Lane], selected: Option<usize>, scoped: bool) -> String {
    match selected {
        Some(i) if scoped => lanes
            .get(i)
            .map_or(String::new(), |l| l.derivation.label.clone()),
        _ => String::new(),
    }
}

/// Adds the open interval from `start` to `end` (either order) with label `i`; the message
/// shows the times to `places` decimals.
fn close_interval(
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
