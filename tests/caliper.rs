//! Calipers (issue 13, "Values and measurement") on the demo ECG: Δt, bpm and Δ amplitude
//! against the reader's own samples, the fixed measurement while scrolling, march-out ticks,
//! snapping marks to the detector's R peaks and to the local extremum, the measurement in an
//! event's note (journaled, undoable), and a snapshot of a frame with a fixed caliper.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64};

use common::app::{frame_text, press, press_all, AppBuilder};
use sigmark::annotations::event::round_time;
use sigmark::dsp::beats;
use sigmark::tui::App;

/// Lane `lane`'s value at the sample nearest `t`, from the reader (terms summed).
fn expected(app: &App, lane: usize, t: f64) -> f64 {
    let l = &app.lanes[lane];
    let k = (t * l.rate_hz).round() as u64;
    l.derivation
        .terms
        .iter()
        .map(|&(ch, w)| w * app.rec.read_samples(ch, k, 1).unwrap()[0])
        .sum()
}

/// R-peak times of channel `ch` over the whole recording (what the heart-rate view detects).
fn r_peaks(app: &App, ch: usize) -> Vec<f64> {
    let (p, c) = (AtomicU64::new(0), AtomicBool::new(false));
    let d = beats::detect_channel(&app.rec, ch, &p, &c).unwrap();
    d.beats
        .iter()
        .map(|b| app.rec.sample_time(ch, b.sample))
        .collect()
}

fn nearest(times: &[f64], t: f64) -> f64 {
    *times
        .iter()
        .min_by(|a, b| (*a - t).abs().total_cmp(&(*b - t).abs()))
        .unwrap()
}

/// Onset of the reader's newest event.
fn last_onset(app: &App) -> f64 {
    let a = app.annot.as_ref().unwrap();
    let id = a.selected.clone().unwrap();
    a.store.get(&id).unwrap().onset
}

#[test]
fn caliper_figures_are_the_recorded_samples_difference() {
    let mut app = AppBuilder::demo("demo_ecg.edf").span(10.0).at(20.0).build();
    frame_text(&mut app, 200, 60);
    press_all(&mut app, "down");
    let lane = app.selected_lane().unwrap();
    let t0 = app.view.cursor_s;
    press(&mut app, "k");
    press_all(&mut app, "right right right right");
    frame_text(&mut app, 200, 60);
    let t1 = app.view.cursor_s;
    let m = app.prepared.caliper.measurement.clone().unwrap();
    let want_delta = expected(&app, lane, t1) - expected(&app, lane, t0);
    println!(
        "{}: {t0:.4} -> {t1:.4} s: {} (reader Δ {want_delta}, Δt {} ms)",
        app.lanes[lane].label,
        m.text(),
        (t1 - t0) * 1000.0
    );
    assert!((m.dt_s - (t1 - t0)).abs() < 1e-12);
    assert!((m.bpm().unwrap() - 60.0 / (t1 - t0)).abs() < 1e-9);
    assert!((m.delta.unwrap() - want_delta).abs() <= 1e-12 * want_delta.abs().max(1.0));
    assert_eq!(m.unit, app.lanes[lane].unit);
    assert!(
        !app.prepared.caliper.fixed,
        "the second point follows the cursor"
    );
}

#[test]
fn a_fixed_measurement_stays_while_scrolling_and_a_third_k_clears() {
    let mut app = AppBuilder::demo("demo_ecg.edf").span(10.0).at(20.0).build();
    press_all(&mut app, "k right right right k");
    frame_text(&mut app, 200, 60);
    let fixed = app.prepared.caliper.measurement.clone().unwrap();
    press_all(&mut app, "pagedown pagedown right");
    let text = frame_text(&mut app, 200, 60);
    let after = app.prepared.caliper.measurement.clone().unwrap();
    println!("fixed {fixed:?}\nafter scrolling {after:?}");
    assert_eq!(fixed, after);
    assert!(
        text.lines().next().unwrap().contains(&fixed.text()),
        "the figures stay on screen when the points are off it:\n{text}"
    );
    press(&mut app, "k");
    let text = frame_text(&mut app, 200, 60);
    assert!(app.prepared.caliper.measurement.is_none());
    assert!(!text.contains("Δt"), "{text}");
    // Esc clears too.
    press_all(&mut app, "k right esc");
    frame_text(&mut app, 200, 60);
    assert!(app.prepared.caliper.measurement.is_none());
}

#[test]
fn march_out_ticks_repeat_the_interval_across_the_page() {
    let mut app = AppBuilder::demo("demo_ecg.edf").span(10.0).at(20.0).build();
    press_all(&mut app, "k right right right right k w");
    frame_text(&mut app, 200, 60);
    let c = &app.prepared.caliper;
    let (t0, dt) = (c.first.unwrap().t, c.measurement.as_ref().unwrap().dt_s);
    let (start, end) = (app.view.start_s, app.view.end_s());
    println!("t0 {t0} dt {dt} window {start}..{end}: {:?}", c.ticks);
    let n_want = ((end - t0) / dt).floor() - ((start - t0) / dt).ceil() + 1.0;
    assert_eq!(c.ticks.len() as f64, n_want);
    for &t in &c.ticks {
        let k = (t - t0) / dt;
        assert!(
            (k - k.round()).abs() < 1e-9 && t >= start && t <= end,
            "{t}"
        );
    }
    assert!(c.ticks.iter().any(|&t| t < t0), "ticks go back from t0 too");
    press(&mut app, "w");
    frame_text(&mut app, 200, 60);
    assert!(app.prepared.caliper.ticks.is_empty());
}

#[test]
fn a_pvc_mark_snaps_to_its_r_peak_and_not_with_snap_off() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("kim")
        .labels("ecg")
        .span(10.0)
        .at(30.0)
        .build();
    let peaks = r_peaks(&app, app.lanes[0].anchor);
    // The first PVC of the demo's truth table.
    let beat = nearest(&peaks, 35.858);
    app.view.jump(beat + 0.04);
    let cursor = app.view.cursor_s;
    press(&mut app, "v");
    let off = last_onset(&app);
    println!("snap off: cursor {cursor} -> onset {off}");
    assert_eq!(off, round_time(cursor));
    press(&mut app, "P");
    assert_eq!(app.caliper.snap, sigmark::tui::caliper::SnapMode::RPeak);
    app.view.jump(beat - 0.035);
    press(&mut app, "v");
    let on = last_onset(&app);
    println!(
        "snap R peak: cursor {} -> onset {on}, detected R peak {beat}",
        app.view.cursor_s
    );
    assert_eq!(on, round_time(beat));
}

#[test]
fn extremum_snap_takes_the_largest_deviation_within_100_ms() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("kim")
        .labels("ecg")
        .span(10.0)
        .at(30.0)
        .build();
    press_all(&mut app, "P P");
    let t = 36.0;
    app.view.jump(t);
    press(&mut app, "v");
    let got = last_onset(&app);
    let lane = app.selected_lane().unwrap();
    let rate = app.lanes[lane].rate_hz;
    let ks: Vec<u64> = (((t - 0.1) * rate).ceil() as u64..=((t + 0.1) * rate).floor() as u64)
        .filter(|&k| (k as f64 / rate - t).abs() <= 0.1)
        .collect();
    let vals: Vec<f64> = ks
        .iter()
        .map(|&k| expected(&app, lane, k as f64 / rate))
        .collect();
    let mut sorted = vals.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let best = (0..vals.len())
        .max_by(|&a, &b| {
            (vals[a] - median)
                .abs()
                .total_cmp(&(vals[b] - median).abs())
                .then(b.cmp(&a))
        })
        .unwrap();
    let want = ks[best] as f64 / rate;
    println!("extremum near {t}: onset {got}, from the samples {want} (median {median})");
    assert!((got - want).abs() < 0.5 / rate, "{got} vs {want}");
}

#[test]
fn the_measurement_goes_into_the_selected_events_note_and_undo_takes_it_back() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("kim")
        .labels("ecg")
        .span(10.0)
        .at(20.0)
        .build();
    press(&mut app, "ctrl-n");
    println!("no caliper: {:?}", app.message);
    assert!(app.message.as_deref().unwrap().contains("no measurement"));
    press_all(&mut app, "k right right right right k ctrl-n");
    println!("no event: {:?}", app.message);
    assert!(app.message.as_deref().unwrap().contains("select an event"));
    press_all(&mut app, "v ctrl-n");
    let text = app.prepared.caliper.measurement.as_ref().unwrap().text();
    let a = app.annot.as_ref().unwrap();
    let note = a.selected_event().unwrap().note.clone();
    println!(
        "note {note:?}, measurement {text:?}, message {:?}",
        app.message
    );
    assert_eq!(note, text);
    assert!(note.starts_with("Δt ") && note.contains(" bpm, Δ "));
    press(&mut app, "u");
    let a = app.annot.as_ref().unwrap();
    assert_eq!(a.selected_event().unwrap().note, "");
}

#[test]
fn snapshot_of_a_fixed_caliper_with_march_out() {
    // One RR interval, snapped to the R peaks, marched out across the page.
    let mut app = AppBuilder::demo("demo_ecg.edf").span(10.0).at(20.0).build();
    press_all(&mut app, "P k right right right right k w");
    insta::assert_snapshot!("caliper_fixed_120x30", frame_text(&mut app, 120, 30));
}
