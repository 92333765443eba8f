//! Files written before `source`, `decision` and the journal's `action` became enums read back
//! identically: each fixture in tests/data/compat (in the format sigmark wrote before the
//! change: the table header of `table_text_with`, serde's field order) is parsed and written
//! again, and the bytes must not change.

use std::path::{Path, PathBuf};

use sigmark::annotations::journal::{self, Action};
use sigmark::annotations::store::{read_table, table_text_with};
use sigmark::annotations::Source;
use sigmark::compare::adjudicate::{Decision, Verdict};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/compat")
        .join(name)
}

fn text(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture")
}

#[test]
fn a_consensus_table_reads_back_identically() {
    let path = fixture("rec.consensus.events.tsv");
    let events = read_table(&path).expect("today's table reads");
    let sources: Vec<Source> = events.iter().map(|e| e.source.clone()).collect();
    println!("sources: {sources:?}");
    let expect = [Source::Both, Source::A, Source::B, Source::Adjudicated];
    assert_eq!(sources, expect);
    assert_eq!(
        table_text_with(&events, true),
        text("rec.consensus.events.tsv")
    );
}

#[test]
fn a_journal_with_every_action_reads_back_identically() {
    let found = journal::read(&fixture("rec.consensus.journal.jsonl")).expect("journal reads");
    assert!(
        found.damaged.is_empty() && !found.torn_line,
        "{:?}",
        found.damaged
    );
    let actions: Vec<Action> = found.entries.iter().map(|e| e.action).collect();
    println!("actions: {actions:?}");
    assert_eq!(
        actions,
        ["add", "change", "delete", "undo", "redo", "import"]
    );
    let again: Vec<String> = found
        .entries
        .iter()
        .map(|e| serde_json::to_string(e).expect("serialise") + "\n")
        .collect();
    assert_eq!(again.concat(), text("rec.consensus.journal.jsonl"));
}

#[test]
fn a_decisions_file_with_every_verdict_reads_back_identically() {
    let bytes = std::fs::read(fixture("rec.consensus.decisions.jsonl")).expect("fixture");
    let found = journal::parse_lines::<Decision>(&bytes);
    assert!(found.damaged.is_empty(), "{:?}", found.damaged);
    let verdicts: Vec<Verdict> = found.entries.iter().map(|d| d.decision).collect();
    println!("verdicts: {verdicts:?}");
    assert_eq!(verdicts, Verdict::ALL);
    let again: Vec<String> = found
        .entries
        .iter()
        .map(|d| serde_json::to_string(d).expect("serialise") + "\n")
        .collect();
    assert_eq!(again.concat(), text("rec.consensus.decisions.jsonl"));
}

#[test]
fn a_source_sigmark_does_not_write_is_kept_verbatim() {
    let d = tempfile::tempdir().expect("tempdir");
    let path = d.path().join("rec.consensus.events.tsv");
    let other = text("rec.consensus.events.tsv").replacen("\tB\t", "\talice+bob\t", 1);
    std::fs::write(&path, &other).expect("write");
    let events = read_table(&path).expect("another tool's source reads");
    println!("{:?}", events[2].source);
    assert_eq!(events[2].source, Source::Other("alice+bob".into()));
    assert_eq!(table_text_with(&events, true), other);
}
