//! Recordings still being written. The reader: an EDF whose record count is -1 (EDF+ rule 10)
//! or whose file grew past its header's count reads the complete records present, leaves a
//! partly written last one out, and says the file is open for writing (`info`). The viewer
//! (`src/tui/follow.rs`), driven without a terminal: the file grows, a look at it swaps the
//! recording and the window moves with the data; scrolled back it stays; `end`/`ctrl-f`
//! resume; a file truncated or replaced while followed is refused without a panic.

mod common;

use std::path::{Path, PathBuf};

use common::app::{frame_text, press, AppBuilder, TestApp};
use common::growing::{self as writer, HEADER_BYTES, RECORD_BYTES};
use sigmark::tui::follow::{self, Config, Outcome};

fn temp_file(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

#[test]
fn minus_one_count_reads_the_complete_records_and_leaves_the_partial_one_out() {
    let mut b = writer::file_bytes(3, "-1");
    assert_eq!(
        b.len(),
        HEADER_BYTES + 3 * RECORD_BYTES,
        "layout of the test file"
    );
    b.extend_from_slice(&writer::records(3, 4)[..RECORD_BYTES / 2]);
    let rec = common::open(b).unwrap();
    println!("records {} notes {:?}", rec.records, rec.notes);
    assert_eq!(rec.records, 3);
    assert_eq!(rec.channels[0].samples, 24);
    assert!(rec.open_for_writing());
    assert!(
        rec.notes
            .iter()
            .any(|n| n.contains("-1") && n.contains("12 bytes of an incomplete record")),
        "{:?}",
        rec.notes
    );
    let last = rec.read_samples(0, 23, 1).unwrap();
    assert_eq!(last, vec![physical(common::value(2, 0, 7))]);
}

/// EDFlib's conversion of `common::signal`'s range (-500..500 over the full 16 bits).
fn physical(d: i32) -> f64 {
    let bitvalue = 1000.0 / 65535.0;
    bitvalue * (500.0 / bitvalue - 32767.0 + f64::from(d))
}

#[test]
fn a_file_grown_past_its_count_reads_every_complete_record() {
    // The header was written when 3 records were there; 5 and half a record are now.
    let mut b = writer::file_bytes(5, "3");
    b.extend_from_slice(&writer::records(5, 6)[..5]);
    let rec = common::open(b).unwrap();
    println!("records {} notes {:?}", rec.records, rec.notes);
    assert_eq!(rec.records, 5);
    assert_eq!(rec.duration_s, 5.0);
    assert!(rec.open_for_writing());
    assert!(
        rec.notes
            .iter()
            .any(|n| n.contains("declares 3") && n.contains("holds 5 complete")),
        "{:?}",
        rec.notes
    );
}

#[test]
fn closed_and_truncated_files_are_not_open_for_writing() {
    let closed = common::open(writer::file_bytes(4, "4")).unwrap();
    assert!(!closed.open_for_writing());
    // Shorter than its count: the truncation of before (tests/edf_variants.rs), not a writer.
    let short = common::open(writer::file_bytes(4, "6")).unwrap();
    println!("short: {} records, {:?}", short.records, short.notes);
    assert_eq!(short.records, 4);
    assert!(!short.open_for_writing());
}

#[test]
fn info_reports_the_records_present_and_that_the_file_is_open_for_writing() {
    let (_dir, path) = temp_file("growing.edf");
    writer::start(&path, 4);
    let json = common::cli::sigmark(&["info", "--json", path.to_str().unwrap()]).json();
    println!(
        "json records {} open_for_writing {}",
        json["records"], json["open_for_writing"]
    );
    assert_eq!(json["records"], 4);
    assert_eq!(json["open_for_writing"], true);
    let run = common::cli::sigmark(&["info", path.to_str().unwrap()]);
    let (code, text, err) = run.parts();
    println!("{text}{err}");
    assert_eq!(code, 0);
    assert!(
        text.contains("the file is open for writing: 4 complete records present"),
        "{text}"
    );
    std::fs::write(&path, writer::file_bytes(4, "4")).unwrap();
    let json = common::cli::sigmark(&["info", "--json", path.to_str().unwrap()]).json();
    assert_eq!(json["open_for_writing"], false);
}

/// The viewer over a growing file of `n` records, following with a 2 s window.
fn following(path: &Path, n: u64) -> TestApp {
    writer::start(path, n);
    let mut app = AppBuilder::file(path).span(2.0).build();
    follow::setup(&mut app, on(), Some(2.0));
    // The first look, as the first tick makes it: the file as it was opened.
    assert_eq!(follow::check(&mut app), Outcome::Same);
    app
}

fn on() -> Config {
    Config {
        on: true,
        ..Config::default()
    }
}

fn window(app: &TestApp) -> (f64, f64, f64) {
    (app.view.start_s, app.view.end_s(), app.view.duration_s)
}

#[test]
fn the_window_moves_with_the_data_and_stays_when_scrolled_back() {
    let (_dir, path) = temp_file("growing.edf");
    let mut app = following(&path, 3);
    assert_eq!(window(&app), (1.0, 3.0, 3.0), "starts at the end");
    // Half a record: nothing to show yet.
    writer::append(&path, &writer::records(3, 4)[..RECORD_BYTES / 2]);
    assert_eq!(follow::check(&mut app), Outcome::Same);
    writer::append(&path, &writer::records(3, 4)[RECORD_BYTES / 2..]);
    writer::append_records(&path, 4, 6);
    let got = follow::check(&mut app);
    println!("grew: {got:?} window {:?}", window(&app));
    assert_eq!(
        got,
        Outcome::Grew {
            from_s: 3.0,
            to_s: 6.0
        }
    );
    assert_eq!(window(&app), (4.0, 6.0, 6.0));
    assert_eq!(app.lanes[0].samples, 48, "the lanes see the new samples");
    let text = frame_text(&mut app, 100, 20);
    assert!(text.contains("[following]"), "{text}");
    // Scrolled back: new data does not move the window.
    press(&mut app, "pageup");
    let back = window(&app);
    writer::append_records(&path, 6, 8);
    follow::check(&mut app);
    println!("scrolled back {back:?} -> {:?}", window(&app));
    assert_eq!(window(&app), (back.0, back.1, 8.0));
    let text = frame_text(&mut app, 100, 20);
    assert!(text.contains("follow paused"), "{text}");
    // `end` resumes, and the next data moves the window again.
    press(&mut app, "end");
    writer::append_records(&path, 8, 9);
    follow::check(&mut app);
    println!("after end: {:?}", window(&app));
    assert_eq!(window(&app), (7.0, 9.0, 9.0));
}

#[test]
fn ctrl_f_resumes_stops_and_starts_following() {
    let (_dir, path) = temp_file("growing.edf");
    let mut app = following(&path, 3);
    press(&mut app, "home");
    press(&mut app, "ctrl-f");
    assert!(follow::is_live(&app), "ctrl-f after scrolling back resumes");
    press(&mut app, "ctrl-f");
    assert!(!app.follow.on, "ctrl-f while live stops");
    writer::append_records(&path, 3, 5);
    assert_eq!(follow::check(&mut app), Outcome::Idle, "not watched");
    assert_eq!(app.view.duration_s, 3.0);
    press(&mut app, "ctrl-f");
    println!("started again: {:?} {:?}", window(&app), app.message);
    assert_eq!(window(&app), (3.0, 5.0, 5.0));
}

#[test]
fn the_tick_looks_at_the_file_once_per_interval() {
    let (_dir, path) = temp_file("growing.edf");
    let mut app = following(&path, 3);
    let t0 = std::time::Instant::now();
    assert_eq!(follow::tick(&mut app, t0), Outcome::Idle, "nothing changed");
    writer::append_records(&path, 3, 4);
    let soon = t0 + std::time::Duration::from_millis(100);
    assert_eq!(follow::tick(&mut app, soon), Outcome::Idle, "not due yet");
    let later = t0 + follow::DEFAULT_INTERVAL;
    let got = follow::tick(&mut app, later);
    println!("{got:?}");
    assert!(matches!(got, Outcome::Grew { .. }), "{got:?}");
}

#[test]
fn marks_made_while_following_stay_across_the_swap() {
    let (dir, path) = temp_file("growing.edf");
    writer::start(&path, 4);
    let mut app = AppBuilder::file(&path)
        .span(2.0)
        .labels("ecg")
        .reader("kim")
        .annotations_dir(dir.path())
        .build();
    follow::setup(&mut app, on(), Some(2.0));
    press(&mut app, "v");
    writer::append_records(&path, 4, 6);
    assert!(matches!(follow::check(&mut app), Outcome::Grew { .. }));
    press(&mut app, "v");
    let events: Vec<(f64, String)> = app
        .annot
        .as_ref()
        .unwrap()
        .store
        .events()
        .iter()
        .map(|e| (e.onset, e.label.clone()))
        .collect();
    println!("{events:?}");
    assert_eq!(events.len(), 2);
    assert!(events[0].0 <= 4.0 && events[1].0 > 4.0, "{events:?}");
    app.save_annotations(true).unwrap();
    let table = std::fs::read_to_string(dir.path().join("growing.kim.events.tsv")).unwrap();
    assert_eq!(table.matches("PVC").count(), 2, "{table}");
}

#[test]
fn a_file_truncated_while_followed_shows_what_is_left_and_stops() {
    let (_dir, path) = temp_file("growing.edf");
    let mut app = following(&path, 6);
    // Truncated in place (same inode) to 2 records and a bit.
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len((HEADER_BYTES + 2 * RECORD_BYTES + 3) as u64)
        .unwrap();
    drop(f);
    let got = follow::check(&mut app);
    println!("{got:?} {:?}", window(&app));
    assert!(
        matches!(&got, Outcome::Refused(w) if w.contains("truncated")),
        "{got:?}"
    );
    assert!(!app.follow.on);
    assert_eq!(
        app.rec.duration_s, 2.0,
        "the old map is gone: only what is left"
    );
    let text = frame_text(&mut app, 100, 20);
    assert!(text.contains("shrank"), "{text}");
}

#[test]
fn a_file_that_cannot_be_read_while_followed_is_said_so_without_a_panic() {
    let (dir, path) = temp_file("growing.edf");
    let mut app = following(&path, 3);
    // Replaced by a file cut inside its header (a writer starting over): not readable now.
    let other = dir.path().join("other.edf");
    std::fs::write(&other, &writer::file_bytes(1, "-1")[..100]).unwrap();
    std::fs::rename(&other, &path).unwrap();
    let got = follow::check(&mut app);
    println!("{got:?}");
    assert!(
        matches!(&got, Outcome::Refused(w) if w.contains("cannot read")),
        "{got:?}"
    );
    assert!(
        app.follow.on,
        "a moment in the writer's work: tried again at the next change"
    );
    assert_eq!(app.rec.duration_s, 3.0);
    let text = frame_text(&mut app, 100, 20);
    assert!(text.contains("cannot read"), "{text}");
    // The writer goes on: the next look reads it.
    writer::start(&path, 5);
    assert!(matches!(follow::check(&mut app), Outcome::Grew { .. }));
    // Truncated in place into its header: following stops (no reading is mixed with it).
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(100).unwrap();
    drop(f);
    let got = follow::check(&mut app);
    println!("{got:?}");
    assert!(
        matches!(&got, Outcome::Refused(w) if w.contains("open the file again")),
        "{got:?}"
    );
    assert!(!app.follow.on);
}

#[test]
fn a_file_replaced_by_a_shorter_or_other_one_keeps_the_old_reading() {
    let (dir, path) = temp_file("growing.edf");
    let mut app = following(&path, 6);
    // Another file renamed over it: the old inode stays mapped and readable.
    let other = dir.path().join("other.edf");
    writer::start(&other, 2);
    std::fs::rename(&other, &path).unwrap();
    let got = follow::check(&mut app);
    println!("{got:?}");
    assert!(
        matches!(&got, Outcome::Refused(w) if w.contains("replaced")),
        "{got:?}"
    );
    assert_eq!(app.rec.duration_s, 6.0, "the old reading is kept");
    assert_eq!(app.rec.read_samples(0, 47, 1).unwrap().len(), 1);
    // Rewritten with other channels: kept as well.
    let path = dir.path().join("second.edf");
    let mut app = following(&path, 6);
    let mut spec = common::spec(false, None, 30);
    spec.signals.truncate(1);
    std::fs::write(&path, common::bytes(&spec)).unwrap();
    let got = follow::check(&mut app);
    println!("{got:?}");
    assert!(
        matches!(&got, Outcome::Refused(w) if w.contains("1 channels instead of 2")),
        "{got:?}"
    );
    assert_eq!(app.rec.channels.len(), 2);
    frame_text(&mut app, 100, 20);
}
