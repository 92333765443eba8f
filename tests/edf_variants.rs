//! EDF-family variants the corpus lacks, written with sigmark's writer: EDF+D with real gaps,
//! BDF+, sub-second starts, windows across gaps.

mod common;

use sigmark::formats::edf::writer::Plus;
use sigmark::Format;

#[test]
fn edf_plus_d_gaps_are_real_gaps_on_the_time_axis() {
    let mut spec = common::spec(false, Some(Plus::Discontinuous), 5);
    // Records at 0, 1, 2 s, then a 7-second gap, then 10 and 11 s.
    spec.record_onsets_100ns = vec![0, 10_000_000, 20_000_000, 100_000_000, 110_000_000];
    let rec = common::open(common::bytes(&spec)).unwrap();
    assert_eq!(rec.format, Format::EdfPlusD);
    assert_eq!(rec.segments.len(), 2);
    assert_eq!(
        (rec.segments[0].start_s, rec.segments[0].duration_s),
        (0.0, 3.0)
    );
    assert_eq!(
        (rec.segments[1].start_s, rec.segments[1].duration_s),
        (10.0, 2.0)
    );
    assert_eq!(rec.duration_s, 12.0);
    // Fp1 has 8 samples per 1-s record: sample 24 is the first of record 3, at 10 s.
    assert_eq!(rec.sample_time(0, 23), 2.875);
    assert_eq!(rec.sample_time(0, 24), 10.0);
    assert_eq!(rec.sample_at_or_after(0, 5.0), 24);
    // A window over the gap returns only the samples that exist, starting after it.
    let w = rec.read_window(0, 2.5, 8.0).unwrap();
    assert_eq!(w.first_sample, 20);
    assert_eq!(w.values.len(), 4 + 4);
    let digital = rec.read_digital(0, 24, 1).unwrap().unwrap();
    assert_eq!(digital[0], common::value(3, 0, 0));
}

#[test]
fn bdf_plus_values_and_annotations() {
    let spec = common::spec(true, Some(Plus::Continuous), 3);
    let rec = common::open(common::bytes(&spec)).unwrap();
    assert_eq!(rec.format, Format::BdfPlusC);
    assert_eq!(rec.channels.len(), 2);
    assert_eq!(rec.channels[1].rate_hz, 4.0);
    let d = rec.read_digital(1, 0, 12).unwrap().unwrap();
    assert_eq!(d[5], common::value(1, 1, 1));
    assert_eq!(rec.annotations.len(), 1);
    assert_eq!(rec.annotations[0].onset_s, 1.5);
    assert_eq!(rec.annotations[0].duration_s, Some(0.5));
    assert_eq!(rec.start.unwrap().to_string(), "2002-03-02T13:14:15");
}

#[test]
fn sub_second_start_moves_the_clock_and_the_onsets() {
    let mut spec = common::spec(false, Some(Plus::Continuous), 3);
    spec.start_offset_100ns = 2_500_000;
    spec.annotations[0].onset_100ns = 12_500_000;
    let rec = common::open(common::bytes(&spec)).unwrap();
    assert_eq!(rec.start.unwrap().to_string(), "2002-03-02T13:14:15.25");
    assert_eq!(rec.annotations[0].onset_s, 1.0);
}

#[test]
fn plain_edf_statistics_match_a_full_read() {
    let spec = common::spec(false, None, 4);
    let rec = common::open(common::bytes(&spec)).unwrap();
    assert_eq!(rec.format, Format::Edf);
    let stats = rec.all_stats().unwrap();
    for (ch, st) in stats.iter().enumerate() {
        let all = rec
            .read_samples(ch, 0, rec.channels[ch].samples as usize)
            .unwrap();
        let sum: f64 = all.iter().sum();
        assert!(
            (st.sum - sum).abs() < 1e-9 * sum.abs().max(1.0),
            "{} vs {sum}",
            st.sum
        );
        assert_eq!(st.min, all.iter().copied().fold(f64::INFINITY, f64::min));
        assert_eq!(st.n, all.len() as u64);
        assert_eq!(*st, rec.channel_stats(ch).unwrap());
    }
}

#[test]
fn four_digit_year_of_the_recording_field_wins_in_edf_plus() {
    let mut spec = common::spec(false, Some(Plus::Continuous), 1);
    spec.start = chrono::NaiveDate::from_ymd_opt(2090, 5, 6)
        .and_then(|d| d.and_hms_opt(1, 2, 3))
        .unwrap();
    spec.recording = "Startdate 06-MAY-2090 X X X".into();
    let rec = common::open(common::bytes(&spec)).unwrap();
    // The header's "90" alone would clip to 1990.
    assert_eq!(rec.start.unwrap().to_string(), "2090-05-06T01:02:03");
}

/// Byte offset of field `k` (0 = label .. 9 = reserved) of signal `i` in a header of `ns` signals.
fn signal_field(ns: usize, k: usize, i: usize) -> usize {
    const WIDTHS: [usize; 10] = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32];
    256 + WIDTHS[..k].iter().sum::<usize>() * ns + WIDTHS[k] * i
}

fn put(b: &mut [u8], offset: usize, text: &[u8], width: usize) {
    let mut field = text.to_vec();
    field.resize(width, b' ');
    b[offset..offset + width].copy_from_slice(&field);
}

#[test]
fn truncated_file_opens_its_complete_records_with_a_note() {
    for bdf in [false, true] {
        let spec = common::spec(bdf, Some(Plus::Continuous), 5);
        let full = common::bytes(&spec);
        let whole = common::open(full.clone()).unwrap();
        let header = 256 * 4;
        let record = (full.len() - header) / 5;
        // Cut at a record boundary (3 records left), and inside the last record (4 left).
        for (cut, kept) in [(2 * record, 3u64), (10, 4)] {
            let mut b = full.clone();
            b.truncate(full.len() - cut);
            let rec = common::open(b).unwrap();
            println!(
                "bdf={bdf} cut {cut} bytes: {} records, notes {:?}",
                rec.records, rec.notes
            );
            assert_eq!(rec.records, kept);
            let note = rec.notes.iter().find(|n| n.starts_with("truncated"));
            let note = note.unwrap_or_else(|| panic!("no truncation note in {:?}", rec.notes));
            assert!(
                note.contains(&format!(
                    "declares 5 data records but the file holds {kept} complete"
                )),
                "{note}"
            );
            assert_eq!(
                note.contains("bytes of the next"),
                cut % record != 0,
                "{note}"
            );
            for ch in 0..rec.channels.len() {
                let n = rec.channels[ch].samples as usize;
                assert_eq!(n as u64, kept * rec.channels[ch].samples_per_record);
                let got = rec.read_digital(ch, 0, n).unwrap().unwrap();
                let want = whole.read_digital(ch, 0, n).unwrap().unwrap();
                println!("  channel {ch}: {n} digital values compared with the untruncated file");
                assert_eq!(got, want);
                assert_eq!(
                    rec.read_samples(ch, 0, n).unwrap(),
                    whole.read_samples(ch, 0, n).unwrap()
                );
            }
            assert_eq!(rec.annotations, whole.annotations);
            assert_eq!(rec.duration_s, kept as f64);
        }
    }
}

#[test]
fn digital_maximum_beyond_16_bits_is_read_as_twos_complement_with_a_note() {
    // ResMed STR.edf: PatientHours declares digital 0..65534, physical 0..65534, and stores
    // 0xFFFF for "no value". EDF stores 2-byte two's complement: that word is -1.
    let mut spec = common::spec(false, None, 2);
    spec.signals[0].digital_min = 0;
    spec.signals[0].physical_min = 0.0;
    let mut b = common::bytes(&spec);
    put(&mut b, signal_field(2, 4, 0), b"65534", 8);
    put(&mut b, signal_field(2, 6, 0), b"65534", 8);
    let first = 256 * 3;
    b[first..first + 2].copy_from_slice(&[0xff, 0xff]);
    let rec = common::open(b).unwrap();
    println!("notes {:?}", rec.notes);
    assert_eq!(rec.channels[0].digital_max, Some(65534));
    let d = rec.read_digital(0, 0, 2).unwrap().unwrap();
    let p = rec.read_samples(0, 0, 2).unwrap();
    println!("digital {d:?} physical {p:?}");
    assert_eq!(d, vec![-1, common::value(0, 0, 1)]);
    assert_eq!(p, vec![-1.0, f64::from(common::value(0, 0, 1))]);
    assert!(
        rec.notes
            .iter()
            .any(|n| n.contains("signal 1 (Fp1) 0..65534") && n.contains("0xFFFF reads as -1")),
        "{:?}",
        rec.notes
    );
}

#[test]
fn utf8_in_a_header_field_is_shown_as_utf8_with_a_note() {
    let mut b = common::bytes(&common::spec(false, None, 1));
    put(&mut b, signal_field(2, 2, 0), "\u{b0}C".as_bytes(), 8);
    put(&mut b, signal_field(2, 2, 1), b"\xb5V", 8); // Latin-1 micro sign, not UTF-8
    let rec = common::open(b).unwrap();
    println!(
        "units {:?} {:?}, notes {:?}",
        rec.channels[0].unit, rec.channels[1].unit, rec.notes
    );
    assert_eq!(rec.channels[0].unit, "\u{b0}C");
    assert_eq!(rec.channels[1].unit, "\u{b5}V");
    assert!(
        rec.notes
            .iter()
            .any(|n| n.starts_with("2 header text field(s)")
                && n.contains("physical dimension of signal 1")),
        "{:?}",
        rec.notes
    );
}

#[test]
fn edf_plus_records_of_duration_0_with_an_ordinary_signal_open_with_a_note() {
    // ResMed EVE.edf: EDF+D, duration 0, a Crc16 signal beside the annotations.
    let mut spec = common::spec(false, Some(Plus::Discontinuous), 3);
    spec.record_onsets_100ns = vec![0, 0, 0];
    spec.annotations[0].onset_100ns = 0;
    let mut b = common::bytes(&spec);
    put(&mut b, 244, b"0", 8);
    let rec = common::open(b).unwrap();
    println!("notes {:?}", rec.notes);
    assert!(
        rec.notes
            .iter()
            .any(|n| n.contains("record duration is 0") && n.contains("(Fp1, ECG)")),
        "{:?}",
        rec.notes
    );
    assert_eq!(rec.channels[1].samples, 12);
    assert_eq!(rec.channels[1].rate_hz, 0.0);
    let d = rec.read_digital(1, 0, 12).unwrap().unwrap();
    assert_eq!(d[5], common::value(1, 1, 1));
    assert_eq!(rec.annotations.len(), 1);
    assert_eq!(rec.annotations[0].text, "spike");
}
