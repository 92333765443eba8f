//! QA of critical labels in the viewer (`sigmark study qa DIR --reviewer R`): the headless
//! walk and decisions of [`crate::study::qa_walk`] behind keys. The recording's consensus is
//! the app's annotation store (author: the reviewer), so the editing keys move, resize and
//! relabel the current event; the readers' tables are shown read-only beside it. Confirming
//! an event the reviewer changed records it as `edited`.
//!
//! One recording at a time: when its last pending event is decided the viewer closes with
//! [`QaMode::recording_done`] set, and [`run`] opens the next recording with pending events.

use super::app::App;
use super::TuiError;
use crate::annotations::{store::read_other, Event};
use crate::study::qa::{QaState, QaVerdict};
use crate::study::qa_walk::{self, QaItem};
use crate::study::{log::AccessMode, Assignment, Study};
use crate::text::sanitize;

/// The QA session of one recording.
#[derive(Debug)]
pub struct QaMode {
    pub study: Study,
    pub assignment: Assignment,
    pub reviewer: String,
    /// This recording's critical events, by onset.
    pub items: Vec<QaItem>,
    pub current: Option<usize>,
    /// Decided and total critical events of the study's other recordings (for the progress).
    pub elsewhere: (usize, usize),
    /// Every event of this recording is decided: open the next one.
    pub recording_done: bool,
}

impl QaMode {
    /// Decided of total, across the study.
    pub fn progress(&self) -> (usize, usize) {
        let here = self
            .items
            .iter()
            .filter(|i| i.state != QaState::Pending)
            .count();
        (self.elsewhere.0 + here, self.elsewhere.1 + self.items.len())
    }

    fn next_pending(&self, from: usize) -> Option<usize> {
        let n = self.items.len();
        (1..=n)
            .map(|d| (from + d) % n)
            .find(|&k| self.items[k].state == QaState::Pending)
    }
}

/// Opens `a`'s consensus for QA into the app (logging the access) and goes to its first
/// pending critical event. `elsewhere`: decided and total of the other recordings.
/// What a label key says in QA mode.
pub const NO_NEW_EVENTS: &str =
    "QA adds no events: l then a label key relabels the selected one; alt-y confirms, alt-x rejects";
/// What undo and redo say in QA mode.
pub const NO_UNDO: &str =
    "QA decisions are not undone: decide again (alt-y confirm, alt-x reject) to change one";
/// What an edit of another event than the current critical one says in QA mode.
pub const ONLY_CURRENT: &str =
    "QA edits only the current critical event: alt-n / alt-p go to it, then move, resize or relabel";
/// What deleting, copying or adding events says in QA mode.
pub const NO_DELETE: &str =
    "QA deletes and adds no events: reject it with alt-x (kept in the consensus, marked rejected)";

/// Why `action` is refused in QA mode (`None`: it may run, or the app is not in QA). The
/// consensus may change only through the current critical event and its decision, so that no
/// critical event leaves the QA walk without a decision and the `qa` column never disagrees
/// with the decisions file.
pub fn refusal(app: &App, action: super::action::Action) -> Option<&'static str> {
    use super::action::Action as A;
    let qa = app.qa.as_ref()?;
    match action {
        A::Undo | A::Redo => Some(NO_UNDO),
        A::DeleteEvent
        | A::CopyAnnotation
        | A::AcceptBeats
        | A::MarkIn
        | A::MarkOut
        | A::EpochMode
        | A::Decide => Some(NO_DELETE),
        A::MoveEvent
        | A::ResizeEvent
        | A::Relabel
        | A::EditNote
        | A::ToggleCertainty
        | A::MeasureNote => {
            let current = qa
                .current
                .and_then(|k| qa.items.get(k))
                .map(|i| &i.event.id);
            let selected = app.annot.as_ref().and_then(|a| a.selected.as_ref());
            (current.is_none() || current != selected).then_some(ONLY_CURRENT)
        }
        _ => None,
    }
}

pub fn start(
    app: &mut App,
    study: &Study,
    a: &Assignment,
    reviewer: &str,
    elsewhere: (usize, usize),
) -> Result<(), TuiError> {
    let usage = |e: crate::study::StudyError| TuiError::Usage(sanitize(&e.to_string()));
    let rec = study.recording_path(a);
    crate::study::record_access(&rec, reviewer, AccessMode::Qa, false).map_err(usage)?;
    let (store, recovery) = qa_walk::open_store(study, a, reviewer).map_err(usage)?;
    let user_dir = crate::annotations::config::label_keymap_dir();
    let tax =
        crate::annotations::Taxonomy::choose(&study.file.guideline.keymap, user_dir.as_deref())
            .map_err(super::annotate::SetupError::from)?;
    let mut ann = super::annotate::Annotating::new(store, tax, &app.keymap)?;
    for r in &a.readers {
        if let Ok(events) = read_other(&rec, r, None) {
            ann.others.push((format!("reader {r}"), events));
        }
    }
    if let Some(m) = recovery.message() {
        app.add_message(m);
    }
    app.annot = Some(ann);
    app.reader = sanitize(&format!("{reviewer} (QA)"));
    let items = qa_walk::recording_items(study, a).map_err(usage)?;
    let first = items.iter().position(|i| i.state == QaState::Pending);
    app.qa = Some(QaMode {
        study: study.clone(),
        assignment: a.clone(),
        reviewer: reviewer.to_string(),
        items,
        current: None,
        elsewhere,
        recording_done: false,
    });
    match first {
        Some(k) => app.qa_go(k),
        None => app.message = Some("nothing pending in this recording".into()),
    }
    Ok(())
}

/// "12.00 s for 3.50 s".
fn place(e: &Event) -> String {
    if e.is_point() {
        format!("{:.2} s", e.onset)
    } else {
        format!("{:.2} s for {:.2} s", e.onset, e.duration)
    }
}

/// The readers' versions: their events overlapping `e`.
fn versions(app: &App, e: &Event) -> String {
    let Some(ann) = &app.annot else {
        return String::new();
    };
    let overlaps = |x: &&Event| x.onset <= e.end() && x.end() >= e.onset;
    ann.others
        .iter()
        .map(|(who, events)| {
            let found: Vec<String> = events
                .iter()
                .filter(overlaps)
                .map(|x| format!("{} {}", sanitize(&x.label), place(x)))
                .collect();
            let found = if found.is_empty() {
                "nothing here".to_string()
            } else {
                found.join(", ")
            };
            format!("{}: {found}", sanitize(who))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl App {
    /// Goes to critical event `k` of the recording: selects it and says what it is.
    pub fn qa_go(&mut self, k: usize) {
        let Some(qa) = self.qa.as_mut() else { return };
        let Some(it) = qa.items.get(k) else { return };
        qa.current = Some(k);
        let (e, state, level) = (it.event.clone(), it.state, it.level);
        let (done, total) = qa.progress();
        if let Some(ann) = self.annot.as_mut() {
            ann.selected = Some(e.id.clone());
        }
        self.view.jump(e.onset);
        let level = level
            .describe()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        self.message = Some(format!(
            "QA {done}/{total} decided · {} {}{level} [{}] · {}",
            sanitize(&e.label),
            place(&e),
            state.as_str(),
            versions(self, &e)
        ));
    }

    /// Next (or previous) critical event of this recording.
    pub fn qa_step(&mut self, forward: bool) {
        let Some(qa) = self.qa.as_ref() else {
            self.message = Some("not in QA: start with sigmark study qa DIR --reviewer R".into());
            return;
        };
        let n = qa.items.len();
        if n == 0 {
            self.message = Some("nothing to QA in this recording".into());
            return;
        }
        let k = qa.current.unwrap_or(0);
        let next = if forward {
            (k + 1) % n
        } else {
            (k + n - 1) % n
        };
        self.qa_go(next);
    }

    /// Confirms (as `edited` when the reviewer changed it) or rejects the current event:
    /// the decision is on disk before the message says so.
    pub fn qa_decide(&mut self, reject: bool) {
        let (Some(qa), Some(ann)) = (self.qa.as_mut(), self.annot.as_mut()) else {
            self.message = Some("not in QA: start with sigmark study qa DIR --reviewer R".into());
            return;
        };
        let Some(k) = qa.current else {
            self.message = Some("no critical event selected: alt-n goes to the next".into());
            return;
        };
        let shown = qa.items[k].event.clone();
        let edited = ann
            .store
            .get(&shown.id)
            .is_some_and(|now| qa_walk::was_edited(&shown, now));
        let verdict = match (reject, edited) {
            (true, _) => QaVerdict::Rejected,
            (false, true) => QaVerdict::Edited,
            (false, false) => QaVerdict::Confirmed,
        };
        let made = qa_walk::decide(
            &qa.study,
            &qa.assignment,
            &mut ann.store,
            &qa.reviewer,
            &shown,
            verdict,
        );
        if let Err(e) = made {
            self.message = Some(format!("NOT SAVED: {}", sanitize(&e.to_string())));
            return;
        }
        qa.items[k].state = QaState::Decided(verdict);
        let word = QaState::Decided(verdict).as_str();
        match qa.next_pending(k) {
            Some(next) => {
                self.qa_go(next);
                let rest = self.message.take().unwrap_or_default();
                self.message = Some(format!("{word}; next: {rest}"));
            }
            None => {
                let (done, total) = qa.progress();
                qa.recording_done = true;
                self.message = Some(format!(
                    "{word}; this recording is done (QA {done}/{total} decided)"
                ));
                self.quit = true;
            }
        }
    }
}

/// Walks the study's pending critical events recording by recording until none is left or
/// the reviewer quits. Returns (decided, total) at the end.
pub fn run(study: &Study, reviewer: &str) -> Result<(usize, usize), TuiError> {
    super::require_terminal()?;
    loop {
        let walk = qa_walk::walk(study, reviewer)
            .map_err(|e| TuiError::Usage(sanitize(&e.to_string())))?;
        let Some(next) = walk.pending().next().map(|i| i.rel.clone()) else {
            return Ok((walk.decided(), walk.items.len()));
        };
        let Some(a) = study.assignment(&next).cloned() else {
            return Ok((walk.decided(), walk.items.len()));
        };
        let others: Vec<&QaItem> = walk.items.iter().filter(|i| i.rel != next).collect();
        let elsewhere = (
            others
                .iter()
                .filter(|i| i.state != QaState::Pending)
                .count(),
            others.len(),
        );
        let rec = crate::formats::open(study.recording_path(&a))
            .map_err(|e| TuiError::Usage(sanitize(&e.to_string())))?;
        let opts = super::Options {
            keymap: Some(study.file.guideline.keymap.clone()),
            ..Default::default()
        };
        let mut app = super::build_app(rec, &opts)?;
        start(&mut app, study, &a, reviewer, elsewhere)?;
        super::event_loop(&mut app)?;
        if !app.qa.as_ref().is_some_and(|q| q.recording_done) {
            let w = qa_walk::walk(study, reviewer)
                .map_err(|e| TuiError::Usage(sanitize(&e.to_string())))?;
            return Ok((w.decided(), w.items.len()));
        }
    }
}
