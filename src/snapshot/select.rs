//! Which lanes a strip from the command line draws: a montage by name (the viewer's catalogue,
//! the user's montages included), then `--channel` picks among its derivations.

use super::SnapshotError;
use crate::dsp::{Derivation, Montage};
use crate::signal::Recording;
use crate::text::sanitize;

/// The derivations of `montage` (default: as recorded) named by `channels` (label or 0-based
/// index; all when empty), with the montage's name.
pub fn derivations(
    rec: &Recording,
    montage: Option<&str>,
    channels: &[String],
) -> Result<(Vec<Derivation>, String), SnapshotError> {
    let (all, name) = match montage {
        Some(m) => {
            let found = find_montage(m)?;
            (found.resolve(rec)?, found.name)
        }
        None => (Derivation::as_recorded(rec), Montage::as_recorded().name),
    };
    if channels.is_empty() {
        return Ok((all, name));
    }
    let picked = channels
        .iter()
        .map(|c| pick(&all, c).cloned())
        .collect::<Result<Vec<_>, _>>()?;
    Ok((picked, name))
}

fn pick<'a>(all: &'a [Derivation], wanted: &str) -> Result<&'a Derivation, SnapshotError> {
    let w = wanted.trim();
    all.iter()
        .find(|d| d.label.trim() == w)
        .or_else(|| all.iter().find(|d| d.label.trim().eq_ignore_ascii_case(w)))
        .or_else(|| w.parse::<usize>().ok().and_then(|i| all.get(i)))
        .ok_or_else(|| {
            let labels: Vec<String> = all.iter().map(|d| sanitize(d.label.trim())).collect();
            SnapshotError::value(
                "--channel",
                sanitize(wanted),
                &format!(
                    "a channel label or 0-based index (0 to {}); channels are: {}",
                    all.len().saturating_sub(1),
                    labels.join(", ")
                ),
            )
        })
}

fn find_montage(name: &str) -> Result<Montage, SnapshotError> {
    let dir = crate::annotations::config::montage_dir();
    let list = crate::dsp::montage::catalogue(dir.as_deref())?;
    let want = name.to_ascii_lowercase();
    let stem = |m: &Montage| {
        m.path
            .file_stem()
            .map(|s| s.to_string_lossy().to_ascii_lowercase())
    };
    if let Some(m) = list
        .iter()
        .find(|m| m.name.to_ascii_lowercase() == want || stem(m).as_deref() == Some(&want))
    {
        return Ok(m.clone());
    }
    let names: Vec<String> = list
        .iter()
        .map(|m| stem(m).unwrap_or_else(|| sanitize(&m.name)))
        .collect();
    Err(SnapshotError::value(
        "--montage",
        sanitize(name),
        &format!("a montage name or file stem: {}", names.join(", ")),
    ))
}
