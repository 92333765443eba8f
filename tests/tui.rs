//! The viewer without a terminal: state transitions driven by keys, and frames rendered into a
//! ratatui buffer (snapshots with insta) on the demo recordings and generated files.

mod common;

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use sigmark::dsp::{montage, ChannelKind, FilterSpec, Montage};
use sigmark::formats::edf::writer::Plus;
use sigmark::tui::render::{self, lane_columns};
use sigmark::tui::App;

use common::app::{frame_text, AppBuilder, TestApp};

fn demo(name: &str) -> std::path::PathBuf {
    common::app::demo(name)
}

/// The viewer (view only, shown as reader "tester") over `rec` with the montage catalogue `montages`.
fn app_for(rec: sigmark::Recording, montages: Vec<Montage>) -> TestApp {
    AppBuilder::recording(rec)
        .montages(montages)
        .shown_as("tester")
        .build()
}

/// The viewer (view only, shown as reader "tester") over a demo recording.
fn app(name: &str) -> TestApp {
    AppBuilder::demo(name).shown_as("tester").build()
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

#[test]
fn snapshot_ecg_demo_80x24() {
    let mut app = app("demo_ecg.edf");
    insta::assert_snapshot!(frame_text(&mut app, 80, 24));
}

#[test]
fn snapshot_ecg_demo_300x100_zoomed_out_from_the_pyramid() {
    let mut app = app("demo_ecg.edf");
    frame_text(&mut app, 300, 100); // first frame auto-scales at 10 s
    key(&mut app, KeyCode::Char('Z'));
    assert!(app.view.is_all());
    insta::assert_snapshot!(frame_text(&mut app, 300, 100));
}

#[test]
fn snapshot_too_small_20x6() {
    let mut app = app("demo_ecg.edf");
    let f = frame_text(&mut app, 20, 6);
    assert!(f.contains("too small"), "{f}");
    insta::assert_snapshot!(f);
}

#[test]
fn snapshot_eeg_double_banana_120x40() {
    let mut app = app("demo_eeg.bdf");
    app.select_montage_named("double_banana").unwrap();
    app.wait_for_pyramid();
    app.view.jump(90.0); // inside the seizure (70-110 s)
    insta::assert_snapshot!(frame_text(&mut app, 120, 40));
}

#[test]
fn snapshot_help_and_jump_prompt() {
    let mut app = app("demo_ecg.edf");
    keys(&mut app, "?");
    let help = frame_text(&mut app, 100, 30);
    assert!(
        help.contains("Jump to a time") && help.contains("pagedown"),
        "{help}"
    );
    insta::assert_snapshot!("help_100x30", help);
    keys(&mut app, "x"); // any key closes help
    assert!(app.layers.is_empty(), "help is still open");
    keys(&mut app, "g1:3");
    let prompt = frame_text(&mut app, 100, 30);
    assert!(
        prompt.lines().last().unwrap().contains("Jump to") && prompt.contains("1:3_"),
        "{prompt}"
    );
}

#[test]
fn monitoring_hdf5_renders_with_its_rates() {
    let mut app = app("demo_monitoring.h5");
    let f = frame_text(&mut app, 120, 30);
    assert!(f.contains("SpO2") && f.contains("Resp"), "{f}");
    insta::assert_snapshot!(f);
}

#[test]
fn every_size_draws_without_panicking() {
    let mut app = app("demo_eeg.bdf");
    for w in (1..=140).step_by(7) {
        for h in (1..=60).step_by(3) {
            frame_text(&mut app, w, h);
        }
    }
    keys(&mut app, "?");
    for (w, h) in [(32, 8), (33, 9), (200, 10), (40, 200)] {
        frame_text(&mut app, w, h);
    }
}

#[test]
fn navigation_by_keys() {
    let mut app = app("demo_ecg.edf"); // 10 minutes
    assert_eq!((app.view.start_s, app.view.span_s), (0.0, 10.0));
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.view.start_s, 10.0);
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(app.view.start_s, 15.0);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.view.start_s, 5.0);
    app.on_key(KeyEvent::new(KeyCode::Right, KeyModifiers::SHIFT));
    assert_eq!(app.view.start_s, 6.0);
    key(&mut app, KeyCode::End);
    assert_eq!((app.view.end_s(), app.view.cursor_s), (600.0, 600.0));
    key(&mut app, KeyCode::Home);
    assert_eq!(app.view.start_s, 0.0);
    // Zoom out through the presets to the whole recording, then back to 1 s.
    for _ in 0..20 {
        keys(&mut app, "x");
    }
    assert!(app.view.is_all());
    for _ in 0..20 {
        keys(&mut app, "z");
    }
    assert_eq!(app.view.span_s, 1.0);
    // Jump: seconds, H:MM:SS, clock time (the demo starts at its header's clock).
    keys(&mut app, "g125.5");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view.cursor_s, 125.5);
    keys(&mut app, "g0:05:00");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view.cursor_s, 300.0);
    let start = app.rec.start.unwrap().datetime;
    let clock = (start + chrono::TimeDelta::seconds(42))
        .format("@%H:%M:%S")
        .to_string();
    keys(&mut app, &format!("g{clock}"));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view.cursor_s, 42.0);
    // A bad target says what is expected and changes nothing.
    keys(&mut app, "g1:99");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.as_deref().unwrap().contains("HH:MM:SS"));
    assert_eq!(app.view.cursor_s, 42.0);
    keys(&mut app, "g9999");
    key(&mut app, KeyCode::Enter);
    assert!(app.message.as_deref().unwrap().contains("past the end"));
    keys(&mut app, "g12");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view.cursor_s, 42.0);
    keys(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn channels_hide_solo_reorder_and_group() {
    let mut app = app("demo_monitoring.h5");
    let labels = |app: &App| {
        app.visible()
            .iter()
            .map(|&i| app.lanes[i].label.clone())
            .collect::<Vec<_>>()
    };
    let all = labels(&app);
    assert!(all.len() >= 4, "{all:?}");
    key(&mut app, KeyCode::Down);
    keys(&mut app, "h");
    assert_eq!(labels(&app).len(), all.len() - 1);
    assert!(!labels(&app).contains(&all[1]));
    keys(&mut app, "H");
    assert_eq!(labels(&app), all);
    key(&mut app, KeyCode::Down);
    keys(&mut app, "s");
    assert_eq!(labels(&app), vec![all[1].clone()]);
    keys(&mut app, "s");
    assert_eq!(labels(&app), all);
    assert_eq!(
        app.selected, 1,
        "unsolo keeps the selection on the soloed channel"
    );
    keys(&mut app, "K");
    assert_eq!(labels(&app)[0], all[1]);
    assert_eq!(labels(&app)[1], all[0]);
    keys(&mut app, "J");
    assert_eq!(labels(&app), all);
    // Groups by kind: each tab shows one kind, then all again.
    let kinds = app.groups.clone();
    assert!(
        kinds.contains(&ChannelKind::SpO2) && kinds.contains(&ChannelKind::Resp),
        "{kinds:?}"
    );
    for k in &kinds {
        key(&mut app, KeyCode::Tab);
        assert!(app.visible().iter().all(|&i| app.lanes[i].kind == *k));
    }
    key(&mut app, KeyCode::Tab);
    assert_eq!(labels(&app), all);
    // The last visible channel cannot be hidden.
    key(&mut app, KeyCode::Tab);
    while app.visible().len() > 1 {
        keys(&mut app, "h");
    }
    keys(&mut app, "h");
    assert_eq!(app.visible().len(), 1);
    assert!(app.message.is_some());
}

#[test]
fn amplitude_keys_and_autoscale() {
    let mut app = app("demo_ecg.edf");
    // Calibrated lanes step a sensitivity ladder (tests/scale.rs); auto-scaled ones x1.5.
    keys(&mut app, "a");
    frame_text(&mut app, 100, 30);
    let s0 = app.lanes[0].scale;
    assert!(!app.lanes[0].unscaled && s0 > 0.0);
    keys(&mut app, "+");
    assert!((app.lanes[0].scale - s0 / 1.5).abs() < 1e-12);
    keys(&mut app, "--");
    assert!((app.lanes[0].scale - s0 * 1.5).abs() < 1e-9);
    let s1 = app.lanes[1].scale;
    app.on_key(KeyEvent::new(KeyCode::Up, KeyModifiers::CONTROL));
    assert!((app.lanes[0].scale - s0).abs() < 1e-9);
    assert_eq!(
        app.lanes[1].scale, s1,
        "ctrl-up changes the selected channel only"
    );
    // `a` again: calibrated; and again: auto-scaled as at first.
    keys(&mut app, "aa");
    frame_text(&mut app, 100, 30);
    assert!(
        (app.lanes[0].scale - s0).abs() / s0 < 1e-9,
        "auto-scale of the same view gives the same scale"
    );
}

#[test]
fn montages_resolve_and_name_a_missing_electrode() {
    let mut app = app("demo_eeg.bdf");
    let names: Vec<String> = app.montages.iter().map(|m| m.name.clone()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(app.montages[0].is_empty(), "as recorded comes first");
    keys(&mut app, "m");
    assert_eq!(app.montage, 1);
    assert!(
        app.lanes.iter().all(|l| l.label.contains('-')),
        "bipolar labels"
    );
    keys(&mut app, "mmm");
    assert_eq!(app.montage, 0);
    // A user montage naming an electrode the recording lacks.
    let bad = Montage::parse(
        "name = \"Mine\"\nkind = \"bipolar\"\n[[channel]]\nlabel = \"Fp1-Xx9\"\nplus = \"Fp1\"\nminus = \"Xx9\"\n",
        Path::new("mine.toml"),
    )
    .unwrap();
    let mut list = montage::shipped().unwrap();
    list.push(bad);
    let mut app = app_for(sigmark::open(demo("demo_eeg.bdf")).unwrap(), list);
    let err = app.select_montage_named("mine").unwrap_err();
    assert!(err.contains("Xx9") && err.contains("mine.toml"), "{err}");
    assert_eq!(app.montage, 0, "a failed montage leaves the current one");
    // ECG recordings are shown as recorded only.
    let mut ecg = app_for(
        sigmark::open(demo("demo_ecg.edf")).unwrap(),
        montage::shipped().unwrap(),
    );
    assert_eq!(ecg.montages.len(), 1);
    keys(&mut ecg, "m");
    assert!(ecg.message.as_deref().unwrap().contains("as recorded"));
}

#[test]
fn filters_follow_type_defaults_and_never_touch_the_recording() {
    let mut app = app("demo_ecg.edf");
    assert_eq!(
        app.filter_for(ChannelKind::Ecg),
        FilterSpec::default_for(ChannelKind::Ecg)
    );
    let before = app.rec.read_samples(0, 0, 5000).unwrap();
    let raw_cols = {
        app.filters_on = false;
        lane_columns(&app, 0, 400).0
    };
    keys(&mut app, "f");
    assert!(app.filters_on);
    let filtered = lane_columns(&app, 0, 400).0;
    assert_ne!(
        raw_cols, filtered,
        "the display filter changes what is drawn"
    );
    assert_eq!(
        app.rec.read_samples(0, 0, 5000).unwrap(),
        before,
        "and never the recording"
    );
    app.on_key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE));
    assert_eq!(app.filter_for(ChannelKind::Ecg).notch_hz, Some(50.0));
    app.on_key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE));
    assert_eq!(app.filter_for(ChannelKind::Ecg).notch_hz, Some(60.0));
    app.on_key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE));
    assert_eq!(app.filter_for(ChannelKind::Ecg).highpass_hz, Some(1.0));
    keys(&mut app, "f");
    assert_eq!(app.filter_for(ChannelKind::Ecg), FilterSpec::NONE);
    assert!(render::status_line(&app).contains("filters off"));
}

#[test]
fn zoomed_out_columns_come_from_the_pyramid_and_match_raw_extremes() {
    let mut app = app("demo_ecg.edf");
    app.filters_on = false;
    key(&mut app, KeyCode::Char('Z'));
    let (cols, pending) = lane_columns(&app, 0, 400);
    assert_eq!(pending, 0);
    let all = app
        .rec
        .read_samples(0, 0, app.rec.channels[0].samples as usize)
        .unwrap();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min) as f32;
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max) as f32;
    let clo = cols.iter().map(|c| c.0).fold(f32::INFINITY, f32::min);
    let chi = cols.iter().map(|c| c.1).fold(f32::NEG_INFINITY, f32::max);
    assert_eq!((clo, chi), (lo, hi));
}

#[test]
fn gaps_of_edf_plus_d_stay_empty() {
    // Records at 0, 1, 5 and 6 s: a gap from 2 to 5 s.
    let mut spec = common::spec(false, Some(Plus::Discontinuous), 4);
    spec.record_onsets_100ns = vec![0, 10_000_000, 50_000_000, 60_000_000];
    let rec = common::open(common::bytes(&spec)).unwrap();
    assert_eq!(rec.segments.len(), 2);
    let mut app = app_for(rec, Vec::new());
    app.filters_on = false;
    app.view.set_span(7.0);
    app.view.go_start();
    let (cols, _) = lane_columns(&app, 0, 70); // 0.1 s per column
    assert!(cols[..19].iter().all(|c| c.0.is_finite()), "{cols:?}");
    assert!(cols[21..49].iter().all(|c| c.0.is_nan()), "{cols:?}");
    assert!(cols[51..69].iter().all(|c| c.0.is_finite()), "{cols:?}");
    let f = frame_text(&mut app, 60, 12);
    assert!(
        f.contains("spike"),
        "embedded annotations show in the event lane:\n{f}"
    );
}

#[test]
fn mouse_clicks_move_the_cursor_when_enabled() {
    let mut app = app("demo_ecg.edf");
    frame_text(&mut app, 114, 30); // waveform area: 100 columns from x = 14
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 64,
        row: 3,
        modifiers: KeyModifiers::NONE,
    };
    app.on_mouse(click);
    assert_eq!(app.view.cursor_s, 0.0, "mouse is off by default");
    keys(&mut app, "M");
    app.on_mouse(click);
    assert!(
        (app.view.cursor_s - 5.05).abs() < 1e-9,
        "{}",
        app.view.cursor_s
    );
    app.on_mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(app.view.start_s, 1.0);
}

#[test]
fn file_text_never_reaches_the_terminal_with_control_characters() {
    let mut spec = common::spec(false, Some(Plus::Continuous), 3);
    spec.signals[0].label = "Fp1\u{1b}[2J".chars().take(16).collect();
    spec.annotations[0].text = "evil\u{1b}]0;x\u{7}".into();
    let rec = common::open(common::bytes(&spec)).unwrap();
    let mut app = app_for(rec, Vec::new());
    let f = frame_text(&mut app, 80, 14);
    assert!(!f.chars().any(|c| c.is_control() && c != '\n'), "{f:?}");
    assert!(f.contains("evil"));
}

#[test]
fn zoomed_out_gaps_do_not_borrow_samples_from_across_the_gap() {
    // 100 Hz; records (1 s) 0..1005 hold 0 from t = 0, records 1005..2005 hold 400 from t = 2000.
    let mut spec = common::spec(false, Some(Plus::Discontinuous), 2005);
    spec.signals = vec![common::signal("Fp1", 100, false)];
    spec.annotations.clear();
    spec.record_onsets_100ns = (0..2005i64)
        .map(|r| if r < 1005 { r } else { r - 1005 + 2000 } * 10_000_000)
        .collect();
    let mut bytes = Vec::new();
    sigmark::formats::edf::writer::write(&mut bytes, &spec, |r, bufs| {
        bufs[0].fill(if r < 1005 { 0 } else { 400 })
    })
    .unwrap();
    let rec = common::open(bytes).unwrap();
    assert_eq!(rec.segments.len(), 2);
    let (lo_v, hi_v) = {
        let a = rec.read_samples(0, 0, 1).unwrap()[0] as f32;
        let b = rec.read_samples(0, 1005 * 100, 1).unwrap()[0] as f32;
        (a, b)
    };
    let mut app = app_for(rec, Vec::new());
    app.filters_on = false;
    key(&mut app, KeyCode::Char('Z'));
    let (cols, pending) = lane_columns(&app, 0, 300); // 10 s per column: from the pyramid
    assert_eq!(pending, 0);
    for (c, &(lo, hi)) in cols.iter().enumerate() {
        let t = c as f64 * 10.0;
        if t < 1000.0 {
            assert_eq!((lo, hi), (lo_v, lo_v), "column {c} ({t} s)");
        } else if (1010.0..2000.0).contains(&t) {
            assert!(lo.is_nan(), "column {c} ({t} s) is in the gap: {lo} {hi}");
        } else if t >= 2000.0 {
            assert_eq!((lo, hi), (hi_v, hi_v), "column {c} ({t} s)");
        }
    }
    // Many short segments (one per record): every column still maps by time.
    let mut spec = common::spec(false, Some(Plus::Discontinuous), 600);
    spec.signals = vec![common::signal("Fp1", 100, false)];
    spec.annotations.clear();
    spec.record_onsets_100ns = (0..600i64).map(|r| r * 20_000_000).collect(); // 1 s on, 1 s off
    let mut bytes = Vec::new();
    sigmark::formats::edf::writer::write(&mut bytes, &spec, |r, bufs| {
        bufs[0].fill((r % 7) as i32 * 100)
    })
    .unwrap();
    let rec = common::open(bytes).unwrap();
    assert_eq!(rec.segments.len(), 600);
    let mut app = app_for(rec, Vec::new());
    app.filters_on = false;
    key(&mut app, KeyCode::Char('Z'));
    let (cols, _) = lane_columns(&app, 0, 60); // 20 s per column: 10 segments each
    assert!(
        cols.iter().all(|c| c.0.is_finite() && c.1 > c.0),
        "{cols:?}"
    );
}

#[test]
fn frequency_views_spectrum_spectrogram_and_heart_rate() {
    // EEG: the seizure (70-110 s) is a rhythmic discharge; the panel follows the view.
    let mut app = app("demo_eeg.bdf");
    app.view.jump(90.0);
    keys(&mut app, "S");
    let f = frame_text(&mut app, 160, 45);
    assert!(
        f.contains("delta") && f.contains("alpha") && f.contains("dominant"),
        "{f}"
    );
    let (_, psd, capped) = sigmark::tui::freq::spectrum(&mut app).unwrap();
    assert!(!capped && psd.segments > 1);
    let before = psd.density.clone();
    key(&mut app, KeyCode::PageDown);
    let (_, after, _) = sigmark::tui::freq::spectrum(&mut app).unwrap();
    assert_ne!(before, after.density, "the panel follows the view");
    keys(&mut app, ")");
    let (_, longer, _) = sigmark::tui::freq::spectrum(&mut app).unwrap();
    assert_eq!(longer.segment, 2 * after.segment);
    // Spectrogram of the selected channel, computed in the background, drawn aligned.
    keys(&mut app, "G");
    app.freq.spectrogram.as_mut().unwrap().job.wait();
    assert!(app
        .freq
        .spectrogram
        .as_ref()
        .unwrap()
        .shared
        .read()
        .is_complete());
    let f = frame_text(&mut app, 160, 45);
    assert!(
        f.contains("spectro") && f.chars().any(|c| "░▒▓█".contains(c)),
        "{f}"
    );
    // Selecting another channel drops the stale job and starts one for the new channel.
    key(&mut app, KeyCode::Down);
    frame_text(&mut app, 160, 45);
    assert_eq!(
        app.freq.spectrogram.as_ref().unwrap().lane,
        app.selected_lane().unwrap()
    );
    keys(&mut app, "G");
    assert!(app.freq.spectrogram.is_none());

    // ECG: R peaks in the background, the rate lane, the mean rate of the view.
    let mut ecg = app_for_demo_ecg();
    keys(&mut ecg, "R");
    ecg.wait_for(sigmark::jobs::Slot::Beats);
    let beats = sigmark::tui::freq::beats(&ecg).unwrap();
    assert!(beats.len() > 500, "{} beats in 10 minutes", beats.len());
    let hr = sigmark::tui::freq::mean_hr_in_view(&ecg, &beats).unwrap();
    assert!((40.0..120.0).contains(&hr), "{hr}");
    let f = frame_text(&mut ecg, 120, 40);
    assert!(
        f.contains("HR bpm") && render::status_line(&ecg).contains(&format!("HR {hr:.0} bpm")),
        "{f}"
    );
}

fn app_for_demo_ecg() -> TestApp {
    app("demo_ecg.edf")
}
