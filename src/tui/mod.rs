//! The terminal viewer: app state and actions (`app`), keymap dispatch (`keymap`), drawing
//! (`render`), and here the terminal set-up and event loop.
//!
//! The terminal is restored on every way out: normal quit, an error (the guard's `Drop`), and
//! a panic (ratatui's hook, installed by `ratatui::init`, restores before printing).

pub mod action;
pub mod actions;
pub mod adjudicate;
pub mod annotate;
pub mod app;
pub mod background;
pub mod caliper;
mod feed;
pub mod follow;
pub mod freq;
pub mod help;
pub use crate::annotations::config as identity;
pub mod input;
pub mod jump;
pub mod keymap;
pub mod notice;
pub mod prepare;
pub mod qa;
pub mod qa_keys;
pub mod quit;
pub mod render;
pub mod scale;
pub mod study;
pub mod theme;
pub mod view;
pub mod widgets;

use std::io::{IsTerminal, Write};
use std::time::Duration;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event};

use background::Msg;

pub use app::App;
pub use identity::{reader_name, IdentityError};
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
    /// Marking: the reader, when annotating (None: view only).
    pub reader: Option<String>,
    /// Label keymap: ecg, eeg, rpm or a path; guessed from the channels when None.
    pub keymap: Option<String>,
    /// Where the reader's files go (default: beside the recording).
    pub annotations_dir: Option<std::path::PathBuf>,
    /// Show other readers' events, read-only (otherwise readers are blinded to each other).
    pub show_readers: bool,
    /// Adjudicate these two readers into the consensus file.
    pub compare: Option<(String, String)>,
    /// Who adjudicates (default: the reader).
    pub adjudicator: Option<String>,
    /// Seconds two readers' events may differ by and still pair (default 1 s).
    pub pair_tolerance_s: Option<f64>,
    /// Following a file still being written (`--follow`, `--follow-ms`).
    pub follow: follow::Config,
    /// Reading within a study (`sigmark study next`, or `open` of a study's recording).
    pub study: Option<study::StudyReading>,
}

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error(transparent)]
    Keymap(#[from] KeymapError),
    #[error(transparent)]
    Dsp(#[from] crate::dsp::Error),
    #[error(transparent)]
    Annotate(#[from] annotate::SetupError),
    #[error("{0}")]
    Usage(String),
    /// Standard output is not a terminal.
    #[error("the viewer needs a terminal on standard output; for scripts use `sigmark info` or `sigmark dump`")]
    NoTerminal,
    #[error("terminal: {0}")]
    Io(#[from] std::io::Error),
}

impl TuiError {
    /// A problem with how the viewer was asked to start (the command line or the user's
    /// files), rather than with the terminal while it ran.
    pub fn is_usage(&self) -> bool {
        !matches!(self, TuiError::Io(_))
    }
}

/// Builds the app for `rec` with the user's keymap and montages (both from the platform
/// configuration directory); errors name the file and line at fault.
pub fn build_app(rec: crate::signal::Recording, opts: &Options) -> Result<App, TuiError> {
    let keymap = Keymap::load(keymap::user_keymap_path().as_deref())?;
    let montage_dir = crate::annotations::config::montage_dir();
    let montages = crate::dsp::montage::catalogue(montage_dir.as_deref())?;
    let mut app = App::new(rec, keymap, Theme::new(ColorMode::detect()), montages);
    actions::scale::configure(&mut app, display_config()?, scale::Screen::ask_terminal());
    // What was unusual about the file (truncated, out-of-spec header) shows until the first key.
    let notes = app.rec.all_notes();
    app.message =
        (!notes.is_empty()).then(|| crate::text::sanitize(&format!("note: {}", notes.join("; "))));
    if let Some(name) = &opts.montage {
        app.select_montage_named(name).map_err(TuiError::Usage)?;
    }
    if let Some(span) = opts.span_s {
        app.view.set_span(span);
        app.scale.speed = None;
    }
    if let Some(t) = opts.at_s {
        app.view.jump(t);
    }
    app.mouse = opts.mouse;
    if let Some((a, b)) = &opts.compare {
        // Checked (not one of sigmark's own names) when the session opens.
        let adjudicator = opts
            .adjudicator
            .clone()
            .or_else(|| opts.reader.clone())
            .ok_or_else(|| {
                TuiError::Usage("who adjudicates? give --adjudicator NAME or --reader NAME".into())
            })?;
        attach_annotations(&mut app, crate::annotations::store::CONSENSUS, opts)?;
        // What replaying the consensus journal found, said again after the session's message.
        let journal_note = app.message.take();
        let rec_path = app.rec.path.clone();
        let setup = adjudicate::Setup {
            recording: &rec_path,
            dir: opts.annotations_dir.as_deref(),
            reader_a: a,
            reader_b: b,
            adjudicator: &adjudicator,
            tol_s: opts
                .pair_tolerance_s
                .unwrap_or(crate::compare::adjudicate::DEFAULT_TOLERANCE_S),
        };
        adjudicate::start(&mut app, &setup).map_err(TuiError::Usage)?;
        let decisions_note = app
            .adjudication
            .as_ref()
            .and_then(|a| a.session.decisions_recovery().message());
        let notes = [decisions_note, journal_note, app.message.take()];
        app.message = Some(notes.into_iter().flatten().collect::<Vec<_>>().join("; "));
        if let Some(ann) = app.annot.as_mut() {
            ann.adjudicator = Some(adjudicator.clone());
        }
        app.reader = crate::text::sanitize(&format!("{adjudicator} (consensus)"));
    } else if let Some(reader) = &opts.reader {
        attach_annotations(&mut app, reader, opts)?;
    }
    follow::setup(&mut app, opts.follow.clone(), opts.span_s);
    study::attach(&mut app, opts.study.as_ref());
    Ok(app)
}

/// Opens `reader`'s events for the app's recording (taking the lock, replaying the journal)
/// with the chosen or guessed label keymap, and reports what was recovered.
pub fn attach_annotations(app: &mut App, reader: &str, opts: &Options) -> Result<(), TuiError> {
    use crate::annotations::{Paths, Provenance, Store, Taxonomy};
    let choice = opts.keymap.clone().unwrap_or_else(|| {
        crate::dsp::dominant(&app.rec.channels)
            .taxonomy()
            .to_string()
    });
    let user_dir = crate::annotations::config::label_keymap_dir();
    let tax = Taxonomy::choose(&choice, user_dir.as_deref()).map_err(annotate::SetupError::from)?;
    let rec_path = app.rec.path.clone();
    let paths = Paths::new(&rec_path, reader, opts.annotations_dir.as_deref());
    let provenance = Provenance {
        recording: rec_path.clone(),
        sha256: None,
        size: std::fs::metadata(&rec_path).map(|m| m.len()).unwrap_or(0),
        format: app.rec.format.name().to_string(),
        keymap: tax.name.clone(),
        keymap_version: tax.version.clone(),
    };
    let (store, recovery) =
        Store::open(paths, reader, provenance).map_err(annotate::SetupError::from)?;
    let mut ann = annotate::Annotating::new(store, tax, &app.keymap)?;
    if opts.show_readers {
        for other in crate::annotations::Paths::other_readers(
            &rec_path,
            reader,
            opts.annotations_dir.as_deref(),
        ) {
            match crate::annotations::store::read_other(
                &rec_path,
                &other,
                opts.annotations_dir.as_deref(),
            ) {
                Ok(ev) => ann.others.push((other, ev)),
                Err(e) => app.add_message(crate::text::sanitize(&e.to_string())),
            }
        }
    }
    if let Some(msg) = recovery.message() {
        app.add_message(msg);
    }
    app.reader = crate::text::sanitize(reader);
    app.annot = Some(ann);
    app.start_hash();
    Ok(())
}

/// The display settings of the configuration file (`dpi`, `cell_mm`, `window_*`).
type Display = (
    crate::annotations::config::DisplayConfig,
    Option<std::path::PathBuf>,
);
fn display_config() -> Result<Display, TuiError> {
    let path = crate::annotations::config::config_file();
    let config = match &path {
        Some(p) => crate::annotations::config::display_config(p)
            .map_err(|e| TuiError::Usage(e.to_string()))?,
        None => Default::default(),
    };
    Ok((config, path))
}

/// The platform configuration directory (`~/.config/sigmark` on Linux).
pub fn config_dir() -> Option<std::path::PathBuf> {
    crate::annotations::config::config_dir()
}

/// Opens the viewer full-screen on `path` until the user quits.
pub fn run(rec: crate::signal::Recording, opts: &Options) -> Result<(), TuiError> {
    require_terminal()?;
    let mut app = build_app(rec, opts)?;
    event_loop(&mut app)
}

/// Refuses, before anything is opened or written (no lock, journal or directory), when
/// standard output is not a terminal.
pub fn require_terminal() -> Result<(), TuiError> {
    if std::io::stdout().is_terminal() {
        return Ok(());
    }
    Err(TuiError::NoTerminal)
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

/// The one event loop: input, ticks and job results arrive as messages on the app's channel;
/// each turn handles every queued message, then draws once.
fn event_loop(app: &mut App) -> Result<(), TuiError> {
    // The guard first: if entering the alternate screen fails after raw mode is on, its drop
    // still restores the terminal.
    let mut guard = Restore { mouse: false };
    let mut terminal = ratatui::try_init()?;
    restore_on_ui_panic_only();
    // Declared after the guard, so dropped before it: the input thread stops reading before
    // the terminal is restored.
    let feed = feed::Feed::start(app.jobs.sender());
    loop {
        sync_mouse(app, &mut guard)?;
        // The frame is prepared (the update step) and drawn here and only here.
        prepare::prepare(app, terminal.get_frame().area());
        terminal.draw(|f| render::render(app, f.area(), f.buffer_mut()))?;
        // Ticks come often while a job shows progress or the file is followed, otherwise once
        // a second (autosave).
        feed.set_busy(app.is_busy() || app.follow.on);
        let mut next = app.jobs.next(Duration::from_secs(60));
        while let Some(msg) = next {
            handle(app, &mut terminal, msg)?;
            if app.quit {
                break;
            }
            next = app.jobs.try_next();
        }
        if app.quit {
            if saved_on_quit(app) {
                return Ok(());
            }
            continue;
        }
        periodic_save(app);
    }
}

/// ratatui's hook restores the terminal on any panic, but the background jobs catch theirs
/// and report them in the status bar while the UI keeps drawing: restoring then would leave
/// the viewer drawing on a normal screen. So the hook runs only for the UI thread's panics.
fn restore_on_ui_panic_only() {
    let ui_thread = std::thread::current().id();
    let restore_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            restore_hook(info);
        }
    }));
}

fn sync_mouse(app: &App, guard: &mut Restore) -> std::io::Result<()> {
    if app.mouse == guard.mouse {
        return Ok(());
    }
    let mut out = std::io::stdout();
    if app.mouse {
        crossterm::execute!(out, EnableMouseCapture)?;
    } else {
        crossterm::execute!(out, DisableMouseCapture)?;
    }
    out.flush()?;
    guard.mouse = app.mouse;
    Ok(())
}

/// One message: a key, a click, a resize, a job's result, or a tick (nothing but a redraw).
fn handle(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    msg: Msg,
) -> Result<(), TuiError> {
    match msg {
        Msg::Input(Event::Key(k)) => app.on_key(k),
        Msg::Input(Event::Mouse(m)) => app.on_mouse(m),
        Msg::Input(Event::Resize(_, _)) => {
            actions::scale::remeasure(app, scale::Screen::ask_terminal());
            terminal.autoresize()?
        }
        Msg::Tick => {
            follow::tick(app, std::time::Instant::now());
        }
        Msg::Input(_) => {}
        Msg::Job(done) => app.on_job(done),
        Msg::InputFailed(e) => return Err(TuiError::Io(e)),
    }
    Ok(())
}

/// Saves on the way out. If that fails the journal still holds every edit: say so and stay
/// until the user quits again (false: not quitting after all).
fn saved_on_quit(app: &mut App) -> bool {
    if let Err(e) = app.save_annotations(true) {
        if !app
            .message
            .as_deref()
            .is_some_and(|m| m.starts_with("NOT SAVED"))
        {
            app.message = Some(format!(
                "NOT SAVED: {} (your edits are safe in the journal; q again quits)",
                crate::text::sanitize(&e.to_string())
            ));
            app.quit = false;
            return false;
        }
    }
    true
}

fn periodic_save(app: &mut App) {
    let due = app
        .annot
        .as_ref()
        .is_some_and(|a| a.store.is_dirty() && a.last_save.elapsed() >= Duration::from_secs(30));
    if !due {
        return;
    }
    if let Err(e) = app.save_annotations(false) {
        app.message = Some(format!(
            "NOT SAVED: {}",
            crate::text::sanitize(&e.to_string())
        ));
    }
}
