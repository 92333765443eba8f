//! EEG electrode names as files spell them: "Fp1", "FP1", "EEG Fp1-Ref", "Fp1." and "C3-A2" all
//! name electrode Fp1 / C3. Names follow the 10-20 system (Jasper 1958) and its 10-10 extension
//! (ACNS Guideline 5, 2006), which renamed T3/T4/T5/T6 to T7/T8/P7/P8.

/// (prefix, numbered positions it has, whether it has a midline "z" position), longest
/// prefixes first so "FP1" is not read as "F" + "P1".
const FAMILIES: [(&str, &[u8], bool); 16] = [
    ("FP", &[1, 2], true),
    ("AF", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true),
    ("FT", &[7, 8, 9, 10], false),
    ("FC", &[1, 2, 3, 4, 5, 6], true),
    ("TP", &[7, 8, 9, 10], false),
    ("CP", &[1, 2, 3, 4, 5, 6], true),
    ("PO", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true),
    ("F", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true),
    ("T", &[3, 4, 5, 6, 7, 8, 9, 10], false),
    ("C", &[1, 2, 3, 4, 5, 6], true),
    ("P", &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], true),
    ("O", &[1, 2, 9, 10], true),
    ("I", &[1, 2], true),
    ("N", &[], true),
    // Ear lobes (10-20) and mastoids: the usual reference electrodes.
    ("A", &[1, 2], false),
    ("M", &[1, 2], false),
];

/// The same scalp position under its 10-20 and 10-10 names.
const ALIASES: [(&str, &str); 4] = [("T3", "T7"), ("T4", "T8"), ("T5", "P7"), ("T6", "P8")];

/// What may follow the electrode in a referential channel label ("EEG Fp1-Ref", "C3-A2",
/// "O1-M2", "Fp1-AVG"): the channel is still that electrode, against a common reference.
const REFERENCES: [&str; 12] = [
    "REF", "A1", "A2", "M1", "M2", "LE", "RE", "A1A2", "M1M2", "AVG", "AV", "CAR",
];

/// The canonical spelling ("Fp1", "AFz", "T7") of a bare electrode name in any case, with
/// dots and spaces around it ignored; `None` when it is not a 10-20/10-10 name.
pub(crate) fn canonical(token: &str) -> Option<String> {
    let up = token.trim().trim_matches('.').trim().to_ascii_uppercase();
    let (prefix, nums, midline) = FAMILIES
        .iter()
        .find(|(p, ..)| up.starts_with(p) && up.len() > p.len())?;
    let rest = &up[prefix.len()..];
    let ok = (rest == "Z" && *midline) || rest.parse::<u8>().is_ok_and(|n| nums.contains(&n));
    if !ok || rest.starts_with('0') {
        return None;
    }
    // Two-letter families are capitalised ("AF3", "FC5") except Fp, the 10-20 spelling.
    let head = match *prefix {
        "FP" => "Fp".to_string(),
        p => p.to_string(),
    };
    Some(format!("{head}{}", rest.to_ascii_lowercase()))
}

/// The electrode a channel label records against a common reference ("EEG Fp1-Ref" -> Fp1),
/// or `None` for anything else, including bipolar channels such as "Fp1-F7" (their values are
/// not the electrode's).
pub fn electrode_name(label: &str) -> Option<String> {
    let (electrode, reference) = split_label(label);
    match reference {
        Some(r) if !REFERENCES.contains(&r.to_ascii_uppercase().as_str()) => None,
        _ => canonical(electrode),
    }
}

/// The reference part of a label, upper-case ("REF", "A2"; empty when the label has none).
pub(crate) fn reference_of(label: &str) -> String {
    split_label(label).1.unwrap_or("").to_ascii_uppercase()
}

/// "EEG Fp1-Ref" -> ("Fp1", Some("Ref")); the EDF+ type word "EEG" (EDF+ section 2.1.3.2:
/// labels are "type specification") and trailing dots are dropped.
pub(crate) fn split_label(label: &str) -> (&str, Option<&str>) {
    let t = label.trim().trim_end_matches('.').trim();
    let t = match t.split_once(char::is_whitespace) {
        Some((ty, rest)) if ty.eq_ignore_ascii_case("EEG") => rest.trim(),
        _ => t,
    };
    match t.split_once('-') {
        Some((e, r)) => (e.trim(), Some(r.trim().trim_end_matches('.'))),
        None => (t, None),
    }
}

/// A key equal for two names of one position: the 10-20 name stands for its 10-10 alias.
pub(crate) fn position_key(canonical: &str) -> &str {
    ALIASES
        .iter()
        .find(|(_, new)| *new == canonical)
        .map_or(canonical, |(old, _)| old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_electrode_agree() {
        for label in [
            "EEG Fp1-Ref",
            "Fp1",
            "FP1",
            "EEG FP1-REF",
            "Fp1.",
            "fp1",
            " Fp1 - A2",
        ] {
            assert_eq!(electrode_name(label).as_deref(), Some("Fp1"), "{label}");
        }
        assert_eq!(electrode_name("Fc5.").as_deref(), Some("FC5"));
        assert_eq!(electrode_name("Cz..").as_deref(), Some("Cz"));
        assert_eq!(electrode_name("AFz").as_deref(), Some("AFz"));
    }

    #[test]
    fn non_electrodes_and_bipolar_channels_are_not_electrodes() {
        for label in [
            "Fp1-F7", "ECG", "A3", "F11", "T1", "C03", "EOG Fp1", "", "-", "Status",
        ] {
            assert_eq!(electrode_name(label), None, "{label}");
        }
    }

    #[test]
    fn old_and_new_temporal_names_share_a_key() {
        assert_eq!(position_key("T7"), "T3");
        assert_eq!(position_key("P8"), "T6");
        assert_eq!(position_key("Cz"), "Cz");
    }
}
