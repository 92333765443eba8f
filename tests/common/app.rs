//! The viewer without a terminal, for tests that read well: an app builder over the demo
//! recordings (reader, label keymap, montage, size, annotations directory, two readers to
//! adjudicate), key helpers (`press(app, "ctrl-s")`, `type_text`) and `frame_text`, the
//! frame as text after the update step and the widgets.

use std::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use crossterm::event::{KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use sigmark::dsp::Montage;
use sigmark::tui::{self, render, App, ColorMode, Options, Theme};
use sigmark::Recording;

/// A demo recording under `recordings/`.
pub fn demo(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("recordings")
        .join(name)
}

/// How to open the viewer in a test.
#[derive(Default)]
pub struct AppBuilder {
    recording: PathBuf,
    opts: Options,
    /// Copy the recording into a fresh directory first (the reader's files go beside it).
    private_copy: bool,
    /// Write alice's and bob's tables beside the copy (tests/common/adjudication.rs).
    two_readers: bool,
    /// Open the recording where it is, even when marking (the test owns its directory).
    in_place: bool,
    /// A recording made in memory (tests/common/mod.rs), instead of the file.
    made: Option<Recording>,
    /// The montage catalogue instead of the shipped one (view only).
    montages: Option<Vec<Montage>>,
    /// The reader name the status line shows, without opening a store.
    shown_as: Option<String>,
}

/// The app and the directory its files live in (removed when dropped).
pub struct TestApp {
    pub app: App,
    pub dir: Option<tempfile::TempDir>,
}

/// What a test prints when it expected a refusal and got an app.
impl std::fmt::Debug for TestApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TestApp({})", self.app.rec.path.display())
    }
}

impl Deref for TestApp {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl DerefMut for TestApp {
    fn deref_mut(&mut self) -> &mut App {
        &mut self.app
    }
}

impl AppBuilder {
    /// The demo recording `name` (`demo_ecg.edf`, `demo_eeg.bdf`, `demo_monitoring.h5`).
    pub fn demo(name: &str) -> AppBuilder {
        AppBuilder::file(demo(name))
    }

    pub fn file(path: impl Into<PathBuf>) -> AppBuilder {
        AppBuilder {
            recording: path.into(),
            ..AppBuilder::default()
        }
    }

    /// A recording made in memory, e.g. `common::open(common::bytes(&spec))`.
    pub fn recording(rec: Recording) -> AppBuilder {
        AppBuilder {
            recording: rec.path.clone(),
            made: Some(rec),
            ..AppBuilder::default()
        }
    }

    /// Marking as `reader` (on a private copy of the recording unless `annotations_dir`).
    pub fn reader(mut self, reader: &str) -> AppBuilder {
        self.opts.reader = Some(reader.into());
        self.private_copy = self.opts.annotations_dir.is_none();
        self
    }

    /// The label keymap: ecg, eeg, rpm or a path.
    pub fn labels(mut self, keymap: &str) -> AppBuilder {
        self.opts.keymap = Some(keymap.into());
        self
    }

    pub fn montage(mut self, name: &str) -> AppBuilder {
        self.opts.montage = Some(name.into());
        self
    }

    pub fn annotations_dir(mut self, dir: &Path) -> AppBuilder {
        self.opts.annotations_dir = Some(dir.to_path_buf());
        self.private_copy = false;
        self
    }

    /// Marking on the recording where it is, not on a copy: for tests that look at the files
    /// beside it or open it twice.
    pub fn in_place(mut self) -> AppBuilder {
        self.in_place = true;
        self
    }

    /// Other readers' events shown read-only (readers are blinded to each other otherwise).
    pub fn show_readers(mut self) -> AppBuilder {
        self.opts.show_readers = true;
        self
    }

    /// Viewing with this montage catalogue instead of the shipped one (`Vec::new()`: as
    /// recorded only), e.g. to add a user montage.
    pub fn montages(mut self, list: Vec<Montage>) -> AppBuilder {
        self.montages = Some(list);
        self
    }

    /// The status line names `reader`, with nothing marked (no store is opened).
    pub fn shown_as(mut self, reader: &str) -> AppBuilder {
        self.shown_as = Some(reader.into());
        self
    }

    pub fn mouse(mut self) -> AppBuilder {
        self.opts.mouse = true;
        self
    }

    /// Window length and cursor, seconds.
    pub fn span(mut self, span_s: f64) -> AppBuilder {
        self.opts.span_s = Some(span_s);
        self
    }

    pub fn at(mut self, at_s: f64) -> AppBuilder {
        self.opts.at_s = Some(at_s);
        self
    }

    /// Adjudicating reader `a` against reader `b` (as `reader`, or `adjudicator` if given).
    pub fn compare(mut self, a: &str, b: &str) -> AppBuilder {
        self.opts.compare = Some((a.into(), b.into()));
        self
    }

    pub fn adjudicator(mut self, name: &str) -> AppBuilder {
        self.opts.adjudicator = Some(name.into());
        self
    }

    /// Adjudicating alice against bob as carol, over the demo ECG copied as holter.edf with
    /// the tables of tests/common/adjudication.rs.
    pub fn adjudicating() -> AppBuilder {
        let mut b = AppBuilder::demo("demo_ecg.edf").labels("ecg");
        b.opts.reader = Some("carol".into());
        b.opts.compare = Some(("alice".into(), "bob".into()));
        b.opts.adjudicator = Some("carol".into());
        b.two_readers = true;
        b.private_copy = true;
        b
    }

    /// Opens the app (no colour, the shipped keymap), the overview built.
    pub fn build(self) -> TestApp {
        self.try_build().expect("build the app")
    }

    /// As `build`, but what `tui::build_app` refuses (a taken lock, a bad keymap) is returned.
    pub fn try_build(mut self) -> Result<TestApp, tui::TuiError> {
        let (path, dir) = self.recording_to_open();
        let rec = match self.made.take() {
            Some(rec) => rec,
            None => sigmark::open(&path).expect("open the recording"),
        };
        let mut app = match self.montages.take() {
            Some(list) => self.viewer(rec, list),
            None => tui::build_app(rec, &self.opts)?,
        };
        app.theme = Theme::new(ColorMode::NoColor);
        app.keymap = tui::Keymap::shipped().expect("shipped keymap");
        if let Some(name) = &self.shown_as {
            app.reader = name.clone();
        }
        app.wait_for_pyramid();
        Ok(TestApp { app, dir })
    }

    /// The viewer over a montage catalogue of the test's own: what `build_app` does when
    /// viewing, with `list` for the catalogue it would load.
    fn viewer(&self, rec: Recording, list: Vec<Montage>) -> App {
        let o = &self.opts;
        assert!(
            o.reader.is_none() && o.compare.is_none() && o.montage.is_none(),
            "a montage catalogue of its own is for viewing only"
        );
        let keymap = tui::Keymap::shipped().expect("shipped keymap");
        let mut app = App::new(rec, keymap, Theme::new(ColorMode::NoColor), list);
        if let Some(span) = o.span_s {
            app.view.set_span(span);
        }
        if let Some(t) = o.at_s {
            app.view.jump(t);
        }
        app.mouse = o.mouse;
        app
    }

    /// The recording itself, or a copy in a fresh directory (with the two readers' tables).
    fn recording_to_open(&self) -> (PathBuf, Option<tempfile::TempDir>) {
        if self.in_place || self.made.is_some() || !(self.private_copy || self.two_readers) {
            return (self.recording.clone(), None);
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let path = if self.two_readers {
            super::adjudication::two_readers(dir.path())
        } else {
            let name = self.recording.file_name().expect("recording file name");
            let to = dir.path().join(name);
            std::fs::copy(&self.recording, &to).expect("copy the recording");
            to
        };
        (path, Some(dir))
    }
}

/// Presses the key written as in a keymap file: "q", "ctrl-s", "alt-l", "shift-right", "F5".
pub fn press(app: &mut App, key: &str) {
    let k = tui::keymap::parse_key(key).unwrap_or_else(|| panic!("not a key: {key:?}"));
    app.on_key(KeyEvent::new(k.code, k.mods));
}

/// Presses each key of a space-separated list: `press_all(app, "i right o")`.
pub fn press_all(app: &mut App, keys: &str) {
    keys.split_whitespace().for_each(|k| press(app, k));
}

/// Types text one character at a time (a note, a filter, a jump target).
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            KeyModifiers::NONE,
        ));
    }
}

/// The frame at `w` x `h` after the update step, as text: one line per row, trailing blanks
/// trimmed.
pub fn frame_text(app: &mut App, w: u16, h: u16) -> String {
    let area = Rect::new(0, 0, w, h);
    let mut buf = Buffer::empty(area);
    render::draw_buffer(&mut buf, area, app);
    buffer_text(&buf)
}

/// A buffer as text, one line per row, trailing blanks trimmed.
pub fn buffer_text(buf: &Buffer) -> String {
    let a = buf.area;
    (a.y..a.y + a.height)
        .map(|y| {
            let line: String = (a.x..a.x + a.width).map(|x| buf[(x, y)].symbol()).collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
