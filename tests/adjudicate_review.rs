//! Review findings on adjudication: the decisions file survives a crash like the journal does
//! (torn last line skipped, damaged line reported by number, dated backup, intact decisions
//! replayed); the adjudicator's name is checked like a reader's; `--adjudicator` is identity
//! enough; `--compare` with `--view-only` is refused before anything is written.

mod common;

use std::path::Path;

use common::adjudication::two_readers;
use common::cli::{Cli, Run};
use sigmark::annotations::store::CONSENSUS;
use sigmark::annotations::{Paths, Provenance, Store};
use sigmark::compare::adjudicate::{decisions, Session, Setup};

fn consensus(rec: &Path) -> Store {
    Store::open(
        Paths::new(rec, CONSENSUS, None),
        CONSENSUS,
        Provenance::default(),
    )
    .unwrap()
    .0
}

fn setup<'a>(rec: &'a Path, adjudicator: &'a str) -> Setup<'a> {
    Setup {
        recording: rec,
        dir: None,
        reader_a: "alice",
        reader_b: "bob",
        adjudicator,
        tol_s: 1.0,
    }
}

fn decision(key: &str, d: &str) -> String {
    format!("{{\"key\":\"{key}\",\"decision\":\"{d}\",\"adjudicator\":\"carol\",\"time\":\"t\",\"wrote\":[]}}\n")
}

#[test]
fn a_damaged_decisions_file_reopens_with_its_intact_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let path = decisions::path_for(&rec, None);
    // Line 2 is damaged (bad UTF-8, then a fragment), line 4 was torn by a crash.
    let mut found = decision("a2|b2", "A").into_bytes();
    found.extend_from_slice(b"\xff\xfe{\"key\":\"a3\",\"deci\n");
    found.extend_from_slice(decision("a4|b4", "reject").as_bytes());
    found.extend_from_slice(&decision("b5", "B").as_bytes()[..20]);
    std::fs::write(&path, &found).unwrap();

    let mut store = consensus(&rec);
    let s = Session::open(&setup(&rec, "carol"), &mut store);
    let s = match s {
        Ok(s) => s,
        Err(e) => panic!("the adjudication does not reopen: {e}"),
    };
    let r = s.decisions_recovery().clone();
    let msg = r.message().unwrap_or_default();
    println!("recovery: {r:?}\nmessage: {msg}");
    let mut keys: Vec<&String> = s.decided.keys().collect();
    keys.sort();
    println!("decided: {keys:?}");
    assert_eq!(s.decided["a2|b2"].decision, "A");
    assert_eq!(s.decided["a4|b4"].decision, "reject");
    assert!(
        !s.decided.contains_key("b5"),
        "the torn decision was never made"
    );
    assert_eq!(
        r.damaged.iter().map(|d| d.line).collect::<Vec<_>>(),
        vec![2]
    );
    assert!(r.torn_line);
    assert!(
        msg.contains("line 2") && msg.contains("half-written"),
        "{msg}"
    );
    let backup = r.backup.clone().expect("a backup is kept");
    println!("backup {}", backup.display());
    assert!(backup
        .file_name()
        .unwrap()
        .to_string_lossy()
        .contains(".decisions.jsonl.damaged-"));
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        found,
        "the backup is as found"
    );
    let now = std::fs::read_to_string(&path).unwrap();
    println!("rewritten:\n{now}");
    assert!(now
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()));
    drop(s);
    drop(store);
    // Reopened, the file is clean: nothing to report again, nothing lost.
    let mut store = consensus(&rec);
    let s = Session::open(&setup(&rec, "carol"), &mut store).unwrap();
    println!("second open: {:?}", s.decisions_recovery());
    assert_eq!(s.decisions_recovery().message(), None);
    assert_eq!(s.decided["a4|b4"].decision, "reject");
}

#[test]
fn sigmarks_own_names_are_refused_as_adjudicator() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let mut store = consensus(&rec);
    for name in ["consensus", "embedded", "sigmark-x", "Sigmark-detect"] {
        let e = Session::open(&setup(&rec, name), &mut store).map(|_| ());
        println!("{name}: {e:?}");
        let msg = e.expect_err("refused").to_string();
        assert!(msg.contains("--adjudicator") && msg.contains(name), "{msg}");
    }
    assert!(Session::open(&setup(&rec, "carol"), &mut store).is_ok());
}

/// `sigmark open REC ARGS` with stdout a pipe, a fresh HOME and `env`.
fn sigmark(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    Cli::new().home(home).envs(env).arg("open").args(args).run()
}

#[test]
fn the_adjudicator_is_identity_enough_and_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let rec = rec.to_str().unwrap();
    let home = dir.path().join("home");
    // No usable reader name ($SIGMARK_READER is one sigmark writes itself), but the
    // adjudicator is named: the only refusal left is the missing terminal.
    let bad_reader = [("SIGMARK_READER", "consensus")];
    let o = sigmark(
        &home,
        &[rec, "--compare", "alice", "bob", "--adjudicator", "carol"],
        &bad_reader,
    );
    assert!(o.stderr.contains("needs a terminal"), "{}", o.stderr);
    // Without --adjudicator the reader identity is the adjudicator, so it must resolve.
    let o = sigmark(&home, &[rec, "--compare", "alice", "bob"], &bad_reader);
    assert!(o.stderr.contains("$SIGMARK_READER"), "{}", o.stderr);
    for name in ["consensus", "sigmark-x"] {
        let o = sigmark(
            &home,
            &[rec, "--compare", "alice", "bob", "--adjudicator", name],
            &[],
        );
        let e = &o.stderr;
        assert!(!o.success());
        assert!(e.contains("--adjudicator") && e.contains(name), "{e}");
    }
}

#[test]
fn compare_with_view_only_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rec = two_readers(dir.path());
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    let home = dir.path().join("home");
    let o = sigmark(
        &home,
        &[
            rec.to_str().unwrap(),
            "--compare",
            "alice",
            "bob",
            "--view-only",
        ],
        &[("SIGMARK_READER", "carol")],
    );
    let e = &o.stderr;
    assert!(!o.success());
    assert!(e.contains("--view-only") && e.contains("--compare"), "{e}");
    let after = std::fs::read_dir(dir.path()).unwrap().count();
    println!("files before {before}, after {after}");
    assert_eq!(before, after, "nothing written");
}
