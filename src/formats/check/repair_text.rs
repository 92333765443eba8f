//! Repairs of single header fields: text fields to printable ASCII, numbers left-justified.

/// A header text field as printable ASCII, padded with spaces to its width. The bytes are read
/// as the reader reads them (UTF-8 when valid, else Latin-1); control characters (NUL padding,
/// tabs) become spaces; letters with diacritics lose them (`é` -> `e`, `ß` -> `ss`); `°` becomes
/// `deg` (the EDF standard texts write `degC`), `µ`/`μ` becomes `u` (`uV`), `²`/`³` become `2`/`3`,
/// `±` becomes `+-`; any other character becomes `?`. `None` when the field is already
/// printable ASCII, or when the ASCII text does not fit (then it is not repaired).
pub fn ascii_field(b: &[u8]) -> Option<Vec<u8>> {
    if crate::formats::check::layout::printable(b) {
        return None;
    }
    let text: String = match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => b.iter().map(|&c| char::from(c)).collect(),
    };
    let mut out = String::new();
    for c in text.chars() {
        out.push_str(&ascii_of(c));
    }
    let trimmed = out.trim_end_matches(' ');
    if trimmed.len() > b.len() {
        return None;
    }
    Some(pad(trimmed, b.len()))
}

fn ascii_of(c: char) -> String {
    if (' '..='~').contains(&c) {
        return c.to_string();
    }
    if c.is_control() {
        return " ".into();
    }
    let s = match c {
        '°' => "deg",
        'µ' | 'μ' => "u",
        '²' => "2",
        '³' => "3",
        '±' => "+-",
        'ß' => "ss",
        'Æ' => "AE",
        'æ' => "ae",
        'À'..='Å' => "A",
        'Ç' => "C",
        'È'..='Ë' => "E",
        'Ì'..='Ï' => "I",
        'Ñ' => "N",
        'Ò'..='Ö' | 'Ø' => "O",
        'Ù'..='Ü' => "U",
        'Ý' => "Y",
        'à'..='å' => "a",
        'ç' => "c",
        'è'..='ë' => "e",
        'ì'..='ï' => "i",
        'ñ' => "n",
        'ò'..='ö' | 'ø' => "o",
        'ù'..='ü' => "u",
        'ý' | 'ÿ' => "y",
        _ => "?",
    };
    s.to_string()
}

/// `s` padded with spaces to `width` bytes (`s` is ASCII and at most `width` long).
pub fn pad(s: &str, width: usize) -> Vec<u8> {
    let mut v = s.as_bytes().to_vec();
    v.resize(width, b' ');
    v
}

/// A numeric field left-justified and padded with spaces: leading spaces and NUL padding
/// removed. `None` when it already is, or when what is left is not a plain number (then the
/// check reports it and no repair is defined).
pub fn left_justified(b: &[u8]) -> Option<Vec<u8>> {
    let text: String = b.iter().map(|&c| char::from(c)).collect();
    let body = text.trim_matches([' ', '\0']);
    let plain = !body.is_empty()
        && body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'+' | b'-' | b'.' | b'e' | b'E'));
    let fixed = pad(body, b.len());
    (plain && fixed != b).then_some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_ascii() {
        assert_eq!(ascii_field(b"\xc2\xb0C     "), Some(b"degC    ".to_vec()));
        assert_eq!(
            ascii_field(b"\xb5V\0\0\0\0\0\0"),
            Some(b"uV      ".to_vec())
        );
        assert_eq!(ascii_field(b"uV      "), None);
        // Does not fit: left alone.
        assert_eq!(ascii_field(b"\xb0\xb0\xb0"), None);
    }

    #[test]
    fn numbers_are_left_justified() {
        assert_eq!(left_justified(b"  1     "), Some(b"1       ".to_vec()));
        assert_eq!(
            left_justified(b"12\0\0\0\0\0\0"),
            Some(b"12      ".to_vec())
        );
        assert_eq!(left_justified(b"12      "), None);
        assert_eq!(left_justified(b" 1 2    "), None);
    }
}
