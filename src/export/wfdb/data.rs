//! The signal file: frames in order, each holding every signal's samples of that frame
//! (WFDB's interleaving), little-endian 16-, 24- or 32-bit integers. Gaps between EDF+D
//! records, and samples past a shorter channel's end, are written as the invalid code.

use std::io::Write;

use super::plan::{Plan, SignalPlan};
use crate::signal::{Error, Recording};

/// Frames read and written at a time (bounded memory whatever the recording's length).
const BLOCK_FRAMES: u64 = 1 << 14;

/// What the header needs from the data: first value and checksum per signal, frames written.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub frames: u64,
    pub init: Vec<i64>,
    pub checksum: Vec<i64>,
}

/// One block of one channel: its digital values (when stored) and physical values.
struct Block {
    digital: Option<Vec<i32>>,
    physical: Vec<f64>,
    /// Index (in the block) past which the channel has no samples.
    present: usize,
}

fn read_block(rec: &Recording, s: &SignalPlan, first: u64, count: u64) -> Result<Block, Error> {
    let total = rec.channels[s.channel].samples;
    let present = total.saturating_sub(first).min(count) as usize;
    let digital = match s.values {
        super::plan::Values::Digital { .. } if present > 0 => {
            rec.read_digital(s.channel, first, present)?
        }
        _ => None,
    };
    let physical = if digital.is_some() || present == 0 {
        Vec::new()
    } else {
        rec.read_samples(s.channel, first, present)?
    };
    Ok(Block {
        digital,
        physical,
        present,
    })
}

impl Block {
    fn value(&self, s: &SignalPlan, i: usize) -> i64 {
        if i >= self.present {
            return s.invalid();
        }
        let d = self.digital.as_ref().and_then(|d| d.get(i).copied());
        let p = self.physical.get(i).copied().unwrap_or(f64::NAN);
        s.encode(d, p)
    }
}

/// Writes little-endian `bits`-wide integers, keeping the checksum and first value.
struct Out<'a, W: Write> {
    w: &'a mut W,
    bytes: usize,
    buf: Vec<u8>,
    written: Written,
}

impl<W: Write> Out<'_, W> {
    fn put(&mut self, sig: usize, v: i64) {
        if self.written.frames == 0 && self.written.init[sig] == i64::MIN {
            self.written.init[sig] = v;
        }
        self.written.checksum[sig] = self.written.checksum[sig].wrapping_add(v);
        self.buf.extend_from_slice(&v.to_le_bytes()[..self.bytes]);
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

/// Writes every frame of `rec` by `plan`; `frames_total` frames in all.
pub fn write<W: Write>(
    rec: &Recording,
    plan: &Plan,
    frames_total: u64,
    w: &mut W,
) -> Result<Written, WriteError> {
    let bits = plan.signals.iter().map(|s| s.bits).max().unwrap_or(16);
    let n = plan.signals.len();
    let mut out = Out {
        w,
        bytes: (bits / 8) as usize,
        buf: Vec::new(),
        written: Written {
            frames: 0,
            init: vec![i64::MIN; n],
            checksum: vec![0; n],
        },
    };
    let mut data_frames = 0u64; // frames of data already consumed (samples = frames * spf)
    for seg in segments(rec, plan.frame_hz, frames_total) {
        while out.written.frames < seg.0 {
            let gap = (seg.0 - out.written.frames).min(BLOCK_FRAMES);
            invalid_frames(&mut out, plan, gap)?;
        }
        let mut done = 0;
        while done < seg.1 {
            let count = (seg.1 - done).min(BLOCK_FRAMES);
            data_block(&mut out, rec, plan, data_frames + done, count)?;
            done += count;
        }
        data_frames += seg.1;
    }
    out.flush()?;
    for (s, v) in plan.signals.iter().zip(out.written.init.iter_mut()) {
        if *v == i64::MIN {
            *v = s.invalid();
        }
    }
    Ok(out.written)
}

/// (first frame, frames) of each stretch of data, from the recording's segments.
fn segments(rec: &Recording, hz: f64, total: u64) -> Vec<(u64, u64)> {
    if rec.segments.len() <= 1 {
        return vec![(0, total)];
    }
    rec.segments
        .iter()
        .map(|s| {
            (
                (s.start_s * hz).round() as u64,
                (s.duration_s * hz).round() as u64,
            )
        })
        .collect()
}

fn invalid_frames<W: Write>(out: &mut Out<W>, plan: &Plan, count: u64) -> std::io::Result<()> {
    for _ in 0..count {
        for (i, s) in plan.signals.iter().enumerate() {
            for _ in 0..s.samples_per_frame {
                out.put(i, s.invalid());
            }
        }
        out.written.frames += 1;
    }
    out.flush()
}

fn data_block<W: Write>(
    out: &mut Out<W>,
    rec: &Recording,
    plan: &Plan,
    first_frame: u64,
    count: u64,
) -> Result<(), WriteError> {
    let blocks = plan
        .signals
        .iter()
        .map(|s| {
            read_block(
                rec,
                s,
                first_frame * s.samples_per_frame,
                count * s.samples_per_frame,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    for f in 0..count as usize {
        for (i, (s, b)) in plan.signals.iter().zip(&blocks).enumerate() {
            let spf = s.samples_per_frame as usize;
            for k in 0..spf {
                out.put(i, b.value(s, f * spf + k));
            }
        }
        out.written.frames += 1;
    }
    out.flush()?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Read(#[from] Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
