//! Samples near recent small reads of chunks too large for the reader's chunk cache.
//!
//! A window read inside such a chunk decodes all of it (a 200 MB chunk takes ~2 s), and the
//! chunk cache cannot keep it, so every scroll or redraw decoded it again. A small read that
//! misses here reads, in that same single decode, the grid cells around it (at least half a
//! cell either side, within the chunk), and keeps them: scrolling nearby decodes nothing.

use std::collections::VecDeque;
use std::ops::Range;
use std::path::Path;
use std::sync::Mutex;

use super::storage::Signal;
use crate::formats::Error;

/// Samples per cell of the grid from sample 0 (1 MiB of f64): a read of at most one cell
/// keeps the cells covering it and half a cell either side, 2 or 3 cells (~2 to 4 min at 1 kHz).
pub const CELL: u64 = 1 << 17;

/// Values (f64) kept per file: 48 MiB, three cells of each of 16 channels.
const CACHE_VALUES: usize = 6 << 20;

/// Raw values of samples `start..start + values.len()` of channel `ch`.
struct Cell {
    ch: usize,
    start: u64,
    values: Vec<f64>,
}

impl Cell {
    fn end(&self) -> u64 {
        self.start + self.values.len() as u64
    }
}

/// Recently read cells of every channel of a file, most recent first, bounded in values.
#[derive(Default)]
pub struct Nearby {
    cells: Mutex<VecDeque<Cell>>,
}

/// One small read: channel `ch` (`index` along the dataset's channel axis), samples `want`,
/// all inside the chunk holding samples `chunk`.
pub struct Ask<'a> {
    pub file: &'a Path,
    pub sig: &'a Signal,
    pub ch: usize,
    pub index: Option<u64>,
    pub want: Range<u64>,
    pub chunk: Range<u64>,
}

/// Cell `k` of the grid, cut to `chunk`.
fn cell(k: u64, chunk: &Range<u64>) -> Range<u64> {
    let s = k.saturating_mul(CELL).max(chunk.start);
    s..k.saturating_add(1).saturating_mul(CELL).min(chunk.end)
}

impl Nearby {
    /// Raw values of `ask.want`, each passed through `f` into `out` (`ask.want` long).
    pub fn read(&self, ask: &Ask, out: &mut [f64], f: impl Fn(f64) -> f64) -> Result<(), Error> {
        let Range { start, end } = ask.want;
        if !self.covered(ask.ch, start, end) {
            self.fill(ask)?;
        }
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        let mut at = start;
        while at < end {
            let Some(i) = cells
                .iter()
                .position(|c| c.ch == ask.ch && c.start <= at && at < c.end())
            else {
                // Only when another reader evicted the cells just read.
                return Err(Error::Hdf5 {
                    path: ask.file.to_path_buf(),
                    detail: format!("samples {at}.. of {} were not kept", ask.sig.path),
                });
            };
            // Most recently used first, so the oldest cells are evicted.
            if let Some(c) = cells.remove(i) {
                let stop = end.min(c.end());
                let src = &c.values[(at - c.start) as usize..(stop - c.start) as usize];
                let dst = &mut out[(at - start) as usize..(stop - start) as usize];
                for (o, &v) in dst.iter_mut().zip(src) {
                    *o = f(v);
                }
                at = stop;
                cells.push_front(c);
            }
        }
        Ok(())
    }

    /// Whether kept cells of channel `ch` cover samples `start..end`.
    fn covered(&self, ch: usize, start: u64, end: u64) -> bool {
        let cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        let mut at = start;
        while at < end {
            match cells
                .iter()
                .find(|c| c.ch == ch && c.start <= at && at < c.end())
            {
                Some(c) => at = c.end(),
                None => return false,
            }
        }
        true
    }

    /// Reads the missing cells around `ask.want` in one read (one decode of the chunk).
    fn fill(&self, ask: &Ask) -> Result<(), Error> {
        let chunk = &ask.chunk;
        let lo = ask.want.start.saturating_sub(CELL / 2).max(chunk.start);
        let hi = ask.want.end.saturating_add(CELL / 2).min(chunk.end);
        let missing: Vec<Range<u64>> = (lo / CELL..=hi.saturating_sub(1) / CELL)
            .map(|k| cell(k, chunk))
            .filter(|r| !r.is_empty() && !self.covered(ask.ch, r.start, r.end))
            .collect();
        let (Some(first), Some(last)) = (missing.first(), missing.last()) else {
            return Ok(());
        };
        let (s0, s1) = (first.start, last.end);
        let mut buf = Vec::new();
        ask.sig.read(ask.file, ask.index, s0, s1, &mut buf)?;
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        for r in &missing {
            let values = buf[(r.start - s0) as usize..(r.end - s0) as usize].to_vec();
            cells.retain(|c| !(c.ch == ask.ch && c.start == r.start));
            cells.push_front(Cell {
                ch: ask.ch,
                start: r.start,
                values,
            });
        }
        let keep = missing.len();
        let mut total = 0;
        let mut n = 0;
        cells.retain(|c| {
            n += 1;
            total += c.values.len();
            n <= keep || total <= CACHE_VALUES
        });
        Ok(())
    }
}
