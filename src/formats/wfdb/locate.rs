//! Finding a record's header from its name or from any of its files.
//!
//! `100` -> `100.hea`; `100.hea` itself; `100.dat` (or `s0010_re.xyz`, any signal file) ->
//! the header beside it whose signal lines name that file (`NAME.hea` first, then the other
//! headers of the directory).

use std::io::Read;
use std::path::{Path, PathBuf};

use super::header;

/// Headers larger than this are not WFDB headers (the largest PhysioNet layouts are a few KB).
const MAX_HEADER_BYTES: u64 = 1 << 20;
/// Directory entries looked at when searching for the header that names a signal file.
const MAX_SCAN: usize = 4096;

/// True when `path` is a text file whose first line that is not a comment or blank is a WFDB
/// record line, and whose signal or segment lines parse.
pub fn is_header(path: &Path) -> bool {
    read_text(path).is_some_and(|t| header::parse(path, &t).is_ok())
}

fn read_text(path: &Path) -> Option<String> {
    let f = std::fs::File::open(path).ok()?;
    if f.metadata().ok()?.len() > MAX_HEADER_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    f.take(MAX_HEADER_BYTES).read_to_end(&mut bytes).ok()?;
    if bytes.contains(&0) {
        return None;
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// The header of the record `path` names or belongs to, if there is one.
pub fn locate(path: &Path) -> Option<PathBuf> {
    let ext = path.extension().and_then(|e| e.to_str());
    if ext.is_some_and(|e| e.eq_ignore_ascii_case("hea")) {
        return is_header(path).then(|| path.to_path_buf());
    }
    if !path.exists() {
        let mut name = path.as_os_str().to_owned();
        name.push(".hea");
        let hea = PathBuf::from(name);
        return is_header(&hea).then_some(hea);
    }
    if !path.is_file() {
        return None;
    }
    let file_name = path.file_name()?.to_str()?;
    let dir = header::dir_of(path);
    let stem = path.file_stem()?.to_str()?;
    let first = dir.join(format!("{stem}.hea"));
    if names_file(&first, file_name) {
        return Some(first);
    }
    let entries = std::fs::read_dir(&dir).ok()?;
    entries
        .take(MAX_SCAN)
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "hea") && *p != first)
        .find(|p| names_file(p, file_name))
}

fn names_file(hea: &Path, file_name: &str) -> bool {
    read_text(hea)
        .and_then(|t| header::parse(hea, &t).ok())
        .is_some_and(|h| h.signals.iter().any(|s| s.file_name == file_name))
}
