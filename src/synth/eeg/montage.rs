//! The 19 electrodes of the 10-20 system and where they sit, for spatial weighting.

/// Electrode names in file order (old 10-20 names: T3/T4/T5/T6, as most clinical EEGs use).
pub const ELECTRODES: [&str; 19] = [
    "Fp1", "Fp2", "F7", "F3", "Fz", "F4", "F8", "T3", "C3", "Cz", "C4", "T4", "T5", "P3", "Pz",
    "P4", "T6", "O1", "O2",
];

/// Flat head map seen from above: x to the right ear, y to the nose, the head of radius 1.
const POSITIONS: [(f64, f64); 19] = [
    (-0.3, 0.9),
    (0.3, 0.9),
    (-0.75, 0.55),
    (-0.38, 0.48),
    (0.0, 0.45),
    (0.38, 0.48),
    (0.75, 0.55),
    (-0.9, 0.0),
    (-0.45, 0.0),
    (0.0, 0.0),
    (0.45, 0.0),
    (0.9, 0.0),
    (-0.75, -0.55),
    (-0.38, -0.48),
    (0.0, -0.45),
    (0.38, -0.48),
    (0.75, -0.55),
    (-0.3, -0.9),
    (0.3, -0.9),
];

/// Position of electrode `ch` (the centre of the head for an index out of range).
pub fn position(ch: usize) -> (f64, f64) {
    POSITIONS.get(ch).copied().unwrap_or((0.0, 0.0))
}

/// Distance between electrode `ch` and a point on the head map.
pub fn distance(ch: usize, to: (f64, f64)) -> f64 {
    let (x, y) = position(ch);
    ((x - to.0).powi(2) + (y - to.1).powi(2)).sqrt()
}

/// Posterior dominant rhythm: strongest occipital, fading towards the front.
pub fn alpha_weight(ch: usize) -> f64 {
    let y = position(ch).1;
    0.1 + 0.9 * ((0.2 - y) / 1.1).clamp(0.0, 1.0)
}

/// Eye blinks: the eyes are a dipole in front of Fp1/Fp2, so the field falls off quickly
/// backwards (Fp 1, F about 0.2-0.5, C under 0.1).
pub fn blink_weight(ch: usize) -> f64 {
    const AT_FP: f64 = 0.1525; // squared distance from Fp1/Fp2 to the eyes' point
    let d = distance(ch, (0.0, 1.15));
    (-(d * d - AT_FP) / 0.5).exp()
}

/// Scalp muscle (temporalis, frontalis) over one side: largest at the temporal electrodes.
pub fn muscle_weight(ch: usize, side: Side) -> f64 {
    let (x, y) = position(ch);
    let on_side = match side {
        Side::Left => x < 0.0,
        Side::Right => x > 0.0,
        Side::Both => true,
    };
    if !on_side {
        return 0.05;
    }
    let lateral = ((x.abs() - 0.3) / 0.6).clamp(0.0, 1.0);
    lateral * lateral * (1.0 - 0.4 * y.abs())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
    Both,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idx(name: &str) -> usize {
        ELECTRODES
            .iter()
            .position(|e| *e == name)
            .unwrap_or(usize::MAX)
    }

    #[test]
    fn weights_peak_where_they_should() {
        assert!(alpha_weight(idx("O1")) > 3.0 * alpha_weight(idx("F3")));
        assert!((blink_weight(idx("Fp1")) - 1.0).abs() < 0.05);
        assert!(blink_weight(idx("C3")) < 0.15);
        assert!(muscle_weight(idx("T3"), Side::Left) > 0.9);
        assert!(muscle_weight(idx("T4"), Side::Left) < 0.1);
    }
}
