//! `snapshot` (ctrl-p): the visible window as a report strip on paper scale, drawn by
//! `crate::snapshot` with the lanes, montage and filters on screen and the reader's events,
//! written as SVG beside the recording (or in the annotations directory when one is set).

use std::path::PathBuf;

use super::param::Arg;
use crate::snapshot::{self, Request};
use crate::text::sanitize;
use crate::tui::app::App;

pub fn write_visible(app: &mut App, _: Arg) {
    let out = target(app);
    let req = request(app);
    app.message = Some(
        match snapshot::write(&app.rec, &req, &out, snapshot::DEFAULT_DPI) {
            Ok(()) => sanitize(&format!("snapshot written: {}", out.display())),
            Err(e) => sanitize(&format!("snapshot not written: {e}")),
        },
    );
}

/// The strip of what is on screen: visible lanes in display order, the current montage and
/// filters, the window (cut at the end of the recording), the reader's events.
pub fn request(app: &App) -> Request {
    let start_s = app.view.start_s.max(0.0);
    let duration_s = app.view.span_s.min(app.rec.duration_s - start_s).max(1e-3);
    Request {
        start_s,
        duration_s,
        lanes: app
            .visible()
            .into_iter()
            .map(|i| app.lanes[i].derivation.clone())
            .collect(),
        montage: app
            .montages
            .get(app.montage)
            .map_or_else(String::new, |m| m.name.clone()),
        speed_mm_s: None,
        sensitivity: None,
        filters_on: app.filters_on,
        filters: app.filters.clone(),
        events: app
            .annot
            .as_ref()
            .map(|a| (a.store.reader.clone(), a.store.events().to_vec())),
    }
}

/// `DIR/STEM.strip-0h00m10s.svg`: DIR is the reader's events directory when marking, else the
/// recording's.
pub fn target(app: &App) -> PathBuf {
    let dir = app
        .annot
        .as_ref()
        .and_then(|a| a.store.paths.events.parent().map(PathBuf::from))
        .or_else(|| app.rec.path.parent().map(PathBuf::from))
        .unwrap_or_default();
    let stem = app
        .rec
        .path
        .file_stem()
        .map_or_else(|| "recording".into(), |s| s.to_string_lossy().into_owned());
    let t = app.view.start_s.max(0.0).floor() as u64;
    dir.join(format!(
        "{stem}.strip-{}h{:02}m{:02}s.svg",
        t / 3600,
        t / 60 % 60,
        t % 60
    ))
}
