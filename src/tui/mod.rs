//! The terminal viewer: app state and actions (`app`), keymap dispatch (`keymap`), drawing
//! (`render`), and here the terminal set-up and event loop.
//!
//! The terminal is restored on every way out: normal quit, an error (the guard's `Drop`), and
//! a panic (ratatui's hook, installed by `ratatui::init`, restores before printing).

pub mod action;
pub mod app;
pub mod keymap;
pub mod render;
pub mod theme;
pub mod view;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};

pub use app::App;
pub use keymap::{Keymap, KeymapError};
pub use theme::{ColorMode, Theme};

/// How the viewer starts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub montage: Option<String>,
    pub mouse: bool,
    /// Initial window length, seconds.
    pub span_s: Option<f64>,
    /// Initial cursor position, seconds from the start.
    pub at_s: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error(transparent)]
    Keymap(#[from] KeymapError),
    #[error(transparent)]
    Dsp(#[from] crate::dsp::Error),
    #[error("{0}")]
    Usage(String),
    #[error("terminal: {0}")]
    Io(#[from] std::io::Error),
}

/// Builds the app for `rec` with the user's keymap and montages (both from the platform
/// configuration directory); errors name the file and line at fault.
pub fn build_app(rec: crate::signal::Recording, opts: &Options) -> Result<App, TuiError> {
    let keymap = Keymap::load(keymap::user_keymap_path().as_deref())?;
    let montage_dir = config_dir().map(|d| d.join("montages"));
    let montages = crate::dsp::montage::catalogue(montage_dir.as_deref())?;
    let mut app = App::new(rec, keymap, Theme::new(ColorMode::detect()), montages);
    if let Some(name) = &opts.montage {
        app.select_montage_named(name).map_err(TuiError::Usage)?;
    }
    if let Some(span) = opts.span_s {
        app.view.set_span(span);
    }
    if let Some(t) = opts.at_s {
        app.view.jump(t);
    }
    app.mouse = opts.mouse;
    Ok(app)
}

/// The platform configuration directory (`~/.config/sigmark` on Linux).
pub fn config_dir() -> Option<std::path::PathBuf> {
    directories::ProjectDirs::from("org", "sigmark", "sigmark")
        .map(|d| d.config_dir().to_path_buf())
}

/// Opens the viewer full-screen on `path` until the user quits.
pub fn run(
    path: &Path,
    open: &crate::formats::OpenOptions,
    opts: &Options,
) -> Result<(), crate::cli::CliError> {
    let rec = crate::formats::open_with(path, open)?;
    let mut app = build_app(rec, opts).map_err(|e| crate::cli::CliError::Usage(e.to_string()))?;
    if !std::io::stdout().is_terminal() {
        return Err(crate::cli::CliError::Usage(
            "the viewer needs a terminal on standard output; for scripts use `sigmark info` or `sigmark dump`".into(),
        ));
    }
    event_loop(&mut app).map_err(crate::cli::CliError::Output)
}

/// Restores the terminal when dropped, whatever ended the loop.
struct Restore {
    mouse: bool,
}

impl Drop for Restore {
    fn drop(&mut self) {
        if self.mouse {
            let _ = crossterm::execute!(std::io::stdout(), DisableMouseCapture);
        }
        ratatui::restore();
    }
}

fn event_loop(app: &mut App) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let mut guard = Restore { mouse: false };
    loop {
        if app.mouse != guard.mouse {
            let mut out = std::io::stdout();
            if app.mouse {
                crossterm::execute!(out, EnableMouseCapture)?;
            } else {
                crossterm::execute!(out, DisableMouseCapture)?;
            }
            out.flush()?;
            guard.mouse = app.mouse;
        }
        terminal.draw(|f| render::draw(f, app))?;
        // While the overview builds, redraw a few times a second to show progress; otherwise
        // sleep until an event. Every queued event is handled before the next frame, so keys
        // typed during a slow frame are never dropped.
        let timeout = if app.is_building() {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(1)
        };
        if !event::poll(timeout)? {
            continue;
        }
        loop {
            match event::read()? {
                Event::Key(k) => app.on_key(k),
                Event::Mouse(m) => app.on_mouse(m),
                Event::Resize(_, _) => {
                    terminal.autoresize()?;
                }
                _ => {}
            }
            if app.quit || !event::poll(Duration::ZERO)? {
                break;
            }
        }
        if app.quit {
            return Ok(());
        }
    }
}
