//! Mutated WFDB headers and signal files: an error or a recording, never a panic, a hang or
//! an allocation beyond what the files hold. 10,000+ cases in all (three properties).
//!
//! The base record is built here (no corpus needed): one signal file per packed format and a
//! multi-frame, skewed format-16 file, so mutations reach every decoder.

use std::path::Path;

use proptest::prelude::*;

const FILES: [(&str, u16); 6] = [
    ("a.dat", 16),
    ("b.dat", 212),
    ("c.dat", 310),
    ("d.dat", 311),
    ("e.dat", 8),
    ("f.dat", 24),
];

fn base_header() -> String {
    let mut h = String::from("# patient 1\nr 7 250/1000(3) 120 10:11:12.5 01/02/2003\n");
    h.push_str("a.dat 16x2:1+4 200(10)/mV 16 0 7 0 0 ecg one\n");
    h.push_str("a.dat 16 100/uV 16 0 0 0 0 ecg two\n");
    for (name, fmt) in &FILES[1..] {
        h.push_str(&format!("{name} {fmt} 50 12 0 0 0 0 s{fmt}\n"));
    }
    h
}

fn base_data(fmt: u16) -> Vec<u8> {
    let n = match fmt {
        16 => 4 + 120 * 3 * 2,
        212 => 180,
        310 | 311 => 160,
        8 => 120,
        _ => 360,
    };
    (0..n).map(|i| (i * 37 + 11) as u8).collect()
}

fn write_all(dir: &Path, header: &str, data: &[Vec<u8>]) {
    std::fs::write(dir.join("r.hea"), header).unwrap();
    for ((name, _), bytes) in FILES.iter().zip(data) {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

/// Opens and reads everything a viewer or `info --stats` would.
fn exercise(dir: &Path) {
    let Ok(rec) = sigmark::open(dir.join("r.hea")) else {
        return;
    };
    for ch in 0..rec.channels.len() {
        let n = rec.channels[ch].samples;
        let take = n.min(64) as usize;
        let _ = rec.read_samples(ch, 0, take);
        let _ = rec.read_digital(ch, n.saturating_sub(take as u64), take);
        let _ = rec.read_window(ch, 0.1, 0.2);
    }
    let _ = rec.all_stats();
    let _ = rec.verify();
}

const TOKENS: [&str; 24] = [
    " ",
    "\n",
    "\r\n",
    "#",
    "x",
    ":",
    "+",
    "(",
    ")",
    "/",
    "~",
    "0",
    "1",
    "-1",
    "999",
    "4294967295",
    "18446744073709551615",
    "99999999999999999999",
    "1e308",
    "nan",
    ".",
    "212",
    "\t",
    "é",
];

fn mutate_text(text: &str, edits: &[(usize, usize, u8)]) -> String {
    let mut s: Vec<char> = text.chars().collect();
    for &(pos, tok, op) in edits {
        let at = pos % (s.len() + 1);
        let t: Vec<char> = TOKENS[tok % TOKENS.len()].chars().collect();
        match op % 3 {
            0 => {
                s.splice(at..at, t);
            }
            1 => {
                let end = (at + t.len()).min(s.len());
                s.splice(at..end, t);
            }
            _ => {
                let end = (at + 1 + tok % 6).min(s.len());
                s.drain(at..end);
            }
        }
    }
    s.into_iter().collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_headers_never_panic(edits in prop::collection::vec((0usize..2000, 0usize..64, 0u8..3), 1..6)) {
        let d = tempfile::tempdir().unwrap();
        let data: Vec<Vec<u8>> = FILES.iter().map(|(_, f)| base_data(*f)).collect();
        write_all(d.path(), &mutate_text(&base_header(), &edits), &data);
        exercise(d.path());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_signal_files_never_panic(
        file in 0usize..6,
        cut in 0usize..400,
        flips in prop::collection::vec((0usize..400, any::<u8>()), 0..20),
    ) {
        let d = tempfile::tempdir().unwrap();
        let mut data: Vec<Vec<u8>> = FILES.iter().map(|(_, f)| base_data(*f)).collect();
        let bytes = &mut data[file];
        for (at, v) in flips {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = v;
            }
        }
        bytes.truncate(cut);
        write_all(d.path(), &base_header(), &data);
        exercise(d.path());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Multi-segment headers with mutated segment lines (gaps, missing segments, huge lengths).
    #[test]
    fn mutated_multi_segment_headers_never_panic(edits in prop::collection::vec((0usize..200, 0usize..64, 0u8..3), 1..5)) {
        let d = tempfile::tempdir().unwrap();
        let data: Vec<Vec<u8>> = FILES.iter().map(|(_, f)| base_data(*f)).collect();
        write_all(d.path(), &base_header(), &data);
        let master = "m/4 2 250 400\nr 120\n~ 100\nr 120\nnone 60\n";
        std::fs::write(d.path().join("m.hea"), mutate_text(master, &edits)).unwrap();
        if let Ok(rec) = sigmark::open(d.path().join("m.hea")) {
            for ch in 0..rec.channels.len() {
                let _ = rec.read_samples(ch, 0, rec.channels[ch].samples.min(500) as usize);
            }
            let _ = rec.all_stats();
        }
    }
}

#[test]
fn the_unmutated_base_record_opens_and_reads() {
    let d = tempfile::tempdir().unwrap();
    let data: Vec<Vec<u8>> = FILES.iter().map(|(_, f)| base_data(*f)).collect();
    write_all(d.path(), &base_header(), &data);
    let rec = sigmark::open(d.path().join("r.hea")).unwrap();
    println!("{} channels, {:?}", rec.channels.len(), rec.notes);
    assert_eq!(rec.channels.len(), 7);
    assert_eq!(rec.channels[0].samples, 240);
    assert!(rec.all_stats().unwrap().iter().all(|s| s.n > 0));
}
