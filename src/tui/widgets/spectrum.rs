//! The spectrum panel: PSD in dB over frequency (computed in the update step), the frequency
//! cursor's readout, and band powers with the dominant frequency for EEG.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

use super::wave;
use crate::dsp::spectrum::{band_powers, dominant_frequency, Psd, TOTAL_BAND};
use crate::dsp::ChannelKind;
use crate::tui::app::{App, Lane};
use crate::tui::freq::SPECTRUM_MAX_S;

fn db(p: f64) -> f64 {
    10.0 * p.max(1e-30).log10()
}

/// Draws the panel into `r`.
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if r.width < 20 || r.height < 6 {
        return;
    }
    Clear.render(r, buf);
    let dim = app.theme.dim();
    let view = app.prepared.spectrum.view.as_ref();
    let Some((lane, view)) = view.and_then(|v| Some((app.lanes.get(v.lane)?, v))) else {
        buf.set_stringn(
            r.x + 1,
            r.y,
            "spectrum: no data here",
            usize::from(r.width - 1),
            dim,
        );
        return;
    };
    let psd = &view.psd;
    let eeg = lane.kind == ChannelKind::Eeg;
    let nyquist = lane.rate_hz / 2.0;
    let fmax = if matches!(lane.kind, ChannelKind::Eeg | ChannelKind::Ecg) {
        nyquist.min(100.0)
    } else {
        nyquist
    };
    let title = format!(
        " {} {} {}s seg, {} segments ",
        lane.label,
        if view.capped {
            format!("{SPECTRUM_MAX_S:.0} s at cursor,")
        } else {
            "view,".into()
        },
        app.freq.segment_s,
        psd.segments,
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
    if plot.height == 0 || psd.frequencies_hz.len() < 2 || !draw_plot(app, psd, fmax, plot, buf) {
        return;
    }
    let y_axis = plot.y + plot.height;
    draw_freq_axis(app, r, plot, fmax, buf);
    draw_readout(app, lane, psd, (r, plot, fmax), buf);
    if eeg {
        draw_bands(app, lane, psd, Rect::new(r.x, y_axis + 2, r.width, 3), buf);
    }
}

/// The PSD trace with its dB scale; false when there is nothing finite to draw.
fn draw_plot(app: &App, psd: &Psd, fmax: f64, plot: Rect, buf: &mut Buffer) -> bool {
    let dim = app.theme.dim();
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
        return false;
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
    wave::draw_lane(buf, plot, &cols, centre, half, app.theme.lane(2));
    let x = plot.x - 6;
    buf.set_stringn(x, plot.y, format!("{:>5.0}", centre + half), 5, dim);
    let bottom = plot.y + plot.height - 1;
    buf.set_stringn(x, bottom, format!("{:>5.0}", centre - half), 5, dim);
    buf.set_stringn(x, plot.y + plot.height / 2, "  dB", 5, dim);
    true
}

/// Frequency ticks under the plot and the frequency cursor down it.
fn draw_freq_axis(app: &App, r: Rect, plot: Rect, fmax: f64, buf: &mut Buffer) {
    let dim = app.theme.dim();
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
}

/// The density at the frequency cursor.
fn draw_readout(
    app: &App,
    lane: &Lane,
    psd: &Psd,
    (r, plot, fmax): (Rect, Rect, f64),
    buf: &mut Buffer,
) {
    let fc = app.freq.cursor_hz.clamp(0.0, fmax);
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
        plot.y + plot.height + 1,
        crate::text::sanitize(&readout),
        usize::from(r.width),
        Style::default(),
    );
}

/// EEG band powers (relative, then absolute) and the dominant frequency, on three rows.
fn draw_bands(app: &App, lane: &Lane, psd: &Psd, r: Rect, buf: &mut Buffer) {
    let bands = band_powers(psd);
    let mut line = String::from(" ");
    for b in &bands {
        line.push_str(&format!("{} {:.0}%  ", b.band.name, b.relative * 100.0));
    }
    let w = usize::from(r.width);
    buf.set_stringn(r.x, r.y, line, w, Style::default());
    let abs: Vec<String> = bands
        .iter()
        .map(|b| format!("{:.3e}", b.absolute))
        .collect();
    let abs = crate::text::sanitize(&format!(" abs {}² : {}", lane.unit, abs.join(" ")));
    buf.set_stringn(r.x, r.y + 1, abs, w, app.theme.dim());
    let dom = dominant_frequency(psd, TOTAL_BAND.low_hz, TOTAL_BAND.high_hz);
    let dom = dom.map_or("dominant: none".to_string(), |f| {
        format!("dominant {f:.2} Hz")
    });
    buf.set_stringn(r.x, r.y + 2, format!(" {dom}"), w, Style::default());
}
