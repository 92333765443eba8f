//! Overlapping events of one reader get sub-rows of the reader's lane (issue 13, "Dense
//! recordings"): the row assignment, a frame where an AF label and the beats inside it are
//! all visible, the cap of three rows with `+n`, and the lane back to one row.

mod common;

use common::app::{frame_text, press, type_text, AppBuilder, TestApp};
use sigmark::tui::prepare::subrows::{assign, MAX_ROWS};

const W: u16 = 100;
const H: u16 = 24;

/// Alice marking the demo ECG, the view 100..110 s.
fn marking() -> TestApp {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .labels("ecg")
        .reader("alice")
        .span(10.0)
        .build();
    app.view.jump(105.0);
    app
}

/// Presses the label `key` with the cursor at `t` (inside the view).
fn mark_at(app: &mut TestApp, t: f64, key: &str) {
    app.view.cursor_s = t;
    type_text(app, key);
}

/// AF over 101..109 s and PVC beats inside it, one right where the AF label is drawn.
fn af_with_beats(app: &mut TestApp) -> Vec<f64> {
    mark_at(app, 101.0, "2");
    mark_at(app, 109.0, "2");
    let beats = vec![101.15, 103.0, 105.5, 107.25];
    for &t in &beats {
        mark_at(app, t, "v");
    }
    beats
}

/// The reader lane's rows of the frame (the row its title is on and the sub-rows below).
fn lane_rows(app: &TestApp, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("alice"))
        .expect("the reader's lane");
    let h = usize::from(app.prepared.layout.reader_h);
    lines[first..first + h]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn events(app: &TestApp) -> Vec<(f64, f64, String)> {
    let a = app.annot.as_ref().expect("marking");
    a.store
        .events()
        .iter()
        .map(|e| (e.onset, e.duration, e.label.clone()))
        .collect()
}

#[test]
fn overlapping_intervals_and_points_inside_an_interval_take_rows_in_onset_order() {
    // Two overlapping intervals, a third after the first ends (back on row 0).
    let spans = [(0.0, 10.0), (5.0, 15.0), (11.0, 12.0)];
    let got = assign(&spans, MAX_ROWS);
    println!("{spans:?} -> {got:?}");
    assert_eq!(got, vec![Some(0), Some(1), Some(0)]);
    // Beats inside an AF interval go below it, a beat after it back on row 0.
    let spans = [(0.0, 10.0), (2.0, 2.0), (4.0, 4.0), (12.0, 12.0)];
    let got = assign(&spans, MAX_ROWS);
    println!("{spans:?} -> {got:?}");
    assert_eq!(got, vec![Some(0), Some(1), Some(1), Some(0)]);
}

#[test]
fn rows_are_capped_and_what_does_not_fit_gets_no_row() {
    let spans = [(0.0, 10.0), (1.0, 9.0), (2.0, 8.0), (3.0, 3.0), (4.0, 4.0)];
    let got = assign(&spans, 3);
    println!("{spans:?} -> {got:?}");
    assert_eq!(got, vec![Some(0), Some(1), Some(2), None, None]);
    assert_eq!(assign(&spans, 1), vec![Some(0), None, None, None, None]);
}

#[test]
fn an_af_label_and_every_beat_inside_it_are_visible() {
    let mut app = marking();
    let beats = af_with_beats(&mut app);
    println!("events: {:?}", events(&app));
    assert_eq!(events(&app).len(), 1 + beats.len());
    let text = frame_text(&mut app, W, H);
    println!("{text}");
    let rows = lane_rows(&app, &text);
    println!("reader lane ({} rows):\n{}", rows.len(), rows.join("\n"));
    assert_eq!(
        app.prepared.layout.reader_h, 2,
        "AF on one row, beats below"
    );
    assert!(
        rows[0].contains("├AF"),
        "the AF label is whole: {:?}",
        rows[0]
    );
    let glyphs = rows.iter().map(|r| r.matches('▼').count()).sum::<usize>();
    assert_eq!(glyphs, beats.len(), "every beat's mark is drawn");
    insta::assert_snapshot!("af_with_beats_100x24", text);
}

#[test]
fn beyond_three_rows_a_plus_n_marker_counts_what_is_hidden() {
    let mut app = marking();
    // Three nested intervals fill the rows; two beats inside all of them do not fit.
    for (t0, t1) in [(101.0, 109.0), (102.0, 108.0), (103.0, 107.0)] {
        mark_at(&mut app, t0, "2");
        mark_at(&mut app, t1, "2");
    }
    mark_at(&mut app, 105.0, "v");
    mark_at(&mut app, 105.05, "v");
    println!("events: {:?}", events(&app));
    let text = frame_text(&mut app, W, H);
    let rows = lane_rows(&app, &text);
    println!("reader lane:\n{}", rows.join("\n"));
    assert_eq!(usize::from(app.prepared.layout.reader_h), MAX_ROWS);
    assert_eq!(app.prepared.subrows.hidden.len(), 2);
    assert!(
        rows[2].contains("+2"),
        "the last row says +2: {:?}",
        rows[2]
    );
}

#[test]
fn the_lane_is_one_row_again_when_nothing_overlaps() {
    let mut app = marking();
    let beats = af_with_beats(&mut app);
    frame_text(&mut app, W, H);
    let grown = app.prepared.layout.reader_h;
    let wave_grown = app.prepared.layout.lanes_h;
    // Undo the beats: only the AF is left.
    for _ in &beats {
        press(&mut app, "u");
    }
    println!("events after undo: {:?}", events(&app));
    let text = frame_text(&mut app, W, H);
    let rows = lane_rows(&app, &text);
    println!(
        "reader lane {grown} rows, then {}:\n{}",
        rows.len(),
        rows.join("\n")
    );
    assert_eq!(grown, 2);
    assert_eq!(app.prepared.layout.reader_h, 1);
    assert_eq!(
        app.prepared.layout.lanes_h,
        wave_grown + 1,
        "the waveform gets the row back"
    );
    // A beat outside the AF does not overlap it either.
    mark_at(&mut app, 109.5, "v");
    frame_text(&mut app, W, H);
    assert_eq!(app.prepared.layout.reader_h, 1, "{:?}", events(&app));
}

#[test]
fn an_event_keeps_its_row_as_the_view_scrolls() {
    let mut app = marking();
    af_with_beats(&mut app);
    let rows_at = |app: &mut TestApp| {
        frame_text(app, W, H);
        let a = app.annot.as_ref().expect("marking");
        let mut v: Vec<(String, f64, u8)> = app
            .prepared
            .subrows
            .placed
            .iter()
            .filter_map(|&(i, r)| {
                a.store
                    .events()
                    .get(i)
                    .map(|e| (e.label.clone(), e.onset, r))
            })
            .collect();
        v.sort_by(|x, y| x.1.total_cmp(&y.1));
        v
    };
    let before = rows_at(&mut app);
    // A tenth of the window forward, twice: the AF began before the view but is still found.
    press(&mut app, "shift-right");
    press(&mut app, "shift-right");
    let after = rows_at(&mut app);
    println!(
        "at {:.1} s: {before:?}\nthen at {:.1} s: {after:?}",
        100.0, app.view.start_s
    );
    assert!(app.view.start_s > 101.0, "the AF's onset left the view");
    for e in &after {
        let same = before.iter().find(|b| b.1 == e.1).map(|b| b.2);
        assert_eq!(same, Some(e.2), "{e:?} changed row");
    }
    assert!(after.iter().any(|e| e.0 == "AF" && e.2 == 0));
}
