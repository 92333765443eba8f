//! Every number of a comparison as JSON: `{"event": {"parameters", "overall", "per_label",
//! "reversed": {"overall", "per_label"}, "duration"}, "beat": {"window_s", "start_s", "qrs",
//! "veb", "sveb", "confusion"}, "epoch": {"epoch_s", "kappa", "percent_agreement",
//! "per_label", "confusion"}}`, a mode that was not run being absent. COUNTS are `tp`, `fp`,
//! `fn`, `sensitivity`, `ppv`, `f1`, `fp_per_24h` (fractions, not percent; `null` where
//! undefined) and the event totals they come from; `percent_agreement` alone is in percent, as
//! its name says. Event mode's per-label COUNTS also say how the label was matched: `rule`
//! (`overlap` or `window 0.150 s`), with `points` and `intervals` (both readers). Beat mode
//! says `skipped` (and a `reason`) when nothing was scored. `duration_source` says where
//! `duration_s` came from.

use std::collections::BTreeMap;

use serde::Serialize;

use super::beat::{BeatResult, ClassCounts, CLASSES};
use super::epoch::EpochResult;
use super::event::{Counts, Durations, EventResult};
use super::points::LabelRule;
use super::{Comparison, DurationFrom};

#[derive(Debug, Clone, Serialize)]
pub struct CountsJson {
    pub tp: u64,
    pub fp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub sensitivity: Option<f64>,
    pub ppv: Option<f64>,
    pub f1: Option<f64>,
    pub fp_per_24h: Option<f64>,
    pub ref_events: u64,
    pub test_events: u64,
    pub test_matched: u64,
    /// Event mode, per label: how it was matched.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleJson>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleJson {
    pub rule: String,
    pub points: u64,
    pub intervals: u64,
}

impl RuleJson {
    fn new(r: &LabelRule) -> RuleJson {
        RuleJson {
            rule: r.rule.to_string(),
            points: r.points,
            intervals: r.intervals,
        }
    }
}

impl CountsJson {
    pub fn new(c: &Counts, duration_s: f64) -> CountsJson {
        CountsJson {
            tp: c.tp,
            fp: c.fp(),
            fn_: c.fn_(),
            sensitivity: c.sensitivity(),
            ppv: c.ppv(),
            f1: c.f1(),
            fp_per_24h: c.fp_per_24h(duration_s),
            ref_events: c.ref_events,
            test_events: c.test_events,
            test_matched: c.test_matched,
            rule: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Direction {
    pub reference: &'static str,
    pub overall: CountsJson,
    pub per_label: BTreeMap<String, CountsJson>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DurationJson {
    pub a_s: f64,
    pub b_s: f64,
    pub overlap_s: f64,
    pub overlap_over_a: Option<f64>,
    pub overlap_over_b: Option<f64>,
}

impl DurationJson {
    fn new(d: &Durations) -> DurationJson {
        DurationJson {
            a_s: d.a_s,
            b_s: d.b_s,
            overlap_s: d.overlap_s,
            overlap_over_a: d.overlap_over_a(),
            overlap_over_b: d.overlap_over_b(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct EventParamsJson {
    pub matching: &'static str,
    pub min_overlap: f64,
    pub tolerance_before_s: f64,
    pub tolerance_after_s: f64,
    pub merge_gap_s: Option<f64>,
    pub max_duration_s: Option<f64>,
    /// Labels that are mostly points are matched one-to-one within this (`null`: by overlap).
    pub point_window_s: Option<f64>,
    pub duration_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventJson {
    pub parameters: EventParamsJson,
    pub reference: &'static str,
    pub overall: CountsJson,
    pub per_label: BTreeMap<String, CountsJson>,
    pub reversed: Direction,
    pub duration: DurationsJson,
}

#[derive(Debug, Clone, Serialize)]
pub struct DurationsJson {
    pub overall: DurationJson,
    pub per_label: BTreeMap<String, DurationJson>,
}

fn per_label(r: &EventResult, reversed: bool) -> BTreeMap<String, CountsJson> {
    let m = if reversed { &r.reversed } else { &r.forward };
    m.iter()
        .map(|(l, c)| {
            let mut j = CountsJson::new(c, r.duration_s);
            j.rule = r.rules.get(l).map(RuleJson::new);
            (l.clone(), j)
        })
        .collect()
}

impl EventJson {
    pub fn new(r: &EventResult) -> EventJson {
        let p = &r.params;
        let d = r.duration_s;
        EventJson {
            parameters: EventParamsJson {
                matching: if p.min_overlap > 0.0 {
                    "min-overlap"
                } else {
                    "any-overlap"
                },
                min_overlap: p.min_overlap,
                tolerance_before_s: p.tolerance_before_s,
                tolerance_after_s: p.tolerance_after_s,
                merge_gap_s: p.merge_gap_s,
                max_duration_s: p.max_duration_s,
                point_window_s: r.point_window_s,
                duration_s: d,
            },
            reference: "A",
            overall: CountsJson::new(&r.overall(false), d),
            per_label: per_label(r, false),
            reversed: Direction {
                reference: "B",
                overall: CountsJson::new(&r.overall(true), d),
                per_label: per_label(r, true),
            },
            duration: DurationsJson {
                overall: DurationJson::new(&r.overall_durations()),
                per_label: r
                    .durations
                    .iter()
                    .map(|(l, x)| (l.clone(), DurationJson::new(x)))
                    .collect(),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ClassJson {
    pub tp: u64,
    #[serde(rename = "fn")]
    pub fn_: u64,
    pub fp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tn: Option<u64>,
    pub sensitivity: Option<f64>,
    pub ppv: Option<f64>,
    /// VEB only (`null` when undefined); absent for SVEB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fpr: Option<Option<f64>>,
}

impl ClassJson {
    fn new(c: &ClassCounts, with_fpr: bool) -> ClassJson {
        ClassJson {
            tp: c.tp,
            fn_: c.fn_,
            fp: c.fp,
            tn: with_fpr.then_some(c.tn),
            sensitivity: c.sensitivity(),
            ppv: c.ppv(),
            fpr: with_fpr.then(|| c.fpr()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BeatJson {
    pub window_s: f64,
    pub start_s: f64,
    pub end_s: f64,
    pub learning_period: String,
    /// Whether nothing was scored (the statistics below are then empty), and why.
    pub skipped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub qrs: CountsJson,
    pub veb: ClassJson,
    pub sveb: ClassJson,
    /// Reference class, then test class ("O": no beat) to the number of beats.
    pub confusion: BTreeMap<&'static str, BTreeMap<&'static str, u64>>,
}

impl BeatJson {
    pub fn new(r: &BeatResult) -> BeatJson {
        let mut confusion = BTreeMap::new();
        for (i, row) in r.matrix.iter().enumerate() {
            let cells = CLASSES.iter().copied().zip(row.iter().copied());
            confusion.insert(CLASSES[i], cells.collect());
        }
        BeatJson {
            window_s: r.params.window_s,
            start_s: r.params.start_s,
            end_s: r.end_s,
            learning_period: learning_period(r.params.start_s),
            skipped: r.skipped.is_some(),
            reason: r.skipped.clone(),
            qrs: CountsJson::new(&r.qrs(), r.scored_s()),
            veb: ClassJson::new(&r.veb(), true),
            sveb: ClassJson::new(&r.sveb(), false),
            confusion,
        }
    }
}

/// What the start means, said in the report (bxb skips the first 5 minutes).
pub fn learning_period(start_s: f64) -> String {
    format!(
        "reference beats before {start_s} s are not scored (bxb's default learning period: the \
         first 300 s; --start to change)"
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct LabelKappa {
    pub kappa: Option<f64>,
    pub a_epochs: u64,
    pub b_epochs: u64,
    pub both: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EpochJson {
    pub epoch_s: f64,
    pub epochs: u64,
    pub readers: usize,
    pub kappa: Option<f64>,
    pub percent_agreement: Option<f64>,
    pub per_label: BTreeMap<String, LabelKappa>,
    /// A's label, then B's label, to the number of epochs.
    pub confusion: BTreeMap<String, BTreeMap<String, u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fleiss_kappa: Option<Option<f64>>,
}

impl EpochJson {
    pub fn new(r: &EpochResult) -> EpochJson {
        EpochJson {
            epoch_s: r.epoch_s,
            epochs: r.epochs,
            readers: r.readers,
            kappa: r.kappa(),
            percent_agreement: r.percent_agreement(),
            per_label: r
                .per_label()
                .into_iter()
                .map(|(l, a)| {
                    let k = LabelKappa {
                        kappa: a.kappa,
                        a_epochs: a.a_epochs,
                        b_epochs: a.b_epochs,
                        both: a.both,
                    };
                    (l, k)
                })
                .collect(),
            confusion: r.confusion.clone(),
            fleiss_kappa: r.fleiss.as_ref().map(|f| f.kappa()),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReaderJson {
    pub name: String,
    pub file: String,
}

/// One recording's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub readers: Vec<ReaderJson>,
    pub recording_file: Option<String>,
    pub duration_s: f64,
    pub duration_from: DurationFrom,
    pub duration_source: String,
    pub notes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<EventJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beat: Option<BeatJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub epoch: Option<EpochJson>,
}

impl Report {
    pub fn new(c: &Comparison) -> Report {
        Report {
            readers: c
                .readers
                .iter()
                .map(|(name, file)| ReaderJson {
                    name: name.clone(),
                    file: file.display().to_string(),
                })
                .collect(),
            recording_file: c.recording.as_ref().map(|p| p.display().to_string()),
            duration_s: c.duration_s,
            duration_from: c.duration_from,
            duration_source: c.duration_source.clone(),
            notes: c.notes.clone(),
            event: c.event.as_ref().map(EventJson::new),
            beat: c.beat.as_ref().map(BeatJson::new),
            epoch: c.epoch.as_ref().map(EpochJson::new),
        }
    }
}

/// JSON text safe on a terminal: the one output policy of `crate::text` (C1 controls, DEL and
/// bidi controls written as `\uXXXX` escapes, which read back the same).
pub fn to_json<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    crate::text::to_json_pretty(value)
}
