//! Marking in the viewer, driven by keys: point, interval and epoch events, editing, undo and
//! redo, the event list, the files on disk, blinding and key conflicts.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sigmark::annotations::{store, Certainty, Taxonomy};
use sigmark::tui::{self, App, ColorMode, Keymap, Options, Theme};

/// A copy of a demo recording in a temp dir (the reader's files go beside it).
fn copy_demo(dir: &Path, name: &str) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(name);
    let dst = dir.join(name);
    std::fs::copy(src, &dst).unwrap();
    dst
}

fn open(path: &Path, reader: &str, keymap: Option<&str>) -> App {
    let rec = sigmark::open(path).unwrap();
    let mut app = App::new(
        rec,
        Keymap::shipped().unwrap(),
        Theme::new(ColorMode::NoColor),
        sigmark::dsp::montage::shipped().unwrap(),
    );
    let opts = Options {
        reader: Some(reader.into()),
        keymap: keymap.map(str::to_string),
        ..Options::default()
    };
    tui::attach_annotations(&mut app, reader, &opts).unwrap();
    app
}

fn key(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn keys(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
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
    let mut app = open(&rec, "alice", None);
    assert_eq!(
        app.annot.as_ref().unwrap().taxonomy.name,
        "ecg",
        "guessed from the channels"
    );
    app.view.jump(35.858);
    keys(&mut app, "v"); // PVC at the cursor
    app.view.jump(200.0);
    keys(&mut app, "2"); // AF opens
    assert!(app.annot.as_ref().unwrap().open.is_some());
    app.view.jump(290.0);
    keys(&mut app, "2"); // and closes
    app.view.jump(380.0);
    keys(&mut app, "i");
    app.view.jump(383.0);
    keys(&mut app, "7"); // Pause by mark in + label key
    assert_eq!(
        events(&app),
        vec![
            (35.858, 0.0, "PVC".into()),
            (200.0, 90.0, "AF".into()),
            (380.0, 3.0, "Pause".into())
        ]
    );
    // Undo all three, redo one.
    keys(&mut app, "uuu");
    assert!(events(&app).is_empty());
    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(events(&app), vec![(35.858, 0.0, "PVC".into())]);
    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    app.on_key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert_eq!(events(&app).len(), 3);
    // Select by next/previous, relabel, note, certainty, move, resize, delete.
    app.view.go_start();
    keys(&mut app, ".");
    assert_eq!(app.view.cursor_s, 35.858);
    keys(&mut app, ".");
    assert_eq!(
        app.annot.as_ref().unwrap().selected_event().unwrap().label,
        "AF"
    );
    keys(&mut app, "l3"); // AF -> AFL
    assert_eq!(events(&app)[1].2, "AFL");
    keys(&mut app, "n");
    keys(&mut app, "coarse F waves");
    key(&mut app, KeyCode::Enter);
    keys(&mut app, "p");
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
    keys(&mut app, ">}");
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
    keys(&mut app, "u");
    key(&mut app, KeyCode::Delete);
    assert_eq!(
        events(&app)
            .iter()
            .map(|e| e.2.as_str())
            .collect::<Vec<_>>(),
        vec!["PVC", "Pause"]
    );
    keys(&mut app, "u");
    assert_eq!(events(&app).len(), 3);
    // Save, reopen: the table, the sidecar and the journal say the same.
    app.on_key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let saved = app.annot.as_ref().unwrap().store.events().to_vec();
    drop(app);
    let table = store::read_table(&dir.path().join("demo_ecg.alice.events.tsv")).unwrap();
    assert_eq!(table, saved);
    let side: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("demo_ecg.alice.events.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(side["keymap"], "ecg");
    assert_eq!(side["reader"], "alice");
    assert_eq!(side["events"], 3);
    assert_eq!(side["recording_size"], before.len() as u64);
    let journal = std::fs::read_to_string(dir.path().join("demo_ecg.alice.journal.jsonl")).unwrap();
    assert!(journal.lines().count() >= 15, "every edit is journaled");
    let app = open(&rec, "alice", None);
    assert_eq!(app.annot.as_ref().unwrap().store.events(), saved.as_slice());
    assert_eq!(
        std::fs::read(&rec).unwrap(),
        before,
        "the recording is never written"
    );
}

#[test]
fn the_sidecar_carries_the_recording_hash() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_monitoring.h5");
    let mut app = open(&rec, "bob", None);
    assert_eq!(app.annot.as_ref().unwrap().taxonomy.name, "rpm");
    keys(&mut app, "1");
    app.view.jump(150.0);
    keys(&mut app, "1");
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
    let mut app = open(&rec, "carol", None);
    assert_eq!(app.annot.as_ref().unwrap().taxonomy.name, "eeg");
    keys(&mut app, "E");
    assert_eq!(app.view.span_s, 30.0);
    for k in [KeyCode::F(5), KeyCode::F(6), KeyCode::F(7), KeyCode::F(7)] {
        key(&mut app, k);
    }
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
    key(&mut app, KeyCode::F(8));
    assert_eq!(events(&app)[1], (30.0, 30.0, "N3".into()));
    assert_eq!(events(&app).len(), 4);
    // The hypnogram lane shows the stages.
    let area = ratatui::layout::Rect::new(0, 0, 120, 40);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    app.view.set_span(180.0);
    app.view.go_start();
    sigmark::tui::render::draw_buffer(&mut buf, area, &mut app);
    let text: String = (0..40)
        .map(|y| {
            (0..120)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(text.contains("stages") && text.contains("N3"), "{text}");
}

#[test]
fn event_list_filters_and_jumps_and_file_annotations_copy_in() {
    let dir = tempfile::tempdir().unwrap();
    let rec = copy_demo(dir.path(), "demo_ecg.edf");
    let mut app = open(&rec, "dave", None);
    for (t, k) in [(10.0, "v"), (20.0, "b"), (30.0, "v"), (40.0, "b")] {
        app.view.jump(t);
        keys(&mut app, k);
    }
    keys(&mut app, "L");
    keys(&mut app, "pac");
    assert_eq!(
        app.annot
            .as_ref()
            .unwrap()
            .listed(app.layers.event_list())
            .len(),
        2
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
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
    keys(&mut app, "C");
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
    let mut a = open(&rec, "alice", None);
    keys(&mut a, "v");
    a.save_annotations(true).unwrap();
    // The same reader twice: refused, naming the process.
    let rec2 = sigmark::open(&rec).unwrap();
    let mut b = App::new(
        rec2,
        Keymap::shipped().unwrap(),
        Theme::new(ColorMode::NoColor),
        Vec::new(),
    );
    let err = tui::attach_annotations(&mut b, "alice", &Options::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("process {}", std::process::id())),
        "{err}"
    );
    drop(a);
    let bob = open(&rec, "bob", None);
    assert!(
        bob.annot.as_ref().unwrap().others.is_empty(),
        "blinded by default"
    );
    drop(bob);
    let rec3 = sigmark::open(&rec).unwrap();
    let mut c = App::new(
        rec3,
        Keymap::shipped().unwrap(),
        Theme::new(ColorMode::NoColor),
        Vec::new(),
    );
    tui::attach_annotations(
        &mut c,
        "bob",
        &Options {
            show_readers: true,
            ..Options::default()
        },
    )
    .unwrap();
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
    let r = sigmark::open(&rec).unwrap();
    let mut app = App::new(
        r,
        Keymap::shipped().unwrap(),
        Theme::new(ColorMode::NoColor),
        Vec::new(),
    );
    let opts = Options {
        keymap: Some(km.display().to_string()),
        ..Options::default()
    };
    let err = tui::attach_annotations(&mut app, "erin", &opts)
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
    let mut app = open(&rec, "frank", None);
    keys(&mut app, "v");
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
    keys(&mut app, "L");
    let area = ratatui::layout::Rect::new(0, 0, 120, 30);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    sigmark::tui::render::draw_buffer(&mut buf, area, &mut app);
    let shown: String = (0..30)
        .flat_map(|y| (0..120).map(move |x| (x, y)))
        .map(|p| buf[p].symbol().to_string())
        .collect();
    assert!(
        !shown.contains('\u{202e}') && !shown.contains('\u{1b}'),
        "{shown:?}"
    );
}
