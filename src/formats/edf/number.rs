//! Number fields of the EDF header.
//!
//! Fields are validated strictly (so a corrupt header is reported, not guessed at), and their
//! values are computed the way EDFlib computes them (`edflib_atoi_nonlocalized` and
//! `edflib_atof_nonlocalized`): EDFlib's atof adds the integer part and the decimals divided by
//! a power of ten, which is not always the correctly rounded value of the text. Physical values
//! derive from these numbers, so reproducing EDFlib bit for bit starts here.

/// What a numeric header field looked like, for the error message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Integer,
    Decimal,
}

/// The text of a header field with the padding removed; `leading_spaces` is set when the number
/// did not start at the left edge of its field (EDF requires left-justified fields; Biosemi
/// writes `"  1     "` in the record count, which EDFlib refuses and other readers accept).
#[derive(Debug, Clone, Copy)]
pub struct Field<'a> {
    pub text: &'a str,
    pub leading_spaces: bool,
}

pub fn field(raw: &str) -> Field<'_> {
    let trimmed = raw.trim_matches(' ');
    Field {
        text: trimmed,
        leading_spaces: !trimmed.is_empty() && raw.starts_with(' '),
    }
}

/// Checks that `s` is a well-formed number of the given shape: `[+-]digits` for integers,
/// `[+-](digits[.digits]|.digits)[e[+-]digits]` for decimals.
pub fn is_valid(s: &str, shape: Shape) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if shape == Shape::Integer {
        return int_digits > 0 && i == b.len();
    }
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let f = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - f;
    }
    if int_digits + frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let e = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == e {
            return false;
        }
    }
    i == b.len()
}

/// EDFlib's `edflib_atoi_nonlocalized`: optional sign, then digits up to the first non-digit.
/// Wrapping arithmetic mirrors C int overflow only for absurd inputs that validation rejects.
pub fn edflib_atoi(s: &str) -> i64 {
    let b = s.trim_start_matches(' ').as_bytes();
    let (sign, digits) = match b.first() {
        Some(b'-') => (-1, &b[1..]),
        Some(b'+') => (1, &b[1..]),
        _ => (1, b),
    };
    let mut value: i64 = 0;
    for &c in digits.iter().take_while(|c| c.is_ascii_digit()) {
        value = value.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
    }
    value * sign
}

/// EDFlib's `edflib_atof_nonlocalized`: integer part + (decimals as an integer, signed) / 10^n,
/// then the exponent applied by repeated multiplication or division by 10.
pub fn edflib_atof(s: &str) -> f64 {
    let mut value = edflib_atoi(s) as f64;
    let b = s.trim_start_matches(' ').as_bytes();
    let mut i = 0;
    let mut sign = 1i64;
    if matches!(b.first(), Some(b'+' | b'-')) {
        if b[0] == b'-' {
            sign = -1;
        }
        i = 1;
    }
    let mut dot_pos: Option<usize> = None;
    let mut decimals = 0u32;
    let mut exp_pos: Option<usize> = None;
    while i < b.len() {
        let c = b[i];
        if c == b'e' || c == b'E' {
            exp_pos = Some(i);
            break;
        }
        if !c.is_ascii_digit() && c != b'.' {
            break;
        }
        if dot_pos.is_some() {
            if c.is_ascii_digit() {
                decimals += 1;
            } else {
                break;
            }
        }
        if c == b'.' && dot_pos.is_none() {
            dot_pos = Some(i);
        }
        i += 1;
    }
    if let (Some(dot), true) = (dot_pos, decimals > 0) {
        let frac = std::str::from_utf8(&b[dot + 1..]).unwrap_or("");
        let value2 = (edflib_atoi(frac) * sign) as f64;
        let scale = 10i64.checked_pow(decimals).unwrap_or(i64::MAX) as f64;
        value += value2 / scale;
    }
    if let Some(e) = exp_pos {
        let rest = std::str::from_utf8(&b[e + 1..]).unwrap_or("");
        let (exp_sign, digits) = match rest.as_bytes().first() {
            Some(b'-') => (-1, &rest[1..]),
            Some(b'+') => (1, &rest[1..]),
            _ => (1, rest),
        };
        let exp_val = edflib_atoi(digits).clamp(0, 400);
        for _ in 0..exp_val {
            if exp_sign > 0 {
                value *= 10.0;
            } else {
                value /= 10.0;
            }
        }
    }
    value
}

/// A decimal number of seconds as an exact count of 100 ns units (EDF+ time resolution in
/// EDFlib), for record durations and TAL onsets; `None` if it does not fit or is malformed.
pub fn seconds_to_100ns(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut units = whole.checked_mul(10_000_000)?;
    let mut scale = 1_000_000;
    for c in frac.bytes().take(7) {
        units = units.checked_add(i64::from(c - b'0') * scale)?;
        scale /= 10;
    }
    Some(if neg { -units } else { units })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_shapes() {
        for ok in ["1", "-1", "+12", "0.5", "-.5", "1.", "1e3", "-2.5E-3"] {
            assert!(is_valid(ok, Shape::Decimal), "{ok}");
        }
        for bad in ["", "-", ".", "1x", "e3", "1e", "1.2.3", "--1", "1 2"] {
            assert!(!is_valid(bad, Shape::Decimal), "{bad}");
        }
        assert!(is_valid("-32768", Shape::Integer));
        assert!(!is_valid("1.0", Shape::Integer));
    }

    #[test]
    fn atof_follows_edflib() {
        assert_eq!(edflib_atof("-0.5"), -0.5);
        assert_eq!(edflib_atof("8711"), 8711.0);
        assert_eq!(edflib_atof("-15750.9"), -15750.0 + (-9.0 / 10.0));
        assert_eq!(edflib_atof("1.5e2"), 150.0);
        assert_eq!(edflib_atof("  3.25"), 3.25);
    }

    #[test]
    fn seconds_in_100ns() {
        assert_eq!(seconds_to_100ns("+0.3945312"), Some(3_945_312));
        assert_eq!(seconds_to_100ns("9.59375"), Some(95_937_500));
        assert_eq!(seconds_to_100ns("-1.5"), Some(-15_000_000));
        assert_eq!(seconds_to_100ns("+.5"), Some(5_000_000));
        assert_eq!(seconds_to_100ns("+"), None);
        assert_eq!(seconds_to_100ns("1e3"), None);
    }
}
