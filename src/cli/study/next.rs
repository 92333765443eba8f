//! `study next DIR --reader R`: the reader's next unfinished recording in the viewer. Also the
//! study check every viewer open makes (`within_study`): assignment, finished readings, the
//! guideline's keymap, and the access log, before the recording is shown.

use std::path::{Path, PathBuf};

use crate::cli::open::ViewArgs;
use crate::cli::{CliError, FormatHints};
use crate::study::log::AccessMode;
use crate::study::reading::{self, Next, Request};
use crate::study::Study;
use crate::text::sanitize;
use crate::tui::study::StudyReading;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The study directory (holding study.toml).
    pub dir: PathBuf,
    /// Whose reading (default: `reader` in the configuration file, else the login name).
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// Start with the mouse on (click moves the cursor, the wheel scrolls).
    #[arg(long)]
    pub mouse: bool,
    #[command(flatten)]
    pub hints: FormatHints,
}

pub fn run(a: &Args) -> Result<(), CliError> {
    let study = Study::open(&a.dir)?;
    let reader = crate::annotations::config::reader_name(a.reader.as_deref())
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let name = sanitize(&study.file.name);
    match reading::next(&study, &reader)? {
        Next::AllFinished { n: 0 } => {
            println!("{reader} has no recordings assigned in study {name}");
            Ok(())
        }
        Next::AllFinished { n } => {
            println!("{reader} has finished all {n} recordings of study {name}");
            Ok(())
        }
        Next::Open { rel, k, n } => {
            eprintln!(
                "study {name}: {reader} opens {} ({k} of {n})",
                sanitize(&rel)
            );
            let view = ViewArgs {
                reader: Some(reader),
                mouse: a.mouse,
                ..ViewArgs::default()
            };
            crate::cli::open::view(&study.dir.join(&rel), &view, &a.hints)
        }
    }
}

/// How the viewer is opening, for the access log: adjudicating, reading (marking) or viewing.
fn mode_and_who(v: &ViewArgs, opts: &crate::tui::Options) -> (AccessMode, String) {
    if v.compare.is_some() {
        let who = opts.adjudicator.clone().unwrap_or_default();
        return (AccessMode::Adjudicate, who);
    }
    match &opts.reader {
        Some(r) => (AccessMode::Read, r.clone()),
        None => (
            AccessMode::View,
            crate::study::access::who(v.reader.as_deref()),
        ),
    }
}

/// Before the viewer shows a recording of a study: refuses a reader it is not assigned to
/// (without `--force`) and a finished reading (without `--reopen`); sets the guideline's keymap
/// (checking its version); logs the open in `access.jsonl`; and hands the viewer the reading
/// so its finish key works. Outside any study it does nothing (one look for `study.toml` in
/// each directory above the recording).
pub fn within_study(
    file: &Path,
    v: &ViewArgs,
    opts: &mut crate::tui::Options,
) -> Result<(), CliError> {
    let (mode, who) = mode_and_who(v, opts);
    let req = Request {
        recording: file,
        who: &who,
        mode,
        force: v.force,
        reopen: v.reopen,
    };
    let Some(mut admitted) = reading::admit(&req)? else {
        return Ok(());
    };
    if mode != AccessMode::Adjudicate && v.show_readers {
        if !v.force {
            return Err(CliError::Usage(format!(
                "study {} is read blinded: --show-readers would show the other readers' events; give --force to open it so anyway (the open is logged as forced)",
                sanitize(&admitted.study.file.name)
            )));
        }
        admitted.forced = true;
    }
    if mode == AccessMode::Read {
        let keymap = reading::guideline_keymap(
            &admitted.study,
            crate::annotations::config::label_keymap_dir().as_deref(),
        )?;
        match &v.keymap {
            Some(k) if *k != keymap && *k != admitted.study.file.guideline.keymap => {
                return Err(CliError::Usage(format!(
                    "study {} reads with keymap {} (its guideline): drop --keymap {k}",
                    sanitize(&admitted.study.file.name),
                    admitted.study.file.guideline.keymap
                )))
            }
            _ => opts.keymap = Some(keymap),
        }
    }
    // Nothing is logged for a viewer that cannot start.
    crate::tui::require_terminal()?;
    reading::log_open(&mut admitted, &req)?;
    if mode == AccessMode::Read && admitted.assigned {
        opts.study = Some(study_reading(admitted, &who)?);
    }
    Ok(())
}

fn study_reading(a: reading::Admitted, reader: &str) -> Result<StudyReading, CliError> {
    let order = reading::order(&a.study, reader)?;
    let place = order
        .iter()
        .position(|p| *p == a.rel)
        .map_or(String::new(), |i| {
            format!(", {reader}'s {} of {}", i + 1, order.len())
        });
    let opening = format!(
        "study {}: {}{place} (F finishes the reading)",
        a.study.file.name, a.rel
    );
    Ok(StudyReading {
        opening,
        rel: a.rel,
        reader: reader.to_string(),
        study: a.study,
        finished: false,
    })
}
