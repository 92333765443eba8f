//! `sigmark check` on WFDB headers: every `.hea` of the corpus against its oracle (missing
//! files, sig_len, checksums with --data), small broken records made from mitdb 100, and a
//! proptest over 10,000 mutated headers and signal file lengths (check with data).

mod common;
#[path = "common/check.rs"]
mod helpers;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sigmark::formats::check::file::check_path;
use sigmark::formats::check::{Report, Severity, Status};

fn check(path: &Path, data: bool) -> Report {
    let r = check_path(path, data)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .unwrap_or_else(|| panic!("{}: not checked as WFDB", path.display()));
    assert_eq!(r.format, "WFDB");
    r
}

fn summary(r: &Report) -> Vec<String> {
    r.findings
        .iter()
        .map(|f| {
            format!(
                "{:?} line {:?} {}: {}",
                f.severity, f.line, f.field, f.message
            )
        })
        .collect()
}

/// The oracle beside a record's header (segment headers have none).
fn oracle(hea: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(hea.with_extension("oracle.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// Signals whose header checksum differs (mod 2^16) from the sum of their stored samples,
/// as wfdb-python computed it (`stored_unskewed_checksum` for skewed signals, whose
/// `checksum_computed` is over the shifted samples).
fn oracle_checksum_mismatches(o: &Value) -> BTreeSet<String> {
    let empty = Vec::new();
    let hs = o["header"]["signals"].as_array().unwrap_or(&empty);
    let ss = o["signals"].as_array().unwrap_or(&empty);
    let mut out = BTreeSet::new();
    for (h, s) in hs.iter().zip(ss) {
        let stored = s["stored_unskewed_checksum"]
            .as_i64()
            .or_else(|| s["checksum_computed"].as_i64());
        if let (Some(want), Some(got)) = (h["checksum"].as_i64(), stored) {
            if (want - got).rem_euclid(65536) != 0 {
                out.insert(s["sig_name"].as_str().unwrap_or("?").to_string());
            }
        }
    }
    out
}

/// Signals (without skew) whose header initial value is not their first stored sample.
fn oracle_init_mismatches(o: &Value) -> BTreeSet<String> {
    let empty = Vec::new();
    let hs = o["header"]["signals"].as_array().unwrap_or(&empty);
    let ss = o["signals"].as_array().unwrap_or(&empty);
    let skewed = |h: &Value| h["skew"].as_i64().unwrap_or(0) != 0;
    let mut out = BTreeSet::new();
    for (h, s) in hs.iter().zip(ss).filter(|(h, _)| !skewed(h)) {
        if let (Some(want), Some(got)) = (
            h["init_value"].as_i64(),
            s["init_value_first_sample"].as_i64(),
        ) {
            if want != got {
                out.insert(s["sig_name"].as_str().unwrap_or("?").to_string());
            }
        }
    }
    out
}

/// What the oracle leads one to expect: (signal files missing, segment headers missing,
/// sig_len absent).
fn expected(o: Option<&Value>) -> (usize, usize, bool) {
    let Some(o) = o else {
        return (0, 0, false);
    };
    let missing: Vec<&str> = o["missing_files"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let segs = missing.iter().filter(|m| m.ends_with(".hea")).count();
    let no_len = o["header"]["sig_len"].is_null() && o["header"].get("n_seg").is_none();
    (missing.len() - segs, segs, no_len)
}

/// The signal names of the `field` findings (`signal "NAME": ...`).
fn named(r: &Report, field: &str) -> BTreeSet<String> {
    r.findings
        .iter()
        .filter(|f| f.field == field)
        .map(|f| f.message.split('"').nth(1).unwrap_or("?").to_string())
        .collect()
}

fn count(r: &Report, sev: Severity, rule_word: &str) -> usize {
    r.findings
        .iter()
        .filter(|f| f.severity == sev && f.message.contains(rule_word))
        .count()
}

#[test]
fn every_corpus_header_is_checked_as_its_oracle_leads_one_to_expect() {
    let Some(dir) = helpers::corpus() else {
        return;
    };
    let heas = helpers::files_under(&dir.join("wfdb"), &[".hea"]);
    assert!(heas.len() >= 46, "only {} headers found", heas.len());
    let (mut compared, mut checksum_records, mut init_records) = (0, 0, 0);
    let mut wrong = Vec::new();
    for hea in &heas {
        let o = oracle(hea);
        let (files, segs, no_len) = expected(o.as_ref());
        let head = check(hea, false);
        let full = check(hea, true);
        let got = (
            count(&head, Severity::Error, "is missing"),
            count(&head, Severity::Warning, "segment header"),
            count(&head, Severity::Warning, "no sig_len") == 1,
        );
        let want_sums = o
            .as_ref()
            .map(oracle_checksum_mismatches)
            .unwrap_or_default();
        let got_sums = named(&full, "checksum");
        let want_inits = o.as_ref().map(oracle_init_mismatches).unwrap_or_default();
        let got_inits = named(&full, "initial value");
        let clean =
            files == 0 && segs == 0 && !no_len && want_sums.is_empty() && want_inits.is_empty();
        println!(
            "{}: missing files {}/{files}, missing segment headers {}/{segs}, no sig_len {}/{no_len}, checksum mismatches {got_sums:?}/{want_sums:?}, initial values {got_inits:?}/{want_inits:?}, status {:?}",
            hea.strip_prefix(&dir).unwrap_or(hea).display(),
            got.0,
            got.1,
            got.2,
            full.status()
        );
        compared += 1;
        checksum_records += usize::from(!want_sums.is_empty());
        init_records += usize::from(!want_inits.is_empty());
        if got != (files, segs, no_len)
            || got_sums != want_sums
            || got_inits != want_inits
            || (clean && full.status() != Status::Conformant)
        {
            wrong.push((hea.clone(), summary(&full)));
        }
    }
    println!(
        "{compared} headers compared ({checksum_records} with checksum mismatches, {init_records} with initial values other than the first sample in the oracle)"
    );
    assert!(
        init_records >= 3,
        "the test01_00s variants and mixedsignals"
    );
    assert!(wrong.is_empty(), "disagreements: {wrong:#?}");
}

/// A copy of mitdb 100 (header and signal file) in a temp dir, with the header's text given.
fn record_100(tmp: &Path, hea_text: &str, dat_len: Option<usize>) -> Option<PathBuf> {
    let dir = helpers::corpus()?.join("wfdb");
    let dat = std::fs::read(dir.join("100.dat")).expect("read 100.dat");
    let n = dat_len.unwrap_or(dat.len()).min(dat.len());
    std::fs::write(tmp.join("100.dat"), &dat[..n]).expect("write 100.dat");
    let hea = tmp.join("100.hea");
    std::fs::write(&hea, hea_text).expect("write 100.hea");
    Some(hea)
}

const HEA_100: &str = "100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n100.dat 212 200 11 1024 1011 20052 0 V5\n";

#[test]
fn a_wrong_checksum_is_a_warning_with_data_only_on_its_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = HEA_100.replace("20052", "20053");
    let Some(hea) = record_100(tmp.path(), &text, None) else {
        return;
    };
    let head = check(&hea, false);
    println!("header only: {:#?}", summary(&head));
    assert_eq!(head.status(), Status::Conformant);
    let full = check(&hea, true);
    println!("with data: {:#?}", summary(&full));
    assert_eq!(full.findings.len(), 1);
    let f = &full.findings[0];
    assert_eq!(
        (f.severity, f.line, f.field.as_str()),
        (Severity::Warning, Some(3), "checksum")
    );
    assert!(f.message.contains("20053") && f.message.contains("20052"));
}

#[test]
fn a_short_signal_file_warns_with_the_frames_present() {
    let tmp = tempfile::tempdir().expect("temp dir");
    // 1000 frames of two 212 signals: 3000 bytes, plus half a frame.
    let Some(hea) = record_100(tmp.path(), HEA_100, Some(3001)) else {
        return;
    };
    let r = check(&hea, false);
    println!("{:#?}", summary(&r));
    assert_eq!(r.status(), Status::WarningsOnly);
    assert_eq!(r.findings[0].line, Some(2));
    assert!(r.findings[0].message.contains("1000 complete frames"));
}

#[test]
fn missing_files_unread_formats_and_parse_errors_are_errors_naming_the_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let cases = [
        (
            HEA_100.replace(
                "100.dat 212 200 11 1024 1011",
                "101.dat 212 200 11 1024 1011",
            ),
            3,
            "file 101.dat",
            "is missing",
        ),
        (
            HEA_100.replace("212 200 11 1024 995", "999 200 11 1024 995"),
            2,
            "file 100.dat",
            "format 999",
        ),
        (HEA_100.replace("360", "fast"), 1, "", "fast"),
        (
            HEA_100.replace("100 2 360", "100 3 360"),
            4,
            "signal line 3",
            "3 signal lines",
        ),
    ];
    for (text, line, field, needle) in cases {
        let Some(hea) = record_100(tmp.path(), &text, Some(3000)) else {
            return;
        };
        let r = check(&hea, true);
        println!("{text}-> {:#?}", summary(&r));
        let hit = r.findings.iter().any(|f| {
            f.severity == Severity::Error
                && f.line == Some(line)
                && f.field.contains(field)
                && f.message.contains(needle)
        });
        assert!(hit, "no error on line {line} ({field}: {needle})");
    }
}

#[test]
fn no_sig_len_warns_that_the_length_is_counted_from_the_file() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = HEA_100.replace(" 650000", "");
    let Some(hea) = record_100(tmp.path(), &text, Some(3000)) else {
        return;
    };
    let r = check(&hea, true);
    println!("{:#?}", summary(&r));
    assert_eq!(r.status(), Status::WarningsOnly);
    assert!(r.findings.iter().any(|f| f.field == "sig_len"
        && f.line == Some(1)
        && f.message.contains("counted from the signal file size")));
}

#[test]
fn the_cli_checks_headers_in_a_tree_naming_lines_and_exits_1_on_errors() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let text = HEA_100.replace(
        "100.dat 212 200 11 1024 1011",
        "101.dat 212 200 11 1024 1011",
    );
    let Some(hea) = record_100(tmp.path(), &text, None) else {
        return;
    };
    let dir = tmp.path().to_str().expect("utf-8 path");
    let (code, out, err) = common::cli::sigmark(&["check", dir]).parts();
    println!("exit {code}\n{out}{err}");
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!("{}: errors (WFDB)\n", hea.display())),
        "{out}"
    );
    assert!(out.contains("error   line       3  file 101.dat:"), "{out}");
    assert!(
        !out.contains("EDFlib"),
        "no EDFlib verdict on a WFDB header: {out}"
    );
    assert!(
        out.contains(
            "1 files: 0 conformant, 0 warnings only, 1 with errors (1 other files skipped)"
        ),
        "{out}"
    );
    let (code, out, _) = common::cli::sigmark(&["check", "--json", dir]).parts();
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&out).expect("check --json prints JSON");
    let f = &json["files"][0];
    println!("{f}");
    assert_eq!(f["format"], "WFDB");
    assert_eq!(f["findings"][0]["line"], 3);
}

/// A small record (40 frames of two format-16 signals, checksums right) to mutate.
const SMALL: &str = "m 2 250 40 10:20:30 01/02/2003\nm.dat 16 200(3)/mV 16 0 5 -76 0 A\nm.dat 16 100 12 0 -5 76 0 B\n# comment\n";

fn mutated(text: &str, muts: &[(usize, u8, u8)]) -> String {
    let pieces = [
        " ",
        "\n",
        "x",
        "0",
        "-1",
        "99999999999999999999",
        "#",
        "~",
        ":",
        "(",
        "/",
        "e9",
        "212",
        "+",
        ".5",
        "\t",
        "\u{00e9}",
    ];
    let mut b = text.as_bytes().to_vec();
    for &(at, kind, what) in muts {
        let at = at % (b.len() + 1);
        let piece = pieces[what as usize % pieces.len()].as_bytes();
        match kind % 3 {
            0 => drop(b.splice(at..at, piece.iter().copied())),
            1 if at < b.len() => drop(b.remove(at)),
            _ => {
                let end = (at + piece.len()).min(b.len());
                drop(b.splice(at..end, piece.iter().copied()));
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(10_000))]

    /// Check (header and data) never panics on a mutated header, and every finding names a
    /// line of the file.
    #[test]
    fn check_survives_mutated_headers(muts in proptest::collection::vec((0usize..200, 0u8..3, 0u8..32), 1..6), dat_len in 0usize..200) {
        let tmp = tempfile::tempdir().expect("temp dir");
        let data: Vec<u8> = (0..160u8).collect();
        std::fs::write(tmp.path().join("m.dat"), &data[..dat_len.min(160)]).expect("write m.dat");
        let text = mutated(SMALL, &muts);
        let hea = tmp.path().join("m.hea");
        std::fs::write(&hea, &text).expect("write m.hea");
        let r = check(&hea, true);
        let lines = text.lines().count().max(1) as u64 + 1;
        for f in &r.findings {
            proptest::prop_assert!(f.line.is_some_and(|l| l >= 1 && l <= lines), "{f:?} in {text:?}");
        }
    }
}
