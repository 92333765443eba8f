//! The fixed 256-byte header and the per-signal header of EDF/EDF+/BDF/BDF+ files.
//!
//! Every field is validated before anything is trusted: counts are bounded so that a hostile
//! header cannot make the reader allocate or loop beyond what the file itself holds.

use std::path::Path;

use super::growing;
use super::lenient::{self, Departures};
use super::number::{self, edflib_atof, edflib_atoi, seconds_to_100ns, Shape};
use crate::formats::Error;

/// More signals than any real device writes (EDFlib's limit is 4096 as well).
pub const MAX_SIGNALS: usize = 4096;

/// Which EDF flavour the file declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    Plain,
    PlusContinuous,
    PlusDiscontinuous,
}

#[derive(Debug, Clone)]
pub struct SignalHeader {
    pub label: String,
    pub transducer: String,
    pub unit: String,
    pub physical_min: f64,
    pub physical_max: f64,
    pub digital_min: i64,
    pub digital_max: i64,
    pub prefilter: String,
    pub samples_per_record: u64,
    pub annotation: bool,
}

#[derive(Debug, Clone)]
pub struct Header {
    pub bdf: bool,
    pub flavour: Flavour,
    pub patient: String,
    pub recording: String,
    pub startdate: String,
    pub starttime: String,
    pub header_bytes: u64,
    pub reserved: String,
    /// Records read: the declared count, or the complete records of a truncated file; -1
    /// ("unknown, still recording") is resolved from the file size.
    pub records: u64,
    pub record_duration_100ns: i64,
    pub signals: Vec<SignalHeader>,
    /// Bytes of one data record.
    pub record_bytes: u64,
    /// What was unusual but readable.
    pub notes: Vec<String>,
    /// The count is -1 or the file holds records beyond it: a writer is still appending
    /// (`growing.rs`).
    pub open_for_writing: bool,
}

impl Header {
    pub fn bytes_per_sample(&self) -> u64 {
        if self.bdf {
            3
        } else {
            2
        }
    }

    pub fn record_duration_s(&self) -> f64 {
        self.record_duration_100ns as f64 / 1e7
    }
}

/// Reads fields of a fixed width out of the header, remembering where each one is.
struct Cursor<'a> {
    path: &'a Path,
    bytes: &'a [u8],
    notes: Vec<String>,
    departures: Departures,
    open_for_writing: bool,
}

impl<'a> Cursor<'a> {
    fn new(path: &'a Path, bytes: &'a [u8]) -> Self {
        Cursor {
            path,
            bytes,
            notes: Vec::new(),
            departures: Departures::default(),
            open_for_writing: false,
        }
    }

    /// A text field; bytes outside printable ASCII are read as `lenient::header_text` says
    /// and remembered for the note.
    fn text(&mut self, field: &str, offset: usize, width: usize) -> String {
        let (text, unusual) = lenient::header_text(&self.bytes[offset..offset + width]);
        if unusual {
            self.departures
                .non_ascii
                .push((format!("'{field}' (byte {offset})"), text.clone()));
        }
        text
    }

    fn error(&self, field: &str, offset: usize, width: usize, expected: &str) -> Error {
        Error::HeaderField {
            path: self.path.to_path_buf(),
            field: field.to_owned(),
            offset: offset as u64,
            expected: expected.to_owned(),
            found: self.bytes[offset..offset + width]
                .iter()
                .map(|&c| char::from(c))
                .collect(),
        }
    }

    /// A numeric field: validated strictly, valued as EDFlib values it.
    fn number(
        &mut self,
        field: &str,
        offset: usize,
        width: usize,
        shape: Shape,
    ) -> Result<f64, Error> {
        let raw: String = self.bytes[offset..offset + width]
            .iter()
            .map(|&c| char::from(c))
            .collect();
        let f = number::field(&raw);
        let expected = match shape {
            Shape::Integer => "an integer",
            Shape::Decimal => "a decimal number",
        };
        if !number::is_valid(f.text, shape) {
            return Err(self.error(field, offset, width, expected));
        }
        if f.leading_spaces {
            self.notes.push(format!(
                "header field '{field}' ({raw:?}) is not left-justified; read as {}",
                f.text
            ));
        }
        Ok(match shape {
            Shape::Integer => edflib_atoi(f.text) as f64,
            Shape::Decimal => edflib_atof(f.text),
        })
    }

    fn integer(&mut self, field: &str, offset: usize, width: usize) -> Result<i64, Error> {
        let raw: String = self.bytes[offset..offset + width]
            .iter()
            .map(|&c| char::from(c))
            .collect();
        let f = number::field(&raw);
        if !number::is_valid(f.text, Shape::Integer) || f.text.len() > 12 {
            return Err(self.error(field, offset, width, "an integer"));
        }
        self.number(field, offset, width, Shape::Integer)?;
        Ok(edflib_atoi(f.text))
    }
}

/// Parses and validates the whole header. `file_len` is the size of the file on disk.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Header, Error> {
    check_min_size(path, bytes)?;
    let bdf = bytes[0] == 0xff;
    let mut c = Cursor::new(path, bytes);
    check_version(&c, bdf)?;
    let ns = signal_count(&mut c)?;
    let header_bytes = header_size(&mut c, ns)?;
    let reserved = c.text("reserved", 192, 44);
    let mut signals = parse_signals(&mut c, ns, bdf)?;
    let flavour = flavour(&mut c, &reserved, bdf, &mut signals);
    let record_duration_100ns = record_duration(&mut c)?;
    if record_duration_100ns == 0 {
        zero_duration(&mut c, flavour, &signals)?;
    }
    let record_bytes = record_bytes(&c, &signals, bdf)?;
    let declared = c.integer("number of data records", 236, 8)?;
    let records = resolve_records(&mut c, declared, header_bytes, record_bytes)?;
    check_dates(&mut c, flavour != Flavour::Plain)?;
    let patient = c.text("local patient identification", 8, 80);
    let recording = c.text("local recording identification", 88, 80);
    let mut notes = c.departures.notes(bdf);
    notes.append(&mut c.notes);
    Ok(Header {
        bdf,
        flavour,
        patient,
        recording,
        startdate: c.text("startdate of recording", 168, 8),
        starttime: c.text("starttime of recording", 176, 8),
        header_bytes,
        reserved,
        records,
        record_duration_100ns,
        signals,
        record_bytes,
        notes,
        open_for_writing: c.open_for_writing,
    })
}

/// The fixed part of the header must be there before any field is read.
fn check_min_size(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    if bytes.len() < 256 {
        return Err(Error::Size {
            path: path.to_path_buf(),
            actual: bytes.len() as u64,
            detail: "an EDF/BDF header is at least 256 bytes".into(),
        });
    }
    Ok(())
}

/// Bytes 0..8: "0       " for EDF, 0xff "BIOSEMI" for BDF.
fn check_version(c: &Cursor<'_>, bdf: bool) -> Result<(), Error> {
    let version_ok = if bdf {
        &c.bytes[1..8] == b"BIOSEMI"
    } else {
        &c.bytes[0..8] == b"0       "
    };
    if version_ok {
        return Ok(());
    }
    let expected = if bdf {
        "\\xffBIOSEMI (BDF)"
    } else {
        "\"0       \" (EDF)"
    };
    Err(c.error("version", 0, 8, expected))
}

/// The number of signals, bounded by `MAX_SIGNALS`.
fn signal_count(c: &mut Cursor<'_>) -> Result<usize, Error> {
    let n_signals = c.integer("number of signals", 252, 4)?;
    if n_signals < 1 || n_signals as usize > MAX_SIGNALS {
        return Err(c.error(
            "number of signals",
            252,
            4,
            &format!("1 to {MAX_SIGNALS} signals"),
        ));
    }
    Ok(n_signals as usize)
}

/// The header size must be 256 x (1 + signals), and the file must hold all of it.
fn header_size(c: &mut Cursor<'_>, ns: usize) -> Result<u64, Error> {
    let header_bytes = c.integer("number of bytes in header record", 184, 8)?;
    let expected_hb = 256 * (ns as i64 + 1);
    if header_bytes != expected_hb {
        return Err(c.error(
            "number of bytes in header record",
            184,
            8,
            &format!("{expected_hb} (256 x (1 + {ns} signals))"),
        ));
    }
    let file_len = c.bytes.len() as u64;
    if file_len < expected_hb as u64 {
        return Err(Error::Size {
            path: c.path.to_path_buf(),
            actual: file_len,
            detail: format!("the header of {ns} signals needs {expected_hb} bytes"),
        });
    }
    Ok(expected_hb as u64)
}

/// The duration of a data record in units of 100 ns, exactly as written.
fn record_duration(c: &mut Cursor<'_>) -> Result<i64, Error> {
    let duration_raw = c.text("duration of a data record", 244, 8);
    c.number("duration of a data record", 244, 8, Shape::Decimal)?;
    seconds_to_100ns(duration_raw.trim())
        .filter(|&d| d >= 0)
        .ok_or_else(|| {
            c.error(
                "duration of a data record",
                244,
                8,
                "a non-negative number of seconds without exponent",
            )
        })
}

const SIGNAL_FIELDS: [(&str, usize); 10] = [
    ("label", 16),
    ("transducer type", 80),
    ("physical dimension", 8),
    ("physical minimum", 8),
    ("physical maximum", 8),
    ("digital minimum", 8),
    ("digital maximum", 8),
    ("prefiltering", 80),
    ("number of samples in each data record", 8),
    ("reserved", 32),
];

fn parse_signals(c: &mut Cursor<'_>, ns: usize, bdf: bool) -> Result<Vec<SignalHeader>, Error> {
    // Fields are stored column by column: all labels, then all transducers, and so on.
    let mut starts = [0usize; 10];
    let mut off = 256;
    for (k, (_, w)) in SIGNAL_FIELDS.iter().enumerate() {
        starts[k] = off;
        off += w * ns;
    }
    let at = |k: usize, i: usize| starts[k] + SIGNAL_FIELDS[k].1 * i;
    let annot_label = if bdf {
        "BDF Annotations"
    } else {
        "EDF Annotations"
    };
    let mut out = Vec::with_capacity(ns);
    for i in 0..ns {
        let name = |k: usize| format!("{} of signal {}", SIGNAL_FIELDS[k].0, i + 1);
        let label = c.text(&name(0), at(0, i), 16);
        let annotation = label == annot_label;
        let spr = c.integer(&name(8), at(8, i), 8)?;
        if spr < 1 {
            return Err(c.error(&name(8), at(8, i), 8, "at least 1 sample per data record"));
        }
        let mut s = SignalHeader {
            label,
            transducer: c.text(&name(1), at(1, i), 80),
            unit: c.text(&name(2), at(2, i), 8),
            physical_min: 0.0,
            physical_max: 0.0,
            digital_min: 0,
            digital_max: 0,
            prefilter: c.text(&name(7), at(7, i), 80),
            samples_per_record: spr as u64,
            annotation,
        };
        if !annotation {
            s.physical_min = c.number(&name(3), at(3, i), 8, Shape::Decimal)?;
            s.physical_max = c.number(&name(4), at(4, i), 8, Shape::Decimal)?;
            s.digital_min = c.integer(&name(5), at(5, i), 8)?;
            s.digital_max = c.integer(&name(6), at(6, i), 8)?;
            check_ranges(c, &s, i, bdf, &at)?;
        }
        out.push(s);
    }
    Ok(out)
}

fn check_ranges(
    c: &mut Cursor<'_>,
    s: &SignalHeader,
    i: usize,
    bdf: bool,
    at: &dyn Fn(usize, usize) -> usize,
) -> Result<(), Error> {
    // See `lenient::digital_limits` for why a range up to 2^16 - 1 is read, and how.
    let (lo, stored_hi, hi) = lenient::digital_limits(bdf);
    let width = if bdf { "24-bit" } else { "16-bit" };
    // Only the maximum may pass what a sample holds: a minimum above it leaves no value a
    // sample could take in range.
    for (k, v, top) in [(5, s.digital_min, stored_hi), (6, s.digital_max, hi)] {
        if v < lo || v > top {
            let unsigned = if top > stored_hi {
                format!(" (or, as unsigned writers mean it, up to {top})")
            } else {
                String::new()
            };
            return Err(c.error(
                &format!("{} of signal {}", SIGNAL_FIELDS[k].0, i + 1),
                at(k, i),
                8,
                &format!("a {width} value between {lo} and {stored_hi}{unsigned}"),
            ));
        }
    }
    if s.digital_max > stored_hi {
        c.departures
            .wide_digital
            .push((i + 1, s.label.clone(), s.digital_min, s.digital_max));
    }
    if s.digital_max <= s.digital_min {
        return Err(c.error(
            &format!("digital maximum of signal {}", i + 1),
            at(6, i),
            8,
            &format!("a value above the digital minimum {}", s.digital_min),
        ));
    }
    if s.physical_max == s.physical_min {
        return Err(c.error(
            &format!("physical maximum of signal {}", i + 1),
            at(4, i),
            8,
            "a value different from the physical minimum (the gain would be zero)",
        ));
    }
    Ok(())
}

/// EDF+ (section 2.1.3.2): the reserved field starts with `EDF+C` or `EDF+D`; BDF+ uses
/// `BDF+C`/`BDF+D`. A file that claims EDF+ without an annotation signal is read as plain EDF,
/// as is a BDF that claims `EDF+`.
fn flavour(c: &mut Cursor<'_>, reserved: &str, bdf: bool, signals: &mut [SignalHeader]) -> Flavour {
    let own = if bdf { "BDF+" } else { "EDF+" };
    let declared = if reserved.starts_with(&format!("{own}C")) {
        Some(Flavour::PlusContinuous)
    } else if reserved.starts_with(&format!("{own}D")) {
        Some(Flavour::PlusDiscontinuous)
    } else {
        None
    };
    let has_annotations = signals.iter().any(|s| s.annotation);
    match declared {
        Some(f) if has_annotations => f,
        Some(_) => {
            c.notes.push(format!(
                "the reserved field says {reserved:?} but there is no annotation signal; read as plain {}",
                if bdf { "BDF" } else { "EDF" }
            ));
            Flavour::Plain
        }
        None => {
            if bdf && (reserved.starts_with("EDF+C") || reserved.starts_with("EDF+D")) {
                c.notes.push(format!(
                    "a BDF file whose reserved field says {reserved:?} (BDF+ files say BDF+C or BDF+D); read as plain BDF"
                ));
            }
            if has_annotations {
                c.notes.push(
                    "a plain EDF/BDF file with a signal labelled as annotations; read as an ordinary signal"
                        .into(),
                );
                for s in signals.iter_mut().filter(|s| s.annotation) {
                    s.annotation = false;
                }
            }
            Flavour::Plain
        }
    }
}

fn record_bytes(c: &Cursor<'_>, signals: &[SignalHeader], bdf: bool) -> Result<u64, Error> {
    let bps = if bdf { 3u64 } else { 2 };
    let mut total: u64 = 0;
    for s in signals {
        total = s
            .samples_per_record
            .checked_mul(bps)
            .and_then(|b| total.checked_add(b))
            .ok_or_else(|| {
                c.error(
                    "number of samples in each data record",
                    256 + 216 * signals.len(),
                    8,
                    "a record size that fits in memory",
                )
            })?;
    }
    Ok(total)
}

/// The records to read. A declared count the file is too short for (the writer was cut off, a
/// copy was interrupted) gives the complete records with a note, as long as there is one. A
/// count of -1, or whole records beyond the declared ones, is a file still being written
/// (`growing.rs`); bytes after the last record that are not a whole record stay an error, since
/// then the header and the file disagree in a way that reading cannot settle.
fn resolve_records(
    c: &mut Cursor<'_>,
    declared: i64,
    header_bytes: u64,
    record_bytes: u64,
) -> Result<u64, Error> {
    let actual = c.bytes.len() as u64;
    let data = actual - header_bytes;
    let (whole, partial) = (data / record_bytes, data % record_bytes);
    let size_error = |detail: String| Error::Size {
        path: c.path.to_path_buf(),
        actual,
        detail,
    };
    if declared == -1 {
        let count = growing::unknown_count(data, record_bytes).map_err(size_error)?;
        c.notes.push(count.note);
        c.open_for_writing = true;
        return Ok(count.records);
    }
    if declared < 1 {
        return Err(c.error(
            "number of data records",
            236,
            8,
            "a positive number of records (or -1 while recording)",
        ));
    }
    let n = declared as u64;
    let expected = n
        .checked_mul(record_bytes)
        .and_then(|d| d.checked_add(header_bytes));
    match expected {
        Some(e) if e == actual => Ok(n),
        Some(e) if e < actual => {
            if let Some(count) = growing::grown(n, data, record_bytes) {
                c.notes.push(count.note);
                c.open_for_writing = true;
                return Ok(count.records);
            }
            Err(size_error(format!(
            "{header_bytes} header bytes + {n} records x {record_bytes} bytes = {e} bytes ({} bytes after the last record)",
            actual - e
        )))
        }
        _ => {
            let missing = expected.map(|e| e - actual);
            if whole == 0 {
                let what = missing.map_or("the declared size overflows".into(), |m| {
                    format!("truncated: {m} bytes missing")
                });
                return Err(size_error(format!(
                    "{header_bytes} header bytes + {n} records x {record_bytes} bytes ({what}), and not one complete data record is left"
                )));
            }
            c.notes
                .push(lenient::truncation_note(n, whole, partial, missing));
            Ok(whole)
        }
    }
}

/// EDF+ section 2.2.4: "If, and only if, the data records contain no ordinary signals, then the
/// 'Duration of a data record' may be 0". ResMed's EVE.edf (EDF+D) breaks the rule with a
/// `Crc16` signal of one sample per record. Such samples have no sampling rate, but in EDF+ each
/// record carries its onset in its time-keeping TAL, so the file is still well defined and is
/// read with a note. A plain EDF file has no onsets: there duration 0 with signals is an error.
fn zero_duration(
    c: &mut Cursor<'_>,
    flavour: Flavour,
    signals: &[SignalHeader],
) -> Result<(), Error> {
    let data: Vec<&str> = signals
        .iter()
        .filter(|s| !s.annotation)
        .map(|s| s.label.as_str())
        .collect();
    if data.is_empty() {
        return Ok(());
    }
    if flavour == Flavour::Plain {
        return Err(c.error(
            "duration of a data record",
            244,
            8,
            "a positive duration (0 is allowed only in EDF+ files, whose records carry their onsets)",
        ));
    }
    let shown: Vec<&str> = data.iter().take(4).copied().collect();
    c.notes.push(format!(
        "the record duration is 0 but the file has {} ordinary signal(s) ({}{}), which EDF+ allows only in annotation-only files; their samples are read one per record slot, with no sampling rate",
        data.len(),
        shown.join(", "),
        if data.len() > 4 { ", ..." } else { "" }
    ));
    Ok(())
}

/// Start date `dd.mm.yy` and time `hh.mm.ss` must be digits and dots where the spec puts them.
/// An EDF+/BDF+ file may write `yy` for the year (section 2.1.3.2: years after 2084), which
/// then comes from the recording field's `Startdate`.
fn check_dates(c: &mut Cursor<'_>, plus: bool) -> Result<(), Error> {
    for (field, offset) in [
        ("startdate of recording", 168),
        ("starttime of recording", 176),
    ] {
        let b = &c.bytes[offset..offset + 8];
        let yy = plus && offset == 168 && &b[6..8] == b"yy";
        let ok = b.iter().enumerate().all(|(k, &ch)| match k {
            2 | 5 => ch == b'.',
            6 | 7 if yy => true,
            _ => ch.is_ascii_digit(),
        });
        if !ok {
            let expected = if offset == 168 {
                "dd.mm.yy"
            } else {
                "hh.mm.ss"
            };
            return Err(c.error(field, offset, 8, expected));
        }
    }
    Ok(())
}
