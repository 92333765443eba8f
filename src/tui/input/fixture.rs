//! An app marking the demo ECG, for the unit tests of the input stack and help.

use std::path::Path;

use crate::tui::{attach_annotations, App, ColorMode, Keymap, Options, Theme};

pub struct Fixture {
    pub app: App,
    _dir: tempfile::TempDir,
}

/// The demo ECG with reader "tester" marking with the ECG labels under `keymap`, files in a
/// temporary directory.
pub fn annotating_with(keymap: Keymap) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    let rec = crate::open(&src).unwrap();
    let mut app = App::new(rec, keymap, Theme::new(ColorMode::NoColor), Vec::new());
    let opts = Options {
        reader: Some("tester".into()),
        keymap: Some("ecg".into()),
        annotations_dir: Some(dir.path().to_path_buf()),
        ..Options::default()
    };
    attach_annotations(&mut app, "tester", &opts).unwrap();
    Fixture { app, _dir: dir }
}

pub fn annotating() -> Fixture {
    annotating_with(Keymap::shipped().unwrap())
}

/// The frame as text, one line per row.
pub fn frame(app: &mut App, w: u16, h: u16) -> String {
    let area = ratatui::layout::Rect::new(0, 0, w, h);
    let mut buf = ratatui::buffer::Buffer::empty(area);
    crate::tui::render::draw_buffer(&mut buf, area, app);
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}
