//! QA of critical labels (issue 16): the pending list in study order, confirm / reject / edit
//! in the viewer's QA mode and their effect on the consensus `qa` column and on
//! `export --qa confirmed`, a crash between decision and table, reviewers refused, `below`
//! levels read from the SpO2 channel, and old tables round-tripping unchanged.

mod common;

use std::path::Path;

use common::app::{frame_text, press, AppBuilder, TestApp};
use common::cli::sigmark;
use common::study_qa::{consensus_qa, ev, make_study, one, two, write_table};
use sigmark::annotations::store::{read_table, table_text, CONSENSUS};
use sigmark::study::qa::{decisions, decisions_path, QaDecision, QaState, QaVerdict};
use sigmark::study::qa_level::Level;
use sigmark::study::qa_walk::{self, walk};
use sigmark::study::{log, Critical, Study};

fn ids(study: &Study, reviewer: &str) -> Vec<(String, String, String)> {
    walk(study, reviewer)
        .unwrap()
        .items
        .into_iter()
        .map(|i| (i.rel, i.event.id, i.state.as_str().to_string()))
        .collect()
}

fn row(rel: &str, id: &str, state: &str) -> (String, String, String) {
    (rel.into(), id.into(), state.into())
}

#[test]
fn old_tables_round_trip_byte_for_byte_and_the_qa_column_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let header = "onset\tduration\tlabel\tchannel\tcertainty\tnote\treader\tid\tcreated\tmodified";
    let old = format!(
        "{header}\tsource\tadjudicator\n100\t5\tVT\t\tdefinite\t\talice\tc1\tt0\tt1\tboth\tcarol\n"
    );
    let with_qa = format!(
        "{header}\tsource\tadjudicator\tqa\n100\t5\tVT\t\tdefinite\t\talice\tc1\tt0\tt1\tboth\tcarol\tconfirmed\n150\t0\tPVC\t\tdefinite\t\talice\tc2\tt0\tt1\tboth\tcarol\t\n"
    );
    let reader = format!("{header}\n100\t5\tVT\t\tdefinite\t\talice\ta1\tt0\tt1\n");
    for (name, text) in [("old", &old), ("qa", &with_qa), ("reader", &reader)] {
        let p = dir.path().join(format!("{name}.events.tsv"));
        std::fs::write(&p, text).unwrap();
        let back = table_text(&read_table(&p).unwrap());
        println!("{name}:\n{text}---\n{back}");
        assert_eq!(&back, text, "{name} does not write back unchanged");
    }
    let qa: Vec<String> = {
        let p = dir.path().join("qa.events.tsv");
        read_table(&p).unwrap().into_iter().map(|e| e.qa).collect()
    };
    assert_eq!(qa, ["confirmed", ""]);
}

#[test]
fn the_pending_list_is_in_study_order_then_by_onset_and_readers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = make_study(dir.path());
    let got = ids(&study, "dana");
    println!("dana's walk: {got:?}");
    assert_eq!(
        got,
        [
            row("a/one.edf", "c1", "pending"),
            row("a/one.edf", "c3", "pending"),
            row("b/two.edf", "t1", "pending"),
        ],
        "critical VT and Pause of the consensus, then the single reader's VT; PVC and PAC are not critical"
    );
    // alice read one.edf: she may QA only two.edf.
    let w = walk(&study, "alice").unwrap();
    println!("alice refused {:?}", w.refused);
    assert_eq!(w.refused, ["a/one.edf"]);
    let a = study.assignment("a/one.edf").unwrap().clone();
    let refused = qa_walk::open_store(&study, &a, "alice").map(|_| ());
    println!("alice opening one.edf for QA: {refused:?}");
    assert!(refused.is_err_and(|e| e.to_string().contains("alice read a/one.edf")));
    // carol reopened two.edf: it waits until she finishes again.
    let reopened = log::Reading {
        time: log::now(),
        reader: "carol".into(),
        recording: "b/two.edf".into(),
        state: log::ReadingState::Reopened,
    };
    log::append(&study.readings_path(), &reopened).unwrap();
    let w = walk(&study, "dana").unwrap();
    println!("after carol reopened: waiting {:?}", w.waiting);
    assert_eq!(w.waiting, ["b/two.edf"]);
    assert!(w.items.iter().all(|i| i.rel != "b/two.edf"));
    common::study_qa::finish(&study, "carol", "b/two.edf");
    // Not a QA reviewer at all: refused, by the library and the command.
    assert!(walk(&study, "erin").is_err());
    let run = sigmark(&[
        "study",
        "qa",
        &dir.path().to_string_lossy(),
        "--reviewer",
        "erin",
    ]);
    println!("{run:?}");
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("erin is not a QA reviewer"),
        "{}",
        run.stderr
    );
}

/// The QA mode on `rec`, as `sigmark study qa` starts it.
fn qa_app(study: &Study, rel: &str, reviewer: &str) -> TestApp {
    let rec = study.dir.join(rel);
    let mut app = AppBuilder::file(&rec).in_place().labels("ecg").build();
    let w = walk(study, reviewer).unwrap();
    let others: Vec<_> = w.items.iter().filter(|i| i.rel != rel).collect();
    let done = others
        .iter()
        .filter(|i| i.state != QaState::Pending)
        .count();
    let a = study.assignment(rel).unwrap().clone();
    sigmark::tui::qa::start(&mut app, study, &a, reviewer, (done, others.len())).unwrap();
    app
}

fn status(app: &TestApp) -> String {
    app.message.clone().unwrap_or_default()
}

#[test]
fn confirm_edit_and_reject_reach_the_consensus_qa_column_and_the_export() {
    let dir = tempfile::tempdir().unwrap();
    let study = make_study(dir.path());
    let mut app = qa_app(&study, "a/one.edf", "dana");
    let first = status(&app);
    println!("first: {first}");
    assert!(
        first.starts_with("QA 0/3 decided · VT 100.00 s for 5.00 s [pending]"),
        "{first}"
    );
    assert!(
        first.contains("reader alice: VT 100.20 s for 4.80 s"),
        "{first}"
    );
    assert!(
        first.contains("reader bob: VT 99.80 s for 5.50 s"),
        "{first}"
    );
    insta::assert_snapshot!("qa_first_event_120x30", frame_text(&mut app, 120, 30));
    // Opening for QA logged the access and stamped pending in the consensus.
    let access = log::read::<log::Access>(&study.access_path())
        .unwrap()
        .entries;
    println!("access: {access:?}");
    assert!(access
        .iter()
        .any(|a| a.who == "dana" && a.recording == "a/one.edf" && a.mode == log::AccessMode::Qa));

    press(&mut app, "alt-y");
    let after_confirm = status(&app);
    println!("after confirm: {after_confirm}");
    assert!(
        after_confirm.starts_with("confirmed; next: QA 1/3 decided · Pause 200.00 s"),
        "{after_confirm}"
    );
    // QA adds no events of its own and undoes no decision (the table and the decisions file
    // would disagree): a label key and undo only say so.
    let count = app.annot.as_ref().unwrap().store.events().len();
    for key in ["v", "delete", "u"] {
        press(&mut app, key);
        println!("after {key}: {}", status(&app));
        assert_eq!(app.annot.as_ref().unwrap().store.events().len(), count);
    }
    assert!(
        status(&app).starts_with("QA decisions are not undone"),
        "{}",
        status(&app)
    );
    assert_eq!(
        app.annot.as_ref().unwrap().store.get("c1").unwrap().qa,
        "confirmed",
        "undo left the decision in the table"
    );
    // Another event than the current critical one is not edited in QA.
    let c2 = app.annot.as_ref().unwrap().store.get("c2").unwrap().onset;
    app.annot.as_mut().unwrap().selected = Some("c2".into());
    press(&mut app, ">");
    println!("moving c2: {}", status(&app));
    assert!(
        status(&app).starts_with("QA edits only the current"),
        "{}",
        status(&app)
    );
    assert_eq!(
        app.annot.as_ref().unwrap().store.get("c2").unwrap().onset,
        c2
    );
    app.annot.as_mut().unwrap().selected = Some("c3".into());
    // Edit: move the Pause forward, then confirm: recorded as edited.
    press(&mut app, ">");
    let moved = app.annot.as_ref().unwrap().store.get("c3").unwrap().onset;
    println!("c3 moved to {moved}");
    assert!(moved > 200.0);
    press(&mut app, "alt-y");
    println!("after edit: {}", status(&app));
    assert!(app.qa.as_ref().unwrap().recording_done);
    assert!(
        app.quit,
        "the recording is done: the viewer closes for the next one"
    );
    insta::assert_snapshot!("qa_recording_done_120x30", frame_text(&mut app, 120, 30));
    drop(app);

    let table = consensus_qa(&one(&study));
    println!("one.edf consensus: {table:?}");
    let qa: Vec<(&str, &str)> = table
        .iter()
        .map(|(i, _, _, q)| (i.as_str(), q.as_str()))
        .collect();
    assert_eq!(qa, [("c1", "confirmed"), ("c2", ""), ("c3", "edited")]);
    assert_eq!(table[2].2, moved, "the edited version is in the table");
    let d = decisions(&one(&study)).unwrap();
    assert_eq!(d["c3"].verdict, QaVerdict::Edited);
    assert_eq!(d["c3"].before.onset, 200.0);
    assert_eq!(d["c3"].after.as_ref().map(|e| e.onset), Some(moved));

    // two.edf, read by carol alone: its consensus is made from her table; reject the VT.
    let mut app = qa_app(&study, "b/two.edf", "dana");
    println!("two: {}", status(&app));
    assert!(
        status(&app).starts_with("QA 2/3 decided · VT 50.00 s"),
        "{}",
        status(&app)
    );
    press(&mut app, "alt-x");
    drop(app);
    let table = consensus_qa(&two(&study));
    println!("two.edf consensus: {table:?}");
    let qa: Vec<(&str, &str)> = table
        .iter()
        .map(|(i, _, _, q)| (i.as_str(), q.as_str()))
        .collect();
    assert_eq!(qa, [("t1", "rejected"), ("t2", "")]);
    assert!(ids(&study, "dana").iter().all(|(_, _, s)| s != "pending"));
    let run = sigmark(&[
        "study",
        "qa",
        &dir.path().to_string_lossy(),
        "--reviewer",
        "dana",
    ]);
    println!("{run:?}");
    assert!(
        run.success() && run.stderr.contains("nothing pending: 3 of 3"),
        "{}",
        run.stderr
    );

    the_export_keeps_only_confirmed_critical_events(dir.path());
}

/// (recording, reader, label, onset) rows of an export.
fn exported(dir: &Path, extra: &[&str]) -> Vec<(String, String, String, String)> {
    let out = dir.join("out.csv");
    let d = dir.to_string_lossy();
    let o = out.to_string_lossy();
    let mut args = vec!["export", &d, "--out", &o];
    args.extend_from_slice(extra);
    let run = sigmark(&args);
    println!("{run:?}");
    assert!(run.success(), "{}", run.stderr);
    let text = std::fs::read_to_string(&out).unwrap();
    let mut rows: Vec<(String, String, String, String)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].into(), f[2].into(), f[3].into(), f[5].into())
        })
        .collect();
    rows.sort();
    rows
}

fn the_export_keeps_only_confirmed_critical_events(dir: &Path) {
    let all = exported(dir, &[]);
    let kept = exported(dir, &["--qa", "confirmed"]);
    println!("without --qa: {all:#?}\nwith --qa confirmed: {kept:#?}");
    let labels = |rows: &[(String, String, String, String)], reader: &str| -> Vec<String> {
        rows.iter()
            .filter(|r| r.1 == reader)
            .map(|r| format!("{} {}", r.0, r.2))
            .collect()
    };
    assert_eq!(labels(&all, "alice"), ["a/one.edf VT"]);
    assert!(
        labels(&kept, "alice").is_empty(),
        "a reader's critical label is unreviewed"
    );
    assert_eq!(labels(&kept, "carol"), ["b/two.edf PAC"]);
    assert_eq!(
        labels(&kept, "consensus"),
        [
            "a/one.edf PVC",
            "a/one.edf Pause",
            "a/one.edf VT",
            "b/two.edf PAC"
        ],
        "confirmed VT, edited Pause, non-critical PVC and PAC; the rejected VT of two.edf is gone"
    );
    assert!(labels(&all, "consensus").contains(&"b/two.edf VT".to_string()));
    let pause = kept
        .iter()
        .find(|r| r.1 == "consensus" && r.2 == "Pause")
        .unwrap();
    assert_ne!(pause.3, "200", "the edited version is exported: {pause:?}");
}

#[test]
fn deciding_again_replaces_the_decision_and_out_of_study_export_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let study = make_study(dir.path());
    let mut app = qa_app(&study, "a/one.edf", "dana");
    press(&mut app, "alt-y");
    // Back to the VT (previous) and reject it after all: the last decision wins.
    press(&mut app, "alt-p");
    println!("back: {}", status(&app));
    assert!(status(&app).contains("VT 100.00 s for 5.00 s [confirmed]"));
    press(&mut app, "alt-x");
    drop(app);
    let lines = std::fs::read_to_string(decisions_path(&one(&study))).unwrap();
    println!("{lines}");
    assert_eq!(lines.lines().count(), 2);
    assert_eq!(consensus_qa(&one(&study))[0].3, "rejected");

    // A recording outside any study with --qa confirmed: skipped, named, exit non-zero.
    let lone = tempfile::tempdir().unwrap();
    let rec = lone.path().join("lone.edf");
    std::fs::copy(one(&study), &rec).unwrap();
    write_table(&rec, "zoe", vec![ev("z1", 10.0, 2.0, "VT", "zoe")]);
    let out = lone.path().join("out.csv");
    let run = sigmark(&[
        "export",
        &lone.path().to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
        "--qa",
        "confirmed",
    ]);
    println!("{run:?}");
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("is in no study"), "{}", run.stderr);
}

#[test]
fn a_crash_between_decision_and_table_is_recovered_on_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let study = make_study(dir.path());
    let rec = one(&study);
    // The decision reached its file; the process died before the consensus was rewritten.
    let before = ev("c1", 100.0, 5.0, "VT", "alice");
    let d = QaDecision {
        id: "c1".into(),
        verdict: QaVerdict::Edited,
        reviewer: "dana".into(),
        time: log::now(),
        after: Some(sigmark::annotations::Event {
            onset: 101.5,
            duration: 3.0,
            ..before.clone()
        }),
        before,
    };
    log::append(&decisions_path(&rec), &d).unwrap();
    println!("on disk before reopening: {:?}", consensus_qa(&rec));
    assert_eq!(consensus_qa(&rec)[0].3, "", "the table was not rewritten");
    let a = study.assignment("a/one.edf").unwrap().clone();
    let (store, _) = qa_walk::open_store(&study, &a, "dana").unwrap();
    drop(store);
    let table = consensus_qa(&rec);
    println!("after reopening: {table:?}");
    assert_eq!(table[0], ("c1".into(), "VT".into(), 101.5, "edited".into()));
    assert_eq!(table[2].3, "pending");
    let journal =
        std::fs::read_to_string(sigmark::annotations::Paths::new(&rec, CONSENSUS, None).journal)
            .unwrap();
    assert!(
        journal
            .lines()
            .last()
            .unwrap_or("")
            .contains("\"reader\":\"dana\""),
        "journaled as dana: {journal}"
    );
}

#[test]
fn a_desaturation_is_critical_only_below_its_level() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("m/mon.h5");
    std::fs::create_dir_all(rec.parent().unwrap()).unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_monitoring.h5");
    std::fs::copy(&demo, &rec).unwrap();
    let truth = read_table(&demo.with_file_name("demo_monitoring.truth.events.tsv")).unwrap();
    let desats: Vec<_> = truth
        .into_iter()
        .filter(|e| e.label == "Desaturation")
        .collect();
    // Each event's SpO2 minimum, read here from the samples directly.
    let r = sigmark::open(&rec).unwrap();
    let ch = r
        .channels
        .iter()
        .position(|c| c.label.contains("SpO2"))
        .unwrap();
    let rate = r.channels[ch].rate_hz;
    let all = r
        .read_samples(ch, 0, r.channels[ch].samples as usize)
        .unwrap();
    let mins: Vec<f64> = desats
        .iter()
        .map(|e| {
            let (a, b) = (
                (e.onset * rate).ceil() as usize,
                ((e.end()) * rate).ceil() as usize,
            );
            all[a..b.min(all.len())]
                .iter()
                .copied()
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    let mut sorted = mins.clone();
    sorted.sort_by(f64::total_cmp);
    let level = (sorted[1] + sorted[2]) / 2.0;
    println!("minima {mins:?}, level {level}");
    let events: Vec<_> = desats
        .iter()
        .enumerate()
        .map(|(k, e)| {
            ev(
                &format!("d{k}"),
                e.onset,
                e.duration,
                "Desaturation",
                "alice",
            )
        })
        .collect();
    write_table(&rec, CONSENSUS, events);
    let mut file = common::study_qa::study_file();
    file.recordings = vec![sigmark::study::Assignment {
        path: "m/mon.h5".into(),
        readers: vec!["alice".into(), "bob".into()],
    }];
    file.critical = vec![Critical {
        label: "Desaturation".into(),
        below: Some(level),
    }];
    let study = Study {
        dir: dir.path().to_path_buf(),
        file,
    };
    let items = qa_walk::recording_items(&study, &study.file.recordings[0]).unwrap();
    let got: Vec<(String, Level)> = items
        .iter()
        .map(|i| (i.event.id.clone(), i.level))
        .collect();
    println!("critical: {got:?}");
    let want: Vec<String> = (0..mins.len())
        .filter(|&k| mins[k] < level)
        .map(|k| format!("d{k}"))
        .collect();
    assert_eq!(got.iter().map(|g| g.0.clone()).collect::<Vec<_>>(), want);
    assert_eq!(want.len(), 2);
    for (id, l) in &got {
        let k: usize = id[1..].parse().unwrap();
        assert_eq!(*l, Level::Min(mins[k]), "{id}");
    }
    // No SpO2 channel (an ECG): the level cannot be read, so the event stays critical.
    let ecg = dir.path().join("e/ecg.edf");
    std::fs::create_dir_all(ecg.parent().unwrap()).unwrap();
    std::fs::copy(common::app::demo("demo_ecg.edf"), &ecg).unwrap();
    write_table(
        &ecg,
        CONSENSUS,
        vec![ev("x1", 10.0, 20.0, "Desaturation", "alice")],
    );
    let mut study = study;
    study.file.recordings = vec![sigmark::study::Assignment {
        path: "e/ecg.edf".into(),
        readers: vec!["alice".into(), "bob".into()],
    }];
    let items = qa_walk::recording_items(&study, &study.file.recordings[0]).unwrap();
    println!("without SpO2: {items:?}");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].level, Level::Unchecked);
}
