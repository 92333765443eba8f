//! Dates and clock times in free text. HIPAA Safe Harbor (45 CFR 164.514(b)(2)(i)(C)) lists
//! "all elements of dates (except year) for dates directly related to an individual", so every
//! date found is either moved by the recording's shift, in the spelling it was written in, or
//! replaced by `[date]` (no shift, an ambiguous day/month order, or the person's birthdate).
//! Clock times become `[time]`: with the date they pin the recording to a moment.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::{Captures, Regex};

use super::Span;
use crate::deid::Shift;

pub const DATE: &str = "[date]";
pub const TIME: &str = "[time]";

const MONTH: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Each pattern starts after a non-digit (or the start): a digit run is never cut in two.
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?P<y>\d{4})(?P<s1>[-/.])(?P<m>\d{1,2})(?P<s2>[-/.])(?P<d>\d{1,2})")
});
static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"(?P<a>\d{1,2})(?P<s1>[-/.])(?P<b>\d{1,2})(?P<s2>[-/.])(?P<y>\d{4}|\d{2})")
});
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?P<d>\d{{1,2}})(?P<o>st|nd|rd|th)?(?P<s1>[ -]|\. ?)(?P<mon>{MONTH})(?P<dot>\.)?(?P<s2>,? |-)(?P<y>\d{{4}}|\d{{2}})"
    ))
});
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(&format!(
        r"(?P<mon>{MONTH})(?P<dot>\.)?(?P<s1> )(?P<d>\d{{1,2}})(?P<o>st|nd|rd|th)?(?P<s2>,? )(?P<y>\d{{4}})"
    ))
});
static CLOCK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:[.,]\d+)?)?(?:\s?[ap]\.?m\b\.?)?|(?:1[0-2]|0?[1-9])\s?[ap]\.?m\b\.?",
    )
});

fn pattern(body: &str) -> Regex {
    // A fixed pattern: a failure here is a bug in this file, caught by every test.
    Regex::new(&format!(r"(?i)(?:^|[^0-9])(?P<body>{body})")).expect("valid date pattern")
}

/// Dates found in `text`, each with what replaces it.
pub fn dates(text: &str, shift: Option<Shift>, birthdates: &[NaiveDate]) -> Vec<Span> {
    let mut out = Vec::new();
    let ctx = Ctx { shift, birthdates };
    scan(&ISO, text, &mut out, |c| ctx.iso(c));
    scan(&NUMERIC, text, &mut out, |c| ctx.numeric(c));
    scan(&DAY_MONTH, text, &mut out, |c| ctx.named(c, true));
    scan(&MONTH_DAY, text, &mut out, |c| ctx.named(c, false));
    out
}

/// Clock times found in `text`, each replaced by `[time]`.
pub fn times(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    scan(&CLOCK, text, &mut out, |_| Some(TIME.to_string()));
    out
}

/// Every match not followed by a digit, with its replacement (`None`: not a date after all).
fn scan(re: &Regex, text: &str, out: &mut Vec<Span>, with: impl Fn(&Captures) -> Option<String>) {
    for c in re.captures_iter(text) {
        let Some(body) = c.name("body") else { continue };
        if text[body.end()..].starts_with(|ch: char| ch.is_ascii_digit()) {
            continue;
        }
        if let Some(w) = with(&c) {
            out.push(Span {
                start: body.start(),
                end: body.end(),
                with: w,
            });
        }
    }
}

struct Ctx<'a> {
    shift: Option<Shift>,
    birthdates: &'a [NaiveDate],
}

fn num(c: &Captures, k: &str) -> Option<u32> {
    c.name(k)?.as_str().parse().ok()
}

fn text<'t>(c: &Captures<'t>, k: &str) -> &'t str {
    c.name(k).map_or("", |m| m.as_str())
}

/// A two-digit year as the EDF header reads it (85-99: 19xx, 00-84: 20xx).
fn full_year(y: &str) -> Option<i32> {
    let v: i32 = y.parse().ok()?;
    Some(match y.len() {
        2 if v >= 85 => 1900 + v,
        2 => 2000 + v,
        _ => v,
    })
}

/// A field written with the width it had (`05` stays two digits, `5` one).
fn pad(v: u32, like: &str) -> String {
    if like.len() >= 2 {
        format!("{v:02}")
    } else {
        v.to_string()
    }
}

fn year_like(y: i32, like: &str) -> String {
    if like.len() == 2 {
        format!("{:02}", y.rem_euclid(100))
    } else {
        format!("{y:04}")
    }
}

impl Ctx<'_> {
    /// `[date]` for the birthdate (any year spelling), `None` outside the calendar's ranges,
    /// else the shifted date (or `[date]` without a shift).
    fn moved(&self, y: &str, m: u32, d: u32) -> Option<Result<NaiveDate, String>> {
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        let year = full_year(y)?;
        let is_birth = self.birthdates.iter().any(|b| {
            b.month() == m
                && b.day() == d
                && (b.year() == year || (y.len() == 2 && b.year().rem_euclid(100) == year % 100))
        });
        let date = NaiveDate::from_ymd_opt(year, m, d);
        Some(match (date, self.shift) {
            (Some(date), Some(shift)) if !is_birth => shift.date(date).ok_or(DATE.to_string()),
            _ => Err(DATE.to_string()),
        })
    }

    /// `2023-04-05` (also with `/` or `.`).
    fn iso(&self, c: &Captures) -> Option<String> {
        let (s1, s2) = (text(c, "s1"), text(c, "s2"));
        if s1 != s2 {
            return None;
        }
        let (m, d) = (num(c, "m")?, num(c, "d")?);
        Some(match self.moved(text(c, "y"), m, d)? {
            Ok(n) => format!(
                "{}{s1}{}{s1}{}",
                year_like(n.year(), text(c, "y")),
                pad(n.month(), text(c, "m")),
                pad(n.day(), text(c, "d"))
            ),
            Err(p) => p,
        })
    }

    /// `05.04.2023` (day first, the European order dots are used for), `05/04/2023`,
    /// `4/5/23`: with `/` or `-` the order is known only when one field is above 12.
    fn numeric(&self, c: &Captures) -> Option<String> {
        let (s1, s2) = (text(c, "s1"), text(c, "s2"));
        if s1 != s2 {
            return None;
        }
        let (a, b, y) = (num(c, "a")?, num(c, "b")?, text(c, "y"));
        let day_first = s1 == "." || a > 12;
        let month_first = s1 != "." && b > 12 && a <= 12;
        if !day_first && !month_first {
            // Either order: a date, but which one is unknown. Check both are plausible.
            return self
                .moved(y, a, b)
                .or_else(|| self.moved(y, b, a))
                .map(|_| DATE.to_string());
        }
        let (d, m) = if day_first { (a, b) } else { (b, a) };
        Some(match self.moved(y, m, d)? {
            Ok(n) => {
                let (da, mo) = (pad(n.day(), text(c, "a")), pad(n.month(), text(c, "b")));
                let (first, second) = if day_first { (da, mo) } else { (mo, da) };
                format!("{first}{s1}{second}{s1}{}", year_like(n.year(), y))
            }
            Err(p) => p,
        })
    }

    /// `5 April 2023`, `05-APR-2023`, `April 5, 2023`.
    fn named(&self, c: &Captures, day_first: bool) -> Option<String> {
        let mon = text(c, "mon");
        let m = month_number(mon)?;
        let (d, y) = (num(c, "d")?, text(c, "y"));
        let n = match self.moved(y, m, d)? {
            Ok(n) => n,
            Err(p) => return Some(p),
        };
        let new_mon = month_like(n.month(), mon);
        // Unlike numeric dates, a named month's day is zero-padded only when it was (`05-APR`).
        let d_like = text(c, "d");
        let day = pad(n.day(), if d_like.starts_with('0') { d_like } else { "" });
        let ord = if c.name("o").is_some() {
            ordinal(n.day())
        } else {
            ""
        };
        let (s1, s2, dot) = (text(c, "s1"), text(c, "s2"), text(c, "dot"));
        let year = year_like(n.year(), y);
        Some(if day_first {
            format!("{day}{ord}{s1}{new_mon}{dot}{s2}{year}")
        } else {
            format!("{new_mon}{dot}{s1}{day}{ord}{s2}{year}")
        })
    }
}

fn month_number(mon: &str) -> Option<u32> {
    let lower = mon.to_ascii_lowercase();
    let head = lower.get(..3)?;
    let k = MONTHS.iter().position(|m| m.starts_with(head))?;
    Some(k as u32 + 1)
}

/// The month in the spelling of `like`: full or abbreviated, upper, title or lower case.
fn month_like(m: u32, like: &str) -> String {
    let full = MONTHS[(m - 1) as usize];
    let name = if like.len() > 4 || MONTHS.contains(&like.to_ascii_lowercase().as_str()) {
        full.to_string()
    } else {
        full[..3].to_string()
    };
    if like.chars().all(|c| c.is_ascii_uppercase()) {
        name.to_ascii_uppercase()
    } else if like.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut s = name;
        s[..1].make_ascii_uppercase();
        s
    } else {
        name
    }
}

fn ordinal(d: u32) -> &'static str {
    match (d % 10, d % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(text: &str, days: Option<i64>) -> Vec<(String, String)> {
        let birth = NaiveDate::from_ymd_opt(1961, 3, 12)
            .into_iter()
            .collect::<Vec<_>>();
        let mut spans = dates(text, days.map(Shift::days), &birth);
        spans.extend(times(text));
        spans
            .into_iter()
            .map(|s| (text[s.start..s.end].to_string(), s.with))
            .collect()
    }

    fn one(text: &str, days: Option<i64>) -> String {
        let got = moved(text, days);
        println!("{text:?} -> {got:?}");
        assert_eq!(got.len(), 1, "{text:?}: {got:?}");
        got[0].1.clone()
    }

    #[test]
    fn each_common_spelling_is_shifted_in_its_own_spelling() {
        for (text, want) in [
            ("on 2023-04-05.", "2023-04-15"),
            ("on 05.04.2023.", "15.04.2023"),
            ("on 5.4.23", "15.4.23"),
            ("on 28/04/2023", "08/05/2023"),
            ("on 04/28/2023", "05/08/2023"),
            ("on 05-APR-2023", "15-APR-2023"),
            ("on 5 April 2023", "15 April 2023"),
            ("on April 5, 2023", "April 15, 2023"),
            ("on apr 25th 2023", "may 5th 2023"),
            ("on 25 Dec 2023", "4 Jan 2024"),
        ] {
            assert_eq!(one(text, Some(10)), want, "{text}");
        }
    }

    #[test]
    fn ambiguous_orders_and_no_shift_give_the_placeholder() {
        assert_eq!(one("05/04/2023", Some(10)), DATE);
        assert_eq!(one("4/5/23", Some(10)), DATE);
        assert_eq!(one("2023-04-05", None), DATE);
        assert_eq!(one("5 April 2023", None), DATE);
    }

    #[test]
    fn the_birthdate_is_removed_in_any_spelling() {
        for text in [
            "12.03.1961",
            "1961-03-12",
            "12-MAR-1961",
            "March 12, 1961",
            "12.3.61",
            "12 March 1961",
        ] {
            assert_eq!(one(text, Some(10)), DATE, "{text}");
        }
    }

    #[test]
    fn clock_times_are_replaced() {
        for text in [
            "at 22:30",
            "at 22:30:15",
            "at 10:30 pm",
            "at 7am",
            "2023-04-05T22:30",
        ] {
            let got = moved(text, Some(1));
            println!("{text:?} -> {got:?}");
            assert!(got.iter().any(|(_, w)| w == TIME), "{text}: {got:?}");
        }
    }

    #[test]
    fn numbers_that_are_not_dates_are_left() {
        for text in [
            "+1.140000",
            "value 12.5",
            "99.99.2023",
            "1.2.3",
            "123:45",
            "ratio 3/4",
        ] {
            let got = moved(text, Some(1));
            println!("{text:?} -> {got:?}");
            assert!(got.is_empty(), "{text}: {got:?}");
        }
    }
}
