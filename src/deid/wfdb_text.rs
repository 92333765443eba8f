//! Text edits of a WFDB header: replacing whitespace-separated tokens of a line in place (so
//! the rest of the line keeps its spacing), and scrubbing comments (ages of 90 and over
//! grouped as `90+`, then names, dates and times through the [`Scrubber`]).

use crate::deid::scrub::Scrubber;

/// The byte spans of the whitespace-separated tokens of `line`.
pub fn token_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, line.len()));
    }
    spans
}

/// `line` with token `k` replaced by `with` (`None`: the token and the blank before it
/// removed). A missing token leaves the line as it is.
pub fn replace_token(line: &str, k: usize, with: Option<&str>) -> String {
    let spans = token_spans(line);
    let Some(&(s, e)) = spans.get(k) else {
        return line.to_string();
    };
    match with {
        Some(w) => format!("{}{w}{}", &line[..s], &line[e..]),
        None => {
            let from = if k > 0 { spans[k - 1].1 } else { s };
            format!("{}{}", &line[..from], &line[e..])
        }
    }
}

/// What scrubbing one comment did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CommentEdit {
    pub text: String,
    pub ages_grouped: usize,
    pub replaced: usize,
}

/// Scrubs one comment's text (without its `#`).
pub fn scrub_comment(text: &str, scrubber: &Scrubber) -> CommentEdit {
    let (grouped, ages) = group_ages(text);
    let s = scrubber.scrub(&grouped);
    CommentEdit {
        text: s.text,
        ages_grouped: ages,
        replaced: s.replaced,
    }
}

/// Ages of 90 and over become `90+`: the number after `age` (`age: 92`, `<age>: 92`,
/// `Age=92`), and the first number of a comment followed by a sex letter (MIT-BIH's
/// `# 92 M 1085 1629 x1`).
pub fn group_ages(text: &str) -> (String, usize) {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    if let Some(span) = mitbih_age(text) {
        spans.push(span);
    }
    let lower = text.to_ascii_lowercase();
    for (at, _) in lower.match_indices("age") {
        let word_start = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphabetic();
        if !word_start {
            continue;
        }
        if let Some(span) = number_after(text, at + 3) {
            if !spans.contains(&span) {
                spans.push(span);
            }
        }
    }
    spans.sort();
    let mut out = String::with_capacity(text.len() + 4);
    let (mut last, mut count) = (0, 0);
    for (s, e) in spans {
        let old = text[s..e].parse::<u32>().unwrap_or(0);
        if old >= 90 && s >= last {
            out.push_str(&text[last..s]);
            out.push_str("90+");
            last = e;
            count += 1;
        }
    }
    out.push_str(&text[last..]);
    (out, count)
}

/// The first token when it is a whole number and the next token is a sex (`M`, `F`, `?`).
fn mitbih_age(text: &str) -> Option<(usize, usize)> {
    let spans = token_spans(text);
    let (&(s, e), &(s2, e2)) = (spans.first()?, spans.get(1)?);
    let sex = matches!(&text[s2..e2], "M" | "F" | "m" | "f" | "?");
    (sex && text[s..e].bytes().all(|b| b.is_ascii_digit())).then_some((s, e))
}

/// The digits after `from`, skipping `>`, `:`, `=` and blanks (nothing else).
fn number_after(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() && matches!(bytes[i], b'>' | b':' | b'=' | b' ' | b'\t') {
        i += 1;
    }
    let start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let word_end = i == bytes.len() || !bytes[i].is_ascii_alphanumeric();
    (i > start && word_end && i - start <= 3).then_some((start, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_replaced_keeping_the_spacing() {
        let line = "100  2 360 650000 8:26:04 26/10/1994";
        assert_eq!(
            replace_token(line, 0, Some("study7")),
            "study7  2 360 650000 8:26:04 26/10/1994"
        );
        assert_eq!(
            replace_token(line, 5, None),
            "100  2 360 650000 8:26:04",
            "a dropped token takes its blank with it"
        );
        assert_eq!(replace_token(line, 9, Some("x")), line);
    }

    #[test]
    fn ages_of_ninety_and_over_are_grouped() {
        for (text, want, n) in [
            (" 92 M 1085 1629 x1", " 90+ M 1085 1629 x1", 1),
            (" 69 M 1085 1629 x1", " 69 M 1085 1629 x1", 0),
            (" age: 93", " age: 90+", 1),
            ("<age>: 101 <sex>: F", "<age>: 90+ <sex>: F", 1),
            ("Age=90, page 95", "Age=90+, page 95", 1),
            ("storage 95", "storage 95", 0),
            ("age 1994-10-26", "age 1994-10-26", 0),
        ] {
            let (got, count) = group_ages(text);
            println!("{text:?} -> {got:?}");
            assert_eq!((got.as_str(), count), (want, n), "{text:?}");
        }
    }
}

/// Comment keys whose value identifies the person (`# Name: Jane Doe`, `#<patient id>: 123`).
const IDENTIFYING_KEYS: [&str; 14] = [
    "name",
    "patient",
    "patient name",
    "patient id",
    "surname",
    "first name",
    "last name",
    "mrn",
    "subject",
    "subject id",
    "dob",
    "date of birth",
    "birthdate",
    "birth date",
];

/// The span of the value of a `KEY: value` comment whose key identifies the person.
pub fn identifying_value(text: &str) -> Option<(usize, usize)> {
    let colon = text.find([':', '='])?;
    let key = text[..colon]
        .trim()
        .trim_matches(['<', '>'])
        .trim()
        .to_ascii_lowercase();
    if !IDENTIFYING_KEYS.contains(&key.as_str()) {
        return None;
    }
    let rest = &text[colon + 1..];
    let start = colon + 1 + (rest.len() - rest.trim_start().len());
    let end = colon + 1 + rest.trim_end().len();
    (end > start).then_some((start, end))
}

#[cfg(test)]
mod key_tests {
    use super::*;

    #[test]
    fn identifying_comment_values_are_found() {
        for (text, want) in [
            (" Name: Jane Doe ", Some("Jane Doe")),
            ("<patient id>: 12345", Some("12345")),
            (" DOB=1931-02-03", Some("1931-02-03")),
            (" Reason for admission: infarction", None),
            (" name:", None),
        ] {
            let got = identifying_value(text).map(|(s, e)| &text[s..e]);
            println!("{text:?} -> {got:?}");
            assert_eq!(got, want, "{text:?}");
        }
    }
}
