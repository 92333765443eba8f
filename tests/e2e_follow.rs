//! End to end, following a recording still being written: a writer (a thread of this test,
//! appending one 1-second record every 150 ms to an EDF whose header says -1 records) while
//! the release binary runs `open FILE --follow` in tmux. The time axis advances with the data,
//! a mark made while following is in the saved events table after quit, and the file the
//! writer made is read whole afterwards. tmux is required (`.ci/run` installs it).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::growing;
use common::tmux::{status, Tmux};

/// The largest `H:MM:SS` offset on the time axis row (`time  |0:00:04.0  |0:00:04.5 ...`).
fn axis_end(screen: &str) -> Option<f64> {
    let row = screen
        .lines()
        .find(|l| l.trim_start().starts_with("time"))?;
    row.split('|')
        .skip(1)
        .filter_map(|cell| {
            let t = cell.split_whitespace().next()?;
            let mut parts = t.split(':').rev();
            let s: f64 = parts.next()?.parse().ok()?;
            let m: f64 = parts.next()?.parse().ok()?;
            let h: f64 = parts.next().unwrap_or("0").parse().ok()?;
            Some(h * 3600.0 + m * 60.0 + s)
        })
        .reduce(f64::max)
}

/// Appends records `from..` every 150 ms until `stop`; returns how many the file holds.
fn writer(path: PathBuf, from: u64, stop: Arc<AtomicBool>) -> std::thread::JoinHandle<u64> {
    std::thread::spawn(move || {
        let mut n = from;
        while !stop.load(Ordering::Relaxed) && n < 400 {
            std::thread::sleep(Duration::from_millis(150));
            // Half a record, then the rest: the reader must wait for the whole one.
            let r = growing::records(n, n + 1);
            growing::append(&path, &r[..r.len() / 2]);
            std::thread::sleep(Duration::from_millis(20));
            growing::append(&path, &r[r.len() / 2..]);
            n += 1;
        }
        n
    })
}

#[test]
fn the_view_follows_a_file_being_written_and_marks_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("live.edf");
    growing::start(&rec, 3);
    let cmd = format!(
        "env NO_COLOR=1 XDG_CONFIG_HOME={d} XDG_DATA_HOME={d} HOME={d} {bin} open {rec} --follow --follow-ms 100 --span 2 --reader kim --keymap ecg",
        d = dir.path().display(),
        bin = common::cli::bin(),
        rec = rec.display()
    );
    let tmux = Tmux::new("follow");
    tmux.start("f", &cmd);
    let first = tmux.wait("f", "the viewer", |s| axis_end(s).is_some());
    let t_first = axis_end(&first).unwrap_or(0.0);
    println!("first axis end {t_first}\n{first}");
    let stop = Arc::new(AtomicBool::new(false));
    let w = writer(rec.clone(), 3, stop.clone());
    let later = tmux.wait("f", "the time axis to advance", |s| {
        axis_end(s).is_some_and(|t| t >= t_first + 5.0)
    });
    let t_later = axis_end(&later).unwrap_or(0.0);
    println!("axis end {t_first} -> {t_later}\n{later}");
    assert!(status(&later).contains("[following]"), "{}", status(&later));
    // A PVC at the cursor while following, then quit (the table is saved on the way out).
    tmux.keys("f", &["v"]);
    tmux.wait("f", "the mark", |s| status(s).contains("PVC"));
    let more = tmux.wait("f", "more data after the mark", |s| {
        axis_end(s).is_some_and(|t| t >= t_later + 2.0)
    });
    println!("after the mark: axis end {:?}", axis_end(&more));
    tmux.keys("f", &["q"]);
    let t0 = Instant::now();
    while tmux.alive("f") {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "did not quit:\n{}",
            tmux.screen("f")
        );
        std::thread::sleep(Duration::from_millis(40));
    }
    stop.store(true, Ordering::Relaxed);
    let written = w.join().unwrap();
    let table = std::fs::read_to_string(dir.path().join("live.kim.events.tsv")).unwrap();
    println!("{table}");
    let onsets: Vec<f64> = table
        .lines()
        .filter(|l| l.contains("PVC"))
        .filter_map(|l| l.split('\t').next()?.parse().ok())
        .collect();
    assert_eq!(onsets.len(), 1, "{table}");
    assert!(
        onsets[0] > 3.0,
        "marked in data that arrived while following: {onsets:?}"
    );
    let done = sigmark::open(&rec).unwrap();
    println!("the writer wrote {written} records; read {}", done.records);
    assert_eq!(done.records, written);
}
