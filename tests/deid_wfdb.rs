//! `deid_wfdb`: every corpus WFDB record de-identified into a temporary directory, then read
//! by sigmark and by wfdb-python 4.3.1 (`tests/py/deid_wfdb_read.py` through
//! `$SIGMARK_PYTHON`): the same samples (bit for bit) as the source and its oracle, the same
//! annotation samples and symbols, the base date moved by exactly the shift. A generated
//! record with identifying comments and notes: none of them left in any output byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use serde_json::Value;
use sigmark::deid::wfdb::deid_wfdb;
use sigmark::deid::{Plan, Shift};
use sigmark::formats::mit;

mod common;

const SHIFT: i64 = 40;

fn plan(shift: Option<i64>) -> Plan {
    Plan {
        shift: shift.map(Shift::days),
        ..Plan::default()
    }
}

/// Every `.hea` of the corpus whose oracle names it as a record (segment headers excluded).
fn corpus_records(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.join("wfdb")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let name = p.to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if let Some(stem) = name.strip_suffix(".oracle.json") {
                let hea = PathBuf::from(format!("{stem}.hea"));
                if hea.is_file() {
                    out.push(hea);
                }
            }
        }
    }
    out.sort();
    out
}

/// Every channel's physical values (as bits) and digital values, or why they are unreadable.
/// One channel: physical values as bits, digital values when the format stores them.
type ChannelValues = (Vec<u64>, Option<Vec<i32>>);

fn samples(hea: &Path) -> Result<Vec<ChannelValues>, String> {
    let rec = sigmark::open(hea).map_err(|e| e.to_string())?;
    (0..rec.channels.len())
        .map(|ch| {
            let n = rec.channels[ch].samples as usize;
            let phys = rec.read_samples(ch, 0, n).map_err(|e| e.to_string())?;
            let dig = rec.read_digital(ch, 0, n).map_err(|e| e.to_string())?;
            Ok((phys.iter().map(|v| v.to_bits()).collect(), dig))
        })
        .collect()
}

fn start_date(hea: &Path) -> Option<NaiveDate> {
    sigmark::open(hea).ok()?.start.map(|s| s.datetime.date())
}

/// The annotators of a record: the files its oracle lists that its header does not name.
fn annotators(oracle: &Value, stem: &str) -> Vec<String> {
    let header = oracle["header_text"].as_str().unwrap_or_default();
    let files = oracle["files"].as_array().cloned().unwrap_or_default();
    let mut out: Vec<String> = files
        .iter()
        .filter_map(|f| f["file"].as_str())
        .map(Path::new)
        .filter(|p| p.file_stem().is_some_and(|s| s == stem))
        .filter(|p| p.extension().is_some_and(|e| e != "hea" && e != "dat"))
        .filter(|p| !header.contains(&*p.file_name().unwrap().to_string_lossy()))
        .map(|p| p.extension().unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn sha256(path: &Path) -> Option<String> {
    use sha2::Digest;
    let bytes = std::fs::read(path).ok()?;
    Some(
        sha2::Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

#[test]
fn every_corpus_record_keeps_its_samples_annotations_and_moves_its_date() {
    let Some(root) = common::reference::corpus_with("wfdb", "deid_wfdb") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (mut records, mut failures) = (0, Vec::new());
    for (k, hea) in corpus_records(&root).iter().enumerate() {
        let out_dir = tmp.path().join(format!("r{k}"));
        let name = format!("study{k}");
        let outcome = match deid_wfdb(hea, &out_dir, &name, &plan(Some(SHIFT))) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: deid failed: {e}", hea.display()));
                continue;
            }
        };
        records += 1;
        let out_hea = out_dir.join(format!("{name}.hea"));
        assert_eq!(outcome.report.output, out_hea);
        let sha = sha256(&out_hea);
        if outcome.sha256 != sha {
            failures.push(format!(
                "{}: sha256 {:?} vs {sha:?}",
                hea.display(),
                outcome.sha256
            ));
        }
        compare_record(hea, &out_hea, &mut failures);
        compare_annotations(hea, &out_dir, &name, &mut failures);
    }
    println!(
        "{records} records de-identified, {} failures",
        failures.len()
    );
    assert!(records >= 40, "only {records} records found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn compare_record(hea: &Path, out_hea: &Path, failures: &mut Vec<String>) {
    let (a, b) = (samples(hea), samples(out_hea));
    match (&a, &b) {
        (Ok(a), Ok(b)) => {
            let n: usize = a.iter().map(|c| c.0.len()).sum();
            println!(
                "{}: {} channels, {n} samples compared",
                hea.display(),
                a.len()
            );
            if a != b {
                failures.push(format!("{}: samples differ in the copy", hea.display()));
            }
        }
        (Err(e), Err(_)) => println!("{}: unreadable before and after ({e})", hea.display()),
        _ => failures.push(format!(
            "{}: source {:?} vs copy {:?}",
            hea.display(),
            a.as_ref().err(),
            b.as_ref().err()
        )),
    }
    if let Some(before) = start_date(hea) {
        let after = start_date(out_hea);
        let want = before + chrono::Duration::days(SHIFT);
        println!("  start date {before} -> {after:?}");
        if after != Some(want) {
            failures.push(format!(
                "{}: start date {after:?}, expected {want}",
                hea.display()
            ));
        }
    }
}

fn compare_annotations(hea: &Path, out_dir: &Path, name: &str, failures: &mut Vec<String>) {
    let stem = hea.file_stem().unwrap().to_string_lossy().into_owned();
    for e in std::fs::read_dir(hea.parent().unwrap()).unwrap().flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let Some(ext) = fname.strip_prefix(&format!("{stem}.")) else {
            continue;
        };
        let Ok(src) = mit::read_file(e.path()) else {
            continue;
        };
        if ext == "hea" || ext.contains('.') || ext.starts_with('d') {
            continue;
        }
        let copy = out_dir.join(format!("{name}.{ext}"));
        let key = |f: &mit::AnnotationFile| -> Vec<(i64, u8)> {
            f.entries.iter().map(|e| (e.sample, e.code)).collect()
        };
        match mit::read_file(&copy) {
            Ok(c) if key(&c) == key(&src) => {
                println!("  annotator {ext}: {} entries kept", src.entries.len())
            }
            Ok(_) => failures.push(format!("{}: annotator {ext} changed", hea.display())),
            Err(err) => failures.push(format!("{}: annotator {ext} copy: {err}", hea.display())),
        }
    }
}

/// The record's JSON from wfdb-python (`None`: no Python configured).
fn wfdb_python(py: &Path, record: &Path, annotators: &[String]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/deid_wfdb_read.py");
    let out = Command::new(py)
        .arg(script)
        .arg(record)
        .args(annotators)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        let text = String::from_utf8_lossy(&out.stdout);
        panic!(
            "{}: {e}: {}",
            record.display(),
            &text[..text.len().min(300)]
        )
    })
}

#[test]
fn wfdb_python_reads_the_copies_as_the_sources() {
    let Some(root) = common::reference::corpus_with("wfdb", "deid_wfdb") else {
        return;
    };
    let Some(py) = common::reference::python("deid_wfdb") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut compared = 0;
    for (k, hea) in corpus_records(&root).iter().enumerate() {
        let oracle_path = hea.with_extension("oracle.json");
        let oracle: Value =
            serde_json::from_str(&std::fs::read_to_string(&oracle_path).unwrap()).unwrap();
        let stem = hea.file_stem().unwrap().to_string_lossy();
        let ann = annotators(&oracle, &stem);
        let out_dir = tmp.path().join(format!("r{k}"));
        let name = format!("study{k}");
        deid_wfdb(hea, &out_dir, &name, &plan(Some(SHIFT))).unwrap();
        let a = wfdb_python(&py, &hea.with_extension(""), &ann);
        let b = wfdb_python(&py, &out_dir.join(&name), &ann);
        compared += 1;
        check_same(hea, &a, &b, &oracle, &mut failures);
    }
    println!("{compared} records compared through wfdb-python");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check_same(hea: &Path, a: &Value, b: &Value, oracle: &Value, failures: &mut Vec<String>) {
    let what = hea.display();
    if a["signals"] != b["signals"] {
        failures.push(format!(
            "{what}: wfdb-python reads other samples in the copy"
        ));
    }
    if let (Some(sigs), Some(orc)) = (b["signals"].as_array(), oracle["signals"].as_array()) {
        for (s, o) in sigs.iter().zip(orc) {
            let (n, on) = (&s["n"], &o["physical"]["n"]);
            if n != on {
                failures.push(format!("{what}: copy has {n} samples, oracle {on}"));
            }
        }
    }
    for (name, src) in a["annotators"].as_object().into_iter().flatten() {
        let copy = &b["annotators"][name];
        println!(
            "  annotator {name}: {} samples",
            src["sample"].as_array().map_or(0, Vec::len)
        );
        if src["sample"] != copy["sample"]
            || src["symbol"] != copy["symbol"]
            || src["error"] != copy["error"]
        {
            failures.push(format!("{what}: annotator {name} samples/symbols differ"));
        }
    }
    let date = |v: &Value| {
        v["base_date"]
            .as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
    };
    if let Some(d) = date(a) {
        let want = d + chrono::Duration::days(SHIFT);
        println!("{what}: base date {d} -> {:?}", date(b));
        if date(b) != Some(want) {
            failures.push(format!("{what}: base date {:?}, expected {want}", date(b)));
        }
    }
    println!(
        "{what}: {} signals, annotators {:?}",
        a["signals"].as_array().map_or(0, Vec::len),
        a["annotators"]
            .as_object()
            .map(|o| o.keys().collect::<Vec<_>>())
    );
}

/// A record with a named patient: header comments and an annotation note naming her.
fn phi_record(dir: &Path) -> PathBuf {
    let hea = dir.join("jdoe01.hea");
    std::fs::write(
        &hea,
        "jdoe01 1 100 50 10:11:12 26/10/1994\r\n\
         jdoe01.dat 16 200/mV 16 0 0 -13 0 ECG\r\n\
         # Name: Jane Doe\r\n\
         # 92 M 1085 1629 x1\r\n\
         # <age>: 95 <sex>: F, seen by Dr Smith for JANE\r\n",
    )
    .unwrap();
    let data: Vec<u8> = (0..50i16)
        .flat_map(|v| (v * 3 - 20).to_le_bytes())
        .collect();
    std::fs::write(dir.join("jdoe01.dat"), data).unwrap();
    let mut note = mit::Entry::new(10, mit::codes::NOTE);
    note.aux = Some(b"call jane doe".to_vec());
    let beat = mit::Entry::new(20, 1);
    std::fs::write(dir.join("jdoe01.atr"), mit::encode(&[note, beat])).unwrap();
    hea
}

#[test]
fn no_identifying_token_is_left_in_any_output_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir(&src).unwrap();
    let hea = phi_record(&src);
    let out = tmp.path().join("out");
    let outcome = deid_wfdb(&hea, &out, "study7", &plan(Some(SHIFT))).unwrap();
    println!("{:#?}", outcome.report);
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["study7.atr", "study7.dat", "study7.hea"]);
    for f in &names {
        let bytes = std::fs::read(out.join(f)).unwrap().to_ascii_lowercase();
        for token in ["jane", "doe", "jdoe01", "26/10/1994", "92 m", ": 95"] {
            let found = bytes.windows(token.len()).any(|w| w == token.as_bytes());
            println!("{f}: {token:?} found: {found}");
            assert!(!found, "{f} still holds {token:?}");
        }
    }
    let text = std::fs::read_to_string(out.join("study7.hea")).unwrap();
    println!("{text}");
    assert!(
        text.starts_with("study7 1 100 50 10:11:12 05/12/1994\r\nstudy7.dat 16 "),
        "{text}"
    );
    assert!(
        text.contains("# 90+ M 1085 1629 x1\r\n") && text.contains("<age>: 90+ <sex>: F"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(src.join("jdoe01.dat")).unwrap(),
        std::fs::read(out.join("study7.dat")).unwrap()
    );
    let atr = mit::read_file(out.join("study7.atr")).unwrap();
    assert_eq!(atr.entries[0].aux_text(), "call [name] [name]");
    assert_eq!(outcome.ids.names, ["Jane", "Doe"]);
}

#[test]
fn without_a_shift_the_base_date_is_dropped_and_nothing_else_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let hea = phi_record(tmp.path());
    let out = tmp.path().join("out");
    deid_wfdb(&hea, &out, "s1", &plan(None)).unwrap();
    let text = std::fs::read_to_string(out.join("s1.hea")).unwrap();
    println!("{text}");
    assert!(text.starts_with("s1 1 100 50 10:11:12\r\n"), "{text}");
    let again = deid_wfdb(&hea, &out, "s1", &plan(None))
        .unwrap_err()
        .to_string();
    println!("{again}");
    assert!(again.contains("exists already"), "{again}");
}
