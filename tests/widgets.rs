//! Every panel and overlay of the viewer as text after key presses (insta snapshots at 80x24
//! and 200x50), each widget drawn into tiny areas (0x0, 1x1, 2x2) without panicking, and the
//! update step's caches (an unchanged frame does no work).

mod common;

use common::app::{buffer_text, frame_text, press, press_all, type_text, AppBuilder};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use sigmark::jobs::Slot;
use sigmark::tui::prepare::{prepare, EventLane};
use sigmark::tui::widgets;
use sigmark::tui::App;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 50)];

/// Snapshots the frame at both sizes as `NAME_WxH`.
fn snap(name: &str, app: &mut App) {
    for (w, h) in SIZES {
        let text = frame_text(app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

#[test]
fn lanes_of_the_demo_ecg_with_the_second_channel_selected() {
    let mut app = AppBuilder::demo("demo_ecg.edf").build();
    press(&mut app, "down");
    snap("lanes", &mut app);
}

#[test]
fn reader_lane_with_a_point_an_interval_and_one_being_marked() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("alice")
        .labels("ecg")
        .build();
    press_all(&mut app, "right right v right right 2 right right right 2");
    press_all(&mut app, "right right 3 right right right");
    snap("reader_lane", &mut app);
}

#[test]
fn event_list_with_its_filter() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("alice")
        .labels("ecg")
        .build();
    press_all(&mut app, "v right right right b right right right v L");
    snap("event_list", &mut app);
    type_text(&mut app, "pv");
    snap("event_list_filtered", &mut app);
}

#[test]
fn note_prompt_while_typing() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("alice")
        .labels("ecg")
        .build();
    press_all(&mut app, "v n");
    type_text(&mut app, "ectopic, coupled");
    snap("note_prompt", &mut app);
}

#[test]
fn hypnogram_of_scored_epochs() {
    let mut app = AppBuilder::demo("demo_eeg.bdf")
        .reader("carol")
        .labels("eeg")
        .build();
    press_all(&mut app, "E F5 F6 F7 F8 F7 F6");
    app.view.set_span(180.0);
    app.view.go_start();
    snap("hypnogram", &mut app);
}

#[test]
fn disagreement_list_while_adjudicating() {
    let mut app = AppBuilder::adjudicating().build();
    press_all(&mut app, "alt-l d");
    snap("disagreements", &mut app);
}

#[test]
fn spectrum_panel_of_the_eeg_seizure() {
    let mut app = AppBuilder::demo("demo_eeg.bdf").at(90.0).build();
    press(&mut app, "S");
    snap("spectrum", &mut app);
}

#[test]
fn spectrogram_panel_once_computed() {
    let mut app = AppBuilder::demo("demo_eeg.bdf").at(90.0).build();
    press(&mut app, "G");
    app.wait_for(Slot::Spectrogram);
    snap("spectrogram", &mut app);
}

#[test]
fn heart_rate_lane_once_beats_are_detected() {
    let mut app = AppBuilder::demo("demo_ecg.edf").build();
    press(&mut app, "R");
    app.wait_for(Slot::Beats);
    snap("heart_rate", &mut app);
}

#[test]
fn help_overlay() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("alice")
        .labels("ecg")
        .build();
    press(&mut app, "?");
    snap("help", &mut app);
}

/// Every widget, with its data prepared at a normal size, drawn into `area` of its own buffer.
fn render_every_widget(app: &App, area: Rect) {
    let mut buf = Buffer::empty(area);
    widgets::lanes::render(app, area, &mut buf);
    if let Some(lane) = app.lanes.first() {
        widgets::gutter::render(
            app,
            lane,
            widgets::gutter::Row {
                selected: true,
                value: Some(-0.123),
                range: None,
            },
            area,
            &mut buf,
        );
    }
    widgets::file_events::render(app, area, &mut buf);
    widgets::reader_lane::render(app, EventLane::Reader, area, &mut buf);
    widgets::reader_lane::render(app, EventLane::Other(0), area, &mut buf);
    widgets::hypnogram::render(app, area, &mut buf);
    widgets::axis::render(app, area, &mut buf);
    widgets::cursor::render(app, area, &mut buf);
    widgets::status::render(app, area, &mut buf);
    widgets::help::render(app, area, &mut buf);
    widgets::event_list::render(app, area, &mut buf);
    widgets::disagreements::render(app, area, &mut buf);
    widgets::spectrum::render(app, area, &mut buf);
    widgets::spectrogram::render(app, area, &mut buf);
    widgets::heart_rate::render(app, area, &mut buf);
    widgets::too_small::render(app, area, &mut buf);
    widgets::ruler::render(app, area, &mut buf);
    println!("{}x{}:\n{}", area.width, area.height, buffer_text(&buf));
}

#[test]
fn every_widget_draws_into_tiny_areas_without_panicking() {
    let mut app = AppBuilder::adjudicating().build();
    press_all(&mut app, "S G R L alt-l");
    app.wait_for(Slot::Spectrogram);
    app.wait_for(Slot::Beats);
    prepare(&mut app, Rect::new(0, 0, 200, 50));
    for (w, h) in [(0, 0), (1, 1), (2, 2), (0, 5), (5, 0), (3, 1)] {
        // At the origin and away from it (the widgets must stay inside their area).
        render_every_widget(&app, Rect::new(0, 0, w, h));
        render_every_widget(&app, Rect::new(7, 3, w, h));
    }
    app.layers
        .push(sigmark::tui::input::Layer::Help(Default::default()));
    for (w, h) in [(0, 0), (1, 1), (2, 2)] {
        let text = frame_text(&mut app, w, h);
        println!("whole frame {w}x{h}: {text:?}");
        assert_eq!(
            text.lines().count(),
            usize::from(h),
            "{w}x{h} frame has {h} rows"
        );
    }
}

#[test]
fn an_unchanged_frame_reuses_what_was_prepared_and_a_scroll_recomputes_it() {
    let mut app = AppBuilder::demo("demo_ecg.edf").build();
    let area = Rect::new(0, 0, 120, 40);
    prepare(&mut app, area);
    let first = app.prepared.lanes.cols[0].as_ptr();
    prepare(&mut app, area);
    let again = app.prepared.lanes.cols[0].as_ptr();
    println!("columns at {first:?}, then {again:?}");
    assert_eq!(
        first, again,
        "nothing changed: the columns are not recomputed"
    );
    let before = app.prepared.lanes.cols[0].clone();
    press(&mut app, "pagedown");
    prepare(&mut app, area);
    let after = &app.prepared.lanes.cols[0];
    println!(
        "after a page: {} columns, differ: {}",
        after.len(),
        *after != before
    );
    assert_ne!(*after, before, "a scroll recomputes the columns");
}

#[test]
fn a_long_interval_begun_before_the_view_is_drawn_across_it() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("alice")
        .labels("ecg")
        .build();
    // AF from 5 s to 305 s, then many points after it; the view at 200 s shows only AF.
    app.view.jump(5.0);
    press(&mut app, "2");
    app.view.jump(305.0);
    press(&mut app, "2");
    for k in 0..50 {
        app.view.jump(310.0 + f64::from(k));
        press(&mut app, "v");
    }
    app.view.set_span(10.0);
    app.view.jump(200.0);
    let text = frame_text(&mut app, 100, 30);
    let lane = text
        .lines()
        .find(|l| l.starts_with("alice"))
        .unwrap_or_default();
    println!("{text}\nreader lane: {lane:?}");
    assert!(lane.contains("────"), "AF runs across the view: {lane:?}");
    assert!(!lane.contains('▼'), "no point event is in view: {lane:?}");
}

#[test]
fn after_a_montage_switch_the_spectrogram_is_the_new_lanes_not_the_cached_one() {
    let mut app = AppBuilder::demo("demo_eeg.bdf").at(90.0).build();
    let area = Rect::new(0, 0, 120, 40);
    press(&mut app, "G");
    app.wait_for(Slot::Spectrogram);
    prepare(&mut app, area);
    let label = |app: &App| {
        app.prepared
            .spectrogram
            .view
            .as_ref()
            .map(|v| v.label.clone())
    };
    let before = label(&app);
    press(&mut app, "m");
    prepare(&mut app, area); // requests the new lane's spectrogram
    app.wait_for(Slot::Spectrogram);
    prepare(&mut app, area);
    let lane = app.selected_lane().map(|i| app.lanes[i].label.clone());
    println!(
        "before {before:?}, after {:?}, selected lane {lane:?}",
        label(&app)
    );
    assert_ne!(before, lane, "the montage changed the selected lane");
    assert_eq!(label(&app), lane);
}
