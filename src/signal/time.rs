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
}
