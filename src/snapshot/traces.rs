//! The samples of each lane of a strip: read with the filter's margin (so its start-up transient
//! falls outside the window), filtered as the viewer filters, decimated to at most four points
//! (first, min, max, last) per 0.1 mm column, and the lane's vertical scale.

use super::{kind_of, Request, SnapshotError};
use crate::dsp::paper::Sensitivity;
use crate::dsp::{ChannelKind, Derivation, FilterSpec};
use crate::signal::Recording;

/// Width of one decimation column, mm.
pub(crate) const COLUMN_MM: f64 = 0.1;

/// One lane ready to draw.
#[derive(Debug, Clone)]
pub(crate) struct Lane {
    /// Label and unit made safe to show (not yet XML-escaped).
    pub label: String,
    pub unit: String,
    pub kind: ChannelKind,
    pub filter: FilterSpec,
    pub rate_hz: f64,
    /// The paper sensitivity, when the lane is drawn on paper scale.
    pub sens: Option<Sensitivity>,
    /// Physical units per millimetre of trace, and the value drawn at the lane's middle.
    pub units_per_mm: f64,
    pub center: f64,
    /// Smallest and largest value in the window (NaN-free), when there is one.
    pub range: Option<(f64, f64)>,
    /// (mm from the trace's left edge, value); a NaN value breaks the line.
    pub points: Vec<(f64, f64)>,
}

/// Every lane of the request.
pub(crate) fn lanes(
    rec: &Recording,
    req: &Request,
    speed: f64,
) -> Result<Vec<Lane>, SnapshotError> {
    let mut out = Vec::with_capacity(req.lanes.len());
    let mut sens_used = req.sensitivity.is_none();
    for d in &req.lanes {
        let kind = kind_of(rec, d);
        let asked = req
            .sensitivity
            .as_deref()
            .and_then(|t| Sensitivity::parse(t, kind));
        sens_used |= asked.is_some();
        let sens = asked.or_else(|| Sensitivity::default_for(kind));
        out.push(lane(rec, req, d, kind, sens, speed)?);
    }
    if !sens_used {
        return Err(SnapshotError::value(
            "--sensitivity",
            req.sensitivity.as_deref().unwrap_or_default(),
            "a sensitivity such as 10 (mm/mV for ECG), 20mm/mV, 7 (µV/mm for EEG) or 7uV/mm",
        ));
    }
    Ok(out)
}

fn lane(
    rec: &Recording,
    req: &Request,
    d: &Derivation,
    kind: ChannelKind,
    sens: Option<Sensitivity>,
    speed: f64,
) -> Result<Lane, SnapshotError> {
    let filter = req.filter_for(kind);
    let shape = d.shape(rec)?;
    let (first, values) = read(rec, req, d, filter)?;
    let anchor = d.terms.first().map_or(0, |t| t.0);
    let t0 = req.start_s;
    let points = decimate(
        values.iter().enumerate().map(|(i, &v)| {
            let t = rec.sample_time(anchor, first + i as u64) - t0;
            (t * speed, v)
        }),
        values.len(),
    );
    let range = range(&values);
    let unit = crate::text::sanitize(d.unit.trim());
    let paper = sens.and_then(|s| Some((s, s.units_per_mm(&unit)?)));
    let (sens, units_per_mm, center) = match paper {
        Some((s, upm)) => (Some(s), upm, median(&values).unwrap_or(0.0)),
        None => {
            let (lo, hi) = range.unwrap_or((0.0, 1.0));
            let usable = 0.8 * super::draw::lane_height(kind, false);
            let upm = ((hi - lo) / usable).max(f64::MIN_POSITIVE.sqrt());
            (None, upm, 0.5 * (lo + hi))
        }
    };
    Ok(Lane {
        label: crate::text::sanitize(d.label.trim()),
        unit,
        kind,
        filter,
        rate_hz: shape.rate_hz,
        sens,
        units_per_mm,
        center,
        range,
        points,
    })
}

/// The window's samples of `d` (index of the first, values), filtered with samples beyond each
/// side so the filter's transient stays outside.
fn read(
    rec: &Recording,
    req: &Request,
    d: &Derivation,
    filter: FilterSpec,
) -> Result<(u64, Vec<f64>), SnapshotError> {
    let shape = d.shape(rec)?;
    let anchor = d.terms.first().map_or(0, |t| t.0);
    let first = rec
        .sample_at_or_after(anchor, req.start_s)
        .min(shape.samples);
    let end = rec
        .sample_at_or_after(anchor, req.start_s + req.duration_s)
        .clamp(first, shape.samples);
    let margin = filter.margin_samples(shape.rate_hz) as u64;
    let a = first.saturating_sub(margin);
    let b = end.saturating_add(margin).min(shape.samples);
    let mut v = d.read(rec, a, (b - a) as usize)?;
    filter.apply(shape.rate_hz, &mut v);
    let lo = (first - a) as usize;
    let hi = (end - a) as usize;
    Ok((
        first,
        v.get(lo..hi).map(<[f64]>::to_vec).unwrap_or_default(),
    ))
}

/// At most four points per `COLUMN_MM` column (first, min, max, last in time order); a run of
/// non-finite values becomes one NaN point, which breaks the line there.
pub(crate) fn decimate(samples: impl Iterator<Item = (f64, f64)>, n: usize) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(n.min(8192));
    let mut group: Vec<(f64, f64)> = Vec::with_capacity(16);
    let mut column = i64::MIN;
    for (x, v) in samples {
        if !v.is_finite() {
            flush(&mut group, &mut out);
            if out.last().is_some_and(|p: &(f64, f64)| p.1.is_finite()) {
                out.push((x, f64::NAN));
            }
            continue;
        }
        let c = (x / COLUMN_MM).floor() as i64;
        if c != column {
            flush(&mut group, &mut out);
            column = c;
        }
        group.push((x, v));
    }
    flush(&mut group, &mut out);
    out
}

fn flush(group: &mut Vec<(f64, f64)>, out: &mut Vec<(f64, f64)>) {
    if group.len() <= 4 {
        out.append(group);
        return;
    }
    let (mut lo, mut hi) = (0, 0);
    for (i, p) in group.iter().enumerate() {
        if p.1 < group[lo].1 {
            lo = i;
        }
        if p.1 > group[hi].1 {
            hi = i;
        }
    }
    let last = group.len() - 1;
    let mut keep = vec![0, lo.min(hi), lo.max(hi), last];
    keep.dedup();
    out.extend(keep.into_iter().map(|i| group[i]));
    group.clear();
}

fn range(values: &[f64]) -> Option<(f64, f64)> {
    values
        .iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, &v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

/// The median of the finite values: the baseline a paper trace is centred on.
fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let mid = v.len() / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    Some(*m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimation_keeps_every_peak_and_at_most_four_points_a_column() {
        // 1000 samples in one 0.1 mm column with a spike and a dip in the middle.
        let mut s: Vec<(f64, f64)> = (0..1000).map(|i| (i as f64 * 1e-4, 0.0)).collect();
        s[300].1 = 5.0;
        s[700].1 = -3.0;
        let out = decimate(s.iter().copied(), s.len());
        println!("decimated: {out:?}");
        assert_eq!(out.len(), 4);
        assert_eq!(out[1], s[300]);
        assert_eq!(out[2], s[700]);
        // Sparse samples pass through unchanged.
        let sparse: Vec<(f64, f64)> = (0..10).map(|i| (i as f64, i as f64)).collect();
        assert_eq!(decimate(sparse.iter().copied(), 10), sparse);
    }

    #[test]
    fn missing_values_break_the_line_once() {
        let s = [(0.0, 1.0), (1.0, f64::NAN), (2.0, f64::NAN), (3.0, 2.0)];
        let out = decimate(s.iter().copied(), 4);
        println!("with a gap: {out:?}");
        assert_eq!(out.len(), 3);
        assert!(out[1].1.is_nan());
        assert_eq!(median(&[3.0, f64::NAN, 1.0, 2.0]), Some(2.0));
    }
}
