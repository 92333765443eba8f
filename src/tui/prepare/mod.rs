//! The update step: everything a frame needs, computed after each input, job result or resize
//! and before drawing, so the widgets only draw. It lays the screen out (the waveform area is
//! kept for mouse clicks), computes the visible lanes' columns and auto-scales them, the
//! spectrum, the spectrogram's pixels, the heart-rate series, the event list under its
//! filter, the adjudication progress and the status text, and requests the spectrogram job.
//! Each part is cached by what it depends on (window, span, montage, filters, area, store
//! revision), so a frame where nothing changed does no work.

pub mod annots;
pub mod caliper;
mod columns;
pub mod heart;
pub mod index;
pub mod labels;
pub mod lists;
pub mod pages;
pub mod paper;
pub mod readout;
pub mod spectrogram;
pub mod spectrum;
mod status;
pub mod subrows;

use ratatui::layout::Rect;
use rayon::prelude::*;

pub use columns::{autoscale, lane_columns};
pub use status::status_line;

use super::app::App;
use super::widgets::{MIN_HEIGHT, MIN_WIDTH};
use crate::dsp::{ChannelKind, FilterSpec};

/// Rows under the lanes besides the event lanes: two axis rows and the status bar.
const AXIS_AND_STATUS: u16 = 3;

/// The event lanes under the waveforms, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventLane {
    /// The recording's own annotations (EDF+ TAL), read-only.
    File,
    /// The reader's events.
    Reader,
    /// Another reader's events, read-only (`--show-readers`), by index.
    Other(usize),
    /// Sleep stages of the reader's epoch events.
    Hypnogram,
}

/// Where each part of the frame goes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    pub area: Rect,
    /// The waveform traces and their gutter (above the heart-rate and spectrogram panels).
    pub lanes: Rect,
    /// The waveform's columns from the top down to the event lanes (cursor, time axis).
    pub wave: Rect,
    /// Height of everything above the event lanes.
    pub lanes_h: u16,
    pub spectrum: Option<Rect>,
    /// Heart-rate lane and spectrogram: each a row band with its gutter.
    pub heart_rate: Option<Rect>,
    pub spectrogram: Option<Rect>,
    /// The spectrogram's colour bar, at the right of its band.
    pub colorbar: Option<Rect>,
    pub event_lanes: Vec<EventLane>,
    /// Rows of the hypnogram lane (a step plot from 5, else a one-row strip).
    pub hypnogram_h: u16,
    /// Rows of the reader's lane (its overlapping events' sub-rows, `subrows.rs`).
    pub reader_h: u16,
    /// First row of the event lanes; the time axis follows them.
    pub y_events: u16,
    /// Width of every band's gutter (labels, titles), from the longest label.
    pub gutter: u16,
}

/// What the lanes widget draws: the visible lanes' columns, in display order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LanesView {
    key: Option<LanesKey>,
    /// Some column was still waiting for the overview: recompute next time.
    pending: bool,
    /// Lane indices shown, top to bottom, and one (min, max) per dot column of each.
    pub shown: Vec<usize>,
    pub cols: Vec<Vec<(f32, f32)>>,
    /// Row (in `shown`) of the selected lane.
    pub selected_row: usize,
    /// `ch 17-32 of 64` when the page does not hold every visible lane (the status bar).
    pub note: Option<String>,
    pub lane_h: u16,
}

#[derive(Debug, Clone, PartialEq)]
struct LanesKey {
    start_s: f64,
    span_s: f64,
    montage: usize,
    filters_on: bool,
    filters: Vec<(ChannelKind, FilterSpec)>,
    wave: Rect,
    shown: Vec<usize>,
}

/// Everything the widgets draw besides the app's own state.
#[derive(Default)]
pub struct Prepared {
    pub too_small: bool,
    pub layout: Layout,
    pub lanes: LanesView,
    pub spectrum: spectrum::SpectrumCache,
    pub spectrogram: spectrogram::SpectrogramCache,
    pub heart: heart::HeartCache,
    pub event_list: lists::EventListView,
    pub adjudication: lists::AdjudicationView,
    /// The value of each shown lane at the cursor, and the selected lane's range in view.
    pub readout: readout::Readout,
    /// The recording's annotations, the reader's events and the other readers' events by time.
    pub file_events: index::TimeIndex,
    pub reader_events: index::TimeIndex,
    pub other_events: Vec<index::TimeIndex>,
    /// The file-events lane per column (counts where annotations crowd).
    pub file_lane: annots::FileLane,
    pub status: String,
    /// The caliper's points, figures and march-out ticks.
    pub caliper: caliper::CaliperView,
    /// Each lane's label as the gutter shows it (by index into `App::lanes`), and what they
    /// were made for with the gutter's width (`labels.rs`).
    pub labels: Vec<String>,
    pub labels_key: Option<(labels::Key, u16)>,
    /// Whether the recording's annotations score sleep stages (found once).
    pub file_stages: Option<bool>,
    /// Value ranges of the lanes read by range (`paper.rs`).
    pub paper: paper::PaperView,
    /// The reader's events' sub-rows and the reader lane's height.
    pub subrows: subrows::SubRows,
}

/// Prepares the frame for `area`: run after each input, job result or resize, before drawing.
pub fn prepare(app: &mut App, area: Rect) {
    app.guard.too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    app.prepared.too_small = app.guard.too_small;
    if app.guard.too_small {
        app.wave_area = Rect::default();
        app.prepared.layout = Layout {
            area,
            ..Layout::default()
        };
        return;
    }
    if app.freq.spectrogram.is_some() {
        super::freq::ensure_spectrogram(app);
    }
    if app.prepared.file_stages.is_none() {
        app.prepared.file_stages = Some(super::widgets::hypnogram::file_has_stages(&app.rec));
    }
    prepare_events(app);
    subrows::refresh(app);
    let gutter = labels::refresh(app, area.width);
    let layout = layout(app, area, gutter);
    app.wave_area = layout.lanes_traces();
    app.prepared.layout = layout;
    paper::follow_speed(app);
    prepare_lanes(app);
    paper::refresh(app);
    readout::refresh(app);
    caliper::refresh(app);
    prepare_panels(app);
    annots::refresh(app, app.prepared.layout.wave.width);
    lists::refresh_event_list(app);
    lists::refresh_adjudication(app);
    app.prepared.status = status::status_text(app);
}

impl Layout {
    /// The waveform traces without their gutter (where a click moves the cursor).
    pub fn lanes_traces(&self) -> Rect {
        Rect::new(
            self.lanes.x + self.gutter.min(self.lanes.width),
            self.lanes.y,
            self.lanes.width.saturating_sub(self.gutter),
            self.lanes.height,
        )
    }
}

fn event_lanes(app: &App) -> Vec<EventLane> {
    let mut v = vec![EventLane::File];
    let mut stages = app.prepared.file_stages == Some(true);
    if let Some(a) = &app.annot {
        v.push(EventLane::Reader);
        v.extend((0..a.others.len()).map(EventLane::Other));
        stages |= app.layers.epoch_mode() || a.has_epoch_events();
    }
    if stages {
        v.push(EventLane::Hypnogram);
    }
    v
}

/// Splits `area` (at least `MIN_WIDTH` x `MIN_HEIGHT`) into the frame's parts.
fn layout(app: &App, area: Rect, gutter: u16) -> Layout {
    let mut ev_lanes = event_lanes(app);
    // Keep at least two rows of waveform: drop read-only lanes of other readers first.
    while ev_lanes.len() > 1 && area.height < AXIS_AND_STATUS + ev_lanes.len() as u16 + 2 {
        ev_lanes.remove(if ev_lanes.len() > 2 { 2 } else { 0 });
    }
    let hypno = ev_lanes.contains(&EventLane::Hypnogram);
    let fixed = AXIS_AND_STATUS + ev_lanes.len() as u16;
    let reader_h = match ev_lanes.contains(&EventLane::Reader) {
        true => subrows::lane_height(app, area.height, fixed, 2),
        false => 1,
    };
    let hypnogram_h = if hypno && area.height >= fixed + reader_h - 1 + 16 {
        5
    } else {
        1
    };
    let bottom = fixed + hypnogram_h - 1 + reader_h - 1;
    let lanes_h = area.height.saturating_sub(bottom);
    // Panels take room from the lanes: the spectrum on the right, the spectrogram and the
    // heart-rate lane at the bottom, sharing the waveform's columns (its time axis).
    let spectrum_w = if app.freq.spectrum_on && area.width >= gutter + 60 {
        (area.width / 3).max(40)
    } else {
        0
    };
    let sg_on = app.freq.spectrogram.is_some() && lanes_h >= 10;
    let bar_w = super::widgets::colorbar::WIDTH * u16::from(sg_on);
    let wave_w = area.width - gutter - spectrum_w - bar_w;
    let hr_h = if app.freq.heart_rate_on && app.freq.beats.is_some() && lanes_h >= 8 {
        3
    } else {
        0
    };
    let sg_h = if sg_on { (lanes_h / 4).max(4) } else { 0 };
    let traces_h = lanes_h - hr_h - sg_h;
    let band = |y: u16, h: u16| (h > 0).then(|| Rect::new(area.x, y, gutter + wave_w, h));
    Layout {
        area,
        lanes: Rect::new(area.x, area.y, gutter + wave_w, traces_h),
        wave: Rect::new(area.x + gutter, area.y, wave_w, lanes_h),
        lanes_h,
        spectrum: (spectrum_w > 0).then(|| {
            Rect::new(
                area.x + area.width - spectrum_w,
                area.y,
                spectrum_w,
                lanes_h,
            )
        }),
        heart_rate: band(area.y + traces_h, hr_h),
        spectrogram: band(area.y + traces_h + hr_h, sg_h),
        colorbar: (sg_h > 0).then(|| {
            Rect::new(
                area.x + gutter + wave_w,
                area.y + traces_h + hr_h,
                bar_w,
                sg_h,
            )
        }),
        y_events: area.y + lanes_h,
        event_lanes: ev_lanes,
        hypnogram_h,
        reader_h,
        gutter,
    }
}

/// The visible lanes' columns (on every core: the lanes are independent), recomputed only when
/// the window, montage, filters, area or the lanes shown change, or the overview was pending;
/// then the auto-scale of lanes not scaled yet.
fn prepare_lanes(app: &mut App) {
    let wave = app.wave_area;
    let vis = app.visible();
    let view = &mut app.prepared.lanes;
    if vis.is_empty() || wave.height == 0 {
        *view = LanesView::default();
        return;
    }
    let page = pages::current(app, vis.len());
    let view = &mut app.prepared.lanes;
    let shown = vis[page.first..page.end].to_vec();
    view.selected_row = app.selected.min(vis.len() - 1) - page.first;
    view.lane_h = page.lane_h;
    view.note = page.label(vis.len());
    let key = LanesKey {
        start_s: app.view.start_s,
        span_s: app.view.span_s,
        montage: app.montage,
        filters_on: app.filters_on,
        filters: app.filters.clone(),
        wave,
        shown,
    };
    if view.key.as_ref() != Some(&key) || view.pending || app.is_building() {
        let dots = usize::from(wave.width) * 2;
        let app_ref: &App = app;
        let computed: Vec<(Vec<(f32, f32)>, usize)> = key
            .shown
            .par_iter()
            .map(|&i| lane_columns(app_ref, i, dots))
            .collect();
        let view = &mut app.prepared.lanes;
        view.pending = computed.iter().any(|c| c.1 > 0);
        view.cols = computed.into_iter().map(|c| c.0).collect();
        view.shown = key.shown.clone();
        view.key = Some(key);
    }
    let view = &app.prepared.lanes;
    for (&i, cols) in view.shown.iter().zip(&view.cols) {
        if app.lanes[i].unscaled {
            autoscale(&mut app.lanes[i], cols);
        }
    }
}

/// The spectrum, heart-rate and spectrogram data for the panels that are shown.
fn prepare_panels(app: &mut App) {
    let layout = app.prepared.layout.clone();
    match layout.spectrum {
        Some(r) if r.width >= 20 && r.height >= 6 => spectrum::refresh(app),
        // Hidden: the last PSD stays cached for when the panel comes back.
        _ => {}
    }
    heart::refresh(app, layout.wave.width);
    match layout.spectrogram {
        Some(r) => spectrogram::refresh(app, layout.wave.width, r.height),
        None => app.prepared.spectrogram = Default::default(),
    }
}

/// The time indexes of the event lanes (rebuilt only when the events change).
fn prepare_events(app: &mut App) {
    let anns = &app.rec.annotations;
    app.prepared.file_events.refresh(
        (0, anns.len()),
        anns.iter().map(|a| {
            let dur = a.duration_s.unwrap_or(0.0).max(0.0);
            (a.onset_s, a.onset_s + dur)
        }),
    );
    let Some(a) = &app.annot else { return };
    let events = a.store.events();
    let p = &mut app.prepared;
    p.reader_events.refresh(
        (a.store.revision(), events.len()),
        events.iter().map(|e| (e.onset, e.end())),
    );
    p.other_events.resize_with(a.others.len(), Default::default);
    for (ix, (_, ev)) in p.other_events.iter_mut().zip(&a.others) {
        ix.refresh((0, ev.len()), ev.iter().map(|e| (e.onset, e.end())));
    }
}
