//! `study init` and `study add`.

use std::path::PathBuf;

use crate::cli::CliError;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The study directory: recordings are found under it by content.
    pub dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    pub dir: PathBuf,
}

pub fn run_init(_a: &InitArgs) -> Result<(), CliError> {
    Err(CliError::Usage("study init is not built yet".into()))
}

pub fn run_add(_a: &AddArgs) -> Result<(), CliError> {
    Err(CliError::Usage("study add is not built yet".into()))
}
