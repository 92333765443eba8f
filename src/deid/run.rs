//! The `sigmark deid` run: recordings (found by the caller's walk) are probed by content, named
//! (`--id-map` or `deid-0001`... in walk order), de-identified in parallel by their format's
//! part, then their annotation files by the files part with the same scrubber and the copy's
//! SHA-256. The format parts come in as a table of functions ([`Formats`]), so the runner does
//! not depend on how each format is rewritten and can be tested with stand-ins.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::keys::{self, KeyFile};
use super::run_maps::{stem, IdMap};
use super::run_report::{Entry, RunReport};
use super::scrub::Scrubber;
use super::{DeidError, FileReport, Outcome, Plan};
use crate::formats::{self, Container};

/// `deid_edf(src, out, plan)` (src/deid/edf.rs): EDF, EDF+, BDF, BDF+.
pub type EdfFn = fn(&Path, &Path, &Plan) -> Result<Outcome, DeidError>;
/// `deid_hdf5(src, out, plan)` (src/deid/hdf5.rs): HDF5, NWB, SNIRF, EEGLAB.
pub type Hdf5Fn = fn(&Path, &Path, &Plan) -> Result<Outcome, DeidError>;
/// `deid_wfdb(hea, out_dir, new_name, plan)` (src/deid/wfdb.rs): a record's files.
pub type WfdbFn = fn(&Path, &Path, &str, &Plan) -> Result<Outcome, DeidError>;
/// `deid_annotation_files(recording, out_recording, ctx)` (src/deid/files.rs), its context
/// passed as [`FilesArgs`] (the same fields as `files::FilesContext`).
pub type FilesFn = fn(&Path, &Path, &FilesArgs) -> Result<Vec<FileReport>, DeidError>;

/// What the files part needs besides the two paths (mirrors `files::FilesContext`).
pub struct FilesArgs<'a> {
    pub scrubber: &'a Scrubber,
    /// The SHA-256 of the de-identified recording (`None` on a dry run).
    pub sha256: Option<&'a str>,
    pub reader_map: &'a BTreeMap<String, String>,
    pub dry_run: bool,
}

/// The format parts the runner calls.
#[derive(Clone, Copy)]
pub struct Formats {
    pub edf: EdfFn,
    pub hdf5: Hdf5Fn,
    pub wfdb: WfdbFn,
    pub files: FilesFn,
}

impl Formats {
    /// The real parts: the one place they are wired in.
    pub fn real() -> Formats {
        Formats {
            edf: super::edf::deid_edf,
            hdf5: super::hdf5::deid_hdf5,
            wfdb: super::wfdb::deid_wfdb,
            files: |rec, out, a| {
                super::files::deid_annotation_files(
                    rec,
                    out,
                    &super::files::FilesContext {
                        scrubber: a.scrubber,
                        sha256: a.sha256,
                        reader_map: a.reader_map,
                        dry_run: a.dry_run,
                    },
                )
            },
        }
    }
}

/// One file the walk found: its path and its path relative to the root it was found under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub source: PathBuf,
    pub rel: String,
}

/// Everything a run needs besides the jobs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub out: PathBuf,
    pub plan: Plan,
    /// Whether the shift was drawn at random (recorded in the key).
    pub random: bool,
    pub key: Option<PathBuf>,
    pub id_map: Option<IdMap>,
    pub reader_map: BTreeMap<String, String>,
    /// Worker threads (0: one per core).
    pub jobs: usize,
}

/// A recording to de-identify.
#[derive(Debug, Clone)]
struct Found {
    source: PathBuf,
    rel: String,
    kind: Container,
}

/// A recording with its new name and output path.
#[derive(Debug, Clone)]
struct Named {
    found: Found,
    study_id: String,
    output: PathBuf,
}

/// What became of one job before any writing.
enum Class {
    Recording(Found),
    /// A WFDB signal or annotation file, de-identified with its record.
    Member,
    Skip(Entry),
}

/// De-identifies every recording among `jobs` (in walk order) into `opts.out`.
pub fn run(jobs: &[Job], opts: &Options, formats: &Formats) -> Result<RunReport, DeidError> {
    if let Some(key) = &opts.key {
        keys::check_key_path(key, &opts.out)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .build()
        .map_err(|e| {
            DeidError::invalid(
                &opts.out,
                format!("cannot start {} workers: {e}", opts.jobs),
            )
        })?;
    let mut classes: Vec<Class> = pool.install(|| jobs.par_iter().map(classify).collect());
    fold_segments(&mut classes);
    let (named, mut entries) = name_all(classes, opts);
    if !opts.plan.dry_run {
        std::fs::create_dir_all(&opts.out).map_err(|e| DeidError::io(&opts.out, e))?;
        if let Some(key) = &opts.key {
            let ids = named
                .iter()
                .map(|(_, n)| (n.found.rel.clone(), n.study_id.clone()));
            let key_file = KeyFile::new(opts.plan.shift, opts.random, ids.collect());
            keys::write_key(key, &key_file, &opts.out)?;
        }
    }
    let done: Vec<(usize, Vec<Entry>)> = pool.install(|| {
        named
            .par_iter()
            .map(|(at, n)| (*at, process(n, opts, formats)))
            .collect()
    });
    for (at, list) in done.into_iter().rev() {
        entries.splice(at..at, list);
    }
    Ok(RunReport { entries })
}

/// Probes one job by content.
fn classify(job: &Job) -> Class {
    match formats::probe(&job.source) {
        Ok(Container::Wfdb) => match formats::wfdb::locate(&job.source) {
            Some(hea) => Class::Recording(Found {
                rel: sibling_rel(&job.rel, &hea),
                source: hea,
                kind: Container::Wfdb,
            }),
            None => skip(&job.source, "no WFDB header (.hea) names this file".into()),
        },
        Ok(kind) => Class::Recording(Found {
            source: job.source.clone(),
            rel: job.rel.clone(),
            kind,
        }),
        Err(_) if has_wfdb_header(&job.source) => Class::Member,
        Err(e) => skip(&job.source, reason(&job.source, &e.to_string())),
    }
}

/// The segment headers of a multi-segment WFDB record are de-identified with their record
/// (which renames and rewrites them), so they are members here, not recordings of their own.
fn fold_segments(classes: &mut [Class]) {
    let mut segments = HashSet::new();
    for c in classes.iter() {
        let Class::Recording(f) = c else { continue };
        if f.kind != Container::Wfdb {
            continue;
        }
        if let Some((hea, h)) = formats::wfdb::probe_header(&f.source) {
            let dir = formats::wfdb::header::dir_of(&hea);
            segments.extend(
                h.segments
                    .iter()
                    .filter(|s| s.name != "~")
                    .map(|s| dir.join(format!("{}.hea", s.name))),
            );
        }
    }
    for c in classes.iter_mut() {
        if matches!(c, Class::Recording(f) if segments.contains(&f.source)) {
            *c = Class::Member;
        }
    }
}

/// An error's text without the leading `PATH: ` when it names `path` (the report names it).
fn reason(path: &Path, message: &str) -> String {
    let lead = format!("{}: ", path.display());
    message.strip_prefix(&lead).unwrap_or(message).to_string()
}

fn skip(path: &Path, why: String) -> Class {
    Class::Skip(Entry::Skipped {
        path: path.to_path_buf(),
        why,
    })
}

/// A WFDB annotation file (`100.atr`) is named by no header line, but sits beside its
/// record's `100.hea`.
fn has_wfdb_header(path: &Path) -> bool {
    let Some(stem) = path.file_stem() else {
        return false;
    };
    let mut name = stem.to_os_string();
    name.push(".hea");
    formats::wfdb::probe_header(&path.with_file_name(name)).is_some()
}

/// `rel` with its file name replaced by `hea`'s (a record found through its `.dat`).
fn sibling_rel(rel: &str, hea: &Path) -> String {
    let name = hea
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match rel.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/{name}"),
        None => name,
    }
}

/// Names the recordings in walk order, once each (a WFDB record found through several of its
/// files is one recording); returns them with their place among the entries, and the entries
/// (skips) so far.
fn name_all(classes: Vec<Class>, opts: &Options) -> (Vec<(usize, Named)>, Vec<Entry>) {
    let mut entries = Vec::new();
    let mut named = Vec::new();
    let mut seen_source = HashSet::new();
    let mut given: BTreeMap<String, String> = BTreeMap::new();
    let mut number = 0;
    let sources: HashSet<PathBuf> = classes
        .iter()
        .filter_map(|c| match c {
            Class::Recording(f) => Some(keys::resolved(&f.source)),
            _ => None,
        })
        .collect();
    for class in classes {
        let found = match class {
            Class::Member => continue,
            Class::Skip(e) => {
                entries.push(e);
                continue;
            }
            Class::Recording(f) => f,
        };
        if !seen_source.insert(keys::resolved(&found.source)) {
            continue;
        }
        // Numbered among all recordings, so a refused one does not move the others' names.
        number += 1;
        match name_one(found, number, opts, &given, &sources) {
            Ok(n) => {
                given.insert(n.study_id.clone(), n.found.rel.clone());
                named.push((entries.len(), n));
            }
            Err(e) => entries.push(e),
        }
    }
    (named, entries)
}

fn name_one(
    found: Found,
    number: usize,
    opts: &Options,
    given: &BTreeMap<String, String>,
    sources: &HashSet<PathBuf>,
) -> Result<Named, Entry> {
    let refuse = |why: String| Entry::Skipped {
        path: found.source.clone(),
        why,
    };
    let study_id = match &opts.id_map {
        Some(map) => match map.get(&found.rel) {
            Some(id) => id.to_string(),
            None => {
                return Err(refuse(format!(
                    "not in --id-map {} (looked up as {:?} and {:?})",
                    map.path.display(),
                    found.rel,
                    stem(&found.rel)
                )))
            }
        },
        None => format!("deid-{number:04}"),
    };
    if let Some(other) = given.get(&study_id) {
        return Err(refuse(format!(
            "study id {study_id} is already given to {other} (the --id-map matched both by stem; key them by relative path)"
        )));
    }
    let output = opts.out.join(format!("{study_id}.{}", extension(&found)));
    if sources.contains(&keys::resolved(&output)) {
        return Err(refuse(format!(
            "refused: the output {} is a source of this run",
            output.display()
        )));
    }
    if output.exists() {
        return Err(refuse(format!(
            "refused: the output {} exists (from an earlier run?); remove it or choose another --out",
            output.display()
        )));
    }
    Ok(Named {
        found,
        study_id,
        output,
    })
}

/// The copy's extension: the source's (lowercased) when it is a plain one, else the format's.
fn extension(found: &Found) -> String {
    if found.kind == Container::Wfdb {
        return "hea".into();
    }
    let own = found
        .source
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()));
    match (own, found.kind) {
        (Some(e), _) => e.to_ascii_lowercase(),
        (None, Container::Hdf5) => "h5".into(),
        (None, _) => "edf".into(),
    }
}

/// De-identifies one recording, then its annotation files.
fn process(n: &Named, opts: &Options, formats: &Formats) -> Vec<Entry> {
    let (src, plan) = (&n.found.source, &opts.plan);
    let outcome = match n.found.kind {
        Container::Edf => (formats.edf)(src, &n.output, plan),
        Container::Hdf5 => (formats.hdf5)(src, &n.output, plan),
        Container::Wfdb => (formats.wfdb)(src, &opts.out, &n.study_id, plan),
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            return vec![Entry::Skipped {
                path: src.clone(),
                why: reason(src, &e.to_string()),
            }]
        }
    };
    if let Some(why) = &outcome.report.skipped {
        return vec![Entry::Skipped {
            path: src.clone(),
            why: why.clone(),
        }];
    }
    let scrubber = Scrubber::new(outcome.ids, plan.shift);
    let args = FilesArgs {
        scrubber: &scrubber,
        sha256: outcome.sha256.as_deref(),
        reader_map: &opts.reader_map,
        dry_run: plan.dry_run,
    };
    let mut reports = vec![outcome.report];
    let mut entries = Vec::new();
    match (formats.files)(src, &n.output, &args) {
        Ok(files) => reports.extend(files),
        Err(e) => entries.push(Entry::Skipped {
            path: src.clone(),
            why: format!("its annotation files: {e}"),
        }),
    }
    entries.insert(
        0,
        Entry::Done {
            rel: n.found.rel.clone(),
            study_id: n.study_id.clone(),
            reports,
        },
    );
    entries
}
