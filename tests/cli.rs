//! The `sigmark` binary end to end: info (text and JSON), dump, errors.

mod common;

use common::cli::{sigmark, Cli};
use sigmark::formats::edf::writer::Plus;

fn temp_file(bytes: &[u8], name: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_string_lossy().into_owned();
    (dir, p)
}

#[test]
fn info_json_has_the_documented_keys() {
    let (_d, path) = temp_file(
        &common::bytes(&common::spec(false, Some(Plus::Continuous), 3)),
        "x.data",
    );
    let (code, out, err) = sigmark(&["info", &path, "--json", "--stats"]).parts();
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "EDF+C");
    assert_eq!(v["start"], "2002-03-02T13:14:15");
    assert_eq!(v["duration_s"], 3.0);
    assert_eq!(v["records"], 3);
    assert_eq!(v["record_duration_s"], 1.0);
    let s = &v["signals"][0];
    for key in [
        "label",
        "transducer",
        "unit",
        "physical_min",
        "physical_max",
        "digital_min",
        "digital_max",
        "prefilter",
        "samples_per_record",
        "rate_hz",
        "samples",
        "min",
        "max",
        "mean",
        "sum",
        "sum_sq",
    ] {
        assert!(!s[key].is_null(), "signals[0].{key} missing in {s}");
    }
    assert_eq!(s["label"], "Fp1");
    assert_eq!(s["rate_hz"], 8.0);
    assert_eq!(v["annotations"][0]["onset_s"], 1.5);
    assert_eq!(v["annotations"][0]["duration_s"], 0.5);
    assert_eq!(v["annotations"][0]["text"], "spike");
}

#[test]
fn info_text_is_readable_and_free_of_control_characters() {
    let mut spec = common::spec(false, Some(Plus::Continuous), 2);
    spec.annotations[0].text = "evil\u{1b}[2J\u{7}text".into();
    let (_d, path) = temp_file(&common::bytes(&spec), "x.edf");
    let (code, out, err) = sigmark(&["info", &path]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("format      EDF+C"), "{out}");
    assert!(out.contains("Fp1") && out.contains("ECG"), "{out}");
    assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
    assert!(out.contains("evil\u{fffd}[2J\u{fffd}text"), "{out}");
}

#[test]
fn dump_prints_time_and_values_like_rdsamp() {
    let (_d, path) = temp_file(&common::bytes(&common::spec(false, None, 3)), "x.edf");
    let (code, out, err) = sigmark(&[
        "dump",
        &path,
        "--channel",
        "Fp1",
        "--start",
        "1",
        "--duration",
        "0.5",
    ])
    .parts();
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "time_s,Fp1");
    assert_eq!(lines.len(), 1 + 4, "{out}");
    // Record 1, sample 0: digital 100 over -32768..32767 mapped to -500..500 uV.
    let v: f64 = lines[1].split(',').nth(1).unwrap().parse().unwrap();
    let expected = 1000.0 / 65535.0 * (100.0 + 32768.0) - 500.0;
    assert!((v - expected).abs() < 1e-9, "{v} vs {expected}");
    assert!(lines[1].starts_with("1,"), "{}", lines[1]);
    assert!(lines[2].starts_with("1.125,"), "{}", lines[2]);
}

#[test]
fn dump_refuses_channels_of_different_rates_and_unknown_channels() {
    let (_d, path) = temp_file(&common::bytes(&common::spec(false, None, 3)), "x.edf");
    let (code, _, err) =
        sigmark(&["dump", &path, "-c", "Fp1", "-c", "ECG", "--format", "tsv"]).parts();
    assert!(code != 0 && err.contains("share a rate"), "{err}");
    let (code, _, err) = sigmark(&["dump", &path, "-c", "Cz"]).parts();
    assert!(
        code != 0 && err.contains("no channel \"Cz\"") && err.contains("Fp1, ECG"),
        "{err}"
    );
}

#[test]
fn errors_name_the_file_and_what_was_expected() {
    let (_d, path) = temp_file(b"definitely not a recording", "bad.edf");
    let (code, _, err) = sigmark(&["info", &path]).parts();
    assert_ne!(code, 0);
    assert!(
        err.contains("bad.edf") && err.contains("neither an EDF/BDF"),
        "{err}"
    );
    let (code, _, err) = sigmark(&["info", "/nonexistent/file.edf"]).parts();
    assert!(code != 0 && err.contains("/nonexistent/file.edf"), "{err}");
}

#[test]
fn info_on_the_corpus_edf_plus_d_file_reports_its_notes() {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
        });
    let f = dir.join("bdf/biosemi_actiview_73ch_2048hz.bdf");
    if !f.is_file() {
        eprintln!("corpus missing; skipped");
        return;
    }
    let (code, out, err) = sigmark(&["info", f.to_str().unwrap()]).parts();
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("note") && out.contains("not left-justified"),
        "{out}"
    );
}

#[test]
fn a_relative_path_is_read_from_the_current_directory() {
    let (d, _) = temp_file(&common::bytes(&common::spec(false, None, 3)), "rel.edf");
    let run = Cli::new()
        .args(&["info", "rel.edf", "--json"])
        .current_dir(d.path())
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["signals"][0]["label"], "Fp1");
    let missing = Cli::new().args(&["info", "rel.edf"]).run();
    assert_ne!(
        missing.code, 0,
        "found without the directory: {}",
        missing.stdout
    );
    assert!(missing.stderr.contains("rel.edf"), "{}", missing.stderr);
}
