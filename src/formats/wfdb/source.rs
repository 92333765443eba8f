//! Samples of a single-segment WFDB record, read from memory-mapped signal files.
//!
//! A window decodes only the frames it covers (from the start of their group for packed
//! formats). Format 8 (first differences) and FLAC files are decoded once at open into
//! memory, bounded by `MAX_DECODED`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::fmt;
use crate::formats::Error;
use crate::signal::{ChannelStats, SampleSource};

/// Output samples decoded per step of a long read (bounds the scratch buffer).
const STEP: u64 = 1 << 16;

/// Where a signal file's stream of samples lives.
pub enum Data {
    /// The file's bytes from its byte offset, decoded on each read.
    Mapped {
        map: memmap2::Mmap,
        offset: usize,
        fmt: u16,
    },
    /// Values decoded at open (format 8, FLAC), in stream order.
    Decoded(Vec<i32>),
}

/// One signal file: its stream holds `frame_len` samples per frame.
pub struct SignalFile {
    pub data: Data,
    pub frame_len: u64,
}

impl SignalFile {
    /// Stream positions `first`, `first + stride`, ... into `out`.
    fn decode_strided(&self, first: u64, stride: u64, out: &mut [i32]) {
        match &self.data {
            Data::Mapped { map, offset, fmt } => {
                let bytes: &[u8] = map.as_ref();
                let data = &bytes[(*offset).min(bytes.len())..];
                fmt::decode_strided(*fmt, data, first, stride, out);
            }
            Data::Decoded(v) => {
                let from = v.get(first as usize..).unwrap_or(&[]);
                for (o, &x) in out
                    .iter_mut()
                    .zip(from.iter().step_by(stride.max(1) as usize))
                {
                    *o = x;
                }
            }
        }
    }

    /// Stream positions `first..first + out.len()`.
    fn decode(&self, first: u64, out: &mut [i32]) {
        match &self.data {
            Data::Mapped { map, offset, fmt } => {
                let bytes: &[u8] = map.as_ref();
                fmt::decode(*fmt, &bytes[(*offset).min(bytes.len())..], first, out);
            }
            Data::Decoded(v) => {
                let a = (first as usize).min(v.len());
                let b = (a + out.len()).min(v.len());
                out[..b - a].copy_from_slice(&v[a..b]);
            }
        }
    }
}

/// How one channel sits in its file.
#[derive(Debug, Clone)]
pub struct Chan {
    pub file: usize,
    /// Position of the channel's first sample inside a frame of its file.
    pub slot: u64,
    pub spf: u64,
    pub skew: u64,
    pub gain: f64,
    pub baseline: i64,
    pub invalid: Option<i32>,
    /// The value a read past the stored samples gives (skew padding).
    pub pad: i32,
}

impl Chan {
    #[inline]
    pub fn physical(&self, d: i32) -> f64 {
        if Some(d) == self.invalid {
            f64::NAN
        } else {
            (i64::from(d) - self.baseline) as f64 / self.gain
        }
    }
}

/// Exact sums of one channel's valid digital values and the checksum of all stored ones.
#[derive(Debug, Clone, Default)]
pub struct Sums {
    pub n: u64,
    pub sum: i128,
    pub sum_sq: i128,
    pub min: i32,
    pub max: i32,
    /// Sum of every stored sample (skew ignored, invalid included), for the checksum.
    pub stored: i64,
}

impl Sums {
    fn merge(&mut self, o: &Sums) {
        if self.n == 0 {
            let stored = self.stored;
            *self = o.clone();
            self.stored += stored;
            return;
        }
        self.stored += o.stored;
        if o.n == 0 {
            return;
        }
        self.n += o.n;
        self.sum += o.sum;
        self.sum_sq += o.sum_sq;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Physical statistics of the valid samples: (d - b) / g summed from exact integers.
    pub fn physical(&self, c: &Chan) -> ChannelStats {
        if self.n == 0 {
            return ChannelStats {
                n: 0,
                min: f64::NAN,
                max: f64::NAN,
                mean: f64::NAN,
                sum: 0.0,
                sum_sq: 0.0,
            };
        }
        let (n, b) = (i128::from(self.n), i128::from(c.baseline));
        let s = self.sum - n * b;
        let q = self.sum_sq - 2 * b * self.sum + n * b * b;
        let sum = s as f64 / c.gain;
        let (lo, hi) = (c.physical(self.min), c.physical(self.max));
        ChannelStats {
            n: self.n,
            min: lo.min(hi),
            max: lo.max(hi),
            mean: sum / self.n as f64,
            sum,
            sum_sq: q as f64 / (c.gain * c.gain),
        }
    }
}

/// A single-segment record's samples.
pub struct WfdbSource {
    pub path: PathBuf,
    pub files: Vec<SignalFile>,
    pub chans: Vec<Chan>,
    /// Frames in the record (the header's length, or what the files hold).
    pub frames: u64,
    /// Per channel: its label and the checksum its signal line states.
    pub checksums: Vec<(String, Option<i64>)>,
    /// The one pass `all_stats` and `verify` share.
    pub sums: std::sync::OnceLock<Vec<Sums>>,
}

impl WfdbSource {
    /// Stored values of channel `ch`, samples `first..first + out.len()` (skew applied).
    fn digital_step(&self, ch: usize, first: u64, out: &mut [i32], scratch: &mut Vec<i32>) {
        let c = &self.chans[ch];
        let file = &self.files[c.file];
        let n = out.len() as u64;
        let f0 = first / c.spf;
        let f1 = (first + n).div_ceil(c.spf);
        let s0 = f0.saturating_add(c.skew).min(self.frames);
        let s1 = f1.saturating_add(c.skew).min(self.frames);
        if c.spf == 1 {
            // Straight from the file into `out`: no scratch, no other channels decoded.
            let k = (s1 - s0) as usize;
            file.decode_strided(s0 * file.frame_len + c.slot, file.frame_len, &mut out[..k]);
            out[k..].fill(c.pad);
            return;
        }
        scratch.clear();
        scratch.resize(((s1 - s0) * file.frame_len) as usize, 0);
        file.decode(s0 * file.frame_len, scratch);
        let (len, base) = (file.frame_len as usize, c.slot as usize);
        let (mut stored, mut j) = (s0, (first % c.spf) as usize);
        let mut at = base + j;
        for o in out.iter_mut() {
            *o = if stored < s1 { scratch[at] } else { c.pad };
            j += 1;
            at += 1;
            if j == c.spf as usize {
                j = 0;
                stored += 1;
                at += len - c.spf as usize;
            }
        }
    }

    fn digital(&self, ch: usize, first: u64, out: &mut [i32]) {
        let mut scratch = Vec::new();
        for (k, part) in out.chunks_mut(STEP as usize).enumerate() {
            self.digital_step(ch, first + k as u64 * STEP, part, &mut scratch);
        }
    }

    /// Sums of every channel of file `fi` over stored frames `f0..f1`.
    fn file_sums(&self, fi: usize, f0: u64, f1: u64) -> Vec<(usize, Sums)> {
        if let Some(sums) = self.pair_212_sums(fi, f0, f1) {
            return sums;
        }
        let file = &self.files[fi];
        let mut buf = vec![0; ((f1 - f0) * file.frame_len) as usize];
        file.decode(f0 * file.frame_len, &mut buf);
        let mut out = Vec::new();
        for (ch, c) in self.chans.iter().enumerate().filter(|(_, c)| c.file == fi) {
            // Frames before the skew are stored but not part of the channel.
            let from = c.skew.saturating_sub(f0).min(f1 - f0) as usize;
            let len = file.frame_len as usize;
            let mut s = Sums {
                stored: slot_values(&buf, len, c, 0).map(i64::from).sum(),
                ..Sums::default()
            };
            let (n, sum, sq, lo, hi) = match c.invalid.filter(|&v| c.spf == 1 && v >= -(1 << 15)) {
                Some(inv) => narrow_sums(&buf, len, c.slot as usize, from, inv),
                None => wide_sums(&buf, len, c, from),
            };
            if n > 0 {
                s.n = n;
                s.sum = i128::from(sum);
                s.sum_sq = sq;
                s.min = lo;
                s.max = hi;
            }
            out.push((ch, s));
        }
        out
    }

    /// `file_sums` of a file of exactly two unskewed format-212 signals (the MIT-BIH layout),
    /// decoded and summed in one sweep; `None` for any other layout.
    fn pair_212_sums(&self, fi: usize, f0: u64, f1: u64) -> Option<Vec<(usize, Sums)>> {
        let file = &self.files[fi];
        let Data::Mapped {
            map,
            offset,
            fmt: 212,
        } = &file.data
        else {
            return None;
        };
        let mut chans = self.chans.iter().enumerate().filter(|(_, c)| c.file == fi);
        let (a, b) = (chans.next()?, chans.next()?);
        let plain = |c: &Chan| c.spf == 1 && c.skew == 0;
        if file.frame_len != 2 || chans.next().is_some() || !plain(a.1) || !plain(b.1) {
            return None;
        }
        let bytes: &[u8] = map.as_ref();
        let data = bytes.get(*offset + f0 as usize * 3..*offset + f1 as usize * 3)?;
        let [s0, s1] = super::sums212::pair_sums(data);
        let (first, second) = if a.1.slot == 0 { (s0, s1) } else { (s1, s0) };
        Some(vec![(a.0, first), (b.0, second)])
    }

    /// Exact sums of every channel (computed once).
    pub fn sums(&self) -> &[Sums] {
        self.sums.get_or_init(|| self.pass())
    }

    /// Exact sums of every channel in one pass over each file, frame ranges in parallel.
    fn pass(&self) -> Vec<Sums> {
        let mut total = vec![Sums::default(); self.chans.len()];
        for fi in 0..self.files.len() {
            let len = self.files[fi].frame_len.max(1);
            let step = (STEP * 4 / len).max(1);
            let parts: Vec<Vec<(usize, Sums)>> = (0..self.frames.div_ceil(step))
                .into_par_iter()
                .map(|k| self.file_sums(fi, k * step, ((k + 1) * step).min(self.frames)))
                .collect();
            for (ch, s) in parts.iter().flatten() {
                total[*ch].merge(s);
            }
        }
        total
    }
}

impl SampleSource for WfdbSource {
    fn read_physical(&self, ch: usize, first: u64, out: &mut [f64]) -> Result<(), Error> {
        let c = &self.chans[ch];
        let mut d = vec![0; out.len().min(STEP as usize)];
        for (k, part) in out.chunks_mut(STEP as usize).enumerate() {
            let d = &mut d[..part.len()];
            self.digital(ch, first + k as u64 * STEP, d);
            to_physical(c, d, part);
        }
        Ok(())
    }

    fn read_digital(&self, ch: usize, first: u64, out: &mut [i32]) -> Result<bool, Error> {
        self.digital(ch, first, out);
        Ok(true)
    }

    fn stats(&self, ch: usize) -> Result<ChannelStats, Error> {
        Ok(self.all_stats()?.swap_remove(ch))
    }

    fn all_stats(&self) -> Result<Vec<ChannelStats>, Error> {
        let sums = self.sums();
        Ok(sums
            .iter()
            .zip(&self.chans)
            .map(|(s, c)| s.physical(c))
            .collect())
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn verify(&self) -> Vec<String> {
        let sums = self.sums();
        let mut notes = Vec::new();
        for ((label, stated), s) in self.checksums.iter().zip(sums) {
            if let Some((want, got)) = checksum_mismatch(*stated, s.stored) {
                notes.push(format!(
                    "signal {label:?}: checksum mismatch: the header states {want}, the samples sum to {got} (mod 2^16)"
                ));
            }
        }
        notes
    }
}

/// `out[i] = c.physical(d[i])`, in a form the compiler vectorises when the baseline fits an
/// i32 (then `d - baseline` is exact in f64 whichever way it is computed).
fn to_physical(c: &Chan, d: &[i32], out: &mut [f64]) {
    let Ok(base) = i32::try_from(c.baseline) else {
        for (o, &v) in out.iter_mut().zip(d) {
            *o = c.physical(v);
        }
        return;
    };
    let (base, gain) = (f64::from(base), c.gain);
    let inv = c.invalid.map_or(i64::MAX, i64::from);
    for (o, &v) in out.iter_mut().zip(d) {
        let x = (f64::from(v) - base) / gain;
        *o = if i64::from(v) == inv { f64::NAN } else { x };
    }
}

type Partial = (u64, i64, i128, i32, i32);

/// Sums of a one-sample-per-frame channel of at most 16 bits, without a branch per sample:
/// invalid samples (the format's most negative code) are counted, then taken out.
fn narrow_sums(buf: &[i32], len: usize, slot: usize, from: usize, inv: i32) -> Partial {
    let vals = buf.get(from * len + slot..).unwrap_or(&[]);
    let (mut all, mut bad, mut s, mut q) = (0u64, 0u64, 0i64, 0i64);
    let (mut lo, mut hi) = (i32::MAX, i32::MIN);
    for &v in vals.iter().step_by(len) {
        let is_bad = v == inv;
        all += 1;
        bad += u64::from(is_bad);
        s += i64::from(v);
        q += i64::from(v * v);
        lo = lo.min(if is_bad { i32::MAX } else { v });
        hi = hi.max(v);
    }
    let k = bad as i64;
    let s = s - k * i64::from(inv);
    let q = q - k * i64::from(inv) * i64::from(inv);
    (all - bad, s, i128::from(q), lo, hi)
}

/// Sums of any channel (several samples per frame, or more than 16 bits).
fn wide_sums(buf: &[i32], len: usize, c: &Chan, from: usize) -> Partial {
    let (mut n, mut sum, mut sq, mut lo, mut hi) = (0u64, 0i64, 0i128, i32::MAX, i32::MIN);
    for v in slot_values(buf, len, c, from) {
        if Some(v) == c.invalid {
            continue;
        }
        n += 1;
        sum += i64::from(v);
        sq += i128::from(i64::from(v) * i64::from(v));
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (n, sum, sq, lo, hi)
}

/// The values of channel `c` in `buf` (whole frames of `len` samples), from frame `from`.
fn slot_values<'a>(
    buf: &'a [i32],
    len: usize,
    c: &Chan,
    from: usize,
) -> impl Iterator<Item = i32> + 'a {
    let (slot, spf) = (c.slot as usize, c.spf as usize);
    buf.chunks_exact(len)
        .skip(from)
        .flat_map(move |f| f[slot..slot + spf].iter().copied())
}

/// The checksum a header states (16-bit, written signed or unsigned) against the one computed
/// over every stored sample: `None` when they agree or the header states none.
pub fn checksum_mismatch(stated: Option<i64>, stored_sum: i64) -> Option<(i16, i16)> {
    let stated = stated? as u16 as i16;
    let computed = stored_sum as u16 as i16;
    (stated != computed).then_some((stated, computed))
}
