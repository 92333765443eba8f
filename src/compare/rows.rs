//! The per-label CSV: one row per label and direction in event mode, QRS, VEB and SVEB in beat
//! mode, one row per label and an overall row in epoch mode. Labels are sanitised, since a CSV
//! is often read on a terminal.
//!
//! Every CSV has the same 16 columns, whatever the data: the last, `rule`, says how an event
//! label was matched (`overlap` or `window 0.150 s`) and is empty on the overall, beat and
//! epoch rows. Columns that come and go with the data would break the scripts that read them.

use super::batch::Batch;
use super::event::Counts;
use super::{Comparison, DurationFrom};
use crate::text::sanitize;

/// Columns of the CSV.
pub const CSV_HEADER: [&str; 16] = [
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
    "rule",
];

/// The header and rows of one recording's CSV.
pub fn csv_table(recording: &str, c: &Comparison) -> (Vec<&'static str>, Vec<Vec<String>>) {
    (CSV_HEADER.to_vec(), csv_rows(recording, c))
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| x.to_string())
}

/// The CSV rows of one recording: event mode per label and overall (empty label) with A and
/// then B as reference; beat mode's QRS, VEB and SVEB; epoch mode per label and overall.
pub fn csv_rows(recording: &str, c: &Comparison) -> Vec<Vec<String>> {
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
                row[15] = rule.unwrap_or_default();
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
        row.push(String::new());
        rows.push(row);
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
        String::new(),
    ]
}

/// The CSV of a directory: each recording's rows, then the gross rows (recording "gross"),
/// under the one header.
pub fn batch_csv_table(b: &Batch) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let mut rows: Vec<Vec<String>> = b
        .rows
        .iter()
        .flat_map(|(stem, c)| csv_rows(stem, c))
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
    rows.extend(csv_rows("gross", &pooled));
    (CSV_HEADER.to_vec(), rows)
}

/// The rows of [`batch_csv_table`].
pub fn batch_csv_rows(b: &Batch) -> Vec<Vec<String>> {
    batch_csv_table(b).1
}
