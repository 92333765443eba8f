//! `sigmark export PATH... --out FILE`: one table of every event under the given paths (CSV,
//! TSV, JSON Lines, Parquet), a BIDS tree, or one recording's events as EDF+ annotations or
//! EDFbrowser's CSV; `sigmark export --merge SHARDS... --out FILE` joins `--shard K/N` tables.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressStyle};

use super::{CliError, FormatHints};
use crate::export::{self, ExportError, OutFormat, Progress, Readers, Shard, Summary};
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Recordings and directories to walk (recursively); with --merge, the shard tables.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The table to write (a directory for --format bids); written to a temporary file and
    /// renamed, so a failed run leaves no half table.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Output layout (default: from --out's extension, else csv).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    /// Which tables: reader names separated by commas, `all` (readers and consensus) or
    /// `consensus`.
    #[arg(long, default_value = "all", value_name = "NAME,...|all|consensus")]
    pub readers: String,
    /// The reader to write for --format edfplus, edfbrowser-csv and wfdb-ann.
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// Add the recordings' own EDF+ annotations as reader `embedded`.
    #[arg(long)]
    pub embedded: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Stop at the first problem instead of skipping the file.
    #[arg(long)]
    pub strict: bool,
    /// Export only shard K of N (by a stable hash of each recording's relative path).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Merge shard tables (the PATHs) into the table a single run writes.
    #[arg(long, conflicts_with_all = ["shard", "embedded", "strict"])]
    pub merge: bool,
    #[command(flatten)]
    pub hints: FormatHints,
    /// `confirmed`: keep only QA-confirmed (or edited: the edited version) critical events of
    /// recordings in a study; other events are kept. A recording in no study is skipped.
    #[arg(long, value_name = "confirmed", value_parser = ["confirmed"])]
    pub qa: Option<String>,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    if args.merge {
        let format = export::shard::merge(&args.paths, &args.out)?;
        eprintln!(
            "merged {} shard tables ({format:?}) into {}",
            args.paths.len(),
            sanitize(&args.out.display().to_string())
        );
        return Ok(());
    }
    let format = args
        .format
        .unwrap_or_else(|| OutFormat::from_extension(&args.out));
    let opts = export::Options {
        inputs: args.paths.clone(),
        out: args.out.clone(),
        format,
        readers: Readers::parse(&args.readers),
        embedded: args.embedded,
        jobs: args.jobs,
        strict: args.strict,
        shard: args.shard,
        open: args.hints.options(),
        keep: args
            .qa
            .as_ref()
            .map(|_| super::study::qa::confirmed_filter()),
    };
    log_access(&opts)?;
    let summary = match format {
        OutFormat::Bids => export::bids::export(&opts)?,
        OutFormat::Edfplus | OutFormat::EdfbrowserCsv => {
            export::edfplus::export(&opts, args.reader.as_deref())?
        }
        OutFormat::WfdbAnn => export::wfdb_ann::export(&opts, args.reader.as_deref())?,
        OutFormat::Wfdb => {
            let written = export::wfdb::export(&opts)?;
            eprintln!("{}", sanitize(&written.to_string()));
            return Ok(());
        }
        _ => with_progress(&opts)?,
    };
    report(&summary)
}

/// Logs each recording to export that lies in a study in its `access.jsonl`, before any of its
/// events are written.
fn log_access(opts: &export::Options) -> Result<(), CliError> {
    let found = export::discover::find(&opts.inputs);
    let exported = found
        .candidates
        .iter()
        .filter(|c| opts.shard.is_none_or(|s| s.holds(&c.rel)));
    let who = crate::study::access::who(None);
    let mode = crate::study::log::AccessMode::Export;
    crate::study::access::record_all(exported.map(|c| c.path.as_path()), &who, mode)?;
    Ok(())
}

/// Runs the export with a progress bar on stderr when stderr is a terminal.
fn with_progress(opts: &export::Options) -> Result<Summary, ExportError> {
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new(0);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {pos}/{len} recordings {elapsed} (eta {eta})")
        {
            b.set_style(style);
        }
        b
    });
    let progress = |p: Progress| {
        if let Some(b) = &bar {
            match p {
                Progress::Found(n) => b.set_length(n as u64),
                Progress::Done(n) => b.inc(n as u64),
            }
        }
    };
    let result = export::export(opts, &progress);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    result
}

/// Lists what was skipped, prints the one-line summary, and fails when anything was skipped.
fn report(summary: &Summary) -> Result<(), CliError> {
    for p in &summary.skipped {
        eprintln!("skipped {}", sanitize(&p.to_string()));
    }
    eprintln!("{}", sanitize(&summary.to_string()));
    if summary.skipped.is_empty() {
        Ok(())
    } else {
        Err(ExportError::Skipped(summary.skipped.len()).into())
    }
}
