//! A streaming EDF/EDF+/BDF/BDF+ writer, used by `sigmark synth`, the benchmarks and the tests
//! (fixtures for variants the corpus lacks, such as EDF+D with real gaps). Records are produced
//! one at a time by a callback, so a 1 GB file never sits in memory.

use std::io::{self, Write};

use chrono::NaiveDateTime;

/// One signal to write.
#[derive(Debug, Clone)]
pub struct SignalSpec {
    pub label: String,
    pub transducer: String,
    pub unit: String,
    pub physical_min: f64,
    pub physical_max: f64,
    pub digital_min: i32,
    pub digital_max: i32,
    pub prefilter: String,
    pub samples_per_record: usize,
}

impl SignalSpec {
    /// Digital value for a physical one, rounded and clipped to the digital range.
    pub fn to_digital(&self, physical: f64) -> i32 {
        let (pmin, pmax) = (self.physical_min, self.physical_max);
        let (dmin, dmax) = (f64::from(self.digital_min), f64::from(self.digital_max));
        let d = (physical - pmin) / (pmax - pmin) * (dmax - dmin) + dmin;
        d.round().clamp(dmin, dmax) as i32
    }
}

/// EDF+ continuity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plus {
    Continuous,
    /// Record onsets in 100 ns units from the start second, one per record.
    Discontinuous,
}

/// An annotation to write (onset from the start second of the header, in 100 ns).
#[derive(Debug, Clone)]
pub struct AnnotationSpec {
    pub onset_100ns: i64,
    pub duration_100ns: Option<i64>,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct FileSpec {
    pub bdf: bool,
    pub plus: Option<Plus>,
    pub patient: String,
    pub recording: String,
    pub start: NaiveDateTime,
    /// Sub-second start (EDF+ only), in 100 ns.
    pub start_offset_100ns: i64,
    pub records: u64,
    pub record_duration_100ns: i64,
    /// Record onsets for EDF+D (100 ns from the start second, before the sub-second offset).
    pub record_onsets_100ns: Vec<i64>,
    pub signals: Vec<SignalSpec>,
    pub annotations: Vec<AnnotationSpec>,
}

impl FileSpec {
    fn record_onset(&self, rec: u64) -> i64 {
        match self.plus {
            Some(Plus::Discontinuous) => self
                .record_onsets_100ns
                .get(rec as usize)
                .copied()
                .unwrap_or(0),
            _ => rec as i64 * self.record_duration_100ns,
        }
    }
}

/// Writes the file; `fill(record, signals)` puts the digital samples of each signal of one
/// record into the given buffers (already sized to samples per record).
pub fn write<W: Write>(
    mut out: W,
    spec: &FileSpec,
    mut fill: impl FnMut(u64, &mut [Vec<i32>]),
) -> io::Result<()> {
    let tals = assign_tals(spec);
    let annot_bytes = tals.iter().map(Vec::len).max().unwrap_or(0);
    let bps = if spec.bdf { 3 } else { 2 };
    let annot_samples = annot_bytes
        .div_ceil(bps)
        .max(if spec.plus.is_some() { 1 } else { 0 });
    out.write_all(&header(spec, annot_samples))?;
    let mut bufs: Vec<Vec<i32>> = spec
        .signals
        .iter()
        .map(|s| vec![0; s.samples_per_record])
        .collect();
    let mut record = Vec::new();
    for rec in 0..spec.records {
        fill(rec, &mut bufs);
        record.clear();
        for b in &bufs {
            for &v in b {
                if spec.bdf {
                    record.extend_from_slice(&v.to_le_bytes()[..3]);
                } else {
                    record.extend_from_slice(&(v as i16).to_le_bytes());
                }
            }
        }
        if spec.plus.is_some() {
            let t = &tals[rec as usize];
            record.extend_from_slice(t);
            record.resize(record.len() + annot_samples * bps - t.len(), 0);
        }
        out.write_all(&record)?;
    }
    out.flush()
}

fn header(spec: &FileSpec, annot_samples: usize) -> Vec<u8> {
    let annot = spec.plus.is_some();
    let ns = spec.signals.len() + usize::from(annot);
    let mut h = Vec::with_capacity(256 * (ns + 1));
    if spec.bdf {
        h.push(0xff);
        h.extend_from_slice(b"BIOSEMI");
    } else {
        put(&mut h, "0", 8);
    }
    put(&mut h, &spec.patient, 80);
    put(&mut h, &spec.recording, 80);
    put(&mut h, &spec.start.format("%d.%m.%y").to_string(), 8);
    put(&mut h, &spec.start.format("%H.%M.%S").to_string(), 8);
    put(&mut h, &(256 * (ns + 1)).to_string(), 8);
    let fam = if spec.bdf { "BDF" } else { "EDF" };
    let reserved = match spec.plus {
        None if spec.bdf => "24BIT".to_string(),
        None => String::new(),
        Some(Plus::Continuous) => format!("{fam}+C"),
        Some(Plus::Discontinuous) => format!("{fam}+D"),
    };
    put(&mut h, &reserved, 44);
    put(&mut h, &spec.records.to_string(), 8);
    put(&mut h, &seconds_text(spec.record_duration_100ns), 8);
    put(&mut h, &ns.to_string(), 4);
    let annot_label = format!("{fam} Annotations");
    let (dmin, dmax) = if spec.bdf {
        (-8_388_608, 8_388_607)
    } else {
        (-32768, 32767)
    };
    type Col = fn(&SignalSpec) -> String;
    let columns: [(usize, Col, String); 10] = [
        (16, |s| s.label.clone(), annot_label),
        (80, |s| s.transducer.clone(), String::new()),
        (8, |s| s.unit.clone(), String::new()),
        (8, |s| number_text(s.physical_min), "-1".into()),
        (8, |s| number_text(s.physical_max), "1".into()),
        (8, |s| s.digital_min.to_string(), dmin.to_string()),
        (8, |s| s.digital_max.to_string(), dmax.to_string()),
        (80, |s| s.prefilter.clone(), String::new()),
        (
            8,
            |s| s.samples_per_record.to_string(),
            annot_samples.to_string(),
        ),
        (32, |_| String::new(), String::new()),
    ];
    for (width, get, annot_value) in &columns {
        for s in &spec.signals {
            put(&mut h, &get(s), *width);
        }
        if annot {
            put(&mut h, annot_value, *width);
        }
    }
    h
}

/// Left-justified, space-padded, cut to the field width (EDF section 2.1.3).
fn put(h: &mut Vec<u8>, text: &str, width: usize) {
    let bytes: Vec<u8> = text
        .bytes()
        .map(|b| if (32..127).contains(&b) { b } else { b'_' })
        .collect();
    let n = bytes.len().min(width);
    h.extend_from_slice(&bytes[..n]);
    h.resize(h.len() + width - n, b' ');
}

/// A number in at most 8 characters.
pub fn number_text(v: f64) -> String {
    for decimals in (0..=6).rev() {
        let s = format!("{v:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s.len() <= 8 {
            return s;
        }
    }
    format!("{}", v.round() as i64)
}

/// Seconds from 100 ns units, as the shortest decimal text.
pub fn seconds_text(units: i64) -> String {
    let sign = if units < 0 { "-" } else { "" };
    let u = units.unsigned_abs();
    let (whole, frac) = (u / 10_000_000, u % 10_000_000);
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let f = format!("{frac:07}");
        format!("{sign}{whole}.{}", f.trim_end_matches('0'))
    }
}

/// The TAL bytes of each record: the time-keeping TAL, then the annotations whose onset falls
/// in that record (the last record takes any beyond the end).
fn assign_tals(spec: &FileSpec) -> Vec<Vec<u8>> {
    if spec.plus.is_none() {
        return vec![Vec::new(); spec.records as usize];
    }
    let mut tals: Vec<Vec<u8>> = (0..spec.records)
        .map(|r| {
            let onset = spec.record_onset(r) + spec.start_offset_100ns;
            format!("+{}\x14\x14\x00", seconds_text(onset)).into_bytes()
        })
        .collect();
    let starts: Vec<i64> = (0..spec.records)
        .map(|r| spec.record_onset(r) + spec.start_offset_100ns)
        .collect();
    for a in &spec.annotations {
        // The last record whose onset is at or before the annotation (records are in order).
        let rec = starts
            .partition_point(|&s| s <= a.onset_100ns)
            .saturating_sub(1);
        let on = if a.onset_100ns < 0 { "-" } else { "+" };
        let mut t = format!("{on}{}", seconds_text(a.onset_100ns.abs()));
        if let Some(d) = a.duration_100ns {
            t.push('\x15');
            t.push_str(&seconds_text(d));
        }
        t.push('\x14');
        t.push_str(&a.text.replace(['\x14', '\x15', '\0'], " "));
        t.push_str("\x14\x00");
        if let Some(r) = tals.get_mut(rec) {
            r.extend_from_slice(t.as_bytes());
        }
    }
    tals
}
