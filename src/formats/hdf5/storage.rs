//! Signal datasets and how to read them: the axes that hold channels and time, hyperslab reads
//! in bounded blocks, and a small cache of samples x channels blocks.

use std::collections::VecDeque;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex};

use hdf5_reader::{Dataset, SliceInfo, SliceInfoElem};

use super::values::{read_f64, Cx, Num};
use crate::formats::Error;

/// Samples per read: bounds the memory of one call whatever the window or file asks for.
const BLOCK_ELEMENTS: u64 = 1 << 20;

/// More channels than any recording has; a larger channel axis is not a signal dataset.
pub const MAX_CHANNELS: u64 = 1 << 16;

/// Values (f64) of recently read samples x channels blocks kept per dataset: 32 MB.
const SLAB_CACHE_VALUES: usize = 4 << 20;

/// A dataset holding the samples of one or more channels.
pub struct Signal {
    pub dataset: Dataset,
    pub path: String,
    pub num: Num,
    /// Length of the dataset's time axis.
    pub samples: u64,
    /// Where the channels lie in the dataset.
    pub axes: Axes,
    /// Recent blocks of a samples x channels dataset, every channel of their rows: a viewer
    /// asks for one channel at a time, and a column read alone touches every row anyway.
    slabs: Mutex<VecDeque<Arc<Slab>>>,
    /// Bytes of decoded chunks the reader keeps for the file.
    chunk_cache_bytes: usize,
}

/// Channels `channels` (indices along the channel axis) x samples `time` of a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub channels: Range<u64>,
    pub time: Range<u64>,
}

/// Samples `start..end` of every channel, row-major as stored.
pub struct Slab {
    start: u64,
    end: u64,
    pub values: Vec<f64>,
}

/// How channels and time map onto the dataset's axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axes {
    /// A 1-D dataset: one channel.
    Vector,
    /// 2-D, channels x samples: a channel is a row.
    Rows { channels: u64 },
    /// 2-D, samples x channels: a channel is a column.
    Columns { channels: u64 },
}

impl Axes {
    pub fn channels(self) -> u64 {
        match self {
            Axes::Vector => 1,
            Axes::Rows { channels } | Axes::Columns { channels } => channels,
        }
    }

    pub fn channel_axis(self) -> Option<usize> {
        match self {
            Axes::Vector => None,
            Axes::Rows { .. } => Some(0),
            Axes::Columns { .. } => Some(1),
        }
    }
}

impl Signal {
    /// A numeric 1-D or 2-D dataset whose size the file can back, with `axes` matching its
    /// shape.
    pub fn new(cx: &Cx, dataset: Dataset, path: &str, axes: Axes) -> Result<Arc<Signal>, Error> {
        let num = Num::of(dataset.dtype()).ok_or_else(|| {
            cx.fail(format!(
                "{path} holds {:?}, not numbers sigmark can read as samples",
                dataset.dtype()
            ))
        })?;
        cx.check_plausible(&dataset, path)?;
        if axes.channels() > MAX_CHANNELS {
            return Err(cx.fail(format!(
                "{path} would have {} channels; sigmark reads at most {MAX_CHANNELS}",
                axes.channels()
            )));
        }
        let shape = dataset.shape().to_vec();
        let samples = match (axes, shape.as_slice()) {
            (Axes::Vector, &[n]) => n,
            (Axes::Rows { channels }, &[c, n]) if c == channels => n,
            (Axes::Columns { channels }, &[n, c]) if c == channels => n,
            _ => {
                return Err(cx.fail(format!(
                    "{path} has shape {shape:?}, which does not fit {axes:?}"
                )))
            }
        };
        Ok(Arc::new(Signal {
            dataset,
            path: path.to_string(),
            num,
            samples,
            axes,
            slabs: Mutex::new(VecDeque::new()),
            chunk_cache_bytes: cx.chunk_cache_bytes,
        }))
    }

    /// Selection of samples `start..end` of channel `index` (`None`: every channel).
    fn selection(&self, index: Option<u64>, start: u64, end: u64) -> SliceInfo {
        let chan = match index {
            Some(i) => SliceInfoElem::Index(i),
            None => SliceInfoElem::Slice {
                start: 0,
                end: self.axes.channels(),
                step: 1,
            },
        };
        self.selection_of(chan, start, end)
    }

    fn selection_of(&self, chan: SliceInfoElem, start: u64, end: u64) -> SliceInfo {
        let time = SliceInfoElem::Slice {
            start,
            end,
            step: 1,
        };
        let selections = match self.axes {
            Axes::Vector => vec![time],
            Axes::Rows { .. } => vec![chan, time],
            Axes::Columns { .. } => vec![time, chan],
        };
        SliceInfo { selections }
    }

    /// Samples per block along the time axis: about `BLOCK_ELEMENTS` values, rounded to whole
    /// chunks so that a pass over the dataset decodes each chunk once.
    pub fn block_len(&self, channels_read: u64) -> u64 {
        let want = (BLOCK_ELEMENTS / channels_read.max(1)).max(1);
        let time_axis = match self.axes {
            Axes::Vector | Axes::Columns { .. } => 0,
            Axes::Rows { .. } => 1,
        };
        // Chunks longer than a block are not worth aligning to (nor is a block that large).
        match self
            .dataset
            .chunks()
            .and_then(|c| c.get(time_axis).copied())
        {
            Some(c) if c > 0 && u64::from(c) <= want => {
                let c = u64::from(c);
                (want / c) * c
            }
            _ => want,
        }
    }

    /// Samples of one channel that one chunk holds, when a chunk holds a single channel
    /// (`Vector`, or `Rows` chunked one row at a time): reading a channel means decoding these
    /// units. `None` for contiguous storage and for chunks spanning channels.
    pub fn unit_samples(&self) -> Option<u64> {
        match (self.axes, self.chunk_dims()?) {
            (Axes::Vector, (ct, _)) | (Axes::Rows { .. }, (ct, 1)) => Some(ct),
            _ => None,
        }
    }

    /// Samples of one channel per read, on a grid from sample 0: about `BLOCK_ELEMENTS`,
    /// whole chunks, or one whole chunk when a chunk is longer (the reader decodes all of it
    /// for any part, so cutting it would only decode it again).
    pub fn read_step(&self) -> u64 {
        match self.unit_samples() {
            Some(ct) if ct > BLOCK_ELEMENTS => ct,
            _ => self.block_len(1),
        }
    }

    /// Samples `c0..c1` of the chunk holding sample `at` along time, when one decoded chunk
    /// is larger than the reader's chunk cache (so a chunk read again is decoded again) and
    /// reads of one channel go through the chunk cache (not `Columns`, which has slabs).
    pub fn uncached_chunk(&self, at: u64) -> Option<Range<u64>> {
        if matches!(self.axes, Axes::Columns { .. }) || at >= self.samples {
            return None;
        }
        let (ct, cc) = self.chunk_dims()?;
        let bytes = ct.saturating_mul(cc).saturating_mul(self.num.bytes());
        if bytes <= self.chunk_cache_bytes as u64 {
            return None;
        }
        let c0 = (at / ct).saturating_mul(ct);
        Some(c0..c0.saturating_add(ct).min(self.samples))
    }

    /// The chunk shape as (along time, along channels); `None` for contiguous storage.
    fn chunk_dims(&self) -> Option<(u64, u64)> {
        let c = self.dataset.chunks()?;
        let get = |i: usize| c.get(i).map_or(1, |&d| u64::from(d).max(1));
        Some(match self.axes {
            Axes::Vector => (get(0), 1),
            Axes::Rows { .. } => (get(1), get(0)),
            Axes::Columns { .. } => (get(0), get(1)),
        })
    }

    /// The dataset cut into regions of whole chunks (at least one, about `BLOCK_ELEMENTS`
    /// values when chunks are small), so that reading every region once decodes every chunk
    /// once. Contiguous datasets are cut into blocks of rows of every channel.
    pub fn regions(&self) -> Vec<Region> {
        let channels = self.axes.channels();
        let (time_step, chan_step) = match self.chunk_dims() {
            None => (self.block_len(channels), channels.max(1)),
            Some((ct, cc)) => {
                let cc = cc.min(channels.max(1));
                let per_chunk = ct.saturating_mul(cc);
                ((BLOCK_ELEMENTS / per_chunk).max(1).saturating_mul(ct), cc)
            }
        };
        let mut out = Vec::new();
        let mut c0 = 0;
        while c0 < channels {
            let c1 = c0.saturating_add(chan_step).min(channels);
            let mut t0 = 0;
            while t0 < self.samples {
                let t1 = t0.saturating_add(time_step).min(self.samples);
                out.push(Region {
                    channels: c0..c1,
                    time: t0..t1,
                });
                t0 = t1;
            }
            c0 = c1;
        }
        out
    }

    /// Values of `region`, row-major as stored (channels x samples for `Rows`, samples x
    /// channels for `Columns`).
    pub fn read_region(
        &self,
        file: &Path,
        region: &Region,
        out: &mut Vec<f64>,
    ) -> Result<(), Error> {
        out.clear();
        let Region { channels, time } = region;
        let chan = SliceInfoElem::Slice {
            start: channels.start,
            end: channels.end,
            step: 1,
        };
        let sel = self.selection_of(chan, time.start, time.end);
        read_f64(&self.dataset, self.num, &sel, out).map_err(|e| Error::Hdf5 {
            path: file.to_path_buf(),
            detail: format!(
                "reading samples {}..{} of channels {}..{} of {}: {e}",
                time.start, time.end, channels.start, channels.end, self.path
            ),
        })?;
        let want = (time.end - time.start).saturating_mul(channels.end - channels.start);
        if out.len() as u64 != want {
            return Err(Error::Hdf5 {
                path: file.to_path_buf(),
                detail: format!(
                    "reading samples {}..{} of {} returned {} values, expected {want}",
                    time.start,
                    time.end,
                    self.path,
                    out.len()
                ),
            });
        }
        Ok(())
    }

    /// The cached block of rows starting at `start` (all channels), read if absent.
    pub fn slab(&self, file: &Path, start: u64, end: u64) -> Result<Arc<Slab>, Error> {
        // A poisoned lock only means another reader panicked; the cache stays consistent.
        let cached = {
            let slabs = self.slabs.lock().unwrap_or_else(|e| e.into_inner());
            slabs
                .iter()
                .find(|s| s.start == start && s.end == end)
                .cloned()
        };
        if let Some(s) = cached {
            return Ok(s);
        }
        let mut values = Vec::new();
        self.read(file, None, start, end, &mut values)?;
        let slab = Arc::new(Slab { start, end, values });
        let mut slabs = self.slabs.lock().unwrap_or_else(|e| e.into_inner());
        slabs.push_front(Arc::clone(&slab));
        let mut total = 0;
        slabs.retain(|s| {
            total += s.values.len();
            total <= SLAB_CACHE_VALUES || Arc::ptr_eq(s, &slab)
        });
        Ok(slab)
    }

    pub fn read(
        &self,
        file: &Path,
        index: Option<u64>,
        start: u64,
        end: u64,
        out: &mut Vec<f64>,
    ) -> Result<(), Error> {
        out.clear();
        let sel = self.selection(index, start, end);
        read_f64(&self.dataset, self.num, &sel, out).map_err(|e| Error::Hdf5 {
            path: file.to_path_buf(),
            detail: format!(
                "reading samples {start}..{end} of {}{}: {e}",
                self.path,
                index.map_or_else(String::new, |i| format!(" (channel index {i})"))
            ),
        })?;
        let per = if index.is_some() {
            1
        } else {
            self.axes.channels()
        };
        let want = (end - start).saturating_mul(per);
        if out.len() as u64 != want {
            return Err(Error::Hdf5 {
                path: file.to_path_buf(),
                detail: format!(
                    "reading samples {start}..{end} of {} returned {} values, expected {want}",
                    self.path,
                    out.len()
                ),
            });
        }
        Ok(())
    }
}
