//! `sigmark calibrate`: measures the screen's character cell outside the viewer, as F4 does in
//! it. It prints a 50 mm ruler at the current cell size (from config.toml, else the terminal's
//! reported pixels at the configured dpi, else a typical cell), reads the measured length in
//! mm from standard input and writes the corrected `cell_mm` to config.toml, keeping its other
//! keys. `--cell-mm W,H` or `--dpi N` set it directly, without asking.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use super::CliError;
use crate::annotations::config::{self, set_config_keys, DisplayConfig};
use crate::tui::scale::{self, Screen};
use crate::tui::widgets::ruler;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The cell's measured width and height in mm, e.g. 2.1,4.2 (written as is, no ruler).
    #[arg(long, value_name = "W,H", conflicts_with = "dpi")]
    pub cell_mm: Option<String>,
    /// The screen's density in dots per inch (the cell then comes from the terminal's pixels);
    /// removes a measured cell_mm, which would take precedence.
    #[arg(long, value_name = "N")]
    pub dpi: Option<f64>,
    /// The configuration file to write (default: config.toml in the configuration directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let path = match &args.config {
        Some(p) => p.clone(),
        None => config::config_file().ok_or_else(|| {
            CliError::Usage(
                "no configuration directory (no home directory); give --config FILE".into(),
            )
        })?,
    };
    let bad = |e: config::ConfigError| CliError::Usage(e.to_string());
    let keys: Vec<(&str, Option<String>)> = if let Some(text) = &args.cell_mm {
        let [w, h] = parse_pair(text)?;
        let s = Screen {
            cell_mm: [w, h],
            approximate: false,
        };
        vec![("cell_mm", Some(scale::cell_mm_text(&s)))]
    } else if let Some(dpi) = args.dpi {
        if !(dpi.is_finite() && dpi > 0.0) {
            return Err(CliError::Usage(format!(
                "--dpi {dpi}: expected a positive number of dots per inch, e.g. 96"
            )));
        }
        vec![
            ("dpi", Some(crate::dsp::paper::trim(dpi))),
            ("cell_mm", None),
        ]
    } else {
        let current = config::display_config(&path).map_err(bad)?;
        let s = measure_interactively(&current)?;
        vec![("cell_mm", Some(scale::cell_mm_text(&s)))]
    };
    set_config_keys(&path, &keys).map_err(bad)?;
    let mut out = std::io::stdout().lock();
    for (k, v) in &keys {
        match v {
            Some(v) => writeln!(out, "{k} = {v}")?,
            None => writeln!(out, "{k} removed")?,
        }
    }
    writeln!(
        out,
        "written to {}",
        crate::text::sanitize(&path.display().to_string())
    )?;
    Ok(())
}

/// `2.1,4.2` (or `2.1 4.2`, `[2.1, 4.2]`): two positive numbers.
fn parse_pair(text: &str) -> Result<[f64; 2], CliError> {
    let nums: Vec<Option<f64>> = text
        .trim_matches(|c| c == '[' || c == ']')
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0))
        .collect();
    match nums[..] {
        [Some(w), Some(h)] => Ok([w, h]),
        _ => Err(CliError::Usage(format!(
            "--cell-mm {:?}: expected the cell's width and height in mm, two positive numbers, e.g. 2.1,4.2",
            crate::text::sanitize(text)
        ))),
    }
}

/// Prints the ruler and reads its measured length from standard input.
fn measure_interactively(current: &DisplayConfig) -> Result<Screen, CliError> {
    let screen = Screen::from_sources(current, Screen::ask_terminal());
    let halves = scale::ruler_halves(&screen);
    let drawn = scale::ruler_drawn_mm(&screen);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "cell {:.3} x {:.3} mm{}; this bar should be {} mm long (drawn {drawn:.1} mm):",
        screen.cell_mm[0],
        screen.cell_mm[1],
        if screen.approximate {
            " (approximate: the terminal did not report its pixels)"
        } else {
            ""
        },
        scale::RULER_MM
    )?;
    writeln!(out, "{}", ruler::bar(halves))?;
    write!(out, "measured length in mm: ")?;
    out.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let mm = scale::parse_measured(&line).ok_or_else(|| {
        CliError::Usage(format!(
            "not a length: {:?}; expected the bar's measured length in mm, e.g. 48.5",
            crate::text::sanitize(line.trim())
        ))
    })?;
    screen.corrected(drawn, mm).ok_or_else(|| {
        CliError::Usage("the measured length must be a positive number of mm".into())
    })
}
