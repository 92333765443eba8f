//! Finding a record's header from its name or from any of its files.
//!
//! `100` -> `100.hea`; `100.hea` itself; `100.dat` (or `s0010_re.xyz`, any signal file) ->
//! the header beside it whose signal lines name that file (`NAME.hea` first, then the other
//! headers of the directory).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::header::{self, Header};

/// Headers larger than this are not WFDB headers (the largest PhysioNet layouts are a few KB).
const MAX_HEADER_BYTES: u64 = 1 << 20;
/// Directory entries looked at when searching for the header that names a signal file.
const MAX_SCAN: usize = 4096;

/// True when `path` is a text file whose first line that is not a comment or blank is a WFDB
/// record line, and whose signal or segment lines parse.
pub fn is_header(path: &Path) -> bool {
    read_header(path).is_some()
}

/// The header at `path` parsed, when `is_header` holds.
fn read_header(path: &Path) -> Option<Header> {
    read_text(path).and_then(|t| header::parse(path, &t).ok())
}

fn read_text(path: &Path) -> Option<String> {
    read_bytes(path).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// The bytes of a file that may be a header: at most `MAX_HEADER_BYTES`, no NUL.
fn read_bytes(path: &Path) -> Option<Vec<u8>> {
    let f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    if len > MAX_HEADER_BYTES {
        return None;
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    f.take(MAX_HEADER_BYTES).read_to_end(&mut bytes).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    Some(bytes)
}

/// For a path ending in `.hea`: the header, read and parsed once, when `formats::probe` would
/// find neither an EDF/BDF version field nor an HDF5 signature in it (the probe's own content
/// rules, applied to the bytes read here, so the probe answers without reading the file again).
/// `None` sends the probe its usual way.
pub fn probe_header(path: &Path) -> Option<(PathBuf, Header)> {
    let ext = path.extension().and_then(|e| e.to_str());
    if !ext.is_some_and(|e| e.eq_ignore_ascii_case("hea")) {
        return None;
    }
    let bytes = read_bytes(path)?;
    let hdf5 = (0..)
        .map(|k| if k == 0 { 0 } else { 512usize << (k - 1) })
        .take_while(|&at| at + 8 <= bytes.len())
        .any(|at| bytes[at..at + 8] == *crate::formats::HDF5_SIGNATURE);
    if hdf5 || crate::formats::edf::sniff(&bytes) {
        return None;
    }
    let h = header::parse(path, &String::from_utf8_lossy(&bytes)).ok()?;
    Some((path.to_path_buf(), h))
}

/// The header of the record `path` names or belongs to, if there is one.
pub fn locate(path: &Path) -> Option<PathBuf> {
    locate_parsed(path).map(|(hea, _)| hea)
}

/// `locate`, with the header it read and parsed (so an open need not read it again).
pub fn locate_parsed(path: &Path) -> Option<(PathBuf, Header)> {
    let ext = path.extension().and_then(|e| e.to_str());
    if ext.is_some_and(|e| e.eq_ignore_ascii_case("hea")) {
        return read_header(path).map(|h| (path.to_path_buf(), h));
    }
    if !path.exists() {
        let mut name = path.as_os_str().to_owned();
        name.push(".hea");
        let hea = PathBuf::from(name);
        return read_header(&hea).map(|h| (hea, h));
    }
    if !path.is_file() {
        return None;
    }
    let file_name = path.file_name()?.to_str()?;
    let dir = header::dir_of(path);
    let stem = path.file_stem()?.to_str()?;
    let first = dir.join(format!("{stem}.hea"));
    if let Some(h) = names_file(&first, file_name) {
        return Some((first, h));
    }
    let entries = std::fs::read_dir(&dir).ok()?;
    entries
        .take(MAX_SCAN)
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "hea") && *p != first)
        .find_map(|p| names_file(&p, file_name).map(|h| (p, h)))
}

/// The header at `hea` when one of its signal lines names `file_name`.
fn names_file(hea: &Path, file_name: &str) -> Option<Header> {
    read_header(hea).filter(|h| h.signals.iter().any(|s| s.file_name == file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_header_leaves_edf_content_to_the_probe() {
        let dir = tempfile::tempdir().unwrap();
        // Both parse as WFDB headers; the second also starts with EDF's version field.
        let cases: [(&str, &str, bool); 2] = [
            ("r.hea", "r 1 360 10\nr.dat 16\n", true),
            ("e.hea", "0       1 360 10\n0.dat 16\n", false),
        ];
        for (name, text, is_wfdb) in cases {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            assert!(header::parse(&p, text).is_ok(), "{name} parses");
            let found = probe_header(&p);
            println!("{name}: probe_header found a header: {}", found.is_some());
            assert_eq!(found.is_some(), is_wfdb, "{name}");
        }
    }
}
