//! Event tables to compare: sigmark reader files (read and validated by the annotation store)
//! or any BIDS-style `events.tsv` with `onset`, `duration` and a label column (`label`,
//! `trial_type` or `value`, the first present); and the check that a table was made for a
//! given recording.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::{CompareError, Mark};
use crate::annotations::store::{read_table, sidecar_of, COLUMNS};

/// Label columns of BIDS-style tables, in order of preference.
const LABEL_COLUMNS: [&str; 3] = ["label", "trial_type", "value"];

/// One reader's events for one recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Short name for reports: the reader of `REC.READER.events.tsv`, else the file name.
    pub name: String,
    pub path: PathBuf,
    pub marks: Vec<Mark>,
    /// What was unusual but could still be read (rows without a label, skipped).
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(name: impl Into<String>, marks: Vec<Mark>) -> Table {
        let name = name.into();
        Table {
            path: PathBuf::from(&name),
            name,
            marks,
            notes: Vec::new(),
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CompareError + '_ {
    move |source| CompareError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Reads a table: an MIT annotation file (see [`mit_header`]), a sigmark reader file when its
/// header has all ten sigmark columns, else a BIDS-style events table.
pub fn read(path: &Path) -> Result<Table, CompareError> {
    if let Some(hea) = mit_header(path) {
        return read_mit(path, &hea);
    }
    let file = File::open(path).map_err(io(path))?;
    let mut first = Vec::new();
    BufReader::new(file)
        .take(1 << 20)
        .read_until(b'\n', &mut first)
        .map_err(io(path))?;
    let header = String::from_utf8_lossy(&first);
    let columns: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .trim_end_matches(['\n', '\r'])
        .split('\t')
        .collect();
    let is_sigmark = COLUMNS.iter().all(|c| columns.contains(c));
    let (marks, notes) = if is_sigmark {
        // read_table refuses a row whose end is not a finite time, naming its line.
        let events = read_table(path)?;
        let marks = events
            .into_iter()
            .map(|e| Mark::new(e.onset, e.duration, e.label))
            .collect();
        (marks, Vec::new())
    } else {
        read_bids(path)?
    };
    Ok(Table {
        name: reader_name(path),
        path: path.to_path_buf(),
        marks,
        notes,
    })
}

/// The reader of `REC.READER.events.tsv`, else the file name without `.tsv`.
pub fn reader_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    if let Some(stem) = name.strip_suffix(".events.tsv") {
        if let Some((_, reader)) = stem.rsplit_once('.') {
            if !reader.is_empty() {
                return reader.to_string();
            }
        }
        return stem.to_string();
    }
    name.strip_suffix(".tsv").unwrap_or(&name).to_string()
}

/// A BIDS-style events table: tab-separated, a header row, `n/a` or empty duration as 0;
/// rows whose label is empty or `n/a` are skipped (and a note says how many).
fn read_bids(path: &Path) -> Result<(Vec<Mark>, Vec<String>), CompareError> {
    let err = |line: usize, detail: String| CompareError::Table {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let file = File::open(path).map_err(io(path))?;
    let mut lines = BufReader::new(file).split(b'\n');
    let header = match lines.next() {
        Some(h) => text(h.map_err(io(path))?, 1, &err)?,
        None => return Err(err(1, "empty file: expected a header row".into())),
    };
    let columns: Vec<&str> = header.trim_start_matches('\u{feff}').split('\t').collect();
    let col = |name: &str| columns.iter().position(|c| c.trim() == name);
    let label = LABEL_COLUMNS.iter().find_map(|c| col(c));
    let (Some(onset), Some(duration), Some(label)) = (col("onset"), col("duration"), label) else {
        return Err(err(
            1,
            format!(
                "the header must name onset, duration and a label column (label, trial_type or \
                 value); it has: {}",
                columns.join(", ")
            ),
        ));
    };
    let needed = onset.max(duration).max(label) + 1;
    let (mut marks, mut unlabelled) = (Vec::new(), 0usize);
    for (k, row) in lines.enumerate() {
        let line = k + 2;
        let row = text(row.map_err(io(path))?, line, &err)?;
        if row.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = row.split('\t').collect();
        if fields.len() < needed {
            return Err(err(
                line,
                format!(
                    "{} fields, but the header puts onset, duration and label in the first {needed}",
                    fields.len()
                ),
            ));
        }
        let name = fields[label].trim();
        if name.is_empty() || name == "n/a" {
            unlabelled += 1;
            continue;
        }
        let on = seconds(fields[onset], false).map_err(|d| err(line, format!("onset {d}")))?;
        let dur =
            seconds(fields[duration], true).map_err(|d| err(line, format!("duration {d}")))?;
        if !(on + dur).is_finite() {
            return Err(err(line, "onset + duration is not a finite time".into()));
        }
        marks.push(Mark::new(on, dur, name));
    }
    let notes = if unlabelled > 0 {
        vec![format!(
            "{}: {unlabelled} rows without a label (empty or n/a) were skipped",
            path.display()
        )]
    } else {
        Vec::new()
    };
    Ok((marks, notes))
}

/// A line as UTF-8 text without its line ending.
fn text(
    mut bytes: Vec<u8>,
    line: usize,
    err: &impl Fn(usize, String) -> CompareError,
) -> Result<String, CompareError> {
    if bytes.last() == Some(&b'\r') {
        bytes.pop();
    }
    String::from_utf8(bytes).map_err(|e| err(line, format!("not UTF-8 text: {e}")))
}

/// Seconds >= 0; `n/a` or empty is 0 where `na_is_zero` (BIDS durations of point events).
fn seconds(field: &str, na_is_zero: bool) -> Result<f64, String> {
    let f = field.trim();
    if na_is_zero && (f.is_empty() || f == "n/a") {
        return Ok(0.0);
    }
    f.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .ok_or_else(|| format!("{f:?} is not a number of seconds >= 0"))
}

/// SHA-256 of a file, read in 1 MiB blocks, as lowercase hex.
pub fn sha256_file(path: &Path) -> Result<String, CompareError> {
    use sha2::Digest;
    let mut f = File::open(path).map_err(io(path))?;
    let mut h = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match f.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => h.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(path)(e)),
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Checks that `table` was made for the recording whose SHA-256 is `sha256`: an error when
/// its provenance names another recording; a note (`Some`) when there is nothing to check.
pub fn check_provenance(
    table: &Path,
    recording: &Path,
    sha256: &str,
) -> Result<Option<String>, CompareError> {
    let unchecked = |why: &str| Ok(Some(format!("{}: {why}; not checked", table.display())));
    let Some(side) = sidecar_of(table).filter(|p| p.is_file()) else {
        return unchecked("no provenance file (.events.json)");
    };
    let body = std::fs::read_to_string(&side).map_err(io(&side))?;
    let json: serde_json::Value = serde_json::from_str(&body).map_err(|e| CompareError::Table {
        path: side.clone(),
        line: e.line(),
        detail: e.to_string(),
    })?;
    let Some(recorded) = json.get("recording_sha256").and_then(|v| v.as_str()) else {
        return unchecked("its provenance file has no recording_sha256");
    };
    if recorded.eq_ignore_ascii_case(sha256) {
        Ok(None)
    } else {
        Err(CompareError::Provenance {
            path: table.to_path_buf(),
            detail: format!(
                "made for a recording with SHA-256 {recorded} (per {}), but {} has {sha256}",
                side.display(),
                recording.display()
            ),
        })
    }
}

/// The WFDB header `NAME.hea` beside `path` when `path` is an MIT annotation file `NAME.ANN`:
/// any extension but those of tables (`tsv`, `csv`, `txt`, `json`), with the header present.
pub fn mit_header(path: &Path) -> Option<PathBuf> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if ["tsv", "csv", "txt", "json", "hea"].contains(&ext.as_str()) {
        return None;
    }
    Some(path.with_extension("hea")).filter(|h| h.is_file())
}

/// An MIT annotation file as a table: reader = the annotator (the extension), times at the
/// file's resolution or the header's frame rate, beats as points labelled with their symbol,
/// rhythm changes as intervals to the next change (the last to the last annotation).
fn read_mit(path: &Path, hea: &Path) -> Result<Table, CompareError> {
    use crate::formats::mit;
    let fs = mit::record_frequency(hea).map_err(CompareError::Recording)?;
    let file = mit::read_file(path).map_err(|e| CompareError::Recording(e.into()))?;
    let ticks = file.fs.unwrap_or(fs);
    let end_s = file.entries.iter().map(|e| e.sample).max().unwrap_or(0) as f64 / ticks;
    let marks = mit::to_annotations(&file, fs, end_s, &[])
        .into_iter()
        .map(|a| {
            // A beat with AUX text is labelled "N 110.6/49.7": its label is the symbol.
            let first = a.text.split(' ').next().unwrap_or_default();
            let beat = mit::codes::code_of(first).is_some_and(mit::codes::is_beat);
            let label = if beat { first.to_string() } else { a.text };
            Mark::new(a.onset_s, a.duration_s.unwrap_or(0.0), label)
        })
        .collect();
    let name = path
        .extension()
        .map_or_else(String::new, |e| e.to_string_lossy().into_owned());
    Ok(Table {
        name,
        path: path.to_path_buf(),
        marks,
        notes: vec![format!(
            "{}: MIT annotation file at {ticks} ticks per second; its last rhythm runs to its \
             last annotation",
            path.display()
        )],
    })
}
