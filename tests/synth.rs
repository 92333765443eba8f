//! `sigmark synth`: the committed demo recordings are exactly what the generator writes, they
//! open as declared, and their content matches their ground-truth tables.

use std::path::{Path, PathBuf};

use sigmark::{Format, Recording};

fn recordings() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings")
}

fn open(name: &str) -> Recording {
    sigmark::open(recordings().join(name)).unwrap()
}

/// Rows of a truth table: (onset, duration, label), after checking its header.
fn truth(name: &str) -> Vec<(f64, f64, String)> {
    let text = std::fs::read_to_string(recordings().join(name)).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("onset\tduration\tlabel"), "{name}");
    lines
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert_eq!(cols.len(), 3, "{name}: {l}");
            (
                cols[0].parse().unwrap(),
                cols[1].parse().unwrap(),
                cols[2].to_string(),
            )
        })
        .collect()
}

fn spans(rows: &[(f64, f64, String)], label: &str) -> Vec<(f64, f64)> {
    rows.iter()
        .filter(|r| r.2 == label)
        .map(|r| (r.0, r.0 + r.1))
        .collect()
}

fn assert_within(rows: &[(f64, f64, String)], duration_s: f64) {
    assert!(!rows.is_empty());
    for (onset, dur, label) in rows {
        assert!(*onset >= 0.0 && *dur >= 0.0, "{label} at {onset}");
        assert!(
            onset + dur <= duration_s,
            "{label} at {onset} ends after {duration_s} s"
        );
    }
}

fn samples(rec: &Recording, label: &str, from_s: f64, to_s: f64) -> Vec<f64> {
    let ch = rec.channel_index(label).unwrap();
    rec.read_window(ch, from_s, to_s - from_s).unwrap().values
}

fn mean_square(x: &[f64]) -> f64 {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64
}

#[test]
fn committed_recordings_are_regenerated_byte_identically() {
    let dir = tempfile::tempdir().unwrap();
    let args = sigmark::cli::synth::Args {
        out: dir.path().to_path_buf(),
    };
    sigmark::cli::synth::run(&args).unwrap();
    let mut written: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written.len(), 6, "{written:?}");
    for name in &written {
        let fresh = std::fs::read(dir.path().join(name)).unwrap();
        let committed = std::fs::read(recordings().join(name)).unwrap();
        assert!(
            fresh == committed,
            "recordings/{name} differs from a fresh `sigmark synth`"
        );
    }
}

#[test]
fn ecg_is_a_ten_minute_four_lead_edf_plus() {
    let rec = open("demo_ecg.edf");
    assert_eq!(rec.format, Format::EdfPlusC);
    let labels: Vec<&str> = rec.channels.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["ECG I", "ECG II", "ECG V1", "ECG V5"]);
    assert!(rec
        .channels
        .iter()
        .all(|c| c.rate_hz == 500.0 && c.samples == 300_000));
    assert!(rec.channels.iter().all(|c| c.unit == "mV"));
    assert_eq!(rec.duration_s, 600.0);
    let texts: Vec<&str> = rec.annotations.iter().map(|a| a.text.as_str()).collect();
    assert!(texts.contains(&"Recording start") && texts.contains(&"Lead check"));
    let rows = truth("demo_ecg.truth.events.tsv");
    assert_within(&rows, rec.duration_s);
    assert_eq!(spans(&rows, "PVC").len(), 6);
    assert_eq!(spans(&rows, "PAC").len(), 6);
    assert_eq!(spans(&rows, "AF").len(), 1);
    assert_eq!(spans(&rows, "Pause").len(), 1);
}

/// R peaks in lead II: samples above 0.7 mV that are the (first) maximum within 250 ms.
fn r_peaks(rec: &Recording, from_s: f64, to_s: f64) -> Vec<f64> {
    let x = samples(rec, "ECG II", from_s, to_s);
    let half = 125; // 250 ms at 500 Hz
    (0..x.len())
        .filter(|&i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half).min(x.len() - 1);
            x[i] > 0.7 && (lo..=hi).all(|j| x[j] < x[i] || (x[j] == x[i] && j >= i))
        })
        .map(|i| from_s + i as f64 / 500.0)
        .collect()
}

fn rr(peaks: &[f64]) -> Vec<f64> {
    peaks.windows(2).map(|w| w[1] - w[0]).collect()
}

fn coefficient_of_variation(x: &[f64]) -> f64 {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    mean_square(x).sqrt() / m
}

#[test]
fn ecg_rhythm_matches_the_truth() {
    let rec = open("demo_ecg.edf");
    let rows = truth("demo_ecg.truth.events.tsv");
    // Sinus rhythm before the first ectopic beat: about 70 bpm.
    let first_ectopic = rows.iter().map(|r| r.0).fold(f64::MAX, f64::min);
    let sinus = r_peaks(&rec, 2.0, first_ectopic - 1.0);
    let bpm = 60.0 * (sinus.len() - 1) as f64 / (sinus[sinus.len() - 1] - sinus[0]);
    assert!((62.0..78.0).contains(&bpm), "{bpm} bpm");
    let sinus_cv = coefficient_of_variation(&rr(&sinus));
    // Atrial fibrillation: irregularly irregular.
    let (af_start, af_end) = spans(&rows, "AF")[0];
    let af_cv = coefficient_of_variation(&rr(&r_peaks(&rec, af_start + 1.0, af_end - 1.0)));
    assert!(
        sinus_cv < 0.08 && af_cv > 2.0 * sinus_cv,
        "{sinus_cv} {af_cv}"
    );
    // The pause: no R peak inside it.
    let (p_start, p_end) = spans(&rows, "Pause")[0];
    let around = r_peaks(&rec, p_start - 0.1, p_end + 0.1);
    assert_eq!(around.len(), 2, "{around:?}");
    assert!((around[1] - around[0] - 3.0).abs() < 0.01);
}

#[test]
fn eeg_is_a_nineteen_channel_bdf_plus() {
    let rec = open("demo_eeg.bdf");
    assert_eq!(rec.format, Format::BdfPlusC);
    assert_eq!(rec.channels.len(), 19);
    assert_eq!(rec.channels[0].label, "EEG Fp1");
    assert_eq!(rec.channels[18].label, "EEG O2");
    assert!(rec
        .channels
        .iter()
        .all(|c| c.rate_hz == 256.0 && c.unit == "uV"));
    assert_eq!(rec.duration_s, 180.0);
    assert_within(&truth("demo_eeg.truth.events.tsv"), rec.duration_s);
}

#[test]
fn eeg_content_matches_the_truth() {
    let rec = open("demo_eeg.bdf");
    let rows = truth("demo_eeg.truth.events.tsv");
    let (s0, s1) = spans(&rows, "Seizure")[0];
    let before = mean_square(&samples(&rec, "EEG T3", s0 - 20.0, s0));
    let during = mean_square(&samples(&rec, "EEG T3", s0, s1));
    assert!(
        during > 8.0 * before,
        "seizure {during} vs background {before}"
    );
    // Posterior alpha: the occipital background is larger than the central one.
    let quiet = |l| mean_square(&samples(&rec, l, 0.0, 5.0));
    assert!(quiet("EEG O1") > 2.0 * quiet("EEG Cz"));
    // Blinks are large at Fp1 and absent at O1.
    for (b0, b1) in spans(&rows, "Eye blink") {
        let peak = |l| {
            samples(&rec, l, b0, b1)
                .into_iter()
                .fold(f64::MIN, f64::max)
        };
        assert!(peak("EEG Fp1") > 100.0 && peak("EEG Fp1") > 2.0 * peak("EEG O1"));
    }
}

#[test]
fn monitoring_h5_reads_back_through_hdf5_reader() {
    let file = hdf5_reader::Hdf5File::open(recordings().join("demo_monitoring.h5")).unwrap();
    let expect = [
        ("SpO2", 1.0, "%"),
        ("HR", 1.0, "bpm"),
        ("Resp", 25.0, "a.u."),
        ("Accel_X", 50.0, "g"),
        ("Accel_Y", 50.0, "g"),
        ("Accel_Z", 50.0, "g"),
    ];
    for (name, rate, units) in expect {
        let ds = file.dataset(&format!("/signals/{name}")).unwrap();
        let attr = |a: &str| ds.attribute(a).unwrap();
        assert_eq!(attr("sampling_rate").read_scalar::<f64>().unwrap(), rate);
        assert_eq!(attr("units").read_string().unwrap(), units);
        assert!(!attr("label").read_string().unwrap().is_empty());
        assert_eq!(ds.shape(), [(900.0 * rate) as u64]);
    }
    let names = file
        .group("/signals")
        .unwrap()
        .attribute("channel_names")
        .unwrap();
    assert_eq!(names.read_strings().unwrap().len(), 6);
}

fn h5_channel(file: &hdf5_reader::Hdf5File, name: &str) -> Vec<f64> {
    let a: ndarray::ArrayD<f32> = file
        .dataset(&format!("/signals/{name}"))
        .unwrap()
        .read_array()
        .unwrap();
    a.iter().map(|&v| f64::from(v)).collect()
}

#[test]
fn monitoring_content_matches_the_truth() {
    let file = hdf5_reader::Hdf5File::open(recordings().join("demo_monitoring.h5")).unwrap();
    let rows = truth("demo_monitoring.truth.events.tsv");
    assert_within(&rows, 900.0);
    let spo2 = h5_channel(&file, "SpO2");
    let resp = h5_channel(&file, "Resp");
    for (d0, d1) in spans(&rows, "Desaturation") {
        let base = spo2[d0 as usize];
        let nadir = spo2[d0 as usize..d1 as usize]
            .iter()
            .copied()
            .fold(f64::MAX, f64::min);
        assert!(
            (4.0..=11.0).contains(&(base - nadir)),
            "{d0}: {base} -> {nadir}"
        );
    }
    for (a0, a1) in spans(&rows, "Apnea") {
        let at = |t: f64| (t * 25.0) as usize;
        let during = mean_square(&resp[at(a0 + 3.0)..at(a1 - 3.0)]);
        let before = mean_square(&resp[at(a0 - 30.0)..at(a0)]);
        assert!(during < 0.05 * before, "{a0}: {during} vs {before}");
    }
}
