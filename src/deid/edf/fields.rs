//! The identifying header fields of EDF/EDF+/BDF/BDF+ and what replaces them.
//!
//! EDF+ section 2.1.3.3, local patient identification: "subfields ... separated by spaces:
//! code, sex, birthdate, name" (unknown: `X`), then "any additional subfields". Section
//! 2.1.3.4, local recording identification: "`Startdate`, the startdate itself in dd-MMM-yyyy
//! format, the hospital administration code, a code specifying the responsible technician or
//! investigator, a code specifying the used equipment", then additional subfields. Section
//! 2.1.3.2: the header `startdate` uses 1985 as a clipping date; "After 2084, yy must be 'yy'
//! and only item 4 of this paragraph defines the date."

use chrono::{Datelike, NaiveDate};

use crate::deid::{Field, Identifiers, Plan};
use crate::formats::edf::{Flavour, Header};

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// The EDF+ convention for an unknown start date (section 2.1.3.2).
pub const UNKNOWN_DATE: &str = "01.01.85";

/// Safe Harbor groups every age over 89 into one category (45 CFR 164.514(b)(2)(i)(C)).
const AGE_GROUPED_FROM: u32 = 90;

/// The rewritten header fields, what they identified, and what changed (never the values).
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub patient: String,
    pub recording: String,
    /// The header `startdate` (`dd.mm.yy`).
    pub startdate: String,
    pub ids: Identifiers,
    pub changes: Vec<String>,
    pub fields_cleared: usize,
}

impl Edit {
    fn change(&mut self, what: impl Into<String>) {
        self.changes.push(what.into());
        self.fields_cleared += 1;
    }
}

/// The new patient, recording and startdate fields of `h` under `plan`.
pub fn rewrite(h: &Header, plan: &Plan) -> Result<Edit, String> {
    let mut e = Edit::default();
    let start = start_date(h);
    let new_start = match (plan.shift, start) {
        (Some(s), Some(d)) => Some(
            s.date(d)
                .ok_or("the shift moves the start date out of the calendar")?,
        ),
        _ => None,
    };
    // Subfields wherever the reserved field says EDF+/BDF+, even where the reader reads the
    // file as plain (no annotation signal): EDFlib checks them by what the file declares.
    let plus = h.flavour != Flavour::Plain
        || h.reserved.starts_with("EDF+")
        || h.reserved.starts_with("BDF+");
    e.startdate = header_date(new_start, !plus)?;
    if e.startdate != h.startdate {
        e.change(match new_start {
            Some(_) => "header startdate: shifted",
            None => "header startdate: set to the unknown date 01.01.85",
        });
    }
    if !plus {
        plain(h, &mut e);
    } else {
        patient(h, plan, start, &mut e);
        recording(h, plan, new_start, &mut e);
    }
    Ok(e)
}

/// Plain EDF/BDF: the two fields are free text, so every word of them is identifying.
fn plain(h: &Header, e: &mut Edit) {
    for (name, value) in [("patient", &h.patient), ("recording", &h.recording)] {
        e.ids.add_name(value);
        if value.trim() != "X" {
            e.change(format!("{name} field: cleared to X"));
        }
    }
    e.patient = "X".into();
    e.recording = "X".into();
}

fn patient(h: &Header, plan: &Plan, start: Option<NaiveDate>, e: &mut Edit) {
    let sub: Vec<&str> = h.patient.split(' ').filter(|s| !s.is_empty()).collect();
    let get = |k: usize| sub.get(k).copied().unwrap_or("X");
    let (code, sex, birth, name) = (get(0), get(1), get(2), get(3));
    identify(&mut e.ids, code);
    identify(&mut e.ids, name);
    let birthdate = edf_date(birth);
    if let Some(b) = birthdate {
        e.ids.dates.push(b);
    } else {
        identify(&mut e.ids, birth);
    }
    let keep_sex = plan.keep.has(Field::Sex) && matches!(sex, "F" | "M");
    if !keep_sex {
        identify(&mut e.ids, sex);
    }
    let new_sex = if keep_sex { sex } else { "X" };
    for (what, old, new) in [
        ("code", code, "X"),
        ("sex", sex, new_sex),
        ("birthdate", birth, "X"),
        ("name", name, "X"),
    ] {
        if old != new {
            e.change(format!("patient {what}: X"));
        }
    }
    let extra = sub.len().saturating_sub(4);
    for s in sub.iter().skip(4) {
        identify(&mut e.ids, s);
    }
    if extra > 0 {
        e.change(format!("patient: {extra} additional subfield(s) dropped"));
    }
    let age = match (plan.keep.has(Field::Age), birthdate, start) {
        (true, Some(b), Some(s)) => age(b, s).map(|a| format!(" Age:{a}")),
        _ => None,
    };
    if age.is_some() {
        e.changes
            .push("patient: age at recording written (Age:)".into());
    }
    e.patient = format!("X {new_sex} X X{}", age.unwrap_or_default());
}

fn recording(h: &Header, plan: &Plan, new_start: Option<NaiveDate>, e: &mut Edit) {
    let sub: Vec<&str> = h.recording.split(' ').filter(|s| !s.is_empty()).collect();
    let structured = sub.first() == Some(&"Startdate");
    let new_date = new_start.map_or("X".to_string(), format_edf_date);
    if !structured {
        e.ids.add_name(&h.recording);
        e.change("recording field: not EDF+ subfields, rewritten as Startdate and X");
        e.recording = format!("Startdate {new_date} X X X");
        return;
    }
    let get = |k: usize| sub.get(k).copied().unwrap_or("X");
    if get(1) != new_date {
        e.change("recording Startdate: shifted or unknown");
    }
    let mut kept = Vec::new();
    for (k, what, field) in [
        (2, "admin code", Field::Admin),
        (3, "technician", Field::Technician),
        (4, "equipment", Field::Equipment),
    ] {
        let old = get(k);
        if plan.keep.has(field) {
            kept.push(old);
            continue;
        }
        identify(&mut e.ids, old);
        if old != "X" {
            e.change(format!("recording {what}: X"));
        }
        kept.push("X");
    }
    let extra = sub.len().saturating_sub(5);
    for s in sub.iter().skip(5) {
        identify(&mut e.ids, s);
    }
    if extra > 0 {
        e.change(format!("recording: {extra} additional subfield(s) dropped"));
    }
    e.recording = format!("Startdate {new_date} {}", kept.join(" "));
}

/// A subfield's words as identifiers: the whole subfield (`MCH_0234567`), its parts, and the
/// value of each `KEY=VALUE` (a device serial such as ResMed's `SRN=12345`).
fn identify(ids: &mut Identifiers, subfield: &str) {
    if subfield.chars().count() >= 2 && !ids.names.iter().any(|n| n == subfield) {
        ids.names.push(subfield.to_string());
    }
    ids.add_name(subfield);
    for word in subfield.split(['_', ' ', ',', '^']) {
        if let Some((_, value)) = word.split_once('=') {
            ids.add_name(value);
        }
    }
    // The number of a code (`0234567` of `MCH-0234567`) identifies alone too.
    for run in subfield.split(|c: char| !c.is_alphanumeric()) {
        if run.chars().filter(char::is_ascii_digit).count() >= 4 {
            ids.add_name(run);
        }
    }
}

/// The start date as sigmark reads it: day and month from the header, the year from the EDF+
/// `Startdate` subfield when there is one; `None` when unknown (`Startdate X` with the
/// convention `01.01.85`) or not a calendar date.
pub fn start_date(h: &Header) -> Option<NaiveDate> {
    let num = |a: usize| h.startdate.get(a..a + 2)?.parse::<u32>().ok();
    let (d, m) = (num(0)?, num(3)?);
    // `yy` (EDF+ after 2084): no year here; it must come from `Startdate` below.
    let mut year = num(6).map(|yy| yy as i32 + if yy >= 85 { 1900 } else { 2000 });
    if h.flavour != Flavour::Plain {
        let sub = h
            .recording
            .split(' ')
            .nth(1)
            .filter(|_| h.recording.starts_with("Startdate "));
        match sub.and_then(edf_date) {
            Some(date) => year = Some(date.year()),
            None if h.startdate == UNKNOWN_DATE => return None,
            None => {}
        }
    }
    NaiveDate::from_ymd_opt(year?, m, d)
}

/// `dd.mm.yy` for the header; years outside 1985-2084 as EDF+ says (`yy`), which plain EDF
/// cannot express.
fn header_date(d: Option<NaiveDate>, plain: bool) -> Result<String, String> {
    let Some(d) = d else {
        return Ok(UNKNOWN_DATE.to_string());
    };
    if (1985..=2084).contains(&d.year()) {
        return Ok(d.format("%d.%m.%y").to_string());
    }
    if plain {
        return Err(format!(
            "the shifted start year {} is outside 1985-2084, which a plain EDF/BDF header date cannot hold",
            d.year()
        ));
    }
    Ok(format!("{:02}.{:02}.yy", d.day(), d.month()))
}

/// `dd-MMM-yyyy` (EDF+ section 2.1.3.3), month read without regard to case.
pub fn edf_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 11 || b[2] != b'-' || b[6] != b'-' {
        return None;
    }
    let mon = s.get(3..6)?.to_ascii_uppercase();
    let m = MONTHS.iter().position(|x| *x == mon)? as u32 + 1;
    NaiveDate::from_ymd_opt(s.get(7..11)?.parse().ok()?, m, s.get(0..2)?.parse().ok()?)
}

pub fn format_edf_date(d: NaiveDate) -> String {
    format!(
        "{:02}-{}-{:04}",
        d.day(),
        MONTHS[d.month0() as usize],
        d.year()
    )
}

/// Whole years from `birth` to `at`; 90 and over as `90+`.
fn age(birth: NaiveDate, at: NaiveDate) -> Option<String> {
    let before = (at.month(), at.day()) < (birth.month(), birth.day());
    let years = at.year() - birth.year() - i32::from(before);
    let years = u32::try_from(years).ok()?;
    Some(if years >= AGE_GROUPED_FROM {
        format!("{AGE_GROUPED_FROM}+")
    } else {
        years.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deid::{Keep, Shift};

    fn header(patient: &str, recording: &str, startdate: &str) -> Header {
        let bytes = crate::deid::edf::tests::edf_plus_header(patient, recording, startdate);
        crate::formats::edf::read_header(std::path::Path::new("t.edf"), &bytes).unwrap()
    }

    fn plan(days: Option<i64>, keep: &str) -> Plan {
        Plan {
            shift: days.map(Shift::days),
            keep: Keep::parse(keep).unwrap(),
            dry_run: false,
        }
    }

    #[test]
    fn patient_and_recording_subfields_become_x_and_dates_agree() {
        let h = header(
            "MCH-0234567 F 12-MAR-1961 Jane_Doe extra",
            "Startdate 05-APR-2023 PSG-123 Dr_Who SRN=12345 more",
            "05.04.23",
        );
        let e = rewrite(&h, &plan(Some(10), "")).unwrap();
        println!("{e:#?}");
        assert_eq!(e.patient, "X X X X");
        assert_eq!(e.recording, "Startdate 15-APR-2023 X X X");
        assert_eq!(e.startdate, "15.04.23");
        for id in [
            "MCH-0234567",
            "Jane",
            "Doe",
            "PSG-123",
            "Who",
            "SRN=12345",
            "12345",
            "extra",
            "more",
        ] {
            assert!(e.ids.names.iter().any(|n| n == id), "{id} missing");
        }
        assert_eq!(
            e.ids.dates,
            NaiveDate::from_ymd_opt(1961, 3, 12)
                .into_iter()
                .collect::<Vec<_>>()
        );
        assert!(e
            .changes
            .iter()
            .all(|c| !c.contains("Jane") && !c.contains("2023")));
    }

    #[test]
    fn kept_fields_and_the_age_instead_of_the_birthdate() {
        let h = header(
            "X M 06-APR-1930 Jo",
            "Startdate 05-APR-2023 A1 T2 E3",
            "05.04.23",
        );
        let e = rewrite(&h, &plan(Some(-3), "sex,age,admin,equipment")).unwrap();
        assert_eq!(e.patient, "X M X X Age:90+");
        assert_eq!(e.recording, "Startdate 02-APR-2023 A1 X E3");
        let h = header(
            "X F 05-APR-1980 Jo",
            "Startdate 05-APR-2023 X X X",
            "05.04.23",
        );
        assert_eq!(
            rewrite(&h, &plan(None, "age")).unwrap().patient,
            "X X X X Age:43"
        );
    }

    #[test]
    fn no_shift_gives_the_unknown_date_and_far_years_give_yy() {
        let h = header("X X X X", "Startdate 05-APR-2023 X X X", "05.04.23");
        let e = rewrite(&h, &plan(None, "")).unwrap();
        assert_eq!(
            (e.startdate.as_str(), e.recording.as_str()),
            ("01.01.85", "Startdate X X X X")
        );
        let e = rewrite(&h, &plan(Some(-365 * 40), "")).unwrap();
        println!("{e:?}");
        assert!(
            e.startdate.ends_with(".yy") && e.recording.contains("-1983 "),
            "{e:?}"
        );
    }
}
