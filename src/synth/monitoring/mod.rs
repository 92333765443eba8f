//! The demo bedside monitoring recording: 15 minutes of SpO2 and heart rate (1 Hz),
//! respiration (25 Hz) and a chest accelerometer (50 Hz), written as HDF5.
//!
//! Four central apneas (breathing stops for 18-28 s), each followed after the circulation
//! delay by a desaturation of 5-10 points, a heart-rate surge and a movement at the arousal;
//! one change of position, supine to left lateral.

mod channels;
mod hdf5;

use std::io;

use super::events::TruthEvent;
use super::rng::Rng;
use super::Demo;

pub const DURATION_S: f64 = 900.0;
/// Apneas: onset (s), duration (s).
pub const APNEAS: [(f64, f64); 4] = [(120.0, 22.0), (300.0, 28.0), (520.0, 18.0), (700.0, 25.0)];
/// Blood takes this long from the lungs to the finger probe, so SpO2 falls this late (s).
const CIRCULATION_DELAY_S: f64 = 10.0;
/// Time constant of SpO2's recovery once breathing resumes (s).
const RECOVERY_S: f64 = 6.0;
/// The position change: movement from `POSTURE.0` for `POSTURE.1` seconds.
const POSTURE: (f64, f64) = (418.0, 6.0);
/// The movement at the arousal ending each apnea (s).
const AROUSAL_S: f64 = 3.0;

/// Generates the recording and its truth table.
pub fn demo() -> io::Result<Demo> {
    let mut rng = Rng::new(0x0B5_0003);
    let chans = channels::generate(&mut rng);
    Ok(Demo {
        recording: hdf5::encode(&chans)?,
        truth: truth(),
    })
}

/// Depth of the desaturation an apnea causes (points of SpO2): longer apneas, deeper falls.
fn desat_depth(apnea_s: f64) -> f64 {
    4.0 + 0.45 * (apnea_s - 15.0)
}

/// Points of SpO2 lost at time `t` to the apnea `(onset, duration)`: a fall during a span as
/// long as the apnea, delayed by the circulation, then an exponential recovery.
fn desat_drop(t: f64, (onset, dur): (f64, f64)) -> f64 {
    let s = t - onset - CIRCULATION_DELAY_S;
    let depth = desat_depth(dur);
    if s < 0.0 {
        0.0
    } else if s < dur {
        depth * super::noise::smoothstep(s / dur)
    } else {
        depth * (-(s - dur) / RECOVERY_S).exp()
    }
}

/// Apneas, desaturations (until the drop is back under one point) and movements.
fn truth() -> Vec<TruthEvent> {
    let mut t = Vec::new();
    for &(onset, dur) in &APNEAS {
        t.push(TruthEvent::span(onset, dur, "Apnea"));
        let recovery = (RECOVERY_S * desat_depth(dur).ln()).round();
        t.push(TruthEvent::span(
            onset + CIRCULATION_DELAY_S,
            dur + recovery,
            "Desaturation",
        ));
        t.push(TruthEvent::span(onset + dur, AROUSAL_S, "Movement"));
    }
    t.push(TruthEvent::span(POSTURE.0, POSTURE.1, "Movement"));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desaturations_drop_4_to_10_points_after_the_apnea_starts() {
        for &a in &APNEAS {
            let worst = (0..900)
                .map(|t| desat_drop(t as f64, a))
                .fold(0.0, f64::max);
            assert!((4.0..=10.0).contains(&worst), "{worst}");
            assert_eq!(desat_drop(a.0 + 5.0, a), 0.0);
        }
    }
}
