//! Corpus conformance for WFDB records: every `wfdb/**/<record>.oracle.json` (made by
//! wfdb-python 4.3.1, see the corpus README `## wfdb/`) against sigmark's reading.
//!
//! Compared, with tolerances named:
//! - every header field `wfdb.rdheader` returns (`header` key): exact (numbers as f64).
//! - `signals[].digital` (n, first16, last16, sum, sumsq, min, max): exact integers, from
//!   sigmark's `read_digital` over the whole channel (multi-segment records have no digital
//!   oracle: wfdb-python cannot give one for variable layouts).
//! - `signals[].physical`: first16/last16 exact (NaN for invalid samples), nonfinite exact,
//!   min/max exact, sum and sumsq 1e-9 relative to sqrt(n * sumsq) (the corpus README's
//!   tolerance); sigmark's streaming `all_stats` against the same sums.
//! - the header's checksums: `verify()` must name exactly the signals whose stated checksum
//!   differs from `checksum_computed` (single-segment, unskewed records).

use std::path::{Path, PathBuf};

use serde_json::Value;
use sigmark::Recording;

mod common;

#[path = "conformance_wfdb/header.rs"]
mod header;

const PHYS_SUM_REL: f64 = 1e-9;

fn corpus() -> Option<PathBuf> {
    common::reference::corpus_with("wfdb", "conformance_wfdb")
}

#[derive(Default)]
pub struct Tally {
    records: usize,
    values: usize,
    failures: Vec<String>,
}

impl Tally {
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.values += 1;
        if !ok {
            self.failures.push(what());
        }
    }
}

/// Every oracle under `wfdb/`, sorted.
fn oracles(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("wfdb")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(".oracle.json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn wfdb_records_match_wfdb_python() {
    let Some(dir) = corpus() else { return };
    let mut t = Tally::default();
    let mut signals = 0;
    for path in oracles(&dir) {
        let oracle: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = oracle["record"].as_str().unwrap().to_owned();
        let hea = dir.join(format!("{name}.hea"));
        if oracle["header"].is_null() {
            continue; // annotation-only (huge.qrs)
        }
        header::check(&mut t, &name, &hea, &oracle["header"]);
        let Some(sigs) = oracle["signals"].as_array() else {
            continue; // the signal files are not in the corpus (12726, 1003)
        };
        let rec = match sigmark::open(&hea) {
            Ok(r) => r,
            Err(e) => {
                t.failures.push(format!("{name}: did not open: {e}"));
                continue;
            }
        };
        t.records += 1;
        signals += sigs.len();
        check_signals(&mut t, &name, &rec, sigs, &oracle);
    }
    println!(
        "conformance (WFDB): {} records, {} signals, {} values compared, {} mismatches",
        t.records,
        signals,
        t.values,
        t.failures.len()
    );
    for fl in t.failures.iter().take(300) {
        println!("  MISMATCH {fl}");
    }
    assert!(
        t.records >= 35,
        "expected the 43 records with signals, compared {}",
        t.records
    );
    assert!(
        t.failures.is_empty(),
        "{} mismatches (listed above)",
        t.failures.len()
    );
}

fn check_signals(t: &mut Tally, name: &str, rec: &Recording, sigs: &[Value], oracle: &Value) {
    t.check(rec.format.name() == "WFDB", || {
        format!("{name}: format {}", rec.format)
    });
    t.check(rec.channels.len() == sigs.len(), || {
        format!(
            "{name}: {} channels, oracle {}",
            rec.channels.len(),
            sigs.len()
        )
    });
    let stats = rec.all_stats();
    let mismatched: Vec<String> = rec.verify();
    for (ch, s) in sigs.iter().enumerate().take(rec.channels.len()) {
        let what = format!("{name} signal {ch} ({})", s["sig_name"]);
        if s["digital"].is_object() {
            check_digital(t, &what, rec, ch, &s["digital"]);
        }
        // `read_args.sampto`: the oracle read only the first frames (p000878: 7500).
        let n = oracle["read_args"]["sampto"]
            .as_u64()
            .map_or(rec.channels[ch].samples, |f| {
                f * rec.channels[ch].samples_per_record
            });
        let values = match rec.read_samples(ch, 0, n as usize) {
            Ok(v) => v,
            Err(e) => {
                t.failures.push(format!("{what}: read_samples failed: {e}"));
                continue;
            }
        };
        let p = &s["physical"];
        check_physical(t, &what, &values, p);
        if let (Ok(stats), true) = (&stats, oracle["read_args"]["sampto"].is_null()) {
            let st = stats[ch];
            let scale = (f(&p["n"]) * f(&p["sumsq"])).sqrt().max(1e-300);
            t.check(
                (st.sum - f(&p["sum"])).abs() <= PHYS_SUM_REL * scale,
                || format!("{what}: all_stats sum {} vs {}", st.sum, p["sum"]),
            );
        }
        let computed = &s["checksum_computed"];
        let stated = &oracle["header"]["signals"][ch]["checksum"];
        let skewed = !oracle["header"]["signals"][ch]["skew"].is_null();
        if computed.is_i64() && stated.is_i64() && !skewed {
            let differs = (stated.as_i64().unwrap() as u16) != (computed.as_i64().unwrap() as u16);
            let label = &rec.channels[ch].label;
            let noted = mismatched.iter().any(|n| n.contains(&format!("{label:?}")));
            t.check(noted == differs, || {
                format!(
                    "{what}: checksum stated {stated}, computed {computed}, sigmark noted: {noted}"
                )
            });
        }
    }
    if let Err(e) = stats {
        t.failures.push(format!("{name}: all_stats failed: {e}"));
    }
}

fn check_digital(t: &mut Tally, what: &str, rec: &Recording, ch: usize, d: &Value) {
    let n = rec.channels[ch].samples as usize;
    t.check(d["n"].as_u64() == Some(n as u64), || {
        format!("{what}: digital n {n} vs {}", d["n"])
    });
    let v = match rec.read_digital(ch, 0, n) {
        Ok(Some(v)) => v,
        other => {
            t.failures
                .push(format!("{what}: read_digital gave {other:?}"));
            return;
        }
    };
    let ints = |k: &str| -> Vec<i64> {
        d[k].as_array()
            .map(|a| a.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default()
    };
    let first: Vec<i64> = v.iter().take(16).map(|&x| i64::from(x)).collect();
    let last: Vec<i64> = v[v.len().saturating_sub(16)..]
        .iter()
        .map(|&x| i64::from(x))
        .collect();
    t.check(first == ints("first16"), || {
        format!("{what}: first16 {first:?} vs {:?}", ints("first16"))
    });
    t.check(last == ints("last16"), || {
        format!("{what}: last16 {last:?} vs {:?}", ints("last16"))
    });
    let sum: i128 = v.iter().map(|&x| i128::from(x)).sum();
    let sumsq: i128 = v.iter().map(|&x| i128::from(x) * i128::from(x)).sum();
    // serde_json reads integers beyond 64 bits as the nearest f64: compare those as f64.
    let eq = |got: i128, k: &str| match d[k].as_i64() {
        Some(w) => got == i128::from(w),
        None => d[k].as_f64() == Some(got as f64),
    };
    t.check(eq(sum, "sum"), || {
        format!("{what}: digital sum {sum} vs {}", d["sum"])
    });
    t.check(eq(sumsq, "sumsq"), || {
        format!("{what}: digital sumsq {sumsq} vs {}", d["sumsq"])
    });
    let (lo, hi) = (v.iter().min().copied(), v.iter().max().copied());
    t.check(lo.map(i64::from) == d["min"].as_i64(), || {
        format!("{what}: min {lo:?} vs {}", d["min"])
    });
    t.check(hi.map(i64::from) == d["max"].as_i64(), || {
        format!("{what}: max {hi:?} vs {}", d["max"])
    });
}

/// A JSON number, or NaN for the oracle's "NaN" strings and nulls.
fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn check_physical(t: &mut Tally, what: &str, v: &[f64], p: &Value) {
    t.check(p["n"].as_u64() == Some(v.len() as u64), || {
        format!("{what}: physical n {} vs {}", v.len(), p["n"])
    });
    let series = |k: &str| -> Vec<f64> {
        p[k].as_array()
            .map(|a| a.iter().map(f).collect())
            .unwrap_or_default()
    };
    let first = &v[..v.len().min(16)];
    let last = &v[v.len().saturating_sub(16)..];
    for (k, got) in [("first16", first), ("last16", last)] {
        let want = series(k);
        let ok = want.len() == got.len() && want.iter().zip(got).all(|(a, b)| same(*a, *b));
        t.check(ok, || format!("{what}: physical {k} {got:?} vs {want:?}"));
    }
    let finite: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    let nonfinite = v.len() - finite.len();
    t.check(p["nonfinite"].as_u64() == Some(nonfinite as u64), || {
        format!("{what}: nonfinite {nonfinite} vs {}", p["nonfinite"])
    });
    let sum = kahan(finite.iter().copied());
    let sumsq = kahan(finite.iter().map(|x| x * x));
    let scale = (finite.len() as f64 * sumsq).sqrt().max(1e-300);
    t.check((sum - f(&p["sum"])).abs() <= PHYS_SUM_REL * scale, || {
        format!("{what}: physical sum {sum} vs {}", p["sum"])
    });
    t.check(
        (sumsq - f(&p["sumsq"])).abs() <= PHYS_SUM_REL * sumsq.max(1e-300),
        || format!("{what}: physical sumsq {sumsq} vs {}", p["sumsq"]),
    );
    let lo = finite.iter().copied().fold(f64::NAN, f64::min);
    let hi = finite.iter().copied().fold(f64::NAN, f64::max);
    t.check(same(lo, f(&p["min"])), || {
        format!("{what}: physical min {lo} vs {}", p["min"])
    });
    t.check(same(hi, f(&p["max"])), || {
        format!("{what}: physical max {hi} vs {}", p["max"])
    });
}

/// Compensated sum, so the comparison measures sigmark's values, not this sum's rounding.
fn kahan(it: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for x in it {
        let y = x - c;
        let t = s + y;
        c = (t - s) - y;
        s = t;
    }
    s
}
