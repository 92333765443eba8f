//! Messages that must not be lost: the note about an unusual file survives the adjudication
//! summary, and the mouse wheel does not scroll blind behind the "terminal too small" screen.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use sigmark::tui::{self, render, App, ColorMode, Keymap, Options, Theme};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf")
}

#[test]
fn a_truncated_files_note_stays_beside_the_adjudication_message() {
    let d = tempfile::tempdir().unwrap();
    let rec = d.path().join("holter.edf");
    let mut bytes = std::fs::read(demo()).unwrap();
    bytes.truncate(bytes.len() - 100); // the last record is cut short
    std::fs::write(&rec, bytes).unwrap();
    let table = "onset\tduration\tlabel\n100\t0\tPVC\n";
    std::fs::write(d.path().join("holter.alice.events.tsv"), table).unwrap();
    std::fs::write(
        d.path().join("holter.bob.events.tsv"),
        "onset\tduration\tlabel\n",
    )
    .unwrap();
    let recording = sigmark::open(&rec).unwrap();
    println!("notes: {:?}", recording.notes);
    assert!(!recording.notes.is_empty(), "the truncated file has a note");
    let opts = Options {
        reader: Some("carol".into()),
        compare: Some(("alice".into(), "bob".into())),
        adjudicator: Some("carol".into()),
        keymap: Some("ecg".into()),
        annotations_dir: Some(d.path().to_path_buf()),
        ..Options::default()
    };
    let app = tui::build_app(recording, &opts).unwrap();
    let msg = app.message.clone().unwrap_or_default();
    println!("message: {msg:?}");
    assert!(msg.contains("note: ") && msg.contains("truncated"), "{msg}");
    assert!(msg.contains("adjudicating alice vs bob"), "{msg}");
}

fn wheel(app: &mut App) {
    app.on_mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 10,
        row: 3,
        modifiers: KeyModifiers::NONE,
    });
}

fn frame(app: &mut App, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    render::draw_buffer(&mut buf, area, app);
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_wheel_does_not_scroll_while_the_terminal_is_too_small() {
    let mut app = App::new(
        sigmark::open(demo()).unwrap(),
        Keymap::shipped().unwrap(),
        Theme::new(ColorMode::NoColor),
        sigmark::dsp::montage::shipped().unwrap(),
    );
    app.mouse = true;
    let f = frame(&mut app, 20, 6);
    assert!(f.contains("too small"), "{f}");
    wheel(&mut app);
    println!("start after the wheel at 20x6: {}", app.view.start_s);
    assert_eq!(app.view.start_s, 0.0, "the wheel scrolled blind");
    frame(&mut app, 80, 24);
    wheel(&mut app);
    println!("start after the wheel at 80x24: {}", app.view.start_s);
    assert!(
        app.view.start_s > 0.0,
        "the wheel scrolls once it is large enough"
    );
}
