//! Drawing one frame from the app state: lanes with their gutter, the event lane, the time axis
//! with clock time, the status bar, and the help and too-small screens.

pub mod wave;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Paragraph, Widget, Wrap};
use ratatui::Frame;
use rayon::prelude::*;

use super::app::{App, Lane};
use super::view::{decimals, format_clock, format_offset, span_label, window_label};
use crate::dsp::{raw_envelope, BASE, EMPTY};
use crate::signal::Segment;

/// Width of the left gutter: label, unit and scale.
pub const GUTTER: u16 = 14;
/// The smallest terminal the viewer draws in; below it a short message says so.
pub const MIN_WIDTH: u16 = 32;
pub const MIN_HEIGHT: u16 = 8;
/// Rows under the lanes besides the event lanes: two axis rows and the status bar.
const AXIS_AND_STATUS: u16 = 3;

/// The event lanes under the waveforms, top to bottom.
#[derive(Debug, Clone, PartialEq)]
enum EventLane {
    /// The recording's own annotations (EDF+ TAL), read-only.
    File,
    /// The reader's events.
    Reader,
    /// Another reader's events, read-only (`--show-readers`), by index.
    Other(usize),
    /// Sleep stages of the reader's epoch events.
    Hypnogram,
}

fn event_lanes(app: &App) -> Vec<EventLane> {
    let mut v = vec![EventLane::File];
    if let Some(a) = &app.annot {
        v.push(EventLane::Reader);
        v.extend((0..a.others.len()).map(EventLane::Other));
        if app.layers.epoch_mode() || a.has_epoch_events() {
            v.push(EventLane::Hypnogram);
        }
    }
    v
}

/// Draws the whole frame.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    draw_buffer(frame.buffer_mut(), area, app);
}

/// Draws into a buffer (the benchmark and tests call this without a terminal).
pub fn draw_buffer(buf: &mut Buffer, area: Rect, app: &mut App) {
    app.guard.too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
    if app.guard.too_small {
        let mut text = format!(
            "Terminal too small: {}x{}, sigmark needs {MIN_WIDTH}x{MIN_HEIGHT}. Enlarge it, or press q to quit.",
            area.width, area.height
        );
        if let Some(m) = &app.message {
            text = format!("{m}\n{text}");
        }
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .render(area, buf);
        app.wave_area = Rect::default();
        return;
    }
    let mut ev_lanes = event_lanes(app);
    // Keep at least two rows of waveform: drop read-only lanes of other readers first.
    while ev_lanes.len() > 1 && area.height < AXIS_AND_STATUS + ev_lanes.len() as u16 + 2 {
        ev_lanes.remove(if ev_lanes.len() > 2 { 2 } else { 0 });
    }
    let bottom = AXIS_AND_STATUS + ev_lanes.len() as u16;
    let lanes_h = area.height.saturating_sub(bottom);
    // Panels take room from the lanes: the spectrum on the right, the spectrogram and the
    // heart-rate lane at the bottom, sharing the waveform's columns (its time axis).
    let spectrum_w = if app.freq.spectrum_on && area.width >= GUTTER + 60 {
        (area.width / 3).max(40)
    } else {
        0
    };
    let wave_w = area.width - GUTTER - spectrum_w;
    if app.freq.spectrogram.is_some() {
        super::freq::ensure_spectrogram(app);
    }
    let hr_h = if app.freq.heart_rate_on && app.freq.beats.is_some() && lanes_h >= 8 {
        3
    } else {
        0
    };
    let sg_h = if app.freq.spectrogram.is_some() && lanes_h >= 10 {
        (lanes_h / 4).max(4)
    } else {
        0
    };
    let traces_h = lanes_h - hr_h - sg_h;
    let wave = Rect::new(area.x + GUTTER, area.y, wave_w, traces_h);
    app.wave_area = wave;
    draw_lanes(
        buf,
        Rect::new(area.x, area.y, GUTTER + wave_w, area.height),
        wave,
        app,
    );
    if hr_h > 0 {
        let r = Rect::new(area.x, area.y + traces_h, GUTTER + wave_w, hr_h);
        super::freq::draw_heart_rate(buf, r, Rect::new(wave.x, r.y, wave.width, hr_h), app);
    }
    if sg_h > 0 {
        let r = Rect::new(area.x, area.y + traces_h + hr_h, GUTTER + wave_w, sg_h);
        super::freq::draw_spectrogram(buf, r, Rect::new(wave.x, r.y, wave.width, sg_h), app);
    }
    if spectrum_w > 0 {
        super::freq::draw_spectrum_panel(
            buf,
            Rect::new(
                area.x + area.width - spectrum_w,
                area.y,
                spectrum_w,
                lanes_h,
            ),
            app,
        );
    }
    let wave = Rect::new(wave.x, wave.y, wave.width, lanes_h);
    let y_events = area.y + lanes_h;
    for (k, lane) in ev_lanes.iter().enumerate() {
        let y = y_events + k as u16;
        match lane {
            EventLane::File => draw_events(buf, area, wave, y, app),
            EventLane::Reader | EventLane::Other(_) => {
                draw_reader_lane(buf, area, wave, y, app, lane)
            }
            EventLane::Hypnogram => draw_hypnogram(buf, area, wave, y, app),
        }
    }
    draw_axis(buf, area, wave, y_events + ev_lanes.len() as u16, app);
    draw_cursor(buf, wave, app);
    draw_status(
        buf,
        Rect::new(area.x, area.y + area.height - 1, area.width, 1),
        app,
    );
    if app.layers.event_list().is_some() {
        draw_event_list(buf, Rect::new(area.x, area.y, area.width, lanes_h), app);
    }
    if app.adjudication.is_some() && app.layers.disagreements_open() {
        draw_disagreements(buf, Rect::new(area.x, area.y, area.width, lanes_h), app);
    }
    if app.layers.help().is_some() {
        draw_help(buf, area, app);
    }
}

/// Column of time `t` in the waveform area, if it is inside.
fn column_of(app: &App, wave: Rect, t: f64) -> Option<u16> {
    let v = &app.view;
    if !(t >= v.start_s && t <= v.end_s()) || v.span_s <= 0.0 {
        return None;
    }
    let x = ((t - v.start_s) / v.span_s * f64::from(wave.width)).floor() as u16;
    Some(wave.x + x.min(wave.width.saturating_sub(1)))
}

fn draw_lanes(buf: &mut Buffer, area: Rect, wave: Rect, app: &mut App) {
    let vis = app.visible();
    if vis.is_empty() || wave.height == 0 {
        return;
    }
    let lane_h = u16::try_from(usize::from(wave.height) / vis.len())
        .unwrap_or(1)
        .max(1);
    let fits = usize::from(wave.height / lane_h).min(vis.len());
    let selected = app.selected.min(vis.len() - 1);
    let first = (selected + 1).saturating_sub(fits);
    let shown = &vis[first..first + fits];
    let dots = usize::from(wave.width) * 2;

    // The lanes' data are independent: compute them on every core.
    let app_ref: &App = app;
    let columns: Vec<(Vec<(f32, f32)>, usize)> = shown
        .par_iter()
        .map(|&i| lane_columns(app_ref, i, dots))
        .collect();
    let mut pending_any = false;
    for (row, (&i, (cols, pending))) in shown.iter().zip(&columns).enumerate() {
        pending_any |= *pending > 0;
        if app.lanes[i].unscaled {
            autoscale(&mut app.lanes[i], cols);
        }
        let lane = &app.lanes[i];
        let y = wave.y + row as u16 * lane_h;
        let lane_area = Rect::new(wave.x, y, wave.width, lane_h);
        let family = lane.kind as usize;
        wave::draw_lane(
            buf,
            lane_area,
            cols,
            lane.center,
            lane.scale,
            app.theme.lane(family),
        );
        let is_sel = first + row == selected;
        draw_gutter(buf, Rect::new(area.x, y, GUTTER, lane_h), lane, is_sel, app);
    }
    if first > 0 || first + fits < vis.len() {
        let note = format!("{}-{}/{}", first + 1, first + fits, vis.len());
        let x = area.x + GUTTER.saturating_sub(note.len() as u16 + 1);
        buf.set_stringn(
            x,
            wave.y + wave.height - 1,
            note,
            usize::from(GUTTER),
            app.theme.dim(),
        );
    }
    let _ = pending_any;
}

fn draw_gutter(buf: &mut Buffer, r: Rect, lane: &Lane, selected: bool, app: &App) {
    let w = usize::from(r.width - 1);
    let label: String = lane.label.chars().take(w).collect();
    buf.set_stringn(
        r.x,
        r.y,
        format!("{label:<w$}"),
        w,
        app.theme.label(selected),
    );
    let scale = format!("±{} {}", short_number(lane.scale), lane.unit);
    if r.height >= 2 {
        buf.set_stringn(r.x, r.y + 1, &scale, w, app.theme.dim());
    }
    // The scale bar: the lane's full height is 2 x scale.
    for dy in 0..r.height {
        let ch = match (dy, r.height) {
            (_, 1) => "┼",
            (0, _) => "┬",
            (d, h) if d == h - 1 => "┴",
            _ => "│",
        };
        buf.set_string(r.x + r.width - 1, r.y + dy, ch, app.theme.dim());
    }
}

/// Sets a lane's centre and scale so what is on screen fills the lane: the whole range, since
/// the peaks (an R wave, a spike) are what a reader looks at.
pub fn autoscale(lane: &mut Lane, cols: &[(f32, f32)]) {
    let lo = cols
        .iter()
        .map(|c| c.0)
        .filter(|v| v.is_finite())
        .fold(f32::INFINITY, f32::min);
    let hi = cols
        .iter()
        .map(|c| c.1)
        .filter(|v| v.is_finite())
        .fold(f32::NEG_INFINITY, f32::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return;
    }
    let (a, b) = (f64::from(lo.min(hi)), f64::from(lo.max(hi)));
    lane.center = (a + b) / 2.0;
    let half = (b - a) / 2.0 * 1.05;
    lane.scale = if half > 0.0 && half.is_finite() {
        half
    } else {
        (lane.center.abs() * 0.1).max(1e-6)
    };
    lane.unscaled = false;
}

/// Samples per column above which a gap's edge column is left to the pyramid rather than
/// read raw (reading it costs this many samples per edge).
const RAW_EDGE_MAX: f64 = 131_072.0;

/// One (min, max) per dot column of a lane over the view, and how many columns wait for the
/// pyramid. Zoomed out (at least `BASE` samples per column) from the pyramid; zoomed in from
/// raw samples through the display filter. Each data segment maps separately, so EDF+D gaps
/// stay empty; the first and last column of a segment next to a gap are read raw, because a
/// pyramid block there can hold samples from the other side of the gap. When more segments
/// are visible than columns, each column is mapped on its own (binary searches), so a file of
/// a thousand short records still costs O(columns) per lane.
pub fn lane_columns(app: &App, lane_index: usize, ncols: usize) -> (Vec<(f32, f32)>, usize) {
    let mut out = vec![EMPTY; ncols];
    let lane = &app.lanes[lane_index];
    let v = &app.view;
    if ncols == 0 || lane.rate_hz <= 0.0 || v.span_s <= 0.0 {
        return (out, 0);
    }
    let dt = v.span_s / ncols as f64;
    let spc = dt * lane.rate_hz;
    let filter = app.filter_for(lane.kind);
    let whole = [Segment {
        start_s: 0.0,
        duration_s: app.rec.duration_s,
    }];
    let segs: &[Segment] = if app.rec.segments.is_empty() {
        &whole
    } else {
        &app.rec.segments
    };
    let first_vis = segs.partition_point(|s| s.start_s + s.duration_s <= v.start_s);
    let visible = segs[first_vis..]
        .iter()
        .take_while(|s| s.start_s < v.end_s());
    let zoomed_out = spc >= BASE as f64 && app.job.is_some();
    let gaps = segs.len() > 1;
    if zoomed_out
        && segs[first_vis..]
            .iter()
            .take_while(|s| s.start_s < v.end_s())
            .nth(ncols / 2)
            .is_some()
    {
        let pending = columns_by_time(app, lane, dt, &mut out);
        return (out, pending);
    }
    let mut pending = 0;
    for seg in visible {
        let a = seg.start_s.max(v.start_s);
        let b = (seg.start_s + seg.duration_s).min(v.end_s());
        if b <= a {
            continue;
        }
        let ca = ((a - v.start_s) / dt).floor() as usize;
        let cb = (((b - v.start_s) / dt).ceil() as usize).min(ncols);
        if ca >= cb {
            continue;
        }
        let s0 = app.rec.sample_at_or_after(lane.anchor, seg.start_s);
        let seg_end = (s0 + (seg.duration_s * lane.rate_hz).round() as u64).min(lane.samples);
        let first = s0 as f64 + (v.start_s + ca as f64 * dt - seg.start_s) * lane.rate_hz;
        let slice = &mut out[ca..cb];
        if zoomed_out {
            if let Some(job) = &app.job {
                pending += job.pyramid.envelope(lane.track, first, spc, slice).pending;
            }
            if gaps && spc <= RAW_EDGE_MAX {
                let n = slice.len();
                for c in [0, n - 1] {
                    let at = first + c as f64 * spc;
                    let lo = at.floor().max(s0 as f64) as u64;
                    let hi = ((at + spc).ceil() as u64).min(seg_end);
                    if hi > lo {
                        if let Ok(values) = lane.derivation.read(&app.rec, lo, (hi - lo) as usize) {
                            raw_envelope(&values, at - lo as f64, spc, &mut slice[c..c + 1]);
                        }
                    }
                }
            }
            continue;
        }
        let margin = filter.margin_samples(lane.rate_hz) as f64;
        let lo = (first - margin).floor().max(s0 as f64) as u64;
        let hi = ((first + slice.len() as f64 * spc + 1.0 + margin).ceil() as u64).min(seg_end);
        if hi <= lo {
            continue;
        }
        let Ok(mut values) = lane.derivation.read(&app.rec, lo, (hi - lo) as usize) else {
            continue;
        };
        filter.apply(lane.rate_hz, &mut values);
        raw_envelope(&values, first - lo as f64, spc, slice);
    }
    (out, pending)
}

/// Zoomed out over many short segments: each column covers the samples whose times fall in
/// it, found by binary search, read from the pyramid.
fn columns_by_time(app: &App, lane: &Lane, dt: f64, out: &mut [(f32, f32)]) -> usize {
    let Some(job) = &app.job else { return 0 };
    let v = &app.view;
    let mut pending = 0;
    let mut i0 = app.rec.sample_at_or_after(lane.anchor, v.start_s);
    for (c, o) in out.iter_mut().enumerate() {
        let i1 = app
            .rec
            .sample_at_or_after(lane.anchor, v.start_s + (c + 1) as f64 * dt);
        if i1 > i0 {
            let n = (i1 - i0) as f64;
            pending += job
                .pyramid
                .envelope(lane.track, i0 as f64, n, std::slice::from_mut(o))
                .pending;
        }
        i0 = i1;
    }
    pending
}

fn draw_events(buf: &mut Buffer, area: Rect, wave: Rect, y: u16, app: &App) {
    buf.set_stringn(
        area.x,
        y,
        "file events",
        usize::from(GUTTER - 1),
        app.theme.dim(),
    );
    let v = &app.view;
    let style = app.theme.event();
    let end = wave.x + wave.width;
    let mut marks: Vec<(u16, u16, &str)> = Vec::new();
    for ann in &app.rec.annotations {
        let dur = ann.duration_s.unwrap_or(0.0).max(0.0);
        if ann.onset_s > v.end_s() || ann.onset_s + dur < v.start_s {
            continue;
        }
        let x0 = column_of(app, wave, ann.onset_s.max(v.start_s)).unwrap_or(wave.x);
        let x1 = column_of(app, wave, (ann.onset_s + dur).min(v.end_s())).unwrap_or(end - 1);
        marks.push((x0, x1, &ann.text));
        if marks.len() > usize::from(wave.width) {
            break;
        }
    }
    for (k, &(x0, x1, text)) in marks.iter().enumerate() {
        for x in x0..=x1.min(end - 1) {
            buf.set_string(x, y, if x == x0 { "▼" } else { "─" }, style);
        }
        let next = marks.get(k + 1).map_or(end, |m| m.0);
        let room = usize::from(next.saturating_sub(x0 + 1));
        if room > 1 {
            let text = crate::text::sanitize(text);
            buf.set_stringn(x0 + 1, y, text, room - 1, style);
        }
    }
}

/// Tick steps for the time axis, seconds.
const TICKS: [f64; 22] = [
    0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
    3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0, 172800.0,
];

fn draw_axis(buf: &mut Buffer, area: Rect, wave: Rect, y: u16, app: &App) {
    let dim = app.theme.dim();
    buf.set_stringn(area.x, y, "time", usize::from(GUTTER - 1), dim);
    if app.rec.start.is_some() {
        buf.set_stringn(area.x, y + 1, "clock", usize::from(GUTTER - 1), dim);
    }
    let v = &app.view;
    let min_step = v.span_s * 12.0 / f64::from(wave.width.max(1));
    let step = TICKS
        .iter()
        .copied()
        .find(|&s| s >= min_step)
        .unwrap_or(v.span_s);
    let places = usize::from(step < 1.0);
    let mut t = (v.start_s / step).ceil() * step;
    let mut guard = 0;
    while t <= v.end_s() && guard < 1000 {
        guard += 1;
        if let Some(x) = column_of(app, wave, t) {
            let room = usize::from(wave.x + wave.width - x);
            buf.set_stringn(x, y, format!("|{}", format_offset(t, places)), room, dim);
            if let Some(start) = &app.rec.start {
                let clock = format_clock(start, t, places);
                buf.set_stringn(x, y + 1, format!("|{clock}"), room, dim);
            }
        }
        t += step;
    }
}

fn draw_cursor(buf: &mut Buffer, wave: Rect, app: &App) {
    let Some(x) = column_of(app, wave, app.view.cursor_s) else {
        return;
    };
    let style = app.theme.cursor();
    for y in wave.y..wave.y + wave.height {
        if let Some(cell) = buf.cell_mut((x, y)) {
            if cell.symbol() == " " {
                cell.set_symbol("│");
            }
            cell.set_style(style);
        }
    }
}

/// A number in at most 4 significant characters: 0.25, 12.5, 150, 1.2k.
fn short_number(v: f64) -> String {
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

fn draw_status(buf: &mut Buffer, r: Rect, app: &App) {
    let style = app.theme.status();
    buf.set_style(r, style);
    let w = usize::from(r.width);
    let text = match app.layers.typing() {
        Some(super::input::Layer::Jump(t)) => {
            format!(
                " Jump to (seconds, H:MM:SS, or @HH:MM[:SS] clock): {}_   Enter go, Esc cancel",
                crate::text::sanitize(t)
            )
        }
        Some(super::input::Layer::Note(t)) => {
            format!(
                " Note: {}_   Enter save, Esc cancel",
                crate::text::sanitize(t)
            )
        }
        _ => status_line(app),
    };
    buf.set_stringn(r.x, r.y, &text, w, style);
    // A failed journal append stays on screen, beside any newer message, until an append
    // succeeds again.
    let unsaved = app.annot.as_ref().and_then(|a| a.store.append_failure());
    if let Some(msg) = super::notice::status_message(app.message.as_deref(), unsaved) {
        let msg = format!(" {msg} ");
        let len = msg.chars().count().min(w);
        let x = r.x + (r.width - len as u16);
        buf.set_stringn(x, r.y, msg, w, app.theme.warning().patch(style));
    }
}

/// The status bar's text: file, reader, cursor, window, amplitude, filters, montage, mode.
pub fn status_line(app: &App) -> String {
    let v = &app.view;
    let places = decimals(v);
    let clock = app
        .rec
        .start
        .map(|s| format!(" ({})", format_clock(&s, v.cursor_s, places)))
        .unwrap_or_default();
    let sel = app.selected_lane().map(|i| &app.lanes[i]);
    let amp = sel.map_or(String::new(), |l| {
        format!("{} ±{} {}", l.label, short_number(l.scale), l.unit)
    });
    let filt = match sel {
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
    };
    let montage = app
        .montages
        .get(app.montage)
        .map_or("", |m| m.name.as_str());
    let adj = app.adjudication.as_ref().map_or(String::new(), |a| {
        let (done, total) = a.progress();
        format!("resolved {done} of {total} │ ")
    });
    let hr = super::freq::beats(app)
        .and_then(|b| super::freq::mean_hr_in_view(app, &b))
        .map_or(String::new(), |h| format!(" │ HR {h:.0} bpm"));
    let building = if let Some(f) = app.pyramid_failure() {
        format!(" │ overview failed: {f}")
    } else if app.is_building() {
        format!(" │ overview {:.0}%", app.pyramid_fraction() * 100.0)
    } else {
        String::new()
    };
    format!(
        " {} │ {} │ {}{}{} │ {} │ {} │ {} │ {} │ {}{}{}",
        app.file_name,
        app.reader,
        // Adjudicating, the progress goes first: messages are drawn over the right end.
        adj,
        format_offset(v.cursor_s, places),
        clock,
        window_label(v),
        amp,
        filt,
        montage,
        app.layers.mode_name(),
        hr,
        building
    )
}

fn draw_help(buf: &mut Buffer, area: Rect, app: &App) {
    let lines = super::help::rows(app);
    let inner_w = area.width.saturating_sub(4);
    let w: u16 = 100.min(inner_w);
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    Clear.render(r, buf);
    buf.set_style(r, Style::default());
    let border = app.theme.dim();
    for x in r.x..r.x + r.width {
        buf.set_string(x, r.y, "─", border);
        buf.set_string(x, r.y + r.height - 1, "─", border);
    }
    let rows = usize::from(r.height.saturating_sub(2));
    let state = app.layers.help().cloned().unwrap_or_default();
    let first = super::help::first_row(&state, lines.len(), rows);
    let title = format!(
        " sigmark keys, rows {}-{} of {} (arrows, pgup/pgdn, home/end scroll; any other key closes) ",
        first + 1,
        (first + rows).min(lines.len()),
        lines.len()
    );
    let tw = usize::from(r.width.saturating_sub(4));
    buf.set_stringn(r.x + 2, r.y, title, tw, app.theme.label(false));
    for (row, line) in lines.iter().skip(first).take(rows).enumerate() {
        let w = usize::from(r.width).saturating_sub(1);
        buf.set_stringn(r.x, r.y + 1 + row as u16, line, w, Style::default());
    }
}

/// One reader's events in a lane: points as `▼`, intervals as `├───┤`, the selected event in
/// reverse video, the open interval being marked as `░` from its start to the cursor.
fn draw_reader_lane(buf: &mut Buffer, area: Rect, wave: Rect, y: u16, app: &App, lane: &EventLane) {
    let Some(a) = &app.annot else { return };
    let (title, events): (String, &[crate::annotations::Event]) = match lane {
        EventLane::Other(k) => match a.others.get(*k) {
            Some((r, ev)) => (format!("{r} (ro)"), ev.as_slice()),
            None => return,
        },
        _ => (a.store.reader.clone(), a.store.events()),
    };
    let title: String = crate::text::sanitize(&title)
        .chars()
        .take(usize::from(GUTTER - 1))
        .collect();
    buf.set_stringn(
        area.x,
        y,
        title,
        usize::from(GUTTER - 1),
        app.theme.label(false),
    );
    let v = &app.view;
    let end = wave.x + wave.width;
    let base = if matches!(lane, EventLane::Reader) {
        app.theme.event()
    } else {
        app.theme.dim()
    };
    // Adjudicating: the readers' events take the colour of their status.
    let status_style = |e: &crate::annotations::Event| {
        app.adjudication
            .as_ref()
            .and_then(|adj| adj.status_of.get(&e.id))
            .map(|st| match st {
                super::adjudicate::Status::Agree => app.theme.lane(1),
                super::adjudicate::Status::OnlyA | super::adjudicate::Status::OnlyB => {
                    app.theme.warning()
                }
                super::adjudicate::Status::LabelDiffers => app.theme.event(),
                super::adjudicate::Status::BoundsDiffer => app.theme.lane(3),
            })
    };
    let upto = events.partition_point(|e| e.onset <= v.end_s());
    let mut last_text_end = wave.x;
    // Zoomed out over a day of beats, hundreds of point events share a column: draw the
    // first, skip the rest (the selected one is always drawn).
    let mut last_point: Option<u16> = None;
    for e in events[..upto]
        .iter()
        .filter(|e| e.end() >= v.start_s && !a.is_epoch_event(e))
    {
        let x0 = column_of(app, wave, e.onset.max(v.start_s)).unwrap_or(wave.x);
        let selected =
            matches!(lane, EventLane::Reader) && a.selected.as_deref() == Some(e.id.as_str());
        if e.is_point() && !selected && last_point == Some(x0) {
            continue;
        }
        if e.is_point() {
            last_point = Some(x0);
        }
        let x1 = column_of(app, wave, e.end().min(v.end_s()))
            .unwrap_or(end - 1)
            .max(x0);
        let base = match lane {
            EventLane::Other(_) => status_style(e).unwrap_or(base),
            _ => base,
        };
        let current = app
            .adjudication
            .as_ref()
            .and_then(|adj| adj.current.map(|k| &adj.items[k]))
            .is_some_and(|it| {
                it.a.as_ref().is_some_and(|x| x.id == e.id)
                    || it.b.as_ref().is_some_and(|x| x.id == e.id)
            });
        let style = if selected || (current && matches!(lane, EventLane::Other(_))) {
            base.add_modifier(ratatui::style::Modifier::REVERSED)
        } else {
            base
        };
        for x in x0..=x1.min(end - 1) {
            let ch = if e.is_point() {
                "▼"
            } else if x == x0 {
                "├"
            } else if x == x1 {
                "┤"
            } else {
                "─"
            };
            buf.set_string(x, y, ch, style);
        }
        // The label after the mark, where it does not run into an earlier label.
        let x = x0 + 1;
        if x >= last_text_end && x < end {
            let possible = if e.certainty == crate::annotations::Certainty::Possible {
                "?"
            } else {
                ""
            };
            let text = crate::text::sanitize(&format!("{}{possible}", e.label));
            let room = usize::from(end - x);
            let n = text.chars().count().min(room);
            buf.set_stringn(x, y, &text, room, style);
            last_text_end = x + n as u16 + 1;
        }
    }
    if let (EventLane::Reader, Some(open)) = (lane, &a.open) {
        let (t0, t1) = (open.start.min(v.cursor_s), open.start.max(v.cursor_s));
        let x0 = column_of(app, wave, t0.max(v.start_s)).unwrap_or(wave.x);
        let x1 = column_of(app, wave, t1.min(v.end_s()))
            .unwrap_or(end - 1)
            .max(x0);
        for x in x0..=x1.min(end - 1) {
            buf.set_string(x, y, "░", app.theme.cursor());
        }
        let name = open
            .label
            .and_then(|l| a.taxonomy.labels.get(l))
            .map_or("mark".to_string(), |l| crate::text::sanitize(&l.name));
        buf.set_stringn(
            x0,
            y,
            name,
            usize::from(end.saturating_sub(x0)),
            app.theme.cursor(),
        );
    }
}

/// Sleep stages as a step lane: each epoch's stage name over its span.
fn draw_hypnogram(buf: &mut Buffer, area: Rect, wave: Rect, y: u16, app: &App) {
    let Some(a) = &app.annot else { return };
    buf.set_stringn(
        area.x,
        y,
        "stages",
        usize::from(GUTTER - 1),
        app.theme.dim(),
    );
    let v = &app.view;
    let end = wave.x + wave.width;
    let events = a.store.events();
    let upto = events.partition_point(|e| e.onset <= v.end_s());
    for e in events[..upto]
        .iter()
        .filter(|e| e.end() >= v.start_s && a.is_epoch_event(e))
    {
        let x0 = column_of(app, wave, e.onset.max(v.start_s)).unwrap_or(wave.x);
        let x1 = column_of(app, wave, e.end().min(v.end_s()))
            .unwrap_or(end - 1)
            .max(x0);
        let depth = a
            .taxonomy
            .labels
            .iter()
            .filter(|l| l.kind == crate::annotations::LabelKind::Epoch)
            .position(|l| l.name == e.label)
            .unwrap_or(0);
        let style = app.theme.lane(depth);
        let block = ["█", "▇", "▅", "▃", "▁"][depth.min(4)];
        for x in x0..=x1.min(end - 1) {
            buf.set_string(x, y, block, style);
        }
        let text = crate::text::sanitize(&e.label);
        if usize::from(x1 - x0) > text.chars().count() + 1 {
            buf.set_stringn(
                x0 + 1,
                y,
                text,
                usize::from(x1 - x0),
                style.add_modifier(ratatui::style::Modifier::REVERSED),
            );
        }
    }
}

/// The disagreements in time order, the current one highlighted, each with its decision.
fn draw_disagreements(buf: &mut Buffer, lanes: Rect, app: &App) {
    let Some(adj) = &app.adjudication else { return };
    let w = lanes.width.min(60);
    if w < 24 || lanes.height < 3 {
        return;
    }
    let r = Rect::new(lanes.x + lanes.width - w, lanes.y, w, lanes.height);
    Clear.render(r, buf);
    let (done, total) = adj.progress();
    let title = format!(
        " {} vs {}: {done} of {total} resolved",
        adj.reader_a, adj.reader_b
    );
    buf.set_stringn(
        r.x,
        r.y,
        crate::text::sanitize(&title),
        usize::from(w),
        app.theme.label(true),
    );
    let list: Vec<(usize, &super::adjudicate::Item)> = adj.disagreements().collect();
    let cur = adj
        .current
        .and_then(|c| list.iter().position(|(k, _)| *k == c))
        .unwrap_or(0);
    let rows = usize::from(r.height - 1);
    let first = (cur + 1).saturating_sub(rows);
    for (n, (k, it)) in list.iter().enumerate().skip(first).take(rows) {
        let label = |e: &Option<crate::annotations::Event>| {
            e.as_ref().map_or("-".to_string(), |e| e.label.clone())
        };
        let decided = adj
            .decided
            .get(&it.key())
            .map_or(String::new(), |d| format!(" [{}]", d.decision));
        let line = format!(
            "{} {:<13} A {} / B {}{decided}",
            format_offset(it.onset(), decimals(&app.view)),
            it.status.name(),
            label(&it.a),
            label(&it.b)
        );
        let style = if Some(*k) == adj.current {
            app.theme.label(true)
        } else {
            Style::default()
        };
        buf.set_stringn(
            r.x + 1,
            r.y + 1 + (n - first) as u16,
            crate::text::sanitize(&format!("{line:<width$}", width = usize::from(w - 2))),
            usize::from(w - 2),
            style,
        );
    }
}

/// The event list: a panel on the right of the waveforms.
fn draw_event_list(buf: &mut Buffer, lanes: Rect, app: &App) {
    let Some(a) = &app.annot else { return };
    let Some(list) = app.layers.event_list() else {
        return;
    };
    let w = lanes.width.min(48);
    if w < 20 || lanes.height < 3 {
        return;
    }
    let r = Rect::new(lanes.x + lanes.width - w, lanes.y, w, lanes.height);
    Clear.render(r, buf);
    let listed = a.listed(Some(list));
    let cur = super::annotate::list_cursor(a, list);
    let title = format!(
        " events {}/{} filter: {}_",
        listed.len(),
        a.store.events().len(),
        crate::text::sanitize(&list.filter)
    );
    buf.set_stringn(r.x, r.y, title, usize::from(w), app.theme.label(true));
    let rows = usize::from(r.height - 1);
    let first = (cur + 1).saturating_sub(rows);
    for (k, e) in listed.iter().enumerate().skip(first).take(rows) {
        let dur = if e.is_point() {
            String::new()
        } else {
            format!(" {}", span_label(e.duration))
        };
        let line = crate::text::sanitize(&format!(
            "{} {}{}{}",
            format_offset(e.onset, decimals(&app.view)),
            e.label,
            dur,
            if e.note.is_empty() { "" } else { " *" }
        ));
        let style = if k == cur {
            app.theme.label(true)
        } else {
            Style::default()
        };
        buf.set_stringn(
            r.x + 1,
            r.y + 1 + (k - first) as u16,
            format!("{line:<width$}", width = usize::from(w - 2)),
            usize::from(w - 2),
            style,
        );
    }
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
