//! Calibrated display (issue 13): screen millimetres, one sensitivity per channel kind, paper
//! speed, value ranges of non-physiological lanes, default windows by recording type and the
//! ruler's calibration, on the demo recordings. The screen is set explicitly (a measured cell
//! of 2 x 4 mm, or the typical cell), so a user's config.toml does not change the results.

mod common;

use common::app::{frame_text, press, type_text, AppBuilder, TestApp};
use sigmark::dsp::paper::Sensitivity;
use sigmark::tui::scale::{LaneScale, Screen};
use sigmark::tui::widgets::gutter::range_text;
use sigmark::tui::App;

const MEASURED: Screen = Screen {
    cell_mm: [2.0, 4.0],
    approximate: false,
};

fn open(name: &str, screen: Screen) -> TestApp {
    let mut app = AppBuilder::demo(name).build();
    app.scale.screen = screen;
    app
}

fn status(app: &mut App, w: u16, h: u16) -> String {
    let text = frame_text(app, w, h);
    text.lines().last().unwrap_or_default().to_string()
}

/// The gutter's second row of lane `row` (as drawn).
fn gutter_scale(frame: &str, app: &App, row: usize) -> String {
    let y = row * usize::from(app.prepared.lanes.lane_h) + 1;
    let line = frame.lines().nth(y).unwrap_or_default();
    line.chars().take(13).collect::<String>().trim().to_string()
}

#[test]
fn a_sensitivity_gives_the_lane_its_physical_half_height() {
    let mut app = open("demo_ecg.edf", MEASURED);
    frame_text(&mut app, 200, 60);
    let rows = app.prepared.lanes.lane_h;
    // 10 mm/mV: a lane of `rows` rows of 4 mm holds rows * 4 / 2 mm above its centre, that is
    // rows * 2 / 10 mV (the demo's unit is mV).
    let want = f64::from(rows) * 4.0 / 2.0 / 10.0;
    for l in &app.lanes {
        println!(
            "{} ({}): {} rows, half-height {} (want {want})",
            l.label, l.unit, rows, l.scale
        );
        assert_eq!(l.paper, LaneScale::Kind(Sensitivity::MmPerMv(10.0)));
        assert!((l.scale - want).abs() < 1e-12, "{} vs {want}", l.scale);
    }
    // The same lanes in µV (an EEG at 7 µV/mm): rows * 4 / 2 * 7 µV.
    let mut eeg = open("demo_eeg.bdf", MEASURED);
    frame_text(&mut eeg, 200, 60);
    let rows = eeg.prepared.lanes.lane_h;
    let want = f64::from(rows) * 4.0 / 2.0 * 7.0;
    let l = &eeg.lanes[0];
    println!(
        "{}: {rows} rows, half-height {} µV (want {want})",
        l.label, l.scale
    );
    assert!((l.scale - want).abs() < 1e-9);
}

#[test]
fn eeg_channels_of_different_amplitude_share_one_sensitivity() {
    // In the demo seizure the left temporal chain is much larger than its right homologue; a
    // per-lane auto scale hid that (each lane filled its row).
    let mut app = AppBuilder::demo("demo_eeg.bdf").at(95.0).build();
    app.scale.screen = MEASURED;
    frame_text(&mut app, 200, 60);
    let shown = app.prepared.lanes.shown.clone();
    let find = |label: &str| {
        let i = shown
            .iter()
            .position(|&i| app.lanes[i].label == label)
            .unwrap();
        (
            shown[i],
            sigmark::tui::prepare::paper::range(&app.prepared.lanes.cols[i]).unwrap(),
        )
    };
    let (left, (llo, lhi)) = find("EEG T3");
    let (right, (rlo, rhi)) = find("EEG T4");
    let ratio = (lhi - llo) / (rhi - rlo);
    println!(
        "at 95 s: T3 {llo:.1}..{lhi:.1} µV, T4 {rlo:.1}..{rhi:.1} µV (ratio {ratio:.2}); \
         half-heights T3 {} T4 {}",
        app.lanes[left].scale, app.lanes[right].scale
    );
    assert!(
        !(1.0 / 1.5..=1.5).contains(&ratio),
        "the demo's asymmetry: {ratio}"
    );
    let units: Vec<f64> = shown.iter().map(|&i| app.lanes[i].scale).collect();
    assert!(units.iter().all(|&u| u == units[0]), "{units:?}");
    let frame = frame_text(&mut app, 200, 60);
    assert_eq!(gutter_scale(&frame, &app, 0), "7 µV/mm");
}

#[test]
fn plus_and_minus_step_every_kind_and_ctrl_up_overrides_the_selected_lane() {
    let mut app = open("demo_ecg.edf", MEASURED);
    frame_text(&mut app, 200, 60);
    let base = app.lanes[1].scale;
    press(&mut app, "+");
    let s = status(&mut app, 200, 60);
    println!("after +: {s}");
    assert!(s.contains("ECG I 20 mm/mV"), "{s}");
    assert!((app.lanes[1].scale - base / 2.0).abs() < 1e-12);
    press(&mut app, "down");
    press(&mut app, "ctrl-up");
    let frame = frame_text(&mut app, 200, 60);
    let s = frame.lines().last().unwrap().to_string();
    println!("ECG II own: {s}");
    assert!(s.contains("ECG II *40 mm/mV"), "{s}");
    assert_eq!(gutter_scale(&frame, &app, 1), "*40 mm/mV");
    assert_eq!(gutter_scale(&frame, &app, 0), "20 mm/mV");
    press(&mut app, "-");
    press(&mut app, "-");
    frame_text(&mut app, 200, 60);
    let got: Vec<LaneScale> = app.lanes.iter().map(|l| l.paper).collect();
    println!("after - -: {got:?}");
    assert_eq!(got[0], LaneScale::Kind(Sensitivity::MmPerMv(5.0)));
    assert_eq!(got[1], LaneScale::Own(Sensitivity::MmPerMv(10.0)));
    assert!((app.lanes[0].scale - base * 2.0).abs() < 1e-12);
}

#[test]
fn amp_auto_fits_each_lane_and_says_so_then_back_to_calibrated() {
    let mut app = open("demo_eeg.bdf", MEASURED);
    frame_text(&mut app, 200, 60);
    press(&mut app, "a");
    let s = status(&mut app, 200, 60);
    println!("{s}");
    assert!(s.contains("EEG Fp1 auto ±"), "{s}");
    let scales: Vec<f64> = app.lanes.iter().map(|l| l.scale).collect();
    assert!(
        scales.iter().any(|&x| x != scales[0]),
        "auto scales per lane: {scales:?}"
    );
    press(&mut app, "a");
    let s = status(&mut app, 200, 60);
    assert!(s.contains("EEG Fp1 7 µV/mm"), "{s}");
}

#[test]
fn the_window_follows_the_paper_speed_and_a_resize_keeps_the_speed() {
    let mut app = open("demo_eeg.bdf", MEASURED);
    // 200 columns less the 14-column gutter: 186 cells of 2 mm = 372 mm; at 30 mm/s 12.4 s.
    let s = status(&mut app, 200, 60);
    println!("200x60: span {} s | {s}", app.view.span_s);
    assert!((app.view.span_s - 372.0 / 30.0).abs() < 1e-9);
    assert!(s.contains("EEG Fp1 7 µV/mm  30 mm/s"), "{s}");
    status(&mut app, 150, 60);
    println!("150x60: span {} s", app.view.span_s);
    assert!((app.view.span_s - 272.0 / 30.0).abs() < 1e-9);
    press(&mut app, "ctrl-right");
    let s = status(&mut app, 150, 60);
    println!("ctrl-right: span {} s | {s}", app.view.span_s);
    assert!((app.view.span_s - 272.0 / 60.0).abs() < 1e-9);
    assert!(s.contains("60 mm/s"), "{s}");
    // Zoom still works; the status then shows the speed that window gives, and a resize keeps
    // the window, not a speed.
    press(&mut app, "x");
    let s = status(&mut app, 150, 60);
    let span = app.view.span_s;
    let speed = 272.0 / span;
    println!("zoom out: span {span} s, {speed:.1} mm/s | {s}");
    assert!(
        s.contains(&format!("{} mm/s", (speed * 10.0).round() / 10.0)),
        "{s}"
    );
    status(&mut app, 200, 60);
    assert_eq!(app.view.span_s, span);
}

#[test]
fn ecg_opens_at_ten_seconds_and_ctrl_right_steps_from_the_speed_it_gives() {
    let mut app = open("demo_ecg.edf", Screen::typical());
    let s = status(&mut app, 200, 60);
    let mm: f64 = 186.0 * 8.0 * 25.4 / 96.0;
    println!("typical cell, 200x60: 10 s = {:.1} mm/s | {s}", mm / 10.0);
    assert_eq!(app.view.span_s, 10.0);
    assert!(
        s.contains(&format!("{} mm/s", (mm / 10.0 * 10.0).round() / 10.0)),
        "{s}"
    );
    assert!(s.ends_with("│ scale approximate"), "{s}");
    press(&mut app, "ctrl-left");
    let s = status(&mut app, 200, 60);
    println!("ctrl-left: {} s | {s}", app.view.span_s);
    assert!(s.contains("25 mm/s"), "{s}");
    assert!((app.view.span_s - mm / 25.0).abs() < 1e-9);
}

#[test]
fn monitoring_opens_at_five_minutes_with_value_ranges_in_the_gutter() {
    let mut app = open("demo_monitoring.h5", MEASURED);
    let frame = frame_text(&mut app, 200, 60);
    println!("{frame}");
    assert_eq!(app.view.span_s, 300.0);
    for (row, &i) in app.prepared.lanes.shown.clone().iter().enumerate() {
        let l = &app.lanes[i];
        if app.filter_for(l.kind) != sigmark::dsp::FilterSpec::NONE {
            println!(
                "{}: display-filtered, not compared with raw samples",
                l.label
            );
            continue;
        }
        let ch = l.anchor;
        let n = (300.0 * l.rate_hz) as usize;
        let v = app.rec.read_samples(ch, 0, n).unwrap();
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let want = format!("{} {}", range_text(lo, hi), l.unit);
        let got = gutter_scale(&frame, &app, row);
        println!(
            "{}: samples {lo}..{hi}: gutter {got:?}, want {want:?}",
            l.label
        );
        assert!(want.starts_with(&got), "{got:?} vs {want:?}");
        assert!(!got.contains('±'));
    }
    let spo2 = gutter_scale(&frame, &app, 0);
    assert!(spo2.ends_with(" %") && spo2.contains('-'), "{spo2}");
}

#[test]
fn f4_draws_the_ruler_and_the_measured_length_corrects_and_writes_cell_mm() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "# mine\nreader = \"kim\"\n").unwrap();
    let mut app = open("demo_ecg.edf", MEASURED);
    app.scale.config_path = Some(cfg.clone());
    press(&mut app, "F4");
    let frame = frame_text(&mut app, 200, 60);
    let bar = frame.lines().find(|l| l.contains('█')).unwrap();
    let cells = bar.chars().filter(|&c| c == '█').count();
    println!(
        "{}",
        frame
            .lines()
            .filter(|l| l.contains("ruler") || l.contains('█'))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // 50 mm of 2 mm cells: 25 whole cells.
    assert_eq!(cells, 25);
    assert!(frame
        .lines()
        .last()
        .unwrap()
        .contains("measured length in mm: _"));
    type_text(&mut app, "42");
    press(&mut app, "enter");
    let s = status(&mut app, 200, 60);
    println!("{s}\n{:?}", app.scale.screen);
    assert!((app.scale.screen.cell_mm[0] - 2.0 * 42.0 / 50.0).abs() < 1e-12);
    let text = std::fs::read_to_string(&cfg).unwrap();
    println!("{text}");
    assert_eq!(text, "# mine\nreader = \"kim\"\ncell_mm = [1.68, 3.36]\n");
    // A bad length is refused, saying what was expected.
    press(&mut app, "F4");
    type_text(&mut app, "far");
    press(&mut app, "enter");
    let s = status(&mut app, 200, 60);
    assert!(
        s.contains("expected the ruler's measured length in mm"),
        "{s}"
    );
}

#[test]
fn calibrated_frames_snapshot() {
    let mut app = open("demo_ecg.edf", Screen::typical());
    insta::assert_snapshot!("calibrated_ecg_200x60", frame_text(&mut app, 200, 60));
    let mut app = AppBuilder::demo("demo_eeg.bdf").at(95.0).build();
    app.scale.screen = MEASURED;
    insta::assert_snapshot!("calibrated_eeg_200x60", frame_text(&mut app, 200, 60));
}
