//! Small EDF-family files made with sigmark's own writer, for tests of variants and bad input.
#![allow(dead_code)]

pub mod adjudication;
pub mod app;
pub mod cli;
pub mod growing;
pub mod reference;
pub mod study_next;
pub mod study_qa;
pub mod tmux;

use chrono::NaiveDate;
use sigmark::formats::edf::writer::{self, AnnotationSpec, FileSpec, Plus, SignalSpec};

pub fn signal(label: &str, spr: usize, bdf: bool) -> SignalSpec {
    let (dmin, dmax) = if bdf {
        (-8_388_608, 8_388_607)
    } else {
        (-32768, 32767)
    };
    SignalSpec {
        label: label.into(),
        transducer: "AgAgCl electrode".into(),
        unit: "uV".into(),
        physical_min: -500.0,
        physical_max: 500.0,
        digital_min: dmin,
        digital_max: dmax,
        prefilter: "HP:0.1Hz LP:75Hz".into(),
        samples_per_record: spr,
    }
}

pub fn spec(bdf: bool, plus: Option<Plus>, records: u64) -> FileSpec {
    FileSpec {
        bdf,
        plus,
        patient: "X X X X".into(),
        recording: "Startdate 02-MAR-2002 X X X".into(),
        start: NaiveDate::from_ymd_opt(2002, 3, 2)
            .and_then(|d| d.and_hms_opt(13, 14, 15))
            .unwrap(),
        start_offset_100ns: 0,
        records,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: vec![signal("Fp1", 8, bdf), signal("ECG", 4, bdf)],
        annotations: vec![AnnotationSpec {
            onset_100ns: 15_000_000,
            duration_100ns: Some(5_000_000),
            text: "spike".into(),
        }],
    }
}

/// Sample k of signal s in record r: a ramp that makes every value checkable.
pub fn value(r: u64, s: usize, k: usize) -> i32 {
    (r as i32 * 100 + s as i32 * 10 + k as i32) * if s == 1 { -1 } else { 1 }
}

pub fn bytes(spec: &FileSpec) -> Vec<u8> {
    let mut out = Vec::new();
    writer::write(&mut out, spec, |r, bufs| {
        for (s, b) in bufs.iter_mut().enumerate() {
            for (k, v) in b.iter_mut().enumerate() {
                *v = value(r, s, k);
            }
        }
    })
    .unwrap();
    out
}

pub fn open(bytes: Vec<u8>) -> Result<sigmark::Recording, sigmark::Error> {
    sigmark::formats::edf::open_bytes(std::path::Path::new("test.edf"), Box::new(bytes))
}
