//! The status bar's text, made in the update step: file, reader, cursor, window, the selected
//! lane's sensitivity and the paper speed (`10 mm/mV  25 mm/s`), filters, montage, mode, heart
//! rate, the overview's progress and `scale approximate` when the screen was not measured; or
//! the prompt being typed.

use crate::dsp::paper::trim;
use crate::dsp::BASE;
use crate::tui::app::{App, Lane};
use crate::tui::input::Layer;
use crate::tui::view::{decimals, format_clock, format_offset, window_label};
use crate::tui::widgets::short_number;

/// The status bar's text for the current state, the prompt first when one is open.
pub fn status_text(app: &App) -> String {
    match app.layers.typing() {
        Some(Layer::Jump(t)) => format!(
            " Jump to (seconds, H:MM:SS, or @HH:MM[:SS] clock): {}_   Enter go, Esc cancel",
            crate::text::sanitize(t)
        ),
        Some(Layer::Calibrate(t)) => format!(
            " Measure the {} mm ruler on the screen; measured length in mm: {}_   Enter save, Esc cancel",
            crate::tui::scale::RULER_MM,
            crate::text::sanitize(t)
        ),
        Some(Layer::Note(t)) => format!(
            " Note: {}_   Enter save, Esc cancel",
            crate::text::sanitize(t)
        ),
        _ => {
            let p = &app.prepared;
            let progress = app
                .adjudication
                .as_ref()
                .map(|_| (p.adjudication.done, p.adjudication.total));
            line(app, progress, p.heart.mean_bpm)
        }
    }
}

/// The status bar's text: file, reader, cursor, window, amplitude, filters, montage, mode,
/// computed afresh (tests; the frame uses what the update step prepared).
pub fn status_line(app: &App) -> String {
    let progress = app.adjudication.as_ref().map(|a| a.progress());
    let hr = super::heart::with_beats(app, |b| super::heart::mean_hr_in_view(app, b)).flatten();
    line(app, progress, hr)
}

fn filter_text(app: &App) -> String {
    let v = &app.view;
    match app.selected_lane().map(|i| &app.lanes[i]) {
        _ if !app.filters_on => "filters off".to_string(),
        Some(l)
            if v.span_s * l.rate_hz / f64::from(app.wave_area.width.max(1) * 2) >= BASE as f64 =>
        {
            format!(
                "{} (zoomed out: envelope)",
                app.filter_for(l.kind).describe()
            )
        }
        Some(l) => app.filter_for(l.kind).describe(),
        None => String::new(),
    }
}

/// ` │ ch 17-32 of 64` when the page does not hold every visible lane.
fn page_text(app: &App) -> String {
    app.prepared
        .lanes
        .note
        .as_ref()
        .map_or(String::new(), |n| format!(" │ {n}"))
}

fn overview_text(app: &App) -> String {
    if let Some(f) = app.pyramid_failure() {
        format!(" │ overview failed: {f}")
    } else if app.is_building() {
        format!(" │ overview {:.0}%", app.pyramid_fraction() * 100.0)
    } else {
        String::new()
    }
}

fn line(app: &App, progress: Option<(usize, usize)>, hr: Option<f64>) -> String {
    let v = &app.view;
    let places = decimals(v);
    let clock = app
        .rec
        .start
        .map(|s| format!(" ({})", format_clock(&s, v.cursor_s, places)))
        .unwrap_or_default();
    let amp = app
        .selected_lane()
        .map(|i| &app.lanes[i])
        .map_or(String::new(), |l| {
            let range = app
                .prepared
                .readout
                .selected_range
                .map_or(String::new(), |(lo, hi)| {
                    format!(", in view {}..{}", short_number(lo), short_number(hi))
                });
            format!(
                "{}{}  {}{range}",
                l.label,
                sensitivity_text(l),
                speed_text(app)
            )
        });
    let montage = app
        .montages
        .get(app.montage)
        .map_or("", |m| m.name.as_str());
    let adj = progress.map_or(String::new(), |(done, total)| {
        format!("resolved {done} of {total} │ ")
    });
    let hr = hr.map_or(String::new(), |h| format!(" │ HR {h:.0} bpm"));
    format!(
        " {}{} │ {} │ {}{}{} │ {}{} │ {} │ {} │ {} │ {}{}{}",
        app.file_name,
        crate::tui::follow::status_tag(app),
        app.reader,
        // Adjudicating, the progress goes first: messages are drawn over the right end.
        adj,
        format_offset(v.cursor_s, places),
        clock,
        window_label(v),
        page_text(app),
        amp,
        filter_text(app),
        montage,
        app.layers.mode_name(),
        hr,
        overview_text(app)
    ) + approximate_text(app)
}

/// The selected lane's sensitivity (` 10 mm/mV`, ` *20 mm/mV`), ` auto ±half unit`, or
/// nothing for a lane read by its range (the range in view follows).
fn sensitivity_text(l: &Lane) -> String {
    match l.paper.label() {
        Some(s) => format!(" {s}"),
        None if super::paper::by_range(l) => String::new(),
        None => format!(" auto ±{} {}", short_number(l.scale), l.unit),
    }
}

/// The paper speed: the fixed one (`25 mm/s`), or the one the zoomed window gives (`39.4 mm/s`).
fn speed_text(app: &App) -> String {
    let s = &app.scale;
    match s.speed {
        Some(v) => format!("{} mm/s", trim(v)),
        None => {
            let v = s.effective_speed(app.view.span_s, app.prepared.layout.wave.width);
            if v.is_finite() && v > 0.0 {
                format!("{} mm/s", trim((v * 10.0).round() / 10.0))
            } else {
                String::new()
            }
        }
    }
}

fn approximate_text(app: &App) -> &'static str {
    if app.scale.screen.approximate {
        " │ scale approximate"
    } else {
        ""
    }
}
