//! What a channel measures, guessed from its label and unit, to choose default filters, scales
//! and montages. EDF+ asks for labels of the form "type specification" (EDF+ section 2.1.3.2:
//! "EEG Fpz-Cz", "ECG", "Resp oro-nasal", "Temp rectal", "SaO2", "Event"); many files use bare
//! names instead ("Fp1", "MLII", "Thor"), so both are recognised.

use super::electrode;
use crate::signal::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum ChannelKind {
    Eeg,
    Ecg,
    Eog,
    Emg,
    Resp,
    SpO2,
    HeartRate,
    Accel,
    Temp,
    Event,
    Other,
}

/// Words of a label that say the kind, whole-word (upper-case); checked in this order.
const WORDS: [(ChannelKind, &[&str]); 10] = [
    (
        ChannelKind::Eog,
        &["EOG", "LOC", "ROC", "HEOG", "VEOG", "REOG", "LEOG", "IEOG"],
    ),
    (ChannelKind::Ecg, &["ECG", "EKG"]),
    (
        ChannelKind::Emg,
        &["EMG", "CHIN", "SUBMENTAL", "LEG", "TIBIAL", "LAT", "RAT"],
    ),
    (
        ChannelKind::SpO2,
        &["SPO2", "SAO2", "OSAT", "SAT", "SPO2%", "SATURATION"],
    ),
    (ChannelKind::HeartRate, &["HR", "PULSE", "HEART", "BPM"]),
    (
        ChannelKind::Resp,
        &[
            "RESP",
            "RESPIRATION",
            "THOR",
            "THORAX",
            "ABD",
            "ABDO",
            "ABDOMEN",
            "CHEST",
            "FLOW",
            "AIRFLOW",
            "NASAL",
            "ORONASAL",
            "ORO",
            "BREATH",
            "EFFORT",
        ],
    ),
    (ChannelKind::Temp, &["TEMP", "TEMPERATURE"]),
    (
        ChannelKind::Accel,
        &["ACCEL", "ACC", "ACCELEROMETER", "ACCX", "ACCY", "ACCZ"],
    ),
    (
        ChannelKind::Event,
        &[
            "STATUS", "TRIGGER", "TRIG", "EVENT", "EVENTS", "MARKER", "STIM", "STI", "DTRIG",
        ],
    ),
    (ChannelKind::Eeg, &["EEG"]),
];

/// ECG lead names: the 12 standard leads, extra chest leads, and the modified limb leads of
/// ambulatory (Holter) recordings such as MIT-BIH's MLII.
const ECG_LEADS: [&str; 20] = [
    "I", "II", "III", "AVR", "AVL", "AVF", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9",
    "MLI", "MLII", "MLIII", "MV1", "MV5",
];

impl ChannelKind {
    /// The shipped label keymap (`annotations::taxonomy::shipped`) that suits a recording whose
    /// channels are mostly of this kind. Here rather than in `annotations`, which sits beside
    /// `dsp` and so may not import `ChannelKind`.
    pub fn taxonomy(self) -> &'static str {
        match self {
            ChannelKind::Ecg => "ecg",
            ChannelKind::Eeg | ChannelKind::Eog | ChannelKind::Emg => "eeg",
            _ => "rpm",
        }
    }

    /// The kind of a channel of a recording.
    pub fn of(channel: &Channel) -> ChannelKind {
        ChannelKind::guess(&channel.label, &channel.unit)
    }

    /// Kind from the label's words, then from electrode or lead names, then from the unit.
    pub fn guess(label: &str, unit: &str) -> ChannelKind {
        by_words(label)
            .or_else(|| by_name(label))
            .or_else(|| biosemi_abc(label, unit))
            .or_else(|| by_unit(unit))
            .unwrap_or(ChannelKind::Other)
    }

    /// Short upper-case name for lane headers ("EEG", "SpO2").
    pub fn name(self) -> &'static str {
        match self {
            ChannelKind::Eeg => "EEG",
            ChannelKind::Ecg => "ECG",
            ChannelKind::Eog => "EOG",
            ChannelKind::Emg => "EMG",
            ChannelKind::Resp => "Resp",
            ChannelKind::SpO2 => "SpO2",
            ChannelKind::HeartRate => "HR",
            ChannelKind::Accel => "Accel",
            ChannelKind::Temp => "Temp",
            ChannelKind::Event => "Event",
            ChannelKind::Other => "Other",
        }
    }
}

/// The kind most channels have (events and unknowns do not vote): decides whether a recording
/// is read as an EEG (montages offered) or as ECG/monitoring (channels as recorded).
pub fn dominant(channels: &[Channel]) -> ChannelKind {
    let mut counts: Vec<(ChannelKind, usize)> = Vec::new();
    for kind in channels.iter().map(ChannelKind::of) {
        if matches!(kind, ChannelKind::Other | ChannelKind::Event) {
            continue;
        }
        match counts.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => counts.push((kind, 1)),
        }
    }
    // `max_by_key` keeps the last of equal counts; reversing makes the first seen win a tie.
    counts
        .into_iter()
        .rev()
        .max_by_key(|&(_, n)| n)
        .map_or(ChannelKind::Other, |(k, _)| k)
}

fn words(label: &str) -> impl Iterator<Item = String> + '_ {
    label
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '%'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_uppercase())
}

fn by_words(label: &str) -> Option<ChannelKind> {
    let words: Vec<String> = words(label).collect();
    let has = |list: &[&str]| {
        words.iter().any(|w| {
            let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
            list.contains(&w.as_str()) || list.contains(&stem)
        })
    };
    WORDS.iter().find(|(_, list)| has(list)).map(|(k, _)| *k)
}

/// A bare 10-20 electrode (also as the first of a pair: "C3-A2", "Fpz-Cz") or an ECG lead.
fn by_name(label: &str) -> Option<ChannelKind> {
    let (first, _) = electrode::split_label(label);
    if electrode::canonical(first).is_some() {
        return Some(ChannelKind::Eeg);
    }
    let lead = first.trim().to_ascii_uppercase().replace(' ', "");
    ECG_LEADS
        .contains(&lead.as_str())
        .then_some(ChannelKind::Ecg)
}

/// BioSemi's ABC caps name electrodes by strip and position ("A1".."H32"); in microvolts they
/// are scalp EEG even where the name is not a 10-20 one.
fn biosemi_abc(label: &str, unit: &str) -> Option<ChannelKind> {
    let l = label.trim();
    let strip = l.chars().next().filter(|c| ('A'..='H').contains(c))?;
    let position: u8 = l[strip.len_utf8()..].parse().ok()?;
    let micro = matches!(unit.trim(), "uV" | "µV" | "μV" | "UV" | "uv");
    ((1..=32).contains(&position) && micro).then_some(ChannelKind::Eeg)
}

fn by_unit(unit: &str) -> Option<ChannelKind> {
    let u = unit.trim().to_ascii_lowercase();
    match u.as_str() {
        "bpm" | "/min" | "1/min" | "beats/min" | "b/min" => Some(ChannelKind::HeartRate),
        "%" | "percent" => Some(ChannelKind::SpO2),
        "degc" | "°c" | "deg c" | "celsius" | "degf" | "°f" => Some(ChannelKind::Temp),
        "g" | "mg" | "m/s^2" | "m/s2" | "m/s²" => Some(ChannelKind::Accel),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::ChannelKind::*;
    use super::*;

    #[test]
    fn labels_from_the_brief() {
        let cases = [
            ("EEG Fp1-Ref", "uV", Eeg),
            ("Fp1", "", Eeg),
            ("C3-A2", "uV", Eeg),
            ("ECG", "mV", Ecg),
            ("EKG", "", Ecg),
            ("MLII", "mV", Ecg),
            ("V5", "mV", Ecg),
            ("II", "", Ecg),
            ("EOG", "uV", Eog),
            ("EMG chin", "uV", Emg),
            ("Resp", "", Resp),
            ("Thor", "", Resp),
            ("SpO2", "%", SpO2),
            ("SaO2", "", SpO2),
            ("HR", "bpm", HeartRate),
            ("Pulse", "", HeartRate),
            ("Accel X", "g", Accel),
            ("Temp", "degC", Temp),
            ("Status", "", Event),
            ("Trigger", "", Event),
            ("Pleth", "", Other),
            ("", "", Other),
        ];
        for (label, unit, kind) in cases {
            assert_eq!(ChannelKind::guess(label, unit), kind, "{label:?} [{unit}]");
        }
    }

    #[test]
    fn unit_decides_only_when_the_label_cannot() {
        assert_eq!(ChannelKind::guess("X1", "bpm"), HeartRate);
        assert_eq!(ChannelKind::guess("probe", "%"), SpO2);
        assert_eq!(ChannelKind::guess("HR", "%"), HeartRate);
        assert_eq!(ChannelKind::guess("mystery", "uV"), Other);
        assert_eq!(ChannelKind::guess("B17", "uV"), Eeg);
        assert_eq!(ChannelKind::guess("B17", "mV"), Other);
    }
}
