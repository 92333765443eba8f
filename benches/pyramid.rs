//! Decimation pyramid throughput on a generated EDF: 1 hour x 12 channels x 500 Hz (43 MB),
//! written into a temp dir and read through the memory map with a warm page cache. Throughput
//! is in bytes of the EDF file's data records per second.
//!
//! `cargo bench --bench pyramid`. The groups separate the costs: `read_physical` is the reader
//! alone (digital -> f64 through `Recording::read_samples`), `read_digital` the reader without
//! the conversion, `build` the whole pyramid (reads + min/max + levels), `build_bipolar` a
//! double-banana-like set of differences.

use std::path::Path;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rayon::prelude::*;
use sigmark::dsp::{Derivation, Pyramid};
use sigmark::formats::edf::writer::{self, FileSpec, SignalSpec};
use sigmark::Recording;

const CHANNELS: usize = 12;
const RATE: usize = 500;
const SECONDS: u64 = 3600;
/// Samples per read call when reading without the pyramid: 8 s, as the pyramid's chunks.
const READ: usize = 8 * RATE;

fn spec() -> FileSpec {
    let signal = |i: usize| SignalSpec {
        label: format!("EEG C{i}"),
        transducer: String::new(),
        unit: "uV".into(),
        physical_min: -3200.0,
        physical_max: 3200.0,
        digital_min: -32768,
        digital_max: 32767,
        prefilter: String::new(),
        samples_per_record: RATE,
    };
    FileSpec {
        bdf: false,
        plus: None,
        patient: "X".into(),
        recording: "X".into(),
        start: NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("a valid date"),
        start_offset_100ns: 0,
        records: SECONDS,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: (0..CHANNELS).map(signal).collect(),
        annotations: Vec::new(),
    }
}

/// Writes the file: a slow wave plus noise from a small LCG, different per channel.
fn write(path: &Path) {
    let file = std::fs::File::create(path).expect("create the bench file");
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    writer::write(std::io::BufWriter::new(file), &spec(), |r, bufs| {
        for (s, b) in bufs.iter_mut().enumerate() {
            for (k, v) in b.iter_mut().enumerate() {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let t = (r as usize * RATE + k) as f64 / RATE as f64;
                let wave = 3000.0 * (t * (1.0 + s as f64 * 0.3)).sin();
                *v = wave as i32 + ((seed >> 52) as i32 - 2048);
            }
        }
    })
    .expect("write the bench file");
}

fn read_all(rec: &Recording, digital: bool) -> f64 {
    (0..CHANNELS)
        .into_par_iter()
        .map(|ch| {
            let n = rec.channels[ch].samples as usize;
            let mut acc = 0.0;
            for first in (0..n).step_by(READ) {
                let count = READ.min(n - first);
                acc += if digital {
                    let v = rec.read_digital(ch, first as u64, count).ok().flatten();
                    v.map_or(0.0, |v| f64::from(v[0]))
                } else {
                    rec.read_samples(ch, first as u64, count)
                        .map_or(0.0, |v| v[0])
                };
            }
            acc
        })
        .sum()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.edf");
    write(&path);
    let rec = sigmark::open(&path).expect("open the bench file");
    let data_bytes = (SECONDS as usize * CHANNELS * RATE * 2) as u64;
    let plain = Derivation::as_recorded(&rec);
    let bipolar: Vec<Derivation> = (0..CHANNELS - 1)
        .map(|i| Derivation::difference(&rec, &format!("C{i}-C{}", i + 1), i, i + 1))
        .collect::<Result<_, _>>()
        .expect("bipolar derivations");
    // Warm the page cache.
    read_all(&rec, true);

    let mut g = c.benchmark_group("pyramid_1h_12ch_500hz");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(data_bytes));
    g.bench_function("read_digital", |b| b.iter(|| read_all(&rec, true)));
    g.bench_function("read_physical", |b| b.iter(|| read_all(&rec, false)));
    g.bench_function("build", |b| {
        b.iter(|| Pyramid::build(&rec, plain.clone()).expect("build"))
    });
    g.bench_function("build_bipolar", |b| {
        b.iter(|| Pyramid::build(&rec, bipolar.clone()).expect("build"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
