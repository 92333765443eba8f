//! Sample access for HDF5 recordings: every read is a hyperslab of the channel's dataset, so a
//! window touches only the chunks (or bytes) that hold it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::nearby::{Ask, Nearby, CELL};
use super::stats::Acc;
use super::storage::{Axes, Region, Signal};
use crate::formats::Error;
use crate::signal::{ChannelStats, SampleSource};

/// One channel: a part of a signal dataset and the conversion to physical units.
pub struct ChannelData {
    pub signal: Arc<Signal>,
    /// Index along the channel axis (0 for a 1-D dataset).
    pub index: u64,
    /// physical = stored * scale + offset (NWB's `conversion` and `offset`; 1 and 0 elsewhere).
    pub scale: f64,
    pub offset: f64,
}

impl ChannelData {
    fn physical(&self, v: f64) -> f64 {
        v * self.scale + self.offset
    }
}

pub struct Hdf5Source {
    path: PathBuf,
    channels: Vec<ChannelData>,
    /// Samples around recent small reads of chunks the reader's cache cannot keep.
    nearby: Nearby,
}

impl Hdf5Source {
    pub fn new(path: &Path, channels: Vec<ChannelData>) -> Self {
        Hdf5Source {
            path: path.to_path_buf(),
            channels,
            nearby: Nearby::default(),
        }
    }

    fn channel(&self, ch: usize) -> Result<&ChannelData, Error> {
        self.channels.get(ch).ok_or_else(|| Error::NoSuchChannel {
            path: self.path.clone(),
            channel: ch.to_string(),
            available: self.channels.len(),
        })
    }

    fn channel_index(c: &ChannelData) -> Option<u64> {
        match c.signal.axes {
            Axes::Vector => None,
            _ => Some(c.index),
        }
    }

    /// Statistics of the channels of `region` of one signal dataset, read in one piece (one
    /// decode of each of its chunks serves every channel in it).
    fn block_stats(&self, sig: &Signal, region: &Region) -> Result<Vec<Acc>, Error> {
        let n_ch = (region.channels.end - region.channels.start) as usize;
        let mut buf = Vec::new();
        sig.read_region(&self.path, region, &mut buf)?;
        let n = (region.time.end - region.time.start) as usize;
        let mut acc = vec![Acc::default(); n_ch];
        match sig.axes {
            Axes::Vector | Axes::Rows { .. } => {
                for (a, row) in acc.iter_mut().zip(buf.chunks_exact(n.max(1))) {
                    row.iter().for_each(|&v| a.add(v));
                }
            }
            Axes::Columns { .. } => {
                for row in buf.chunks_exact(n_ch.max(1)) {
                    for (a, &v) in acc.iter_mut().zip(row) {
                        a.add(v);
                    }
                }
            }
        }
        Ok(acc)
    }

    /// A channel of a samples x channels dataset, from cached slabs of every channel.
    fn read_columns(
        &self,
        c: &ChannelData,
        channels: u64,
        first: u64,
        out: &mut [f64],
    ) -> Result<(), Error> {
        let sig = &c.signal;
        // Whole blocks on a fixed grid, so neighbouring channels' reads hit the cache.
        let step = sig.block_len(channels);
        let width = channels as usize;
        let col = c.index as usize;
        let end = first + out.len() as u64;
        let mut at = first;
        while at < end {
            let k = at / step;
            let (s0, s1) = (k * step, ((k + 1) * step).min(sig.samples));
            if s1 <= at {
                return Err(Error::Hdf5 {
                    path: self.path.clone(),
                    detail: format!("samples {at}.. lie beyond {} of {}", sig.samples, sig.path),
                });
            }
            let slab = sig.slab(&self.path, s0, s1)?;
            let stop = end.min(s1);
            let rows = slab
                .values
                .chunks_exact(width)
                .skip((at - s0) as usize)
                .take((stop - at) as usize);
            let dst = &mut out[(at - first) as usize..(stop - first) as usize];
            for (o, row) in dst.iter_mut().zip(rows) {
                *o = c.physical(row[col]);
            }
            at = stop;
        }
        Ok(())
    }

    /// A channel of a 1-D or channels x samples dataset, by hyperslabs on the chunk grid; small
    /// reads of chunks too large for the chunk cache go through `nearby`.
    fn read_channel(
        &self,
        ch: usize,
        c: &ChannelData,
        first: u64,
        out: &mut [f64],
    ) -> Result<(), Error> {
        let sig = &c.signal;
        let index = Self::channel_index(c);
        // Reads on the step grid, so a read of whole chunks decodes each of them once.
        let step = sig.read_step().max(1);
        let end = first.saturating_add(out.len() as u64);
        let mut buf = Vec::new();
        let small = out.len() as u64 <= CELL;
        let mut at = first;
        while at < end {
            let stop = (at / step).saturating_add(1).saturating_mul(step).min(end);
            if let Some(chunk) = sig.uncached_chunk(at).filter(|_| small) {
                let stop = stop.min(chunk.end);
                let dst = &mut out[(at - first) as usize..(stop - first) as usize];
                let ask = Ask {
                    file: &self.path,
                    sig,
                    ch,
                    index,
                    want: at..stop,
                    chunk,
                };
                self.nearby.read(&ask, dst, |v| c.physical(v))?;
                at = stop;
                continue;
            }
            sig.read(&self.path, index, at, stop, &mut buf)?;
            let dst = &mut out[(at - first) as usize..(stop - first) as usize];
            for (o, &v) in dst.iter_mut().zip(&buf) {
                *o = c.physical(v);
            }
            at = stop;
        }
        Ok(())
    }
}

impl SampleSource for Hdf5Source {
    fn read_physical(&self, ch: usize, first: u64, out: &mut [f64]) -> Result<(), Error> {
        let c = self.channel(ch)?;
        match c.signal.axes {
            Axes::Columns { channels } => self.read_columns(c, channels, first, out),
            _ => self.read_channel(ch, c, first, out),
        }
    }

    fn read_unit(&self, ch: usize) -> Option<u64> {
        self.channels.get(ch)?.signal.unit_samples()
    }

    /// One pass over the regions holding the channel: each chunk is decoded once, even when a
    /// chunk holds several channels.
    fn stats(&self, ch: usize) -> Result<ChannelStats, Error> {
        let c = self.channel(ch)?;
        let sig = &c.signal;
        let mut acc = Acc::default();
        for region in sig.regions() {
            if !region.channels.contains(&c.index) {
                continue;
            }
            let at = (c.index - region.channels.start) as usize;
            let part = self.block_stats(sig, &region)?;
            if let Some(p) = part.get(at) {
                acc.merge(p);
            }
        }
        Ok(acc.physical(c.scale, c.offset))
    }

    /// Parallel over regions of whole chunks of each signal dataset rather than over
    /// channels: a pass per channel, or blocks cutting through chunks, would decode a chunk
    /// once per channel or per block, while each region is read once.
    fn all_stats(&self) -> Result<Vec<ChannelStats>, Error> {
        let mut signals: Vec<&Arc<Signal>> = Vec::new();
        for c in &self.channels {
            if !signals.iter().any(|s| Arc::ptr_eq(s, &c.signal)) {
                signals.push(&c.signal);
            }
        }
        let tasks: Vec<(usize, Region)> = signals
            .iter()
            .enumerate()
            .flat_map(|(si, s)| s.regions().into_iter().map(move |r| (si, r)))
            .collect();
        let parts: Vec<Vec<Acc>> = tasks
            .par_iter()
            .map(|(si, region)| self.block_stats(signals[*si], region))
            .collect::<Result<_, _>>()?;
        let mut totals: Vec<Vec<Acc>> = signals
            .iter()
            .map(|s| vec![Acc::default(); s.axes.channels() as usize])
            .collect();
        for ((si, region), part) in tasks.iter().zip(parts) {
            let first = region.channels.start as usize;
            for (t, p) in totals[*si].iter_mut().skip(first).zip(part) {
                t.merge(&p);
            }
        }
        let mut out = Vec::with_capacity(self.channels.len());
        for c in &self.channels {
            let si = signals
                .iter()
                .position(|s| Arc::ptr_eq(s, &c.signal))
                .unwrap_or_default();
            let raw = totals[si]
                .get(c.index as usize)
                .cloned()
                .unwrap_or_default();
            out.push(raw.physical(c.scale, c.offset));
        }
        Ok(out)
    }

    fn path(&self) -> &Path {
        &self.path
    }
}
