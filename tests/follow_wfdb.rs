//! Following a WFDB record that is still being written: a header without sig_len (or with 0),
//! whose signal file grows while the viewer follows. The header does not change, so the viewer
//! must watch the signal file. `info` does not call such a record open for writing (it may
//! simply be complete).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use common::app::{AppBuilder, TestApp};
use sigmark::tui::follow::{self, Config, Outcome};

const FS: u64 = 100;

/// Format 16 frames `from..to` of one signal: value = frame number mod 1000.
fn frames(from: u64, to: u64) -> Vec<u8> {
    (from..to)
        .flat_map(|i| ((i % 1000) as i16).to_le_bytes())
        .collect()
}

/// A record `rec` in `dir` with `n` frames, its record line ending in `len` (e.g. "" or " 0").
fn start(dir: &Path, len: &str, n: u64) -> PathBuf {
    let hea = dir.join("rec.hea");
    let text = format!("rec 1 {FS}{len}\nrec.dat 16 200/mV 16 0 0 0 0 ECG\n");
    std::fs::write(&hea, text).expect("write rec.hea");
    std::fs::write(dir.join("rec.dat"), frames(0, n)).expect("write rec.dat");
    hea
}

fn append(dir: &Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("rec.dat"))
        .expect("open rec.dat");
    f.write_all(bytes).expect("append");
}

fn window(app: &TestApp) -> (f64, f64, f64) {
    (app.view.start_s, app.view.end_s(), app.view.duration_s)
}

fn following(hea: &Path) -> TestApp {
    let mut app = AppBuilder::file(hea).span(2.0).build();
    let on = Config {
        on: true,
        ..Config::default()
    };
    follow::setup(&mut app, on, Some(2.0));
    assert_eq!(follow::check(&mut app), Outcome::Same, "the first look");
    app
}

fn the_view_moves_with_frames_appended(len: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let hea = start(dir.path(), len, 3 * FS);
    let mut app = following(&hea);
    println!(
        "{len:?}: opened {:?}, notes {:?}",
        window(&app),
        app.rec.notes
    );
    assert_eq!(window(&app), (1.0, 3.0, 3.0), "starts at the end");
    // Half a frame (the low byte of frame 300): no complete frame yet.
    let more = frames(3 * FS, 5 * FS);
    append(dir.path(), &more[..1]);
    let half = follow::check(&mut app);
    println!("half a frame: {half:?}");
    assert_eq!(half, Outcome::Same);
    append(dir.path(), &more[1..]);
    let got = follow::check(&mut app);
    println!("grew: {got:?} window {:?}", window(&app));
    assert_eq!(
        got,
        Outcome::Grew {
            from_s: 3.0,
            to_s: 5.0
        }
    );
    assert_eq!(
        window(&app),
        (3.0, 5.0, 5.0),
        "the window moved with the data"
    );
    assert_eq!(
        app.lanes[0].samples,
        5 * FS,
        "the lanes see the new samples"
    );
    let last = app
        .rec
        .read_digital(0, 5 * FS - 1, 1)
        .expect("read the last frame");
    println!("last stored value {last:?}");
    assert_eq!(last, Some(vec![((5 * FS - 1) % 1000) as i32]));
}

#[test]
fn a_record_without_sig_len_is_followed_as_its_signal_file_grows() {
    the_view_moves_with_frames_appended("");
}

#[test]
fn a_record_with_sig_len_0_is_followed_as_its_signal_file_grows() {
    the_view_moves_with_frames_appended(" 0");
}

#[test]
fn info_does_not_call_a_record_without_sig_len_open_for_writing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let hea = start(dir.path(), "", 3 * FS);
    let json = common::cli::sigmark(&["info", "--json", hea.to_str().expect("utf-8 path")]).json();
    println!(
        "duration {} open_for_writing {} notes {}",
        json["duration_s"], json["open_for_writing"], json["notes"]
    );
    assert_eq!(json["open_for_writing"], false);
    assert_eq!(json["duration_s"], 3.0);
}
