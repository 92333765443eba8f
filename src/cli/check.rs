//! `sigmark check PATH... [--json] [--data]`: EDF/EDF+/BDF/BDF+ conformance of files and trees,
//! and WFDB headers (`.hea`).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::CliError;
use crate::formats::check::file::check_path;
use crate::formats::check::{Report, Severity, Status, Tally};
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and directories (walked recursively; files that are neither EDF/BDF nor WFDB
    /// headers (`.hea`) are skipped).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also read the data records: TAL syntax and time keeping of the annotation signals, and
    /// the TAL checks EDFlib makes when it opens a file; WFDB: the checksums of the signals
    /// (slower: reads every record).
    #[arg(long)]
    pub data: bool,
}

#[derive(Serialize)]
struct FileJson<'a> {
    path: String,
    status: Status,
    #[serde(flatten)]
    report: &'a Report,
}

#[derive(Serialize)]
struct Output<'a> {
    files: Vec<FileJson<'a>>,
    /// Files in the given directories that are neither EDF/BDF nor WFDB headers.
    skipped: usize,
    /// Files that could not be read: (path, error).
    unreadable: Vec<(String, String)>,
    summary: Tally,
}

pub fn run(a: &Args) -> Result<(), CliError> {
    let files = inputs(&a.paths);
    let mut skipped = 0;
    let mut reports = Vec::new();
    let mut unreadable = Vec::new();
    // Header-only checks are I/O bound: files are read in parallel, reported in order.
    use rayon::prelude::*;
    let checked: Vec<_> = files
        .into_par_iter()
        .map(|(path, explicit)| {
            let r = check_path(&path, a.data);
            (path, explicit, r)
        })
        .collect();
    for (path, explicit, result) in checked {
        match result {
            Ok(Some(r)) => reports.push((path, r)),
            Ok(None) if explicit => reports.push((path, not_edf())),
            Ok(None) => skipped += 1,
            Err(e) => unreadable.push((path.display().to_string(), e.to_string())),
        }
    }
    let mut tally = Tally::default();
    for (_, r) in &reports {
        tally.add(r.status());
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if a.json {
        let files = reports
            .iter()
            .map(|(p, r)| FileJson {
                path: p.display().to_string(),
                status: r.status(),
                report: r,
            })
            .collect();
        let doc = Output {
            files,
            skipped,
            unreadable: unreadable.clone(),
            summary: tally,
        };
        crate::text::write_json_pretty(&mut out, &doc).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        for (p, r) in &reports {
            print_report(&mut out, p, r)?;
        }
        for (p, e) in &unreadable {
            writeln!(out, "{}: cannot be read: {}", sanitize(p), sanitize(e))?;
        }
        let skip = if skipped > 0 {
            format!(" ({skipped} other files skipped)")
        } else {
            String::new()
        };
        writeln!(out, "{}{skip}", tally.line())?;
    }
    out.flush()?;
    if tally.errors > 0 || !unreadable.is_empty() {
        return Err(CliError::Check(format!(
            "{} of {} files have errors{}",
            tally.errors,
            tally.files,
            if unreadable.is_empty() {
                String::new()
            } else {
                format!(", {} unreadable", unreadable.len())
            }
        )));
    }
    Ok(())
}

fn not_edf() -> Report {
    Report {
        format: "unknown".into(),
        findings: vec![crate::formats::check::Finding {
            severity: Severity::Error,
            offset: 0,
            line: None,
            field: "version".into(),
            rule: crate::formats::check::spec::R_VERSION,
            message: "not an EDF/BDF file (the first byte is neither '0' nor 255)".into(),
        }],
        edflib_refuses: Some("format errors (version)".into()),
        data_checked: false,
    }
}

/// Every file to check, and whether it was named (a named file that is not EDF/BDF is an
/// error; one found in a directory is skipped). Directories are walked as `export` walks them.
fn inputs(paths: &[PathBuf]) -> Vec<(PathBuf, bool)> {
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for p in paths {
        if p.is_dir() {
            dirs.push(p.clone());
        } else {
            files.push((p.clone(), true));
        }
    }
    if !dirs.is_empty() {
        let found = crate::export::discover::find(&dirs);
        files.extend(found.candidates.into_iter().map(|c| (c.path, false)));
    }
    files
}

fn print_report(out: &mut impl Write, path: &Path, r: &Report) -> std::io::Result<()> {
    let status = match r.status() {
        Status::Conformant => "conformant",
        Status::WarningsOnly => "warnings only",
        Status::Errors => "errors",
    };
    let edflib = match &r.edflib_refuses {
        _ if r.format == "WFDB" => String::new(),
        Some(why) => format!("; EDFlib refuses it: {}", sanitize(why)),
        None if r.data_checked => "; EDFlib opens it".to_string(),
        None => "; EDFlib accepts its header".to_string(),
    };
    writeln!(
        out,
        "{}: {status} ({}){edflib}",
        sanitize(&path.display().to_string()),
        r.format
    )?;
    for f in &r.findings {
        let sev = match f.severity {
            Severity::Error => "error  ",
            Severity::Warning => "warning",
        };
        let at = match f.line {
            Some(n) => format!("line {n:>7}"),
            None => format!("byte {:>7}", f.offset),
        };
        writeln!(
            out,
            "  {sev} {at}  {}: {}  [{}]",
            sanitize(&f.field),
            sanitize(&f.message),
            f.rule
        )?;
    }
    Ok(())
}
