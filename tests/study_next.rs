//! Reading within a study: the next recording a reader opens, finishing and reopening,
//! assignment enforcement, the guideline's version, and the access log of open, export and
//! compare. The viewer itself (the finish key) is in `src/tui/study.rs`'s tests and
//! `tests/e2e_study.rs`.

mod common;

use common::cli::Cli;
use common::study_next::{ecg_version, make, make_with_version, R1, R2, R3};
use sigmark::study::log::{AccessMode, ReadingState, ACCESS_FILE, READINGS_FILE};
use sigmark::study::reading::{self, Next, Request};
use sigmark::study::StudyError;

fn open(rel: &str, k: usize) -> Next {
    Next::Open {
        rel: rel.into(),
        k,
        n: 3,
    }
}

#[test]
fn next_follows_the_readers_order_and_skips_finished_readings() {
    let s = make();
    let next = || reading::next(&s.study, "alice").unwrap();
    println!("first: {:?}", next());
    assert_eq!(next(), open(R3, 1), "the order, not the path order");
    reading::mark(&s.study, "alice", R3, ReadingState::Finished).unwrap();
    assert_eq!(next(), open(R1, 2));
    // bob's finishing r1 is not alice's.
    reading::mark(&s.study, "bob", R1, ReadingState::Finished).unwrap();
    assert_eq!(next(), open(R1, 2));
    reading::mark(&s.study, "alice", R1, ReadingState::Finished).unwrap();
    reading::mark(&s.study, "alice", R2, ReadingState::Finished).unwrap();
    assert_eq!(next(), Next::AllFinished { n: 3 });
    reading::mark(&s.study, "alice", R1, ReadingState::Reopened).unwrap();
    assert_eq!(
        next(),
        open(R1, 2),
        "a reopened reading is unfinished again"
    );
    let states: Vec<String> = s
        .lines(READINGS_FILE)
        .iter()
        .map(|l| format!("{} {} {}", l["reader"], l["recording"], l["state"]))
        .collect();
    assert_eq!(states.len(), 5, "{states:?}");
    assert_eq!(states[4], "\"alice\" \"a/r1.edf\" \"reopened\"");
}

#[test]
fn the_log_records_changes_only_and_strangers_have_no_queue() {
    let s = make();
    let e = reading::mark(&s.study, "alice", R3, ReadingState::Reopened).unwrap_err();
    println!("{e}");
    assert!(e.to_string().contains("nothing to reopen"), "{e}");
    reading::mark(&s.study, "alice", R3, ReadingState::Finished).unwrap();
    let e = reading::mark(&s.study, "alice", R3, ReadingState::Finished).unwrap_err();
    println!("{e}");
    assert!(e.to_string().contains("already finished"), "{e}");
    let e = reading::next(&s.study, "zed").unwrap_err();
    println!("{e}");
    assert!(matches!(e, StudyError::Usage(_)), "{e:?}");
    assert!(e.to_string().contains("not a reader of study pilot"), "{e}");
}

fn req(
    s: &common::study_next::StudyDir,
    rel: &str,
    who: &'static str,
) -> (std::path::PathBuf, &'static str) {
    (s.rec(rel), who)
}

#[test]
fn an_unassigned_reader_is_refused_unless_forced_and_a_forced_open_is_logged() {
    let s = make();
    let (rec, who) = req(&s, R3, "bob");
    let mut r = Request {
        recording: &rec,
        who,
        mode: AccessMode::Read,
        force: false,
        reopen: false,
    };
    let e = reading::admit(&r).unwrap_err();
    println!("{e}");
    assert!(
        e.to_string().contains("b/r3.edf is not assigned to bob"),
        "{e}"
    );
    assert!(e.to_string().contains("--force"), "{e}");
    assert!(s.lines(ACCESS_FILE).is_empty(), "a refusal logs nothing");
    r.force = true;
    let mut a = reading::admit(&r).unwrap().expect("in the study");
    assert!(a.forced && !a.assigned, "{a:?}");
    reading::log_open(&mut a, &r).unwrap();
    // Viewing is not reading: no assignment needed, logged as view.
    r.force = false;
    r.mode = AccessMode::View;
    let mut v = reading::admit(&r).unwrap().expect("in the study");
    assert!(!v.forced);
    reading::log_open(&mut v, &r).unwrap();
    let lines = s.lines(ACCESS_FILE);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["who"], "bob");
    assert_eq!(lines[0]["recording"], R3);
    assert_eq!(lines[0]["mode"], "read");
    assert_eq!(lines[0]["forced"], true);
    assert_eq!(lines[1]["mode"], "view");
    assert!(lines[1].get("forced").is_none(), "{}", lines[1]);
}

#[test]
fn a_finished_reading_needs_reopen_which_is_logged() {
    let s = make();
    reading::mark(&s.study, "alice", R3, ReadingState::Finished).unwrap();
    let rec = s.rec(R3);
    let mut r = Request {
        recording: &rec,
        who: "alice",
        mode: AccessMode::Read,
        force: false,
        reopen: false,
    };
    let e = reading::admit(&r).unwrap_err();
    println!("{e}");
    assert!(
        e.to_string().contains("alice finished reading b/r3.edf"),
        "{e}"
    );
    assert!(e.to_string().contains("--reopen"), "{e}");
    r.reopen = true;
    let mut a = reading::admit(&r).unwrap().unwrap();
    reading::log_open(&mut a, &r).unwrap();
    assert_eq!(a.finished, None);
    let readings = s.lines(READINGS_FILE);
    assert_eq!(readings.len(), 2);
    assert_eq!(readings[1]["state"], "reopened");
    assert_eq!(reading::next(&s.study, "alice").unwrap(), open(R3, 1));
}

#[test]
fn a_recording_outside_any_study_is_admitted_without_a_trace() {
    let s = make();
    let outside = s.tmp.path().join("loose.edf");
    std::fs::copy(s.rec(R1), &outside).unwrap();
    // Beside the study, not in it; and one in the study dir that study.toml does not list.
    let unlisted = s.dir().join("unlisted.edf");
    std::fs::copy(s.rec(R1), &unlisted).unwrap();
    for rec in [&outside, &unlisted] {
        let r = Request {
            recording: rec,
            who: "zed",
            mode: AccessMode::Read,
            force: false,
            reopen: false,
        };
        let got = reading::admit(&r).unwrap();
        println!("{}: {got:?}", rec.display());
        assert!(got.is_none());
    }
    let n = sigmark::study::access::record_all(
        [outside.as_path(), unlisted.as_path()],
        "zed",
        AccessMode::Export,
    )
    .unwrap();
    assert_eq!(n, 0);
    assert!(!s.dir().join(ACCESS_FILE).exists());
}

#[test]
fn a_changed_guideline_is_refused() {
    let s = make();
    let ok = reading::guideline_keymap(&s.study, None).unwrap();
    println!("keymap {ok}");
    assert_eq!(ok, "ecg");
    let old = make_with_version("0.9");
    let e = reading::guideline_keymap(&old.study, None).unwrap_err();
    println!("{e}");
    let text = e.to_string();
    assert!(text.contains("the guideline changed"), "{text}");
    assert!(
        text.contains("version 0.9") && text.contains(&format!("version {}", ecg_version())),
        "{text}"
    );
}

#[test]
fn record_all_logs_each_recording_once_in_one_append() {
    let s = make();
    let (r1, r3) = (s.rec(R1), s.rec(R3));
    let n = sigmark::study::access::record_all(
        [r1.as_path(), r3.as_path(), r1.as_path()],
        "erin",
        AccessMode::Compare,
    )
    .unwrap();
    let lines = s.lines(ACCESS_FILE);
    assert_eq!(n, 2);
    let got: Vec<_> = lines
        .iter()
        .map(|l| (l["who"].clone(), l["recording"].clone(), l["mode"].clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("erin".into(), R1.into(), "compare".into()),
            ("erin".into(), R3.into(), "compare".into())
        ]
    );
}

// The command line.

fn cli(s: &common::study_next::StudyDir) -> Cli {
    Cli::new().home(s.tmp.path()).env("USER", "auditor")
}

#[test]
fn open_refuses_an_unassigned_reader_and_a_finished_reading_with_a_hint() {
    let s = make();
    let r3 = s.rec(R3);
    let run = cli(&s)
        .args(&["open", r3.to_str().unwrap(), "--reader", "bob"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not assigned to bob"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    reading::mark(&s.study, "alice", R3, ReadingState::Finished).unwrap();
    let run = cli(&s)
        .args(&["open", r3.to_str().unwrap(), "--reader", "alice"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--reopen"), "{}", run.stderr);
    assert!(s.lines(ACCESS_FILE).is_empty(), "refusals log nothing");
}

#[test]
fn a_study_reading_stays_blinded_unless_forced() {
    let s = make();
    let r3 = s.rec(R3);
    let run = cli(&s)
        .args(&[
            "open",
            r3.to_str().unwrap(),
            "--reader",
            "alice",
            "--show-readers",
        ])
        .run();
    println!("{}", run.stderr);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("read blinded"), "{}", run.stderr);
    assert!(run.stderr.contains("--force"), "{}", run.stderr);
    assert!(s.lines(ACCESS_FILE).is_empty(), "a refusal logs nothing");
}

#[test]
fn study_next_says_when_everything_is_finished_and_opens_nothing() {
    let s = make();
    for rel in [R1, R2, R3] {
        reading::mark(&s.study, "alice", rel, ReadingState::Finished).unwrap();
    }
    let dir = s.dir().to_str().unwrap().to_string();
    let run = cli(&s)
        .args(&["study", "next", &dir, "--reader", "alice"])
        .run();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("alice has finished all 3 recordings of study pilot"),
        "{}",
        run.stdout
    );
    assert!(s.lines(ACCESS_FILE).is_empty());
    let run = cli(&s)
        .args(&["study", "next", &dir, "--reader", "zed"])
        .run();
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("zed is not a reader"), "{}", run.stderr);
}

#[test]
fn study_next_refuses_a_changed_guideline() {
    let s = make_with_version("0.9");
    let dir = s.dir().to_str().unwrap().to_string();
    let run = cli(&s)
        .args(&["study", "next", &dir, "--reader", "alice"])
        .run();
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("the guideline changed"),
        "{}",
        run.stderr
    );
    assert!(s.lines(ACCESS_FILE).is_empty());
}

#[test]
fn export_and_compare_log_each_recording_of_the_study() {
    let s = make();
    // Two readers' tables of r1, so compare's directory form finds it.
    for reader in ["alice", "bob"] {
        let t = s.dir().join(format!("a/r1.{reader}.events.tsv"));
        std::fs::write(
            &t,
            "onset\tduration\tlabel\tchannel\tcertainty\tnote\treader\tid\tcreated\tmodified\n",
        )
        .unwrap();
    }
    let out = s.tmp.path().join("events.csv");
    let run = cli(&s)
        .args(&[
            "export",
            s.dir().to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .run();
    println!("export: {} {}", run.code, run.stderr);
    let a = s.dir().join("a");
    let run = cli(&s)
        .args(&["compare", a.to_str().unwrap(), "--readers", "alice,bob"])
        .run();
    println!("compare: {} {}", run.code, run.stderr);
    let lines = s.lines(ACCESS_FILE);
    let got: Vec<String> = lines
        .iter()
        .map(|l| format!("{} {} {}", l["who"], l["recording"], l["mode"]))
        .collect();
    let want = [
        "\"auditor\" \"a/r1.edf\" \"export\"",
        "\"auditor\" \"a/r2.edf\" \"export\"",
        "\"auditor\" \"b/r3.edf\" \"export\"",
        "\"auditor\" \"a/r1.edf\" \"compare\"",
    ];
    assert_eq!(got, want);
}
