//! The one output policy for text that comes from files (labels, annotations, patient fields,
//! paths): in text output every character a terminal could act on is replaced by U+FFFD
//! (`sanitize`); in JSON it is written as a `\uXXXX` escape (`to_json_pretty`, `write_json_*`),
//! which a JSON reader turns back into the original character, so JSON stays exact.
//!
//! The characters are C0 controls, DEL, C1 controls (`char::is_control`), and the bidi
//! controls that can reorder what a line shows: the embeddings and overrides U+202A..U+202E,
//! the isolates U+2066..U+2069, and the marks U+200E, U+200F and U+061C.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

/// Whether `c` is one of the characters the policy never lets through raw.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
        )
}

/// Replaces the unsafe characters (see the module documentation) with U+FFFD, so no byte from
/// a file can move the cursor, change terminal state or reorder a line.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if is_unsafe(c) { '\u{fffd}' } else { c })
        .collect()
}

/// A serde_json formatter that writes the unsafe characters serde_json leaves raw (DEL, C1,
/// bidi controls) as `\uXXXX`; serde_json itself escapes C0. Layout comes from `F`.
pub struct SafeFormatter<F>(pub F);

/// Every structural call goes to the inner formatter; only string fragments are filtered.
impl<F: Formatter> Formatter for SafeFormatter<F> {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut safe_from = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                self.0.write_string_fragment(w, &fragment[safe_from..i])?;
                // Every unsafe character is in the Basic Multilingual Plane: one escape.
                write!(w, "\\u{:04x}", u32::from(c))?;
                safe_from = i + c.len_utf8();
            }
        }
        self.0.write_string_fragment(w, &fragment[safe_from..])
    }
}

/// `value` as indented JSON (serde_json's pretty layout) under the policy, to `w`.
pub fn write_json_pretty<W: io::Write, T: Serialize + ?Sized>(
    w: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, SafeFormatter(PrettyFormatter::new()));
    value.serialize(&mut ser)
}

/// `value` as one line of compact JSON (no newline) under the policy, to `w` (JSON Lines).
pub fn write_json_line<W: io::Write, T: Serialize + ?Sized>(
    w: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser =
        serde_json::Serializer::with_formatter(w, SafeFormatter(serde_json::ser::CompactFormatter));
    value.serialize(&mut ser)
}

/// `value` as indented JSON under the policy.
pub fn to_json_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut buf = Vec::new();
    write_json_pretty(&mut buf, value)?;
    // The serializer writes only UTF-8 (the input strings and ASCII escapes).
    String::from_utf8(buf).map_err(serde::ser::Error::custom)
}

/// 1-based line of byte `offset` in `text` (for errors naming a file and line); an offset past
/// the end counts to the end.
pub fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "ok\x1b[2Jx\u{9b}y\u{202e}z\u{7f}\u{200e}\u{200f}\u{61c}\u{2066}\u{85}";

    #[test]
    fn control_characters_never_pass() {
        let got = sanitize(HOSTILE);
        println!("sanitize({HOSTILE:?}) = {got:?}");
        assert_eq!(
            got,
            "ok\u{fffd}[2Jx\u{fffd}y\u{fffd}z\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{fffd}"
        );
        assert_eq!(sanitize("Fp1 \u{b5}V \u{200d}"), "Fp1 \u{b5}V \u{200d}");
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_reads_back_exact() {
        let value = serde_json::json!({ HOSTILE: [HOSTILE, "plain \u{b5}V"] });
        for text in [to_json_pretty(&value).unwrap_or_default(), {
            let mut v = Vec::new();
            let _ = write_json_line(&mut v, &value);
            String::from_utf8(v).unwrap_or_default()
        }] {
            println!("{text}");
            let raw: Vec<char> = text
                .chars()
                .filter(|&c| is_unsafe(c) && c != '\n')
                .collect();
            assert!(raw.is_empty(), "raw unsafe characters {raw:?} in {text:?}");
            assert!(
                text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\u007f")
            );
            let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            assert_eq!(back, value, "JSON must read back to the original strings");
        }
    }
}
