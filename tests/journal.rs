//! The reader's journal never loses or joins an edit: full disk, torn and invalid UTF-8,
//! sequence numbers, temporary files left by a killed run (issue 11 items 1, 2, 3, 9).
//! The journals in tests/data/journal/ are the reproducers of the issue.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use sigmark::annotations::store::JournalEntry;
use sigmark::annotations::{Certainty, Event, Paths, Provenance, Recovery, Store};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/journal")
        .join(name)
}

/// A copy of reproducer folder `name` in a fresh temporary directory.
fn copy_of(name: &str) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(data(name)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.path().join(e.file_name())).unwrap();
    }
    d
}

fn open(dir: &Path, rec: &str) -> (Store, Recovery) {
    Store::open(paths(dir, rec), "r1", Provenance::default()).unwrap()
}

fn paths(dir: &Path, rec: &str) -> Paths {
    Paths::new(&dir.join(rec), "r1", None)
}

/// A crash: no save, no unlock; the next open takes over the lock.
fn crash(s: Store) {
    let lock = s.paths.lock.clone();
    std::mem::forget(s);
    std::fs::remove_file(lock).unwrap();
}

fn ev(onset: f64, label: &str) -> Event {
    Event {
        onset,
        label: label.into(),
        certainty: Certainty::Definite,
        reader: "r1".into(),
        id: sigmark::annotations::event::new_id(),
        ..Default::default()
    }
}

fn ids(s: &Store) -> BTreeSet<String> {
    s.events().iter().map(|e| e.id.clone()).collect()
}

/// Every line of the journal is one whole entry (no fragment joined to another).
fn lines_are_whole(journal: &Path) -> Vec<JournalEntry> {
    let text = std::fs::read_to_string(journal).unwrap();
    assert!(text.is_empty() || text.ends_with('\n'), "ends mid-line");
    text.lines()
        .enumerate()
        .map(|(k, l)| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("line {}: {e}: {l:?}", k + 1))
        })
        .collect()
}

#[test]
fn a_joined_fragment_is_reported_and_every_intact_edit_recovered() {
    let d = copy_of("fulldisk_journal");
    let journal = paths(d.path(), "rec_fd.edf").journal;
    let original = std::fs::read(&journal).unwrap();
    // Independently of the parser: every event id the file mentions.
    let text = String::from_utf8_lossy(&original);
    let mentioned: BTreeSet<String> = text
        .match_indices("\"id\":\"")
        .map(|(i, m)| text[i + m.len()..i + m.len() + 32].to_string())
        .collect();
    let (s, rec) = open(d.path(), "rec_fd.edf");
    println!("{:?}", rec.message());
    println!(
        "{} events, {} ids in the file",
        s.events().len(),
        mentioned.len()
    );
    assert_eq!(
        rec.damaged.iter().map(|x| x.line).collect::<Vec<_>>(),
        vec![220]
    );
    assert_eq!(ids(&s), mentioned, "every acknowledged edit is back");
    let backup = rec.backup.clone().expect("a backup");
    assert!(
        backup
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("rec_fd.r1.journal.jsonl.damaged-"),
        "{backup:?}"
    );
    assert_eq!(
        std::fs::read(&backup).unwrap(),
        original,
        "backup is the file as found"
    );
    let msg = rec.message().unwrap();
    assert!(
        msg.contains("220") && msg.contains(&backup.display().to_string()),
        "{msg}"
    );
    assert_eq!(lines_are_whole(&journal).len(), 224);
    // New edits continue on clean lines and the damage is not reported again.
    let mut s = s;
    let e = ev(50.0, "PVC");
    s.add(e.clone()).unwrap();
    crash(s);
    let (s, rec) = open(d.path(), "rec_fd.edf");
    println!("second open: {:?}", rec.message());
    assert!(rec.damaged.is_empty() && rec.backup.is_none(), "{rec:?}");
    assert!(s.get(&e.id).is_some());
}

#[test]
fn a_last_line_torn_inside_a_utf8_character_is_a_torn_line() {
    let d = copy_of("journal_torn_utf8");
    let (s, rec) = open(d.path(), "rec.edf");
    println!("{:?}; events {:?}", rec.message(), ids(&s));
    assert!(rec.torn_line && rec.damaged.is_empty(), "{rec:?}");
    assert_eq!(rec.replayed, 1);
    assert_eq!(ids(&s), ["id1", "id2", "j1"].map(String::from).into());
    let journal = s.paths.journal.clone();
    assert_eq!(lines_are_whole(&journal).len(), 1, "the torn tail is cut");
}

#[test]
fn invalid_utf8_in_a_middle_line_names_the_line_and_keeps_its_neighbours() {
    let d = copy_of("journal_invalid_utf8");
    let (s, rec) = open(d.path(), "rec.edf");
    let msg = rec.message().unwrap_or_default();
    println!("{msg}; events {:?}", ids(&s));
    assert_eq!(
        rec.damaged.iter().map(|x| x.line).collect::<Vec<_>>(),
        vec![2]
    );
    assert!(rec.damaged[0].detail.contains("UTF-8"), "{rec:?}");
    assert!(
        msg.contains("lines 2") && msg.contains("backup kept at"),
        "{msg}"
    );
    assert_eq!(ids(&s), ["id1", "id2", "j1", "j2"].map(String::from).into());
}

#[test]
fn a_sequence_number_never_wraps_and_no_acknowledged_mark_is_lost() {
    let d = copy_of("journal_seq_wrap");
    let (mut s, rec) = open(d.path(), "rec.edf");
    println!("{:?}", rec.message());
    assert_eq!(
        rec.damaged.iter().map(|x| x.line).collect::<Vec<_>>(),
        vec![1]
    );
    assert!(rec.damaged[0].detail.contains("impossible"), "{rec:?}");
    assert_eq!(rec.impossible_saved_seq, Some(u64::MAX));
    let e = ev(7.0, "PVC");
    s.add(e.clone()).unwrap();
    let journal = s.paths.journal.clone();
    crash(s);
    let seqs: Vec<u64> = lines_are_whole(&journal).iter().map(|x| x.seq).collect();
    println!("journal seqs after the mark: {seqs:?}");
    assert_eq!(seqs, vec![1]);
    let (s, _) = open(d.path(), "rec.edf");
    assert!(s.get(&e.id).is_some(), "the confirmed mark is replayed");
    assert!(s.get("j1").is_some(), "the saved event is still there");
}

#[test]
fn the_last_possible_sequence_number_refuses_the_next_edit() {
    let d = tempfile::tempdir().unwrap();
    let max = sigmark::annotations::journal::MAX_SEQ;
    let line = format!("{{\"seq\":{max},\"time\":\"t\",\"reader\":\"r1\",\"action\":\"delete\",\"id\":\"x\",\"before\":null,\"after\":null}}\n");
    let journal = paths(d.path(), "rec.edf").journal;
    std::fs::write(&journal, &line).unwrap();
    let (mut s, rec) = open(d.path(), "rec.edf");
    assert!(rec.damaged.is_empty(), "{rec:?}");
    let err = s.add(ev(1.0, "PVC")).unwrap_err();
    println!("{err}");
    assert!(err.to_string().contains("limit"), "{err}");
    assert_eq!(s.revision(), max);
    assert_eq!(std::fs::read_to_string(&journal).unwrap(), line);
}

#[test]
fn temporary_files_left_by_a_killed_save_are_removed_on_the_next_open() {
    use std::time::{Duration, SystemTime};
    let d = tempfile::tempdir().unwrap();
    let make = |name: &str, age_s: u64| {
        let p = d.path().join(name);
        let f = std::fs::File::create(&p).unwrap();
        f.set_modified(SystemTime::now() - Duration::from_secs(age_s))
            .unwrap();
        p
    };
    let left = make(".sigmark-Ab12Cd.tmp", 600);
    let live = make(".sigmark-Ef34Gh.tmp", 1);
    let (_s, _) = open(d.path(), "rec.edf");
    println!(
        "left behind exists: {}, live exists: {}",
        left.exists(),
        live.exists()
    );
    assert!(!left.exists(), "a stale temporary file is removed");
    assert!(live.exists(), "a concurrent writer's file is kept");
}

/// Fills a small tmpfs named by `$SIGMARK_TMPFS` (CI mounts one), marks until an append fails
/// with ENOSPC, frees space, marks again: no joined fragment, every acknowledged edit replays.
#[test]
fn full_disk_on_a_real_tmpfs() {
    let Some((_turn, dir)) = tmpfs_dir("store") else {
        return;
    };
    let (mut s, _) = open(&dir, "rec.edf");
    let mut acked = BTreeSet::new();
    for k in 0..5 {
        let e = ev(k as f64, "PVC");
        s.add(e.clone()).unwrap();
        acked.insert(e.id);
    }
    let filler = dir.join("filler");
    fill(&filler);
    let mut failures = 0;
    for k in 0..100_000 {
        let e = ev(10.0 + k as f64, "PAC");
        match s.add(e.clone()) {
            Ok(_) => {
                acked.insert(e.id);
            }
            Err(err) => {
                println!("append {k} failed: {err}");
                assert!(err.to_string().contains("No space"), "{err}");
                failures += 1;
                if failures == 2 {
                    break;
                }
            }
        }
    }
    assert_eq!(failures, 2, "the disk never filled");
    assert!(
        s.append_failure().is_some(),
        "NOT SAVED stays until an append succeeds"
    );
    let whole = lines_are_whole(&s.paths.journal).len();
    println!(
        "journal after the failures: {whole} whole lines, {} acknowledged",
        acked.len()
    );
    assert_eq!(whole, acked.len());
    std::fs::remove_file(&filler).unwrap();
    for k in 0..5 {
        let e = ev(1000.0 + k as f64, "AF");
        s.add(e.clone()).unwrap();
        acked.insert(e.id);
    }
    assert!(s.append_failure().is_none());
    crash(s);
    let (s, rec) = open(&dir, "rec.edf");
    println!("reopened: {:?}, {} events", rec.message(), s.events().len());
    assert!(rec.damaged.is_empty() && !rec.torn_line, "{rec:?}");
    assert_eq!(ids(&s), acked);
    drop(s);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A fresh directory on the small tmpfs `$SIGMARK_TMPFS`; None (skip) when it is not set,
/// except under CI, which must set it.
/// The tests that fill it take turns (the tmpfs is shared).
fn tmpfs_dir(name: &str) -> Option<(MutexGuard<'static, ()>, PathBuf)> {
    static TMPFS: Mutex<()> = Mutex::new(());
    let Some(root) = std::env::var_os("SIGMARK_TMPFS") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set SIGMARK_TMPFS to a small tmpfs (see .ci/run)"
        );
        println!("skipped: SIGMARK_TMPFS is not set");
        return None;
    };
    let dir = Path::new(&root).join(format!("journal-{name}-{}", std::process::id()));
    let turn = TMPFS.lock().unwrap_or_else(|e| e.into_inner());
    // A run that failed while the disk was full left its filler: free the space first.
    for e in std::fs::read_dir(&root).unwrap().filter_map(Result::ok) {
        if e.file_name().to_string_lossy().starts_with("journal-") {
            std::fs::remove_dir_all(e.path()).unwrap();
        }
    }
    std::fs::create_dir_all(&dir).unwrap();
    Some((turn, dir))
}

/// On a full disk the status bar says NOT SAVED after the failed mark and keeps saying it
/// while the user moves on, until a mark is journaled again.
#[test]
fn full_disk_keeps_not_saved_in_the_status_bar_until_an_append_succeeds() {
    use common::app::{frame_text, press, AppBuilder};
    use sigmark::tui::App;
    let Some((_turn, dir)) = tmpfs_dir("tui") else {
        return;
    };
    let mut app = AppBuilder::demo("demo_ecg.edf")
        .reader("r1")
        .annotations_dir(&dir)
        .build();
    // The status bar: the frame's last row.
    let status = |app: &mut App| {
        let frame = frame_text(app, 160, 30);
        frame.rsplit('\n').next().unwrap_or_default().to_string()
    };
    let filler = dir.join("filler");
    fill(&filler);
    let mut failed = false;
    for k in 0..100_000 {
        app.view.jump(1.0 + k as f64 * 0.01);
        press(&mut app, "v"); // PVC
        if app.annot.as_ref().unwrap().store.append_failure().is_some() {
            failed = true;
            break;
        }
    }
    assert!(failed, "the disk never filled");
    press(&mut app, "right"); // moving on clears ordinary messages
    let line = status(&mut app);
    println!("after the failure and a move: {line:?}");
    assert!(line.contains("NOT SAVED"), "{line}");
    // A newer message does not hide it: both are shown.
    app.message = Some("a newer message".into());
    let line = status(&mut app);
    println!("with a newer message: {line:?}");
    assert!(
        line.contains("NOT SAVED") && line.contains("a newer message"),
        "{line}"
    );
    std::fs::remove_file(&filler).unwrap();
    press(&mut app, "v");
    press(&mut app, "right");
    let line = status(&mut app);
    println!("after a good mark and a move: {line:?}");
    assert!(!line.contains("NOT SAVED"), "{line}");
    drop(app);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes `path` until the file system has no byte left.
fn fill(path: &Path) {
    use std::io::Write;
    let mut f = std::fs::File::create(path).unwrap();
    for chunk in [1 << 16, 4096, 1] {
        let buf = vec![0u8; chunk];
        while f.write_all(&buf).is_ok() {}
    }
    let _ = f.sync_all();
}
