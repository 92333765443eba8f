//! WFDB sample formats (signal(5)): decoding a run of a signal file's interleaved samples.
//!
//! A signal file holds one stream of samples, frame after frame; `decode` turns stream
//! positions `first..first + out.len()` into stored integer values, touching only the bytes
//! of those positions (formats 212, 310 and 311 pack samples in groups, so a run starts at its
//! group). A final group the file holds only in part decodes as wfdb-python reads it: the
//! missing bytes are taken as zero.

/// The formats sigmark reads from bytes in place (FLAC formats are decoded in `flac`).
pub const MAPPED: [u16; 10] = [8, 16, 24, 32, 61, 80, 160, 212, 310, 311];
/// FLAC formats (8, 16 and 24 bits).
pub const FLAC: [u16; 3] = [508, 516, 524];

/// Samples per group and bytes per group of a format stored in place.
pub fn group(fmt: u16) -> Option<(u64, u64)> {
    Some(match fmt {
        8 | 80 => (1, 1),
        16 | 61 | 160 => (1, 2),
        24 => (1, 3),
        32 => (1, 4),
        212 => (2, 3),
        310 | 311 => (3, 4),
        _ => return None,
    })
}

/// The value that marks a sample as invalid (wfdb-python `INVALID_SAMPLE_VALUE`); format 8
/// has none.
pub fn invalid_value(fmt: u16) -> Option<i32> {
    Some(match fmt {
        80 | 508 => -(1 << 7),
        310 | 311 => -(1 << 9),
        212 => -(1 << 11),
        16 | 61 | 160 | 516 => -(1 << 15),
        24 | 524 => -(1 << 23),
        32 => i32::MIN,
        _ => return None,
    })
}

/// Complete samples `bytes` hold in format `fmt` (wfdb-python's `_infer_sig_len`, floor of
/// bytes / bytes per sample).
pub fn samples_in(fmt: u16, bytes: u64) -> u64 {
    match group(fmt) {
        Some((s, b)) => bytes.saturating_mul(s) / b,
        None => 0,
    }
}

/// Bytes needed to hold `n` samples (the last group in part).
pub fn bytes_for(fmt: u16, n: u64) -> u64 {
    match group(fmt) {
        Some((s, b)) => (n.saturating_mul(b)).div_ceil(s),
        None => 0,
    }
}

#[inline]
fn sext(v: i32, bits: u32) -> i32 {
    let s = 32 - bits;
    (v << s) >> s
}

/// Decodes one group of a packed format from up to 4 bytes (missing bytes are zero).
#[inline]
fn unpack(fmt: u16, g: [u8; 4]) -> [i32; 3] {
    let b = g.map(i32::from);
    match fmt {
        212 => [
            sext(b[0] | ((b[1] & 0x0f) << 8), 12),
            sext(b[2] | ((b[1] & 0xf0) << 4), 12),
            0,
        ],
        310 => [
            sext((b[0] >> 1) | ((b[1] & 0x07) << 7), 10),
            sext((b[2] >> 1) | ((b[3] & 0x07) << 7), 10),
            sext(((b[1] >> 3) & 0x1f) | (((b[3] >> 3) & 0x1f) << 5), 10),
        ],
        _ => [
            sext(b[0] | ((b[1] & 0x03) << 8), 10),
            sext((b[1] >> 2) | ((b[2] & 0x0f) << 6), 10),
            sext((b[2] >> 4) | ((b[3] & 0x7f) << 4), 10),
        ],
    }
}

/// Stored value of a one-sample-per-group format (not 8, whose values are differences).
#[inline]
fn single(fmt: u16, b: &[u8]) -> i32 {
    match fmt {
        16 => i32::from(i16::from_le_bytes([b[0], b[1]])),
        61 => i32::from(i16::from_be_bytes([b[0], b[1]])),
        160 => i32::from(u16::from_le_bytes([b[0], b[1]])) - 32768,
        80 => i32::from(b[0]) - 128,
        24 => i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8,
        32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        _ => i32::from(b[0] as i8),
    }
}

/// Decodes stream positions `first..first + out.len()` of `data` (the file's bytes from its
/// byte offset). Positions past the end of `data` must not be asked for, except inside a
/// final group the file holds in part. Format 8 yields the raw differences.
pub fn decode(fmt: u16, data: &[u8], first: u64, out: &mut [i32]) {
    let Some((spg, bpg)) = group(fmt) else {
        return;
    };
    if spg == 1 {
        let bpg = bpg as usize;
        let start = first as usize * bpg;
        let end = (start + out.len() * bpg).min(data.len());
        for (o, b) in out
            .iter_mut()
            .zip(data[start.min(end)..end].chunks_exact(bpg))
        {
            *o = single(fmt, b);
        }
        return;
    }
    let mut g = first / spg;
    let mut skip = (first % spg) as usize;
    let mut done = 0;
    while done < out.len() {
        // Whole groups the data holds, decoded straight from their bytes.
        if skip == 0 {
            let at = (g * bpg) as usize;
            let groups = (out.len() - done) / spg as usize;
            let have = data.len().saturating_sub(at) / bpg as usize;
            let k = groups.min(have);
            if k > 0 {
                bulk(
                    fmt,
                    &data[at..at + k * bpg as usize],
                    &mut out[done..done + k * spg as usize],
                );
                done += k * spg as usize;
                g += k as u64;
                continue;
            }
        }
        let at = (g * bpg) as usize;
        let mut bytes = [0u8; 4];
        if at < data.len() {
            let end = (at + bpg as usize).min(data.len());
            bytes[..end - at].copy_from_slice(&data[at..end]);
        }
        let vals = unpack(fmt, bytes);
        for &v in &vals[skip..spg as usize] {
            if done == out.len() {
                break;
            }
            out[done] = v;
            done += 1;
        }
        skip = 0;
        g += 1;
    }
}

/// Decodes stream positions `first`, `first + stride`, `first + 2 * stride`, ... into `out`:
/// one channel's samples out of a file that interleaves several. Positions follow the rules
/// of `decode` (a final group held in part reads its missing bytes as zero).
pub fn decode_strided(fmt: u16, data: &[u8], first: u64, stride: u64, out: &mut [i32]) {
    let Some((spg, bpg)) = group(fmt) else {
        return;
    };
    if stride <= 1 {
        return decode(fmt, data, first, out);
    }
    if spg == 1 {
        let bpg = bpg as usize;
        for (i, o) in out.iter_mut().enumerate() {
            let at = (first + i as u64 * stride) as usize * bpg;
            if let Some(b) = data.get(at..at + bpg) {
                *o = single(fmt, b);
            }
        }
        return;
    }
    if fmt == 212 && stride % 2 == 0 {
        return strided_212(data, first, stride, out);
    }
    for (i, o) in out.iter_mut().enumerate() {
        decode(
            fmt,
            data,
            first + i as u64 * stride,
            std::slice::from_mut(o),
        );
    }
}

/// Format 212 at an even stride: every position is the same half of its group.
fn strided_212(data: &[u8], first: u64, stride: u64, out: &mut [i32]) {
    let step = (stride / 2 * 3) as usize;
    let mut at = (first / 2 * 3) as usize;
    let high = first % 2 == 1;
    let mut done = 0;
    // Whole groups the data holds, without bounds checks per byte.
    let whole = data
        .len()
        .saturating_sub(at + 2)
        .div_ceil(step)
        .min(out.len());
    if step == 3 && whole > 0 {
        // Two signals per frame (the MIT-BIH layout): consecutive groups, a loop that vectorises.
        let groups = data[at..at + 3 * whole].chunks_exact(3);
        for (o, b) in out[..whole].iter_mut().zip(groups) {
            let (b0, b1, b2) = (i32::from(b[0]), i32::from(b[1]), i32::from(b[2]));
            *o = if high {
                sext(b2 | ((b1 & 0xf0) << 4), 12)
            } else {
                sext(b0 | ((b1 & 0x0f) << 8), 12)
            };
        }
        done = whole;
    }
    for o in &mut out[done..whole] {
        let (b0, b1, b2) = (data[at], data[at + 1], data[at + 2]);
        *o = if high {
            sext(i32::from(b2) | ((i32::from(b1) & 0xf0) << 4), 12)
        } else {
            sext(i32::from(b0) | ((i32::from(b1) & 0x0f) << 8), 12)
        };
        at += step;
        done += 1;
    }
    for (i, o) in out[done..].iter_mut().enumerate() {
        let pos = first + (done + i) as u64 * stride;
        decode(212, data, pos, std::slice::from_mut(o));
    }
}

/// Whole groups of a packed format: `out` holds exactly the groups' samples.
fn bulk(fmt: u16, data: &[u8], out: &mut [i32]) {
    if fmt == 212 {
        for (o, b) in out.chunks_exact_mut(2).zip(data.chunks_exact(3)) {
            let (b0, b1, b2) = (i32::from(b[0]), i32::from(b[1]), i32::from(b[2]));
            o[0] = sext(b0 | ((b1 & 0x0f) << 8), 12);
            o[1] = sext(b2 | ((b1 & 0xf0) << 4), 12);
        }
        return;
    }
    for (o, b) in out.chunks_exact_mut(3).zip(data.chunks_exact(4)) {
        o.copy_from_slice(&unpack(fmt, [b[0], b[1], b[2], b[3]]));
    }
}

/// Decodes a whole format-8 stream: each byte is the first difference from the previous
/// sample of the same signal, starting from the signal's initial value. `init[k]` is the
/// initial value of frame slot `k` (a signal with several samples per frame has one slot per
/// sample, all sharing its value chain).
pub fn decode_format8(data: &[u8], slots: &[usize], init: &[i32], n: usize) -> Vec<i32> {
    let mut acc: Vec<i32> = init.to_vec();
    let mut out = Vec::with_capacity(n);
    if slots.is_empty() {
        return out;
    }
    for (i, &b) in data.iter().take(n).enumerate() {
        let sig = slots[i % slots.len()];
        acc[sig] = acc[sig].wrapping_add(i32::from(b as i8));
        out.push(acc[sig]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_formats_round_known_groups() {
        // 212: samples 0x123 and -1 (0xfff): b0 = 0x23, b1 = 0xf1, b2 = 0xff.
        let mut out = [0; 2];
        decode(212, &[0x23, 0xf1, 0xff], 0, &mut out);
        assert_eq!(out, [0x123, -1]);
        // A final group held in part: one sample in two bytes.
        let mut one = [0; 1];
        decode(212, &[0x23, 0xf1, 0xff, 0x05, 0x00], 2, &mut one);
        assert_eq!(one, [5]);
        // 311: 10-bit fields at bits 0, 10, 20: 1, -1, 2.
        let w: u32 = 1 | (0x3ff << 10) | (2 << 20);
        let mut three = [0; 3];
        decode(311, &w.to_le_bytes(), 0, &mut three);
        assert_eq!(three, [1, -1, 2]);
        // 310: bits 1-10 of each word, then bits 11-15 of both words: 3, -2, -512.
        let w0: u16 = 3 << 1;
        let w1: u16 = ((0x3fe) << 1) | (0b10000 << 11);
        let bytes = [w0.to_le_bytes(), w1.to_le_bytes()].concat();
        decode(310, &bytes, 0, &mut three);
        assert_eq!(three, [3, -2, -512]);
    }

    #[test]
    fn strided_decoding_equals_picking_from_a_full_decode() {
        // Bytes that end inside a group for every packed format (partial groups read as zero).
        let data: Vec<u8> = (0..203u32).map(|i| (i * 37 + 11) as u8).collect();
        let mut compared = 0;
        for fmt in MAPPED.into_iter().filter(|&f| f != 8) {
            let n = samples_in(fmt, data.len() as u64) as usize;
            let mut all = vec![0; n];
            decode(fmt, &data, 0, &mut all);
            for stride in 1..6u64 {
                for first in 0..stride {
                    let k = (n as u64 - first).div_ceil(stride) as usize;
                    let mut got = vec![i32::MIN; k];
                    decode_strided(fmt, &data, first, stride, &mut got);
                    let want: Vec<i32> = all
                        .iter()
                        .copied()
                        .skip(first as usize)
                        .step_by(stride as usize)
                        .collect();
                    assert_eq!(got, want, "format {fmt}, first {first}, stride {stride}");
                    compared += k;
                }
            }
        }
        println!("strided decode: {compared} samples equal to a full decode");
    }

    #[test]
    fn offset_binary_and_big_endian() {
        let mut v = [0; 1];
        decode(160, &[0, 0], 0, &mut v);
        assert_eq!(v, [-32768]);
        decode(61, &[0x01, 0x02], 0, &mut v);
        assert_eq!(v, [0x0102]);
        decode(80, &[0xff], 0, &mut v);
        assert_eq!(v, [127]);
        decode(24, &[0xff, 0xff, 0xff], 0, &mut v);
        assert_eq!(v, [-1]);
    }
}
