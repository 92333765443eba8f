//! Adjudication in the viewer: two readers' files, the consensus written with its sources,
//! every decision kept, and an interrupted adjudication resuming where it stopped.

mod common;

use std::path::Path;

use common::adjudication::two_readers;
use common::app::{frame_text, press, AppBuilder, TestApp};
use sigmark::annotations::store::read_table;
use sigmark::tui;

/// Adjudicating alice against bob as carol, on the recording where it is.
fn open(rec: &Path) -> TestApp {
    AppBuilder::file(rec)
        .reader("carol")
        .compare("alice", "bob")
        .adjudicator("carol")
        .labels("ecg")
        .in_place()
        .build()
}

#[test]
fn disagreements_are_walked_resolved_and_resumed() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let mut app = open(&rec);
    the_agreed_af_is_in_the_consensus_already(&app);
    take_b_then_reject(&mut app);
    // Stop here (an interruption) and reopen: two resolved, the third is current.
    app.save_annotations(true).unwrap();
    drop(app);
    let mut app = open(&rec);
    edit_then_accept_after_resuming(&mut app);
    app.save_annotations(true).unwrap();
    drop(app);
    assert_the_consensus_on_disk(dir.path());
}

/// Four disagreements open; the AF both readers marked is in the consensus, from both.
fn the_agreed_af_is_in_the_consensus_already(app: &TestApp) {
    let adj = app.adjudication.as_ref().unwrap();
    assert_eq!(
        adj.progress(),
        (0, 4),
        "a2/b2 label, a3 only A, a4/b4 bounds, b5 only B"
    );
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
}

/// The first open disagreement is current: A's PVC against B's PAC at 100 s. Take B's. Next:
/// only A's VT at 200 s. Reject it.
fn take_b_then_reject(app: &mut TestApp) {
    assert!((app.view.cursor_s - 100.0).abs() < 1e-9);
    press(app, "alt-b");
    assert_eq!(app.adjudication.as_ref().unwrap().progress(), (1, 4));
    assert!(
        (app.view.cursor_s - 200.0).abs() < 1e-9,
        "{}",
        app.view.cursor_s
    );
    press(app, "alt-x");
}

/// Reopened, two are resolved and the third is current. Bounds differ: edit A's copy in the
/// consensus (it is selected), lengthen it. Only B's PVC at 400 s: accept it. The list then
/// says all four are resolved.
fn edit_then_accept_after_resuming(app: &mut TestApp) {
    assert_eq!(app.adjudication.as_ref().unwrap().progress(), (2, 4));
    assert!(
        (app.view.cursor_s - 300.0).abs() < 1e-9,
        "resumes at the first open one"
    );
    press(app, "alt-e");
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
    press(app, "}");
    press(app, "d");
    assert!((app.view.cursor_s - 400.0).abs() < 1e-9);
    press(app, "alt-b");
    assert_eq!(app.adjudication.as_ref().unwrap().progress(), (4, 4));
    assert!(tui::render::status_line(app).contains("resolved 4 of 4"));
    press(app, "alt-l");
    let text = frame_text(app, 160, 40);
    assert!(
        text.contains("alice vs bob: 4 of 4 resolved")
            && text.contains("label differs")
            && text.contains("[reject]"),
        "{text}"
    );
}

/// The consensus table with each event's source, its header, one decision per step, and the
/// readers' own files untouched.
fn assert_the_consensus_on_disk(dir: &Path) {
    let table = read_table(&dir.join("holter.consensus.events.tsv")).unwrap();
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
    let header = std::fs::read_to_string(dir.join("holter.consensus.events.tsv")).unwrap();
    assert!(header
        .lines()
        .next()
        .unwrap()
        .ends_with("\tsource\tadjudicator"));
    let decisions = std::fs::read_to_string(dir.join("holter.consensus.decisions.jsonl")).unwrap();
    assert_eq!(
        decisions.lines().count(),
        5,
        "agree, B, reject, edit, B:\n{decisions}"
    );
    assert_eq!(
        read_table(&dir.join("holter.alice.events.tsv"))
            .unwrap()
            .len(),
        4
    );
}
