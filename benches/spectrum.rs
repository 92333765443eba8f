//! Frequency views (issue 4's targets):
//! - `spectrogram_24h_256hz`: one day of one channel at 256 Hz (22,118,400 samples, generated in
//!   memory from a fixed seed), 2-second Hann windows, 50% overlap (86,399 columns of 257 bins),
//!   on one core. `one_pass` is `Spectrogram::from_samples`; `shared_chunks` is the background
//!   path the viewer uses (`SharedSpectrogram::compute`, chunk reads, lock per chunk). Target:
//!   under 1 s.
//! - `spectrum_panel`: the panel's update, Welch (2-second segments, 50% overlap) of a
//!   30-second window of 4 channels at 512 Hz with band powers and dominant frequency, the
//!   estimator and its output reused as the panel reuses them. Target: under 5 ms.
//! - `beats_mitdb100`: R-peak detection over MIT-BIH record 100 (30 min at 360 Hz, read from the
//!   corpus EDF+), when the corpus is present (`SIGMARK_CORPUS` or `../shared/corpus`).
//!
//! `cargo bench --bench spectrum`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sigmark::dsp::beats::detect_channel;
use sigmark::dsp::spectrum::{
    band_powers, dominant_frequency, Psd, SharedSpectrogram, Spectrogram, StftSpec, Welch,
    WelchSpec,
};

/// An EEG-like signal: offset, alpha with a drifting amplitude, a mains line, LCG noise.
fn signal(rate: f64, n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed;
    (0..n)
        .map(|i| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let noise = ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 20.0;
            let t = i as f64 / rate;
            let alpha =
                30.0 * (1.0 + 0.5 * (t / 60.0).sin()) * (std::f64::consts::TAU * 10.0 * t).sin();
            40.0 + alpha + 5.0 * (std::f64::consts::TAU * 50.0 * t).sin() + noise
        })
        .collect()
}

fn spectrogram(c: &mut Criterion) {
    let rate = 256.0;
    let x = signal(rate, 24 * 3600 * 256, 0x5eed_0004);
    let spec = StftSpec {
        window: 512,
        overlap: 0.5,
        max_hz: None,
    };
    let mut g = c.benchmark_group("spectrogram_24h_256hz");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Elements(x.len() as u64));
    g.bench_function("one_pass", |b| {
        b.iter(|| Spectrogram::from_samples(spec, rate, &x).map(|s| s.columns_done()))
    });
    g.bench_function("shared_chunks", |b| {
        b.iter_batched(
            || Spectrogram::new(spec, rate, 0, x.len() as u64).map(SharedSpectrogram::new),
            |shared| {
                let read = |first: u64, out: &mut [f64]| {
                    let first = first as usize;
                    out.copy_from_slice(&x[first..first + out.len()]);
                    Ok(())
                };
                let (progress, cancel) = (AtomicU64::new(0), AtomicBool::new(false));
                shared.map(|s| s.compute(read, &progress, &cancel))
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn spectrum_panel(c: &mut Criterion) {
    let rate = 512.0;
    let channels: Vec<Vec<f64>> = (0..4).map(|k| signal(rate, 30 * 512, 7 + k)).collect();
    let mut welch = Welch::new(WelchSpec::new(1024)).expect("a valid spec");
    let mut out = Psd::default();
    let mut g = c.benchmark_group("spectrum_panel");
    g.throughput(Throughput::Elements(4 * 30 * 512));
    g.bench_function("welch_30s_4ch_512hz", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for x in &channels {
                if welch.estimate(x, rate, &mut out).is_ok() {
                    acc += band_powers(&out)[2].relative;
                    acc += dominant_frequency(&out, 0.5, 80.0).unwrap_or(0.0);
                }
            }
            acc
        })
    });
    g.finish();
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    dir.join("index.json").is_file().then_some(dir)
}

fn beats(c: &mut Criterion) {
    let Some(dir) = corpus() else {
        eprintln!("beats_mitdb100: corpus not found, skipped");
        return;
    };
    let Ok(rec) = sigmark::open(dir.join("derived/mitdb100_ecg_edfplus.edf")) else {
        eprintln!("beats_mitdb100: record 100 not readable, skipped");
        return;
    };
    let mut g = c.benchmark_group("beats_mitdb100");
    g.throughput(Throughput::Elements(rec.channels[0].samples));
    g.bench_function("detect_mlii_30min_360hz", |b| {
        b.iter(|| {
            detect_channel(&rec, 0, &AtomicU64::new(0), &AtomicBool::new(false))
                .map(|d| d.beats.len())
        })
    });
    g.finish();
}

criterion_group!(benches, spectrogram, spectrum_panel, beats);
criterion_main!(benches);
