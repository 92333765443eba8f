//! EEG band powers and the dominant frequency, integrated from a Welch estimate.

use super::Psd;

/// A frequency band of the EEG.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Band {
    pub name: &'static str,
    pub low_hz: f64,
    pub high_hz: f64,
}

/// The classical clinical EEG bands, gamma cut at 80 Hz (above it lie muscle and mains
/// harmonics). Adjacent bands share their edge, so the five powers add up to the total over
/// 0.5-80 Hz.
pub const EEG_BANDS: [Band; 5] = [
    Band {
        name: "delta",
        low_hz: 0.5,
        high_hz: 4.0,
    },
    Band {
        name: "theta",
        low_hz: 4.0,
        high_hz: 8.0,
    },
    Band {
        name: "alpha",
        low_hz: 8.0,
        high_hz: 13.0,
    },
    Band {
        name: "beta",
        low_hz: 13.0,
        high_hz: 30.0,
    },
    Band {
        name: "gamma",
        low_hz: 30.0,
        high_hz: 80.0,
    },
];

/// The range relative band power is taken over, and the dominant frequency searched in.
pub const TOTAL_BAND: Band = Band {
    name: "total",
    low_hz: 0.5,
    high_hz: 80.0,
};

/// Power in one band: absolute (unit squared) and as a fraction of `TOTAL_BAND`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BandPower {
    pub band: Band,
    pub absolute: f64,
    /// NaN when the total is zero (a flat signal).
    pub relative: f64,
}

/// Integral of the PSD from `low_hz` to `high_hz` by the trapezoid rule on the PSD as a
/// piecewise-linear function of frequency: bins inside the band are the nodes, and the band
/// edges are nodes too, their values interpolated linearly between the two nearest bins
/// (`numpy.trapezoid(numpy.interp(x, f, psd), x)` with `x = [low, bins inside, high]`). So the
/// result does not depend on where the bins fall, and adjacent bands add up exactly. The band
/// is clipped to the frequencies the PSD has (0 to Nyquist); nothing left gives 0.
pub fn band_power(psd: &Psd, low_hz: f64, high_hz: f64) -> f64 {
    let f = &psd.frequencies_hz;
    let p = &psd.density;
    let (Some(&f_first), Some(&f_last)) = (f.first(), f.last()) else {
        return 0.0;
    };
    let (lo, hi) = (low_hz.max(f_first), high_hz.min(f_last));
    if hi.is_nan() || lo.is_nan() || hi <= lo || p.len() != f.len() {
        return 0.0;
    }
    let mut area = 0.0;
    for k in 0..f.len() - 1 {
        let (a, b) = (f[k].max(lo), f[k + 1].min(hi));
        if b <= a {
            continue;
        }
        let at = |x: f64| p[k] + (p[k + 1] - p[k]) * (x - f[k]) / (f[k + 1] - f[k]);
        area += (b - a) * (at(a) + at(b)) / 2.0;
    }
    area
}

/// Absolute and relative power of the five `EEG_BANDS`.
pub fn band_powers(psd: &Psd) -> [BandPower; 5] {
    let total = band_power(psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz);
    EEG_BANDS.map(|band| {
        let absolute = band_power(psd, band.low_hz, band.high_hz);
        BandPower {
            band,
            absolute,
            relative: if total > 0.0 {
                absolute / total
            } else {
                f64::NAN
            },
        }
    })
}

/// Frequency of the largest PSD bin between `low_hz` and `high_hz` (inclusive; the first of
/// equal maxima, as `numpy.argmax`); `None` when no bin there holds a number.
pub fn dominant_frequency(psd: &Psd, low_hz: f64, high_hz: f64) -> Option<f64> {
    psd.frequencies_hz
        .iter()
        .zip(&psd.density)
        .filter(|(f, p)| (low_hz..=high_hz).contains(*f) && !p.is_nan())
        .fold(None, |best: Option<(f64, f64)>, (&f, &p)| match best {
            Some((_, bp)) if bp >= p => best,
            _ => Some((f, p)),
        })
        .map(|(f, _)| f)
}

// ------------------------------------------------------------------------------ spectrogram
