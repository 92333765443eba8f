//! End to end, report strips: the release binary opens a copy of the demo ECG in tmux, ctrl-p
//! writes the visible window as an SVG strip beside the recording, the status bar names the
//! file, and the strip holds one trace per lane on screen. tmux is required (`.ci/run`
//! installs it).

mod common;

use std::path::Path;

use common::tmux::{status, Tmux};

/// The `data-channel` values of the strip's traces, in order.
fn traces(svg: &str) -> Vec<String> {
    svg.split("data-channel=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next().map(str::to_string))
        .collect()
}

#[test]
fn ctrl_p_writes_the_strip_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .unwrap();
    let cmd = format!(
        "env NO_COLOR=1 XDG_CONFIG_HOME={d} XDG_DATA_HOME={d} HOME={d} {bin} open {rec}",
        d = dir.path().display(),
        bin = common::cli::bin(),
        rec = rec.display()
    );
    let tmux = Tmux::new("snapshot");
    tmux.start("s", &cmd);
    let screen = tmux.wait("s", "the viewer", |s| status(s).contains("rec.edf"));
    let out = dir.path().join("rec.strip-0h00m00s.svg");
    assert!(!out.exists(), "no strip before ctrl-p");
    tmux.keys("s", &["C-p"]);
    let after = tmux.wait("s", "the status after ctrl-p", |s| {
        status(s).contains("snapshot")
    });
    println!("status: {}", status(&after));
    assert!(
        status(&after).contains("snapshot written") && status(&after).contains("rec.strip-"),
        "the status bar names the file: {}",
        status(&after)
    );
    let svg = std::fs::read_to_string(&out).expect("the strip beside the recording");
    let drawn = traces(&svg);
    // The lanes on screen: each recorded label that starts a screen line's label column.
    let labels = ["ECG I", "ECG II", "ECG V1", "ECG V5"];
    let shown: Vec<&str> = labels
        .iter()
        .copied()
        .filter(|l| {
            screen.lines().any(|line| {
                line.split('│')
                    .any(|cell| cell.trim_start().split("  ").next() == Some(l))
            })
        })
        .collect();
    println!("screen:\n{screen}\nlanes on screen {shown:?}, traces in the strip {drawn:?}");
    assert!(!shown.is_empty(), "lanes found on the screen");
    assert_eq!(drawn, shown, "one data-channel path per visible lane");
    tmux.keys("s", &["q"]);
}
