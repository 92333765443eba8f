//! The per-label CSV: one row per label and direction in event mode, QRS, VEB and SVEB in beat
//! mode, one row per label and an overall row in epoch mode. Labels are sanitised, since a CSV
//! is often read on a terminal.
//!
//! When some label of event mode was matched within the point window, the CSV has a 16th
//! column, `rule` (`overlap` or `window 0.150 s` on event rows, empty on the others); a CSV
//! in which every label was matched by overlap keeps the 15 columns it always had.

use super::batch::Batch;
use super::event::Counts;
use super::text::any_window;
use super::{Comparison, DurationFrom};
use crate::text::sanitize;

/// Columns of the CSV.
pub const CSV_HEADER: [&str; 15] = [
    "recording",
    "mode",
    "reference",
    "label",
    "ref_events",
    "test_events",
    "tp",
    "fn",
    "fp",
    "sensitivity",
    "ppv",
    "f1",
    "fp_per_24h",
    "kappa",
    "percent_agreement",
];

/// The column added when some label was matched within the point window.
pub const RULE_COLUMN: &str = "rule";

/// The header, with the `rule` column or not.
pub fn header(with_rule: bool) -> Vec<&'static str> {
    let mut h = CSV_HEADER.to_vec();
    if with_rule {
        h.push(RULE_COLUMN);
    }
    h
}

/// Whether a comparison's CSV needs the `rule` column.
pub fn needs_rule(c: &Comparison) -> bool {
    c.event.as_ref().is_some_and(|e| any_window(&e.rules))
}

/// The header and rows of one recording's CSV.
pub fn csv_table(recording: &str, c: &Comparison) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let with_rule = needs_rule(c);
    (header(with_rule), rows_with(recording, c, with_rule))
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// The CSV rows of one recording: event mode per label and overall (empty label) with A and
/// then B as reference; beat mode's QRS, VEB and SVEB; epoch mode per label and overall.
pub fn csv_rows(recording: &str, c: &Comparison) -> Vec<Vec<String>> {
    rows_with(recording, c, needs_rule(c))
}

fn rows_with(recording: &str, c: &Comparison, with_rule: bool) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let rec = sanitize(recording);
    if let Some(e) = &c.event {
        for (reference, map, reversed) in [("A", &e.forward, false), ("B", &e.reversed, true)] {
            let all = e.overall(reversed);
            let labelled = map.iter().map(|(l, c)| (sanitize(l), *c));
            let rules = map
                .keys()
                .map(|l| e.rules.get(l).map(|r| r.rule.to_string()));
            let overall = std::iter::once((String::new(), all));
            let rules = rules.chain(std::iter::once(None));
            for ((label, k), rule) in labelled.chain(overall).zip(rules) {
                let mut row = counts_csv(&rec, "event", reference, &label, &k, Some(e.duration_s));
                if with_rule {
                    row.push(rule.unwrap_or_default());
                }
                rows.push(row);
            }
        }
    }
    if let Some(b) = &c.beat {
        rows.push(counts_csv(
            &rec,
            "beat",
            "A",
            "QRS",
            &b.qrs(),
            Some(b.scored_s()),
        ));
        for (name, k) in [("VEB", b.veb()), ("SVEB", b.sveb())] {
            let as_counts = Counts {
                ref_events: k.tp + k.fn_,
                test_events: k.tp + k.fp,
                tp: k.tp,
                test_matched: k.tp,
            };
            rows.push(counts_csv(&rec, "beat", "A", name, &as_counts, None));
        }
    }
    if let Some(e) = &c.epoch {
        for (label, a) in e.per_label() {
            let k = Counts {
                ref_events: a.a_epochs,
                test_events: a.b_epochs,
                tp: a.both,
                test_matched: a.both,
            };
            let mut row = counts_csv(&rec, "epoch", "A", &sanitize(&label), &k, None);
            row[13] = opt(a.kappa);
            rows.push(row);
        }
        let mut row = vec![rec.clone(), "epoch".into(), "A".into(), String::new()];
        row.push(e.epochs.to_string());
        row.push(e.epochs.to_string());
        row.extend(std::iter::repeat_n(String::new(), 7));
        row.push(opt(e.kappa()));
        row.push(opt(e.percent_agreement()));
        rows.push(row);
    }
    if with_rule {
        for row in rows.iter_mut().filter(|r| r.len() < CSV_HEADER.len() + 1) {
            row.push(String::new());
        }
    }
    rows
}

fn counts_csv(
    rec: &str,
    mode: &str,
    reference: &str,
    label: &str,
    c: &Counts,
    duration: Option<f64>,
) -> Vec<String> {
    vec![
        rec.to_string(),
        mode.to_string(),
        reference.to_string(),
        label.to_string(),
        c.ref_events.to_string(),
        c.test_events.to_string(),
        c.tp.to_string(),
        c.fn_().to_string(),
        c.fp().to_string(),
        opt(c.sensitivity()),
        opt(c.ppv()),
        opt(c.f1()),
        opt(duration.and_then(|d| c.fp_per_24h(d))),
        String::new(),
        String::new(),
    ]
}

/// The CSV of a directory: each recording's rows, then the gross rows (recording "gross"),
/// with the header they need.
pub fn batch_csv_table(b: &Batch) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let with_rule = b.rows.iter().any(|(_, c)| needs_rule(c));
    let mut rows: Vec<Vec<String>> = b
        .rows
        .iter()
        .flat_map(|(stem, c)| rows_with(stem, c, with_rule))
        .collect();
    let g = b.gross();
    let pooled = Comparison {
        readers: Vec::new(),
        recording: None,
        duration_s: g.duration_s,
        duration_from: DurationFrom::Events,
        duration_source: "the recordings' durations added up".into(),
        notes: Vec::new(),
        event: g.event,
        beat: g.beat,
        epoch: g.epoch,
    };
    rows.extend(rows_with("gross", &pooled, with_rule));
    (header(with_rule), rows)
}

/// The rows of [`batch_csv_table`].
pub fn batch_csv_rows(b: &Batch) -> Vec<Vec<String>> {
    batch_csv_table(b).1
}
