//! `--merge` of Parquet shards. A shard is hostile input: its footer is decoded and checked
//! against the export's schema before any page is, and every decode (footer, Arrow schema,
//! pages) runs under `contain`, so a decoder that panics on corrupt bytes becomes an error
//! naming the shard.

use std::cell::{Cell, RefCell};
use std::fs::File;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;

use arrow_array::{Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReader,
    ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ArrowWriter;

use super::{run_merge, Cursor};
use crate::export::parquet::{fail, schema, writer, BATCH_ROWS};
use crate::export::ExportError;

/// Merges Parquet shards into `out`. Every shard is opened and checked before the output's
/// temporary file is made; a failure later removes it, so no partial table is left.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<(), ExportError> {
    let readers = shards
        .iter()
        .map(|s| open(s))
        .collect::<Result<Vec<_>, _>>()?;
    let (writer, pending) = writer(out)?;
    let writer = RefCell::new(writer);
    let mut cursors: Vec<Box<dyn Cursor + '_>> = Vec::new();
    for (s, rd) in shards.iter().zip(readers) {
        let mut c = ParquetCursor {
            path: s.clone(),
            out: out.to_path_buf(),
            rd,
            batch: None,
            row: 0,
            writer: &writer,
        };
        c.next_batch()?;
        cursors.push(Box::new(c));
    }
    run_merge(shards, &mut cursors)?;
    drop(cursors);
    writer.into_inner().close().map_err(|e| fail(out, e))?;
    pending.commit()
}

/// A reader over one shard, once its footer (with the Arrow schema the export stores in it)
/// decodes and its columns are the export's; no page is decoded yet.
fn open(path: &Path) -> Result<ParquetRecordBatchReader, ExportError> {
    let f = File::open(path).map_err(|e| ExportError::io(path, e))?;
    let meta = contain(path, || {
        ArrowReaderMetadata::load(&f, ArrowReaderOptions::new())
    })?
    .map_err(|e| fail(path, format!("not a readable Parquet table: {e}")))?;
    if meta.schema() != &schema() {
        return Err(fail(
            path,
            "its columns are not those of a `sigmark export` table",
        ));
    }
    contain(path, || {
        ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta)
            .with_batch_size(BATCH_ROWS)
            .build()
    })?
    .map_err(|e| fail(path, e))
}

thread_local! {
    /// Whether a panic on this thread is being contained (and so must not be printed).
    static CONTAINING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `decode` (the parquet crate decoding one shard), turning a panic into an error naming
/// the shard. This is the one place sigmark catches a panic: the parquet and arrow-ipc
/// decoders panic on some corrupt input instead of returning an error, the decode touches
/// only the reader's own state (dropped with the error), and the alternative is a crash with
/// a backtrace for a bad file. The message reaches the user inside the error, not through the
/// panic hook: a hook installed once stays silent for panics on a thread inside `contain`
/// and hands every other panic to the hook that was there before.
fn contain<T>(shard: &Path, decode: impl FnOnce() -> T) -> Result<T, ExportError> {
    static QUIET_HOOK: Once = Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINING.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = CONTAINING.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(decode));
    CONTAINING.with(|c| c.set(was));
    result.map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no detail".into());
        fail(
            shard,
            format!("corrupt Parquet: the decoder gave up ({why})"),
        )
    })
}

struct ParquetCursor<'w> {
    path: PathBuf,
    out: PathBuf,
    rd: ParquetRecordBatchReader,
    batch: Option<(RecordBatch, StringArray)>,
    row: usize,
    writer: &'w RefCell<ArrowWriter<File>>,
}

impl ParquetCursor<'_> {
    fn next_batch(&mut self) -> Result<(), ExportError> {
        self.row = 0;
        self.batch = None;
        while let Some(b) = contain(&self.path, || self.rd.next())? {
            let b = b.map_err(|e| fail(&self.path, e))?;
            if b.schema() != schema() {
                return Err(fail(
                    &self.path,
                    "its columns are not those of a `sigmark export` table",
                ));
            }
            let keys = b
                .column(0)
                .as_any()
                .downcast_ref::<StringArray>()
                .cloned()
                .ok_or_else(|| fail(&self.path, "recording is not a string column"))?;
            if keys.null_count() > 0 {
                return Err(fail(&self.path, "a row has no recording"));
            }
            if b.num_rows() > 0 {
                self.batch = Some((b, keys));
                return Ok(());
            }
        }
        Ok(())
    }
}

impl Cursor for ParquetCursor<'_> {
    fn key(&self) -> Option<&str> {
        self.batch.as_ref().map(|(_, k)| k.value(self.row))
    }

    fn emit_run(&mut self, key: &str) -> Result<(), ExportError> {
        let Some((batch, keys)) = &self.batch else {
            return Ok(());
        };
        let start = self.row;
        let mut end = start;
        while end < keys.len() && keys.value(end) == key {
            end += 1;
        }
        self.writer
            .borrow_mut()
            .write(&batch.slice(start, end - start))
            .map_err(|e| fail(&self.out, e))?;
        if end == keys.len() {
            self.next_batch()
        } else {
            self.row = end;
            Ok(())
        }
    }
}
