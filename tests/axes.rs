//! Issue 13, axes: the clock axis names the day across midnight, the hypnogram is a stepped
//! plot, and the spectrogram has a frequency range, a dB range and a colour bar.

mod common;

use chrono::NaiveDate;
use common::app::{frame_text, AppBuilder};
use ratatui::layout::Rect;
use sigmark::signal::StartTime;
use sigmark::tui::freq::DbRange;
use sigmark::tui::prepare::prepare;
use sigmark::tui::prepare::spectrogram::SpectrogramView;
use sigmark::tui::prepare::EventLane;
use sigmark::tui::view::View;
use sigmark::tui::widgets::{axis, colorbar, hypnogram};

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

/// The demo EEG (or `name`) with its spectrogram computed, prepared at 120 x 40.
fn with_spectrogram(name: &str) -> common::app::TestApp {
    let mut app = AppBuilder::demo(name).at(90.0).build();
    common::app::press(&mut app, "G");
    app.wait_for(sigmark::jobs::Slot::Spectrogram);
    prepare(&mut app, Rect::new(0, 0, 120, 40));
    app
}

fn sg_view(app: &sigmark::tui::App) -> SpectrogramView {
    app.prepared
        .spectrogram
        .view
        .clone()
        .expect("the spectrogram is prepared")
}

/// Pixel row -> Hz of the prepared spectrogram, printed; (top of row 0, bottom of the last).
fn mapping(v: &SpectrogramView) -> (f64, f64) {
    let px = v.pixels();
    for p in 0..px {
        let (lo, hi) = v.pixel_hz(p, px);
        println!("pixel row {p:2}: {lo:6.2}-{hi:6.2} Hz");
    }
    let rows: Vec<(f64, f64)> = (0..px).map(|p| v.pixel_hz(p, px)).collect();
    assert!(
        rows.windows(2).all(|w| w[1].1 <= w[0].0),
        "higher rows, higher frequencies"
    );
    (rows[0].1, rows[px - 1].0)
}

#[test]
fn spectrogram_of_eeg_shows_0_to_30_hz_by_default_and_alt_f_changes_it() {
    let mut app = with_spectrogram("demo_eeg.bdf");
    let v = sg_view(&app);
    println!(
        "top {} Hz, {} bins of {} Hz",
        v.top_hz, v.bins_shown, v.bin_hz
    );
    assert_eq!(mapping(&v), (30.0, 0.0));
    let mut tops = vec![v.top_hz];
    for _ in 0..6 {
        common::app::press(&mut app, "alt-f");
        prepare(&mut app, Rect::new(0, 0, 120, 40));
        let v = sg_view(&app);
        let (top, bottom) = mapping(&v);
        assert_eq!((top, bottom), (v.top_hz, 0.0));
        tops.push(v.top_hz);
    }
    // demo_eeg is 256 Hz: its Nyquist frequency 128 Hz is the highest computed.
    println!("alt-f steps: {tops:?}");
    assert_eq!(tops, [30.0, 40.0, 50.0, 100.0, 128.0, 15.0, 30.0]);
}

#[test]
fn spectrogram_of_ecg_shows_0_to_40_hz_by_default() {
    let app = with_spectrogram("demo_ecg.edf");
    let v = sg_view(&app);
    assert_eq!(mapping(&v), (40.0, 0.0));
}

/// The colour bar's column of text at the right of the spectrogram band.
fn colorbar_text(app: &mut common::app::TestApp) -> Vec<String> {
    let frame = frame_text(app, 120, 40);
    let bar = app
        .prepared
        .layout
        .colorbar
        .expect("a colour bar beside the panel");
    let lines: Vec<&str> = frame.lines().collect();
    (bar.y..bar.y + bar.height)
        .map(|y| {
            let line: Vec<char> = lines[usize::from(y)].chars().collect();
            let (a, b) = (usize::from(bar.x), usize::from(bar.x + bar.width));
            line.get(a..b.min(line.len()))
                .unwrap_or(&[])
                .iter()
                .collect::<String>()
        })
        .collect()
}

#[test]
fn colour_bar_labels_are_the_prepared_db_limits() {
    let mut app = with_spectrogram("demo_eeg.bdf");
    for step in 0..4 {
        let bar = colorbar_text(&mut app);
        let v = sg_view(&app);
        let (lo, hi) = v.range.expect("a colour range");
        println!("{:?}: {lo:.1}..{hi:.1} dB\n{}", v.db, bar.join("\n"));
        let (top, bottom) = (&bar[0], &bar[bar.len() - 1]);
        assert!(top.contains(&colorbar::label_text(hi)), "top {top:?}");
        assert!(
            bottom.contains(&colorbar::label_text(lo)),
            "bottom {bottom:?}"
        );
        let mid = (bar.len() - 1) / 2;
        let want = hi - (mid as f64 + 0.5) / bar.len() as f64 * (hi - lo);
        assert!(
            bar[mid].contains(&colorbar::label_text(want)),
            "middle {:?}",
            bar[mid]
        );
        match step {
            0 => assert_eq!(v.db, DbRange::Auto),
            k => assert_eq!(hi - lo, [40.0, 60.0, 80.0][k - 1]),
        }
        common::app::press(&mut app, "alt-g");
    }
}

#[test]
fn spectrogram_with_its_colour_bar_and_hz_axis() {
    let mut app = with_spectrogram("demo_eeg.bdf");
    let frame = frame_text(&mut app, 120, 40);
    let sg = app.prepared.layout.spectrogram.expect("the panel");
    let lines: Vec<&str> = frame.lines().collect();
    let band = lines[usize::from(sg.y)..usize::from(sg.y + sg.height)].join("\n");
    println!("{band}");
    assert!(lines[usize::from(sg.y)].contains("30 Hz"));
    assert!(lines[usize::from(sg.y + sg.height - 1)].contains("0 Hz"));
    insta::assert_snapshot!("spectrogram_with_colour_bar", band);
}

#[test]
fn the_colour_bar_draws_into_tiny_areas() {
    let app = with_spectrogram("demo_eeg.bdf");
    for (w, h) in [(0, 0), (1, 1), (2, 2), (3, 1), (8, 2)] {
        let area = Rect::new(5, 3, w, h);
        let mut buf = ratatui::buffer::Buffer::empty(Rect::new(0, 0, 20, 10));
        colorbar::render(&app, area, &mut buf);
    }
}

fn corpus(rel: &str) -> std::path::PathBuf {
    let base = std::env::var("SIGMARK_CORPUS").unwrap_or_else(|_| "../shared/corpus".into());
    std::path::Path::new(&base).join(rel)
}

/// The stage rows of the hypnogram's band decoded from the frame: per waveform column, the
/// row its line runs along (0 = W .. 4 = N3), None where nothing is drawn.
fn decoded_stages(frame: &str, band: Rect) -> Vec<Option<usize>> {
    let lines: Vec<Vec<char>> = frame.lines().map(|l| l.chars().collect()).collect();
    let rows = |r: usize| {
        lines
            .get(usize::from(band.y) + r)
            .cloned()
            .unwrap_or_default()
    };
    let gutter = 14;
    (gutter..usize::from(band.x + band.width))
        .map(|x| {
            (0..5).find(|&r| {
                let y = usize::from(hypnogram::stage_row(hypnogram::Stage::ALL[r], band.height));
                matches!(rows(y).get(x), Some('─' | '━' | '└' | '┌'))
            })
        })
        .collect()
}

/// The hypnogram band of the prepared layout.
fn hypnogram_band(app: &sigmark::tui::App) -> Rect {
    let l = &app.prepared.layout;
    let k = l
        .event_lanes
        .iter()
        .position(|e| *e == EventLane::Hypnogram)
        .expect("a hypnogram lane");
    Rect::new(0, l.y_events + k as u16, l.lanes.width, l.hypnogram_h)
}

#[test]
fn sleep_edf_stage_names_map_to_aasm_rows() {
    use hypnogram::{stage_of, Stage};
    for (label, want) in [
        ("Sleep stage W", Some(Some(Stage::W))),
        ("Sleep stage 1", Some(Some(Stage::N1))),
        ("Sleep stage 2", Some(Some(Stage::N2))),
        ("Sleep stage 3", Some(Some(Stage::N3))),
        ("Sleep stage 4", Some(Some(Stage::N3))),
        ("Sleep stage R", Some(Some(Stage::R))),
        ("Sleep stage ?", Some(None)),
        ("Movement time", Some(None)),
        ("N2", Some(Some(Stage::N2))),
        ("spike", None),
        ("2", None),
    ] {
        println!("{label:?} -> {:?} (want {want:?})", stage_of(label));
        assert_eq!(stage_of(label), want);
    }
}

#[test]
fn stepped_hypnogram_of_the_sleep_edf_scoring_matches_its_annotations() {
    let hyp = sigmark::open(corpus("edf/sleepedf_SC4001EC-Hypnogram.edf"))
        .expect("open the Sleep-EDF hypnogram (set SIGMARK_CORPUS=/work/shared/corpus)");
    // Annotation-only (duration 0, no signals): its stages are shown over a made recording
    // as long as the scoring, as they would be beside the PSG.
    let end = hyp
        .annotations
        .iter()
        .map(|a| a.onset_s + a.duration_s.unwrap_or(0.0))
        .fold(0.0, f64::max);
    println!("{} annotations to {end} s", hyp.annotations.len());
    let mut rec = recording(end.ceil() as u64, (1989, 4, 24), (16, 13, 0));
    rec.annotations = hyp.annotations.to_vec().into();
    let mut app = AppBuilder::recording(rec).span(end).build();
    let frame = frame_text(&mut app, 200, 50);
    let band = hypnogram_band(&app);
    assert_eq!(band.height, 5, "five stage rows at 200x50");
    let got = decoded_stages(&frame, band);
    let wave_w = got.len() as f64;
    let v = app.view;
    let row = |label: &str| match label.trim_start_matches("Sleep stage ") {
        "W" => Some(0),
        "R" => Some(1),
        "1" => Some(2),
        "2" => Some(3),
        "3" | "4" => Some(4),
        _ => None,
    };
    let mut mismatched = Vec::new();
    for (x, g) in got.iter().enumerate() {
        let t = v.start_s + (x as f64 + 0.5) / wave_w * v.span_s;
        let want = hyp
            .annotations
            .iter()
            .find(|a| a.onset_s <= t && t < a.onset_s + a.duration_s.unwrap_or(0.0))
            .and_then(|a| row(&a.text));
        if *g != want {
            mismatched.push((x, t, *g, want));
        }
    }
    let lines: Vec<&str> = frame.lines().collect();
    let text = lines[usize::from(band.y)..usize::from(band.y + band.height)].join("\n");
    println!("{text}\nmismatched columns: {mismatched:?}");
    assert!(got.iter().filter(|g| g.is_some()).count() > 100);
    assert!(mismatched.is_empty());
    insta::assert_snapshot!("stepped_hypnogram_sleep_edf", text);
}

#[test]
fn stepped_hypnogram_of_the_readers_f5_to_f9_epochs() {
    let mut app = AppBuilder::demo("demo_eeg.bdf")
        .reader("alice")
        .labels("eeg")
        .build();
    // The viewer draws before the first key (the paper speed sets the opening window then).
    frame_text(&mut app, 164, 40);
    // Epoch scoring: W, N1, N2, N3, R, one 30 s epoch each.
    common::app::press_all(&mut app, "E F5 F6 F7 F8 F9 E");
    app.view.set_span(150.0);
    app.view.go_start();
    let frame = frame_text(&mut app, 164, 40);
    let band = hypnogram_band(&app);
    let got = decoded_stages(&frame, band);
    let lines: Vec<&str> = frame.lines().collect();
    println!(
        "{}",
        lines[usize::from(band.y)..usize::from(band.y + band.height)].join("\n")
    );
    let per = got.len() / 5;
    let middles: Vec<Option<usize>> = (0..5).map(|k| got[k * per + per / 2]).collect();
    println!("columns: {}, epoch middles: {middles:?}", got.len());
    // W, N1, N2, N3, R on rows W=0, R=1, N1=2, N2=3, N3=4.
    assert_eq!(middles, [Some(0), Some(2), Some(3), Some(4), Some(1)]);
    let r_row = lines[usize::from(band.y + 1)];
    assert!(r_row.contains('━'), "R is drawn heavy: {r_row:?}");
}
