//! Point events in event mode: which labels are matched as points within a window rather than
//! by overlap, and the one-to-one matching itself.
//!
//! **Which rule a label gets.** A label is matched within the window when most of its events,
//! counted over both readers, are points (duration 0); otherwise by overlap (see
//! [`super::event`]), a tie going to overlap, which already matches a point with an interval
//! that contains it. A label is never split between the two rules, because one event of A
//! must be able to match any event of B with the same label: a PVC marked as a point by one
//! reader and as a short interval by the other is still the same PVC. So in a point label an
//! interval is taken at its onset, and in an interval label a point is a zero-length interval.
//! The report says, per label, which rule it got and how many events of each kind it had.
//! SzCORE's options (tolerances, merging, splitting, minimum overlap) apply to overlap labels
//! only: they are defined for intervals, and a point label has its own window.
//!
//! **Matching within the window.** ANSI/AAMI EC57 (after EC38), as WFDB's bxb applies it,
//! counts a test beat as a match for a reference beat when the two are no more than 150 ms
//! apart ("the match window", bxb's `-w`, default 0.15 s), and each annotation matches at
//! most one of the other's; bxb resolves competition by pairing the nearer one first. Here the
//! same rule: pairs at most `window_s` apart are taken nearest first, one-to-one; a tie in
//! distance goes to the earlier pair. TP = pairs (the same count with either reader as the
//! reference), FN = reference points left over, FP = test points left over.
//!
//! The nearest remaining pair of A and B points is always adjacent in the merged time order
//! of the points still unpaired (a point between them would be nearer to one of them), so the
//! matching keeps a heap of adjacent A-B pairs and a linked list of the unpaired points: each
//! pairing removes two points and adds at most one new adjacent pair, O(n log n) in all.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;

/// EC57's match window, seconds.
pub const EC57_WINDOW_S: f64 = 0.15;

/// Table times are decimal: two times exactly the window apart in decimal may differ by a
/// little more in binary, and still count as within it.
const EDGE_S: f64 = 1e-9;

/// How a label's events are matched.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Any overlap (with the event mode's options), points as zero-length intervals.
    Overlap,
    /// One-to-one within this many seconds, nearest first; events taken at their onsets.
    Window(f64),
    /// Pooled recordings in which the label got different rules.
    Mixed,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Overlap => write!(f, "overlap"),
            Rule::Window(w) => write!(f, "window {w:.3} s"),
            Rule::Mixed => write!(f, "mixed (differs between recordings)"),
        }
    }
}

/// A label's rule and the events it was chosen from (both readers).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LabelRule {
    pub rule: Rule,
    pub points: u64,
    pub intervals: u64,
}

impl LabelRule {
    /// The rule for a label with `points` points and `intervals` intervals over both readers;
    /// `window_s` `None` matches everything by overlap.
    pub fn choose(points: u64, intervals: u64, window_s: Option<f64>) -> LabelRule {
        let rule = match window_s {
            Some(w) if points > intervals => Rule::Window(w),
            _ => Rule::Overlap,
        };
        LabelRule {
            rule,
            points,
            intervals,
        }
    }

    /// Pools another recording's rule for the same label.
    pub fn add(&mut self, o: &LabelRule) {
        if self.rule != o.rule {
            self.rule = Rule::Mixed;
        }
        self.points += o.points;
        self.intervals += o.intervals;
    }

    /// "window 0.150 s" with, when the label had both kinds, how the fewer kind was taken.
    pub fn describe(&self) -> String {
        let n = |k: u64, one: &str| format!("{k} {one}{}", if k == 1 { "" } else { "s" });
        let (p, i) = (n(self.points, "point"), n(self.intervals, "interval"));
        let kinds = match self.rule {
            Rule::Window(_) if self.intervals > 0 => format!(" ({p}; {i} taken at the onset)"),
            Rule::Overlap if self.points > 0 && self.intervals > 0 => {
                format!(" ({i}; {p} as zero-length intervals)")
            }
            _ => String::new(),
        };
        format!("{}{kinds}", self.rule)
    }
}

/// A heap entry: distance, then the earlier point's time, then the two list positions.
#[derive(Debug, PartialEq)]
struct Pair(f64, f64, usize, usize);

impl Eq for Pair {}

impl PartialOrd for Pair {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Pair {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0
            .total_cmp(&o.0)
            .then(self.1.total_cmp(&o.1))
            .then(self.2.cmp(&o.2))
    }
}

/// The number of one-to-one pairs of `a` and `b` instants at most `window_s` apart, nearest
/// first (any order of input).
pub fn match_points(a: &[f64], b: &[f64], window_s: f64) -> u64 {
    // Merged time order; `true` marks A's points.
    let mut all: Vec<(f64, bool)> = a
        .iter()
        .map(|&t| (t, true))
        .chain(b.iter().map(|&t| (t, false)))
        .collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let w = window_s + EDGE_S;
    // Points separated by a gap wider than the window can never pair across it: each run
    // between such gaps is matched alone, and the common run, one point of each reader, at
    // once.
    let mut pairs = 0;
    let mut start = 0;
    for k in 1..=all.len() {
        if k < all.len() && all[k].0 - all[k - 1].0 <= w {
            continue;
        }
        let run = &all[start..k];
        pairs += match run {
            [x, y] => u64::from(x.1 != y.1),
            [_] => 0,
            _ => match_run(run, w),
        };
        start = k;
    }
    pairs
}

/// Nearest-first pairing within one run of points in time order (see the module's comment).
fn match_run(all: &[(f64, bool)], w: f64) -> u64 {
    let n = all.len();
    let mut prev: Vec<Option<usize>> = (0..n).map(|i| i.checked_sub(1)).collect();
    let mut next: Vec<Option<usize>> = (0..n).map(|i| (i + 1 < n).then_some(i + 1)).collect();
    let mut paired = vec![false; n];
    let candidate = |i: usize, j: usize| {
        let (x, y) = (all[i], all[j]);
        let d = y.0 - x.0;
        (x.1 != y.1 && d <= w).then_some(Reverse(Pair(d, x.0, i, j)))
    };
    let mut heap: BinaryHeap<_> = (1..n).filter_map(|i| candidate(i - 1, i)).collect();
    let mut pairs = 0;
    while let Some(Reverse(Pair(_, _, i, j))) = heap.pop() {
        if paired[i] || paired[j] || next[i] != Some(j) {
            continue; // stale: one of them was paired, or they are no longer neighbours
        }
        paired[i] = true;
        paired[j] = true;
        pairs += 1;
        let (p, q) = (prev[i], next[j]);
        if let Some(p) = p {
            next[p] = q;
        }
        if let Some(q) = q {
            prev[q] = p;
        }
        if let Some(c) = p.zip(q).and_then(|(p, q)| candidate(p, q)) {
            heap.push(c);
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_first_one_to_one_within_the_window() {
        // Nearest first pairs 1.05-1.10 (50 ms); 1.00 and 1.20 are then 200 ms apart and stay
        // unpaired (a sweep in time order would have paired 1.00-1.10 and 1.05-1.20 instead).
        let (a, b) = ([1.0, 1.05], [1.10, 1.20]);
        let n = match_points(&a, &b, 0.15);
        println!("{a:?} vs {b:?}: {n} pairs");
        assert_eq!(n, 1);
        assert_eq!(match_points(&[1.0], &[1.2], 0.15), 0);
        assert_eq!(
            match_points(&[1.0], &[1.15], 0.15),
            1,
            "the window's edge is in"
        );
        // 36.008 - 35.858 is 0.15000000000000213 in binary: still exactly 150 ms in the table.
        assert_eq!(match_points(&[35.858], &[36.008], 0.15), 1);
        assert_eq!(match_points(&[35.858], &[36.009], 0.15), 0);
        assert_eq!(match_points(&[5.0, 5.0], &[5.0], 0.15), 1, "one-to-one");
        assert_eq!(match_points(&[], &[1.0], 0.15), 0);
        assert_eq!(match_points(&[2.0, 1.0, 3.0], &[3.1, 0.95, 2.05], 0.15), 3);
    }
}
