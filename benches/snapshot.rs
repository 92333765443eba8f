//! Report strips (issue 13, Speed): a 10 s, 12-lead strip at 500 Hz to SVG (target < 50 ms),
//! and to PDF and PNG at 300 dpi (target < 300 ms each), on a 12-lead EDF+ written in the
//! setup with the crate's EDF writer.

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use sigmark::formats::edf::writer::{self, FileSpec, Plus, SignalSpec};
use sigmark::snapshot::{self, Request};

const LEADS: [&str; 12] = [
    "I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6",
];
const RATE: usize = 500;

/// 60 s of 12 leads: a QRS-like spike each 0.8 s on a slow wave, different per lead.
fn twelve_lead(dir: &std::path::Path) -> std::path::PathBuf {
    let signals: Vec<SignalSpec> = LEADS
        .iter()
        .map(|l| SignalSpec {
            label: format!("ECG {l}"),
            transducer: String::new(),
            unit: "mV".into(),
            physical_min: -5.0,
            physical_max: 5.0,
            digital_min: -32768,
            digital_max: 32767,
            prefilter: String::new(),
            samples_per_record: RATE,
        })
        .collect();
    let file = FileSpec {
        bdf: false,
        plus: Some(Plus::Continuous),
        patient: "X X X X".into(),
        recording: "Startdate 15-MAR-2024 X X bench".into(),
        start: NaiveDate::from_ymd_opt(2024, 3, 15)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a date"),
        start_offset_100ns: 0,
        records: 60,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: signals.clone(),
        annotations: Vec::new(),
    };
    let path = dir.join("twelve_lead.edf");
    let out = std::fs::File::create(&path).expect("create the bench recording");
    writer::write(std::io::BufWriter::new(out), &file, |rec, bufs| {
        for (k, (b, s)) in bufs.iter_mut().zip(&signals).enumerate() {
            for (i, v) in b.iter_mut().enumerate() {
                let t = rec as f64 + i as f64 / RATE as f64;
                let beat = (t % 0.8 - 0.3).abs() < 0.02;
                let x = 0.1 * (t * (1.0 + k as f64 * 0.1)).sin() + if beat { 1.2 } else { 0.0 };
                *v = s.to_digital(x);
            }
        }
    })
    .expect("write the bench recording");
    path
}

fn strips(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rec = sigmark::open(twelve_lead(dir.path())).expect("open the bench recording");
    let req = Request::new(&rec, 20.0, 10.0);
    let svg = snapshot::svg(&rec, &req).expect("svg");
    // Fonts load once per process (as in the CLI); not part of a strip's cost.
    snapshot::png(&svg, 300.0).expect("png");
    let mut g = c.benchmark_group("snapshot_12_lead_10s");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("svg", |b| {
        b.iter(|| black_box(snapshot::svg(&rec, &req).expect("svg")))
    });
    g.bench_function("pdf", |b| {
        b.iter(|| {
            let svg = snapshot::svg(&rec, &req).expect("svg");
            black_box(snapshot::pdf(&svg).expect("pdf"))
        })
    });
    g.bench_function("png_300dpi", |b| {
        b.iter(|| {
            let svg = snapshot::svg(&rec, &req).expect("svg");
            black_box(snapshot::png(&svg, 300.0).expect("png"))
        })
    });
    g.finish();
}

criterion_group!(benches, strips);
criterion_main!(benches);
