//! End to end: the real binary in a real terminal (tmux), driven by keys as a reader would:
//! open a generated 24-hour recording, scroll, zoom out to 24 h, jump to a time, quit.
//! tmux is required (`.ci/run` installs it); without it this test fails and says so.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::tmux::{status, Tmux};

use chrono::NaiveDate;
use sigmark::formats::edf::writer::{self, AnnotationSpec, FileSpec, Plus, SignalSpec};

/// A 24-hour, 2-lead EDF+C at 100 Hz (35 MB) with an annotation at 12:00:00.
fn write_day(path: &Path) {
    let lead = |label: &str| SignalSpec {
        label: label.into(),
        transducer: "AgAgCl electrode".into(),
        unit: "uV".into(),
        physical_min: -3276.8,
        physical_max: 3276.7,
        digital_min: -32768,
        digital_max: 32767,
        prefilter: "HP:0.05Hz LP:40Hz".into(),
        samples_per_record: 100,
    };
    let spec = FileSpec {
        bdf: false,
        plus: Some(Plus::Continuous),
        patient: "X X X X".into(),
        recording: "Startdate 01-JAN-2024 X X X".into(),
        start: NaiveDate::from_ymd_opt(2024, 1, 1)
            .and_then(|d| d.and_hms_opt(8, 0, 0))
            .unwrap(),
        start_offset_100ns: 0,
        records: 86_400,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: vec![lead("ECG II"), lead("ECG V5")],
        annotations: vec![AnnotationSpec {
            onset_100ns: 43_200 * 10_000_000,
            duration_100ns: Some(300_000_000),
            text: "noon marker".into(),
        }],
    };
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writer::write(file, &spec, |r, bufs| {
        for (s, b) in bufs.iter_mut().enumerate() {
            for (k, v) in b.iter_mut().enumerate() {
                // A spike each second over a slow wave whose amplitude changes over the day.
                let slow = ((r as f64 / 3600.0).sin() * 2000.0) as i32;
                *v = if k == 10 {
                    8000 * (s as i32 + 1)
                } else {
                    slow + (k as i32 - 50) * 20
                };
            }
        }
    })
    .unwrap();
}

#[test]
fn open_scroll_zoom_out_jump_and_quit_a_24_hour_recording() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("day.edf");
    write_day(&file);
    let tmux = start(dir.path(), &file);
    the_first_frame_shows_the_start_and_the_traces(&tmux);
    // Scroll: a page forward, two more, one back.
    tmux.keys("e2e", &["PageDown", "PageDown", "PageDown", "PageUp"]);
    tmux.wait("e2e", "scrolled to 20 s", |s| {
        status(s).contains("0:00:20.000 (08:00:20.000)")
    });
    zoom_out_to_the_day(&tmux);
    jump_to_a_clock_time_and_zoom_in(&tmux);
    help_then_quit(&tmux);
}

/// sigmark open FILE in a 160x40 tmux session "e2e", with a fresh HOME.
fn start(home: &Path, file: &Path) -> Tmux {
    let bin = common::cli::bin();
    let tmux = Tmux::new("e2e");
    let cmd = format!(
        "env NO_COLOR=1 SIGMARK_READER=e2e XDG_CONFIG_HOME={cfg} HOME={cfg} {bin} open {file}",
        cfg = home.display(),
        file = file.display()
    );
    let out = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "160",
        "-y",
        "40",
        &cmd,
    ]);
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    tmux
}

fn the_first_frame_shows_the_start_and_the_traces(tmux: &Tmux) {
    let s = tmux.wait("e2e", "the first frame", |s| {
        status(s).contains("day.edf") && status(s).contains("VIEW")
    });
    let st = status(&s);
    assert!(
        st.contains("e2e") && st.contains("0:00:00.000 (08:00:00.000)") && st.contains("10 s"),
        "{st}"
    );
    assert!(s.contains("ECG II") && s.contains("clock"), "{s}");
    assert!(
        s.chars().any(|c| ('\u{2801}'..='\u{28ff}').contains(&c)),
        "traces are drawn:\n{s}"
    );
}

/// Zoom out preset by preset to 24 h: the overview comes from the pyramid.
fn zoom_out_to_the_day(tmux: &Tmux) {
    for _ in 0..12 {
        tmux.keys("e2e", &["x"]);
    }
    let s = tmux.wait("e2e", "the 24 h overview", |s| {
        status(s).contains("│ all (24:00:00) │") && !status(s).contains("overview")
    });
    assert!(
        s.contains("|12:00:00") || s.contains("|20:00:00"),
        "the clock axis spans the day:\n{s}"
    );
    assert!(
        s.contains("noon marker") || s.contains('▼'),
        "the event lane shows the annotation:\n{s}"
    );
}

/// Jump to clock time 20:00:00 (12 h in), then zoom in to 10 s around it.
fn jump_to_a_clock_time_and_zoom_in(tmux: &Tmux) {
    tmux.keys("e2e", &["g", "@20:00:00"]);
    tmux.wait("e2e", "the jump prompt", |s| {
        status(s).contains("Jump to") && status(s).contains("@20:00:00_")
    });
    tmux.keys("e2e", &["Enter"]);
    tmux.wait("e2e", "the cursor at 12 h", |s| {
        status(s).contains("12:00:00 (20:00:00)")
    });
    // 24 h -> 12 h, 6 h, 2 h, 1 h, 30 min, 10 min, 5 min, 2 min, 1 min, 30 s, 20 s, 10 s.
    for _ in 0..12 {
        tmux.keys("e2e", &["z"]);
    }
    let s = tmux.wait("e2e", "10 s around noon", |s| {
        status(s).contains("│ 10 s │") && status(s).contains("(20:00:00.000)")
    });
    assert!(
        s.contains("noon marker"),
        "the annotation is labelled when zoomed in:\n{s}"
    );
}

/// Help, then quit: the program ends and the session with it.
fn help_then_quit(tmux: &Tmux) {
    tmux.keys("e2e", &["?"]);
    tmux.wait("e2e", "help", |s| s.contains("sigmark keys"));
    // (Escape and q sent together would arrive as alt-q: wait for help to close first.)
    tmux.keys("e2e", &["Escape"]);
    tmux.wait("e2e", "help closed", |s| !s.contains("sigmark keys"));
    tmux.keys("e2e", &["q"]);
    let t0 = Instant::now();
    while tmux.alive("e2e") {
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "sigmark did not quit:\n{}",
            tmux.screen("e2e")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
