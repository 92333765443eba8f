//! Building and rendering one viewer frame: 24 channels at 200x60, at every time-scale preset
//! from 1 s to 24 h, once the pyramid is built; and the pyramid build itself over the file.
//!
//! Needs a long recording: `SIGMARK_FRAME_FILE=PATH cargo bench --bench frame`, or run
//! `scripts/bench_viewer.sh`, which generates a 24-hour, 24-channel, 250 Hz EDF (1.04 GB) with
//! `examples/make_holter` and runs this with it.
//!
//! Each iteration moves the view to another place in the recording (16 positions in turn), so
//! no frame reuses the previous one's samples: the figure is the cost of a frame after a
//! scroll, with the display filters on as they are by default (ECG 0.5-40 Hz).
//!
//! `frame_measuring_*` is the same frame while measuring: after each scroll a fresh caliper
//! (first point, the cursor three steps on, fixed) with R-peak snapping on, drawn with the
//! cursor readouts beside the labels (shown wherever raw samples are drawn).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use sigmark::tui::view::{span_label, PRESETS};
use sigmark::tui::{render, App, ColorMode, Keymap, Theme};

fn file() -> String {
    std::env::var("SIGMARK_FRAME_FILE").unwrap_or_else(|_| {
        panic!("set SIGMARK_FRAME_FILE to a long EDF, or run scripts/bench_viewer.sh")
    })
}

fn app() -> App {
    let rec = sigmark::open(file()).expect("open SIGMARK_FRAME_FILE");
    let mut app = App::new(
        rec,
        Keymap::shipped().expect("shipped keymap"),
        Theme::new(ColorMode::TrueColor),
        sigmark::dsp::montage::shipped().expect("shipped montages"),
    );
    app.wait_for_pyramid();
    app
}

/// Times one frame at every preset: each iteration moves the view to another place (16 in
/// turn), runs `before` (what the user does there), then prepares and draws.
fn presets(c: &mut Criterion, name: &str, app: &mut App, before: fn(&mut App)) {
    let lanes = app.visible().len();
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    let mut g = c.benchmark_group(format!("{name}_{lanes}ch_200x60"));
    g.sample_size(40)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for &span in PRESETS.iter() {
        app.view.set_span(span);
        let d = app.view.duration_s;
        let mut k = 0u64;
        g.bench_function(
            BenchmarkId::from_parameter(span_label(span).replace(' ', "")),
            |b| {
                b.iter(|| {
                    k += 1;
                    app.view
                        .jump(d * ((k * 7919) % 16) as f64 / 16.0 + span / 2.0);
                    before(app);
                    buf.reset();
                    render::draw_buffer(&mut buf, area, app);
                    black_box(&buf);
                })
            },
        );
    }
    g.finish();
}

/// The app with its first frame drawn (auto-scale once).
fn drawn() -> App {
    let mut app = app();
    let area = Rect::new(0, 0, 200, 60);
    render::draw_buffer(&mut Buffer::empty(area), area, &mut app);
    app
}

fn frames(c: &mut Criterion) {
    presets(c, "frame", &mut drawn(), |_| {});
}

fn pyramid(c: &mut Criterion) {
    let bytes = std::fs::metadata(file()).map(|m| m.len()).unwrap_or(0);
    let mut g = c.benchmark_group("pyramid_build");
    g.sample_size(10).throughput(Throughput::Bytes(bytes));
    g.bench_function("whole_file", |b| b.iter(|| black_box(app().lanes.len())));
    g.finish();
}

fn press(app: &mut App, keys: &str) {
    for k in keys.split_whitespace() {
        let key = sigmark::tui::keymap::parse_key(k).expect("a key");
        app.on_key(crossterm::event::KeyEvent::new(key.code, key.mods));
    }
}

fn measuring(c: &mut Criterion) {
    let mut app = drawn();
    press(&mut app, "P");
    presets(c, "frame_measuring", &mut app, |app| {
        if app.caliper.first().is_some() {
            press(app, "k");
        }
        press(app, "k right right right k");
    });
}

criterion_group!(benches, frames, measuring, pyramid);
criterion_main!(benches);
