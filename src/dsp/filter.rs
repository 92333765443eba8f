//! Display filters: Butterworth high- and low-pass and a mains notch, applied forward and
//! backward (zero phase, like `scipy.signal.sosfiltfilt`), so filtering never shifts a spike or
//! a QRS complex in time. Forward-backward squares the magnitude response: a cutoff is -6 dB,
//! not -3 dB, and the roll-off doubles.

use super::biquad::{filtfilt, Biquad, Pass};
use super::ChannelKind;

/// Quality factor of the notch: -3 dB bandwidth f0 / 30 (1.7 Hz at 50 Hz), the value of
/// `scipy.signal.iirnotch` examples and of clinical EEG systems' narrow notch.
pub const NOTCH_Q: f64 = 30.0;

/// Edge transients are hidden once they decay below this fraction of the step that caused them
/// (-60 dB: a 100 uV offset leaves 0.1 uV, below a pixel at any clinical scale).
const MARGIN_DECAY: f64 = 1e-3;

/// Longest margin asked for, in seconds: a high-pass near 0 Hz would otherwise ask for hours.
const MAX_MARGIN_S: f64 = 120.0;

/// Which filters a lane shows. A stage is skipped when its frequency is missing, not a positive
/// number, or at or beyond the Nyquist frequency of the channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FilterSpec {
    pub highpass_hz: Option<f64>,
    pub lowpass_hz: Option<f64>,
    pub notch_hz: Option<f64>,
    /// Butterworth order of the high- and low-pass stages, even, 2 to 8 (2 and 4 are the
    /// usual; odd values round down, others are clamped). Forward-backward doubles it.
    pub order: usize,
}

impl Default for FilterSpec {
    fn default() -> Self {
        FilterSpec::NONE
    }
}

impl FilterSpec {
    /// No filtering; order 2 for stages added later.
    pub const NONE: FilterSpec = FilterSpec {
        highpass_hz: None,
        lowpass_hz: None,
        notch_hz: None,
        order: 2,
    };

    /// The usual clinical display settings: ECG 0.5-40 Hz (the monitoring-mode band of bedside
    /// and Holter displays: no baseline wander, little muscle noise), EEG 0.5-70 Hz (ACNS
    /// Guideline 1: low-frequency filter no higher than 1 Hz, high-frequency filter no lower
    /// than 70 Hz). Everything else (EOG, EMG, respiration, SpO2, rates, events) is shown as
    /// recorded until the user asks otherwise.
    pub fn default_for(kind: ChannelKind) -> FilterSpec {
        let band = |hp: f64, lp: f64| FilterSpec {
            highpass_hz: Some(hp),
            lowpass_hz: Some(lp),
            ..FilterSpec::NONE
        };
        match kind {
            ChannelKind::Ecg => band(0.5, 40.0),
            ChannelKind::Eeg => band(0.5, 70.0),
            _ => FilterSpec::NONE,
        }
    }

    /// The sections this spec amounts to at `rate_hz`: high-pass, low-pass, notch, in order.
    pub(crate) fn sections(&self, rate_hz: f64) -> Vec<Biquad> {
        let usable = |f: Option<f64>| f.filter(|&f| f > 0.0 && f < rate_hz / 2.0);
        let mut sos = Vec::new();
        if let Some(f) = usable(self.highpass_hz) {
            sos.extend(Biquad::butterworth(Pass::High, self.order, f, rate_hz));
        }
        if let Some(f) = usable(self.lowpass_hz) {
            sos.extend(Biquad::butterworth(Pass::Low, self.order, f, rate_hz));
        }
        if let Some(f) = usable(self.notch_hz) {
            sos.push(Biquad::notch(f, NOTCH_Q, rate_hz));
        }
        sos
    }

    /// The cascade as SciPy's `sos` rows `[b0, b1, b2, 1, a1, a2]` (for checks and display).
    pub fn sos(&self, rate_hz: f64) -> Vec<[f64; 6]> {
        self.sections(rate_hz)
            .iter()
            .map(|s| [s.b[0], s.b[1], s.b[2], 1.0, s.a[0], s.a[1]])
            .collect()
    }

    /// True when some stage applies at `rate_hz`.
    pub fn is_active(&self, rate_hz: f64) -> bool {
        !self.sections(rate_hz).is_empty()
    }

    /// Filters `samples` (one channel at `rate_hz`) in place, zero phase. NaN samples stay NaN
    /// and split the data: each run of numbers between them is filtered on its own, so one
    /// missing value does not blank the whole window.
    pub fn apply(&self, rate_hz: f64, samples: &mut [f64]) {
        let sos = self.sections(rate_hz);
        if sos.is_empty() {
            return;
        }
        for run in samples.split_mut(|v| !v.is_finite()) {
            filtfilt(&sos, run);
        }
    }

    /// Samples to read beyond each side of a window so the filter's start-up transient falls
    /// outside it: the time every section takes to decay to -60 dB, summed (capped at 120 s).
    pub fn margin_samples(&self, rate_hz: f64) -> usize {
        let decay: f64 = self
            .sections(rate_hz)
            .iter()
            .map(|s| MARGIN_DECAY.ln() / s.pole_radius().ln())
            .filter(|n| n.is_finite() && *n > 0.0)
            .sum();
        let cap = MAX_MARGIN_S * rate_hz;
        // `as` saturates: a NaN rate gives 0.
        decay.min(cap).ceil() as usize
    }

    /// A short description for a status line, e.g. "HP 0.5 Hz, LP 70 Hz, notch 50 Hz".
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            ("HP", self.highpass_hz),
            ("LP", self.lowpass_hz),
            ("notch", self.notch_hz),
        ]
        .iter()
        .filter_map(|(name, f)| f.map(|f| format!("{name} {f} Hz")))
        .collect();
        if parts.is_empty() {
            "no filter".to_string()
        } else {
            parts.join(", ")
        }
    }
}
