//! `sigmark repair`: a conformant copy of an EDF/BDF file where the repair is well defined.
//!
//! The rules (each change is stated with its field, byte offset, old and new value):
//! - Text fields: bytes outside printable ASCII are replaced (see `repair_text::ascii_field`).
//! - Numeric fields: left-justified, padded with spaces (leading spaces and NULs removed).
//! - Startdate/starttime: digits written with other separators (`24/04/89`, `16:13:00`) are
//!   rewritten as `dd.mm.yy` / `hh.mm.ss`. In EDF+, a blank recording field becomes
//!   `Startdate dd-MMM-yyyy X X X` from the startdate field, a blank patient field `X X X X`,
//!   and a `Startdate` subfield with a lower-case month is upper-cased. A subfield that gives
//!   another date than the startdate field is refused: which of the two is right is unknown.
//! - Reserved field: blank in a plain EDF/BDF (`24BIT` kept in BDF); `EDF+C`/`EDF+D` without an
//!   annotation signal becomes blank (the file is plain EDF); a BDF that says `EDF+C`/`EDF+D`
//!   and has `BDF Annotations` signals says `BDF+C`/`BDF+D`; text after the tag is removed.
//! - Number of data records: -1 (still recording) becomes the number of complete records in
//!   the file, and a partly written last record is dropped; a count equal to the complete
//!   records followed by a partial one drops the partial one; a file that ends exactly after
//!   fewer complete records than declared gets that count. Refused: fewer records than
//!   declared plus a partial one (the file was cut inside a record and the count does not say
//!   how much is missing), and more complete records than declared (appended data, or a count
//!   never updated: the two cannot be told apart).
//! - `EDF+D`/`BDF+D` whose records all follow each other without a gap (each time-keeping TAL
//!   one record duration after the previous, duration > 0; needs the data) says `EDF+C`/`BDF+C`.
//! - Anything the check calls an error that no rule above repairs refuses the repair.

use super::layout::{self as l, Fixed};
use super::repair_text::{ascii_field, left_justified, pad};
use super::spec::{check_header, parts, Parsed};
use super::spec_plus::{plus_date, MONTHS};
use super::{Finding, Severity};

/// One change the repair makes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Change {
    pub offset: u64,
    pub field: String,
    pub old: String,
    pub new: String,
    pub why: String,
}

/// What to write: the new header, then `data_len` bytes of IN from the end of its header.
#[derive(Debug, Clone)]
pub struct Plan {
    pub header: Vec<u8>,
    pub data_len: u64,
    pub changes: Vec<Change>,
    /// Warnings the repair leaves (no well-defined repair), from a check of the result.
    pub remaining: Vec<Finding>,
}

/// Why a file is not repaired.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RepairError {
    #[error("byte {offset}, {field}: {reason}")]
    NotWellDefined {
        offset: u64,
        field: String,
        reason: String,
    },
}

fn refuse(offset: usize, field: &str, reason: String) -> RepairError {
    RepairError::NotWellDefined {
        offset: offset as u64,
        field: field.into(),
        reason,
    }
}

struct Editor {
    h: Vec<u8>,
    changes: Vec<Change>,
}

impl Editor {
    fn set(&mut self, at: usize, new: Vec<u8>, field: &str, why: &str) {
        let old = self.h[at..at + new.len()].to_vec();
        if old == new {
            return;
        }
        self.h[at..at + new.len()].copy_from_slice(&new);
        self.changes.push(Change {
            offset: at as u64,
            field: field.to_string(),
            old: l::latin1(&old),
            new: l::latin1(&new),
            why: why.to_string(),
        });
    }
}

/// Plans the repair of a file whose first bytes are `head` (at least its whole header) and
/// whose size is `file_len`. With `data` (the whole file), the annotation signals' TALs are
/// checked too, and a TAL error (which no rule repairs) refuses the repair.
pub fn plan(head: &[u8], file_len: u64, data: Option<&[u8]>) -> Result<Plan, RepairError> {
    let mut first = Vec::new();
    let p = check_header(head, file_len, &mut first).ok_or_else(|| {
        let f = first.iter().find(|f| f.severity == Severity::Error);
        f.map_or_else(
            || refuse(0, "header", "not an EDF/BDF header".into()),
            |f| refuse(f.offset as usize, &f.field, f.message.clone()),
        )
    })?;
    let mut e = Editor {
        h: head[..p.header_len as usize].to_vec(),
        changes: Vec::new(),
    };
    fields(&mut e, &p);
    dates(&mut e, &p)?;
    reserved(&mut e, &p);
    let data_len = records(&mut e, &p, file_len)?;
    if let Some(all) = data {
        contiguous(&mut e, &p, all, data_len);
    }
    let mut after = Vec::new();
    let kept = p.header_len + data_len;
    let parsed = check_header(&e.h, kept, &mut after);
    if let (Some(all), Some(q)) = (data, parsed) {
        let end = usize::try_from(kept).unwrap_or(usize::MAX).min(all.len());
        super::talcheck::check(&q, &all[..end], &mut after);
    }
    if let Some(f) = after.iter().find(|f| f.severity == Severity::Error) {
        return Err(refuse(
            f.offset as usize,
            &f.field,
            format!("{} (no well-defined repair)", f.message),
        ));
    }
    Ok(Plan {
        header: e.h,
        data_len,
        changes: e.changes,
        remaining: after,
    })
}

fn fields(e: &mut Editor, p: &Parsed) {
    let ascii = "bytes outside printable ASCII replaced (EDF+ 2.1.3)";
    let left = "left-justified, padded with spaces (EDF+ 2.1.3)";
    for f in [l::PATIENT, l::RECORDING, l::RESERVED] {
        if let Some(new) = ascii_field(l::fixed(&e.h, f)) {
            e.set(f.1, new, f.0, ascii);
        }
    }
    for f in [l::HEADER_BYTES, l::RECORDS, l::DURATION, l::SIGNALS] {
        if let Some(new) = left_justified(l::fixed(&e.h, f)) {
            e.set(f.1, new, f.0, left);
        }
    }
    for i in 0..p.ns {
        for f in [
            l::LABEL,
            l::TRANSDUCER,
            l::DIMENSION,
            l::PREFILTER,
            l::SIG_RESERVED,
        ] {
            if let Some(new) = ascii_field(l::signal_field(&e.h, p.ns, f, i)) {
                e.set(
                    l::signal_offset(p.ns, f, i),
                    new,
                    &l::signal_field_name(f, i),
                    ascii,
                );
            }
        }
        for f in [l::PHYS_MIN, l::PHYS_MAX, l::DIG_MIN, l::DIG_MAX, l::SAMPLES] {
            if let Some(new) = left_justified(l::signal_field(&e.h, p.ns, f, i)) {
                e.set(
                    l::signal_offset(p.ns, f, i),
                    new,
                    &l::signal_field_name(f, i),
                    left,
                );
            }
        }
    }
}

/// `24/04/89`, `4.4.89`, `16:13:00`: three groups of one or two digits, rewritten with dots.
fn normalised(b: &[u8]) -> Option<Vec<u8>> {
    let text = l::latin1(b);
    let groups: Vec<&str> = text
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    if groups.len() != 3 || groups.iter().any(|g| g.len() > 2) {
        return None;
    }
    let s = format!("{:0>2}.{:0>2}.{:0>2}", groups[0], groups[1], groups[2]);
    Some(s.into_bytes())
}

fn dates(e: &mut Editor, p: &Parsed) -> Result<(), RepairError> {
    for f in [l::STARTDATE, l::STARTTIME] {
        if parts(l::fixed(&e.h, f)).is_none() {
            let new = normalised(l::fixed(&e.h, f)).ok_or_else(|| {
                refuse(
                    f.1,
                    f.0,
                    format!(
                        "{:?} holds no date or time to rewrite",
                        l::latin1(l::fixed(&e.h, f))
                    ),
                )
            })?;
            e.set(
                f.1,
                new,
                f.0,
                "written as dd.mm.yy / hh.mm.ss (EDF 1992 header)",
            );
        }
    }
    if p.plus && !p.annotation.is_empty() {
        plus_fields(e)?;
    }
    Ok(())
}

fn plus_fields(e: &mut Editor) -> Result<(), RepairError> {
    if l::fixed(&e.h, l::PATIENT).iter().all(|&c| c == b' ') {
        e.set(
            l::PATIENT.1,
            pad("X X X X", 80),
            l::PATIENT.0,
            "blank EDF+ patient field: every subfield unknown (X) (EDF+ 2.1.3)",
        );
    }
    let Some([d, m, yy]) = parts(l::fixed(&e.h, l::STARTDATE)) else {
        return Ok(());
    };
    let year = if yy >= 85 { 1900 + yy } else { 2000 + yy };
    let month = MONTHS.get(m as usize - 1).copied().unwrap_or("JAN");
    let rec = l::latin1(l::fixed(&e.h, l::RECORDING));
    if rec.trim().is_empty() {
        let new = pad(&format!("Startdate {d:02}-{month}-{year} X X X"), 80);
        e.set(l::RECORDING.1, new, l::RECORDING.0, "blank EDF+ recording field: Startdate from the startdate field, other subfields unknown (X) (EDF+ 2.1.3)");
        return Ok(());
    }
    let Some(sub) = rec.strip_prefix("Startdate ").and_then(|r| r.get(..11)) else {
        return Ok(());
    };
    if sub.starts_with("X ") || sub == "X" {
        return Ok(());
    }
    let upper = sub.to_ascii_uppercase();
    let Some((sd, sm, sy)) = plus_date(&upper) else {
        return Ok(());
    };
    if (sd, sm, sy.rem_euclid(100) as u32) != (d, m, yy) {
        return Err(refuse(l::RECORDING.1 + 10, l::RECORDING.0, format!("Startdate {sub} and the startdate field {d:02}.{m:02}.{yy:02} disagree; which is right is unknown")));
    }
    if upper != sub {
        e.set(
            l::RECORDING.1 + 10,
            upper.into_bytes(),
            l::RECORDING.0,
            "Startdate month in upper case (EDF+ 2.1.3)",
        );
    }
    Ok(())
}

fn reserved(e: &mut Editor, p: &Parsed) {
    let f: Fixed = l::RESERVED;
    let text = l::latin1(l::fixed(&e.h, f));
    let t = text.trim_end();
    let labelled = |tag: &str| {
        (0..p.ns).any(|i| l::latin1(l::signal_field(&e.h, p.ns, l::LABEL, i)).trim_end() == tag)
    };
    let new = if p.plus && p.annotation.is_empty() {
        Some((
            "",
            "EDF+/BDF+ without an annotation signal is plain EDF/BDF (EDF+ 2.2.1)",
        ))
    } else if p.plus {
        (t.len() > 5).then(|| (&t[..5], "only the EDF+ tag (EDF+ 2.1.1)"))
    } else if p.bdf
        && (t.starts_with("EDF+C") || t.starts_with("EDF+D"))
        && labelled("BDF Annotations")
    {
        Some((
            if t.starts_with("EDF+C") {
                "BDF+C"
            } else {
                "BDF+D"
            },
            "a BDF file with BDF Annotations is BDF+ (BDF+ uses 'BDF+C'/'BDF+D')",
        ))
    } else if t.is_empty() || (p.bdf && t == "24BIT") {
        None
    } else {
        Some(("", "blank in a plain EDF/BDF file (EDF 1992 header)"))
    };
    if let Some((value, why)) = new {
        e.set(f.1, pad(value, f.2), f.0, why);
    }
}

/// The number of data-record bytes the copy keeps, after fixing the count if needed.
fn records(e: &mut Editor, p: &Parsed, file_len: u64) -> Result<u64, RepairError> {
    let f = l::RECORDS;
    let (Some(declared), Some(rec)) = (p.records, p.record_size()) else {
        return Err(refuse(
            f.1,
            f.0,
            "the record count or the record size cannot be read".into(),
        ));
    };
    let data = file_len.saturating_sub(p.header_len);
    let Some(whole) = data.checked_div(rec) else {
        return Ok(0);
    };
    let partial = data % rec;
    let set_count = |e: &mut Editor, n: u64, why: &str| -> Result<(), RepairError> {
        let s = n.to_string();
        if s.len() > 8 {
            return Err(refuse(
                f.1,
                f.0,
                format!("{n} records do not fit the 8-byte field"),
            ));
        }
        e.set(f.1, pad(&s, 8), f.0, why);
        Ok(())
    };
    if declared == -1 && whole == 0 {
        let why = format!("-1 (file was being written) and not one complete {rec}-byte record in the file: a count of 0 is not a file");
        return Err(refuse(f.1, f.0, why));
    }
    if declared == -1 {
        set_count(
            e,
            whole,
            &format!(
                "-1 (file was being written): {whole} complete records in the file{}",
                dropped(partial)
            ),
        )?;
        return Ok(whole * rec);
    }
    let declared =
        u64::try_from(declared).map_err(|_| refuse(f.1, f.0, format!("{declared} records")))?;
    if whole > declared {
        return Err(refuse(f.1, f.0, format!("the file holds {whole} complete records, {} more than the {declared} declared: it looks open for writing (sigmark reads them all), but records appended by a writer and a count never updated cannot be told apart from bytes that do not belong", whole - declared)));
    }
    if whole < declared && partial > 0 {
        return Err(refuse(f.1, f.0, format!("the header declares {declared} records; the file holds {whole} complete ones and {partial} bytes of another: it was cut inside a record and the count does not say what is missing")));
    }
    if whole < declared {
        set_count(
            e,
            whole,
            &format!("the file ends after {whole} complete records of the {declared} declared"),
        )?;
    } else if partial > 0 {
        e.changes.push(Change {
            offset: p.header_len + whole * rec,
            field: "data records".into(),
            old: format!("{partial} bytes of a partial record"),
            new: "(removed)".into(),
            why: "a partly written last record is not a record (EDF 1992)".into(),
        });
    }
    Ok(whole * rec)
}

fn dropped(partial: u64) -> String {
    if partial > 0 {
        format!("; the {partial} bytes of a partly written record after them are dropped")
    } else {
        String::new()
    }
}

/// EDF+D whose record onsets are exactly contiguous is EDF+C (EDF+ 2.2.4): EDFlib refuses
/// every EDF+D, so this is the repair that makes such files (Nihon Kohden's) readable there.
fn contiguous(e: &mut Editor, p: &Parsed, all: &[u8], data_len: u64) {
    let (Some(rec), Some(spr), Some(&first)) =
        (p.record_size(), p.spr.as_ref(), p.annotation.first())
    else {
        return;
    };
    let Some(d) = p
        .duration_s
        .filter(|d| *d > 0.0)
        .map(|d| (d * 1e7).round() as i64)
    else {
        return;
    };
    if !p.discontinuous || rec == 0 {
        return;
    }
    let off = spr[..first].iter().sum::<u64>() * p.sample_bytes();
    let len = spr[first] * p.sample_bytes();
    let mut onsets = Vec::new();
    for r in 0..data_len / rec {
        let at = (p.header_len + r * rec + off) as usize;
        let Some(bytes) = all.get(at..at + len as usize) else {
            return;
        };
        let Some(t) = crate::formats::edf::tal::parse(bytes)
            .ok()
            .and_then(|t| t.first().map(|t| t.onset_100ns))
        else {
            return;
        };
        onsets.push(t);
    }
    if onsets.len() < 2 || onsets.windows(2).any(|w| w[1] - w[0] != d) {
        return;
    }
    let tag = if p.bdf { "BDF+C" } else { "EDF+C" };
    let why = format!(
        "EDF+D whose {} records follow each other without a gap is EDF+C (EDF+ 2.2.4)",
        onsets.len()
    );
    e.set(l::RESERVED.1, pad(tag, 5), l::RESERVED.0, &why);
}
