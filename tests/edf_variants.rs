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
