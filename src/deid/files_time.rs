//! Moving the times of annotation files (`created`, `modified`, journal `time`, sidecar
//! `saved`, decision `time`): by the recording's whole-day shift, or, when no shift is wanted,
//! so that the earliest time of the recording's annotation files becomes 1985-01-01T00:00:00Z
//! (the EDF+ convention for an unknown date) with every difference between them kept.

use std::cell::Cell;

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};

/// The time every annotation file of a recording starts from when no shift is wanted.
pub(super) const UNKNOWN_START: &str = "1985-01-01T00:00:00Z";

/// How times move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Move {
    /// By whole days: only the date part of a time changes (same offset, same time of day).
    Days(i64),
    /// By an exact amount; the time is then written in UTC.
    By(Duration),
}

/// Moves times and remembers the earliest time it was given (the first pass of the no-shift
/// mode runs with `Move::By(0)` only to find it).
#[derive(Debug)]
pub(super) struct Clock {
    mv: Move,
    earliest: Cell<Option<DateTime<Utc>>>,
}

const EXPECTED: &str = "is not an RFC 3339 time (expected e.g. 2024-05-01T10:00:00.000Z)";

impl Clock {
    pub(super) fn new(mv: Move) -> Clock {
        Clock {
            mv,
            earliest: Cell::new(None),
        }
    }

    /// The move that takes `earliest` to [`UNKNOWN_START`] (none when there were no times).
    pub(super) fn to_unknown_start(earliest: Option<DateTime<Utc>>) -> Move {
        let start = DateTime::parse_from_rfc3339(UNKNOWN_START).map(|t| t.to_utc());
        match (earliest, start) {
            (Some(e), Ok(s)) => Move::By(s - e),
            _ => Move::By(Duration::zero()),
        }
    }

    pub(super) fn earliest(&self) -> Option<DateTime<Utc>> {
        self.earliest.get()
    }

    fn saw(&self, t: DateTime<Utc>) {
        if self.earliest.get().is_none_or(|e| t < e) {
            self.earliest.set(Some(t));
        }
    }

    /// An RFC 3339 time moved, written as it was (same precision; same offset for a day
    /// shift, UTC otherwise).
    pub(super) fn time(&self, s: &str) -> Result<String, String> {
        let t = DateTime::parse_from_rfc3339(s).map_err(|_| EXPECTED.to_string())?;
        self.saw(t.to_utc());
        let outside = || "would move outside the calendar".to_string();
        match self.mv {
            Move::Days(n) => {
                let moved = Duration::try_days(n)
                    .and_then(|d| t.checked_add_signed(d))
                    .ok_or_else(outside)?;
                // RFC 3339 begins with the ten ASCII bytes YYYY-MM-DD.
                let rest = s.get(10..).ok_or_else(|| EXPECTED.to_string())?;
                Ok(format!("{}{rest}", moved.format("%Y-%m-%d")))
            }
            Move::By(d) => {
                let moved = t.to_utc().checked_add_signed(d).ok_or_else(outside)?;
                Ok(moved.to_rfc3339_opts(precision(s), true))
            }
        }
    }

    /// A time, or a plain date `YYYY-MM-DD`, moved.
    pub(super) fn stamp(&self, s: &str) -> Result<String, String> {
        let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") else {
            return self.time(s).map_err(|_| {
                "is not an RFC 3339 time or a date YYYY-MM-DD (expected e.g. \
                 2024-05-01T10:00:00.000Z)"
                    .to_string()
            });
        };
        let midnight = d.and_time(chrono::NaiveTime::MIN).and_utc();
        self.saw(midnight);
        let moved = match self.mv {
            Move::Days(n) => Duration::try_days(n).and_then(|x| d.checked_add_signed(x)),
            Move::By(x) => midnight.checked_add_signed(x).map(|t| t.date_naive()),
        };
        moved
            .map(|m| m.format("%Y-%m-%d").to_string())
            .ok_or_else(|| "would move outside the calendar".into())
    }
}

/// The sub-second precision `s` was written with.
fn precision(s: &str) -> SecondsFormat {
    let digits = s
        .get(19..)
        .and_then(|t| t.strip_prefix('.'))
        .map_or(0, |f| f.bytes().take_while(u8::is_ascii_digit).count());
    match digits {
        0 => SecondsFormat::Secs,
        1..=3 => SecondsFormat::Millis,
        4..=6 => SecondsFormat::Micros,
        _ => SecondsFormat::Nanos,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_shift_changes_only_the_date_and_keeps_the_spelling() {
        let c = Clock::new(Move::Days(-400));
        for (from, to) in [
            ("2026-12-01T20:57:46.123Z", "2025-10-27T20:57:46.123Z"),
            ("2024-03-01T00:30:00+02:00", "2023-01-26T00:30:00+02:00"),
        ] {
            let got = c.time(from).unwrap();
            println!("{from} -> {got}");
            assert_eq!(got, to);
        }
        assert_eq!(c.stamp("2024-03-01").unwrap(), "2023-01-26");
        assert!(c.time("yesterday").is_err());
        assert!(c.time("2024-03-01").is_err());
    }

    #[test]
    fn the_unknown_start_mode_keeps_differences() {
        let probe = Clock::new(Move::By(Duration::zero()));
        for s in ["2026-12-01T10:00:00.500Z", "2026-11-30T09:00:00.250Z"] {
            probe.time(s).unwrap();
        }
        let c = Clock::new(Clock::to_unknown_start(probe.earliest()));
        let a = c.time("2026-11-30T09:00:00.250Z").unwrap();
        let b = c.time("2026-12-01T10:00:00.500Z").unwrap();
        println!("{a} {b}");
        assert_eq!(a, "1985-01-01T00:00:00.000Z");
        assert_eq!(b, "1985-01-02T01:00:00.250Z");
    }
}
