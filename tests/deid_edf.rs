//! `deid_edf`: de-identified EDF+/BDF+ copies hold none of the source's identifying tokens,
//! and keep every sample, onset and duration; EDFlib (pyedflib) opens them with the header date
//! equal to the shifted `Startdate`; every corpus EDF/BDF/lenient file goes through.

#[path = "common/deid_edf.rs"]
mod fixture;
#[path = "common/reference.rs"]
mod reference;

use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use serde_json::Value;
use sigmark::deid::edf::deid_edf;
use sigmark::deid::scrub::{Scrubber, PLACEHOLDERS};
use sigmark::deid::{DeidError, Identifiers, Keep, Plan, Shift};
use sigmark::formats::edf::read_header;

const DAYS: i64 = 17;

fn plan(dry_run: bool) -> Plan {
    Plan {
        shift: Some(Shift::days(DAYS)),
        keep: Keep::default(),
        dry_run,
    }
}

fn deid(src: &Path, dir: &Path) -> (PathBuf, sigmark::deid::Outcome) {
    let out = dir.join(format!(
        "deid_{}",
        src.file_name().unwrap().to_string_lossy()
    ));
    let o = deid_edf(src, &out, &plan(false)).unwrap_or_else(|e| panic!("{e}"));
    (out, o)
}

#[test]
fn no_identifying_token_is_left_in_any_byte() {
    let dir = tempfile::tempdir().unwrap();
    for bdf in [false, true] {
        let src = fixture::phi_recording(dir.path(), bdf);
        let before = std::fs::read(&src).unwrap();
        let (out, o) = deid(&src, dir.path());
        let bytes = std::fs::read(&out).unwrap();
        println!("{}: report {:#?}", out.display(), o.report);
        let mut searched = 0;
        for (what, t) in fixture::tokens() {
            let in_src = fixture::find(&before, &t).is_some();
            let at = fixture::find(&bytes, &t);
            println!("  {what}: in source {in_src}, in copy {at:?}");
            assert!(
                at.is_none(),
                "{what} left at byte {at:?} of {}",
                out.display()
            );
            searched += usize::from(in_src);
        }
        assert!(
            searched >= 12,
            "the fixture holds the tokens searched ({searched})"
        );
        assert!(o
            .report
            .changes
            .iter()
            .all(|c| !c.contains("Jane") && !c.contains("1961")));
        assert_eq!(o.report.texts_replaced, 8, "replacements in the TAL texts");
    }
}

#[test]
fn samples_onsets_and_scrubbed_texts_in_sigmark() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture::phi_recording(dir.path(), false);
    let (out, o) = deid(&src, dir.path());
    let (a, b) = (sigmark::open(&src).unwrap(), sigmark::open(&out).unwrap());
    let n = fixture::same_values(&a, &b, "phi.edf");
    let texts: Vec<&str> = b.annotations.iter().map(|x| x.text.as_str()).collect();
    println!("{n} values compared; texts {texts:?}");
    let want: Vec<&str> = fixture::TEXTS.iter().map(|(_, w)| *w).collect();
    assert_eq!(texts, want);
    let (sa, sb) = (a.start.unwrap().datetime, b.start.unwrap().datetime);
    assert_eq!(sb - sa, chrono::Duration::days(DAYS), "start {sa} -> {sb}");
    let h = read_header(&out, &std::fs::read(&out).unwrap()).unwrap();
    println!(
        "header: {:?} {:?} {:?} {:?}",
        h.patient, h.recording, h.startdate, h.reserved
    );
    assert_eq!(h.patient, "X X X X");
    assert_eq!(h.recording, "Startdate 22-APR-2023 X X X");
    assert_eq!(
        (h.startdate.as_str(), h.starttime.as_str()),
        ("22.04.23", "22.30.00")
    );
    assert!(h.reserved.starts_with("EDF+C"));
    let hash = sha256_of(&out);
    assert_eq!(
        o.sha256.as_deref(),
        Some(hash.as_str()),
        "hash of the written copy"
    );
}

fn sha256_of(path: &Path) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

/// The fixture's source holds an accented name in its header, which EDFlib refuses (EDF
/// headers are ASCII); so EDFlib's reading of the copy is compared with sigmark's reading of
/// the source, whose physical values use EDFlib's expression (tests/conformance.rs: exact).
#[test]
fn edflib_reads_the_copy_with_the_same_values_and_agreeing_dates() {
    let Some(py) = reference::python("edflib_reads_the_copy") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let src = fixture::phi_recording(dir.path(), false);
    let (out, _) = deid(&src, dir.path());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/deid_pyedflib.py");
    let run = Command::new(py).arg(script).arg(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&run.stderr));
    let b: Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(b["ok"], true, "EDFlib refused the copy: {}", b["error"]);
    let a = sigmark::open(&src).unwrap();
    for (ch, s) in b["signals"].as_array().unwrap().iter().enumerate() {
        let n = a.channels[ch].samples as usize;
        let bytes: Vec<u8> = a
            .read_samples(ch, 0, n)
            .unwrap()
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let want = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes));
        println!("signal {ch}: EDFlib {} sigmark source {want}", s["sha256"]);
        assert_eq!(s["sha256"], want.as_str(), "physical values of signal {ch}");
    }
    let ba = b["annotations"].as_array().unwrap();
    assert_eq!(a.annotations.len(), ba.len());
    for (k, (x, y)) in a.annotations.iter().zip(ba).enumerate() {
        let dur = x.duration_s.unwrap_or(-1.0);
        assert_eq!(
            (x.onset_s, dur),
            (y[0].as_f64().unwrap(), y[1].as_f64().unwrap()),
            "onset and duration of annotation {k}"
        );
        assert_eq!(y[2], fixture::TEXTS[k].1, "text of annotation {k}");
    }
    // To the second: pyedflib 0.1.42 scales EDFlib's sub-second start by 100 instead of 10
    // (0.25 s reads as 0.025 s); the sub-second start itself is compared in sigmark.
    let start = chrono::NaiveDateTime::parse_from_str(
        &b["start"].as_str().unwrap()[..19],
        "%Y-%m-%dT%H:%M:%S",
    )
    .unwrap();
    let want = a.start.unwrap().datetime + chrono::Duration::days(DAYS);
    assert_eq!(
        start, want,
        "EDFlib's start (header date, which EDFlib checks against Startdate)"
    );
    let fields = b["fields"].to_string();
    for (what, t) in fixture::tokens() {
        let t = String::from_utf8_lossy(&t).to_string();
        assert!(!fields.contains(&t), "{what} in EDFlib's fields {fields}");
    }
}

#[test]
fn dry_run_counts_the_same_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture::phi_recording(dir.path(), false);
    let out = dir.path().join("dry.edf");
    let dry = deid_edf(&src, &out, &plan(true)).unwrap();
    println!("{:#?}", dry.report);
    assert!(!out.exists() && dry.sha256.is_none());
    let (_, real) = deid(&src, dir.path());
    assert_eq!(dry.report.changes, real.report.changes);
    assert_eq!(dry.report.fields_cleared, real.report.fields_cleared);
    assert_eq!(dry.ids, real.ids);
}

#[test]
fn the_source_and_existing_files_are_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture::phi_recording(dir.path(), false);
    let before = std::fs::read(&src).unwrap();
    let same = dir.path().join(".").join("phi.edf");
    let e = deid_edf(&src, &same, &plan(false)).unwrap_err();
    println!("{e}");
    assert!(matches!(e, DeidError::Refused { .. }) && e.to_string().contains("source"));
    let other = dir.path().join("taken.edf");
    std::fs::write(&other, b"keep me").unwrap();
    let e = deid_edf(&src, &other, &plan(false)).unwrap_err();
    println!("{e}");
    assert!(matches!(e, DeidError::Refused { .. }));
    assert_eq!(std::fs::read(&other).unwrap(), b"keep me");
    assert_eq!(std::fs::read(&src).unwrap(), before);
}

#[test]
fn an_unreadable_annotation_list_is_refused_with_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture::phi_recording(dir.path(), false);
    let mut bytes = std::fs::read(&src).unwrap();
    let at = fixture::find(&bytes, b"22:47\x14\x00").unwrap() + 5;
    bytes[at..at + 2].copy_from_slice(b"!!");
    std::fs::write(&src, &bytes).unwrap();
    let out = dir.path().join("broken_out.edf");
    let e = deid_edf(&src, &out, &plan(false)).unwrap_err();
    println!("{e}");
    assert!(matches!(e, DeidError::Invalid { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("data record 5") && msg.contains("byte"),
        "{msg}"
    );
    assert!(!out.exists());
}

/// Every corpus EDF/BDF/lenient file: de-identified, then its values against the source in
/// sigmark (bit for bit) and against the oracle's reference decoder (digital values exactly).
#[test]
fn every_corpus_edf_family_file_keeps_its_values() {
    let Some(root) = reference::corpus_with("edf", "deid corpus") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (mut files, mut values, mut failures) = (0, 0, Vec::new());
    for sub in ["edf", "bdf", "lenient"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(sub))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for src in paths
            .iter()
            .filter(|p| !p.to_string_lossy().ends_with(".json"))
        {
            let out = dir.path().join(format!(
                "{sub}_{}",
                src.file_name().unwrap().to_string_lossy()
            ));
            let o = match deid_edf(src, &out, &plan(false)) {
                Ok(o) => o,
                Err(e) => {
                    failures.push(format!("{}: {e}", src.display()));
                    continue;
                }
            };
            let (a, b) = (sigmark::open(src).unwrap(), sigmark::open(&out).unwrap());
            let who = src.display().to_string();
            let n = fixture::same_values(&a, &b, &who) + oracle_values(&b, &oracle_of(src), &who);
            println!(
                "{who}: {n} values equal; {} field(s) cleared, {} text replacement(s)",
                o.report.fields_cleared, o.report.texts_replaced
            );
            files += 1;
            values += n;
        }
    }
    println!(
        "deid corpus: {files} files, {values} values compared, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(
        files >= 20,
        "expected the 20 EDF/BDF/lenient corpus files, did {files}"
    );
}

fn oracle_of(src: &Path) -> Value {
    let p = format!("{}.oracle.json", src.display());
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The copy's digital values against the oracle's reference decoder: first and last 16 and
/// the exact sum, per ordinary signal.
fn oracle_values(rec: &sigmark::Recording, oracle: &Value, who: &str) -> usize {
    let signals = oracle["reference"]["signals"].as_array().unwrap();
    let data = signals.iter().filter(|s| s["annotation_signal"] == false);
    let mut n = 0;
    for (ch, s) in data.enumerate() {
        let d = &s["digital"];
        let count = rec.channels[ch].samples as usize;
        let all = rec.read_digital(ch, 0, count).unwrap().unwrap();
        let first: Vec<i64> = all.iter().take(16).map(|&v| i64::from(v)).collect();
        let want: Vec<i64> = d["first16"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert_eq!(first, want, "{who}: channel {ch} first16");
        let last = d["last16"].as_array().unwrap();
        let tail: Vec<i64> = all[count - last.len()..]
            .iter()
            .map(|&v| i64::from(v))
            .collect();
        let want: Vec<i64> = last.iter().map(|v| v.as_i64().unwrap()).collect();
        assert_eq!(tail, want, "{who}: channel {ch} last16");
        let sum: i64 = all.iter().map(|&v| i64::from(v)).sum();
        assert_eq!(
            Some(sum),
            d["sum"].as_i64(),
            "{who}: channel {ch} digital sum"
        );
        n += first.len() + tail.len() + 1;
    }
    n
}

proptest! {
    #[test]
    fn the_scrubber_never_panics(text in any::<String>(), name in "\\PC{1,8}", days in -400i64..400) {
        let mut ids = Identifiers::default();
        ids.add_name(&name);
        let s = Scrubber::new(ids, Some(Shift::days(days)));
        let _ = s.scrub(&text);
        let _ = s.scrub_short(&text, "X");
    }

    #[test]
    fn no_name_part_is_left(
        name in "[A-Za-z\u{c0}-\u{d6}\u{d8}-\u{f6}0-9]{3,8}",
        pieces in proptest::collection::vec(("\\PC{0,10}", any::<bool>()), 0..6),
    ) {
        let mut text = String::new();
        for (filler, upper) in &pieces {
            text.push_str(filler);
            text.push_str(&if *upper { name.to_uppercase() } else { name.to_lowercase() });
        }
        let mut ids = Identifiers::default();
        ids.add_name(&name);
        let mut out = Scrubber::new(ids, Some(Shift::days(3))).scrub(&text).text;
        for p in PLACEHOLDERS {
            out = out.replace(p, "\u{1}");
        }
        let (low, needle) = (out.to_lowercase(), name.to_lowercase());
        prop_assert!(!low.contains(&needle), "{:?} in {:?} from {:?}", name, out, text);
    }
}

/// Speed against `cp` (run on demand: `SIGMARK_DEID_BENCH_MB=1024 cargo test --release --test
/// deid_edf -- --ignored --nocapture`): a generated EDF+C of that many MB, one run each; the
/// issue asks for at least half the speed of `cp`. Peak memory is the 4 MiB chunk, whatever the
/// size (the records are streamed).
#[test]
#[ignore = "writes a large file; run on demand"]
fn speed_against_cp() {
    let mb: u64 = std::env::var("SIGMARK_DEID_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let src = fixture::large_recording(dir.path(), mb);
    let size = std::fs::metadata(&src).unwrap().len() as f64 / 1e6;
    let t = std::time::Instant::now();
    let ok = Command::new("cp")
        .arg(&src)
        .arg(dir.path().join("cp.edf"))
        .status()
        .unwrap();
    assert!(ok.success());
    let cp = t.elapsed().as_secs_f64();
    // deid fsyncs its copy before the rename (atomic output); `cp` does not. The same
    // durability for cp: its copy, then `sync FILE` (fsync of that file).
    let t = std::time::Instant::now();
    let cp2 = dir.path().join("cp_sync.edf");
    let ok = Command::new("cp").arg(&src).arg(&cp2).status().unwrap();
    let ok = ok.success() && Command::new("sync").arg(&cp2).status().unwrap().success();
    assert!(ok);
    let cp_sync = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    deid_edf(&src, &dir.path().join("dry.edf"), &plan(true)).unwrap();
    println!(
        "dry run (read and scrub, no write): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = std::time::Instant::now();
    let o = deid_edf(&src, &dir.path().join("deid.edf"), &plan(false)).unwrap();
    let deid = t.elapsed().as_secs_f64();
    println!(
        "{size:.0} MB: cp {cp:.2} s ({:.0} MB/s), cp + fsync {cp_sync:.2} s ({:.0} MB/s), deid (with fsync) {deid:.2} s ({:.0} MB/s); ratio to cp {:.2}, to cp + fsync {:.2}; {} text replacement(s)",
        size / cp,
        size / cp_sync,
        size / deid,
        cp / deid,
        cp_sync / deid,
        o.report.texts_replaced
    );
    assert!(
        cp_sync / deid >= 0.5,
        "deid is slower than half the speed of cp + fsync"
    );
}

/// A shift past 2084 writes the header year as `yy` (EDF+ section 2.1.3.2) with the year in
/// `Startdate`; sigmark reads such a copy with the shifted start, and de-identifies it again
/// (back before 2084) with the start it had.
#[test]
fn a_start_past_2084_is_written_as_yy_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture::phi_recording(dir.path(), false);
    let days = 25_000; // 2023-04-05 + 25,000 days = 2091-09-15
    let far = dir.path().join("far.edf");
    let p = Plan {
        shift: Some(Shift::days(days)),
        keep: Keep::default(),
        dry_run: false,
    };
    deid_edf(&src, &far, &p).unwrap_or_else(|e| panic!("{e}"));
    let bytes = std::fs::read(&far).unwrap();
    let header = String::from_utf8_lossy(&bytes[168..176]).into_owned();
    let field = String::from_utf8_lossy(&bytes[88..168]).into_owned();
    println!("header date {header:?}, recording field {field:?}");
    assert_eq!(header, "15.09.yy");
    assert!(field.starts_with("Startdate 15-SEP-2091 "), "{field}");
    let a = sigmark::open(&src).unwrap().start.unwrap().datetime;
    let b = sigmark::open(&far).unwrap().start.unwrap().datetime;
    assert_eq!(b - a, chrono::Duration::days(days));
    let back = dir.path().join("back.edf");
    let p = Plan {
        shift: Some(Shift::days(-days)),
        ..p
    };
    deid_edf(&far, &back, &p).unwrap_or_else(|e| panic!("{e}"));
    let c = sigmark::open(&back).unwrap().start.unwrap().datetime;
    assert_eq!(c, a);
}

/// A plain EDF (no `EDF+` in the reserved field) with an `EDF Annotations` signal is read as
/// samples, so its TAL texts could not be scrubbed: deid refuses it rather than copy them.
#[test]
fn an_undeclared_annotation_signal_is_refused_not_copied() {
    let dir = tempfile::tempdir().unwrap();
    let src = fixture::phi_recording(dir.path(), false);
    let mut bytes = std::fs::read(&src).unwrap();
    bytes[192..236].copy_from_slice(&[b' '; 44]);
    let plain = dir.path().join("plain.edf");
    std::fs::write(&plain, &bytes).unwrap();
    let out = dir.path().join("out.edf");
    let err = deid_edf(&plain, &out, &plan(false)).unwrap_err();
    println!("{err}");
    assert!(matches!(err, DeidError::Refused { .. }), "{err}");
    assert!(err.to_string().contains("unscrubbed"), "{err}");
    assert!(!out.exists());
}
