//! The table as Parquet (arrow-rs), with these Arrow types:
//!
//! | column | type |
//! | --- | --- |
//! | recording, recording_sha256, reader, label, channel, certainty, note, source, format | Utf8, not null |
//! | code | Utf8, null when the label has no code |
//! | onset_s, recording_duration_s | Float64 (seconds), not null |
//! | duration_s | Float64 (seconds), null for embedded annotations without a duration |
//! | onset_time, start_time | Timestamp(ns) without time zone: the recording's clock, which EDF gives without a zone; null when the start is unknown |
//! | created, modified | Timestamp(ns, "UTC"): the tables store RFC 3339 with an offset; null when empty or not parseable |
//!
//! Rows are written in batches of `BATCH_ROWS`, and row groups hold `BATCH_ROWS` rows, so the
//! writer buffers at most one row group; Snappy compression.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Float64Builder, StringBuilder, TimestampNanosecondBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use super::rows::Row;
use super::sink::{Pending, Sink};
use super::ExportError;
use crate::signal::StartTime;

/// Rows per record batch and per row group.
pub const BATCH_ROWS: usize = 128 * 1024;

/// The Arrow schema of the exported table (see the module documentation).
pub fn schema() -> SchemaRef {
    let text = |n: &str| Field::new(n, DataType::Utf8, false);
    let clock = |n: &str| Field::new(n, DataType::Timestamp(TimeUnit::Nanosecond, None), true);
    let utc = |n: &str| {
        Field::new(
            n,
            DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into())),
            true,
        )
    };
    Arc::new(Schema::new(vec![
        text("recording"),
        text("recording_sha256"),
        text("reader"),
        text("label"),
        Field::new("code", DataType::Utf8, true),
        Field::new("onset_s", DataType::Float64, false),
        Field::new("duration_s", DataType::Float64, true),
        clock("onset_time"),
        text("channel"),
        text("certainty"),
        text("note"),
        text("source"),
        utc("created"),
        utc("modified"),
        text("format"),
        Field::new("recording_duration_s", DataType::Float64, false),
        clock("start_time"),
    ]))
}

/// The writer properties every export and merge uses (the same ones, so that a merge writes
/// what a single run writes).
pub fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(BATCH_ROWS))
        .set_created_by(format!("sigmark {}", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Opens an Arrow writer on a temporary file beside `target`.
pub fn writer(target: &Path) -> Result<(ArrowWriter<File>, Pending), ExportError> {
    let (file, pending) = Pending::create(target)?;
    let w =
        ArrowWriter::try_new(file, schema(), Some(properties())).map_err(|e| fail(target, e))?;
    Ok((w, pending))
}

pub fn fail(path: &Path, e: impl std::fmt::Display) -> ExportError {
    ExportError::Parquet {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

/// Column builders for one batch.
struct Builders {
    text: Vec<StringBuilder>,
    code: StringBuilder,
    floats: [Float64Builder; 3],
    times: [TimestampNanosecondBuilder; 4],
}

impl Builders {
    fn new() -> Builders {
        Builders {
            text: (0..9).map(|_| StringBuilder::new()).collect(),
            code: StringBuilder::new(),
            floats: std::array::from_fn(|_| Float64Builder::new()),
            times: std::array::from_fn(|_| TimestampNanosecondBuilder::new()),
        }
    }

    fn push(&mut self, r: &Row) {
        let texts = [
            &r.rec.recording,
            &r.rec.sha256,
            &r.reader,
            &r.label,
            &r.channel,
            &r.certainty,
            &r.note,
            &r.source,
            &r.rec.format,
        ];
        for (b, v) in self.text.iter_mut().zip(texts) {
            b.append_value(v);
        }
        self.code
            .append_option(Some(r.code.as_str()).filter(|c| !c.is_empty()));
        self.floats[0].append_value(r.onset_s);
        self.floats[1].append_option(r.duration_s);
        self.floats[2].append_value(r.rec.duration_s);
        let start = r.rec.start;
        self.times[0].append_option(start.and_then(|s| clock_ns(&s, r.onset_s)));
        self.times[1].append_option(utc_ns(&r.created));
        self.times[2].append_option(utc_ns(&r.modified));
        self.times[3].append_option(start.and_then(|s| clock_ns(&s, 0.0)));
    }

    fn finish(&mut self) -> Result<RecordBatch, arrow_schema::ArrowError> {
        let mut t = self
            .text
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef);
        let mut next = || {
            t.next()
                .ok_or_else(|| arrow_schema::ArrowError::SchemaError("columns".into()))
        };
        let (recording, sha, reader, label) = (next()?, next()?, next()?, next()?);
        let (channel, certainty, note, source, format) =
            (next()?, next()?, next()?, next()?, next()?);
        let [onset, duration, rec_dur] = self
            .floats
            .each_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef);
        let [onset_time, created, modified, start_time] = self.times.each_mut().map(|b| b.finish());
        let columns: Vec<ArrayRef> = vec![
            recording,
            sha,
            reader,
            label,
            Arc::new(self.code.finish()),
            onset,
            duration,
            Arc::new(onset_time),
            channel,
            certainty,
            note,
            source,
            Arc::new(created.with_timezone("UTC")),
            Arc::new(modified.with_timezone("UTC")),
            format,
            rec_dur,
            Arc::new(start_time),
        ];
        RecordBatch::try_new(schema(), columns)
    }
}

/// Clock time `offset_s` after the start, in ns since 1970 on the recording's own clock,
/// rounded to 100 ns as `StartTime::iso_after` rounds it; `None` outside 1677..2262.
pub fn clock_ns(start: &StartTime, offset_s: f64) -> Option<i64> {
    let base = start.datetime.and_utc().timestamp_nanos_opt()?;
    let off = (offset_s * 1e7).round();
    if !off.is_finite() || off.abs() > 9.0e17 {
        return None;
    }
    let total_100ns = i64::from(start.subsecond_100ns).checked_add(off as i64)?;
    base.checked_add(total_100ns.checked_mul(100)?)
}

/// An RFC 3339 time in ns since 1970 UTC.
pub fn utc_ns(text: &str) -> Option<i64> {
    if text.is_empty() {
        return None;
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()?
        .timestamp_nanos_opt()
}

/// Rows to Parquet, one batch at a time.
pub struct ParquetSink {
    writer: ArrowWriter<File>,
    pending: Pending,
    builders: Builders,
    rows: usize,
}

impl ParquetSink {
    pub fn create(target: &Path) -> Result<ParquetSink, ExportError> {
        let (writer, pending) = writer(target)?;
        Ok(ParquetSink {
            writer,
            pending,
            builders: Builders::new(),
            rows: 0,
        })
    }

    fn flush(&mut self) -> Result<(), ExportError> {
        let target = self.pending.target().to_path_buf();
        let batch = self.builders.finish().map_err(|e| fail(&target, e))?;
        self.rows = 0;
        self.writer.write(&batch).map_err(|e| fail(&target, e))
    }
}

impl Sink for ParquetSink {
    fn write_row(&mut self, row: &Row) -> Result<(), ExportError> {
        self.builders.push(row);
        self.rows += 1;
        if self.rows == BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        if self.rows > 0 {
            self.flush()?;
        }
        let target = self.pending.target().to_path_buf();
        self.writer.close().map_err(|e| fail(&target, e))?;
        self.pending.commit()
    }
}
