//! `sigmark check` for WFDB headers (`.hea`): the header parser's errors (line, field, what was
//! expected), signal files named but missing or shorter than `sig_len` says, `sig_len` absent,
//! formats sigmark does not read, segment headers of a multi-segment record that are missing,
//! and, with `--data`, checksum mismatches (a pass over the samples, `Recording::verify`) and
//! initial values other than the first sample (signals without skew).
//! Findings carry the line (from 1) and the byte offset of that line in the `.hea` file.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use super::{Finding, Report, Severity};
use crate::formats::wfdb::{fmt, header, Header};
use crate::formats::{Error, OpenOptions};

pub const R_SYNTAX: &str = "WFDB header(5): a record line, then one signal (or segment) line per signal (segment), each field as header(5) defines it";
pub const R_FILE: &str =
    "WFDB header(5): each file a signal line names is a signal file beside the header";
pub const R_LENGTH: &str =
    "WFDB header(5): sig_len on the record line, the number of frames in each signal file";
pub const R_FORMAT: &str =
    "WFDB signal(5): formats 8, 16, 24, 32, 61, 80, 160, 212, 310, 311 (FLAC: 508, 516, 524)";
pub const R_CHECKSUM: &str =
    "WFDB header(5): checksum, the sum of the signal's stored samples mod 2^16";
pub const R_INIT: &str = "WFDB header(5): initial value, the signal's first sample";
pub const R_SEGMENT: &str =
    "WFDB header(5): each segment of a multi-segment record is a record whose header lies beside the master header";

/// Headers larger than this are not WFDB headers (the largest PhysioNet layouts are a few KB).
const MAX_HEADER_BYTES: u64 = 1 << 20;

/// True when `path` names a WFDB header by its extension.
pub fn is_hea(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("hea"))
}

/// Checks the WFDB header `path`; with `with_data`, opens the record and verifies checksums.
pub fn check_hea(path: &Path, with_data: bool) -> Result<Report, Error> {
    let text = read_text(path)?;
    let mut c = Checker {
        path,
        lines: LineIndex::new(&text),
        findings: Vec::new(),
    };
    match header::parse(path, &text) {
        Err(e) => c.parse_error(e),
        Ok(h) => {
            c.header(&h);
            if with_data && !c.has_errors() && !signal_files(&h).is_empty() {
                c.data(&h);
            }
        }
    }
    c.findings.sort_by_key(|f| (f.line, f.offset));
    Ok(Report {
        format: "WFDB".into(),
        findings: c.findings,
        edflib_refuses: None,
        data_checked: with_data,
    })
}

fn read_text(path: &Path) -> Result<String, Error> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut bytes = Vec::new();
    f.take(MAX_HEADER_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_HEADER_BYTES {
        return Err(Error::UnknownFormat {
            path: path.to_path_buf(),
            detail: format!("a WFDB header of more than {MAX_HEADER_BYTES} bytes"),
        });
    }
    // Non-UTF-8 bytes become U+FFFD: the parser then names the field that holds them.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Byte offset of every line start, to give findings an offset beside their line.
struct LineIndex {
    starts: Vec<u64>,
    record_line: usize,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u64];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i as u64 + 1),
        );
        let record_line = text
            .lines()
            .position(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#')
            })
            .map_or(1, |i| i + 1);
        LineIndex {
            starts,
            record_line,
        }
    }

    fn offset(&self, line: usize) -> u64 {
        let last = self.starts.last().copied().unwrap_or(0);
        line.checked_sub(1)
            .and_then(|i| self.starts.get(i).copied())
            .unwrap_or(last)
    }
}

struct Checker<'a> {
    path: &'a Path,
    lines: LineIndex,
    findings: Vec<Finding>,
}

impl Checker<'_> {
    fn push(
        &mut self,
        severity: Severity,
        line: usize,
        field: &str,
        rule: &'static str,
        msg: String,
    ) {
        self.findings.push(Finding {
            severity,
            offset: self.lines.offset(line),
            line: Some(line as u64),
            field: crate::text::sanitize(field),
            rule,
            message: crate::text::sanitize(&msg),
        });
    }

    fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The parser stops at the first problem: it becomes the one error of the file.
    fn parse_error(&mut self, e: Error) {
        match e {
            Error::TextField {
                line,
                field,
                expected,
                found,
                ..
            } => {
                let msg = format!("expected {expected}, found {found:?}");
                self.push(Severity::Error, line, &field, R_SYNTAX, msg);
            }
            other => {
                let line = self.lines.record_line;
                self.push(Severity::Error, line, "header", R_SYNTAX, other.to_string());
            }
        }
    }

    fn header(&mut self, h: &Header) {
        if h.n_seg.is_some() {
            self.segments(h);
            return;
        }
        let files = signal_files(h);
        if !files.is_empty() && h.sig_len.unwrap_or(0) == 0 {
            let found = h
                .sig_len
                .map_or("no sig_len".into(), |n| format!("sig_len {n}"));
            let msg = format!("{found}: the record's length is counted from the signal file size (the record may also still be being written)");
            self.push(
                Severity::Warning,
                self.lines.record_line,
                "sig_len",
                R_LENGTH,
                msg,
            );
        }
        for file in files.values() {
            self.signal_file(h, file);
        }
    }

    /// Segment headers named by a multi-segment record that are not beside it (`~` is a gap).
    fn segments(&mut self, h: &Header) {
        let dir = header::dir_of(self.path);
        for s in h.segments.iter().filter(|s| s.name != "~") {
            let hea = dir.join(format!("{}.hea", s.name));
            if !hea.is_file() {
                let msg = format!(
                    "segment header {} is missing: the record reads with a gap of {} frames there",
                    hea.display(),
                    s.len
                );
                self.push(
                    Severity::Warning,
                    s.line,
                    &format!("segment {}", s.name),
                    R_SEGMENT,
                    msg,
                );
            }
        }
    }

    fn signal_file(&mut self, h: &Header, file: &FileGroup) {
        let line = file.line;
        let field = format!("file {}", file.name);
        if !fmt::MAPPED.contains(&file.fmt) && !fmt::FLAC.contains(&file.fmt) {
            let msg = format!("format {}: not a format sigmark reads", file.fmt);
            self.push(Severity::Error, line, &field, R_FORMAT, msg);
            return;
        }
        let path = header::dir_of(self.path).join(&file.name);
        let Ok(meta) = std::fs::metadata(&path) else {
            let msg = format!("signal file {} is missing", path.display());
            self.push(Severity::Error, line, &field, R_FILE, msg);
            return;
        };
        match (h.sig_len, fmt::group(file.fmt)) {
            (Some(sig_len), Some(_)) if sig_len > 0 => {
                self.file_size(file, sig_len, meta.len(), line, &field);
            }
            _ => {}
        }
    }

    /// A signal file shorter than `sig_len` frames: readable, with the frames it holds.
    fn file_size(&mut self, file: &FileGroup, sig_len: u64, len: u64, line: usize, field: &str) {
        let need = file.offset.saturating_add(fmt::bytes_for(
            file.fmt,
            sig_len.saturating_mul(file.per_frame),
        ));
        if len >= need {
            return;
        }
        let data = len.saturating_sub(file.offset);
        let frames = fmt::samples_in(file.fmt, data) / file.per_frame.max(1);
        let msg = format!(
            "{len} bytes, {need} needed for sig_len {sig_len}: {frames} complete frames present, read as the record's length"
        );
        self.push(Severity::Warning, line, field, R_LENGTH, msg);
    }

    /// Opens the record and states every checksum mismatch `verify` finds.
    fn data(&mut self, h: &Header) {
        let rec = match crate::formats::wfdb::open(self.path, &OpenOptions::default()) {
            Ok(r) => r,
            Err(e) => {
                let line = self.lines.record_line;
                self.push(
                    Severity::Error,
                    line,
                    "record",
                    R_FILE,
                    format!("the record cannot be opened: {e}"),
                );
                return;
            }
        };
        for note in rec.verify() {
            let line = h
                .signals
                .iter()
                .find(|s| {
                    s.sig_name
                        .as_ref()
                        .is_some_and(|n| note.contains(&format!("{n:?}")))
                })
                .map_or(self.lines.record_line, |s| s.line);
            self.push(Severity::Warning, line, "checksum", R_CHECKSUM, note);
        }
        self.init_values(h, &rec);
    }

    /// Initial values the first stored sample contradicts. A skewed signal's channel starts
    /// `skew` frames into the file (as wfdb-python reads it), so its first stored sample is not
    /// at hand: it is left out.
    fn init_values(&mut self, h: &Header, rec: &crate::signal::Recording) {
        if rec.channels.len() != h.signals.len() {
            return;
        }
        for (i, s) in h.signals.iter().enumerate() {
            let Some(want) = s.init_value.filter(|_| s.skew.unwrap_or(0) == 0) else {
                continue;
            };
            let first = rec.read_digital(i, 0, 1).ok().flatten();
            if let Some(got) = first.and_then(|v| v.first().copied()) {
                if i64::from(got) != want {
                    let name = s.sig_name.clone().unwrap_or_else(|| format!("signal {i}"));
                    let msg = format!("signal {name:?}: the header states initial value {want}, the first sample is {got}");
                    self.push(Severity::Warning, s.line, "initial value", R_INIT, msg);
                }
            }
        }
    }
}

/// One signal file of a record: its name, format, first signal line, byte offset and samples
/// per frame (all its signals).
struct FileGroup {
    name: String,
    fmt: u16,
    line: usize,
    offset: u64,
    per_frame: u64,
}

/// The signal files a header names (`~` names none), in name order.
fn signal_files(h: &Header) -> BTreeMap<String, FileGroup> {
    let mut files: BTreeMap<String, FileGroup> = BTreeMap::new();
    for s in h.signals.iter().filter(|s| s.file_name != "~") {
        let g = files.entry(s.file_name.clone()).or_insert(FileGroup {
            name: s.file_name.clone(),
            fmt: s.fmt,
            line: s.line,
            offset: s.byte_offset.unwrap_or(0),
            per_frame: 0,
        });
        g.per_frame += u64::from(s.samps_per_frame.max(1));
    }
    files
}
