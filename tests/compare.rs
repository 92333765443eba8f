//! `sigmark::compare` and `sigmark compare`: hand-computed cases for every mode (ties, events
//! touching at one instant, zero-length events, the recording's edges, an empty reader,
//! identical readers), SzCORE's published event-scoring cases, Cohen's and Fleiss' kappa on
//! their textbook examples, the tolerant table reader, and the binary end to end.

mod common;

use std::path::{Path, PathBuf};

use common::cli::sigmark;
use serde_json::Value;
use sigmark::compare::beat::{self, Class};
use sigmark::compare::event::{self, merge, split, widen};
use sigmark::compare::{
    self, epoch, input, kappa, BeatParams, Counts, EventParams, Mark, Mode, Settings, Table,
};

fn m(onset: f64, duration: f64, label: &str) -> Mark {
    Mark::new(onset, duration, label)
}

fn iv(v: &[(f64, f64)], label: &str) -> Vec<Mark> {
    v.iter().map(|&(s, e)| m(s, e - s, label)).collect()
}

/// Counts of one label, A as reference (or B when `reversed`).
fn counts(a: &[Mark], b: &[Mark], p: &EventParams, d: f64, reversed: bool) -> Counts {
    let r = event::compare(a, b, p, d).unwrap();
    r.overall(reversed)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

// ---------------------------------------------------------------------------------------------
// Event mode against SzCORE.
//
// The cases below are those of the SzCORE reference implementation's tests: the `timescoring`
// package (github.com/esl-epfl/timescoring), tests/test.py, TestEventScoring. Its masks at
// fs = 10 Hz are written here as events (sample i is the time i/10 s); the expected
// sensitivity, precision and FP/day are the ones asserted there. SzCORE's precision is
// TP / (TP + FP); ours (the issue's PPV) is matched test events / test events; the counts
// TP, FN and FP are the same.

fn szcore(tb: f64, ta: f64, overlap: f64, merge_gap: f64) -> EventParams {
    EventParams {
        min_overlap: overlap,
        tolerance_before_s: tb,
        tolerance_after_s: ta,
        merge_gap_s: Some(merge_gap),
        max_duration_s: Some(300.0),
    }
}

fn szcore_precision(c: &Counts) -> f64 {
    c.tp as f64 / (c.tp + c.fp()) as f64
}

#[test]
fn szcore_split_long_events() {
    // test_event_scoring, "Split long events": REF (40, 60), HYP (42, 65 + 6*60), one hour,
    // default parameters (30 s before, 60 s after, any overlap, split at 300 s, merge < 90 s).
    // HYP is split into (42, 342) and (342, 425); the reference widened to (10, 120) is
    // matched, (42, 342) touches it, (342, 425) does not: TP 1, FP 1.
    let (a, b) = (iv(&[(40.0, 60.0)], "sz"), iv(&[(42.0, 425.0)], "sz"));
    let p = EventParams::szcore();
    assert_eq!(p, szcore(30.0, 60.0, 0.0, 90.0));
    let c = counts(&a, &b, &p, 3600.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (1, 0, 1));
    assert_eq!((c.test_events, c.test_matched), (2, 1));
    assert_eq!(c.sensitivity(), Some(1.0));
    assert_eq!(szcore_precision(&c), 0.5);
    assert_eq!(c.fp_per_24h(3600.0), Some(24.0), "SzCORE: fpRate 1 * 24");
    assert_eq!(c.ppv(), Some(0.5));
}

#[test]
fn szcore_simple_events() {
    // "Simple events": REF (40, 60), HYP (10, 20), (42, 65); toleranceStart 0, toleranceEnd
    // 10, minDurationBetweenEvents 0: sensitivity 1, precision 0.5, FP/day 24.
    let (a, b) = (
        iv(&[(40.0, 60.0)], "sz"),
        iv(&[(10.0, 20.0), (42.0, 65.0)], "sz"),
    );
    let c = counts(&a, &b, &szcore(0.0, 10.0, 0.0, 0.0), 3600.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (1, 0, 1));
    assert_eq!(szcore_precision(&c), 0.5);
    assert_eq!(c.fp_per_24h(3600.0), Some(24.0));
    // "Tolerance before events": REF (40, 60), HYP (39, 60), toleranceStart 1: all 1, no FP.
    let c = counts(
        &iv(&[(40.0, 60.0)], "sz"),
        &iv(&[(39.0, 60.0)], "sz"),
        &szcore(1.0, 60.0, 0.0, 90.0),
        3600.0,
        false,
    );
    assert_eq!((c.tp, c.fn_(), c.fp()), (1, 0, 0));
}

#[test]
fn szcore_no_detections_and_no_events() {
    let p = EventParams::szcore();
    let c = counts(&iv(&[(40.0, 60.0)], "sz"), &[], &p, 3600.0, false);
    assert_eq!(
        (c.tp, c.fn_(), c.fp(), c.sensitivity(), c.ppv()),
        (0, 1, 0, Some(0.0), None)
    );
    assert_eq!(c.fp_per_24h(3600.0), Some(0.0));
    let c = counts(&[], &iv(&[(40.0, 60.0)], "sz"), &p, 3600.0, false);
    assert_eq!(
        (c.tp, c.fp(), c.sensitivity(), c.ppv()),
        (0, 1, None, Some(0.0))
    );
    assert_eq!(c.fp_per_24h(3600.0), Some(24.0));
}

/// The "typical distribution" masks at 10 Hz: REF samples 8-13, 30-36, 48-50; HYP 8-13,
/// 26-32, 51-53, 64-67; 68 samples.
fn typical() -> (Vec<Mark>, Vec<Mark>) {
    (
        iv(&[(0.8, 1.4), (3.0, 3.7), (4.8, 5.1)], "sz"),
        iv(&[(0.8, 1.4), (2.6, 3.3), (5.1, 5.4), (6.4, 6.8)], "sz"),
    )
}

#[test]
fn szcore_typical_distribution_any_and_half_overlap() {
    let (a, b) = typical();
    // Any overlap: sensitivity 2/3, precision 0.5. (4.8, 5.1) and (5.1, 5.4) only touch.
    let c = counts(&a, &b, &szcore(0.0, 0.0, 0.0, 0.0), 6.8, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (2, 1, 2));
    assert!(close(c.sensitivity().unwrap(), 2.0 / 3.0));
    assert_eq!(szcore_precision(&c), 0.5);
    // minOverlap 0.5: (3.0, 3.7) is covered 0.3/0.7 < 0.5: sensitivity 1/3, precision 1/4.
    let c = counts(&a, &b, &szcore(0.0, 0.0, 0.5, 0.0), 6.8, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (1, 2, 3));
    assert_eq!(szcore_precision(&c), 0.25);
}

#[test]
fn szcore_long_hypothesis_spanning_several_references() {
    // REF 8-13, 18-21, 30-36, 42-44, 48-50; HYP 5-24, 35-52: sensitivity 1, precision 1.
    let a = iv(
        &[(0.8, 1.4), (1.8, 2.2), (3.0, 3.7), (4.2, 4.5), (4.8, 5.1)],
        "sz",
    );
    let b = iv(&[(0.5, 2.5), (3.5, 5.3)], "sz");
    let c = counts(&a, &b, &szcore(0.0, 0.0, 0.0, 0.0), 6.8, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (5, 0, 0));
    assert_eq!(szcore_precision(&c), 1.0);
}

#[test]
fn szcore_long_reference_many_short_hypotheses() {
    // REF 8-36, 48-50; HYP 5-11, 16-23, 32-42, 62-65: sensitivity 0.5, precision 0.5. Three
    // test events touch the matched reference, so the issue's PPV is 3/4.
    let a = iv(&[(0.8, 3.7), (4.8, 5.1)], "sz");
    let b = iv(&[(0.5, 1.2), (1.6, 2.4), (3.2, 4.3), (6.2, 6.6)], "sz");
    let c = counts(&a, &b, &szcore(0.0, 0.0, 0.0, 0.0), 6.8, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (1, 1, 1));
    assert_eq!(c.sensitivity(), Some(0.5));
    assert_eq!(szcore_precision(&c), 0.5);
    assert_eq!(c.ppv(), Some(0.75));
}

#[test]
fn szcore_widened_reference_would_hide_a_false_positive() {
    // fs = 1: REF 8-13, 30-36, 48-50; HYP 8-13, 26-32, 51-53, 64-67; minOverlap 0.6:
    // sensitivity 1/3, precision 1/4.
    let a = iv(&[(8.0, 14.0), (30.0, 37.0), (48.0, 51.0)], "sz");
    let b = iv(
        &[(8.0, 14.0), (26.0, 33.0), (51.0, 54.0), (64.0, 68.0)],
        "sz",
    );
    let c = counts(&a, &b, &szcore(0.0, 0.0, 0.6, 0.0), 68.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (1, 2, 3));
    assert_eq!(szcore_precision(&c), 0.25);
}

#[test]
fn szcore_merge_split_and_extend_as_its_unit_tests() {
    // test_merge_neighbouring_events: gap 0.2 merges (1,2)+(2,3) and (3.5,4)+(4,5).
    let mut v = vec![(1.0, 2.0), (2.0, 3.0), (3.5, 4.0), (4.0, 5.0), (18.0, 20.0)];
    merge(&mut v, 0.2);
    assert_eq!(v, vec![(1.0, 3.0), (3.5, 5.0), (18.0, 20.0)]);
    // test_long_event_splitting: pieces of at most 0.2 s covering the same time.
    let pieces = split(&[(0.0, 0.5), (0.6, 0.9)], 0.2);
    assert!(pieces.iter().all(|(s, e)| e - s <= 0.2 + 1e-10));
    let total: f64 = pieces.iter().map(|(s, e)| e - s).sum();
    assert!(close(total, 0.8));
    assert_eq!(pieces.len(), 5);
    // test_extending_events: (0,2), (6,8) widened by 0.5 before and 1 after in 10 s.
    let p = EventParams {
        tolerance_before_s: 0.5,
        tolerance_after_s: 1.0,
        ..EventParams::default()
    };
    assert_eq!(widen(0.0, 2.0, &p, 10.0), (0.0, 3.0));
    assert_eq!(widen(6.0, 8.0, &p, 10.0), (5.5, 9.0));
}

// ---------------------------------------------------------------------------------------------
// Event mode, hand-computed.

#[test]
fn events_touching_at_one_instant_do_not_overlap() {
    let (a, b) = (iv(&[(0.0, 10.0)], "x"), iv(&[(10.0, 20.0)], "x"));
    let c = counts(&a, &b, &EventParams::default(), 20.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (0, 1, 1));
    // Half a second of tolerance after A's event makes them overlap.
    let p = EventParams {
        tolerance_after_s: 0.5,
        ..EventParams::default()
    };
    let c = counts(&a, &b, &p, 20.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp()), (1, 0, 0));
}

#[test]
fn ties_two_test_events_on_one_reference() {
    // B's two events each overlap A's one: A as reference TP 1, both B events matched; B as
    // reference both of B's are matched by A's one.
    let (a, b) = (
        iv(&[(10.0, 20.0)], "x"),
        iv(&[(5.0, 15.0), (15.0, 25.0)], "x"),
    );
    let c = counts(&a, &b, &EventParams::default(), 25.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp(), c.test_matched), (1, 0, 0, 2));
    let r = counts(&a, &b, &EventParams::default(), 25.0, true);
    assert_eq!((r.tp, r.fn_(), r.fp(), r.ref_events), (2, 0, 0, 2));
}

#[test]
fn zero_length_events_match_what_contains_them_ends_included() {
    let p = EventParams::default();
    let a = vec![m(5.0, 0.0, "x")];
    for (b, hit) in [
        (iv(&[(0.0, 5.0)], "x"), true),
        (iv(&[(5.0, 9.0)], "x"), true),
        (vec![m(5.0, 0.0, "x")], true),
        (vec![m(5.001, 0.0, "x")], false),
        (iv(&[(5.5, 9.0)], "x"), false),
    ] {
        let c = counts(&a, &b, &p, 10.0, false);
        assert_eq!(c.tp == 1, hit, "{b:?}");
        assert_eq!(c.fp() == 0, hit, "{b:?}");
    }
    // A tolerance turns the point into a window.
    let p = EventParams {
        tolerance_before_s: 1.0,
        tolerance_after_s: 1.0,
        ..EventParams::default()
    };
    let c = counts(&a, &[m(5.9, 0.0, "x")], &p, 10.0, false);
    assert_eq!((c.tp, c.fp()), (1, 0));
}

#[test]
fn the_recording_edges_clip_the_widened_reference() {
    let p = EventParams {
        tolerance_before_s: 30.0,
        tolerance_after_s: 10.0,
        ..EventParams::default()
    };
    // At the start: widened to (0, 20), not (-30, 20).
    let c = counts(
        &iv(&[(0.0, 10.0)], "x"),
        &iv(&[(0.0, 0.5)], "x"),
        &p,
        100.0,
        false,
    );
    assert_eq!((c.tp, c.fp()), (1, 0));
    // At the end: (60, 100) clipped from (60, 105); B's event after the recording only
    // touches it.
    let a = iv(&[(90.0, 95.0)], "x");
    let c = counts(&a, &iv(&[(100.0, 101.0)], "x"), &p, 100.0, false);
    assert_eq!((c.tp, c.fp()), (0, 1));
    let c = counts(&a, &iv(&[(99.5, 100.0)], "x"), &p, 100.0, false);
    assert_eq!((c.tp, c.fp()), (1, 0));
}

#[test]
fn minimum_overlap_counts_the_covered_fraction() {
    let a = iv(&[(0.0, 10.0)], "x");
    let b = iv(&[(0.0, 4.0), (6.0, 8.0), (3.0, 5.0)], "x");
    let p = |f| EventParams {
        min_overlap: f,
        ..EventParams::default()
    };
    // Covered: 0-5 and 6-8, 7 s of 10.
    assert_eq!(counts(&a, &b, &p(0.69), 10.0, false).tp, 1);
    assert_eq!(counts(&a, &b, &p(0.7), 10.0, false).tp, 0);
}

#[test]
fn labels_are_compared_separately_and_pooled_overall() {
    let a = vec![m(0.0, 10.0, "AF"), m(20.0, 5.0, "VT"), m(40.0, 0.0, "PVC")];
    let b = vec![m(2.0, 10.0, "AF"), m(20.0, 5.0, "AF"), m(40.0, 0.0, "PVC")];
    let r = event::compare(&a, &b, &EventParams::default(), 50.0).unwrap();
    assert_eq!(r.forward.len(), 3);
    assert_eq!((r.forward["AF"].tp, r.forward["AF"].fp()), (1, 1));
    assert_eq!((r.forward["VT"].tp, r.forward["VT"].fn_()), (0, 1));
    let all = r.overall(false);
    assert_eq!((all.tp, all.fn_(), all.fp()), (2, 1, 1));
    // epicmp's durations: AF 10 s by A, 15 s by B, 8 s by both.
    let d = r.durations["AF"];
    assert_eq!((d.a_s, d.b_s, d.overlap_s), (10.0, 15.0, 8.0));
    assert_eq!(d.overlap_over_a(), Some(0.8));
    assert!(close(d.overlap_over_b().unwrap(), 8.0 / 15.0));
}

#[test]
fn merging_splitting_and_unsorted_tables() {
    let a = vec![m(50.0, 10.0, "x"), m(0.0, 10.0, "x")];
    let b = vec![m(30.0, 1.0, "x")];
    let p = EventParams {
        merge_gap_s: Some(45.0),
        ..EventParams::default()
    };
    // A's two events merge into (0, 60), which B's one overlaps.
    let c = counts(&a, &b, &p, 60.0, false);
    assert_eq!((c.ref_events, c.tp, c.fp()), (1, 1, 0));
    // Without merging, unsorted input gives the same as sorted.
    let c = counts(&a, &b, &EventParams::default(), 60.0, false);
    assert_eq!((c.ref_events, c.tp, c.fn_(), c.fp()), (2, 0, 2, 1));
    let p = EventParams {
        max_duration_s: Some(4.0),
        ..EventParams::default()
    };
    let c = counts(&iv(&[(0.0, 10.0)], "x"), &b, &p, 60.0, false);
    assert_eq!(c.ref_events, 3, "10 s in pieces of 4, 4 and 2");
}

#[test]
fn empty_and_identical_readers() {
    let a = vec![m(1.0, 2.0, "x"), m(5.0, 0.0, "y"), m(5.0, 0.0, "y")];
    let c = counts(&a, &[], &EventParams::default(), 10.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp(), c.f1()), (0, 3, 0, None));
    let c = counts(&a, &a, &EventParams::szcore(), 10.0, false);
    assert_eq!((c.tp, c.fn_(), c.fp(), c.f1()), (2, 0, 0, Some(1.0)));
    let r = counts(&[], &[], &EventParams::default(), 0.0, false);
    assert_eq!(
        (r.sensitivity(), r.ppv(), r.fp_per_24h(0.0)),
        (None, None, None)
    );
}

#[test]
fn bad_settings_and_bad_events_are_errors_not_panics() {
    let bad = [
        EventParams {
            min_overlap: f64::NAN,
            ..EventParams::default()
        },
        EventParams {
            min_overlap: 1.0,
            ..EventParams::default()
        },
        EventParams {
            tolerance_before_s: -1.0,
            ..EventParams::default()
        },
        EventParams {
            max_duration_s: Some(0.0),
            ..EventParams::default()
        },
    ];
    for p in bad {
        assert!(p.check().is_err(), "{p:?}");
    }
    let tables = [
        Table::new("a", vec![m(f64::NAN, 1.0, "x")]),
        Table::new("b", vec![]),
    ];
    assert!(compare::compare(&tables, None, &Settings::default()).is_err());
    let tables = [
        Table::new("a", vec![m(1.0, -1.0, "x")]),
        Table::new("b", vec![]),
    ];
    assert!(compare::compare(&tables, None, &Settings::default()).is_err());
    // A split into a billion pieces is refused, not attempted.
    let p = EventParams {
        max_duration_s: Some(1e-6),
        ..EventParams::default()
    };
    assert!(event::compare(&iv(&[(0.0, 86400.0)], "x"), &[], &p, 86400.0).is_err());
}

// ---------------------------------------------------------------------------------------------
// Beat mode (bxb), hand-computed.

fn beats(v: &[(f64, &str)]) -> Vec<Mark> {
    v.iter().map(|&(t, l)| m(t, 0.0, l)).collect()
}

fn at_zero() -> BeatParams {
    BeatParams {
        window_s: 0.15,
        start_s: 0.0,
    }
}

#[test]
fn beat_labels_map_to_aami_classes() {
    assert_eq!(Class::of("PVC"), Some(Class::V));
    assert_eq!(Class::of("pac"), Some(Class::S));
    assert_eq!(Class::of("beat"), Some(Class::N));
    assert_eq!(Class::of("Normal"), Some(Class::N));
    assert_eq!(Class::of("N"), Some(Class::N));
    assert_eq!(Class::of("F"), Some(Class::F));
    assert_eq!(Class::of("unknown"), Some(Class::Q));
    assert_eq!(Class::of("Q"), Some(Class::Q));
    assert_eq!(Class::of("AF"), None);
}

#[test]
fn bxb_pairs_misses_extras_and_class_errors() {
    // A: N 1, N 2, N 3, V 4. B: N 1.05 (pairs), N 2.2 (0.2 s from 2: A's 2 missed, B's extra),
    // V 3.0 (pairs with N 3: N called V), V 4.1 (pairs).
    let a = beats(&[(1.0, "N"), (2.0, "N"), (3.0, "N"), (4.0, "PVC")]);
    let b = beats(&[(1.05, "N"), (2.2, "N"), (3.0, "V"), (4.1, "PVC")]);
    let r = beat::compare(&a, &b, &at_zero(), 4.1);
    let (n, v, o) = (0, 2, 5);
    assert_eq!(r.matrix[n][n], 1);
    assert_eq!(r.matrix[n][v], 1);
    assert_eq!(r.matrix[n][o], 1);
    assert_eq!(r.matrix[v][v], 1);
    assert_eq!(r.matrix[o][n], 1);
    assert_eq!(r.matrix.iter().flatten().sum::<u64>(), 5);
    let q = r.qrs();
    assert_eq!((q.tp, q.fn_(), q.fp()), (3, 1, 1));
    // VEB: TP Vv 1, FN 0, FP Nv + Sv + Ov = 1, TN = Nn + On = 2.
    let veb = r.veb();
    assert_eq!((veb.tp, veb.fn_, veb.fp, veb.tn), (1, 0, 1, 2));
    assert_eq!(veb.sensitivity(), Some(1.0));
    assert_eq!(veb.ppv(), Some(0.5));
    assert!(close(veb.fpr().unwrap(), 1.0 / 3.0));
    assert_eq!(r.sveb().sensitivity(), None);
}

#[test]
fn bxb_tie_pairs_the_later_test_beat() {
    // Test beats 0.125 s either side of the reference beat: bxb pairs t with T only when
    // T - t < |T - t'|, so the earlier one is an extra and the later one pairs.
    let a = beats(&[(1.0, "N")]);
    let b = beats(&[(0.875, "N"), (1.125, "S")]);
    let r = beat::compare(&a, &b, &at_zero(), 2.0);
    assert_eq!(r.matrix[0][1], 1, "N paired with the later (S) beat");
    assert_eq!(r.matrix[5][0], 1, "the earlier is an extra");
    // Exactly at the window's edge still matches (bxb: T - t <= match_dt).
    let r = beat::compare(
        &beats(&[(1.0, "N")]),
        &beats(&[(1.125, "N")]),
        &BeatParams {
            window_s: 0.125,
            start_s: 0.0,
        },
        2.0,
    );
    assert_eq!(r.qrs().tp, 1);
}

#[test]
fn bxb_skips_the_learning_period_by_default() {
    let p = BeatParams::default();
    assert_eq!((p.window_s, p.start_s), (0.15, 300.0));
    // Beats at 100 s are in the learning period; the one at exactly 300 s is scored, and a
    // test beat just before 300 s may pair with it (bxb's first step).
    let a = beats(&[(100.0, "N"), (300.0, "N"), (400.0, "V")]);
    let b = beats(&[(100.5, "N"), (299.95, "N"), (400.0, "V")]);
    let r = beat::compare(&a, &b, &p, 500.0);
    let q = r.qrs();
    assert_eq!((q.tp, q.fn_(), q.fp()), (2, 0, 0));
    assert_eq!(r.scored_s(), 200.0);
}

#[test]
fn bxb_edges_empty_and_identical() {
    // Beats at 0 s and at the very end are scored.
    let a = beats(&[(0.0, "N"), (10.0, "V")]);
    let r = beat::compare(&a, &a, &at_zero(), 10.0);
    assert_eq!((r.qrs().tp, r.qrs().fn_(), r.qrs().fp()), (2, 0, 0));
    assert_eq!(r.qrs().sensitivity(), Some(1.0));
    // An empty test reader: every reference beat missed; an empty reference: every test beat
    // extra.
    let r = beat::compare(&a, &[], &at_zero(), 10.0);
    assert_eq!((r.qrs().tp, r.qrs().fn_(), r.qrs().ppv()), (0, 2, None));
    let r = beat::compare(&[], &a, &at_zero(), 10.0);
    assert_eq!(
        (r.qrs().fp(), r.qrs().sensitivity(), r.qrs().ppv()),
        (2, None, Some(0.0))
    );
    // Non-beat events are left out.
    let r = beat::compare(&[m(5.0, 10.0, "AF")], &[], &at_zero(), 10.0);
    assert_eq!(r.matrix.iter().flatten().sum::<u64>(), 0);
}

// ---------------------------------------------------------------------------------------------
// Kappa.

#[test]
fn cohen_kappa_of_the_wikipedia_worked_example() {
    // Wikipedia, "Cohen's kappa", worked example: 50 items; both yes 20, A yes B no 5, A no B
    // yes 10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4.
    let k = kappa::cohen(&[vec![20, 5], vec![10, 15]]).unwrap();
    assert!(close(k, 0.4), "{k}");
    // The same through epoch mode: 50 one-second epochs, "yes" an event, "no" none.
    let a = iv(&[(0.0, 25.0)], "yes");
    let b = iv(&[(0.0, 20.0), (25.0, 35.0)], "yes");
    let r = epoch::compare(&[&a, &b], 1.0, 50.0).unwrap();
    assert_eq!(r.epochs, 50);
    assert!(close(r.kappa().unwrap(), 0.4));
    assert!(close(r.percent_agreement().unwrap(), 70.0));
    let yes = r.per_label()["yes"];
    assert!(close(yes.kappa.unwrap(), 0.4));
    assert_eq!((yes.a_epochs, yes.b_epochs, yes.both), (25, 30, 20));
    assert_eq!(r.confusion["yes"]["none"], 5);
    assert_eq!(r.confusion["none"]["yes"], 10);
}

#[test]
fn fleiss_kappa_of_the_fleiss_1971_worked_example() {
    // Wikipedia, "Fleiss' kappa", worked example (after Fleiss 1971): 10 subjects, 14 raters,
    // 5 categories; P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210.
    let table = [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ];
    let rows: Vec<Vec<u64>> = table.iter().map(|r| r.to_vec()).collect();
    let k = kappa::fleiss(&rows).unwrap();
    assert!((k - 0.210).abs() < 0.0005, "{k}");
}

#[test]
fn kappa_is_one_for_identical_readers_and_undefined_without_variety() {
    assert_eq!(kappa::cohen(&[vec![3, 0], vec![0, 7]]), Some(1.0));
    assert_eq!(kappa::cohen(&[vec![10]]), None);
    assert_eq!(kappa::cohen(&[]), None);
    assert_eq!(kappa::fleiss(&[vec![3, 0], vec![0, 3]]), Some(1.0));
    assert_eq!(kappa::fleiss(&[vec![3, 0], vec![3, 0]]), None);
}

// ---------------------------------------------------------------------------------------------
// Epoch mode, hand-computed.

#[test]
fn sleep_stages_use_30_s_epochs_and_kappa_by_hand() {
    // A: W N1 N2 N2 R; B: W N2 N2 N2 R. Rows A (W 1, N1 1, N2 2, R 1), columns B (W 1, N2 3,
    // R 1): kappa = (5·4 - (1 + 0 + 6 + 1)) / (25 - 8) = 12/17; agreement 80%.
    let a = vec![
        m(0.0, 30.0, "W"),
        m(30.0, 30.0, "N1"),
        m(60.0, 60.0, "N2"),
        m(120.0, 30.0, "R"),
    ];
    let b = vec![m(0.0, 30.0, "W"), m(30.0, 90.0, "N2"), m(120.0, 30.0, "R")];
    assert_eq!(epoch::default_epoch(&[&a, &b]), 30.0);
    let tables = [Table::new("a", a), Table::new("b", b)];
    assert_eq!(compare::default_modes(&tables), vec![Mode::Epoch]);
    let c = compare::compare(&tables, None, &Settings::default()).unwrap();
    let e = c.epoch.unwrap();
    assert_eq!((e.epoch_s, e.epochs), (30.0, 5));
    assert!(close(e.kappa().unwrap(), 12.0 / 17.0));
    assert!(close(e.percent_agreement().unwrap(), 80.0));
    assert_eq!(e.per_label()["N1"].kappa, Some(0.0));
    assert!(c.event.is_none() && c.beat.is_none());
}

/// A's label per 1-s epoch against an empty B: the confusion row of each label.
fn epoch_labels(a: Vec<Mark>, duration: f64) -> Vec<(String, u64)> {
    let r = epoch::compare(&[&a, &[]], 1.0, duration).unwrap();
    r.confusion
        .iter()
        .map(|(l, row)| (l.clone(), row.values().sum()))
        .collect()
}

#[test]
fn epoch_label_is_the_event_covering_the_centre() {
    // (0, 10) x and (0.2, 5) y: y began later and covers epochs 0-4 (centres 0.5 to 4.5).
    let got = epoch_labels(vec![m(0.0, 10.0, "x"), m(0.2, 4.8, "y")], 10.0);
    assert_eq!(got, vec![("x".into(), 5), ("y".into(), 5)]);
    // Equal onsets: the label first in alphabetical order.
    let got = epoch_labels(vec![m(0.0, 2.0, "b"), m(0.0, 2.0, "a")], 2.0);
    assert_eq!(got, vec![("a".into(), 2)]);
    // An interval ending exactly at the centre does not cover it; a point at an epoch
    // boundary belongs to the epoch it starts; a point inside an interval began later.
    let got = epoch_labels(
        vec![
            m(0.0, 0.5, "short"),
            m(3.0, 0.0, "p"),
            m(2.0, 5.0, "x"),
            m(2.0, 0.0, "q"),
        ],
        4.0,
    );
    // Epoch 0: none; 1: none; 2: q (point at 2.0, same onset as x, q < x); 3: p.
    assert_eq!(
        got,
        vec![("none".into(), 2), ("p".into(), 1), ("q".into(), 1)]
    );
}

#[test]
fn epochs_at_the_recording_edges() {
    // 10.5 s: 11 epochs, the last one short and scored; an event at 10.7 lies in it.
    let r = epoch::compare(&[&[m(10.7, 0.0, "x")], &[]], 1.0, 10.5).unwrap();
    assert_eq!(r.epochs, 11);
    assert_eq!(r.confusion["x"]["none"], 1);
    // 3.3 s / 1.1 s is 3 epochs, not 4 (rounding).
    assert_eq!(epoch::compare(&[&[], &[]], 1.1, 3.3).unwrap().epochs, 3);
    // A point exactly at the end is after the last epoch.
    let r = epoch::compare(&[&[m(11.0, 0.0, "x")], &[]], 1.0, 11.0).unwrap();
    assert!(!r.confusion.contains_key("x"));
    // No time, no epochs, no kappa.
    let r = epoch::compare(&[&[], &[]], 1.0, 0.0).unwrap();
    assert_eq!(
        (r.epochs, r.kappa(), r.percent_agreement()),
        (0, None, None)
    );
    // A runaway number of epochs is refused.
    assert!(epoch::compare(&[&[], &[]], 1e-6, 1e9).is_err());
}

#[test]
fn epochs_with_an_empty_reader_and_three_readers() {
    // A: x in 2 of 4 epochs; B nothing: agreement 50%, kappa 0.
    let a = iv(&[(0.0, 2.0)], "x");
    let r = epoch::compare(&[&a, &[]], 1.0, 4.0).unwrap();
    assert_eq!(r.kappa(), Some(0.0));
    assert_eq!(r.per_label()["x"].kappa, Some(0.0));
    // Three identical readers: Cohen's and Fleiss' kappa 1.
    let r = epoch::compare(&[&a, &a, &a], 1.0, 4.0).unwrap();
    assert_eq!(r.kappa(), Some(1.0));
    assert_eq!(r.fleiss_kappa(), Some(1.0));
    // Three readers over 2 epochs: epoch 0 x x x, epoch 1 x none none. P_0 = 1, P_1 = 1/3,
    // p_x = 4/6, p_none = 2/6: P-bar_e = 5/9, kappa = (2/3 - 5/9) / (4/9) = 1/4.
    let b = iv(&[(0.0, 1.0)], "x");
    let r = epoch::compare(&[&a, &b, &b], 1.0, 2.0).unwrap();
    assert!(close(r.fleiss_kappa().unwrap(), 0.25));
}

// ---------------------------------------------------------------------------------------------
// Reading tables.

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

#[test]
fn bids_tables_with_trial_type_na_durations_crlf_and_bom() {
    let d = tmp();
    let p = write(
        d.path(),
        "sub-01_task-rest_events.tsv",
        "\u{feff}onset\tduration\ttrial_type\tresponse_time\r\n1.5\tn/a\tblink\t0.2\r\n\
         2\t0.5\tn/a\t1\r\n\r\n3.25\t\tblink\tn/a\r\n",
    );
    let t = input::read(&p).unwrap();
    assert_eq!(t.marks, vec![m(1.5, 0.0, "blink"), m(3.25, 0.0, "blink")]);
    assert_eq!(t.name, "sub-01_task-rest_events");
    assert_eq!(t.notes.len(), 1, "the n/a label row is skipped and said");
    // `value` when there is no label or trial_type.
    let p = write(d.path(), "v.tsv", "onset\tduration\tvalue\n0\t1\t7\n");
    assert_eq!(input::read(&p).unwrap().marks, vec![m(0.0, 1.0, "7")]);
}

#[test]
fn bad_tables_name_the_file_and_line() {
    let d = tmp();
    for (body, line, what) in [
        ("onset\tduration\n1\t2\n", 1, "label column"),
        ("onset\tduration\tlabel\n1\t2\tx\nnan\t1\tx\n", 3, "onset"),
        ("onset\tduration\tlabel\n-1\t2\tx\n", 2, "onset"),
        ("onset\tduration\tlabel\n1\tinf\tx\n", 2, "duration"),
        ("onset\tduration\tlabel\n1\t2\n", 2, "fields"),
        ("", 1, "empty"),
    ] {
        let p = write(d.path(), "bad.tsv", body);
        let e = input::read(&p).unwrap_err().to_string();
        assert!(e.contains(&format!("bad.tsv:{line}:")), "{e}");
        assert!(e.contains(what), "{e}");
    }
    let p = d.path().join("bad.tsv");
    std::fs::write(&p, b"onset\tduration\tlabel\n1\t2\t\xff\n").unwrap();
    assert!(input::read(&p)
        .unwrap_err()
        .to_string()
        .contains("bad.tsv:2:"));
}

#[test]
fn sigmark_reader_files_and_reader_names() {
    use sigmark::annotations::store::table_text;
    use sigmark::annotations::{Certainty, Event};
    let d = tmp();
    let ev = |onset: f64, label: &str| Event {
        onset,
        duration: 1.0,
        label: label.into(),
        channel: String::new(),
        certainty: Certainty::Possible,
        note: "a\tnote".into(),
        reader: "alice".into(),
        // Each event its own id: a duplicate id is refused by the table reader.
        id: format!("{label}-{onset}"),
        created: String::new(),
        modified: String::new(),
        ..Default::default()
    };
    let p = write(
        d.path(),
        "rec.alice.events.tsv",
        &table_text(&[ev(2.0, "AF"), ev(1.0, "tab\there")]),
    );
    let t = input::read(&p).unwrap();
    assert_eq!(t.name, "alice");
    assert_eq!(t.marks, vec![m(2.0, 1.0, "AF"), m(1.0, 1.0, "tab\there")]);
    // A bad certainty is the store's error, with its line.
    let body = std::fs::read_to_string(&p)
        .unwrap()
        .replace("possible", "maybe");
    let p = write(d.path(), "rec.bob.events.tsv", &body);
    assert!(input::read(&p).unwrap_err().to_string().contains(":2:"));
    assert_eq!(
        input::reader_name(Path::new("x/demo_ecg.truth.events.tsv")),
        "truth"
    );
}

#[test]
fn provenance_is_checked_against_the_recording() {
    let d = tmp();
    let rec = write(d.path(), "rec.edf", "not really a recording");
    let sha = input::sha256_file(&rec).unwrap();
    let table = write(d.path(), "rec.alice.events.tsv", "onset\tduration\tlabel\n");
    assert!(
        input::check_provenance(&table, &rec, &sha)
            .unwrap()
            .is_some(),
        "no sidecar: a note"
    );
    let side = d.path().join("rec.alice.events.json");
    std::fs::write(
        &side,
        format!("{{\"recording_sha256\": \"{}\"}}", sha.to_uppercase()),
    )
    .unwrap();
    assert_eq!(input::check_provenance(&table, &rec, &sha).unwrap(), None);
    std::fs::write(&side, "{\"recording_sha256\": \"00ff\"}").unwrap();
    let e = input::check_provenance(&table, &rec, &sha)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("rec.alice.events.tsv") && e.contains("00ff") && e.contains(&sha),
        "{e}"
    );
    std::fs::write(&side, "{\n  \"recording_sha256\": \n").unwrap();
    let e = input::check_provenance(&table, &rec, &sha)
        .unwrap_err()
        .to_string();
    assert!(e.contains("rec.alice.events.json:"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// The binary.

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn json(args: &[&str]) -> Value {
    sigmark(args).json()
}

const COUNTS: [&str; 7] = ["tp", "fp", "fn", "sensitivity", "ppv", "f1", "fp_per_24h"];

fn has_counts(v: &Value) {
    for k in COUNTS {
        assert!(v.get(k).is_some(), "{k} missing in {v}");
    }
}

#[test]
fn cli_json_has_the_issue_shape_for_every_mode() {
    let d = tmp();
    let a = write(
        d.path(),
        "rec.alice.events.tsv",
        "onset\tduration\tlabel\n10\t5\tAF\n20\t0\tPVC\n30\t0\tN\n",
    );
    let b = write(
        d.path(),
        "rec.bob.events.tsv",
        "onset\tduration\tlabel\n12\t5\tAF\n20.1\t0\tPVC\n31\t0\tN\n",
    );
    let v = json(&[
        "compare",
        &s(&a),
        &s(&b),
        "--mode",
        "all",
        "--start",
        "0",
        "--json",
    ]);
    let e = &v["event"];
    assert!(e["parameters"].is_object());
    has_counts(&e["overall"]);
    has_counts(&e["per_label"]["AF"]);
    has_counts(&e["reversed"]["overall"]);
    has_counts(&e["reversed"]["per_label"]["PVC"]);
    assert_eq!(e["per_label"]["AF"]["tp"], 1);
    assert_eq!(e["per_label"]["N"]["fp"], 1);
    let b = &v["beat"];
    assert_eq!(b["window_s"], 0.15);
    assert_eq!(b["start_s"], 0.0);
    has_counts(&b["qrs"]);
    for k in ["sensitivity", "ppv", "fpr"] {
        assert!(b["veb"].get(k).is_some(), "veb.{k}");
    }
    assert!(b["sveb"]["sensitivity"].is_null());
    assert_eq!(b["confusion"]["V"]["V"], 1);
    assert_eq!(b["qrs"]["tp"], 1);
    let ep = &v["epoch"];
    assert_eq!(ep["epoch_s"], 1.0);
    assert!(ep["kappa"].is_number() && ep["percent_agreement"].is_number());
    assert!(ep["per_label"]["AF"]["kappa"].is_number());
    assert!(ep["confusion"]["AF"].is_object());
    assert!(ep.get("fleiss_kappa").is_none());
    // Only the modes run are present; the default for these tables is event.
    let v = json(&["compare", &s(&a), &s(&b_path(&d)), "--json"]);
    assert!(v.get("event").is_some() && v.get("beat").is_none() && v.get("epoch").is_none());
}

fn b_path(d: &tempfile::TempDir) -> PathBuf {
    d.path().join("rec.bob.events.tsv")
}

#[test]
fn cli_szcore_settings_count_as_szcore() {
    // SzCORE's "Split long events" case with its default parameters given as options.
    let d = tmp();
    let a = write(
        d.path(),
        "ref.tsv",
        "onset\tduration\tlabel\n40\t20\tseizure\n",
    );
    let b = write(
        d.path(),
        "hyp.tsv",
        "onset\tduration\tlabel\n42\t383\tseizure\n",
    );
    let v = json(&[
        "compare",
        &s(&a),
        &s(&b),
        "--min-overlap",
        "0",
        "--tolerance-before",
        "30",
        "--tolerance-after",
        "60",
        "--merge-gap",
        "90",
        "--max-duration",
        "300",
        "--json",
    ]);
    let o = &v["event"]["overall"];
    assert_eq!(
        (o["tp"].as_u64(), o["fn"].as_u64(), o["fp"].as_u64()),
        (Some(1), Some(0), Some(1))
    );
    assert_eq!(v["event"]["parameters"]["merge_gap_s"], 90.0);
}

#[test]
fn cli_demo_truth_against_itself_agrees_fully() {
    let truth = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.truth.events.tsv");
    let rec = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    let t = s(&truth);
    let v = json(&[
        "compare",
        &t,
        &t,
        "--recording",
        &s(&rec),
        "--mode",
        "all",
        "--json",
    ]);
    assert_eq!(v["duration_from"], "recording");
    for dir in [&v["event"]["overall"], &v["event"]["reversed"]["overall"]] {
        assert_eq!(dir["fn"], 0);
        assert_eq!(dir["fp"], 0);
        assert_eq!(dir["sensitivity"], 1.0);
        assert_eq!(dir["tp"], 14);
    }
    assert_eq!(v["beat"]["qrs"]["sensitivity"], 1.0);
    assert_eq!(v["beat"]["qrs"]["ppv"], 1.0);
    assert_eq!(v["epoch"]["kappa"], 1.0);
    assert_eq!(v["epoch"]["percent_agreement"], 100.0);
    for (_, l) in v["epoch"]["per_label"].as_object().unwrap() {
        assert_eq!(l["kappa"], 1.0);
    }
    // The text report fits 100 columns.
    let (code, out, err) = sigmark(&["compare", &t, &t, "--mode", "all"]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    assert!(
        out.contains("bxb") && out.contains("300 s"),
        "the report names the start"
    );
}

#[test]
fn cli_recording_mismatch_is_an_error_naming_the_table() {
    let d = tmp();
    let rec = d.path().join("rec.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .unwrap();
    let a = write(
        d.path(),
        "rec.alice.events.tsv",
        "onset\tduration\tlabel\n1\t1\tx\n",
    );
    let b = write(
        d.path(),
        "rec.bob.events.tsv",
        "onset\tduration\tlabel\n1\t1\tx\n",
    );
    let sha = input::sha256_file(&rec).unwrap();
    write(
        d.path(),
        "rec.alice.events.json",
        &format!("{{\"recording_sha256\":\"{sha}\"}}"),
    );
    write(
        d.path(),
        "rec.bob.events.json",
        "{\"recording_sha256\":\"abc123\"}",
    );
    let (code, _, err) = sigmark(&["compare", &s(&a), &s(&b), "--recording", &s(&rec)]).parts();
    assert_eq!(code, 1);
    assert!(
        err.contains("rec.bob.events.tsv") && err.contains("abc123"),
        "{err}"
    );
    write(
        d.path(),
        "rec.bob.events.json",
        &format!("{{\"recording_sha256\":\"{sha}\"}}"),
    );
    let v = json(&["compare", &s(&a), &s(&b), "--recording", &s(&rec), "--json"]);
    assert_eq!(v["duration_s"], 600.0);
    assert_eq!(v["notes"].as_array().unwrap().len(), 0);
}

#[test]
fn cli_errors_and_exit_codes() {
    let d = tmp();
    let a = write(d.path(), "a.tsv", "onset\tduration\tlabel\n1\t1\tx\n");
    let missing = s(&d.path().join("missing.tsv"));
    let (code, _, err) = sigmark(&["compare", &s(&a), &missing]).parts();
    assert_eq!(code, 1);
    assert!(err.contains("missing.tsv"), "{err}");
    for bad in [
        vec!["--min-overlap", "1.5"],
        vec!["--window", "0"],
        vec!["--epoch", "nan"],
        vec!["--max-duration", "0"],
    ] {
        let (code, _, err) = sigmark(&[&["compare", &s(&a), &s(&a)], &bad[..]].concat()).parts();
        assert_eq!(code, 2, "{bad:?}: {err}");
    }
    let (code, _, _) = sigmark(&["compare", &s(&a)]).parts();
    assert_eq!(code, 2);
    let (code, _, _) = sigmark(&["compare", &s(d.path())]).parts();
    assert_eq!(code, 2, "a directory needs --readers");
    let nan = write(d.path(), "nan.tsv", "onset\tduration\tlabel\nNaN\t1\tx\n");
    let (code, _, err) = sigmark(&["compare", &s(&a), &s(&nan)]).parts();
    assert_eq!(code, 1);
    assert!(err.contains("nan.tsv:2:"), "{err}");
}

#[test]
fn cli_text_and_csv_are_safe_for_a_terminal() {
    let d = tmp();
    let a = write(
        d.path(),
        "a.tsv",
        "onset\tduration\tlabel\n1\t1\tx\x1b[2J\u{9b}\u{202e}\n",
    );
    let b = write(
        d.path(),
        "b.tsv",
        "onset\tduration\tlabel\n1.5\t1\tx\x1b[2J\u{9b}\u{202e}\n",
    );
    for extra in [
        &[][..],
        &["--csv"][..],
        &["--json"][..],
        &["--mode", "all"][..],
    ] {
        let (code, out, err) = sigmark(&[&["compare", &s(&a), &s(&b)], extra].concat()).parts();
        assert_eq!(code, 0, "{err}");
        assert!(
            !out.contains(['\x1b', '\u{9b}', '\u{202e}']),
            "{extra:?}: {out:?}"
        );
    }
    // JSON keeps the label exactly (escaped).
    let v = json(&["compare", &s(&a), &s(&b), "--json"]);
    assert!(v["event"]["per_label"]["x\x1b[2J\u{9b}\u{202e}"].is_object());
    let (_, out, _) = sigmark(&["compare", &s(&a), &s(&b), "--csv"]).parts();
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("recording,mode,reference,label,ref_events,test_events,tp,fn,fp,sensitivity,ppv,f1,fp_per_24h,kappa,percent_agreement,rule")
    );
    assert_eq!(out.lines().count(), 5, "{out}");
    // Every row has the 16 columns; the label's row says its rule although no label was
    // matched within the point window.
    assert!(out.lines().all(|l| l.split(',').count() == 16), "{out}");
    assert!(out.lines().any(|l| l.ends_with(",overlap")), "{out}");
}

#[test]
fn cli_directory_form_reports_rows_gross_and_average() {
    let d = tmp();
    let t =
        |name: &str, body: &str| write(d.path(), name, &format!("onset\tduration\tlabel\n{body}"));
    // r1: A 2 events, B finds 1 (Se 1/2); r2: A 1 event, B finds it and 1 extra.
    t("r1.alice.events.tsv", "0\t10\tsz\n100\t10\tsz\n");
    t("r1.bob.events.tsv", "5\t10\tsz\n");
    t("r2.alice.events.tsv", "50\t10\tsz\n");
    t("r2.bob.events.tsv", "55\t1\tsz\n200\t1\tsz\n");
    t("r3.alice.events.tsv", "0\t1\tsz\n");
    // r1's recording lies beside its tables: its duration is used.
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        d.path().join("r1.edf"),
    )
    .unwrap();
    let dir = s(d.path());
    let v = json(&["compare", &dir, "--readers", "alice,bob", "--json"]);
    let rows = v["recordings"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "r3 has no bob table");
    assert_eq!(rows[0]["recording"], "r1");
    assert_eq!(rows[0]["duration_from"], "recording");
    assert_eq!(rows[0]["duration_s"], 600.0);
    assert_eq!(rows[1]["duration_from"], "events");
    assert_eq!(v["gross"]["duration_s"], 600.0 + 201.0);
    assert_eq!(rows[0]["event"]["overall"]["sensitivity"], 0.5);
    let gross = &v["gross"]["event"]["overall"];
    assert_eq!(
        (
            gross["tp"].as_u64(),
            gross["fn"].as_u64(),
            gross["fp"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert!(close(gross["sensitivity"].as_f64().unwrap(), 2.0 / 3.0));
    // Average of Se 0.5 and 1.0; of PPV 1.0 and 0.5.
    let avg = &v["average"]["event"]["overall"];
    assert_eq!(avg["sensitivity"], 0.75);
    assert_eq!(avg["ppv"], 0.75);
    assert_eq!(v["average"]["recordings"], 2);
    let (code, out, err) = sigmark(&["compare", &dir, "--readers", "alice,bob"]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("gross") && out.contains("average"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    let (code, out, _) = sigmark(&["compare", &dir, "--readers", "alice,bob", "--csv"]).parts();
    assert_eq!(code, 0);
    assert!(
        out.lines().any(|l| l.starts_with("gross,event,A,,")),
        "{out}"
    );
    let (code, _, _) = sigmark(&["compare", &dir, "--readers", "alice,carol"]).parts();
    assert_eq!(code, 2, "no recording has both");
}

#[test]
fn cli_three_readers_give_fleiss_kappa() {
    let d = tmp();
    let a = write(
        d.path(),
        "a.tsv",
        "onset\tduration\tlabel\n0\t30\tW\n30\t30\tN2\n",
    );
    let b = write(
        d.path(),
        "b.tsv",
        "onset\tduration\tlabel\n0\t30\tW\n30\t30\tN2\n",
    );
    let c = write(d.path(), "c.tsv", "onset\tduration\tlabel\n0\t60\tW\n");
    let v = json(&["compare", &s(&a), &s(&b), &s(&c), "--json"]);
    assert_eq!(v["epoch"]["epoch_s"], 30.0);
    assert_eq!(v["epoch"]["readers"], 3);
    // Epoch 0: W W W (P = 1); epoch 1: N2 N2 W (P = 1/3); p_W = 4/6, p_N2 = 2/6: 1/4.
    assert!(close(v["epoch"]["fleiss_kappa"].as_f64().unwrap(), 0.25));
    assert_eq!(v["epoch"]["kappa"], 1.0);
}

#[test]
fn cli_beat_tables_default_to_beat_mode() {
    let d = tmp();
    let a = write(
        d.path(),
        "a.tsv",
        "onset\tduration\tlabel\n1\tn/a\tbeat\n2\t0\tPVC\n",
    );
    let b = write(
        d.path(),
        "b.tsv",
        "onset\tduration\tlabel\n1.01\t0\tbeat\n2.3\t0\tPVC\n",
    );
    let v = json(&["compare", &s(&a), &s(&b), "--start", "0", "--json"]);
    assert!(v.get("event").is_none());
    assert_eq!(v["beat"]["qrs"]["tp"], 1);
    assert_eq!(v["beat"]["qrs"]["fn"], 1);
    assert_eq!(v["beat"]["qrs"]["fp"], 1);
    assert_eq!(v["beat"]["confusion"]["V"]["O"], 1);
}

#[test]
fn cli_beat_mode_without_beats_keeps_every_key() {
    // Nothing to score: every statistic is null, but the keys of the issue's shape are there.
    let d = tmp();
    let a = write(d.path(), "a.tsv", "onset\tduration\tlabel\n1\t5\tAF\n");
    let v = json(&["compare", &s(&a), &s(&a), "--mode", "beat", "--json"]);
    let b = &v["beat"];
    assert_eq!(b["start_s"], 300.0);
    has_counts(&b["qrs"]);
    for k in ["sensitivity", "ppv", "fpr"] {
        assert!(b["veb"].get(k).is_some_and(Value::is_null), "veb.{k}");
    }
    assert!(b["sveb"]["ppv"].is_null());
    assert!(v.get("event").is_none() && v.get("epoch").is_none());
}
