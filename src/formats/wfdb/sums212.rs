//! The statistics pass over a file of two format-212 signals (the MIT-BIH layout: one group of
//! three bytes per frame), decoded and accumulated in one sweep over the bytes.

use super::source::Sums;

/// Format 212's invalid-sample code.
const INVALID: i32 = -(1 << 11);

/// Running sums of one channel, every code included (invalid ones taken out at the end).
/// Frames per block: the squares of a block's 12-bit values fit an i32 (256 * 2048^2 < 2^31).
const BLOCK: usize = 256;

/// Running sums of one channel, every code included (invalid ones taken out at the end).
#[derive(Clone, Copy)]
struct Acc {
    all: u64,
    bad: u64,
    sum: i64,
    sq: i64,
    lo: i32,
    hi: i32,
}

impl Acc {
    const EMPTY: Acc = Acc {
        all: 0,
        bad: 0,
        sum: 0,
        sq: 0,
        lo: i32::MAX,
        hi: i32::MIN,
    };

    /// Adds a block of values with plain reductions the compiler turns into vector code.
    #[inline(always)]
    fn add(&mut self, v: &[i16]) {
        let (mut bad, mut sum, mut sq) = (0i32, 0i32, 0i32);
        let (mut lo, mut hi) = (i16::MAX, i16::MIN);
        for &x in v {
            bad += i32::from(x == INVALID as i16);
            sum += i32::from(x);
            sq += i32::from(x) * i32::from(x);
            lo = lo.min(x);
            hi = hi.max(x);
        }
        self.all += v.len() as u64;
        self.bad += bad as u64;
        self.sum += i64::from(sum);
        self.sq += i64::from(sq);
        self.lo = self.lo.min(i32::from(lo));
        self.hi = self.hi.max(i32::from(hi));
    }
}

#[inline(always)]
fn pair(b: &[u8]) -> (i32, i32) {
    let (b0, b1, b2) = (i32::from(b[0]), i32::from(b[1]), i32::from(b[2]));
    let v0 = ((b0 | ((b1 & 0x0f) << 8)) << 20) >> 20;
    let v1 = ((b2 | ((b1 & 0xf0) << 4)) << 20) >> 20;
    (v0, v1)
}

/// Sums of both signals over `data`, whole groups of 3 bytes (one frame each).
pub fn pair_sums(data: &[u8]) -> [Sums; 2] {
    crate::formats::simd::with_avx2(data, sweep)
}

#[inline(always)]
fn sweep(data: &[u8]) -> [Sums; 2] {
    let (mut a, mut b) = (Acc::EMPTY, Acc::EMPTY);
    let (mut x, mut y) = ([0i16; BLOCK], [0i16; BLOCK]);
    for block in data.chunks(3 * BLOCK) {
        let n = block.len() / 3;
        for ((g, p), q) in block.chunks_exact(3).zip(&mut x).zip(&mut y) {
            let (v0, v1) = pair(g);
            (*p, *q) = (v0 as i16, v1 as i16);
        }
        a.add(&x[..n]);
        b.add(&y[..n]);
    }
    [finish(a, data, false), finish(b, data, true)]
}

/// The sums of the valid samples from the sums of all codes.
fn finish(a: Acc, data: &[u8], second: bool) -> Sums {
    let n = a.all - a.bad;
    let k = a.bad as i64;
    let inv = i64::from(INVALID);
    let mut s = Sums {
        stored: a.sum,
        ..Sums::default()
    };
    if n == 0 {
        return s;
    }
    let mut lo = a.lo;
    if lo == INVALID {
        // Rare: the minimum is the invalid code; the smallest valid value needs a second look.
        lo = data
            .chunks_exact(3)
            .map(|g| if second { pair(g).1 } else { pair(g).0 })
            .filter(|&v| v != INVALID)
            .min()
            .unwrap_or(lo);
    }
    s.n = n;
    s.sum = i128::from(a.sum - k * inv);
    s.sum_sq = i128::from(a.sq - k * inv * inv);
    s.min = lo;
    s.max = a.hi;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(v0: i32, v1: i32) -> [u8; 3] {
        let (a, b) = ((v0 & 0xfff) as u32, (v1 & 0xfff) as u32);
        [a as u8, ((a >> 8) | ((b >> 8) << 4)) as u8, b as u8]
    }

    /// Straightforward sums of the valid values, for comparison.
    fn naive(vals: &[i32]) -> (u64, i64, i64, i32, i32, i64) {
        let ok: Vec<i64> = vals
            .iter()
            .filter(|&&v| v != INVALID)
            .map(|&v| v.into())
            .collect();
        let lo = ok.iter().min().map_or(0, |&v| v as i32);
        let hi = ok.iter().max().map_or(0, |&v| v as i32);
        let sq = ok.iter().map(|v| v * v).sum();
        let stored = vals.iter().map(|&v| i64::from(v)).sum();
        (ok.len() as u64, ok.iter().sum(), sq, lo, hi, stored)
    }

    #[test]
    fn pair_sums_equal_naive_sums_with_invalid_codes_and_extremes() {
        // Lengths across block boundaries; channel 0 holds invalid codes (its minimum), channel
        // 1 the extreme valid values.
        for frames in [0usize, 1, 255, 256, 257, 1000] {
            let mut data = Vec::new();
            let (mut c0, mut c1) = (Vec::new(), Vec::new());
            for i in 0..frames {
                let v0 = if i % 7 == 3 {
                    INVALID
                } else {
                    (i as i32 * 37) % 2047 - 1000
                };
                let v1 = [2047, -2047, 5, -3][i % 4];
                data.extend(encode(v0, v1));
                c0.push(v0);
                c1.push(v1);
            }
            let got = pair_sums(&data);
            for (s, vals) in got.iter().zip([&c0, &c1]) {
                let g = (s.n, s.sum as i64, s.sum_sq as i64, s.min, s.max, s.stored);
                let want = naive(vals);
                println!("{frames} frames: got {g:?}, naive {want:?}");
                assert_eq!(g, want);
            }
        }
    }
}
