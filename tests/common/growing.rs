//! A writer that is still recording: an EDF file whose header says -1 records (EDF+ rule 10)
//! and whose records arrive one by one, made from `common::spec` (plain EDF, 1 s records of
//! `Fp1` at 8 Hz and `ECG` at 4 Hz, every sample the ramp `common::value`).

use std::io::Write;
use std::path::Path;

/// Header bytes of `common::spec` (two signals) and bytes of one of its records.
pub const HEADER_BYTES: usize = 256 * 3;
pub const RECORD_BYTES: usize = (8 + 4) * 2;

/// The whole file of `records` records with the record count `count` written in its header.
pub fn file_bytes(records: u64, count: &str) -> Vec<u8> {
    let mut b = super::bytes(&super::spec(false, None, records));
    let field = format!("{count:<8}");
    b[236..244].copy_from_slice(field.as_bytes());
    b
}

/// Bytes of records `from..to` of the ramp (what a writer appends).
pub fn records(from: u64, to: u64) -> Vec<u8> {
    let all = super::bytes(&super::spec(false, None, to));
    all[HEADER_BYTES + from as usize * RECORD_BYTES..].to_vec()
}

/// Writes a file of `n` records whose header says -1 (still recording).
pub fn start(path: &Path, n: u64) {
    std::fs::write(path, file_bytes(n, "-1")).expect("write the growing file");
}

/// Appends `bytes` as a writer does (in place, the file stays the same inode).
pub fn append(path: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open the growing file");
    f.write_all(bytes).expect("append");
    f.sync_data().expect("sync");
}

/// Appends records `from..to`.
pub fn append_records(path: &Path, from: u64, to: u64) {
    append(path, &records(from, to));
}
