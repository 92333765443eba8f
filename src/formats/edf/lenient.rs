//! Departures from the EDF/BDF specifications that real devices write and that can still be read
//! without guessing. Each is accepted with a note (`Recording::notes`, `info --json` `notes`)
//! that names what was unusual; everything else stays an error naming the field and byte offset.
//!
//! Seen in the field: ResMed AirSense `STR.edf` (a digital maximum of 65534, `°C` in UTF-8 in
//! the physical dimension), ResMed `EVE.edf` (EDF+D with records of duration 0 that carry a
//! `Crc16` signal beside the annotations), and recordings cut short by a full disk or an
//! interrupted copy (the last records missing).

/// What was accepted while the header was parsed, gathered so that a hostile header with
/// thousands of signals gives one note per kind of departure, not one per field.
#[derive(Debug, Default)]
pub struct Departures {
    /// Text fields holding bytes outside printable ASCII: (field name, value as read).
    pub non_ascii: Vec<(String, String)>,
    /// Signals whose digital range reaches beyond what a stored sample can hold:
    /// (signal number from 1, label, digital minimum, digital maximum).
    pub wide_digital: Vec<(usize, String, i64, i64)>,
}

/// Header text fields. EDF (1992) makes the header ASCII and EDF+ (section 2.1.3.1) says "only
/// printable US-ASCII characters (byte values 32..126)". Some writers put UTF-8 there anyway
/// (ResMed: `°C` as bytes C2 B0 43): a field that is valid UTF-8 is read as UTF-8, so the user
/// sees `°C`; any other byte is read as Latin-1, which keeps it visible instead of failing.
/// Returns the text (trailing padding removed) and whether a byte was not printable ASCII.
pub fn header_text(bytes: &[u8]) -> (String, bool) {
    let unusual = bytes.iter().any(|&b| !(32..=126).contains(&b));
    let text = match std::str::from_utf8(bytes) {
        Ok(s) if unusual => s.to_owned(),
        _ => bytes.iter().map(|&c| char::from(c)).collect(),
    };
    (text.trim_end_matches(' ').to_owned(), unusual)
}

/// The digital range a header may declare.
///
/// EDF spec (Kemp et al. 1992), data record: "Each sample value is represented as a 2-byte
/// integer in 2's complement format"; BDF stores 3 bytes the same way. So a stored sample is
/// always in -32768..32767 (BDF: -8388608..8388607) whatever the header says: a digital maximum of
/// 65534 (ResMed's `PatientHours`) cannot be reached, and the word 0xFFFF that ResMed writes for
/// "no value" is -1. The reference decoder of the corpus reads the samples exactly so (two's
/// complement, then `(d - dmin) * (pmax - pmin) / (dmax - dmin) + pmin` with the declared range),
/// and sigmark does the same: the declared range only sets the gain, and the samples outside it
/// are kept, not clipped (as EDFlib does for in-spec files). A range an unsigned writer could mean
/// (up to 2^16 - 1, BDF 2^24 - 1) is accepted with a note; beyond that the header contradicts
/// itself and stays an error.
///
/// Returns (lowest accepted, highest a sample can hold, highest accepted).
pub fn digital_limits(bdf: bool) -> (i64, i64, i64) {
    if bdf {
        (-8_388_608, 8_388_607, 16_777_215)
    } else {
        (-32_768, 32_767, 65_535)
    }
}

impl Departures {
    /// One note per kind of departure, naming at most a few of the fields concerned.
    pub fn notes(&self, bdf: bool) -> Vec<String> {
        let mut out = Vec::new();
        if !self.non_ascii.is_empty() {
            let shown: Vec<String> = self
                .non_ascii
                .iter()
                .take(4)
                .map(|(f, v)| format!("{f} {v:?}"))
                .collect();
            out.push(format!(
                "{} header text field(s) hold bytes outside printable ASCII, which EDF does not allow; read as UTF-8 where valid, else Latin-1: {}{}",
                self.non_ascii.len(),
                shown.join(", "),
                more(self.non_ascii.len(), 4)
            ));
        }
        if !self.wide_digital.is_empty() {
            let (_, hi, _) = digital_limits(bdf);
            let bits = if bdf { 24 } else { 16 };
            let shown: Vec<String> = self
                .wide_digital
                .iter()
                .take(4)
                .map(|(i, l, lo, hi)| format!("signal {i} ({l}) {lo}..{hi}"))
                .collect();
            out.push(format!(
                "digital range beyond the {bits}-bit two's complement samples the format stores (at most {hi}): {}{}; samples are read as {bits}-bit two's complement as the specification defines (a stored {} reads as -1) and converted with the declared range",
                shown.join(", "),
                more(self.wide_digital.len(), 4),
                if bdf { "0xFFFFFF" } else { "0xFFFF" }
            ));
        }
        out
    }
}

fn more(n: usize, shown: usize) -> String {
    if n > shown {
        format!(" and {} more", n - shown)
    } else {
        String::new()
    }
}

/// The note for a file whose last records are missing (at least one record is complete).
pub fn truncation_note(declared: u64, whole: u64, partial: u64, missing: Option<u64>) -> String {
    let part = if partial > 0 {
        format!(" and {partial} bytes of the next")
    } else {
        String::new()
    };
    let missing = missing.map_or("the declared size overflows".into(), |m| {
        format!("{m} bytes missing")
    });
    format!(
        "truncated: the header declares {declared} data records but the file holds {whole} complete one(s){part} ({missing}); the {whole} complete record(s) are read"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_reads_utf8_and_falls_back_to_latin1() {
        assert_eq!(header_text(b"uV      "), ("uV".to_string(), false));
        assert_eq!(
            header_text(b"\xc2\xb0C     "),
            ("\u{b0}C".to_string(), true)
        );
        // 0xB5 alone is not UTF-8: Latin-1 micro sign.
        assert_eq!(header_text(b"\xb5V      "), ("\u{b5}V".to_string(), true));
    }

    #[test]
    fn notes_name_the_fields_and_count_the_rest() {
        let d = Departures {
            non_ascii: (0..6)
                .map(|i| (format!("field {i}"), "\u{b0}C".to_string()))
                .collect(),
            wide_digital: vec![(7, "PatientHours".into(), 0, 65534)],
        };
        let notes = d.notes(false);
        println!("{notes:#?}");
        assert_eq!(notes.len(), 2);
        assert!(notes[0].starts_with("6 header") && notes[0].ends_with("and 2 more"));
        assert!(notes[1].contains("signal 7 (PatientHours) 0..65534"));
        assert!(notes[1].contains("0xFFFF reads as -1"));
    }
}
