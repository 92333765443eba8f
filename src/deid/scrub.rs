//! Replacing identifying words in free text (annotation texts, event notes, labels, header
//! comments): the person's name parts and codes become `[name]`.

use super::{Identifiers, Shift};

/// A text after scrubbing, with how many replacements were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scrubbed {
    pub text: String,
    pub replaced: usize,
}

/// Scrubs the texts of one recording and its annotation files.
#[derive(Debug, Clone)]
pub struct Scrubber {
    ids: Identifiers,
    /// `None`: dates are removed rather than moved.
    shift: Option<Shift>,
}

impl Scrubber {
    pub fn new(ids: Identifiers, shift: Option<Shift>) -> Scrubber {
        Scrubber { ids, shift }
    }

    pub fn shift(&self) -> Option<Shift> {
        self.shift
    }

    /// The text with every identifying word replaced (matched without regard to case).
    pub fn scrub(&self, text: &str) -> Scrubbed {
        let mut out = Scrubbed {
            text: text.to_string(),
            replaced: 0,
        };
        for name in &self.ids.names {
            out.replaced += replace_word(&mut out.text, name, "[name]");
        }
        out
    }
}

/// Replaces every case-insensitive occurrence of `word` in `text`; returns how many.
fn replace_word(text: &mut String, word: &str, with: &str) -> usize {
    let lower = text.to_lowercase();
    let needle = word.to_lowercase();
    if needle.is_empty() || lower.len() != text.len() {
        return replace_exact(text, word, with);
    }
    let mut result = String::with_capacity(text.len());
    let (mut last, mut count) = (0, 0);
    for (at, _) in lower.match_indices(&needle) {
        if at < last {
            continue;
        }
        result.push_str(&text[last..at]);
        result.push_str(with);
        last = at + needle.len();
        count += 1;
    }
    result.push_str(&text[last..]);
    *text = result;
    count
}

fn replace_exact(text: &mut String, word: &str, with: &str) -> usize {
    let count = text.matches(word).count();
    if count > 0 {
        *text = text.replace(word, with);
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_parts_are_replaced_whatever_their_case() {
        let mut ids = Identifiers::default();
        ids.add_name("Jane_Doe");
        let s = Scrubber::new(ids, Some(Shift::days(0))).scrub("JANE doe called; doe again");
        assert_eq!(s.text, "[name] [name] called; [name] again");
        assert_eq!(s.replaced, 3);
    }
}
