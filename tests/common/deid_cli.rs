//! Test doubles of the de-identification format parts (the real `deid_edf`, `deid_hdf5`,
//! `deid_wfdb` and `deid_annotation_files` are written elsewhere), and small trees of files
//! that `formats::probe` recognises, for the runner's tests. The doubles copy bytes and report
//! fixed counts: they stand in for the interface, not for de-identification.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use sigmark::deid::run::{FilesArgs, Formats};
use sigmark::deid::{DeidError, FileReport, Identifiers, Outcome, Plan};

/// Bytes that probe as EDF (the version field), with a patient name in the header.
pub const EDF: &[u8] = b"0       Jane_Doe M 01-JAN-1970                  rest of a header";
/// Bytes that probe as HDF5 (the superblock signature at 0).
pub const HDF5: &[u8] = b"\x89HDF\r\n\x1a\n\0\0\0\0\0\0\0\0";
/// A one-signal WFDB header naming `NAME.dat`.
pub fn wfdb_header(name: &str) -> String {
    format!("{name} 1 360 10\n{name}.dat 16 200 11 1024 0 0 0 MLII\n# 69 M Jane\n")
}

/// Writes `bytes` at `dir/rel`, making the directories.
pub fn put(dir: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(&p, bytes).expect("write fixture");
    p
}

/// A WFDB record `dir/NAME.{hea,dat,atr}`.
pub fn put_wfdb(dir: &Path, name: &str) -> PathBuf {
    put(dir, &format!("{name}.dat"), &[0u8; 20]);
    put(dir, &format!("{name}.atr"), &[0u8; 4]);
    put(dir, &format!("{name}.hea"), wfdb_header(name).as_bytes())
}

/// The doubles as the runner's table.
pub fn doubles() -> Formats {
    Formats {
        edf: copy_edf,
        hdf5: copy_hdf5,
        wfdb: copy_wfdb,
        files: copy_tables,
    }
}

/// A table whose EDF part always fails, to see a failure become a skip.
pub fn failing_edf() -> Formats {
    Formats {
        edf: |src, _, _| {
            Err(DeidError::invalid(
                src,
                "byte 184: expected the header size",
            ))
        },
        ..doubles()
    }
}

pub fn sha256(path: &Path) -> String {
    let bytes = fs::read(path).expect("read output");
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn copy(src: &Path, out: &Path, plan: &Plan, fields: usize) -> Result<Outcome, DeidError> {
    let mut ids = Identifiers::default();
    ids.add_name("Jane_Doe");
    let sha256 = if plan.dry_run {
        None
    } else {
        fs::copy(src, out).map_err(|e| DeidError::io(out, e))?;
        Some(sha256(out))
    };
    Ok(Outcome {
        report: FileReport {
            source: src.to_path_buf(),
            output: out.to_path_buf(),
            fields_cleared: fields,
            texts_replaced: 1,
            changes: vec![format!("{fields} header fields cleared")],
            skipped: None,
        },
        ids,
        sha256,
    })
}

fn copy_edf(src: &Path, out: &Path, plan: &Plan) -> Result<Outcome, DeidError> {
    copy(src, out, plan, 3)
}

fn copy_hdf5(src: &Path, out: &Path, plan: &Plan) -> Result<Outcome, DeidError> {
    copy(src, out, plan, 5)
}

fn copy_wfdb(hea: &Path, dir: &Path, name: &str, plan: &Plan) -> Result<Outcome, DeidError> {
    copy(hea, &dir.join(format!("{name}.hea")), plan, 2)
}

/// Copies every `STEM.READER.events.tsv` beside the recording as
/// `NEWSTEM.MAPPED.events.tsv`, its text scrubbed, followed by a line with the sha256 and the
/// shift it was given; a reader named `broken` gives a skipped report.
fn copy_tables(rec: &Path, out: &Path, a: &FilesArgs) -> Result<Vec<FileReport>, DeidError> {
    let stem = stem_of(rec);
    let dir = rec.parent().unwrap_or(Path::new("."));
    let mut reports = Vec::new();
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| DeidError::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    for p in names {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(reader) = name
            .strip_prefix(&format!("{stem}."))
            .and_then(|r| r.strip_suffix(".events.tsv"))
        else {
            continue;
        };
        let mapped = a.reader_map.get(reader).map_or(reader, String::as_str);
        let target = out.with_file_name(format!("{}.{mapped}.events.tsv", stem_of(out)));
        let mut report = FileReport {
            source: p.clone(),
            output: target.clone(),
            ..FileReport::default()
        };
        if reader == "broken" {
            report.skipped = Some("line 2: expected 4 columns".into());
        } else {
            let text = fs::read_to_string(&p).map_err(|e| DeidError::io(&p, e))?;
            let s = a.scrubber.scrub(&text);
            report.texts_replaced = s.replaced;
            report
                .changes
                .push(format!("{} texts replaced", s.replaced));
            if !a.dry_run {
                let body = format!(
                    "{}\nsha256={}\nshift={:?}\n",
                    s.text,
                    a.sha256.unwrap_or("none"),
                    a.scrubber.shift().map(|s| s.days)
                );
                fs::write(&target, body).map_err(|e| DeidError::io(&target, e))?;
            }
        }
        reports.push(report);
    }
    Ok(reports)
}

fn stem_of(p: &Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Every file under `dir` (relative, sorted), for "wrote nothing" and "wrote exactly" checks.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = fs::read_dir(&d) else { continue };
        for e in rd.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
