//! Issue 13, axes: the clock axis names the day across midnight, the hypnogram is a stepped
//! plot, and the spectrogram has a frequency range, a dB range and a colour bar.

mod common;

use chrono::NaiveDate;
use common::app::{frame_text, AppBuilder};
use sigmark::signal::StartTime;
use sigmark::tui::view::View;
use sigmark::tui::widgets::axis;

/// A two-channel recording of `records` one-second records starting at `y-m-d h:m:s`.
fn recording(
    records: u64,
    (y, mo, d): (i32, u32, u32),
    (h, mi, s): (u32, u32, u32),
) -> sigmark::Recording {
    let mut spec = common::spec(
        false,
        Some(sigmark::formats::edf::writer::Plus::Continuous),
        records,
    );
    spec.start = NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .expect("a valid start");
    if (y, mo, d) == (1985, 1, 1) {
        spec.recording = "Startdate X X X X".into();
    }
    spec.signals
        .iter_mut()
        .for_each(|s| s.samples_per_record = 1);
    spec.annotations.clear();
    common::open(common::bytes(&spec)).expect("open the made recording")
}

/// The axis's two rows (offsets, clock) in a frame of `w` x `h`.
fn axis_rows(frame: &str) -> String {
    let lines: Vec<&str> = frame.lines().collect();
    let n = lines.len();
    lines[n.saturating_sub(3)..n - 1].join("\n")
}

#[test]
fn clock_axis_names_the_new_day_after_midnight() {
    // 2002-03-02 (a Saturday) 23:55, viewed over 10 minutes.
    let rec = recording(900, (2002, 3, 2), (23, 55, 0));
    let mut app = AppBuilder::recording(rec).span(600.0).build();
    let frame = frame_text(&mut app, 160, 24);
    let rows = axis_rows(&frame);
    println!("{rows}");
    let clock = rows.lines().nth(1).unwrap_or("");
    let sat = clock.find("23:55:00 Sat 02 Mar");
    let sun = clock.find("00:00:00 Sun 03 Mar");
    println!("Sat at {sat:?}, Sun at {sun:?}");
    assert!(sat.is_some(), "the leftmost tick carries the start day");
    assert!(
        sun.is_some() && sun > sat,
        "the first tick of the new day carries its date"
    );
    assert_eq!(
        clock.matches(" Sun ").count(),
        1,
        "only the first tick of a day"
    );
    assert!(
        clock.contains("|23:57:00"),
        "plain ticks keep their clock time"
    );
    insta::assert_snapshot!("axis_across_midnight", rows);
}

#[test]
fn clock_axis_within_one_day_shows_no_date() {
    let rec = recording(900, (2002, 3, 2), (13, 0, 0));
    let mut app = AppBuilder::recording(rec).span(600.0).build();
    let rows = axis_rows(&frame_text(&mut app, 160, 24));
    println!("{rows}");
    assert!(rows.contains("|13:00:00") && !rows.contains("Sat"));
}

#[test]
fn a_day_long_recording_zoomed_out_numbers_days_when_the_date_is_a_placeholder() {
    // EDF's 01.01.85 stands for an unknown date: days are numbered instead.
    let start = StartTime::from_fields(1985, 1, 1, 20, 0, 0).expect("start");
    let v = View::new(86_400.0, 86_400.0);
    let ticks = axis::ticks(&v, 180, Some(&start), 86_400.0);
    let days: Vec<(f64, &str)> = ticks
        .iter()
        .filter(|t| t.day)
        .map(|t| (t.t, t.clock.as_deref().unwrap_or("")))
        .collect();
    println!("{days:?}");
    assert_eq!(days.len(), 2, "the leftmost tick and the first of day 2");
    assert!(days[0].1.ends_with(" d1") && days[0].0 == 0.0);
    assert!(days[1].1.starts_with("00:00:00 d2"), "{:?}", days[1]);
    assert_eq!(days[1].0, 4.0 * 3600.0);
    // The same day with a real date names it.
    let dated = StartTime::from_fields(2026, 12, 1, 20, 0, 0).expect("start");
    let ticks = axis::ticks(&v, 180, Some(&dated), 86_400.0);
    let named: Vec<&str> = ticks
        .iter()
        .filter(|t| t.day)
        .filter_map(|t| t.clock.as_deref())
        .collect();
    println!("{named:?}");
    assert_eq!(named, ["20:00:00 Tue 01 Dec", "00:00:00 Wed 02 Dec"]);
}

#[test]
fn a_day_long_recording_in_the_viewer_shows_both_days() {
    let rec = recording(86_400, (1985, 1, 1), (20, 0, 0));
    let mut app = AppBuilder::recording(rec).span(86_400.0).build();
    let rows = axis_rows(&frame_text(&mut app, 200, 30));
    println!("{rows}");
    assert!(rows.contains("20:00:00 d1") && rows.contains("00:00:00 d2"));
}
