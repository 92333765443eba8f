//! `sigmark spectrum` and `sigmark detect beats` end to end, on the demo recordings.

mod common;

use std::path::{Path, PathBuf};

use common::cli::sigmark;
use serde_json::Value;
use sigmark::dsp::spectrum::{Welch, WelchSpec};

fn demo(name: &str) -> String {
    let p: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(name);
    p.to_string_lossy().into_owned()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn spectrum_json_has_the_documented_keys_and_the_library_values() {
    let eeg = demo("demo_eeg.bdf");
    let args = [
        "spectrum",
        &eeg,
        "--channel",
        "EEG O1",
        "--start",
        "30",
        "--duration",
        "20",
    ];
    let (code, out, err) = sigmark(&[&args[..], &["--json"]].concat()).parts();
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    for key in [
        "frequencies_hz",
        "psd",
        "bands",
        "dominant_hz",
        "channel",
        "unit",
        "rate_hz",
        "start_s",
        "duration_s",
        "segment_s",
        "overlap",
        "detrend",
    ] {
        assert!(v.get(key).is_some(), "{key} missing: {out}");
    }
    assert_eq!(v["channel"], "EEG O1");
    assert_eq!(v["unit"], "uV");
    assert_eq!(v["psd_unit"], "uV^2/Hz");
    assert_eq!(
        (v["start_s"].as_f64(), v["duration_s"].as_f64()),
        (Some(30.0), Some(20.0))
    );
    assert_eq!(
        (v["segment_s"].as_f64(), v["overlap"].as_f64()),
        (Some(2.0), Some(0.5))
    );
    assert_eq!(v["detrend"], "constant");
    assert_eq!(v["dominant_hz"].as_f64(), Some(10.0));
    let (f, psd) = (floats(&v["frequencies_hz"]), floats(&v["psd"]));
    assert_eq!((f.len(), psd.len()), (257, 257));
    assert_eq!(f[20], 10.0);
    let mut relative = 0.0;
    for band in ["delta", "theta", "alpha", "beta", "gamma"] {
        let b = &v["bands"][band];
        assert!(b["absolute"].as_f64().unwrap() > 0.0, "{band}");
        relative += b["relative"].as_f64().unwrap();
    }
    assert!((relative - 1.0).abs() < 1e-9);
    assert!(v["bands"]["alpha"]["relative"].as_f64().unwrap() > 0.5);
    // The same numbers as the library computes from the same samples (JSON round-trips f64).
    let rec = sigmark::open(&eeg).unwrap();
    let ch = rec.channel_index("EEG O1").unwrap();
    let x = rec.read_samples(ch, 30 * 256, 20 * 256).unwrap();
    let want = Welch::new(WelchSpec::new(512))
        .unwrap()
        .psd(&x, 256.0)
        .unwrap();
    assert_eq!(psd, want.density);
}

#[test]
fn spectrum_csv_has_quarter_hertz_bins_and_the_seizure_peak() {
    let eeg = demo("demo_eeg.bdf");
    let (code, out, err) = sigmark(&[
        "spectrum",
        &eeg,
        "-c",
        "7",
        "--start",
        "75",
        "--duration",
        "20",
        "--segment",
        "4",
        "--overlap",
        "0.75",
        "--detrend",
        "none",
        "--csv",
    ])
    .parts();
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "frequency_hz,psd");
    assert_eq!(
        lines.len(),
        1 + 513,
        "4 s at 256 Hz: 0.25 Hz bins to 128 Hz"
    );
    assert!(lines[1].starts_with("0,"));
    let peak = lines[1..]
        .iter()
        .map(|l| {
            let (f, p) = l.split_once(',').unwrap();
            (f.parse::<f64>().unwrap(), p.parse::<f64>().unwrap())
        })
        .filter(|(f, _)| *f >= 0.5)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert!(
        (3.0..=6.0).contains(&peak.0),
        "seizure rhythm at T3: {peak:?}"
    );
}

#[test]
fn spectrum_text_names_the_channel_and_the_bands() {
    let eeg = demo("demo_eeg.bdf");
    let (code, out, err) = sigmark(&["spectrum", &eeg, "-c", "EEG O2", "--duration", "60"]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("channel     EEG O2 (uV, 256 Hz)"), "{out}");
    assert!(out.contains("segments averaged"));
    assert!(out.contains("  alpha "), "{out}");
    assert!(out.contains("dominant    "));
}

#[test]
fn a_segment_longer_than_the_window_is_shortened_and_said_so() {
    // As SciPy shortens it.
    let eeg = demo("demo_eeg.bdf");
    let (code, out, err) = sigmark(&[
        "spectrum",
        &eeg,
        "-c",
        "0",
        "--start",
        "10",
        "--duration",
        "1",
        "--segment",
        "4",
        "--json",
    ])
    .parts();
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["segment_samples"], 256);
    assert_eq!(v["segments"], 1);
    assert!(v["notes"][0].as_str().unwrap().contains("shortened"));
}

#[test]
fn spectrum_errors_name_the_problem() {
    let eeg = demo("demo_eeg.bdf");
    let cases: [(&[&str], &str); 8] = [
        (&["-c", "Fpz"], "channels are: EEG Fp1, EEG Fp2"),
        (&["-c", "0", "--start", "200"], "outside the recording"),
        (&["-c", "0", "--start=-1"], "outside the recording"),
        (
            &["-c", "0", "--start", "170", "--duration", "20"],
            "ends after the recording",
        ),
        (&["-c", "0", "--duration", "0"], "--duration 0"),
        (&["-c", "0", "--overlap", "1"], "--overlap 1"),
        (&["-c", "0", "--segment", "0.001"], "--segment 0.001"),
        (&["-c", "0", "--segment", "NaN"], "--segment NaN"),
    ];
    for (extra, message) in cases {
        let (code, _, err) = sigmark(&[&["spectrum", &eeg][..], extra].concat()).parts();
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains(message), "{extra:?}: {err}");
    }
    let (code, _, err) = sigmark(&["spectrum", &eeg, "-c", "0", "--json", "--csv"]).parts();
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = sigmark(&["spectrum", &eeg, "-c", "0", "--detrend", "linear"]).parts();
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = sigmark(&["spectrum", "/no/such/file.edf", "-c", "0"]).parts();
    assert_eq!(code, 1, "{err}");
}

const HEADER: &str =
    "onset\tduration\tlabel\tchannel\tcertainty\tnote\treader\tid\tcreated\tmodified";

#[test]
fn detect_beats_writes_an_events_table() {
    let ecg = demo("demo_ecg.edf");
    let (code, out, err) = sigmark(&["detect", "beats", &ecg]).parts();
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], HEADER);
    let rows = &lines[1..];
    assert!(
        (650..=800).contains(&rows.len()),
        "{} beats in 10 min",
        rows.len()
    );
    let mut last = -1.0;
    for (i, row) in rows.iter().enumerate() {
        let f: Vec<&str> = row.split('\t').collect();
        assert_eq!(f.len(), 10, "{row}");
        let onset: f64 = f[0].parse().unwrap();
        assert!(onset > last, "{row}");
        last = onset;
        assert_eq!(
            f[0].split('.').nth(1).map(str::len),
            Some(6),
            "6 decimals: {row}"
        );
        assert_eq!(
            &f[1..],
            &[
                "0",
                "beat",
                "ECG I",
                "definite",
                "",
                "sigmark-detect",
                &format!("beat-{:06}", i + 1),
                "",
                ""
            ],
            "{row}"
        );
    }
    assert!(last <= 600.0);

    // --out writes the same table atomically and leaves no temporary file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.beats.events.tsv");
    std::fs::write(&path, "old contents\n").unwrap();
    let p = path.to_string_lossy().into_owned();
    let (code, stdout, err) = sigmark(&["detect", "beats", &ecg, "--out", &p]).parts();
    assert_eq!(code, 0, "{err}");
    assert_eq!(stdout, "");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), out);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    let (code, out, err) = sigmark(&["detect", "beats", &ecg, "--channel", "ECG V5"]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().nth(1).unwrap().contains("\tECG V5\t"));
}

#[test]
fn detect_beats_errors_name_the_problem() {
    let eeg = demo("demo_eeg.bdf");
    let (code, _, err) = sigmark(&["detect", "beats", &eeg]).parts();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no channel looks like ECG"), "{err}");
    assert!(err.contains("EEG Fp1"), "{err}");
    let ecg = demo("demo_ecg.edf");
    let (code, _, err) = sigmark(&["detect", "beats", &ecg, "-c", "MLII"]).parts();
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("channels are: ECG I, ECG II, ECG V1, ECG V5"),
        "{err}"
    );
    let (code, _, err) = sigmark(&["detect", "beats", &ecg, "--out", "/no/such/dir/x.tsv"]).parts();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("/no/such/dir/x.tsv"), "{err}");
    let (code, _, err) = sigmark(&["detect", "everything", &ecg]).parts();
    assert_eq!(code, 2, "{err}");
}
