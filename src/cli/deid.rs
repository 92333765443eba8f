//! `sigmark deid PATH... --out DIR`: de-identified copies of recordings and their annotation
//! files, flat under DIR with study ids for names. The walk is export's (`cli` may use both
//! `export` and `deid`); the run is `deid::run`.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::deid::keys::{self, is_under};
use crate::deid::run::{self, Formats, Job, Options};
use crate::deid::run_maps::{read_reader_map, IdMap};
use crate::deid::run_report::{Entry, RunReport};
use crate::deid::{DeidError, Keep, Plan, Shift};
use crate::export::discover;
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Recordings and directories to walk (recursively); recordings are found by content.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Where the copies go, flat: DIR/STUDYID.EXT and their annotation files beside them.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Move every date by N whole days (negative: earlier).
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        conflicts_with = "random_shift"
    )]
    pub shift_days: Option<i64>,
    /// Move every date by one random number of days in [-3650, -365] for the whole run.
    #[arg(long)]
    pub random_shift: bool,
    /// Write the shift and the id map here (JSON, mode 0600; never under --out). Without it a
    /// random shift cannot be recovered.
    #[arg(long, value_name = "KEYFILE")]
    pub key: Option<PathBuf>,
    /// original<TAB>study_id per line (original: the path relative to its root, or the file
    /// stem); recordings missing from it are skipped. Default: deid-0001, deid-0002...
    #[arg(long, value_name = "FILE.tsv")]
    pub id_map: Option<PathBuf>,
    /// reader<TAB>new_reader per line: reader names in the annotation files' names and tables.
    #[arg(long, value_name = "FILE.tsv")]
    pub reader_map: Option<PathBuf>,
    /// Fields to keep: sex, age (the age at recording, 90+ grouped), admin, technician, equipment.
    #[arg(long, value_name = "FIELD,...")]
    pub keep: Option<String>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,
    /// Print what would change per file; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let opts = options(args).map_err(setup)?;
    let jobs = walk(&args.paths, &args.out);
    let report = run::run(&jobs.jobs, &opts, &Formats::real()).map_err(setup)?;
    print(&report, &jobs.problems, args.dry_run)
}

/// The run's options from the arguments: maps read, key path checked, shift chosen.
pub fn options(args: &Args) -> Result<Options, DeidError> {
    let keep = match &args.keep {
        Some(list) => Keep::parse(list).map_err(|e| DeidError::invalid(Path::new("--keep"), e))?,
        None => Keep::default(),
    };
    if let Some(key) = &args.key {
        keys::check_key_path(key, &args.out)?;
    }
    // An --out inside an input is left out of the walk; an input inside --out (or --out
    // itself) would be nothing but earlier copies, or the copies would land among sources.
    if let Some(input) = args.paths.iter().find(|p| is_under(p, &args.out)) {
        return Err(DeidError::Refused {
            path: input.clone(),
            why: format!(
                "is inside --out {}; write the copies to a directory outside the inputs",
                args.out.display()
            ),
        });
    }
    let shift = match (args.shift_days, args.random_shift) {
        (Some(n), _) => Some(Shift::days(n)),
        (None, true) => Some(keys::random_shift()),
        (None, false) => None,
    };
    if args.random_shift && args.key.is_none() {
        eprintln!("sigmark deid: no --key: the random shift is not recorded anywhere and cannot be recovered");
    }
    Ok(Options {
        out: args.out.clone(),
        plan: Plan {
            shift,
            keep,
            dry_run: args.dry_run,
        },
        random: args.random_shift,
        key: args.key.clone(),
        id_map: args.id_map.as_deref().map(IdMap::read).transpose()?,
        reader_map: match &args.reader_map {
            Some(p) => read_reader_map(p)?,
            None => Default::default(),
        },
        jobs: args.jobs,
    })
}

/// What the walk found: the jobs in walk order, and what it could not read.
pub struct Walked {
    pub jobs: Vec<Job>,
    pub problems: Vec<String>,
}

/// Export's walk over the inputs, without anything under `out` (an earlier run's copies).
/// Events tables beside an annotation-less stem are not recordings, so their complaints are
/// left out: the files part finds a recording's tables itself.
pub fn walk(inputs: &[PathBuf], out: &Path) -> Walked {
    let found = discover::find(inputs);
    let jobs = found
        .candidates
        .into_iter()
        .filter(|c| !is_under(&c.path, out))
        .map(|c| Job {
            source: c.path,
            rel: c.rel,
        })
        .collect();
    let problems = found
        .problems
        .into_iter()
        .filter(|p| p.kind != crate::export::ProblemKind::Orphan && !is_under(&p.path, out))
        .map(|p| p.to_string())
        .collect();
    Walked { jobs, problems }
}

/// Argument and setup errors (maps, key) are usage errors: nothing was written.
fn setup(e: DeidError) -> CliError {
    match e {
        DeidError::Io { .. } => CliError::Check(e.to_string()),
        _ => CliError::Usage(e.to_string()),
    }
}

/// Per-file changes (dry run), every skip with why, the summary; fails when anything was skipped.
fn print(report: &RunReport, problems: &[String], dry_run: bool) -> Result<(), CliError> {
    for e in &report.entries {
        if let Entry::Done {
            rel,
            study_id,
            reports,
        } = e
        {
            if dry_run {
                println!("{} -> {}", sanitize(rel), sanitize(study_id));
                for r in reports {
                    println!("  {}", sanitize(&r.output.display().to_string()));
                    for c in &r.changes {
                        println!("    {}", sanitize(c));
                    }
                }
            }
        }
    }
    for p in problems {
        eprintln!("skipped {}", sanitize(p));
    }
    let skipped = report.skipped();
    for (path, why) in &skipped {
        eprintln!(
            "skipped {}: {}",
            sanitize(&path.display().to_string()),
            sanitize(why)
        );
    }
    let mut summary = report.summary(dry_run);
    summary.skipped += problems.len();
    eprintln!("{summary}");
    if summary.skipped == 0 {
        Ok(())
    } else {
        Err(CliError::Check(format!("{} skipped", summary.skipped)))
    }
}
