//! Writing decisions into the consensus store: copies of the readers' events that keep their
//! ids and say where they came from (`source`: both, A, B or adjudicated) and who decided.
//!
//! A decision replaces, never adds: deciding an item again first deletes (journaled, like any
//! edit) the events the item's earlier decision wrote, so the consensus never holds both
//! "80.9 PVC A" and "80.9 PAC B" for one finding.

use std::collections::HashSet;

use super::decisions::Verdict;
use super::{AdjudicateError, Choice, Decision, Item, Session, Status};
use crate::annotations::event::now;
use crate::annotations::{Event, Source, Store};

/// What a decision did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The word the decisions file keeps: A, B, both, reject, edit.
    pub decision: &'static str,
    /// The consensus event to select (the copy to edit, for [`Choice::Edit`]).
    pub selected: Option<String>,
}

impl Session {
    /// Decides item `k` into `consensus`, replacing what an earlier decision on it wrote, and
    /// records the decision.
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
        self.undo_earlier(consensus, &it)?;
        let who = self.adjudicator.clone();
        let mut take = |e: &Option<Event>, source: Source| copy_in(consensus, e, source, &who);
        let (decision, wrote) = match choice {
            Choice::A => (Verdict::A, vec![take(&it.a, Source::A)?]),
            Choice::B => (Verdict::B, vec![take(&it.b, Source::B)?]),
            Choice::Both => (
                Verdict::Both,
                vec![take(&it.a, Source::A)?, take(&it.b, Source::B)?],
            ),
            Choice::Reject => (Verdict::Reject, Vec::new()),
            Choice::Edit => {
                let src = if it.a.is_some() { &it.a } else { &it.b };
                (Verdict::Edit, vec![take(src, Source::Adjudicated)?])
            }
        };
        let wrote: Vec<String> = wrote.into_iter().flatten().collect();
        let selected = wrote.first().cloned();
        self.record(&it.key(), decision, wrote)?;
        Ok(Outcome {
            decision: decision.as_str(),
            selected,
        })
    }

    /// Deletes from `consensus` what the item's earlier decision wrote, and any copy of the
    /// item's own events (a copy journaled just before a crash that lost its decision line).
    fn undo_earlier(&self, consensus: &mut Store, it: &Item) -> Result<(), AdjudicateError> {
        let earlier = self.decided.get(&it.key()).map(|d| d.wrote.iter());
        let own = [&it.a, &it.b].into_iter().flatten().map(|e| &e.id);
        let ids: HashSet<&String> = earlier.into_iter().flatten().chain(own).collect();
        for id in ids {
            consensus.delete(id)?;
        }
        Ok(())
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
                copy_in(consensus, &Some(e.clone()), Source::Both, &self.adjudicator)?;
            }
            self.record(&key, Verdict::Agree, vec![e.id])?;
        }
        Ok(())
    }

    fn record(
        &mut self,
        key: &str,
        decision: Verdict,
        wrote: Vec<String>,
    ) -> Result<(), AdjudicateError> {
        let d = Decision {
            key: key.to_string(),
            decision,
            adjudicator: self.adjudicator.clone(),
            time: now(),
            wrote,
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
    source: Source,
    adjudicator: &str,
) -> Result<Option<String>, AdjudicateError> {
    let Some(e) = e.clone() else { return Ok(None) };
    if consensus.get(&e.id).is_some() {
        return Ok(Some(e.id));
    }
    let mut c = e;
    c.source = source;
    c.adjudicator = adjudicator.to_string();
    let id = c.id.clone();
    consensus.import(c)?;
    Ok(Some(id))
}
