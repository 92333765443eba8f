//! The waking EEG background: 1/f activity with some spatial correlation, a posterior alpha
//! rhythm that waxes and wanes, and a little frontal-central beta.

use std::f64::consts::TAU;

use super::montage::{alpha_weight, position, ELECTRODES};
use crate::synth::noise::{self, Drift};
use crate::synth::rng::Rng;

/// Peak alpha amplitude at O1/O2 (uV).
const ALPHA_UV: f64 = 35.0;
/// RMS of the 1/f activity (uV).
const PINK_UV: f64 = 12.0;
const BETA_UV: f64 = 3.0;

/// The background per channel, in two parts the seizure and postictal phases scale separately.
pub struct Background {
    /// 1/f activity and beta.
    pub broadband: Vec<Vec<f64>>,
    pub alpha: Vec<Vec<f64>>,
}

pub fn generate(rng: &mut Rng, n: usize, rate_hz: f64) -> Background {
    let left = noise::pink(rng, n);
    let right = noise::pink(rng, n);
    let beta = beta_carrier(rng, n, rate_hz);
    let (alpha_phase, alpha_env) = alpha_carrier(rng, n, rate_hz);
    let mut broadband = Vec::with_capacity(ELECTRODES.len());
    let mut alpha = Vec::with_capacity(ELECTRODES.len());
    for ch in 0..ELECTRODES.len() {
        let own = noise::pink(rng, n);
        let (x, y) = position(ch);
        // Neighbouring electrodes share part of their activity: a left and a right source,
        // mixed by how far the electrode sits to each side.
        let (wl, wr) = (0.4 * (1.0 - x), 0.4 * (1.0 + x));
        let beta_w = BETA_UV * (1.0 - 0.7 * alpha_weight(ch)) * (0.5 + 0.5 * y.max(0.0));
        let mut bb: Vec<f64> = (0..n)
            .map(|i| 0.75 * own[i] + wl * left[i] + wr * right[i])
            .collect();
        noise::normalise(&mut bb);
        bb.iter_mut()
            .zip(&beta)
            .for_each(|(v, b)| *v = PINK_UV * *v + beta_w * b);
        broadband.push(bb);
        let w = ALPHA_UV * alpha_weight(ch);
        // The hemispheres are not in perfect phase.
        let lag = 0.4 * x;
        alpha.push(
            (0..n)
                .map(|i| w * alpha_env[i] * (alpha_phase[i] + lag).sin())
                .collect(),
        );
    }
    Background { broadband, alpha }
}

/// Phase and envelope of an alpha rhythm near 10 Hz: frequency wobbling by about 0.3 Hz and
/// amplitude waxing and waning over a few seconds.
fn alpha_carrier(rng: &mut Rng, n: usize, rate_hz: f64) -> (Vec<f64>, Vec<f64>) {
    let mut freq = Drift::new(0.3, rate_hz);
    let mut env = Drift::new(0.3, 2.0 * rate_hz);
    let mut phase = rng.range(0.0, TAU);
    let mut phases = Vec::with_capacity(n);
    let mut envelope = Vec::with_capacity(n);
    for _ in 0..n {
        phase += TAU * (10.0 + freq.step(rng)) / rate_hz;
        phases.push(phase);
        envelope.push((0.65 + env.step(rng)).clamp(0.1, 1.2));
    }
    (phases, envelope)
}

/// Unit-amplitude 18-25 Hz activity: white noise band-passed by two one-pole filters.
fn beta_carrier(rng: &mut Rng, n: usize, rate_hz: f64) -> Vec<f64> {
    let mut x = noise::white(rng, n, 1.0);
    noise::highpass(&mut x, 18.0, rate_hz);
    noise::lowpass(&mut x, 25.0, rate_hz);
    noise::normalise(&mut x);
    x
}
