//! `sigmark check` and `sigmark repair`: validation of EDF/EDF+/BDF/BDF+ files against their
//! specifications, and conformant copies where a repair is well defined. Pure functions over
//! bytes (the header, the file length and, when asked, the data records), so the command line
//! and the viewer can both use them.
//!
//! A [`Report`] lists every [`Finding`]: where (byte offset, or line for text headers such as
//! WFDB's `.hea`, which a later checker adds under its own `format`), which field, the rule it
//! breaks (the specification and section), and its [`Severity`]. Beside the findings stands the
//! verdict of EDFlib (`edflib.rs` mirrors `edflib_check_edf_file` and the TAL checks of
//! `edflib_get_annotations` of EDFlib 1.17, the version pyedflib 0.1.42 bundles).

pub mod edflib;
pub mod edflib_tal;
pub mod file;
pub mod layout;
pub mod repair;
pub mod repair_text;
pub mod spec;
pub mod spec_plus;
pub mod spec_records;
pub mod talcheck;
pub mod wfdb;

use serde::Serialize;

/// How bad a deviation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Readable, but not what the specification says.
    Warning,
    /// The file cannot be read as its header declares it.
    Error,
}

/// One deviation from the specification.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub severity: Severity,
    /// Byte offset of the field (or of the offending byte) in the file.
    pub offset: u64,
    /// Line number (from 1) for text headers; `None` for binary headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The header field, e.g. `number of data records` or `signal 3 digital maximum`.
    pub field: String,
    /// The rule broken: specification and section.
    pub rule: &'static str,
    /// What was found and what was expected.
    pub message: String,
}

/// What one file's check found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `EDF`, `EDF+C`, `EDF+D`, `BDF`, `BDF+C`, `BDF+D`, `WFDB`, or `unknown`.
    pub format: String,
    pub findings: Vec<Finding>,
    /// Why EDFlib (1.17, as in pyedflib 0.1.42) refuses the file; `None` when it opens it.
    /// With a header-only check, the TAL checks EDFlib makes on opening are not made.
    pub edflib_refuses: Option<String>,
    /// Whether the data records were read (TAL syntax, time keeping).
    pub data_checked: bool,
}

/// The overall verdict of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Conformant,
    WarningsOnly,
    Errors,
}

impl Report {
    pub fn status(&self) -> Status {
        match self.findings.iter().map(|f| f.severity).max() {
            None => Status::Conformant,
            Some(Severity::Warning) => Status::WarningsOnly,
            Some(Severity::Error) => Status::Errors,
        }
    }
}

/// Checks an EDF-family file. `head` holds at least the first `256 * (ns + 1)` bytes when the
/// file has them (fewer is itself a finding); `file_len` is the file's size; `data`, when
/// given, is the whole file, and the annotation signals' TALs are checked too.
pub fn check_edf(head: &[u8], file_len: u64, data: Option<&[u8]>) -> Report {
    let mut findings = Vec::new();
    let parsed = spec::check_header(head, file_len, &mut findings);
    let mut data_checked = false;
    if let (Some(all), Some(h)) = (data, parsed.as_ref()) {
        talcheck::check(h, all, &mut findings);
        data_checked = true;
    }
    findings.sort_by_key(|f| f.offset);
    Report {
        format: parsed
            .as_ref()
            .map_or_else(|| "unknown".to_string(), |h| h.format_name()),
        findings,
        edflib_refuses: edflib::verdict(head, file_len, data),
        data_checked,
    }
}

/// How many bytes of the header `check_edf` needs: 256, or `256 * (ns + 1)` once the first 256
/// bytes are known (capped so that a hostile count cannot make the caller read without bound).
pub fn header_len(first256: &[u8]) -> usize {
    let ns = first256
        .get(252..256)
        .and_then(|b| std::str::from_utf8(b).ok())
        .and_then(|s| s.trim().parse::<usize>().ok())
        .unwrap_or(0)
        .min(layout::MAX_SIGNALS);
    256 * (ns + 1)
}

/// Counts of a batch, for the summary line.
#[derive(Debug, Default, Clone, Copy, Serialize)]
pub struct Tally {
    pub files: usize,
    pub conformant: usize,
    pub warnings_only: usize,
    pub errors: usize,
}

impl Tally {
    pub fn add(&mut self, status: Status) {
        self.files += 1;
        match status {
            Status::Conformant => self.conformant += 1,
            Status::WarningsOnly => self.warnings_only += 1,
            Status::Errors => self.errors += 1,
        }
    }

    /// `N files: A conformant, B warnings only, C with errors`.
    pub fn line(&self) -> String {
        format!(
            "{} files: {} conformant, {} warnings only, {} with errors",
            self.files, self.conformant, self.warnings_only, self.errors
        )
    }
}
