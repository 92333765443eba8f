//! Spectra: the Welch estimate against `scipy.signal.welch` (values committed with the script
//! that made them, `tests/data/welch_reference.py`), band powers, the spectrogram against the
//! Welch estimate of each of its windows, and bad input.
//!
//! Tolerances, named:
//! - PSD values: 1e-6 relative, with an absolute floor of 1e-9 x the largest value of that
//!   spectrum. The floor is for bins near zero, where the FFTs' rounding (about 1e-16 of the
//!   largest magnitude) is all there is: the DC bin after the mean is removed, and the nulls
//!   between the lines of the synthetic signals. Values above the floor are counted and their
//!   largest relative error is printed.
//! - frequencies: 1e-12 relative; band powers 1e-6 relative (floor 1e-9 x the total);
//!   the dominant frequency: exact bin.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use serde_json::Value;
use sigmark::dsp::spectrum::{
    band_power, band_powers, dominant_frequency, Detrend, Psd, SharedSpectrogram, Spectrogram,
    SpectrumError, StftSpec, Welch, WelchSpec, EEG_BANDS, TOTAL_BAND,
};
use sigmark::dsp::BuildOutcome;

const PSD_REL: f64 = 1e-6;
const FLOOR_OF_MAX: f64 = 1e-9;

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/welch_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Compares and keeps the count and the largest relative error above the floor.
#[derive(Default)]
struct Tally {
    compared: usize,
    below_floor: usize,
    worst: f64,
    failures: Vec<String>,
}

impl Tally {
    fn check(&mut self, what: &str, got: f64, want: f64, rel: f64, floor: f64) {
        self.compared += 1;
        let err = (got - want).abs();
        if want.abs() > floor {
            self.worst = self.worst.max(err / want.abs());
        } else {
            self.below_floor += 1;
        }
        // Written so that NaN fails.
        let within = err <= floor.max(rel * want.abs());
        if !within {
            self.failures
                .push(format!("{what}: got {got:e}, scipy {want:e}"));
        }
    }
}

#[test]
fn welch_equals_scipy() {
    let r = reference();
    let mut tally = Tally::default();
    let cases = r["cases"].as_array().unwrap();
    for c in cases {
        check_case(&r, c, &mut tally);
    }
    println!(
        "welch vs scipy {}: {} cases, {} values compared, largest relative error {:.2e} \
         ({} values at or under the absolute floor of {FLOOR_OF_MAX:e} x max, checked against it)",
        r["generator"]["scipy"],
        cases.len(),
        tally.compared,
        tally.worst,
        tally.below_floor
    );
    assert!(tally.failures.is_empty(), "{:#?}", tally.failures);
    assert!(tally.compared > 6000);
}

/// One SciPy case: the segment, overlap and count used, each bin, the total and band powers,
/// the dominant frequency.
fn check_case(r: &Value, c: &Value, tally: &mut Tally) {
    let name = c["signal"].as_str().unwrap();
    let sig = &r["signals"][name];
    let (rate, x) = (sig["rate_hz"].as_f64().unwrap(), floats(&sig["samples"]));
    let spec = WelchSpec {
        segment: c["segment"].as_u64().unwrap() as usize,
        overlap: c["overlap"].as_f64().unwrap(),
        detrend: match c["detrend"].as_str().unwrap() {
            "none" => Detrend::None,
            _ => Detrend::Constant,
        },
    };
    let label = format!("{name} segment {} {:?}", spec.segment, spec);
    let psd = Welch::new(spec).unwrap().psd(&x, rate).unwrap();
    assert_eq!(
        psd.segment as u64,
        c["segment_used"].as_u64().unwrap(),
        "{label}"
    );
    assert_eq!(
        psd.overlap_samples as u64,
        c["noverlap"].as_u64().unwrap(),
        "{label}"
    );
    assert_eq!(
        psd.segments as u64,
        c["segments"].as_u64().unwrap(),
        "{label}"
    );
    let (f, p) = (floats(&c["frequencies_hz"]), floats(&c["psd"]));
    assert_eq!(psd.density.len(), p.len(), "{label}");
    let floor = FLOOR_OF_MAX * p.iter().cloned().fold(0.0, f64::max);
    for k in 0..p.len() {
        let what = format!("{label} bin {k}");
        tally.check(&what, psd.frequencies_hz[k], f[k], 1e-12, 0.0);
        tally.check(&what, psd.density[k], p[k], PSD_REL, floor);
    }
    check_total_and_bands(c, &psd, &label, tally);
    assert_eq!(
        dominant_frequency(&psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz),
        c["dominant_hz"].as_f64(),
        "{label}"
    );
}

/// The total power and each band's absolute and relative power against the case's.
fn check_total_and_bands(c: &Value, psd: &Psd, label: &str, tally: &mut Tally) {
    let total = c["total"].as_f64().unwrap();
    let floor = FLOOR_OF_MAX * total;
    let got_total = band_power(psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz);
    tally.check(&format!("{label} total"), got_total, total, PSD_REL, floor);
    for b in band_powers(psd) {
        let want = &c["bands"][b.band.name];
        let what = format!("{label} {}", b.band.name);
        tally.check(
            &what,
            b.absolute,
            want["absolute"].as_f64().unwrap(),
            PSD_REL,
            floor,
        );
        tally.check(
            &what,
            b.relative,
            want["relative"].as_f64().unwrap(),
            PSD_REL,
            1e-9,
        );
    }
}

fn sine(rate: f64, n: usize, parts: &[(f64, f64)]) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let t = i as f64 / rate;
            parts
                .iter()
                .map(|&(a, f)| a * (std::f64::consts::TAU * f * t).sin())
                .sum()
        })
        .collect()
}

#[test]
fn a_10_hz_sine_is_alpha() {
    let x = sine(256.0, 256 * 30, &[(20.0, 10.0)]);
    let psd = Welch::new(WelchSpec::new(512))
        .unwrap()
        .psd(&x, 256.0)
        .unwrap();
    let bands = band_powers(&psd);
    let alpha = bands.iter().find(|b| b.band.name == "alpha").unwrap();
    assert!(alpha.relative > 0.99, "{bands:?}");
    assert!(bands
        .iter()
        .all(|b| b.band.name == "alpha" || b.relative < 0.01));
    assert_eq!(dominant_frequency(&psd, 0.5, 80.0), Some(10.0));
    // Parseval: a sine of amplitude A carries A^2 / 2 of power.
    let sum: f64 = bands.iter().map(|b| b.absolute).sum();
    assert!((sum - 200.0).abs() < 2.0, "{sum}");
    let relative: f64 = bands.iter().map(|b| b.relative).sum();
    assert!((relative - 1.0).abs() < 1e-12, "bands add up to the total");
}

#[test]
fn demo_eeg_alpha_and_seizure_rhythm() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_eeg.bdf");
    let rec = sigmark::open(&path).unwrap();
    let mut welch = Welch::new(WelchSpec::new(512)).unwrap();
    let mut at = |label: &str, start_s: f64| {
        let ch = rec.channel_index(label).unwrap();
        let rate = rec.channels[ch].rate_hz;
        let first = rec.sample_at_or_after(ch, start_s);
        let x = rec.read_samples(ch, first, (20.0 * rate) as usize).unwrap();
        let psd = welch.psd(&x, rate).unwrap();
        (
            dominant_frequency(&psd, 0.5, 80.0).unwrap(),
            band_powers(&psd),
        )
    };
    let (f, bands) = at("EEG O1", 30.0);
    let relative: Vec<String> = bands
        .iter()
        .map(|b| format!("{} {:.3}", b.band.name, b.relative))
        .collect();
    println!(
        "demo EEG O1 30-50 s: dominant {f} Hz, relative power {}",
        relative.join(", ")
    );
    assert!((8.5..=11.5).contains(&f), "posterior alpha: {f} Hz");
    assert_eq!(
        bands
            .iter()
            .max_by(|a, b| a.relative.total_cmp(&b.relative))
            .unwrap()
            .band
            .name,
        "alpha"
    );
    let (f, _) = at("EEG T3", 75.0);
    println!("demo EEG T3 75-95 s (seizure): dominant {f} Hz");
    assert!((3.0..=6.0).contains(&f), "ictal theta: {f} Hz");
}

#[test]
fn repeated_estimates_reuse_the_buffers() {
    let x = sine(512.0, 512 * 30, &[(5.0, 12.0), (1.0, 50.0)]);
    let mut welch = Welch::new(WelchSpec::new(1024)).unwrap();
    let mut out = welch.psd(&x, 512.0).unwrap();
    let first = out.clone();
    let ptrs = (out.density.as_ptr(), out.frequencies_hz.as_ptr());
    for shift in 0..5 {
        welch.estimate(&x[shift * 100..], 512.0, &mut out).unwrap();
        assert_eq!(ptrs, (out.density.as_ptr(), out.frequencies_hz.as_ptr()));
    }
    welch.estimate(&x, 512.0, &mut out).unwrap();
    assert_eq!(out, first, "same input, same estimate, bit for bit");
}

#[test]
fn estimators_can_move_to_a_background_thread() {
    fn send<T: Send>() {}
    fn shared<T: Send + Sync>() {}
    send::<Welch>();
    shared::<SharedSpectrogram>();
    shared::<Spectrogram>();
}

#[test]
fn estimate_from_chunks_equals_estimate() {
    let x = sine(256.0, 256 * 7200, &[(20.0, 10.0), (3.0, 50.0)]);
    let spec = WelchSpec {
        overlap: 0.3,
        ..WelchSpec::new(1000)
    };
    let mut welch = Welch::new(spec).unwrap();
    let whole = welch.psd(&x, 256.0).unwrap();
    let mut chunked = Default::default();
    let mut reads = 0;
    let read = |first: usize, out: &mut [f64]| {
        reads += 1;
        out.copy_from_slice(&x[first..first + out.len()]);
        Ok(())
    };
    welch
        .estimate_from(x.len(), 256.0, read, &mut chunked)
        .unwrap();
    assert_eq!(chunked, whole, "bit for bit");
    assert!(reads > 1, "read in chunks: {reads}");
}

#[test]
fn bad_input_gives_errors_not_panics() {
    assert!(matches!(
        Welch::new(WelchSpec::new(0)),
        Err(SpectrumError::Segment(0))
    ));
    for overlap in [1.0, -0.1, f64::NAN, f64::INFINITY] {
        let spec = WelchSpec {
            overlap,
            ..WelchSpec::new(64)
        };
        assert!(matches!(Welch::new(spec), Err(SpectrumError::Overlap(_))));
    }
    let mut w = Welch::new(WelchSpec::new(64)).unwrap();
    assert!(matches!(w.psd(&[], 100.0), Err(SpectrumError::Empty)));
    for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            w.psd(&[1.0; 10], rate),
            Err(SpectrumError::Rate(_))
        ));
    }
    // One sample, a segment longer than the data, NaN samples: estimates, no panic.
    assert_eq!(w.psd(&[3.0], 100.0).unwrap().density, vec![0.0]);
    assert_eq!(w.psd(&[1.0; 10], 100.0).unwrap().segment, 10);
    let mut x = sine(100.0, 300, &[(1.0, 10.0)]);
    x[150] = f64::NAN;
    let psd = w.psd(&x, 100.0).unwrap();
    assert!(psd.density.iter().any(|v| v.is_nan()));
    assert_eq!(dominant_frequency(&psd, 0.5, 80.0), None);
    assert_eq!(band_power(&psd, 80.0, 90.0), 0.0, "beyond Nyquist");
    // A segment far longer than any input allocates only what the input needs.
    let mut huge = Welch::new(WelchSpec::new(1 << 40)).unwrap();
    assert_eq!(huge.psd(&x[..100], 100.0).unwrap().segment, 100);
    let flat = w.psd(&[0.0; 256], 100.0).unwrap();
    assert!(band_powers(&flat).iter().all(|b| b.relative.is_nan()));
}

fn stft(window: usize, overlap: f64) -> StftSpec {
    StftSpec {
        window,
        overlap,
        max_hz: None,
    }
}

#[test]
fn spectrogram_columns_are_single_window_welch_estimates() {
    let rate = 256.0;
    let mut x = sine(rate, 256 * 40, &[(30.0, 10.0), (5.0, 50.0)]);
    for (i, v) in x.iter_mut().enumerate() {
        *v += 100.0 + ((i * 7919) % 101) as f64 / 10.0; // offset and deterministic noise
    }
    for (window, overlap) in [(512, 0.5), (255, 0.25), (100, 0.0)] {
        let s = Spectrogram::from_samples(stft(window, overlap), rate, &x).unwrap();
        let step = s.step();
        assert_eq!(s.total_columns(), (x.len() - window) / step + 1);
        assert!(s.is_complete());
        let mut welch = Welch::new(WelchSpec::new(window)).unwrap();
        for i in [0, 1, s.total_columns() / 2, s.total_columns() - 1] {
            let psd = welch.psd(&x[i * step..i * step + window], rate).unwrap();
            let col = s.column(i).unwrap();
            let max = psd.density.iter().cloned().fold(0.0, f64::max);
            for (k, (&db, &p)) in col.iter().zip(&psd.density).enumerate() {
                // f32 transform: 1e-4 dB on strong bins, 1e-6 of the largest power as floor.
                if p > 1e-6 * max {
                    let want = 10.0 * p.log10();
                    assert!(
                        (db as f64 - want).abs() < 1e-3,
                        "{window} col {i} bin {k}: {db} vs {want}"
                    );
                }
            }
            let t = s.column_time_s(i);
            assert_eq!(s.column_at_s(t), Some(i));
            assert_eq!(t, (i * step) as f64 / rate + window as f64 / 2.0 / rate);
        }
    }
}

#[test]
fn spectrogram_in_chunks_equals_one_pass_and_can_be_cancelled() {
    let rate = 128.0;
    let x = sine(rate, 128 * 3600, &[(10.0, 7.0), (3.0, 31.0)]);
    let spec = StftSpec {
        window: 256,
        overlap: 0.5,
        max_hz: Some(40.0),
    };
    let whole = Spectrogram::from_samples(spec, rate, &x).unwrap();
    assert_eq!(whole.bins(), 81, "0..=40 Hz at 0.5 Hz");
    let shared = SharedSpectrogram::new(Spectrogram::new(spec, rate, 0, x.len() as u64).unwrap());
    let read = |first: u64, out: &mut [f64]| {
        let first = first as usize;
        out.copy_from_slice(&x[first..first + out.len()]);
        Ok(())
    };
    let (progress, cancel) = (AtomicU64::new(0), AtomicBool::new(true));
    let outcome = shared.compute(read, &progress, &cancel).unwrap();
    assert_eq!(outcome, BuildOutcome::Cancelled);
    assert_eq!(shared.read().columns_done(), 0);
    // The UI sees columns as they come; query ranges never reach past what is done.
    assert_eq!(shared.read().column_at_s(10.0), None);
    assert_eq!(shared.read().columns_between_s(0.0, 100.0), 0..0);
    cancel.store(false, Ordering::Relaxed);
    let outcome = shared.compute(read, &progress, &cancel).unwrap();
    assert_eq!(outcome, BuildOutcome::Complete);
    assert_eq!(
        progress.load(Ordering::Relaxed),
        whole.total_columns() as u64
    );
    assert_eq!(*shared.read(), whole);
    let s = shared.read();
    let r = s.columns_between_s(60.0, 120.0);
    assert_eq!(r.len(), 60, "one column a second: {r:?}");
    assert!(r
        .clone()
        .all(|i| (60.0..120.0).contains(&s.column_time_s(i))));
    let col = s.column(r.start).unwrap();
    let peak = (0..col.len())
        .max_by(|&a, &b| col[a].total_cmp(&col[b]))
        .unwrap();
    assert_eq!(peak as f64 * s.bin_hz(), 7.0);
}

#[test]
fn spectrogram_degenerate_spans_and_specs() {
    let empty = Spectrogram::from_samples(stft(512, 0.5), 256.0, &[1.0; 100]).unwrap();
    assert_eq!(empty.total_columns(), 0);
    assert!(empty.is_complete());
    assert_eq!(empty.column(0), None);
    assert_eq!(empty.column_at_s(f64::NAN), None);
    assert_eq!(
        empty.columns_between_s(f64::NEG_INFINITY, f64::INFINITY),
        0..0
    );
    assert!(Spectrogram::new(stft(0, 0.5), 256.0, 0, 1000).is_err());
    assert!(Spectrogram::new(stft(64, 1.0), 256.0, 0, 1000).is_err());
    assert!(Spectrogram::new(stft(64, 0.5), 0.0, 0, 1000).is_err());
    let bad_max = StftSpec {
        max_hz: Some(-1.0),
        ..stft(64, 0.5)
    };
    assert!(Spectrogram::new(bad_max, 256.0, 0, 1000).is_err());
    let long = Spectrogram::from_samples(stft(1 << 40, 0.5), 256.0, &[1.0; 1000]).unwrap();
    assert_eq!(long.total_columns(), 0);
    let ramp: Vec<f64> = (0..300_000).map(|i| (i % 1000) as f64).collect();
    let wide = Spectrogram::from_samples(stft(100_000, 0.5), 1000.0, &ramp).unwrap();
    assert_eq!(
        wide.total_columns(),
        5,
        "windows longer than a batch go one at a time"
    );
    let mut x = vec![1.0; 1000];
    x[500] = f64::NAN;
    let s = Spectrogram::from_samples(stft(64, 0.5), 256.0, &x).unwrap();
    assert!(s.column(15).unwrap().iter().all(|v| v.is_nan()));
    assert!(s.column(0).unwrap().iter().all(|v| v.is_finite()));
    assert!(EEG_BANDS.windows(2).all(|w| w[0].high_hz == w[1].low_hz));
}
