//! Adjudication in the viewer: two readers' files, the consensus written with its sources,
//! every decision kept, and an interrupted adjudication resuming where it stopped.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sigmark::annotations::store::{read_table, table_text};
use sigmark::annotations::Event;
use sigmark::tui::{self, App, Options};

fn ev(id: &str, onset: f64, duration: f64, label: &str, reader: &str) -> Event {
    Event {
        onset,
        duration,
        label: label.into(),
        reader: reader.into(),
        id: id.into(),
        ..Default::default()
    }
}

fn setup(dir: &Path) -> std::path::PathBuf {
    let rec = dir.join("holter.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .unwrap();
    let a = vec![
        ev("a1", 10.0, 30.0, "AF", "alice"),
        ev("a2", 100.0, 0.0, "PVC", "alice"),
        ev("a3", 200.0, 10.0, "VT", "alice"),
        ev("a4", 300.0, 20.0, "AF", "alice"),
    ];
    let b = vec![
        ev("b1", 10.5, 29.8, "AF", "bob"),
        ev("b2", 100.2, 0.0, "PAC", "bob"),
        ev("b4", 305.0, 20.0, "AF", "bob"),
        ev("b5", 400.0, 0.0, "PVC", "bob"),
    ];
    std::fs::write(dir.join("holter.alice.events.tsv"), table_text(&a)).unwrap();
    std::fs::write(dir.join("holter.bob.events.tsv"), table_text(&b)).unwrap();
    rec
}

fn open(rec: &Path) -> App {
    let opts = Options {
        reader: Some("carol".into()),
        compare: Some(("alice".into(), "bob".into())),
        adjudicator: Some("carol".into()),
        keymap: Some("ecg".into()),
        ..Options::default()
    };
    tui::build_app(sigmark::open(rec).unwrap(), &opts).unwrap()
}

fn alt(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT));
}

#[test]
fn disagreements_are_walked_resolved_and_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let rec = setup(dir.path());
    let mut app = open(&rec);
    let adj = app.adjudication.as_ref().unwrap();
    assert_eq!(
        adj.progress(),
        (0, 4),
        "a2/b2 label, a3 only A, a4/b4 bounds, b5 only B"
    );
    // The agreed AF is in the consensus already, marked as from both.
    let cons = app.annot.as_ref().unwrap().store.events().to_vec();
    assert_eq!(cons.len(), 1);
    assert_eq!(
        (
            cons[0].id.as_str(),
            cons[0].source.as_str(),
            cons[0].adjudicator.as_str()
        ),
        ("a1", "both", "carol")
    );
    // The first open disagreement is current: A's PVC against B's PAC at 100 s. Take B's.
    assert!((app.view.cursor_s - 100.0).abs() < 1e-9);
    alt(&mut app, 'b');
    assert_eq!(app.adjudication.as_ref().unwrap().progress(), (1, 4));
    // Next: only A's VT at 200 s. Reject it.
    assert!(
        (app.view.cursor_s - 200.0).abs() < 1e-9,
        "{}",
        app.view.cursor_s
    );
    alt(&mut app, 'x');
    // Stop here (an interruption) and reopen: two resolved, the third is current.
    app.save_annotations(true).unwrap();
    drop(app);
    let mut app = open(&rec);
    assert_eq!(app.adjudication.as_ref().unwrap().progress(), (2, 4));
    assert!(
        (app.view.cursor_s - 300.0).abs() < 1e-9,
        "resumes at the first open one"
    );
    // Bounds differ: edit A's copy in the consensus (it is selected), lengthen it.
    alt(&mut app, 'e');
    let sel = app
        .annot
        .as_ref()
        .unwrap()
        .selected_event()
        .unwrap()
        .clone();
    assert_eq!(
        (sel.id.as_str(), sel.source.as_str()),
        ("a4", "adjudicated")
    );
    app.on_key(KeyEvent::new(KeyCode::Char('}'), KeyModifiers::NONE));
    // Only B's PVC at 400 s: accept it.
    app.on_key(KeyEvent::new(KeyCode::Char('d'), KeyModifiers::NONE));
    assert!((app.view.cursor_s - 400.0).abs() < 1e-9);
    alt(&mut app, 'b');
    assert_eq!(app.adjudication.as_ref().unwrap().progress(), (4, 4));
    assert!(tui::render::status_line(&app).contains("resolved 4 of 4"));
    alt(&mut app, 'l');
    let area = ratatui::layout::Rect::new(0, 0, 160, 40);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    tui::render::draw_buffer(&mut buf, area, &mut app);
    let text: String = (0..40)
        .map(|y| {
            (0..160)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
                + "\n"
        })
        .collect();
    assert!(
        text.contains("alice vs bob: 4 of 4 resolved")
            && text.contains("label differs")
            && text.contains("[reject]"),
        "{text}"
    );
    app.save_annotations(true).unwrap();
    drop(app);
    let table = read_table(&dir.path().join("holter.consensus.events.tsv")).unwrap();
    let rows: Vec<(&str, &str, &str)> = table
        .iter()
        .map(|e| (e.id.as_str(), e.label.as_str(), e.source.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("a1", "AF", "both"),
            ("b2", "PAC", "B"),
            ("a4", "AF", "adjudicated"),
            ("b5", "PVC", "B")
        ]
    );
    assert!(table[2].duration > 20.0, "the edit was kept");
    assert!(table.iter().all(|e| e.adjudicator == "carol"));
    let header = std::fs::read_to_string(dir.path().join("holter.consensus.events.tsv")).unwrap();
    assert!(header
        .lines()
        .next()
        .unwrap()
        .ends_with("\tsource\tadjudicator"));
    let decisions =
        std::fs::read_to_string(dir.path().join("holter.consensus.decisions.jsonl")).unwrap();
    assert_eq!(
        decisions.lines().count(),
        5,
        "agree, B, reject, edit, B:\n{decisions}"
    );
    // The readers' own files are untouched.
    assert_eq!(
        read_table(&dir.path().join("holter.alice.events.tsv"))
            .unwrap()
            .len(),
        4
    );
}
