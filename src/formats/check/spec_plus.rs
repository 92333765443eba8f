//! EDF+ header subfields (EDF+ 2.1.3): local patient identification, and local recording
//! identification with its `Startdate` subfield, which must agree with the startdate field.

use super::layout as l;
use super::spec::{parts, Out, R_AGREE, R_PATIENT, R_RECFIELD};
use super::Severity;

pub const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// `dd-MMM-yyyy` as (day, month from 1, year), strictly (upper-case month).
pub fn plus_date(s: &str) -> Option<(u32, u32, i32)> {
    let b = s.as_bytes();
    if b.len() != 11 || b[2] != b'-' || b[6] != b'-' {
        return None;
    }
    let day: u32 = s.get(0..2)?.parse().ok()?;
    let month = MONTHS.iter().position(|m| Some(*m) == s.get(3..6))? as u32 + 1;
    let year: i32 = s.get(7..11)?.parse().ok()?;
    if !s[0..2].bytes().all(|c| c.is_ascii_digit()) || !s[7..11].bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(year, month, day).map(|_| (day, month, year))
}

pub(crate) fn subfields(out: &mut Out, head: &[u8]) {
    patient(out, head);
    recording(out, head);
}

fn patient(out: &mut Out, head: &[u8]) {
    let text = l::latin1(l::fixed(head, l::PATIENT));
    let subs: Vec<&str> = text.trim_end().split(' ').collect();
    let problem = if subs.len() < 4 || subs[..4].iter().any(|s| s.is_empty()) {
        Some(format!("{} subfield(s) separated by single spaces; expected at least 4 (code sex birthdate name)", subs.len()))
    } else if !matches!(subs[1], "M" | "F" | "X") {
        Some(format!("sex {:?}, expected M, F or X", subs[1]))
    } else if subs[2] != "X" && plus_date(subs[2]).is_none() {
        Some(format!(
            "birthdate {:?}, expected dd-MMM-yyyy or X",
            subs[2]
        ))
    } else {
        None
    };
    if let Some(p) = problem {
        out.push(
            Severity::Warning,
            l::PATIENT.1,
            l::PATIENT.0,
            R_PATIENT,
            crate::text::sanitize(&p),
        );
    }
}

fn recording(out: &mut Out, head: &[u8]) {
    let text = l::latin1(l::fixed(head, l::RECORDING));
    let subs: Vec<&str> = text.trim_end().split(' ').collect();
    let at = l::RECORDING.1;
    if subs.first() != Some(&"Startdate")
        || subs.len() < 5
        || subs[..5].iter().any(|s| s.is_empty())
    {
        let msg = format!("{:?} does not start with 'Startdate' followed by 4 subfields separated by single spaces", text.trim_end());
        out.push(
            Severity::Warning,
            at,
            l::RECORDING.0,
            R_RECFIELD,
            crate::text::sanitize(&msg),
        );
        return;
    }
    if subs[1] == "X" {
        return;
    }
    let Some((d, m, y)) = plus_date(subs[1]) else {
        out.push(
            Severity::Warning,
            at + 10,
            l::RECORDING.0,
            R_RECFIELD,
            crate::text::sanitize(&format!(
                "Startdate {:?}, expected dd-MMM-yyyy or X",
                subs[1]
            )),
        );
        return;
    };
    if let Some([dd, mm, yy]) = parts(l::fixed(head, l::STARTDATE)) {
        if (dd, mm, yy) != (d, m, (y.rem_euclid(100)) as u32) {
            out.push(
                Severity::Warning,
                at + 10,
                l::RECORDING.0,
                R_AGREE,
                format!(
                    "Startdate {} but the startdate field is {:02}.{:02}.{:02}",
                    subs[1], dd, mm, yy
                ),
            );
        }
    }
}
