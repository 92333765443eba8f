//! WFDB records (PhysioNet): a `.hea` header and its signal files, opened by record name or by
//! any of their files; single- and multi-segment records.

pub mod annots;
pub mod flac;
pub mod fmt;
pub mod header;
mod locate;
mod segments;
pub mod source;
mod sums212;

use std::path::Path;

pub use header::{Header, SignalSpec};
pub use locate::{is_header, locate, locate_parsed, probe_header};

use crate::formats::{Error, OpenOptions};
use crate::signal::{Channel, Format, Recording, Segment, StartTime};
use source::{Chan, Data, SignalFile, WfdbSource};

/// Samples decoded into memory at open (format 8, FLAC) are refused above this many.
pub const MAX_DECODED: u64 = 1 << 28;

/// Opens the record whose header is `hea` (found by `locate`).
pub fn open(hea: &Path, options: &OpenOptions) -> Result<Recording, Error> {
    open_parsed(hea, header::read(hea)?, options)
}

/// Opens the record whose header `h` was read from `hea` (by `locate_parsed`); the
/// annotator's file beside it (`options.annotator`, else `atr`) gives the annotations.
pub fn open_parsed(hea: &Path, h: Header, options: &OpenOptions) -> Result<Recording, Error> {
    let files: Vec<String> = h.signals.iter().map(|s| s.file_name.clone()).collect();
    let mut rec = if h.n_seg.is_some() {
        segments::open(hea, h)?
    } else {
        let mut notes = Vec::new();
        let source = single(hea, &h, &mut notes)?;
        recording(hea, &h, Box::new(source.0), source.1, notes)
    };
    annots::attach(&mut rec, hea, &files, options.annotator.as_deref())?;
    Ok(rec)
}

/// The recording around a source of `frames` frames.
fn recording(
    hea: &Path,
    h: &Header,
    source: Box<dyn crate::signal::SampleSource>,
    frames: u64,
    mut notes: Vec<String>,
) -> Recording {
    let channels = h
        .signals
        .iter()
        .enumerate()
        .map(|(i, s)| channel(h, i, s, frames))
        .collect();
    let start = start_time(h, &mut notes);
    notes.extend(h.comments.iter().map(|c| format!("comment: {c}")));
    let duration_s = frames as f64 / h.fs;
    Recording {
        path: hea.to_path_buf(),
        format: Format::Wfdb,
        start,
        records: frames,
        record_duration_s: 1.0 / h.fs,
        duration_s,
        channels,
        annotations: Default::default(),
        segments: vec![Segment {
            start_s: 0.0,
            duration_s,
        }],
        notes,
        source,
    }
}

/// A frame is one "record" of the recording model: a channel with k samples per frame runs
/// at k times the frame rate.
fn channel(h: &Header, i: usize, s: &SignalSpec, frames: u64) -> Channel {
    let spf = u64::from(s.samps_per_frame);
    Channel {
        label: s.sig_name.clone().unwrap_or_else(|| format!("signal {i}")),
        transducer: String::new(),
        unit: s.units.clone(),
        physical_min: None,
        physical_max: None,
        digital_min: None,
        digital_max: None,
        prefilter: String::new(),
        samples_per_record: spf,
        rate_hz: h.fs * spf as f64,
        samples: frames.saturating_mul(spf),
    }
}

fn start_time(h: &Header, notes: &mut Vec<String>) -> Option<StartTime> {
    let t = h.base_time?;
    let Some((y, m, d)) = h.base_date else {
        notes.push(format!(
            "the header gives a start time ({:02}:{:02}:{:02}) but no date; times are shown from the first sample",
            t.hour, t.minute, t.second
        ));
        return None;
    };
    let base = StartTime::from_fields(y, m, d, t.hour, t.minute, t.second)?;
    Some(StartTime::new(base.datetime, t.micros * 10))
}

/// The files of a single-segment record and its length in frames.
pub(crate) fn single(
    hea: &Path,
    h: &Header,
    notes: &mut Vec<String>,
) -> Result<(WfdbSource, u64), Error> {
    let dir = header::dir_of(hea);
    let (names, chans, slots) = layout(hea, h)?;
    let mut files = Vec::with_capacity(names.len());
    let mut frames = h.sig_len.filter(|&n| n > 0);
    let mut held = u64::MAX;
    for (fi, name) in names.iter().enumerate() {
        let specs: Vec<&SignalSpec> = h.signals.iter().filter(|s| s.file_name == *name).collect();
        let (file, avail) = signal_file(&dir.join(name), &specs, slots[fi], frames)?;
        held = held.min(avail);
        files.push(file);
    }
    if held == u64::MAX {
        held = 0;
    }
    match frames {
        Some(n) if held < n => {
            notes.push(format!(
                "the header says {n} frames but the signal files hold {held} complete frames; reading those"
            ));
            frames = Some(held);
        }
        None => {
            notes.push(format!(
                "the header gives no length: {held} complete frames, counted from the signal file size"
            ));
            frames = Some(held);
        }
        _ => {}
    }
    let frames = frames.unwrap_or(0);
    let source = WfdbSource {
        path: hea.to_path_buf(),
        files,
        chans,
        frames,
        checksums: checksums(h),
        sums: Default::default(),
    };
    Ok((source, frames))
}

/// A record's signal file names, its channels, and each file's samples per frame.
type Layout<'h> = (Vec<&'h str>, Vec<Chan>, Vec<u64>);

/// The record's signal files (names in order of first mention), where each channel sits in
/// its file, and the samples per frame of each file.
fn layout<'h>(hea: &Path, h: &'h Header) -> Result<Layout<'h>, Error> {
    let mut names: Vec<&str> = Vec::new();
    let mut chans = Vec::with_capacity(h.signals.len());
    let mut slots: Vec<u64> = Vec::new();
    for s in &h.signals {
        let fi = match names.iter().position(|n| *n == s.file_name) {
            Some(fi) => fi,
            None => {
                names.push(&s.file_name);
                slots.push(0);
                names.len() - 1
            }
        };
        check_format(hea, s)?;
        let first = h.signals.iter().find(|o| o.file_name == s.file_name);
        if let Some(f) = first.filter(|f| f.fmt != s.fmt) {
            return Err(header_error(
                hea,
                s.line,
                "fmt",
                &format!(
                    "format {} like the file's first signal (line {})",
                    f.fmt, f.line
                ),
                &s.fmt.to_string(),
            ));
        }
        let spf = u64::from(s.samps_per_frame);
        chans.push(Chan {
            file: fi,
            slot: slots[fi],
            spf,
            skew: s.skew.unwrap_or(0),
            gain: s.adc_gain,
            baseline: s.baseline,
            invalid: fmt::invalid_value(s.fmt),
            pad: fmt::invalid_value(s.fmt).unwrap_or(0),
        });
        slots[fi] += spf;
    }
    Ok((names, chans, slots))
}

/// Per channel: its label and the checksum its signal line states.
fn checksums(h: &Header) -> Vec<(String, Option<i64>)> {
    h.signals
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.sig_name.clone().unwrap_or_else(|| format!("signal {i}")),
                s.checksum,
            )
        })
        .collect()
}

fn check_format(hea: &Path, s: &SignalSpec) -> Result<(), Error> {
    if fmt::MAPPED.contains(&s.fmt) || fmt::FLAC.contains(&s.fmt) {
        return Ok(());
    }
    Err(header_error(
        hea,
        s.line,
        "fmt",
        "a signal format sigmark reads: 8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 508, 516, 524",
        &s.fmt.to_string(),
    ))
}

pub(crate) fn header_error(
    hea: &Path,
    line: usize,
    field: &str,
    expected: &str,
    found: &str,
) -> Error {
    Error::TextField {
        path: hea.to_path_buf(),
        line,
        field: field.into(),
        expected: expected.into(),
        found: found.into(),
    }
}

/// Maps one signal file; returns it and the complete frames it holds.
fn signal_file(
    path: &Path,
    specs: &[&SignalSpec],
    frame_len: u64,
    frames: Option<u64>,
) -> Result<(SignalFile, u64), Error> {
    let s0 = specs[0];
    if fmt::FLAC.contains(&s0.fmt) {
        return flac::open(path, specs, frame_len, frames, MAX_DECODED);
    }
    let map = crate::formats::map(path)?;
    let offset = s0.byte_offset.unwrap_or(0);
    let data_len = (map.len() as u64).saturating_sub(offset);
    let avail = fmt::samples_in(s0.fmt, data_len) / frame_len.max(1);
    if s0.fmt == 8 {
        let n = frames.unwrap_or(avail).min(avail).saturating_mul(frame_len);
        if n > MAX_DECODED {
            return Err(too_many(path, n));
        }
        let mut slot_sig = Vec::with_capacity(frame_len as usize);
        let mut init = Vec::with_capacity(specs.len());
        for (k, s) in specs.iter().enumerate() {
            init.push(s.init_value.unwrap_or(0) as i32);
            slot_sig.extend(std::iter::repeat_n(k, s.samps_per_frame as usize));
        }
        let bytes = &map[(offset as usize).min(map.len())..];
        let v = fmt::decode_format8(bytes, &slot_sig, &init, n as usize);
        let data = Data::Decoded(v);
        return Ok((SignalFile { data, frame_len }, avail));
    }
    let data = Data::Mapped {
        map,
        offset: offset as usize,
        fmt: s0.fmt,
    };
    Ok((SignalFile { data, frame_len }, avail))
}

pub(crate) fn too_many(path: &Path, n: u64) -> Error {
    Error::Size {
        path: path.to_path_buf(),
        actual: n,
        detail: format!(
            "{n} samples would have to be decoded into memory; sigmark decodes at most {MAX_DECODED}"
        ),
    }
}
