//! The demo ECG: 10 minutes, leads I, II, V1 and V5 at 500 Hz, EDF+C 16-bit, in mV.
//!
//! Sinus rhythm around 70 bpm with heart-rate variability, six PVCs and six PACs, a 90-second
//! atrial-fibrillation episode, a 3-second sinus pause, baseline wander, mains hum and noise.

mod morphology;
mod rhythm;

use std::f64::consts::TAU;
use std::io;

use super::edf_out::{self, Header, Signal};
use super::noise::{self, Drift};
use super::rng::Rng;
use super::Demo;

pub use morphology::LEADS;
pub use rhythm::{AF, DURATION_S};

pub const RATE_HZ: f64 = 500.0;
/// Physical range of every lead; the 16-bit samples then step by 0.15 uV.
const RANGE_MV: f64 = 5.0;

/// Generates the recording and its truth table.
pub fn demo() -> io::Result<Demo> {
    let mut rng = Rng::new(0x5EC6_0001);
    let plan = rhythm::plan(&mut rng);
    let n = (DURATION_S * RATE_HZ) as usize;
    // Breathing at 0.25 Hz swings the electrical axis a little: QRS amplitude +-6 %.
    let mut leads = morphology::render(&plan.beats, n, RATE_HZ, |b| {
        1.0 + 0.06 * (TAU * 0.25 * b.r_s).sin()
    });
    let fib = fibrillatory_waves(&mut rng.fork(), n);
    for (k, lead) in leads.iter_mut().enumerate() {
        add_baseline(lead, k, &fib, &mut rng.fork());
    }
    let signals = LEADS
        .iter()
        .zip(leads)
        .map(|(name, values)| Signal {
            spec: lead_spec(name),
            values,
        })
        .collect::<Vec<_>>();
    Ok(Demo {
        recording: edf_out::encode(header(), &signals)?,
        truth: plan.truth,
    })
}

fn lead_spec(name: &str) -> crate::formats::edf::writer::SignalSpec {
    let mut s = edf_out::spec(
        &format!("ECG {name}"),
        "mV",
        RANGE_MV,
        false,
        RATE_HZ as usize,
    );
    s.prefilter = "HP:0.05Hz LP:150Hz".to_string();
    s
}

fn header() -> Header {
    Header {
        bdf: false,
        patient: "DEMO-ECG X X Synthetic_patient",
        recording: "Startdate 15-MAR-2024 X X sigmark_synth",
        records: DURATION_S as u64,
        // A few embedded EDF+ annotations, so the TAL path is exercised (not the truth).
        annotations: vec![
            (0.0, None, "Recording start"),
            (2.0, Some(3.0), "Lead check"),
            (300.0, None, "Patient pressed event button"),
        ],
    }
}

/// Per-lead weights of the fibrillatory waves (mV): largest in V1, as on real AF tracings.
const FIB_MV: [f64; 4] = [0.025, 0.05, 0.09, 0.03];

/// Baseline of one lead: wander (respiration and slower drift), the f waves of the AF
/// episode, 50 Hz mains hum and white noise.
fn add_baseline(lead: &mut [f64], k: usize, fib: &[f64], rng: &mut Rng) {
    let (p1, p2) = (rng.range(0.0, TAU), rng.range(0.0, TAU));
    let (a1, a2) = (rng.range(0.05, 0.1), rng.range(0.08, 0.15));
    for (i, v) in lead.iter_mut().enumerate() {
        let t = i as f64 / RATE_HZ;
        let wander = a1 * (TAU * 0.25 * t + p1).sin() + a2 * (TAU * 0.04 * t + p2).sin();
        let hum = 0.004 * (TAU * 50.0 * t).sin();
        *v += wander + hum + FIB_MV[k] * fib[i] + 0.008 * rng.gauss();
    }
}

/// Unit-amplitude fibrillatory waves inside the AF episode, zero elsewhere: 5-7 Hz with a
/// wandering frequency and amplitude, as atrial activity is irregular in rate and size.
fn fibrillatory_waves(rng: &mut Rng, n: usize) -> Vec<f64> {
    let mut freq = Drift::new(0.6, RATE_HZ * 0.5);
    let mut amp = Drift::new(0.25, RATE_HZ * 0.7);
    let mut phase = 0.0;
    (0..n)
        .map(|i| {
            let t = i as f64 / RATE_HZ;
            phase += TAU * (6.0 + freq.step(rng)) / RATE_HZ;
            let envelope = noise::window(t, AF.0, AF.1, 0.5);
            envelope * (0.8 + amp.step(rng)) * phase.sin()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f_waves_only_inside_the_episode() {
        let f = fibrillatory_waves(&mut Rng::new(1), (DURATION_S * RATE_HZ) as usize);
        let at = |t: f64| f[(t * RATE_HZ) as usize];
        assert_eq!(at(100.0), 0.0);
        assert_eq!(at(400.0), 0.0);
        let inside = &f[(210.0 * RATE_HZ) as usize..(220.0 * RATE_HZ) as usize];
        assert!(inside.iter().any(|v| v.abs() > 0.5));
    }
}
