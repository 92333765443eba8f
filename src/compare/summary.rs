//! The human-readable report of a directory: for each mode, one row per recording, then
//! "gross" (statistics of the pooled counts) and "average" (mean of the recordings'
//! statistics), as WFDB's sumstats prints them.

use std::fmt::Write as _;

use super::batch::{Average, Batch, ClassAverage, Gross, Stats};
use super::beat::BeatResult;
use super::epoch::EpochResult;
use super::report::learning_period;
use super::text::{cell, counts_row, event_parameters, letter, num, pct, rules_lines, wrap};
use super::text::{EVENT_HEADER, LABEL};
use crate::text::sanitize;

/// Width of the recording column.
const NAME: usize = LABEL + 5;

pub fn render_batch(b: &Batch) -> String {
    let mut s = String::new();
    let readers: Vec<String> = b
        .readers
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{} = {}", letter(i), sanitize(r)))
        .collect();
    let _ = writeln!(
        s,
        "{}: {} recordings; {}",
        sanitize(&b.directory.display().to_string()),
        b.rows.len(),
        readers.join(", ")
    );
    for (stem, c) in &b.rows {
        for n in &c.notes {
            let _ = writeln!(s, "note: {}: {}", sanitize(stem), sanitize(n));
        }
    }
    let (gross, average) = (b.gross(), b.average());
    event_rows(&mut s, b, &gross, &average);
    beat_rows(&mut s, b, &gross, &average);
    epoch_rows(&mut s, b, &gross, &average);
    s
}

/// The recordings that ran a mode, with its result.
fn each<'a, T: 'a>(
    b: &'a Batch,
    get: impl Fn(&'a super::Comparison) -> Option<&'a T> + 'a,
) -> impl Iterator<Item = (String, &'a T)> + 'a {
    b.rows
        .iter()
        .filter_map(move |(stem, c)| get(c).map(|r| (cell(stem, NAME - 1), r)))
}

fn event_rows(s: &mut String, b: &Batch, gross: &Gross, average: &Average) {
    let (Some(g), Some(avg)) = (&gross.event, &average.event) else {
        return;
    };
    let _ = writeln!(s, "\n{}", wrap(&event_parameters(&g.params)));
    let _ = writeln!(s, "{}", rules_lines(g));
    for (reversed, name, stats) in [
        (false, "A", &avg.overall),
        (true, "B", &avg.reversed.overall),
    ] {
        let head = format!("{name} as reference");
        let _ = writeln!(s, "{head:<NAME$}{EVENT_HEADER}");
        for (stem, e) in each(b, |c| c.event.as_ref()) {
            let counts = counts_row(&e.overall(reversed), e.duration_s);
            let _ = writeln!(s, "{stem:<NAME$}{counts}");
        }
        let pooled = counts_row(&g.overall(reversed), g.duration_s);
        let _ = writeln!(s, "{:<NAME$}{pooled}", "gross");
        let _ = writeln!(s, "{:<NAME$}{:>21}{}", "average", "", stats_cells(stats));
    }
}

fn stats_cells(st: &Stats) -> String {
    format!(
        "{}{}{}{}",
        pct(st.sensitivity, 7),
        pct(st.ppv, 7),
        pct(st.f1, 7),
        num(st.fp_per_24h, 2, 9)
    )
}

/// QRS Se and +P, VEB Se, +P and FPR, SVEB Se and +P.
fn beat_cells(qrs: &Stats, veb: &ClassAverage, sveb: &ClassAverage) -> String {
    format!(
        "{}{}{}{}{}{}{}",
        pct(qrs.sensitivity, 9),
        pct(qrs.ppv, 9),
        pct(veb.sensitivity, 9),
        pct(veb.ppv, 9),
        num(veb.fpr.map(|x| 100.0 * x), 3, 10),
        pct(sveb.sensitivity, 9),
        pct(sveb.ppv, 9)
    )
}

/// One recording's (or the pooled) beat statistics as cells.
fn beat_result_cells(r: &BeatResult) -> String {
    let (q, v, sv) = (r.qrs(), r.veb(), r.sveb());
    let qrs = Stats {
        sensitivity: q.sensitivity(),
        ppv: q.ppv(),
        f1: q.f1(),
        fp_per_24h: q.fp_per_24h(r.scored_s()),
    };
    let class = |c: &super::beat::ClassCounts, fpr| ClassAverage {
        sensitivity: c.sensitivity(),
        ppv: c.ppv(),
        fpr: if fpr { c.fpr() } else { None },
    };
    beat_cells(&qrs, &class(&v, true), &class(&sv, false))
}

fn beat_rows(s: &mut String, b: &Batch, gross: &Gross, average: &Average) {
    let (Some(g), Some(avg)) = (&gross.beat, &average.beat) else {
        return;
    };
    let head = format!(
        "beat mode (bxb): match window {:.3} s; {}",
        g.params.window_s,
        learning_period(g.params.start_s)
    );
    let _ = writeln!(s, "\n{}", wrap(&head));
    let _ = writeln!(
        s,
        "{:<NAME$}  QRS Se%  QRS +P%  VEB Se%  VEB +P%  VEB FPR% SVEB Se% SVEB +P%",
        "recording"
    );
    for (stem, r) in each(b, |c| c.beat.as_ref()) {
        match &r.skipped {
            Some(why) => {
                let _ = writeln!(s, "{stem:<NAME$}{}", cell(why, 100 - NAME));
            }
            None => {
                let _ = writeln!(s, "{stem:<NAME$}{}", beat_result_cells(r));
            }
        }
    }
    let _ = writeln!(s, "{:<NAME$}{}", "gross", beat_result_cells(g));
    let cells = beat_cells(&avg.qrs, &avg.veb, &avg.sveb);
    let _ = writeln!(s, "{:<NAME$}{cells}", "average");
}

fn epoch_line(epochs: &str, k: Option<f64>, p: Option<f64>, f: Option<Option<f64>>) -> String {
    let fleiss = f.map_or_else(String::new, |f| num(f, 3, 9));
    format!("{epochs:>9}{}{}{fleiss}", num(k, 3, 9), num(p, 1, 9))
}

fn epoch_rows(s: &mut String, b: &Batch, gross: &Gross, average: &Average) {
    let (Some(g), Some(avg)) = (&gross.epoch, &average.epoch) else {
        return;
    };
    let head = format!(
        "epoch mode: epochs of {} s; each reader's label is the event covering the epoch centre",
        g.epoch_s
    );
    let _ = writeln!(s, "\n{}", wrap(&head));
    let with_fleiss = g.fleiss.is_some();
    let fleiss_head = if with_fleiss { "   Fleiss" } else { "" };
    let _ = writeln!(
        s,
        "{:<NAME$}   epochs    kappa   agree%{fleiss_head}",
        "recording"
    );
    let line = |e: &EpochResult, epochs: String| {
        let f = with_fleiss.then(|| e.fleiss_kappa());
        epoch_line(&epochs, e.kappa(), e.percent_agreement(), f)
    };
    for (stem, e) in each(b, |c| c.epoch.as_ref()) {
        let _ = writeln!(s, "{stem:<NAME$}{}", line(e, e.epochs.to_string()));
    }
    let _ = writeln!(s, "{:<NAME$}{}", "gross", line(g, g.epochs.to_string()));
    let f = with_fleiss.then_some(avg.fleiss_kappa);
    let cells = epoch_line("", avg.kappa, avg.percent_agreement, f);
    let _ = writeln!(s, "{:<NAME$}{cells}", "average");
}
