//! ISO 8601 date-times as HDF5 formats store them (NWB `session_start_time`, SNIRF
//! `MeasurementDate` + `MeasurementTime`): extended (`2018-03-01T12:00:00`) and basic
//! (`20180301T120000`, as MatNWB writes it) forms, `T` or a space between date and time,
//! fractional seconds of any length (`.` or `,`), and a zone (`Z`, `+01:00`, `+0100`, `-05`),
//! or a date alone.
//!
//! The zone is parsed and returned but not applied: a `StartTime` is the clock time at the
//! recording site, as EDF start times are, so the clock reads as the writer wrote it and the
//! offset is reported separately (a note says what UTC time it stands for).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, TimeDelta};

use crate::signal::StartTime;

/// Digits of a fraction kept: the start clock resolves to 100 ns (later digits are truncated).
const FRACTION_DIGITS: usize = 7;

/// A parsed date-time: the clock as written and the zone it was written in, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub start: StartTime,
    pub zone: Option<Zone>,
}

/// The zone designator of a date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// `Z`.
    Utc,
    /// `+hh:mm` / `-hh:mm` (any of the forms), in minutes east of UTC.
    Offset(i32),
}

impl Zone {
    fn minutes(self) -> i32 {
        match self {
            Zone::Utc => 0,
            Zone::Offset(m) => m,
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Zone::Utc => f.write_str("Z"),
            Zone::Offset(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                write!(f, "{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60)
            }
        }
    }
}

impl Parsed {
    /// The UTC clock time this stands for, when a zone was written.
    pub fn utc(&self) -> Option<NaiveDateTime> {
        let zone = self.zone?;
        self.start
            .datetime
            .checked_sub_signed(TimeDelta::try_minutes(i64::from(zone.minutes()))?)
    }
}

/// Why a string is not a date-time sigmark reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IsoError {
    #[error("at byte {at}: expected {expected}, found {found}")]
    Syntax {
        at: usize,
        expected: &'static str,
        found: String,
    },
    #[error("{what} {value} is out of range")]
    Range { what: &'static str, value: String },
}

struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, set: &[u8]) -> Option<u8> {
        let b = self.peek().filter(|b| set.contains(b))?;
        self.at += 1;
        Some(b)
    }

    fn fail(&self, expected: &'static str) -> IsoError {
        let rest = String::from_utf8_lossy(&self.s[self.at..]);
        let found = match rest.chars().next() {
            None => "the end of the text".to_string(),
            Some(_) => format!("{:?}", rest.chars().take(12).collect::<String>()),
        };
        IsoError::Syntax {
            at: self.at,
            expected,
            found,
        }
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize, expected: &'static str) -> Result<u32, IsoError> {
        let start = self.at;
        let mut v = 0;
        for _ in 0..n {
            match self.peek() {
                Some(b) if b.is_ascii_digit() => v = v * 10 + u32::from(b - b'0'),
                _ => {
                    self.at = start;
                    return Err(self.fail(expected));
                }
            }
            self.at += 1;
        }
        Ok(v)
    }

    fn next_is_digit(&self) -> bool {
        self.peek().is_some_and(|b| b.is_ascii_digit())
    }
}

/// Parses one date-time string (surrounding whitespace and NUL padding ignored).
pub fn parse(text: &str) -> Result<Parsed, IsoError> {
    let s = text.trim_matches(|c: char| c.is_whitespace() || c == '\0');
    let mut c = Cursor {
        s: s.as_bytes(),
        at: 0,
    };
    let day = date(&mut c)?;
    if c.peek().is_none() {
        return Ok(Parsed {
            start: StartTime::new(day.and_time(chrono::NaiveTime::MIN), 0),
            zone: None,
        });
    }
    if c.eat(b"Tt ").is_none() {
        return Err(c.fail("'T' or a space between date and time"));
    }
    let (h, mi, sec, frac) = time(&mut c)?;
    let zone = zone(&mut c)?;
    if c.peek().is_some() {
        return Err(c.fail("the end of the date-time"));
    }
    let dt = day
        .and_hms_opt(h, mi, sec)
        .ok_or_else(|| range("time", format!("{h:02}:{mi:02}:{sec:02}")))?;
    Ok(Parsed {
        start: StartTime::new(dt, frac),
        zone,
    })
}

/// SNIRF's date and time in two strings (the time optional).
pub fn parse_parts(date: &str, time: Option<&str>) -> Result<Parsed, IsoError> {
    match time.map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => parse(&format!("{}T{t}", date.trim())),
        None => parse(date),
    }
}

/// The start a reader stores for `text` (read from `what`): the clock as written. A zone and a
/// string that is not a date-time are said in `notes`, so a start is never silently absent.
pub fn start_or_note(
    what: &str,
    text: &str,
    parsed: Result<Parsed, IsoError>,
    notes: &mut Vec<String>,
) -> Option<StartTime> {
    match parsed {
        Ok(p) => {
            if let (Some(zone), Some(utc)) = (p.zone, p.utc()) {
                notes.push(format!(
                    "{what} {text:?} is in zone {zone} ({} UTC); the start is the clock time as written, not converted",
                    utc.format("%Y-%m-%dT%H:%M:%S")
                ));
            }
            Some(p.start)
        }
        Err(e) => {
            notes.push(format!(
                "{what} {text:?} is not an ISO 8601 date-time ({e}); the recording has no start time"
            ));
            None
        }
    }
}

fn range(what: &'static str, value: String) -> IsoError {
    IsoError::Range { what, value }
}

/// `YYYY-MM-DD` or `YYYYMMDD`.
fn date(c: &mut Cursor) -> Result<NaiveDate, IsoError> {
    let y = c.digits(4, "a four-digit year")?;
    let extended = c.eat(b"-").is_some();
    let mo = c.digits(2, "a two-digit month")?;
    if extended && c.eat(b"-").is_none() {
        return Err(c.fail("'-' before the day"));
    }
    let d = c.digits(2, "a two-digit day")?;
    // Four digits always fit an i32.
    NaiveDate::from_ymd_opt(y as i32, mo, d)
        .ok_or_else(|| range("date", format!("{y:04}-{mo:02}-{d:02}")))
}

/// `hh:mm[:ss[.f+]]` or `hhmm[ss[.f+]]`, as (hour, minute, second, fraction in 100 ns).
fn time(c: &mut Cursor) -> Result<(u32, u32, u32, u32), IsoError> {
    let h = c.digits(2, "a two-digit hour")?;
    let extended = c.eat(b":").is_some();
    let mi = c.digits(2, "two-digit minutes")?;
    let has_seconds = if extended {
        c.eat(b":").is_some()
    } else {
        c.next_is_digit()
    };
    if !has_seconds {
        return Ok((h, mi, 0, 0));
    }
    let sec = c.digits(2, "two-digit seconds")?;
    if sec == 60 {
        return Err(range("second", "60 (a leap second)".into()));
    }
    let mut frac = 0;
    if c.eat(b".,").is_some() {
        if !c.next_is_digit() {
            return Err(c.fail("digits of the fraction of a second"));
        }
        let mut n = 0;
        while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
            if n < FRACTION_DIGITS {
                frac = frac * 10 + u32::from(b - b'0');
                n += 1;
            }
            c.at += 1;
        }
        frac *= 10u32.pow((FRACTION_DIGITS - n) as u32);
    }
    Ok((h, mi, sec, frac))
}

/// `Z`, `+hh:mm`, `+hhmm`, `+hh` (or `-`), or nothing.
fn zone(c: &mut Cursor) -> Result<Option<Zone>, IsoError> {
    if c.eat(b"Zz").is_some() {
        return Ok(Some(Zone::Utc));
    }
    let Some(sign) = c.eat(b"+-") else {
        return Ok(None);
    };
    let h = c.digits(2, "a two-digit zone hour")?;
    let m = if c.eat(b":").is_some() || c.next_is_digit() {
        c.digits(2, "two-digit zone minutes")?
    } else {
        0
    };
    if h > 23 || m > 59 {
        return Err(range(
            "zone offset",
            format!("{}{h:02}:{m:02}", sign as char),
        ));
    }
    // At most 23 * 60 + 59 minutes: fits an i32.
    let minutes = (h * 60 + m) as i32;
    Ok(Some(Zone::Offset(if sign == b'-' {
        -minutes
    } else {
        minutes
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> (String, Option<String>) {
        let p = parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        (p.start.to_string(), p.zone.map(|z| z.to_string()))
    }

    #[test]
    fn every_form_writers_use() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("20180301T120000", "2018-03-01T12:00:00", None),
            ("2018-03-01T12:00:00", "2018-03-01T12:00:00", None),
            ("2018-03-01 12:00:00", "2018-03-01T12:00:00", None),
            ("2018-03-01t12:00", "2018-03-01T12:00:00", None),
            ("20180301T1200", "2018-03-01T12:00:00", None),
            ("2018-03-01", "2018-03-01T00:00:00", None),
            ("20180301", "2018-03-01T00:00:00", None),
            ("2018-03-01T12:00:00Z", "2018-03-01T12:00:00", Some("Z")),
            (
                "2018-03-01T12:00:00+01:00",
                "2018-03-01T12:00:00",
                Some("+01:00"),
            ),
            (
                "20180301T120000+0100",
                "2018-03-01T12:00:00",
                Some("+01:00"),
            ),
            (
                "2018-03-01T12:00:00-05",
                "2018-03-01T12:00:00",
                Some("-05:00"),
            ),
            (
                "2018-03-01T12:00:00-00:30",
                "2018-03-01T12:00:00",
                Some("-00:30"),
            ),
            ("2018-03-01T12:00:00.5", "2018-03-01T12:00:00.5", None),
            (
                "2018-03-01T12:00:00,25Z",
                "2018-03-01T12:00:00.25",
                Some("Z"),
            ),
            (
                "2018-03-01T12:00:00.123456789123-05:00",
                "2018-03-01T12:00:00.1234567",
                Some("-05:00"),
            ),
            ("20180301T120000.000001", "2018-03-01T12:00:00.000001", None),
            (" 2018-03-01T12:00:00\0\0", "2018-03-01T12:00:00", None),
        ];
        for &(text, clock, zone) in cases {
            let got = ok(text);
            println!("{text:?} -> {got:?}");
            assert_eq!(got, (clock.to_string(), zone.map(String::from)), "{text:?}");
        }
    }

    #[test]
    fn the_zone_is_noted_not_applied() {
        let p = parse("2018-03-01T23:30:00-05:00").unwrap();
        assert_eq!(p.start.to_string(), "2018-03-01T23:30:00");
        let utc = p.utc().map(|t| t.to_string());
        assert_eq!(utc.as_deref(), Some("2018-03-02 04:30:00"));
        assert_eq!(parse("2018-03-01T23:30:00").unwrap().utc(), None);
    }

    #[test]
    fn bad_strings_say_where_and_what() {
        let cases: &[(&str, &str)] = &[
            ("yesterday", "at byte 0: expected a four-digit year"),
            ("2022-13-40", "date 2022-13-40 is out of range"),
            ("2018-03-01X12:00", "at byte 10: expected 'T' or a space"),
            ("2018-03-01T25:00:00", "time 25:00:00 is out of range"),
            (
                "2018-03-01T12:00:60",
                "second 60 (a leap second) is out of range",
            ),
            (
                "2018-03-01T12:00:00.",
                "at byte 20: expected digits of the fraction",
            ),
            (
                "2018-03-01T12:00:00+1",
                "at byte 20: expected a two-digit zone hour",
            ),
            ("2018-03-01T12:00:00 UTC", "at byte 19: expected the end"),
            ("2018-0301", "at byte 7: expected '-' before the day"),
            (
                "",
                "at byte 0: expected a four-digit year, found the end of the text",
            ),
        ];
        for &(text, want) in cases {
            let e = parse(text).map(|p| p.start.to_string());
            println!("{text:?} -> {e:?}");
            let msg = e.err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                msg.starts_with(want),
                "{text:?}: {msg:?} should start {want:?}"
            );
        }
    }

    #[test]
    fn snirf_date_and_time_apart() {
        let p = parse_parts("2020-08-18", Some("14:26:39.25Z")).unwrap();
        assert_eq!(p.start.to_string(), "2020-08-18T14:26:39.25");
        assert_eq!(p.start.subsecond_100ns, 2_500_000);
        assert_eq!(p.zone, Some(Zone::Utc));
        let p = parse_parts("2022-05-23", None).unwrap();
        assert_eq!(p.start.to_string(), "2022-05-23T00:00:00");
    }
}
