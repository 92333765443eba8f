//! Paper scale: the clinical units a trace is read in. ECG is read in millimetres per millivolt
//! at a paper speed in millimetres per second (10 mm/mV at 25 mm/s); EEG, EOG and EMG in
//! microvolts per millimetre (7 µV/mm at 30 mm/s). The viewer and `sigmark snapshot` share these
//! so a strip on screen and one on paper are read the same way.
//!
//! Non-physiological channels (SpO2, heart rate, temperature, position, events) have no paper
//! sensitivity: they are shown by their value range.

use super::ChannelKind;

/// ECG sensitivities, mm/mV (5, 10 and 20 are the clinical ones; 2.5 and 40 for big and tiny QRS).
pub const ECG_MM_PER_MV: [f64; 5] = [2.5, 5.0, 10.0, 20.0, 40.0];
/// The usual EEG sensitivity ladder, µV/mm.
pub const EEG_UV_PER_MM: [f64; 13] = [
    1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0, 30.0, 50.0, 70.0, 100.0, 200.0,
];
/// ECG paper speeds, mm/s.
pub const ECG_SPEEDS: [f64; 3] = [12.5, 25.0, 50.0];
/// EEG paper speeds, mm/s (15 and 30 are the clinical ones; 60 for spikes).
pub const EEG_SPEEDS: [f64; 3] = [15.0, 30.0, 60.0];

/// A sensitivity in the convention its channel kind is read in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sensitivity {
    /// Millimetres per millivolt (ECG: bigger is taller).
    MmPerMv(f64),
    /// Microvolts per millimetre (EEG, EOG, EMG: bigger is smaller).
    UvPerMm(f64),
}

impl Sensitivity {
    /// The default for a kind of channel, or None when it has no paper sensitivity.
    pub fn default_for(kind: ChannelKind) -> Option<Sensitivity> {
        match kind {
            ChannelKind::Ecg => Some(Sensitivity::MmPerMv(10.0)),
            ChannelKind::Eeg => Some(Sensitivity::UvPerMm(7.0)),
            ChannelKind::Eog => Some(Sensitivity::UvPerMm(7.0)),
            ChannelKind::Emg => Some(Sensitivity::UvPerMm(10.0)),
            _ => None,
        }
    }

    /// Volts per millimetre of trace.
    pub fn volts_per_mm(self) -> f64 {
        match self {
            Sensitivity::MmPerMv(mm) => 1e-3 / mm,
            Sensitivity::UvPerMm(uv) => uv * 1e-6,
        }
    }

    /// Physical units of a channel recorded in `unit` per millimetre, or None when the unit is
    /// not a voltage.
    pub fn units_per_mm(self, unit: &str) -> Option<f64> {
        Some(self.volts_per_mm() / volts_per_unit(unit)?)
    }

    /// The next step on its ladder: `taller` makes the trace taller (more mm/mV, fewer µV/mm).
    /// A value off the ladder moves to the nearest rung in that direction; the ends stay.
    pub fn step(self, taller: bool) -> Sensitivity {
        match self {
            Sensitivity::MmPerMv(v) => Sensitivity::MmPerMv(next_on(&ECG_MM_PER_MV, v, taller)),
            Sensitivity::UvPerMm(v) => Sensitivity::UvPerMm(next_on(&EEG_UV_PER_MM, v, !taller)),
        }
    }

    /// How the status bar and a strip's header write it: `10 mm/mV`, `7 µV/mm`.
    pub fn label(self) -> String {
        match self {
            Sensitivity::MmPerMv(v) => format!("{} mm/mV", trim(v)),
            Sensitivity::UvPerMm(v) => format!("{} µV/mm", trim(v)),
        }
    }

    /// Parses `10`, `10mm/mV`, `7uV/mm`, `7 µV/mm` for a kind: a bare number is in the kind's
    /// own convention.
    pub fn parse(text: &str, kind: ChannelKind) -> Option<Sensitivity> {
        let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        let lower = t.to_lowercase();
        let num_end = lower
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(lower.len());
        let value: f64 = lower[..num_end].parse().ok()?;
        if !(value.is_finite() && value > 0.0) {
            return None;
        }
        match &lower[num_end..] {
            "" => match Sensitivity::default_for(kind)? {
                Sensitivity::MmPerMv(_) => Some(Sensitivity::MmPerMv(value)),
                Sensitivity::UvPerMm(_) => Some(Sensitivity::UvPerMm(value)),
            },
            "mm/mv" => Some(Sensitivity::MmPerMv(value)),
            "uv/mm" | "µv/mm" | "μv/mm" => Some(Sensitivity::UvPerMm(value)),
            _ => None,
        }
    }
}

/// The default paper speed for a kind, mm/s: 25 for ECG, 30 for the rest.
pub fn default_speed(kind: ChannelKind) -> f64 {
    match kind {
        ChannelKind::Ecg => 25.0,
        _ => 30.0,
    }
}

/// The speed ladder a kind steps along.
pub fn speeds_for(kind: ChannelKind) -> &'static [f64] {
    match kind {
        ChannelKind::Ecg => &ECG_SPEEDS,
        _ => &EEG_SPEEDS,
    }
}

/// The next speed on a kind's ladder (`faster` = more mm/s).
pub fn step_speed(kind: ChannelKind, speed: f64, faster: bool) -> f64 {
    next_on(speeds_for(kind), speed, faster)
}

/// Volts in one unit of `unit` (`uV`, `µV`, `mV`, `V`, `nV`; case and spaces ignored), or None.
pub fn volts_per_unit(unit: &str) -> Option<f64> {
    let u: String = unit.chars().filter(|c| !c.is_whitespace()).collect();
    match u.as_str() {
        "V" | "v" => Some(1.0),
        "mV" | "mv" | "MV" => Some(1e-3),
        "uV" | "µV" | "μV" | "UV" | "uv" | "µv" | "μv" => Some(1e-6),
        "nV" | "nv" => Some(1e-9),
        _ => None,
    }
}

/// Writes a ladder value without a trailing `.0` (`12.5`, `25`).
pub fn trim(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v}")
    }
}

fn next_on(ladder: &[f64], v: f64, up: bool) -> f64 {
    let eps = 1e-9 * v.abs().max(1.0);
    let found = if up {
        ladder.iter().find(|&&x| x > v + eps).copied()
    } else {
        ladder.iter().rev().find(|&&x| x < v - eps).copied()
    };
    found.unwrap_or(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_mm_per_mv_is_a_tenth_of_a_millivolt_per_mm_in_any_voltage_unit() {
        let s = Sensitivity::MmPerMv(10.0);
        assert!((s.units_per_mm("mV").unwrap() - 0.1).abs() < 1e-12);
        assert!((s.units_per_mm("uV").unwrap() - 100.0).abs() < 1e-9);
        assert!((s.units_per_mm("µV").unwrap() - 100.0).abs() < 1e-9);
        assert!((s.units_per_mm("V").unwrap() - 1e-4).abs() < 1e-15);
        assert_eq!(s.units_per_mm("%"), None);
        let e = Sensitivity::UvPerMm(7.0);
        assert!((e.units_per_mm("uV").unwrap() - 7.0).abs() < 1e-9);
        assert!((e.units_per_mm("mV").unwrap() - 0.007).abs() < 1e-12);
    }

    #[test]
    fn steps_walk_the_ladders_and_stop_at_the_ends() {
        let s = Sensitivity::MmPerMv(10.0);
        assert_eq!(s.step(true), Sensitivity::MmPerMv(20.0));
        assert_eq!(s.step(false), Sensitivity::MmPerMv(5.0));
        assert_eq!(
            Sensitivity::MmPerMv(40.0).step(true),
            Sensitivity::MmPerMv(40.0)
        );
        // Taller EEG means fewer µV per mm.
        let e = Sensitivity::UvPerMm(7.0);
        assert_eq!(e.step(true), Sensitivity::UvPerMm(5.0));
        assert_eq!(e.step(false), Sensitivity::UvPerMm(10.0));
        assert_eq!(
            Sensitivity::UvPerMm(8.0).step(true),
            Sensitivity::UvPerMm(7.0)
        );
        assert_eq!(step_speed(ChannelKind::Ecg, 25.0, true), 50.0);
        assert_eq!(step_speed(ChannelKind::Eeg, 30.0, false), 15.0);
        assert_eq!(step_speed(ChannelKind::Ecg, 12.5, false), 12.5);
    }

    #[test]
    fn labels_and_parsing_round_trip() {
        assert_eq!(Sensitivity::MmPerMv(10.0).label(), "10 mm/mV");
        assert_eq!(Sensitivity::UvPerMm(7.0).label(), "7 µV/mm");
        assert_eq!(trim(12.5), "12.5");
        for s in [Sensitivity::MmPerMv(2.5), Sensitivity::UvPerMm(70.0)] {
            assert_eq!(Sensitivity::parse(&s.label(), ChannelKind::Other), Some(s));
        }
        assert_eq!(
            Sensitivity::parse("7", ChannelKind::Eeg),
            Some(Sensitivity::UvPerMm(7.0))
        );
        assert_eq!(
            Sensitivity::parse("20", ChannelKind::Ecg),
            Some(Sensitivity::MmPerMv(20.0))
        );
        assert_eq!(
            Sensitivity::parse("7uV/mm", ChannelKind::Ecg),
            Some(Sensitivity::UvPerMm(7.0))
        );
        assert_eq!(Sensitivity::parse("7", ChannelKind::SpO2), None);
        assert_eq!(Sensitivity::parse("-3", ChannelKind::Eeg), None);
        assert_eq!(Sensitivity::parse("7 furlongs", ChannelKind::Eeg), None);
    }

    #[test]
    fn defaults_follow_the_clinical_conventions() {
        assert_eq!(
            Sensitivity::default_for(ChannelKind::Ecg),
            Some(Sensitivity::MmPerMv(10.0))
        );
        assert_eq!(
            Sensitivity::default_for(ChannelKind::Eeg),
            Some(Sensitivity::UvPerMm(7.0))
        );
        assert_eq!(Sensitivity::default_for(ChannelKind::SpO2), None);
        assert_eq!(default_speed(ChannelKind::Ecg), 25.0);
        assert_eq!(default_speed(ChannelKind::Eeg), 30.0);
    }
}
