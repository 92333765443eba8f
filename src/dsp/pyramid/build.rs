//! Building the pyramid in time order. Chunk k covers the same stretch of time in every
//! derivation, so the start of the recording is drawable first, whatever the montage. Within a
//! chunk, each recording channel is read once (a bipolar montage uses most electrodes twice)
//! and channels and derivations are processed in parallel. Storage whose decoding units are
//! longer than a chunk (huge HDF5 chunks) is built in its own order instead (`by_unit`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use super::by_unit;
use super::read::{self, Gain};
use super::{Appended, BuildOutcome, BASE};
use crate::dsp::derivation::{weighted_sum_into, Derivation, Shape};
use crate::dsp::envelope::min_max;
use crate::dsp::Error;
use crate::signal::Recording;

/// Samples per chunk over all derivations. Chunks must be big enough that rayon's fan-out and
/// the wake-up of its threads (tens of microseconds) stay small next to the work: 256 Ki
/// samples is 0.5 MB of EDF, about 0.15 ms at 3 GB/s. On 1 h x 12 ch x 500 Hz, 64 Ki-sample
/// chunks measured about 1.5x slower; 1 Mi was no faster than 256 Ki within the noise of a
/// shared 2-core machine. It also bounds memory: 2 MB of f64 per chunk for combined channels.
const CHUNK_SAMPLES: f64 = 262_144.0;

/// Bounds on a chunk's duration: at least 1 s (a 73-channel 2 kHz BioSemi file), at most 60 s
/// (a single slow channel), so the covered watermark advances in steps a user can follow.
const CHUNK_S: (f64, f64) = (1.0, 60.0);

/// Runs the build; `sink` appends one chunk's level-0 blocks (per derivation: the first sample
/// they cover and the blocks, empty for derivations with nothing in that chunk) and returns the
/// samples covered so far.
pub(super) fn run(
    rec: &Recording,
    derivations: &[Derivation],
    tracks: &[(Shape, u64)],
    mut sink: impl FnMut(&[Appended]) -> u64,
    progress: &AtomicU64,
    cancel: &AtomicBool,
) -> Result<BuildOutcome, Error> {
    let plan = Plan::new(tracks);
    if let Some(pieces) = by_unit::pieces(rec, derivations, &plan.len) {
        return by_unit::run(rec, derivations, tracks, &pieces, sink, progress, cancel);
    }
    let mut inputs = Vec::new();
    let mut scratch: Vec<Scratch> = derivations.iter().map(|_| Scratch::default()).collect();
    for k in plan.first_chunk()..plan.chunks() {
        if cancel.load(Ordering::Relaxed) {
            return Ok(BuildOutcome::Cancelled);
        }
        let blocks = plan.chunk(rec, derivations, k, &mut inputs, &mut scratch)?;
        progress.store(sink(&blocks), Ordering::Relaxed);
    }
    Ok(BuildOutcome::Complete)
}

/// Sample buffers kept from chunk to chunk. Allocating a chunk's samples anew each time
/// (hundreds of KB, above glibc's mmap threshold, so fresh zeroed pages from the kernel)
/// measured slower than reading them: about 0.45 GB/s instead of 2 GB/s on the f64 path.
#[derive(Debug, Default)]
struct Scratch {
    values: Vec<f64>,
    digital: Vec<i32>,
}

/// Chunk sizes per derivation and where each one stands.
struct Plan<'a> {
    /// Samples per chunk of each derivation: one duration for all, a whole number of blocks.
    len: Vec<u64>,
    tracks: &'a [(Shape, u64)],
}

impl<'a> Plan<'a> {
    fn new(tracks: &'a [(Shape, u64)]) -> Self {
        let total_rate: f64 = tracks.iter().map(|(s, _)| s.rate_hz.max(0.0)).sum();
        let seconds = (CHUNK_SAMPLES / total_rate).clamp(CHUNK_S.0, CHUNK_S.1);
        let len = tracks
            .iter()
            .map(|(s, _)| {
                let blocks = (seconds * s.rate_hz / BASE as f64).ceil();
                // `as` saturates; a rate of 0 or NaN still gives one block per chunk.
                (blocks as u64).max(1).saturating_mul(BASE as u64)
            })
            .collect();
        Plan { len, tracks }
    }

    fn chunks(&self) -> u64 {
        self.tracks
            .iter()
            .zip(&self.len)
            .map(|((s, _), &n)| s.samples.div_ceil(n))
            .max()
            .unwrap_or(0)
    }

    /// The first chunk some derivation still lacks (0 for a fresh pyramid; later on resume).
    fn first_chunk(&self) -> u64 {
        self.tracks
            .iter()
            .zip(&self.len)
            .filter(|((s, covered), _)| covered < &s.samples)
            .map(|((_, covered), &n)| covered / n)
            .min()
            .unwrap_or(0)
    }

    /// Samples `first..first + count` of derivation `d` in chunk `k`, if it still needs them.
    fn range(&self, d: usize, k: u64) -> Option<(u64, usize)> {
        let (shape, covered) = self.tracks[d];
        let first = k.saturating_mul(self.len[d]);
        let end = first.saturating_add(self.len[d]).min(shape.samples);
        (first >= covered && first < end).then(|| (first, (end - first) as usize))
    }

    fn chunk(
        &self,
        rec: &Recording,
        derivations: &[Derivation],
        k: u64,
        inputs: &mut Vec<Vec<f64>>,
        scratch: &mut [Scratch],
    ) -> Result<Vec<Appended>, Error> {
        let reads = self.reads(derivations, k);
        if inputs.len() < reads.len() {
            inputs.resize_with(reads.len(), Vec::new);
        }
        let data = &mut inputs[..reads.len()];
        data.par_iter_mut()
            .zip(&reads)
            .try_for_each(|(buf, &(ch, first, count))| {
                read::physical(rec, ch, first, count, buf)
            })?;
        let data = &*data;
        derivations
            .par_iter()
            .zip(scratch.par_iter_mut())
            .enumerate()
            .map(|(d, (der, s))| match self.range(d, k) {
                None => Ok((0, Vec::new())),
                Some((first, count)) if der.is_plain() => {
                    Ok((first, plain_blocks(rec, der.terms[0].0, first, count, s)?))
                }
                Some((first, _)) => Ok((first, combined_blocks(der, &reads, data, &mut s.values))),
            })
            .collect()
    }

    /// Each recording channel the combined derivations of chunk `k` need, once: (channel,
    /// first sample, count). Terms of one derivation share its sample grid, so a channel's
    /// range is the same for every derivation that uses it.
    fn reads(&self, derivations: &[Derivation], k: u64) -> Vec<(usize, u64, usize)> {
        let mut reads: Vec<(usize, u64, usize)> = Vec::new();
        for (d, der) in derivations.iter().enumerate() {
            let Some((first, count)) = self.range(d, k).filter(|_| !der.is_plain()) else {
                continue;
            };
            for &(ch, _) in &der.terms {
                if !reads.iter().any(|r| r.0 == ch) {
                    reads.push((ch, first, count));
                }
            }
        }
        reads
    }
}

/// Level-0 blocks of a recorded channel. Where the format stores integers (EDF, BDF), the
/// extremes are found among the digital values and only they are converted: the conversion is
/// monotonic, so the result equals the min/max of the physical values bit for bit, at a
/// fraction of the cost (2 or 3 bytes a sample are touched, not 8; 1.7x the speed measured).
fn plain_blocks(
    rec: &Recording,
    ch: usize,
    first: u64,
    count: usize,
    s: &mut Scratch,
) -> Result<Vec<(f32, f32)>, Error> {
    if let Some(gain) = rec.channels.get(ch).and_then(Gain::of) {
        if read::digital(rec, ch, first, count, &mut s.digital)? {
            return Ok(s.digital.chunks(BASE).map(|b| gain.extremes(b)).collect());
        }
    }
    read::physical(rec, ch, first, count, &mut s.values)?;
    Ok(s.values.chunks(BASE).map(min_max).collect())
}

/// Level-0 blocks of a combination of channels read for this chunk.
fn combined_blocks(
    der: &Derivation,
    reads: &[(usize, u64, usize)],
    data: &[Vec<f64>],
    sum: &mut Vec<f64>,
) -> Vec<(f32, f32)> {
    let values_of = |ch: usize| {
        reads
            .iter()
            .position(|r| r.0 == ch)
            .map_or(&[][..], |i| data[i].as_slice())
    };
    weighted_sum_into(sum, der.terms.iter().map(|&(ch, w)| (w, values_of(ch))));
    sum.chunks(BASE).map(min_max).collect()
}
