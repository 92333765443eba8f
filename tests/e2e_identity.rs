//! End to end, as a fresh machine runs it: the release binary with no arguments (the demo, as
//! `cargo run --release` does) in a shell where `USER` and `LOGNAME` are unset, so the reader's
//! name must come from the OS account; marks go to a temporary data directory. And quitting
//! with an open interval asks instead of dropping it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{status, Tmux};

/// The login name of this process's real uid, as the OS reports it.
fn account_name() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Starts the demo in tmux with a bare environment and HOME at `home`.
fn start_demo(tmux: &Tmux, name: &str, home: &Path) {
    let cmd = format!(
        "cd {src} && env -u USER -u LOGNAME -u SIGMARK_READER -u XDG_CONFIG_HOME -u XDG_DATA_HOME HOME={home} NO_COLOR=1 {bin}",
        src = env!("CARGO_MANIFEST_DIR"),
        home = home.display(),
        bin = common::cli::bin(),
    );
    tmux.start(name, &cmd);
}

fn wait_until_gone(tmux: &Tmux, name: &str) {
    let t0 = Instant::now();
    while tmux.alive(name) {
        let s = tmux.screen(name);
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "sigmark did not quit:\n{s}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn demo_events(home: &Path, reader: &str) -> PathBuf {
    home.join(".local/share/sigmark/demo-events")
        .join(format!("demo_ecg.{reader}.events.tsv"))
}

/// (onset, duration, label) of each row of an events table.
fn rows(table: &str) -> Vec<(f64, f64, String)> {
    let num = |f: Option<&str>| f.and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    table
        .lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split('\t');
            (
                num(f.next()),
                num(f.next()),
                f.next().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_demo_opens_and_marks_with_user_and_logname_unset() {
    let home = tempfile::tempdir().unwrap();
    let me = account_name();
    println!("account name: {me:?}");
    assert!(!me.is_empty());
    let tmux = Tmux::new("ident");
    start_demo(&tmux, "a", home.path());
    let s = tmux.wait("a", "the viewer with the account's name", |s| {
        status(s).contains("demo_ecg.edf") && status(s).contains(&format!("│ {me} │"))
    });
    assert!(!s.contains("who is reading"), "{s}");
    tmux.keys("a", &["g", "12.5", "Enter"]);
    tmux.wait("a", "the jump", |s| status(s).contains("0:00:12.500"));
    tmux.keys("a", &["v"]);
    tmux.wait("a", "the mark", |s| s.contains("PVC at 0:00:12.500"));
    tmux.keys("a", &["q"]);
    wait_until_gone(&tmux, "a");
    let table = std::fs::read_to_string(demo_events(home.path(), &me)).unwrap();
    println!("{table}");
    assert_eq!(rows(&table), vec![(12.5, 0.0, "PVC".to_string())]);
}

#[test]
fn quitting_with_an_open_interval_asks_then_keeps_it_once_closed() {
    let home = tempfile::tempdir().unwrap();
    let me = account_name();
    let tmux = Tmux::new("openq");
    start_demo(&tmux, "b", home.path());
    tmux.wait("b", "the viewer", |s| status(s).contains("demo_ecg.edf"));
    tmux.keys("b", &["g", "20", "Enter"]);
    tmux.wait("b", "the jump", |s| status(s).contains("0:00:20.000"));
    tmux.keys("b", &["2"]);
    tmux.wait("b", "AF open", |s| s.contains("move, then press"));
    tmux.keys("b", &["q"]);
    let s = tmux.wait("b", "the question", |s| {
        s.contains("AF open since 0:00:20.000")
    });
    println!("{}", status(&s));
    std::thread::sleep(Duration::from_millis(300));
    assert!(tmux.alive("b"), "q with AF open quit at once");
    tmux.keys("b", &["PageDown"]);
    tmux.wait("b", "the page", |s| status(s).contains("0:00:30.000"));
    tmux.keys("b", &["2"]);
    tmux.wait("b", "AF closed", |s| {
        s.contains("AF 0:00:20.000 to 0:00:30.000")
    });
    tmux.keys("b", &["q"]);
    wait_until_gone(&tmux, "b");
    let table = std::fs::read_to_string(demo_events(home.path(), &me)).unwrap();
    println!("{table}");
    assert_eq!(rows(&table), vec![(20.0, 10.0, "AF".to_string())]);
}
