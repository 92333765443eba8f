//! Writers of the exported table: CSV, TSV and JSON Lines here, Parquet in `parquet`. Every
//! writer goes to a temporary file beside the target that is renamed over it only when the
//! whole table is written, so a failed run never leaves half a table under the target name.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::rows::{RecInfo, Row};
use super::{ExportError, OutFormat, COLUMNS};
use crate::annotations::atomic::AtomicFile;

/// A table being written under a temporary name in the target's directory (through the one
/// atomic writer, `annotations::atomic`, which also gives it the mode and group of the file it
/// replaces); dropping it (on any error) removes the temporary file.
pub struct Pending {
    file: AtomicFile,
}

impl Pending {
    /// The temporary file to write, and the handle that renames it into place.
    pub fn create(target: &Path) -> Result<(File, Pending), ExportError> {
        // A killed export left its temporary files here: remove them (Store::open does the same
        // for the annotation directory; plain saves do not rescan it).
        crate::annotations::tmpfiles::remove_stale_near(target);
        let file = AtomicFile::create(target).map_err(|e| ExportError::io(target, e))?;
        let writer = file
            .file()
            .try_clone()
            .map_err(|e| ExportError::io(target, e))?;
        Ok((writer, Pending { file }))
    }

    pub fn target(&self) -> &Path {
        self.file.target()
    }

    /// Flushes to disk and renames over the target (call after the writer is flushed).
    pub fn commit(self) -> Result<(), ExportError> {
        let target = self.target().to_path_buf();
        self.file.commit().map_err(|e| ExportError::io(&target, e))
    }
}

/// Where rows go, in order.
pub trait Sink {
    fn write_row(&mut self, row: &Row) -> Result<(), ExportError>;
    /// Writes rows already encoded by `encode` (text layouts only).
    fn write_encoded(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        let _ = bytes;
        Err(ExportError::Usage(
            "this layout takes rows, not encoded text".into(),
        ))
    }
    /// Writes everything out and renames the table into place.
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// Opens the writer for `format` at `target`.
pub fn open(format: OutFormat, target: &Path) -> Result<Box<dyn Sink>, ExportError> {
    match format {
        OutFormat::Csv | OutFormat::Tsv | OutFormat::Jsonl => {
            Ok(Box::new(TextSink::create(format, target)?))
        }
        OutFormat::Parquet => Ok(Box::new(super::parquet::ParquetSink::create(target)?)),
        other => Err(ExportError::Usage(format!(
            "{other:?} is not a single-table format"
        ))),
    }
}

/// The csv crate's writer for the CSV and TSV layouts. TSV fields are escaped like the events
/// tables (`\t`, `\n`, `\r`, `\\`), so each row is one line and no quoting is needed.
pub fn csv_writer<W: Write>(format: OutFormat, w: W) -> csv::Writer<W> {
    let mut b = csv::WriterBuilder::new();
    if format == OutFormat::Tsv {
        b.delimiter(b'\t').quote_style(csv::QuoteStyle::Never);
    }
    b.from_writer(w)
}

/// The reader matching `csv_writer`.
pub fn csv_reader<R: std::io::Read>(format: OutFormat, r: R) -> csv::Reader<R> {
    let mut b = csv::ReaderBuilder::new();
    if format == OutFormat::Tsv {
        b.delimiter(b'\t').quoting(false);
    }
    b.has_headers(false).from_reader(r)
}

/// CSV, TSV or JSON Lines: the header here, the rows encoded by `encode` (in the workers, in
/// parallel) and written as bytes in table order.
pub struct TextSink {
    format: OutFormat,
    out: BufWriter<File>,
    pending: Pending,
}

impl TextSink {
    pub fn create(format: OutFormat, target: &Path) -> Result<TextSink, ExportError> {
        let (file, pending) = Pending::create(target)?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        if format != OutFormat::Jsonl {
            let mut w = csv_writer(format, Vec::new());
            w.write_record(COLUMNS)
                .map_err(|e| ExportError::io(target, e.into()))?;
            let header = w
                .into_inner()
                .map_err(|e| ExportError::io(target, e.into_error()))?;
            out.write_all(&header)
                .map_err(|e| ExportError::io(target, e))?;
        }
        Ok(TextSink {
            format,
            out,
            pending,
        })
    }
}

/// A row as JSON: numbers stay numbers, unknown values are `null`.
#[derive(Serialize)]
struct JsonRow<'a> {
    recording: &'a str,
    recording_sha256: &'a str,
    reader: &'a str,
    label: &'a str,
    code: Option<&'a str>,
    onset_s: f64,
    duration_s: Option<f64>,
    onset_time: Option<String>,
    channel: &'a str,
    certainty: &'a str,
    note: &'a str,
    source: &'a str,
    created: &'a str,
    modified: &'a str,
    format: &'a str,
    recording_duration_s: f64,
    start_time: Option<&'a str>,
}

/// The text of `rows` (no header) in a text layout; `None` for Parquet and the other layouts.
pub fn encode(format: OutFormat, rows: &[Row]) -> Option<std::io::Result<Vec<u8>>> {
    match format {
        OutFormat::Csv | OutFormat::Tsv => Some(encode_csv(format, rows)),
        OutFormat::Jsonl => Some(encode_jsonl(rows)),
        _ => None,
    }
}

/// `start_time` of a recording, formatted once per run of rows of that recording.
struct StartCache(Option<(Arc<RecInfo>, String)>);

impl StartCache {
    fn get(&mut self, rec: &Arc<RecInfo>) -> Option<&str> {
        let start = rec.start?;
        if !matches!(&self.0, Some((r, _)) if Arc::ptr_eq(r, rec)) {
            self.0 = Some((rec.clone(), start.to_string()));
        }
        self.0.as_ref().map(|(_, s)| s.as_str())
    }
}

fn encode_jsonl(rows: &[Row]) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(rows.len() * 400);
    let mut cache = StartCache(None);
    for row in rows {
        let j = JsonRow {
            recording: &row.rec.recording,
            recording_sha256: &row.rec.sha256,
            reader: &row.reader,
            label: &row.label,
            code: Some(row.code.as_str()).filter(|c| !c.is_empty()),
            onset_s: row.onset_s,
            duration_s: row.duration_s,
            onset_time: row.rec.start.map(|t| t.iso_after(row.onset_s)),
            channel: &row.channel,
            certainty: &row.certainty,
            note: &row.note,
            source: &row.source,
            created: &row.created,
            modified: &row.modified,
            format: &row.rec.format,
            recording_duration_s: row.rec.duration_s,
            start_time: cache.get(&row.rec),
        };
        crate::text::write_json_line(&mut buf, &j)?;
        buf.push(b'\n');
    }
    Ok(buf)
}

fn encode_csv(format: OutFormat, rows: &[Row]) -> std::io::Result<Vec<u8>> {
    let mut w = csv_writer(format, Vec::with_capacity(rows.len() * 250));
    let tsv = format == OutFormat::Tsv;
    let text = |s: &str| if tsv { escape(s) } else { s.to_string() };
    let mut cache = StartCache(None);
    for row in rows {
        let fields: [String; 17] = [
            text(&row.rec.recording),
            row.rec.sha256.clone(),
            text(&row.reader),
            text(&row.label),
            text(&row.code),
            row.onset_s.to_string(),
            row.duration_s.map_or_else(String::new, |d| d.to_string()),
            row.rec
                .start
                .map_or_else(String::new, |t| t.iso_after(row.onset_s)),
            text(&row.channel),
            text(&row.certainty),
            text(&row.note),
            text(&row.source),
            text(&row.created),
            text(&row.modified),
            text(&row.rec.format),
            row.rec.duration_s.to_string(),
            cache.get(&row.rec).unwrap_or_default().to_string(),
        ];
        w.write_record(&fields)?;
    }
    w.into_inner().map_err(|e| e.into_error())
}

impl Sink for TextSink {
    fn write_row(&mut self, row: &Row) -> Result<(), ExportError> {
        let target = self.pending.target().to_path_buf();
        let bytes = encode(self.format, std::slice::from_ref(row))
            .unwrap_or_else(|| Ok(Vec::new()))
            .map_err(|e| ExportError::io(&target, e))?;
        self.write_encoded(&bytes)
    }

    fn write_encoded(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.out
            .write_all(bytes)
            .map_err(|e| ExportError::io(self.pending.target(), e))
    }

    fn finish(self: Box<Self>) -> Result<(), ExportError> {
        let TextSink {
            mut out, pending, ..
        } = *self;
        out.flush()
            .map_err(|e| ExportError::io(pending.target(), e))?;
        drop(out);
        pending.commit()
    }
}

/// TSV cells are escaped as the events tables escape them (the one codec), so a row is one line.
pub use crate::annotations::table::escape;
