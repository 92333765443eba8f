//! Sample access for HDF5 recordings: every read is a hyperslab of the channel's dataset, so a
//! window touches only the chunks (or bytes) that hold it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::stats::Acc;
use super::storage::{Axes, Signal};
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
}

impl Hdf5Source {
    pub fn new(path: &Path, channels: Vec<ChannelData>) -> Self {
        Hdf5Source {
            path: path.to_path_buf(),
            channels,
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

    /// Statistics of every channel of one signal dataset over samples `start..end`, reading all
    /// of its channels at once (one decode of each chunk serves every channel).
    fn block_stats(&self, sig: &Signal, start: u64, end: u64) -> Result<Vec<Acc>, Error> {
        let n_ch = sig.axes.channels() as usize;
        let mut buf = Vec::new();
        sig.read(&self.path, None, start, end, &mut buf)?;
        let n = (end - start) as usize;
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
}

impl SampleSource for Hdf5Source {
    fn read_physical(&self, ch: usize, first: u64, out: &mut [f64]) -> Result<(), Error> {
        let c = self.channel(ch)?;
        let sig = &c.signal;
        if let Axes::Columns { channels } = sig.axes {
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
                        detail: format!(
                            "samples {at}.. lie beyond {} of {}",
                            sig.samples, sig.path
                        ),
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
            return Ok(());
        }
        let index = Self::channel_index(c);
        let step = sig.block_len(1) as usize;
        let mut buf = Vec::new();
        for (k, part) in out.chunks_mut(step).enumerate() {
            let start = first + (k * step) as u64;
            sig.read(
                &self.path,
                index,
                start,
                start + part.len() as u64,
                &mut buf,
            )?;
            for (o, &v) in part.iter_mut().zip(&buf) {
                *o = c.physical(v);
            }
        }
        Ok(())
    }

    fn stats(&self, ch: usize) -> Result<ChannelStats, Error> {
        let c = self.channel(ch)?;
        let sig = &c.signal;
        let index = Self::channel_index(c);
        let step = sig.block_len(1);
        let mut acc = Acc::default();
        let mut buf = Vec::new();
        let mut start = 0;
        while start < sig.samples {
            let end = (start + step).min(sig.samples);
            sig.read(&self.path, index, start, end, &mut buf)?;
            buf.iter().for_each(|&v| acc.add(c.physical(v)));
            start = end;
        }
        Ok(acc.stats())
    }

    /// Parallel over blocks of each signal dataset rather than over channels: with samples x
    /// channels storage (NWB, SNIRF, EEGLAB) a pass per channel would decode every chunk once
    /// per channel, while a block holds every channel of its rows.
    fn all_stats(&self) -> Result<Vec<ChannelStats>, Error> {
        let mut signals: Vec<&Arc<Signal>> = Vec::new();
        for c in &self.channels {
            if !signals.iter().any(|s| Arc::ptr_eq(s, &c.signal)) {
                signals.push(&c.signal);
            }
        }
        let mut tasks = Vec::new();
        for (si, s) in signals.iter().enumerate() {
            let step = s.block_len(s.axes.channels());
            let mut start = 0;
            while start < s.samples {
                let end = (start + step).min(s.samples);
                tasks.push((si, start, end));
                start = end;
            }
        }
        let parts: Vec<Vec<Acc>> = tasks
            .par_iter()
            .map(|&(si, start, end)| self.block_stats(signals[si], start, end))
            .collect::<Result<_, _>>()?;
        let mut totals: Vec<Vec<Acc>> = signals
            .iter()
            .map(|s| vec![Acc::default(); s.axes.channels() as usize])
            .collect();
        for (&(si, _, _), part) in tasks.iter().zip(parts) {
            for (t, p) in totals[si].iter_mut().zip(part) {
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
