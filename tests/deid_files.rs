//! `deid_annotation_files` (issue 17, annotation files): readers' tables, sidecars, journals,
//! the consensus and its decisions and other JSON-lines files beside a recording, made with
//! the real store and adjudication APIs with identifying text in the notes, de-identified:
//! no token left in any output byte, tables read back, journals replay to them, sidecars name
//! the new recording and its hash, every time moved by exactly the shift, readers renamed.

#[path = "common/deid_files.rs"]
mod fixture;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::Duration;
use fixture::*;
use sigmark::annotations::store::{read_table, Sidecar, CONSENSUS};
use sigmark::annotations::{journal, Event, Paths, Provenance, Source, Store};
use sigmark::deid::files::{deid_annotation_files, FilesContext};
use sigmark::deid::scrub::Scrubber;
use sigmark::deid::{DeidError, FileReport, Shift};

const DAYS: i64 = -400;
const NEW: &str = "deid-0001";

struct Run {
    _src: tempfile::TempDir,
    _out: tempfile::TempDir,
    rec: PathBuf,
    out_rec: PathBuf,
    scrubber: Scrubber,
    reports: Vec<FileReport>,
}

fn run_with(shift: Option<Shift>, dry_run: bool, edit: impl FnOnce(&Path)) -> Run {
    let (src, out) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let rec = make(src.path());
    edit(src.path());
    let out_rec = copy_recording(&rec, out.path(), NEW);
    let scrubber = Scrubber::new(identifiers(), shift);
    let sha = sha256_hex(&out_rec);
    let map = reader_map();
    let ctx = FilesContext {
        scrubber: &scrubber,
        sha256: (!dry_run).then_some(sha.as_str()),
        reader_map: &map,
        dry_run,
    };
    let reports = deid_annotation_files(&rec, &out_rec, &ctx).unwrap();
    for r in &reports {
        println!(
            "{} -> {}: {} field(s), {} text(s), skipped {:?}\n    {:?}",
            name(&r.source),
            name(&r.output),
            r.fields_cleared,
            r.texts_replaced,
            r.skipped,
            r.changes
        );
    }
    Run {
        _src: src,
        _out: out,
        rec,
        out_rec,
        scrubber,
        reports,
    }
}

fn run(shift: Option<Shift>) -> Run {
    run_with(shift, false, |_| {})
}

fn name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

fn out_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The output of a source file (from its report).
fn output_of(r: &Run, src_name: &str) -> PathBuf {
    let rep = r
        .reports
        .iter()
        .find(|x| name(&x.source) == src_name)
        .unwrap_or_else(|| panic!("no report for {src_name}"));
    assert_eq!(rep.skipped, None, "{src_name}");
    rep.output.clone()
}

fn src(r: &Run, rest: &str) -> PathBuf {
    r.rec.with_file_name(format!("{STEM}.{rest}"))
}

fn out(r: &Run, rest: &str) -> PathBuf {
    r.out_rec.with_file_name(format!("{NEW}.{rest}"))
}

#[test]
fn every_file_is_written_under_the_new_names_and_the_rest_skipped_with_a_reason() {
    let r = run(Some(Shift::days(DAYS)));
    let names = out_names(r.out_rec.parent().unwrap());
    println!("output: {names:?}");
    let mut expected: Vec<String> = ["edf", "qa.decisions.jsonl", "consensus.decisions.jsonl"]
        .iter()
        .map(|s| format!("{NEW}.{s}"))
        .collect();
    for who in ["reader1", "reader2", CONSENSUS] {
        for kind in ["events.tsv", "events.json", "journal.jsonl"] {
            expected.push(format!("{NEW}.{who}.{kind}"));
        }
    }
    expected.sort();
    assert_eq!(names, expected);
    let skipped: Vec<(String, String)> = r
        .reports
        .iter()
        .filter_map(|x| x.skipped.clone().map(|w| (name(&x.source), w)))
        .collect();
    println!("skipped: {skipped:?}");
    assert_eq!(skipped.len(), 2, "the damaged backup and the .txt");
    assert!(skipped
        .iter()
        .any(|(n, w)| n.contains(".damaged-") && w.contains("damaged")));
    assert!(skipped
        .iter()
        .any(|(n, w)| n.ends_with("notes.txt") && w.contains("not copied")));
    assert!(!r.reports.iter().any(|x| name(&x.source).ends_with(".lock")));
    let texts: usize = r.reports.iter().map(|x| x.texts_replaced).sum();
    assert!(texts >= 8, "{texts} text replacements");
}

/// The tokens no output byte may hold (compared lowercased): the person's name parts and code,
/// the readers' names, the original stem; dates and clock times once the scrubber replaces
/// them.
fn tokens(scrubber: &Scrubber) -> Vec<String> {
    let mut t: Vec<String> = ["Jane", "Doe", CODE, STEM, "alice", "bob", "carol"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if scrubber.scrub(&format!("{BIRTH} {VISIT} {CLOCK}")).replaced >= 3 {
        t.extend([BIRTH, VISIT, CLOCK].map(String::from));
    } else {
        println!(
            "the Scrubber on this branch does not replace dates and clock times yet (the \
             deidedf part): {BIRTH}, {VISIT}, {CLOCK} not searched for"
        );
    }
    t
}

#[test]
fn no_identifying_token_is_left_in_any_output_byte() {
    let r = run(Some(Shift::days(DAYS)));
    let tokens = tokens(&r.scrubber);
    let dir = r.out_rec.parent().unwrap();
    let mut searched = 0;
    for n in out_names(dir).iter().filter(|n| !n.ends_with(".edf")) {
        let bytes = std::fs::read(dir.join(n)).unwrap().to_ascii_lowercase();
        let hay = String::from_utf8_lossy(&bytes);
        for t in &tokens {
            let t = t.to_lowercase();
            assert!(!hay.contains(&t), "{n} still holds {t:?}:\n{hay}");
            searched += 1;
        }
    }
    println!("{searched} (file, token) pairs searched, tokens {tokens:?}: none found");
    assert!(searched >= 11 * 7);
}

/// What the de-identification should make of a source event.
fn expected(e: &Event, s: &Scrubber) -> Event {
    let map = reader_map();
    let m = |x: &str| map.get(x).cloned().unwrap_or_else(|| x.to_string());
    let shift = |t: &str| {
        (time(t) + Duration::days(DAYS)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
    };
    Event {
        label: s.scrub(&e.label).text,
        note: s.scrub(&e.note).text,
        reader: m(&e.reader),
        adjudicator: m(&e.adjudicator),
        source: match &e.source {
            Source::Other(x) => Source::Other(x.split('+').map(m).collect::<Vec<_>>().join("+")),
            k => k.clone(),
        },
        created: shift(&e.created),
        modified: shift(&e.modified),
        ..e.clone()
    }
}

fn store_events(rec: &Path, reader: &str) -> Vec<Event> {
    let (s, rec) =
        Store::open(Paths::new(rec, reader, None), reader, Provenance::default()).unwrap();
    assert!(rec.damaged.is_empty(), "{rec:?}");
    s.events().to_vec()
}

/// Every journal entry replayed from nothing, in the store's order.
fn replay_all(path: &Path) -> Vec<Event> {
    let found = journal::read(path).unwrap();
    assert!(found.damaged.is_empty() && !found.torn_line);
    let mut by_id: BTreeMap<String, Event> = BTreeMap::new();
    for e in found.entries {
        match e.after {
            Some(a) => by_id.insert(e.id.clone(), a),
            None => by_id.remove(&e.id),
        };
    }
    let mut list: Vec<Event> = by_id.into_values().collect();
    list.sort_by(|a, b| a.onset.total_cmp(&b.onset).then_with(|| a.id.cmp(&b.id)));
    list
}

#[test]
fn tables_read_back_and_journals_replay_to_them() {
    let r = run(Some(Shift::days(DAYS)));
    for (from, to) in [
        ("alice", "reader1"),
        ("bob", "reader2"),
        (CONSENSUS, CONSENSUS),
    ] {
        let (a, b) = (
            src(&r, &format!("{from}.events.tsv")),
            out(&r, &format!("{to}.events.tsv")),
        );
        assert_eq!(output_of(&r, &name(&a)), b);
        let table: Vec<Event> = read_table(&a)
            .unwrap()
            .iter()
            .map(|e| expected(e, &r.scrubber))
            .collect();
        assert_eq!(
            read_table(&b).unwrap(),
            table,
            "{to}: the table, field by field"
        );
        let want: Vec<Event> = store_events(&r.rec, from)
            .iter()
            .map(|e| expected(e, &r.scrubber))
            .collect();
        let got = store_events(&r.out_rec, to);
        println!(
            "{to}: {} events in the table, {} after the journal's replay",
            table.len(),
            got.len()
        );
        assert_eq!(
            got, want,
            "{to}: the store's replay of the de-identified files"
        );
        let journal = out(&r, &format!("{to}.journal.jsonl"));
        assert_eq!(
            replay_all(&journal),
            want,
            "{to}: the whole journal replayed from nothing"
        );
    }
    let alice = store_events(&r.out_rec, "reader1");
    assert_eq!(alice.len(), 4, "the unsaved add after the save replays too");
}

#[test]
fn sidecars_name_the_new_recording_and_its_hash() {
    let r = run(Some(Shift::days(DAYS)));
    let sha = sha256_hex(&r.out_rec);
    for (from, to) in [
        ("alice", "reader1"),
        ("bob", "reader2"),
        (CONSENSUS, CONSENSUS),
    ] {
        let a = Sidecar::read(&src(&r, &format!("{from}.events.json"))).unwrap();
        let b = Sidecar::read(&out(&r, &format!("{to}.events.json"))).unwrap();
        println!("{from}: {a:?}\n{to}: {b:?}");
        assert_eq!(b.recording, format!("{NEW}.edf"));
        assert_eq!(b.recording_sha256.as_deref(), Some(sha.as_str()));
        assert_ne!(a.recording_sha256, b.recording_sha256);
        // Journal entries carry the hash they were made on: the original's must not follow.
        let copied = std::fs::read_to_string(out(&r, &format!("{to}.journal.jsonl"))).unwrap();
        let original = a.recording_sha256.clone().unwrap_or_default();
        assert!(
            original.is_empty() || !copied.contains(&original),
            "{copied}"
        );
        assert_eq!(
            b.recording_size,
            std::fs::metadata(&r.out_rec).unwrap().len()
        );
        assert_eq!(b.reader, to);
        assert_eq!(time(&b.saved) - time(&a.saved), Duration::days(DAYS));
        assert_eq!(
            (
                &b.keymap,
                &b.keymap_version,
                b.journal_seq,
                b.events,
                &b.format
            ),
            (
                &a.keymap,
                &a.keymap_version,
                a.journal_seq,
                a.events,
                &a.format
            )
        );
    }
}

/// Every written file: (source, output).
fn written(r: &Run) -> Vec<(PathBuf, PathBuf)> {
    r.reports
        .iter()
        .filter(|x| x.skipped.is_none())
        .map(|x| (x.source.clone(), x.output.clone()))
        .collect()
}

#[test]
fn every_time_moves_by_exactly_the_shift() {
    let r = run(Some(Shift::days(DAYS)));
    let mut n = 0;
    for (a, b) in written(&r) {
        for (x, y) in time_pairs(&a, &b) {
            assert_eq!(
                time(&y) - time(&x),
                Duration::days(DAYS),
                "{}: {x} -> {y}",
                name(&a)
            );
            assert_eq!(x.len(), y.len(), "{x} -> {y}: the same spelling");
            n += 1;
        }
    }
    println!("{n} times compared, each moved by exactly {DAYS} days");
    assert!(n > 40, "{n}");
}

#[test]
fn without_a_shift_the_earliest_time_is_1985_and_every_difference_is_kept() {
    let r = run(None);
    let pairs: Vec<(String, String)> = written(&r)
        .iter()
        .flat_map(|(a, b)| time_pairs(a, b))
        .collect();
    let d = time(&pairs[0].1) - time(&pairs[0].0);
    for (x, y) in &pairs {
        assert_eq!(time(y) - time(x), d, "{x} -> {y}");
    }
    let earliest = pairs.iter().map(|(_, y)| time(y)).min().unwrap();
    println!(
        "{} times, all moved by {d}; earliest now {earliest}",
        pairs.len()
    );
    assert_eq!(earliest, time("1985-01-01T00:00:00Z"));
    assert!(r
        .reports
        .iter()
        .filter(|x| x.skipped.is_none())
        .all(|x| x.changes.iter().any(|c| c.contains("1985-01-01"))));
}

#[test]
fn consensus_sources_and_decisions_name_the_mapped_readers() {
    let r = run(Some(Shift::days(DAYS)));
    let cons = read_table(&out(&r, "consensus.events.tsv")).unwrap();
    let sources: Vec<(&str, &str)> = cons
        .iter()
        .map(|e| (e.source.as_str(), e.adjudicator.as_str()))
        .collect();
    println!("consensus sources: {sources:?}");
    assert!(sources.contains(&("reader1+reader2", "adj1")));
    assert!(sources.iter().all(|(_, a)| *a == "adj1"));
    assert!(sources.iter().any(|(s, _)| *s == "A"));
    let a = std::fs::read_to_string(src(&r, "consensus.decisions.jsonl")).unwrap();
    let b = std::fs::read_to_string(out(&r, "consensus.decisions.jsonl")).unwrap();
    assert!(a.lines().count() >= 3);
    for (x, y) in a.lines().zip(b.lines()) {
        let (x, y): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(x).unwrap(),
            serde_json::from_str(y).unwrap(),
        );
        println!("{x}\n  -> {y}");
        assert_eq!(y["adjudicator"], "adj1");
        assert_eq!(
            (&y["key"], &y["wrote"], &y["decision"]),
            (&x["key"], &x["wrote"], &x["decision"])
        );
    }
    let (_log, decided) =
        sigmark::compare::adjudicate::DecisionLog::open(out(&r, "consensus.decisions.jsonl"))
            .unwrap();
    assert_eq!(
        decided.len(),
        a.lines().count(),
        "the adjudication replays the copy"
    );
    let qa: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out(&r, "qa.decisions.jsonl")).unwrap())
            .unwrap();
    println!("qa: {qa}");
    assert_eq!(
        (&qa["reader"], &qa["id"], &qa["score"]),
        (&"reader1".into(), &"q1".into(), &3.into())
    );
}

#[test]
fn a_damaged_journal_line_skips_the_file_naming_the_line() {
    let r = run_with(Some(Shift::days(DAYS)), false, |dir| {
        let p = dir.join(format!("{STEM}.alice.journal.jsonl"));
        let text = std::fs::read_to_string(&p).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.insert(1, "{\"seq\":2,\"note\":\"Jane Doe\"");
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    });
    let rep = r
        .reports
        .iter()
        .find(|x| name(&x.source).ends_with("alice.journal.jsonl"))
        .unwrap();
    println!("{:?}", rep.skipped);
    assert!(
        rep.skipped.as_deref().is_some_and(|w| w.contains("line 2")),
        "{rep:?}"
    );
    assert!(!out(&r, "reader1.journal.jsonl").exists());
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let r = run_with(Some(Shift::days(DAYS)), true, |_| {});
    let names = out_names(r.out_rec.parent().unwrap());
    println!("output after a dry run: {names:?}");
    assert_eq!(names, [format!("{NEW}.edf")]);
    assert!(r.reports.iter().filter(|x| x.skipped.is_none()).count() >= 11);
    assert!(r
        .reports
        .iter()
        .any(|x| x.texts_replaced > 0 && !x.changes.is_empty()));
}

#[test]
fn an_output_over_a_source_is_refused_and_a_bad_mapped_name_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rec = make(dir.path());
    let before = sha256_hex(&rec.with_file_name(format!("{STEM}.alice.events.tsv")));
    let scrubber = Scrubber::new(identifiers(), Some(Shift::days(DAYS)));
    let none = BTreeMap::new();
    let ctx = FilesContext {
        scrubber: &scrubber,
        sha256: Some("00"),
        reader_map: &none,
        dry_run: false,
    };
    let e = deid_annotation_files(&rec, &rec, &ctx).unwrap_err();
    println!("{e}");
    assert!(matches!(e, DeidError::Refused { .. }), "{e:?}");
    assert_eq!(
        sha256_hex(&rec.with_file_name(format!("{STEM}.alice.events.tsv"))),
        before
    );
    let bad: BTreeMap<String, String> = [("alice".to_string(), "a b".to_string())].into();
    let out = tempfile::tempdir().unwrap();
    let out_rec = copy_recording(&rec, out.path(), NEW);
    let ctx = FilesContext {
        reader_map: &bad,
        ..ctx
    };
    let e = deid_annotation_files(&rec, &out_rec, &ctx).unwrap_err();
    println!("{e}");
    assert!(
        matches!(e, DeidError::Invalid { .. }) && e.to_string().contains("\"a b\""),
        "{e:?}"
    );
    assert_eq!(out_names(out.path()), [format!("{NEW}.edf")]);
}

/// A dir with `rec.edf` and `rec.a.edf` (and a WFDB-like member `rec.dat`): `rec.a.bob...`
/// belongs to `rec.a.edf`, the longest stem, and is not de-identified with `rec.edf`.
#[test]
fn only_the_recordings_own_files_are_taken_and_map_collisions_are_skipped() {
    use sigmark::annotations::store::table_text;
    let dir = tempfile::tempdir().unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    for n in ["rec.edf", "rec.a.edf"] {
        std::fs::copy(&demo, dir.path().join(n)).unwrap();
    }
    std::fs::write(dir.path().join("rec.dat"), b"\x00\x01").unwrap();
    let ev = |reader: &str| Event {
        onset: 1.0,
        label: "PVC".into(),
        reader: reader.into(),
        id: format!("id-{reader}"),
        ..Default::default()
    };
    for (file, who) in [
        ("rec.alice", "alice"),
        ("rec.bob", "bob"),
        ("rec.a.bob", "bob"),
    ] {
        let text = table_text(&[ev(who)]);
        std::fs::write(dir.path().join(format!("{file}.events.tsv")), text).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let out_rec = copy_recording(&dir.path().join("rec.edf"), out.path(), NEW);
    let scrubber = Scrubber::new(identifiers(), Some(Shift::days(DAYS)));
    let map: BTreeMap<String, String> = [("alice", "r1"), ("bob", "r1")]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .into();
    let ctx = FilesContext {
        scrubber: &scrubber,
        sha256: Some("00"),
        reader_map: &map,
        dry_run: false,
    };
    let reports = deid_annotation_files(&dir.path().join("rec.edf"), &out_rec, &ctx).unwrap();
    let seen: Vec<(String, Option<String>)> = reports
        .iter()
        .map(|r| (name(&r.source), r.skipped.clone()))
        .collect();
    println!("{seen:?}\noutput: {:?}", out_names(out.path()));
    assert_eq!(seen.len(), 2, "rec.alice and rec.bob only");
    assert_eq!(seen[0], ("rec.alice.events.tsv".to_string(), None));
    assert!(seen[1]
        .1
        .as_deref()
        .is_some_and(|w| w.contains("same output")));
    let written = read_table(&out.path().join(format!("{NEW}.r1.events.tsv"))).unwrap();
    assert_eq!(written[0].id, "id-alice", "the first file keeps the output");
}

/// An output that exists beside the source recording (another recording's file) is refused.
#[test]
fn an_output_over_another_recordings_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let rec = make(dir.path());
    let other = dir.path().join("other.edf");
    std::fs::copy(&rec, &other).unwrap();
    let theirs = dir.path().join("other.alice.events.tsv");
    std::fs::write(&theirs, "onset\tduration\tlabel\n1\t0\tPVC\n").unwrap();
    let scrubber = Scrubber::new(identifiers(), Some(Shift::days(DAYS)));
    let none = BTreeMap::new();
    let ctx = FilesContext {
        scrubber: &scrubber,
        sha256: Some("00"),
        reader_map: &none,
        dry_run: false,
    };
    let e = deid_annotation_files(&rec, &other, &ctx).unwrap_err();
    println!("{e}");
    assert!(
        matches!(e, DeidError::Refused { .. }) && e.to_string().contains("other."),
        "{e:?}"
    );
    let kept = std::fs::read_to_string(&theirs).unwrap();
    assert_eq!(kept, "onset\tduration\tlabel\n1\t0\tPVC\n");
}
