//! Dense recordings (issue 13): channel pages and display labels, on real corpus files. A
//! 64-channel EEG and the 73-channel BioSemi file at 200x50 give each lane at least two rows,
//! paging visits every channel once, a panel takes its rows from the page, and cut labels stay
//! distinct and recognisable, read from the drawn gutter.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use common::app::{frame_text, press, AppBuilder, TestApp};
use sigmark::tui::widgets::short_number;
use sigmark::tui::App;

const EEG64: &str = "edf/eegmmidb_bci2000_overlapping_annotations.edf";
const BIOSEMI73: &str = "bdf/biosemi_actiview_73ch_2048hz.bdf";

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("SIGMARK_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    if dir.join("index.json").is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!("corpus not found at {} (set SIGMARK_CORPUS)", dir.display());
    }
    eprintln!("pages: corpus not found at {}, skipped", dir.display());
    None
}

fn open(rel: &str) -> Option<TestApp> {
    Some(AppBuilder::file(corpus()?.join(rel)).build())
}

/// The last line of the frame: the status bar.
fn status(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}

/// Each shown lane gets at least two rows and the page fits in the traces.
fn check_rows(app: &App, what: &str) {
    let v = &app.prepared.lanes;
    let rows = app.wave_area.height;
    println!(
        "{what}: {} lanes shown of {}, {} rows each, in {rows} rows",
        v.shown.len(),
        app.visible().len(),
        v.lane_h
    );
    assert!(v.lane_h >= 2, "{what}: lanes of {} rows", v.lane_h);
    assert!(
        v.shown.len() as u16 * v.lane_h <= rows,
        "{what}: page overflows"
    );
}

/// Pages through the channels with alt-down from the first page: the lanes shown on each.
fn visit_pages(app: &mut App, w: u16, h: u16) -> Vec<Vec<usize>> {
    let mut pages = Vec::new();
    let text = frame_text(app, w, h);
    println!("{}", status(&text));
    pages.push(app.prepared.lanes.shown.clone());
    for _ in 0..app.lanes.len() {
        press(app, "alt-down");
        let text = frame_text(app, w, h);
        if app.prepared.lanes.shown == *pages.last().unwrap_or(&Vec::new()) {
            assert!(status(&text).contains("last page"), "{}", status(&text));
            break;
        }
        println!("{}", status(&text));
        pages.push(app.prepared.lanes.shown.clone());
    }
    pages
}

#[test]
fn dense_recordings_at_200x50_page_at_two_rows_a_lane_visiting_every_channel_once() {
    for rel in [EEG64, BIOSEMI73] {
        let Some(mut app) = open(rel) else { return };
        let n = app.visible().len();
        let text = frame_text(&mut app, 200, 50);
        check_rows(&app, rel);
        let size = app.prepared.lanes.shown.len();
        let want = format!("ch 1-{size} of {n}");
        assert!(status(&text).contains(&want), "{want:?} not in the status");
        let pages = visit_pages(&mut app, 200, 50);
        let visited: Vec<usize> = pages.iter().flatten().copied().collect();
        let distinct: HashSet<usize> = visited.iter().copied().collect();
        println!(
            "{rel}: {} pages, {} lanes visited of {n}",
            pages.len(),
            visited.len()
        );
        assert_eq!(visited.len(), n, "every channel once");
        assert_eq!(distinct.len(), n, "no channel twice");
        assert_eq!(visited, app.visible(), "in display order");
        // Back again to the first page.
        for _ in 1..pages.len() {
            press(&mut app, "alt-up");
        }
        frame_text(&mut app, 200, 50);
        assert_eq!(app.prepared.lanes.shown, pages[0]);
    }
}

#[test]
fn selecting_past_the_page_end_turns_the_page_and_back() {
    let Some(mut app) = open(EEG64) else { return };
    frame_text(&mut app, 200, 50);
    let size = app.prepared.lanes.shown.len();
    for _ in 0..size {
        press(&mut app, "down");
    }
    let text = frame_text(&mut app, 200, 50);
    let v = &app.prepared.lanes;
    println!("{} | selected row {}", status(&text), v.selected_row);
    assert_eq!(v.shown[0], app.visible()[size]);
    assert_eq!(v.selected_row, 0);
    assert!(status(&text).contains(&format!("ch {}-{} of 64", size + 1, 2 * size)));
    press(&mut app, "up");
    frame_text(&mut app, 200, 50);
    assert_eq!(app.prepared.lanes.shown[0], app.visible()[0]);
    assert_eq!(app.prepared.lanes.selected_row, size - 1);
}

#[test]
fn v_steps_the_lanes_per_page_and_lane_height_follows() {
    let Some(mut app) = open(EEG64) else { return };
    // Keys act on the page drawn: draw the first frame as the viewer does.
    frame_text(&mut app, 200, 120);
    let mut seen = Vec::new();
    for _ in 0..4 {
        press(&mut app, "V");
        let text = frame_text(&mut app, 200, 120);
        let v = &app.prepared.lanes;
        println!(
            "{:?}: {} lanes of {} rows",
            app.message,
            v.shown.len(),
            v.lane_h
        );
        assert_eq!(
            usize::from(v.lane_h),
            usize::from(app.wave_area.height) / v.shown.len()
        );
        assert!(!status(&text).is_empty());
        seen.push(v.shown.len());
    }
    // At 120 rows the default is 32 (two rows each); then all 64 at one row, 8, 16, 32.
    assert_eq!(seen, [64, 8, 16, 32]);
}

#[test]
fn an_open_spectrogram_takes_its_rows_from_the_page_not_from_each_lane() {
    let Some(mut app) = open(EEG64) else { return };
    press(&mut app, "G");
    frame_text(&mut app, 200, 50);
    assert!(
        app.prepared.layout.spectrogram.is_some(),
        "the panel is open"
    );
    check_rows(&app, "64 channels with the spectrogram");
    // Even when every lane was asked for on one page.
    while !matches!(app.per_page, sigmark::tui::prepare::pages::PerPage::All) {
        press(&mut app, "V");
    }
    frame_text(&mut app, 200, 50);
    check_rows(&app, "all lanes asked for, with the spectrogram");
    press(&mut app, "G");
    frame_text(&mut app, 200, 50);
    println!(
        "closed: {} lanes of {} rows",
        app.prepared.lanes.shown.len(),
        app.prepared.lanes.lane_h
    );
    assert!(
        app.prepared.lanes.shown.len() > 32,
        "closed, the page holds more again"
    );
}

const LABEL_FILES: [&str; 4] = [
    "bdf/openbci_cosleep_multiple_annotation_chans.bdf",
    "edf/sleepedf_SC4001E0_short_psg.edf",
    "edf/persyst_duplicate_channel_labels.edf",
    "demo:demo_monitoring.h5",
];

fn open_labelled(name: &str) -> Option<TestApp> {
    match name.strip_prefix("demo:") {
        Some(demo) => Some(AppBuilder::demo(demo).build()),
        None => open(name),
    }
}

/// Each shown lane's label as drawn: the first row of its gutter without the readout value.
fn drawn_labels(app: &App, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let v = &app.prepared.lanes;
    let w = usize::from(app.prepared.layout.gutter) - 1;
    (0..v.shown.len())
        .map(|row| {
            let y = usize::from(app.wave_area.y) + row * usize::from(v.lane_h);
            let g: String = lines[y].chars().take(w).collect();
            let g = g.trim_end();
            let value = app.prepared.readout.values.get(row).copied().flatten();
            let g = value.map_or(g, |x| g.strip_suffix(&short_number(x)).unwrap_or(g));
            g.trim_end().to_string()
        })
        .collect()
}

/// `shown` is made of parts of `label` (split at `…`, a `#k` of a duplicate aside), with at
/// least three of its characters.
fn recognisable(shown: &str, label: &str) -> bool {
    let body = match shown.rsplit_once('#') {
        Some((b, k)) if k.parse::<usize>().is_ok() && !label.contains('#') => b,
        _ => shown,
    };
    let parts: Vec<&str> = body
        .split('…')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let kept: usize = parts.iter().map(|p| p.chars().count()).sum();
    !parts.is_empty()
        && parts.iter().all(|p| label.contains(p))
        && kept >= label.chars().count().min(3)
}

#[test]
fn drawn_labels_are_distinct_and_each_a_recognisable_part_of_its_label() {
    for name in LABEL_FILES {
        let Some(mut app) = open_labelled(name) else {
            return;
        };
        for (w, h) in [(200, 50), (80, 24), (60, 24)] {
            let text = frame_text(&mut app, w, h);
            let drawn = drawn_labels(&app, &text);
            let full: Vec<&str> = app
                .prepared
                .lanes
                .shown
                .iter()
                .map(|&i| app.lanes[i].label.as_str())
                .collect();
            println!("{name} at {w}x{h}, gutter {}:", app.prepared.layout.gutter);
            for (d, f) in drawn.iter().zip(&full) {
                println!("  {d:<26} <- {f}");
                assert!(recognisable(d, f), "{d:?} is not a part of {f:?}");
                if w == 200 && f.chars().count() <= 24 && !d.contains('#') {
                    assert_eq!(d, f, "at 200 columns a label of up to 24 is whole");
                }
            }
            let distinct: HashSet<&String> = drawn.iter().collect();
            assert_eq!(distinct.len(), drawn.len(), "labels drawn alike: {drawn:?}");
            let all: HashSet<&String> = app.prepared.labels.iter().collect();
            assert_eq!(all.len(), app.lanes.len(), "{:?}", app.prepared.labels);
        }
    }
}

#[test]
fn snapshot_a_64_channel_page_at_200x50() {
    let Some(mut app) = open(EEG64) else { return };
    frame_text(&mut app, 200, 50);
    press(&mut app, "alt-down");
    let text = frame_text(&mut app, 200, 50);
    insta::assert_snapshot!("page_2_of_64_channels_200x50", text);
}

#[test]
fn snapshot_the_accelerometer_labels_as_the_screen_narrows() {
    let mut app = AppBuilder::demo("demo_monitoring.h5").build();
    let mut out = String::new();
    for w in [200, 80, 60, 48] {
        frame_text(&mut app, w, 24);
        out += &format!("{w} columns, gutter {}:\n", app.prepared.layout.gutter);
        for (l, d) in app.lanes.iter().zip(&app.prepared.labels) {
            out += &format!("  {d:<24} <- {}\n", l.label);
        }
    }
    println!("{out}");
    insta::assert_snapshot!("accelerometer_labels", out);
}
