//! De-identifying HDF5 recordings (NWB, SNIRF, EEGLAB `.set`) by patching the copy in place:
//! the file is stream-copied and the bytes of each identifying string value are overwritten
//! with a value of the same or smaller length (padded), so every other byte, all signal data
//! included, is bit-identical and the copy runs at the speed of `cp`.
//!
//! Rewritten (string datasets stored contiguously or compact, fixed- or variable-length):
//! - NWB: `/general/subject/*` (subject_id, description, genotype, strain, date_of_birth
//!   cleared to `X`; sex kept with `--keep sex`; age kept with `--keep age`, 90 and over as
//!   `90+`), `/general/{institution,lab,experimenter,session_id,data_collection,surgery,
//!   pharmacology,virus,slices}` cleared, `/general/{notes,experiment_description}` and
//!   `/session_description` scrubbed, `/session_start_time`, `/timestamps_reference_time`,
//!   `/file_create_date` shifted (the date part; the EDF+ unknown date 1985-01-01 when no
//!   shift is wanted).
//! - SNIRF `/nirs*/metaDataTags`: SubjectID, DateOfBirth cleared, sex and age by the Keep
//!   rules, MeasurementDate shifted, MeasurementTime kept, every other string tag scrubbed.
//! - EEGLAB `.set` (MATLAB v7.3): `EEG.subject`, `setname`, `filename`, `filepath` cleared,
//!   a text `EEG.session` cleared, comments, history, `EEG.etc` texts and event texts
//!   scrubbed (see `hdf5_eeglab`); MATLAB char arrays keep their number of code units.
//! - String attributes of every group and dataset (see `hdf5_attrs`): subject/patient ids,
//!   experimenter and birthdates cleared, institution/lab cleared, NWB dates shifted, every
//!   other text scrubbed; structural ones (MATLAB_class, namespace, neurodata_type,
//!   object_id) left alone.
//!
//! Values in object headers (compact data, attributes) are found by walking the header's
//! messages (`hdf5_ohdr`); the Jenkins lookup3 checksum of each version 2 header chunk that
//! changes is recomputed. Every value identifying the person (`Rule::Id`) is read first,
//! so its words are scrubbed from every text of the file.
//!
//! A field that must change but is stored otherwise (chunked, a dense-storage attribute, a
//! shared datatype, a MATLAB char matrix of several rows) is an error naming it: nothing is
//! written rather than a copy with identifiers left in it.

#[path = "hdf5_attrs.rs"]
mod attrs;
#[path = "hdf5_eeglab.rs"]
mod eeglab;
#[path = "hdf5_ohdr.rs"]
mod ohdr;
#[path = "hdf5_slots.rs"]
mod slots;

use std::path::Path;

use chrono::NaiveDate;
use hdf5_reader::{Dataset, Datatype, Hdf5File};

use super::wfdb::out::{self, Patch};
use super::{DeidError, Field, FileReport, Identifiers, Outcome, Plan};
use crate::deid::scrub::Scrubber;

/// What happens to one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    /// Identifies the person: cleared, and its words scrubbed from every other text.
    Id,
    /// Cleared (`X`).
    Clear,
    /// Kept when the field is kept, else cleared.
    Keep(Field),
    /// A date (ISO 8601 at the start): shifted.
    Date,
    /// Free text: scrubbed.
    Text,
}

const NWB_GENERAL: [(&str, Rule); 11] = [
    ("institution", Rule::Clear),
    ("lab", Rule::Clear),
    ("experimenter", Rule::Id),
    ("session_id", Rule::Clear),
    ("data_collection", Rule::Clear),
    ("surgery", Rule::Clear),
    ("pharmacology", Rule::Clear),
    ("virus", Rule::Clear),
    ("slices", Rule::Clear),
    ("notes", Rule::Text),
    ("experiment_description", Rule::Text),
];

const NWB_SUBJECT: [(&str, Rule); 7] = [
    ("subject_id", Rule::Id),
    ("description", Rule::Clear),
    ("genotype", Rule::Clear),
    ("strain", Rule::Clear),
    ("date_of_birth", Rule::Id),
    ("sex", Rule::Keep(Field::Sex)),
    ("age", Rule::Keep(Field::Age)),
];

const NWB_ROOT: [(&str, Rule); 4] = [
    ("/session_start_time", Rule::Date),
    ("/timestamps_reference_time", Rule::Date),
    ("/file_create_date", Rule::Date),
    ("/session_description", Rule::Text),
];

fn snirf_rule(tag: &str) -> Rule {
    match tag.to_ascii_lowercase().as_str() {
        "subjectid" | "dateofbirth" => Rule::Id,
        "sex" => Rule::Keep(Field::Sex),
        "age" => Rule::Keep(Field::Age),
        "measurementdate" => Rule::Date,
        _ => Rule::Text,
    }
}

/// One value to rewrite: its name in the report, its rule, its elements and where it is.
struct Item {
    name: String,
    rule: Rule,
    old: Vec<String>,
    place: Place,
}

enum Place {
    /// A string dataset.
    Dataset(Box<Dataset>),
    /// String attribute `attr` (of `count` elements) of the object at `addr`.
    Attr {
        addr: u64,
        attr: String,
        count: usize,
        dtype: Datatype,
    },
    /// A MATLAB char array of `units` code units (`matrix`: of several rows).
    Chars {
        addr: u64,
        units: usize,
        matrix: bool,
    },
}

/// De-identifies the HDF5 recording `src` into `out`.
pub fn deid_hdf5(src: &Path, out: &Path, plan: &Plan) -> Result<Outcome, DeidError> {
    if !plan.dry_run {
        out::refuse_overwrite(src, out)?;
    }
    let file = Hdf5File::open(src)
        .map_err(|e| DeidError::invalid(src, format!("opening as HDF5: {e}")))?;
    let items = items(src, &file)?;
    let mut ids = Identifiers::default();
    for item in items.iter().filter(|i| i.rule == Rule::Id) {
        for s in &item.old {
            add_id(&mut ids, s);
        }
    }
    let scrubber = Scrubber::new(ids.clone(), plan.shift);
    let mut report = FileReport {
        source: src.to_path_buf(),
        output: out.to_path_buf(),
        ..FileReport::default()
    };
    let mut patches = Vec::new();
    let mut checked = Vec::new();
    for item in &items {
        let new: Vec<String> = item
            .old
            .iter()
            .map(|s| rewrite(item.rule, s, plan, &scrubber, &mut report))
            .collect();
        if new == item.old {
            continue;
        }
        report.fields_cleared += 1;
        report
            .changes
            .push(format!("{}: {}", item.name, describe(item.rule)));
        let (slots, chunks) = locate(src, &file, item)?;
        if slots.len() != new.len() {
            return Err(DeidError::invalid(
                src,
                format!(
                    "{}: {} stored values found for {} read",
                    item.name,
                    slots.len(),
                    new.len()
                ),
            ));
        }
        checked.extend(chunks);
        for (slot, value) in slots.iter().zip(&new) {
            patches.extend(slot.patches(value));
        }
    }
    let patches = finish(src, patches, &checked)?;
    let sha256 = if plan.dry_run {
        None
    } else {
        Some(out::copy_patched(src, out, &patches)?)
    };
    Ok(Outcome {
        report,
        ids,
        sha256,
    })
}

/// Every value of the file that may need rewriting: NWB/SNIRF datasets, EEGLAB fields,
/// string attributes; identifiers first, so the scrubber knows them all before any text.
fn items(src: &Path, file: &Hdf5File) -> Result<Vec<Item>, DeidError> {
    let mut out = Vec::new();
    for (path, rule) in fields(file) {
        let Ok(ds) = file.dataset(&path) else {
            continue;
        };
        let Ok(old) = ds.read_strings() else { continue };
        out.push(Item {
            name: path,
            rule,
            old,
            place: Place::Dataset(Box::new(ds)),
        });
    }
    out.extend(eeglab::items(src, file)?);
    out.extend(attrs::items(src, file)?);
    out.sort_by_key(|i| i.rule != Rule::Id);
    Ok(out)
}

fn locate(
    src: &Path,
    file: &Hdf5File,
    item: &Item,
) -> Result<(Vec<slots::Slot>, Vec<ohdr::Checked>), DeidError> {
    match &item.place {
        Place::Dataset(ds) => slots::slots(src, file, ds, &item.name),
        Place::Attr {
            addr,
            attr,
            count,
            dtype,
        } => attrs::locate(src, file, *addr, attr, *count, dtype, &item.name),
        Place::Chars {
            addr,
            units,
            matrix,
        } => eeglab::locate(src, file, *addr, *units, *matrix, &item.name),
    }
}

/// The patches sorted, a second patch of the same bytes dropped (a value reached twice, the
/// first rule wins), and the checksums of the header chunks they touch restored.
fn finish(
    src: &Path,
    mut patches: Vec<Patch>,
    checked: &[ohdr::Checked],
) -> Result<Vec<Patch>, DeidError> {
    patches.sort_by_key(|p: &Patch| p.offset);
    let mut kept: Vec<Patch> = Vec::with_capacity(patches.len());
    for p in patches {
        match kept.last() {
            Some(q) if p.offset < q.offset + q.bytes.len() as u64 => {}
            _ => kept.push(p),
        }
    }
    let sums = ohdr::checksums(src, checked, &kept)?;
    kept.extend(sums);
    kept.sort_by_key(|p: &Patch| p.offset);
    Ok(kept)
}

/// The fields of the file's format that exist in it, with their rules.
fn fields(file: &Hdf5File) -> Vec<(String, Rule)> {
    let mut out: Vec<(String, Rule)> = NWB_ROOT.iter().map(|(p, r)| (p.to_string(), *r)).collect();
    out.extend(
        NWB_GENERAL
            .iter()
            .map(|(n, r)| (format!("/general/{n}"), *r)),
    );
    out.extend(
        NWB_SUBJECT
            .iter()
            .map(|(n, r)| (format!("/general/subject/{n}"), *r)),
    );
    let Ok(root) = file.root_group() else {
        return out;
    };
    let Ok((groups, _)) = root.member_names() else {
        return out;
    };
    for g in groups.iter().filter(|g| g.starts_with("nirs")) {
        let tags = format!("/{g}/metaDataTags");
        let Ok(group) = file.group(&tags) else {
            continue;
        };
        let Ok((_, sets)) = group.member_names() else {
            continue;
        };
        out.extend(sets.iter().map(|t| (format!("{tags}/{t}"), snirf_rule(t))));
    }
    out
}

fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::Id | Rule::Clear | Rule::Keep(_) => "cleared",
        Rule::Date => "date shifted",
        Rule::Text => "text scrubbed",
    }
}

/// The new value of one element.
fn rewrite(
    rule: Rule,
    old: &str,
    plan: &Plan,
    scrubber: &Scrubber,
    report: &mut FileReport,
) -> String {
    let blank = old.trim_matches(['\0', ' ']).is_empty();
    match rule {
        _ if blank => old.to_string(),
        Rule::Id | Rule::Clear => "X".into(),
        Rule::Keep(Field::Age) if plan.keep.has(Field::Age) => group_age(old),
        Rule::Keep(f) if plan.keep.has(f) => old.to_string(),
        Rule::Keep(_) => "X".into(),
        Rule::Date => shift_date(old, plan),
        Rule::Text => {
            let s = scrubber.scrub(old);
            report.texts_replaced += s.replaced;
            s.text
        }
    }
}

/// The words of an identifying value (a file path gives the words of its components, say
/// `C:\Data\Doe_Jane.set` gives `Data`, `Doe`, `Jane`), and its date.
fn add_id(ids: &mut Identifiers, value: &str) {
    let value = value.trim_matches(['\0', ' ']);
    if let Some(d) = leading_date(value) {
        ids.dates.push(d);
    }
    if !value.contains(['\\', '/']) {
        ids.add_name(value);
        return;
    }
    for part in value.split(['\\', '/']).filter(|p| !p.ends_with(':')) {
        let stem = part.rsplit_once('.').map_or(part, |(s, _)| s);
        ids.add_name(stem);
    }
}

/// An age of 90 years or more (`P92Y`, `92`) becomes `90+`.
fn group_age(old: &str) -> String {
    let digits: String = old.chars().filter(char::is_ascii_digit).take(4).collect();
    match digits.parse::<u32>() {
        Ok(y) if y >= 90 && !old.contains(['M', 'D', 'W']) || digits.len() > 3 => "90+".into(),
        _ => old.to_string(),
    }
}

/// `YYYY-MM-DD` at the start of `s`.
fn leading_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// The date part moved by the shift (same length); 1985-01-01 when there is no shift; `X`
/// when the value does not start with a date.
fn shift_date(old: &str, plan: &Plan) -> String {
    let Some(d) = leading_date(old) else {
        return "X".into();
    };
    let new = match plan.shift {
        Some(s) => s.date(d),
        None => NaiveDate::from_ymd_opt(1985, 1, 1),
    };
    match new {
        Some(n) => format!("{}{}", n.format("%Y-%m-%d"), &old[10..]),
        None => "X".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deid::Shift;

    #[test]
    fn dates_move_by_the_shift_and_keep_their_length() {
        let plan = Plan {
            shift: Some(Shift::days(40)),
            ..Plan::default()
        };
        let old = "2024-01-02T03:04:05+00:00";
        let new = shift_date(old, &plan);
        println!("{old} -> {new}");
        assert_eq!(new, "2024-02-11T03:04:05+00:00");
        let none = shift_date(old, &Plan::default());
        assert_eq!(none, "1985-01-01T03:04:05+00:00");
        assert_eq!(group_age("P93Y"), "90+");
        assert_eq!(group_age("P45Y"), "P45Y");
    }
}
