//! Start times of NWB files in the ISO 8601 forms writers use (issue 11, item 18): the clock as
//! written, the zone said in a note, and a string that is no date-time said in a note too.

use hdf5_writer::{AttributeBuilder, DatasetBuilder, Hdf5Builder, WriteOptions};
use sigmark::{OpenOptions, Recording};

/// A minimal NWB file: one 1-D TimeSeries at 100 Hz and `session_start_time` = `start`.
fn nwb(start: &str) -> tempfile::NamedTempFile {
    let data: Vec<f32> = (0..200).map(|k| k as f32).collect();
    let bytes = Hdf5Builder::new()
        .attribute(AttributeBuilder::fixed_string("nwb_version", "2.5.0"))
        .attribute(AttributeBuilder::fixed_string("neurodata_type", "NWBFile"))
        .dataset(
            DatasetBuilder::vlen_string_data("session_start_time", Vec::<u64>::new(), &[start])
                .unwrap(),
        )
        .dataset(
            DatasetBuilder::typed_data::<f32>("acquisition/ts/data", vec![200u64], &data)
                .unwrap()
                .attribute(AttributeBuilder::fixed_string("unit", "volts")),
        )
        .dataset(
            DatasetBuilder::typed_data::<f64>(
                "acquisition/ts/starting_time",
                Vec::<u64>::new(),
                &[0.0],
            )
            .unwrap()
            .attribute(AttributeBuilder::scalar("rate", 100.0f64).unwrap()),
        )
        .into_plan()
        .unwrap()
        .encode(WriteOptions::default())
        .unwrap();
    let f = tempfile::Builder::new().suffix(".nwb").tempfile().unwrap();
    std::fs::write(f.path(), bytes).unwrap();
    f
}

fn open(start: &str) -> Recording {
    let f = nwb(start);
    sigmark::formats::hdf5::open(f.path(), &OpenOptions::default()).unwrap()
}

#[test]
fn every_iso_form_gives_the_start_as_written() {
    let cases = [
        ("20180301T120000", "2018-03-01T12:00:00"),
        ("20180301T120000.25", "2018-03-01T12:00:00.25"),
        ("2018-03-01T12:00:00", "2018-03-01T12:00:00"),
        ("2018-03-01 12:00:00.123456", "2018-03-01T12:00:00.123456"),
        ("2018-03-01T12:00:00Z", "2018-03-01T12:00:00"),
        ("2018-03-01T12:00:00+01:00", "2018-03-01T12:00:00"),
        ("20180301T120000+0100", "2018-03-01T12:00:00"),
        ("2018-03-01T12:00:00.5-05", "2018-03-01T12:00:00.5"),
        ("2018-03-01", "2018-03-01T00:00:00"),
    ];
    for (written, want) in cases {
        let rec = open(written);
        let got = rec.start.map(|s| s.to_string());
        println!("{written:?}: start {got:?}, notes {:?}", rec.notes);
        assert_eq!(got.as_deref(), Some(want), "{written:?}");
    }
}

#[test]
fn a_zone_is_noted_with_its_utc_time() {
    let rec = open("20180301T230000-0500");
    println!("notes: {:?}", rec.notes);
    let note = rec
        .notes
        .iter()
        .find(|n| n.contains("/session_start_time"))
        .expect("a note on the zone");
    assert!(
        note.contains("zone -05:00") && note.contains("2018-03-02T04:00:00 UTC"),
        "{note}"
    );
    let rec = open("2018-03-01T12:00:00");
    assert!(
        !rec.notes.iter().any(|n| n.contains("session_start_time")),
        "{:?}",
        rec.notes
    );
}

#[test]
fn a_bad_start_string_is_a_note_not_a_silent_absence() {
    for (written, why) in [
        ("March 1st, 2018", "at byte 0: expected a four-digit year"),
        ("2018-02-30T12:00:00", "date 2018-02-30 is out of range"),
        (
            "2018-03-01T12:00:00 EST",
            "at byte 19: expected the end of the date-time",
        ),
    ] {
        let rec = open(written);
        println!("{written:?}: start {:?}, notes {:?}", rec.start, rec.notes);
        assert_eq!(rec.start, None);
        assert!(
            rec.notes.iter().any(|n| n.contains("/session_start_time")
                && n.contains(why)
                && n.contains("no start time")),
            "{written:?}: {:?}",
            rec.notes
        );
    }
}
