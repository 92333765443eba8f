//! The WFDB header (`.hea`): record line, signal lines or segment lines, comment lines.
//!
//! Fields and defaults as the WFDB specification (header(5)) defines them and as wfdb-python
//! 4.3.1 reads them (`wfdb.io._header`): a field left out is `None` where wfdb-python gives
//! `None`; fs defaults to 250, a gain of 0 or none to 200, a missing baseline to adc_zero (else 0),
//! units to "mV", samples per frame to 1.

use std::path::{Path, PathBuf};

use crate::formats::Error;

/// Default sampling frequency when the record line gives none (WFDB `DEFFREQ`).
pub const DEFAULT_FS: f64 = 250.0;
/// Default gain, used when the header gives none or 0 (WFDB `DEFGAIN`).
pub const DEFAULT_GAIN: f64 = 200.0;
/// More signals or segments than this in one header is refused rather than allocated.
pub const MAX_LINES: usize = 1 << 16;

/// A parsed header. `signals` is empty for multi-segment records, `segments` for single ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub record_name: String,
    pub n_seg: Option<usize>,
    pub n_sig: usize,
    pub fs: f64,
    pub counter_freq: Option<f64>,
    pub base_counter: Option<f64>,
    pub sig_len: Option<u64>,
    pub base_time: Option<BaseTime>,
    /// (year, month, day)
    pub base_date: Option<(i32, u32, u32)>,
    pub signals: Vec<SignalSpec>,
    pub segments: Vec<SegmentSpec>,
    /// Comment lines without their `#` and surrounding blanks (they can hold patient data).
    pub comments: Vec<String>,
}

/// Clock time of the first sample: `[[HH:]MM:]SS[.ffffff]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseTime {
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub micros: u32,
}

/// One signal line.
#[derive(Debug, Clone, PartialEq)]
pub struct SignalSpec {
    pub file_name: String,
    pub fmt: u16,
    pub samps_per_frame: u32,
    pub skew: Option<u64>,
    pub byte_offset: Option<u64>,
    pub adc_gain: f64,
    pub baseline: i64,
    pub units: String,
    pub adc_res: Option<u32>,
    pub adc_zero: Option<i64>,
    pub init_value: Option<i64>,
    pub checksum: Option<i64>,
    pub block_size: Option<u64>,
    pub sig_name: Option<String>,
    /// 1-based line of the header this signal was declared on.
    pub line: usize,
}

/// One segment line of a multi-segment header; `~` names a gap.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSpec {
    pub name: String,
    pub len: u64,
    pub line: usize,
}

struct Ctx<'a> {
    path: &'a Path,
    line: usize,
}

impl Ctx<'_> {
    fn err(&self, field: &str, expected: &str, found: &str) -> Error {
        Error::TextField {
            path: self.path.to_path_buf(),
            line: self.line,
            field: field.into(),
            expected: expected.into(),
            found: found.chars().take(80).collect(),
        }
    }

    fn num<T: std::str::FromStr>(&self, field: &str, expected: &str, s: &str) -> Result<T, Error> {
        s.parse().map_err(|_| self.err(field, expected, s))
    }
}

/// Parses header text; `path` names it in messages.
pub fn parse(path: &Path, text: &str) -> Result<Header, Error> {
    let mut comments = Vec::new();
    let mut lines = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if let Some(c) = line.strip_prefix('#') {
            comments.push(c.trim_matches([' ', '\t', '#']).to_owned());
        } else if !line.is_empty() {
            lines.push((i + 1, line));
        }
    }
    let Some(&(first, record_line)) = lines.first() else {
        return Err(Error::TextField {
            path: path.to_path_buf(),
            line: text.lines().count().max(1),
            field: "record line".into(),
            expected: "a record line (`NAME N_SIG [FS [SIG_LEN ...]]`)".into(),
            found: String::new(),
        });
    };
    let ctx = Ctx { path, line: first };
    let mut h = record(&ctx, record_line)?;
    h.comments = comments;
    let body = &lines[1..];
    let want = h.n_seg.unwrap_or(h.n_sig);
    if want > MAX_LINES {
        return Err(ctx.err("n_sig", &format!("at most {MAX_LINES}"), &want.to_string()));
    }
    if body.len() < want {
        let what = if h.n_seg.is_some() {
            "segment"
        } else {
            "signal"
        };
        let last = body.last().map_or(first, |l| l.0);
        return Err(Error::TextField {
            path: path.to_path_buf(),
            line: last + 1,
            field: format!("{what} line {}", body.len() + 1),
            expected: format!("{want} {what} lines, as the record line says"),
            found: format!("{} lines", body.len()),
        });
    }
    for &(line, text) in &body[..want] {
        let ctx = Ctx { path, line };
        if h.n_seg.is_some() {
            h.segments.push(segment(&ctx, text)?);
        } else {
            h.signals.push(signal(&ctx, text)?);
        }
    }
    Ok(h)
}

fn record(ctx: &Ctx, line: &str) -> Result<Header, Error> {
    let mut tok = line.split_whitespace();
    let name_tok = tok.next().unwrap_or_default();
    let (name, n_seg) = match name_tok.split_once('/') {
        Some((n, s)) => (n, Some(ctx.num("n_seg", "a segment count", s)?)),
        None => (name_tok, None),
    };
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(ctx.err("record_name", "letters, digits, '_' or '-'", name));
    }
    let n_sig_tok = tok
        .next()
        .ok_or_else(|| ctx.err("n_sig", "the number of signals", ""))?;
    let n_sig = ctx.num("n_sig", "the number of signals (an integer)", n_sig_tok)?;
    let mut h = Header {
        record_name: name.to_owned(),
        n_seg,
        n_sig,
        fs: DEFAULT_FS,
        counter_freq: None,
        base_counter: None,
        sig_len: None,
        base_time: None,
        base_date: None,
        signals: Vec::new(),
        segments: Vec::new(),
        comments: Vec::new(),
    };
    if let Some(f) = tok.next() {
        frequency(ctx, f, &mut h)?;
    }
    if let Some(s) = tok.next() {
        h.sig_len = Some(ctx.num("sig_len", "the number of frames (an integer)", s)?);
    }
    if let Some(t) = tok.next() {
        h.base_time = Some(base_time(ctx, t)?);
    }
    if let Some(d) = tok.next() {
        h.base_date = Some(base_date(ctx, d)?);
    }
    Ok(h)
}

/// `FS[/COUNTER_FREQ[(BASE_COUNTER)]]`
fn frequency(ctx: &Ctx, f: &str, h: &mut Header) -> Result<(), Error> {
    let (fs, counter) = match f.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (f, None),
    };
    let positive = |field: &str, s: &str| -> Result<f64, Error> {
        let v: f64 = ctx.num(field, "a positive number", s)?;
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(ctx.err(field, "a positive number", s))
        }
    };
    if !fs.is_empty() {
        h.fs = positive("fs", fs)?;
    }
    if let Some(c) = counter {
        let (cf, base) = match c.split_once('(') {
            Some((a, b)) => {
                let b = b
                    .strip_suffix(')')
                    .ok_or_else(|| ctx.err("base_counter", "a number closed by ')'", b))?;
                (a, Some(b))
            }
            None => (c, None),
        };
        h.counter_freq = Some(positive("counter_freq", cf)?);
        if let Some(b) = base {
            h.base_counter = Some(ctx.num("base_counter", "a number", b)?);
        }
    }
    Ok(())
}

fn base_time(ctx: &Ctx, t: &str) -> Result<BaseTime, Error> {
    let bad = || ctx.err("base_time", "[[HH:]MM:]SS[.ffffff]", t);
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t, ""),
    };
    let parts: Vec<&str> = whole.split(':').collect();
    if parts.len() > 3 || frac.len() > 6 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let mut v = [0u32; 3];
    let off = 3 - parts.len();
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        v[off + i] = p.parse().map_err(|_| bad())?;
    }
    let micros = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<6}").parse().map_err(|_| bad())?
    };
    if v[0] > 23 || v[1] > 59 || v[2] > 59 {
        return Err(bad());
    }
    Ok(BaseTime {
        hour: v[0],
        minute: v[1],
        second: v[2],
        micros,
    })
}

fn base_date(ctx: &Ctx, d: &str) -> Result<(i32, u32, u32), Error> {
    let bad = || ctx.err("base_date", "DD/MM/YYYY", d);
    let p: Vec<&str> = d.split('/').collect();
    if p.len() != 3 {
        return Err(bad());
    }
    let day: u32 = p[0].parse().map_err(|_| bad())?;
    let month: u32 = p[1].parse().map_err(|_| bad())?;
    let year: i32 = p[2].parse().map_err(|_| bad())?;
    if chrono::NaiveDate::from_ymd_opt(year, month, day).is_none() {
        return Err(bad());
    }
    Ok((year, month, day))
}

fn segment(ctx: &Ctx, line: &str) -> Result<SegmentSpec, Error> {
    let mut tok = line.split_whitespace();
    let name = tok.next().unwrap_or_default();
    if !valid_file_name(name) {
        return Err(ctx.err("seg_name", "a record name or '~'", name));
    }
    let len_tok = tok
        .next()
        .ok_or_else(|| ctx.err("seg_len", "the segment's length in frames", ""))?;
    Ok(SegmentSpec {
        name: name.to_owned(),
        len: ctx.num("seg_len", "the segment's length in frames", len_tok)?,
        line: ctx.line,
    })
}

/// A file name the header may name: no directory part (the record's files sit beside it).
fn valid_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && name.chars().all(|c| !c.is_control())
}

/// Splits `line` at whitespace into at most `n` tokens and the rest of the line.
fn split_fields(line: &str, n: usize) -> (Vec<&str>, &str) {
    let mut toks = Vec::with_capacity(n);
    let mut rest = line.trim_start();
    while toks.len() < n && !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        toks.push(&rest[..end]);
        rest = rest[end..].trim_start();
    }
    (toks, rest)
}

fn signal(ctx: &Ctx, line: &str) -> Result<SignalSpec, Error> {
    let (t, rest) = split_fields(line, 8);
    let file_name = t.first().copied().unwrap_or_default();
    if !valid_file_name(file_name) {
        return Err(ctx.err(
            "file_name",
            "a signal file name beside the header",
            file_name,
        ));
    }
    let fmt_tok = t
        .get(1)
        .copied()
        .ok_or_else(|| ctx.err("fmt", "a signal format (e.g. 212)", ""))?;
    let mut s = SignalSpec {
        file_name: file_name.to_owned(),
        fmt: 0,
        samps_per_frame: 1,
        skew: None,
        byte_offset: None,
        adc_gain: DEFAULT_GAIN,
        baseline: 0,
        units: "mV".into(),
        adc_res: None,
        adc_zero: None,
        init_value: None,
        checksum: None,
        block_size: None,
        sig_name: None,
        line: ctx.line,
    };
    format_spec(ctx, fmt_tok, &mut s)?;
    let mut baseline = None;
    if let Some(g) = t.get(2) {
        baseline = gain_spec(ctx, g, &mut s)?;
    }
    let opt_i64 = |i: usize, field: &str| -> Result<Option<i64>, Error> {
        t.get(i)
            .map(|v| ctx.num(field, "an integer", v))
            .transpose()
    };
    s.adc_res = t
        .get(3)
        .map(|v| ctx.num("adc_res", "the ADC resolution in bits", v))
        .transpose()?;
    s.adc_zero = opt_i64(4, "adc_zero")?;
    s.init_value = opt_i64(5, "init_value")?;
    s.checksum = opt_i64(6, "checksum")?;
    s.block_size = t
        .get(7)
        .map(|v| ctx.num("block_size", "a block size (an integer >= 0)", v))
        .transpose()?;
    if !rest.is_empty() {
        s.sig_name = Some(rest.trim_end().to_owned());
    }
    s.baseline = baseline.or(s.adc_zero).unwrap_or(0);
    Ok(s)
}

/// `FMT[xSPF][:SKEW][+BYTE_OFFSET]`
fn format_spec(ctx: &Ctx, tok: &str, s: &mut SignalSpec) -> Result<(), Error> {
    let (rest, offset) = match tok.split_once('+') {
        Some((a, b)) => (a, Some(b)),
        None => (tok, None),
    };
    let (rest, skew) = match rest.split_once(':') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    let (fmt, spf) = match rest.split_once('x') {
        Some((a, b)) => (a, Some(b)),
        None => (rest, None),
    };
    s.fmt = ctx.num("fmt", "a signal format number (e.g. 16, 212)", fmt)?;
    if let Some(n) = spf {
        s.samps_per_frame = ctx.num("samps_per_frame", "samples per frame (>= 1)", n)?;
        if s.samps_per_frame == 0 {
            return Err(ctx.err("samps_per_frame", "samples per frame (>= 1)", n));
        }
    }
    if let Some(k) = skew {
        s.skew = Some(ctx.num("skew", "a skew in frames (an integer >= 0)", k)?);
    }
    if let Some(o) = offset {
        s.byte_offset = Some(ctx.num("byte_offset", "a byte offset (an integer >= 0)", o)?);
    }
    Ok(())
}

/// `GAIN[(BASELINE)][/UNITS]`; returns the baseline when given.
fn gain_spec(ctx: &Ctx, tok: &str, s: &mut SignalSpec) -> Result<Option<i64>, Error> {
    let (rest, units) = match tok.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (tok, None),
    };
    let (gain, baseline) = match rest.split_once('(') {
        Some((a, b)) => {
            let b = b
                .strip_suffix(')')
                .ok_or_else(|| ctx.err("baseline", "an integer closed by ')'", b))?;
            (a, Some(ctx.num("baseline", "an integer", b)?))
        }
        None => (rest, None),
    };
    let g: f64 = ctx.num("adc_gain", "a gain in ADC units per physical unit", gain)?;
    if !g.is_finite() {
        return Err(ctx.err("adc_gain", "a finite gain", gain));
    }
    s.adc_gain = if g == 0.0 { DEFAULT_GAIN } else { g };
    if let Some(u) = units {
        s.units = u.to_owned();
    }
    Ok(baseline)
}

/// Reads and parses the header file at `path`.
pub fn read(path: &Path) -> Result<Header, Error> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    parse(path, &text)
}

/// The directory holding a header's files.
pub fn dir_of(path: &Path) -> PathBuf {
    path.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Result<Header, Error> {
        parse(Path::new("t.hea"), text)
    }

    #[test]
    fn record_and_signal_fields_with_defaults() {
        let h = p("# c1\n100 2 360/1000(5) 650000 8:26:04.5 26/10/1994\n\
                   100.dat 212x4:3+24 200(1024)/mV 11 1024 995 -22131 0 ECG lead 1\n\
                   100.dat 16\n")
        .unwrap();
        assert_eq!(
            (h.fs, h.counter_freq, h.base_counter),
            (360.0, Some(1000.0), Some(5.0))
        );
        assert_eq!(h.base_time.unwrap().micros, 500_000);
        assert_eq!(h.base_date, Some((1994, 10, 26)));
        let s = &h.signals[0];
        assert_eq!(
            (s.samps_per_frame, s.skew, s.byte_offset),
            (4, Some(3), Some(24))
        );
        assert_eq!(s.sig_name.as_deref(), Some("ECG lead 1"));
        let d = &h.signals[1];
        assert_eq!((d.adc_gain, d.baseline, d.units.as_str()), (200.0, 0, "mV"));
        assert_eq!(h.comments, vec!["c1"]);
    }

    #[test]
    fn errors_name_line_and_field() {
        let e = p("r 2 250\nr.dat 16\n\nr.dat 9x\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4") && e.contains("samps_per_frame"), "{e}");
        let e = p("r 3\nr.dat 16\n").unwrap_err().to_string();
        assert!(e.contains("3 signal lines"), "{e}");
    }
}
