//! De-identifying a WFDB record (`NAME.hea`, its signal files, segment headers and annotation
//! files): the record renamed `new_name` everywhere (record line, signal file names, segment
//! names), the base date shifted (or dropped when no shift is wanted), header comments
//! scrubbed (ages of 90 and over grouped as `90+`, then the [`Scrubber`]); signal files copied
//! byte for byte (FLAC included), so the header's checksums stay valid; annotation files
//! copied with their AUX texts scrubbed.
//!
//! Only the header's text changes: every other byte of every line is kept (spacing, line
//! endings, signal descriptions). `Outcome.sha256` is the SHA-256 of the `.hea` copy, the
//! file that names the record. A WFDB header has no structured identifiers (no name, no
//! code), so `Outcome.ids` is empty.

#[path = "wfdb_annots.rs"]
mod annots;
#[path = "wfdb_out.rs"]
pub(crate) mod out;
#[path = "wfdb_text.rs"]
mod text;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::scrub::Scrubber;
use super::{DeidError, FileReport, Identifiers, Outcome, Plan};
use crate::formats::wfdb::header::{self, Header};

/// Headers larger than this are refused (the largest PhysioNet layouts are a few KB).
const MAX_HEADER_BYTES: u64 = 1 << 20;

/// De-identifies the record whose header is `src` into `out_dir` as `new_name`.
pub fn deid_wfdb(
    src: &Path,
    out_dir: &Path,
    new_name: &str,
    plan: &Plan,
) -> Result<Outcome, DeidError> {
    check_name(src, new_name)?;
    if !plan.dry_run {
        std::fs::create_dir_all(out_dir).map_err(|e| DeidError::io(out_dir, e))?;
    }
    let ids = comment_ids(src)?;
    let mut job = Job {
        plan,
        out_dir,
        scrubber: Scrubber::new(ids.clone(), plan.shift),
        report: FileReport {
            source: src.to_path_buf(),
            output: out_dir.join(format!("{new_name}.hea")),
            ..FileReport::default()
        },
    };
    let sha256 = job.record(src, new_name, false)?;
    Ok(Outcome {
        report: job.report,
        ids,
        sha256,
    })
}

/// The identifiers a header's comments state (`# Name: Jane Doe`), so they are scrubbed
/// wherever else they occur (other comments, annotation notes).
fn comment_ids(hea: &Path) -> Result<Identifiers, DeidError> {
    let (text, _) = read_header(hea)?;
    let h = header::parse(hea, &text).map_err(|e| DeidError::invalid(hea, e.to_string()))?;
    let mut ids = Identifiers::default();
    for c in &h.comments {
        if let Some((s, e)) = text::identifying_value(c) {
            ids.add_name(&c[s..e]);
        }
    }
    Ok(ids)
}

fn check_name(src: &Path, name: &str) -> Result<(), DeidError> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        return Ok(());
    }
    Err(DeidError::invalid(
        src,
        format!("new record name {name:?}: expected letters, digits, '_' or '-'"),
    ))
}

struct Job<'a> {
    plan: &'a Plan,
    out_dir: &'a Path,
    scrubber: Scrubber,
    report: FileReport,
}

/// A header's new text and the files it names, old name to new name.
struct Rewritten {
    text: String,
    files: BTreeMap<String, String>,
    segments: BTreeMap<String, String>,
}

impl Job<'_> {
    /// One header (a segment header when `segment`) and everything it names; returns the
    /// SHA-256 of the header copy (`None` on a dry run).
    fn record(
        &mut self,
        hea: &Path,
        new_name: &str,
        segment: bool,
    ) -> Result<Option<String>, DeidError> {
        let (text, latin1) = read_header(hea)?;
        let h = header::parse(hea, &text).map_err(|e| DeidError::invalid(hea, e.to_string()))?;
        if segment && h.n_seg.is_some() {
            return Err(DeidError::invalid(
                hea,
                "a segment header is itself multi-segment; expected single-segment records",
            ));
        }
        let rw = self.rewrite(hea, &text, &h, new_name)?;
        let out = self.out_dir.join(format!("{new_name}.hea"));
        let bytes = if latin1 {
            rw.text
                .chars()
                .map(|c| u8::try_from(c).unwrap_or(b'?'))
                .collect()
        } else {
            rw.text.clone().into_bytes()
        };
        let sha = if self.plan.dry_run {
            None
        } else {
            out::refuse_overwrite(hea, &out)?;
            Some(out::write_bytes(&out, &bytes)?)
        };
        let dir = header::dir_of(hea);
        self.signal_files(&dir, &rw.files)?;
        for (old, new) in &rw.segments {
            let seg = dir.join(format!("{old}.hea"));
            if seg.is_file() {
                self.record(&seg, new, true)?;
            } else {
                self.report.changes.push(format!(
                    "segment header {old}.hea is missing beside {}; not copied",
                    hea.display()
                ));
            }
        }
        let names: Vec<String> = rw.files.keys().cloned().collect();
        self.annotations(&dir, &h.record_name, new_name, &names)?;
        Ok(sha)
    }

    /// The header text with the record renamed, the base date moved, the comments scrubbed.
    fn rewrite(
        &mut self,
        hea: &Path,
        text: &str,
        h: &Header,
        new_name: &str,
    ) -> Result<Rewritten, DeidError> {
        let signal_lines: Vec<usize> = h.signals.iter().map(|s| s.line).collect();
        let segment_lines: Vec<usize> = h.segments.iter().map(|s| s.line).collect();
        let mut rw = Rewritten {
            text: String::with_capacity(text.len()),
            files: BTreeMap::new(),
            segments: BTreeMap::new(),
        };
        let mut seen_record = false;
        for (i, raw) in text.split_inclusive('\n').enumerate() {
            let n = i + 1;
            let body = raw.trim_end_matches(['\n', '\r']);
            let ending = &raw[body.len()..];
            let trimmed = body.trim_start();
            let line = if let Some(at) = trimmed
                .strip_prefix('#')
                .map(|_| body.len() - trimmed.len())
            {
                self.comment(hea, n, body, at)
            } else if trimmed.is_empty() {
                body.to_string()
            } else if !seen_record {
                seen_record = true;
                self.record_line(hea, body, h, new_name)?
            } else if signal_lines.contains(&n) {
                let k = rw.files.len();
                rename_token(body, &h.record_name, new_name, k, &mut rw.files)
            } else if segment_lines.contains(&n) {
                let k = rw.segments.len() + 1;
                rename_token(body, &h.record_name, new_name, k, &mut rw.segments)
            } else {
                self.comment(hea, n, body, 0)
            };
            rw.text.push_str(&line);
            rw.text.push_str(ending);
        }
        let renamed = rw.files.len() + rw.segments.len();
        if renamed > 0 {
            self.report.changes.push(format!(
                "{}: {renamed} signal/segment file names renamed after the record",
                hea.display()
            ));
        }
        Ok(rw)
    }

    /// The record line: name (and segment count) and base date.
    fn record_line(
        &mut self,
        hea: &Path,
        line: &str,
        h: &Header,
        new_name: &str,
    ) -> Result<String, DeidError> {
        let name = match h.n_seg {
            Some(n) => format!("{new_name}/{n}"),
            None => new_name.to_string(),
        };
        let mut line = text::replace_token(line, 0, Some(&name));
        self.report.fields_cleared += 1;
        self.report
            .changes
            .push(format!("{}: record name replaced", hea.display()));
        let Some((y, m, d)) = h.base_date else {
            return Ok(line);
        };
        let what = match self.plan.shift {
            Some(shift) => {
                let moved = NaiveDate::from_ymd_opt(y, m, d)
                    .and_then(|date| shift.date(date))
                    .ok_or_else(|| {
                        DeidError::invalid(
                            hea,
                            format!("record line: base date {d:02}/{m:02}/{y} cannot be shifted by {} days", shift.days),
                        )
                    })?;
                line = text::replace_token(&line, 5, Some(&moved.format("%d/%m/%Y").to_string()));
                format!("base date shifted by {} days", shift.days)
            }
            None => {
                line = text::replace_token(&line, 5, None);
                "base date removed".to_string()
            }
        };
        self.report.fields_cleared += 1;
        self.report
            .changes
            .push(format!("{}: {what}", hea.display()));
        Ok(line)
    }

    /// A comment line (`#` at byte `at`), or any other free text line when `at` is 0 and the
    /// line has no `#`.
    fn comment(&mut self, hea: &Path, n: usize, line: &str, at: usize) -> String {
        let (head, body) = if line[at..].starts_with('#') {
            line.split_at(at + 1)
        } else {
            line.split_at(0)
        };
        let (body, cleared) = match text::identifying_value(body) {
            Some((s, e)) => (format!("{}X{}", &body[..s], &body[e..]), 1),
            None => (body.to_string(), 0),
        };
        let edit = text::scrub_comment(&body, &self.scrubber);
        if cleared + edit.ages_grouped + edit.replaced == 0 {
            return line.to_string();
        }
        self.report.fields_cleared += cleared + edit.ages_grouped;
        self.report.texts_replaced += edit.replaced;
        self.report.changes.push(format!(
            "{} line {n}: {cleared} fields cleared, {} ages grouped as 90+, {} texts replaced",
            hea.display(),
            edit.ages_grouped,
            edit.replaced
        ));
        format!("{head}{}", edit.text)
    }

    fn signal_files(
        &mut self,
        dir: &Path,
        files: &BTreeMap<String, String>,
    ) -> Result<(), DeidError> {
        for (old, new) in files {
            let src = dir.join(old);
            if !src.is_file() {
                self.report.changes.push(format!(
                    "signal file {} is missing; not copied",
                    src.display()
                ));
                continue;
            }
            if !self.plan.dry_run {
                let dst = self.out_dir.join(new);
                out::refuse_overwrite(&src, &dst)?;
                out::copy_file(&src, &dst)?;
            }
        }
        Ok(())
    }

    fn annotations(
        &mut self,
        dir: &Path,
        old: &str,
        new: &str,
        signal_files: &[String],
    ) -> Result<(), DeidError> {
        for (path, annotator) in annots::find(dir, old, signal_files) {
            let dst = self.out_dir.join(format!("{new}.{annotator}"));
            let c = annots::copy(&path, &dst, &self.scrubber, self.plan.dry_run)?;
            self.report.texts_replaced += c.replaced;
            self.report.changes.push(format!(
                "annotator {annotator}: copied, {} AUX texts scrubbed ({} replacements)",
                c.texts, c.replaced
            ));
        }
        Ok(())
    }
}

/// Token 0 of a signal or segment line renamed through `map` (a new name on first sight).
fn rename_token(
    line: &str,
    old_record: &str,
    new_record: &str,
    k: usize,
    map: &mut BTreeMap<String, String>,
) -> String {
    let spans = text::token_spans(line);
    let Some(&(s, e)) = spans.first() else {
        return line.to_string();
    };
    let old = &line[s..e];
    if old == "~" {
        return line.to_string();
    }
    let new = map
        .entry(old.to_string())
        .or_insert_with(|| new_file_name(old, old_record, new_record, k))
        .clone();
    text::replace_token(line, 0, Some(&new))
}

/// `100.dat` of record `100` renamed `study7.dat`; a name that does not start with the record
/// name (or has a directory part) becomes `study7_K` with its extension.
fn new_file_name(old: &str, old_record: &str, new_record: &str, k: usize) -> String {
    let plain = !old.contains(['/', '\\']);
    if let Some(rest) = old.strip_prefix(old_record).filter(|_| plain) {
        if rest.is_empty() || rest.starts_with(['.', '_', '-']) {
            return format!("{new_record}{rest}");
        }
    }
    let base = Path::new(old)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = base.rfind('.').map_or("", |i| &base[i..]);
    format!("{new_record}_{k}{ext}")
}

/// The header's text; a header that is not UTF-8 is read as Latin-1 (and written so).
fn read_header(hea: &Path) -> Result<(String, bool), DeidError> {
    let len = std::fs::metadata(hea)
        .map_err(|e| DeidError::io(hea, e))?
        .len();
    if len > MAX_HEADER_BYTES {
        return Err(DeidError::invalid(
            hea,
            format!("{len} bytes; expected a WFDB header of at most {MAX_HEADER_BYTES}"),
        ));
    }
    let bytes = std::fs::read(hea).map_err(|e| DeidError::io(hea, e))?;
    Ok(match String::from_utf8(bytes) {
        Ok(t) => (t, false),
        Err(e) => (
            e.into_bytes().iter().map(|&b| char::from(b)).collect(),
            true,
        ),
    })
}
