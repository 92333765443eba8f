//! Where every field of an EDF/BDF header lies (EDF specification, Kemp et al. 1992, "header
//! record"; BDF uses the same layout).

/// The most signals a header is taken to declare when sizing reads (EDFlib's limit is 640; a
/// larger count is reported, and only this many signal headers are read).
pub const MAX_SIGNALS: usize = 4096;

/// A fixed field of the first 256 bytes: name, offset, width.
pub type Fixed = (&'static str, usize, usize);

pub const VERSION: Fixed = ("version", 0, 8);
pub const PATIENT: Fixed = ("local patient identification", 8, 80);
pub const RECORDING: Fixed = ("local recording identification", 88, 80);
pub const STARTDATE: Fixed = ("startdate", 168, 8);
pub const STARTTIME: Fixed = ("starttime", 176, 8);
pub const HEADER_BYTES: Fixed = ("number of bytes in header", 184, 8);
pub const RESERVED: Fixed = ("reserved", 192, 44);
pub const RECORDS: Fixed = ("number of data records", 236, 8);
pub const DURATION: Fixed = ("duration of a data record", 244, 8);
pub const SIGNALS: Fixed = ("number of signals", 252, 4);

/// The per-signal fields in header order: name, width.
pub const SIGNAL_FIELDS: [(&str, usize); 10] = [
    ("label", 16),
    ("transducer type", 80),
    ("physical dimension", 8),
    ("physical minimum", 8),
    ("physical maximum", 8),
    ("digital minimum", 8),
    ("digital maximum", 8),
    ("prefiltering", 80),
    ("nr of samples in each data record", 8),
    ("reserved", 32),
];

pub const LABEL: usize = 0;
pub const TRANSDUCER: usize = 1;
pub const DIMENSION: usize = 2;
pub const PHYS_MIN: usize = 3;
pub const PHYS_MAX: usize = 4;
pub const DIG_MIN: usize = 5;
pub const DIG_MAX: usize = 6;
pub const PREFILTER: usize = 7;
pub const SAMPLES: usize = 8;
pub const SIG_RESERVED: usize = 9;

/// Offset of per-signal field `field` of signal `i` (from 0) in a header of `ns` signals.
pub fn signal_offset(ns: usize, field: usize, i: usize) -> usize {
    let before: usize = SIGNAL_FIELDS[..field].iter().map(|f| f.1).sum();
    256 + ns * before + i * SIGNAL_FIELDS[field].1
}

/// The bytes of a fixed field (empty when the header is shorter).
pub fn fixed(head: &[u8], f: Fixed) -> &[u8] {
    head.get(f.1..f.1 + f.2).unwrap_or(&[])
}

/// The bytes of a per-signal field (empty when the header is shorter).
pub fn signal_field(head: &[u8], ns: usize, field: usize, i: usize) -> &[u8] {
    let at = signal_offset(ns, field, i);
    head.get(at..at + SIGNAL_FIELDS[field].1).unwrap_or(&[])
}

/// Field text as Latin-1 (every byte one char), for messages and number parsing.
pub fn latin1(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

/// Whether every byte is printable US-ASCII (32..=126).
pub fn printable(b: &[u8]) -> bool {
    b.iter().all(|c| (32..=126).contains(c))
}

/// The human name of a per-signal field.
pub fn signal_field_name(field: usize, i: usize) -> String {
    format!("signal {} {}", i + 1, SIGNAL_FIELDS[field].0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_follow_the_specification() {
        // 2 signals: labels at 256, 272; transducers at 288; ...; reserved at 256 + 2 * 224.
        assert_eq!(signal_offset(2, LABEL, 1), 272);
        assert_eq!(signal_offset(2, TRANSDUCER, 0), 288);
        assert_eq!(signal_offset(2, SIG_RESERVED, 1), 256 + 448 + 32);
        let total: usize = SIGNAL_FIELDS.iter().map(|f| f.1).sum();
        assert_eq!(total, 256);
    }
}
