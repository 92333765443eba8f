//! A whole adjudication through the library, no terminal: pair, decide, decide the same item
//! again, restart from the files, decide again. The consensus holds only the latest decision's
//! events, the decisions file replays to the latest decision, and "next" is the next undecided.

mod common;

use std::path::Path;

use common::adjudication::two_readers;
use sigmark::annotations::store::{read_table, CONSENSUS};
use sigmark::annotations::{Paths, Provenance, Store};
use sigmark::compare::adjudicate::{Choice, Session, Setup};

fn open(rec: &Path) -> (Store, Session) {
    let (mut store, _) = Store::open(
        Paths::new(rec, CONSENSUS, None),
        CONSENSUS,
        Provenance::default(),
    )
    .unwrap();
    let setup = Setup {
        recording: rec,
        dir: None,
        reader_a: "alice",
        reader_b: "bob",
        adjudicator: "carol",
        tol_s: 1.0,
    };
    let session = Session::open(&setup, &mut store).unwrap();
    (store, session)
}

/// The consensus as (id, label, source), in onset order.
fn table(store: &Store) -> Vec<(String, String, String)> {
    store
        .events()
        .iter()
        .map(|e| (e.id.clone(), e.label.clone(), e.source.to_string()))
        .collect()
}

fn row(id: &str, label: &str, source: &str) -> (String, String, String) {
    (id.into(), label.into(), source.into())
}

fn index_of(s: &Session, key: &str) -> usize {
    s.items.iter().position(|i| i.key() == key).unwrap()
}

#[test]
fn deciding_again_replaces_the_earlier_decision_also_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let (mut store, mut s) = open(&rec);
    assert_eq!(s.progress(), (0, 4));
    let label = index_of(&s, "a2|b2");
    assert_eq!(s.current, Some(label), "the first open disagreement");

    decide_a_then_b_then_reject_the_next(&mut store, &mut s, label);
    // Restart without saving: the store replays its journal, the session its decisions.
    drop((store, s));
    let (mut store, mut s) = open(&rec);
    assert_eq!(s.progress(), (2, 4));
    assert_eq!(
        s.current,
        Some(index_of(&s, "a4|b4")),
        "resumes at the first open one"
    );
    assert_eq!(
        s.decided["a2|b2"].decision, "B",
        "the latest decision wins on replay"
    );
    let out = s.decide(&mut store, label, Choice::Edit).unwrap();
    assert_eq!(out.selected.as_deref(), Some("a2"));
    println!("after the restart and edit: {:?}", table(&store));
    assert_eq!(
        table(&store),
        vec![row("a1", "AF", "both"), row("a2", "PVC", "adjudicated")],
        "the edit replaces B's PAC, written before the restart"
    );
    store.save().unwrap();
    drop((store, s));

    let saved = read_table(&dir.path().join("holter.consensus.events.tsv")).unwrap();
    let ids: Vec<&str> = saved.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, vec!["a1", "a2"]);
    let words = decisions_logged(dir.path());
    assert_eq!(
        words,
        vec![
            "a1|b1=agree",
            "a2|b2=A",
            "a2|b2=B",
            "a3|=reject",
            "a2|b2=edit"
        ],
        "append-only: every decision is kept"
    );
    let (_store, s) = open(&rec);
    assert_eq!(s.decided["a2|b2"].decision, "edit");
    assert_eq!(s.decided["a2|b2"].wrote, vec!["a2".to_string()]);
}

/// A on the label disagreement, then B (which replaces A's event and counts once), then
/// reject the next open one (A's lone VT).
fn decide_a_then_b_then_reject_the_next(store: &mut Store, s: &mut Session, label: usize) {
    s.decide(store, label, Choice::A).unwrap();
    println!("after A: {:?}", table(store));
    assert_eq!(
        table(store),
        vec![row("a1", "AF", "both"), row("a2", "PVC", "A")]
    );
    s.decide(store, label, Choice::B).unwrap();
    println!("after B: {:?}", table(store));
    assert_eq!(
        table(store),
        vec![row("a1", "AF", "both"), row("b2", "PAC", "B")],
        "B replaces A's PVC"
    );
    assert_eq!(s.progress(), (1, 4), "one item, decided twice, counts once");
    let only_a = index_of(s, "a3|");
    assert_eq!(s.next_open(label), Some(only_a));
    s.decide(store, only_a, Choice::Reject).unwrap();
    assert_eq!(s.next_open(only_a), Some(index_of(s, "a4|b4")));
}

/// The decisions file beside the demo copy, as `key=decision` in file order.
fn decisions_logged(dir: &Path) -> Vec<String> {
    let log = std::fs::read_to_string(dir.join("holter.consensus.decisions.jsonl")).unwrap();
    println!("{log}");
    log.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            format!(
                "{}={}",
                v["key"].as_str().unwrap(),
                v["decision"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_consensus_journal_is_attributed_to_the_adjudicator() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let (mut store, mut s) = open(&rec);
    let k = s.current.unwrap();
    s.decide(&mut store, k, Choice::Both).unwrap();
    drop((store, s));
    let journal =
        std::fs::read_to_string(dir.path().join("holter.consensus.journal.jsonl")).unwrap();
    let who: Vec<String> = journal
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["reader"].to_string())
        .collect();
    println!("journal readers: {who:?}");
    assert_eq!(who.len(), 3, "agreed a1, then a2 and b2");
    assert!(who.iter().all(|w| w == "\"carol\""), "{journal}");
}

#[test]
fn the_disagreement_under_a_time_is_found_within_the_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let (_store, s) = open(&rec);
    let key = |t: f64| s.at(t).map(|k| s.items[k].key());
    assert_eq!(key(100.1).as_deref(), Some("a2|b2"));
    assert_eq!(key(305.0).as_deref(), Some("a4|b4"));
    assert_eq!(key(400.9).as_deref(), Some("|b5"));
    assert_eq!(key(20.0), None, "agreed findings are not disagreements");
    assert_eq!(key(150.0), None);
}
