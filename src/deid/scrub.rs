//! Replacing identifying words in free text (annotation texts, event notes, labels, header
//! comments): the person's name parts and codes become `[name]`, dates are shifted (or become
//! `[date]`), clock times become `[time]`.
//!
//! Every match is found on the original text first and replaced in one pass, so a placeholder
//! is never matched again and a shifted date never re-enters the scan.

mod dates;
mod names;

use chrono::NaiveDate;

use super::{Identifiers, Shift};

pub use dates::{DATE, TIME};
pub use names::NAME;

/// Every placeholder the scrubber writes.
pub const PLACEHOLDERS: [&str; 3] = [NAME, DATE, TIME];

/// A text after scrubbing, with how many replacements were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scrubbed {
    pub text: String,
    pub replaced: usize,
}

/// A piece of the original text (byte range) and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    with: String,
}

/// Scrubs the texts of one recording and its annotation files.
#[derive(Debug, Clone)]
pub struct Scrubber {
    ids: Identifiers,
    /// `None`: dates are removed rather than moved.
    shift: Option<Shift>,
    names: names::Names,
}

impl Scrubber {
    pub fn new(ids: Identifiers, shift: Option<Shift>) -> Scrubber {
        let names = names::Names::new(&ids.names);
        Scrubber { ids, shift, names }
    }

    pub fn shift(&self) -> Option<Shift> {
        self.shift
    }

    /// The text with every identifying word, date and clock time replaced (names matched
    /// without regard to case or accents).
    pub fn scrub(&self, text: &str) -> Scrubbed {
        let mut spans = dates::dates(text, self.shift, &self.ids.dates);
        for s in &mut spans {
            // A shifted date that spells a name part (a numeric code, `May`) is not written.
            if !s.with.starts_with('[') && !self.names.find(&s.with).is_empty() {
                s.with = DATE.to_string();
            }
        }
        spans.extend(dates::times(text));
        spans.extend(self.names.find(text));
        apply(text, spans)
    }

    /// As [`Scrubber::scrub`], with every placeholder shortened to `with` (say `X`): for texts
    /// that must fit in the bytes the original took (EDF+ TALs).
    pub fn scrub_short(&self, text: &str, with: &str) -> Scrubbed {
        let mut s = self.scrub(text);
        for p in PLACEHOLDERS {
            s.text = s.text.replace(p, with);
        }
        s
    }

    /// The birthdates this scrubber removes (`[date]` in any spelling).
    pub fn birthdates(&self) -> &[NaiveDate] {
        &self.ids.dates
    }
}

/// Replaces the spans (earliest first; of two starting together the longer; a span that
/// overlaps an earlier one is merged into it).
fn apply(text: &str, mut spans: Vec<Span>) -> Scrubbed {
    spans.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match merged.last_mut() {
            Some(last) if s.start < last.end => last.end = last.end.max(s.end),
            _ => merged.push(s),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for s in &merged {
        out.push_str(&text[at..s.start]);
        out.push_str(&s.with);
        at = s.end;
    }
    out.push_str(&text[at..]);
    Scrubbed {
        text: out,
        replaced: merged.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrubber(days: Option<i64>) -> Scrubber {
        let mut ids = Identifiers::default();
        ids.add_name("Jane_Doé");
        ids.add_name("MCH-0234567");
        ids.dates.extend(NaiveDate::from_ymd_opt(1961, 3, 12));
        Scrubber::new(ids, days.map(Shift::days))
    }

    #[test]
    fn name_parts_are_replaced_whatever_their_case() {
        let mut ids = Identifiers::default();
        ids.add_name("Jane_Doe");
        let s = Scrubber::new(ids, Some(Shift::days(0))).scrub("JANE doe called; doe again");
        assert_eq!(s.text, "[name] [name] called; [name] again");
        assert_eq!(s.replaced, 3);
    }

    #[test]
    fn names_dates_and_times_together() {
        let s = scrubber(Some(3))
            .scrub("JANE DOE (mch-0234567), born 12.03.1961, seen 2023-04-05 at 22:30; doe ok");
        println!("{s:?}");
        assert_eq!(
            s.text,
            "[name] [name] ([name]), born [date], seen 2023-04-08 at [time]; [name] ok"
        );
        assert_eq!(s.replaced, 7);
    }

    #[test]
    fn accents_are_ignored_both_ways() {
        let s = scrubber(Some(1)).scrub("Mme Doe, Mme DOÉ, Mme doé, JaneDoe");
        println!("{s:?}");
        assert_eq!(s.text, "Mme [name], Mme [name], Mme [name], [name][name]");
    }

    #[test]
    fn a_shifted_date_never_spells_a_name() {
        let mut ids = Identifiers::default();
        ids.add_name("April_Smith");
        let s = Scrubber::new(ids, Some(Shift::days(1))).scrub("5 April 2023 and 30 March 2023");
        println!("{s:?}");
        assert_eq!(s.text, "[date] and 31 March 2023");
    }

    #[test]
    fn short_placeholders_for_fixed_width_texts() {
        let s = scrubber(None).scrub_short("Jane at 22:30 on 2023-04-05", "X");
        assert_eq!(s.text, "X at X on X");
        assert_eq!(s.replaced, 3);
    }

    #[test]
    fn text_without_anything_identifying_is_unchanged() {
        let text = "Sleep stage W; Lights off; SpO2 93.5 %; +1.140000 A1+A2 OFF";
        let s = scrubber(Some(5)).scrub(text);
        assert_eq!(s.text, text);
        assert_eq!(s.replaced, 0);
    }
}
