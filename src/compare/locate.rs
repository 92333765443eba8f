//! Without `--recording`, the recording a table was made for: its provenance file
//! (`REC.READER.events.json`) names it (`recording`, a file name), and when that file lies
//! beside the table and its SHA-256 is the one recorded, its duration is used rather than the
//! latest event end. Anything that stops this (no provenance file, no such file beside the
//! table, another SHA-256, a file that cannot be opened) leaves the latest event end, and
//! every case but the first says why in a note.

use std::path::{Path, PathBuf};

use super::input::{self, Table};
use crate::text::sanitize;

/// A recording found through a table's provenance file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub recording: PathBuf,
    /// The provenance file that named it.
    pub sidecar: PathBuf,
    pub duration_s: f64,
}

impl Located {
    /// Where the duration came from, for the report.
    pub fn source(&self) -> String {
        format!(
            "the recording {}, named by {}",
            self.recording.display(),
            self.sidecar.display()
        )
    }
}

/// The recording named by the first table's provenance file that names one found beside it,
/// checked against every table's recorded SHA-256; notes say what was passed over and why.
pub fn from_sidecars(tables: &[Table], notes: &mut Vec<String>) -> Option<Located> {
    let (recording, sidecar) = tables.iter().find_map(|t| named(&t.path, notes))?;
    let unused = |why: String| {
        format!(
            "{} names {}, {why}; the duration is the latest event end",
            sidecar.display(),
            recording.display()
        )
    };
    let sha = match input::sha256_file(&recording) {
        Ok(sha) => sha,
        Err(e) => {
            notes.push(unused(format!("which cannot be read ({e})")));
            return None;
        }
    };
    let mut checked = Vec::new();
    for t in tables {
        match input::check_provenance(&t.path, &recording, &sha) {
            Ok(note) => checked.extend(note),
            Err(e) => {
                notes.push(unused(format!("but not every table was made for it: {e}")));
                return None;
            }
        }
    }
    match crate::open(&recording) {
        Ok(r) => {
            notes.extend(checked);
            Some(Located {
                recording,
                sidecar,
                duration_s: r.duration_s,
            })
        }
        Err(e) => {
            notes.push(unused(format!("which cannot be opened ({e})")));
            None
        }
    }
}

/// The recording a table's provenance file names, when it lies beside the table.
fn named(table: &Path, notes: &mut Vec<String>) -> Option<(PathBuf, PathBuf)> {
    let side = crate::annotations::store::sidecar_of(table).filter(|p| p.is_file())?;
    let json: serde_json::Value = std::fs::read_to_string(&side)
        .ok()
        .and_then(|body| serde_json::from_str(&body).ok())?;
    let name = json.get("recording")?.as_str()?;
    // A bare file name only: a provenance file must not lead anywhere but beside itself.
    let bare = Path::new(name).file_name().and_then(|n| n.to_str()) == Some(name);
    if !bare {
        notes.push(format!(
            "{}: recording {:?} is not a file name; not looked for",
            side.display(),
            sanitize(name)
        ));
        return None;
    }
    let rec = side.with_file_name(name);
    if rec.is_file() {
        Some((rec, side))
    } else {
        notes.push(format!(
            "{} names the recording {}, which is not beside it",
            side.display(),
            sanitize(name)
        ));
        None
    }
}
