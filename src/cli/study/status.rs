//! `study status`: reading states, agreement, adjudication, QA and reading time of a study
//! ([`crate::study::status`]); exit status 0 only when every gate passes, 1 when one fails
//! (the report is printed either way), 2 for a usage error.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use crate::cli::CliError;
use crate::study::status::{self, access, text, StudyStatus};
use crate::study::{Study, STUDY_FILE};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The study directory (holding study.toml).
    pub dir: PathBuf,
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Also summarise DIR/access.jsonl per person and recording (opens by mode, first and
    /// last open, forced opens).
    #[arg(long)]
    pub access: bool,
}

/// The JSON document: the status, with `access` when asked for.
#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    status: &'a StudyStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    access: Option<&'a access::AccessSummary>,
}

pub fn run(a: &Args) -> Result<(), CliError> {
    if !a.dir.join(STUDY_FILE).is_file() {
        return Err(CliError::Usage(format!(
            "{}: no {STUDY_FILE} here; give a study directory (made by `sigmark study init`)",
            crate::text::sanitize(&a.dir.display().to_string())
        )));
    }
    let study = Study::open(&a.dir)?;
    let s = status::status(&study)?;
    let summary = if a.access {
        Some(access::summary(&study)?)
    } else {
        None
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if a.json {
        let report = Report {
            status: &s,
            access: summary.as_ref(),
        };
        crate::text::write_json_pretty(&mut out, &report).map_err(std::io::Error::from)?;
        out.write_all(b"\n")?;
    } else {
        out.write_all(text::render(&s).as_bytes())?;
        if let Some(sum) = &summary {
            out.write_all(b"\n")?;
            out.write_all(text::render_access(sum).as_bytes())?;
        }
    }
    out.flush()?;
    if s.passes {
        Ok(())
    } else {
        Err(CliError::Check(format!(
            "study gates fail: {} of {} recordings pass",
            s.overall.passing, s.overall.recordings
        )))
    }
}
