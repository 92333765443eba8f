//! A WFDB record's annotation files (`NAME.ANNOTATOR`, MIT format) copied under the new
//! record name, their AUX texts (notes, comments) scrubbed. A file in which nothing changes is
//! copied byte for byte; otherwise it is re-encoded through `formats::mit` and read back to
//! check that every annotation kept its sample, code, subtype, channel and number.

use std::path::{Path, PathBuf};

use super::out;
use crate::deid::scrub::Scrubber;
use crate::deid::DeidError;
use crate::formats::mit;

/// Files beside a header that are never annotation files.
const NOT_ANNOTATORS: [&str; 6] = ["hea", "dat", "mat", "xyz", "json", "edf"];

/// Annotation files larger than this are not read (a 24 h Holter's are a few MB).
const MAX_BYTES: u64 = 1 << 28;

/// The annotation files of the record `stem` in `dir`: `stem.EXT` that are not the header or a
/// signal file and read as MIT annotation files, with their annotator names, sorted.
pub fn find(dir: &Path, stem: &str, signal_files: &[String]) -> Vec<(PathBuf, String)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(PathBuf, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let ext = name.strip_prefix(stem)?.strip_prefix('.')?.to_string();
            let plain =
                !ext.is_empty() && !ext.contains('.') && !NOT_ANNOTATORS.contains(&ext.as_str());
            let small = e.metadata().ok()?.len() <= MAX_BYTES;
            let data = signal_files.contains(&name);
            (plain && small && !data && mit::read_file(e.path()).is_ok()).then(|| (e.path(), ext))
        })
        .collect();
    found.sort();
    found
}

/// What copying one annotation file did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Copied {
    /// AUX texts that changed.
    pub texts: usize,
    /// Replacements made in them.
    pub replaced: usize,
}

/// Copies the annotation file `src` to `dst` (nothing is written when `dry_run`).
pub fn copy(
    src: &Path,
    dst: &Path,
    scrubber: &Scrubber,
    dry_run: bool,
) -> Result<Copied, DeidError> {
    let bytes = std::fs::read(src).map_err(|e| DeidError::io(src, e))?;
    let mut file = mit::parse(src, &bytes).map_err(|e| DeidError::invalid(src, e.to_string()))?;
    let mut copied = Copied::default();
    for e in &mut file.entries {
        let Some(aux) = e.aux.as_deref() else {
            continue;
        };
        let end = aux.iter().rposition(|&b| b != 0).map_or(0, |k| k + 1);
        let text: String = aux[..end].iter().map(|&b| char::from(b)).collect();
        let s = scrubber.scrub(&text);
        if s.replaced == 0 {
            continue;
        }
        let mut new: Vec<u8> = s
            .text
            .chars()
            .map(|c| u8::try_from(c).unwrap_or(b'?'))
            .collect();
        new.extend_from_slice(&aux[end..]);
        new.truncate(255);
        e.aux = Some(new);
        copied.texts += 1;
        copied.replaced += s.replaced;
    }
    if dry_run {
        return Ok(copied);
    }
    out::refuse_overwrite(src, dst)?;
    if copied.texts == 0 {
        out::copy_file(src, dst)?;
        return Ok(copied);
    }
    let encoded = mit::encode(&file.entries);
    same_annotations(src, &file, &encoded)?;
    out::write_bytes(dst, &encoded)?;
    Ok(copied)
}

/// The re-encoded file must read back with every annotation where it was.
fn same_annotations(
    src: &Path,
    file: &mit::AnnotationFile,
    encoded: &[u8],
) -> Result<(), DeidError> {
    let back = mit::parse(src, encoded).map_err(|e| DeidError::invalid(src, e.to_string()))?;
    let key = |e: &mit::Entry| (e.sample, e.code, e.subtype, e.chan, e.num);
    let a: Vec<_> = file.entries.iter().map(key).collect();
    let b: Vec<_> = back.entries.iter().map(key).collect();
    if a != b {
        return Err(DeidError::invalid(
            src,
            format!(
                "re-encoding the scrubbed annotations changed them ({} entries, {} read back)",
                a.len(),
                b.len()
            ),
        ));
    }
    Ok(())
}
