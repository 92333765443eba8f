//! The widgets: each draws one part of the frame from the app's state and what the update
//! step (`prepare`) computed, into its own area only. None takes `&mut App`, reads a file,
//! starts a job, or does work proportional to the recording (only to what is visible).

pub mod axis;
pub mod caliper;
pub mod colorbar;
pub mod cursor;
pub mod disagreements;
pub mod event_list;
pub mod file_events;
pub mod gutter;
pub mod heart_rate;
pub mod help;
pub mod hypnogram;
pub mod lanes;
pub mod reader_lane;
pub mod ruler;
pub mod spectrogram;
pub mod spectrum;
pub mod status;
pub mod too_small;
pub mod wave;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::app::App;
use super::prepare::EventLane;

/// Narrowest width of the left gutter (label, unit and scale); it widens for long labels.
pub const GUTTER: u16 = 14;
/// The smallest terminal the viewer draws in; below it a short message says so.
pub const MIN_WIDTH: u16 = 32;
pub const MIN_HEIGHT: u16 = 8;

/// Draws the frame prepared for `area` (call `prepare::prepare` first).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let p = &app.prepared;
    if p.too_small {
        too_small::render(app, area, buf);
        return;
    }
    if p.layout.area != area {
        // Not prepared for this area: drawing the old layout could run off the buffer.
        return;
    }
    let l = &p.layout;
    lanes::render(app, l.lanes, buf);
    ruler::render(app, l.lanes, buf);
    if let Some(r) = l.heart_rate {
        heart_rate::render(app, r, buf);
    }
    if let Some(r) = l.spectrogram {
        spectrogram::render(app, r, buf);
    }
    if let Some(r) = l.colorbar {
        colorbar::render(app, r, buf);
    }
    if let Some(r) = l.spectrum {
        spectrum::render(app, r, buf);
    }
    let band_w = l.gutter + l.wave.width;
    let mut y = l.y_events;
    for lane in &l.event_lanes {
        let h = match lane {
            EventLane::Hypnogram => l.hypnogram_h.max(1),
            EventLane::Reader => l.reader_h.max(1),
            _ => 1,
        };
        let r = Rect::new(area.x, y, band_w, h);
        y += h;
        match lane {
            EventLane::File => file_events::render(app, r, buf),
            EventLane::Reader | EventLane::Other(_) => reader_lane::render(app, *lane, r, buf),
            EventLane::Hypnogram => hypnogram::render(app, r, buf),
        }
    }
    let y_axis = y;
    let axis_h = (area.y + area.height - 1).saturating_sub(y_axis);
    axis::render(app, Rect::new(area.x, y_axis, band_w, axis_h), buf);
    cursor::render(app, l.wave, buf);
    caliper::render(app, l.lanes_traces(), Some(y_axis), buf);
    let status_row = Rect::new(area.x, area.y + area.height - 1, area.width, 1);
    status::render(app, status_row, buf);
    let panels = Rect::new(area.x, area.y, area.width, l.lanes_h);
    if app.layers.event_list().is_some() {
        event_list::render(app, panels, buf);
    }
    if app.adjudication.is_some() && app.layers.disagreements_open() {
        disagreements::render(app, panels, buf);
    }
    if app.layers.help().is_some() {
        help::render(app, area, buf);
    }
}

/// A band's gutter (its first columns, as wide as the layout's gutter) and the waveform's
/// columns beside it.
pub fn split_gutter(app: &App, r: Rect) -> (Rect, Rect) {
    let g = app.prepared.layout.gutter.min(r.width);
    (
        Rect::new(r.x, r.y, g, r.height),
        Rect::new(r.x + g, r.y, r.width - g, r.height),
    )
}

/// Column of time `t` in the waveform columns `wave`, if it is inside the view.
pub fn column_of(app: &App, wave: Rect, t: f64) -> Option<u16> {
    let v = &app.view;
    if !(t >= v.start_s && t <= v.end_s()) || v.span_s <= 0.0 || wave.width == 0 {
        return None;
    }
    let x = ((t - v.start_s) / v.span_s * f64::from(wave.width)).floor() as u16;
    Some(wave.x + x.min(wave.width.saturating_sub(1)))
}

/// A number in at most 4 significant characters: 0.25, 12.5, 150, 1.2k.
pub fn short_number(v: f64) -> String {
    let a = v.abs();
    if !a.is_finite() {
        "?".into()
    } else if a >= 10_000.0 {
        format!("{:.0}k", v / 1000.0)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 {
        format!("{v:.2}")
    } else {
        format!("{v:.1e}")
    }
}

/// A panel at the right of `lanes`, up to `max_w` wide, cleared; none when it would be narrower
/// than `min_w` or shorter than 3 rows.
fn side_panel(lanes: Rect, max_w: u16, min_w: u16, buf: &mut Buffer) -> Option<Rect> {
    let w = lanes.width.min(max_w);
    if w < min_w || lanes.height < 3 {
        return None;
    }
    let r = Rect::new(lanes.x + lanes.width - w, lanes.y, w, lanes.height);
    ratatui::widgets::Widget::render(ratatui::widgets::Clear, r, buf);
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short_number(0.25), "0.25");
        assert_eq!(short_number(12.51), "12.5");
        assert_eq!(short_number(150.4), "150");
        assert_eq!(short_number(25_000.0), "25k");
        assert_eq!(short_number(0.0005), "5.0e-4");
    }
}
