//! Every raw header field of an EDF-family file against the oracle's `header_raw` (the exact
//! Latin-1 text of each field): text fields exactly, as bytes; numeric fields by value.

use std::path::Path;

use serde_json::Value;
use sigmark::formats::edf::{read_header, Header};

use super::Tally;

/// The oracle gives each field as Latin-1 text of its bytes; sigmark shows a field that is valid
/// UTF-8 as UTF-8 (ResMed's `°C`). Both are the same bytes: recover them and decode the same way.
pub fn as_stored(latin1: &str) -> String {
    let bytes: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => latin1.to_string(),
    }
}

fn text(raw: &Value) -> String {
    as_stored(raw.as_str().unwrap_or_default())
        .trim_end_matches(' ')
        .to_string()
}

fn number(raw: &Value) -> f64 {
    raw.as_str()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(f64::NAN)
}

/// Compares the header of `file` with `header_raw` of its oracle.
pub fn check(t: &mut Tally, name: &str, file: &str, oracle: &Path) {
    let oracle: Value = serde_json::from_str(&std::fs::read_to_string(oracle).unwrap()).unwrap();
    let raw = &oracle["header_raw"];
    let bytes = std::fs::read(file).unwrap();
    let h = match read_header(Path::new(file), &bytes) {
        Ok(h) => h,
        Err(e) => {
            t.check(false, || format!("{name}: header refused: {e}"));
            return;
        }
    };
    for (got, key) in [
        (&h.patient, "patient"),
        (&h.recording, "recording"),
        (&h.startdate, "startdate"),
        (&h.starttime, "starttime"),
        (&h.reserved, "reserved"),
    ] {
        let want = text(&raw[key]);
        t.check(*got == want, || {
            format!("{name}: header {key} {got:?} vs {want:?}")
        });
    }
    for (got, key) in [
        (h.header_bytes as f64, "header_bytes"),
        (h.records as f64, "n_records"),
        (h.record_duration_s(), "record_duration"),
        (h.signals.len() as f64, "n_signals"),
    ] {
        let want = number(&raw[key]);
        t.check(got == want, || {
            format!("{name}: header {key} {got} vs {}", raw[key])
        });
    }
    check_signals(t, name, &h, raw["signals"].as_array().unwrap());
}

fn check_signals(t: &mut Tally, name: &str, h: &Header, raw: &[Value]) {
    t.check(h.signals.len() == raw.len(), || {
        format!("{name}: {} signals vs {}", h.signals.len(), raw.len())
    });
    for (i, (s, r)) in h.signals.iter().zip(raw).enumerate() {
        let who = format!("{name}: header signal {} ({})", i + 1, s.label);
        for (got, key) in [
            (&s.label, "label"),
            (&s.transducer, "transducer"),
            (&s.unit, "physical_dimension"),
            (&s.prefilter, "prefilter"),
        ] {
            let want = text(&r[key]);
            t.check(*got == want, || format!("{who}: {key} {got:?} vs {want:?}"));
        }
        let spr = number(&r["samples_per_record"]);
        t.check(s.samples_per_record as f64 == spr, || {
            format!(
                "{who}: samples per record {} vs {spr}",
                s.samples_per_record
            )
        });
        if s.annotation {
            continue; // the ranges of an annotation signal are not used, so not read
        }
        for (got, key) in [
            (s.physical_min, "physical_min"),
            (s.physical_max, "physical_max"),
            (s.digital_min as f64, "digital_min"),
            (s.digital_max as f64, "digital_max"),
        ] {
            let want = number(&r[key]);
            t.check(got == want, || format!("{who}: {key} {got} vs {}", r[key]));
        }
    }
}
