//! The header rules of EDF (Kemp et al. 1992), EDF+ (Kemp and Olivan 2003, edfplus.info) and
//! BDF/BDF+ (BioSemi's 24-bit variant, same layout): every deviation becomes a [`Finding`].

use super::layout::{self as l, Fixed};
use super::{Finding, Severity};
use crate::formats::edf::number::{edflib_atof, edflib_atoi, is_valid, Shape};

pub const R_ASCII: &str = "EDF+ 2.1.3: header fields hold printable US-ASCII only (32..126)";
pub const R_LEFT: &str = "EDF+ 2.1.3: header values are left-justified and padded with spaces";
pub const R_VERSION: &str = "EDF 1992 header: version '0' (BDF: byte 255 then 'BIOSEMI')";
pub const R_DATE: &str = "EDF 1992 header: startdate of recording dd.mm.yy";
pub const R_TIME: &str = "EDF 1992 header: starttime of recording hh.mm.ss";
pub const R_HDRLEN: &str = "EDF 1992 header: number of bytes in header = 256 + ns * 256";
pub const R_RESERVED: &str = "EDF+ 2.1.1: reserved field is 'EDF+C' or 'EDF+D' in EDF+ (BDF+: 'BDF+C', 'BDF+D'), blank in EDF";
pub const R_RECORDS: &str = "EDF 1992 header: number of data records, an integer";
pub const R_MINUS1: &str =
    "EDF+ 2.1.3: number of data records -1 only while the file is being recorded";
pub const R_SIZE: &str =
    "EDF 1992: the file is the header and then exactly 'number of data records' records";
pub const R_DURATION: &str = "EDF 1992 header: duration of a data record, in seconds, >= 0";
pub const R_DURATION0: &str =
    "EDF+ 2.1.3: record duration 0 only in a file without signals other than annotations";
pub const R_NS: &str = "EDF 1992 header: number of signals (ns) in the data record, >= 1";
pub const R_PHYS: &str =
    "EDF 1992 signal header: physical minimum and maximum, numbers that differ";
pub const R_DIG: &str = "EDF 1992 signal header: digital minimum < digital maximum, within the 16-bit (BDF: 24-bit) two's complement samples";
pub const R_SPR: &str =
    "EDF 1992 signal header: nr of samples in each data record, a positive integer";
pub const R_ANNOT: &str = "EDF+ 2.2.1: an EDF+ file holds at least one 'EDF Annotations' signal (BDF+: 'BDF Annotations')";
pub const R_ANNOT_FIELDS: &str = "EDF+ 2.2.1: 'EDF Annotations' signal: digital range -32768..32767 (BDF+: 24-bit), transducer, dimension and prefiltering blank";
pub const R_PATIENT: &str =
    "EDF+ 2.1.3: local patient identification 'code sex birthdate name', X when unknown";
pub const R_RECFIELD: &str = "EDF+ 2.1.3: local recording identification 'Startdate dd-MMM-yyyy admincode technician equipment'";
pub const R_AGREE: &str =
    "EDF+ 2.1.3: the 'Startdate' subfield and the startdate field give the same date";

/// What the header declares, as far as it could be read.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub bdf: bool,
    pub plus: bool,
    pub discontinuous: bool,
    pub ns: usize,
    pub header_len: u64,
    /// Declared number of data records (-1 allowed), when the field is a number.
    pub records: Option<i64>,
    /// Record duration in seconds, when the field is a number.
    pub duration_s: Option<f64>,
    /// Samples per record of every signal, when every field is a number.
    pub spr: Option<Vec<u64>>,
    /// Indices of the annotation signals (EDF+/BDF+ only).
    pub annotation: Vec<usize>,
}

impl Parsed {
    pub fn sample_bytes(&self) -> u64 {
        if self.bdf {
            3
        } else {
            2
        }
    }

    /// Bytes of one data record, when known.
    pub fn record_size(&self) -> Option<u64> {
        self.spr
            .as_ref()
            .map(|s| s.iter().sum::<u64>().saturating_mul(self.sample_bytes()))
    }

    pub fn format_name(&self) -> String {
        let base = if self.bdf { "BDF" } else { "EDF" };
        match (self.plus, self.discontinuous) {
            (false, _) => base.to_string(),
            (true, false) => format!("{base}+C"),
            (true, true) => format!("{base}+D"),
        }
    }
}

pub(crate) struct Out<'a>(pub &'a mut Vec<Finding>);

impl Out<'_> {
    pub fn push(
        &mut self,
        sev: Severity,
        offset: usize,
        field: &str,
        rule: &'static str,
        msg: String,
    ) {
        self.0.push(Finding {
            severity: sev,
            offset: offset as u64,
            line: None,
            field: field.to_string(),
            rule,
            message: msg,
        });
    }
}

/// Checks the header; returns what it declares, or `None` when it is not an EDF/BDF header.
pub fn check_header(head: &[u8], file_len: u64, findings: &mut Vec<Finding>) -> Option<Parsed> {
    let mut out = Out(findings);
    let bdf = version(&mut out, head)?;
    for f in [l::PATIENT, l::RECORDING] {
        text_field(&mut out, l::fixed(head, f), f.1, f.0);
    }
    date_time(&mut out, head);
    let (ns, header_len) = signal_count(&mut out, head)?;
    let reserved = l::latin1(l::fixed(head, l::RESERVED));
    let (plus, discontinuous) = reserved_kind(&reserved, bdf);
    text_field(
        &mut out,
        l::fixed(head, l::RESERVED),
        l::RESERVED.1,
        l::RESERVED.0,
    );
    let records = int_field(&mut out, head, l::RECORDS);
    let duration_s = duration(&mut out, head);
    header_complete(&mut out, head, ns, header_len)?;
    let mut p = Parsed {
        bdf,
        plus,
        discontinuous,
        ns,
        header_len,
        records,
        duration_s,
        spr: None,
        annotation: Vec::new(),
    };
    signals(&mut out, head, &mut p);
    super::spec_records::reserved_rules(&mut out, &reserved, &p);
    if plus {
        super::spec_plus::subfields(&mut out, head);
    }
    zero_duration(&mut out, &p);
    super::spec_records::size(&mut out, &p, file_len);
    Some(p)
}

/// The version field: `Some(bdf)`, or `None` when the file is neither EDF nor BDF (or shorter
/// than a header).
fn version(out: &mut Out, head: &[u8]) -> Option<bool> {
    if head.len() < 256 {
        let msg = format!(
            "the file holds {} bytes; an EDF/BDF header is at least 256",
            head.len()
        );
        out.push(Severity::Error, 0, "header", R_VERSION, msg);
        return None;
    }
    let bdf = head[0] == 0xFF;
    let version = l::fixed(head, l::VERSION);
    if bdf {
        if &version[1..] != b"BIOSEMI" {
            let msg = format!(
                "BDF version {:?}, expected \"BIOSEMI\" after byte 255",
                l::latin1(&version[1..])
            );
            out.push(Severity::Error, 1, l::VERSION.0, R_VERSION, msg);
        }
    } else if version != b"0       " {
        let msg = format!(
            "version {:?} is neither EDF \"0\" nor BDF",
            l::latin1(version)
        );
        out.push(Severity::Error, 0, l::VERSION.0, R_VERSION, msg);
        return None;
    }
    Some(bdf)
}

/// The number of signals and the header length it makes (checked against the declared one);
/// `None` when the count is not a usable number.
fn signal_count(out: &mut Out, head: &[u8]) -> Option<(usize, u64)> {
    let ns = int_field(out, head, l::SIGNALS).unwrap_or(-1);
    if ns < 1 || ns as usize > l::MAX_SIGNALS {
        let msg = format!("{ns}: expected 1 to {} signals", l::MAX_SIGNALS);
        out.push(Severity::Error, l::SIGNALS.1, l::SIGNALS.0, R_NS, msg);
        return None;
    }
    let ns = usize::try_from(ns).unwrap_or(0);
    let header_len = 256 * (ns as u64 + 1);
    if let Some(n) = int_field(out, head, l::HEADER_BYTES) {
        if n != header_len as i64 {
            let msg = format!("{n}, but {ns} signals make a header of {header_len} bytes");
            let (field, at) = (l::HEADER_BYTES.0, l::HEADER_BYTES.1);
            out.push(Severity::Error, at, field, R_HDRLEN, msg);
        }
    }
    Some((ns, header_len))
}

/// The record duration, when a number (a negative one is a finding).
fn duration(out: &mut Out, head: &[u8]) -> Option<f64> {
    let duration_s = num_field(out, head, l::DURATION, Shape::Decimal);
    if duration_s.is_some_and(|d| d < 0.0) {
        let msg = "negative record duration".into();
        out.push(
            Severity::Error,
            l::DURATION.1,
            l::DURATION.0,
            R_DURATION,
            msg,
        );
    }
    duration_s
}

/// `Some(())` when the file holds all `ns` signal headers.
fn header_complete(out: &mut Out, head: &[u8], ns: usize, header_len: u64) -> Option<()> {
    if (head.len() as u64) >= header_len {
        return Some(());
    }
    let msg = format!(
        "{ns} signals need a {header_len}-byte header; the file ends at byte {}",
        head.len()
    );
    out.push(Severity::Error, head.len(), "signal headers", R_HDRLEN, msg);
    None
}

/// Record duration 0 with ordinary signals: an error in EDF, a warning in EDF+.
fn zero_duration(out: &mut Out, p: &Parsed) {
    if p.duration_s != Some(0.0) || p.annotation.len() >= p.ns {
        return;
    }
    let sev = if p.plus {
        Severity::Warning
    } else {
        Severity::Error
    };
    let why = if p.plus {
        ""
    } else {
        " (a plain EDF has no record onsets to place them)"
    };
    let msg = format!("record duration 0 with {} signal(s) other than annotations: their sampling rate is undefined{why}", p.ns - p.annotation.len());
    out.push(sev, l::DURATION.1, l::DURATION.0, R_DURATION0, msg);
}

/// (EDF+/BDF+, discontinuous) as EDFlib decides it: by the first five bytes of the field.
pub fn reserved_kind(reserved: &str, bdf: bool) -> (bool, bool) {
    let tag = if bdf { "BDF+" } else { "EDF+" };
    if reserved.starts_with(&format!("{tag}C")) {
        (true, false)
    } else if reserved.starts_with(&format!("{tag}D")) {
        (true, true)
    } else {
        (false, false)
    }
}

fn signals(out: &mut Out, head: &[u8], p: &mut Parsed) {
    let ns = p.ns;
    let tag = if p.bdf {
        "BDF Annotations"
    } else {
        "EDF Annotations"
    };
    for i in 0..ns {
        for f in [
            l::LABEL,
            l::TRANSDUCER,
            l::DIMENSION,
            l::PREFILTER,
            l::SIG_RESERVED,
        ] {
            text_field(
                out,
                l::signal_field(head, ns, f, i),
                l::signal_offset(ns, f, i),
                &l::signal_field_name(f, i),
            );
        }
        if p.plus && l::latin1(l::signal_field(head, ns, l::LABEL, i)).trim_end() == tag {
            p.annotation.push(i);
        }
    }
    let mut spr = Some(Vec::with_capacity(ns));
    for i in 0..ns {
        range(out, head, p, i);
        let n = sig_num(out, head, ns, l::SAMPLES, i, Shape::Integer).map(|v| v as i64);
        let at = l::signal_offset(ns, l::SAMPLES, i);
        match n {
            Some(n) if n >= 1 => {
                if let Some(v) = spr.as_mut() {
                    v.push(n as u64);
                }
            }
            Some(0) => {
                out.push(
                    Severity::Error,
                    at,
                    &l::signal_field_name(l::SAMPLES, i),
                    R_SPR,
                    "0 samples per record: the signal holds no data".into(),
                );
                if let Some(v) = spr.as_mut() {
                    v.push(0);
                }
            }
            Some(n) => {
                out.push(
                    Severity::Error,
                    at,
                    &l::signal_field_name(l::SAMPLES, i),
                    R_SPR,
                    format!("{n} samples per record"),
                );
                spr = None;
            }
            None => spr = None,
        }
    }
    p.spr = spr;
    for &i in &p.annotation.clone() {
        annotation_fields(out, head, p, i);
    }
}

fn range(out: &mut Out, head: &[u8], p: &Parsed, i: usize) {
    let ns = p.ns;
    let pmin = sig_num(out, head, ns, l::PHYS_MIN, i, Shape::Decimal);
    let pmax = sig_num(out, head, ns, l::PHYS_MAX, i, Shape::Decimal);
    if let (Some(a), Some(b)) = (pmin, pmax) {
        if a == b {
            out.push(
                Severity::Error,
                l::signal_offset(ns, l::PHYS_MAX, i),
                &l::signal_field_name(l::PHYS_MAX, i),
                R_PHYS,
                format!("physical minimum and maximum are both {a}: the gain is undefined"),
            );
        }
    }
    let dmin = sig_num(out, head, ns, l::DIG_MIN, i, Shape::Integer).map(|v| v as i64);
    let dmax = sig_num(out, head, ns, l::DIG_MAX, i, Shape::Integer).map(|v| v as i64);
    // The stored samples' range, and the unsigned range the reader accepts with a note.
    let (lo, hi, hi_ok) = if p.bdf {
        (-8_388_608, 8_388_607, 16_777_215)
    } else {
        (-32_768, 32_767, 65_535)
    };
    for (v, f) in [(dmin, l::DIG_MIN), (dmax, l::DIG_MAX)] {
        let Some(v) = v else { continue };
        let at = l::signal_offset(ns, f, i);
        if v < lo || v > if f == l::DIG_MIN { hi } else { hi_ok } {
            out.push(
                Severity::Error,
                at,
                &l::signal_field_name(f, i),
                R_DIG,
                format!("{v} is outside {lo}..{hi}"),
            );
        } else if v > hi {
            out.push(Severity::Warning, at, &l::signal_field_name(f, i), R_DIG, format!("{v} is beyond the largest stored sample {hi} (an unsigned range); samples are read as two's complement"));
        }
    }
    if let (Some(a), Some(b)) = (dmin, dmax) {
        if a >= b {
            out.push(
                Severity::Error,
                l::signal_offset(ns, l::DIG_MAX, i),
                &l::signal_field_name(l::DIG_MAX, i),
                R_DIG,
                format!("digital maximum {b} is not above the minimum {a}"),
            );
        }
    }
}

fn annotation_fields(out: &mut Out, head: &[u8], p: &Parsed, i: usize) {
    let ns = p.ns;
    let (lo, hi) = if p.bdf {
        (-8_388_608, 8_388_607)
    } else {
        (-32_768, 32_767)
    };
    for (f, want) in [(l::DIG_MIN, lo), (l::DIG_MAX, hi)] {
        let got = edflib_atoi(&l::latin1(l::signal_field(head, ns, f, i)));
        if got != want {
            out.push(
                Severity::Warning,
                l::signal_offset(ns, f, i),
                &l::signal_field_name(f, i),
                R_ANNOT_FIELDS,
                format!("{got}, expected {want} for an annotation signal"),
            );
        }
    }
    for f in [l::TRANSDUCER, l::DIMENSION, l::PREFILTER] {
        let b = l::signal_field(head, ns, f, i);
        if b.iter().any(|&c| c != b' ') {
            out.push(
                Severity::Warning,
                l::signal_offset(ns, f, i),
                &l::signal_field_name(f, i),
                R_ANNOT_FIELDS,
                format!(
                    "{:?}, expected blank for an annotation signal",
                    l::latin1(b).trim_end()
                ),
            );
        }
    }
}

/// A text field: every byte printable ASCII.
pub(crate) fn text_field(out: &mut Out, b: &[u8], offset: usize, name: &str) {
    if let Some(k) = b.iter().position(|c| !(32..=126).contains(c)) {
        let n = b.iter().filter(|c| !(32..=126).contains(*c)).count();
        out.push(
            Severity::Warning,
            offset + k,
            name,
            R_ASCII,
            format!(
                "{n} byte(s) outside printable ASCII, the first 0x{:02X} at byte {} of the field",
                b[k], k
            ),
        );
    }
}

fn int_field(out: &mut Out, head: &[u8], f: Fixed) -> Option<i64> {
    num_field(out, head, f, Shape::Integer).map(|v| v as i64)
}

fn num_field(out: &mut Out, head: &[u8], f: Fixed, shape: Shape) -> Option<f64> {
    number(out, l::fixed(head, f), f.1, f.0, shape)
}

fn sig_num(out: &mut Out, head: &[u8], ns: usize, f: usize, i: usize, shape: Shape) -> Option<f64> {
    number(
        out,
        l::signal_field(head, ns, f, i),
        l::signal_offset(ns, f, i),
        &l::signal_field_name(f, i),
        shape,
    )
}

/// A numeric field: the number, and findings for leading spaces, NUL padding or a bad number.
fn number(out: &mut Out, b: &[u8], offset: usize, name: &str, shape: Shape) -> Option<f64> {
    let raw = l::latin1(b);
    let body = raw.trim_end_matches([' ', '\0']);
    if body.len() < raw.trim_end_matches(' ').len() || raw.trim_end_matches('\0').len() < raw.len()
    {
        out.push(
            Severity::Error,
            offset,
            name,
            R_LEFT,
            format!("{raw:?} is padded with NUL bytes, not spaces (neither sigmark nor EDFlib reads it)"),
        );
    }
    let text = body.trim_start_matches(' ');
    if text.len() < body.len() && !text.is_empty() {
        out.push(
            Severity::Warning,
            offset,
            name,
            R_LEFT,
            format!("{raw:?} starts with spaces"),
        );
    }
    if !is_valid(text, shape) {
        let what = if shape == Shape::Integer {
            "an integer"
        } else {
            "a number"
        };
        out.push(
            Severity::Error,
            offset,
            name,
            rule_for(name),
            format!("{:?} is not {what}", crate::text::sanitize(&raw)),
        );
        return None;
    }
    Some(if shape == Shape::Integer {
        edflib_atoi(text) as f64
    } else {
        edflib_atof(text)
    })
}

fn rule_for(name: &str) -> &'static str {
    match name {
        n if n == l::RECORDS.0 => R_RECORDS,
        n if n == l::DURATION.0 => R_DURATION,
        n if n == l::SIGNALS.0 => R_NS,
        n if n == l::HEADER_BYTES.0 => R_HDRLEN,
        n if n.ends_with("samples in each data record") => R_SPR,
        n if n.contains("physical") => R_PHYS,
        _ => R_DIG,
    }
}

fn date_time(out: &mut Out, head: &[u8]) {
    for (f, rule, limits) in [
        (l::STARTDATE, R_DATE, [(1, 31), (1, 12), (0, 99)]),
        (l::STARTTIME, R_TIME, [(0, 23), (0, 59), (0, 59)]),
    ] {
        let b = l::fixed(head, f);
        let ok = parts(b).is_some_and(|v| {
            v.iter()
                .zip(limits)
                .all(|(x, (lo, hi))| (lo..=hi).contains(x))
        });
        if !ok {
            out.push(
                Severity::Error,
                f.1,
                f.0,
                rule,
                format!("{:?}", crate::text::sanitize(&l::latin1(b))),
            );
        } else if f.0 == l::STARTDATE.0 {
            if let Some([d, m, y]) = parts(b) {
                let year = if y >= 85 { 1900 + y } else { 2000 + y };
                if chrono::NaiveDate::from_ymd_opt(year as i32, m, d).is_none() {
                    out.push(
                        Severity::Error,
                        f.1,
                        f.0,
                        rule,
                        format!("{:?} is not a date", l::latin1(b)),
                    );
                }
            }
        }
    }
}

/// `dd.mm.yy` / `hh.mm.ss` as three numbers, when the field has exactly that shape.
pub fn parts(b: &[u8]) -> Option<[u32; 3]> {
    if b.len() != 8 || b[2] != b'.' || b[5] != b'.' {
        return None;
    }
    let num = |i: usize| -> Option<u32> {
        let (x, y) = (b[i], b[i + 1]);
        (x.is_ascii_digit() && y.is_ascii_digit())
            .then(|| u32::from(x - b'0') * 10 + u32::from(y - b'0'))
    };
    Some([num(0)?, num(3)?, num(6)?])
}
