//! Whether EDFlib 1.17 (the C library pyedflib 0.1.42 bundles) opens a file, and if not why:
//! the checks of its `edflib_check_edf_file`, the discontinuity refusal of
//! `edfopen_file_readonly`, and (when the data is given) the TAL checks of
//! `edflib_get_annotations`, reimplemented from their documented behaviour. EDFlib reads
//! header fields as C strings, so a test "printable" below is its byte range 32..126.

use super::layout as l;
use super::spec::{parts, reserved_kind};
use super::spec_plus::MONTHS;
use crate::formats::edf::number::edflib_atof;

/// EDFlib's signal limit (`EDFLIB_MAXSIGNALS`).
const MAX_SIGNALS: i64 = 640;

/// `None` when EDFlib opens the file; else the header field or rule it refuses.
pub fn verdict(head: &[u8], file_len: u64, data: Option<&[u8]>) -> Option<String> {
    let h = match header(head, file_len) {
        Ok(h) => h,
        Err(reason) => return Some(reason.to_string()),
    };
    if h.discontinuous {
        return Some("the file is discontinuous (EDF+D/BDF+D)".into());
    }
    match data {
        Some(all) if h.plus => super::edflib_tal::annotations(&h, all)
            .err()
            .map(|e| format!("annotation signal: {e}")),
        _ => None,
    }
}

/// What EDFlib took from the header, for the TAL checks.
pub struct Hdr {
    pub plus: bool,
    pub discontinuous: bool,
    pub records: i64,
    pub header_len: usize,
    pub record_size: usize,
    /// (byte offset in the record, bytes) of each annotation signal, in header order.
    pub annot: Vec<(usize, usize)>,
    pub duration_100ns: i64,
}

fn printable(b: &[u8]) -> bool {
    l::printable(b)
}

fn field(head: &[u8], at: usize, len: usize) -> &[u8] {
    head.get(at..at + len).unwrap_or(&[])
}

fn header(head: &[u8], file_len: u64) -> Result<Hdr, &'static str> {
    if head.len() < 256 {
        return Err("file read error (shorter than 256 bytes)");
    }
    let bdf = head[0] == 0xFF;
    let v = &head[..8];
    let version_ok = if bdf {
        &v[1..] == b"BIOSEMI"
    } else {
        v == b"0       "
    };
    if !version_ok || !printable(&v[usize::from(bdf)..]) {
        return Err("format errors (version)");
    }
    if !printable(&head[8..168]) {
        return Err("format errors (patient or recording field not printable)");
    }
    date(head)?;
    let ns = int(field(head, 252, 4)).ok_or("number of signals")?;
    if !(1..=MAX_SIGNALS).contains(&ns) {
        return Err("number of signals");
    }
    let ns = ns as usize;
    let header_len = 256 * (ns + 1);
    if int(field(head, 184, 8)) != Some(header_len as i64) {
        return Err("number of bytes in header");
    }
    let reserved = field(head, 192, 44);
    if !printable(reserved) {
        return Err("reserved field");
    }
    let (plus, discontinuous) = reserved_kind(&l::latin1(reserved), bdf);
    let records = int(field(head, 236, 8)).ok_or("number of datarecords")?;
    if records < 1 {
        return Err("number of datarecords");
    }
    let dur_field = field(head, 244, 8);
    if !printable(dur_field) || !is_number(dur_field) {
        return Err("data record duration");
    }
    let duration = edflib_atof(&l::latin1(dur_field));
    if duration < -0.000001 {
        return Err("data record duration");
    }
    if head.len() < header_len {
        return Err("file read error (header shorter than the signal count needs)");
    }
    let (record_size, annot) = signals(head, ns, bdf, plus, duration)?;
    if plus {
        patient(field(head, 8, 80)).map_err(|_| "format errors (EDF+ patient field)")?;
        recording(head).map_err(|_| "recording field")?;
    }
    if file_len < (record_size as u64).saturating_mul(records as u64) + header_len as u64 {
        return Err("file size (shorter than the header declares)");
    }
    // EDFlib's edflib_get_long_duration: drop a sign, stop at the first space.
    let dur = l::latin1(dur_field);
    let dur = dur.trim_start_matches(['+', '-']);
    let duration_100ns = long_time(dur.split(' ').next().unwrap_or(""));
    Ok(Hdr {
        plus,
        discontinuous,
        records,
        header_len,
        record_size,
        annot,
        duration_100ns,
    })
}

fn date(head: &[u8]) -> Result<(), &'static str> {
    let d = field(head, 168, 8);
    match parts(d) {
        Some([dd, mm, _]) if printable(d) && (1..=31).contains(&dd) && (1..=12).contains(&mm) => {}
        _ => return Err("startdate"),
    }
    let t = field(head, 176, 8);
    match parts(t) {
        Some([h, m, s]) if printable(t) && h <= 23 && m <= 59 && s <= 59 => Ok(()),
        _ => Err("starttime"),
    }
}

/// (record size in bytes, (offset, bytes) of each annotation signal).
type Layout = (usize, Vec<(usize, usize)>);

/// The signal headers, field group by field group in EDFlib's order.
struct Sig<'a> {
    head: &'a [u8],
    ns: usize,
    bdf: bool,
    plus: bool,
}

impl Sig<'_> {
    fn get(&self, f: usize, i: usize) -> &[u8] {
        l::signal_field(self.head, self.ns, f, i)
    }

    fn all(&self, f: usize, ok: impl Fn(usize, &[u8]) -> bool) -> bool {
        (0..self.ns).all(|i| ok(i, self.get(f, i)))
    }
}

fn signals(
    head: &[u8],
    ns: usize,
    bdf: bool,
    plus: bool,
    duration: f64,
) -> Result<Layout, &'static str> {
    let s = Sig {
        head,
        ns,
        bdf,
        plus,
    };
    let is_annot = labels(&s, duration)?;
    let blank = |b: &[u8]| b.iter().all(|&c| c == b' ');
    if !s.all(l::TRANSDUCER, |i, t| {
        printable(t) && (!is_annot[i] || blank(t))
    }) {
        return Err("transducer");
    }
    if !s.all(l::DIMENSION, |_, d| printable(d)) {
        return Err("physical dimension");
    }
    physical(&s)?;
    digital(&s, &is_annot)?;
    if !s.all(l::PREFILTER, |_, p| printable(p)) {
        return Err("prefilter");
    }
    let layout = samples(&s, &is_annot)?;
    if !s.all(l::SIG_RESERVED, |_, r| printable(r)) {
        return Err("format errors (signal reserved field)");
    }
    Ok(layout)
}

fn labels(s: &Sig, duration: f64) -> Result<Vec<bool>, &'static str> {
    let tag: &[u8] = if s.bdf {
        b"BDF Annotations "
    } else {
        b"EDF Annotations "
    };
    if !s.all(l::LABEL, |_, b| printable(b)) {
        return Err("the label is incorrect");
    }
    let is_annot: Vec<bool> = (0..s.ns)
        .map(|i| s.plus && s.get(l::LABEL, i) == tag)
        .collect();
    let n_annot = is_annot.iter().filter(|a| **a).count();
    if s.plus && n_annot == 0 {
        return Err("the label is incorrect (EDF+/BDF+ without an annotation signal)");
    }
    if (s.ns != n_annot || !s.plus) && duration < 0.0 {
        return Err("the label is incorrect");
    }
    Ok(is_annot)
}

fn physical(s: &Sig) -> Result<(), &'static str> {
    if !s.all(l::PHYS_MIN, |_, b| printable(b) && is_number(b)) {
        return Err("physical minimum");
    }
    let differs = |i: usize, b: &[u8]| {
        edflib_atof(&l::latin1(b)) != edflib_atof(&l::latin1(s.get(l::PHYS_MIN, i)))
    };
    if !s.all(l::PHYS_MAX, |i, b| {
        printable(b) && is_number(b) && differs(i, b)
    }) {
        return Err("physical maximum");
    }
    Ok(())
}

fn digital(s: &Sig, is_annot: &[bool]) -> Result<(), &'static str> {
    let (lo, hi) = if s.bdf {
        (-8_388_608, 8_388_607)
    } else {
        (-32_768, 32_767)
    };
    let ok_min = |i: usize, b: &[u8]| {
        int(b).is_some_and(|n| (lo..=hi).contains(&n) && (!is_annot[i] || n == lo))
    };
    if !s.all(l::DIG_MIN, ok_min) {
        return Err("digital minimum");
    }
    let dmin = |i: usize| int(s.get(l::DIG_MIN, i)).unwrap_or(lo);
    let ok_max = |i: usize, b: &[u8]| {
        int(b).is_some_and(|n| {
            (lo..=hi).contains(&n) && (!is_annot[i] || n == hi) && (!s.plus || n > dmin(i))
        })
    };
    if !s.all(l::DIG_MAX, ok_max) {
        return Err("digital maximum");
    }
    Ok(())
}

fn samples(s: &Sig, is_annot: &[bool]) -> Result<Layout, &'static str> {
    let bytes = if s.bdf { 3 } else { 2 };
    let (mut size, mut annot) = (0usize, Vec::new());
    for (i, &a) in is_annot.iter().enumerate() {
        let n = int(s.get(l::SAMPLES, i))
            .filter(|&n| n >= 1)
            .ok_or("samples in datarecord")?;
        let n = usize::try_from(n)
            .map_err(|_| "samples in datarecord")?
            .saturating_mul(bytes);
        if a {
            annot.push((size, n));
        }
        size = size.saturating_add(n);
    }
    if size > if s.bdf { 15 } else { 10 } * 1024 * 1024 {
        return Err("samples in datarecord (record larger than EDFlib's limit)");
    }
    Ok((size, annot))
}

/// The byte at `i` of an 80-byte field, 0 past its end (as EDFlib's NUL-terminated copy).
fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

fn patient(s: &[u8]) -> Result<(), ()> {
    // The first space ends the patient code; EDFlib counts from the byte after it (1 if none).
    let dp = s.iter().position(|&c| c == b' ').map_or(0, |i| i) + 1;
    let bad = !(2..=73).contains(&dp)
        || (at(s, dp + 2) != b'X' && dp > 65)
        || !matches!(at(s, dp), b'M' | b'F' | b'X')
        || at(s, dp + 1) != b' ';
    if bad {
        return Err(());
    }
    let dp = dp + 1;
    if at(s, dp + 1) == b'X' {
        if at(s, dp + 2) != b' ' || at(s, dp + 3) == b' ' {
            return Err(());
        }
        return Ok(());
    }
    if at(s, dp + 12) != b' ' || at(s, dp + 13) == b' ' {
        return Err(());
    }
    plus_date(&s[(dp + 1).min(s.len())..]).map(|_| ())
}

/// `dd-MMM-yyyy` as EDFlib checks it: returns the month (1..12).
fn plus_date(s2: &[u8]) -> Result<u32, ()> {
    let s2: Vec<u8> = (0..11).map(|i| at(s2, i)).collect();
    let digits = [0, 1, 7, 8, 9, 10].iter().all(|&i| s2[i].is_ascii_digit());
    let day = u32::from(s2[0].wrapping_sub(b'0')) * 10 + u32::from(s2[1].wrapping_sub(b'0'));
    if s2[2] != b'-' || s2[6] != b'-' || !digits || !(1..=31).contains(&day) {
        return Err(());
    }
    MONTHS
        .iter()
        .position(|m| m.as_bytes() == &s2[3..6])
        .map(|m| m as u32 + 1)
        .ok_or(())
}

fn recording(head: &[u8]) -> Result<(), ()> {
    let s = field(head, 88, 80);
    if !s.starts_with(b"Startdate ") {
        return Err(());
    }
    let (p, date) = if at(s, 10) == b'X' {
        if at(s, 11) != b' ' || at(s, 12) == b' ' {
            return Err(());
        }
        (12, None)
    } else {
        if at(s, 21) != b' ' || at(s, 22) == b' ' {
            return Err(());
        }
        (22, Some(plus_date(&s[10..])?))
    };
    let mut n = 0;
    for i in p..80 {
        if i > 78 {
            return Err(());
        }
        if at(s, i) == b' ' {
            n += 1;
            if at(s, i + 1) == b' ' {
                return Err(());
            }
        }
        if n > 1 {
            break;
        }
    }
    let Some(month) = date else { return Ok(()) };
    let [dd, mm, yy] = parts(field(head, 168, 8)).ok_or(())?;
    let day = l::latin1(&s[10..12]).parse::<u32>().map_err(|_| ())?;
    let year = l::latin1(&s[17..21]).parse::<u32>().map_err(|_| ())?;
    if dd != day || mm != month || yy != year % 100 || year < 1970 {
        return Err(());
    }
    Ok(())
}

/// EDFlib's `edflib_is_integer_number` on a header field: sign, digits, then only spaces.
pub fn int(b: &[u8]) -> Option<i64> {
    if !printable(b) {
        return None;
    }
    let s = l::latin1(b);
    let body = s.trim_end_matches(' ');
    let digits = body.strip_prefix(['+', '-']).unwrap_or(body);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(crate::formats::edf::number::edflib_atoi(body))
}

/// EDFlib's `edflib_is_number`: `[sign]digits/dots[e[sign]digits]`, then only spaces.
pub fn is_number(b: &[u8]) -> bool {
    let s = l::latin1(b);
    let body = s.trim_end_matches(' ');
    if body.is_empty() || body.starts_with(' ') {
        return false;
    }
    let rest = body.strip_prefix(['+', '-']).unwrap_or(body);
    let (mant, exp) = match rest.find(['e', 'E']) {
        Some(k) => (&rest[..k], Some(&rest[k + 1..])),
        None => (rest, None),
    };
    let mant_ok = mant.bytes().any(|c| c.is_ascii_digit())
        && mant.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && mant.bytes().filter(|&c| c == b'.').count() <= 1;
    let exp_ok = exp.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit())
    });
    mant_ok && exp_ok
}

/// EDFlib's `edflib_get_long_time`: seconds text to 100 ns units.
pub fn long_time(s: &str) -> i64 {
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int_part, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut v: i64 = 0;
    let mut radix: i64 = 10_000_000;
    for c in int_part.bytes().rev() {
        v = v.wrapping_add(i64::from(c.wrapping_sub(b'0')).wrapping_mul(radix));
        radix = radix.wrapping_mul(10);
    }
    let mut radix: i64 = 1_000_000;
    for c in frac.bytes() {
        v = v.wrapping_add(i64::from(c.wrapping_sub(b'0')).wrapping_mul(radix));
        radix /= 10;
    }
    if neg {
        v.wrapping_neg()
    } else {
        v
    }
}
