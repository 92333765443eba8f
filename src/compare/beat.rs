//! Beat mode: WFDB bxb's beat-by-beat comparison (G. Moody, `bxb.c`, after ANSI/AAMI EC38 and
//! EC57), A as the reference and B as the test.
//!
//! - Beats are events whose label names a beat class (table below), at their onset; other
//!   events (rhythms, noise) are not beats and are left out.
//! - Reference beats before `start_s` are skipped: bxb's default learning period is the first
//!   5 minutes (300 s), and so is ours. The last test beat of the learning period may still
//!   pair with the first reference beat, as in bxb (which, when no test beat precedes the
//!   start, compares with time 0 and can drop a first reference beat within the window of 0 s;
//!   here nothing is dropped).
//! - Pairing is bxb's sweep through both streams in time order: the earlier of the current
//!   reference (T) and test (t) beat is paired with the other when they are within the match
//!   window (EC57: 150 ms) and no closer to the other stream's next beat (or that next beat
//!   has a closer partner of its own, bxb's 2002 amendment); otherwise it is unmatched
//!   (column or row "O"). On a tie between two test beats the later one is paired.
//! - The comparison runs to the end of the recording (or the latest event end).
//!
//! Labels to classes: MIT beat symbols as EC57/bxb map them (case-sensitive: `e` is an atrial
//! escape beat, `E` a ventricular one): N: `N L R e j`; S: `A a J S`; V: `V E`; F: `F`;
//! Q: `/ f Q`. Otherwise (case does not matter): N: `N`, `beat`, `normal`; S: `S`, `PAC`,
//! `A`, `APC`, `SVPB`, `SVEB`; V: `V`, `PVC`, `VPB`, `VEB`; F: `F`, `fusion`; Q: `Q`,
//! `unknown`.
//! bxb maps supraventricular beats to N unless SVEB statistics are asked for; here they always
//! stay S, so the VEB figures are those of `bxb -S` (EC57 with SVEB).
//! Not supported: WFDB's shutdown (NOISE) and VF annotations, so there is no "X" column.

use serde::Serialize;

use super::event::{ratio, Counts};
use super::Mark;

/// Classes in matrix order; index 5 is "O", no beat.
pub const CLASSES: [&str; 6] = ["N", "S", "V", "F", "Q", "O"];
const O: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    N = 0,
    S = 1,
    V = 2,
    F = 3,
    Q = 4,
}

impl Class {
    /// The beat class a label names, if it names one: an MIT beat symbol (case-sensitive, as
    /// EC57 and bxb map them: N L R e j -> N; A a J S -> S; V E -> V; F -> F; / f Q -> Q), else
    /// a name in any case.
    pub fn of(label: &str) -> Option<Class> {
        let mit = match label.trim() {
            "N" | "L" | "R" | "e" | "j" => Some(Class::N),
            "A" | "a" | "J" | "S" => Some(Class::S),
            "V" | "E" => Some(Class::V),
            "F" => Some(Class::F),
            "/" | "f" | "Q" => Some(Class::Q),
            _ => None,
        };
        if mit.is_some() {
            return mit;
        }
        let l = label.trim().to_ascii_lowercase();
        Some(match l.as_str() {
            "n" | "beat" | "normal" => Class::N,
            "s" | "pac" | "a" | "apc" | "svpb" | "sveb" => Class::S,
            "v" | "pvc" | "vpb" | "veb" => Class::V,
            "f" | "fusion" => Class::F,
            "q" | "unknown" => Class::Q,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BeatParams {
    /// Match window, seconds (EC57: 0.15).
    pub window_s: f64,
    /// Reference beats before this are not scored (bxb: 5 minutes).
    pub start_s: f64,
}

impl Default for BeatParams {
    fn default() -> BeatParams {
        BeatParams {
            window_s: 0.15,
            start_s: 300.0,
        }
    }
}

impl BeatParams {
    pub fn check(&self) -> Result<(), String> {
        if !(self.window_s.is_finite() && self.window_s > 0.0) {
            return Err(format!(
                "--window {}: give a number of seconds > 0",
                self.window_s
            ));
        }
        if !(self.start_s.is_finite() && self.start_s >= 0.0) {
            return Err(format!(
                "--start {}: give a number of seconds >= 0",
                self.start_s
            ));
        }
        Ok(())
    }
}

/// bxb's confusion matrix: rows the reference class, columns the test class (N S V F Q O).
#[derive(Debug, Clone, PartialEq)]
pub struct BeatResult {
    pub params: BeatParams,
    pub end_s: f64,
    pub matrix: [[u64; 6]; 6],
    /// Why nothing was scored, when nothing was: the recording ends before the start, or
    /// every beat lies before it. Reports say so instead of printing zeros.
    pub skipped: Option<String>,
}

/// VEB or SVEB figures as bxb prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassCounts {
    pub tp: u64,
    pub fn_: u64,
    pub fp: u64,
    /// Only for VEB (the denominator of its false positive rate).
    pub tn: u64,
}

impl ClassCounts {
    pub fn sensitivity(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fn_)
    }

    pub fn ppv(&self) -> Option<f64> {
        ratio(self.tp, self.tp + self.fp)
    }

    pub fn fpr(&self) -> Option<f64> {
        ratio(self.fp, self.tn + self.fp)
    }
}

impl BeatResult {
    fn sum(&self, rows: &[usize], cols: &[usize]) -> u64 {
        rows.iter()
            .flat_map(|&r| cols.iter().map(move |&c| self.matrix[r][c]))
            .sum()
    }

    /// QRS detection: every paired beat is a true positive whatever its class.
    pub fn qrs(&self) -> Counts {
        let beats = [0, 1, 2, 3, 4];
        let tp = self.sum(&beats, &beats);
        let fn_ = self.sum(&beats, &[O]);
        let fp = self.sum(&[O], &beats);
        Counts {
            ref_events: tp + fn_,
            test_events: tp + fp,
            tp,
            test_matched: tp,
        }
    }

    /// Seconds scored, for false positives per 24 h.
    pub fn scored_s(&self) -> f64 {
        (self.end_s - self.params.start_s).max(0.0)
    }

    /// bxb: VTP = Vv; VFN = the rest of row V; VFP = Nv + Sv + Ov; VTN = rows N S F Q O by
    /// columns N S F Q (Fv and Qv count in neither).
    pub fn veb(&self) -> ClassCounts {
        let v = Class::V as usize;
        ClassCounts {
            tp: self.matrix[v][v],
            fn_: self.sum(&[v], &[0, 1, 3, 4, O]),
            fp: self.sum(&[0, 1, O], &[v]),
            tn: self.sum(&[0, 1, 3, 4, O], &[0, 1, 3, 4]),
        }
    }

    /// bxb: STP = Ss; SFN = the rest of row S; SFP = Ns + Vs + Fs + Os (not Qs).
    pub fn sveb(&self) -> ClassCounts {
        let s = Class::S as usize;
        ClassCounts {
            tp: self.matrix[s][s],
            fn_: self.sum(&[s], &[0, 2, 3, 4, O]),
            fp: self.sum(&[0, 2, 3, O], &[s]),
            tn: 0,
        }
    }

    /// Pools another recording's matrix (sumstats' "gross"); the scored time adds up, so
    /// `end_s` becomes the start plus the total scored time.
    pub fn add(&mut self, o: &BeatResult) {
        for (row, orow) in self.matrix.iter_mut().zip(&o.matrix) {
            for (x, y) in row.iter_mut().zip(orow) {
                *x += y;
            }
        }
        self.end_s += o.scored_s();
        if o.skipped.is_none() {
            self.skipped = None;
        }
    }
}

/// The beats of a table in time order.
fn beats(marks: &[Mark]) -> Vec<(f64, usize)> {
    let mut v: Vec<(f64, usize)> = marks
        .iter()
        .filter_map(|m| Class::of(&m.label).map(|c| (m.onset, c as usize)))
        .collect();
    v.sort_by(|x, y| x.0.total_cmp(&y.0));
    v
}

/// `a - b`, with equal times (two exhausted streams included) 0, as bxb's integer times.
fn sub(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        a - b
    }
}

/// One stream of beats read in order: the current beat and the next.
struct Stream {
    beats: Vec<(f64, usize)>,
    at: usize,
}

impl Stream {
    fn time(&self, k: usize) -> f64 {
        self.beats.get(k).map_or(f64::INFINITY, |b| b.0)
    }

    fn now(&self) -> f64 {
        self.time(self.at)
    }

    fn next(&self) -> f64 {
        self.time(self.at + 1)
    }

    fn class(&self) -> usize {
        self.beats.get(self.at).map_or(O, |b| b.1)
    }
}

/// bxb's comparison of B's beats against A's, from `p.start_s` to `end_s`.
pub fn compare(a: &[Mark], b: &[Mark], p: &BeatParams, end_s: f64) -> BeatResult {
    let mut out = BeatResult {
        params: *p,
        end_s: end_s.max(p.start_s),
        matrix: [[0; 6]; 6],
        skipped: None,
    };
    let (w, start) = (p.window_s, p.start_s);
    let refs = beats(a);
    let first = refs.partition_point(|x| x.0 < start);
    let mut r = Stream {
        beats: refs,
        at: first,
    };
    let tests = beats(b);
    let first_test = tests.partition_point(|x| x.0 < start);
    let mut t = Stream {
        beats: tests,
        at: first_test,
    };
    // The last test beat of the learning period may pair with the first reference beat.
    if first_test > 0 {
        let (tl, tn) = (t.time(first_test - 1), t.now());
        let big_t = r.now();
        if sub(big_t, tl) < sub(big_t, tn).abs() && sub(big_t, tl) <= w {
            out.matrix[r.class()][t.beats[first_test - 1].1] += 1;
            r.at += 1;
        } else {
            skip_first_test(&mut t, big_t, start, w);
        }
    } else {
        skip_first_test(&mut t, r.now(), start, w);
    }
    while r.now() <= end_s || t.now() <= end_s {
        sweep_step(&mut r, &mut t, w, &mut out.matrix);
    }
    out.skipped = skipped(&out, end_s, first + first_test);
    out
}

/// Why nothing was scored, if nothing was: `end_s` is the duration used, `before` the beats
/// (both readers) before the start.
fn skipped(r: &BeatResult, end_s: f64, before: usize) -> Option<String> {
    let scored: u64 = r.matrix.iter().flatten().sum();
    let start = r.params.start_s;
    if start > 0.0 && end_s <= start {
        Some(format!(
            "nothing was scored: the duration ({end_s:.1} s) ends before scoring starts at \
             {start} s (bxb's learning period; --start 0 scores from the beginning)"
        ))
    } else if scored == 0 && before > 0 {
        Some(format!(
            "nothing was scored: all {before} beats lie before scoring starts at {start} s \
             (bxb's learning period; --start 0 scores from the beginning)"
        ))
    } else {
        None
    }
}

/// bxb: a test beat within the match window after the start that matches the first reference
/// beat worse than the next test beat does is passed over without being counted.
fn skip_first_test(t: &mut Stream, big_t: f64, start: f64, w: f64) {
    if sub(t.now(), start) <= w && sub(big_t, t.next()).abs() < sub(big_t, t.now()).abs() {
        t.at += 1;
    }
}

/// One step of bxb's loop: pairs or passes over the earlier of the two current beats.
fn sweep_step(r: &mut Stream, t: &mut Stream, w: f64, m: &mut [[u64; 6]; 6]) {
    let (big_t, big_tp, small_t, small_tp) = (r.now(), r.next(), t.now(), t.next());
    if small_t < big_t {
        let d = sub(big_t, small_t);
        if d <= w
            && (d < sub(big_t, small_tp).abs()
                || sub(big_tp, small_tp).abs() < sub(big_t, small_tp).abs())
        {
            m[r.class()][t.class()] += 1;
            r.at += 1;
        } else {
            m[O][t.class()] += 1;
        }
        t.at += 1;
    } else {
        let d = sub(small_t, big_t);
        if d <= w
            && (d < sub(small_t, big_tp).abs()
                || sub(small_tp, big_tp).abs() < sub(small_t, big_tp).abs())
        {
            m[r.class()][t.class()] += 1;
            t.at += 1;
        } else {
            m[r.class()][O] += 1;
        }
        r.at += 1;
    }
}
