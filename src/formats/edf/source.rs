//! Sample access over the memory map, and the annotation pass at open.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::header::{Flavour, Header};
use super::tal;
use crate::formats::Error;
use crate::signal::{Annotation, ChannelStats, SampleSource};

/// Samples of an EDF-family file, read straight from the memory map.
pub struct EdfSource {
    path: PathBuf,
    map: Bytes,
    header: Header,
    /// For each data channel: index of its signal in the header.
    signal_of: Vec<usize>,
    /// Byte offset of each header signal inside a data record.
    offset_in_record: Vec<u64>,
    /// Onset (s from the first sample) of every record, for EDF+D files only.
    record_onsets: Option<Vec<f64>>,
}

/// The file's bytes: a read-only memory map, or a buffer (tests, fuzzing).
pub type Bytes = Box<dyn AsRef<[u8]> + Send + Sync>;

/// EDFlib's conversion (`edflib.c`): bitvalue = (pmax - pmin) / (dmax - dmin),
/// offset = pmax / bitvalue - dmax, physical = bitvalue * (offset + digital). Using the same
/// expression, not the algebraically equal `(d - dmin) * gain + pmin`, gives EDFlib's values
/// bit for bit.
#[derive(Debug, Clone, Copy)]
pub struct Gain {
    pub bitvalue: f64,
    pub offset: f64,
}

impl Gain {
    pub fn new(pmin: f64, pmax: f64, dmin: i64, dmax: i64) -> Self {
        let bitvalue = (pmax - pmin) / (dmax - dmin) as f64;
        Gain {
            bitvalue,
            offset: pmax / bitvalue - dmax as f64,
        }
    }

    #[inline]
    pub fn physical(self, digital: i32) -> f64 {
        self.bitvalue * (self.offset + f64::from(digital))
    }
}

/// Timing read from the time-keeping TALs.
pub struct Timing {
    pub start_offset_100ns: i64,
    /// Onset of every record in seconds from the first sample, when the file is EDF+D.
    pub record_onsets_s: Option<Vec<f64>>,
}

impl Timing {
    pub fn discontinuous_onsets(&self) -> Option<Vec<f64>> {
        self.record_onsets_s.clone()
    }
}

impl EdfSource {
    pub fn new(path: &Path, map: Bytes, header: Header) -> Result<Self, Error> {
        let bps = header.bytes_per_sample();
        let mut offset_in_record = Vec::with_capacity(header.signals.len());
        let mut off = 0;
        for s in &header.signals {
            offset_in_record.push(off);
            off += s.samples_per_record * bps;
        }
        let signal_of = (0..header.signals.len())
            .filter(|&i| !header.signals[i].annotation)
            .collect();
        Ok(EdfSource {
            path: path.to_path_buf(),
            map,
            header,
            signal_of,
            offset_in_record,
            record_onsets: None,
        })
    }

    pub fn with_record_onsets(mut self, onsets: Option<Vec<f64>>) -> Self {
        self.record_onsets = onsets;
        self
    }

    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Bytes of header signal `sig` in record `rec` (both checked against the header, whose
    /// sizes were checked against the file length when it was parsed).
    fn signal_bytes(&self, sig: usize, rec: u64) -> &[u8] {
        let h = &self.header;
        let start = h.header_bytes + rec * h.record_bytes + self.offset_in_record[sig];
        let len = h.signals[sig].samples_per_record * h.bytes_per_sample();
        &(*self.map).as_ref()[start as usize..(start + len) as usize]
    }

    /// Calls `f(bytes, position)` for each run of samples `first..first + count` of header
    /// signal `sig` that lies inside one record; `position` counts from `first`.
    fn for_each_run(&self, sig: usize, first: u64, count: usize, mut f: impl FnMut(&[u8], usize)) {
        let spr = self.header.signals[sig].samples_per_record;
        let bps = self.header.bytes_per_sample() as usize;
        let mut done = 0usize;
        let mut index = first;
        while done < count {
            let rec = index / spr;
            let within = (index % spr) as usize;
            let take = (spr as usize - within).min(count - done);
            f(
                &self.signal_bytes(sig, rec)[within * bps..(within + take) * bps],
                done,
            );
            done += take;
            index += take as u64;
        }
    }

    fn gain(&self, sig: usize) -> Gain {
        let s = &self.header.signals[sig];
        Gain::new(s.physical_min, s.physical_max, s.digital_min, s.digital_max)
    }

    fn decode_into(&self, bytes: &[u8], out: &mut [f64], gain: Gain) {
        if self.header.bdf {
            for (o, b) in out.iter_mut().zip(bytes.chunks_exact(3)) {
                *o = gain.physical(bdf_sample(b));
            }
        } else {
            for (o, b) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                *o = gain.physical(i32::from(i16::from_le_bytes([b[0], b[1]])));
            }
        }
    }

    /// Integer sums over records `recs` of every data channel: one pass over the bytes.
    fn digital_sums(&self, recs: std::ops::Range<u64>) -> Vec<DigitalSums> {
        let mut acc = vec![DigitalSums::default(); self.signal_of.len()];
        for rec in recs {
            for (a, &sig) in acc.iter_mut().zip(&self.signal_of) {
                let bytes = self.signal_bytes(sig, rec);
                if self.header.bdf {
                    a.add_bdf(bytes);
                } else {
                    a.add_edf(bytes);
                }
            }
        }
        acc
    }

    /// Statistics of every data channel in one pass over the file, split into record ranges
    /// that run in parallel: each byte is read once, which keeps the pass near the speed of
    /// reading the file (a pass per channel would walk every page once per channel).
    pub fn all_stats(&self) -> Vec<ChannelStats> {
        let n = self.header.records;
        let chunk = (n / (rayon::current_num_threads() as u64 * 4)).clamp(1, 4096);
        let parts: Vec<Vec<DigitalSums>> = (0..n.div_ceil(chunk))
            .into_par_iter()
            .map(|k| self.digital_sums(k * chunk..((k + 1) * chunk).min(n)))
            .collect();
        let mut total = vec![DigitalSums::default(); self.signal_of.len()];
        for part in parts {
            for (t, p) in total.iter_mut().zip(part) {
                t.merge(&p);
            }
        }
        total
            .iter()
            .zip(&self.signal_of)
            .map(|(t, &sig)| t.physical(self.gain(sig)))
            .collect()
    }
}

#[inline]
fn bdf_sample(b: &[u8]) -> i32 {
    // 24-bit little-endian two's complement, sign-extended through the top byte.
    i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8
}

/// Sum, sum of squares, minimum and maximum of 16-bit EDF samples, exact.
///
/// Written in 16 independent lanes so the compiler vectorises it: a single accumulator chain
/// does not. Lane sums stay in i32 for at most `FLUSH` chunks (4096 x 32768 < 2^31) and squares
/// (at most 2^30) widen to u64, so the result is the exact integer sum either way.
#[inline(always)]
fn edf_sums(bytes: &[u8]) -> (i64, i64, i32, i32) {
    const LANES: usize = 16;
    const FLUSH: usize = 4096;
    let mut s = 0i64;
    let mut lo = [i16::MAX; LANES];
    let mut hi = [i16::MIN; LANES];
    let mut sq = [0u64; LANES];
    let full = bytes.len() / (2 * LANES) * (2 * LANES);
    let (body, tail) = bytes.split_at(full);
    for block in body.chunks(2 * LANES * FLUSH) {
        let mut ls = [0i32; LANES];
        for c in block.chunks_exact(2 * LANES) {
            for l in 0..LANES {
                let v = i16::from_le_bytes([c[2 * l], c[2 * l + 1]]);
                let w = i32::from(v);
                ls[l] += w;
                sq[l] += u64::from((w * w) as u32);
                lo[l] = lo[l].min(v);
                hi[l] = hi[l].max(v);
            }
        }
        s += ls.iter().map(|&x| i64::from(x)).sum::<i64>();
    }
    let mut q = sq.iter().sum::<u64>() as i64;
    let mut lo = lo.iter().map(|&v| i32::from(v)).fold(i32::MAX, i32::min);
    let mut hi = hi.iter().map(|&v| i32::from(v)).fold(i32::MIN, i32::max);
    for b in tail.chunks_exact(2) {
        let v = i32::from(i16::from_le_bytes([b[0], b[1]]));
        s += i64::from(v);
        q += i64::from(v * v);
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (s, q, lo, hi)
}

/// Sum, sum of squares (i128: squares of 24-bit values reach 2^46), minimum and maximum of
/// 24-bit BDF samples, exact.
#[inline(always)]
fn bdf_sums(bytes: &[u8]) -> (i64, i128, i32, i32) {
    let (mut s, mut q, mut lo, mut hi) = (0i64, 0i128, i32::MAX, i32::MIN);
    for b in bytes.chunks_exact(3) {
        let v = bdf_sample(b);
        s += i64::from(v);
        q += i128::from(i64::from(v) * i64::from(v));
        lo = lo.min(v);
        hi = hi.max(v);
    }
    (s, q, lo, hi)
}

/// Exact integer sums of digital values; physical statistics follow from them exactly.
#[derive(Debug, Clone, Default)]
struct DigitalSums {
    n: u64,
    sum: i128,
    sum_sq: i128,
    min: i32,
    max: i32,
}

impl DigitalSums {
    fn add_edf(&mut self, bytes: &[u8]) {
        let (s, q, lo, hi) = crate::formats::simd::with_avx2(bytes, edf_sums);
        self.fold((bytes.len() / 2) as u64, s, q, lo, hi);
    }

    fn add_bdf(&mut self, bytes: &[u8]) {
        let (s, q, lo, hi) = crate::formats::simd::with_avx2(bytes, bdf_sums);
        self.fold((bytes.len() / 3) as u64, s, 0, lo, hi);
        self.sum_sq += q;
    }

    fn fold(&mut self, n: u64, s: i64, q: i64, lo: i32, hi: i32) {
        if n == 0 {
            return;
        }
        if self.n == 0 {
            self.min = lo;
            self.max = hi;
        }
        self.n += n;
        self.sum += i128::from(s);
        self.sum_sq += i128::from(q);
        self.min = self.min.min(lo);
        self.max = self.max.max(hi);
    }

    fn merge(&mut self, o: &DigitalSums) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = o.clone();
            return;
        }
        self.n += o.n;
        self.sum += o.sum;
        self.sum_sq += o.sum_sq;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    fn physical(&self, g: Gain) -> ChannelStats {
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
        let nf = self.n as f64;
        let (sum, sum_sq) = self.shifted_sums(g).unwrap_or_else(|| {
            // Absurd gains (a header range like 1e308) overflow the exact path; plain floats
            // give the same inf/NaN that per-sample conversion gives.
            let s1 = self.sum as f64;
            let s2 = self.sum_sq as f64;
            let o = g.offset;
            let b = g.bitvalue;
            (b * (nf * o + s1), b * b * (nf * o * o + 2.0 * o * s1 + s2))
        });
        let (a, b) = (g.physical(self.min), g.physical(self.max));
        ChannelStats {
            n: self.n,
            min: a.min(b),
            max: a.max(b),
            mean: sum / nf,
            sum,
            sum_sq,
        }
    }

    /// physical = b (o + d) = b (r + e) with c the integer nearest -o, r = o + c (at most 0.5)
    /// and e = d - c: the sums of e stay exact integers and the products small, so the result
    /// loses no precision to cancellation even for DC channels with huge offsets.
    fn shifted_sums(&self, g: Gain) -> Option<(f64, f64)> {
        let c = (-g.offset).round();
        if !c.is_finite() || c.abs() > 9.0e15 {
            return None;
        }
        let (n, ci) = (i128::from(self.n), c as i128);
        let se = self.sum.checked_sub(n.checked_mul(ci)?)?;
        let sq = self
            .sum_sq
            .checked_sub(ci.checked_mul(self.sum)?.checked_mul(2)?)?
            .checked_add(n.checked_mul(ci)?.checked_mul(ci)?)?;
        let (nf, r, b) = (self.n as f64, g.offset + c, g.bitvalue);
        Some((
            b * (nf * r + se as f64),
            b * b * (nf * r * r + 2.0 * r * se as f64 + sq as f64),
        ))
    }
}

impl SampleSource for EdfSource {
    fn read_physical(&self, ch: usize, first: u64, out: &mut [f64]) -> Result<(), Error> {
        let sig = self.signal_of[ch];
        let gain = self.gain(sig);
        self.for_each_run(sig, first, out.len(), |bytes, at| {
            let n = bytes.len() / self.header.bytes_per_sample() as usize;
            self.decode_into(bytes, &mut out[at..at + n], gain);
        });
        Ok(())
    }

    fn read_digital(&self, ch: usize, first: u64, out: &mut [i32]) -> Result<bool, Error> {
        let sig = self.signal_of[ch];
        let bdf = self.header.bdf;
        self.for_each_run(sig, first, out.len(), |bytes, at| {
            if bdf {
                for (o, b) in out[at..].iter_mut().zip(bytes.chunks_exact(3)) {
                    *o = bdf_sample(b);
                }
            } else {
                for (o, b) in out[at..].iter_mut().zip(bytes.chunks_exact(2)) {
                    *o = i32::from(i16::from_le_bytes([b[0], b[1]]));
                }
            }
        });
        Ok(true)
    }

    fn stats(&self, ch: usize) -> Result<ChannelStats, Error> {
        let sig = self.signal_of[ch];
        let mut acc = DigitalSums::default();
        for rec in 0..self.header.records {
            let bytes = self.signal_bytes(sig, rec);
            if self.header.bdf {
                acc.add_bdf(bytes);
            } else {
                acc.add_edf(bytes);
            }
        }
        Ok(acc.physical(self.gain(sig)))
    }

    fn all_stats(&self) -> Result<Vec<ChannelStats>, Error> {
        Ok(EdfSource::all_stats(self))
    }

    fn record_onset(&self, ch: usize, index: u64) -> Option<f64> {
        let onsets = self.record_onsets.as_ref()?;
        let spr = self.header.signals[*self.signal_of.get(ch)?].samples_per_record;
        onsets.get((index / spr) as usize).copied()
    }

    fn open_for_writing(&self) -> bool {
        self.header.open_for_writing
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads every TAL of every record: annotations (onsets relative to the first sample, as
/// EDFlib reports them) and the record onsets from the time-keeping TALs.
pub fn read_annotations(
    path: &Path,
    src: &EdfSource,
) -> Result<(Vec<Annotation>, Timing, Vec<String>), Error> {
    let h = &src.header;
    let mut notes = Vec::new();
    let annot: Vec<usize> = (0..h.signals.len())
        .filter(|&i| h.signals[i].annotation)
        .collect();
    if h.flavour == Flavour::Plain || annot.is_empty() {
        let timing = Timing {
            start_offset_100ns: 0,
            record_onsets_s: None,
        };
        return Ok((Vec::new(), timing, notes));
    }
    let mut raw: Vec<(i64, Option<i64>, String)> = Vec::new();
    let mut onsets: Vec<Option<i64>> = Vec::with_capacity(h.records.min(1 << 24) as usize);
    for rec in 0..h.records {
        let mut keeping = None;
        for (k, &sig) in annot.iter().enumerate() {
            let bytes = src.signal_bytes(sig, rec);
            let tals = tal::parse(bytes).map_err(|e| Error::Tal {
                path: path.to_path_buf(),
                record: rec,
                offset: h.header_bytes
                    + rec * h.record_bytes
                    + src.offset_in_record[sig]
                    + e.offset as u64,
                detail: e.detail,
            })?;
            for (t, tal) in tals.into_iter().enumerate() {
                let mut texts = tal.texts.into_iter();
                if k == 0 && t == 0 {
                    keeping = Some(tal.onset_100ns);
                    texts.next();
                }
                for text in texts.filter(|s| !s.is_empty()) {
                    raw.push((tal.onset_100ns, tal.duration_100ns, text));
                }
            }
        }
        onsets.push(keeping);
    }
    let timing = timing(path, h, &onsets, &mut notes)?;
    let annotations = raw
        .into_iter()
        .map(|(on, dur, text)| Annotation {
            onset_s: on.saturating_sub(timing.start_offset_100ns) as f64 / 1e7,
            duration_s: dur.map(|d| d as f64 / 1e7),
            text,
            channel: None,
        })
        .collect();
    Ok((annotations, timing, notes))
}

fn timing(
    path: &Path,
    h: &Header,
    onsets: &[Option<i64>],
    notes: &mut Vec<String>,
) -> Result<Timing, Error> {
    let first = onsets.first().copied().flatten();
    let discontinuous = h.flavour == Flavour::PlusDiscontinuous;
    let missing = onsets.iter().position(Option::is_none);
    if let Some(rec) = missing {
        if discontinuous {
            return Err(Error::Tal {
                path: path.to_path_buf(),
                record: rec as u64,
                offset: h.header_bytes + rec as u64 * h.record_bytes,
                detail: "expected a time-keeping TAL (the record's onset) at the start of the first annotation signal".into(),
            });
        }
        notes.push(format!(
            "data record {rec} has no time-keeping TAL; records are taken as contiguous"
        ));
    }
    let start = first.unwrap_or(0);
    if !discontinuous {
        let dur = h.record_duration_100ns;
        let off = onsets.iter().enumerate().find(|(r, o)| {
            o.is_some_and(|o| Some(o.saturating_sub(start)) != (*r as i64).checked_mul(dur))
        });
        if let Some((r, _)) = off {
            notes.push(format!(
                "EDF+C, but data record {r} does not start where the previous one ends; records are taken as contiguous"
            ));
        }
        return Ok(Timing {
            start_offset_100ns: start,
            record_onsets_s: None,
        });
    }
    let mut rel = Vec::with_capacity(onsets.len());
    let mut prev_end: Option<i64> = None;
    for (r, o) in onsets.iter().enumerate() {
        let o = o.unwrap_or_default().saturating_sub(start);
        if prev_end.is_some_and(|e| o < e) {
            return Err(Error::Tal {
                path: path.to_path_buf(),
                record: r as u64,
                offset: h.header_bytes + r as u64 * h.record_bytes,
                detail: format!(
                    "record onset {} s lies before the end of the previous record ({} s); EDF+D records must not overlap",
                    o as f64 / 1e7,
                    prev_end.unwrap_or_default() as f64 / 1e7
                ),
            });
        }
        prev_end = Some(o.saturating_add(h.record_duration_100ns));
        rel.push(o as f64 / 1e7);
    }
    Ok(Timing {
        start_offset_100ns: start,
        record_onsets_s: Some(rel),
    })
}
