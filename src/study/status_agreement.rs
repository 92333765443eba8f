//! Agreement between a recording's finished readers, with compare's engine, and the
//! adjudication progress of a recording that needs it.
//!
//! Each pair of finished readers (in assignment order: the first is A, the reference) is
//! compared twice by [`compare::compare`]:
//! - **epoch mode** over the interval and epoch labels (point labels such as beats would
//!   otherwise name whole epochs) with the guideline's epoch length: Cohen's kappa overall
//!   and per label (label against not-label);
//! - **event mode** over the point and interval labels (compare matches mostly-point labels
//!   one to one within EC57's 150 ms, others by overlap): F1 per label with A as the
//!   reference. A label marked by one reader only has F1 0.
//!
//! Both use one duration, the latest event end of the pair (no recording is opened). A pair
//! passes when its kappa is at or above the kappa gate (an undefined kappa, when both readers
//! gave every epoch the same label, is perfect agreement) and every event label's F1 is at or
//! above the F1 gate.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

use super::{RecordingStatus, StudyError};
use crate::annotations::journal::read_lines;
use crate::annotations::store::{Paths, CONSENSUS};
use crate::annotations::{Event, LabelKind, Taxonomy};
use crate::compare::adjudicate::{decisions, pair, Decision, Status, DEFAULT_TOLERANCE_S};
use crate::compare::{self, EpochResult, EventResult, Mark, Mode, Settings, Table};
use crate::study::Gates;

/// Which labels go to which mode, from the guideline's keymap.
#[derive(Debug, Clone, Default)]
pub struct LabelKinds(HashMap<String, LabelKind>);

impl LabelKinds {
    pub fn new(t: &Taxonomy) -> LabelKinds {
        LabelKinds(t.labels.iter().map(|l| (l.name.clone(), l.kind)).collect())
    }

    /// Interval and epoch labels; a label not in the keymap by its events (an interval).
    fn in_epochs(&self, m: &Mark) -> bool {
        match self.0.get(&m.label) {
            Some(k) => *k != LabelKind::Point,
            None => m.duration > 0.0,
        }
    }

    /// Point and interval labels (and any not in the keymap).
    fn in_events(&self, m: &Mark) -> bool {
        self.0.get(&m.label) != Some(&LabelKind::Epoch)
    }
}

/// One label's agreement: epoch kappa (interval and epoch labels), event F1 (point and
/// interval labels).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LabelStat {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kappa: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f1: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairAgreement {
    pub a: String,
    pub b: String,
    pub epochs: u64,
    /// Cohen's kappa over the epochs; `None` when undefined (no epochs, or one label only).
    pub kappa: Option<f64>,
    pub percent_agreement: Option<f64>,
    pub labels: BTreeMap<String, LabelStat>,
    /// What falls short of the gates, in words ("kappa 0.42 < 0.80", "F1 of VT 0.50 < 0.80").
    pub below: Vec<String>,
    pub passes: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub pairs: Vec<PairAgreement>,
    /// Every pair passes.
    pub passes: bool,
}

/// Disagreements resolved of total, as the adjudication of readers `a` and `b` pairs them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adjudication {
    pub a: String,
    pub b: String,
    pub resolved: u64,
    pub total: u64,
    /// Every disagreement decided (and, with none, a consensus written).
    pub complete: bool,
}

/// Pooled over the study.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overall {
    pub recordings: u64,
    /// Recordings every assigned reader finished.
    pub read: u64,
    pub passing: u64,
    /// Kappa of the epochs of every compared pair pooled (sumstats' "gross").
    pub pooled_kappa: Option<f64>,
    pub epochs: u64,
    pub labels: BTreeMap<String, LabelStat>,
    /// Recordings with a pair below the gates, and how many of them are adjudicated.
    pub below_threshold: Vec<String>,
    pub adjudicated: u64,
    #[serde(skip)]
    epoch: Option<EpochResult>,
    #[serde(skip)]
    event: Option<EventResult>,
}

impl Overall {
    /// Pools another recording's epochs and events.
    pub fn add(&mut self, o: Overall) {
        match (&mut self.epoch, o.epoch) {
            (Some(a), Some(b)) => a.add(&b),
            (a @ None, b) => *a = b,
            _ => {}
        }
        match (&mut self.event, o.event) {
            (Some(a), Some(b)) => a.add(&b),
            (a @ None, b) => *a = b,
            _ => {}
        }
    }

    /// The pooled statistics and the counts over the recordings.
    pub fn finish(&mut self, recordings: &[RecordingStatus]) {
        self.recordings = recordings.len() as u64;
        self.read = recordings.iter().filter(|r| r.gates.read).count() as u64;
        self.passing = recordings.iter().filter(|r| r.gates.passes).count() as u64;
        let below = |r: &&RecordingStatus| r.agreement.as_ref().is_some_and(|g| !g.passes);
        self.below_threshold = recordings
            .iter()
            .filter(below)
            .map(|r| r.path.clone())
            .collect();
        self.adjudicated = recordings
            .iter()
            .filter(below)
            .filter(|r| r.adjudication.as_ref().is_some_and(|j| j.complete))
            .count() as u64;
        if let Some(e) = &self.epoch {
            self.pooled_kappa = e.kappa();
            self.epochs = e.epochs;
        }
        self.labels = labels(self.epoch.as_ref(), self.event.as_ref());
    }
}

fn to_study(rec: &Path) -> impl Fn(compare::CompareError) -> StudyError + '_ {
    move |e| StudyError::Invalid {
        path: rec.to_path_buf(),
        detail: format!("comparing its readers: {e}"),
    }
}

/// Every pair of the finished readers (`None` with fewer than two), and their epochs and
/// events pooled for the study's totals.
pub fn of_readers(
    rec: &Path,
    finished: &[(String, Vec<Event>)],
    kinds: &LabelKinds,
    epoch_s: f64,
    gates: &Gates,
) -> Result<(Option<Agreement>, Overall), StudyError> {
    let mut pooled = Overall::default();
    if finished.len() < 2 {
        return Ok((None, pooled));
    }
    let marks: Vec<Vec<Mark>> = finished
        .iter()
        .map(|(_, ev)| {
            ev.iter()
                .map(|e| Mark::new(e.onset, e.duration, e.label.clone()))
                .collect()
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..finished.len() {
        for j in i + 1..finished.len() {
            let names = (finished[i].0.as_str(), finished[j].0.as_str());
            let (p, epochs, events) =
                pair_agreement(names, (&marks[i], &marks[j]), kinds, epoch_s, gates)
                    .map_err(to_study(rec))?;
            pooled.add(Overall {
                epoch: Some(epochs),
                event: Some(events),
                ..Overall::default()
            });
            pairs.push(p);
        }
    }
    let passes = pairs.iter().all(|p| p.passes);
    Ok((Some(Agreement { pairs, passes }), pooled))
}

/// One pair through compare's epoch and event modes, and the gates.
fn pair_agreement(
    (a, b): (&str, &str),
    (ma, mb): (&[Mark], &[Mark]),
    kinds: &LabelKinds,
    epoch_s: f64,
    gates: &Gates,
) -> Result<(PairAgreement, EpochResult, EventResult), compare::CompareError> {
    let duration = ma.iter().chain(mb).map(Mark::end).fold(0.0, f64::max);
    let table = |name: &str, m: &[Mark], keep: &dyn Fn(&Mark) -> bool| {
        Table::new(name, m.iter().filter(|x| keep(x)).cloned().collect())
    };
    let run = |mode: Mode, keep: &dyn Fn(&Mark) -> bool| {
        let settings = Settings {
            modes: vec![mode],
            epoch_s: Some(epoch_s),
            ..Settings::default()
        };
        compare::compare(
            &[table(a, ma, keep), table(b, mb, keep)],
            Some(duration),
            &settings,
        )
    };
    let epochs = run(Mode::Epoch, &|m| kinds.in_epochs(m))?
        .epoch
        .ok_or_else(|| compare::CompareError::Settings("epoch mode gave no result".into()))?;
    let events = run(Mode::Event, &|m| kinds.in_events(m))?
        .event
        .ok_or_else(|| compare::CompareError::Settings("event mode gave no result".into()))?;
    let kappa = epochs.kappa();
    let labels = labels(Some(&epochs), Some(&events));
    let mut below = Vec::new();
    if let Some(k) = kappa.filter(|k| *k < gates.kappa) {
        below.push(format!("kappa {k:.3} < {:.2}", gates.kappa));
    }
    for (l, s) in &labels {
        if let Some(f) = s.f1.filter(|f| *f < gates.f1) {
            below.push(format!("F1 of {l} {f:.3} < {:.2}", gates.f1));
        }
    }
    let p = PairAgreement {
        a: a.to_string(),
        b: b.to_string(),
        epochs: epochs.epochs,
        kappa,
        percent_agreement: epochs.percent_agreement(),
        labels,
        passes: below.is_empty(),
        below,
    };
    Ok((p, epochs, events))
}

/// Per label: kappa from the epochs, F1 (A as the reference; 0 when one reader has none).
fn labels(
    epochs: Option<&EpochResult>,
    events: Option<&EventResult>,
) -> BTreeMap<String, LabelStat> {
    let mut out: BTreeMap<String, LabelStat> = BTreeMap::new();
    for (l, s) in epochs.map(EpochResult::per_label).unwrap_or_default() {
        out.entry(l).or_default().kappa = s.kappa;
    }
    for (l, c) in events.map(|e| &e.forward).into_iter().flatten() {
        if c.ref_events + c.test_events > 0 {
            out.entry(l.clone()).or_default().f1 = Some(c.f1().unwrap_or(0.0));
        }
    }
    out
}

/// Adjudication progress of readers `a` and `b` (compare's pairing and the decisions file
/// `REC.consensus.decisions.jsonl`): `None` when the pair passes and nothing was decided.
/// The adjudicator may have taken the readers in either order, so an item counts as decided
/// under its key or the key with A and B swapped.
pub fn adjudication(
    rec: &Path,
    (ra, ea): (&str, &[Event]),
    (rb, eb): (&str, &[Event]),
    passes: bool,
) -> Result<Option<Adjudication>, StudyError> {
    let path = decisions::path_for(rec, None);
    if passes && !path.is_file() {
        return Ok(None);
    }
    let decided: HashSet<String> = read_lines::<Decision>(&path)?
        .entries
        .into_iter()
        .map(|d| d.key)
        .collect();
    let mut total = 0u64;
    let mut resolved = 0u64;
    for item in pair(ea, eb, DEFAULT_TOLERANCE_S) {
        if item.status == Status::Agree {
            continue;
        }
        total += 1;
        let key = item.key();
        let swapped = key
            .split_once('|')
            .map(|(x, y)| format!("{y}|{x}"))
            .unwrap_or_default();
        if decided.contains(&key) || decided.contains(&swapped) {
            resolved += 1;
        }
    }
    let consensus = Paths::new(rec, CONSENSUS, None).events.is_file();
    Ok(Some(Adjudication {
        a: ra.to_string(),
        b: rb.to_string(),
        resolved,
        total,
        complete: resolved == total && (total > 0 || consensus),
    }))
}
