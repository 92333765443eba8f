//! Adjudication: two readers' events side by side, paired and classified (agree, only A, only
//! B, label differs, bounds differ); the adjudicator walks the disagreements and decides each
//! one into the consensus file `REC.consensus.events.tsv`, which is an ordinary store (journal,
//! lock, atomic saves) whose events carry `source` and `adjudicator`. Every decision, rejections
//! included, is appended (fsync) to `REC.consensus.decisions.jsonl`, so an interrupted
//! adjudication resumes where it stopped.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::app::App;
use crate::annotations::event::now;
use crate::annotations::{Event, StoreError};
use crate::text::sanitize;

/// How the two readers' versions of one finding relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Agree,
    OnlyA,
    OnlyB,
    LabelDiffers,
    BoundsDiffer,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Agree => "agree",
            Status::OnlyA => "only A",
            Status::OnlyB => "only B",
            Status::LabelDiffers => "label differs",
            Status::BoundsDiffer => "bounds differ",
        }
    }
}

/// One finding: A's event, B's event or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub a: Option<Event>,
    pub b: Option<Event>,
    pub status: Status,
}

impl Item {
    /// A stable key: the ids of the events it pairs.
    pub fn key(&self) -> String {
        format!(
            "{}|{}",
            self.a.as_ref().map_or("", |e| e.id.as_str()),
            self.b.as_ref().map_or("", |e| e.id.as_str())
        )
    }

    pub fn onset(&self) -> f64 {
        match (&self.a, &self.b) {
            (Some(a), Some(b)) => a.onset.min(b.onset),
            (Some(e), None) | (None, Some(e)) => e.onset,
            (None, None) => 0.0,
        }
    }
}

/// Pairs A's and B's events: each A event takes the unpaired B event that overlaps it (both
/// widened by `tol_s`), preferring the same label, then the larger overlap, then the nearer
/// onset. Paired events agree when labels match and both ends are within `tol_s`.
pub fn pair(a: &[Event], b: &[Event], tol_s: f64) -> Vec<Item> {
    let mut bs: Vec<&Event> = b.iter().collect();
    bs.sort_by(|x, y| x.onset.total_cmp(&y.onset));
    let max_dur = bs.iter().map(|e| e.duration).fold(0.0, f64::max);
    let mut taken = vec![false; bs.len()];
    let mut items = Vec::with_capacity(a.len() + b.len());
    let mut as_: Vec<&Event> = a.iter().collect();
    as_.sort_by(|x, y| x.onset.total_cmp(&y.onset));
    for ea in as_ {
        let (lo, hi) = (ea.onset - tol_s, ea.end() + tol_s);
        let from = bs.partition_point(|e| e.onset < lo - max_dur - tol_s);
        let mut best: Option<(usize, (bool, f64, f64))> = None;
        for (j, eb) in bs.iter().enumerate().skip(from) {
            if eb.onset - tol_s > hi {
                break;
            }
            if taken[j] || eb.end() + tol_s < lo {
                continue;
            }
            let overlap = (ea.end().min(eb.end()) - ea.onset.max(eb.onset)).max(0.0);
            let score = (ea.label == eb.label, overlap, -(ea.onset - eb.onset).abs());
            if best
                .as_ref()
                .is_none_or(|(_, s)| score.partial_cmp(s) == Some(std::cmp::Ordering::Greater))
            {
                best = Some((j, score));
            }
        }
        match best {
            Some((j, _)) => {
                taken[j] = true;
                let eb = bs[j];
                let status = if ea.label != eb.label {
                    Status::LabelDiffers
                } else if (ea.onset - eb.onset).abs() <= tol_s
                    && (ea.end() - eb.end()).abs() <= tol_s
                {
                    Status::Agree
                } else {
                    Status::BoundsDiffer
                };
                items.push(Item {
                    a: Some(ea.clone()),
                    b: Some(eb.clone()),
                    status,
                });
            }
            None => items.push(Item {
                a: Some(ea.clone()),
                b: None,
                status: Status::OnlyA,
            }),
        }
    }
    for (j, eb) in bs.iter().enumerate() {
        if !taken[j] {
            items.push(Item {
                a: None,
                b: Some((*eb).clone()),
                status: Status::OnlyB,
            });
        }
    }
    items.sort_by(|x, y| {
        x.onset()
            .total_cmp(&y.onset())
            .then_with(|| x.key().cmp(&y.key()))
    });
    items
}

/// A decision as the decisions file keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub key: String,
    /// agree, A, B, both, reject, edit.
    pub decision: String,
    pub adjudicator: String,
    pub time: String,
}

pub struct Adjudication {
    pub reader_a: String,
    pub reader_b: String,
    pub adjudicator: String,
    pub tol_s: f64,
    pub items: Vec<Item>,
    /// Decisions by item key.
    pub decided: HashMap<String, String>,
    /// Index into `items` of the current disagreement.
    pub current: Option<usize>,
    pub list_open: bool,
    decisions_path: PathBuf,
    decisions: File,
    /// Event id -> status, for colouring the readers' lanes.
    pub status_of: HashMap<String, Status>,
}

impl Adjudication {
    pub fn disagreements(&self) -> impl Iterator<Item = (usize, &Item)> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.status != Status::Agree)
    }

    /// (resolved, total) disagreements.
    pub fn progress(&self) -> (usize, usize) {
        let total = self.disagreements().count();
        let done = self
            .disagreements()
            .filter(|(_, i)| self.decided.contains_key(&i.key()))
            .count();
        (done, total)
    }

    fn record(&mut self, key: &str, decision: &str) -> Result<(), StoreError> {
        let d = Decision {
            key: key.to_string(),
            decision: decision.to_string(),
            adjudicator: self.adjudicator.clone(),
            time: now(),
        };
        let mut line = serde_json::to_string(&d).unwrap_or_default();
        line.push('\n');
        let io = |source| StoreError::Io {
            path: self.decisions_path.clone(),
            source,
        };
        self.decisions.write_all(line.as_bytes()).map_err(io)?;
        self.decisions
            .sync_data()
            .map_err(|source| StoreError::Io {
                path: self.decisions_path.clone(),
                source,
            })?;
        self.decided.insert(key.to_string(), decision.to_string());
        Ok(())
    }
}

/// Sets up adjudication of `a` against `b` for the app's recording: the consensus store
/// becomes the app's annotation store (so every editing key works on it), both readers' events
/// are shown read-only, and agreed events are copied into the consensus once.
pub fn start(
    app: &mut App,
    reader_a: &str,
    reader_b: &str,
    adjudicator: &str,
    dir: Option<&std::path::Path>,
) -> Result<(), String> {
    use crate::annotations::store::{check_reader, read_other, Paths, CONSENSUS};
    check_reader(adjudicator).map_err(|e| e.to_string())?;
    let rec_path = app.rec.path.clone();
    let load = |r: &str| read_other(&rec_path, r, dir).map_err(|e| sanitize(&e.to_string()));
    let (a, b) = (load(reader_a)?, load(reader_b)?);
    let Some(ann) = app.annot.as_mut() else {
        return Err("adjudication needs the consensus store open".into());
    };
    if ann.store.reader != CONSENSUS {
        return Err(
            "adjudication writes the consensus file: open it as reader \"consensus\"".into(),
        );
    }
    ann.others = vec![
        (format!("A {reader_a}"), a.clone()),
        (format!("B {reader_b}"), b.clone()),
    ];
    let paths = Paths::new(&rec_path, CONSENSUS, dir);
    let decisions_path = paths
        .events
        .with_file_name(paths.events.file_name().map_or_else(String::new, |n| {
            n.to_string_lossy()
                .replace(".events.tsv", ".decisions.jsonl")
        }));
    let mut decided = HashMap::new();
    if decisions_path.is_file() {
        let f = File::open(&decisions_path)
            .map_err(|e| format!("{}: {e}", decisions_path.display()))?;
        for (k, line) in BufReader::new(f).lines().enumerate() {
            let line = line.map_err(|e| format!("{}: {e}", decisions_path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Decision>(&line) {
                Ok(d) => {
                    decided.insert(d.key, d.decision);
                }
                Err(e) => return Err(format!("{}:{}: {e}", decisions_path.display(), k + 1)),
            }
        }
    }
    let decisions = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&decisions_path)
        .map_err(|e| format!("{}: {e}", decisions_path.display()))?;
    let tol_s = 1.0;
    let items = pair(&a, &b, tol_s);
    let mut status_of = HashMap::new();
    for it in &items {
        for e in [&it.a, &it.b].into_iter().flatten() {
            status_of.insert(e.id.clone(), it.status);
        }
    }
    let mut adj = Adjudication {
        reader_a: reader_a.to_string(),
        reader_b: reader_b.to_string(),
        adjudicator: adjudicator.to_string(),
        tol_s,
        items,
        decided,
        current: None,
        list_open: false,
        decisions_path,
        decisions,
        status_of,
    };
    // Agreed events go into the consensus automatically, once.
    let have: HashSet<String> = ann.store.events().iter().map(|e| e.id.clone()).collect();
    let agreed: Vec<(String, Event)> = adj
        .items
        .iter()
        .filter(|i| i.status == Status::Agree && !adj.decided.contains_key(&i.key()))
        .filter_map(|i| i.a.clone().map(|e| (i.key(), e)))
        .collect();
    for (key, e) in agreed {
        if !have.contains(&e.id) {
            let mut c = e;
            c.source = "both".into();
            c.adjudicator = adjudicator.to_string();
            ann.store.import(c).map_err(|e| sanitize(&e.to_string()))?;
        }
        adj.record(&key, "agree")
            .map_err(|e| sanitize(&e.to_string()))?;
    }
    let first_open = adj
        .disagreements()
        .find(|(_, i)| !adj.decided.contains_key(&i.key()))
        .map(|(k, _)| k);
    adj.current = first_open;
    let (done, total) = adj.progress();
    app.message = Some(format!(
        "adjudicating {reader_a} vs {reader_b}: {done} of {total} disagreements resolved"
    ));
    app.adjudication = Some(adj);
    if let Some(k) = app.adjudication.as_ref().and_then(|a| a.current) {
        let t = app
            .adjudication
            .as_ref()
            .map_or(0.0, |a| a.items[k].onset());
        app.view.jump(t);
    }
    Ok(())
}

/// What the adjudicator decided about the current disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    A,
    B,
    Both,
    Reject,
    Edit,
}

impl App {
    /// Moves to the next (or previous) disagreement, unresolved ones first.
    pub fn next_disagreement(&mut self, forward: bool) {
        let Some(adj) = self.adjudication.as_mut() else {
            self.message = Some("not adjudicating: open with --compare A B".into());
            return;
        };
        let list: Vec<usize> = adj.disagreements().map(|(k, _)| k).collect();
        if list.is_empty() {
            self.message = Some("the readers agree on everything".into());
            return;
        }
        let here = adj.current.and_then(|c| list.iter().position(|&k| k == c));
        let n = list.len();
        let next = match here {
            Some(p) if forward => list[(p + 1) % n],
            Some(p) => list[(p + n - 1) % n],
            None => list[0],
        };
        adj.current = Some(next);
        let it = &adj.items[next];
        let t = it.onset();
        let state = adj
            .decided
            .get(&it.key())
            .map_or("open".to_string(), |d| format!("decided: {d}"));
        let what = match (&it.a, &it.b) {
            (Some(a), Some(b)) => format!("A {} / B {}", sanitize(&a.label), sanitize(&b.label)),
            (Some(a), None) => format!("A {}", sanitize(&a.label)),
            (None, Some(b)) => format!("B {}", sanitize(&b.label)),
            (None, None) => String::new(),
        };
        self.message = Some(format!("{}: {what} ({state})", it.status.name()));
        self.view.jump(t);
    }

    /// Resolves the current disagreement into the consensus.
    pub fn resolve(&mut self, choice: Choice) {
        let (Some(adj), Some(ann)) = (self.adjudication.as_mut(), self.annot.as_mut()) else {
            self.message = Some("not adjudicating: open with --compare A B".into());
            return;
        };
        let Some(k) = adj.current else {
            self.message = Some("no disagreement selected: d goes to the next".into());
            return;
        };
        let it = adj.items[k].clone();
        let key = it.key();
        let mut take = |e: &Option<Event>, source: &str| -> Result<Option<String>, StoreError> {
            let Some(e) = e.clone() else { return Ok(None) };
            if ann.store.get(&e.id).is_some() {
                return Ok(Some(e.id));
            }
            let mut c = e;
            c.source = source.into();
            c.adjudicator = adj.adjudicator.clone();
            let id = c.id.clone();
            ann.store.import(c)?;
            Ok(Some(id))
        };
        let result = (|| -> Result<(&'static str, Option<String>), StoreError> {
            Ok(match choice {
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
            })
        })();
        match result.and_then(|(d, id)| adj.record(&key, d).map(|_| (d, id))) {
            Ok((d, id)) => {
                if let Some(id) = id {
                    ann.selected = Some(id);
                }
                let (done, total) = adj.progress();
                self.message = Some(format!(
                    "{d}: {done} of {total} resolved{}",
                    if choice == Choice::Edit {
                        " (the copy is selected: move, resize, relabel)"
                    } else {
                        ""
                    }
                ));
                if choice != Choice::Edit {
                    self.next_disagreement(true);
                    if let Some(a) = self.adjudication.as_ref() {
                        let (done, total) = a.progress();
                        let m = self.message.take().unwrap_or_default();
                        self.message = Some(format!("{m}  [{done}/{total}]"));
                    }
                }
            }
            Err(e) => self.message = Some(format!("NOT SAVED: {}", sanitize(&e.to_string()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, onset: f64, duration: f64, label: &str) -> Event {
        Event {
            onset,
            duration,
            label: label.into(),
            id: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn pairing_classifies_every_case() {
        let a = vec![
            ev("a1", 10.0, 30.0, "AF"),
            ev("a2", 100.0, 0.0, "PVC"),
            ev("a3", 200.0, 10.0, "VT"),
            ev("a4", 300.0, 20.0, "AF"),
        ];
        let b = vec![
            ev("b1", 10.5, 29.8, "AF"),
            ev("b2", 100.2, 0.0, "PAC"),
            ev("b4", 305.0, 20.0, "AF"),
            ev("b5", 400.0, 0.0, "PVC"),
        ];
        let items = pair(&a, &b, 1.0);
        let got: Vec<(String, Status)> = items.iter().map(|i| (i.key(), i.status)).collect();
        assert_eq!(
            got,
            vec![
                ("a1|b1".to_string(), Status::Agree),
                ("a2|b2".to_string(), Status::LabelDiffers),
                ("a3|".to_string(), Status::OnlyA),
                ("a4|b4".to_string(), Status::BoundsDiffer),
                ("|b5".to_string(), Status::OnlyB),
            ]
        );
        // Identical readers agree on everything; an empty reader leaves only the other.
        assert!(pair(&a, &a, 0.0).iter().all(|i| i.status == Status::Agree));
        assert!(pair(&a, &[], 1.0).iter().all(|i| i.status == Status::OnlyA));
    }

    #[test]
    fn the_same_label_is_preferred_when_two_events_overlap() {
        let a = vec![ev("a", 10.0, 10.0, "AF")];
        let b = vec![ev("x", 9.0, 12.0, "Noise"), ev("y", 12.0, 2.0, "AF")];
        let items = pair(&a, &b, 0.5);
        let keys: Vec<String> = items.iter().map(Item::key).collect();
        assert_eq!(keys, vec!["|x", "a|y"]);
        assert_eq!(items[0].status, Status::OnlyB);
    }
}
