//! The viewer never loses a mark or shows a wrong time: quitting with an open interval, the
//! too-small screen, view-only mode, the jump prompt, and times rounded to the zoom.

mod common;

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sigmark::tui::{render, App};

use common::app::{frame_text, AppBuilder, TestApp};

fn copy_demo(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    let dst = dir.join("demo_ecg.edf");
    std::fs::copy(src, &dst).unwrap();
    dst
}

fn viewer(path: &Path) -> TestApp {
    AppBuilder::file(path).build()
}

fn marking(path: &Path, reader: &str) -> TestApp {
    AppBuilder::file(path).reader(reader).in_place().build()
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn keys(app: &mut App, text: &str) {
    text.chars().for_each(|c| key(app, KeyCode::Char(c)));
}

fn labels(app: &App) -> Vec<(f64, f64, String)> {
    let a = app.annot.as_ref().unwrap();
    let ev = a.store.events().iter();
    ev.map(|e| (e.onset, e.duration, e.label.clone())).collect()
}

#[test]
fn quitting_with_an_open_interval_asks_and_never_drops_it_silently() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    let mut app = marking(&rec, "kim");
    app.view.jump(100.0);
    keys(&mut app, "2"); // AF opens
    keys(&mut app, "q");
    let msg = app.message.clone().unwrap_or_default();
    println!("after q with AF open: quit={} message={msg:?}", app.quit);
    assert!(!app.quit, "q with an open interval must ask first");
    assert!(msg.contains("AF open since 0:01:40"), "{msg}");
    assert!(app.annot.as_ref().unwrap().open.is_some());
    // Any other key goes on: the label key closes the interval, then q quits.
    app.view.jump(104.0);
    keys(&mut app, "2");
    println!("events: {:?}", labels(&app));
    assert_eq!(labels(&app), vec![(100.0, 4.0, "AF".to_string())]);
    keys(&mut app, "q");
    assert!(app.quit);

    // Ctrl-C asks too; a second q (or ctrl-c) quits knowingly.
    let mut app = marking(&rec, "lee");
    keys(&mut app, "2");
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(!app.quit, "ctrl-c with an open interval must ask first");
    keys(&mut app, "q");
    assert!(app.quit);

    // Esc drops it, saying so; then q quits at once.
    let mut app = marking(&rec, "max");
    keys(&mut app, "2q");
    key(&mut app, KeyCode::Esc);
    println!("after Esc: {:?}", app.message);
    assert_eq!(app.message.as_deref(), Some("cancelled"));
    keys(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn while_the_terminal_is_too_small_only_quit_works() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    let mut app = marking(&rec, "kim");
    let f = frame_text(&mut app, 20, 6);
    assert!(f.contains("too small"), "{f}");
    keys(&mut app, "v2x");
    println!(
        "events after v at 20x6: {:?}; message {:?}",
        labels(&app),
        app.message
    );
    assert!(labels(&app).is_empty(), "a blind mark was made");
    assert!(app.annot.as_ref().unwrap().open.is_none());
    assert_eq!(app.view.span_s, 10.0, "x zoomed out blind");
    let f = frame_text(&mut app, 20, 6);
    assert!(f.contains("enlarge"), "the refusal is on screen:\n{f}");
    frame_text(&mut app, 80, 24);
    keys(&mut app, "v");
    assert_eq!(
        labels(&app).len(),
        1,
        "keys work again once it is large enough"
    );
    frame_text(&mut app, 20, 6);
    keys(&mut app, "q");
    assert!(app.quit);
}

#[test]
fn view_only_says_so_in_the_status_bar_and_once_on_a_label_key() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    let mut app = viewer(&rec);
    let status = render::status_line(&app);
    println!("{status}");
    assert!(status.contains("│ view only │"), "{status}");
    keys(&mut app, "v");
    let told = app.message.clone().unwrap_or_default();
    println!("after v: {told:?}");
    assert!(
        told.contains("view only") && told.contains("--reader"),
        "{told}"
    );
    keys(&mut app, "v");
    assert_eq!(app.message, None, "told once, not on every key");
}

#[test]
fn the_jump_prompt_reports_negatives_stray_characters_and_reads_clock_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    let mut app = viewer(&rec);
    app.view.jump(20.0);
    for (typed, want) in [
        ("-5", "before the start"),
        ("5s", "'s'"),
        ("2:00:00", "past the end"),
        ("@09:29", "past the end"),
    ] {
        keys(&mut app, &format!("g{typed}"));
        key(&mut app, KeyCode::Enter);
        let msg = app.message.clone().unwrap_or_default();
        println!("g {typed} -> cursor {} message {msg:?}", app.view.cursor_s);
        assert!(msg.contains(want), "g {typed}: {msg}");
        assert_eq!(app.view.cursor_s, 20.0, "g {typed} moved the cursor");
    }
    // The demo starts at 09:30:00: @09:31 is one minute in.
    keys(&mut app, "g@09:31");
    key(&mut app, KeyCode::Enter);
    println!("g @09:31 -> {}", app.view.cursor_s);
    assert_eq!(app.view.cursor_s, 60.0);
}

#[test]
fn times_are_rounded_to_the_precision_the_zoom_shows() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path());
    let mut app = marking(&rec, "kim");
    app.view.jump(1.36);
    keys(&mut app, "v");
    let msg = app.message.clone().unwrap_or_default();
    let status = render::status_line(&app);
    println!(
        "10 s window: {status}\n  message {msg:?}; stored {:?}",
        labels(&app)
    );
    assert!(status.contains("0:00:01.360 (09:30:01.360)"), "{status}");
    assert_eq!(msg, "PVC at 0:00:01.360");
    assert_eq!(labels(&app)[0].0, 1.36);
    keys(&mut app, "xx"); // 30 s: tenths, rounded (today: 0:00:01.3 beside 09:30:01.4)
    let status = render::status_line(&app);
    println!("30 s window: {status}");
    assert!(status.contains("0:00:01.4 (09:30:01.4)"), "{status}");
    keys(&mut app, "Z");
    let status = render::status_line(&app);
    println!("whole recording: {status}");
    assert!(
        status.contains("0:00:01 (09:30:01) │ all (0:10:00)"),
        "{status}"
    );
}
