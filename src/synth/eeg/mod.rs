//! The demo EEG: 3 minutes of 19-channel 10-20 EEG at 256 Hz, BDF+C 24-bit, in uV.
//!
//! Waking background with posterior alpha and 1/f activity, eye blinks, muscle bursts over the
//! temporal regions, and a 40-second evolving left temporal seizure with postictal slowing.

mod artefacts;
mod background;
mod montage;
mod seizure;

use std::io;

use super::edf_out::{self, Header, Signal};
use super::rng::Rng;
use super::Demo;

pub use montage::ELECTRODES;
pub use seizure::{POSTICTAL, SEIZURE};

pub const RATE_HZ: f64 = 256.0;
pub const DURATION_S: f64 = 180.0;
/// Physical range; the 24-bit samples then step by 0.0006 uV, far below any amplifier noise.
const RANGE_UV: f64 = 5000.0;

/// Generates the recording and its truth table.
pub fn demo() -> io::Result<Demo> {
    let mut rng = Rng::new(0xEE6_0002);
    let n = (DURATION_S * RATE_HZ) as usize;
    let mut chans = scaled_background(&mut rng.fork(), n);
    let mut truth = seizure::add_seizure(&mut chans, RATE_HZ);
    truth.extend(seizure::add_postictal(&mut chans, &mut rng.fork(), RATE_HZ));
    truth.extend(artefacts::add_blinks(&mut chans, &mut rng.fork(), RATE_HZ));
    truth.extend(artefacts::add_muscle(&mut chans, &mut rng.fork(), RATE_HZ));
    let signals: Vec<Signal> = ELECTRODES
        .iter()
        .zip(chans)
        .map(|(name, values)| Signal {
            spec: electrode_spec(name),
            values,
        })
        .collect();
    Ok(Demo {
        recording: edf_out::encode(header(), &signals)?,
        truth,
    })
}

/// The background with the seizure's suppression and the postictal recovery applied.
fn scaled_background(rng: &mut Rng, n: usize) -> Vec<Vec<f64>> {
    let bg = background::generate(rng, n, RATE_HZ);
    let gains: Vec<(f64, f64)> = (0..n)
        .map(|i| seizure::background_gain(i as f64 / RATE_HZ))
        .collect();
    bg.broadband
        .iter()
        .zip(&bg.alpha)
        .map(|(b, a)| {
            (0..n)
                .map(|i| gains[i].0 * b[i] + gains[i].1 * a[i])
                .collect()
        })
        .collect()
}

fn electrode_spec(name: &str) -> crate::formats::edf::writer::SignalSpec {
    let mut s = edf_out::spec(
        &format!("EEG {name}"),
        "uV",
        RANGE_UV,
        true,
        RATE_HZ as usize,
    );
    s.transducer = "AgAgCl cup electrode".to_string();
    s.prefilter = "HP:0.16Hz LP:100Hz".to_string();
    s
}

fn header() -> Header {
    Header {
        bdf: true,
        patient: "DEMO-EEG X X Synthetic_patient",
        recording: "Startdate 15-MAR-2024 X X sigmark_synth",
        records: DURATION_S as u64,
        annotations: vec![
            (0.0, None, "Recording start"),
            (0.0, None, "Montage: referential, linked ears"),
        ],
    }
}
