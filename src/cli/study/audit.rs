//! `sigmark audit REC` (one recording's event histories) and `study audit DIR` (integrity).

use std::path::PathBuf;

use crate::cli::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The recording whose events' histories to print.
    pub recording: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct StudyArgs {
    /// The study directory (holding study.toml).
    pub dir: PathBuf,
}

pub fn run(_a: &Args) -> Result<(), CliError> {
    Err(CliError::Usage("audit is not built yet".into()))
}

pub fn run_study(_a: &StudyArgs) -> Result<(), CliError> {
    Err(CliError::Usage("study audit is not built yet".into()))
}
