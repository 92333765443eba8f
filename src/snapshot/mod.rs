//! Report strips on paper scale: a window of a recording drawn as an SVG whose user unit is the
//! millimetre (ECG at 25 mm/s and 10 mm/mV on the 1/5 mm grid with a calibration pulse per lead,
//! EEG at 30 mm/s and 7 µV/mm with a 1 s grid and a scale bar), and PNG and PDF rendered from
//! that same drawing (resvg, svg2pdf). Headless: `sigmark snapshot` and the viewer's `ctrl-p`
//! both call `write`.
//!
//! The traces are the raw samples through the display filters and montage the viewer uses,
//! decimated to at most four points (first, min, max, last) per 0.1 mm column, so no peak is lost.

mod draw;
mod header;
mod output;
mod raster;
mod select;
mod traces;

use std::path::{Path, PathBuf};

pub use output::{pdf, png, Kind};
pub use select::derivations;

use crate::annotations::Event;
use crate::dsp::{ChannelKind, Derivation, FilterSpec};
use crate::signal::Recording;

/// Dots per inch of a PNG unless asked otherwise.
pub const DEFAULT_DPI: f64 = 300.0;

/// What to draw: a window, the lanes (derivations), and how they are shown.
#[derive(Debug, Clone)]
pub struct Request {
    /// Seconds from the first sample.
    pub start_s: f64,
    pub duration_s: f64,
    pub lanes: Vec<Derivation>,
    /// The montage's name, for the header.
    pub montage: String,
    /// Paper speed in mm/s (default: `dsp::paper::default_speed` of the lanes' dominant kind).
    pub speed_mm_s: Option<f64>,
    /// Sensitivity as the user wrote it (`10`, `20mm/mV`, `7uV/mm`), read per lane's kind.
    pub sensitivity: Option<String>,
    /// False: every lane as recorded.
    pub filters_on: bool,
    /// Filter settings per kind changed from `FilterSpec::default_for` (the viewer's).
    pub filters: Vec<(ChannelKind, FilterSpec)>,
    /// A reader's name and events, drawn under the traces.
    pub events: Option<(String, Vec<Event>)>,
}

impl Request {
    /// The whole recording's first `duration_s` seconds from `start_s`, every channel as
    /// recorded, default filters, no events.
    pub fn new(rec: &Recording, start_s: f64, duration_s: f64) -> Request {
        Request {
            start_s,
            duration_s,
            lanes: Derivation::as_recorded(rec),
            montage: crate::dsp::Montage::as_recorded().name,
            speed_mm_s: None,
            sensitivity: None,
            filters_on: true,
            filters: Vec::new(),
            events: None,
        }
    }

    /// The filter of a lane of `kind`, as the viewer's `App::filter_for`.
    pub fn filter_for(&self, kind: ChannelKind) -> FilterSpec {
        if !self.filters_on {
            return FilterSpec::NONE;
        }
        self.filters
            .iter()
            .find(|f| f.0 == kind)
            .map_or_else(|| FilterSpec::default_for(kind), |f| f.1)
    }
}

/// Why a strip could not be made; each names the value or file at fault.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// A value given by the user that cannot be used (`--start`, `--channel`, ...).
    #[error("{what} {value:?}: {expected}")]
    Value {
        what: &'static str,
        value: String,
        expected: String,
    },
    #[error(transparent)]
    Dsp(#[from] crate::dsp::Error),
    #[error(transparent)]
    Read(#[from] crate::formats::Error),
    #[error(transparent)]
    Store(#[from] crate::annotations::StoreError),
    /// The drawing could not be parsed or rendered (a bug, reported with what failed).
    #[error("rendering the strip as {what}: {detail}")]
    Render { what: &'static str, detail: String },
    #[error("{}: {detail}", path.display())]
    Output { path: PathBuf, detail: String },
}

impl SnapshotError {
    pub(crate) fn value(what: &'static str, value: impl ToString, expected: &str) -> Self {
        SnapshotError::Value {
            what,
            value: value.to_string(),
            expected: expected.to_string(),
        }
    }
}

/// The strip as an SVG document (user unit = 1 mm).
pub fn svg(rec: &Recording, req: &Request) -> Result<String, SnapshotError> {
    check_window(rec, req)?;
    if req.lanes.is_empty() {
        return Err(SnapshotError::value(
            "channels",
            "",
            "at least one channel to draw",
        ));
    }
    let speed = speed(rec, req)?;
    let lanes = traces::lanes(rec, req, speed)?;
    let head = header::lines(rec, req, speed, &lanes);
    Ok(draw::document(
        req,
        speed,
        &lanes,
        &head,
        rec.start.as_ref(),
    ))
}

/// Draws the strip and writes it to `out` (SVG, PDF or PNG by its extension) through a
/// temporary file renamed over it; never over the recording itself.
pub fn write(rec: &Recording, req: &Request, out: &Path, dpi: f64) -> Result<(), SnapshotError> {
    let kind = Kind::of(out)?;
    output::check_target(&rec.path, out)?;
    if !(dpi.is_finite() && (10.0..=2400.0).contains(&dpi)) {
        return Err(SnapshotError::value(
            "--dpi",
            dpi,
            "dots per inch between 10 and 2400",
        ));
    }
    let doc = svg(rec, req)?;
    let bytes = match kind {
        Kind::Svg => doc.into_bytes(),
        Kind::Png => png(&doc, dpi)?,
        Kind::Pdf => pdf(&doc)?,
    };
    crate::annotations::store::write_atomic(out, &bytes).map_err(|e| SnapshotError::Output {
        path: out.to_path_buf(),
        detail: e.to_string(),
    })
}

/// The paper speed, mm/s.
fn speed(rec: &Recording, req: &Request) -> Result<f64, SnapshotError> {
    match req.speed_mm_s {
        Some(s) if s.is_finite() && (1.0..=1000.0).contains(&s) => Ok(s),
        Some(s) => Err(SnapshotError::value(
            "--speed",
            s,
            "a paper speed in mm/s between 1 and 1000 (12.5, 25, 50 for ECG; 15, 30 for EEG)",
        )),
        None => Ok(crate::dsp::paper::default_speed(dominant(rec, req))),
    }
}

/// The kind most lanes are (ECG wins a tie, so a 12-lead strip with a rhythm strip is ECG).
pub(crate) fn dominant(rec: &Recording, req: &Request) -> ChannelKind {
    let kinds: Vec<ChannelKind> = req.lanes.iter().map(|d| kind_of(rec, d)).collect();
    let count = |k: ChannelKind| kinds.iter().filter(|&&x| x == k).count();
    let mut best = ChannelKind::Other;
    for &k in &kinds {
        if count(k) > count(best) || (count(k) == count(best) && k == ChannelKind::Ecg) {
            best = k;
        }
    }
    best
}

/// A lane's kind: its first recorded channel's, as the viewer's lanes.
pub(crate) fn kind_of(rec: &Recording, d: &Derivation) -> ChannelKind {
    d.terms
        .first()
        .and_then(|t| rec.channels.get(t.0))
        .map_or(ChannelKind::Other, ChannelKind::of)
}

fn check_window(rec: &Recording, req: &Request) -> Result<(), SnapshotError> {
    let (s, d) = (req.start_s, req.duration_s);
    if !(s.is_finite() && s >= 0.0 && s < rec.duration_s) {
        return Err(SnapshotError::value(
            "--start",
            s,
            &format!(
                "seconds from the first sample, from 0 to below the recording's {} s",
                rec.duration_s
            ),
        ));
    }
    if !(d.is_finite() && d > 0.0 && d <= 3600.0) {
        return Err(SnapshotError::value(
            "--duration",
            d,
            "a positive number of seconds, at most 3600",
        ));
    }
    Ok(())
}
