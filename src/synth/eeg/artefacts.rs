//! Non-cerebral activity a reader must tell from EEG: eye blinks and scalp-muscle bursts.

use super::montage::{blink_weight, muscle_weight, Side};
use crate::synth::events::TruthEvent;
use crate::synth::noise::{self, bump};
use crate::synth::rng::Rng;

/// Blink onsets (s). None fall in the seizure, so its power is not inflated by them.
const BLINKS: [f64; 12] = [
    6.0, 13.5, 21.0, 29.5, 44.0, 51.5, 60.5, 128.0, 146.5, 155.0, 163.5, 172.0,
];
/// A blink's deflection lasts about half a second; its peak comes 150 ms after the onset.
const BLINK_S: f64 = 0.5;
const BLINK_PEAK_S: f64 = 0.15;

/// Muscle bursts: onset (s), duration (s), side.
const MUSCLE: [(f64, f64, Side); 4] = [
    (24.0, 2.0, Side::Left),
    (38.0, 3.0, Side::Both),
    (140.5, 1.5, Side::Right),
    (160.0, 2.5, Side::Left),
];
/// RMS of a muscle burst at its strongest electrode (uV).
const MUSCLE_UV: f64 = 25.0;

/// Adds the blinks (120-220 uV at Fp1/Fp2, positive: the cornea is positive and the eyes
/// roll up) and returns their truth events.
pub fn add_blinks(chans: &mut [Vec<f64>], rng: &mut Rng, rate_hz: f64) -> Vec<TruthEvent> {
    for &onset in &BLINKS {
        let amp = rng.range(120.0, 220.0);
        let peak = onset + BLINK_PEAK_S;
        let first = (onset * rate_hz) as usize;
        let last = ((onset + BLINK_S) * rate_hz) as usize;
        for (ch, x) in chans.iter_mut().enumerate() {
            let w = amp * blink_weight(ch);
            for (i, v) in x.iter_mut().enumerate().take(last).skip(first) {
                *v += w * bump(i as f64 / rate_hz - peak, 0.05, 0.08);
            }
        }
    }
    BLINKS
        .iter()
        .map(|&t| TruthEvent::span(t, BLINK_S, "Eye blink"))
        .collect()
}

/// Adds the muscle bursts (20-90 Hz noise, independent per electrode, since each muscle is
/// under its own electrodes) and returns their truth events.
pub fn add_muscle(chans: &mut [Vec<f64>], rng: &mut Rng, rate_hz: f64) -> Vec<TruthEvent> {
    for &(onset, dur, side) in &MUSCLE {
        let first = (onset * rate_hz) as usize;
        let len = (dur * rate_hz) as usize;
        for (ch, x) in chans.iter_mut().enumerate() {
            let burst = muscle_noise(rng, len, rate_hz);
            let w = MUSCLE_UV * muscle_weight(ch, side);
            for (k, b) in burst.iter().enumerate() {
                let env = noise::window(k as f64 / rate_hz, 0.0, dur, 0.15);
                if let Some(v) = x.get_mut(first + k) {
                    *v += w * env * b;
                }
            }
        }
    }
    MUSCLE
        .iter()
        .map(|&(t, d, _)| TruthEvent::span(t, d, "Muscle artifact"))
        .collect()
}

/// Unit-RMS broadband noise above 20 Hz, softened towards Nyquist.
fn muscle_noise(rng: &mut Rng, len: usize, rate_hz: f64) -> Vec<f64> {
    let mut x = noise::white(rng, len, 1.0);
    noise::highpass(&mut x, 20.0, rate_hz);
    noise::lowpass(&mut x, 90.0, rate_hz);
    noise::normalise(&mut x);
    x
}
