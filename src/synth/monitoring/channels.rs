//! The monitoring signals. Every value is rounded to what a monitor would store (whole % and
//! bpm; 1/1024 of a unit for the waveforms), which also makes each exact in an f32.

use std::f64::consts::TAU;

use super::hdf5::Channel;
use super::{desat_drop, APNEAS, AROUSAL_S, DURATION_S, POSTURE};
use crate::synth::noise::{self, bump, quantise, window, Drift};
use crate::synth::rng::Rng;

const RESP_HZ: f64 = 25.0;
const ACCEL_HZ: f64 = 50.0;
/// The waveforms' resolution: a power of two, so the f32 values are exact.
const STEP: f64 = 1.0 / 1024.0;

pub fn generate(rng: &mut Rng) -> Vec<Channel> {
    let hr = heart_rate(&mut rng.fork());
    let resp = respiration(&mut rng.fork(), &hr);
    let [x, y, z] = accelerometer(&mut rng.fork(), &resp);
    vec![
        channel("SpO2", "SpO2 saturation", "%", 1.0, spo2(&mut rng.fork())),
        channel("HR", "Heart rate", "bpm", 1.0, hr),
        channel(
            "Resp",
            "Respiration (thoracic effort)",
            "a.u.",
            RESP_HZ,
            resp,
        ),
        channel("Accel_X", "Accelerometer X (left-right)", "g", ACCEL_HZ, x),
        channel("Accel_Y", "Accelerometer Y (head-feet)", "g", ACCEL_HZ, y),
        channel("Accel_Z", "Accelerometer Z (back-front)", "g", ACCEL_HZ, z),
    ]
}

fn channel(
    name: &'static str,
    label: &'static str,
    units: &'static str,
    rate_hz: f64,
    v: Vec<f64>,
) -> Channel {
    Channel {
        name,
        label,
        units,
        rate_hz,
        values: v.into_iter().map(|x| x as f32).collect(),
    }
}

fn samples(rate_hz: f64) -> usize {
    (DURATION_S * rate_hz) as usize
}

/// Whole-percent SpO2 around 97 %, minus each apnea's desaturation.
fn spo2(rng: &mut Rng) -> Vec<f64> {
    let mut drift = Drift::new(0.5, 20.0);
    (0..samples(1.0))
        .map(|i| {
            let t = i as f64;
            let drop: f64 = APNEAS.iter().map(|&a| desat_drop(t, a)).sum();
            (97.0 + drift.step(rng) - drop).round().min(100.0)
        })
        .collect()
}

/// Whole-bpm heart rate around 66: slow drift, a mild fall during each apnea and a surge at
/// the arousal that ends it.
fn heart_rate(rng: &mut Rng) -> Vec<f64> {
    let mut drift = Drift::new(1.5, 30.0);
    (0..samples(1.0))
        .map(|i| {
            let t = i as f64;
            let apnea: f64 = APNEAS
                .iter()
                .map(|&(a, d)| {
                    -5.0 * window(t, a, a + d, 5.0) + 16.0 * bump(t - a - d - 4.0, 2.0, 10.0)
                })
                .sum();
            (66.0 + 3.0 * (TAU * t / 240.0).sin() + drift.step(rng) + apnea).round()
        })
        .collect()
}

/// Breathing effort: about 14 breaths a minute, varying in depth; flat but for cardiac
/// pulsation during apneas; deeper and faster breaths for a while after each.
fn respiration(rng: &mut Rng, hr: &[f64]) -> Vec<f64> {
    let (mut rate, mut depth) = (
        Drift::new(1.5, 10.0 * RESP_HZ),
        Drift::new(0.12, 8.0 * RESP_HZ),
    );
    let (mut phase, mut cardiac) = (0.0, 0.0);
    (0..samples(RESP_HZ))
        .map(|i| {
            let t = i as f64 / RESP_HZ;
            let (effort, extra_bpm) = breathing_drive(t);
            phase += TAU * (14.0 + extra_bpm + rate.step(rng)) / 60.0 / RESP_HZ;
            let bpm = hr.get(t as usize).copied().unwrap_or(66.0);
            cardiac += TAU * bpm / 60.0 / RESP_HZ;
            let breath = phase.sin() + 0.25 * (2.0 * phase).sin();
            let v = effort * (1.0 + depth.step(rng)) * breath
                + 0.03 * cardiac.sin()
                + 0.01 * rng.gauss();
            quantise(v, STEP)
        })
        .collect()
}

/// Breathing amplitude (0 during apneas, up to 1.8 in the recovery hyperpnea) and extra
/// breaths per minute at time `t`.
fn breathing_drive(t: f64) -> (f64, f64) {
    APNEAS.iter().fold((1.0, 0.0), |(effort, bpm), &(a, d)| {
        let stop = window(t, a, a + d, 1.5);
        let after = if t > a + d {
            (-(t - a - d) / 15.0).exp()
        } else {
            0.0
        };
        (
            effort * (1.0 - stop) * (1.0 + 0.8 * after),
            bpm + 5.0 * after,
        )
    })
}

/// Chest accelerometer (g): gravity for the position (supine, then left lateral), breathing
/// motion, body movement at arousals and at the position change, and sensor noise.
fn accelerometer(rng: &mut Rng, resp: &[f64]) -> [Vec<f64>; 3] {
    const SUPINE: [f64; 3] = [0.02, -0.1, 0.99];
    const LEFT_LATERAL: [f64; 3] = [-0.96, -0.08, 0.25];
    let n = samples(ACCEL_HZ);
    let mut out: [Vec<f64>; 3] = std::array::from_fn(|_| Vec::with_capacity(n));
    for (axis, o) in out.iter_mut().enumerate() {
        let mut motion = noise::white(rng, n, 1.0);
        noise::lowpass(&mut motion, 4.0, ACCEL_HZ);
        noise::normalise(&mut motion);
        for (i, m) in motion.iter().enumerate() {
            let t = i as f64 / ACCEL_HZ;
            let turn = noise::smoothstep((t - POSTURE.0 - 1.0) / 3.0);
            let gravity = SUPINE[axis] + turn * (LEFT_LATERAL[axis] - SUPINE[axis]);
            let breathing = if axis == 2 {
                0.006 * resp.get(i / 2).copied().unwrap_or(0.0)
            } else {
                0.0
            };
            let v = gravity + breathing + movement_sd(t) * m + 0.004 * rng.gauss();
            o.push(quantise(v, STEP));
        }
    }
    out
}

/// Standard deviation of body movement at time `t` (g).
fn movement_sd(t: f64) -> f64 {
    let arousal: f64 = APNEAS
        .iter()
        .map(|&(a, d)| window(t, a + d, a + d + AROUSAL_S, 0.3))
        .sum();
    0.06 * arousal + 0.15 * window(t, POSTURE.0, POSTURE.0 + POSTURE.1, 0.5)
}
