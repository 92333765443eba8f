//! A strip's header: the recording's identifier (said to be de-identified when it is), the
//! clock time of the strip, speed, sensitivities, filters, montage, reader and format.

use std::path::Path;

use super::traces::Lane;
use super::Request;
use crate::dsp::paper::trim;
use crate::signal::time::{format_clock, format_offset, StartTime};
use crate::signal::Recording;
use crate::text::sanitize;

/// The header's lines (plain text, sanitised; the drawing escapes them).
pub(crate) fn lines(rec: &Recording, req: &Request, speed: f64, lanes: &[Lane]) -> Vec<String> {
    let when = match &rec.start {
        Some(s) => format!(
            "{} (+{})",
            s.iso_after(req.start_s).replace('T', " "),
            format_offset(req.start_s, 3)
        ),
        None => format!(
            "+{} (no clock time in the file)",
            format_offset(req.start_s, 3)
        ),
    };
    let strip = format!(
        "Strip {when}, {} s | {} mm/s | {} | Filters: {}",
        trim(req.duration_s),
        trim(speed),
        distinct(lanes, |l| l.sens.map(|s| s.label())).join(", "),
        filters(lanes)
    );
    let reader = match &req.events {
        Some((name, events)) => {
            let (t0, t1) = (req.start_s, req.start_s + req.duration_s);
            let shown = events
                .iter()
                .filter(|e| e.onset <= t1 && e.onset + e.duration >= t0)
                .count();
            format!("Reader: {} ({shown} events in the strip)", sanitize(name))
        }
        None => "Reader: none".to_string(),
    };
    let source = format!(
        "Montage: {} | {reader} | {} | sigmark {}",
        sanitize(&req.montage),
        rec.format,
        env!("CARGO_PKG_VERSION")
    );
    vec![identifier(rec), strip, source]
}

/// The time under the axis at `dt` seconds into the strip: clock time when the file has one.
pub(crate) fn time_label(start: Option<&StartTime>, req: &Request, dt: f64) -> String {
    let t = req.start_s + dt;
    let whole = |x: f64| (x - x.round()).abs() < 1e-6;
    match start {
        Some(s) => {
            let d = usize::from(!whole(s.seconds_of_day() + t));
            format_clock(s, t, d)
        }
        None => format!("+{}", format_offset(t, usize::from(!whole(t)))),
    }
}

/// `a, b` of what lanes have, in lane order, each once.
fn distinct(lanes: &[Lane], f: impl Fn(&Lane) -> Option<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in lanes.iter().filter_map(f) {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn filters(lanes: &[Lane]) -> String {
    let active = distinct(lanes, |l| {
        l.filter
            .is_active(l.rate_hz)
            .then(|| format!("{} {}", l.kind.name(), l.filter.describe()))
    });
    if active.is_empty() {
        "none (as recorded)".to_string()
    } else {
        active.join("; ")
    }
}

/// The EDF patient and recording fields, or the file name; a de-identified recording (EDF+
/// `X` subfields, or blank fields) is said to be one, with its file name.
pub(crate) fn identifier(rec: &Recording) -> String {
    let name = sanitize(&rec.path.file_name().map_or_else(
        || rec.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    ));
    let Some((patient, recording)) = edf_fields(rec) else {
        return name;
    };
    if is_deidentified(&patient) {
        return format!("{name} (de-identified recording)");
    }
    let recording = recording
        .strip_prefix("Startdate ")
        .map_or(recording.as_str(), |r| r)
        .trim()
        .to_string();
    let mut id = format!("Patient {}", sanitize(patient.trim()));
    if !recording.is_empty() && !recording.split_whitespace().all(|f| f == "X") {
        id.push_str(&format!(" | Recording {}", sanitize(&recording)));
    }
    format!("{id} | {name}")
}

/// True when the patient field identifies no one: blank, or only `X` subfields (EDF+ 2.1.3.3).
pub(crate) fn is_deidentified(patient: &str) -> bool {
    patient
        .split_whitespace()
        .all(|f| f.eq_ignore_ascii_case("x"))
}

/// The patient and recording fields of an EDF-family file, when it is one and can be read.
fn edf_fields(rec: &Recording) -> Option<(String, String)> {
    if !rec.format.is_edf_family() {
        return None;
    }
    let bytes = read_head(&rec.path)?;
    let h = crate::formats::edf::read_header(&rec.path, &bytes).ok()?;
    Some((h.patient, h.recording))
}

fn read_head(path: &Path) -> Option<memmap2::Mmap> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: the file is opened read-only and only read here, as the format readers map it.
    unsafe { memmap2::Mmap::map(&file) }.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_subfields_and_blanks_are_deidentified() {
        assert!(is_deidentified("X X X X"));
        assert!(is_deidentified("   "));
        assert!(!is_deidentified("MCH-0234567 F 02-MAY-1951 Haagse_Harry"));
        assert!(!is_deidentified("X F X Anon"));
    }
}
