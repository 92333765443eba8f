//! Writing decisions into the consensus store: copies of the readers' events that keep their
//! ids and say where they came from (`source`: both, A, B or adjudicated) and who decided.

use std::collections::HashSet;

use super::{AdjudicateError, Choice, Decision, Session, Status};
use crate::annotations::event::now;
use crate::annotations::{Event, Store};

/// What a decision did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The word the decisions file keeps: A, B, both, reject, edit.
    pub decision: &'static str,
    /// The consensus event to select (the copy to edit, for [`Choice::Edit`]).
    pub selected: Option<String>,
}

impl Session {
    /// Decides item `k` into `consensus` and records the decision.
    pub fn decide(
        &mut self,
        consensus: &mut Store,
        k: usize,
        choice: Choice,
    ) -> Result<Outcome, AdjudicateError> {
        let Some(it) = self.items.get(k).cloned() else {
            return Ok(Outcome {
                decision: "none",
                selected: None,
            });
        };
        let who = self.adjudicator.clone();
        let mut take = |e: &Option<Event>, source: &str| copy_in(consensus, e, source, &who);
        let (decision, selected) = match choice {
            Choice::A => ("A", take(&it.a, "A")?),
            Choice::B => ("B", take(&it.b, "B")?),
            Choice::Both => {
                let first = take(&it.a, "A")?;
                let second = take(&it.b, "B")?;
                ("both", first.or(second))
            }
            Choice::Reject => ("reject", None),
            Choice::Edit => {
                let src = if it.a.is_some() { &it.a } else { &it.b };
                ("edit", take(src, "adjudicated")?)
            }
        };
        self.record(&it.key(), decision)?;
        Ok(Outcome { decision, selected })
    }

    /// Agreed events go into the consensus automatically, once, marked as from both.
    pub(super) fn copy_agreed(&mut self, consensus: &mut Store) -> Result<(), AdjudicateError> {
        let have: HashSet<String> = consensus.events().iter().map(|e| e.id.clone()).collect();
        let agreed: Vec<(String, Event)> = self
            .items
            .iter()
            .filter(|i| i.status == Status::Agree && !self.decided.contains_key(&i.key()))
            .filter_map(|i| i.a.clone().map(|e| (i.key(), e)))
            .collect();
        for (key, e) in agreed {
            if !have.contains(&e.id) {
                copy_in(consensus, &Some(e), "both", &self.adjudicator)?;
            }
            self.record(&key, "agree")?;
        }
        Ok(())
    }

    fn record(&mut self, key: &str, decision: &str) -> Result<(), AdjudicateError> {
        let d = Decision {
            key: key.to_string(),
            decision: decision.to_string(),
            adjudicator: self.adjudicator.clone(),
            time: now(),
        };
        self.log.append(&d)?;
        self.decided.insert(key.to_string(), d);
        Ok(())
    }
}

/// Imports a copy of `e` (if any and not there yet) with its source and adjudicator; returns
/// its id.
fn copy_in(
    consensus: &mut Store,
    e: &Option<Event>,
    source: &str,
    adjudicator: &str,
) -> Result<Option<String>, AdjudicateError> {
    let Some(e) = e.clone() else { return Ok(None) };
    if consensus.get(&e.id).is_some() {
        return Ok(Some(e.id));
    }
    let mut c = e;
    c.source = source.into();
    c.adjudicator = adjudicator.to_string();
    let id = c.id.clone();
    consensus.import(c)?;
    Ok(Some(id))
}
