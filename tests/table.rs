//! Events tables (issue 11 items 4, 7, 12, 17): errors name the physical line; duplicate ids
//! are refused naming both lines; `C` twice copies once; `A` is one undo step that replays and
//! undoes through the journal; saving keeps the mode and group of the file it replaces and a
//! new file gets the umask's usual mode.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use common::app::{AppBuilder, TestApp};
use common::cli::Cli;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sigmark::annotations::store::{self, read_table, write_atomic};
use sigmark::annotations::{Paths, Provenance, Store};
use sigmark::tui::App;

const HEADER: &str =
    "onset\tduration\tlabel\tchannel\tcertainty\tnote\treader\tid\tcreated\tmodified";

fn row(onset: &str, label: &str, id: &str) -> String {
    format!("{onset}\t0\t{label}\t\tdefinite\t\tr1\t{id}\t2024-01-01T00:00:00.000Z\t2024-01-01T00:00:00.000Z")
}

fn copy_demo(dir: &Path) -> PathBuf {
    let dst = dir.join("rec.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &dst,
    )
    .unwrap();
    dst
}

fn app(rec: &Path, reader: &str) -> TestApp {
    AppBuilder::file(rec)
        .reader(reader)
        .labels("ecg")
        .in_place()
        .build()
}

fn key(app: &mut App, code: KeyCode, m: KeyModifiers) {
    app.on_key(KeyEvent::new(code, m));
}

fn ch(app: &mut App, c: char) {
    key(app, KeyCode::Char(c), KeyModifiers::NONE);
}

fn labels(app: &App) -> Vec<(f64, String, String)> {
    let s = &app.annot.as_ref().unwrap().store;
    s.events()
        .iter()
        .map(|e| (e.onset, e.label.clone(), e.id.clone()))
        .collect()
}

/// `repro/table_line_numbers`: blank lines, a CRLF ending and a raw CR inside a line; the
/// errors name the line a text editor shows.
#[test]
fn table_errors_name_the_physical_line() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("rec.r1.events.tsv");
    let cases: [(String, usize, &str); 4] = [
        // The repro: a bad onset on line 5 after two blank lines.
        (
            format!(
                "{HEADER}\n{}\n\n\n{}\n",
                row("1", "PVC", "id1"),
                row("bad", "PVC", "id3")
            ),
            5,
            "bad",
        ),
        // CRLF endings are fine; the bad row is still line 4.
        (
            format!(
                "{HEADER}\r\n{}\r\n\r\n{}\r\n",
                row("1", "PVC", "a"),
                row("x", "PAC", "b")
            ),
            4,
            "\"x\"",
        ),
        // A raw CR inside a row is refused on that row, not taken as a line break.
        (
            format!(
                "{HEADER}\n{}\n{}\n",
                row("1", "PV\rC", "a"),
                row("x", "PAC", "b")
            ),
            2,
            "carriage return",
        ),
        // onset + duration overflowing is refused at the row.
        (
            format!(
                "{HEADER}\n\n{}\n{}\n",
                row("1", "PVC", "a"),
                row("1e308", "PAC", "b").replacen("\t0\t", "\t1e308\t", 1)
            ),
            4,
            "finite",
        ),
    ];
    for (text, line, needle) in cases {
        std::fs::write(&p, &text).unwrap();
        let e = read_table(&p).unwrap_err().to_string();
        let want = format!("events.tsv:{line}:");
        println!("expect {want:?} and {needle:?} in: {e}");
        assert!(e.contains(&want) && e.contains(needle), "{e}");
        // compare goes through the same reader.
        let c = sigmark::compare::input::read(&p).unwrap_err().to_string();
        println!("compare: {c}");
        assert!(c.contains(&want), "{c}");
    }
}

/// `sigmark compare` on the repro file itself reports line 5.
#[test]
fn compare_cli_reports_line_5_of_the_repro() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("rec.r1.events.tsv");
    let text = format!(
        "{HEADER}\n{}\n\n\n{}\n",
        row("1", "PVC", "id1"),
        row("bad", "PVC", "id3")
    );
    std::fs::write(&p, text).unwrap();
    let out = Cli::new().arg("compare").arg(&p).arg(&p).run();
    let err = &out.stderr;
    assert_eq!(out.code, 1, "{err}");
    assert!(err.contains("rec.r1.events.tsv:5:"), "{err}");
}

/// `repro/duplicate_ids`: two events share `id1`. The table is refused naming both lines and is
/// left as it was; before, delete + undo of the first silently dropped the second.
#[test]
fn duplicate_ids_are_refused_naming_both_lines() {
    let d = tempfile::tempdir().unwrap();
    let rec = copy_demo(d.path());
    let p = d.path().join("rec.r1.events.tsv");
    let text = format!(
        "{HEADER}\n{}\n\n{}\n",
        row("1", "PVC", "id1"),
        row("2", "PAC", "id1")
    );
    std::fs::write(&p, &text).unwrap();
    let e = Store::open(Paths::new(&rec, "r1", None), "r1", Provenance::default())
        .unwrap_err()
        .to_string();
    println!("{e}");
    assert!(
        e.contains("events.tsv:4:") && e.contains("\"id1\"") && e.contains("line 2"),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text, "not rewritten");
    // Rows without an id get one each (the same on every read, so a journal replays).
    let plain = "onset\tduration\tlabel\n1\t0\tPVC\n1\t0\tPVC\n";
    std::fs::write(&p, plain).unwrap();
    let a = read_table(&p).unwrap();
    let b = read_table(&p).unwrap();
    println!("ids {:?}", a.iter().map(|e| &e.id).collect::<Vec<_>>());
    assert_eq!(a, b);
    assert!(a.len() == 2 && a[0].id != a[1].id && !a[0].id.is_empty());
}

/// With unique ids, the repro's keys (select the first, delete, undo, save) keep both events.
#[test]
fn delete_and_undo_touch_only_the_selected_event() {
    let d = tempfile::tempdir().unwrap();
    let rec = copy_demo(d.path());
    let p = d.path().join("rec.r1.events.tsv");
    let text = format!(
        "{HEADER}\n{}\n{}\n",
        row("1", "PVC", "id1"),
        row("2", "PAC", "id2")
    );
    std::fs::write(&p, &text).unwrap();
    let mut a = app(&rec, "r1");
    let before = labels(&a);
    a.view.jump(0.0);
    ch(&mut a, '.');
    key(&mut a, KeyCode::Delete, KeyModifiers::NONE);
    ch(&mut a, 'u');
    key(&mut a, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let after: Vec<_> = read_table(&p)
        .unwrap()
        .into_iter()
        .map(|e| (e.onset, e.label, e.id))
        .collect();
    println!("before {before:?}\nafter  {after:?}");
    assert_eq!(after, before);
}

/// `C` twice on the same embedded annotation makes one event, not two identical ones.
#[test]
fn copying_an_embedded_annotation_twice_makes_one_event() {
    let d = tempfile::tempdir().unwrap();
    let rec = copy_demo(d.path());
    let mut a = app(&rec, "r1");
    let ann = a.rec.annotations[1].clone();
    a.view.jump(ann.onset_s);
    ch(&mut a, 'C');
    ch(&mut a, 'C');
    let ev = labels(&a);
    println!("{ev:?}; message {:?}", a.message);
    assert_eq!(ev.len(), 1, "{ev:?}");
    assert_eq!(ev[0].1, ann.text);
    // Undo removes the copy; C again makes it again.
    ch(&mut a, 'u');
    assert!(labels(&a).is_empty());
    ch(&mut a, 'C');
    assert_eq!(labels(&a).len(), 1);
}

fn beats_in_view(a: &mut App) -> usize {
    ch(a, 'R');
    a.wait_for(sigmark::jobs::Slot::Beats);
    ch(a, 'A');
    a.annot.as_ref().unwrap().store.events().len()
}

/// `A` adds every beat in view as one undo step; undo and redo journal each beat, so after a
/// crash (no save) the journal replays to what the screen showed.
#[test]
fn accepting_beats_is_one_undo_step_that_survives_a_crash() {
    let d = tempfile::tempdir().unwrap();
    let rec = copy_demo(d.path());
    let mut a = app(&rec, "r1");
    a.view.jump(0.0);
    let n = beats_in_view(&mut a);
    println!("accepted {n} beats; message {:?}", a.message);
    assert!(n > 5, "{n}");
    // A again adds none (they are there already).
    ch(&mut a, 'A');
    assert_eq!(labels(&a).len(), n, "{:?}", a.message);
    ch(&mut a, 'u');
    println!("after one undo: {} events", labels(&a).len());
    assert_eq!(labels(&a).len(), 0);
    key(&mut a, KeyCode::Char('r'), KeyModifiers::CONTROL);
    let shown = labels(&a);
    assert_eq!(shown.len(), n);
    drop(a); // no save: the journal must carry the group
    let a = app(&rec, "r1");
    println!("reopened: {} events", labels(&a).len());
    assert_eq!(labels(&a), shown);
    // An undone group replays as undone.
    let d = tempfile::tempdir().unwrap();
    let rec = copy_demo(d.path());
    let mut a = app(&rec, "r1");
    a.view.jump(0.0);
    assert_eq!(beats_in_view(&mut a), n);
    ch(&mut a, 'u');
    drop(a);
    let a = app(&rec, "r1");
    println!("reopened after undo: {} events", labels(&a).len());
    assert_eq!(labels(&a).len(), 0);
}

fn umask() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Umask:")).unwrap();
    u32::from_str_radix(line[6..].trim(), 8).unwrap()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// A new file gets 0666 less the umask (0644 with 022), not tempfile's 0600; a file replaced
/// keeps its mode; both for `write_atomic` and for a reader's save (table and sidecar).
#[test]
fn saving_keeps_the_mode_and_a_new_file_follows_the_umask() {
    let d = tempfile::tempdir().unwrap();
    let fresh = 0o666 & !umask();
    let p = d.path().join("x.tsv");
    write_atomic(&p, b"one\n").unwrap();
    println!("new file {:o}, expected {fresh:o}", mode(&p));
    assert_eq!(mode(&p), fresh);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&p, b"two\n").unwrap();
    println!("replaced 0640 -> {:o}", mode(&p));
    assert_eq!(
        (mode(&p), std::fs::read(&p).unwrap()),
        (0o640, b"two\n".to_vec())
    );

    let rec = copy_demo(d.path());
    let (mut s, _) =
        Store::open(Paths::new(&rec, "r1", None), "r1", Provenance::default()).unwrap();
    s.save().unwrap();
    for f in [&s.paths.events, &s.paths.sidecar] {
        println!("{}: {:o}", f.display(), mode(f));
        assert_eq!(mode(f), fresh);
        std::fs::set_permissions(f, std::fs::Permissions::from_mode(0o660)).unwrap();
    }
    s.save().unwrap();
    for f in [&s.paths.events, &s.paths.sidecar] {
        assert_eq!(mode(f), 0o660, "{}", f.display());
    }
    let gid = std::fs::metadata(&s.paths.events).unwrap().gid();
    assert_eq!(gid, std::fs::metadata(d.path()).unwrap().gid());
    let _ = store::COLUMNS;
}

/// Every export layout writes through the one atomic writer: a new file follows the umask, a
/// replaced one keeps its mode.
#[test]
fn exports_keep_the_mode_of_the_file_they_replace() {
    let d = tempfile::tempdir().unwrap();
    let rec = copy_demo(d.path());
    let t = format!("{HEADER}\n{}\n", row("1", "PVC", "id1"));
    std::fs::write(d.path().join("rec.r1.events.tsv"), t).unwrap();
    let fresh = 0o666 & !umask();
    for ext in ["csv", "tsv", "jsonl", "parquet"] {
        let out = d.path().join(format!("all.{ext}"));
        let run = || {
            let o = Cli::new()
                .arg("export")
                .arg(d.path())
                .arg("--out")
                .arg(&out)
                .run();
            assert!(o.success(), "{}", o.stderr);
        };
        run();
        println!("{ext}: new {:o}, expected {fresh:o}", mode(&out));
        assert_eq!(mode(&out), fresh, "{ext}");
        std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
        run();
        assert_eq!(mode(&out), 0o640, "{ext}");
    }
    let _ = rec;
}
