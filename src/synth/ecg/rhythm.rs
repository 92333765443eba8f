//! The beat sequence of the demo ECG: sinus rhythm with heart-rate variability, scheduled
//! ectopic beats, one atrial-fibrillation episode and one sinus pause.

use std::f64::consts::TAU;

use crate::synth::events::TruthEvent;
use crate::synth::noise::Drift;
use crate::synth::rng::Rng;

/// Length of the recording in seconds.
pub const DURATION_S: f64 = 600.0;
/// The atrial-fibrillation episode (fibrillatory baseline, no P waves, irregular RR).
pub const AF: (f64, f64) = (200.0, 290.0);
/// Where a sinus arrest of `PAUSE_S` follows the next sinus beat.
const PAUSE_AT: f64 = 380.0;
const PAUSE_S: f64 = 3.0;
/// Ectopic beats replace the first sinus beat due after each of these times.
const PVC_AT: [f64; 6] = [35.0, 80.0, 140.0, 330.0, 455.0, 525.0];
const PAC_AT: [f64; 6] = [55.0, 115.0, 170.0, 350.0, 485.0, 565.0];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeatKind {
    Sinus,
    /// Premature ventricular: wide QRS, no P wave, discordant T, full compensatory pause.
    Pvc,
    /// Premature atrial: early narrow QRS after an abnormal P, sinus node reset.
    Pac,
    /// Conducted beat during atrial fibrillation: narrow QRS, no P wave.
    Af,
}

/// One beat: its R-peak time and the RR interval before it (which sets its QT).
#[derive(Debug, Clone, Copy)]
pub struct Beat {
    pub r_s: f64,
    pub rr_s: f64,
    pub kind: BeatKind,
}

/// The beats and the events they make up.
pub struct Plan {
    pub beats: Vec<Beat>,
    pub truth: Vec<TruthEvent>,
}

pub fn plan(rng: &mut Rng) -> Plan {
    let mut p = Planner {
        rng: rng.fork(),
        hrv: Drift::new(0.02, 20.0),
        beats: Vec::new(),
        truth: vec![TruthEvent::span(AF.0, AF.1 - AF.0, "AF")],
        pvc: 0,
        pac: 0,
        paused: false,
    };
    let mut t = p.push(0.6, 0.86, BeatKind::Sinus);
    while t < DURATION_S - 1.0 {
        t = p.step(t);
    }
    // The last step may schedule beats past the end; they would be cut mid-wave.
    p.beats.retain(|b| b.r_s < DURATION_S - 0.8);
    p.truth.retain(|e| e.onset_s < DURATION_S - 0.8);
    Plan {
        beats: p.beats,
        truth: p.truth,
    }
}

struct Planner {
    rng: Rng,
    hrv: Drift,
    beats: Vec<Beat>,
    truth: Vec<TruthEvent>,
    pvc: usize,
    pac: usize,
    paused: bool,
}

impl Planner {
    /// Adds a beat at `r_s` rounded to the millisecond (so the truth table states it exactly)
    /// and returns the rounded time.
    fn push(&mut self, r_s: f64, rr_s: f64, kind: BeatKind) -> f64 {
        let r_s = (r_s * 1000.0).round() / 1000.0;
        self.beats.push(Beat { r_s, rr_s, kind });
        match kind {
            BeatKind::Pvc => self.truth.push(TruthEvent::point(r_s, "PVC")),
            BeatKind::Pac => self.truth.push(TruthEvent::point(r_s, "PAC")),
            _ => {}
        }
        r_s
    }

    /// Sinus RR around 70 bpm: a slow trend, respiratory sinus arrhythmia (0.25 Hz), a Mayer
    /// wave (0.1 Hz) and a random walk.
    fn sinus_rr(&mut self, t: f64) -> f64 {
        let bpm = 70.0 + 4.0 * (TAU * t / 300.0).sin();
        let mod_ = 0.035 * (TAU * 0.25 * t).sin() + 0.02 * (TAU * 0.1 * t + 1.0).sin();
        60.0 / bpm * (1.0 + mod_ + self.hrv.step(&mut self.rng))
    }

    /// Places the beat(s) after the sinus beat at `t`; returns the time of the next sinus beat.
    fn step(&mut self, t: f64) -> f64 {
        let rr = self.sinus_rr(t);
        let next = t + rr;
        if next >= AF.0 && t < AF.1 {
            return self.af_episode(t);
        }
        if !self.paused && t >= PAUSE_AT {
            self.paused = true;
            self.truth.push(TruthEvent::span(t, PAUSE_S, "Pause"));
            return self.push(t + PAUSE_S, PAUSE_S, BeatKind::Sinus);
        }
        if PVC_AT.get(self.pvc).is_some_and(|&at| t >= at) {
            self.pvc += 1;
            return self.pvc_then_sinus(t, rr);
        }
        if PAC_AT.get(self.pac).is_some_and(|&at| t >= at) {
            self.pac += 1;
            return self.pac_then_sinus(t, rr);
        }
        self.push(next, rr, BeatKind::Sinus)
    }

    /// A PVC does not reset the sinus node, so the next sinus beat comes two RR after the last
    /// one (the full compensatory pause).
    fn pvc_then_sinus(&mut self, t: f64, rr: f64) -> f64 {
        let coupling = 0.6 * rr;
        self.push(t + coupling, coupling, BeatKind::Pvc);
        self.push(t + 2.0 * rr, 2.0 * rr - coupling, BeatKind::Sinus)
    }

    /// A PAC resets the sinus node: the next sinus beat follows one cycle after the PAC.
    fn pac_then_sinus(&mut self, t: f64, rr: f64) -> f64 {
        let coupling = 0.68 * rr;
        let pac = self.push(t + coupling, coupling, BeatKind::Pac);
        self.push(pac + 1.05 * rr, 1.05 * rr, BeatKind::Sinus)
    }

    /// Irregularly irregular conduction (RR 0.36-1.06 s, about 85 bpm) until the episode ends,
    /// then a short post-conversion pause and sinus rhythm again.
    fn af_episode(&mut self, t: f64) -> f64 {
        let mut last = t;
        // The first conducted beat still respects the refractory period after the last sinus one.
        let mut r = (AF.0 + 0.15).max(t + 0.4);
        while r < AF.1 {
            last = self.push(r, r - last, BeatKind::Af);
            r += 0.36 + 0.45 * self.rng.uniform() + 0.25 * self.rng.uniform();
        }
        let first_sinus = (last + 1.3).max(AF.1 + 0.4);
        self.push(first_sinus, first_sinus - last, BeatKind::Sinus)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_every_event_and_keeps_beats_in_order() {
        let p = plan(&mut Rng::new(3));
        let count = |l: &str| p.truth.iter().filter(|e| e.label == l).count();
        assert_eq!(count("PVC"), PVC_AT.len());
        assert_eq!(count("PAC"), PAC_AT.len());
        assert_eq!(count("AF"), 1);
        assert_eq!(count("Pause"), 1);
        assert!(p.beats.windows(2).all(|w| w[1].r_s - w[0].r_s > 0.3));
    }
}
