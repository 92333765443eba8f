//! Batch export of event tables: every recording found under the given paths, its readers'
//! tables, the consensus table and (on request) its embedded EDF+ annotations, as one table of
//! one row per event in CSV, TSV, JSON Lines or Parquet; a BIDS tree; or one recording's events
//! as EDF+ annotations or EDFbrowser's CSV.
//!
//! The table is sorted by recording (path relative to the given root, byte order), reader and
//! onset (then every other column), so two runs give the same bytes. Recordings are processed in
//! parallel in batches of that order, and each batch's rows are written before the next batch is
//! read: memory holds one batch, never the whole table.

pub mod bids;
mod consensus;
pub mod discover;
pub mod edfplus;
pub mod keep;
pub mod parquet;
pub mod rows;
pub mod shard;
pub mod sink;
pub mod wfdb;
pub mod wfdb_ann;

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::formats::OpenOptions;
pub use rows::{RecInfo, Row};
pub use shard::Shard;

/// Columns of the exported table, in order.
pub const COLUMNS: [&str; 17] = [
    "recording",
    "recording_sha256",
    "reader",
    "label",
    "code",
    "onset_s",
    "duration_s",
    "onset_time",
    "channel",
    "certainty",
    "note",
    "source",
    "created",
    "modified",
    "format",
    "recording_duration_s",
    "start_time",
];

/// Output layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutFormat {
    Csv,
    Tsv,
    Jsonl,
    Parquet,
    Bids,
    Edfplus,
    #[value(name = "edfbrowser-csv")]
    EdfbrowserCsv,
    #[value(name = "wfdb-ann")]
    WfdbAnn,
    /// The whole recording as a WFDB record (NAME.hea + NAME.dat).
    Wfdb,
}

impl OutFormat {
    /// The layout a target's extension suggests (`.tsv`, `.jsonl`, `.parquet`, `.edf`, `.atr`,
    /// else CSV).
    pub fn from_extension(path: &Path) -> OutFormat {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "tsv" => OutFormat::Tsv,
            Some(e) if e == "jsonl" || e == "ndjson" => OutFormat::Jsonl,
            Some(e) if e == "parquet" => OutFormat::Parquet,
            Some(e) if e == "edf" => OutFormat::Edfplus,
            Some(e) if e == "atr" => OutFormat::WfdbAnn,
            _ => OutFormat::Csv,
        }
    }
}

/// Which tables to export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readers {
    /// Every reader's table and the consensus table.
    All,
    /// Only the consensus tables.
    Consensus,
    /// These readers (`consensus` among them for the consensus table).
    Names(BTreeSet<String>),
}

impl Readers {
    /// `all`, `consensus` or a comma-separated list of names.
    pub fn parse(s: &str) -> Readers {
        match s.trim() {
            "all" | "" => Readers::All,
            "consensus" => Readers::Consensus,
            list => Readers::Names(
                list.split(',')
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .collect(),
            ),
        }
    }

    pub fn wants(&self, reader: &str) -> bool {
        match self {
            Readers::All => true,
            Readers::Consensus => reader == "consensus",
            Readers::Names(n) => n.contains(reader),
        }
    }
}

/// What kind of problem made a file be skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    /// A path that could not be read or listed.
    Unreadable,
    /// A file that is not a readable recording.
    Recording,
    /// A malformed reader or consensus table.
    Table,
    /// An events table with no recording beside it.
    Orphan,
}

impl ProblemKind {
    pub fn describe(self) -> &'static str {
        match self {
            ProblemKind::Unreadable => "unreadable",
            ProblemKind::Recording => "not a readable recording",
            ProblemKind::Table => "malformed events table",
            ProblemKind::Orphan => "events table without a recording",
        }
    }
}

/// A file that was skipped, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: PathBuf,
    pub kind: ProblemKind,
    pub detail: String,
}

impl Problem {
    pub fn new(path: &Path, kind: ProblemKind, detail: String) -> Problem {
        Problem {
            path: path.to_path_buf(),
            kind,
            detail,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.detail)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {detail}", path.display())]
    Parquet { path: PathBuf, detail: String },
    /// `--strict`: the first problem stops the run and nothing is written.
    #[error("stopped at the first problem (--strict), nothing written: {0}")]
    Strict(Problem),
    /// The table was written, but some files were skipped (listed before).
    #[error("{0} file(s) skipped (listed above); the table holds everything else")]
    Skipped(usize),
    #[error("{0}")]
    Usage(String),
}

impl ExportError {
    pub fn io(path: &Path, source: std::io::Error) -> ExportError {
        ExportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// One export run.
#[derive(Debug, Clone)]
pub struct Options {
    pub inputs: Vec<PathBuf>,
    pub out: PathBuf,
    pub format: OutFormat,
    pub readers: Readers,
    pub embedded: bool,
    /// Worker threads (0: rayon's default, one per core).
    pub jobs: usize,
    pub strict: bool,
    pub shard: Option<Shard>,
    pub open: OpenOptions,
    /// Events to leave out, decided by the caller (`--qa confirmed`); None keeps all.
    pub keep: Option<keep::Keep>,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub recordings: usize,
    pub readers: BTreeSet<String>,
    pub tables: usize,
    pub events: u64,
    pub skipped: Vec<Problem>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} recordings, {} readers ({} tables), {} events",
            self.recordings,
            self.readers.len(),
            self.tables,
            self.events
        )?;
        if self.skipped.is_empty() {
            return write!(f, ", nothing skipped");
        }
        let mut kinds: Vec<ProblemKind> = self.skipped.iter().map(|p| p.kind).collect();
        kinds.sort();
        kinds.dedup();
        let why: Vec<String> = kinds
            .iter()
            .map(|k| {
                let n = self.skipped.iter().filter(|p| p.kind == *k).count();
                format!("{n} {}", k.describe())
            })
            .collect();
        write!(
            f,
            "; {} files skipped ({})",
            self.skipped.len(),
            why.join(", ")
        )
    }
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// The walk is done: this many recordings to read.
    Found(usize),
    /// This many more recordings are written.
    Done(usize),
}

/// Recordings processed in parallel per batch; rows of one batch are held, then written.
const BATCH: usize = 256;

/// Exports one table (CSV, TSV, JSON Lines or Parquet) to `opts.out`. Problems are collected
/// in the summary (and stop the run with `--strict`); the caller decides the exit status.
pub fn export(
    opts: &Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Summary, ExportError> {
    let mut sink = sink::open(opts.format, &opts.out)?;
    let encode = |rows: &[Row]| sink::encode(opts.format, rows);
    let summary = each_recording(opts, progress, &encode, |_, r, text| match text {
        Some(bytes) => {
            let bytes = bytes.map_err(|e| ExportError::io(&opts.out, e))?;
            sink.write_encoded(&bytes)
        }
        None => r.rows.iter().try_for_each(|row| sink.write_row(row)),
    })?;
    sink.finish()?;
    Ok(summary)
}

/// What a worker may prepare from a recording's rows besides the rows (encoded text).
pub type Encoded = Option<std::io::Result<Vec<u8>>>;

/// Finds the recordings of `opts`, reads each one's rows in parallel batches (with `encode`
/// applied in the workers), and hands them to `emit` in table order. Problems are collected in
/// the summary, or stop the run with `--strict`.
pub fn each_recording(
    opts: &Options,
    progress: &(dyn Fn(Progress) + Sync),
    encode: &(dyn Fn(&[Row]) -> Encoded + Sync),
    mut emit: impl FnMut(&discover::Candidate, &rows::RecRows, Encoded) -> Result<(), ExportError>,
) -> Result<Summary, ExportError> {
    let mut found = discover::find(&opts.inputs);
    if let Some(shard) = opts.shard {
        found.candidates.retain(|c| shard.holds(&c.rel));
    }
    if opts.strict {
        if let Some(p) = found.problems.first() {
            return Err(ExportError::Strict(p.clone()));
        }
    }
    progress(Progress::Found(found.candidates.len()));
    let mut ctx = rows::Context::new(opts.readers.clone(), opts.embedded, opts.open.clone());
    ctx.keep = opts.keep.clone();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .map_err(|e| {
            ExportError::Usage(format!("cannot start {} worker threads: {e}", opts.jobs))
        })?;
    let mut summary = Summary {
        skipped: found.problems,
        ..Summary::default()
    };
    for batch in found.candidates.chunks(BATCH) {
        let results: Vec<(rows::RecRows, Encoded)> = pool.install(|| {
            batch
                .par_iter()
                .map(|c| {
                    let r = rows::collect(c, &ctx);
                    let text = encode(&r.rows);
                    (r, text)
                })
                .collect()
        });
        for (c, (mut r, text)) in batch.iter().zip(results) {
            let opened = r.skipped.is_none();
            for p in r.skipped.take().into_iter().chain(r.problems.drain(..)) {
                if opts.strict {
                    return Err(ExportError::Strict(p));
                }
                summary.skipped.push(p);
            }
            if !opened {
                continue;
            }
            emit(c, &r, text)?;
            summary.recordings += 1;
            summary.events += r.rows.len() as u64;
            summary.tables += r.readers.len();
            summary.readers.extend(r.readers);
        }
        progress(Progress::Done(batch.len()));
    }
    Ok(summary)
}
