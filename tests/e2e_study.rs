//! End to end, a reading study in tmux with the release binary: `study next --reader alice`
//! opens her first assignment, a PVC is marked, F finishes the reading, q quits; `study next`
//! then opens her second. access.jsonl holds both opens, readings.jsonl the finish, and the
//! first recording's table the PVC. A forced open by a reader not assigned is logged as such.
//! tmux is required (`.ci/run` installs it).

mod common;

use std::time::{Duration, Instant};

use common::study_next::{make, StudyDir, R1, R3};
use common::tmux::{status, Tmux};

fn cmd(s: &StudyDir, args: &str) -> String {
    format!(
        "env NO_COLOR=1 XDG_CONFIG_HOME={d} XDG_DATA_HOME={d} HOME={d} {bin} {args}",
        d = s.tmp.path().display(),
        bin = common::cli::bin(),
    )
}

fn quit(tmux: &Tmux, name: &str) {
    tmux.keys(name, &["q"]);
    let t0 = Instant::now();
    while tmux.alive(name) {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "did not quit:\n{}",
            tmux.screen(name)
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

#[test]
fn study_next_opens_the_first_assignment_then_after_finishing_the_second() {
    let s = make();
    let next = cmd(
        &s,
        &format!("study next {} --reader alice", s.dir().display()),
    );
    let tmux = Tmux::new("study");
    tmux.start("a", &next);
    // The viewer's status bar (not the line `study next` prints before it starts).
    let first = tmux.wait("a", "alice's first recording", |sc| {
        status(sc).contains("study pilot: b/r3.edf, alice's 1 of 3")
    });
    println!("{first}");
    tmux.keys("a", &["v"]);
    tmux.wait("a", "the PVC", |sc| sc.contains("PVC at"));
    tmux.keys("a", &["F"]);
    let done = tmux.wait("a", "the finish", |sc| {
        status(sc).contains("finished b/r3.edf")
    });
    println!("{}", status(&done));
    quit(&tmux, "a");

    tmux.start("b", &next);
    let second = tmux.wait("b", "alice's second recording", |sc| {
        status(sc).contains("study pilot: a/r1.edf, alice's 2 of 3")
    });
    println!("{second}");
    quit(&tmux, "b");

    let access = s.lines("access.jsonl");
    let opens: Vec<String> = access
        .iter()
        .map(|l| format!("{} {} {}", l["who"], l["recording"], l["mode"]))
        .collect();
    assert_eq!(
        opens,
        [
            format!("\"alice\" \"{R3}\" \"read\""),
            format!("\"alice\" \"{R1}\" \"read\"")
        ]
    );
    let readings = s.lines("readings.jsonl");
    assert_eq!(readings.len(), 1);
    assert_eq!(readings[0]["recording"], R3);
    assert_eq!(readings[0]["state"], "finished");
    let table = std::fs::read_to_string(s.dir().join("b/r3.alice.events.tsv")).unwrap();
    println!("{table}");
    let labels: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(2))
        .collect();
    assert_eq!(labels, ["PVC"]);
}

#[test]
fn a_forced_open_by_an_unassigned_reader_is_logged_as_forced() {
    let s = make();
    let rec = s.rec(R3);
    let tmux = Tmux::new("forced");
    tmux.start(
        "a",
        &cmd(&s, &format!("open {} --reader bob --force", rec.display())),
    );
    let sc = tmux.wait("a", "the viewer", |sc| {
        status(sc).contains("r3.edf") && status(sc).contains("bob") && sc.contains("ECG")
    });
    println!("{sc}");
    quit(&tmux, "a");
    let access = s.lines("access.jsonl");
    assert_eq!(access.len(), 1);
    assert_eq!(access[0]["who"], "bob");
    assert_eq!(access[0]["forced"], true);
    assert_eq!(access[0]["mode"], "read");
}
