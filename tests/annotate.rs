//! Marking in the viewer, driven by keys: point, interval and epoch events, editing, undo and
//! redo, the event list, the files on disk, blinding and key conflicts.

mod common;

use std::path::{Path, PathBuf};

use common::app::{frame_text, press, press_all, type_text, AppBuilder, TestApp};
use sigmark::annotations::{store, Certainty, Event, Taxonomy};
use sigmark::tui::App;

/// A copy of a demo recording in a temp dir (the reader's files go beside it).
fn copy_demo(dir: &Path, name: &str) -> PathBuf {
    let dst = dir.join(name);
    std::fs::copy(common::app::demo(name), &dst).unwrap();
    dst
}

/// Marking as `reader` on `path` where it is.
fn open(path: &Path, reader: &str) -> TestApp {
    AppBuilder::file(path).reader(reader).in_place().build()
}

fn events(app: &App) -> Vec<(f64, f64, String)> {
    app.annot
        .as_ref()
        .unwrap()
        .store
        .events()
        .iter()
        .map(|e| (e.onset, e.duration, e.label.clone()))
        .collect()
}

#[test]
fn points_intervals_undo_redo_and_files_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_ecg.edf");
    let before = std::fs::read(&rec).unwrap();
    let mut app = open(&rec, "alice");
    assert_eq!(
        app.annot.as_ref().unwrap().taxonomy.name,
        "ecg",
        "guessed from the channels"
    );
    mark_a_point_an_interval_and_one_by_mark_in(&mut app);
    undo_all_three_and_redo_them(&mut app);
    edit_the_af_then_undo(&mut app);
    // Save, reopen: the table, the sidecar and the journal say the same.
    press(&mut app, "ctrl-s");
    let saved = app.annot.as_ref().unwrap().store.events().to_vec();
    drop(app);
    assert_the_files_hold(dir.path(), &saved, before.len() as u64);
    let app = open(&rec, "alice");
    assert_eq!(app.annot.as_ref().unwrap().store.events(), saved.as_slice());
    assert_eq!(
        std::fs::read(&rec).unwrap(),
        before,
        "the recording is never written"
    );
}

/// A PVC at the cursor, an AF opened and closed by its key, a Pause by mark in + label key.
fn mark_a_point_an_interval_and_one_by_mark_in(app: &mut TestApp) {
    app.view.jump(35.858);
    type_text(app, "v"); // PVC at the cursor
    app.view.jump(200.0);
    type_text(app, "2"); // AF opens
    assert!(app.annot.as_ref().unwrap().open.is_some());
    app.view.jump(290.0);
    type_text(app, "2"); // and closes
    app.view.jump(380.0);
    type_text(app, "i");
    app.view.jump(383.0);
    type_text(app, "7"); // Pause by mark in + label key
    assert_eq!(
        events(app),
        vec![
            (35.858, 0.0, "PVC".into()),
            (200.0, 90.0, "AF".into()),
            (380.0, 3.0, "Pause".into())
        ]
    );
}

/// Undo all three, redo one, then the other two.
fn undo_all_three_and_redo_them(app: &mut TestApp) {
    type_text(app, "uuu");
    assert!(events(app).is_empty());
    press(app, "ctrl-r");
    assert_eq!(events(app), vec![(35.858, 0.0, "PVC".into())]);
    press(app, "ctrl-r");
    press(app, "ctrl-r");
    assert_eq!(events(app).len(), 3);
}

/// Select by next/previous, relabel, note, certainty, move, resize, delete; undo each.
fn edit_the_af_then_undo(app: &mut TestApp) {
    app.view.go_start();
    type_text(app, ".");
    assert_eq!(app.view.cursor_s, 35.858);
    type_text(app, ".");
    assert_eq!(
        app.annot.as_ref().unwrap().selected_event().unwrap().label,
        "AF"
    );
    type_text(app, "l3"); // AF -> AFL
    assert_eq!(events(app)[1].2, "AFL");
    type_text(app, "n");
    type_text(app, "coarse F waves");
    press(app, "enter");
    type_text(app, "p");
    let e = app
        .annot
        .as_ref()
        .unwrap()
        .selected_event()
        .unwrap()
        .clone();
    assert_eq!(
        (e.note.as_str(), e.certainty),
        ("coarse F waves", Certainty::Possible)
    );
    let span = app.view.span_s;
    type_text(app, ">}");
    let e2 = app
        .annot
        .as_ref()
        .unwrap()
        .selected_event()
        .unwrap()
        .clone();
    assert!(
        (e2.onset - (200.0 + span / 50.0)).abs() < 1e-6
            && (e2.duration - (90.0 + span / 50.0)).abs() < 1e-6,
        "{e2:?}"
    );
    type_text(app, "u");
    press(app, "delete");
    assert_eq!(
        events(app).iter().map(|e| e.2.as_str()).collect::<Vec<_>>(),
        vec!["PVC", "Pause"]
    );
    type_text(app, "u");
    assert_eq!(events(app).len(), 3);
}

/// The table is what was saved; the sidecar names the keymap, reader, count and size; every
/// edit is journaled.
fn assert_the_files_hold(dir: &Path, saved: &[Event], recording_size: u64) {
    let table = store::read_table(&dir.join("demo_ecg.alice.events.tsv")).unwrap();
    assert_eq!(table, saved);
    let side: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("demo_ecg.alice.events.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(side["keymap"], "ecg");
    assert_eq!(side["reader"], "alice");
    assert_eq!(side["events"], 3);
    assert_eq!(side["recording_size"], recording_size);
    let journal = std::fs::read_to_string(dir.join("demo_ecg.alice.journal.jsonl")).unwrap();
    assert!(journal.lines().count() >= 15, "every edit is journaled");
}

#[test]
fn the_sidecar_carries_the_recording_hash() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_monitoring.h5");
    let mut app = open(&rec, "bob");
    assert_eq!(app.annot.as_ref().unwrap().taxonomy.name, "rpm");
    type_text(&mut app, "1");
    app.view.jump(150.0);
    type_text(&mut app, "1");
    app.save_annotations(true).unwrap();
    let side: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo_monitoring.bob.events.json")).unwrap(),
    )
    .unwrap();
    let want: String = sha2::Sha256::digest(std::fs::read(&rec).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(side["recording_sha256"], want);
    assert_eq!(side["format"], "HDF5");
}

#[test]
fn epoch_scoring_labels_and_advances() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_eeg.bdf");
    let mut app = open(&rec, "carol");
    assert_eq!(app.annot.as_ref().unwrap().taxonomy.name, "eeg");
    type_text(&mut app, "E");
    assert_eq!(app.view.span_s, 30.0);
    press_all(&mut app, "F5 F6 F7 F7");
    assert_eq!(
        events(&app),
        vec![
            (0.0, 30.0, "W".into()),
            (30.0, 30.0, "N1".into()),
            (60.0, 30.0, "N2".into()),
            (90.0, 30.0, "N2".into())
        ]
    );
    assert!(app.view.cursor_s >= 120.0);
    // Scoring an epoch again changes its stage rather than adding a second one.
    app.view.jump(45.0);
    press(&mut app, "F8");
    assert_eq!(events(&app)[1], (30.0, 30.0, "N3".into()));
    assert_eq!(events(&app).len(), 4);
    // The hypnogram lane shows the stages.
    app.view.set_span(180.0);
    app.view.go_start();
    let text = frame_text(&mut app, 120, 40);
    assert!(text.contains("stages") && text.contains("N3"), "{text}");
}

#[test]
fn event_list_filters_and_jumps_and_file_annotations_copy_in() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_ecg.edf");
    let mut app = open(&rec, "dave");
    for (t, k) in [(10.0, "v"), (20.0, "b"), (30.0, "v"), (40.0, "b")] {
        app.view.jump(t);
        type_text(&mut app, k);
    }
    type_text(&mut app, "L");
    type_text(&mut app, "pac");
    assert_eq!(
        app.annot
            .as_ref()
            .unwrap()
            .listed(app.layers.event_list())
            .len(),
        2
    );
    press(&mut app, "down");
    press(&mut app, "enter");
    assert_eq!(app.view.cursor_s, 40.0);
    assert!(app.layers.event_list().is_none());
    // The embedded annotation at the start ("Recording start"?) copies in with its text.
    let first = app
        .rec
        .annotations
        .first()
        .cloned()
        .expect("the demo has embedded annotations");
    app.view.jump(first.onset_s);
    type_text(&mut app, "C");
    assert!(
        events(&app)
            .iter()
            .any(|e| e.2 == first.text && e.0 == first.onset_s),
        "{:?}",
        events(&app)
    );
}

#[test]
fn readers_are_blinded_unless_asked_and_a_second_writer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_ecg.edf");
    let mut a = open(&rec, "alice");
    type_text(&mut a, "v");
    a.save_annotations(true).unwrap();
    // The same reader twice: refused, naming the process.
    let err = AppBuilder::file(&rec)
        .reader("alice")
        .in_place()
        .try_build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("process {}", std::process::id())),
        "{err}"
    );
    drop(a);
    let bob = open(&rec, "bob");
    assert!(
        bob.annot.as_ref().unwrap().others.is_empty(),
        "blinded by default"
    );
    drop(bob);
    let c = AppBuilder::file(&rec)
        .reader("bob")
        .show_readers()
        .in_place()
        .build();
    let others = &c.annot.as_ref().unwrap().others;
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].0, "alice");
    assert_eq!(others[0].1.len(), 1);
}

#[test]
fn a_label_key_taken_by_the_viewer_is_refused_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_ecg.edf");
    let km = dir.path().join("mine.toml");
    std::fs::write(&km, "name = \"mine\"\nversion = \"1\"\n[[label]]\nname = \"Beat\"\nkey = \"b\"\nkind = \"point\"\ncode_note = \"x\"\n[[label]]\nname = \"Zoom\"\nkey = \"z\"\nkind = \"point\"\ncode_note = \"x\"\n").unwrap();
    let err = AppBuilder::file(&rec)
        .reader("erin")
        .labels(&km.display().to_string())
        .in_place()
        .try_build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("mine.toml:9:") && err.contains("zoom_in"),
        "{err}"
    );
    // An unknown keymap name says what exists.
    let err = Taxonomy::choose("cardio", None).unwrap_err().to_string();
    assert!(err.contains("ecg, eeg, rpm"), "{err}");
}

#[test]
fn file_text_in_labels_and_notes_is_stored_as_typed_but_shown_safe() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_ecg.edf");
    let mut app = open(&rec, "frank");
    type_text(&mut app, "v");
    let mut e = app
        .annot
        .as_ref()
        .unwrap()
        .selected_event()
        .unwrap()
        .clone();
    e.note = "bell\u{7} and \u{1b}[2J".into();
    e.label = "PVC\u{202e}x".into();
    app.annot.as_mut().unwrap().store.change(e).unwrap();
    app.save_annotations(false).unwrap();
    let table = store::read_table(&dir.path().join("demo_ecg.frank.events.tsv")).unwrap();
    assert_eq!(table[0].note, "bell\u{7} and \u{1b}[2J", "stored exactly");
    type_text(&mut app, "L");
    let shown = frame_text(&mut app, 120, 30);
    assert!(
        !shown.contains('\u{202e}') && !shown.contains('\u{1b}'),
        "{shown:?}"
    );
}
