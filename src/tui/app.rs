//! The viewer's state and how actions change it. No terminal here: `render` draws this state,
//! `mod.rs` feeds it events, and the unit tests drive it directly.

use std::sync::Arc;

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::action::{Action, Arg, Invocation};
pub use super::background::PyramidJob;
use super::input::Layers;
use super::keymap::Keymap;
use super::theme::Theme;
use super::view::View;
use crate::dsp::{self, ChannelKind, Derivation, FilterSpec, Montage};
use crate::signal::Recording;
use crate::text::sanitize;

/// Display choices of one derivation.
#[derive(Debug, Clone)]
pub struct Lane {
    pub derivation: Derivation,
    /// Label and unit made safe for the terminal.
    pub label: String,
    pub unit: String,
    pub kind: ChannelKind,
    pub rate_hz: f64,
    pub samples: u64,
    /// The recorded channel whose sample times place this lane on the time axis.
    pub anchor: usize,
    /// Physical value at the middle of the lane, and half the lane's height in physical units.
    pub center: f64,
    pub scale: f64,
    /// Set until the first auto-scale from data.
    pub unscaled: bool,
    pub hidden: bool,
    /// Index of this lane in its montage's pyramid.
    pub track: usize,
    /// Calibrated (a sensitivity sets `scale`) or auto-scaled (`scale.rs`).
    pub paper: super::scale::LaneScale,
}

pub struct App {
    pub rec: Arc<Recording>,
    pub file_name: String,
    pub reader: String,
    pub view: View,
    pub keymap: Keymap,
    pub theme: Theme,
    /// What is open above the viewer; the top layer gets the key (`input`).
    pub layers: Layers,
    /// Montages that apply to this recording; `montage` indexes it.
    pub montages: Vec<Montage>,
    pub montage: usize,
    pub lanes: Vec<Lane>,
    /// Display order of `lanes`.
    pub order: Vec<usize>,
    /// Index into `order` of the selected lane.
    pub selected: usize,
    pub solo: Option<usize>,
    /// Channel kinds present, in order of first appearance; `group` picks one (None = all).
    pub groups: Vec<ChannelKind>,
    pub group: Option<usize>,
    pub filters_on: bool,
    /// The user's filter settings per channel kind (defaults until changed).
    pub filters: Vec<(ChannelKind, FilterSpec)>,
    pub mouse: bool,
    /// The overview's build (see `background.rs`).
    pub job: Option<PyramidJob>,
    /// The background jobs and the event loop's channel their results arrive on.
    pub jobs: super::background::Background,
    /// A message for the status bar (an error or a confirmation), cleared by the next key.
    pub message: Option<String>,
    pub quit: bool,
    /// Geometry of the last frame: (x, width) of the waveform area and its top and bottom rows,
    /// for mouse clicks.
    pub wave_area: ratatui::layout::Rect,
    /// Marking events, when a reader's store is open.
    pub annot: Option<super::annotate::Annotating>,
    /// Spectrum, spectrogram and heart-rate views.
    pub freq: super::freq::FreqState,
    /// Adjudicating two readers into the consensus.
    pub adjudication: Option<super::adjudicate::Adjudication>,
    /// The last frame's size and what the user was told (see `quit.rs`).
    pub guard: super::quit::Guard,
    /// What the update step computed for the next frame (`prepare.rs`).
    pub prepared: super::prepare::Prepared,
    /// The caliper: its points, march-out and snap mode (`caliper.rs`).
    pub caliper: super::caliper::Caliper,
    /// Lanes per page (`V`); the page shown is the one holding the selected lane.
    pub per_page: super::prepare::pages::PerPage,
    /// Screen millimetres, sensitivities and paper speed (`scale.rs`).
    pub scale: super::scale::Scale,
    /// Following a file still being written (`follow.rs`).
    pub follow: super::follow::Follow,
    /// Reading within a study: the finish key (`study.rs`).
    pub study: Option<super::study::StudyReading>,
    /// QA of critical labels (`sigmark study qa`).
    pub qa: Option<super::qa::QaMode>,
}

impl App {
    /// A viewer over `rec` with the first applicable montage, starting the pyramid build.
    pub fn new(rec: Recording, keymap: Keymap, theme: Theme, montages: Vec<Montage>) -> App {
        let rec = Arc::new(rec);
        let dominant = dsp::dominant(&rec.channels);
        // The shipped catalogue starts with "Referential (as recorded)"; other kinds of
        // recording get only that.
        let as_recorded = |m: &Montage| m.is_empty() && m.kind == dsp::MontageKind::Referential;
        let mut list: Vec<Montage> = if dsp::montage::applies_to(dominant) {
            montages
        } else {
            Vec::new()
        };
        for m in &mut list {
            m.name = sanitize(&m.name);
        }
        match list.iter().position(as_recorded) {
            Some(i) => list[..=i].rotate_right(1),
            None => list.insert(0, Montage::as_recorded()),
        }
        let file_name = sanitize(&rec.path.file_name().map_or_else(
            || rec.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ));
        // Until a reader's store is attached, nothing is marked: say so, not a guessed name.
        let reader = super::quit::VIEW_ONLY.to_string();
        let duration = super::prepare::annots::time_extent(&rec);
        let mut scale = super::scale::Scale::new(dominant);
        let span = super::actions::scale::opening_span(&mut scale, &rec, &Default::default());
        let mut app = App {
            view: View::new(duration, span),
            rec,
            file_name,
            reader,
            keymap,
            theme,
            layers: Layers::default(),
            montages: list,
            montage: 0,
            lanes: Vec::new(),
            order: Vec::new(),
            selected: 0,
            solo: None,
            groups: Vec::new(),
            group: None,
            filters_on: true,
            filters: Vec::new(),
            mouse: false,
            job: None,
            jobs: super::background::Background::new(),
            message: None,
            quit: false,
            wave_area: ratatui::layout::Rect::default(),
            annot: None,
            freq: super::freq::FreqState::new(),
            adjudication: None,
            guard: super::quit::Guard::default(),
            prepared: super::prepare::Prepared::default(),
            caliper: super::caliper::Caliper::default(),
            per_page: Default::default(),
            scale,
            follow: Default::default(),
            study: None,
            qa: None,
        };
        app.set_lanes(Derivation::as_recorded(&app.rec));
        app
    }

    /// Switches to montage `index`; an error (a missing electrode) leaves the current one.
    pub fn select_montage(&mut self, index: usize) -> Result<(), String> {
        let m = self
            .montages
            .get(index)
            .ok_or_else(|| format!("no montage {index}"))?;
        let derivations = m.resolve(&self.rec).map_err(|e| sanitize(&e.to_string()))?;
        self.montage = index;
        self.set_lanes(derivations);
        Ok(())
    }

    /// Selects a montage by (case-insensitive) name or file stem.
    pub fn select_montage_named(&mut self, name: &str) -> Result<(), String> {
        let want = name.to_ascii_lowercase();
        let index = self
            .montages
            .iter()
            .position(|m| {
                m.name.to_ascii_lowercase() == want
                    || m.path
                        .file_stem()
                        .is_some_and(|s| s.to_string_lossy().to_ascii_lowercase() == want)
            })
            .ok_or_else(|| {
                let names: Vec<String> = self
                    .montages
                    .iter()
                    .map(|m| {
                        m.path
                            .file_stem()
                            .map_or(m.name.clone(), |s| s.to_string_lossy().into_owned())
                    })
                    .collect();
                format!(
                    "no montage {name:?} for this recording; available: {}",
                    names.join(", ")
                )
            })?;
        self.select_montage(index)
    }

    fn set_lanes(&mut self, derivations: Vec<Derivation>) {
        // Keep scales of lanes that stay (same label), so switching montages back keeps them.
        let old: Vec<(String, f64, f64, bool, super::scale::LaneScale)> = self
            .lanes
            .iter()
            .map(|l| (l.label.clone(), l.center, l.scale, l.unscaled, l.paper))
            .collect();
        let mut lanes = Vec::with_capacity(derivations.len());
        let mut usable = Vec::with_capacity(derivations.len());
        for d in derivations {
            let Ok(shape) = d.shape(&self.rec) else {
                continue;
            };
            let anchor = d.terms.first().map_or(0, |t| t.0);
            let kind = self
                .rec
                .channels
                .get(anchor)
                .map_or(ChannelKind::Other, ChannelKind::of);
            let label = sanitize(&d.label);
            let unit = sanitize(&d.unit);
            let fresh = super::actions::scale::new_lane_scale(&self.scale, kind, &unit);
            let (center, scale, unscaled, paper) = old
                .iter()
                .find(|o| o.0 == label)
                .map_or((0.0, 1.0, true, fresh), |o| (o.1, o.2, o.3, o.4));
            lanes.push(Lane {
                label,
                unit,
                kind,
                rate_hz: shape.rate_hz,
                samples: shape.samples,
                anchor,
                center,
                scale,
                unscaled,
                hidden: false,
                track: usable.len(),
                paper,
                derivation: d.clone(),
            });
            usable.push(d);
        }
        self.start_pyramid(usable);
        self.order = (0..lanes.len()).collect();
        self.lanes = lanes;
        self.selected = 0;
        self.solo = None;
        let mut groups = Vec::new();
        for l in &self.lanes {
            if !groups.contains(&l.kind) {
                groups.push(l.kind);
            }
        }
        self.groups = groups;
        self.group = None;
    }

    /// Lanes to draw, in display order.
    pub fn visible(&self) -> Vec<usize> {
        if let Some(s) = self.solo {
            return vec![s];
        }
        let group = self.group.and_then(|g| self.groups.get(g)).copied();
        self.order
            .iter()
            .copied()
            .filter(|&i| !self.lanes[i].hidden && group.is_none_or(|k| self.lanes[i].kind == k))
            .collect()
    }

    /// The selected lane's index into `lanes`, when any lane is visible.
    pub fn selected_lane(&self) -> Option<usize> {
        let vis = self.visible();
        vis.get(self.selected.min(vis.len().saturating_sub(1)))
            .copied()
    }

    /// The filter applied to a lane of `kind` (none when filters are off).
    pub fn filter_for(&self, kind: ChannelKind) -> FilterSpec {
        if !self.filters_on {
            return FilterSpec::NONE;
        }
        self.filters
            .iter()
            .find(|f| f.0 == kind)
            .map_or_else(|| FilterSpec::default_for(kind), |f| f.1)
    }

    pub(crate) fn set_filter(&mut self, kind: ChannelKind, spec: FilterSpec) {
        match self.filters.iter_mut().find(|f| f.0 == kind) {
            Some(slot) => slot.1 = spec,
            None => self.filters.push((kind, spec)),
        }
    }

    /// Seconds from the start to the first sample time of the day, when the start is known.
    pub fn start_of_day(&self) -> Option<f64> {
        self.rec.start.map(|s| s.seconds_of_day())
    }

    /// Why the overview could not be built, if it failed.
    pub fn pyramid_failure(&self) -> Option<String> {
        self.job.as_ref().and_then(|j| j.failed.clone())
    }

    pub fn pyramid_fraction(&self) -> f64 {
        self.job.as_ref().map_or(1.0, |j| j.fraction())
    }

    pub fn is_building(&self) -> bool {
        self.job.as_ref().is_some_and(|j| {
            !j.is_complete()
                && !j.ticket.is_cancelled()
                && !j.ticket.is_done()
                && j.failed.is_none()
        })
    }

    /// A background job whose progress the screen shows is running.
    pub fn is_busy(&self) -> bool {
        self.is_building()
            || self
                .freq
                .spectrogram
                .as_ref()
                .is_some_and(|s| !s.job.is_done())
            || self.freq.beats.as_ref().is_some_and(|b| !b.job.is_done())
    }

    /// Waits for the pyramid and applies its result (tests and benchmarks).
    pub fn wait_for_pyramid(&mut self) {
        self.wait_for(crate::jobs::Slot::Pyramid);
    }

    pub fn on_mouse(&mut self, ev: MouseEvent) {
        // The too-small screen shows nothing of the recording: the wheel must not scroll blind.
        if !self.mouse || self.guard.too_small {
            return;
        }
        let a = self.wave_area;
        let inside = ev.column >= a.x
            && ev.column < a.x + a.width
            && ev.row >= a.y
            && ev.row < a.y + a.height;
        match ev.kind {
            MouseEventKind::ScrollDown => self.run(fine_scroll(1.0)),
            MouseEventKind::ScrollUp => self.run(fine_scroll(-1.0)),
            MouseEventKind::Down(MouseButton::Left) if inside && a.width > 0 => {
                let frac = (f64::from(ev.column - a.x) + 0.5) / f64::from(a.width);
                let t = self.view.start_s + frac * self.view.span_s;
                self.view.move_cursor(t - self.view.cursor_s);
            }
            _ => {}
        }
    }

    /// Runs an action with its parameter, as a keymap row would.
    pub fn apply(&mut self, action: Action, arg: Arg) {
        self.run(Invocation::new(action, arg));
    }
}

/// What the mouse wheel runs: `scroll fine 1` (or -1).
fn fine_scroll(n: f64) -> Invocation {
    Invocation::new(Action::Scroll, Arg::Window { div: 10.0, n })
}
