//! The MIT annotation code table (WFDB's `ecgcodes.h`, wfdb-python's `ann_label_table`): code,
//! symbol, mnemonic and description; codes 42..=49 are unassigned (a file may define them).

/// Word types above the annotation codes (WFDB `annot(5)`).
pub const SKIP: u8 = 59;
pub const NUM: u8 = 60;
pub const SUB: u8 = 61;
pub const CHN: u8 = 62;
pub const AUX: u8 = 63;
/// The highest code an annotation may carry (`ACMAX` is 49; 50..=58 are free for local use).
pub const MAX_CODE: u8 = 58;

/// `NOTE` (comment annotation, `"`), `RHYTHM` (`+`) and `NOISE` (`~`).
pub const NOTE: u8 = 22;
pub const RHYTHM: u8 = 28;
pub const NOISE: u8 = 14;

/// (code, symbol, mnemonic, description) of every assigned code.
pub const TABLE: [(u8, &str, &str, &str); 40] = [
    (0, " ", "NOTANN", "Not an actual annotation"),
    (1, "N", "NORMAL", "Normal beat"),
    (2, "L", "LBBB", "Left bundle branch block beat"),
    (3, "R", "RBBB", "Right bundle branch block beat"),
    (4, "a", "ABERR", "Aberrated atrial premature beat"),
    (5, "V", "PVC", "Premature ventricular contraction"),
    (6, "F", "FUSION", "Fusion of ventricular and normal beat"),
    (7, "J", "NPC", "Nodal (junctional) premature beat"),
    (8, "A", "APC", "Atrial premature contraction"),
    (9, "S", "SVPB", "Premature or ectopic supraventricular beat"),
    (10, "E", "VESC", "Ventricular escape beat"),
    (11, "j", "NESC", "Nodal (junctional) escape beat"),
    (12, "/", "PACE", "Paced beat"),
    (13, "Q", "UNKNOWN", "Unclassifiable beat"),
    (14, "~", "NOISE", "Signal quality change"),
    (16, "|", "ARFCT", "Isolated QRS-like artifact"),
    (18, "s", "STCH", "ST change"),
    (19, "T", "TCH", "T-wave change"),
    (20, "*", "SYSTOLE", "Systole"),
    (21, "D", "DIASTOLE", "Diastole"),
    (22, "\"", "NOTE", "Comment annotation"),
    (23, "=", "MEASURE", "Measurement annotation"),
    (24, "p", "PWAVE", "P-wave peak"),
    (25, "B", "BBB", "Left or right bundle branch block"),
    (26, "^", "PACESP", "Non-conducted pacer spike"),
    (27, "t", "TWAVE", "T-wave peak"),
    (28, "+", "RHYTHM", "Rhythm change"),
    (29, "u", "UWAVE", "U-wave peak"),
    (30, "?", "LEARN", "Learning"),
    (31, "!", "FLWAV", "Ventricular flutter wave"),
    (32, "[", "VFON", "Start of ventricular flutter/fibrillation"),
    (33, "]", "VFOFF", "End of ventricular flutter/fibrillation"),
    (34, "e", "AESC", "Atrial escape beat"),
    (35, "n", "SVESC", "Supraventricular escape beat"),
    (
        36,
        "@",
        "LINK",
        "Link to external data (aux_note contains URL)",
    ),
    (37, "x", "NAPC", "Non-conducted P-wave (blocked APB)"),
    (38, "f", "PFUS", "Fusion of paced and normal beat"),
    (39, "(", "WFON", "Waveform onset"),
    (40, ")", "WFOFF", "Waveform end"),
    (41, "r", "RONT", "R-on-T premature ventricular contraction"),
];

/// The standard symbol of `code`, if the code is assigned.
pub fn symbol(code: u8) -> Option<&'static str> {
    TABLE.iter().find(|t| t.0 == code).map(|t| t.1)
}

/// The standard code of `symbol` (exact, case-sensitive: `e` and `E` differ).
pub fn code_of(symbol: &str) -> Option<u8> {
    TABLE
        .iter()
        .find(|t| t.0 != 0 && t.1 == symbol)
        .map(|t| t.0)
}

/// True for the codes WFDB's `isqrs` counts as beats.
pub fn is_beat(code: u8) -> bool {
    matches!(code, 1..=13 | 25 | 30 | 34 | 35 | 38 | 41)
}

/// The MIT code for one of sigmark's point labels (the ecg taxonomy's `PVC`, `PAC`, and the
/// MIT symbols themselves), `None` for labels with no beat code.
pub fn code_for_label(label: &str) -> Option<u8> {
    let l = label.trim();
    let by_name = match l.to_ascii_lowercase().as_str() {
        "pvc" | "vpb" | "veb" => Some(5),
        "pac" | "apc" => Some(8),
        "normal" | "beat" => Some(1),
        "fusion" => Some(6),
        "unknown" => Some(13),
        "svpb" | "sveb" => Some(9),
        _ => None,
    };
    by_name.or_else(|| code_of(l).filter(|c| is_beat(*c)))
}

/// The rhythm AUX string (`(AFIB` ...) for one of sigmark's interval labels.
pub fn rhythm_for_label(label: &str) -> Option<&'static str> {
    Some(match label.trim() {
        "AF" => "(AFIB",
        "AFL" => "(AFL",
        "NSR" => "(N",
        "SVT" => "(SVTA",
        "VT" => "(VT",
        "VF" => "(VFL",
        "Bigeminy" => "(B",
        "Trigeminy" => "(T",
        "AVB2" => "(BII",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_and_codes_agree_and_are_distinct() {
        for (c, s, _, _) in TABLE.iter().skip(1) {
            assert_eq!(code_of(s), Some(*c), "{s}");
            assert_eq!(symbol(*c), Some(*s));
        }
        assert_eq!(code_for_label("PVC"), Some(5));
        assert_eq!(code_for_label("PAC"), Some(8));
        assert_eq!(code_for_label("e"), Some(34));
        assert_eq!(code_for_label("E"), Some(10));
        assert_eq!(code_for_label("AF"), None);
        assert_eq!(symbol(42), None);
    }
}
