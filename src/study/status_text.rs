//! The text form of `study status`: tables a person reads; every name and path from the
//! study's files is sanitised before it reaches the terminal.

use std::fmt::Write;

use super::access::AccessSummary;
use super::{RecordingStatus, StudyStatus};
use crate::text::sanitize;

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}

fn duration(s: f64) -> String {
    let m = (s / 60.0).round() as u64;
    format!("{}h{:02}m", m / 60, m % 60)
}

/// Why a recording fails, in a word or two.
fn verdict(r: &RecordingStatus) -> String {
    if r.gates.passes {
        return "pass".into();
    }
    let mut why = Vec::new();
    if !r.gates.read {
        why.push("unread");
    }
    if r.gates.read && !r.gates.agreement {
        why.push("agreement");
    }
    if !r.gates.qa {
        why.push("qa");
    }
    format!("FAIL ({})", why.join(", "))
}

fn recording_line(out: &mut String, r: &RecordingStatus) {
    let readers: Vec<String> = r
        .readers
        .iter()
        .map(|x| format!("{} {}", sanitize(&x.reader), x.state.as_str()))
        .collect();
    let (kappa, below) = match &r.agreement {
        Some(a) => (
            a.pairs
                .iter()
                .map(|p| num(p.kappa))
                .collect::<Vec<_>>()
                .join("/"),
            a.pairs
                .iter()
                .flat_map(|p| p.below.iter().map(|b| sanitize(b)))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        None => ("-".into(), String::new()),
    };
    let adj = r
        .adjudication
        .as_ref()
        .map_or_else(|| "-".into(), |j| format!("{}/{}", j.resolved, j.total));
    let q = &r.qa;
    let qa = format!(
        "{}c {}r {}e {}p{}",
        q.confirmed,
        q.rejected,
        q.edited,
        q.pending,
        if q.awaiting_consensus > 0 {
            format!(" {} await consensus", q.awaiting_consensus)
        } else {
            String::new()
        }
    );
    let _ = writeln!(
        out,
        "  {:<28} {:<40} {:>7} {:>7}  {:<22} {}{}",
        sanitize(&r.path),
        readers.join(", "),
        kappa,
        adj,
        qa,
        verdict(r),
        if below.is_empty() {
            String::new()
        } else {
            format!("  [{below}]")
        }
    );
}

/// The whole status as text.
pub fn render(s: &StudyStatus) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Study {} (keymap {} {}; epoch {} s; gates kappa >= {:.2}, F1 >= {:.2})\n",
        sanitize(&s.study),
        sanitize(&s.keymap),
        sanitize(&s.keymap_version),
        s.epoch_s,
        s.gates.kappa,
        s.gates.f1
    );
    let _ = writeln!(out, "Recordings");
    let _ = writeln!(
        out,
        "  {:<28} {:<40} {:>7} {:>7}  {:<22} gates",
        "path", "readers", "kappa", "adjud.", "qa (c/r/e/pending)"
    );
    for r in &s.recordings {
        recording_line(&mut out, r);
    }
    let _ = writeln!(out, "\nReaders");
    let _ = writeln!(
        out,
        "  {:<16} {:>8} {:>8} {:>11} {:>11} {:>8}",
        "reader", "assigned", "finished", "in progress", "not started", "active"
    );
    for r in &s.readers {
        let _ = writeln!(
            out,
            "  {:<16} {:>8} {:>8} {:>11} {:>11} {:>8}",
            sanitize(&r.reader),
            r.assigned,
            r.finished,
            r.in_progress,
            r.not_started,
            duration(r.active_s)
        );
    }
    overall(&mut out, s);
    for n in &s.notes {
        let _ = writeln!(out, "note: {}", sanitize(n));
    }
    let _ = writeln!(
        out,
        "\n{}",
        if s.passes {
            "Every gate passes."
        } else {
            "Gates fail."
        }
    );
    out
}

fn overall(out: &mut String, s: &StudyStatus) {
    let o = &s.overall;
    let _ = writeln!(out, "\nOverall");
    let _ = writeln!(
        out,
        "  recordings {}, read by every reader {}, passing every gate {}",
        o.recordings, o.read, o.passing
    );
    let _ = writeln!(
        out,
        "  pooled kappa {} over {} epochs",
        num(o.pooled_kappa),
        o.epochs
    );
    for (l, st) in &o.labels {
        let _ = writeln!(
            out,
            "    {:<20} kappa {:>6}  F1 {:>6}",
            sanitize(l),
            num(st.kappa),
            num(st.f1)
        );
    }
    let _ = writeln!(
        out,
        "  below the threshold {} (adjudicated {}){}",
        o.below_threshold.len(),
        o.adjudicated,
        if o.below_threshold.is_empty() {
            String::new()
        } else {
            format!(
                ": {}",
                o.below_threshold
                    .iter()
                    .map(|p| sanitize(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    );
    let q = &s.qa;
    let _ = writeln!(
        out,
        "  critical events: confirmed {}, rejected {}, edited {}, pending {}, awaiting a consensus {}",
        q.confirmed, q.rejected, q.edited, q.pending, q.awaiting_consensus
    );
}

/// `--access` as text.
pub fn render_access(a: &AccessSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Access log: {} opens", a.entries);
    let _ = writeln!(
        out,
        "  {:<16} {:<28} {:>5} {:>6}  {:<24} {:<24} modes",
        "who", "recording", "opens", "forced", "first", "last"
    );
    for r in &a.rows {
        let modes: Vec<String> = r.modes.iter().map(|(m, n)| format!("{m} {n}")).collect();
        let _ = writeln!(
            out,
            "  {:<16} {:<28} {:>5} {:>6}  {:<24} {:<24} {}",
            sanitize(&r.who),
            sanitize(&r.recording),
            r.opens,
            r.forced,
            sanitize(&r.first),
            sanitize(&r.last),
            modes.join(", ")
        );
    }
    let _ = writeln!(out, "Per person");
    for p in &a.people {
        let _ = writeln!(
            out,
            "  {:<16} {} opens of {} recordings, {} forced, {} to {}",
            sanitize(&p.who),
            p.opens,
            p.recordings,
            p.forced,
            sanitize(&p.first),
            sanitize(&p.last)
        );
    }
    for n in &a.notes {
        let _ = writeln!(out, "note: {}", sanitize(n));
    }
    out
}
