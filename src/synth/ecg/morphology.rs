//! PQRST morphology: each wave is a Gaussian bump (asymmetric for P and T) with an amplitude
//! per lead, in the spirit of McSharry et al.'s dynamical ECG model (IEEE TBME 2003), but
//! evaluated directly in time so every beat can be placed exactly where the rhythm plan says.

use super::rhythm::{Beat, BeatKind};
use crate::synth::noise::bump;

/// The leads written, in file order. Four leads keep the 10-minute file at 2.4 MB.
pub const LEADS: [&str; 4] = ["I", "II", "V1", "V5"];

/// One wave of a beat: time of its peak from the R peak, widths before and after the peak (s),
/// and its amplitude in each lead (mV).
#[derive(Debug, Clone, Copy)]
struct Wave {
    at: f64,
    rise: f64,
    fall: f64,
    amp: [f64; 4],
}

const fn wave(at: f64, rise: f64, fall: f64, amp: [f64; 4]) -> Wave {
    Wave {
        at,
        rise,
        fall,
        amp,
    }
}

/// Sinus P wave: upright in I, II and V5, small in V1 (PR interval about 160 ms).
const P_SINUS: Wave = wave(-0.16, 0.025, 0.022, [0.08, 0.15, 0.06, 0.08]);
/// Ectopic atrial P from a low focus: negative in II, earlier conduction (PR about 120 ms).
const P_ECTOPIC: Wave = wave(-0.12, 0.02, 0.02, [0.04, -0.12, 0.09, -0.05]);

/// Narrow QRS (about 90 ms): small q, tall R in II and V5, rS in V1.
const QRS_NARROW: [Wave; 3] = [
    wave(-0.028, 0.008, 0.008, [-0.05, -0.08, 0.0, -0.1]),
    wave(0.0, 0.0095, 0.0095, [0.7, 1.2, 0.25, 1.6]),
    wave(0.03, 0.011, 0.011, [-0.1, -0.25, -0.95, -0.3]),
];

/// Wide QRS of a left-ventricular PVC (about 150 ms): right-bundle-branch-block-like, tall and
/// notched in V1, deep S in V5.
const QRS_PVC: [Wave; 3] = [
    wave(-0.02, 0.03, 0.025, [0.8, 1.3, 1.4, -0.9]),
    wave(0.045, 0.025, 0.03, [-0.5, -0.4, 0.6, -0.7]),
    wave(0.3, 0.09, 0.07, [-0.35, -0.45, -0.5, 0.45]),
];

/// The waves of one beat. The T wave moves with the preceding RR as the QT interval does
/// (Bazett: QT proportional to the square root of RR).
fn waves(beat: &Beat) -> Vec<Wave> {
    let qt = beat.rr_s.clamp(0.35, 2.0).sqrt();
    let t_wave = wave(0.27 * qt, 0.07 * qt, 0.045 * qt, [0.2, 0.3, 0.08, 0.35]);
    match beat.kind {
        BeatKind::Sinus => [&[P_SINUS][..], &QRS_NARROW, &[t_wave]].concat(),
        BeatKind::Pac => [&[P_ECTOPIC][..], &QRS_NARROW, &[t_wave]].concat(),
        BeatKind::Af => [&QRS_NARROW[..], &[t_wave]].concat(),
        BeatKind::Pvc => QRS_PVC.to_vec(),
    }
}

/// Samples of every lead for `n` samples at `rate_hz`, each beat scaled by `gain(beat)` (the
/// caller's respiratory modulation of QRS amplitude).
pub fn render(
    beats: &[Beat],
    n: usize,
    rate_hz: f64,
    gain: impl Fn(&Beat) -> f64,
) -> [Vec<f64>; 4] {
    let mut out: [Vec<f64>; 4] = std::array::from_fn(|_| vec![0.0; n]);
    for beat in beats {
        let g = gain(beat);
        for w in waves(beat) {
            add_wave(&mut out, &w, beat.r_s + w.at, g, rate_hz);
        }
    }
    out
}

/// Adds one wave over plus or minus four widths around its peak (beyond that it is < 0.04 %).
fn add_wave(out: &mut [Vec<f64>; 4], w: &Wave, peak_s: f64, gain: f64, rate_hz: f64) {
    let n = out[0].len();
    let first = ((peak_s - 4.0 * w.rise) * rate_hz).floor().max(0.0) as usize;
    let last = (((peak_s + 4.0 * w.fall) * rate_hz).ceil().max(0.0) as usize).min(n);
    for i in first..last {
        let b = gain * bump(i as f64 / rate_hz - peak_s, w.rise, w.fall);
        for (lead, amp) in out.iter_mut().zip(w.amp) {
            lead[i] += amp * b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(kind: BeatKind) -> [Vec<f64>; 4] {
        let beat = Beat {
            r_s: 1.0,
            rr_s: 0.86,
            kind,
        };
        render(&[beat], 1000, 500.0, |_| 1.0)
    }

    #[test]
    fn sinus_r_peak_is_in_lead_ii_at_the_beat_time() {
        let ii = &one(BeatKind::Sinus)[1];
        let peak = (0..ii.len()).max_by(|&a, &b| ii[a].total_cmp(&ii[b]));
        assert_eq!(peak, Some(500));
        assert!((ii[500] - 1.2).abs() < 0.05);
    }

    #[test]
    fn pvc_has_no_p_wave_and_a_wider_qrs() {
        let (sinus, pvc) = (one(BeatKind::Sinus), one(BeatKind::Pvc));
        let p_window = 410..430; // 180-140 ms before the R peak
        assert!(sinus[1][p_window.clone()].iter().any(|v| *v > 0.1));
        assert!(pvc[1][p_window].iter().all(|v| v.abs() < 0.05));
        let wide = |x: &[f64]| x.iter().filter(|v| v.abs() > 0.3).count();
        assert!(wide(&pvc[2]) > 2 * wide(&sinus[2]));
    }
}
