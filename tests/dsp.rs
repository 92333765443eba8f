//! The DSP layer: filters against SciPy, the pyramid against brute force over the same
//! samples, montages against recordings written with sigmark's own writer, channel kinds
//! over the corpus labels.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::NaiveDate;
use sigmark::dsp::{
    self, raw_envelope, ChannelKind, Derivation, FilterSpec, Montage, Pyramid, SharedPyramid, BASE,
};
use sigmark::formats::edf::writer::{self, FileSpec, SignalSpec};
use sigmark::Recording;

// ---------------------------------------------------------------- recordings for the tests

fn signal(label: &str, spr: usize) -> SignalSpec {
    SignalSpec {
        label: label.into(),
        transducer: String::new(),
        unit: "uV".into(),
        physical_min: -500.0,
        physical_max: 500.0,
        digital_min: -32768,
        digital_max: 32767,
        prefilter: String::new(),
        samples_per_record: spr,
    }
}

/// An in-memory EDF of 1 s records; `value(signal, sample)` gives physical values.
fn recording(
    signals: Vec<SignalSpec>,
    records: u64,
    value: impl Fn(usize, u64) -> f64,
) -> Recording {
    let spec = FileSpec {
        bdf: false,
        plus: None,
        patient: "X".into(),
        recording: "X".into(),
        start: NaiveDate::from_ymd_opt(2020, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .unwrap(),
        start_offset_100ns: 0,
        records,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: signals.clone(),
        annotations: Vec::new(),
    };
    let mut bytes = Vec::new();
    writer::write(&mut bytes, &spec, |r, bufs| {
        for (s, b) in bufs.iter_mut().enumerate() {
            let spr = b.len() as u64;
            for (k, v) in b.iter_mut().enumerate() {
                *v = signals[s].to_digital(value(s, r * spr + k as u64));
            }
        }
    })
    .unwrap();
    sigmark::formats::edf::open_bytes(Path::new("test.edf"), Box::new(bytes)).unwrap()
}

/// A deterministic wiggle with spikes, different per signal.
fn wiggle(s: usize, i: u64) -> f64 {
    let t = i as f64;
    let spike = if i % 977 == (s as u64 * 131) % 977 {
        300.0
    } else {
        0.0
    };
    100.0 * (t * 0.013 * (s + 1) as f64).sin() + 40.0 * (t * 0.37).cos() + spike - 50.0
}

// ---------------------------------------------------------------- filters

#[derive(serde::Deserialize)]
struct Reference {
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    rate_hz: f64,
    highpass_hz: Option<f64>,
    lowpass_hz: Option<f64>,
    notch_hz: Option<f64>,
    order: usize,
    sos: Vec<[f64; 6]>,
    x: Vec<f64>,
    y: Vec<f64>,
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[test]
fn filters_match_scipy_sosfiltfilt() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/filter_reference.json");
    let reference: Reference =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let (mut compared, mut worst_rel) = (0, 0.0f64);
    for case in &reference.cases {
        let spec = FilterSpec {
            highpass_hz: case.highpass_hz,
            lowpass_hz: case.lowpass_hz,
            notch_hz: case.notch_hz,
            order: case.order,
        };
        let sos = spec.sos(case.rate_hz);
        assert_eq!(sos.len(), case.sos.len(), "{}: sections", case.name);
        for (mine, theirs) in sos.iter().zip(&case.sos) {
            for (a, b) in mine.iter().zip(theirs) {
                assert!(
                    (a - b).abs() <= 1e-12 * b.abs().max(1e-3),
                    "{}: sos {mine:?} vs {theirs:?}",
                    case.name
                );
            }
        }
        let mut y = case.x.clone();
        spec.apply(case.rate_hz, &mut y);
        let tol = 1e-9 * max_abs(&case.y);
        let worst = y
            .iter()
            .zip(&case.y)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        assert!(
            worst <= tol,
            "{}: max difference {worst:e} > {tol:e}",
            case.name
        );
        compared += y.len();
        worst_rel = worst_rel.max(worst / max_abs(&case.y));
    }
    println!(
        "filters: {} cases, {compared} values, worst difference {worst_rel:.1e} of the \
         signal's peak (tolerance 1e-9)",
        reference.cases.len()
    );
}

fn sine(rate: f64, hz: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| (2.0 * std::f64::consts::PI * hz * i as f64 / rate).sin())
        .collect()
}

/// Amplitude of a sine from the RMS of the middle half (away from the edges; a whole number
/// of periods in every use here).
fn middle_amplitude(v: &[f64]) -> f64 {
    let mid = &v[v.len() / 4..3 * v.len() / 4];
    (2.0 * mid.iter().map(|x| x * x).sum::<f64>() / mid.len() as f64).sqrt()
}

#[test]
fn a_sine_at_the_cutoff_loses_6_db_forward_backward() {
    let rate = 500.0;
    for spec in [
        FilterSpec {
            highpass_hz: Some(5.0),
            ..FilterSpec::NONE
        },
        FilterSpec {
            lowpass_hz: Some(40.0),
            ..FilterSpec::NONE
        },
        FilterSpec {
            lowpass_hz: Some(40.0),
            order: 4,
            ..FilterSpec::NONE
        },
    ] {
        let hz = spec.highpass_hz.or(spec.lowpass_hz).unwrap();
        let mut x = sine(rate, hz, 20_000);
        spec.apply(rate, &mut x);
        let db = 20.0 * middle_amplitude(&x).log10();
        assert!(
            (db + 6.02).abs() < 0.05,
            "{}: {db:.3} dB at the cutoff",
            spec.describe()
        );
    }
}

#[test]
fn the_notch_removes_mains_and_the_high_pass_removes_dc() {
    let rate = 500.0;
    let notch = FilterSpec {
        notch_hz: Some(50.0),
        ..FilterSpec::NONE
    };
    let mut x = sine(rate, 50.0, 10_000);
    notch.apply(rate, &mut x);
    assert!(
        middle_amplitude(&x) < 1e-3,
        "50 Hz left: {}",
        middle_amplitude(&x)
    );
    let mut ten = sine(rate, 10.0, 10_000);
    notch.apply(rate, &mut ten);
    assert!(
        (middle_amplitude(&ten) - 1.0).abs() < 1e-3,
        "10 Hz should pass the notch"
    );

    let mut dc = vec![250.0; 5_000];
    FilterSpec::default_for(ChannelKind::Eeg).apply(rate, &mut dc);
    assert!(
        max_abs(&dc) < 1e-6,
        "DC left after the high-pass: {}",
        max_abs(&dc)
    );
}

#[test]
fn zero_phase_keeps_a_symmetric_pulse_symmetric() {
    let rate = 250.0;
    // Long enough that the edges' start-up (1 Hz high-pass, order 4) has died out at the pulse.
    let c = 4000;
    let mut x: Vec<f64> = (0..=2 * c)
        .map(|i| (-((i as f64 - c as f64) / 8.0).powi(2)).exp())
        .collect();
    let spec = FilterSpec {
        highpass_hz: Some(1.0),
        lowpass_hz: Some(15.0),
        notch_hz: Some(50.0),
        order: 4,
    };
    spec.apply(rate, &mut x);
    let peak = x
        .iter()
        .enumerate()
        .fold((0, f64::MIN), |m, (i, &v)| if v > m.1 { (i, v) } else { m });
    assert_eq!(peak.0, c, "the peak must not move");
    for k in 1..500 {
        assert!((x[c - k] - x[c + k]).abs() < 1e-9, "asymmetric at +-{k}");
    }
}

#[test]
fn filters_skip_impossible_stages_and_survive_odd_input() {
    let spec = FilterSpec {
        highpass_hz: Some(0.0),
        lowpass_hz: Some(128.0),
        notch_hz: Some(f64::NAN),
        order: 2,
    };
    assert!(
        !spec.is_active(256.0),
        "0 Hz, Nyquist and NaN stages are all skipped"
    );
    assert_eq!(spec.margin_samples(256.0), 0);
    let eeg = FilterSpec::default_for(ChannelKind::Eeg);
    for n in [0, 1, 2, 5] {
        let mut x = vec![1.0; n];
        eeg.apply(256.0, &mut x);
    }
    let mut gappy = vec![10.0; 300];
    gappy[150] = f64::NAN;
    eeg.apply(256.0, &mut gappy);
    assert!(gappy[150].is_nan() && gappy[149].is_finite() && gappy[151].is_finite());
    eeg.apply(f64::NAN, &mut gappy);
    assert_eq!(eeg.margin_samples(f64::NAN), 0);
    // 0.5 Hz high-pass at 500 Hz: about 3 s for the start-up to fall below -60 dB.
    let m = eeg.margin_samples(500.0) as f64 / 500.0;
    assert!((2.0..8.0).contains(&m), "margin {m} s");
}

// ---------------------------------------------------------------- pyramid

/// Brute force: the (min, max) of the samples of the level-`size` blocks whose centre (of the
/// samples they hold) falls in each column; a column overlapping the data but holding no
/// centre shows the block under its own centre, as the pyramid defines a column.
fn brute(values: &[f64], first: f64, spc: f64, size: usize, cols: usize) -> Vec<(f32, f32)> {
    let blocks: Vec<&[f64]> = values.chunks(size).collect();
    let centre = |i: usize| (i * size) as f64 + blocks[i].len() as f64 / 2.0;
    let extremes = |b: &[f64]| {
        b.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |a, &v| {
            (a.0.min(v), a.1.max(v))
        })
    };
    (0..cols)
        .map(|c| {
            let (lo, hi) = (first + c as f64 * spc, first + (c + 1) as f64 * spc);
            if hi <= 0.0 || lo >= values.len() as f64 {
                return (f32::NAN, f32::NAN);
            }
            let mut inside: Vec<usize> = (0..blocks.len())
                .filter(|&i| centre(i) >= lo && centre(i) < hi)
                .collect();
            if inside.is_empty() {
                inside.push(
                    (((lo + hi) / 2.0 / size as f64).floor().max(0.0) as usize)
                        .min(blocks.len() - 1),
                );
            }
            let acc = inside
                .iter()
                .map(|&i| extremes(blocks[i]))
                .fold((f64::INFINITY, f64::NEG_INFINITY), |a, b| {
                    (a.0.min(b.0), a.1.max(b.1))
                });
            (acc.0 as f32, acc.1 as f32)
        })
        .collect()
}

fn same(a: &[(f32, f32)], b: &[(f32, f32)]) -> bool {
    a.iter().zip(b).all(|(x, y)| {
        (x.0 == y.0 || x.0.is_nan() && y.0.is_nan()) && (x.1 == y.1 || x.1.is_nan() && y.1.is_nan())
    })
}

#[test]
fn envelopes_equal_brute_force_at_every_level() {
    let rec = recording(vec![signal("Fp1", 500), signal("F7", 500)], 300, wiggle);
    let derivs = vec![
        Derivation::channel(&rec, 0).unwrap(),
        Derivation::difference(&rec, "Fp1-F7", 0, 1).unwrap(),
    ];
    let p = Pyramid::build(&rec, derivs.clone()).unwrap();
    assert!(p.is_complete());
    for (d, der) in derivs.iter().enumerate() {
        let values = der.read(&rec, 0, 150_000).unwrap();
        for (first, spc, size) in [
            (0.0, 128.0, BASE),
            (-700.5, 300.0, 128),
            (1234.0, 512.0, 512),
            (0.0, 5000.0, 2048),
            (99.0, 40_000.0, 32768),
            (0.0, 1e6, 524_288),
        ] {
            let mut out = vec![(0.0, 0.0); 400];
            let cov = p.envelope(d, first, spc, &mut out);
            assert_eq!(
                cov.block_samples, size as u64,
                "level for {spc} samples per column"
            );
            let want = brute(&values, first, spc, size, out.len());
            assert!(
                same(&out, &want),
                "{} spc {spc}: {:?} vs {:?}",
                der.label,
                &out[..4],
                &want[..4]
            );
            assert_eq!(cov.pending, 0);
        }
        // Raw envelope of the same samples agrees where columns hold whole blocks.
        let mut raw = vec![(0.0, 0.0); 100];
        raw_envelope(&values, 0.0, 1024.0, &mut raw);
        let mut pyr = vec![(0.0, 0.0); 100];
        p.envelope(d, 0.0, 1024.0, &mut pyr);
        assert!(same(&raw, &pyr));
    }
}

#[test]
fn a_cancelled_build_shows_pending_columns_and_resumes() {
    let rec = recording(vec![signal("C3", 256), signal("ECG", 200)], 120, wiggle);
    let shared = SharedPyramid::new(&rec, Derivation::as_recorded(&rec)).unwrap();
    let progress = AtomicU64::new(0);
    let outcome = shared
        .build(&rec, &progress, &AtomicBool::new(true))
        .unwrap();
    assert_eq!(outcome, dsp::BuildOutcome::Cancelled);
    let mut out = vec![(0.0, 0.0); 50];
    let cov = shared.envelope(0, 0.0, 1000.0, &mut out);
    assert_eq!(
        (cov.filled, cov.pending),
        (0, 31),
        "256 Hz x 120 s = 30720 samples = 31 columns"
    );
    assert!(out.iter().all(|c| c.0.is_nan()));

    assert_eq!(
        shared
            .build(&rec, &progress, &AtomicBool::new(false))
            .unwrap(),
        dsp::BuildOutcome::Complete
    );
    let (done, total) = shared.read().progress();
    assert_eq!(
        (done, total),
        (256 * 120 + 200 * 120, 256 * 120 + 200 * 120)
    );
    assert_eq!(progress.load(Ordering::Relaxed), total);
    let cov = shared.envelope(0, 0.0, 1000.0, &mut out);
    assert_eq!((cov.filled, cov.pending), (31, 0));
}

#[test]
fn the_ui_can_query_while_a_thread_builds() {
    let rec = std::sync::Arc::new(recording(
        vec![signal("O1", 500), signal("O2", 500)],
        1800,
        wiggle,
    ));
    let shared = SharedPyramid::new(&rec, Derivation::as_recorded(&rec)).unwrap();
    let (builder, r) = (shared.clone(), rec.clone());
    let job =
        std::thread::spawn(move || builder.build(&r, &AtomicU64::new(0), &AtomicBool::new(false)));
    let mut last = 0;
    let mut out = vec![(0.0, 0.0); 200];
    loop {
        let cov = shared.envelope(1, 0.0, 4500.0, &mut out);
        // Columns fill from the start: the filled ones are a prefix.
        assert!(out[..cov.filled].iter().all(|c| !c.0.is_nan()));
        assert!(cov.filled >= last, "coverage went backwards");
        last = cov.filled;
        if job.is_finished() {
            break;
        }
    }
    assert_eq!(job.join().unwrap().unwrap(), dsp::BuildOutcome::Complete);
    assert_eq!(shared.envelope(1, 0.0, 4500.0, &mut out).filled, 200);
}

#[test]
fn two_builders_at_once_still_give_the_right_pyramid() {
    let rec = std::sync::Arc::new(recording(vec![signal("T3", 250)], 600, wiggle));
    let shared = SharedPyramid::new(&rec, Derivation::as_recorded(&rec)).unwrap();
    let jobs: Vec<_> = (0..2)
        .map(|_| {
            let (s, r) = (shared.clone(), rec.clone());
            std::thread::spawn(move || s.build(&r, &AtomicU64::new(0), &AtomicBool::new(false)))
        })
        .collect();
    for j in jobs {
        j.join().unwrap().unwrap();
    }
    let alone = Pyramid::build(&rec, Derivation::as_recorded(&rec)).unwrap();
    let (mut a, mut b) = (vec![(0.0, 0.0); 300], vec![(0.0, 0.0); 300]);
    for spc in [128.0, 500.0, 2000.0, 9000.0] {
        shared.envelope(0, 0.0, spc, &mut a);
        alone.envelope(0, 0.0, spc, &mut b);
        assert!(same(&a, &b), "{spc}");
    }
    assert_eq!(shared.read().progress(), (150_000, 150_000));
}

#[test]
fn derivations_across_sample_grids_are_refused_by_name() {
    let rec = recording(vec![signal("Fp1", 256), signal("ECG", 200)], 4, wiggle);
    let err = Derivation::difference(&rec, "Fp1-ECG", 0, 1)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("Fp1") && err.contains("ECG") && err.contains("Hz"),
        "{err}"
    );
    let empty = Derivation {
        label: "nothing".into(),
        unit: String::new(),
        terms: vec![],
    };
    assert!(Pyramid::new(&rec, vec![empty]).is_err());
    let p = Pyramid::build(&rec, vec![]).unwrap();
    let mut out = [(0.0, 0.0); 3];
    assert_eq!(p.envelope(5, 0.0, 10.0, &mut out).filled, 0);
}

// ---------------------------------------------------------------- montages

fn montage_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/montages")
}

const TEN_TWENTY: [&str; 21] = [
    "Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T7", "C3", "Cz", "C4", "T8", "P7", "P3", "Pz",
    "P4", "P8", "O1", "O2", "A1", "A2",
];

fn eeg_recording(labels: impl Fn(&str) -> String) -> Recording {
    let signals = TEN_TWENTY
        .iter()
        .map(|e| signal(&labels(e), 128))
        .chain([signal("ECG", 128)])
        .collect();
    recording(signals, 10, wiggle)
}

#[test]
fn every_shipped_montage_parses() {
    let loaded = dsp::montage::load_dir(&montage_dir()).unwrap();
    let shipped = dsp::montage::shipped().unwrap();
    assert_eq!(loaded.len(), 4);
    assert_eq!(shipped.len(), loaded.len());
    let find = |name: &str| loaded.iter().find(|m| m.path.ends_with(name)).unwrap();
    assert_eq!(find("double_banana.toml").len(), 18);
    assert_eq!(find("transverse.toml").len(), 14);
    assert_eq!(find("average.toml").len(), 19);
    assert!(find("referential.toml").is_empty());

    // A user's file with a shipped name replaces it; others are added.
    let user = tempfile::tempdir().unwrap();
    let mine = "name = \"Mine\"\nkind = \"referential\"\nelectrodes = [\"Cz\"]\n";
    std::fs::write(user.path().join("average.toml"), mine).unwrap();
    std::fs::write(user.path().join("extra.toml"), mine).unwrap();
    let all = dsp::montage::catalogue(Some(user.path())).unwrap();
    let names: Vec<&str> = all.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names.len(), 5);
    assert_eq!(names[3], "Mine", "{names:?}");
    assert_eq!(
        dsp::montage::catalogue(Some(Path::new("/no/such/dir")))
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn montages_resolve_against_tolerant_labels_and_aliases() {
    // New 10-10 names (T7/P7...) in the Nihon Kohden style "EEG X-Ref".
    let rec = eeg_recording(|e| format!("EEG {}-REF", e.to_uppercase()));
    let montages = dsp::montage::shipped().unwrap();
    let banana = montages
        .iter()
        .find(|m| m.name.contains("double banana"))
        .unwrap();
    let derivs = banana.resolve(&rec).unwrap();
    assert_eq!(derivs.len(), 18);
    assert_eq!(derivs[1].label, "F7-T3");
    let t3 = rec
        .channels
        .iter()
        .position(|c| c.label == "EEG T7-REF")
        .unwrap();
    assert_eq!(
        derivs[1].terms[1],
        (t3, -1.0),
        "T3 resolves to the T7 channel"
    );
    let a = derivs[0].read(&rec, 0, 1280).unwrap();
    let (fp1, f7) = (
        rec.read_samples(0, 0, 1280).unwrap(),
        rec.read_samples(2, 0, 1280).unwrap(),
    );
    assert!(a
        .iter()
        .zip(fp1.iter().zip(&f7))
        .all(|(d, (x, y))| *d == x - y));

    let avg = montages
        .iter()
        .find(|m| m.kind == dsp::MontageKind::Average)
        .unwrap()
        .resolve(&rec)
        .unwrap();
    assert_eq!(avg.len(), 19);
    let weight_sum: f64 = avg[0].terms.iter().map(|t| t.1).sum();
    assert!(
        weight_sum.abs() < 1e-12,
        "an average-reference row has zero total weight"
    );
    let as_recorded = Montage::as_recorded().resolve(&rec).unwrap();
    assert_eq!(as_recorded.len(), rec.channels.len());
}

#[test]
fn montage_errors_name_the_electrode_the_file_and_the_line() {
    let rec = recording(vec![signal("Fp1", 64), signal("F7", 64)], 2, wiggle);
    let banana = Montage::load(&montage_dir().join("double_banana.toml")).unwrap();
    let err = banana.resolve(&rec).unwrap_err().to_string();
    assert!(
        err.contains("double_banana.toml:") && err.contains("\"T3\""),
        "{err}"
    );

    let bad = "name = \"x\"\nkind = \"bipolar\"\n[[channel]]\nplus = \"Fp1\"\nminu = \"F7\"\n";
    let err = Montage::parse(bad, Path::new("mine.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("mine.toml:") && err.contains("minu"),
        "{err}"
    );
    let err = Montage::parse("name = \"x\"\nkind = \"sideways\"\n", Path::new("k.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("k.toml:2:"), "{err}");

    let mixed = recording(vec![signal("C3-A2", 64), signal("P3-A1", 64)], 2, wiggle);
    let m = Montage::parse(
        "name = \"m\"\nkind = \"bipolar\"\n[[channel]]\nplus = \"C3\"\nminus = \"P3\"\n",
        Path::new("m.toml"),
    )
    .unwrap();
    let err = m.resolve(&mixed).unwrap_err().to_string();
    assert!(err.contains("different references"), "{err}");
}

// ---------------------------------------------------------------- channel kinds over the corpus

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("index.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "corpus not found at {} (set SIGMARK_CORPUS)",
        dir.display()
    );
    eprintln!("dsp: corpus not found at {}, skipped", dir.display());
    None
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else if !p.to_string_lossy().ends_with(".json")
            && !p.extension().is_some_and(|x| x == "py" || x == "md")
        {
            out.push(p);
        }
    }
}

#[test]
fn channel_kinds_of_the_corpus_labels() {
    let Some(dir) = corpus() else { return };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let mut seen = std::collections::HashMap::new();
    for path in &paths {
        let Ok(rec) = sigmark::open(path) else {
            continue;
        };
        let kinds: Vec<String> = rec
            .channels
            .iter()
            .map(|c| {
                let k = ChannelKind::of(c);
                seen.insert(c.label.trim().to_string(), k);
                format!("{}={}", c.label.trim(), k.name())
            })
            .collect();
        println!(
            "{}: {} [dominant {}]",
            path.strip_prefix(&dir).unwrap_or(path).display(),
            kinds.join(" "),
            dsp::channel_type::dominant(&rec.channels).name()
        );
    }
    use ChannelKind::*;
    let expected = [
        ("EEG Fp1-Ref", Eeg),
        ("Fc5.", Eeg),
        ("EEG Fpz-Cz", Eeg),
        ("M1", Eeg),
        ("ECG MLII", Ecg),
        ("ECG V5", Ecg),
        ("ECG ECG1", Ecg),
        ("EOG horizontal", Eog),
        ("LEOG", Eog),
        ("EMG submental", Emg),
        ("Resp oro-nasal", Resp),
        ("Temp rectal", Temp),
        ("Event marker", Event),
        ("Status", Event),
        ("Trigger", Event),
        ("acc1", Accel),
        ("SaO2 X9", SpO2),
        ("POL DC01", Other),
        ("EXG1", Other),
    ];
    for (label, kind) in expected {
        if let Some(k) = seen.get(label) {
            assert_eq!(*k, kind, "{label}");
        }
    }
    assert!(seen.len() > 100, "labels seen: {}", seen.len());
}

/// Every channel of every corpus file that opens: level-0 blocks (from digital extremes where
/// the format stores integers) equal the min/max of the reader's physical values.
#[test]
fn pyramid_blocks_equal_the_reader_on_the_corpus() {
    let Some(dir) = corpus() else { return };
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    paths.sort();
    let (mut files_seen, mut blocks) = (0, 0);
    for path in &paths {
        let Ok(rec) = sigmark::open(path) else {
            continue;
        };
        let pyramid = Pyramid::build(&rec, Derivation::as_recorded(&rec)).unwrap();
        for (d, der) in pyramid.derivations().iter().enumerate() {
            let n = rec.channels[der.terms[0].0].samples as usize;
            let values = der.read(&rec, 0, n).unwrap();
            let cols = n.div_ceil(BASE);
            let (mut raw, mut pyr) = (vec![(0.0, 0.0); cols], vec![(0.0, 0.0); cols]);
            raw_envelope(&values, 0.0, BASE as f64, &mut raw);
            pyramid.envelope(d, 0.0, BASE as f64, &mut pyr);
            assert!(same(&raw, &pyr), "{}: {}", path.display(), der.label);
            blocks += cols;
        }
        files_seen += 1;
    }
    println!("pyramid: {blocks} blocks of {files_seen} corpus files equal the reader's values");
}

// ---------------------------------------------------------------- hostile arguments

fn small_pyramid() -> &'static Pyramid {
    static P: std::sync::OnceLock<Pyramid> = std::sync::OnceLock::new();
    P.get_or_init(|| {
        let rec = recording(vec![signal("Cz", 100)], 30, wiggle);
        Pyramid::build(&rec, Derivation::as_recorded(&rec)).unwrap()
    })
}

proptest::proptest! {
    #[test]
    fn no_argument_makes_the_dsp_panic(
        first in proptest::num::f64::ANY,
        spc in proptest::num::f64::ANY,
        cols in 0usize..40,
        values in proptest::collection::vec(proptest::num::f64::ANY, 0..200),
        rate in proptest::num::f64::ANY,
        cutoff in proptest::option::of(proptest::num::f64::ANY),
        order in 0usize..1000,
    ) {
        let mut out = vec![(0.0, 0.0); cols];
        raw_envelope(&values, first, spc, &mut out);
        small_pyramid().envelope(0, first, spc, &mut out);
        let spec = FilterSpec { highpass_hz: cutoff, lowpass_hz: cutoff.map(|c| c * 3.0), notch_hz: cutoff, order };
        let mut v = values.clone();
        spec.apply(rate, &mut v);
        spec.margin_samples(rate);
        proptest::prop_assert_eq!(v.len(), values.len());
    }
}
