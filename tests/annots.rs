//! Embedded annotations and overlapping events (issue 13, dense recordings): the file's
//! annotations drawn at their own columns at every zoom, listed with their own source filter,
//! next/previous by label, and one reader's overlapping events on sub-rows. Checked against
//! the annotations the EDF+ reader returns from real corpus files.

mod common;

use std::path::PathBuf;

use common::app::{frame_text, press, press_all, type_text, AppBuilder};
use sigmark::tui::App;

fn corpus(rel: &str) -> PathBuf {
    let root = std::env::var("SIGMARK_CORPUS").unwrap_or_else(|_| "../shared/corpus".into());
    PathBuf::from(root).join(rel)
}

const MITDB: &str = "derived/mitdb100_ecg_edfplus.edf";

/// Per waveform column, how many of the reader's annotations have their onset there.
fn expected_histogram(app: &App, width: u16) -> Vec<usize> {
    let v = &app.view;
    let mut h = vec![0; usize::from(width)];
    for a in &app.rec.annotations {
        if a.onset_s < v.start_s || a.onset_s > v.end_s() {
            continue;
        }
        let x = ((a.onset_s - v.start_s) / v.span_s * f64::from(width)).floor() as usize;
        let last = h.len() - 1;
        h[x.min(last)] += 1;
    }
    h
}

/// The file-events row of a frame, without its gutter (`gutter` columns wide).
fn file_row(text: &str, gutter: u16) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.starts_with("file events"))
        .expect("a file events row");
    line.chars()
        .skip(usize::from(gutter))
        .map(String::from)
        .collect()
}

/// What a column with `n` onsets must show first.
fn glyph_ok(n: usize, g: &str) -> bool {
    match n {
        0 => g != "▼" && g.parse::<u32>().is_err(),
        1 => g == "▼",
        2..=9 => g == n.to_string(),
        _ => g == "9" || g == "+",
    }
}

#[test]
fn mitdb100_at_ten_minutes_draws_each_beat_label_in_its_own_column() {
    let mut app = AppBuilder::file(corpus(MITDB)).span(600.0).build();
    assert_eq!(app.rec.annotations.len(), 2273, "the corpus file's beats");
    for page in 0..3 {
        let text = frame_text(&mut app, 200, 40);
        let width = app.prepared.layout.wave.width;
        let want = expected_histogram(&app, width);
        let got: Vec<usize> = app
            .prepared
            .file_lane
            .cells
            .iter()
            .map(|c| c.onsets as usize)
            .collect();
        println!("page {page} at {} s: expected {want:?}", app.view.start_s);
        println!("page {page}: prepared {got:?}");
        assert_eq!(got, want, "onsets per column");
        let row = file_row(&text, app.prepared.layout.gutter);
        println!("row: {}", row.concat());
        let occupied = want.iter().filter(|&&n| n > 0).count();
        println!("{occupied} of {width} columns hold onsets");
        assert!(
            occupied > usize::from(width) * 9 / 10,
            "beats all along the page"
        );
        for (x, &n) in want.iter().enumerate() {
            let g = row.get(x).map_or(" ", String::as_str);
            assert!(glyph_ok(n, g), "column {x}: {n} onsets drawn as {g:?}");
        }
        if page == 0 {
            insta::assert_snapshot!("mitdb100_file_events_10min", row.concat());
        }
        common::app::press(&mut app, "pagedown");
    }
}

/// Onsets of the reader's annotations whose text is `text`, in time order.
fn onsets_of(app: &App, text: &str) -> Vec<f64> {
    let mut t: Vec<f64> = app
        .rec
        .annotations
        .iter()
        .filter(|a| a.text == text)
        .map(|a| a.onset_s)
        .collect();
    t.sort_by(f64::total_cmp);
    t
}

/// From `onsets[0]`, alt-. visits the next ones in order, alt-, comes back, and past the
/// last one the cursor stays and the status says so.
fn step_through(app: &mut App, label: &str, onsets: &[f64]) {
    app.view.jump(onsets[0]);
    for want in &onsets[1..] {
        press(app, "alt-.");
        println!(
            "alt-. -> {} (reader's next {label} {want})",
            app.view.cursor_s
        );
        assert!((app.view.cursor_s - want).abs() < 1e-9, "{:?}", app.message);
    }
    for want in onsets[..onsets.len() - 1].iter().rev() {
        press(app, "alt-,");
        println!("alt-, -> {} (previous {label} {want})", app.view.cursor_s);
        assert!((app.view.cursor_s - want).abs() < 1e-9, "{:?}", app.message);
    }
    let last = onsets[onsets.len() - 1];
    app.view.jump(last);
    press(app, "alt-.");
    println!("after the last {label}: {:?}", app.message);
    assert!((app.view.cursor_s - last).abs() < 1e-9);
    let said = app.message.clone().unwrap_or_default();
    assert!(said.contains(&format!("no {label} after")), "{said}");
}

#[test]
fn alt_dot_goes_to_the_next_v_or_a_of_mitdb100_and_alt_comma_back() {
    let mut app = AppBuilder::file(corpus(MITDB)).span(10.0).build();
    // Record 100 has one PVC (V) and 33 atrial premature beats (A).
    let vs = onsets_of(&app, "V");
    println!("V at {vs:?}");
    assert_eq!(vs.len(), 1);
    step_through(&mut app, "V", &vs);
    press(&mut app, "alt-,");
    assert!(app.message.as_deref().unwrap_or("").contains("no V before"));
    let a_beats = onsets_of(&app, "A");
    println!("{} A, first {:?}", a_beats.len(), &a_beats[..4]);
    assert_eq!(a_beats.len(), 33);
    step_through(&mut app, "A", &a_beats);
}

#[test]
fn alt_dot_goes_to_the_next_sleep_stage_w_of_the_sleep_edf_hypnogram() {
    let mut app = AppBuilder::file(corpus("edf/sleepedf_SC4001EC-Hypnogram.edf"))
        .span(30.0)
        .build();
    let ws = onsets_of(&app, "Sleep stage W");
    println!(
        "{} Sleep stage W, first {:?}",
        ws.len(),
        &ws[..ws.len().min(4)]
    );
    assert!(ws.len() >= 3);
    // An annotation-only file: the time axis reaches its last annotation.
    println!("time axis {} s", app.view.duration_s);
    assert!(app.view.duration_s >= ws[ws.len() - 1]);
    step_through(&mut app, "Sleep stage W", &ws);
}

#[test]
fn alt_dot_with_an_event_selected_goes_to_the_readers_next_with_its_label() {
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("alice")
        .labels("ecg")
        .build();
    press_all(
        &mut app,
        "right v right right b right right v right right b right v",
    );
    press_all(&mut app, "home .");
    let a = app.annot.as_ref().unwrap();
    let first = a.selected_event().unwrap().clone();
    let same: Vec<f64> = a
        .store
        .events()
        .iter()
        .filter(|e| e.label == first.label)
        .map(|e| e.onset)
        .collect();
    println!(
        "selected {} at {}; same label at {same:?}",
        first.label, first.onset
    );
    assert_eq!(same.len(), 3);
    for want in &same[1..] {
        press(&mut app, "alt-.");
        let sel = app.annot.as_ref().unwrap().selected_event().unwrap();
        println!("alt-. -> {} {} (want {want})", sel.label, sel.onset);
        assert_eq!(
            (sel.label.as_str(), sel.onset),
            (first.label.as_str(), *want)
        );
        assert!((app.view.cursor_s - want).abs() < 1e-9);
    }
}

/// The list panel's title row (it starts with " events:").
fn list_title(text: &str) -> String {
    let line = text.lines().find(|l| l.contains(" events: ")).unwrap_or("");
    line[line.find(" events: ").unwrap_or(0)..]
        .trim()
        .to_string()
}

#[test]
fn the_event_list_shows_the_files_annotations_filtered_and_enter_goes_to_one() {
    // Viewing only: L lists the file's annotations.
    let mut app = AppBuilder::file(corpus(MITDB)).span(10.0).build();
    press(&mut app, "L");
    let text = frame_text(&mut app, 120, 30);
    let title = list_title(&text);
    println!("{title}");
    assert!(title.starts_with("events: file's 2273/2273"), "{title}");
    insta::assert_snapshot!("mitdb100_event_list_file", text);
    // The text filter applies to the file's annotations; rows in onset order.
    type_text(&mut app, "a");
    let text = frame_text(&mut app, 120, 30);
    let a_beats = onsets_of(&app, "A");
    let want = app
        .rec
        .annotations
        .iter()
        .filter(|x| x.text.to_lowercase().contains('a'))
        .count();
    println!("{} (want {want} of 2273)", list_title(&text));
    assert_eq!(app.prepared.event_list.rows.len(), want);
    assert!(list_title(&text).starts_with(&format!("events: file's {want}/2273")));
    press_all(&mut app, "down down enter");
    println!(
        "enter on the third A: cursor {} (want {})",
        app.view.cursor_s, a_beats[2]
    );
    assert!((app.view.cursor_s - a_beats[2]).abs() < 1e-9);
    assert!(app.layers.event_list().is_none(), "Enter closes the list");
}

#[test]
fn tab_in_the_list_cycles_mine_files_and_all() {
    let mut app = AppBuilder::file(corpus(MITDB))
        .reader("alice")
        .labels("ecg")
        .span(10.0)
        .build();
    press_all(&mut app, "right v right right b");
    press(&mut app, "L");
    let mut seen = Vec::new();
    for _ in 0..4 {
        let text = frame_text(&mut app, 120, 30);
        let n = app.prepared.event_list.rows.len();
        seen.push((list_title(&text), n));
        press(&mut app, "tab");
    }
    println!("{seen:#?}");
    let titles: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
    assert!(titles[0].starts_with("events: mine 2/2"), "{titles:?}");
    assert!(titles[1].starts_with("events: file's 2273/2273"));
    assert!(titles[2].starts_with("events: all 2275/2275"));
    assert!(titles[3].starts_with("events: mine"));
    // All: in onset order, the file's rows marked.
    press(&mut app, "tab");
    let text = frame_text(&mut app, 120, 30);
    let on: Vec<f64> = app
        .prepared
        .event_list
        .rows
        .iter()
        .map(|&r| sigmark::tui::prepare::lists::onset(&app, r))
        .collect();
    assert!(on.windows(2).all(|w| w[0] <= w[1]), "onset order");
    assert!(text.contains("·file"), "{text}");
}
