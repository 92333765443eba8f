//! `study init` and `study add`.

use std::path::PathBuf;

use crate::cli::CliError;
use crate::study::init::{self, Setup};
use crate::study::{Gates, StudyFile};
use crate::text::sanitize;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The study directory: recordings are found under it by content.
    pub dir: PathBuf,
    /// The readers, comma-separated (alice,bob,carol).
    #[arg(long, value_delimiter = ',', required = true, value_name = "NAMES")]
    pub readers: Vec<String>,
    /// Distinct readers per recording.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub reads: usize,
    /// The guideline's label keymap: ecg, eeg, rpm or a keymap file (default: from the first
    /// recording's channels, as the viewer picks it).
    #[arg(long, value_name = "ecg|eeg|rpm|PATH")]
    pub keymap: Option<String>,
    /// Seed of the assignment and the reading orders (default: a random one, written to
    /// study.toml and printed).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// QA reviewers of critical labels, comma-separated; none of them may be a reader.
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub qa: Vec<String>,
    /// The study's name (default: the directory's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Agreement gate: Cohen's kappa over scoring epochs.
    #[arg(long, default_value_t = 0.80, value_name = "LEVEL")]
    pub kappa: f64,
    /// Agreement gate: event F1 per label.
    #[arg(long, default_value_t = 0.80, value_name = "LEVEL")]
    pub f1: f64,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The study directory (holding study.toml).
    pub dir: PathBuf,
}

pub fn run_init(a: &InitArgs) -> Result<(), CliError> {
    let setup = Setup {
        name: a.name.clone(),
        readers: a.readers.iter().map(|r| r.trim().to_string()).collect(),
        reads: a.reads,
        qa: a.qa.iter().map(|r| r.trim().to_string()).collect(),
        keymap: a.keymap.clone(),
        seed: a.seed.unwrap_or_else(random_seed),
        gates: Gates {
            kappa: a.kappa,
            f1: a.f1,
        },
    };
    let made = init::init(&a.dir, &setup)?;
    report_skipped(&made.skipped);
    let f = &made.study.file;
    println!(
        "{}: study {} with {}, {} per recording; guideline {} {}; seed {}",
        shown(&made.study.dir.join(crate::study::STUDY_FILE)),
        sanitize(&f.name),
        recordings(f.recordings.len()),
        readers(f.reads),
        sanitize(&f.guideline.keymap),
        sanitize(&f.guideline.version),
        f.seed
    );
    print_loads(f);
    let critical: Vec<String> = f.critical.iter().map(critical_text).collect();
    println!(
        "critical labels: {}",
        if critical.is_empty() {
            "none".to_string()
        } else {
            sanitize(&critical.join(", "))
        }
    );
    if f.qa.is_empty() {
        if !f.critical.is_empty() {
            eprintln!("note: no QA reviewers (--qa): the critical labels' events cannot be QA'd until study.toml lists some");
        }
    } else {
        println!("QA reviewers: {}", sanitize(&f.qa.join(", ")));
    }
    Ok(())
}

pub fn run_add(a: &AddArgs) -> Result<(), CliError> {
    let done = init::add(&a.dir)?;
    report_skipped(&done.skipped);
    for m in &done.missing {
        eprintln!(
            "missing: {} is in study.toml but no longer found under {}; kept as assigned",
            sanitize(m),
            shown(&a.dir)
        );
    }
    let f = &done.study.file;
    println!(
        "{}: {} assigned ({} in the study, {} missing)",
        shown(&done.study.dir.join(crate::study::STUDY_FILE)),
        new_recordings(done.added.len()),
        f.recordings.len(),
        done.missing.len()
    );
    for rel in &done.added {
        let readers = done
            .study
            .assignment(rel)
            .map(|x| x.readers.join(", "))
            .unwrap_or_default();
        println!("  {}: {}", sanitize(rel), sanitize(&readers));
    }
    print_loads(f);
    Ok(())
}

fn recordings(n: usize) -> String {
    format!("{n} recording{}", if n == 1 { "" } else { "s" })
}

fn new_recordings(n: usize) -> String {
    format!("{n} new recording{}", if n == 1 { "" } else { "s" })
}

fn readers(n: usize) -> String {
    format!("{n} reader{}", if n == 1 { "" } else { "s" })
}

fn print_loads(f: &StudyFile) {
    println!("reader loads:");
    for (reader, n) in init::loads(f) {
        println!("  {}: {n}", sanitize(&reader));
    }
}

fn critical_text(c: &crate::study::Critical) -> String {
    match c.below {
        Some(level) => format!("{} (below {level})", c.label),
        None => c.label.clone(),
    }
}

fn report_skipped(skipped: &[String]) {
    for s in skipped {
        eprintln!("skipped {}", sanitize(s));
    }
}

fn shown(p: &std::path::Path) -> String {
    sanitize(&p.display().to_string())
}

/// A seed for a study given none: from a fresh v4 UUID (the OS's random source).
fn random_seed() -> u64 {
    let b = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}
