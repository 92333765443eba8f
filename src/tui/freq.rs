//! Frequency views in the viewer: the spectrum panel (Welch PSD of the selected channel over
//! the visible window, band powers for EEG), the spectrogram panel (a background job over the
//! whole recording, drawn aligned with the waveform's time axis), and the heart-rate lane (R
//! peaks detected in the background, instantaneous rate per column, mean rate in the status).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Clear, Widget};

use super::app::App;
use super::background::Output;
use super::theme::ColorMode;
use crate::dsp::spectrum::{
    band_powers, dominant_frequency, Psd, SharedSpectrogram, Spectrogram, StftSpec, Welch,
    WelchSpec, TOTAL_BAND,
};
use crate::dsp::ChannelKind;
use crate::jobs::{Key, Ticket};

/// Longest stretch the spectrum panel analyses: a zoomed-out view is analysed around the
/// cursor (the panel's title says so), so the panel stays within a frame's budget.
pub const SPECTRUM_MAX_S: f64 = 120.0;

/// The spectrogram of one lane over the whole recording, drawn while it fills.
pub struct SpectrogramJob {
    /// The lane's label and window it was computed for.
    pub key: Key,
    pub lane: usize,
    pub shared: SharedSpectrogram,
    /// The job filling `shared`; dropped = cancelled.
    pub job: Ticket,
    /// Why it failed, once its result arrived.
    pub failed: Option<String>,
}

/// Detected R peaks of one channel (sample indices).
pub struct BeatJob {
    pub channel: usize,
    pub rate_hz: f64,
    pub job: Ticket,
    /// The beats (or why detection failed), once the job's result arrived.
    pub result: Option<Result<Vec<u64>, String>>,
}

#[derive(Default)]
pub struct FreqState {
    pub spectrum_on: bool,
    /// Welch segment length in seconds.
    pub segment_s: f64,
    pub cursor_hz: f64,
    welch: Option<Welch>,
    cache: Option<((usize, u64, u64, usize), Psd)>,
    pub spectrogram: Option<SpectrogramJob>,
    pub heart_rate_on: bool,
    pub beats: Option<BeatJob>,
}

impl FreqState {
    pub fn new() -> FreqState {
        FreqState {
            segment_s: 2.0,
            cursor_hz: 10.0,
            ..FreqState::default()
        }
    }
}

/// The samples the spectrum panel analyses for lane `i`: the visible window, or
/// `SPECTRUM_MAX_S` around the cursor when the window is longer. (first sample, count).
fn spectrum_span(app: &App, i: usize) -> (u64, usize) {
    let lane = &app.lanes[i];
    let v = &app.view;
    let (t0, t1) = if v.span_s > SPECTRUM_MAX_S {
        let t0 = (v.cursor_s - SPECTRUM_MAX_S / 2.0)
            .clamp(0.0, (v.duration_s - SPECTRUM_MAX_S).max(0.0));
        (t0, t0 + SPECTRUM_MAX_S)
    } else {
        (v.start_s, v.end_s())
    };
    let a = app.rec.sample_at_or_after(lane.anchor, t0);
    let b = app
        .rec
        .sample_at_or_after(lane.anchor, t1)
        .min(lane.samples);
    (a, b.saturating_sub(a) as usize)
}

/// The PSD of the selected lane over the panel's span, cached until the view or the segment
/// changes.
pub fn spectrum(app: &mut App) -> Option<(usize, Psd, bool)> {
    let i = app.selected_lane()?;
    let (first, count) = spectrum_span(app, i);
    let rate = app.lanes[i].rate_hz;
    let segment = ((app.freq.segment_s * rate).round() as usize).clamp(8, 1 << 20);
    let key = (i, first, count as u64, segment);
    let capped = app.view.span_s > SPECTRUM_MAX_S;
    if let Some((k, psd)) = &app.freq.cache {
        if *k == key {
            return Some((i, psd.clone(), capped));
        }
    }
    let values = app.lanes[i].derivation.read(&app.rec, first, count).ok()?;
    let welch = match &mut app.freq.welch {
        Some(w) if w.spec().segment == segment => w,
        slot => slot.insert(Welch::new(WelchSpec::new(segment)).ok()?),
    };
    let psd = welch.psd(&values, rate).ok()?;
    app.freq.cache = Some((key, psd.clone()));
    Some((i, psd, capped))
}

fn db(p: f64) -> f64 {
    10.0 * p.max(1e-30).log10()
}

/// The spectrum panel: PSD in dB over frequency, the frequency cursor's readout, and band
/// powers with the dominant frequency for EEG.
pub fn draw_spectrum_panel(buf: &mut Buffer, r: Rect, app: &mut App) {
    if r.width < 20 || r.height < 6 {
        return;
    }
    Clear.render(r, buf);
    let dim = app.theme.dim();
    let Some((lane_i, psd, capped)) = spectrum(app) else {
        buf.set_stringn(
            r.x + 1,
            r.y,
            "spectrum: no data here",
            usize::from(r.width - 1),
            dim,
        );
        return;
    };
    let lane = &app.lanes[lane_i];
    let eeg = lane.kind == ChannelKind::Eeg;
    let nyquist = lane.rate_hz / 2.0;
    let fmax = if matches!(lane.kind, ChannelKind::Eeg | ChannelKind::Ecg) {
        nyquist.min(100.0)
    } else {
        nyquist
    };
    let title = format!(
        " {} {} {}s seg, {} segments{} ",
        lane.label,
        if capped {
            format!("{SPECTRUM_MAX_S:.0} s at cursor,")
        } else {
            "view,".into()
        },
        app.freq.segment_s,
        psd.segments,
        ""
    );
    buf.set_stringn(
        r.x,
        r.y,
        crate::text::sanitize(&title),
        usize::from(r.width),
        app.theme.label(true),
    );
    let band_rows: u16 = if eeg { 3 } else { 0 };
    let plot = Rect::new(
        r.x + 6,
        r.y + 1,
        r.width - 7,
        r.height.saturating_sub(3 + band_rows),
    );
    if plot.height == 0 || psd.frequencies_hz.len() < 2 {
        return;
    }
    // One (min, max) dB per dot column.
    let dots = usize::from(plot.width) * 2;
    let mut cols = vec![(f32::NAN, f32::NAN); dots];
    let mut lo_db = f64::INFINITY;
    let mut hi_db = f64::NEG_INFINITY;
    for (f, p) in psd.frequencies_hz.iter().zip(&psd.density) {
        if *f > fmax || !p.is_finite() {
            continue;
        }
        let c = ((f / fmax) * (dots - 1) as f64).round() as usize;
        let d = db(*p);
        let slot = &mut cols[c.min(dots - 1)];
        *slot = if slot.0.is_nan() {
            (d as f32, d as f32)
        } else {
            (slot.0.min(d as f32), slot.1.max(d as f32))
        };
        lo_db = lo_db.min(d);
        hi_db = hi_db.max(d);
    }
    if !(lo_db.is_finite() && hi_db.is_finite()) {
        return;
    }
    // Join empty columns (fewer bins than columns) by carrying the last value.
    let mut last = None;
    for c in cols.iter_mut() {
        if c.0.is_nan() {
            if let Some(l) = last {
                *c = l;
            }
        } else {
            last = Some(*c);
        }
    }
    let centre = (lo_db + hi_db) / 2.0;
    let half = ((hi_db - lo_db) / 2.0).max(1.0) * 1.05;
    super::render::wave::draw_lane(buf, plot, &cols, centre, half, app.theme.lane(2));
    buf.set_stringn(r.x, plot.y, format!("{:>5.0}", centre + half), 5, dim);
    buf.set_stringn(
        r.x,
        plot.y + plot.height - 1,
        format!("{:>5.0}", centre - half),
        5,
        dim,
    );
    buf.set_stringn(r.x, plot.y + plot.height / 2, "  dB", 5, dim);
    // Frequency axis and cursor.
    let y_axis = plot.y + plot.height;
    for k in 0..=4 {
        let f = fmax * k as f64 / 4.0;
        let x = plot.x + ((k as f64 / 4.0) * f64::from(plot.width - 1)).round() as u16;
        let label = format!("|{f:.0}");
        buf.set_stringn(
            x.min(r.x + r.width - 1),
            y_axis,
            label,
            usize::from(r.x + r.width - x.min(r.x + r.width - 1)),
            dim,
        );
    }
    let fc = app.freq.cursor_hz.clamp(0.0, fmax);
    let xc = plot.x + ((fc / fmax) * f64::from(plot.width - 1)).round() as u16;
    for y in plot.y..plot.y + plot.height {
        if let Some(cell) = buf.cell_mut((xc, y)) {
            if cell.symbol() == " " {
                cell.set_symbol("│");
            }
            cell.set_style(app.theme.cursor());
        }
    }
    let k = psd
        .frequencies_hz
        .partition_point(|f| *f < fc)
        .min(psd.frequencies_hz.len() - 1);
    let readout = format!(
        " cursor {:.2} Hz: {:.1} dB ({:.3e} {}²/Hz)",
        psd.frequencies_hz[k],
        db(psd.density[k]),
        psd.density[k],
        lane.unit
    );
    buf.set_stringn(
        r.x,
        y_axis + 1,
        crate::text::sanitize(&readout),
        usize::from(r.width),
        Style::default(),
    );
    if eeg {
        let bands = band_powers(&psd);
        let mut line = String::from(" ");
        for b in &bands {
            line.push_str(&format!("{} {:.0}%  ", b.band.name, b.relative * 100.0));
        }
        buf.set_stringn(
            r.x,
            y_axis + 2,
            line,
            usize::from(r.width),
            Style::default(),
        );
        let abs: Vec<String> = bands
            .iter()
            .map(|b| format!("{:.3e}", b.absolute))
            .collect();
        buf.set_stringn(
            r.x,
            y_axis + 3,
            crate::text::sanitize(&format!(" abs {}² : {}", lane.unit, abs.join(" "))),
            usize::from(r.width),
            dim,
        );
        let dom = dominant_frequency(&psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz);
        let dom = dom.map_or("dominant: none".to_string(), |f| {
            format!("dominant {f:.2} Hz")
        });
        buf.set_stringn(
            r.x,
            y_axis + 4,
            format!(" {dom}"),
            usize::from(r.width),
            Style::default(),
        );
    }
}

/// Starts (or keeps) the spectrogram of the selected lane over the whole recording: 2-second
/// windows, half overlap, up to 100 Hz (or Nyquist). A job for another lane is dropped.
pub fn ensure_spectrogram(app: &mut App) {
    let Some(i) = app.selected_lane() else { return };
    let lane = &app.lanes[i];
    let window = ((2.0 * lane.rate_hz).round() as usize).max(8);
    let key = Key::Spectrogram {
        lane: lane.label.clone(),
        window,
    };
    if app.freq.spectrogram.as_ref().is_some_and(|s| s.key == key) {
        return;
    }
    app.freq.spectrogram = None; // cancels the stale job; its result will be dropped
    let spec = StftSpec {
        window,
        overlap: 0.5,
        max_hz: Some(100.0),
    };
    let Ok(sg) = Spectrogram::new(spec, lane.rate_hz, 0, lane.samples) else {
        app.message = Some("this channel is too short or too slow for a spectrogram".into());
        return;
    };
    let total = sg.total_columns() as u64;
    let shared = SharedSpectrogram::new(sg);
    let (s2, rec, d) = (shared.clone(), app.rec.clone(), lane.derivation.clone());
    let job = app.jobs.runner.request(key.clone(), total, move |ctx| {
        s2.compute_derivation(&rec, &d, ctx.progress(), ctx.cancel_flag())
            .map(|_| Output::Built)
            .map_err(|e| crate::text::sanitize(&e.to_string()))
    });
    app.freq.spectrogram = Some(SpectrogramJob {
        key,
        lane: i,
        shared,
        job,
        failed: None,
    });
}

/// Perceptually uniform colour map (viridis), 9 stops from matplotlib's table.
const VIRIDIS: [(u8, u8, u8); 9] = [
    (68, 1, 84),
    (71, 44, 122),
    (59, 81, 139),
    (44, 113, 142),
    (33, 144, 141),
    (39, 173, 129),
    (92, 200, 99),
    (170, 220, 50),
    (253, 231, 37),
];

fn viridis(x: f64) -> (u8, u8, u8) {
    let x = x.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + (f64::from(q) - f64::from(p)) * f).round() as u8;
    (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// The colour of level `x` (0..1) in the terminal's colour mode.
fn colour(x: f64, mode: ColorMode) -> Color {
    let (r, g, b) = viridis(x);
    match mode {
        ColorMode::TrueColor => Color::Rgb(r, g, b),
        // The 6x6x6 cube of the 256-colour palette.
        ColorMode::Ansi256 => {
            let q = |v: u8| (u16::from(v) * 5 / 255) as u8;
            Color::Indexed(16 + 36 * q(r) + 6 * q(g) + q(b))
        }
        _ => [
            Color::Black,
            Color::Blue,
            Color::Cyan,
            Color::Green,
            Color::Yellow,
        ][((x.clamp(0.0, 1.0)) * 4.0).round() as usize],
    }
}

/// The spectrogram panel under the lanes: the same columns as the waveform (so its time axis
/// is the view's), frequency up the rows with two pixels per cell (upper half-blocks).
pub fn draw_spectrogram(buf: &mut Buffer, r: Rect, wave: Rect, app: &App) {
    let Some(sj) = &app.freq.spectrogram else {
        return;
    };
    if r.height == 0 || wave.width == 0 {
        return;
    }
    Clear.render(r, buf);
    let lane = &app.lanes[sj.lane.min(app.lanes.len().saturating_sub(1))];
    let sg = sj.shared.read();
    let pct = sj.job.fraction() * 100.0;
    let title = if sj.job.is_done() {
        "spectrogram".to_string()
    } else {
        format!("spectro {pct:.0}%")
    };
    buf.set_stringn(
        r.x,
        r.y,
        title,
        usize::from(super::render::GUTTER - 1),
        app.theme.dim(),
    );
    buf.set_stringn(
        r.x,
        r.y + 1,
        crate::text::sanitize(&lane.label),
        usize::from(super::render::GUTTER - 1),
        app.theme.dim(),
    );
    let top_hz = sg.bins().saturating_sub(1) as f64 * sg.bin_hz();
    buf.set_stringn(
        r.x,
        r.y + r.height - 1,
        format!("0-{top_hz:.0} Hz"),
        usize::from(super::render::GUTTER - 1),
        app.theme.dim(),
    );
    let v = &app.view;
    let px = usize::from(r.height) * 2;
    // Each screen column: the spectrogram column at its centre time.
    let mut grid: Vec<Option<Vec<f32>>> = Vec::with_capacity(usize::from(wave.width));
    let mut levels: Vec<f32> = Vec::new();
    for x in 0..wave.width {
        let t = v.start_s + (f64::from(x) + 0.5) / f64::from(wave.width) * v.span_s;
        let s = app.rec.sample_at_or_after(lane.anchor, t) as f64;
        let col = sg
            .column_at_sample(s)
            .and_then(|c| sg.column(c))
            .map(|bins| {
                (0..px)
                    .map(|p| {
                        // Pixel rows from the top: highest frequencies first.
                        let b0 = (px - 1 - p) * bins.len() / px;
                        let b1 = ((px - p) * bins.len() / px).max(b0 + 1).min(bins.len());
                        bins[b0..b1]
                            .iter()
                            .copied()
                            .fold(f32::NEG_INFINITY, f32::max)
                    })
                    .collect::<Vec<f32>>()
            });
        if let Some(c) = &col {
            levels.extend(c.iter().copied().filter(|v| v.is_finite()));
        }
        grid.push(col);
    }
    if levels.is_empty() {
        return;
    }
    levels.sort_by(f32::total_cmp);
    let lo = f64::from(levels[levels.len() * 5 / 100]);
    let hi = f64::from(levels[(levels.len() * 99 / 100).min(levels.len() - 1)]).max(lo + 1.0);
    let norm = |v: f32| (f64::from(v) - lo) / (hi - lo);
    const SHADES: [&str; 5] = [" ", "░", "▒", "▓", "█"];
    for (x, col) in grid.iter().enumerate() {
        let Some(col) = col else { continue };
        for row in 0..r.height {
            let (up, down) = (
                norm(col[usize::from(row) * 2]),
                norm(col[usize::from(row) * 2 + 1]),
            );
            let Some(cell) = buf.cell_mut((wave.x + x as u16, r.y + row)) else {
                continue;
            };
            if app.theme.mode == ColorMode::NoColor {
                let level = ((up + down) / 2.0).clamp(0.0, 1.0);
                cell.set_symbol(SHADES[(level * 4.0).round() as usize]);
            } else {
                cell.set_symbol("▀");
                cell.set_style(
                    Style::default()
                        .fg(colour(up, app.theme.mode))
                        .bg(colour(down, app.theme.mode)),
                );
            }
        }
    }
}

/// Starts R-peak detection on the selected lane's channel (or the first ECG channel).
pub fn ensure_beats(app: &mut App) {
    let ch = app
        .selected_lane()
        .filter(|&i| app.lanes[i].kind == ChannelKind::Ecg)
        .map(|i| app.lanes[i].anchor)
        .or_else(|| {
            app.rec
                .channels
                .iter()
                .position(|c| ChannelKind::of(c) == ChannelKind::Ecg)
        });
    let Some(ch) = ch else {
        app.message = Some("no ECG channel to detect beats in".into());
        return;
    };
    if app.freq.beats.as_ref().is_some_and(|b| b.channel == ch) {
        return;
    }
    let c = &app.rec.channels[ch];
    let (rate, total) = (c.rate_hz, c.samples);
    let rec = app.rec.clone();
    let key = Key::Beats { channel: ch };
    let job = app.jobs.runner.request(key, total, move |ctx| {
        crate::dsp::beats::detect_channel(&rec, ch, ctx.progress(), ctx.cancel_flag())
            .map(|d| Output::Beats(d.beats.iter().map(|b| b.sample).collect()))
            .map_err(|e| crate::text::sanitize(&e.to_string()))
    });
    app.freq.beats = Some(BeatJob {
        channel: ch,
        rate_hz: rate,
        job,
        result: None,
    });
}

/// Beat sample indices once detection is done.
pub fn beats(app: &App) -> Option<Vec<u64>> {
    match app.freq.beats.as_ref()?.result.as_ref()? {
        Ok(v) => Some(v.clone()),
        Err(_) => None,
    }
}

/// Mean heart rate over the visible window, from the detected beats.
pub fn mean_hr_in_view(app: &App, beats: &[u64]) -> Option<f64> {
    let b = app.freq.beats.as_ref()?;
    let v = &app.view;
    let a = app.rec.sample_at_or_after(b.channel, v.start_s);
    let z = app.rec.sample_at_or_after(b.channel, v.end_s());
    let (i, j) = (
        beats.partition_point(|&s| s < a),
        beats.partition_point(|&s| s < z),
    );
    let inside = beats.get(i..j)?;
    if inside.len() < 2 {
        return None;
    }
    let span = app.rec.sample_time(b.channel, inside[inside.len() - 1])
        - app.rec.sample_time(b.channel, inside[0]);
    (span > 0.0).then(|| 60.0 * (inside.len() - 1) as f64 / span)
}

/// The heart-rate lane: instantaneous rate (60 / RR) per column as a trace, and the beats as
/// ticks on its top row when they are far enough apart to tell.
pub fn draw_heart_rate(buf: &mut Buffer, r: Rect, wave: Rect, app: &App) {
    let Some(b) = &app.freq.beats else { return };
    buf.set_stringn(
        r.x,
        r.y,
        "HR bpm",
        usize::from(super::render::GUTTER - 1),
        app.theme.label(false),
    );
    let Some(beats) = beats(app) else {
        let text = match b.result.as_ref().and_then(|r| r.as_ref().err()) {
            Some(e) => format!("beat detection failed: {e}"),
            None => format!("detecting beats {:.0}%", b.job.fraction() * 100.0),
        };
        buf.set_stringn(wave.x, r.y, text, usize::from(wave.width), app.theme.dim());
        return;
    };
    let v = &app.view;
    let dots = usize::from(wave.width) * 2;
    let dt = v.span_s / dots as f64;
    let mut cols = vec![(f32::NAN, f32::NAN); dots];
    let a = app.rec.sample_at_or_after(b.channel, v.start_s);
    let first = beats.partition_point(|&s| s < a).saturating_sub(1);
    let mut ticks = Vec::new();
    for w in beats[first..].windows(2) {
        let (t0, t1) = (
            app.rec.sample_time(b.channel, w[0]),
            app.rec.sample_time(b.channel, w[1]),
        );
        if t0 > v.end_s() {
            break;
        }
        let rr = t1 - t0;
        if rr.is_nan() || rr <= 0.0 || rr > 5.0 {
            continue;
        }
        let hr = (60.0 / rr) as f32;
        if t1 >= v.start_s && t1 <= v.end_s() {
            let c = (((t1 - v.start_s) / dt) as usize).min(dots - 1);
            let slot = &mut cols[c];
            *slot = if slot.0.is_nan() {
                (hr, hr)
            } else {
                (slot.0.min(hr), slot.1.max(hr))
            };
            ticks.push(c / 2);
        }
    }
    // Carry the rate across columns without a beat, so the trace is a step line.
    let mut last = None;
    for c in cols.iter_mut() {
        match (c.0.is_nan(), last) {
            (true, Some(l)) => *c = (l, l),
            (false, _) => last = Some(c.1),
            _ => {}
        }
    }
    let plot = Rect::new(wave.x, r.y, wave.width, r.height);
    super::render::wave::draw_lane(buf, plot, &cols, 90.0, 60.0, app.theme.lane(4));
    buf.set_stringn(
        r.x,
        r.y + r.height - 1,
        "30-150",
        usize::from(super::render::GUTTER - 1),
        app.theme.dim(),
    );
    if ticks.len() * 3 < usize::from(wave.width) {
        for x in ticks {
            if let Some(cell) = buf.cell_mut((wave.x + x as u16, r.y)) {
                cell.set_symbol("╷");
                cell.set_style(app.theme.event());
            }
        }
    }
}
