//! Epoch mode: the recording cut into epochs from 0 s (1 s, or 30 s when every label is a
//! sleep stage, as sleep scoring does); each reader gives each epoch one label, then Cohen's
//! kappa between A and B, overall and per label (label against not-label), their percent
//! agreement and confusion matrix, and with three readers or more Fleiss' kappa.
//!
//! An epoch's label is that of the event covering its centre (onset <= centre < end); a point
//! event labels the epoch it lies in; of several, the one that began last, and of events that
//! began together the label first in alphabetical order; "none" when there is no event.
//! Epochs are `[k·e, (k+1)·e)` for k from 0 while k·e is before the end of the recording (or of
//! the latest event), so a last short epoch is scored; events after the last epoch are not.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

use super::kappa::{self, Fleiss};
use super::{CompareError, Mark};

/// Labels that make the default epoch 30 s (AASM stages).
pub const SLEEP_STAGES: [&str; 5] = ["W", "N1", "N2", "N3", "R"];
/// The label of an epoch no event covers.
pub const NONE: &str = "none";
/// More epochs than this would take gigabytes; the error suggests a longer epoch.
const MAX_EPOCHS: f64 = 50_000_000.0;

pub fn is_sleep_stage(label: &str) -> bool {
    SLEEP_STAGES.contains(&label)
}

/// 30 s when every label of every table is a sleep stage (and there is one), else 1 s.
pub fn default_epoch(tables: &[&[Mark]]) -> f64 {
    let mut marks = tables.iter().flat_map(|t| t.iter()).peekable();
    if marks.peek().is_some() && marks.all(|m| is_sleep_stage(&m.label)) {
        30.0
    } else {
        1.0
    }
}

/// Confusion of A's and B's epoch labels, with the Fleiss tallies of all readers.
#[derive(Debug, Clone, PartialEq)]
pub struct EpochResult {
    pub epoch_s: f64,
    pub epochs: u64,
    pub readers: usize,
    /// A's label, then B's label, to the number of epochs.
    pub confusion: BTreeMap<String, BTreeMap<String, u64>>,
    /// With three readers or more.
    pub fleiss: Option<Fleiss>,
}

/// Agreement on one label against all others.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelAgreement {
    pub kappa: Option<f64>,
    pub a_epochs: u64,
    pub b_epochs: u64,
    pub both: u64,
}

impl EpochResult {
    /// Labels of either reader, sorted, "none" included when it occurs.
    pub fn labels(&self) -> Vec<String> {
        let mut l: Vec<String> = self
            .confusion
            .iter()
            .flat_map(|(a, row)| std::iter::once(a.clone()).chain(row.keys().cloned()))
            .collect();
        l.sort();
        l.dedup();
        l
    }

    /// The confusion matrix over [`EpochResult::labels`].
    pub fn matrix(&self) -> (Vec<String>, Vec<Vec<u64>>) {
        let labels = self.labels();
        let index: HashMap<&str, usize> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.as_str(), i))
            .collect();
        let mut m = vec![vec![0u64; labels.len()]; labels.len()];
        for (a, row) in &self.confusion {
            for (b, n) in row {
                if let (Some(&i), Some(&j)) = (index.get(a.as_str()), index.get(b.as_str())) {
                    m[i][j] += n;
                }
            }
        }
        (labels, m)
    }

    pub fn kappa(&self) -> Option<f64> {
        kappa::cohen(&self.matrix().1)
    }

    /// Epochs with the same label from A and B, in percent.
    pub fn percent_agreement(&self) -> Option<f64> {
        let (_, m) = self.matrix();
        let total: u64 = m.iter().flatten().sum();
        let same: u64 = (0..m.len()).map(|i| m[i][i]).sum();
        (total > 0).then(|| 100.0 * same as f64 / total as f64)
    }

    /// Per label (not "none"): kappa of label against not-label.
    pub fn per_label(&self) -> BTreeMap<String, LabelAgreement> {
        let (labels, m) = self.matrix();
        let total: u64 = m.iter().flatten().sum();
        let mut out = BTreeMap::new();
        for (i, l) in labels.iter().enumerate() {
            if l == NONE {
                continue;
            }
            let a: u64 = m[i].iter().sum();
            let b: u64 = m.iter().map(|row| row[i]).sum();
            let both = m[i][i];
            let (only_a, only_b) = (a - both, b - both);
            let neither = total - both - only_a - only_b;
            out.insert(
                l.clone(),
                LabelAgreement {
                    kappa: kappa::cohen(&[vec![both, only_a], vec![only_b, neither]]),
                    a_epochs: a,
                    b_epochs: b,
                    both,
                },
            );
        }
        out
    }

    pub fn fleiss_kappa(&self) -> Option<f64> {
        self.fleiss.as_ref().and_then(Fleiss::kappa)
    }

    /// Pools another recording's epochs (sumstats' "gross").
    pub fn add(&mut self, o: &EpochResult) {
        self.epochs += o.epochs;
        for (a, row) in &o.confusion {
            let mine = self.confusion.entry(a.clone()).or_default();
            for (b, n) in row {
                *mine.entry(b.clone()).or_default() += n;
            }
        }
        match (&mut self.fleiss, &o.fleiss) {
            (Some(f), Some(g)) => f.add(g),
            (None, Some(g)) => self.fleiss = Some(g.clone()),
            _ => {}
        }
    }
}

/// Labels each epoch for every table and tallies the agreement.
pub fn compare(
    tables: &[&[Mark]],
    epoch_s: f64,
    duration_s: f64,
) -> Result<EpochResult, CompareError> {
    // A sliver of an epoch left by rounding (3.3 s / 1.1 s = 3.0000000000000004) is no epoch.
    let count = (duration_s / epoch_s - 1e-9).ceil();
    if count > MAX_EPOCHS {
        return Err(CompareError::Limit(format!(
            "{duration_s} s in epochs of {epoch_s} s would be {count:.0} epochs; give a longer \
             --epoch"
        )));
    }
    let n = count.max(0.0) as usize;
    let mut names: Vec<&str> = tables
        .iter()
        .flat_map(|t| t.iter().map(|m| m.label.as_str()))
        .collect();
    names.push(NONE);
    names.sort_unstable();
    names.dedup();
    let ids: HashMap<&str, u32> = names
        .iter()
        .enumerate()
        .map(|(i, l)| (*l, i as u32))
        .collect();
    let none = ids.get(NONE).copied().unwrap_or(0);
    let labelled: Vec<Vec<u32>> = tables
        .iter()
        .map(|t| label_epochs(t, epoch_s, n, &ids, none))
        .collect();
    let mut pairs: HashMap<(u32, u32), u64> = HashMap::new();
    if let [a, b, ..] = labelled.as_slice() {
        for (x, y) in a.iter().zip(b) {
            *pairs.entry((*x, *y)).or_default() += 1;
        }
    }
    let mut confusion: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for ((x, y), c) in pairs {
        let name = |i: u32| names.get(i as usize).copied().unwrap_or(NONE).to_string();
        *confusion
            .entry(name(x))
            .or_default()
            .entry(name(y))
            .or_default() += c;
    }
    let fleiss = (tables.len() >= 3).then(|| fleiss_tally(&labelled, n, &names));
    Ok(EpochResult {
        epoch_s,
        epochs: n as u64,
        readers: tables.len(),
        confusion,
        fleiss,
    })
}

/// Fleiss' tallies over the epochs: how many readers gave each label to each epoch.
fn fleiss_tally(labelled: &[Vec<u32>], n: usize, names: &[&str]) -> Fleiss {
    let mut f = Fleiss::new(labelled.len() as u64);
    let mut counts: Vec<(u32, u64)> = Vec::with_capacity(labelled.len());
    for k in 0..n {
        counts.clear();
        for reader in labelled {
            let l = reader[k];
            match counts.iter_mut().find(|(id, _)| *id == l) {
                Some((_, c)) => *c += 1,
                None => counts.push((l, 1)),
            }
        }
        f.add_item(
            counts
                .iter()
                .map(|&(id, c)| (names.get(id as usize).copied().unwrap_or(NONE), c)),
        );
    }
    f
}

/// One reader's label for each of `n` epochs (as ids), by a sweep over the events in onset
/// order with a heap of the intervals that have begun (latest onset on top).
fn label_epochs(
    marks: &[Mark],
    epoch_s: f64,
    n: usize,
    ids: &HashMap<&str, u32>,
    none: u32,
) -> Vec<u32> {
    let id = |m: &Mark| ids.get(m.label.as_str()).copied().unwrap_or(none);
    // (onset, label id reversed so that equal onsets put the first label on top, end)
    let mut intervals: Vec<(f64, u32, f64)> = marks
        .iter()
        .filter(|m| m.duration > 0.0)
        .map(|m| (m.onset, id(m), m.end()))
        .collect();
    intervals.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut points: Vec<(f64, u32)> = marks
        .iter()
        .filter(|m| m.duration <= 0.0)
        .map(|m| (m.onset, id(m)))
        .collect();
    // Within one epoch the last point wins: sort equal times by label id descending.
    points.sort_by(|x, y| x.0.total_cmp(&y.0).then(y.1.cmp(&x.1)));
    let mut heap: BinaryHeap<(Key, Reverse<u32>, Key)> = BinaryHeap::new();
    let (mut next, mut p) = (0, 0);
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let (lo, hi) = (k as f64 * epoch_s, (k + 1) as f64 * epoch_s);
        let centre = (k as f64 + 0.5) * epoch_s;
        while next < intervals.len() && intervals[next].0 <= centre {
            let (s, l, e) = intervals[next];
            heap.push((Key(s), Reverse(l), Key(e)));
            next += 1;
        }
        while heap.peek().is_some_and(|top| top.2 .0 <= centre) {
            heap.pop();
        }
        let covering = heap.peek().map(|top| (top.0 .0, top.1 .0));
        while p < points.len() && points[p].0 < lo {
            p += 1;
        }
        let mut point = None;
        while p < points.len() && points[p].0 < hi {
            point = Some(points[p]);
            p += 1;
        }
        out.push(match (covering, point) {
            (Some(c), Some(q)) if q.0 > c.0 || (q.0 == c.0 && q.1 < c.1) => q.1,
            (Some(c), _) => c.1,
            (None, Some(q)) => q.1,
            (None, None) => none,
        });
    }
    out
}

/// A time that orders totally (times here are finite).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Key(f64);

impl Eq for Key {}

impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Key) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Key {
    fn cmp(&self, o: &Key) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}
