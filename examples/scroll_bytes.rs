//! Bytes written to the terminal per one-page scroll: what an SSH link carries.
//!
//! ```sh
//! cargo run --release --example scroll_bytes -- FILE [WIDTH=200] [HEIGHT=50] [SCROLLS=40]
//! ```
//!
//! Opens FILE in the viewer state, waits for the pyramid, draws one frame through ratatui's
//! crossterm backend into a byte counter (the same escape sequences a terminal receives), then
//! scrolls a page at a time and reports the bytes of each frame, for each colour mode, at the
//! default 10 s window and at 1 min, 1 h and 24 h.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use sigmark::tui::action::{Action, Arg};
use sigmark::tui::{render, App, ColorMode, Keymap, Theme};

/// Counts bytes; the count is shared because the backend owns its writer.
#[derive(Default, Clone)]
struct Counter(Arc<AtomicUsize>);

impl Counter {
    fn take(&self) -> usize {
        self.0.swap(0, Ordering::Relaxed)
    }
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.fetch_add(buf.len(), Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(file) = args.first() else {
        return Err("usage: scroll_bytes FILE [WIDTH] [HEIGHT] [SCROLLS]".into());
    };
    let num = |i: usize, d: u16| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    let (w, h, scrolls) = (num(1, 200), num(2, 50), num(3, 40));
    println!("file {file}, terminal {w}x{h}, {scrolls} page scrolls per case; bytes per frame:");
    println!(
        "{:<10} {:<6} {:>8} {:>8} {:>8}  {:>10}",
        "colours", "window", "median", "p90", "max", "first frame"
    );
    for mode in [
        ColorMode::TrueColor,
        ColorMode::Ansi256,
        ColorMode::Ansi16,
        ColorMode::NoColor,
    ] {
        for span in [10.0, 60.0, 3600.0, 86400.0] {
            let rec = sigmark::open(file)?;
            let mut app = App::new(
                rec,
                Keymap::shipped()?,
                Theme::new(mode),
                sigmark::dsp::montage::shipped()?,
            );
            app.reader = "bench".into();
            app.wait_for_pyramid();
            app.view.set_span(span);
            app.view.jump(app.view.duration_s / 3.0);
            let opts = TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
            };
            let counter = Counter::default();
            let mut term = Terminal::with_options(CrosstermBackend::new(counter.clone()), opts)?;
            term.draw(|f| render::draw(f, &mut app))?;
            let first = counter.take();
            let mut sizes = Vec::new();
            for _ in 0..scrolls {
                app.apply(Action::Scroll, Arg::Window { div: 1.0, n: 1.0 });
                term.draw(|f| render::draw(f, &mut app))?;
                sizes.push(counter.take());
            }
            sizes.sort_unstable();
            let q = |p: usize| sizes[(sizes.len() - 1) * p / 100];
            println!(
                "{:<10} {:<6} {:>8} {:>8} {:>8}  {:>10}",
                format!("{mode:?}"),
                sigmark::tui::view::span_label(span),
                q(50),
                q(90),
                q(100),
                first
            );
        }
    }
    Ok(())
}
