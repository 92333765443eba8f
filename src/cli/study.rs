//! `sigmark study ...` and `sigmark audit`: a reading study in a directory (see
//! [`crate::study`]). One module per subcommand.

pub mod audit;
pub mod init;
pub mod next;
pub mod qa;
pub mod status;

use clap::Subcommand;

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: StudyCommand,
}

#[derive(Debug, Subcommand)]
pub enum StudyCommand {
    /// Find the recordings under DIR and write DIR/study.toml: guideline, readers, QA
    /// reviewers, gates, critical labels and a balanced, seeded assignment.
    Init(init::InitArgs),
    /// Add recordings found under DIR since init; what was assigned stays as it was.
    Add(init::AddArgs),
    /// Open the reader's next unfinished recording in the viewer, blinded, with the study's keymap.
    Next(next::Args),
    /// Per recording and reader: reading state, agreement, adjudication, QA; exit status 0 only
    /// when every gate passes.
    Status(status::Args),
    /// Walk the pending critical events and confirm, reject or edit each.
    Qa(qa::Args),
    /// Check the study's integrity: tables equal their journals' replay, sidecars match their
    /// recordings, no event without a journal entry, no edit by an unassigned reader.
    Audit(audit::StudyArgs),
}

impl From<crate::study::StudyError> for CliError {
    fn from(e: crate::study::StudyError) -> CliError {
        match e {
            crate::study::StudyError::Usage(m) => CliError::Usage(m),
            e => CliError::Check(e.to_string()),
        }
    }
}

pub fn run(args: &Args) -> Result<(), CliError> {
    match &args.command {
        StudyCommand::Init(a) => init::run_init(a),
        StudyCommand::Add(a) => init::run_add(a),
        StudyCommand::Next(a) => next::run(a),
        StudyCommand::Status(a) => status::run(a),
        StudyCommand::Qa(a) => qa::run(a),
        StudyCommand::Audit(a) => audit::run_study(a),
    }
}
