//! `sigmark audit REC` (every event's history) and `sigmark study audit DIR` (integrity) on a
//! generated study with scripted edits made through the store, as a reader's viewer makes them.

mod common;
#[path = "common/study_audit.rs"]
mod study;

use std::path::Path;

use common::cli::sigmark;
use serde_json::Value;
use sigmark::annotations::journal::Line;
use sigmark::compare::adjudicate::decisions::{path_for, Decision, Verdict};
use sigmark::study::qa::{decisions_path, QaDecision, QaVerdict};
use study::{event, make_study, open, read_all, KEYMAP_VERSION};

fn append<E: serde::Serialize + Line>(path: &Path, e: &E) {
    sigmark::study::log::append(path, e).unwrap();
}

/// The history of event `id` in `table` from `audit --json`.
fn history<'a>(doc: &'a Value, table: &str, id: &str) -> &'a Vec<Value> {
    let events = doc["events"].as_array().unwrap();
    let e = events
        .iter()
        .find(|e| e["table"] == table && e["id"] == id)
        .unwrap_or_else(|| panic!("no event {id} in {table}: {doc:#}"));
    e["history"].as_array().unwrap()
}

/// (kind or action, who) of each step.
fn steps(h: &[Value]) -> Vec<(String, String)> {
    h.iter()
        .map(|s| {
            let what = s["action"].as_str().or(s["kind"].as_str()).unwrap();
            (what.to_string(), s["who"].as_str().unwrap().to_string())
        })
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[test]
fn audit_shows_each_events_history_with_its_changes_authors_and_decisions() {
    let d = tempfile::tempdir().unwrap();
    let st = make_study(d.path(), 1); // read by alice and bob
    let rec = st.recording_path(&st.file.recordings[0]);
    // alice: create two, move one, relabel the other, delete the first, undo the delete.
    let mut s = open(&rec, "alice");
    let (pvc, pac) = (event("alice", 10.0, "PVC"), event("alice", 20.0, "PAC"));
    s.add(pvc.clone()).unwrap();
    s.add(pac.clone()).unwrap();
    s.change(sigmark::annotations::Event {
        onset: 12.0,
        ..pvc.clone()
    })
    .unwrap();
    s.change(sigmark::annotations::Event {
        label: "AF".into(),
        ..pac.clone()
    })
    .unwrap();
    s.delete(&pvc.id).unwrap();
    s.undo().unwrap();
    s.save().unwrap();
    drop(s);
    let mut b = open(&rec, "bob");
    b.add(event("bob", 11.9, "PVC")).unwrap();
    b.save().unwrap();
    drop(b);
    // erin adjudicates: alice's PVC into the consensus; dana confirms it in QA.
    let mut c = sigmark::annotations::Store::open(
        sigmark::annotations::Paths::new(&rec, "consensus", None),
        "consensus",
        study::provenance(&rec),
    )
    .unwrap()
    .0;
    c.author = "erin".into();
    let copy = sigmark::annotations::Event {
        onset: 12.0,
        source: sigmark::annotations::Source::A,
        adjudicator: "erin".into(),
        ..pvc.clone()
    };
    c.import(copy.clone()).unwrap();
    c.save().unwrap();
    drop(c);
    let decision = Decision {
        key: "12.000000/PVC".into(),
        decision: Verdict::A,
        adjudicator: "erin".into(),
        time: sigmark::annotations::event::now(),
        wrote: vec![pvc.id.clone()],
    };
    append(&path_for(&rec, None), &decision);
    let qa = QaDecision {
        id: pvc.id.clone(),
        verdict: QaVerdict::Confirmed,
        reviewer: "dana".into(),
        time: sigmark::annotations::event::now(),
        before: copy,
        after: None,
    };
    append(&decisions_path(&rec), &qa);

    let run = sigmark(&[Path::new("audit"), &rec, Path::new("--json")]);
    let doc = run.json();
    let sha = sigmark::export::rows::hash_file(&rec).unwrap();
    assert_eq!(doc["sha256"], sha.as_str());

    let h = history(&doc, "r0.alice.events.tsv", &pvc.id);
    let expect = [
        ("add", "alice"),
        ("change", "alice"),
        ("delete", "alice"),
        ("undo", "alice"),
        ("adjudication", "erin"),
        ("qa", "dana"),
    ];
    println!("alice's PVC: {:?}", steps(h));
    assert_eq!(steps(h), expect.map(|(a, b)| pair(a, b)));
    let moved = &h[1]["changes"];
    println!("the move: {moved}");
    assert_eq!(
        moved,
        &serde_json::json!([{"field": "onset", "before": "10", "after": "12"}])
    );
    assert_eq!(
        h[3]["changes"][0]["before"],
        Value::Null,
        "the undo brings it back"
    );
    assert_eq!(h[0]["keymap_version"]["value"], KEYMAP_VERSION);
    assert_eq!(h[0]["keymap_version"]["from"], "journal");
    assert_eq!(h[0]["recording_sha256"]["value"], sha.as_str());

    let h = history(&doc, "r0.alice.events.tsv", &pac.id);
    println!("alice's PAC: {h:?}");
    assert_eq!(steps(h), [pair("add", "alice"), pair("change", "alice")]);
    assert_eq!(
        h[1]["changes"],
        serde_json::json!([{"field": "label", "before": "PAC", "after": "AF"}])
    );

    let h = history(&doc, "r0.consensus.events.tsv", &pvc.id);
    println!("the consensus copy: {:?}", steps(h));
    assert_eq!(
        steps(h),
        [
            pair("import", "erin"),
            pair("adjudication", "erin"),
            pair("qa", "dana")
        ]
    );
    assert_eq!(h[1]["decision"], "A");

    // The text names the same things; --reader limits it to one table.
    let text = sigmark(&[Path::new("audit"), &rec]);
    println!("{}", text.stdout);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(text
        .stdout
        .contains("change by alice (journal entry 4): label \"PAC\" -> \"AF\""));
    assert!(text.stdout.contains("QA by dana: confirmed"));
    assert!(text.stdout.contains(&format!(
        "keymap ecg version {KEYMAP_VERSION}; recording as now"
    )));
    let only = sigmark(&[
        Path::new("audit"),
        &rec,
        Path::new("--reader"),
        Path::new("bob"),
        Path::new("--json"),
    ])
    .json();
    let tables: Vec<&str> = only["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["table"].as_str().unwrap())
        .collect();
    println!("--reader bob: {tables:?}");
    assert_eq!(tables, ["r0.bob.events.tsv"]);
}

/// `study audit DIR`: (exit code, stdout lines).
fn study_audit(dir: &Path) -> (i32, Vec<String>) {
    let run = sigmark(&[Path::new("study"), Path::new("audit"), dir]);
    println!("exit {}\n{}{}", run.code, run.stdout, run.stderr);
    (run.code, run.stdout.lines().map(str::to_string).collect())
}

fn fresh(n: usize) -> (tempfile::TempDir, sigmark::study::Study) {
    let d = tempfile::tempdir().unwrap();
    let st = make_study(d.path(), n);
    read_all(&st);
    (d, st)
}

#[test]
fn a_clean_study_audits_clean() {
    let (d, _) = fresh(3);
    let (code, lines) = study_audit(d.path());
    assert_eq!(code, 0);
    assert_eq!(
        lines,
        ["0 anomalies in 3 recording(s), 6 table(s), 12 journal entries"]
    );
    let run = sigmark(&[
        Path::new("study"),
        Path::new("audit"),
        d.path(),
        Path::new("--json"),
    ]);
    assert_eq!(run.json()["anomalies"], serde_json::json!([]));
}

#[test]
fn a_label_changed_by_hand_in_the_table_is_flagged_with_the_file_line_and_event() {
    let (d, st) = fresh(2);
    let rec = st.recording_path(&st.file.recordings[1]); // bob and carol
    let table = rec.with_file_name("r1.carol.events.tsv");
    let text = std::fs::read_to_string(&table).unwrap();
    let (k, row) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("\tPAC\t"))
        .unwrap();
    let id = row.split('\t').nth(7).unwrap().to_string();
    std::fs::write(&table, text.replace("\tPAC\t", "\tAF\t")).unwrap();
    let (code, lines) = study_audit(d.path());
    assert_eq!(code, 1);
    let want = format!(
        "rec1/r1.carol.events.tsv:{}: table differs from journal: event {id}: edited outside sigmark: label \"AF\" in the table, \"PAC\" in the journal",
        k + 1
    );
    assert_eq!(lines[..lines.len() - 1], [want]);
}

#[test]
fn rows_added_or_removed_by_hand_are_flagged() {
    let (d, st) = fresh(1);
    let rec = st.recording_path(&st.file.recordings[0]);
    let table = rec.with_file_name("r0.alice.events.tsv");
    let text = std::fs::read_to_string(&table).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let gone = lines.remove(1).split('\t').nth(7).unwrap().to_string();
    let added = "30\t0\tVT\t\tdefinite\t\talice\tfeedfeedfeedfeedfeedfeedfeedfeed\t2026-01-01T00:00:00.000Z\t2026-01-01T00:00:00.000Z";
    lines.push(added);
    std::fs::write(&table, lines.join("\n") + "\n").unwrap();
    let (code, out) = study_audit(d.path());
    assert_eq!(code, 1);
    assert!(out.iter().any(|l| l.starts_with("rec0/r0.alice.events.tsv:3: no journal entry: event feedfeedfeedfeedfeedfeedfeedfeed: VT at 30 s")), "{out:?}");
    assert!(
        out.iter().any(|l| l.starts_with(&format!(
            "rec0/r0.alice.events.tsv: row missing: event {gone}: PVC at 10 s"
        ))),
        "{out:?}"
    );
}

#[test]
fn a_changed_recording_byte_is_a_sha256_mismatch_in_every_sidecar() {
    let (d, st) = fresh(2);
    let rec = st.recording_path(&st.file.recordings[0]);
    let mut bytes = std::fs::read(&rec).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x01;
    std::fs::write(&rec, &bytes).unwrap();
    let (code, out) = study_audit(d.path());
    assert_eq!(code, 1);
    let flagged: Vec<&String> = out
        .iter()
        .filter(|l| l.contains("SHA-256 mismatch"))
        .collect();
    println!("{flagged:?}");
    assert_eq!(flagged.len(), 2, "alice's and bob's sidecars");
    assert!(flagged[0].starts_with("rec0/r0.alice.events.json: SHA-256 mismatch: records SHA-256 "));
    assert!(
        out.iter()
            .any(|l| l.starts_with("rec0/r0.alice.journal.jsonl: recording changed: 2 entries")),
        "{out:?}"
    );
    assert!(
        out.iter().all(|l| !l.starts_with("rec1/")),
        "the other recording is clean"
    );
}

#[test]
fn an_edit_journaled_by_an_unassigned_reader_is_flagged() {
    let (d, st) = fresh(1); // alice and bob
    let rec = st.recording_path(&st.file.recordings[0]);
    let mut s = open(&rec, "alice");
    s.author = "carol".into();
    s.add(event("carol", 40.0, "VT")).unwrap();
    s.save().unwrap();
    drop(s);
    let mut m = open(&rec, "carol"); // carol's own table, but she is not assigned here
    m.add(event("carol", 41.0, "VT")).unwrap();
    m.save().unwrap();
    drop(m);
    let (code, out) = study_audit(d.path());
    assert_eq!(code, 1);
    assert_eq!(
        out[..out.len() - 1],
        [
            "rec0/r0.alice.journal.jsonl: unassigned reader: entry 3 by carol, who is not assigned to this recording (assigned: alice, bob)",
            "rec0/r0.carol.events.tsv: unassigned reader: files of carol, who is not assigned to this recording (assigned: alice, bob)",
        ]
    );
}

#[test]
fn an_old_format_journal_still_audits_and_its_history_says_where_values_come_from() {
    let (d, st) = fresh(1);
    let rec = st.recording_path(&st.file.recordings[0]);
    let journal = rec.with_file_name("r0.alice.journal.jsonl");
    // As sigmark wrote journals before they carried provenance: no keymap, no hash.
    let mut old = String::new();
    for line in std::fs::read_to_string(&journal).unwrap().lines() {
        let mut v: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
        for k in ["keymap", "keymap_version", "recording_sha256"] {
            assert!(v.remove(k).is_some(), "today's journal has {k}");
        }
        old.push_str(&serde_json::to_string(&v).unwrap());
        old.push('\n');
    }
    std::fs::write(&journal, &old).unwrap();
    let (code, _) = study_audit(d.path());
    assert_eq!(code, 0, "an old journal is not an anomaly");
    // One edit after the last save: not in the sidecar's journal_seq, so unknown.
    let mut line: serde_json::Map<String, Value> =
        serde_json::from_str(old.lines().next().unwrap()).unwrap();
    line.insert("seq".into(), 3.into());
    line.insert("action".into(), "delete".into());
    line.insert("before".into(), line["after"].clone());
    line.insert("after".into(), Value::Null);
    std::fs::write(
        &journal,
        format!("{old}{}\n", serde_json::to_string(&line).unwrap()),
    )
    .unwrap();
    let doc = sigmark(&[Path::new("audit"), &rec, Path::new("--json")]).json();
    let id = line["id"].as_str().unwrap();
    let h = history(&doc, "r0.alice.events.tsv", id);
    let from: Vec<(&Value, &Value)> = h
        .iter()
        .map(|s| (&s["keymap_version"]["value"], &s["keymap_version"]["from"]))
        .collect();
    println!("{from:?}");
    assert_eq!(
        h[0]["keymap_version"],
        serde_json::json!({"value": KEYMAP_VERSION, "from": "sidecar"})
    );
    assert_eq!(
        h[1]["keymap_version"],
        serde_json::json!({"value": null, "from": "unknown"})
    );
    let text = sigmark(&[Path::new("audit"), &rec]).stdout;
    assert!(
        text.contains("version unknown (an entry from before journals carried it)"),
        "{text}"
    );
}

#[test]
fn damaged_journal_lines_and_usage_errors() {
    let (d, st) = fresh(1);
    let rec = st.recording_path(&st.file.recordings[0]);
    let journal = rec.with_file_name("r0.bob.journal.jsonl");
    let text = std::fs::read_to_string(&journal).unwrap();
    std::fs::write(&journal, format!("not json\n{text}{{\"seq\":9,\"ti")).unwrap();
    let (code, out) = study_audit(d.path());
    assert_eq!(code, 1);
    assert!(
        out.iter()
            .any(|l| l.starts_with("rec0/r0.bob.journal.jsonl:1: damaged line: ")),
        "{out:?}"
    );
    assert!(out.iter().any(|l| l == "rec0/r0.bob.journal.jsonl: torn line: a half-written last line (never acknowledged)"), "{out:?}");
    let nothing = tempfile::tempdir().unwrap();
    let (code, _) = study_audit(nothing.path());
    assert_eq!(code, 2, "no study.toml is a usage error");
}

#[test]
fn auditing_a_study_in_parallel_is_bounded_by_hashing() {
    let (d, st) = fresh(24);
    let mb = 24.0 * std::fs::metadata(study::demo()).unwrap().len() as f64 / 1e6;
    let t = std::time::Instant::now();
    let (code, lines) = study_audit(d.path());
    let secs = t.elapsed().as_secs_f64();
    println!(
        "{} recordings ({mb:.0} MB) audited in {secs:.2} s ({:.0} MB/s)",
        st.file.recordings.len(),
        mb / secs
    );
    assert_eq!(code, 0, "{lines:?}");
    assert!(secs < 30.0, "{secs} s");
}
