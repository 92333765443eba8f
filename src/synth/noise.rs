//! Noise and envelope shapes shared by the generators.

use super::rng::Rng;

/// `n` samples of white Gaussian noise with standard deviation `sd`.
pub fn white(rng: &mut Rng, n: usize, sd: f64) -> Vec<f64> {
    (0..n).map(|_| sd * rng.gauss()).collect()
}

/// `n` samples of 1/f ("pink") noise scaled to unit RMS.
///
/// Paul Kellet's refined filter bank: six one-pole filters whose poles sit about a decade
/// apart, so at 256 Hz the spectrum falls as 1/f from about 0.05 Hz to 60 Hz, the band where
/// the EEG background follows a power law.
pub fn pink(rng: &mut Rng, n: usize) -> Vec<f64> {
    let mut b = [0.0f64; 7];
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let w = rng.gauss();
        b[0] = 0.99886 * b[0] + w * 0.0555179;
        b[1] = 0.99332 * b[1] + w * 0.0750759;
        b[2] = 0.96900 * b[2] + w * 0.1538520;
        b[3] = 0.86650 * b[3] + w * 0.3104856;
        b[4] = 0.55000 * b[4] + w * 0.5329522;
        b[5] = -0.7616 * b[5] - w * 0.0168980;
        out.push(b.iter().sum::<f64>() + w * 0.5362);
        b[6] = w * 0.115926;
    }
    normalise(&mut out);
    out
}

/// Removes the mean and scales to unit RMS (no-op on silence).
pub fn normalise(x: &mut [f64]) {
    let n = x.len().max(1) as f64;
    let mean = x.iter().sum::<f64>() / n;
    let rms = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    if rms > 0.0 {
        x.iter_mut().for_each(|v| *v = (*v - mean) / rms);
    }
}

/// One-pole low-pass at `cutoff_hz`, run forward in place.
pub fn lowpass(x: &mut [f64], cutoff_hz: f64, rate_hz: f64) {
    let a = (-std::f64::consts::TAU * cutoff_hz / rate_hz).exp();
    let mut y = 0.0;
    for v in x.iter_mut() {
        y = a * y + (1.0 - a) * *v;
        *v = y;
    }
}

/// One-pole high-pass (the input minus its low-passed self).
pub fn highpass(x: &mut [f64], cutoff_hz: f64, rate_hz: f64) {
    let mut low = x.to_vec();
    lowpass(&mut low, cutoff_hz, rate_hz);
    x.iter_mut().zip(&low).for_each(|(v, l)| *v -= l);
}

/// 0 before 0, 1 after 1, a raised cosine in between: envelopes without clicks.
pub fn smoothstep(u: f64) -> f64 {
    let u = u.clamp(0.0, 1.0);
    0.5 - 0.5 * (std::f64::consts::PI * u).cos()
}

/// 1 inside `[start, end]`, ramping up and down over `ramp` seconds at each edge.
pub fn window(t: f64, start: f64, end: f64, ramp: f64) -> f64 {
    smoothstep((t - start) / ramp) * smoothstep((end - t) / ramp)
}

/// An asymmetric Gaussian bump at `dt = 0` (different widths before and after the peak).
pub fn bump(dt: f64, rise: f64, fall: f64) -> f64 {
    let s = if dt < 0.0 { rise } else { fall };
    (-0.5 * (dt / s).powi(2)).exp()
}

/// Rounds to a multiple of `step`. With a power-of-two step the result is exact in an f32, so
/// the HDF5 bytes cannot depend on the last bit of a libm function.
pub fn quantise(v: f64, step: f64) -> f64 {
    (v / step).round() * step
}

/// A first-order autoregressive walk: slowly wandering values with standard deviation `sd`.
pub struct Drift {
    value: f64,
    keep: f64,
    kick: f64,
}

impl Drift {
    /// `tau_steps`: how many calls the walk remembers (its correlation time).
    pub fn new(sd: f64, tau_steps: f64) -> Self {
        let keep = (-1.0 / tau_steps.max(1.0)).exp();
        Drift {
            value: 0.0,
            keep,
            kick: sd * (1.0 - keep * keep).sqrt(),
        }
    }

    pub fn step(&mut self, rng: &mut Rng) -> f64 {
        self.value = self.keep * self.value + self.kick * rng.gauss();
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pink_has_unit_rms_and_more_low_than_high_power() {
        let mut x = pink(&mut Rng::new(1), 1 << 14);
        let rms = (x.iter().map(|v| v * v).sum::<f64>() / x.len() as f64).sqrt();
        assert!((rms - 1.0).abs() < 1e-9);
        let mut hi = x.clone();
        highpass(&mut hi, 30.0, 256.0);
        lowpass(&mut x, 2.0, 256.0);
        let p = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>();
        assert!(p(&x) > 2.0 * p(&hi));
    }

    #[test]
    fn window_ramps() {
        assert_eq!(window(0.0, 1.0, 2.0, 0.1), 0.0);
        assert_eq!(window(1.5, 1.0, 2.0, 0.1), 1.0);
        assert_eq!(quantise(0.30001, 0.25), 0.25);
    }
}
