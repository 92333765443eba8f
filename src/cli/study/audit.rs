//! `sigmark audit REC` (one recording's event histories) and `study audit DIR` (integrity).

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::CliError;
use crate::study::audit::{self, check, history, text};
use crate::study::log::AccessMode;
use crate::study::{Study, STUDY_FILE};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The recording whose events' histories to print.
    pub recording: PathBuf,
    /// Only this reader's table (`consensus` for the adjudicated one).
    #[arg(long)]
    pub reader: Option<String>,
    /// Print JSON: the recording, its SHA-256 now, warnings and one object per event with
    /// its history array.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    /// The study directory (holding study.toml).
    pub dir: PathBuf,
    /// Print JSON: counts and one object per anomaly.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    recording: String,
    sha256: Option<&'a str>,
    warnings: &'a [String],
    events: &'a [history::EventHistory],
}

pub fn run(a: &Args) -> Result<(), CliError> {
    if !a.recording.is_file() {
        return Err(CliError::Usage(format!(
            "{}: no such recording",
            a.recording.display()
        )));
    }
    // The histories show every reader's events: within a study that is an access.
    let who = crate::study::access::who(None);
    crate::study::record_access(&a.recording, &who, AccessMode::Audit, false)?;
    let files = audit::load(&a.recording, a.reader.as_deref())?;
    let sha = audit::recording_sha256(&a.recording).ok();
    let events = history::histories(&files);
    let warnings = text::warnings(&files);
    let recording = a.recording.display().to_string();
    let mut out = std::io::stdout().lock();
    if a.json {
        let doc = HistoryJson {
            recording,
            sha256: sha.as_deref(),
            warnings: &warnings,
            events: &events,
        };
        crate::text::write_json_pretty(&mut out, &doc).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        let body = text::histories(&recording, sha.as_deref(), &warnings, &events);
        out.write_all(body.as_bytes())?;
    }
    out.flush()?;
    Ok(())
}

pub fn run_study(a: &StudyArgs) -> Result<(), CliError> {
    if !a.dir.join(STUDY_FILE).is_file() {
        return Err(CliError::Usage(format!(
            "{}: no {STUDY_FILE} here (make one with `sigmark study init`)",
            a.dir.display()
        )));
    }
    let study = Study::open(&a.dir)?;
    let report = check::audit(&study);
    let mut out = std::io::stdout().lock();
    if a.json {
        crate::text::write_json_pretty(&mut out, &report).map_err(std::io::Error::other)?;
        writeln!(out)?;
    } else {
        out.write_all(text::anomalies(&report).as_bytes())?;
    }
    out.flush()?;
    match report.anomalies.len() {
        0 => Ok(()),
        n => Err(CliError::Check(format!(
            "study audit found {n} anomal{} in {}",
            if n == 1 { "y" } else { "ies" },
            a.dir.display()
        ))),
    }
}
