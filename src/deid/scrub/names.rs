//! Name parts and codes in free text, compared after lowercasing and removing accents (so the
//! header's ASCII `Doe` finds `DOÉ` in a note, and `Doé` finds `doe`).
//!
//! A part of three characters or more is replaced wherever it occurs, inside longer words too
//! (`Doe` in `JaneDoe`): a missed name costs more than an over-scrubbed word. A two-character
//! part (`Li`) is replaced only as a word of its own, or touching another name part, since as a
//! substring it would take apart most of a text.

use super::Span;

pub const NAME: &str = "[name]";

/// The folded name parts of one recording.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Longest first, so that of two parts found at one place the longer is replaced.
    parts: Vec<Vec<char>>,
}

/// A text folded for comparison: one entry per folded character, with the byte range of the
/// original character(s) it came from.
struct Folded {
    chars: Vec<char>,
    starts: Vec<usize>,
    ends: Vec<usize>,
}

impl Names {
    pub fn new(names: &[String]) -> Names {
        let mut parts: Vec<Vec<char>> = names
            .iter()
            .map(|n| fold(n).chars)
            .filter(|p| p.len() >= 2)
            .collect();
        parts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        parts.dedup();
        Names { parts }
    }

    /// Every occurrence of a name part in `text`.
    pub fn find(&self, text: &str) -> Vec<Span> {
        if self.parts.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let f = fold(text);
        let mut long: Vec<(usize, usize)> = Vec::new();
        let mut short: Vec<(usize, usize)> = Vec::new();
        for p in &self.parts {
            let into = if p.len() >= 3 { &mut long } else { &mut short };
            into.extend(occurrences(&f.chars, p).map(|i| (i, i + p.len())));
        }
        let touches = |k: usize| long.iter().any(|&(a, b)| a == k || b == k);
        let free = |k: usize| f.chars.get(k).is_none_or(|c| !c.is_alphanumeric());
        short.retain(|&(i, j)| (i == 0 || free(i - 1) || touches(i)) && (free(j) || touches(j)));
        long.into_iter()
            .chain(short)
            .map(|(i, j)| Span {
                start: f.starts[i],
                end: f.ends[j - 1],
                with: NAME.to_string(),
            })
            .collect()
    }
}

fn occurrences<'a>(hay: &'a [char], needle: &'a [char]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}

/// Lowercased, accents removed (precomposed Latin letters and combining marks).
fn fold(text: &str) -> Folded {
    let mut f = Folded {
        chars: Vec::with_capacity(text.len()),
        starts: Vec::with_capacity(text.len()),
        ends: Vec::with_capacity(text.len()),
    };
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if ('\u{300}'..='\u{36f}').contains(&c) {
            if let Some(e) = f.ends.last_mut() {
                *e = end;
            }
            continue;
        }
        for l in c.to_lowercase() {
            if ('\u{300}'..='\u{36f}').contains(&l) {
                continue;
            }
            f.chars.push(base_letter(l));
            f.starts.push(at);
            f.ends.push(end);
        }
    }
    f
}

/// Lowercase Latin letters with diacritics, each followed by its base letter.
const ACCENTED: [(&str, char); 20] = [
    ("àáâãäåāăą", 'a'),
    ("çćĉċč", 'c'),
    ("ďđ", 'd'),
    ("èéêëēĕėęě", 'e'),
    ("ĝğġģ", 'g'),
    ("ĥħ", 'h'),
    ("ìíîïĩīĭįı", 'i'),
    ("ĵ", 'j'),
    ("ķ", 'k'),
    ("ĺļľŀł", 'l'),
    ("ñńņňŉ", 'n'),
    ("òóôõöøōŏő", 'o'),
    ("ŕŗř", 'r'),
    ("śŝşšș", 's'),
    ("ţťŧț", 't'),
    ("ùúûüũūŭůűų", 'u'),
    ("ŵ", 'w'),
    ("ýÿŷ", 'y'),
    ("źżž", 'z'),
    ("ð", 'd'),
];

fn base_letter(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    ACCENTED
        .iter()
        .find(|(set, _)| set.contains(c))
        .map_or(c, |&(_, b)| b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replaced(names: &[&str], text: &str) -> Vec<String> {
        let n = Names::new(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let got: Vec<String> = n
            .find(text)
            .iter()
            .map(|s| text[s.start..s.end].to_string())
            .collect();
        println!("{names:?} in {text:?}: {got:?}");
        got
    }

    #[test]
    fn long_parts_inside_words_short_parts_only_alone() {
        assert_eq!(replaced(&["Doe"], "JaneDoe and doesn't"), ["Doe", "doe"]);
        assert_eq!(
            replaced(&["Li"], "Lights off, Li called, li."),
            ["Li", "li"]
        );
        assert_eq!(replaced(&["Jane", "Li"], "JaneLi"), ["Jane", "Li"]);
    }

    #[test]
    fn accents_and_decomposed_marks() {
        assert_eq!(
            replaced(&["Doé"], "DOE, doe\u{301}!"),
            ["DOE", "doe\u{301}"]
        );
        assert_eq!(replaced(&["Müller"], "MULLER"), ["MULLER"]);
    }
}
