//! End to end: a file that opened with notes (truncated, out-of-spec header) says so in the
//! viewer's status bar until the first key. tmux is required (`.ci/run` installs it).

mod common;

use common::tmux::{status, Tmux};
use sigmark::formats::edf::writer::Plus;

fn open_in_tmux(tmux: &Tmux, name: &str, file: &std::path::Path, cfg: &std::path::Path) {
    let bin = common::cli::bin();
    let cmd = format!(
        "env NO_COLOR=1 SIGMARK_READER=e2e XDG_CONFIG_HOME={cfg} HOME={cfg} {bin} open {file}",
        cfg = cfg.display(),
        file = file.display()
    );
    tmux.start(name, &cmd);
}

#[test]
fn a_truncated_file_opens_and_the_status_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("cut.edf");
    let mut b = common::bytes(&common::spec(false, Some(Plus::Continuous), 5));
    b.truncate(b.len() - 10);
    std::fs::write(&file, b).unwrap();
    let tmux = Tmux::new("notes");
    open_in_tmux(&tmux, "cut", &file, dir.path());
    let s = tmux.wait("cut", "the truncation note in the status bar", |s| {
        status(s).contains("note: truncated")
    });
    println!("status: {}", status(&s));
    assert!(s.contains("Fp1"), "the complete records are shown:\n{s}");
    tmux.keys("cut", &["q"]);
}

#[test]
fn resmed_event_file_opens_in_the_viewer() {
    // EVE.edf: EDF+D, records of duration 0, a Crc16 signal with no sampling rate.
    let corpus = std::env::var_os("SIGMARK_CORPUS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
        });
    let file = corpus.join("lenient/resmed_as11_EVE.edf");
    if !file.is_file() {
        eprintln!("{} not found; skipped", file.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("EVE.edf");
    std::fs::copy(&file, &copy).unwrap();
    let tmux = Tmux::new("eve");
    open_in_tmux(&tmux, "eve", &copy, dir.path());
    let s = tmux.wait("eve", "the duration-0 note in the status bar", |s| {
        status(s).contains("note: the record duration is 0")
    });
    println!("status: {}", status(&s));
    tmux.keys("eve", &["PageDown", "x", "z"]);
    let s = tmux.wait("eve", "the view after keys", |s| {
        status(s).contains("EVE.edf")
    });
    println!("after keys: {}", status(&s));
    assert!(tmux.alive("eve"), "the viewer is still running:\n{s}");
    tmux.keys("eve", &["q"]);
}
