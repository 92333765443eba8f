//! The run's secret: the random date shift and the map from original recording ids to study
//! ids. It is written only where `--key` says, never under `--out` (the shareable tree), with
//! mode 0600 and atomically; without it the shift cannot be recovered from the copies.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::RangeInclusive;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{DeidError, Shift};

/// `--random-shift` moves every date of the run back by 1 to 10 years, by one whole number of
/// days for the whole run, so intervals between a patient's recordings stay as they were.
pub const RANDOM_SHIFT_DAYS: RangeInclusive<i64> = -3650..=-365;

/// One shift for the run, drawn from the operating system's random source (a v4 UUID's 122
/// random bits come from `getrandom`).
pub fn random_shift() -> Shift {
    shift_from_bytes(*uuid::Uuid::new_v4().as_bytes())
}

/// The shift in [`RANDOM_SHIFT_DAYS`] that 16 random bytes give (the modulo bias over 3,286
/// values from 64 bits is below 10^-15).
pub fn shift_from_bytes(bytes: [u8; 16]) -> Shift {
    let mut low = [0u8; 8];
    low.copy_from_slice(&bytes[..8]);
    let span = (RANDOM_SHIFT_DAYS.end() - RANDOM_SHIFT_DAYS.start() + 1) as u64;
    let offset = (u64::from_le_bytes(low) % span) as i64;
    Shift::days(RANDOM_SHIFT_DAYS.start() + offset)
}

/// What the key file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFile {
    /// The format of this file (1).
    pub sigmark_deid_key: u32,
    /// How the shift was chosen: `random`, `fixed` or `none` (dates removed).
    pub shift: String,
    /// Days added to every date (negative: earlier); absent when dates were removed.
    pub shift_days: Option<i64>,
    /// Original recording id (path relative to its root) -> study id.
    pub ids: BTreeMap<String, String>,
}

impl KeyFile {
    pub fn new(shift: Option<Shift>, random: bool, ids: BTreeMap<String, String>) -> KeyFile {
        let how = match (shift, random) {
            (None, _) => "none",
            (Some(_), true) => "random",
            (Some(_), false) => "fixed",
        };
        KeyFile {
            sigmark_deid_key: 1,
            shift: how.to_string(),
            shift_days: shift.map(|s| s.days),
            ids,
        }
    }
}

/// Refuses a key path under `out`: the key must never travel with the shared copies.
pub fn check_key_path(key: &Path, out: &Path) -> Result<(), DeidError> {
    if is_under(key, out) {
        return Err(DeidError::Refused {
            path: key.to_path_buf(),
            why: format!(
                "the key file is inside --out {} (it would be shared with the copies); write it elsewhere",
                out.display()
            ),
        });
    }
    Ok(())
}

/// Writes the key atomically with mode 0600; an existing file is refused (it may be the only
/// key of an earlier run).
pub fn write_key(key_path: &Path, key: &KeyFile, out: &Path) -> Result<(), DeidError> {
    check_key_path(key_path, out)?;
    let dir = super::dir_of(key_path);
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| DeidError::io(dir, e))?;
    restrict(tmp.as_file(), key_path)?;
    let text = serde_json::to_string_pretty(key)
        .map_err(|e| DeidError::invalid(key_path, format!("cannot encode the key: {e}")))?;
    let io = |e| DeidError::io(key_path, e);
    tmp.write_all(text.as_bytes()).map_err(io)?;
    tmp.write_all(b"\n").map_err(io)?;
    tmp.as_file().sync_all().map_err(io)?;
    tmp.persist_noclobber(key_path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            DeidError::Refused {
                path: key_path.to_path_buf(),
                why: "exists; it may be the only key of an earlier run, so it is not replaced"
                    .into(),
            }
        } else {
            DeidError::io(key_path, e.error)
        }
    })?;
    Ok(())
}

#[cfg(unix)]
fn restrict(file: &std::fs::File, path: &Path) -> Result<(), DeidError> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
        .map_err(|e| DeidError::io(path, e))
}

#[cfg(not(unix))]
fn restrict(_file: &std::fs::File, _path: &Path) -> Result<(), DeidError> {
    Ok(())
}

/// Whether `path` is `dir` or inside it, comparing absolute paths with `.`/`..` resolved and
/// links of the parts that exist followed (neither needs to exist yet).
pub fn is_under(path: &Path, dir: &Path) -> bool {
    resolved(path).starts_with(resolved(dir))
}

/// `path` made absolute: its longest existing ancestor canonicalised, the rest appended with
/// `.` dropped and `..` applied.
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .unwrap_or_else(|_| PathBuf::from("/"))
            .join(path)
    };
    let mut clean = PathBuf::new();
    for c in absolute.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    let mut rest = Vec::new();
    let mut base = clean.as_path();
    loop {
        if let Ok(canon) = base.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(canon, |p: PathBuf, part| p.join(part));
        }
        match (base.parent(), base.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                base = parent;
            }
            _ => return clean,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_from_extreme_bytes_stay_in_range() {
        for bytes in [[0u8; 16], [0xff; 16], [7; 16]] {
            let s = shift_from_bytes(bytes);
            assert!(RANDOM_SHIFT_DAYS.contains(&s.days), "{bytes:?} -> {s:?}");
        }
        assert_eq!(shift_from_bytes([0; 16]).days, -3650);
    }

    #[test]
    fn paths_not_yet_made_compare_after_dots() {
        let base = std::env::temp_dir();
        assert!(is_under(&base.join("o/x/../k.json"), &base.join("o")));
        assert!(!is_under(&base.join("o/../k.json"), &base.join("o")));
        assert!(!is_under(&base.join("out2/k"), &base.join("out")));
    }
}
