//! A min/max decimation pyramid per derivation, so a zoomed-out view of a day-long recording
//! costs O(derivations x columns) per frame instead of a pass over the samples.
//!
//! Level 0 holds one (min, max) per `BASE` samples; level L + 1 combines 4 blocks of level L.
//! A background thread builds it in time order (see `build`), appending through
//! `SharedPyramid`; the UI queries what is covered so far and shows the rest as pending.

mod build;
mod by_unit;
mod read;

use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, RwLock, RwLockReadGuard};

use super::derivation::{Derivation, Shape};
use super::envelope::{index_at, merge, valid_axis, Coverage, EMPTY};
use super::Error;
use crate::signal::Recording;

/// Samples per level-0 block. Memory for 24 channels x 24 h x 500 Hz (1.04e9 samples):
/// 8.1e6 blocks x 8 bytes (two f32) = 65 MB, plus a third for the upper levels = 86 MB.
/// BASE = 64 would double that for no visible gain: views finer than 128 samples per column
/// (at 500 Hz and 400 dot columns, windows under ~100 s) are drawn from raw samples anyway,
/// which costs one read of at most 128 x 400 samples per channel.
pub const BASE: usize = 128;

/// Blocks of level L combined into one block of level L + 1.
const FAN: usize = 4;

/// One chunk of one derivation as the builder appends it: the first sample its level-0 blocks
/// cover, and the blocks.
type Appended = (u64, Vec<(f32, f32)>);

/// How a build ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildOutcome {
    Complete,
    /// The cancel flag was raised; what was covered stays queryable.
    Cancelled,
}

/// The levels of one derivation.
#[derive(Debug, Clone)]
struct Track {
    shape: Shape,
    /// `levels[l]` holds one (min, max) per `BASE * 4^l` samples, in order.
    levels: Vec<Vec<(f32, f32)>>,
}

impl Track {
    /// Empty levels with their final capacity reserved, so appending never reallocates (and
    /// never holds the write lock for a copy of megabytes).
    fn new(shape: Shape) -> Track {
        let mut levels = Vec::new();
        let mut blocks = shape.samples.div_ceil(BASE as u64);
        loop {
            levels.push(Vec::with_capacity(usize::try_from(blocks).unwrap_or(0)));
            if blocks <= 1 {
                break;
            }
            blocks = blocks.div_ceil(FAN as u64);
        }
        Track { shape, levels }
    }

    /// Saturating: only a sample count near 2^64 could ask, and then it must not wrap.
    fn block_samples(level: usize) -> u64 {
        (FAN as u64)
            .saturating_pow(u32::try_from(level).unwrap_or(u32::MAX))
            .saturating_mul(BASE as u64)
    }

    fn covered(&self) -> u64 {
        (self.levels[0].len() as u64 * BASE as u64).min(self.shape.samples)
    }

    fn is_complete(&self) -> bool {
        self.levels
            .iter()
            .enumerate()
            .all(|(l, v)| v.len() as u64 == self.shape.samples.div_ceil(Track::block_samples(l)))
    }

    /// Appends level-0 blocks starting at sample `first` and completes whatever upper blocks
    /// they finish; at the end of the data the trailing partial groups are combined too. Blocks
    /// that do not start at the watermark (a second builder's duplicate) are dropped.
    fn push(&mut self, first: u64, blocks: &[(f32, f32)]) {
        if blocks.is_empty() || first != self.covered() {
            return;
        }
        self.levels[0].extend_from_slice(blocks);
        let at_end = self.covered() >= self.shape.samples;
        for l in 1..self.levels.len() {
            let (lower, upper) = self.levels.split_at_mut(l);
            let lower = &lower[l - 1];
            let ready = if at_end {
                lower.len().div_ceil(FAN)
            } else {
                lower.len() / FAN
            };
            for i in upper[0].len()..ready {
                let end = (i * FAN + FAN).min(lower.len());
                upper[0].push(merge(&lower[i * FAN..end]));
            }
        }
    }

    /// The finest level whose blocks still span at most one column (level 0 when even that is
    /// coarser than a column).
    fn level_for(&self, samples_per_column: f64) -> usize {
        let mut level = 0;
        while level + 1 < self.levels.len()
            && Track::block_samples(level + 1) as f64 <= samples_per_column
        {
            level += 1;
        }
        level
    }

    fn envelope(&self, first: f64, spc: f64, out: &mut [(f32, f32)]) -> Coverage {
        if self.shape.samples == 0 {
            return Coverage::default();
        }
        let level = self.level_for(spc);
        let size = Track::block_samples(level) as f64;
        let blocks = &self.levels[level];
        let samples = self.shape.samples as f64;
        let mut cov = Coverage {
            block_samples: size as u64,
            ..Coverage::default()
        };
        for (c, o) in out.iter_mut().enumerate() {
            let lo = first + c as f64 * spc;
            let hi = lo + spc;
            if hi <= 0.0 || lo >= samples {
                continue;
            }
            let (i0, i1) = blocks_in(lo, hi, size, samples);
            if i1 > blocks.len() {
                cov.pending += 1;
                continue;
            }
            *o = merge(&blocks[i0..i1]);
            cov.filled += usize::from(!o.0.is_nan());
        }
        cov
    }
}

/// The blocks of `size` samples that column `[lo, hi)` shows: those whose centre lies in it, so
/// each block lands in exactly one column, no extreme is drawn twice and none moves by more
/// than half a block (at most half a column). The last block may be short; its centre is that
/// of the samples it holds. When blocks are wider than columns (zoomed in past the base
/// level), the one block under the column's centre. `samples` must be positive.
fn blocks_in(lo: f64, hi: f64, size: f64, samples: f64) -> (usize, usize) {
    let total = (samples / size).ceil();
    let last = total - 1.0;
    let last_centre = (last * size + samples) / 2.0;
    let mut i0 = index_at((lo / size - 0.5).ceil(), last);
    let mut i1 = index_at((hi / size - 0.5).ceil(), last);
    if (lo..hi).contains(&last_centre) {
        i1 = last as usize + 1;
    }
    if i1 <= i0 {
        let centre = (lo + hi) / 2.0;
        i0 = index_at((centre / size).floor(), last);
        i1 = i0 + 1;
    }
    (i0, i1)
}

/// Min/max levels of a list of derivations over one recording.
#[derive(Debug, Clone)]
pub struct Pyramid {
    derivations: Vec<Derivation>,
    tracks: Vec<Track>,
}

impl Pyramid {
    /// An empty pyramid (nothing covered yet) for `derivations`, each validated against `rec`.
    pub fn new(rec: &Recording, derivations: Vec<Derivation>) -> Result<Pyramid, Error> {
        let tracks = derivations
            .iter()
            .map(|d| d.shape(rec).map(Track::new))
            .collect::<Result<_, _>>()?;
        Ok(Pyramid {
            derivations,
            tracks,
        })
    }

    /// Builds the whole pyramid on the calling thread (and rayon's pool): for tests, benches
    /// and batch use. The UI uses `SharedPyramid::build` from a background thread instead.
    pub fn build(rec: &Recording, derivations: Vec<Derivation>) -> Result<Pyramid, Error> {
        let shared = SharedPyramid::new(rec, derivations)?;
        shared.build(rec, &AtomicU64::new(0), &AtomicBool::new(false))?;
        Ok(match Arc::try_unwrap(shared.0) {
            Ok(lock) => lock.into_inner().unwrap_or_else(|e| e.into_inner()),
            Err(arc) => arc.read().unwrap_or_else(|e| e.into_inner()).clone(),
        })
    }

    pub fn derivations(&self) -> &[Derivation] {
        &self.derivations
    }

    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    /// Rate and sample count of derivation `d`.
    pub fn shape(&self, d: usize) -> Option<Shape> {
        self.tracks.get(d).map(|t| t.shape)
    }

    /// Samples of derivation `d` decimated so far (the watermark).
    pub fn covered(&self, d: usize) -> u64 {
        self.tracks.get(d).map_or(0, Track::covered)
    }

    /// Samples decimated so far over all derivations, and the total to do (for progress).
    pub fn progress(&self) -> (u64, u64) {
        self.tracks.iter().fold((0, 0), |(done, all), t| {
            (done + t.covered(), all + t.shape.samples)
        })
    }

    pub fn is_complete(&self) -> bool {
        self.tracks.iter().all(Track::is_complete)
    }

    /// Bytes held by the levels.
    pub fn memory_bytes(&self) -> usize {
        let pairs: usize = self
            .tracks
            .iter()
            .flat_map(|t| t.levels.iter().map(Vec::capacity))
            .sum();
        pairs * std::mem::size_of::<(f32, f32)>()
    }

    /// Fills one (min, max) per column of derivation `derivation` from the coarsest level whose
    /// blocks fit in a column (at most 4 blocks per column). Columns outside the recording or
    /// beyond the covered watermark are NaN; `Coverage` counts both kinds.
    pub fn envelope(
        &self,
        derivation: usize,
        first_sample: f64,
        samples_per_column: f64,
        out: &mut [(f32, f32)],
    ) -> Coverage {
        out.fill(EMPTY);
        match self.tracks.get(derivation) {
            Some(t) if valid_axis(first_sample, samples_per_column) => {
                t.envelope(first_sample, samples_per_column, out)
            }
            _ => Coverage::default(),
        }
    }

    fn push(&mut self, blocks: &[Appended]) {
        for (t, (first, b)) in self.tracks.iter_mut().zip(blocks) {
            t.push(*first, b);
        }
    }
}

/// A pyramid shared between the thread that builds it and the UI that draws from it. The
/// builder takes the write lock only to append one chunk of blocks (microseconds), so a frame
/// never waits on decimation.
#[derive(Debug, Clone)]
pub struct SharedPyramid(Arc<RwLock<Pyramid>>);

impl SharedPyramid {
    pub fn new(rec: &Recording, derivations: Vec<Derivation>) -> Result<SharedPyramid, Error> {
        Ok(SharedPyramid(Arc::new(RwLock::new(Pyramid::new(
            rec,
            derivations,
        )?))))
    }

    /// Read access for a frame's queries. A builder that panicked leaves the data valid (blocks
    /// are appended whole), so a poisoned lock is read through rather than propagated.
    pub fn read(&self) -> RwLockReadGuard<'_, Pyramid> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    /// `Pyramid::envelope` under a short read lock.
    pub fn envelope(
        &self,
        derivation: usize,
        first_sample: f64,
        samples_per_column: f64,
        out: &mut [(f32, f32)],
    ) -> Coverage {
        self.read()
            .envelope(derivation, first_sample, samples_per_column, out)
    }

    /// Decimates every derivation in time order, appending as it goes; `progress` holds the
    /// samples covered over all derivations (compare with `Pyramid::progress().1`), `cancel`
    /// stops it between chunks. A later call resumes where a cancelled one stopped. Run it on
    /// one background thread; a second one at the same time is correct but wasted work.
    pub fn build(
        &self,
        rec: &Recording,
        progress: &AtomicU64,
        cancel: &AtomicBool,
    ) -> Result<BuildOutcome, Error> {
        let (derivations, tracks) = {
            let p = self.read();
            let tracks: Vec<(Shape, u64)> =
                p.tracks.iter().map(|t| (t.shape, t.covered())).collect();
            (p.derivations.clone(), tracks)
        };
        let sink = |blocks: &[Appended]| {
            let mut p = self.0.write().unwrap_or_else(|e| e.into_inner());
            p.push(blocks);
            p.progress().0
        };
        build::run(rec, &derivations, &tracks, sink, progress, cancel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(samples: u64, values: impl Fn(u64) -> f32) -> Track {
        let mut t = Track::new(Shape {
            rate_hz: 100.0,
            samples,
        });
        let blocks: Vec<(f32, f32)> = (0..samples.div_ceil(BASE as u64))
            .map(|i| (values(i), values(i) + 1.0))
            .collect();
        // Two pushes, as chunks arrive, to exercise the partial upper levels in between.
        let half = blocks.len() / 2;
        t.push(0, &blocks[..half]);
        t.push(0, &blocks[half..]); // not at the watermark (unless empty): dropped
        t.push(half as u64 * BASE as u64, &blocks[half..]);
        t
    }

    #[test]
    fn upper_levels_combine_four_blocks_and_the_ragged_end() {
        let t = track(BASE as u64 * 9 + 5, |i| i as f32);
        assert!(t.is_complete());
        assert_eq!(t.levels[1], vec![(0.0, 4.0), (4.0, 8.0), (8.0, 10.0)]);
        assert_eq!(t.levels[2], vec![(0.0, 10.0)]);
        assert_eq!(t.covered(), BASE as u64 * 9 + 5);
    }

    #[test]
    fn degenerate_tracks_and_queries_do_not_panic() {
        let empty = track(0, |_| 0.0);
        assert!(empty.is_complete());
        let mut out = [(0.0, 0.0); 4];
        for spc in [f64::NAN, 0.0, -1.0, f64::INFINITY, 1e300, 1e-300] {
            empty.envelope(0.0, spc.abs().max(1e-300), &mut out);
            track(1000, |i| i as f32).envelope(-5.0, spc.abs().max(1e-300), &mut out);
        }
        assert_eq!(Track::block_samples(40), u64::MAX);
    }

    #[test]
    fn columns_finer_than_a_block_show_the_block_under_them() {
        let t = track(BASE as u64 * 3, |i| i as f32 * 10.0);
        let mut out = [(0.0, 0.0); 6];
        let cov = t.envelope(0.0, BASE as f64 / 2.0, &mut out);
        assert_eq!(cov.block_samples, BASE as u64);
        assert_eq!(out[0], out[1]);
        assert_eq!(out[2], (10.0, 11.0));
    }
}
