//! End to end, marking: 20 events of mixed kinds in the demo ECG, the process killed with
//! SIGKILL before any save, restarted: all 20 come back from the journal, identical. And two
//! processes racing for one reader's lock: exactly one wins, the other names the holder.
//! tmux is required (`.ci/run` installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{status, Tmux};

/// Processes whose command line mentions `needle` (Linux /proc).
fn pids_with(needle: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| {
                let c = String::from_utf8_lossy(&c).replace('\0', " ");
                c.contains(needle) && c.contains("sigmark") && !c.contains("tmux")
            })
        })
        .collect()
}

fn setup() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("holter.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .unwrap();
    let cmd = format!(
        "env NO_COLOR=1 XDG_CONFIG_HOME={d} XDG_DATA_HOME={d} HOME={d} {bin} open {rec} --reader kim --keymap ecg",
        d = dir.path().display(),
        bin = common::cli::bin(),
        rec = rec.display()
    );
    (dir, rec, cmd)
}

#[test]
fn twenty_marks_survive_sigkill() {
    let (dir, rec, cmd) = setup();
    let before = std::fs::read(&rec).unwrap();
    let tmux = Tmux::new("kill");
    tmux.start("a", &cmd);
    tmux.wait("a", "the viewer", |s| {
        status(s).contains("holter.edf") && status(s).contains("kim")
    });
    let mut expect = mark_twenty(&tmux);
    assert!(
        !dir.path().join("holter.kim.events.tsv").exists(),
        "nothing saved yet: the kill must lose the unsaved table"
    );
    kill_the_viewer(&tmux, &rec);
    // Restart: the stale lock is taken over, the journal replayed.
    restart_and_quit(&tmux, &cmd);
    expect.sort_by(|a, b| a.0.total_cmp(&b.0));
    assert_all_came_back(dir.path(), &rec, &before, &expect);
}

/// 12 points (PVC, PAC) and 8 intervals (AF, VT, Noise, AVB1), each at a jump target, in
/// session "a": what the table must hold.
fn mark_twenty(tmux: &Tmux) -> Vec<(f64, f64, &'static str)> {
    let mut expect: Vec<(f64, f64, &'static str)> = Vec::new();
    for k in 0..20 {
        let t = 15.0 + 25.0 * k as f64;
        tmux.keys("a", &["g", &format!("{t}"), "Enter"]);
        tmux.wait("a", "the jump", |s| status(s).contains(&shown(t)));
        if k % 5 < 3 {
            let (key, label) = if k % 2 == 0 {
                ("v", "PVC")
            } else {
                ("b", "PAC")
            };
            tmux.keys("a", &[key]);
            tmux.wait("a", "the point", |s| s.contains(&format!("{label} at")));
            expect.push((t, 0.0, label));
        } else {
            let (key, label) = [("2", "AF"), ("5", "VT"), ("r", "Noise"), ("8", "AVB1")][k % 4];
            // Open at t, move one page (10 s), close with the same key.
            tmux.keys("a", &[key]);
            tmux.wait("a", "the open interval", |s| s.contains("move, then press"));
            tmux.keys("a", &["PageDown"]);
            tmux.wait("a", "the page", |s| status(s).contains(&shown(t + 10.0)));
            tmux.keys("a", &[key]);
            tmux.wait("a", "the interval", |s| {
                s.contains(&format!("{label} {}", shown(t)))
            });
            expect.push((t, 10.0, label));
        }
    }
    expect
}

/// SIGKILL to the one sigmark process viewing `rec`; waits until it is gone.
fn kill_the_viewer(tmux: &Tmux, rec: &Path) {
    let pids = pids_with(&rec.display().to_string());
    assert_eq!(pids.len(), 1, "one sigmark process: {pids:?}");
    assert!(Command::new("kill")
        .args(["-KILL", &pids[0].to_string()])
        .status()
        .unwrap()
        .success());
    let t0 = Instant::now();
    while !pids_with(&rec.display().to_string()).is_empty() {
        assert!(t0.elapsed() < Duration::from_secs(10));
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = tmux.run(&["kill-session", "-t", "a"]);
}

/// Session "b" reopens: the recovery message names the edits and the stale lock; q quits.
fn restart_and_quit(tmux: &Tmux, cmd: &str) {
    tmux.start("b", cmd);
    let s = tmux.wait("b", "the recovery message", |s| {
        status(s).contains("recovered 20 unsaved edit")
    });
    assert!(status(&s).contains("stale lock"), "{}", status(&s));
    tmux.keys("b", &["q"]);
    let t0 = Instant::now();
    while tmux.alive("b") {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "did not quit:\n{}",
            tmux.screen("b")
        );
        std::thread::sleep(Duration::from_millis(40));
    }
}

/// The table beside `rec` holds `expect` (sorted), as kim's; the recording is unchanged and
/// the lock released.
fn assert_all_came_back(dir: &Path, rec: &Path, before: &[u8], expect: &[(f64, f64, &str)]) {
    let table =
        sigmark::annotations::store::read_table(&dir.join("holter.kim.events.tsv")).unwrap();
    let got: Vec<(f64, f64, &str)> = table
        .iter()
        .map(|e| (e.onset, e.duration, e.label.as_str()))
        .collect();
    assert_eq!(got, expect);
    assert!(table.iter().all(|e| e.reader == "kim" && !e.id.is_empty()));
    assert_eq!(
        std::fs::read(rec).unwrap(),
        before,
        "the recording is never written"
    );
    assert!(
        !dir.join("holter.kim.lock").exists(),
        "quit releases the lock"
    );
}

#[test]
fn two_processes_race_for_one_readers_lock() {
    let (dir, _rec, cmd) = setup();
    let tmux = Tmux::new("race");
    let err = |k: usize| dir.path().join(format!("err{k}.txt"));
    for k in 0..2 {
        let wrapped = format!("sh -c '{cmd} 2> {}; sleep 30'", err(k).display());
        tmux.start(&format!("p{k}"), &wrapped);
    }
    // Exactly one shows the viewer; the other's error names the holder.
    let t0 = Instant::now();
    let (winner, loser) = loop {
        let msgs: Vec<String> = (0..2)
            .map(|k| std::fs::read_to_string(err(k)).unwrap_or_default())
            .collect();
        if let Some(l) = msgs.iter().position(|m| m.contains("another sigmark")) {
            break (1 - l, l);
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "no process was refused: {msgs:?}"
        );
        std::thread::sleep(Duration::from_millis(40));
    };
    let msg = std::fs::read_to_string(err(loser)).unwrap();
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    assert!(
        msg.contains("process ") && msg.contains(host.trim()),
        "{msg}"
    );
    let w = format!("p{winner}");
    tmux.wait(&w, "the winner's viewer", |s| {
        status(s).contains("holter.edf")
    });
    assert!(std::fs::read_to_string(err(winner))
        .unwrap_or_default()
        .is_empty());
}

/// An offset as the viewer shows it at its opening 10 s window (the real formatter).
fn shown(t: f64) -> String {
    use sigmark::tui::view::{decimals_for_span, format_offset};
    format_offset(t, decimals_for_span(10.0))
}
