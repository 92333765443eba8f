//! De-identifying the annotation files beside a recording: every `STEM.WHO.KIND` file of the
//! recording's stem (readers' and suggestion tables, their sidecars and journals, the
//! consensus and its decisions, other JSON-lines files) is written beside the de-identified
//! recording under its new stem, with readers renamed through the reader map, free text
//! scrubbed and every time moved by the recording's shift. Locks are not copied; damaged-
//! journal backups and files this code does not understand are skipped with a reason (they
//! may hold identifying text). A source is never opened for writing; outputs are atomic.
//!
//! With no shift wanted, times are moved so the earliest time of the recording's annotation
//! files becomes 1985-01-01T00:00:00Z (two passes: the first finds the earliest time).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

#[path = "files_env.rs"]
mod files_env;
#[path = "files_jsonl.rs"]
mod files_jsonl;
#[path = "files_store.rs"]
mod files_store;
#[path = "files_time.rs"]
mod files_time;

use super::scrub::Scrubber;
use super::{dir_of, DeidError, FileReport};
use crate::annotations::store::{check_reader, write_atomic, CONSENSUS};
use crate::annotations::StoreError;
use files_env::{Env, Tally};
use files_time::{Clock, Move, UNKNOWN_START};

/// What the files of one recording are de-identified with.
#[derive(Debug, Clone, Copy)]
pub struct FilesContext<'a> {
    /// Built from the recording's identifiers and the run's shift.
    pub scrubber: &'a Scrubber,
    /// The de-identified recording's SHA-256 (`None` on a dry run).
    pub sha256: Option<&'a str>,
    /// Reader name -> study name (`--reader-map`); unmapped readers keep their names.
    pub reader_map: &'a BTreeMap<String, String>,
    pub dry_run: bool,
}

/// What one file beside the recording is.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Table { consensus: bool },
    Sidecar,
    Journal,
    JsonLines,
    Skip(String),
}

#[derive(Debug)]
struct Job {
    source: PathBuf,
    output: PathBuf,
    kind: Kind,
}

const TABLE: &str = ".events.tsv";
const SIDECAR: &str = ".events.json";
const JOURNAL: &str = ".journal.jsonl";

/// De-identifies every annotation file of `recording` into `out_recording`'s directory under
/// `out_recording`'s stem; one report per file found (locks are left out).
pub fn deid_annotation_files(
    recording: &Path,
    out_recording: &Path,
    ctx: &FilesContext,
) -> Result<Vec<FileReport>, DeidError> {
    check_map(recording, ctx.reader_map)?;
    let jobs = find(recording, out_recording, ctx.reader_map)?;
    refuse_overwrites(recording, out_recording, &jobs)?;
    let mut env = Env {
        scrubber: ctx.scrubber,
        readers: ctx.reader_map,
        clock: Clock::new(Move::By(chrono::Duration::zero())),
        recording: file_name(out_recording),
        sha256: ctx.sha256,
        size: None,
        dry_run: ctx.dry_run,
    };
    env.clock = match ctx.scrubber.shift() {
        Some(s) => Clock::new(Move::Days(s.days)),
        None => {
            // First pass: only to find the earliest time.
            for job in &jobs {
                let _ = rewrite(&env, job, &mut Tally::default());
            }
            Clock::new(Clock::to_unknown_start(env.clock.earliest()))
        }
    };
    if !ctx.dry_run && !jobs.is_empty() {
        let meta = std::fs::metadata(out_recording).map_err(|e| DeidError::io(out_recording, e))?;
        env.size = Some(meta.len());
    }
    jobs.iter().map(|job| run(&env, job)).collect()
}

/// Rewrites one file and writes it (unless a dry run); a file that cannot be rewritten is
/// reported as skipped with why.
fn run(env: &Env, job: &Job) -> Result<FileReport, DeidError> {
    let mut report = FileReport {
        source: job.source.clone(),
        output: job.output.clone(),
        ..FileReport::default()
    };
    let mut tally = Tally::default();
    let bytes = match rewrite(env, job, &mut tally) {
        Ok(bytes) => bytes,
        Err(why) => {
            report.skipped = Some(why);
            return Ok(report);
        }
    };
    if env.scrubber.shift().is_none() {
        tally.note(
            &format!("times moved so the earliest is {UNKNOWN_START} (differences kept)"),
            1,
        );
    }
    report.fields_cleared = tally.fields;
    report.texts_replaced = tally.texts;
    report.changes = tally.changes();
    if !env.dry_run {
        write_atomic(&job.output, &bytes).map_err(|e| match e {
            StoreError::Io { path, source } => DeidError::Io { path, source },
            other => DeidError::Io {
                path: job.output.clone(),
                source: std::io::Error::other(other.to_string()),
            },
        })?;
    }
    Ok(report)
}

fn rewrite(env: &Env, job: &Job, t: &mut Tally) -> Result<Vec<u8>, String> {
    match &job.kind {
        Kind::Table { consensus } => files_store::table(env, &job.source, *consensus, t),
        Kind::Sidecar => files_store::sidecar(env, &job.source, t),
        Kind::Journal => files_store::journal(env, &job.source, t),
        Kind::JsonLines => {
            let bytes = std::fs::read(&job.source).map_err(|e| e.to_string())?;
            files_jsonl::json_lines(env, &bytes, t)
        }
        Kind::Skip(why) => Err(why.clone()),
    }
}

/// Every mapped name must be a safe reader name: it becomes part of file names.
fn check_map(recording: &Path, map: &BTreeMap<String, String>) -> Result<(), DeidError> {
    for (from, to) in map {
        if let Err(e) = check_reader(to) {
            return Err(DeidError::invalid(
                recording,
                format!("the reader map gives {from:?} the name {to:?}: {e}"),
            ));
        }
    }
    Ok(())
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

fn stem_of(p: &Path) -> Result<String, DeidError> {
    p.file_stem()
        .and_then(|s| s.to_str())
        .map(str::to_string)
        .ok_or_else(|| DeidError::invalid(p, "expected a file name with a UTF-8 stem"))
}

/// The annotation files of `recording`, each with its output path.
fn find(
    recording: &Path,
    out_recording: &Path,
    readers: &BTreeMap<String, String>,
) -> Result<Vec<Job>, DeidError> {
    let (stem, new_stem) = (stem_of(recording)?, stem_of(out_recording)?);
    let dir = dir_of(recording);
    let names = list(dir)?;
    let others = recording_stems(&names);
    let own = file_name(recording);
    let prefix = format!("{stem}.");
    let mut jobs: Vec<Job> = Vec::new();
    let mut outputs: HashMap<PathBuf, PathBuf> = HashMap::new();
    for name in &names {
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        // `STEM.EXT` is the recording or a member of it (a WFDB `.dat`, `.atr`);
        // `STEM.a.edf` is another recording.
        if *name == own
            || !rest.contains('.')
            || maybe_recording(name)
            || belongs_elsewhere(&stem, rest, &others)
        {
            continue;
        }
        let Some((kind, who)) = classify(rest) else {
            continue; // a lock
        };
        let source = dir.join(name);
        let renamed = rename(rest, who, readers);
        let output = dir_of(out_recording).join(format!("{new_stem}.{renamed}"));
        let kind = match outputs.get(&output) {
            Some(first) if kind_writes(&kind) => Kind::Skip(format!(
                "the reader map gives it the same output as {}",
                first.display()
            )),
            _ => kind,
        };
        if kind_writes(&kind) {
            outputs.insert(output.clone(), source.clone());
        }
        jobs.push(Job {
            source,
            output,
            kind,
        });
    }
    Ok(jobs)
}

fn kind_writes(k: &Kind) -> bool {
    !matches!(k, Kind::Skip(_))
}

/// The directory's file names, sorted.
fn list(dir: &Path) -> Result<Vec<String>, DeidError> {
    let rd = std::fs::read_dir(dir).map_err(|e| DeidError::io(dir, e))?;
    let mut names: Vec<String> = rd
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

/// Extensions of files that are never recordings (as in export's walk): text and tables.
const NOT_RECORDINGS: [&str; 12] = [
    "tsv", "csv", "json", "jsonl", "md", "txt", "lock", "parquet", "toml", "log", "tmp", "edf-csv",
];

/// Whether a file may be a recording or a member of one (not text, not a sigmark file).
fn maybe_recording(name: &str) -> bool {
    let ext = name
        .rsplit_once('.')
        .map_or("", |(_, e)| e)
        .to_ascii_lowercase();
    !name.contains(".damaged-") && !NOT_RECORDINGS.contains(&ext.as_str())
}

/// The stems of the files that may be recordings.
fn recording_stems(names: &[String]) -> HashSet<String> {
    names
        .iter()
        .filter(|n| maybe_recording(n))
        .filter_map(|n| Path::new(n).file_stem().and_then(|s| s.to_str()))
        .map(str::to_string)
        .collect()
}

/// `STEM.a.bob.events.tsv` belongs to `STEM.a.edf` when that recording is beside it (stems
/// and reader names may both hold dots: the longest stem that is a recording's wins).
fn belongs_elsewhere(stem: &str, rest: &str, others: &HashSet<String>) -> bool {
    rest.match_indices('.')
        .any(|(i, _)| others.contains(&format!("{stem}.{}", &rest[..i])))
}

/// What `STEM.REST` is, with its reader's name when it has one; `None` for a lock.
fn classify(rest: &str) -> Option<(Kind, Option<&str>)> {
    let skip = |why: &str| Some((Kind::Skip(why.to_string()), None));
    if rest.contains(".damaged-") {
        return skip(
            "a damaged-journal backup: not copied (it may hold identifying text; the journal \
             beside it holds its intact lines)",
        );
    }
    if rest.ends_with(".lock") {
        return None;
    }
    let reader = |suffix: &str| rest.strip_suffix(suffix);
    if let Some(who) = reader(TABLE) {
        if check_reader(who).is_err() {
            return skip("an events table whose reader name is not one sigmark writes");
        }
        let consensus = who == CONSENSUS;
        return Some((Kind::Table { consensus }, Some(who)));
    }
    if let Some(who) = reader(SIDECAR) {
        return Some((Kind::Sidecar, Some(who)));
    }
    if let Some(who) = reader(JOURNAL) {
        return Some((Kind::Journal, Some(who)));
    }
    if rest.ends_with(".jsonl") {
        return Some((Kind::JsonLines, None));
    }
    skip(
        "not an annotation file sigmark understands: not copied (it may hold identifying text; \
         check it by hand)",
    )
}

/// `REST` with its reader's name mapped: the whole reader part for the store's files, the
/// longest mapped dotted prefix for other files. The consensus is nobody's name.
fn rename(rest: &str, who: Option<&str>, readers: &BTreeMap<String, String>) -> String {
    let mapped = |w: &str| (w != CONSENSUS).then(|| readers.get(w)).flatten();
    if let Some(w) = who {
        return match mapped(w) {
            Some(to) => format!("{to}{}", &rest[w.len()..]),
            None => rest.to_string(),
        };
    }
    let mut cuts: Vec<usize> = rest.match_indices('.').map(|(i, _)| i).collect();
    cuts.reverse();
    cuts.into_iter()
        .find_map(|i| mapped(&rest[..i]).map(|to| format!("{to}{}", &rest[i..])))
        .unwrap_or_else(|| rest.to_string())
}

/// An output that is one of the sources, or an existing file in the recording's own
/// directory (another recording's annotations), is refused before anything is written.
fn refuse_overwrites(
    recording: &Path,
    out_recording: &Path,
    jobs: &[Job],
) -> Result<(), DeidError> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let sources: BTreeSet<PathBuf> = jobs.iter().filter_map(|j| canon(&j.source)).collect();
    let same_dir =
        canon(dir_of(recording)).is_some_and(|d| canon(dir_of(out_recording)) == Some(d));
    for job in jobs.iter().filter(|j| kind_writes(&j.kind)) {
        let existing = canon(&job.output);
        let why = if existing.as_ref().is_some_and(|o| sources.contains(o)) {
            "the output would overwrite a source file"
        } else if existing.is_some() && same_dir {
            "the output exists beside the source recording (another recording's file?)"
        } else {
            continue;
        };
        return Err(DeidError::Refused {
            path: job.output.clone(),
            why: why.into(),
        });
    }
    Ok(())
}
