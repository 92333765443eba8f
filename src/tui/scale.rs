//! Calibrated display: how many millimetres a character cell is on this screen, the common
//! sensitivity per channel kind, the paper speed, and the default window by kind of recording.
//! Pure arithmetic over the app's state; the update step (`prepare/paper.rs`) applies it.
//!
//! The millimetre comes from, in order: `cell_mm = [w, h]` in config.toml; else the terminal's
//! reported window size in pixels divided by its columns and rows, at `dpi` (default 96); else
//! a typical cell of 8 x 16 pixels at that dpi, and the status bar says "scale approximate".

use crate::annotations::config::{DisplayConfig, Windows};
use crate::dsp::paper::{self, Sensitivity};
use crate::dsp::ChannelKind;
use crate::signal::Recording;

/// Millimetres per inch.
const MM_PER_INCH: f64 = 25.4;
/// The density assumed when the configuration gives none.
pub const DEFAULT_DPI: f64 = 96.0;
/// A typical terminal cell, pixels (used when the terminal does not report its size).
const TYPICAL_CELL_PX: [f64; 2] = [8.0, 16.0];

/// The ruler F4 and `sigmark calibrate` draw, millimetres.
pub const RULER_MM: f64 = 50.0;

/// The ruler's length in half cells (it is drawn with `█` and a final `▌`) at `screen`'s cell
/// width: the nearest to `RULER_MM`, at least one cell.
pub fn ruler_halves(screen: &Screen) -> u16 {
    (RULER_MM / (screen.cell_mm[0] / 2.0))
        .round()
        .clamp(2.0, 4000.0) as u16
}

/// What the ruler really is, mm, once rounded to half cells (the correction divides by it).
pub fn ruler_drawn_mm(screen: &Screen) -> f64 {
    f64::from(ruler_halves(screen)) * screen.cell_mm[0] / 2.0
}

/// Parses the typed measured length, mm (a positive number, up to ten times the ruler).
pub fn parse_measured(text: &str) -> Option<f64> {
    let t = text.trim().trim_end_matches("mm").trim();
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v > 0.0 && *v <= RULER_MM * 10.0)
}

/// `cell_mm`'s value as config.toml writes it: `[2.117, 4.233]` (micrometre precision).
pub fn cell_mm_text(screen: &Screen) -> String {
    let r = |v: f64| paper::trim((v * 1000.0).round() / 1000.0);
    format!("[{}, {}]", r(screen.cell_mm[0]), r(screen.cell_mm[1]))
}

/// The size of one character cell on the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    /// Width and height of a cell, millimetres.
    pub cell_mm: [f64; 2],
    /// Not measured: a typical cell was assumed.
    pub approximate: bool,
}

/// What the terminal reported: columns, rows, and the window's width and height in pixels
/// (0 = not reported), as `crossterm::terminal::window_size()` gives them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reported {
    pub columns: u16,
    pub rows: u16,
    pub width_px: u16,
    pub height_px: u16,
}

impl Screen {
    /// A typical cell at 96 dpi, approximate.
    pub fn typical() -> Screen {
        Screen::from_sources(&DisplayConfig::default(), None)
    }

    /// The cell size from the configuration, else the terminal's report, else a typical cell.
    pub fn from_sources(config: &DisplayConfig, reported: Option<Reported>) -> Screen {
        if let Some(cell_mm) = config.cell_mm {
            return Screen {
                cell_mm,
                approximate: false,
            };
        }
        let mm_per_px = MM_PER_INCH / config.dpi.unwrap_or(DEFAULT_DPI);
        let measured = reported.filter(|r| r.columns > 0 && r.rows > 0 && r.width_px > 0);
        match measured.filter(|r| r.height_px > 0) {
            Some(r) => Screen {
                cell_mm: [
                    f64::from(r.width_px) / f64::from(r.columns) * mm_per_px,
                    f64::from(r.height_px) / f64::from(r.rows) * mm_per_px,
                ],
                approximate: false,
            },
            None => Screen {
                cell_mm: TYPICAL_CELL_PX.map(|px| px * mm_per_px),
                approximate: true,
            },
        }
    }

    /// The terminal's report now (None when it cannot be asked).
    pub fn ask_terminal() -> Option<Reported> {
        crossterm::terminal::window_size().ok().map(|w| Reported {
            columns: w.columns,
            rows: w.rows,
            width_px: w.width,
            height_px: w.height,
        })
    }

    /// Millimetres across `cols` cells.
    pub fn width_mm(&self, cols: u16) -> f64 {
        f64::from(cols) * self.cell_mm[0]
    }

    /// Millimetres down `rows` cells.
    pub fn height_mm(&self, rows: u16) -> f64 {
        f64::from(rows) * self.cell_mm[1]
    }

    /// The horizontal cell size corrected by a ruler of `drawn_mm` that measured `measured_mm`
    /// (the vertical size follows by the same ratio: a cell's pixels are square).
    pub fn corrected(&self, drawn_mm: f64, measured_mm: f64) -> Option<Screen> {
        let ratio = measured_mm / drawn_mm;
        (ratio.is_finite() && ratio > 0.0).then(|| Screen {
            cell_mm: self.cell_mm.map(|c| c * ratio),
            approximate: false,
        })
    }
}

/// The calibrated display's state: the screen, one sensitivity per channel kind, the paper
/// speed when it is fixed, and the default windows.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub screen: Screen,
    /// The common sensitivity of each kind that has one (until changed, its default).
    pub kinds: Vec<(ChannelKind, Sensitivity)>,
    /// The paper speed, mm/s, when the window follows it (None: the window was set by zoom).
    pub speed: Option<f64>,
    /// The kind whose speed ladder `paper_speed` steps (the recording's dominant kind).
    pub speed_kind: ChannelKind,
    /// Every lane auto-scaled (`amp_auto`) instead of calibrated.
    pub auto: bool,
    /// The window the fixed speed last gave: a different window means the user zoomed, and
    /// the speed is no longer fixed (None: not applied yet).
    pub applied_span: Option<f64>,
    /// The configuration's display settings (for measuring again on resize), and the file
    /// the ruler's calibration is written to (None: not written).
    pub config: DisplayConfig,
    pub config_path: Option<std::path::PathBuf>,
}

impl Scale {
    pub fn new(speed_kind: ChannelKind) -> Scale {
        Scale {
            screen: Screen::typical(),
            kinds: Vec::new(),
            speed: None,
            speed_kind,
            auto: false,
            applied_span: None,
            config: DisplayConfig::default(),
            config_path: None,
        }
    }

    /// The common sensitivity of `kind`, or None for a kind read by its value range.
    pub fn for_kind(&self, kind: ChannelKind) -> Option<Sensitivity> {
        self.kinds
            .iter()
            .find(|k| k.0 == kind)
            .map(|k| k.1)
            .or_else(|| Sensitivity::default_for(kind))
    }

    pub fn set_kind(&mut self, kind: ChannelKind, s: Sensitivity) {
        match self.kinds.iter_mut().find(|k| k.0 == kind) {
            Some(slot) => slot.1 = s,
            None => self.kinds.push((kind, s)),
        }
    }

    /// The window length, seconds, that `speed` gives across `cols` cells.
    pub fn span_for(&self, speed: f64, cols: u16) -> f64 {
        self.screen.width_mm(cols) / speed
    }

    /// The paper speed, mm/s, a window of `span_s` gives across `cols` cells.
    pub fn effective_speed(&self, span_s: f64, cols: u16) -> f64 {
        self.screen.width_mm(cols) / span_s
    }
}

/// How a lane is scaled: at a sensitivity (calibrated) or to its visible signal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LaneScale {
    /// The kind's common sensitivity.
    Kind(Sensitivity),
    /// The user's own for this lane (ctrl-up/ctrl-down), shown with a `*`.
    Own(Sensitivity),
    /// Fitted to the visible signal (`amp_auto`, and lanes with no voltage unit).
    Auto,
}

impl LaneScale {
    pub fn sensitivity(self) -> Option<Sensitivity> {
        match self {
            LaneScale::Kind(s) | LaneScale::Own(s) => Some(s),
            LaneScale::Auto => None,
        }
    }

    /// `10 mm/mV`, `*20 mm/mV` for the lane's own, None for an auto-scaled lane.
    pub fn label(self) -> Option<String> {
        match self {
            LaneScale::Kind(s) => Some(s.label()),
            LaneScale::Own(s) => Some(format!("*{}", s.label())),
            LaneScale::Auto => None,
        }
    }
}

/// A lane of `kind` recorded in `unit` opens at its kind's sensitivity when it has one and the
/// unit is a voltage (physiological lanes); otherwise it is auto-scaled.
pub fn lane_scale(scale: &Scale, kind: ChannelKind, unit: &str) -> LaneScale {
    match scale.for_kind(kind) {
        Some(s) if s.units_per_mm(unit).is_some() => LaneScale::Kind(s),
        _ => LaneScale::Auto,
    }
}

/// Half a lane's height in the lane's physical units at `s`: its height in mm / 2 times the
/// units per mm (None when the unit is not a voltage).
pub fn half_height(s: Sensitivity, unit: &str, rows: u16, screen: &Screen) -> Option<f64> {
    Some(screen.height_mm(rows) / 2.0 * s.units_per_mm(unit)?)
}

/// What kind of recording a file is, for its default window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingType {
    Ecg,
    Eeg,
    /// EEG with EOG and EMG (a polysomnogram), or sleep-stage annotations.
    Sleep,
    /// Every channel at 1 Hz or slower, or 1 Hz vital signs without ECG or EEG.
    Monitoring,
    Other,
}

impl RecordingType {
    pub fn of(rec: &Recording) -> RecordingType {
        let kinds: Vec<ChannelKind> = rec.channels.iter().map(ChannelKind::of).collect();
        let has = |k| kinds.contains(&k);
        let staged = rec
            .annotations
            .iter()
            .any(|a| a.text.to_ascii_lowercase().starts_with("sleep stage"));
        let physiological = kinds.iter().any(|k| {
            matches!(
                k,
                ChannelKind::Ecg | ChannelKind::Eeg | ChannelKind::Eog | ChannelKind::Emg
            )
        });
        // 1 Hz vital signs (SpO2, heart rate, temperature), maybe beside respiration and
        // position at higher rates, and no ECG or EEG.
        let vitals = rec.channels.iter().zip(&kinds).any(|(c, k)| {
            c.rate_hz <= 1.0
                && matches!(
                    k,
                    ChannelKind::SpO2 | ChannelKind::HeartRate | ChannelKind::Temp
                )
        });
        let slow = !rec.channels.is_empty() && rec.channels.iter().all(|c| c.rate_hz <= 1.0);
        if slow || (vitals && !physiological) {
            RecordingType::Monitoring
        } else if staged
            || (has(ChannelKind::Eeg) && has(ChannelKind::Eog) && has(ChannelKind::Emg))
        {
            RecordingType::Sleep
        } else {
            match crate::dsp::dominant(&rec.channels) {
                ChannelKind::Ecg => RecordingType::Ecg,
                ChannelKind::Eeg | ChannelKind::Eog | ChannelKind::Emg => RecordingType::Eeg,
                _ => RecordingType::Other,
            }
        }
    }
}

/// How a recording opens: a window of so many seconds, or a paper speed (EEG) that gives the
/// window from the screen's width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Opening {
    Span(f64),
    Speed(f64),
}

/// The default window of a recording type: ECG 10 s, EEG at 30 mm/s (a 10-15 s page on most
/// screens), sleep 30 s epochs, monitoring 5 min, others 10 s; `window_*` in config.toml
/// replaces each (for EEG, a fixed window instead of the paper speed).
pub fn opening(kind: RecordingType, w: &Windows) -> Opening {
    match kind {
        RecordingType::Ecg => Opening::Span(w.ecg.unwrap_or(10.0)),
        RecordingType::Eeg => w.eeg.map_or(
            Opening::Speed(paper::default_speed(ChannelKind::Eeg)),
            Opening::Span,
        ),
        RecordingType::Sleep => Opening::Span(w.sleep.unwrap_or(30.0)),
        RecordingType::Monitoring => Opening::Span(w.monitoring.unwrap_or(300.0)),
        RecordingType::Other => Opening::Span(10.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reported(columns: u16, rows: u16, w: u16, h: u16) -> Option<Reported> {
        Some(Reported {
            columns,
            rows,
            width_px: w,
            height_px: h,
        })
    }

    #[test]
    fn the_cell_comes_from_config_then_the_terminal_then_a_typical_cell() {
        let none = DisplayConfig::default();
        let s = Screen::from_sources(&none, reported(200, 60, 1600, 960));
        println!("1600x960 px over 200x60 at 96 dpi: {s:?}");
        assert!(!s.approximate);
        assert!((s.cell_mm[0] - 8.0 * 25.4 / 96.0).abs() < 1e-12);
        assert!((s.cell_mm[1] - 16.0 * 25.4 / 96.0).abs() < 1e-12);
        let dpi = DisplayConfig {
            dpi: Some(192.0),
            ..DisplayConfig::default()
        };
        let s2 = Screen::from_sources(&dpi, reported(200, 60, 1600, 960));
        assert!((s2.cell_mm[0] * 2.0 - s.cell_mm[0]).abs() < 1e-12);
        // A reply with 0 pixels is no reply.
        let t = Screen::from_sources(&none, reported(200, 60, 0, 0));
        println!("unreported: {t:?}");
        assert!(t.approximate);
        assert_eq!(t, Screen::typical());
        let cfg = DisplayConfig {
            cell_mm: Some([2.5, 5.0]),
            ..DisplayConfig::default()
        };
        let c = Screen::from_sources(&cfg, reported(200, 60, 1600, 960));
        assert_eq!(c.cell_mm, [2.5, 5.0]);
        assert!(!c.approximate);
    }

    #[test]
    fn a_ruler_measured_short_shrinks_the_cell() {
        let s = Screen {
            cell_mm: [2.0, 4.0],
            approximate: true,
        };
        let c = s.corrected(50.0, 42.0).unwrap();
        println!("50 mm drawn, 42 measured: {c:?}");
        assert!((c.cell_mm[0] - 2.0 * 42.0 / 50.0).abs() < 1e-12);
        assert!(!c.approximate);
        assert_eq!(s.corrected(50.0, 0.0), None);
        assert_eq!(s.corrected(50.0, f64::NAN), None);
    }

    #[test]
    fn only_voltage_lanes_of_physiological_kinds_are_calibrated() {
        let s = Scale::new(ChannelKind::Ecg);
        assert_eq!(
            lane_scale(&s, ChannelKind::Ecg, "mV"),
            LaneScale::Kind(Sensitivity::MmPerMv(10.0))
        );
        assert_eq!(
            lane_scale(&s, ChannelKind::Eeg, "uV"),
            LaneScale::Kind(Sensitivity::UvPerMm(7.0))
        );
        assert_eq!(lane_scale(&s, ChannelKind::Ecg, "bpm"), LaneScale::Auto);
        assert_eq!(lane_scale(&s, ChannelKind::SpO2, "%"), LaneScale::Auto);
        assert_eq!(
            LaneScale::Own(Sensitivity::MmPerMv(20.0))
                .label()
                .as_deref(),
            Some("*20 mm/mV")
        );
    }
}
