//! Criterion bench: open an EDF file and read a 10 s window of all 12 channels.
//!
//! `cargo bench --bench open_window`. The file (1 hour, 12 channels at 500 Hz, 43 MB) is written
//! to a temporary directory first; for the comparison with EDFlib and MNE on a 24-hour file see
//! `scripts/bench_edf.sh`.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use sigmark::formats::edf::writer::{self, FileSpec, SignalSpec};

const CHANNELS: usize = 12;
const RATE: usize = 500;
const RECORDS: u64 = 3600;

fn spec() -> FileSpec {
    let signals = (0..CHANNELS)
        .map(|c| SignalSpec {
            label: format!("ECG{}", c + 1),
            transducer: "AgAgCl electrode".into(),
            unit: "uV".into(),
            physical_min: -5000.0,
            physical_max: 5000.0,
            digital_min: -32768,
            digital_max: 32767,
            prefilter: String::new(),
            samples_per_record: RATE,
        })
        .collect();
    FileSpec {
        bdf: false,
        plus: None,
        patient: "X X X X".into(),
        recording: "Startdate 14-MAR-2024 X X X".into(),
        start: NaiveDate::from_ymd_opt(2024, 3, 14)
            .and_then(|d| d.and_hms_opt(8, 30, 0))
            .expect("valid date"),
        start_offset_100ns: 0,
        records: RECORDS,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals,
        annotations: Vec::new(),
    }
}

fn open_window(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("holter_1h.edf");
    let file = std::fs::File::create(&path).expect("create bench file");
    writer::write(
        std::io::BufWriter::with_capacity(1 << 20, file),
        &spec(),
        |r, bufs| {
            for (s, b) in bufs.iter_mut().enumerate() {
                for (k, v) in b.iter_mut().enumerate() {
                    *v = ((r as i32 * 7 + s as i32 * 131 + k as i32 * 17) % 4001) - 2000;
                }
            }
        },
    )
    .expect("write bench file");
    let start_s = (RECORDS / 2) as f64;
    c.bench_function("open + 10 s window x 12 ch (1 h file)", |b| {
        b.iter(|| {
            let rec = sigmark::open(black_box(&path)).expect("open");
            let mut sum = 0.0;
            for ch in 0..rec.channels.len() {
                let w = rec.read_window(ch, start_s, 10.0).expect("window");
                sum += w.values.iter().sum::<f64>();
            }
            black_box(sum)
        })
    });
    let rec = sigmark::open(&path).expect("open");
    c.bench_function("10 s window x 12 ch, already open", |b| {
        b.iter(|| {
            let mut sum = 0.0;
            for ch in 0..rec.channels.len() {
                let w = rec.read_window(ch, start_s, 10.0).expect("window");
                sum += w.values.iter().sum::<f64>();
            }
            black_box(sum)
        })
    });
}

criterion_group!(benches, open_window);
criterion_main!(benches);
