//! The R-peak detector against the reference beat annotations of MIT-BIH Arrhythmia Database
//! record 100 (in the corpus as an EDF+ file whose annotation signals carry the cardiologists'
//! labels), scored beat by beat as ANSI/AAMI EC57 prescribes (the rules of WFDB's `bxb`):
//! - a detection matches a reference beat when they are at most 150 ms apart, one to one
//!   (the EC57 match window);
//! - only beat labels are reference beats; rhythm changes (`+(N`), noise (`~`), artefact (`|`)
//!   and the other non-beat annotations are not;
//! - scoring starts 5 minutes in (the first 5 minutes are the detector's learning period, as
//!   `bxb -f 5:0`), and beats and detections before it are not counted.
//!
//! The demo ECG's truth table holds rhythm events and ectopic beats, not every beat, so there
//! the test checks the mean heart rate and that every PVC and PAC of the truth was detected.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64};

use sigmark::dsp::beats::{detect, detect_channel, mean_heart_rate_bpm, Beat};

/// EC57 match window and learning period.
const MATCH_S: f64 = 0.150;
const SKIP_S: f64 = 300.0;
/// Targets of issue 4.
const MIN_SE: f64 = 0.995;
const MIN_PPV: f64 = 0.995;

/// MIT-BIH beat labels (WFDB `isqrs`): normal, bundle branch blocks, atrial and nodal
/// premature, aberrated, ventricular, fusion, escape, paced, pacemaker fusion, unclassifiable.
const BEAT_LABELS: &str = "NLRBAaJSVrFejnE/fQ?";

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("index.json").is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("corpus not found at {} (set SIGMARK_CORPUS)", dir.display());
    }
    eprintln!("beats: corpus not found at {}, skipped", dir.display());
    None
}

#[derive(Debug, Default, PartialEq)]
struct Score {
    tp: usize,
    fn_: usize,
    fp: usize,
    /// Detection minus reference time of the counted matches, in seconds.
    offsets: Vec<f64>,
}

impl Score {
    fn se(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_) as f64
    }
    fn ppv(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp) as f64
    }

    fn summary(&self) -> String {
        let mut abs: Vec<f64> = self.offsets.iter().map(|o| o.abs() * 1e3).collect();
        abs.sort_by(f64::total_cmp);
        let mean = self.offsets.iter().sum::<f64>() * 1e3 / self.offsets.len().max(1) as f64;
        format!(
            "TP {} FN {} FP {}, Se {:.2}%, PPV {:.2}%; R-peak offset mean {mean:+.1} ms, \
             median |offset| {:.1} ms, max {:.1} ms",
            self.tp,
            self.fn_,
            self.fp,
            100.0 * self.se(),
            100.0 * self.ppv(),
            abs.get(abs.len() / 2).copied().unwrap_or(f64::NAN),
            abs.last().copied().unwrap_or(f64::NAN)
        )
    }
}

/// One-to-one matching within `MATCH_S`, closest pairs first; counts only what lies at or after
/// `SKIP_S` (a pair straddling that time is matched, so neither side is counted as an error).
fn score(reference: &[f64], detected: &[f64]) -> Score {
    let mut pairs = Vec::new();
    let mut lo = 0;
    for (i, &r) in reference.iter().enumerate() {
        while lo < detected.len() && detected[lo] < r - MATCH_S {
            lo += 1;
        }
        for (j, &d) in detected.iter().enumerate().skip(lo) {
            if d > r + MATCH_S {
                break;
            }
            pairs.push(((d - r).abs(), i, j));
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut ref_hit, mut det_hit) = (vec![false; reference.len()], vec![false; detected.len()]);
    let mut s = Score::default();
    for (_, i, j) in pairs {
        if !ref_hit[i] && !det_hit[j] {
            ref_hit[i] = true;
            det_hit[j] = true;
            if reference[i] >= SKIP_S {
                s.offsets.push(detected[j] - reference[i]);
            }
        }
    }
    for (&r, &hit) in reference.iter().zip(&ref_hit) {
        if r >= SKIP_S {
            if hit {
                s.tp += 1;
            } else {
                s.fn_ += 1;
            }
        }
    }
    s.fp = detected
        .iter()
        .zip(&det_hit)
        .filter(|&(&d, &hit)| d >= SKIP_S && !hit)
        .count();
    s
}

fn times(rec: &sigmark::Recording, ch: usize, beats: &[Beat]) -> Vec<f64> {
    beats
        .iter()
        .map(|b| rec.sample_time(ch, b.sample))
        .collect()
}

#[test]
fn mitbih_100_sensitivity_and_positive_predictivity() {
    let Some(dir) = corpus() else { return };
    let rec = sigmark::open(dir.join("derived/mitdb100_ecg_edfplus.edf")).unwrap();
    let ch = rec.channel_index("ECG MLII").unwrap();
    let mut reference: Vec<f64> = rec
        .annotations
        .iter()
        .filter(|a| a.text.len() == 1 && BEAT_LABELS.contains(a.text.as_str()))
        .map(|a| a.onset_s)
        .collect();
    reference.sort_by(f64::total_cmp);
    let non_beats = rec.annotations.len() - reference.len();
    let started = std::time::Instant::now();
    let detection = detect_channel(&rec, ch, &AtomicU64::new(0), &AtomicBool::new(false)).unwrap();
    let elapsed = started.elapsed();
    let detected = times(&rec, ch, &detection.beats);
    let s = score(&reference, &detected);
    let searchback = detection.beats.iter().filter(|b| b.searchback).count();
    println!(
        "MIT-BIH 100 MLII ({} reference beats, {non_beats} non-beat annotations left out; \
         {} detections, {searchback} by search-back, in {:.0} ms), from 5:00, 150 ms window: \
         {}",
        reference.len(),
        detected.len(),
        elapsed.as_secs_f64() * 1e3,
        s.summary()
    );
    assert_eq!(
        reference.len(),
        2272,
        "2273 annotations less the rhythm label"
    );
    assert!(s.se() >= MIN_SE && s.ppv() >= MIN_PPV, "{}", s.summary());
    // Same figures at another rate: the detector has no rate baked in. Every second sample
    // (180 Hz) and each sample three times (1080 Hz, a staircase).
    let x = rec
        .read_samples(ch, 0, rec.channels[ch].samples as usize)
        .unwrap();
    for (factor, resampled) in [
        (0.5, x.iter().step_by(2).copied().collect::<Vec<f64>>()),
        (3.0, x.iter().flat_map(|&v| [v; 3]).collect()),
    ] {
        let rate = 360.0 * factor;
        let beats = detect(&resampled, rate).unwrap();
        let t: Vec<f64> = beats.iter().map(|b| b.sample as f64 / rate).collect();
        let s = score(&reference, &t);
        println!("  MLII at {rate} Hz: {}", s.summary());
        assert!(s.se() >= MIN_SE && s.ppv() >= MIN_PPV, "{rate} Hz: {s:?}");
    }
    // The other lead, V5, has smaller R waves; reported, not a target of the issue.
    let v5 = rec.channel_index("ECG V5").unwrap();
    let d = detect_channel(&rec, v5, &AtomicU64::new(0), &AtomicBool::new(false)).unwrap();
    println!(
        "  V5: {}",
        score(&reference, &times(&rec, v5, &d.beats)).summary()
    );
}

#[test]
fn demo_ecg_heart_rate_and_ectopic_beats() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings");
    let rec = sigmark::open(dir.join("demo_ecg.edf")).unwrap();
    let truth = std::fs::read_to_string(dir.join("demo_ecg.truth.events.tsv")).unwrap();
    let onsets = |label: &str| -> Vec<f64> {
        truth
            .lines()
            .skip(1)
            .filter_map(|l| {
                let f: Vec<&str> = l.split('\t').collect();
                (f.get(2) == Some(&label)).then(|| f[0].parse().unwrap())
            })
            .collect()
    };
    let (pvc, pac, pause) = (onsets("PVC"), onsets("PAC"), onsets("Pause")[0]);
    for lead in ["ECG I", "ECG II", "ECG V1", "ECG V5"] {
        let ch = rec.channel_index(lead).unwrap();
        let d = detect_channel(&rec, ch, &AtomicU64::new(0), &AtomicBool::new(false)).unwrap();
        let t = times(&rec, ch, &d.beats);
        let bpm = mean_heart_rate_bpm(&d.beats, rec.channels[ch].rate_hz).unwrap();
        let found = |events: &[f64]| {
            events
                .iter()
                .filter(|&&e| t.iter().any(|&b| (b - e).abs() <= MATCH_S))
                .count()
        };
        // The sinus pause: nothing detected in the 3 s without beats.
        let in_pause = t
            .iter()
            .filter(|&&b| b > pause + 0.3 && b < pause + 2.7)
            .count();
        println!(
            "demo {lead}: {} beats in {} s, mean {bpm:.1} bpm, PVC {}/{}, PAC {}/{}, \
             {in_pause} detections in the pause",
            t.len(),
            rec.duration_s,
            found(&pvc),
            pvc.len(),
            found(&pac),
            pac.len()
        );
        assert!((55.0..=90.0).contains(&bpm), "{lead}: {bpm}");
        assert_eq!(in_pause, 0, "{lead}");
        assert_eq!(found(&pac), pac.len(), "{lead}");
        // In V5 the synthetic PVCs are slow, smooth complexes: their integrated slope is about
        // a thirteenth of a sinus beat's and stays under even the search-back threshold, a
        // known weakness of Pan-Tompkins' squared-slope feature. The other leads find them.
        if lead != "ECG V5" {
            assert_eq!(found(&pvc), pvc.len(), "{lead}");
        }
    }
}

/// QRS-like Gaussian pulses (20 ms wide) at `bpm` on a slow 1 Hz wave; the pulse times.
fn pulses(rate: f64, seconds: f64, bpm: f64) -> (Vec<f64>, Vec<f64>) {
    let rr = 60.0 / bpm;
    let r: Vec<f64> = (0..)
        .map(|k| 0.5 + k as f64 * rr)
        .take_while(|&t| t < seconds - 0.5)
        .collect();
    let x = (0..(seconds * rate) as usize)
        .map(|i| {
            let t = i as f64 / rate;
            let qrs: f64 = r.iter().map(|&b| (-((t - b) / 0.02).powi(2)).exp()).sum();
            qrs + 0.05 * (std::f64::consts::TAU * 1.0 * t).sin()
        })
        .collect();
    (x, r)
}

#[test]
fn synthetic_pulses_at_several_rates_and_a_missing_sample() {
    for (rate, bpm) in [(128.0, 45.0), (250.0, 72.0), (500.0, 150.0), (2048.0, 90.0)] {
        let (mut x, r) = pulses(rate, 120.0, bpm);
        let gap = x.len() / 2;
        x[gap] = f64::NAN;
        let beats = detect(&x, rate).unwrap();
        let t: Vec<f64> = beats.iter().map(|b| b.sample as f64 / rate).collect();
        let missed = r
            .iter()
            .filter(|&&b| !t.iter().any(|&d| (d - b).abs() <= 0.01))
            .count();
        // The beat whose QRS holds the NaN sample may be lost; no other.
        assert!(
            missed <= 1,
            "{rate} Hz, {bpm} bpm: {missed} of {} missed",
            r.len()
        );
        assert!(
            t.len() <= r.len(),
            "{rate} Hz: {} detections for {} beats",
            t.len(),
            r.len()
        );
        let hr = mean_heart_rate_bpm(&beats, rate).unwrap();
        assert!((hr - bpm).abs() < 1.0, "{rate} Hz: {hr} bpm");
    }
}

#[test]
fn bad_signals_give_errors_or_no_beats() {
    for rate in [0.0, -360.0, f64::NAN, f64::INFINITY, 20.0] {
        assert!(detect(&[0.0; 1000], rate).is_err(), "{rate}");
    }
    assert_eq!(detect(&[], 360.0).unwrap(), vec![]);
    assert_eq!(detect(&[1.0; 5], 360.0).unwrap(), vec![]);
    assert_eq!(detect(&[0.0; 100_000], 360.0).unwrap(), vec![]);
    let noisy: Vec<f64> = (0..36_000)
        .map(|i| {
            if i % 997 == 0 {
                f64::NAN
            } else {
                (i as f64 * 0.37).sin()
            }
        })
        .collect();
    detect(&noisy, 360.0).unwrap();
    assert_eq!(mean_heart_rate_bpm(&[], 360.0), None);
}
