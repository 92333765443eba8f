//! `sigmark export --format wfdb`: recordings written as WFDB records and read back by
//! wfdb-python 4.3.1 (`rdrecord(physical=True, smooth_frames=False)`, tests/py/wfdb_rdrecord.py),
//! compared with sigmark's own reading of the source, sample statistics per signal.
//!
//! Tolerance, named: every value within 1e-9 of the channel's largest declared (or observed)
//! magnitude, sums within 1e-9 of the larger of sqrt(n * sumsq) and n times that magnitude. EDF/BDF digital values are written exactly;
//! what differs is only the float arithmetic of `(d - baseline) / gain` against EDFlib's
//! expression, plus at most half a step of a rounded baseline divided by a multiplier of at
//! least 128 (Biosemi's); HDF5 floats are quantised to 32 bits (2.3e-10 of the peak).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const REL: f64 = 1e-9;

fn python() -> Option<PathBuf> {
    common::reference::python("export_wfdb")
}

fn corpus() -> PathBuf {
    std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"))
}

fn rdrecord(py: &Path, record: &Path) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/wfdb_rdrecord.py");
    let out = Command::new(py).arg(script).arg(record).output().unwrap();
    assert!(
        out.status.success(),
        "wfdb-python failed on {}: {}",
        record.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn export(src: &Path, dir: &Path, name: &str) -> PathBuf {
    let out = dir.join(name);
    let run = common::cli::sigmark(&[
        "export".as_ref(),
        "--format".as_ref(),
        "wfdb".as_ref(),
        src.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let (code, _, err) = run.parts();
    assert_eq!(code, 0, "export of {} failed: {err}", src.display());
    out
}

fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= REL * scale.max(f64::MIN_POSITIVE)
}

/// Compares one exported record with sigmark's reading of its source; returns values compared.
fn compare(src: &Path, theirs: &Value) -> usize {
    let rec = sigmark::formats::open(src).unwrap();
    let sigs = theirs["signals"].as_array().unwrap();
    assert_eq!(
        sigs.len(),
        rec.channels.len(),
        "{}: signal count",
        src.display()
    );
    let mut compared = 0;
    for (ch, (c, s)) in rec.channels.iter().zip(sigs).enumerate() {
        let ours = rec.read_samples(ch, 0, c.samples as usize).unwrap();
        let what = format!("{} signal {ch} {:?}", src.display(), c.label);
        assert_eq!(s["n"].as_u64(), Some(c.samples), "{what}: n");
        assert_eq!(s["nan"].as_u64(), Some(0), "{what}: invalid samples");
        let peak = ours.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = [c.physical_min, c.physical_max]
            .into_iter()
            .flatten()
            .fold(peak, |m, v| m.max(v.abs()));
        let first = s["first16"].as_array().unwrap();
        let last = s["last16"].as_array().unwrap();
        let tail = &ours[ours.len() - last.len()..];
        for (o, t) in ours.iter().zip(first).chain(tail.iter().zip(last)) {
            let t = t.as_f64().unwrap();
            assert!(
                close(*o, t, scale),
                "{what}: value {o} against wfdb-python {t}"
            );
            compared += 1;
        }
        let sum: f64 = ours.iter().sum();
        let sumsq: f64 = ours.iter().map(|v| v * v).sum();
        // Per value within REL of the range, so the sum within n times that (a rounded
        // baseline errs the same way on every sample), or REL of sqrt(n sumsq).
        let mag = (c.samples as f64 * sumsq)
            .sqrt()
            .max(c.samples as f64 * scale);
        let their_sum = s["sum"].as_f64().unwrap();
        assert!(
            close(sum, their_sum, mag),
            "{what}: sum {sum} against {their_sum}"
        );
        let (lo, hi) = ours
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(*v), h.max(*v))
            });
        if c.samples > 0 {
            assert!(close(lo, s["min"].as_f64().unwrap(), scale), "{what}: min");
            assert!(close(hi, s["max"].as_f64().unwrap(), scale), "{what}: max");
        }
        compared += 4;
    }
    compared
}

#[test]
fn recordings_written_as_wfdb_read_back_equal_in_wfdb_python() {
    let Some(py) = python() else { return };
    let c = corpus();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sources = [
        root.join("recordings/demo_ecg.edf"),
        root.join("recordings/demo_eeg.bdf"),
        root.join("recordings/demo_monitoring.h5"),
        c.join("edf/sleepedf_SC4001E0_short_psg.edf"),
        c.join("edf/nihonkohden_MB0400FU_edfplusD.edf"),
        c.join("edf/subsecond_starttime_inverted_range.edf"),
        c.join("edf/mne_test_reduced_multirate.edf"),
        c.join("edf/dc_eeg_fractional_record_duration.edf"),
        c.join("bdf/biosemi_actiview_73ch_2048hz.bdf"),
        c.join("bdf/sleepedf_SC4001E0_short_psg.bdf"),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut total = 0;
    for (i, src) in sources.iter().enumerate() {
        if !src.is_file() {
            assert!(
                std::env::var_os("CI").is_none(),
                "{} missing",
                src.display()
            );
            continue;
        }
        let rec = export(src, dir.path(), &format!("rec{i}"));
        let theirs = rdrecord(&py, &rec);
        let n = compare(src, &theirs);
        println!(
            "{}: {} signals, {} values compared with wfdb-python (fs {}, {} frames)",
            src.display(),
            theirs["signals"].as_array().map_or(0, Vec::len),
            n,
            theirs["fs"],
            theirs["sig_len"]
        );
        total += n;
    }
    println!("wfdb export: {total} values compared, all within {REL} of each channel's range");
    assert!(total > 0);
}

#[test]
fn the_header_names_the_start_and_every_signal() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let rec = export(&root.join("recordings/demo_ecg.edf"), dir.path(), "demo");
    let hea = std::fs::read_to_string(rec.with_extension("hea")).unwrap();
    let first = hea.lines().next().unwrap();
    println!("{hea}");
    assert!(first.starts_with("demo 4 500 "), "{first}");
    assert!(first.ends_with(" 09:30:00 15/03/2024"), "{first}");
    assert_eq!(
        hea.lines()
            .filter(|l| l.starts_with("demo.dat 16 "))
            .count(),
        4
    );
    let dat = std::fs::metadata(rec.with_extension("dat")).unwrap().len();
    let src = sigmark::formats::open(root.join("recordings/demo_ecg.edf")).unwrap();
    assert_eq!(dat, 2 * 4 * src.channels[0].samples);
}

#[test]
fn bad_record_names_and_signal_less_files_are_refused() {
    let c = corpus();
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.path().join("has space");
    let run = common::cli::sigmark(&[
        "export".as_ref(),
        "--format".as_ref(),
        "wfdb".as_ref(),
        root.join("recordings/demo_ecg.edf").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    let (code, _, err) = run.parts();
    assert_ne!(code, 0);
    assert!(err.contains("record name"), "{err}");
    let hyp = c.join("edf/sleepedf_SC4001EC-Hypnogram.edf");
    if hyp.is_file() {
        let out = dir.path().join("hyp");
        let run = common::cli::sigmark(&[
            "export".as_ref(),
            "--format".as_ref(),
            "wfdb".as_ref(),
            hyp.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        let (code, _, err) = run.parts();
        assert_ne!(code, 0);
        assert!(err.contains("no signals"), "{err}");
        assert!(!dir.path().join("hyp.hea").exists());
    }
}

#[test]
fn edf_plus_d_gaps_become_invalid_frames() {
    let Some(py) = python() else { return };
    // Three 1 s records at 0 s, 1 s and 4 s: a 2 s gap, so 5 s of frames with 2 s invalid.
    let mut spec = common::spec(
        false,
        Some(sigmark::formats::edf::writer::Plus::Discontinuous),
        3,
    );
    spec.record_onsets_100ns = vec![0, 10_000_000, 40_000_000];
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("gaps.edf");
    std::fs::write(&src, common::bytes(&spec)).unwrap();
    let rec = export(&src, dir.path(), "gaps");
    let theirs = rdrecord(&py, &rec);
    println!("{theirs}");
    assert_eq!(
        theirs["fs"].as_f64(),
        Some(4.0),
        "frame rate: gcd(8, 4) per 1 s record"
    );
    assert_eq!(theirs["sig_len"].as_u64(), Some(5 * 4));
    let fp1 = &theirs["signals"][0];
    assert_eq!(fp1["spf"].as_u64(), Some(2));
    assert_eq!(fp1["n"].as_u64(), Some(5 * 8));
    assert_eq!(
        fp1["nan"].as_u64(),
        Some(2 * 8),
        "the 2 s gap, 8 samples a second"
    );
    assert_eq!(theirs["signals"][1]["nan"].as_u64(), Some(2 * 4));
    let ours = sigmark::formats::open(&src).unwrap();
    let first = ours.read_samples(0, 16, 8).unwrap();
    let last16: Vec<f64> = fp1["last16"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap_or(f64::NAN))
        .collect();
    // The third record (samples 16..24 of sigmark's reading) is the record at 4 s: frames
    // 16..20, the last 8 Fp1 samples of the WFDB record.
    for (o, t) in first.iter().zip(&last16[8..]) {
        assert!(close(*o, *t, 500.0), "{o} against {t}");
    }
    assert!(last16[..8].iter().all(|v| v.is_nan()));
}

#[test]
fn the_recordings_annotations_go_to_an_atr_wfdb_python_reads() {
    let Some(py) = python() else { return };
    let c = corpus();
    let src = c.join("derived/mitdb100_ecg_edfplus.edf");
    if !src.is_file() {
        assert!(
            std::env::var_os("CI").is_none(),
            "{} missing",
            src.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rec = export(&src, dir.path(), "m100");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/mitann_rdann.py");
    let out = Command::new(&py)
        .arg(&script)
        .arg(&rec)
        .arg("atr")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours = sigmark::formats::open(&src).unwrap();
    let samples = theirs["sample"].as_array().unwrap();
    let symbols = theirs["symbol"].as_array().unwrap();
    println!(
        "m100.atr: {} annotations read back by rdann (sigmark: {})",
        samples.len(),
        ours.annotations.len()
    );
    assert_eq!(samples.len(), ours.annotations.len());
    // The corpus README: the EDF+ onsets are MIT-BIH sample numbers / 360 rounded to 0.1 ms,
    // so round(onset * 360) is the original sample number.
    // Stable order at equal samples on both sides, so the lists pair up one to one.
    let aux = theirs["aux_note"].as_array().unwrap();
    let mut rhythms = 0;
    for (((a, s), y), x) in ours.annotations.iter().zip(samples).zip(symbols).zip(aux) {
        assert_eq!(
            s.as_i64(),
            Some((a.onset_s * 360.0).round() as i64),
            "{a:?}"
        );
        let text = format!("{}{}", y.as_str().unwrap(), x.as_str().unwrap());
        assert_eq!(text, a.text, "{a:?}");
        rhythms += usize::from(a.text.starts_with("+("));
    }
    println!("samples, symbols and rhythm aux equal; {rhythms} rhythm changes");
    assert!(rhythms > 0);
}
