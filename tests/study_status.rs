//! `sigmark study status`: reading states, agreement with a textbook kappa, gates and exit
//! statuses, a reopened reading, adjudication progress, QA counts, the access summary,
//! reading time and the JSON keys.

mod common;
#[path = "common/study_status.rs"]
mod study_status;

use sigmark::annotations::journal::JournalEntry;
use sigmark::annotations::store::Paths;
use sigmark::compare::adjudicate::Decision;
use sigmark::compare::adjudicate::{decisions, pair, DecisionLog, Status, Verdict};
use sigmark::study::log::{AccessMode, ReadingState};
use sigmark::study::qa::QaVerdict;
use study_status::{epochs, ev, study};

const REC: &str = "site1/rec01.edf";

/// Cohen's kappa from a 2x2 table by hand: (p_o - p_e) / (1 - p_e).
fn kappa_2x2(yy: f64, yn: f64, ny: f64, nn: f64) -> f64 {
    let n = yy + yn + ny + nn;
    let p_o = (yy + nn) / n;
    let p_e = ((yy + yn) / n) * ((yy + ny) / n) + ((ny + nn) / n) * ((yn + nn) / n);
    (p_o - p_e) / (1.0 - p_e)
}

/// The textbook table (50 items: 20 both yes, 5 only A, 10 only B, 15 both no; kappa 0.4) as
/// 30 s epochs: AF for yes, NSR for no.
fn textbook() -> (Vec<&'static str>, Vec<&'static str>) {
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (n, la, lb) in [
        (20, "AF", "AF"),
        (5, "AF", "NSR"),
        (10, "NSR", "AF"),
        (15, "NSR", "NSR"),
    ] {
        for _ in 0..n {
            a.push(la);
            b.push(lb);
        }
    }
    (a, b)
}

#[test]
fn kappa_of_scripted_readings_is_the_textbook_value_and_fails_the_gate() {
    let s = study(&["alice", "bob"], &[(REC, &["alice", "bob"])], &[]);
    let (a, b) = textbook();
    s.mark(REC, "alice", &epochs("a", &a));
    s.mark(REC, "bob", &epochs("b", &b));
    s.finish(REC, "alice");
    s.finish(REC, "bob");
    let expected = kappa_2x2(20.0, 5.0, 10.0, 15.0);
    let (code, v) = s.status_json();
    let pair = &v["recordings"][0]["agreement"]["pairs"][0];
    let got = pair["kappa"].as_f64().unwrap();
    println!("kappa by hand {expected}, status {got}; pair {pair}");
    assert!((got - expected).abs() < 1e-12);
    assert!((expected - 0.4).abs() < 1e-12);
    assert_eq!(pair["epochs"], 50);
    assert_eq!(pair["passes"], false);
    let af = pair["labels"]["AF"]["kappa"].as_f64().unwrap();
    assert!(
        (af - expected).abs() < 1e-12,
        "AF against not-AF is the same table"
    );
    assert_eq!(code, 1, "below the kappa gate, not adjudicated");
    assert_eq!(v["overall"]["below_threshold"][0], REC);
    let pooled = v["overall"]["pooled_kappa"].as_f64().unwrap();
    assert!((pooled - expected).abs() < 1e-12);
    let run = s.status(&[]);
    println!("{}", run.stdout);
    assert!(run.stdout.contains("0.400"), "the text shows the kappa");
    assert!(run.stdout.contains("kappa 0.400 < 0.80"));
    assert!(run.stdout.contains("Gates fail."));
}

#[test]
fn gates_pass_only_when_everything_is_read_and_exit_statuses_say_so() {
    let recs: [(&str, &[&str]); 2] = [("a.edf", &["alice", "bob"]), ("b.edf", &["bob", "carol"])];
    let s = study(&["alice", "bob", "carol"], &recs, &[]);
    let labels = ["NSR", "NSR", "AF", "AF", "NSR"];
    for (rel, readers) in recs {
        for r in readers {
            s.mark(rel, r, &epochs(r, &labels));
        }
    }
    s.finish("a.edf", "alice");
    s.finish("a.edf", "bob");
    s.finish("b.edf", "bob");
    // carol has a table but did not finish: in progress; the read gate fails.
    let (code, v) = s.status_json();
    println!(
        "{}",
        serde_json::to_string_pretty(&v["recordings"]).unwrap()
    );
    assert_eq!(code, 1);
    assert_eq!(v["recordings"][0]["gates"]["passes"], true);
    assert_eq!(v["recordings"][0]["agreement"]["pairs"][0]["kappa"], 1.0);
    assert_eq!(v["recordings"][1]["readers"][1]["state"], "in_progress");
    assert_eq!(v["recordings"][1]["gates"]["read"], false);
    assert!(
        v["recordings"][1]["agreement"].is_null(),
        "one finished reader"
    );
    assert_eq!(v["readers"][2]["in_progress"], 1);
    assert_eq!(v["passes"], false);
    s.finish("b.edf", "carol");
    let run = s.status(&[]);
    println!("{}", run.stdout);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Every gate passes."));
    // Usage errors: no study.toml, an unknown option.
    let empty = tempfile::tempdir().unwrap();
    let run = common::cli::sigmark(&["study", "status", empty.path().to_str().unwrap()]);
    println!("{}", run.stderr);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("study.toml"));
    assert_eq!(s.status(&["--no-such"]).code, 2);
}

#[test]
fn a_not_started_reader_and_a_reopened_reading_are_not_finished() {
    let s = study(&["alice", "bob"], &[(REC, &["alice", "bob"])], &[]);
    s.mark(REC, "alice", &epochs("a", &["AF", "AF"]));
    s.finish(REC, "alice");
    let (_, v) = s.status_json();
    assert_eq!(v["recordings"][0]["readers"][0]["state"], "finished");
    assert_eq!(v["recordings"][0]["readers"][1]["state"], "not_started");
    s.reading(
        REC,
        "alice",
        ReadingState::Reopened,
        "2026-12-01T12:30:00.000Z",
    );
    let (code, v) = s.status_json();
    println!("{}", v["recordings"][0]["readers"]);
    assert_eq!(v["recordings"][0]["readers"][0]["state"], "in_progress");
    assert_eq!(v["readers"][0]["finished"], 0);
    assert_eq!(code, 1);
    s.reading(
        REC,
        "alice",
        ReadingState::Finished,
        "2026-12-01T12:40:00.000Z",
    );
    let (_, v) = s.status_json();
    assert_eq!(v["recordings"][0]["readers"][0]["state"], "finished");
}

#[test]
fn adjudication_progress_counts_decided_disagreements_and_completes_the_gate() {
    let s = study(&["alice", "bob"], &[(REC, &["alice", "bob"])], &[]);
    let a = vec![
        ev("a1", 0.0, 60.0, "AF"),
        ev("a2", 60.0, 60.0, "NSR"),
        ev("a3", 120.0, 60.0, "AF"),
    ];
    let b = vec![
        ev("b1", 0.0, 60.0, "NSR"),
        ev("b2", 60.0, 60.0, "AF"),
        ev("b3", 120.0, 60.0, "AF"),
    ];
    s.mark(REC, "alice", &a);
    s.mark(REC, "bob", &b);
    s.finish(REC, "alice");
    s.finish(REC, "bob");
    let keys: Vec<String> = pair(&a, &b, 1.0)
        .iter()
        .filter(|i| i.status != Status::Agree)
        .map(|i| i.key())
        .collect();
    println!("disagreements {keys:?}");
    let (code, v) = s.status_json();
    assert_eq!(code, 1);
    let adj = &v["recordings"][0]["adjudication"];
    assert_eq!(adj["total"], keys.len());
    assert_eq!(adj["resolved"], 0);
    let rec = s.rec(REC);
    let (mut log, _) = DecisionLog::open(decisions::path_for(&rec, None)).unwrap();
    let decide = |key: &str| Decision {
        key: key.into(),
        decision: Verdict::A,
        adjudicator: "erin".into(),
        time: "2026-12-01T14:00:00.000Z".into(),
        wrote: Vec::new(),
    };
    log.append(&decide(&keys[0])).unwrap();
    let (code, v) = s.status_json();
    println!("{}", v["recordings"][0]["adjudication"]);
    assert_eq!(code, 1);
    assert_eq!(v["recordings"][0]["adjudication"]["resolved"], 1);
    for k in &keys[1..] {
        log.append(&decide(k)).unwrap();
    }
    let run = s.status(&[]);
    println!("{}", run.stdout);
    assert!(run.stdout.contains(&format!("{n}/{n}", n = keys.len())));
    assert_eq!(
        run.code, 0,
        "below the threshold but adjudicated: {}",
        run.stderr
    );
    let (_, v) = s.status_json();
    assert_eq!(v["overall"]["adjudicated"], 1);
    assert_eq!(v["overall"]["below_threshold"][0], REC);
}

#[test]
fn qa_counts_follow_the_decisions_and_pending_fails_the_gate() {
    let single = "single.edf";
    let double = "double.edf";
    let s = study(
        &["alice", "bob"],
        &[(single, &["alice"]), (double, &["alice", "bob"])],
        &["VT"],
    );
    let vts = [
        ev("v1", 10.0, 5.0, "VT"),
        ev("v2", 40.0, 5.0, "VT"),
        ev("v3", 70.0, 5.0, "VT"),
    ];
    let mut table = vts.to_vec();
    table.push(ev("n1", 0.0, 10.0, "NSR"));
    s.mark(single, "alice", &table);
    s.finish(single, "alice");
    s.mark(double, "alice", &vts[..1]);
    s.mark(double, "bob", &vts[..1]);
    s.finish(double, "alice");
    s.finish(double, "bob");
    // recordings[0] is the single-read one, [1] the double-read one.
    let (code, v) = s.status_json();
    println!(
        "qa {} / {}",
        v["recordings"][0]["qa"], v["recordings"][1]["qa"]
    );
    assert_eq!(code, 1);
    assert_eq!(v["recordings"][0]["qa"]["pending"], 3);
    assert_eq!(
        v["recordings"][1]["qa"]["awaiting_consensus"], 2,
        "double-read, no consensus"
    );
    s.qa(single, &vts[0], QaVerdict::Confirmed);
    s.qa(single, &vts[1], QaVerdict::Rejected);
    let (_, v) = s.status_json();
    let q = &v["recordings"][0]["qa"];
    println!("qa {q}");
    assert_eq!(
        (q["confirmed"].as_u64(), q["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(q["pending"], 1);
    // The consensus of the double-read recording: its one VT is now pending QA.
    s.mark_as(double, "consensus", "erin", &vts[..1]);
    s.qa(single, &vts[2], QaVerdict::Edited);
    let (code, v) = s.status_json();
    println!("qa overall {}", v["qa"]);
    assert_eq!(v["recordings"][1]["qa"]["pending"], 1);
    assert_eq!(v["recordings"][1]["qa"]["awaiting_consensus"], 0);
    assert_eq!(code, 1);
    s.qa(double, &vts[0], QaVerdict::Confirmed);
    let (code, v) = s.status_json();
    println!("qa overall {}", v["qa"]);
    assert_eq!(code, 0);
    assert_eq!(v["qa"]["confirmed"], 2);
    assert_eq!(v["qa"]["rejected"], 1);
    assert_eq!(v["qa"]["edited"], 1);
    assert_eq!(v["qa"]["pending"], 0);
}

#[test]
fn the_access_summary_counts_opens_per_person_and_recording() {
    let s = study(
        &["alice", "bob"],
        &[(REC, &["alice", "bob"]), ("b.edf", &["alice", "bob"])],
        &[],
    );
    s.access(
        REC,
        "alice",
        AccessMode::Read,
        false,
        "2026-12-01T10:00:00.000Z",
    );
    s.access(
        REC,
        "alice",
        AccessMode::Read,
        false,
        "2026-12-01T11:00:00.000Z",
    );
    s.access(
        REC,
        "alice",
        AccessMode::View,
        false,
        "2026-12-01T09:00:00.000Z",
    );
    s.access(
        "b.edf",
        "bob",
        AccessMode::Read,
        true,
        "2026-12-01T10:30:00.000Z",
    );
    s.access(
        "b.edf",
        "dana",
        AccessMode::Qa,
        false,
        "2026-12-01T12:00:00.000Z",
    );
    let run = s.status(&["--access", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let acc = &v["access"];
    println!("{}", serde_json::to_string_pretty(acc).unwrap());
    assert_eq!(acc["entries"], 5);
    let alice = &acc["rows"][0];
    assert_eq!(
        (alice["who"].as_str(), alice["recording"].as_str()),
        (Some("alice"), Some(REC))
    );
    assert_eq!(alice["opens"], 3);
    assert_eq!(alice["modes"]["read"], 2);
    assert_eq!(alice["modes"]["view"], 1);
    assert_eq!(alice["first"], "2026-12-01T09:00:00.000Z");
    assert_eq!(alice["last"], "2026-12-01T11:00:00.000Z");
    assert_eq!(acc["rows"][1]["forced"], 1);
    assert_eq!(acc["people"][2]["who"], "dana");
    let text = s.status(&["--access"]);
    println!("{}", text.stdout);
    assert!(text.stdout.contains("Access log: 5 opens"));
    assert!(text.stdout.contains("read 2, view 1"));
    assert!(
        s.status(&["--json"]).stdout.find("\"access\"").is_none(),
        "only when asked"
    );
}

#[test]
fn reading_time_sums_gaps_under_five_minutes_from_opens_journals_and_finishes() {
    let s = study(&["alice", "bob"], &[(REC, &["alice", "bob"])], &[]);
    // alice opens at 10:00, edits at 10:02 and 10:03, finishes at 10:04 (240 s); opens again
    // at 11:00 (a break) and edits at 11:01 (60 s).
    s.access(
        REC,
        "alice",
        AccessMode::Read,
        false,
        "2026-12-01T10:00:00.000Z",
    );
    s.access(
        REC,
        "alice",
        AccessMode::Read,
        false,
        "2026-12-01T11:00:00.000Z",
    );
    s.reading(
        REC,
        "alice",
        ReadingState::Finished,
        "2026-12-01T10:04:00.000Z",
    );
    let journal = Paths::new(&s.rec(REC), "alice", None).journal;
    let mut lines = String::new();
    for (seq, t) in [(1, "10:02:00"), (2, "10:03:00"), (3, "11:01:00")] {
        let e = JournalEntry {
            seq,
            time: format!("2026-12-01T{t}.000Z"),
            reader: "alice".into(),
            action: sigmark::annotations::store::Action::Add,
            id: format!("e{seq}"),
            before: None,
            after: Some(ev(&format!("e{seq}"), seq as f64, 1.0, "AF")),
            keymap: None,
            keymap_version: None,
            recording_sha256: None,
        };
        lines.push_str(&serde_json::to_string(&e).unwrap());
        lines.push('\n');
    }
    std::fs::write(&journal, lines).unwrap();
    let (_, v) = s.status_json();
    println!("{}", v["readers"]);
    assert_eq!(v["readers"][0]["active_s"], 300.0);
    assert_eq!(v["readers"][1]["active_s"], 0.0);
    assert_eq!(v["readers"][0]["finished"], 1);
}

#[test]
fn the_json_has_the_documented_keys() {
    let s = study(&["alice", "bob"], &[(REC, &["alice", "bob"])], &[]);
    let (_, v) = s.status_json();
    for k in [
        "recordings",
        "readers",
        "overall",
        "qa",
        "gates",
        "passes",
        "notes",
    ] {
        assert!(v.get(k).is_some(), "top-level {k} in {v}");
    }
    for k in [
        "path",
        "readers",
        "agreement",
        "adjudication",
        "qa",
        "gates",
    ] {
        assert!(v["recordings"][0].get(k).is_some(), "recording {k}");
    }
    for k in [
        "pooled_kappa",
        "labels",
        "below_threshold",
        "adjudicated",
        "recordings",
    ] {
        assert!(v["overall"].get(k).is_some(), "overall {k}");
    }
}

#[test]
fn an_order_naming_an_unassigned_recording_is_refused_with_the_file() {
    let s = study(
        &["alice", "bob"],
        &[(REC, &["alice"]), ("b.edf", &["bob"])],
        &[],
    );
    let path = s.dir().join("study.toml");
    let mut file = sigmark::study::StudyFile::read(&path).unwrap();
    file.order.insert("alice".into(), vec!["b.edf".into()]);
    // Written as text: StudyFile::write would not check it.
    std::fs::write(&path, toml::to_string(&file).unwrap()).unwrap();
    let run = s.status(&[]);
    println!("{}", run.stderr);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("study.toml"));
    assert!(run
        .stderr
        .contains("order of alice names b.edf, not assigned to them"));
}
