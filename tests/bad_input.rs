//! Damaged and hostile EDF-family files: each gets a specific error (file, field or offset,
//! what was expected), never a panic; and property tests that mutate valid files.

mod common;

use proptest::prelude::*;
use sigmark::formats::edf::writer::Plus;

fn base() -> Vec<u8> {
    common::bytes(&common::spec(false, Some(Plus::Continuous), 3))
}

fn err(bytes: Vec<u8>) -> String {
    match common::open(bytes) {
        Ok(_) => panic!("a damaged file opened without error"),
        Err(e) => e.to_string(),
    }
}

fn put(b: &mut [u8], offset: usize, text: &str, width: usize) {
    let mut field = text.as_bytes().to_vec();
    field.resize(width, b' ');
    b[offset..offset + width].copy_from_slice(&field);
}

#[test]
fn truncated_file_without_one_complete_record_names_the_missing_bytes() {
    // A file cut inside its last records opens them (tests/edf_variants.rs); one cut inside
    // the first record has nothing to open.
    let mut b = base();
    let record = (b.len() - 256 * 4) / 3;
    b.truncate(256 * 4 + 10);
    let missing = 3 * record - 10;
    let e = err(b);
    println!("{e}");
    assert!(
        e.contains("test.edf")
            && e.contains(&format!("truncated: {missing} bytes missing"))
            && e.contains("not one complete data record"),
        "{e}"
    );
}

#[test]
fn digital_maximum_beyond_even_unsigned_16_bits_names_field_and_offset() {
    // 65535 is what an unsigned 16-bit writer can mean (read with a note); 65536 is not.
    let mut b = base();
    let at = 256 + 3 * 128;
    put(&mut b, at, "65536", 8);
    let e = err(b);
    println!("{e}");
    assert!(
        e.contains("digital maximum of signal 1")
            && e.contains(&format!("byte {at}"))
            && e.contains("up to 65535"),
        "{e}"
    );
}

#[test]
fn record_duration_0_with_signals_in_plain_edf_is_an_error() {
    // EDF+ records carry their onsets, so EDF+ is read with a note; plain EDF has none.
    let mut b = common::bytes(&common::spec(false, None, 2));
    put(&mut b, 244, "0", 8);
    let e = err(b);
    println!("{e}");
    assert!(
        e.contains("duration of a data record") && e.contains("byte 244"),
        "{e}"
    );
}

#[test]
fn extra_bytes_after_the_last_record() {
    let mut b = base();
    b.extend_from_slice(&[0; 7]);
    let e = err(b);
    assert!(e.contains("7 bytes after the last record"), "{e}");
}

#[test]
fn zero_and_negative_record_counts() {
    for n in ["0", "-5"] {
        let mut b = base();
        put(&mut b, 236, n, 8);
        let e = err(b);
        assert!(
            e.contains("number of data records") && e.contains("byte 236"),
            "{e}"
        );
    }
}

#[test]
fn unknown_record_count_is_taken_from_the_file_size() {
    let mut b = base();
    put(&mut b, 236, "-1", 8);
    let rec = common::open(b).unwrap();
    assert_eq!(rec.records, 3);
    assert!(
        rec.notes.iter().any(|n| n.contains("-1")),
        "{:?}",
        rec.notes
    );
}

#[test]
fn non_numeric_fields_name_the_field_and_offset() {
    let mut b = base();
    put(&mut b, 244, "one", 8);
    let e = err(b);
    assert!(
        e.contains("duration of a data record") && e.contains("byte 244") && e.contains("\"one"),
        "{e}"
    );
    // physical minimum of signal 1: after 256 + 3 signals x (16 + 80 + 8) bytes.
    let mut b = base();
    put(&mut b, 256 + 3 * 104, "1,5", 8);
    let e = err(b);
    assert!(e.contains("physical minimum of signal 1"), "{e}");
}

#[test]
fn absurd_channel_counts_are_refused_before_any_allocation() {
    for n in ["9999", "0", "-1", "abc"] {
        let mut b = base();
        put(&mut b, 252, n, 4);
        let e = err(b);
        assert!(e.contains("number of signals"), "{n}: {e}");
    }
}

#[test]
fn absurd_samples_per_record_is_a_size_error_not_an_allocation() {
    let mut b = base();
    // samples per record of signal 1
    put(&mut b, 256 + 3 * 216, "99999999", 8);
    let e = err(b);
    assert!(e.contains("does not match the header"), "{e}");
}

#[test]
fn header_size_must_match_the_signal_count() {
    let mut b = base();
    put(&mut b, 184, "2048", 8);
    let e = err(b);
    assert!(
        e.contains("number of bytes in header record") && e.contains("1024 (256 x"),
        "{e}"
    );
}

#[test]
fn digital_range_must_be_ordered() {
    let mut b = base();
    put(&mut b, 256 + 3 * 120, "40000", 8);
    let e = err(b);
    assert!(
        e.contains("digital minimum of signal 1") && e.contains("16-bit"),
        "{e}"
    );
}

#[test]
fn broken_tal_bytes_name_the_record_and_byte() {
    let mut b = base();
    let header = 256 * 4;
    let hb = b.len() - header;
    assert_eq!(hb % 3, 0);
    let rec_bytes = hb / 3;
    let tal_start = header + rec_bytes + (8 + 4) * 2;
    b[tal_start] = b'x';
    let e = err(b);
    assert!(e.contains("data record 1") && e.contains("onset"), "{e}");
}

#[test]
fn not_an_edf_at_all() {
    let e =
        err(b"hello, this is not a recording at all, but long enough to be a header?".repeat(8));
    assert!(e.contains("version"), "{e}");
}

/// Opens, and when that succeeds reads every sample and the statistics: nothing may panic.
fn exercise(bytes: Vec<u8>) {
    if let Ok(rec) = common::open(bytes) {
        for ch in 0..rec.channels.len() {
            let n = rec.channels[ch].samples.min(1 << 16) as usize;
            let _ = rec.read_samples(ch, 0, n);
            let _ = rec.read_window(ch, 0.5, 2.0);
            let _ = rec.sample_time(ch, n as u64);
        }
        let _ = rec.all_stats();
        let _ = rec.start.map(|s| s.iso_after(1e300));
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut d = common::spec(false, Some(Plus::Discontinuous), 4);
    d.record_onsets_100ns = vec![0, 10_000_000, 50_000_000, 60_000_000];
    vec![
        base(),
        common::bytes(&common::spec(true, Some(Plus::Continuous), 2)),
        common::bytes(&common::spec(false, None, 2)),
        common::bytes(&d),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, bit: u8 },
    Truncate { keep: usize },
    Field { at: usize, text: String },
    Append { bytes: Vec<u8> },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (0usize..4096, 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        1 => (0usize..4096).prop_map(|keep| Mutation::Truncate { keep }),
        // Rewrites inside the header, mostly at field boundaries, with numbers and junk.
        4 => (0usize..1280, "[ +\\-0-9.eE]{0,8}|[\\x00-\\xff]{0,8}").prop_map(|(at, text)| Mutation::Field { at, text }),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(|bytes| Mutation::Append { bytes }),
    ]
}

fn apply(mut b: Vec<u8>, m: &Mutation) -> Vec<u8> {
    match m {
        Mutation::Flip { at, bit } => {
            let n = b.len();
            if n > 0 {
                b[at % n] ^= 1 << bit;
            }
        }
        Mutation::Truncate { keep } => b.truncate(keep % (b.len() + 1)),
        Mutation::Field { at, text } => {
            let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
            for (k, &c) in bytes.iter().enumerate() {
                if let Some(slot) = b.get_mut(at + k) {
                    *slot = c;
                }
            }
        }
        Mutation::Append { bytes } => b.extend_from_slice(bytes),
    }
    b
}

proptest! {
    // 10,000 cases as the robustness bar asks; each case opens a small file from memory.
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn mutated_files_give_ok_or_a_typed_error(
        seed in 0usize..4,
        muts in proptest::collection::vec(mutation(), 1..4),
    ) {
        let mut b = seeds().swap_remove(seed);
        for m in &muts {
            b = apply(b, m);
        }
        exercise(b);
    }
}

#[test]
fn corpus_files_survive_mutation() {
    // The same mutations over real files from the corpus, when it is present.
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
        });
    let files = [
        "edf/subsecond_starttime_inverted_range.edf",
        "edf/persyst_duplicate_channel_labels.edf",
        "edf/sleepedf_SC4001EC-Hypnogram.edf",
        "bdf/sleepedf_SC4001EC-Hypnogram_bdfplus.bdf",
        "lenient/resmed_as11_EVE.edf",
    ];
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(500));
    for f in files {
        let Ok(bytes) = std::fs::read(dir.join(f)) else {
            eprintln!("corpus file {f} not found; skipped");
            continue;
        };
        runner
            .run(&proptest::collection::vec(mutation(), 1..4), |muts| {
                let mut b = bytes.clone();
                for m in &muts {
                    b = apply(b, m);
                }
                exercise(b);
                Ok(())
            })
            .unwrap();
    }
}
