//! The one random source of `sigmark synth`: SplitMix64 (Steele, Lea and Flood 2014, as in
//! Vigna's reference `splitmix64.c`).
//!
//! It is written out here, a few lines, instead of taken from a crate so that the bytes of the
//! committed demo recordings can never change because a dependency changed its algorithm, its
//! seeding or its integer-to-float conversion.

use std::f64::consts::TAU;

/// A deterministic stream of pseudo-random numbers.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
    /// Box-Muller makes normals in pairs; the second waits here for the next call.
    spare: Option<f64>,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed,
            spare: None,
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1): the top 53 bits, so every value is exact in an f64.
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Standard normal (Box-Muller).
    pub fn gauss(&mut self) -> f64 {
        if let Some(z) = self.spare.take() {
            return z;
        }
        // 1 - u lies in (0, 1], so the logarithm is finite.
        let r = (-2.0 * (1.0 - self.uniform()).ln()).sqrt();
        let a = TAU * self.uniform();
        self.spare = Some(r * a.sin());
        r * a.cos()
    }

    /// An independent stream, so that adding a draw to one signal does not shift every other.
    pub fn fork(&mut self) -> Rng {
        Rng::new(self.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_splitmix64() {
        // First outputs of Vigna's splitmix64.c for seed 1234567.
        let mut r = Rng::new(1_234_567);
        let got: Vec<u64> = (0..5).map(|_| r.next_u64()).collect();
        assert_eq!(
            got,
            [
                6_457_827_717_110_365_317,
                3_203_168_211_198_807_973,
                9_817_491_932_198_370_423,
                4_593_380_528_125_082_431,
                16_408_922_859_458_223_821,
            ]
        );
    }

    #[test]
    fn uniform_stays_in_range() {
        let mut r = Rng::new(7);
        assert!((0..10_000)
            .map(|_| r.uniform())
            .all(|u| (0.0..1.0).contains(&u)));
    }
}
