//! `study status`.

use std::path::PathBuf;

use crate::cli::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The study directory (holding study.toml).
    pub dir: PathBuf,
}

pub fn run(_a: &Args) -> Result<(), CliError> {
    Err(CliError::Usage("study status is not built yet".into()))
}
