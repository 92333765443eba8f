//! `sigmark check` / `sigmark repair`: findings on small broken files, EDFlib's verdict against
//! every corpus oracle, pyedflib on repaired copies, and a proptest over mutated headers.

mod common;
#[path = "common/check.rs"]
mod helpers;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sigmark::formats::check::repair::{plan, Plan};
use sigmark::formats::check::{check_edf, file::check_file, Report, Severity, Status};
use sigmark::formats::edf::writer::Plus;

fn edf_plus() -> Vec<u8> {
    common::bytes(&common::spec(false, Some(Plus::Continuous), 3))
}

fn bdf() -> Vec<u8> {
    common::bytes(&common::spec(true, None, 3))
}

fn check(b: &[u8]) -> Report {
    let r = check_edf(b, b.len() as u64, Some(b));
    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
    r
}

fn has(r: &Report, sev: Severity, offset: u64, needle: &str) -> bool {
    r.findings
        .iter()
        .any(|f| f.severity == sev && f.offset == offset && f.message.contains(needle))
}

fn applied(b: &[u8], p: &Plan) -> Vec<u8> {
    let mut out = p.header.clone();
    let start = p.header.len();
    out.extend_from_slice(&b[start..start + p.data_len as usize]);
    out
}

#[test]
fn files_sigmark_writes_are_conformant_and_edflib_opens_them() {
    for b in [edf_plus(), bdf()] {
        let r = check(&b);
        assert_eq!(r.status(), Status::Conformant);
        assert_eq!(r.edflib_refuses, None);
    }
}

#[test]
fn leading_spaces_in_the_record_count_warn_and_edflib_refuses() {
    let b = helpers::patched(&edf_plus(), 236, b"  3     ");
    let r = check(&b);
    assert_eq!(r.status(), Status::WarningsOnly);
    assert!(has(&r, Severity::Warning, 236, "starts with spaces"));
    assert_eq!(r.edflib_refuses.as_deref(), Some("number of datarecords"));
    let p = plan(&b, b.len() as u64, Some(&b)).expect("left-justifying is well defined");
    println!("{:#?}", p.changes);
    assert_eq!(p.changes.len(), 1);
    assert_eq!(check(&applied(&b, &p)).status(), Status::Conformant);
}

#[test]
fn minus_one_records_is_counted_from_the_size_and_a_partial_record_dropped() {
    let full = edf_plus();
    let mut b = helpers::patched(&full, 236, b"-1      ");
    b.extend_from_slice(&[7u8; 5]);
    let r = check(&b);
    assert!(has(&r, Severity::Warning, 236, "3 complete record(s)"));
    assert!(r.edflib_refuses.is_some());
    let p = plan(&b, b.len() as u64, Some(&b)).expect("-1 is repaired from the size");
    println!("{:#?}", p.changes);
    let out = applied(&b, &p);
    assert_eq!(
        out, full,
        "the repaired copy is the file before -1 and the partial record"
    );
}

#[test]
fn more_records_than_declared_warn_open_for_writing_and_repair_refuses() {
    let full = edf_plus();
    let hdr = 1024; // 3 signals (2 + annotations)
    let rec = (full.len() - hdr) / 3;
    let grown = [full.clone(), full[hdr..hdr + rec].to_vec()].concat();
    let r = check(&grown);
    let at = (hdr + 3 * rec) as u64;
    assert!(has(&r, Severity::Warning, at, "looks open for writing"));
    let errors: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "errors on a grown file: {errors:?}");
    // EDFlib 1.17 only refuses a file shorter than declared: it reads the 3 declared records.
    assert_eq!(r.edflib_refuses, None);
    let refused =
        plan(&grown, grown.len() as u64, Some(&grown)).expect_err("more records than declared");
    println!("refused: {refused}");
    assert!(refused.to_string().contains("cannot be told apart"));
}

#[test]
fn minus_one_without_a_complete_record_is_an_error_and_not_repaired() {
    let full = edf_plus();
    let mut b = helpers::patched(&full[..1024], 236, b"-1      ");
    b.extend_from_slice(&[7u8; 5]);
    let r = check(&b);
    assert!(has(&r, Severity::Error, 236, "0 complete record(s)"));
    let refused = plan(&b, b.len() as u64, Some(&b)).expect_err("nothing to count");
    println!("refused: {refused}");
    assert!(refused.to_string().contains("not one complete"));
}

#[test]
fn truncation_is_an_error_and_its_repair_depends_on_where_the_cut_is() {
    let full = edf_plus();
    let hdr = 1024; // 3 signals (2 + annotations)
    let rec = (full.len() - hdr) / 3;
    let cut_in_record = &full[..full.len() - 3];
    let r = check(cut_in_record);
    assert!(has(&r, Severity::Error, hdr as u64, "2 complete one(s)"));
    let refused = plan(
        cut_in_record,
        cut_in_record.len() as u64,
        Some(cut_in_record),
    )
    .expect_err("cut inside a record");
    println!("refused: {refused}");
    assert!(refused.to_string().contains("cut inside a record"));
    let cut_at_record = &full[..full.len() - rec];
    let p = plan(
        cut_at_record,
        cut_at_record.len() as u64,
        Some(cut_at_record),
    )
    .expect("whole records only");
    println!("{:#?}", p.changes);
    assert_eq!(p.changes[0].new.trim_end(), "2");
}

#[test]
fn date_separators_and_non_ascii_are_repaired_and_stated() {
    let b = helpers::patched(&edf_plus(), 168, b"02/03/02");
    let dim = sigmark::formats::check::layout::signal_offset(3, 2, 0);
    let b = helpers::patched(&b, dim, b"\xc2\xb5V     ");
    let r = check(&b);
    assert!(has(&r, Severity::Error, 168, "02/03/02"));
    assert!(has(
        &r,
        Severity::Warning,
        dim as u64,
        "outside printable ASCII"
    ));
    let p = plan(&b, b.len() as u64, Some(&b)).expect("well defined");
    println!("{:#?}", p.changes);
    let news: Vec<&str> = p.changes.iter().map(|c| c.new.trim_end()).collect();
    assert_eq!(news, ["uV", "02.03.02"]);
    assert_eq!(check(&applied(&b, &p)).status(), Status::Conformant);
}

#[test]
fn edf_plus_d_without_gaps_becomes_edf_plus_c_and_with_a_gap_stays() {
    for (onsets, expect_c) in [
        (vec![0, 10_000_000, 20_000_000], true),
        (vec![0, 10_000_000, 50_000_000], false),
    ] {
        let mut spec = common::spec(false, Some(Plus::Discontinuous), 3);
        spec.record_onsets_100ns = onsets.clone();
        let b = common::bytes(&spec);
        let r = check(&b);
        assert_eq!(
            r.edflib_refuses.as_deref(),
            Some("the file is discontinuous (EDF+D/BDF+D)")
        );
        let p = plan(&b, b.len() as u64, Some(&b)).expect("nothing to refuse");
        println!("onsets {onsets:?}: {:#?}", p.changes);
        let out = applied(&b, &p);
        assert_eq!(&out[192..197] == b"EDF+C", expect_c);
        assert_eq!(check(&out).edflib_refuses.is_none(), expect_c);
    }
}

#[test]
fn a_startdate_subfield_that_disagrees_is_refused() {
    let b = helpers::patched(&edf_plus(), 168, b"03.03.02");
    let r = check(&b);
    assert!(has(&r, Severity::Warning, 98, "02-MAR-2002"));
    let e = plan(&b, b.len() as u64, Some(&b)).expect_err("which date is right is unknown");
    println!("refused: {e}");
}

#[test]
fn edflib_verdict_matches_every_corpus_oracle() {
    let Some(dir) = helpers::corpus() else { return };
    let mut compared = 0;
    let mut wrong = Vec::new();
    for oracle in helpers::files_under(&dir, &[".edf.oracle.json", ".bdf.oracle.json"]) {
        let text = std::fs::read_to_string(&oracle).unwrap_or_default();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let Some(ok) = json["edflib"]["ok"].as_bool() else {
            continue;
        };
        let file = PathBuf::from(oracle.to_string_lossy().trim_end_matches(".oracle.json"));
        let r = check_file(&file, true)
            .ok()
            .flatten()
            .expect("an EDF/BDF file");
        let ours = r.edflib_refuses.is_none();
        println!(
            "{:<60} oracle ok={ok:<5} sigmark says EDFlib opens={ours:<5} ({:?} / {:?})",
            file.display(),
            r.edflib_refuses,
            json["edflib"]["error"]
        );
        compared += 1;
        if ours != ok {
            wrong.push(file.display().to_string());
        }
    }
    println!("compared {compared} oracles, {} disagreements", wrong.len());
    assert!(
        compared >= 20,
        "expected the 21 EDF/BDF oracles, found {compared}"
    );
    assert!(wrong.is_empty(), "disagreements: {wrong:?}");
}

/// Files EDFlib refuses: the corpus's, the repro folder's, and small ones made here.
fn refused_inputs(tmp: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(dir) = helpers::corpus() {
        files.extend(helpers::files_under(&dir, &[".edf", ".bdf"]));
        files.extend(helpers::files_under(
            &dir.join("../repro"),
            &[".edf", ".bdf"],
        ));
    }
    let full = edf_plus();
    let mut minus1 = helpers::patched(&full, 236, b"-1      ");
    minus1.extend_from_slice(&[1, 2, 3]);
    let made = [
        (
            "leading_spaces.edf",
            helpers::patched(&full, 236, b"  3     "),
        ),
        ("minus_one.edf", minus1),
        (
            "slashed_date.bdf",
            helpers::patched(&bdf(), 168, b"02/03/02"),
        ),
    ];
    for (name, b) in made {
        let p = tmp.join(name);
        std::fs::write(&p, b).expect("write a test file");
        files.push(p);
    }
    files
}

#[test]
fn pyedflib_opens_every_repaired_copy_with_sigmarks_values_of_the_input() {
    let Some(python) = helpers::python() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut pairs = Vec::new();
    for (k, input) in refused_inputs(tmp.path()).into_iter().enumerate() {
        let Ok(Some(r)) = check_file(&input, true) else {
            continue;
        };
        let Some(why) = r.edflib_refuses else {
            continue;
        };
        let b = std::fs::read(&input).expect("read input");
        match plan(&b, b.len() as u64, Some(&b)) {
            Err(e) => println!(
                "{}: EDFlib refuses ({why}); repair refused: {e}",
                input.display()
            ),
            Ok(p) => {
                let out = applied(&b, &p);
                let after = check_edf(&out, out.len() as u64, Some(&out));
                if let Some(still) = after.edflib_refuses {
                    println!(
                        "{}: EDFlib refuses ({why}); after repair still: {still}",
                        input.display()
                    );
                    continue;
                }
                let path = tmp.path().join(format!("repaired_{k}.edf"));
                std::fs::write(&path, out).expect("write repaired copy");
                println!(
                    "{}: EDFlib refuses ({why}); repaired with {} change(s)",
                    input.display(),
                    p.changes.len()
                );
                pairs.push((input, path));
            }
        }
    }
    assert!(
        pairs.len() >= 3,
        "at least the three made files are repairable"
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/check_pyedflib.py");
    let run = std::process::Command::new(&python)
        .arg(&script)
        .args(pairs.iter().map(|p| &p.1))
        .output()
        .expect("run python");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(lines.len(), pairs.len());
    for ((input, repaired), py) in pairs.iter().zip(&lines) {
        compare_with_sigmark(input, repaired, py);
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-12)
}

fn compare_with_sigmark(input: &Path, repaired: &Path, py: &serde_json::Value) {
    assert_eq!(
        py["ok"],
        true,
        "pyedflib refused the repaired copy of {}: {}",
        input.display(),
        py["error"]
    );
    // sigmark reads the input; where its reader refuses it (a slashed date), the repaired copy.
    let rec = sigmark::formats::open(input)
        .or_else(|e| {
            println!(
                "{}: sigmark refuses the input ({e}); comparing with its reading of the copy",
                input.display()
            );
            sigmark::formats::open(repaired)
        })
        .expect("sigmark reads the input or its repaired copy");
    let sigs = py["signals"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        sigs.len(),
        rec.channels.len(),
        "{}: signal count",
        input.display()
    );
    for (ch, s) in sigs.iter().enumerate() {
        let n = rec.channels[ch].samples;
        let v = rec
            .read_samples(ch, 0, n as usize)
            .expect("read the channel");
        let sum: f64 = v.iter().sum();
        let (n_py, sum_py) = (
            s["n"].as_u64().unwrap_or(0),
            s["sum"].as_f64().unwrap_or(f64::NAN),
        );
        let (first, last) = (
            s["first"].as_f64().unwrap_or(f64::NAN),
            s["last"].as_f64().unwrap_or(f64::NAN),
        );
        println!(
            "{} ch {ch} {:?}: n {n}/{n_py} sum {sum}/{sum_py} first {:?}/{first} last {:?}/{last}",
            input.display(),
            rec.channels[ch].label,
            v.first(),
            v.last()
        );
        assert_eq!(n, n_py);
        assert!(close(sum, sum_py) || (sum - sum_py).abs() < 1e-6, "sum");
        assert!(
            close(v[0], first) && close(v[v.len() - 1], last),
            "first/last"
        );
    }
}

/// One mutation of a file: a byte, a number written into a header field, or a new length.
#[derive(Debug, Clone)]
enum Mutation {
    Byte(usize, u8),
    Field(usize, String),
    Length(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop_oneof![
        Just(b' '),
        Just(b'-'),
        Just(b'.'),
        Just(0u8),
        Just(0xFFu8),
        Just(b'X'),
        Just(20u8),
        Just(21u8),
        b'0'..=b'9',
        any::<u8>()
    ];
    let number = prop_oneof![
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("  7".to_string()),
        Just("99999999".to_string()),
        (-40000i64..70000).prop_map(|n| n.to_string()),
        "[0-9 .+-eE]{1,8}"
    ];
    prop_oneof![
        4 => (0usize..1400, byte).prop_map(|(o, b)| Mutation::Byte(o, b)),
        3 => (0usize..1024, number).prop_map(|(o, s)| Mutation::Field(o & !7, s)),
        1 => (0usize..2000).prop_map(Mutation::Length),
    ]
}

fn apply(mut b: Vec<u8>, m: &Mutation) -> Vec<u8> {
    match m {
        Mutation::Byte(o, v) if *o < b.len() => b[*o] = *v,
        Mutation::Field(o, s) if o + 8 <= b.len() => {
            let mut f = s.clone().into_bytes();
            f.resize(8, b' ');
            b[*o..o + 8].copy_from_slice(&f[..8]);
        }
        Mutation::Length(n) => b.resize(*n.min(&(b.len() + 700)), 0),
        _ => {}
    }
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    /// Check never panics on a mutated file (header, size and TALs), and repair either refuses
    /// or writes a file that sigmark's reader opens and that the check finds no error in.
    #[test]
    fn check_and_repair_survive_mutated_files(plus in any::<bool>(), muts in proptest::collection::vec(mutation(), 1..5)) {
        let mut b = if plus { edf_plus() } else { bdf() };
        for m in &muts {
            b = apply(b, m);
        }
        let r = check_edf(&b, b.len() as u64, Some(&b));
        prop_assert!(r.findings.len() < 10_000);
        if let Ok(p) = plan(&b, b.len() as u64, Some(&b)) {
            let out = applied(&b, &p);
            let after = check_edf(&out, out.len() as u64, None);
            prop_assert!(after.status() != Status::Errors, "repaired copy has errors: {:?}", after.findings);
            let opened = sigmark::formats::edf::open_bytes(Path::new("repaired.edf"), Box::new(out));
            prop_assert!(opened.is_ok(), "sigmark cannot read the repaired copy: {:?}; changes {:?}", opened.err(), p.changes);
        }
    }
}

fn sigmark(args: &[&std::ffi::OsStr]) -> std::process::Output {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sigmark"))
        .args(args)
        .output()
        .expect("run sigmark");
    println!(
        "sigmark {args:?} -> {:?}\n{}{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn check_cli_exit_status_summary_json_and_escaped_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good.edf");
    std::fs::write(&good, edf_plus()).expect("write");
    let ok = sigmark(&["check".as_ref(), dir.path().as_os_str()]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&ok.stdout)
        .contains("1 files: 1 conformant, 0 warnings only, 0 with errors"));
    // A label with ESC and a C1 control, and a broken record count.
    let evil = helpers::patched(
        &helpers::patched(&edf_plus(), 256, b"\x1b[2J\xc2\x9bX"),
        236,
        b"x       ",
    );
    std::fs::write(dir.path().join("bad.edf"), evil).expect("write");
    std::fs::write(dir.path().join("notes.bin"), b"not a recording").expect("write");
    let bad = sigmark(&["check".as_ref(), dir.path().as_os_str()]);
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(text
        .contains("2 files: 1 conformant, 0 warnings only, 1 with errors (1 other files skipped)"));
    assert!(
        !bad.stdout.contains(&0x1b) && !text.contains('\u{9b}'),
        "control characters reach the terminal"
    );
    let json = sigmark(&["check".as_ref(), "--json".as_ref(), dir.path().as_os_str()]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(v["summary"]["errors"], 1);
    let findings = v["files"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["status"] == "errors"))
        .map(|f| f["findings"].clone());
    assert!(findings.is_some_and(|f| f.as_array().is_some_and(|a| a
        .iter()
        .any(|x| x["offset"] == 236 && x["severity"] == "error"))));
}

#[test]
fn repair_cli_never_touches_its_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("in.edf");
    let bytes = helpers::patched(&edf_plus(), 236, b"  3     ");
    std::fs::write(&input, &bytes).expect("write");
    let link = dir.path().join("link.edf");
    std::fs::hard_link(&input, &link).expect("hard link");
    for out in [&input, &link, &dir.path().join("./in.edf")] {
        let r = sigmark(&[
            "repair".as_ref(),
            input.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        assert_eq!(r.status.code(), Some(2), "OUT {} is IN", out.display());
    }
    let out = dir.path().join("out.edf");
    let r = sigmark(&[
        "repair".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(r.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&r.stdout)
        .contains("byte     236  number of data records: \"  3     \" -> \"3       \""));
    assert_eq!(std::fs::read(&input).expect("read"), bytes, "IN unchanged");
    assert_eq!(
        check(&std::fs::read(&out).expect("read")).status(),
        Status::Conformant
    );
    let cut = dir.path().join("cut.edf");
    let full = edf_plus();
    std::fs::write(&cut, &full[..full.len() - 3]).expect("write");
    let none = dir.path().join("none.edf");
    let r = sigmark(&[
        "repair".as_ref(),
        cut.as_os_str(),
        "--out".as_ref(),
        none.as_os_str(),
    ]);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("repair refused"));
    assert!(!none.exists(), "a refused repair writes nothing");
}
