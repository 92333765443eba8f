//! Calibrated display: the sensitivity ladder for every kind (`+`/`-`) and for the selected
//! lane (ctrl-up/ctrl-down), the paper speed (ctrl-right/ctrl-left), auto-scale and back
//! (`a`), and the screen's measurement at start, on resize and from the ruler (F4).

use super::param::Arg;
use crate::annotations::config::{set_config_keys, DisplayConfig, Windows};
use crate::dsp::{paper, ChannelKind};
use crate::signal::Recording;
use crate::tui::app::App;
use crate::tui::input::Layer;
use crate::tui::scale::{self, LaneScale, Opening, RecordingType, Reported, Scale, Screen};

/// Lanes that are not calibrated step their amplitude by this factor.
const AUTO_FACTOR: f64 = 1.5;

/// A lane scale kept finite and non-zero however often the keys are pressed.
fn bounded(scale: f64) -> f64 {
    scale.clamp(1e-12, 1e12)
}

/// The window a recording opens with (seconds, within the recording); for a paper speed the
/// speed is set and the update step makes the window from the screen's width.
pub fn opening_span(scale: &mut Scale, rec: &Recording, windows: &Windows) -> f64 {
    let span = match scale::opening(RecordingType::of(rec), windows) {
        Opening::Span(s) => {
            scale.speed = None;
            s
        }
        Opening::Speed(v) => {
            scale.speed = Some(v);
            10.0
        }
    };
    scale.applied_span = None;
    span.min(crate::tui::prepare::annots::time_extent(rec).max(1.0))
}

/// How a new lane of `kind` in `unit` is scaled: auto when every lane is, else calibrated
/// when it can be.
pub fn new_lane_scale(scale: &Scale, kind: ChannelKind, unit: &str) -> LaneScale {
    if scale.auto {
        LaneScale::Auto
    } else {
        scale::lane_scale(scale, kind, unit)
    }
}

/// Applies the configuration's screen and default window (at start, before the first frame).
pub fn configure(
    app: &mut App,
    (config, path): (DisplayConfig, Option<std::path::PathBuf>),
    reported: Option<Reported>,
) {
    app.scale.config = config;
    app.scale.config_path = path;
    app.scale.screen = Screen::from_sources(&config, reported);
    let span = opening_span(&mut app.scale, &app.rec, &config.windows);
    app.view.set_span(span);
}

/// The terminal was resized: measure the cell again (the window follows a fixed speed).
pub fn remeasure(app: &mut App, reported: Option<Reported>) {
    app.scale.screen = Screen::from_sources(&app.scale.config, reported);
}

/// `sensitivity N`: N steps along every kind's ladder (plus: taller); lanes of the user's own
/// sensitivity step theirs, lanes that are not calibrated change by x1.5.
pub fn sensitivity(app: &mut App, arg: Arg) {
    let n = arg.steps();
    let taller = n > 0;
    for _ in 0..n.unsigned_abs().min(20) {
        for &kind in &app.groups {
            if let Some(s) = app.scale.for_kind(kind) {
                app.scale.set_kind(kind, s.step(taller));
            }
        }
        for l in &mut app.lanes {
            l.paper = match l.paper {
                LaneScale::Kind(_) => app
                    .scale
                    .for_kind(l.kind)
                    .map_or(LaneScale::Auto, LaneScale::Kind),
                LaneScale::Own(s) => LaneScale::Own(s.step(taller)),
                LaneScale::Auto => {
                    l.scale = bounded(step_auto(l.scale, taller));
                    LaneScale::Auto
                }
            };
        }
    }
}

fn step_auto(half: f64, taller: bool) -> f64 {
    if taller {
        half / AUTO_FACTOR
    } else {
        half * AUTO_FACTOR
    }
}

/// `channel_sensitivity N`: the selected lane's own sensitivity, N steps from its current one
/// (shown with a `*`); an auto-scaled lane changes by x1.5.
pub fn channel_sensitivity(app: &mut App, arg: Arg) {
    let Some(i) = app.selected_lane() else { return };
    let n = arg.steps();
    let lane = &mut app.lanes[i];
    for _ in 0..n.unsigned_abs().min(20) {
        lane.paper = match lane.paper {
            LaneScale::Kind(s) | LaneScale::Own(s) => LaneScale::Own(s.step(n > 0)),
            LaneScale::Auto => {
                lane.scale = bounded(step_auto(lane.scale, n > 0));
                LaneScale::Auto
            }
        };
    }
}

/// `paper_speed N`: N steps along the speed ladder of the recording's kind, from the fixed
/// speed or the one the current window gives; the window then follows the speed.
pub fn paper_speed(app: &mut App, arg: Arg) {
    let n = arg.steps();
    let kind = app.scale.speed_kind;
    let cols = app.prepared.layout.wave.width;
    let mut speed = app.scale.speed.unwrap_or_else(|| {
        Some(app.scale.effective_speed(app.view.span_s, cols))
            .filter(|v| cols > 0 && v.is_finite() && *v > 0.0)
            .unwrap_or_else(|| paper::default_speed(kind))
    });
    for _ in 0..n.unsigned_abs().min(20) {
        speed = paper::step_speed(kind, speed, n > 0);
    }
    app.scale.speed = Some(speed);
    app.scale.applied_span = None;
}

/// `amp_auto`: every lane fitted to its visible signal; again: back to the calibrated
/// sensitivities.
pub fn toggle_auto(app: &mut App) {
    app.scale.auto = !app.scale.auto;
    for l in &mut app.lanes {
        l.paper = new_lane_scale(&app.scale, l.kind, &l.unit);
        l.unscaled = true;
    }
    app.message = Some(if app.scale.auto {
        "every channel auto-scaled to the visible signal (a again: calibrated)".into()
    } else {
        "channels at their calibrated sensitivity".into()
    });
}

/// `calibrate` (F4): the ruler is drawn while the prompt for its measured length is open.
pub fn calibrate(app: &mut App, _: Arg) {
    app.layers.push(Layer::Calibrate(String::new()));
}

/// The typed measured length of the ruler: corrects the cell size (measured / drawn) and
/// writes `cell_mm` to config.toml, keeping its other keys.
pub fn measured(app: &mut App, text: &str) {
    let Some(mm) = scale::parse_measured(text) else {
        app.message = Some(format!(
            "not a length: {:?}; expected the ruler's measured length in mm, e.g. 48.5",
            crate::text::sanitize(text)
        ));
        return;
    };
    let drawn = scale::ruler_drawn_mm(&app.scale.screen);
    let Some(screen) = app.scale.screen.corrected(drawn, mm) else {
        return;
    };
    app.scale.screen = screen;
    app.scale.config.cell_mm = Some(screen.cell_mm);
    let value = scale::cell_mm_text(&screen);
    app.message = Some(match app.scale.config_path.clone() {
        Some(path) => match set_config_keys(&path, &[("cell_mm", Some(value.clone()))]) {
            Ok(()) => format!(
                "calibrated: cell_mm = {value} written to {}",
                path.display()
            ),
            Err(e) => format!("calibrated for this session; {e}"),
        },
        None => {
            format!("calibrated for this session (cell_mm = {value}); no configuration directory")
        }
    });
}
