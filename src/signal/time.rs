//! Clock time of the first sample.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

/// Clock time of the first sample: a whole-second date-time plus a sub-second part in units of
/// 100 ns (EDF+ TAL onsets resolve to 100 ns in EDFlib, so nothing is lost).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StartTime {
    pub datetime: NaiveDateTime,
    pub subsecond_100ns: u32,
}

impl StartTime {
    pub fn new(datetime: NaiveDateTime, subsecond_100ns: u32) -> Self {
        StartTime {
            datetime,
            subsecond_100ns: subsecond_100ns.min(9_999_999),
        }
    }

    pub fn from_fields(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<Self> {
        let date = NaiveDate::from_ymd_opt(y, mo, d)?;
        let dt = date.and_hms_opt(h, mi, s)?;
        Some(StartTime::new(dt, 0))
    }

    /// Seconds after midnight of the start day, with the sub-second part.
    pub fn seconds_of_day(&self) -> f64 {
        self.datetime.num_seconds_from_midnight() as f64 + self.subsecond_100ns as f64 * 1e-7
    }

    /// Clock time `offset_s` seconds after the first sample, formatted as ISO 8601.
    pub fn iso_after(&self, offset_s: f64) -> String {
        // `as` saturates for huge or infinite offsets (and maps NaN to 0); the add must not overflow.
        let total_100ns =
            (self.subsecond_100ns as i128).saturating_add((offset_s * 1e7).round() as i128);
        let secs = total_100ns.div_euclid(10_000_000);
        let frac = total_100ns.rem_euclid(10_000_000) as u32;
        let dt = i64::try_from(secs)
            .ok()
            .and_then(|s| {
                self.datetime
                    .checked_add_signed(chrono::TimeDelta::try_seconds(s)?)
            })
            .unwrap_or(self.datetime);
        format_iso(dt, frac)
    }

    pub fn year(&self) -> i32 {
        self.datetime.year()
    }
}

fn format_iso(dt: NaiveDateTime, frac_100ns: u32) -> String {
    let base = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
    if frac_100ns == 0 {
        return base;
    }
    let digits = format!("{frac_100ns:07}");
    format!("{base}.{}", digits.trim_end_matches('0'))
}

impl fmt::Display for StartTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_iso(self.datetime, self.subsecond_100ns))
    }
}

impl serde::Serialize for StartTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Why a typed time cannot be used (the `g` prompt, `--at`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TimeError {
    #[error(
        "no time given: give seconds (90.5), H:MM:SS from the start, or @HH:MM[:SS] clock time"
    )]
    Empty,
    #[error("{text:?}: a negative time is before the start of the recording")]
    BeforeStart { text: String },
    #[error("{text:?}: unexpected character {found:?} at position {position}; a time is seconds (90.5), H:MM:SS or MM:SS from the start, or @HH:MM[:SS] clock time")]
    BadChar {
        text: String,
        found: char,
        position: usize,
    },
    #[error("{text:?} is not {expected}")]
    Malformed {
        text: String,
        expected: &'static str,
    },
    #[error("{text:?}: the recording has no start clock time; give seconds from the start")]
    NoClock { text: String },
    #[error("{text:?} is {at}, past the end of the recording ({end})")]
    PastEnd {
        text: String,
        at: String,
        end: String,
    },
}

const OFFSET_FORMS: &str =
    "H:MM:SS or MM:SS from the start (minutes and seconds below 60; clock times are @HH:MM:SS)";
const CLOCK_FORMS: &str = "a clock time @HH:MM or @HH:MM:SS (00:00 to 23:59:59)";

/// Parses a jump target and checks it lies inside a recording of `duration_s` seconds:
/// `123.5` (seconds), `H:MM:SS[.s]` or `MM:SS[.s]` from the start, or `@HH:MM[:SS[.s]]` clock
/// time (the first such moment at or after the start, `start_of_day_s` seconds after midnight).
pub fn parse_time_within(
    text: &str,
    start_of_day_s: Option<f64>,
    duration_s: f64,
) -> Result<f64, TimeError> {
    let t = parse_time(text, start_of_day_s)?;
    if t > duration_s + 1e-9 {
        return Err(TimeError::PastEnd {
            text: text.trim().to_string(),
            at: format_offset(t, 0),
            end: format_offset(duration_s, 0),
        });
    }
    Ok(t)
}

/// Parses a jump target (see `parse_time_within`) without an upper bound.
pub fn parse_time(text: &str, start_of_day_s: Option<f64>) -> Result<f64, TimeError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(TimeError::Empty);
    }
    if t.starts_with('-') {
        return Err(TimeError::BeforeStart { text: t.into() });
    }
    let body = t.strip_prefix('@').unwrap_or(t);
    if let Some((position, found)) = body
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, ':' | '.')))
    {
        let position = position + 1 + usize::from(body.len() != t.len());
        return Err(TimeError::BadChar {
            text: t.into(),
            found,
            position,
        });
    }
    let malformed = |expected| TimeError::Malformed {
        text: t.into(),
        expected,
    };
    if body.len() != t.len() {
        let Some(start) = start_of_day_s else {
            return Err(TimeError::NoClock { text: t.into() });
        };
        let c = clock(body).ok_or_else(|| malformed(CLOCK_FORMS))?;
        return Ok((c - start).rem_euclid(86_400.0));
    }
    if t.contains(':') {
        return offset_hms(t).ok_or_else(|| malformed(OFFSET_FORMS));
    }
    number(t).ok_or_else(|| malformed("a number of seconds (90.5)"))
}

/// A plain decimal number: digits with at most one point (no exponent, no `inf`).
fn number(s: &str) -> Option<f64> {
    let ok = !s.is_empty() && s != "." && s.matches('.').count() <= 1;
    ok.then(|| s.parse::<f64>().ok()).flatten()
}

/// `H:MM:SS[.s]` or `MM:SS[.s]`: the last part is seconds.
fn offset_hms(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let (last, whole) = parts.split_last()?;
    let mut total = 0.0;
    for (k, p) in whole.iter().enumerate() {
        let v: u64 = p.parse().ok().filter(|_| !p.is_empty())?;
        if k > 0 && v >= 60 {
            return None;
        }
        total = total * 60.0 + v as f64;
    }
    let sec = number(last).filter(|v| *v < 60.0)?;
    Some(total * 60.0 + sec)
}

/// `HH:MM` or `HH:MM:SS[.s]` clock time, seconds after midnight.
fn clock(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split(':').collect();
    let int = |p: &str, max: u64| p.parse::<u64>().ok().filter(|v| *v < max && !p.is_empty());
    let (h, m) = (int(parts.first()?, 24)?, int(parts.get(1)?, 60)?);
    let sec = match parts.get(2..) {
        Some([]) => 0.0,
        Some([s]) => number(s).filter(|v| *v < 60.0)?,
        _ => return None,
    };
    Some((h * 3600 + m * 60) as f64 + sec)
}

/// Decimals a time is shown with in a window of `span_s` seconds: milliseconds up to 10 s,
/// tenths up to 2 min, whole seconds beyond.
pub fn decimals_for_span(span_s: f64) -> usize {
    if span_s <= 10.0 + 1e-9 {
        3
    } else if span_s <= 120.0 + 1e-9 {
        1
    } else {
        0
    }
}

/// A time rounded (never truncated) to `decimals` places, in units of 10^-decimals seconds.
fn rounded_units(s: f64, decimals: usize) -> (u64, u64) {
    let scale = 10u64.pow(decimals.min(6) as u32);
    let s = if s.is_finite() { s.max(0.0) } else { 0.0 };
    // `as` saturates: an absurd offset shows as a large time, never wraps.
    ((s * scale as f64).round() as u64, scale)
}

fn hms_text(units: u64, scale: u64, decimals: usize, pad_hours: bool) -> String {
    let whole = units / scale;
    let (h, m, sec) = (whole / 3600, whole / 60 % 60, whole % 60);
    let head = if pad_hours {
        format!("{h:02}:{m:02}:{sec:02}")
    } else {
        format!("{h}:{m:02}:{sec:02}")
    };
    if decimals == 0 {
        head
    } else {
        format!("{head}.{:0w$}", units % scale, w = decimals.min(6))
    }
}

/// `H:MM:SS[.fff]`: an offset from the start, rounded to `decimals` places. The one format of
/// offsets on screen (status bar, axis, event list, messages).
pub fn format_offset(s: f64, decimals: usize) -> String {
    let (units, scale) = rounded_units(s, decimals);
    hms_text(units, scale, decimals, false)
}

/// `HH:MM:SS[.fff]`: the clock time `offset_s` after `start`, rounded to `decimals` places.
pub fn format_clock(start: &StartTime, offset_s: f64, decimals: usize) -> String {
    let (units, scale) = rounded_units(start.seconds_of_day() + offset_s.max(0.0), decimals);
    hms_text(units % (86_400 * scale), scale, decimals, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_after_survives_absurd_offsets() {
        let t = StartTime::from_fields(2020, 1, 1, 0, 0, 0).unwrap();
        for off in [
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            -f64::MAX,
        ] {
            let _ = t.iso_after(off);
        }
    }

    #[test]
    fn iso_keeps_the_sub_second_part() {
        let t = StartTime::from_fields(2020, 1, 24, 4, 5, 56).unwrap();
        let t = StartTime::new(t.datetime, 3_945_312);
        assert_eq!(t.to_string(), "2020-01-24T04:05:56.3945312");
        assert_eq!(t.iso_after(1.0), "2020-01-24T04:05:57.3945312");
        assert_eq!(t.iso_after(0.6054688), "2020-01-24T04:05:57");
    }

    #[test]
    fn iso_crosses_midnight() {
        let t = StartTime::from_fields(2001, 1, 1, 23, 59, 30).unwrap();
        assert_eq!(t.iso_after(45.5), "2001-01-02T00:00:15.5");
    }

    #[test]
    fn clock_targets_are_hours_and_minutes() {
        // Start 09:30:00: @09:31 is one minute in, not 9 min 31 s after midnight.
        let start = Some(9.0 * 3600.0 + 30.0 * 60.0);
        for (text, want) in [("@09:31", 60.0), ("@09:31:30", 90.0), ("@09:30:01.5", 1.5)] {
            let got = parse_time(text, start);
            println!("{text} -> {got:?} (want {want})");
            assert_eq!(got, Ok(want));
        }
        assert_eq!(parse_time("@00:00:15", Some(86_370.0)), Ok(45.0));
        for bad in ["@24:00", "@09:60", "@9", "@09:31:60", "@1:2:3:4"] {
            println!("{bad} -> {:?}", parse_time(bad, start));
            assert!(parse_time(bad, start).is_err());
        }
        assert!(matches!(
            parse_time("@10:00", None),
            Err(TimeError::NoClock { .. })
        ));
    }

    #[test]
    fn offsets_and_seconds() {
        assert_eq!(parse_time("90.5", None), Ok(90.5));
        assert_eq!(parse_time("1:02:03", None), Ok(3723.0));
        assert_eq!(parse_time("02:03.5", None), Ok(123.5));
        for bad in ["1:75:00", "1:02:60", "", "  ", ".", "1.2.3", "1::2"] {
            println!("{bad:?} -> {:?}", parse_time(bad, None));
            assert!(parse_time(bad, None).is_err());
        }
    }

    #[test]
    fn negatives_and_stray_characters_are_reported() {
        let e = parse_time("-5", None);
        println!("-5 -> {e:?}");
        assert!(matches!(e, Err(TimeError::BeforeStart { .. })));
        let e = parse_time("1x5", None);
        println!("1x5 -> {e:?}");
        assert!(matches!(
            e,
            Err(TimeError::BadChar {
                found: 'x',
                position: 2,
                ..
            })
        ));
        for bad in ["inf", "nan", "1e3", "soon", "+5"] {
            let e = parse_time(bad, None);
            println!("{bad} -> {e:?}");
            assert!(matches!(e, Err(TimeError::BadChar { .. })));
        }
        assert!(parse_time("soon", None)
            .unwrap_err()
            .to_string()
            .contains("H:MM:SS"));
    }

    #[test]
    fn past_the_end_is_an_error() {
        assert_eq!(parse_time_within("300", None, 300.0), Ok(300.0));
        let e = parse_time_within("2:00:00", None, 300.0);
        println!("{e:?}");
        assert!(matches!(e, Err(TimeError::PastEnd { .. })));
        // 09:29 with a 09:30 start is the next day's 09:29, far past a 5-minute file.
        let e = parse_time_within("@09:29", Some(34_200.0), 300.0);
        println!("{e:?}");
        assert!(matches!(e, Err(TimeError::PastEnd { .. })));
    }

    #[test]
    fn times_are_rounded_to_the_precision_shown() {
        for (s, d, want) in [
            (1.36, 1, "0:00:01.4"),
            (1.36, 3, "0:00:01.360"),
            (59.96, 1, "0:01:00.0"),
            (3723.46, 1, "1:02:03.5"),
            (1.5, 0, "0:00:02"),
            (-0.2, 1, "0:00:00.0"),
            (f64::NAN, 0, "0:00:00"),
        ] {
            let got = format_offset(s, d);
            println!("{s} to {d} places: {got} (want {want})");
            assert_eq!(got, want);
        }
        let t = StartTime::from_fields(2020, 1, 1, 9, 30, 0).unwrap();
        assert_eq!(format_clock(&t, 1.36, 1), "09:30:01.4");
        assert_eq!(format_clock(&t, 1.36, 3), "09:30:01.360");
        let late = StartTime::from_fields(2020, 1, 1, 23, 59, 59).unwrap();
        assert_eq!(format_clock(&late, 0.96, 1), "00:00:00.0");
        assert_eq!((decimals_for_span(1.0), decimals_for_span(10.0)), (3, 3));
        assert_eq!((decimals_for_span(30.0), decimals_for_span(300.0)), (1, 0));
    }
}
