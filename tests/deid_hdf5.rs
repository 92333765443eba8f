//! `deid_hdf5`: every corpus HDF5 file (`hdf5/`, `h5py/`) de-identified into a temporary
//! directory: sigmark reads the copy's channels bit-identical to the source's, the copy differs
//! from the source only in the bytes of the rewritten string values, the cleared fields read
//! back `X` and the dates read back moved by exactly the shift (through hdf5-reader), and the
//! source's subject id is in no byte of the copy.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sigmark::deid::hdf5::deid_hdf5;
use sigmark::deid::{Plan, Shift};

mod common;

const SHIFT: i64 = 40;

fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in ["hdf5", "h5py"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            let p = e.path();
            let ext = p
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !["json", "py"].contains(&ext.as_str()) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn strings(path: &Path, dataset: &str) -> Option<Vec<String>> {
    let f = hdf5_reader::Hdf5File::open(path).ok()?;
    f.dataset(dataset).ok()?.read_strings().ok()
}

fn channel_bits(path: &Path) -> Result<Vec<Vec<u64>>, String> {
    let rec = sigmark::open(path).map_err(|e| e.to_string())?;
    (0..rec.channels.len())
        .map(|ch| {
            let n = rec.channels[ch].samples as usize;
            let v = rec.read_samples(ch, 0, n).map_err(|e| e.to_string())?;
            Ok(v.iter().map(|x| x.to_bits()).collect())
        })
        .collect()
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    if needle.is_empty() {
        return 0;
    }
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

#[test]
fn every_corpus_hdf5_file_keeps_its_values_and_loses_its_identifiers() {
    let Some(root) = common::reference::corpus_with("hdf5", "deid_hdf5") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let plan = Plan {
        shift: Some(Shift::days(SHIFT)),
        ..Plan::default()
    };
    let mut failures = Vec::new();
    for src in files(&root) {
        let out = tmp.path().join(src.file_name().unwrap());
        let outcome = match deid_hdf5(&src, &out, &plan) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("{}: {e}", src.display()));
                continue;
            }
        };
        println!("{}: {:?}", src.display(), outcome.report.changes);
        let (a, b) = (std::fs::read(&src).unwrap(), std::fs::read(&out).unwrap());
        let differing = a.iter().zip(&b).filter(|(x, y)| x != y).count();
        println!(
            "  {} of {} bytes differ; ids {:?}",
            differing,
            a.len(),
            outcome.ids
        );
        if a.len() != b.len() || differing > 4096 {
            failures.push(format!(
                "{}: {differing} bytes differ, sizes {} {}",
                src.display(),
                a.len(),
                b.len()
            ));
        }
        match (channel_bits(&src), channel_bits(&out)) {
            (Ok(x), Ok(y)) if x == y => println!("  {} channels bit-identical", x.len()),
            (Err(e), Err(_)) => println!("  sigmark cannot open it: {e}"),
            (x, y) => failures.push(format!(
                "{}: channels {:?} vs {:?}",
                src.display(),
                x.err(),
                y.err()
            )),
        }
        for id in outcome.ids.names.iter() {
            let n = count(&b, id.as_bytes());
            println!(
                "  id {id:?}: {} in source, {n} in copy",
                count(&a, id.as_bytes())
            );
            if n > 0 && id.len() > 7 {
                failures.push(format!("{}: {id:?} still in the copy", src.display()));
            }
        }
        check_fields(&src, &out, &mut failures);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The known fields of the copy read back cleared or shifted.
fn check_fields(src: &Path, out: &Path, failures: &mut Vec<String>) {
    for cleared in [
        "/nirs/metaDataTags/SubjectID",
        "/nirs/metaDataTags/DateOfBirth",
        "/nirs/metaDataTags/sex",
    ] {
        if let Some(v) = strings(out, cleared) {
            println!("  {cleared}: {v:?}");
            if v.iter().any(|s| s.trim_end_matches('\0') != "X") {
                failures.push(format!("{}: {cleared} reads {v:?}", out.display()));
            }
        }
    }
    for dated in [
        "/nirs/metaDataTags/MeasurementDate",
        "/session_start_time",
        "/timestamps_reference_time",
        "/file_create_date",
    ] {
        let (Some(before), Some(after)) = (strings(src, dated), strings(out, dated)) else {
            continue;
        };
        for (b, a) in before.iter().zip(&after) {
            let want = date(b).map(|d| d + chrono::Duration::days(SHIFT));
            println!("  {dated}: {b:?} -> {a:?}");
            if date(a) != want || a.get(10..) != b.get(10..) {
                failures.push(format!(
                    "{}: {dated} {a:?}, expected {want:?}",
                    out.display()
                ));
            }
        }
    }
}

#[test]
fn the_source_is_never_the_output() {
    let Some(root) = common::reference::corpus_with("hdf5", "deid_hdf5") else {
        return;
    };
    let src = files(&root).into_iter().next().unwrap();
    let e = deid_hdf5(&src, &src, &Plan::default())
        .unwrap_err()
        .to_string();
    println!("{e}");
    assert!(e.contains("the output is the source"), "{e}");
}
