//! The strip as SVG, in millimetres: header, paper grid, the reader's events (under the
//! traces), one `<path data-channel="LABEL">` per lane, calibration pulses (ECG), a scale bar
//! (EEG) and the time axis.

use std::fmt::Write;

use super::traces::Lane;
use super::Request;
use crate::dsp::paper::{trim, Sensitivity};
use crate::dsp::ChannelKind;
use crate::signal::time::StartTime;

pub(crate) const MARGIN: f64 = 5.0;
const LABEL_W: f64 = 20.0;
const LINE_H: f64 = 4.5;
const AXIS_H: f64 = 5.0;
const EVENTS_H: f64 = 6.0;
const SCALE_H: f64 = 14.0;
const FONT: &str = "DejaVu Sans, sans-serif";

/// Height of a lane, mm: 30 for ECG (±1.5 mV at 10 mm/mV), 15 for the rest.
pub(crate) fn lane_height(kind: ChannelKind, _paper: bool) -> f64 {
    match kind {
        ChannelKind::Ecg => 30.0,
        _ => 15.0,
    }
}

/// Where things go on the page.
struct Page {
    speed: f64,
    /// Left edge of the traces (time `start_s`) and their width.
    x0: f64,
    trace_w: f64,
    /// Top and bottom of the lanes.
    y_top: f64,
    y_bot: f64,
    width: f64,
    height: f64,
}

impl Page {
    fn new(req: &Request, speed: f64, lanes: &[Lane], header_lines: usize) -> Page {
        let pulse = if lanes.iter().any(is_ecg_paper) {
            0.2 * speed + 4.0
        } else {
            3.0
        };
        let x0 = MARGIN + LABEL_W + pulse;
        let trace_w = req.duration_s * speed;
        let y_top = MARGIN + header_lines as f64 * LINE_H + 2.0;
        let lanes_h: f64 = lanes.iter().map(|l| lane_height(l.kind, true)).sum();
        let y_bot = y_top + lanes_h;
        let mut height = y_bot + AXIS_H + MARGIN;
        if req.events.is_some() {
            height += EVENTS_H;
        }
        if lanes.iter().any(is_eeg_paper) {
            height += SCALE_H;
        }
        Page {
            speed,
            x0,
            trace_w,
            y_top,
            y_bot,
            width: x0 + trace_w + MARGIN,
            height,
        }
    }
}

fn is_ecg_paper(l: &Lane) -> bool {
    matches!(l.sens, Some(Sensitivity::MmPerMv(_)))
}

fn is_eeg_paper(l: &Lane) -> bool {
    matches!(l.sens, Some(Sensitivity::UvPerMm(_)))
}

/// The whole document.
pub(crate) fn document(
    req: &Request,
    speed: f64,
    lanes: &[Lane],
    header: &[String],
    start: Option<&StartTime>,
) -> String {
    let p = Page::new(req, speed, lanes, header.len());
    let mut s = String::with_capacity(64 * 1024 + lanes.len() * 64 * 1024);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="{FONT}">"#,
        w = n(p.width),
        h = n(p.height)
    );
    let _ = writeln!(
        s,
        r#"<rect width="{}" height="{}" fill="white"/>"#,
        n(p.width),
        n(p.height)
    );
    header_text(&mut s, header);
    if lanes.iter().any(|l| l.kind == ChannelKind::Ecg) {
        ecg_grid(&mut s, &p);
    } else {
        time_grid(&mut s, &p, req.duration_s);
    }
    events(&mut s, &p, req);
    let mut y = p.y_top;
    for lane in lanes {
        let h = lane_height(lane.kind, true);
        draw_lane(&mut s, &p, lane, y + h / 2.0);
        y += h;
    }
    axis(&mut s, &p, req, start);
    if let Some(l) = lanes.iter().find(|l| is_eeg_paper(l)) {
        scale_bar(&mut s, &p, l, req.events.is_some());
    }
    s.push_str("</svg>\n");
    s
}

fn header_text(s: &mut String, lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        let weight = if i == 0 { r#" font-weight="bold""# } else { "" };
        let _ = writeln!(
            s,
            r#"<text class="header" x="{}" y="{}" font-size="3.2"{weight}>{}</text>"#,
            n(MARGIN),
            n(MARGIN + 3.5 + i as f64 * LINE_H),
            xml(line)
        );
    }
}

/// The ECG paper: 1 mm minor and 5 mm major lines over the traces.
fn ecg_grid(s: &mut String, p: &Page) {
    let (mut minor, mut major) = (String::new(), String::new());
    let cols = p.trace_w.floor() as usize;
    for i in 0..=cols {
        let d = if i % 5 == 0 { &mut major } else { &mut minor };
        let x = p.x0 + i as f64;
        let _ = write!(d, "M{},{}V{}", n(x), n(p.y_top), n(p.y_bot));
    }
    let rows = (p.y_bot - p.y_top).floor() as usize;
    for j in 0..=rows {
        let d = if j % 5 == 0 { &mut major } else { &mut minor };
        let y = p.y_top + j as f64;
        let _ = write!(d, "M{},{}H{}", n(p.x0), n(y), n(p.x0 + p.trace_w));
    }
    let _ = writeln!(
        s,
        "<path class=\"grid-minor\" shape-rendering=\"crispEdges\" d=\"{minor}\" stroke=\"#f5c0c0\" stroke-width=\"0.05\" fill=\"none\"/>"
    );
    let _ = writeln!(
        s,
        "<path class=\"grid-major\" shape-rendering=\"crispEdges\" d=\"{major}\" stroke=\"#e08080\" stroke-width=\"0.15\" fill=\"none\"/>"
    );
}

/// A grid line each second (each 10 s or minute on long strips) and the lanes' box.
fn time_grid(s: &mut String, p: &Page, duration_s: f64) {
    let step = grid_step(duration_s);
    let mut d = String::new();
    let mut k = 0;
    while k as f64 * step <= duration_s + 1e-9 {
        let x = p.x0 + k as f64 * step * p.speed;
        let _ = write!(d, "M{},{}V{}", n(x), n(p.y_top), n(p.y_bot));
        k += 1;
    }
    let _ = write!(
        d,
        "M{x0},{t}H{x1}M{x0},{b}H{x1}",
        x0 = n(p.x0),
        x1 = n(p.x0 + p.trace_w),
        t = n(p.y_top),
        b = n(p.y_bot)
    );
    let _ = writeln!(
        s,
        "<path class=\"grid-time\" shape-rendering=\"crispEdges\" d=\"{d}\" stroke=\"#b0b0b0\" stroke-width=\"0.1\" fill=\"none\"/>"
    );
}

/// Seconds between time grid lines: 1 s unless that makes more than 300 lines.
fn grid_step(duration_s: f64) -> f64 {
    [1.0, 10.0, 60.0, 600.0]
        .into_iter()
        .find(|st| duration_s / st <= 300.0)
        .unwrap_or(3600.0)
}

/// The reader's events in the window: shaded intervals and lines behind the traces, labels in
/// a band under the axis.
fn events(s: &mut String, p: &Page, req: &Request) {
    let Some((_, events)) = &req.events else {
        return;
    };
    let (t0, t1) = (req.start_s, req.start_s + req.duration_s);
    let band_y = p.y_bot + AXIS_H + 4.0;
    for e in events
        .iter()
        .filter(|e| e.onset <= t1 && e.onset + e.duration >= t0)
    {
        let xa = p.x0 + (e.onset.max(t0) - t0) * p.speed;
        let xb = p.x0 + ((e.onset + e.duration).min(t1) - t0) * p.speed;
        if e.duration > 0.0 {
            let _ = writeln!(
                s,
                "<rect class=\"event\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#cfe0ff\" fill-opacity=\"0.6\"/>",
                n(xa),
                n(p.y_top),
                n((xb - xa).max(0.1)),
                n(p.y_bot - p.y_top)
            );
        } else {
            let _ = writeln!(
                s,
                "<path class=\"event\" d=\"M{},{}V{}\" stroke=\"#3060d0\" stroke-width=\"0.2\" stroke-dasharray=\"1,1\"/>",
                n(xa),
                n(p.y_top),
                n(p.y_bot)
            );
        }
        let label = crate::text::sanitize(&e.label);
        let _ = writeln!(
            s,
            "<text class=\"event-label\" x=\"{}\" y=\"{}\" font-size=\"2.5\" fill=\"#3060d0\">{}</text>",
            n(xa),
            n(band_y),
            xml(&label)
        );
    }
}

fn draw_lane(s: &mut String, p: &Page, lane: &Lane, mid: f64) {
    let shown: String = lane.label.chars().take(14).collect();
    let _ = writeln!(
        s,
        r#"<text class="label" x="{}" y="{}" font-size="2.8">{}</text>"#,
        n(MARGIN),
        n(mid - 0.5),
        xml(&shown)
    );
    let _ = writeln!(
        s,
        "<text class=\"scale\" x=\"{}\" y=\"{}\" font-size=\"2.2\" fill=\"#555555\">{}</text>",
        n(MARGIN),
        n(mid + 2.8),
        xml(&scale_text(lane))
    );
    if let Some(Sensitivity::MmPerMv(_)) = lane.sens {
        calibration_pulse(s, p, lane, mid);
    }
    let _ = writeln!(
        s,
        r#"<path data-channel="{}" d="{}" fill="none" stroke="black" stroke-width="0.2" stroke-linejoin="round"/>"#,
        xml(&lane.label),
        trace_path(p, lane, mid)
    );
}

/// What the label column says under a label: the sensitivity, else the range in view.
fn scale_text(lane: &Lane) -> String {
    match (lane.sens, lane.range) {
        (Some(s), _) => s.label(),
        (None, Some((lo, hi))) => format!("{}-{} {}", short(lo), short(hi), lane.unit),
        (None, None) => "no data".to_string(),
    }
}

fn short(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        trim((v * 100.0).round() / 100.0)
    }
}

/// A 1 mV, 200 ms pulse in the gutter before the trace, on the lane's baseline.
fn calibration_pulse(s: &mut String, p: &Page, lane: &Lane, mid: f64) {
    let Some(sens) = lane.sens else {
        return;
    };
    let h = 1e-3 / sens.volts_per_mm();
    let w = 0.2 * p.speed;
    let x = p.x0 - w - 3.0;
    let _ = writeln!(
        s,
        r#"<path class="calibration" d="M{},{}h1v{}h{}v{}h1" fill="none" stroke="black" stroke-width="0.2"/>"#,
        n(x),
        n(mid),
        n(-h),
        n(w),
        n(h)
    );
}

fn trace_path(p: &Page, lane: &Lane, mid: f64) -> String {
    let mut d = String::with_capacity(lane.points.len() * 13);
    let mut pen_down = false;
    for &(x, v) in &lane.points {
        if !v.is_finite() {
            pen_down = false;
            continue;
        }
        let y = mid - (v - lane.center) / lane.units_per_mm;
        d.push(if pen_down { ' ' } else { 'M' });
        push_n(&mut d, p.x0 + x);
        d.push(',');
        push_n(&mut d, y);
        pen_down = true;
    }
    d
}

/// Clock (or offset) labels under the lanes, one per grid step wide enough for the text.
fn axis(s: &mut String, p: &Page, req: &Request, start: Option<&StartTime>) {
    let mut step = grid_step(req.duration_s);
    while step * p.speed < 14.0 {
        step *= 2.0;
    }
    let y = p.y_bot + 3.5;
    let mut k = 0;
    while k as f64 * step <= req.duration_s + 1e-9 {
        let dt = k as f64 * step;
        // The last label ends at the strip's edge rather than running off the page.
        let anchor = if dt + step > req.duration_s + 1e-9 && k > 0 {
            "end"
        } else {
            "middle"
        };
        let _ = writeln!(
            s,
            r#"<text class="axis" x="{}" y="{}" font-size="2.4" text-anchor="{anchor}">{}</text>"#,
            n(p.x0 + dt * p.speed),
            n(y),
            xml(&super::header::time_label(start, req, dt))
        );
        k += 1;
    }
}

/// A bar 10 mm tall (10 × the sensitivity in µV) and 1 s long, labelled.
fn scale_bar(s: &mut String, p: &Page, lane: &Lane, events: bool) {
    let Some(sens) = lane.sens else {
        return;
    };
    let uv = sens.volts_per_mm() * 1e6 * 10.0;
    let base = p.y_bot + AXIS_H + if events { EVENTS_H } else { 0.0 } + 12.0;
    let _ = writeln!(
        s,
        r#"<path class="scale-bar" d="M{},{}v-10M{},{}h{}" fill="none" stroke="black" stroke-width="0.3"/>"#,
        n(p.x0),
        n(base),
        n(p.x0),
        n(base),
        n(p.speed)
    );
    let _ = writeln!(
        s,
        r#"<text class="scale-bar" x="{}" y="{}" font-size="2.5">{} µV / 1 s ({}, {} mm/s)</text>"#,
        n(p.x0 + p.speed + 2.0),
        n(base - 1.0),
        trim((uv * 100.0).round() / 100.0),
        xml(&sens.label()),
        trim(p.speed)
    );
}

/// A coordinate to 0.01 mm, without trailing zeros.
fn n(v: f64) -> String {
    let mut s = String::with_capacity(8);
    push_n(&mut s, v);
    s
}

/// `n` into a buffer: integer arithmetic, as float formatting cost a third of a strip's time.
fn push_n(s: &mut String, v: f64) {
    let c = (v * 100.0).round();
    let c = if c.is_finite() { c as i64 } else { 0 };
    let (whole, frac) = (c.unsigned_abs() / 100, c.unsigned_abs() % 100);
    if c < 0 {
        s.push('-');
    }
    let _ = write!(s, "{whole}");
    match frac {
        0 => {}
        f if f % 10 == 0 => {
            let _ = write!(s, ".{}", f / 10);
        }
        f => {
            let _ = write!(s, ".{f:02}");
        }
    }
}

/// Text made safe inside an XML element or attribute.
pub(crate) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_is_escaped_and_numbers_are_short() {
        assert_eq!(xml(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(n(25.0), "25");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(12.346), "12.35");
        assert_eq!(n(-3.5), "-3.5");
        assert_eq!(n(0.07), "0.07");
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(grid_step(10.0), 1.0);
        assert_eq!(grid_step(600.0), 10.0);
    }
}
