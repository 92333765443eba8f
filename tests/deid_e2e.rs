//! `sigmark deid` end to end, with the real format parts: a tree holding an EDF+ full of known
//! PHI (header, TAL texts, file and directory names) and readers' tables, journals, a
//! consensus and decisions whose notes name the person, de-identified by the binary. Every byte
//! and every name under `--out` is searched for every identifying token; the copy keeps every
//! sample and onset; the sidecars name the copy's hash; the key holds the shift; a run with one
//! thread writes the same bytes as a run with several.

mod common;
#[allow(dead_code)]
#[path = "common/deid_edf.rs"]
mod edf_fixture;
#[path = "common/deid_files.rs"]
mod files_fixture;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sigmark::annotations::store::{read_table, Sidecar};

const DAYS: &str = "17";
/// The patient field of the tree's recording: the EDF fixture's person, with the record
/// number the readers' notes use as an additional subfield.
const PATIENT: &str = "MCH-0234567 F 12-MAR-1961 Jane_Doé MRN4471";

/// `in/Jane_Doe/Doe_Jane_visit.edf` with alice's, bob's and the consensus files beside it.
fn tree(tmp: &Path) -> PathBuf {
    let person = tmp.join("in/Jane_Doe");
    std::fs::create_dir_all(&person).unwrap();
    let rec = files_fixture::make(&person);
    std::fs::create_dir_all(tmp.join("gen")).unwrap();
    let generated = edf_fixture::phi_recording(&tmp.join("gen"), false);
    let mut bytes = std::fs::read(generated).unwrap();
    let mut field = PATIENT.as_bytes().to_vec();
    field.resize(80, b' ');
    bytes[8..88].copy_from_slice(&field);
    std::fs::write(&rec, bytes).unwrap();
    rec
}

fn tokens() -> Vec<(String, Vec<u8>)> {
    let mut all = edf_fixture::tokens();
    for w in [
        files_fixture::CODE,
        files_fixture::NAME,
        files_fixture::BIRTH,
        files_fixture::VISIT,
        files_fixture::CLOCK,
        files_fixture::STEM,
    ] {
        for form in [w.to_string(), w.to_lowercase()] {
            all.push((format!("{form:?}"), form.into_bytes()));
        }
    }
    all
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out.sort();
    out
}

fn run(tmp: &Path, out: &str, jobs: &str, key: Option<&Path>) -> (i32, String) {
    let map = tmp.join("readers.tsv");
    std::fs::write(&map, "alice\treader1\nbob\treader2\ncarol\tadj1\n").unwrap();
    let mut args: Vec<std::ffi::OsString> = vec![
        "deid".into(),
        tmp.join("in").into(),
        "--out".into(),
        tmp.join(out).into(),
        "--shift-days".into(),
        DAYS.into(),
        "--reader-map".into(),
        map.into(),
        "--jobs".into(),
        jobs.into(),
    ];
    if let Some(k) = key {
        args.extend(["--key".into(), k.into()]);
    }
    let (code, stdout, stderr) = common::cli::sigmark(&args).parts();
    println!("exit {code}\n{stdout}{stderr}");
    (code, stderr)
}

#[test]
fn nothing_identifying_is_left_and_every_sample_and_onset_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tree(tmp.path());
    let key = tmp.path().join("keys/key.json");
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    let (code, stderr) = run(tmp.path(), "out", "1", Some(&key));
    // The damaged-journal backup and the unknown text file are skipped (they may hold PHI),
    // so the run says so and exits 1.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("1 recordings"), "{stderr}");
    // Each skipped once, with its reason: the backup is not taken for a recording.
    assert_eq!(
        stderr.matches("damaged-journal backup").count(),
        1,
        "{stderr}"
    );
    assert!(!stderr.contains("not a recording"), "{stderr}");
    let out = tmp.path().join("out");
    let files = files_under(&out);
    let names: Vec<String> = files
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
        .collect();
    println!("written: {names:?}");
    assert!(names.iter().any(|n| n == "deid-0001.edf"), "{names:?}");
    assert!(names.iter().any(|n| n == "deid-0001.reader1.events.tsv"));
    let mut searched = 0;
    for (file, name) in files.iter().zip(&names) {
        let bytes = std::fs::read(file).unwrap();
        let text_file = !name.ends_with(".edf");
        for (what, token) in tokens() {
            searched += 1;
            assert!(
                edf_fixture::find(&bytes, &token).is_none(),
                "{what} found in {name}"
            );
            assert!(!name.contains(&*String::from_utf8_lossy(&token)));
        }
        for reader in ["alice", "bob", "carol"] {
            assert!(!text_file || !String::from_utf8_lossy(&bytes).contains(reader));
        }
    }
    println!(
        "{searched} (file, token) searches over {} files: none found",
        files.len()
    );

    let a = sigmark::open(&src).unwrap();
    let b = sigmark::open(out.join("deid-0001.edf")).unwrap();
    let values = edf_fixture::same_values(&a, &b, "deid-0001.edf");
    println!(
        "{values} values and {} annotations equal",
        b.annotations.len()
    );

    let sha = files_fixture::sha256_hex(&out.join("deid-0001.edf"));
    for name in names.iter().filter(|n| n.ends_with(".events.json")) {
        let side = Sidecar::read(&out.join(name)).unwrap();
        assert_eq!(
            side.recording_sha256.as_deref(),
            Some(sha.as_str()),
            "{name}"
        );
        assert_eq!(side.recording, "deid-0001.edf", "{name}");
    }
    let table = read_table(&out.join("deid-0001.reader1.events.tsv")).unwrap();
    assert!(!table.is_empty());

    let key: serde_json::Value = serde_json::from_slice(&std::fs::read(&key).unwrap()).unwrap();
    println!("key: {key}");
    assert_eq!(key["shift_days"], 17);
    assert!(files_under(&out).iter().all(|p| !p.ends_with("key.json")));
}

#[test]
fn one_thread_and_several_write_the_same_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    run(tmp.path(), "one", "1", None);
    run(tmp.path(), "four", "4", None);
    let read = |dir: &str| -> BTreeMap<String, Vec<u8>> {
        let root = tmp.path().join(dir);
        files_under(&root)
            .into_iter()
            .map(|p| {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(&p).unwrap())
            })
            .collect()
    };
    let (one, four) = (read("one"), read("four"));
    println!("{} files each", one.len());
    assert!(one.len() > 5);
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        four.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &one {
        assert!(four[name] == *bytes, "{name} differs");
    }
}
