//! The human-readable report of one recording: compact tables under 100 columns, every
//! file-borne text sanitised for the terminal.

use std::fmt::Write as _;

use super::beat::{BeatResult, ClassCounts, CLASSES};
use super::epoch::EpochResult;
use super::event::{Counts, Durations, EventParams, EventResult};
use super::report::learning_period;
use super::Comparison;
use crate::text::sanitize;

/// Width of the label column.
pub(super) const LABEL: usize = 20;
/// At most this many labels get a confusion matrix in the text report (it must fit 100
/// columns); more are in the JSON.
const MAX_MATRIX_LABELS: usize = 9;

/// `text` made safe and cut to `width` characters.
pub(super) fn cell(text: &str, width: usize) -> String {
    let s = sanitize(text);
    if s.chars().count() <= width {
        return s;
    }
    let mut cut: String = s.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A fraction as a percentage with one decimal, `-` when undefined.
pub(super) fn pct(v: Option<f64>, width: usize) -> String {
    match v {
        Some(x) => format!("{:>width$.1}", 100.0 * x),
        None => format!("{:>width$}", "-"),
    }
}

pub(super) fn num(v: Option<f64>, decimals: usize, width: usize) -> String {
    match v {
        Some(x) => format!("{x:>width$.decimals$}"),
        None => format!("{:>width$}", "-"),
    }
}

/// "A", "B", ... "Z", then "R27", "R28" ...
pub fn letter(i: usize) -> String {
    match u8::try_from(i) {
        Ok(k) if k < 26 => char::from(b'A' + k).to_string(),
        _ => format!("R{}", i + 1),
    }
}

/// The report of one recording.
pub fn render(c: &Comparison) -> String {
    let mut s = String::new();
    for (i, (name, path)) in c.readers.iter().enumerate() {
        let _ = writeln!(
            s,
            "{}: {} ({})",
            letter(i),
            sanitize(name),
            sanitize(&path.display().to_string())
        );
    }
    let _ = writeln!(
        s,
        "{}",
        wrap(&format!(
            "duration {:.1} s, from {}",
            c.duration_s,
            sanitize(&c.duration_source)
        ))
    );
    for n in &c.notes {
        let _ = writeln!(s, "note: {}", sanitize(n));
    }
    if let Some(e) = &c.event {
        s.push('\n');
        event_section(&mut s, e);
    }
    if let Some(b) = &c.beat {
        s.push('\n');
        beat_section(&mut s, b);
    }
    if let Some(e) = &c.epoch {
        s.push('\n');
        epoch_section(&mut s, e);
    }
    s
}

/// The event mode's parameters in words.
pub(super) fn event_parameters(p: &EventParams) -> String {
    let matching = if p.min_overlap > 0.0 {
        format!(
            "more than a fraction {} of the widened reference covered",
            p.min_overlap
        )
    } else {
        "any overlap".to_string()
    };
    let opt = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |x| format!("{x} s"));
    format!(
        "event mode: {matching}; reference widened {} s before, {} s after; merge gap {}; split \
         at {}",
        p.tolerance_before_s,
        p.tolerance_after_s,
        opt(p.merge_gap_s),
        opt(p.max_duration_s)
    )
}

pub(super) const EVENT_HEADER: &str = "     TP     FN     FP    Se%   PPV%    F1%   FP/24h";

pub(super) fn counts_row(c: &Counts, d: f64) -> String {
    format!(
        "{:>7}{:>7}{:>7}{}{}{}{}",
        c.tp,
        c.fn_(),
        c.fp(),
        pct(c.sensitivity(), 7),
        pct(c.ppv(), 7),
        pct(c.f1(), 7),
        num(c.fp_per_24h(d), 2, 9)
    )
}

fn durations_cells(d: &Durations) -> String {
    format!(
        "{}{}",
        pct(d.overlap_over_a(), 8),
        pct(d.overlap_over_b(), 8)
    )
}

/// Which rule each label got, in words: a heading, then one line per rule with its labels
/// (and how a label's fewer kind of event was taken).
pub(super) fn rules_lines(e: &EventResult) -> String {
    let window = e
        .point_window_s
        .map_or_else(|| "none".to_string(), |w| format!("{w:.3} s"));
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (label, r) in &e.rules {
        let key = r.describe();
        let name = cell(label, LABEL);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => v.push(name),
            None => groups.push((key, vec![name])),
        }
    }
    let mut out = wrap(&format!(
        "matching per label (point window {window}: labels mostly of points are paired \
         one-to-one, nearest first, within it; the others by overlap):"
    ));
    for (k, v) in groups {
        out.push('\n');
        out.push_str("  ");
        out.push_str(&wrap(&format!("{k}: {}", v.join(", "))));
    }
    out
}

fn event_section(s: &mut String, e: &EventResult) {
    let _ = writeln!(s, "{}", wrap(&event_parameters(&e.params)));
    let _ = writeln!(s, "{}", rules_lines(e));
    let _ = writeln!(s, "ref  {:<LABEL$}{EVENT_HEADER}  ovl/A%  ovl/B%", "label");
    for (reference, map, reversed) in [("A", &e.forward, false), ("B", &e.reversed, true)] {
        for (label, c) in map {
            let dur = (!reversed)
                .then(|| e.durations.get(label).map(durations_cells))
                .flatten()
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "{reference:<5}{:<LABEL$}{}{dur}",
                cell(label, LABEL),
                counts_row(c, e.duration_s)
            );
        }
        let dur = if reversed {
            String::new()
        } else {
            durations_cells(&e.overall_durations())
        };
        let _ = writeln!(
            s,
            "{reference:<5}{:<LABEL$}{}{dur}",
            "(all labels)",
            counts_row(&e.overall(reversed), e.duration_s)
        );
    }
}

/// Breaks a long line at spaces so that it fits 100 columns.
pub(super) fn wrap(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for word in line.split(' ') {
        let n = word.chars().count();
        if width > 0 && width + 1 + n > 98 {
            out.push_str("\n  ");
            width = 2;
        } else if width > 0 {
            out.push(' ');
            width += 1;
        }
        out.push_str(word);
        width += n;
    }
    out
}

fn class_line(name: &str, c: &ClassCounts, fpr: bool) -> String {
    let mut l = format!(
        "{name:<5} Se {} ({}/{})   +P {} ({}/{})",
        pct(c.sensitivity(), 6),
        c.tp,
        c.tp + c.fn_,
        pct(c.ppv(), 6),
        c.tp,
        c.tp + c.fp
    );
    if fpr {
        let _ = write!(
            l,
            "   FPR {} ({}/{})",
            num(c.fpr().map(|x| 100.0 * x), 3, 6),
            c.fp,
            c.tn + c.fp
        );
    }
    l
}

fn beat_section(s: &mut String, b: &BeatResult) {
    let head = format!(
        "beat mode (bxb): match window {:.3} s; from {} s to {:.1} s; {}",
        b.params.window_s,
        b.params.start_s,
        b.end_s,
        learning_period(b.params.start_s)
    );
    let _ = writeln!(s, "{}", wrap(&head));
    if let Some(why) = &b.skipped {
        let _ = writeln!(s, "{}", wrap(why));
        return;
    }
    let _ = write!(s, "A \\ B ");
    for c in CLASSES {
        let _ = write!(s, "{c:>9}");
    }
    s.push('\n');
    for (i, row) in b.matrix.iter().enumerate() {
        let _ = write!(s, "{:<6}", CLASSES[i]);
        for (j, n) in row.iter().enumerate() {
            let blank = i == 5 && j == 5;
            let _ = write!(
                s,
                "{:>9}",
                if blank {
                    "-".to_string()
                } else {
                    n.to_string()
                }
            );
        }
        s.push('\n');
    }
    let q = b.qrs();
    let qrs = ClassCounts {
        tp: q.tp,
        fn_: q.fn_(),
        fp: q.fp(),
        tn: 0,
    };
    let _ = writeln!(
        s,
        "{}   FP/24h {}",
        class_line("QRS", &qrs, false),
        num(q.fp_per_24h(b.scored_s()), 2, 0)
    );
    let _ = writeln!(s, "{}", class_line("VEB", &b.veb(), true));
    let _ = writeln!(s, "{}", class_line("SVEB", &b.sveb(), false));
}

fn epoch_section(s: &mut String, e: &EpochResult) {
    let head = format!(
        "epoch mode: {} epochs of {} s from 0 s; each reader's label is the event covering the \
         epoch centre",
        e.epochs, e.epoch_s
    );
    let _ = writeln!(s, "{}", wrap(&head));
    let mut line = format!(
        "Cohen's kappa (A, B) {}   agreement {}%",
        num(e.kappa(), 3, 0),
        num(e.percent_agreement(), 1, 0)
    );
    if e.fleiss.is_some() {
        let _ = write!(
            line,
            "   Fleiss' kappa ({} readers) {}",
            e.readers,
            num(e.fleiss_kappa(), 3, 0)
        );
    }
    let _ = writeln!(s, "{line}");
    let _ = writeln!(
        s,
        "{:<LABEL$}{:>9}{:>11}{:>11}{:>11}",
        "label", "kappa", "A epochs", "B epochs", "both"
    );
    for (label, a) in e.per_label() {
        let _ = writeln!(
            s,
            "{:<LABEL$}{}{:>11}{:>11}{:>11}",
            cell(&label, LABEL),
            num(a.kappa, 3, 9),
            a.a_epochs,
            a.b_epochs,
            a.both
        );
    }
    let (labels, m) = e.matrix();
    if labels.len() > MAX_MATRIX_LABELS {
        let _ = writeln!(
            s,
            "confusion matrix: {} labels, too many to show here; see --json",
            labels.len()
        );
        return;
    }
    let _ = write!(s, "{:<10}", "A \\ B");
    for l in &labels {
        let _ = write!(s, "{:>9}", cell(l, 8));
    }
    s.push('\n');
    for (l, row) in labels.iter().zip(&m) {
        let _ = write!(s, "{:<10}", cell(l, 9));
        for n in row {
            let _ = write!(s, "{n:>9}");
        }
        s.push('\n');
    }
}
