//! Adjudication, headless: two readers' events paired and classified (agree, only A, only B,
//! label differs, bounds differ); the adjudicator decides each disagreement into the consensus
//! table `REC.consensus.events.tsv`, an ordinary [`Store`] (journal, lock, atomic saves) whose
//! events carry `source` and `adjudicator`. Every decision is appended to
//! `REC.consensus.decisions.jsonl` ([`decisions`]), so an interrupted adjudication resumes
//! where it stopped. The viewer only maps keys to [`Session::decide`] and draws the state.

pub mod consensus;
pub mod decisions;
pub mod pair;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use decisions::{Decision, DecisionLog, DecisionsRecovery, Verdict};
pub use pair::{pair, Item, Status, DEFAULT_TOLERANCE_S};

use crate::annotations::reader::{check_human_reader, ReaderError};
use crate::annotations::store::{check_reader, read_other, CONSENSUS};
use crate::annotations::{Event, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AdjudicateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The adjudicator took a name sigmark writes itself.
    #[error(transparent)]
    Reserved(#[from] ReaderError),
    /// A decisions file line that cannot be read; `line` is 1-based (0: not about a line).
    #[error("{}:{line}: {detail}", path.display())]
    Decisions {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "adjudication writes the consensus file: open the store as reader \"consensus\", not {0:?}"
    )]
    NotConsensus(String),
    #[error("--pair-tolerance {0}: give a number of seconds >= 0")]
    Tolerance(f64),
}

/// What to adjudicate: whose tables, for which recording, by whom.
#[derive(Debug, Clone)]
pub struct Setup<'a> {
    pub recording: &'a Path,
    /// Where the readers' and the consensus files are (default: beside the recording).
    pub dir: Option<&'a Path>,
    pub reader_a: &'a str,
    pub reader_b: &'a str,
    pub adjudicator: &'a str,
    /// Pairing tolerance, seconds ([`DEFAULT_TOLERANCE_S`] in the viewer by default).
    pub tol_s: f64,
}

/// What the adjudicator decided about one disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    A,
    B,
    Both,
    Reject,
    Edit,
}

/// One adjudication in progress.
#[derive(Debug)]
pub struct Session {
    pub reader_a: String,
    pub reader_b: String,
    pub adjudicator: String,
    pub tol_s: f64,
    /// The readers' events as read (for showing them beside the consensus).
    pub events_a: Vec<Event>,
    pub events_b: Vec<Event>,
    /// Every finding, in onset order.
    pub items: Vec<Item>,
    /// The latest decision per item key.
    pub decided: HashMap<String, Decision>,
    /// Index into `items` of the current disagreement.
    pub current: Option<usize>,
    /// Event id -> status, for colouring the readers' lanes.
    pub status_of: HashMap<String, Status>,
    log: DecisionLog,
}

impl Session {
    /// Reads both readers' tables, pairs them, replays the decisions file and copies agreed
    /// events into `consensus` (once); the first undecided disagreement becomes current.
    pub fn open(setup: &Setup, consensus: &mut Store) -> Result<Session, AdjudicateError> {
        check_reader(setup.adjudicator)?;
        check_human_reader(setup.adjudicator, "--adjudicator")?;
        if consensus.reader != CONSENSUS {
            return Err(AdjudicateError::NotConsensus(consensus.reader.clone()));
        }
        if !(setup.tol_s.is_finite() && setup.tol_s >= 0.0) {
            return Err(AdjudicateError::Tolerance(setup.tol_s));
        }
        let events_a = read_other(setup.recording, setup.reader_a, setup.dir)?;
        let events_b = read_other(setup.recording, setup.reader_b, setup.dir)?;
        let (log, decided) = DecisionLog::open(decisions::path_for(setup.recording, setup.dir))?;
        let items = pair(&events_a, &events_b, setup.tol_s);
        let status_of = items
            .iter()
            .flat_map(|it| {
                [&it.a, &it.b]
                    .into_iter()
                    .flatten()
                    .map(|e| (e.id.clone(), it.status))
            })
            .collect();
        // The adjudicator is who the consensus edits are attributed to in its journal.
        consensus.author = setup.adjudicator.to_string();
        let mut s = Session {
            reader_a: setup.reader_a.to_string(),
            reader_b: setup.reader_b.to_string(),
            adjudicator: setup.adjudicator.to_string(),
            tol_s: setup.tol_s,
            events_a,
            events_b,
            items,
            decided,
            current: None,
            status_of,
            log,
        };
        s.copy_agreed(consensus)?;
        s.current = s.first_open();
        Ok(s)
    }

    /// Where the decisions are kept.
    pub fn decisions_path(&self) -> &Path {
        &self.log.path
    }

    /// What opening the decisions file found wrong with it (a torn or damaged line).
    pub fn decisions_recovery(&self) -> &DecisionsRecovery {
        &self.log.recovery
    }

    /// The findings the readers disagree on, with their index in `items`.
    pub fn disagreements(&self) -> impl Iterator<Item = (usize, &Item)> {
        self.items
            .iter()
            .enumerate()
            .filter(|(_, i)| i.status != Status::Agree)
    }

    pub fn is_decided(&self, k: usize) -> bool {
        self.items
            .get(k)
            .is_some_and(|it| self.decided.contains_key(&it.key()))
    }

    /// (resolved, total) disagreements.
    pub fn progress(&self) -> (usize, usize) {
        let total = self.disagreements().count();
        let done = self
            .disagreements()
            .filter(|(k, _)| self.is_decided(*k))
            .count();
        (done, total)
    }

    /// The first undecided disagreement.
    pub fn first_open(&self) -> Option<usize> {
        self.disagreements()
            .map(|(k, _)| k)
            .find(|&k| !self.is_decided(k))
    }

    /// The first undecided disagreement after item `k`, wrapping around; None when every
    /// disagreement is decided.
    pub fn next_open(&self, k: usize) -> Option<usize> {
        let list: Vec<usize> = self.disagreements().map(|(j, _)| j).collect();
        let from = list.partition_point(|&j| j <= k);
        list[from..]
            .iter()
            .chain(&list[..from])
            .copied()
            .find(|&j| !self.is_decided(j))
    }

    /// The disagreement at time `t`: the one whose span, widened by the pairing tolerance,
    /// holds `t`, the nearest onset first.
    pub fn at(&self, t: f64) -> Option<usize> {
        self.disagreements()
            .filter(|(_, it)| it.onset() - self.tol_s <= t && t <= it.end() + self.tol_s)
            .min_by(|(_, x), (_, y)| (x.onset() - t).abs().total_cmp(&(y.onset() - t).abs()))
            .map(|(k, _)| k)
    }

    /// The disagreement after (or before) the current one, decided or not, wrapping around.
    pub fn step(&self, forward: bool) -> Option<usize> {
        let list: Vec<usize> = self.disagreements().map(|(k, _)| k).collect();
        let n = list.len();
        let here = self.current.and_then(|c| list.iter().position(|&k| k == c));
        match here {
            _ if n == 0 => None,
            Some(p) if forward => Some(list[(p + 1) % n]),
            Some(p) => Some(list[(p + n - 1) % n]),
            None => Some(list[0]),
        }
    }
}
