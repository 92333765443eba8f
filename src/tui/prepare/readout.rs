//! The cursor readout (issue 13): each shown lane's recorded value at the cursor, and the
//! selected lane's lowest and highest value in view. The value is the derivation's physical
//! value at the sample nearest the cursor, unfiltered (the number in the file, as the
//! reference readers give it), and only while the window is drawn from raw samples: zoomed out,
//! one sample says nothing about a column, and reading it could cost a chunk decode per lane.
//! The range is that of what is drawn (the lane's display columns, filtered when filters are on).

use crate::dsp::BASE;
use crate::tui::app::App;

/// (cursor, window start, span, dot columns, lanes shown): what the values depend on.
type Key = (u64, u64, u64, usize, Vec<usize>, usize);

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Readout {
    key: Option<Key>,
    /// One per shown lane (as `LanesView::shown`): the value at the cursor, when there is one.
    pub values: Vec<Option<f64>>,
    /// The selected lane's (lowest, highest) value in view.
    pub selected_range: Option<(f64, f64)>,
}

/// Recomputes the readout when the cursor, the window or the lanes shown changed.
pub fn refresh(app: &mut App) {
    let lanes = &app.prepared.lanes;
    let dots = usize::from(app.wave_area.width) * 2;
    let v = &app.view;
    let key = (
        v.cursor_s.to_bits(),
        v.start_s.to_bits(),
        v.span_s.to_bits(),
        dots,
        lanes.shown.clone(),
        app.montage,
    );
    let range = lanes
        .cols
        .get(lanes.selected_row)
        .and_then(|cols| range_of(cols));
    if app.prepared.readout.key.as_ref() != Some(&key) {
        let values = key
            .4
            .iter()
            .map(|&i| value_at_cursor(app, i, dots))
            .collect();
        app.prepared.readout.values = values;
        app.prepared.readout.key = Some(key);
    }
    app.prepared.readout.selected_range = range;
}

/// The lowest and highest finite value of a lane's display columns.
pub fn range_of(cols: &[(f32, f32)]) -> Option<(f64, f64)> {
    let lo = cols
        .iter()
        .map(|c| c.0)
        .filter(|x| x.is_finite())
        .reduce(f32::min)?;
    let hi = cols
        .iter()
        .map(|c| c.1)
        .filter(|x| x.is_finite())
        .reduce(f32::max)?;
    Some((f64::from(lo), f64::from(hi)))
}

/// Lane `i`'s value at the sample nearest the cursor, if the view is read raw, the cursor is
/// within one sample period of a sample (not in a gap), and the read succeeds.
pub fn value_at_cursor(app: &App, i: usize, dots: usize) -> Option<f64> {
    let lane = app.lanes.get(i)?;
    let v = &app.view;
    if dots == 0 || lane.rate_hz <= 0.0 || v.span_s / dots as f64 * lane.rate_hz >= BASE as f64 {
        return None;
    }
    let k = nearest_sample(app, lane.anchor, lane.samples, v.cursor_s)?;
    lane.derivation.read(&app.rec, k, 1).ok()?.first().copied()
}

/// The sample of channel `ch` nearest `t`, if one lies within one sample period of it.
pub fn nearest_sample(app: &App, ch: usize, samples: u64, t: f64) -> Option<u64> {
    let after = app.rec.sample_at_or_after(ch, t);
    let distance = |k: u64| (app.rec.sample_time(ch, k) - t).abs();
    let k = [after.checked_sub(1), Some(after)]
        .into_iter()
        .flatten()
        .filter(|&k| k < samples)
        .min_by(|&a, &b| distance(a).total_cmp(&distance(b)))?;
    let period = 1.0 / app.rec.channels.get(ch)?.rate_hz;
    (distance(k) <= period).then_some(k)
}
