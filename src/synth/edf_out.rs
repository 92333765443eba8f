//! Demo signals to EDF+/BDF+ bytes through the project's streaming writer.

use std::io;

use chrono::{NaiveDate, NaiveDateTime};

use crate::formats::edf::writer::{self, AnnotationSpec, FileSpec, Plus, SignalSpec};

/// One channel: its header and every physical sample.
pub struct Signal {
    pub spec: SignalSpec,
    pub values: Vec<f64>,
}

/// What goes in the header besides the signals.
pub struct Header {
    pub bdf: bool,
    pub patient: &'static str,
    pub recording: &'static str,
    pub records: u64,
    /// Embedded annotations: onset and duration in seconds, text.
    pub annotations: Vec<(f64, Option<f64>, &'static str)>,
}

/// The demo recordings all start at the same made-up clock time.
pub fn start_time() -> io::Result<NaiveDateTime> {
    NaiveDate::from_ymd_opt(2024, 3, 15)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .ok_or_else(|| io::Error::other("invalid demo start time"))
}

/// A signal header with the full digital range of EDF (16-bit) or BDF (24-bit).
pub fn spec(
    label: &str,
    unit: &str,
    range: f64,
    bdf: bool,
    samples_per_record: usize,
) -> SignalSpec {
    let (dmin, dmax) = if bdf {
        (-8_388_608, 8_388_607)
    } else {
        (-32_768, 32_767)
    };
    SignalSpec {
        label: label.to_string(),
        transducer: "AgAgCl electrode".to_string(),
        unit: unit.to_string(),
        physical_min: -range,
        physical_max: range,
        digital_min: dmin,
        digital_max: dmax,
        prefilter: String::new(),
        samples_per_record,
    }
}

/// Encodes an EDF+C or BDF+C file with 1-second records.
pub fn encode(header: Header, signals: &[Signal]) -> io::Result<Vec<u8>> {
    let file = FileSpec {
        bdf: header.bdf,
        plus: Some(Plus::Continuous),
        patient: header.patient.to_string(),
        recording: header.recording.to_string(),
        start: start_time()?,
        start_offset_100ns: 0,
        records: header.records,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: signals.iter().map(|s| s.spec.clone()).collect(),
        annotations: header
            .annotations
            .iter()
            .map(|&(onset, duration, text)| AnnotationSpec {
                onset_100ns: to_100ns(onset),
                duration_100ns: duration.map(to_100ns),
                text: text.to_string(),
            })
            .collect(),
    };
    let mut out = Vec::new();
    writer::write(&mut out, &file, |rec, bufs| fill(rec, signals, bufs))?;
    Ok(out)
}

fn to_100ns(s: f64) -> i64 {
    (s * 1e7).round() as i64
}

/// Digital samples of record `rec` of every signal (samples past the end read as 0).
fn fill(rec: u64, signals: &[Signal], bufs: &mut [Vec<i32>]) {
    for (sig, buf) in signals.iter().zip(bufs.iter_mut()) {
        let first = rec as usize * buf.len();
        for (j, d) in buf.iter_mut().enumerate() {
            let v = sig.values.get(first + j).copied().unwrap_or(0.0);
            *d = sig.spec.to_digital(v);
        }
    }
}
