//! Adjudication in the viewer: the keys and messages over the headless engine in
//! [`crate::compare::adjudicate`]. The consensus store becomes the app's annotation store (so
//! every editing key works on it) and both readers' events are shown read-only beside it.

use std::ops::{Deref, DerefMut};

use super::app::App;
pub use crate::compare::adjudicate::{Choice, Item, Session, Setup, Status};
use crate::text::sanitize;

/// The engine's session and what only the screen needs (the disagreement list is a layer of
/// the input stack, `input::Layer::Disagreements`).
#[derive(Debug)]
pub struct Adjudication {
    pub session: Session,
}

impl Deref for Adjudication {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.session
    }
}

impl DerefMut for Adjudication {
    fn deref_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}

/// Sets up adjudication of `setup.reader_a` against `setup.reader_b` for the app's recording,
/// into the app's (consensus) annotation store.
pub fn start(app: &mut App, setup: &Setup) -> Result<(), String> {
    let Some(ann) = app.annot.as_mut() else {
        return Err("adjudication needs the consensus store open".into());
    };
    let session = Session::open(setup, &mut ann.store).map_err(|e| sanitize(&e.to_string()))?;
    ann.others = vec![
        (format!("A {}", setup.reader_a), session.events_a.clone()),
        (format!("B {}", setup.reader_b), session.events_b.clone()),
    ];
    // The progress is on the status line; the message says what is current (after any note
    // about the file or the journal's recovery, which stay).
    app.add_message(format!(
        "adjudicating {} vs {}: {}",
        sanitize(setup.reader_a),
        sanitize(setup.reader_b),
        session
            .current
            .map_or("every disagreement is decided".into(), |k| describe(
                &session, k
            ))
    ));
    let at = session.current.map(|k| session.items[k].onset());
    app.adjudication = Some(Adjudication { session });
    if let Some(t) = at {
        app.view.jump(t);
    }
    Ok(())
}

/// "label differs: A PVC / B PAC (open)".
fn describe(s: &Session, k: usize) -> String {
    let it = &s.items[k];
    let state = s
        .decided
        .get(&it.key())
        .map_or("open".to_string(), |d| format!("decided: {}", d.decision));
    let what = match (&it.a, &it.b) {
        (Some(a), Some(b)) => format!("A {} / B {}", sanitize(&a.label), sanitize(&b.label)),
        (Some(a), None) => format!("A {}", sanitize(&a.label)),
        (None, Some(b)) => format!("B {}", sanitize(&b.label)),
        (None, None) => String::new(),
    };
    format!("{}: {what} ({state})", it.status.name())
}

impl App {
    /// Moves to the next (or previous) disagreement.
    pub fn next_disagreement(&mut self, forward: bool) {
        let Some(adj) = self.adjudication.as_mut() else {
            self.message = Some("not adjudicating: open with --compare A B".into());
            return;
        };
        let Some(next) = adj.step(forward) else {
            self.message = Some("the readers agree on everything".into());
            return;
        };
        adj.current = Some(next);
        let t = adj.items[next].onset();
        self.message = Some(describe(adj, next));
        self.view.jump(t);
    }

    /// The disagreement the decision keys act on: the one under the cursor (after a jump or
    /// a scroll), else the current one while it is in view.
    fn target(&self) -> Option<usize> {
        let adj = self.adjudication.as_ref()?;
        let v = &self.view;
        adj.at(v.cursor_s).or(adj.current.filter(|&k| {
            let it = &adj.items[k];
            it.end() >= v.start_s && it.onset() <= v.end_s()
        }))
    }

    /// Resolves the disagreement under the cursor into the consensus (replacing an earlier
    /// decision on it), then moves to the next undecided one.
    pub fn resolve(&mut self, choice: Choice) {
        let target = self.target();
        let (Some(adj), Some(ann)) = (self.adjudication.as_mut(), self.annot.as_mut()) else {
            self.message = Some("not adjudicating: open with --compare A B".into());
            return;
        };
        let Some(k) = target else {
            self.message = Some("no disagreement under the cursor: d goes to the next".into());
            return;
        };
        adj.current = Some(k);
        let out = match adj.session.decide(&mut ann.store, k, choice) {
            Ok(out) => out,
            Err(e) => {
                self.message = Some(format!("NOT SAVED: {}", sanitize(&e.to_string())));
                return;
            }
        };
        if let Some(id) = out.selected {
            ann.selected = Some(id);
        }
        if choice == Choice::Edit {
            self.message = Some(format!(
                "{}: the copy is selected (move, resize, relabel)",
                out.decision
            ));
            return;
        }
        match adj.next_open(k) {
            Some(next) => {
                adj.current = Some(next);
                let t = adj.items[next].onset();
                self.message = Some(format!("{}; next: {}", out.decision, describe(adj, next)));
                self.view.jump(t);
            }
            None => self.message = Some(format!("{}; every disagreement is decided", out.decision)),
        }
    }
}
