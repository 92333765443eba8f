//! An evolving focal seizure and its aftermath.
//!
//! Rhythmic 5.5 Hz theta begins over the left temporal lobe, grows in amplitude, spreads over
//! the head, slows to 3 Hz and turns into spike-and-wave, then stops abruptly; diffuse,
//! left-predominant delta slowing follows while the background recovers. This is the textbook
//! evolution (frequency, amplitude, field) that defines an electrographic seizure.

use std::f64::consts::TAU;

use super::montage::{distance, position};
use crate::synth::events::TruthEvent;
use crate::synth::noise::{smoothstep, window};
use crate::synth::rng::Rng;

/// The discharge, in seconds from the start.
pub const SEIZURE: (f64, f64) = (70.0, 110.0);
/// The postictal slowing.
pub const POSTICTAL: (f64, f64) = (110.0, 140.0);
/// Onset zone on the head map: left mid-temporal, between T3 and F7.
const FOCUS: (f64, f64) = (-0.85, 0.15);

/// Gains of the (broadband, alpha) background at time `t`: the discharge and the postictal
/// state suppress the background, alpha most, and it comes back over tens of seconds.
pub fn background_gain(t: f64) -> (f64, f64) {
    let ictal = window(t, SEIZURE.0, SEIZURE.1, 3.0);
    let after = t - POSTICTAL.0;
    if after < 0.0 {
        return (1.0 - 0.3 * ictal, 1.0 - 0.7 * ictal);
    }
    let broadband = 0.3 + 0.7 * smoothstep(after / 30.0);
    let alpha = 0.05 + 0.95 * smoothstep((after - 10.0) / 40.0);
    (broadband, alpha)
}

/// Adds the discharge to every channel and returns its truth event.
pub fn add_seizure(chans: &mut [Vec<f64>], rate_hz: f64) -> Vec<TruthEvent> {
    let first = (SEIZURE.0 * rate_hz) as usize;
    let len = ((SEIZURE.1 - SEIZURE.0) * rate_hz) as usize;
    let mut phase = 0.0;
    for k in 0..len {
        let tau = k as f64 / rate_hz;
        let p = Progress::at(tau);
        phase += TAU * p.freq_hz / rate_hz;
        for (ch, x) in chans.iter_mut().enumerate() {
            let d = distance(ch, FOCUS);
            let field = (-d * d / (2.0 * p.spread * p.spread)).exp();
            // The discharge reaches far electrodes a little later.
            let v = waveform(phase - 0.8 * d, p.spike);
            if let Some(s) = x.get_mut(first + k) {
                *s += p.amp_uv * field * p.stop * v;
            }
        }
    }
    vec![TruthEvent::span(
        SEIZURE.0,
        SEIZURE.1 - SEIZURE.0,
        "Seizure",
    )]
}

/// How far the discharge has evolved `tau` seconds after its onset.
struct Progress {
    freq_hz: f64,
    amp_uv: f64,
    /// Width of the field on the head map (the head has radius 1).
    spread: f64,
    /// 0: sinusoidal theta; 1: spike-and-wave.
    spike: f64,
    /// Ends the discharge within 100 ms, abruptly but without a step.
    stop: f64,
}

impl Progress {
    fn at(tau: f64) -> Self {
        let len = SEIZURE.1 - SEIZURE.0;
        Progress {
            freq_hz: 5.5 - 2.5 * tau / len,
            amp_uv: 30.0 + 120.0 * smoothstep(tau / 30.0),
            spread: 0.3 + 1.1 * smoothstep((tau - 8.0) / 24.0),
            spike: smoothstep((tau - 22.0) / 10.0),
            stop: smoothstep((len - tau) / 0.1),
        }
    }
}

/// One cycle of the discharge: a sine morphing into a sharp negative spike (about 30 ms at
/// 3 Hz) followed by a positive slow wave; the constant keeps the cycle's mean near zero.
fn waveform(phase: f64, spike: f64) -> f64 {
    let p = phase.rem_euclid(TAU);
    let g = |centre: f64, width: f64| (-0.5 * ((p - centre) / width).powi(2)).exp();
    let spike_wave = -2.2 * g(0.6, 0.13) + g(3.4, 0.9) - 0.245;
    (1.0 - spike) * phase.sin() + spike * spike_wave
}

/// Adds diffuse delta (1-2 Hz, polymorphic, left-predominant) fading over the postictal
/// period, and returns its truth event.
pub fn add_postictal(chans: &mut [Vec<f64>], rng: &mut Rng, rate_hz: f64) -> Vec<TruthEvent> {
    const FREQS: [f64; 3] = [1.0, 1.45, 2.1];
    let first = (POSTICTAL.0 * rate_hz) as usize;
    let fade_s = POSTICTAL.1 - POSTICTAL.0 + 10.0;
    let len = (fade_s * rate_hz) as usize;
    for (ch, x) in chans.iter_mut().enumerate() {
        let phases: Vec<f64> = FREQS.iter().map(|_| rng.range(0.0, TAU)).collect();
        let side = 0.75 - 0.25 * position(ch).0;
        for k in 0..len {
            let t = k as f64 / rate_hz;
            let env = 50.0 * (1.0 - smoothstep(t / fade_s)) * smoothstep(t / 0.3);
            let delta: f64 = FREQS
                .iter()
                .zip(&phases)
                .map(|(f, p)| (TAU * f * t + p).sin())
                .sum();
            if let Some(s) = x.get_mut(first + k) {
                *s += env * side * delta / 1.7;
            }
        }
    }
    vec![TruthEvent::span(
        POSTICTAL.0,
        POSTICTAL.1 - POSTICTAL.0,
        "Postictal slowing",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evolves_from_fast_small_focal_to_slow_large_spread() {
        let (start, end) = (Progress::at(0.0), Progress::at(35.0));
        assert!(start.freq_hz > 5.0 && end.freq_hz < 3.5);
        assert!(end.amp_uv > 4.0 * start.amp_uv);
        assert!(end.spread > 3.0 * start.spread);
        assert!(start.spike == 0.0 && end.spike == 1.0);
        assert_eq!(Progress::at(40.0).stop, 0.0);
    }

    #[test]
    fn spike_wave_has_a_sharp_negative_peak() {
        let min = (0..628)
            .map(|i| waveform(i as f64 / 100.0, 1.0))
            .fold(f64::MAX, f64::min);
        assert!(min < -2.0);
    }
}
