//! EDF, EDF+ (continuous and discontinuous), BDF and BDF+ over a read-only memory map.

mod growing;
mod header;
mod lenient;
pub mod number;
mod source;
pub mod tal;
pub mod writer;

use std::path::Path;

use memmap2::Mmap;

pub use header::{Flavour, Header, SignalHeader, MAX_SIGNALS};
pub use source::EdfSource;

use crate::formats::Error;
use crate::signal::{Annotation, Channel, Format, Recording, Segment, StartTime};

/// True when the first bytes are an EDF (`0` + 7 spaces) or BDF (`\xffBIOSEMI`) version field.
pub fn sniff(head: &[u8]) -> bool {
    head.starts_with(b"0       ") || head.starts_with(b"\xffBIOSEMI")
}

/// Opens an EDF-family file: validates the header, maps the data, parses the annotations.
pub fn open(path: &Path, map: Mmap) -> Result<Recording, Error> {
    open_bytes(path, Box::new(map))
}

/// Parses and validates the header alone; `path` names the bytes in messages. The header's
/// `notes` say what was unusual but readable.
pub fn read_header(path: &Path, bytes: &[u8]) -> Result<Header, Error> {
    header::parse(path, bytes)
}

/// Opens EDF-family bytes held in memory; `path` names them in messages.
pub fn open_bytes(path: &Path, bytes: source::Bytes) -> Result<Recording, Error> {
    let header = header::parse(path, (*bytes).as_ref())?;
    let source = EdfSource::new(path, bytes, header)?;
    let h = source.header();
    let format = match (h.bdf, h.flavour) {
        (false, Flavour::Plain) => Format::Edf,
        (false, Flavour::PlusContinuous) => Format::EdfPlusC,
        (false, Flavour::PlusDiscontinuous) => Format::EdfPlusD,
        (true, Flavour::Plain) => Format::Bdf,
        (true, Flavour::PlusContinuous) => Format::BdfPlusC,
        (true, Flavour::PlusDiscontinuous) => Format::BdfPlusD,
    };
    let (annotations, timing, mut notes) = source::read_annotations(path, &source)?;
    notes.splice(0..0, h.notes.iter().cloned());
    let start = start_time(h, timing.start_offset_100ns, &mut notes);
    let channels = channels(h);
    let segments = segments(&timing.record_onsets_s, h.record_duration_s(), h.records);
    let duration_s = segments.last().map_or(0.0, |s| s.start_s + s.duration_s);
    if h.flavour == Flavour::PlusDiscontinuous && segments.len() == 1 {
        notes.push(
            "EDF+D (discontinuous), but every record follows the previous one: no gaps".into(),
        );
    }
    let annotations = with_channels(annotations);
    let records = h.records;
    let record_duration_s = h.record_duration_s();
    let source = source.with_record_onsets(timing.discontinuous_onsets());
    Ok(Recording {
        path: path.to_path_buf(),
        format,
        start,
        records,
        record_duration_s,
        duration_s,
        channels,
        annotations: annotations.into(),
        segments,
        notes,
        source: Box::new(source),
    })
}

fn channels(h: &Header) -> Vec<Channel> {
    let dur_s = h.record_duration_s();
    h.signals
        .iter()
        .filter(|s| !s.annotation)
        .map(|s| Channel {
            label: s.label.clone(),
            transducer: s.transducer.clone(),
            unit: s.unit.clone(),
            physical_min: Some(s.physical_min),
            physical_max: Some(s.physical_max),
            digital_min: Some(s.digital_min),
            digital_max: Some(s.digital_max),
            prefilter: s.prefilter.clone(),
            samples_per_record: s.samples_per_record,
            // As pyedflib reports EDFlib's rate: samples per record / (duration in 100 ns / 10^7).
            rate_hz: if dur_s > 0.0 {
                s.samples_per_record as f64 / dur_s
            } else {
                0.0
            },
            samples: s.samples_per_record * h.records,
        })
        .collect()
}

/// Merges records whose onsets follow each other without a gap into segments.
fn segments(onsets: &Option<Vec<f64>>, record_s: f64, records: u64) -> Vec<Segment> {
    let Some(onsets) = onsets else {
        return vec![Segment {
            start_s: 0.0,
            duration_s: record_s * records as f64,
        }];
    };
    let mut out: Vec<Segment> = Vec::new();
    for &t in onsets {
        match out.last_mut() {
            Some(s) if (s.start_s + s.duration_s - t).abs() < 1e-7 => s.duration_s += record_s,
            _ => out.push(Segment {
                start_s: t,
                duration_s: record_s,
            }),
        }
    }
    out
}

/// Start clock time from the header's `dd.mm.yy` / `hh.mm.ss` plus the sub-second offset of the
/// first record. Years 85-99 are 19xx and 00-84 are 20xx (EDF spec, "clipping date"); EDF+
/// files carry the 4-digit year in the recording field (`Startdate dd-MMM-yyyy`, section 2.1.3.3).
fn start_time(h: &Header, offset_100ns: i64, notes: &mut Vec<String>) -> Option<StartTime> {
    let num = |s: &str, a: usize| s.get(a..a + 2).and_then(|x| x.parse::<u32>().ok());
    let (d, mo) = (num(&h.startdate, 0)?, num(&h.startdate, 3)?);
    let (hh, mi, ss) = (
        num(&h.starttime, 0)?,
        num(&h.starttime, 3)?,
        num(&h.starttime, 6)?,
    );
    let plus = (h.flavour != Flavour::Plain)
        .then(|| plus_year(&h.recording))
        .flatten();
    // `yy` (EDF+ after 2084) has no year of its own: it must come from `Startdate`.
    let year = match (plus, num(&h.startdate, 6)) {
        (Some(year), _) => year,
        (None, Some(yy)) if yy >= 85 => 1900 + yy as i32,
        (None, Some(yy)) => 2000 + yy as i32,
        (None, None) => return None,
    };
    let Some(base) = StartTime::from_fields(year, mo, d, hh, mi, ss) else {
        notes.push(format!(
            "the start date/time {} {} is not a valid clock time; times are shown from the first sample only",
            h.startdate, h.starttime
        ));
        return None;
    };
    let secs = offset_100ns.div_euclid(10_000_000);
    let frac = offset_100ns.rem_euclid(10_000_000) as u32;
    let dt = base
        .datetime
        .checked_add_signed(chrono::TimeDelta::try_seconds(secs)?)?;
    Some(StartTime::new(dt, frac))
}

/// The 4-digit year of `Startdate 02-MAR-2002 ...` in the EDF+ recording field.
fn plus_year(recording: &str) -> Option<i32> {
    let rest = recording.strip_prefix("Startdate ")?;
    let date = rest.split(' ').next()?;
    let b = date.as_bytes();
    if b.len() != 11 || b[2] != b'-' || b[6] != b'-' {
        return None;
    }
    date.get(7..11)?.parse().ok()
}

/// Fills `channel` for annotations whose text ends in `@@LABEL` naming a channel of the file.
/// The channel need not exist in this file: annotation-only files (HMC scorings) name the
/// channels of their companion recording.
fn with_channels(mut annotations: Vec<Annotation>) -> Vec<Annotation> {
    for a in &mut annotations {
        if let Some((_, ch)) = a.text.rsplit_once("@@") {
            if !ch.trim().is_empty() {
                a.channel = Some(ch.to_owned());
            }
        }
    }
    annotations
}
