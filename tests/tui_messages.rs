//! Messages that must not be lost: the note about an unusual file survives the adjudication
//! summary, and the mouse wheel does not scroll blind behind the "terminal too small" screen.

mod common;

use std::path::{Path, PathBuf};

use crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
use sigmark::tui::App;

use common::app::{frame_text, AppBuilder};

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
    let app = AppBuilder::recording(recording)
        .reader("carol")
        .compare("alice", "bob")
        .adjudicator("carol")
        .labels("ecg")
        .annotations_dir(d.path())
        .build();
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

#[test]
fn the_wheel_does_not_scroll_while_the_terminal_is_too_small() {
    let mut app = AppBuilder::file(demo()).mouse().build();
    let f = frame_text(&mut app, 20, 6);
    assert!(f.contains("too small"), "{f}");
    wheel(&mut app);
    println!("start after the wheel at 20x6: {}", app.view.start_s);
    assert_eq!(app.view.start_s, 0.0, "the wheel scrolled blind");
    frame_text(&mut app, 80, 24);
    wheel(&mut app);
    println!("start after the wheel at 80x24: {}", app.view.start_s);
    assert!(
        app.view.start_s > 0.0,
        "the wheel scrolls once it is large enough"
    );
}
