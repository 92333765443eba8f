//! Corpus conformance for the EDF family: every EDF/BDF file in the corpus against its oracle
//! (EDFlib through pyedflib, and an independent decoder written from the specifications).
//!
//! Tolerances, named:
//! - EDFlib physical values (first/last 16, min, max): exact (sigmark uses EDFlib's expression).
//! - digital values and their sums: exact (integers).
//! - physical sums and sums of squares: 1e-9 relative (the oracle's fsum of per-sample values
//!   against sigmark's exact-integer derivation; README of the corpus names 1e-9 as safe).
//!   A sum is relative to the magnitude of what was summed, sqrt(n * sumsq) >= sum of |v|:
//!   a channel whose values cancel to a small sum keeps per-sample rounding in absolute terms.
//! - the reference decoder's physical values use a different (algebraically equal) expression:
//!   1e-12 relative or 1e-9 absolute.
//! - annotation onsets and durations against EDFlib: exact.
//!
//! `lenient/` holds files EDFlib refuses (ResMed AirSense STR.edf and EVE.edf, see the corpus
//! README); they are compared against the reference decoder alone, with the same tolerances,
//! plus every raw header field and every TAL annotation exactly.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sigmark::Recording;

#[path = "conformance/header.rs"]
mod header;

const PHYS_SUM_REL: f64 = 1e-9;
const REF_VALUE_REL: f64 = 1e-12;
/// Reference-decoder onsets of the strict files: 1e-9 s (their TAL onsets carry up to 7
/// decimals, which a float subtraction of the start offset may round); lenient files: exact.
const ONSET_ABS: f64 = 1e-9;

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("index.json").is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("corpus not found at {} (set SIGMARK_CORPUS)", dir.display());
    }
    eprintln!(
        "conformance: corpus not found at {}, skipped",
        dir.display()
    );
    None
}

#[derive(Default)]
pub struct Tally {
    files: usize,
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

fn close(a: f64, b: f64, rel: f64, abs: f64) -> bool {
    a == b || (a - b).abs() <= abs.max(rel * a.abs().max(b.abs()))
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn edf_family_matches_edflib_and_the_reference_decoder() {
    let Some(dir) = corpus() else { return };
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("index.json")).unwrap()).unwrap();
    let mut t = Tally::default();
    for entry in index["files"].as_array().unwrap() {
        if entry["schema"] != "edf-oracle/1" {
            continue;
        }
        let name = entry["file"].as_str().unwrap();
        let oracle = dir.join(entry["oracle"].as_str().unwrap());
        check_file(&mut t, &dir, name, &oracle, ONSET_ABS);
        header::check(&mut t, name, &dir.join(name).to_string_lossy(), &oracle);
    }
    println!(
        "conformance (EDF family): {} files, {} values compared, {} mismatches",
        t.files,
        t.values,
        t.failures.len()
    );
    for fl in t.failures.iter().take(2000) {
        println!("  MISMATCH {fl}");
    }
    assert!(
        t.files >= 19,
        "expected the 19 EDF/BDF corpus files, compared {}",
        t.files
    );
    assert!(
        t.failures.is_empty(),
        "{} mismatches (listed above)",
        t.failures.len()
    );
}

/// Opens one corpus file and compares it with its oracle: the reference decoder always, EDFlib
/// where EDFlib reads the file (else sigmark must say in a note what was unusual).
fn check_file(t: &mut Tally, dir: &Path, name: &str, oracle: &Path, onset_abs: f64) {
    let file = dir.join(name);
    let oracle: Value = serde_json::from_str(&std::fs::read_to_string(oracle).unwrap()).unwrap();
    let rec = match sigmark::open(&file) {
        Ok(r) => r,
        Err(e) => {
            t.failures.push(format!("{name}: did not open: {e}"));
            return;
        }
    };
    t.files += 1;
    check_reference(t, name, &rec, &oracle["reference"], onset_abs);
    let edflib = &oracle["edflib"];
    if edflib["ok"] == true {
        check_edflib(t, name, &rec, edflib);
    } else {
        // EDFlib refused it; sigmark reads it and must say what was unusual.
        t.check(
            !rec.notes.is_empty() || rec.format.name().ends_with("+D"),
            || {
                format!(
                    "{name}: EDFlib refuses this file ({}) but sigmark gives no note",
                    edflib["error"]
                )
            },
        );
    }
}

#[test]
fn lenient_files_match_the_reference_decoder() {
    let Some(dir) = corpus() else { return };
    let mut oracles: Vec<PathBuf> = std::fs::read_dir(dir.join("lenient"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".edf.oracle.json"))
        .collect();
    oracles.sort();
    let mut t = Tally::default();
    for oracle in &oracles {
        let file = oracle
            .to_string_lossy()
            .trim_end_matches(".oracle.json")
            .to_string();
        let name = Path::new(&file)
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let before = (t.values, t.failures.len());
        check_file(&mut t, &dir, &name, oracle, 0.0);
        header::check(&mut t, &name, &file, oracle);
        let notes = sigmark::open(Path::new(&file))
            .map(|r| r.notes)
            .unwrap_or_default();
        println!(
            "{name}: {} values compared, {} mismatches; notes: {notes:?}",
            t.values - before.0,
            t.failures.len() - before.1
        );
    }
    println!(
        "conformance (lenient): {} files, {} values compared, {} mismatches",
        t.files,
        t.values,
        t.failures.len()
    );
    for fl in t.failures.iter().take(2000) {
        println!("  MISMATCH {fl}");
    }
    assert!(
        t.files >= 2,
        "expected the 2 lenient files, compared {}",
        t.files
    );
    assert!(
        t.failures.is_empty(),
        "{} mismatches (listed above)",
        t.failures.len()
    );
}

fn check_reference(t: &mut Tally, name: &str, rec: &Recording, r: &Value, onset_abs: f64) {
    t.check(
        rec.records == r["n_records_decoded"].as_u64().unwrap(),
        || format!("{name}: records {}", rec.records),
    );
    t.check(
        close(rec.record_duration_s, f(&r["record_duration_s"]), 0.0, 0.0),
        || format!("{name}: record duration {}", rec.record_duration_s),
    );
    let data: Vec<&Value> = r["signals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["annotation_signal"] == false)
        .collect();
    t.check(rec.channels.len() == data.len(), || {
        format!(
            "{name}: {} channels, reference {}",
            rec.channels.len(),
            data.len()
        )
    });
    let stats = rec.all_stats().unwrap();
    for (i, s) in data.iter().enumerate().take(rec.channels.len()) {
        let c = &rec.channels[i];
        let who = format!("{name}: signal {i} ({})", c.label);
        for (got, key) in [
            (&c.label, "label"),
            (&c.transducer, "transducer"),
            (&c.unit, "physical_dimension"),
            (&c.prefilter, "prefilter"),
        ] {
            let want = header::as_stored(s[key].as_str().unwrap_or_default());
            t.check(got.trim() == want, || {
                format!("{who}: {key} {got:?} vs {want:?}")
            });
        }
        for (got, key) in [
            (c.physical_min, "physical_min"),
            (c.physical_max, "physical_max"),
        ] {
            t.check(close(got.unwrap(), f(&s[key]), 1e-15, 0.0), || {
                format!("{who}: {key} {got:?} vs {}", s[key])
            });
        }
        t.check(c.digital_min == s["digital_min"].as_i64(), || {
            format!("{who}: digital_min")
        });
        t.check(c.digital_max == s["digital_max"].as_i64(), || {
            format!("{who}: digital_max")
        });
        t.check(
            c.samples_per_record == s["samples_per_record"].as_u64().unwrap(),
            || format!("{who}: spr"),
        );
        t.check(c.samples == s["total_samples"].as_u64().unwrap(), || {
            format!("{who}: samples {}", c.samples)
        });
        if let Some(fs) = s["sampling_frequency"].as_f64() {
            t.check(close(c.rate_hz, fs, 1e-12, 0.0), || {
                format!("{who}: rate {} vs {fs}", c.rate_hz)
            });
        }
        check_digital(t, &who, rec, i, s);
        let p = &s["physical"];
        if p.is_object() {
            check_series(t, &who, rec, i, p, REF_VALUE_REL, 1e-9);
            let scale = sum_scale(p);
            t.check(
                close(stats[i].sum, f(&p["sum"]), 0.0, PHYS_SUM_REL * scale),
                || format!("{who}: stats sum {} vs {}", stats[i].sum, p["sum"]),
            );
            t.check(
                close(stats[i].sum_sq, f(&p["sumsq"]), PHYS_SUM_REL, 1e-9),
                || format!("{who}: stats sumsq {} vs {}", stats[i].sum_sq, p["sumsq"]),
            );
        }
    }
    check_reference_annotations(t, name, rec, r, onset_abs);
}

/// Digital values: first/last 16, exact integer sums, min and max.
fn check_digital(t: &mut Tally, who: &str, rec: &Recording, ch: usize, s: &Value) {
    let d = &s["digital"];
    let c = &rec.channels[ch];
    let n = c.samples as usize;
    let all = rec.read_digital(ch, 0, n).unwrap().unwrap();
    let (dmin, dmax) = (c.digital_min.unwrap(), c.digital_max.unwrap());
    let outside = all
        .iter()
        .filter(|&&v| i64::from(v) < dmin || i64::from(v) > dmax)
        .count();
    t.check(
        Some(outside as u64) == s["digital_outside_declared_range"].as_u64(),
        || {
            format!(
                "{who}: {outside} digital values outside {dmin}..{dmax}, reference {}",
                s["digital_outside_declared_range"]
            )
        },
    );
    let sum: i128 = all.iter().map(|&v| i128::from(v)).sum();
    let sumsq: i128 = all.iter().map(|&v| i128::from(v) * i128::from(v)).sum();
    t.check(int_eq(&d["sum"], sum), || {
        format!("{who}: digital sum {sum} vs {}", d["sum"])
    });
    t.check(int_eq(&d["sumsq"], sumsq), || {
        format!("{who}: digital sumsq")
    });
    for (k, v) in d["first16"].as_array().unwrap().iter().enumerate() {
        t.check(i64::from(all[k]) == v.as_i64().unwrap(), || {
            format!("{who}: digital first16[{k}]")
        });
    }
    let last = d["last16"].as_array().unwrap();
    for (k, v) in last.iter().enumerate() {
        t.check(
            i64::from(all[n - last.len() + k]) == v.as_i64().unwrap(),
            || format!("{who}: digital last16[{k}]"),
        );
    }
    let (lo, hi) = (all.iter().min().copied(), all.iter().max().copied());
    t.check(
        lo.map(i64::from) == d["min"].as_i64() && hi.map(i64::from) == d["max"].as_i64(),
        || format!("{who}: digital min/max"),
    );
}

/// Exact integer comparison; JSON integers beyond 64 bits arrive as floats and are compared
/// as such (none in the corpus today).
fn int_eq(v: &Value, x: i128) -> bool {
    match (v.as_i64(), v.as_u64()) {
        (Some(i), _) => i128::from(i) == x,
        (_, Some(u)) => i128::from(u) == x,
        _ => v.as_f64() == Some(x as f64),
    }
}

/// Physical first/last 16 (with the given tolerance) and the sums of a full read.
fn check_series(
    t: &mut Tally,
    who: &str,
    rec: &Recording,
    ch: usize,
    p: &Value,
    rel: f64,
    abs: f64,
) {
    let n = rec.channels[ch].samples as usize;
    let all = rec.read_samples(ch, 0, n).unwrap();
    for (k, v) in p["first16"].as_array().unwrap().iter().enumerate() {
        t.check(close(all[k], f(v), rel, abs), || {
            format!("{who}: physical first16[{k}] {} vs {v}", all[k])
        });
    }
    let last = p["last16"].as_array().unwrap();
    for (k, v) in last.iter().enumerate() {
        let got = all[n - last.len() + k];
        t.check(close(got, f(v), rel, abs), || {
            format!("{who}: physical last16[{k}] {got} vs {v}")
        });
    }
    let sum = exact_sum(all.iter().copied());
    let sumsq = exact_sum(all.iter().map(|v| v * v));
    t.check(
        close(sum, f(&p["sum"]), 0.0, PHYS_SUM_REL * sum_scale(p)),
        || format!("{who}: physical sum {sum} vs {}", p["sum"]),
    );
    t.check(close(sumsq, f(&p["sumsq"]), PHYS_SUM_REL, 1e-9), || {
        format!("{who}: physical sumsq")
    });
}

/// The magnitude a sum is measured against: sqrt(n * sumsq), at least the sum of |v|.
fn sum_scale(p: &Value) -> f64 {
    (f(&p["n"]) * f(&p["sumsq"])).sqrt().max(1e-300)
}

/// Neumaier-compensated sum, close to Python's math.fsum for these series.
fn exact_sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for v in values {
        let t = s + v;
        c += if s.abs() >= v.abs() {
            (s - t) + v
        } else {
            (v - t) + s
        };
        s = t;
    }
    s + c
}

fn check_reference_annotations(
    t: &mut Tally,
    name: &str,
    rec: &Recording,
    r: &Value,
    onset_abs: f64,
) {
    let Some(refs) = r["annotations"].as_array() else {
        t.check(rec.annotations.is_empty(), || {
            format!("{name}: annotations in a file without TALs")
        });
        return;
    };
    let offset = f(&r["start_offset_s"]);
    t.check(rec.annotations.len() == refs.len(), || {
        format!(
            "{name}: {} annotations, reference {}",
            rec.annotations.len(),
            refs.len()
        )
    });
    for (a, b) in rec.annotations.iter().zip(refs) {
        t.check(a.text == b["text"].as_str().unwrap(), || {
            format!("{name}: annotation text {:?} vs {}", a.text, b["text"])
        });
        t.check(
            close(a.onset_s, f(&b["onset"]) - offset, 0.0, onset_abs),
            || format!("{name}: onset {} vs {}", a.onset_s, b["onset"]),
        );
        t.check(a.duration_s == b["duration"].as_f64(), || {
            format!("{name}: duration {:?} vs {}", a.duration_s, b["duration"])
        });
    }
    if let Some(start) = r["start_datetime_header"].as_str() {
        let whole = rec
            .start
            .map(|s| s.datetime.format("%Y-%m-%dT%H:%M:%S").to_string());
        // The reference gives the header second; sigmark adds the sub-second start offset,
        // which only moves the whole second when the first record starts a second or more in.
        t.check(offset >= 1.0 || whole.as_deref() == Some(start), || {
            format!("{name}: start {whole:?} vs {start}")
        });
    }
}

fn check_edflib(t: &mut Tally, name: &str, rec: &Recording, e: &Value) {
    let fmt = rec.format.name();
    let expected = e["filetype"].as_str().unwrap();
    t.check(
        fmt == expected
            || fmt.starts_with(&format!("{expected}C"))
            || fmt == format!("{expected}C"),
        || format!("{name}: format {fmt} vs EDFlib {expected}"),
    );
    let fields: Vec<i64> = e["startdate_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    if let Some(s) = rec.start {
        use chrono::{Datelike, Timelike};
        let d = s.datetime;
        let got = [
            d.year() as i64,
            d.month() as i64,
            d.day() as i64,
            d.hour() as i64,
            d.minute() as i64,
            d.second() as i64,
        ];
        t.check(got[..] == fields[..], || {
            format!("{name}: start {got:?} vs EDFlib {fields:?}")
        });
        t.check(
            i64::from(s.subsecond_100ns) == e["starttime_subsecond_100ns"].as_i64().unwrap(),
            || format!("{name}: subsecond"),
        );
    } else {
        t.check(false, || {
            format!("{name}: no start time, EDFlib has {fields:?}")
        });
    }
    t.check(
        rec.records == e["datarecords_in_file"].as_u64().unwrap(),
        || format!("{name}: EDFlib records"),
    );
    t.check(
        rec.record_duration_s == f(&e["datarecord_duration_s"]),
        || format!("{name}: EDFlib record duration"),
    );
    for (i, s) in e["signals"].as_array().unwrap().iter().enumerate() {
        let Some(c) = rec.channels.get(i) else {
            t.check(false, || format!("{name}: EDFlib signal {i} missing"));
            continue;
        };
        let who = format!("{name}: EDFlib signal {i} ({})", c.label);
        t.check(c.label == s["label"].as_str().unwrap(), || {
            format!("{who}: label {:?} vs {}", c.label, s["label"])
        });
        t.check(
            c.physical_min == s["physical_min"].as_f64()
                && c.physical_max == s["physical_max"].as_f64(),
            || {
                format!(
                    "{who}: physical range {:?}..{:?} vs {}..{}",
                    c.physical_min, c.physical_max, s["physical_min"], s["physical_max"]
                )
            },
        );
        t.check(c.rate_hz == f(&s["sampling_frequency"]), || {
            format!("{who}: rate {} vs {}", c.rate_hz, s["sampling_frequency"])
        });
        let p = &s["physical"];
        check_series(t, &who, rec, i, p, 0.0, 0.0);
        let all = rec.read_samples(i, 0, c.samples as usize).unwrap();
        let lo = all.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        t.check(lo == f(&p["min"]) && hi == f(&p["max"]), || {
            format!("{who}: min/max {lo} {hi} vs {} {}", p["min"], p["max"])
        });
    }
    let ann = e["annotations"].as_array().unwrap();
    t.check(rec.annotations.len() == ann.len(), || {
        format!(
            "{name}: {} annotations, EDFlib {}",
            rec.annotations.len(),
            ann.len()
        )
    });
    for (a, b) in rec.annotations.iter().zip(ann) {
        let b = b.as_array().unwrap();
        t.check(a.onset_s == f(&b[0]), || {
            format!("{name}: EDFlib onset {} vs {}", a.onset_s, b[0])
        });
        t.check(a.duration_s.unwrap_or(-1.0) == f(&b[1]), || {
            format!("{name}: EDFlib duration {:?} vs {}", a.duration_s, b[1])
        });
        t.check(a.text == b[2].as_str().unwrap(), || {
            format!("{name}: EDFlib text {:?} vs {}", a.text, b[2])
        });
    }
}
