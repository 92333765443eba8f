//! Text from files (labels, annotations, patient fields) made safe for a terminal.

/// Replaces control characters (C0, DEL, C1 and the bidi overrides that can reorder a line)
/// with U+FFFD, so no byte from a file can move the cursor or change terminal state.
pub fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if is_unsafe(c) { '\u{fffd}' } else { c })
        .collect()
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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

    #[test]
    fn control_characters_never_pass() {
        assert_eq!(
            sanitize("ok\x1b[2Jx\u{9b}y\u{202e}z"),
            "ok\u{fffd}[2Jx\u{fffd}y\u{fffd}z"
        );
        assert_eq!(sanitize("Fp1 \u{b5}V"), "Fp1 \u{b5}V");
    }
}
