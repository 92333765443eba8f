//! Comparing two readers with 1,000,000 events each (issue 5: under 1 s), generated
//! deterministically: event mode (intervals of four labels, B's shifted and some missing or
//! extra; plain any-overlap and SzCORE's settings) and beat mode (a 24-hour Holter's worth of
//! beats, B jittered within the match window with some missed and some extra).
//!
//! `cargo bench --bench compare`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use sigmark::compare::{beat, event, BeatParams, EventParams, Mark};

const N: usize = 1_000_000;

/// A small deterministic generator (SplitMix64), so every run compares the same tables.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const LABELS: [&str; 4] = ["Seizure", "Spike", "Artifact", "Sleep spindle"];

/// A's intervals (one every 10 s, 1-8 s long) and B's: the same shifted by up to +-1 s, 5%
/// left out and 5% extra.
fn intervals() -> (Vec<Mark>, Vec<Mark>) {
    let mut rng = Rng(5);
    let (mut a, mut b) = (Vec::with_capacity(N), Vec::with_capacity(N));
    for k in 0..N {
        let onset = k as f64 * 10.0 + rng.unit() * 2.0;
        let duration = 1.0 + rng.unit() * 7.0;
        let label = LABELS[(rng.next() % 4) as usize];
        a.push(Mark::new(onset, duration, label));
        let r = rng.unit();
        if r < 0.05 {
            continue;
        }
        let shift = (rng.unit() - 0.5) * 2.0;
        let extra = r > 0.95;
        let onset_b = if extra {
            onset + 9.5
        } else {
            (onset + shift).max(0.0)
        };
        b.push(Mark::new(onset_b, duration, label));
    }
    (a, b)
}

/// A's beats (about 1 per 0.85 s, 1 in 20 a PVC, 1 in 50 a PAC) and B's: jittered by up to
/// +-60 ms, 1% missed, 1% extra.
fn beats() -> (Vec<Mark>, Vec<Mark>) {
    let mut rng = Rng(7);
    let (mut a, mut b) = (Vec::with_capacity(N), Vec::with_capacity(N));
    let mut t = 0.0;
    for _ in 0..N {
        t += 0.6 + rng.unit() * 0.5;
        let c = rng.next() % 100;
        let label = if c < 5 {
            "PVC"
        } else if c < 7 {
            "PAC"
        } else {
            "N"
        };
        a.push(Mark::new(t, 0.0, label));
        let r = rng.unit();
        if r < 0.01 {
            continue;
        }
        b.push(Mark::new(t + (rng.unit() - 0.5) * 0.12, 0.0, label));
        if r > 0.99 {
            b.push(Mark::new(t + 0.3, 0.0, "N"));
        }
    }
    (a, b)
}

fn bench(c: &mut Criterion) {
    let (a, b) = intervals();
    let duration = a.iter().chain(&b).map(Mark::end).fold(0.0, f64::max);
    let mut g = c.benchmark_group("compare_1M_events");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("event_any_overlap", |bench| {
        bench.iter(|| black_box(event::compare(&a, &b, &EventParams::default(), duration)))
    });
    g.bench_function("event_szcore", |bench| {
        bench.iter(|| black_box(event::compare(&a, &b, &EventParams::szcore(), duration)))
    });
    let (a, b) = beats();
    let end = a.iter().chain(&b).map(Mark::end).fold(0.0, f64::max);
    let p = BeatParams::default();
    g.bench_function("beat_bxb", |bench| {
        bench.iter(|| black_box(beat::compare(&a, &b, &p, end)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
