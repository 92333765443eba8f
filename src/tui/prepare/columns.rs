//! Lane columns: one (min, max) per dot column of each visible lane, from the pyramid when
//! zoomed out and from raw samples through the display filter when zoomed in; and the
//! auto-scale that fits a lane to what is on screen. Computed in the update step, never while
//! drawing.

use crate::dsp::{raw_envelope, BASE, EMPTY};
use crate::signal::Segment;
use crate::tui::app::{App, Lane};

/// Fits a lane to what is on screen. A calibrated lane keeps its sensitivity (its half-height
/// comes from it) and centres on the median of the columns' midpoints, so one R wave or spike
/// does not push the baseline off the middle; an auto-scaled lane takes the whole range, since
/// the peaks (an R wave, a spike) are what a reader looks at.
pub fn autoscale(lane: &mut Lane, cols: &[(f32, f32)]) {
    if lane.paper.sensitivity().is_some() {
        if let Some(m) = median_midpoint(cols) {
            lane.center = m;
            lane.unscaled = false;
        }
        return;
    }
    let Some((a, b)) = super::paper::range(cols) else {
        return;
    };
    lane.center = (a + b) / 2.0;
    let half = (b - a) / 2.0 * 1.05;
    lane.scale = if half > 0.0 && half.is_finite() {
        half
    } else {
        (lane.center.abs() * 0.1).max(1e-6)
    };
    lane.unscaled = false;
}

/// The median of the columns' midpoints (finite columns only).
fn median_midpoint(cols: &[(f32, f32)]) -> Option<f64> {
    let mut mids: Vec<f64> = cols
        .iter()
        .filter(|c| c.0.is_finite() && c.1.is_finite())
        .map(|c| (f64::from(c.0) + f64::from(c.1)) / 2.0)
        .collect();
    if mids.is_empty() {
        return None;
    }
    let mid = mids.len() / 2;
    let (_, m, _) = mids.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
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
                raw_edges(app, lane, (first, spc), (s0, seg_end), slice);
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

/// The first and last column of a segment's `slice` from raw samples (a pyramid block at a
/// gap's edge can hold samples from the other side): columns start at sample `first`, `spc`
/// samples each, inside the segment's samples `s0..seg_end`.
fn raw_edges(
    app: &App,
    lane: &Lane,
    (first, spc): (f64, f64),
    (s0, seg_end): (u64, u64),
    slice: &mut [(f32, f32)],
) {
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
