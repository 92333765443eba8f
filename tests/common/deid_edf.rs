//! Fixtures and comparisons for tests/deid_edf.rs: an EDF+ recording full of known PHI, and
//! the checks that a de-identified copy has the source's samples, onsets and durations.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use sigmark::formats::edf::writer::{self, AnnotationSpec, FileSpec, Plus, SignalSpec};
use sigmark::Recording;

/// The patient field, written over the writer's ASCII-only one so the name keeps its accent.
pub const PATIENT: &str = "MCH-0234567 F 12-MAR-1961 Jane_Doé";
pub const RECORDING: &str = "Startdate 05-APR-2023 PSG-7781 Dr_Hartmann SRN=22761403";
/// Sub-second start of the fixture (0.25 s), kept by the copy.
pub const SUBSECOND_100NS: i64 = 2_500_000;

/// Annotation texts of the fixture, with what each must become under a shift of 17 days.
pub const TEXTS: [(&str, &str); 7] = [
    ("Jane Doé woke up", "[name] [name] woke up"),
    ("DOB 12.03.1961, pt mch-0234567", "DOB [date], pt [name]"),
    ("lights off at 22:47", "lights off at [time]"),
    ("Hartmann checked 22761403", "[name] checked [name]"),
    ("follow-up 2023-04-19", "follow-up 2023-05-06"),
    ("Sleep stage W", "Sleep stage W"),
    (
        "Electrodes checked, impedances below 5 kOhm on every channel of the montage",
        "Electrodes checked, impedances below 5 kOhm on every channel of the montage",
    ),
];

fn signal(label: &str, spr: usize) -> SignalSpec {
    SignalSpec {
        label: label.into(),
        transducer: "AgAgCl".into(),
        unit: "uV".into(),
        physical_min: -500.0,
        physical_max: 500.0,
        digital_min: -32768,
        digital_max: 32767,
        prefilter: "HP:0.1Hz".into(),
        samples_per_record: spr,
    }
}

/// Writes the PHI fixture (EDF+C, or BDF+C when `bdf`) into `dir`.
pub fn phi_recording(dir: &Path, bdf: bool) -> PathBuf {
    let spec = FileSpec {
        bdf,
        plus: Some(Plus::Continuous),
        patient: "PLACEHOLDER".into(),
        recording: RECORDING.into(),
        start: NaiveDate::from_ymd_opt(2023, 4, 5)
            .and_then(|d| d.and_hms_opt(22, 30, 0))
            .unwrap(),
        start_offset_100ns: SUBSECOND_100NS,
        records: 20,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: vec![signal("EEG Fpz-Cz", 100), signal("Resp", 10)],
        annotations: TEXTS
            .iter()
            .enumerate()
            .map(|(k, (t, _))| AnnotationSpec {
                onset_100ns: SUBSECOND_100NS + (2 * k as i64 + 1) * 10_000_000 + 1_234_567,
                duration_100ns: (k % 2 == 0).then_some(30_000_000),
                text: t.to_string(),
            })
            .collect(),
    };
    let path = dir.join(if bdf { "phi.bdf" } else { "phi.edf" });
    let mut bytes = Vec::new();
    writer::write(&mut bytes, &spec, |rec, bufs| {
        for (s, b) in bufs.iter_mut().enumerate() {
            let len = b.len();
            for (i, v) in b.iter_mut().enumerate() {
                let t = (rec as usize * len + i) as f64;
                *v = ((t * 0.05 * (s + 1) as f64).sin() * 20000.0) as i32;
            }
        }
    })
    .unwrap();
    let field = &mut bytes[8..88];
    field.fill(b' ');
    field[..PATIENT.len()].copy_from_slice(PATIENT.as_bytes());
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The identifying tokens of the fixture, each as UTF-8, lowercased, uppercased and in
/// Latin-1, to search the output's bytes for.
pub fn tokens() -> Vec<(String, Vec<u8>)> {
    let words = [
        "MCH-0234567",
        "0234567",
        "Jane",
        "Doé",
        "Doe",
        "12-MAR-1961",
        "12.03.1961",
        "PSG-7781",
        "Hartmann",
        "22761403",
        "22:47",
        "05-APR-2023",
        "05.04.23",
        "2023-04-19",
    ];
    let mut out = Vec::new();
    for w in words {
        for form in [w.to_string(), w.to_lowercase(), w.to_uppercase()] {
            let latin1: Option<Vec<u8>> = form
                .chars()
                .map(|c| u8::try_from(u32::from(c)).ok())
                .collect();
            out.push((format!("{form:?} utf-8"), form.as_bytes().to_vec()));
            if let Some(l) = latin1.filter(|l| l.as_slice() != form.as_bytes()) {
                out.push((format!("{form:?} latin-1"), l));
            }
        }
    }
    out
}

/// Where `needle` occurs in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Compares every channel's digital and physical values (bit for bit) and every annotation's
/// onset and duration (exactly); returns the number of values compared.
pub fn same_values(src: &Recording, out: &Recording, who: &str) -> usize {
    assert_eq!(src.channels.len(), out.channels.len(), "{who}: channels");
    let mut n = 0;
    for (ch, c) in src.channels.iter().enumerate() {
        let count = c.samples as usize;
        assert_eq!(
            out.channels[ch].samples, c.samples,
            "{who}: {} samples",
            c.label
        );
        let (a, b) = (
            src.read_samples(ch, 0, count).unwrap(),
            out.read_samples(ch, 0, count).unwrap(),
        );
        let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
        assert!(same, "{who}: physical values of {} differ", c.label);
        let (a, b) = (
            src.read_digital(ch, 0, count).unwrap(),
            out.read_digital(ch, 0, count).unwrap(),
        );
        assert_eq!(a, b, "{who}: digital values of {} differ", c.label);
        n += 2 * count;
    }
    assert_eq!(
        src.annotations.len(),
        out.annotations.len(),
        "{who}: annotations"
    );
    for (a, b) in src.annotations.iter().zip(&out.annotations) {
        assert_eq!(
            a.onset_s.to_bits(),
            b.onset_s.to_bits(),
            "{who}: onset of {:?}",
            b.text
        );
        assert_eq!(
            a.duration_s.map(f64::to_bits),
            b.duration_s.map(f64::to_bits),
            "{who}: duration of {:?}",
            b.text
        );
        n += 2;
    }
    assert_eq!(
        src.start.map(|s| s.subsecond_100ns),
        out.start.map(|s| s.subsecond_100ns),
        "{who}: sub-second start"
    );
    n
}

/// An EDF+C of about `mb` megabytes (8 signals of 256 samples per 1 s record), with an
/// annotation naming the patient every 100 records, written as it is generated.
pub fn large_recording(dir: &Path, mb: u64) -> PathBuf {
    let record_bytes = 8 * 256 * 2 + 64;
    let records = (mb * 1_000_000 / record_bytes).max(1);
    let spec = FileSpec {
        bdf: false,
        plus: Some(Plus::Continuous),
        patient: "X F 12-MAR-1961 Jane_Doe".into(),
        recording: RECORDING.into(),
        start: NaiveDate::from_ymd_opt(2023, 4, 5)
            .and_then(|d| d.and_hms_opt(22, 30, 0))
            .unwrap(),
        start_offset_100ns: 0,
        records,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: (0..8).map(|k| signal(&format!("EEG{k}"), 256)).collect(),
        annotations: (0..records / 100)
            .map(|k| AnnotationSpec {
                onset_100ns: (k * 100) as i64 * 10_000_000 + 5_000_000,
                duration_100ns: None,
                text: format!("Jane arousal {k}, Sleep stage 2 and more text to fill"),
            })
            .collect(),
    };
    let path = dir.join("large.edf");
    let file = std::io::BufWriter::with_capacity(4 << 20, std::fs::File::create(&path).unwrap());
    writer::write(file, &spec, |rec, bufs| {
        for (s, b) in bufs.iter_mut().enumerate() {
            for (i, v) in b.iter_mut().enumerate() {
                *v = ((rec as usize * 7 + i * 13 + s * 101) % 60000) as i32 - 30000;
            }
        }
    })
    .unwrap();
    path
}
