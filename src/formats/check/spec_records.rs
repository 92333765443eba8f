//! The reserved field and the number of data records against the file size.

use super::layout as l;
use super::spec::{Out, Parsed, R_ANNOT, R_MINUS1, R_RECORDS, R_RESERVED, R_SIZE};
use super::Severity;

pub(crate) fn reserved_rules(out: &mut Out, reserved: &str, p: &Parsed) {
    let at = l::RESERVED.1;
    let name = l::RESERVED.0;
    let trimmed = reserved.trim_end_matches(' ');
    if p.plus {
        if trimmed.len() > 5 {
            out.push(
                Severity::Warning,
                at + 5,
                name,
                R_RESERVED,
                format!("{trimmed:?}: text after the EDF+ tag"),
            );
        }
        if p.annotation.is_empty() {
            out.push(Severity::Warning, at, name, R_ANNOT, format!("the reserved field says {:?} but no signal is labelled '{} Annotations'; read as plain {}", &trimmed[..5.min(trimmed.len())], if p.bdf { "BDF" } else { "EDF" }, if p.bdf { "BDF" } else { "EDF" }));
        }
        return;
    }
    let known = trimmed.is_empty() || (p.bdf && trimmed == "24BIT");
    if !known {
        let why = if p.bdf && (trimmed.starts_with("EDF+C") || trimmed.starts_with("EDF+D")) {
            "a BDF file says EDF+, which is neither BDF+ ('BDF+C'/'BDF+D') nor plain BDF; read as plain BDF"
        } else {
            "not blank in a plain EDF/BDF file"
        };
        out.push(
            Severity::Warning,
            at,
            name,
            R_RESERVED,
            format!("{trimmed:?}: {why}"),
        );
    }
}

pub(crate) fn size(out: &mut Out, p: &Parsed, file_len: u64) {
    let (Some(records), Some(rec)) = (p.records, p.record_size()) else {
        return;
    };
    let at = l::RECORDS.1;
    let name = l::RECORDS.0;
    if records < -1 || records == 0 {
        out.push(
            Severity::Error,
            at,
            name,
            R_RECORDS,
            format!("{records} data records: expected at least 1 (or -1 while recording)"),
        );
        return;
    }
    let data = file_len.saturating_sub(p.header_len);
    let (whole, partial) = match data.checked_div(rec) {
        Some(w) => (w, data % rec),
        None => (0, data),
    };
    if records == -1 {
        // With no complete record there is nothing to read yet.
        let sev = if whole == 0 {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.push(sev, at, name, R_MINUS1, format!("-1 (file open for writing): the file holds {whole} complete record(s) of {rec} bytes{}", part(partial)));
        return;
    }
    let declared = records as u64;
    if whole < declared {
        out.push(Severity::Error, p.header_len as usize, "data records", R_SIZE, format!("the header declares {declared} records of {rec} bytes; the file holds {whole} complete one(s){} ({} bytes missing)", part(partial), declared.saturating_mul(rec).saturating_sub(data)));
    } else if whole > declared {
        // sigmark reads them all (the file grew after its header was written), so this is
        // not an error; EDFlib's verdict (edflib.rs) is its own.
        out.push(
            Severity::Warning,
            (p.header_len + declared * rec) as usize,
            "data records",
            R_SIZE,
            format!(
                "the file holds {whole} complete records{}, {} more than the {declared} declared: it looks open for writing (it grew after its header was written); all {whole} are read",
                part(partial),
                whole - declared
            ),
        );
    } else if partial > 0 {
        out.push(Severity::Error, (p.header_len + declared * rec) as usize, "data records", R_SIZE, format!("{partial} bytes after the last of the {declared} records (a partly written record)"));
    }
}

fn part(partial: u64) -> String {
    if partial > 0 {
        format!(" and {partial} bytes of a partial one")
    } else {
        String::new()
    }
}
