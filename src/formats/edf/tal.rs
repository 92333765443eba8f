//! Time-stamped Annotation Lists (EDF+ specification, section 2.2.2).
//!
//! A TAL is `+onset[\x15duration]\x14text\x14text\x14...\x14\x00`. The annotation signal of a
//! data record holds one or more TALs followed by `\x00` padding. The first TAL of the first
//! annotation signal of every record starts with an empty text: its onset is the start time of
//! that record ("time-keeping TAL", section 2.2.4).

use super::number::seconds_to_100ns;

/// One parsed TAL.
#[derive(Debug, Clone, PartialEq)]
pub struct Tal {
    /// Onset in 100 ns units from the header's start second.
    pub onset_100ns: i64,
    /// Duration in 100 ns units, when given.
    pub duration_100ns: Option<i64>,
    /// Texts in order (the first of a time-keeping TAL is the empty time-keeping text).
    pub texts: Vec<String>,
}

/// A TAL that breaks the rules, with the byte offset inside the annotation bytes of its record.
#[derive(Debug, Clone, PartialEq)]
pub struct TalError {
    pub offset: usize,
    pub detail: String,
}

/// Parses the annotation bytes of one record of one annotation signal.
pub fn parse(bytes: &[u8]) -> Result<Vec<Tal>, TalError> {
    let mut tals = Vec::new();
    let mut pos = 0;
    for chunk in bytes.split(|&b| b == 0) {
        let start = pos;
        pos += chunk.len() + 1;
        if chunk.is_empty() {
            continue;
        }
        tals.push(parse_one(chunk).map_err(|detail| TalError {
            offset: start,
            detail,
        })?);
    }
    Ok(tals)
}

fn parse_one(chunk: &[u8]) -> Result<Tal, String> {
    if chunk.last() != Some(&0x14) {
        return Err(format!(
            "expected the TAL to end with byte 0x14 before 0x00, found {}",
            preview(chunk)
        ));
    }
    let mut parts = chunk[..chunk.len() - 1].split(|&b| b == 0x14);
    let head = parts.next().unwrap_or_default();
    let (onset, duration) = match head.iter().position(|&b| b == 0x15) {
        Some(i) => (&head[..i], Some(&head[i + 1..])),
        None => (head, None),
    };
    let onset_100ns = parse_onset(onset)?;
    let duration_100ns = match duration {
        Some(d) => Some(parse_duration(d)?),
        None => None,
    };
    let texts = parts.map(decode_text).collect();
    Ok(Tal {
        onset_100ns,
        duration_100ns,
        texts,
    })
}

fn parse_onset(b: &[u8]) -> Result<i64, String> {
    let ok = matches!(b.first(), Some(b'+' | b'-'))
        && b.len() > 1
        && b[1].is_ascii_digit()
        && b[1..].iter().all(|&c| c.is_ascii_digit() || c == b'.')
        && b.iter().filter(|&&c| c == b'.').count() <= 1;
    let text = std::str::from_utf8(b).ok().filter(|_| ok);
    text.and_then(seconds_to_100ns).ok_or_else(|| {
        format!(
            "expected an onset like +12.5 (sign, digits, optional decimals), found {}",
            preview(b)
        )
    })
}

fn parse_duration(b: &[u8]) -> Result<i64, String> {
    let ok = !b.is_empty()
        && b.iter().all(|&c| c.is_ascii_digit() || c == b'.')
        && b.iter().filter(|&&c| c == b'.').count() <= 1
        && b.iter().any(|c| c.is_ascii_digit());
    let text = std::str::from_utf8(b).ok().filter(|_| ok);
    text.and_then(seconds_to_100ns).ok_or_else(|| {
        format!(
            "expected a duration like 30 or 0.5 (no sign), found {}",
            preview(b)
        )
    })
}

/// TAL texts are UTF-8 (EDF+ section 2.2.2); bytes that are not valid UTF-8 are read as
/// Latin-1 rather than rejected, since older writers used it.
pub fn decode_text(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_owned(),
        Err(_) => b.iter().map(|&c| char::from(c)).collect(),
    }
}

fn preview(b: &[u8]) -> String {
    let shown: String = b
        .iter()
        .take(24)
        .map(|&c| match c {
            0x20..=0x7e => char::from(c).to_string(),
            _ => format!("\\x{c:02x}"),
        })
        .collect();
    if b.len() > 24 {
        format!("\"{shown}...\"")
    } else {
        format!("\"{shown}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_keeping_and_annotations() {
        let b = b"+0.3945312\x14\x14\x00+2.3457031\x14XLSpike\x14\x00\x00\x00";
        let tals = parse(b).unwrap();
        assert_eq!(tals.len(), 2);
        assert_eq!(tals[0].onset_100ns, 3_945_312);
        assert_eq!(tals[0].texts, vec![""]);
        assert_eq!(tals[1].texts, vec!["XLSpike"]);
        assert_eq!(tals[1].duration_100ns, None);
    }

    #[test]
    fn several_texts_and_a_duration() {
        let tals = parse("+10\x1530.5\x14Sleep stage W\x14Lights off\x14\x00".as_bytes()).unwrap();
        assert_eq!(tals[0].duration_100ns, Some(305_000_000));
        assert_eq!(tals[0].texts, vec!["Sleep stage W", "Lights off"]);
    }

    #[test]
    fn utf8_and_latin1_texts() {
        let tals = parse("+1\x14Aufwachen \u{e4}\x14\x00".as_bytes()).unwrap();
        assert_eq!(tals[0].texts, vec!["Aufwachen \u{e4}"]);
        let tals = parse(b"+1\x14caf\xe9\x14\x00").unwrap();
        assert_eq!(tals[0].texts, vec!["caf\u{e9}"]);
    }

    #[test]
    fn nihon_kohden_quirk_is_read_literally() {
        let tals = parse(b"+1.000000\x14\x14+1.140000\x14A1+A2 OFF\x14\x00").unwrap();
        assert_eq!(tals[0].texts, vec!["", "+1.140000", "A1+A2 OFF"]);
    }

    #[test]
    fn broken_tals_say_where() {
        let e = parse(b"+1\x14ok\x14\x00+2\x14unterminated\x00").unwrap_err();
        assert_eq!(e.offset, 7);
        assert!(e.detail.contains("0x14"), "{}", e.detail);
        let e = parse(b"1.5\x14x\x14\x00").unwrap_err();
        assert!(e.detail.contains("onset"), "{}", e.detail);
        let e = parse(b"+1\x15-3\x14x\x14\x00").unwrap_err();
        assert!(e.detail.contains("duration"), "{}", e.detail);
    }
}
