//! Reading a chunk into buffers kept across chunks, and EDFlib's digital-to-physical
//! conversion for the digital fast path.
//!
//! `Recording::read_samples` returns a new `Vec` per call; the builder reads through the
//! sample source into its own buffers instead (see `Scratch` in `build.rs` for why), with the
//! same range check. A public `Recording::read_into` would let this go through the model.

use crate::dsp::Error;
use crate::formats::Error as ReadError;
use crate::signal::{Channel, Recording};

/// Physical values of samples `first..first + count` of channel `ch` into `buf` (resized).
pub(super) fn physical(
    rec: &Recording,
    ch: usize,
    first: u64,
    count: usize,
    buf: &mut Vec<f64>,
) -> Result<(), Error> {
    check(rec, ch, first, count)?;
    buf.resize(count, 0.0);
    Ok(rec.source.read_physical(ch, first, buf)?)
}

/// Physical values of samples `first..first + out.len()` of channel `ch` into `out`.
pub(super) fn physical_into(
    rec: &Recording,
    ch: usize,
    first: u64,
    out: &mut [f64],
) -> Result<(), Error> {
    check(rec, ch, first, out.len())?;
    Ok(rec.source.read_physical(ch, first, out)?)
}

/// Samples channel `ch`'s storage decodes as one unit, if it says (`SampleSource::read_unit`).
pub(super) fn unit(rec: &Recording, ch: usize) -> Option<u64> {
    rec.source.read_unit(ch)
}

/// Stored integers of the same samples into `buf`; `false` when the format stores none
/// (HDF5 floats), `buf` then holds nothing useful.
pub(super) fn digital(
    rec: &Recording,
    ch: usize,
    first: u64,
    count: usize,
    buf: &mut Vec<i32>,
) -> Result<bool, Error> {
    check(rec, ch, first, count)?;
    buf.resize(count, 0);
    Ok(rec.source.read_digital(ch, first, buf)?)
}

/// `Recording::read_samples`'s check: the channel exists and holds the samples asked for.
fn check(rec: &Recording, ch: usize, first: u64, count: usize) -> Result<(), Error> {
    let c = rec
        .channels
        .get(ch)
        .ok_or_else(|| ReadError::NoSuchChannel {
            path: rec.path.clone(),
            channel: ch.to_string(),
            available: rec.channels.len(),
        })?;
    if first.saturating_add(count as u64) > c.samples {
        return Err(ReadError::OutOfRange {
            path: rec.path.clone(),
            channel: c.label.clone(),
            first,
            count: count as u64,
            samples: c.samples,
        }
        .into());
    }
    Ok(())
}

/// EDFlib's digital-to-physical conversion, the same expression the EDF reader uses
/// (`formats::edf::source::Gain`): bitvalue = (pmax - pmin) / (dmax - dmin),
/// offset = pmax / bitvalue - dmax, physical = bitvalue * (offset + digital).
#[derive(Debug, Clone, Copy)]
pub(super) struct Gain {
    bitvalue: f64,
    offset: f64,
}

impl Gain {
    pub(super) fn of(c: &Channel) -> Option<Gain> {
        let (pmin, pmax) = (c.physical_min?, c.physical_max?);
        let (dmin, dmax) = (c.digital_min?, c.digital_max?);
        let bitvalue = (pmax - pmin) / (dmax - dmin) as f64;
        Some(Gain {
            bitvalue,
            offset: pmax / bitvalue - dmax as f64,
        })
    }

    fn physical(self, digital: i32) -> f64 {
        self.bitvalue * (self.offset + f64::from(digital))
    }

    /// (min, max) in physical units of a block of digital values; an inverted physical range
    /// (negative bitvalue) swaps which digital extreme is the minimum.
    pub(super) fn extremes(self, block: &[i32]) -> (f32, f32) {
        let (lo, hi) = block
            .iter()
            .fold((i32::MAX, i32::MIN), |(lo, hi), &d| (lo.min(d), hi.max(d)));
        let (a, b) = (self.physical(lo), self.physical(hi));
        let (min, max) = if self.bitvalue < 0.0 { (b, a) } else { (a, b) };
        (min as f32, max as f32)
    }
}
