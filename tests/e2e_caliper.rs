//! End to end, calipers (issue 13): the release binary opens the demo ECG in tmux; with snap
//! to R peaks (`P`), `k` at one beat and `k` at the next measure one RR interval, and the bpm
//! read from the screen is the detector's RR (within one sample); a PVC mark placed 40 ms off
//! its beat lands on the detected R peak in the saved table. tmux is required (`.ci/run`
//! installs it).

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

use common::tmux::{status, Tmux};

/// The detector's R-peak times on the first lead (what snapping uses) and its rate.
fn r_peaks(rec: &Path) -> (Vec<f64>, f64) {
    let rec = sigmark::open(rec).unwrap();
    let (p, c) = (AtomicU64::new(0), AtomicBool::new(false));
    let d = sigmark::dsp::beats::detect_channel(&rec, 0, &p, &c).unwrap();
    let times = d
        .beats
        .iter()
        .map(|b| rec.sample_time(0, b.sample))
        .collect();
    (times, rec.channels[0].rate_hz)
}

fn nearest(times: &[f64], t: f64) -> f64 {
    *times
        .iter()
        .min_by(|a, b| (*a - t).abs().total_cmp(&(*b - t).abs()))
        .unwrap()
}

/// The number after `before` and before `after` in `s` (`Δt `, ` ms`).
fn number(s: &str, before: &str, after: &str) -> Option<f64> {
    let rest = &s[s.find(before)? + before.len()..];
    rest[..rest.find(after)?].trim().parse().ok()
}

fn jump(tmux: &Tmux, t: &str) {
    tmux.keys("a", &["g", t, "Enter"]);
    tmux.wait("a", "the jump", |s| {
        status(s).contains(&format!("0:00:{t:0>4}"))
    });
}

#[test]
fn measure_an_rr_interval_and_snap_a_pvc_mark_in_the_release_binary() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("holter.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .unwrap();
    let (peaks, rate) = r_peaks(&rec);
    let cmd = format!(
        "env NO_COLOR=1 XDG_CONFIG_HOME={d} XDG_DATA_HOME={d} HOME={d} {bin} open {rec} --reader kim --keymap ecg",
        d = dir.path().display(),
        bin = common::cli::bin(),
        rec = rec.display()
    );
    let tmux = Tmux::new("caliper");
    tmux.start("a", &cmd);
    tmux.wait("a", "the viewer", |s| status(s).contains("kim"));
    jump(&tmux, "30.0");
    tmux.keys("a", &["P"]);
    tmux.wait("a", "snap on", |s| s.contains("snap: R peak"));
    tmux.keys("a", &["k"]);
    tmux.wait("a", "the first point", |s| s.contains("caliper: move"));
    // Five fiftieths of 10 s: one second on, nearer the next beat than any other.
    tmux.keys("a", &["Right", "Right", "Right", "Right", "Right", "k"]);
    let s = tmux.wait("a", "the fixed caliper", |s| s.contains("caliper fixed"));
    let line = status(&s);
    let (ms, bpm) = (
        number(line, "Δt ", " ms").unwrap(),
        number(line, "ms, ", " bpm").unwrap(),
    );
    let (b0, b1) = (nearest(&peaks, 30.0), nearest(&peaks, 31.0));
    let rr = b1 - b0;
    println!(
        "screen: Δt {ms} ms, {bpm} bpm; detector: R peaks {b0:.4} and {b1:.4} s, RR {:.1} ms, {:.1} bpm",
        rr * 1000.0,
        60.0 / rr
    );
    assert!(rr > 0.3, "two different beats: {b0} {b1}");
    assert!(
        (ms - rr * 1000.0).abs() <= 1000.0 / rate + 0.5,
        "Δt within one sample"
    );
    let one_sample_bpm = 60.0 / (rr - 1.0 / rate) - 60.0 / rr;
    assert!((bpm - 60.0 / rr).abs() <= one_sample_bpm + 0.5, "bpm");
    snap_a_pvc(&tmux, dir.path(), &peaks, rate);
}

/// A PVC mark 40 ms after the first PVC's beat (35.858 s in the demo's truth) is saved at the
/// detected R peak.
fn snap_a_pvc(tmux: &Tmux, dir: &Path, peaks: &[f64], rate: f64) {
    tmux.keys("a", &["k"]);
    tmux.wait("a", "the caliper cleared", |s| {
        s.contains("caliper cleared")
    });
    let beat = nearest(peaks, 35.858);
    let at = format!("{:.2}", beat + 0.04);
    jump(tmux, &at);
    tmux.keys("a", &["v"]);
    tmux.wait("a", "the PVC", |s| s.contains("PVC at"));
    tmux.keys("a", &["C-s", "q"]);
    let t0 = Instant::now();
    while tmux.alive("a") {
        assert!(t0.elapsed() < Duration::from_secs(10), "did not quit");
        std::thread::sleep(Duration::from_millis(40));
    }
    let table = sigmark::annotations::store::read_table(&dir.join("holter.kim.events.tsv"))
        .expect("the saved table");
    let pvc = table.iter().find(|e| e.label == "PVC").expect("a PVC");
    println!(
        "cursor {at} s: saved onset {} s, detected R peak {beat:.6} s",
        pvc.onset
    );
    assert!((pvc.onset - beat).abs() < 0.5 / rate, "on the R peak");
}
