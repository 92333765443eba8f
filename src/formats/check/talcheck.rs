//! Data checks (only when asked: they read every record): the TALs of the annotation signals
//! (EDF+ 2.2.2, 2.2.3) and the time keeping of data records (EDF+ 2.2.4).

use super::spec::Parsed;
use super::{Finding, Severity};
use crate::formats::edf::tal;

pub const R_TAL: &str = "EDF+ 2.2.2: a TAL is +onset[0x15 duration]0x14 text 0x14 ... 0x14 0x00";
pub const R_KEEP: &str = "EDF+ 2.2.4: the first TAL of each record's first annotation signal gives the record's onset, with an empty text";
pub const R_CONT: &str = "EDF+ 2.2.4: in EDF+C each record starts one record duration after the previous one (EDF+D: not before its end)";

/// At most this many TAL findings per file; the rest are counted in one more finding.
const MAX_TAL_FINDINGS: usize = 8;

pub fn check(p: &Parsed, all: &[u8], findings: &mut Vec<Finding>) {
    let (Some(rec), Some(spr), Some(records)) = (p.record_size(), p.spr.as_ref(), p.records) else {
        return;
    };
    if p.annotation.is_empty() || rec == 0 {
        return;
    }
    let present = (all.len() as u64).saturating_sub(p.header_len) / rec;
    let n = if records < 0 {
        present
    } else {
        present.min(records as u64)
    };
    let offsets = annotation_offsets(p, spr);
    let mut walk = Walk {
        out: Vec::new(),
        previous: None,
        duration: p.duration_s.map(|d| (d * 1e7).round() as i64),
        discontinuous: p.discontinuous,
    };
    for r in 0..n {
        let base = p.header_len + r * rec;
        for (k, &(off, len)) in offsets.iter().enumerate() {
            let at = base + off;
            walk.signal(&all[at as usize..(at + len) as usize], at, r, k);
        }
    }
    findings.extend(capped(walk.out));
}

/// (byte offset within a record, byte length) of every annotation signal.
fn annotation_offsets(p: &Parsed, spr: &[u64]) -> Vec<(u64, u64)> {
    p.annotation
        .iter()
        .map(|&i| {
            let before: u64 = spr[..i].iter().sum();
            (before * p.sample_bytes(), spr[i] * p.sample_bytes())
        })
        .collect()
}

/// The state of the pass over the records: findings so far and the last record onset.
struct Walk {
    out: Vec<Finding>,
    previous: Option<i64>,
    duration: Option<i64>,
    discontinuous: bool,
}

impl Walk {
    /// Checks annotation signal `k` of record `r`, whose bytes start at file offset `at`.
    fn signal(&mut self, bytes: &[u8], at: u64, r: u64, k: usize) {
        match tal::parse(bytes) {
            Err(e) => {
                let f = finding(Severity::Error, at + e.offset as u64, r, k, R_TAL, e.detail);
                self.out.push(f);
            }
            Ok(tals) if k == 0 => self.time_keeping(&tals, at, r),
            Ok(_) => {}
        }
    }

    /// The record's time-keeping TAL (first TAL of the first annotation signal) and its step
    /// from the previous record's.
    fn time_keeping(&mut self, tals: &[tal::Tal], at: u64, r: u64) {
        let keep = tals
            .first()
            .filter(|t| t.texts.first().is_some_and(|s| s.is_empty()));
        let Some(t) = keep else {
            let msg = "no time-keeping TAL (onset with an empty first text)".into();
            self.out
                .push(finding(Severity::Error, at, r, 0, R_KEEP, msg));
            return;
        };
        if let (Some(prev), Some(d)) = (self.previous, self.duration) {
            contiguity(
                &mut self.out,
                self.discontinuous,
                prev,
                t.onset_100ns,
                d,
                at,
                r,
            );
        }
        self.previous = Some(t.onset_100ns);
    }
}

/// At most `MAX_TAL_FINDINGS`, and one more finding counting the rest.
fn capped(mut out: Vec<Finding>) -> Vec<Finding> {
    let extra = out.len().saturating_sub(MAX_TAL_FINDINGS);
    out.truncate(MAX_TAL_FINDINGS);
    if extra > 0 {
        let offset = out.last().map_or(0, |f| f.offset);
        out.push(Finding {
            severity: Severity::Warning,
            offset,
            line: None,
            field: "annotation signals".into(),
            rule: R_TAL,
            message: format!("and {extra} more TAL finding(s) not listed"),
        });
    }
    out
}

fn contiguity(
    out: &mut Vec<Finding>,
    discontinuous: bool,
    prev: i64,
    onset: i64,
    d: i64,
    at: u64,
    r: u64,
) {
    let step = onset - prev;
    let bad = if discontinuous { step < d } else { step != d };
    if bad {
        let msg = format!(
            "record {} starts {:.7} s after the previous one; the record duration is {:.7} s",
            r + 1,
            step as f64 / 1e7,
            d as f64 / 1e7
        );
        out.push(finding(Severity::Warning, at, r, 0, R_CONT, msg));
    }
}

fn finding(
    severity: Severity,
    offset: u64,
    r: u64,
    k: usize,
    rule: &'static str,
    message: String,
) -> Finding {
    Finding {
        severity,
        offset,
        line: None,
        field: format!("record {} annotation signal {}", r + 1, k + 1),
        rule,
        message: crate::text::sanitize(&message),
    }
}
