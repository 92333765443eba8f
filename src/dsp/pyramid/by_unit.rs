//! Building the pyramid in the source's natural order, for storage that decodes units longer
//! than a time-ordered chunk (HDF5 chunks of millions of samples along time). The time-ordered
//! build reads a few seconds of every channel per chunk, so each unit would be decoded once
//! per chunk it spans, and a byte-bounded cache cannot hold one unit per channel (16 channels
//! of 200 MB chunks: 3.2 GB). Here derivation after derivation is built over whole units, so a
//! unit is decoded once per derivation that reads it; the start of the recording is no longer
//! drawable first in every lane, the price of not decoding every unit ~1,500 times.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::read;
use super::{Appended, BuildOutcome, BASE};
use crate::dsp::derivation::{Derivation, Shape};
use crate::dsp::envelope::min_max;
use crate::dsp::Error;
use crate::signal::Recording;

/// Most samples read at once (256 MB of f64). The reader bounds a decoded chunk to 256 MiB,
/// so only units of narrower types (i16: 128 Mi samples) are cut, and then into few reads.
const MAX_PIECE: u64 = 1 << 25;

/// Samples per read of each derivation when some derivation's storage decodes units longer
/// than its time-ordered chunk `len[d]`: the longest unit among its terms, or `len[d]` for
/// derivations whose storage has no such units. `None`: the time-ordered build is as cheap.
pub(super) fn pieces(rec: &Recording, derivations: &[Derivation], len: &[u64]) -> Option<Vec<u64>> {
    let units: Vec<Option<u64>> = derivations
        .iter()
        .map(|der| {
            der.terms
                .iter()
                .filter_map(|&(ch, _)| read::unit(rec, ch))
                .max()
        })
        .collect();
    let longer = units
        .iter()
        .zip(len)
        .any(|(u, &l)| u.is_some_and(|u| u > l));
    longer.then(|| {
        units
            .iter()
            .zip(len)
            .map(|(u, &l)| u.unwrap_or(l).clamp(1, MAX_PIECE))
            .collect()
    })
}

/// Builds derivation after derivation, from where each stands, reading `pieces[d]` samples at
/// a time on a grid from sample 0; `sink` is `build::run`'s.
pub(super) fn run(
    rec: &Recording,
    derivations: &[Derivation],
    tracks: &[(Shape, u64)],
    pieces: &[u64],
    mut sink: impl FnMut(&[Appended]) -> u64,
    progress: &AtomicU64,
    cancel: &AtomicBool,
) -> Result<BuildOutcome, Error> {
    let mut values = Vec::new();
    let mut term = Vec::new();
    for (d, der) in derivations.iter().enumerate() {
        let (shape, covered) = tracks[d];
        let piece = pieces[d].max(1);
        // Values read but not yet appended: fewer than BASE between pieces.
        values.clear();
        let mut first = covered;
        let mut at = covered;
        while at < shape.samples {
            if cancel.load(Ordering::Relaxed) {
                return Ok(BuildOutcome::Cancelled);
            }
            let end = (at / piece).saturating_add(1).saturating_mul(piece);
            let end = end.min(shape.samples);
            append(rec, der, at, (end - at) as usize, &mut values, &mut term)?;
            let full = if end == shape.samples {
                values.len()
            } else {
                values.len() / BASE * BASE
            };
            let mut out: Vec<Appended> = derivations.iter().map(|_| (0, Vec::new())).collect();
            out[d] = (first, values[..full].chunks(BASE).map(min_max).collect());
            progress.store(sink(&out), Ordering::Relaxed);
            values.drain(..full);
            first += full as u64;
            at = end;
        }
    }
    Ok(BuildOutcome::Complete)
}

/// Appends the derivation's values of samples `first..first + count` to `values`, as
/// `weighted_sum_into` computes them (the same operations, so the same bits).
fn append(
    rec: &Recording,
    der: &Derivation,
    first: u64,
    count: usize,
    values: &mut Vec<f64>,
    term: &mut Vec<f64>,
) -> Result<(), Error> {
    let off = values.len();
    values.resize(off + count, 0.0);
    let out = &mut values[off..];
    let mut terms = der.terms.iter();
    if let Some(&(ch, w)) = terms.next() {
        read::physical_into(rec, ch, first, out)?;
        if w != 1.0 {
            out.iter_mut().for_each(|v| *v *= w);
        }
    }
    for &(ch, w) in terms {
        read::physical(rec, ch, first, count, term)?;
        for (o, v) in out.iter_mut().zip(term.iter()) {
            *o += w * *v;
        }
    }
    Ok(())
}
