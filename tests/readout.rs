//! The cursor readout (issue 13, values): each lane's recorded value at the cursor beside its
//! label, and the selected lane's range in view in the status bar, checked against the samples
//! the reader returns (which tests/conformance.rs holds equal to EDFlib's).

mod common;

use common::app::{frame_text, press, AppBuilder};
use sigmark::tui::prepare::readout::range_of;
use sigmark::tui::widgets::gutter::label_row;
use sigmark::tui::App;

/// Each term's sample nearest the cursor, summed with its weight: what the lane's value must be.
fn expected(app: &App, lane: usize) -> f64 {
    let l = &app.lanes[lane];
    let k = (app.view.cursor_s * l.rate_hz).round() as u64;
    l.derivation
        .terms
        .iter()
        .map(|&(ch, w)| w * app.rec.read_samples(ch, k, 1).unwrap()[0])
        .sum()
}

fn check_values(app: &mut App, what: &str) {
    frame_text(app, 200, 60);
    let shown = app.prepared.lanes.shown.clone();
    assert!(!shown.is_empty());
    for (row, &i) in shown.iter().enumerate() {
        let got = app.prepared.readout.values[row].expect("a value at the cursor");
        let want = expected(app, i);
        println!(
            "{what}: {} at {:.4} s: readout {got} reader {want}",
            app.lanes[i].label, app.view.cursor_s
        );
        assert!(
            (got - want).abs() <= 1e-12 * want.abs().max(1.0),
            "{got} vs {want}"
        );
    }
}

#[test]
fn every_lane_reads_its_recorded_value_at_the_cursor() {
    let mut app = AppBuilder::demo("demo_ecg.edf").build();
    check_values(&mut app, "ECG at the start");
    for key in ["right", "right", "right", "pagedown", "right"] {
        press(&mut app, key);
    }
    check_values(&mut app, "ECG after moving");
    // The value is drawn beside the lane's label.
    let text = frame_text(&mut app, 200, 60);
    let first = app.prepared.lanes.shown[0];
    let v = app.prepared.readout.values[0].unwrap();
    let row = label_row(&app.lanes[first].label, Some(v), 13);
    assert!(text.contains(&row), "{row:?} not on screen:\n{text}");
}

#[test]
fn a_bipolar_lane_reads_the_difference_of_its_electrodes() {
    let mut app = AppBuilder::demo("demo_eeg.bdf")
        .montage("double_banana")
        .build();
    press(&mut app, "pagedown");
    let bipolar = app
        .lanes
        .iter()
        .filter(|l| l.derivation.terms.len() == 2)
        .count();
    assert!(bipolar > 0, "the montage has bipolar lanes");
    check_values(&mut app, "EEG double banana");
}

#[test]
fn zoomed_out_there_is_no_single_sample_to_read() {
    let mut app = AppBuilder::demo("demo_ecg.edf").build();
    press(&mut app, "Z");
    frame_text(&mut app, 200, 60);
    println!(
        "span {} s: {:?}",
        app.view.span_s, app.prepared.readout.values
    );
    assert!(app.prepared.readout.values.iter().all(Option::is_none));
}

#[test]
fn the_status_bar_gives_the_selected_lanes_range_in_view() {
    let mut app = AppBuilder::demo("demo_ecg.edf").build();
    let text = frame_text(&mut app, 200, 60);
    let p = &app.prepared;
    let (lo, hi) = range_of(&p.lanes.cols[p.lanes.selected_row]).unwrap();
    assert_eq!(p.readout.selected_range, Some((lo, hi)));
    assert!(lo < hi, "an ECG lane spans a range: {lo}..{hi}");
    let status = text.lines().last().unwrap_or_default();
    println!("{status}");
    assert!(status.contains(", in view "), "{status}");
}

#[test]
fn the_label_gives_way_to_the_value_but_not_below_four_characters() {
    assert_eq!(label_row("ECG I", Some(0.123), 13), "ECG I    0.12");
    assert_eq!(
        label_row("EEG Fp1-F7 long", Some(-12.5), 13),
        "EEG Fp1 -12.5"
    );
    assert_eq!(label_row("ECG I", None, 13), "ECG I        ");
    // No room for both: the label alone, as before.
    assert_eq!(label_row("ECG II", Some(123_456.0), 8), "ECG II  ");
}
