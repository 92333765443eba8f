//! The viewer's state and how actions change it. No terminal here: `render` draws this state,
//! `mod.rs` feeds it events, and the unit tests drive it directly.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::action::Action;
use super::keymap::Keymap;
use super::theme::Theme;
use super::view::{self, View};
use crate::dsp::{self, ChannelKind, Derivation, FilterSpec, Montage, SharedPyramid};
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
}

/// The background build of one montage's pyramid.
pub struct PyramidJob {
    pub pyramid: SharedPyramid,
    pub progress: Arc<AtomicU64>,
    pub total: u64,
    pub cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
    pub failed: Arc<std::sync::Mutex<Option<String>>>,
}

impl PyramidJob {
    fn start(rec: &Arc<Recording>, derivations: Vec<Derivation>) -> Result<PyramidJob, dsp::Error> {
        let pyramid = SharedPyramid::new(rec, derivations)?;
        let total = pyramid.read().progress().1;
        let progress = Arc::new(AtomicU64::new(0));
        let cancel = Arc::new(AtomicBool::new(false));
        let failed = Arc::new(std::sync::Mutex::new(None));
        let (p, pr, c, r, f) = (
            pyramid.clone(),
            progress.clone(),
            cancel.clone(),
            rec.clone(),
            failed.clone(),
        );
        let handle = std::thread::Builder::new()
            .name("pyramid".into())
            .spawn(move || {
                // A panic here must not leave the status bar at "overview N%" for ever.
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.build(&r, &pr, &c)));
                let failure = match outcome {
                    Ok(Ok(_)) => None,
                    Ok(Err(e)) => Some(sanitize(&e.to_string())),
                    Err(_) => Some("internal error while building the overview".to_string()),
                };
                if let (Some(msg), Ok(mut slot)) = (failure, f.lock()) {
                    *slot = Some(msg);
                }
            })
            .ok();
        Ok(PyramidJob {
            pyramid,
            progress,
            total,
            cancel,
            handle,
            failed,
        })
    }

    /// Fraction of samples decimated so far.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.progress.load(Ordering::Relaxed) as f64 / self.total as f64).min(1.0)
        }
    }

    pub fn is_complete(&self) -> bool {
        self.pyramid.read().is_complete()
    }

    /// Waits for the build to end (tests and benchmarks).
    pub fn wait(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for PyramidJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.wait();
    }
}

/// What the keyboard is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a jump target.
    Jump(String),
    Help,
}

impl Mode {
    pub fn name(&self) -> &'static str {
        match self {
            Mode::Normal => "VIEW",
            Mode::Jump(_) => "JUMP",
            Mode::Help => "HELP",
        }
    }
}

/// Filter cutoffs the cycle keys step through.
const HIGHPASS_STEPS: [Option<f64>; 6] =
    [None, Some(0.1), Some(0.3), Some(0.5), Some(1.0), Some(5.0)];
const LOWPASS_STEPS: [Option<f64>; 6] = [
    None,
    Some(15.0),
    Some(30.0),
    Some(40.0),
    Some(70.0),
    Some(100.0),
];
const NOTCH_STEPS: [Option<f64>; 3] = [None, Some(50.0), Some(60.0)];

/// A lane scale kept finite and non-zero however often the amplitude keys are pressed.
fn bounded(scale: f64) -> f64 {
    scale.clamp(1e-12, 1e12)
}

/// Amplitude step of one key press.
const AMP_STEP: f64 = 1.5;

pub struct App {
    pub rec: Arc<Recording>,
    pub file_name: String,
    pub reader: String,
    pub view: View,
    pub keymap: Keymap,
    pub theme: Theme,
    pub mode: Mode,
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
    pub job: Option<PyramidJob>,
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
        let span = view::PRESETS[3].min(rec.duration_s.max(1.0));
        let mut app = App {
            view: View::new(rec.duration_s, span),
            rec,
            file_name,
            reader,
            keymap,
            theme,
            mode: Mode::Normal,
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
            message: None,
            quit: false,
            wave_area: ratatui::layout::Rect::default(),
            annot: None,
            freq: super::freq::FreqState::new(),
            adjudication: None,
            guard: super::quit::Guard::default(),
            prepared: super::prepare::Prepared::default(),
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
        let old: Vec<(String, f64, f64, bool)> = self
            .lanes
            .iter()
            .map(|l| (l.label.clone(), l.center, l.scale, l.unscaled))
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
            let (center, scale, unscaled) = old
                .iter()
                .find(|o| o.0 == label)
                .map_or((0.0, 1.0, true), |o| (o.1, o.2, o.3));
            lanes.push(Lane {
                label,
                unit: sanitize(&d.unit),
                kind,
                rate_hz: shape.rate_hz,
                samples: shape.samples,
                anchor,
                center,
                scale,
                unscaled,
                hidden: false,
                track: usable.len(),
                derivation: d.clone(),
            });
            usable.push(d);
        }
        self.job = None; // cancels and joins a previous build
        self.job = match PyramidJob::start(&self.rec, usable) {
            Ok(j) => Some(j),
            Err(e) => {
                self.message = Some(sanitize(&e.to_string()));
                None
            }
        };
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

    fn set_filter(&mut self, kind: ChannelKind, spec: FilterSpec) {
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
        self.job
            .as_ref()
            .and_then(|j| j.failed.lock().ok().and_then(|f| f.clone()))
    }

    pub fn pyramid_fraction(&self) -> f64 {
        self.job.as_ref().map_or(1.0, |j| j.fraction())
    }

    pub fn is_building(&self) -> bool {
        self.job.as_ref().is_some_and(|j| {
            !j.is_complete()
                && !j.cancel.load(Ordering::Relaxed)
                && j.failed.lock().map_or(true, |f| f.is_none())
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

    /// Waits for the pyramid (tests and benchmarks).
    pub fn wait_for_pyramid(&mut self) {
        if let Some(j) = self.job.as_mut() {
            j.wait();
        }
    }

    pub fn on_key(&mut self, ev: KeyEvent) {
        if ev.kind == crossterm::event::KeyEventKind::Release {
            return;
        }
        self.message = None;
        if self.quit_key(ev) {
            return;
        }
        match &mut self.mode {
            Mode::Jump(_) => {
                self.jump_key(ev);
                return;
            }
            Mode::Help => {
                match self.keymap.action(ev) {
                    Some(Action::Quit) => self.request_quit(),
                    _ => self.mode = Mode::Normal,
                }
                return;
            }
            Mode::Normal => {}
        }
        if ev.code == KeyCode::Char('c') && ev.modifiers.contains(KeyModifiers::CONTROL) {
            self.request_quit();
            return;
        }
        if self.annotate_text_key(ev) {
            return;
        }
        if let Some(a) = self.keymap.action(ev) {
            self.apply(a);
        } else if !self.label_key(super::keymap::Key::from_event(ev)) {
            self.unbound_key(ev);
        }
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
            MouseEventKind::ScrollDown => self.apply(Action::ScrollForwardFine),
            MouseEventKind::ScrollUp => self.apply(Action::ScrollBackFine),
            MouseEventKind::Down(MouseButton::Left) if inside && a.width > 0 => {
                let frac = (f64::from(ev.column - a.x) + 0.5) / f64::from(a.width);
                let t = self.view.start_s + frac * self.view.span_s;
                self.view.move_cursor(t - self.view.cursor_s);
            }
            _ => {}
        }
    }

    pub fn apply(&mut self, action: Action) {
        let span = self.view.span_s;
        let n_visible = self.visible().len();
        match action {
            Action::Quit => self.request_quit(),
            Action::Help => self.mode = Mode::Help,
            Action::CursorLeft => self.view.move_cursor(-span / 50.0),
            Action::CursorRight => self.view.move_cursor(span / 50.0),
            Action::ScrollBackFine => self.view.scroll(-span / 10.0),
            Action::ScrollForwardFine => self.view.scroll(span / 10.0),
            Action::ScrollBackHalf => self.view.scroll(-span / 2.0),
            Action::ScrollForwardHalf => self.view.scroll(span / 2.0),
            Action::ScrollBackPage => self.view.scroll(-span),
            Action::ScrollForwardPage => self.view.scroll(span),
            Action::GoStart => self.view.go_start(),
            Action::GoEnd => self.view.go_end(),
            Action::JumpTo => self.mode = Mode::Jump(String::new()),
            Action::ZoomIn => self.view.zoom_in(),
            Action::ZoomOut => self.view.zoom_out(),
            Action::ZoomAll => self.view.zoom_all(),
            Action::AmpUp => self
                .lanes
                .iter_mut()
                .for_each(|l| l.scale = bounded(l.scale / AMP_STEP)),
            Action::AmpDown => self
                .lanes
                .iter_mut()
                .for_each(|l| l.scale = bounded(l.scale * AMP_STEP)),
            Action::AmpAuto => self.lanes.iter_mut().for_each(|l| l.unscaled = true),
            Action::ChannelAmpUp | Action::ChannelAmpDown => {
                if let Some(i) = self.selected_lane() {
                    let f = if action == Action::ChannelAmpUp {
                        1.0 / AMP_STEP
                    } else {
                        AMP_STEP
                    };
                    self.lanes[i].scale = bounded(self.lanes[i].scale * f);
                }
            }
            Action::SelectNext => {
                self.selected = (self.selected + 1).min(n_visible.saturating_sub(1))
            }
            Action::SelectPrev => self.selected = self.selected.saturating_sub(1),
            Action::HideChannel => {
                if n_visible <= 1 {
                    self.message = Some("the last visible channel cannot be hidden".into());
                } else if let Some(i) = self.selected_lane() {
                    self.lanes[i].hidden = true;
                    self.solo = None;
                    self.selected = self.selected.min(n_visible.saturating_sub(2));
                }
            }
            Action::ShowAll => {
                self.lanes.iter_mut().for_each(|l| l.hidden = false);
                self.solo = None;
                self.group = None;
                self.selected = 0;
            }
            Action::SoloChannel => {
                if self.solo.is_some() {
                    let s = self.solo.take();
                    self.selected = self
                        .visible()
                        .iter()
                        .position(|&i| Some(i) == s)
                        .unwrap_or(0);
                } else {
                    self.solo = self.selected_lane();
                    self.selected = 0;
                }
            }
            Action::MoveChannelUp | Action::MoveChannelDown => {
                self.move_selected(action == Action::MoveChannelUp)
            }
            Action::NextGroup => {
                self.solo = None;
                self.group = match self.group {
                    None if self.groups.len() > 1 => Some(0),
                    Some(g) if g + 1 < self.groups.len() => Some(g + 1),
                    _ => None,
                };
                self.selected = 0;
                self.message = Some(match self.group.and_then(|g| self.groups.get(g)) {
                    Some(k) => format!("showing {} channels", k.name()),
                    None => "showing all channels".into(),
                });
            }
            Action::NextMontage => {
                if self.montages.len() <= 1 {
                    self.message = Some(
                        "montages apply to EEG recordings; this one is shown as recorded".into(),
                    );
                    return;
                }
                let mut next = self.montage;
                for _ in 0..self.montages.len() {
                    next = (next + 1) % self.montages.len();
                    match self.select_montage(next) {
                        Ok(()) => return,
                        Err(e) => self.message = Some(e),
                    }
                }
            }
            Action::ToggleFilters => self.filters_on = !self.filters_on,
            Action::CycleHighpass | Action::CycleLowpass | Action::CycleNotch => {
                self.cycle_filter(action)
            }
            Action::MarkIn
            | Action::MarkOut
            | Action::CancelMark
            | Action::NextEvent
            | Action::PrevEvent
            | Action::DeleteEvent
            | Action::Undo
            | Action::Redo
            | Action::Relabel
            | Action::EditNote
            | Action::ToggleCertainty
            | Action::ToggleScope
            | Action::MoveEventBack
            | Action::MoveEventForward
            | Action::ShrinkEvent
            | Action::GrowEvent
            | Action::EpochMode
            | Action::EventList
            | Action::CopyAnnotation
            | Action::Save => self.annotate_action(action),
            Action::ToggleSpectrum => {
                self.freq.spectrum_on = !self.freq.spectrum_on;
            }
            Action::ToggleSpectrogram => {
                if self.freq.spectrogram.take().is_none() {
                    super::freq::ensure_spectrogram(self);
                }
            }
            Action::ToggleHeartRate => {
                self.freq.heart_rate_on = !self.freq.heart_rate_on;
                if self.freq.heart_rate_on {
                    super::freq::ensure_beats(self);
                }
            }
            Action::FreqCursorLeft | Action::FreqCursorRight => {
                let step = (1.0 / self.freq.segment_s).max(0.1);
                let d = if action == Action::FreqCursorLeft {
                    -step
                } else {
                    step
                };
                self.freq.cursor_hz = (self.freq.cursor_hz + d).max(0.0);
            }
            Action::SegmentShorter => self.freq.segment_s = (self.freq.segment_s / 2.0).max(0.25),
            Action::SegmentLonger => self.freq.segment_s = (self.freq.segment_s * 2.0).min(16.0),
            Action::AcceptBeats => self.accept_beats(),
            Action::NextDisagreement => self.next_disagreement(true),
            Action::PrevDisagreement => self.next_disagreement(false),
            Action::AcceptA => self.resolve(super::adjudicate::Choice::A),
            Action::AcceptB => self.resolve(super::adjudicate::Choice::B),
            Action::AcceptBoth => self.resolve(super::adjudicate::Choice::Both),
            Action::RejectBoth => self.resolve(super::adjudicate::Choice::Reject),
            Action::EditDisagreement => self.resolve(super::adjudicate::Choice::Edit),
            Action::DisagreementList => match self.adjudication.as_mut() {
                Some(a) => a.list_open = !a.list_open,
                None => self.message = Some("not adjudicating: open with --compare A B".into()),
            },
            Action::ToggleMouse => {
                self.mouse = !self.mouse;
                self.message = Some(
                    if self.mouse {
                        "mouse on: click moves the cursor, wheel scrolls"
                    } else {
                        "mouse off"
                    }
                    .into(),
                );
            }
        }
    }

    /// Adds the detected beats inside the view to the reader's events as point events labelled
    /// `beat` (at most 2,000 at once: each is journaled), as one undo step.
    fn accept_beats(&mut self) {
        let Some(beats) = super::freq::beats(self) else {
            self.message =
                Some("no detected beats yet: R shows the heart-rate lane and detects them".into());
            return;
        };
        let Some(b) = &self.freq.beats else { return };
        let ch = b.channel;
        let (a, z) = (
            self.rec.sample_at_or_after(ch, self.view.start_s),
            self.rec.sample_at_or_after(ch, self.view.end_s()),
        );
        let inside: Vec<f64> = beats
            .iter()
            .filter(|&&s| s >= a && s < z)
            .map(|&s| self.rec.sample_time(ch, s))
            .collect();
        if inside.len() > 2000 {
            self.message = Some(format!(
                "{} beats in view: zoom in to accept at most 2,000 at once",
                inside.len()
            ));
            return;
        }
        let Some(ann) = self.annot.as_mut() else {
            self.message = Some("annotating is off: open with a reader to accept beats".into());
            return;
        };
        let label = self
            .rec
            .channels
            .get(ch)
            .map_or(String::new(), |c| sanitize(&c.label));
        // One undo step for the lot; beats already accepted are not added twice.
        let new: Vec<_> = inside
            .into_iter()
            .map(|t| {
                let mut e = ann.new_event(t, 0.0, "beat", label.clone());
                e.note = "detected R peak, accepted".into();
                e
            })
            .filter(|e| ann.store.find_same(e).is_none())
            .collect();
        self.message = Some(match ann.store.import_all(new) {
            Ok(0) => "the beats in view are accepted already".into(),
            Ok(n) => format!("added {n} beats (u undoes them all)"),
            Err(err) => format!(
                "NOT SAVED: {} (the beats added before it are one undo step)",
                sanitize(&err.to_string())
            ),
        });
    }

    fn move_selected(&mut self, up: bool) {
        let vis = self.visible();
        let Some(&here) = vis.get(self.selected) else {
            return;
        };
        let target = if up {
            self.selected.checked_sub(1)
        } else {
            Some(self.selected + 1).filter(|&t| t < vis.len())
        };
        let Some(t) = target else { return };
        let other = vis[t];
        let (a, b) = (
            self.order.iter().position(|&i| i == here),
            self.order.iter().position(|&i| i == other),
        );
        if let (Some(a), Some(b)) = (a, b) {
            self.order.swap(a, b);
            self.selected = t;
        }
    }

    fn cycle_filter(&mut self, action: Action) {
        let Some(i) = self.selected_lane() else {
            return;
        };
        let kind = self.lanes[i].kind;
        self.filters_on = true;
        let mut spec = self.filter_for(kind);
        fn next(steps: &[Option<f64>], now: Option<f64>) -> Option<f64> {
            let at = steps.iter().position(|&s| s == now);
            steps[at.map_or(0, |k| (k + 1) % steps.len())]
        }
        match action {
            Action::CycleHighpass => spec.highpass_hz = next(&HIGHPASS_STEPS, spec.highpass_hz),
            Action::CycleLowpass => spec.lowpass_hz = next(&LOWPASS_STEPS, spec.lowpass_hz),
            _ => spec.notch_hz = next(&NOTCH_STEPS, spec.notch_hz),
        }
        self.set_filter(kind, spec);
        self.message = Some(format!("{} filter: {}", kind.name(), spec.describe()));
    }
}
