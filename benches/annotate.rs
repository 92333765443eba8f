//! Annotating with 100,000 events in the reader's file (a 24-hour Holter with every beat
//! labelled): opening the store (read the table, take the lock, replay the journal), marking
//! and editing (each journaled with fsync), and drawing a frame with the reader's lane over the
//! whole day and over 10 s.
//!
//! `cargo bench --bench annotate`. The events go with the demo ECG copied into a temp dir.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use sigmark::annotations::event::new_id;
use sigmark::annotations::store::{table_text, Paths, Provenance, Store};
use sigmark::annotations::{Certainty, Event};
use sigmark::tui::{self, App, ColorMode, Keymap, Options, Theme};

const N: usize = 100_000;

fn events(duration: f64) -> Vec<Event> {
    (0..N)
        .map(|k| Event {
            onset: (k as f64 * duration / N as f64 * 1e6).round() / 1e6,
            duration: if k % 50 == 0 { 12.5 } else { 0.0 },
            label: if k % 50 == 0 { "AF".into() } else { "N".into() },
            channel: String::new(),
            certainty: Certainty::Definite,
            note: String::new(),
            reader: "bench".into(),
            id: new_id(),
            created: "2026-11-29T00:00:00.000Z".into(),
            modified: "2026-11-29T00:00:00.000Z".into(),
            ..Default::default()
        })
        .collect()
}

fn setup(dir: &Path) -> std::path::PathBuf {
    let rec = dir.join("holter.edf");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .expect("copy demo");
    let duration = sigmark::open(&rec).expect("open demo").duration_s;
    std::fs::write(
        dir.join("holter.bench.events.tsv"),
        table_text(&events(duration)),
    )
    .expect("write table");
    rec
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rec = setup(dir.path());
    let mut g = c.benchmark_group("annotate_100k");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    g.bench_function("open_store", |b| {
        b.iter(|| {
            let (s, _) = Store::open(
                Paths::new(&rec, "bench", None),
                "bench",
                Provenance::default(),
            )
            .expect("open");
            black_box(s.events().len())
        })
    });

    let r = sigmark::open(&rec).expect("open");
    let mut app = App::new(
        r,
        Keymap::shipped().expect("keymap"),
        Theme::new(ColorMode::TrueColor),
        Vec::new(),
    );
    let opts = Options {
        reader: Some("bench".into()),
        keymap: Some("ecg".into()),
        ..Options::default()
    };
    tui::attach_annotations(&mut app, "bench", &opts).expect("attach");
    app.wait_for_pyramid();
    let d = app.view.duration_s;
    let mut k = 0u64;
    // One key press: a PVC at the cursor, journaled (fsync) and inserted in onset order.
    g.bench_function("mark_point", |b| {
        b.iter(|| {
            k += 1;
            app.view.jump((k * 7919 % 1000) as f64 / 1000.0 * d);
            app.on_key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('v'),
                crossterm::event::KeyModifiers::NONE,
            ));
        })
    });
    // Select the next event and move it (two key presses, one journaled change).
    g.bench_function("select_and_move", |b| {
        b.iter(|| {
            app.on_key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('.'),
                crossterm::event::KeyModifiers::NONE,
            ));
            app.on_key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('>'),
                crossterm::event::KeyModifiers::NONE,
            ));
        })
    });
    g.bench_function("undo", |b| {
        b.iter(|| {
            app.on_key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('u'),
                crossterm::event::KeyModifiers::NONE,
            ))
        })
    });
    let area = Rect::new(0, 0, 200, 60);
    let mut buf = Buffer::empty(area);
    for (name, span) in [("frame_10s", 10.0), ("frame_all", d)] {
        app.view.set_span(span);
        g.bench_function(name, |b| {
            b.iter(|| {
                buf.reset();
                tui::render::draw_buffer(&mut buf, area, &mut app);
                black_box(&buf);
            })
        });
    }
    g.bench_function("save_table", |b| {
        b.iter(|| app.annot.as_mut().expect("annot").save().expect("save"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
