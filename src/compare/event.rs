//! Event mode: per label, does each reference event have a match among the other reader's
//! events, and does each of the other reader's events match some reference event.
//!
//! The order of operations is SzCORE's (the `timescoring` package, `scoring.py`,
//! `EventScoring.__init__`): for each reader, events closer than the merge gap are merged,
//! events longer than the maximum duration are split, then each reference event is widened by
//! the tolerances (clipped to the recording) and is a true positive when the test events cover
//! more than `min_overlap` of the widened event (`relativeOverlap > minOverlap + 1e-6`; with 0,
//! any overlap at all). A test event is a false positive when it touches no widened reference
//! event that was matched (`np.all(~tpMask[event])`). So, as SzCORE counts:
//! TP = reference events matched, FN = reference events not matched, FP = test events that
//! match nothing; sensitivity = TP / reference events, PPV = matched test events / test events
//! (SzCORE's own "precision" is TP / (TP + FP), which differs when several test events match
//! one reference event), F1 from those two, and FP per 24 h of recording.
//!
//! SzCORE works on a 10 Hz grid of samples; here times are compared exactly, so the counts
//! are SzCORE's whenever event times are multiples of 0.1 s. Two cases a sample mask cannot
//! express are defined here: a zero-length event (a point) matches an event that contains it,
//! ends included (SzCORE counts a zero-length test event as a false positive, its mask being
//! empty); and intervals that only touch at one instant do not overlap (as in SzCORE).
//!
//! With a point window ([`compare_with_window`]; `sigmark compare` gives EC57's 150 ms by
//! default), labels whose events are mostly points are instead matched one-to-one within the
//! window ([`super::points`]); [`compare`] matches every label by overlap.

use std::collections::BTreeMap;

use serde::Serialize;

use super::interval::{any_within, Union};
use super::points::{match_points, LabelRule, Rule};
use super::{CompareError, Mark};

/// Seconds in a day, for false positives per 24 h.
const DAY_S: f64 = 86_400.0;
/// SzCORE's margin on the relative overlap (`minOverlap + 1e-6`).
const OVERLAP_EPSILON: f64 = 1e-6;
/// More pieces than this from `--max-duration` is a mistake, not a comparison.
const MAX_PIECES: f64 = 50_000_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EventParams {
    /// Fraction of the widened reference event the test events must cover; 0 = any overlap.
    pub min_overlap: f64,
    pub tolerance_before_s: f64,
    pub tolerance_after_s: f64,
    /// Events of one reader separated by less than this are merged first.
    pub merge_gap_s: Option<f64>,
    /// Events longer than this are split into pieces of this length.
    pub max_duration_s: Option<f64>,
}

impl Default for EventParams {
    /// Plain any-overlap matching: no tolerance, no merging, no splitting.
    fn default() -> EventParams {
        EventParams {
            min_overlap: 0.0,
            tolerance_before_s: 0.0,
            tolerance_after_s: 0.0,
            merge_gap_s: None,
            max_duration_s: None,
        }
    }
}

impl EventParams {
    /// SzCORE's defaults (`EventScoring.Parameters`).
    pub fn szcore() -> EventParams {
        EventParams {
            min_overlap: 0.0,
            tolerance_before_s: 30.0,
            tolerance_after_s: 60.0,
            merge_gap_s: Some(90.0),
            max_duration_s: Some(300.0),
        }
    }

    pub fn check(&self) -> Result<(), String> {
        let secs = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("{name} {v}: give a number of seconds >= 0"))
            }
        };
        if !(self.min_overlap.is_finite() && (0.0..1.0).contains(&self.min_overlap)) {
            return Err(format!(
                "--min-overlap {}: give a fraction from 0 (any overlap) to below 1",
                self.min_overlap
            ));
        }
        secs("--tolerance-before", self.tolerance_before_s)?;
        secs("--tolerance-after", self.tolerance_after_s)?;
        if let Some(g) = self.merge_gap_s {
            secs("--merge-gap", g)?;
        }
        match self.max_duration_s {
            Some(m) if !(m.is_finite() && m > 0.0) => {
                Err(format!("--max-duration {m}: give a number of seconds > 0"))
            }
            _ => Ok(()),
        }
    }
}

/// Counts with one reader as the reference and the other as the test.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub ref_events: u64,
    pub test_events: u64,
    /// Reference events matched (true positives).
    pub tp: u64,
    /// Test events that match some reference event.
    pub test_matched: u64,
}

impl Counts {
    pub fn fn_(&self) -> u64 {
        self.ref_events.saturating_sub(self.tp)
    }

    pub fn fp(&self) -> u64 {
        self.test_events.saturating_sub(self.test_matched)
    }

    pub fn sensitivity(&self) -> Option<f64> {
        ratio(self.tp, self.ref_events)
    }

    pub fn ppv(&self) -> Option<f64> {
        ratio(self.test_matched, self.test_events)
    }

    /// 2·Se·PPV/(Se+PPV); 0 when both are 0, undefined when either is.
    pub fn f1(&self) -> Option<f64> {
        let (se, p) = (self.sensitivity()?, self.ppv()?);
        Some(if se + p == 0.0 {
            0.0
        } else {
            2.0 * se * p / (se + p)
        })
    }

    pub fn fp_per_24h(&self, duration_s: f64) -> Option<f64> {
        (duration_s > 0.0).then(|| self.fp() as f64 / (duration_s / DAY_S))
    }

    pub fn add(&mut self, o: &Counts) {
        self.ref_events += o.ref_events;
        self.test_events += o.test_events;
        self.tp += o.tp;
        self.test_matched += o.test_matched;
    }
}

/// `a / b`, undefined when `b` is 0.
pub fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// epicmp's duration measures for one label: time marked by A, by B, and by both.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Durations {
    pub a_s: f64,
    pub b_s: f64,
    pub overlap_s: f64,
}

impl Durations {
    /// epicmp's duration sensitivity with A as the reference.
    pub fn overlap_over_a(&self) -> Option<f64> {
        (self.a_s > 0.0).then(|| self.overlap_s / self.a_s)
    }

    /// epicmp's duration positive predictivity with A as the reference.
    pub fn overlap_over_b(&self) -> Option<f64> {
        (self.b_s > 0.0).then(|| self.overlap_s / self.b_s)
    }

    pub fn add(&mut self, o: &Durations) {
        self.a_s += o.a_s;
        self.b_s += o.b_s;
        self.overlap_s += o.overlap_s;
    }
}

/// Event mode's result: per label, A as the reference (`forward`) and B (`reversed`).
#[derive(Debug, Clone, PartialEq)]
pub struct EventResult {
    pub params: EventParams,
    /// Labels that are mostly points were matched one-to-one within this; `None`: none was.
    pub point_window_s: Option<f64>,
    pub duration_s: f64,
    pub forward: BTreeMap<String, Counts>,
    pub reversed: BTreeMap<String, Counts>,
    pub durations: BTreeMap<String, Durations>,
    /// How each label was matched.
    pub rules: BTreeMap<String, LabelRule>,
}

impl EventResult {
    /// All labels pooled (a pair only ever matches within one label).
    pub fn overall(&self, reversed: bool) -> Counts {
        let map = if reversed {
            &self.reversed
        } else {
            &self.forward
        };
        map.values().fold(Counts::default(), |mut acc, c| {
            acc.add(c);
            acc
        })
    }

    pub fn overall_durations(&self) -> Durations {
        self.durations
            .values()
            .fold(Durations::default(), |mut acc, d| {
                acc.add(d);
                acc
            })
    }

    /// Pools another recording's counts into this one (WFDB sumstats' "gross").
    pub fn add(&mut self, o: &EventResult) {
        self.duration_s += o.duration_s;
        for (l, c) in &o.forward {
            self.forward.entry(l.clone()).or_default().add(c);
        }
        for (l, c) in &o.reversed {
            self.reversed.entry(l.clone()).or_default().add(c);
        }
        for (l, d) in &o.durations {
            self.durations.entry(l.clone()).or_default().add(d);
        }
        for (l, r) in &o.rules {
            match self.rules.get_mut(l) {
                Some(mine) => mine.add(r),
                None => {
                    self.rules.insert(l.clone(), *r);
                }
            }
        }
    }
}

/// Compares A's and B's events label by label, A as the reference and then B, every label by
/// overlap.
pub fn compare(
    a: &[Mark],
    b: &[Mark],
    p: &EventParams,
    duration_s: f64,
) -> Result<EventResult, CompareError> {
    compare_with_window(a, b, p, None, duration_s)
}

/// As [`compare`], with labels that are mostly points matched one-to-one within
/// `point_window_s` (see [`super::points`] for the rule and why).
pub fn compare_with_window(
    a: &[Mark],
    b: &[Mark],
    p: &EventParams,
    point_window_s: Option<f64>,
    duration_s: f64,
) -> Result<EventResult, CompareError> {
    let (by_a, by_b) = (by_label(a), by_label(b));
    let mut labels: Vec<&str> = by_a.keys().chain(by_b.keys()).copied().collect();
    labels.sort_unstable();
    labels.dedup();
    let mut out = EventResult {
        params: *p,
        point_window_s,
        duration_s,
        forward: BTreeMap::new(),
        reversed: BTreeMap::new(),
        durations: BTreeMap::new(),
        rules: BTreeMap::new(),
    };
    let none = Vec::new();
    for label in labels {
        let ra = by_a.get(label).unwrap_or(&none);
        let rb = by_b.get(label).unwrap_or(&none);
        let (ua, ub) = (
            Union::new(ra.iter().copied()),
            Union::new(rb.iter().copied()),
        );
        out.durations.insert(
            label.to_string(),
            Durations {
                a_s: ua.total(),
                b_s: ub.total(),
                overlap_s: ua.intersection(&ub),
            },
        );
        let rule = label_rule(ra, rb, point_window_s);
        let (fwd, rev) = match rule.rule {
            Rule::Window(w) => score_points(ra, rb, w),
            _ => {
                let (pa, pb) = (prepare(ra.clone(), p)?, prepare(rb.clone(), p)?);
                rayon::join(
                    || score(&pa, &pb, p, duration_s),
                    || score(&pb, &pa, p, duration_s),
                )
            }
        };
        out.forward.insert(label.to_string(), fwd);
        out.reversed.insert(label.to_string(), rev);
        out.rules.insert(label.to_string(), rule);
    }
    Ok(out)
}

/// The rule for one label from both readers' events.
fn label_rule(ra: &[(f64, f64)], rb: &[(f64, f64)], window_s: Option<f64>) -> LabelRule {
    let all = || ra.iter().chain(rb);
    let points = all().filter(|(s, e)| e <= s).count() as u64;
    let intervals = all().count() as u64 - points;
    LabelRule::choose(points, intervals, window_s)
}

/// A point label's counts, A as the reference and then B: events at their onsets, paired
/// one-to-one within `w`.
fn score_points(ra: &[(f64, f64)], rb: &[(f64, f64)], w: f64) -> (Counts, Counts) {
    let (ta, tb): (Vec<f64>, Vec<f64>) = (
        ra.iter().map(|x| x.0).collect(),
        rb.iter().map(|x| x.0).collect(),
    );
    let pairs = match_points(&ta, &tb, w);
    let counts = |r: usize, t: usize| Counts {
        ref_events: r as u64,
        test_events: t as u64,
        tp: pairs,
        test_matched: pairs,
    };
    (counts(ta.len(), tb.len()), counts(tb.len(), ta.len()))
}

/// Each label's events as (start, end).
fn by_label(marks: &[Mark]) -> BTreeMap<&str, Vec<(f64, f64)>> {
    let mut m: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for e in marks {
        m.entry(e.label.as_str())
            .or_default()
            .push((e.onset, e.end()));
    }
    m
}

/// One reader's events of one label made ready for scoring: sorted, merged, split.
pub fn prepare(mut v: Vec<(f64, f64)>, p: &EventParams) -> Result<Vec<(f64, f64)>, CompareError> {
    v.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
    if let Some(gap) = p.merge_gap_s {
        merge(&mut v, gap);
    }
    if let Some(max) = p.max_duration_s {
        let pieces: f64 = v.iter().map(|(s, e)| ((e - s) / max).ceil().max(1.0)).sum();
        if pieces > MAX_PIECES {
            return Err(CompareError::Limit(format!(
                "--max-duration {max} would split the events into {pieces:.0} pieces; give a \
                 longer one"
            )));
        }
        v = split(&v, max);
    }
    Ok(v)
}

/// Merges events (sorted by onset) separated by less than `gap`, as SzCORE's
/// `_mergeNeighbouringEvents`: `next.start - previous.end < gap`. A merged event ends at the
/// later end (SzCORE takes the next event's end, the same for events that do not overlap).
pub fn merge(v: &mut Vec<(f64, f64)>, gap: f64) {
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(v.len());
    for &(s, e) in v.iter() {
        match out.last_mut() {
            Some(last) if s - last.1 < gap => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    *v = out;
}

/// Splits events longer than `max` into pieces of `max` from their start, the last one
/// shorter, as SzCORE's `_splitLongEvents` (`end - start > max`).
pub fn split(v: &[(f64, f64)], max: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(v.len());
    for &(mut s, e) in v {
        while e - s > max {
            let next = s + max;
            if next <= s {
                break; // `max` below the spacing of floats this far out: keep the rest whole
            }
            out.push((s, next));
            s = next;
        }
        out.push((s, e));
    }
    out
}

/// A reference event widened by the tolerances and clipped to the recording, as SzCORE's
/// `_extendEvents` (`max(0, start - before), min(duration, end + after)`); an event reaching
/// past the given duration is never cut shorter than itself.
pub fn widen(s: f64, e: f64, p: &EventParams, duration_s: f64) -> (f64, f64) {
    let start = (s - p.tolerance_before_s).max(0.0).min(s);
    let end = (e + p.tolerance_after_s).min(duration_s).max(e);
    (start, end)
}

/// Counts `test` against `reference` (both prepared, sorted by onset).
pub fn score(
    reference: &[(f64, f64)],
    test: &[(f64, f64)],
    p: &EventParams,
    duration_s: f64,
) -> Counts {
    let test_union = Union::new(test.iter().copied());
    let test_points = points(test);
    let mut matched_windows = Vec::new();
    for &(s, e) in reference {
        let (ws, we) = widen(s, e, p, duration_s);
        let hit = if we > ws {
            if p.min_overlap > 0.0 {
                test_union.covered(ws, we) / (we - ws) > p.min_overlap + OVERLAP_EPSILON
            } else {
                test_union.overlaps(ws, we) || any_within(&test_points, ws, we)
            }
        } else {
            test_union.contains(ws) || any_within(&test_points, ws, ws)
        };
        if hit {
            matched_windows.push((ws, we));
        }
    }
    let windows = Union::new(matched_windows.iter().copied());
    let window_points = points(&matched_windows);
    let test_matched = test
        .iter()
        .filter(|&&(s, e)| {
            if e > s {
                windows.overlaps(s, e) || any_within(&window_points, s, e)
            } else {
                windows.contains(s) || any_within(&window_points, s, s)
            }
        })
        .count();
    Counts {
        ref_events: reference.len() as u64,
        test_events: test.len() as u64,
        tp: matched_windows.len() as u64,
        test_matched: test_matched as u64,
    }
}

/// The zero-length events' instants, sorted.
fn points(v: &[(f64, f64)]) -> Vec<f64> {
    let mut p: Vec<f64> = v.iter().filter(|(s, e)| e <= s).map(|(s, _)| *s).collect();
    p.sort_by(f64::total_cmp);
    p
}
