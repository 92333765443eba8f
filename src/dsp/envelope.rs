//! Min/max envelopes: one (min, max) pair per screen column, the shape every waveform is drawn
//! from. Zoomed out they come from the pyramid; zoomed in from raw (possibly filtered) samples
//! through `raw_envelope`, so the UI has one drawing path.
//!
//! Column `c` covers the sample positions `[first + c * spc, first + (c + 1) * spc)`, where
//! `spc` is samples per column (fractional values are fine). Columns without data are NaN.

/// What an envelope query could fill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Columns that got a (min, max).
    pub filled: usize,
    /// Columns inside the recording whose data is not decimated yet (show progress there).
    pub pending: usize,
    /// Samples per pyramid block used (coarser than a column only when the view is zoomed in
    /// further than the pyramid's base; draw from raw samples then).
    pub block_samples: u64,
}

impl Coverage {
    /// True when every column inside the recording was filled.
    pub fn is_complete(&self) -> bool {
        self.pending == 0
    }
}

/// The no-data marker of a column.
pub const EMPTY: (f32, f32) = (f32::NAN, f32::NAN);

/// Fills `out` with one (min, max) per column from `values`, whose index 0 is sample position 0
/// of the columns' axis. A column holding no sample (zoomed in past one sample per column) gets
/// the value interpolated at its centre, so neighbouring strokes join into a line. Returns the
/// number of columns filled; the rest are NaN (outside `values`, or all values NaN).
pub fn raw_envelope(
    values: &[f64],
    first_sample: f64,
    samples_per_column: f64,
    out: &mut [(f32, f32)],
) -> usize {
    out.fill(EMPTY);
    if !valid_axis(first_sample, samples_per_column) || values.is_empty() {
        return 0;
    }
    let len = values.len() as f64;
    let mut filled = 0;
    for (c, o) in out.iter_mut().enumerate() {
        let lo = first_sample + c as f64 * samples_per_column;
        let hi = lo + samples_per_column;
        let (k0, k1) = (index_at(lo.ceil(), len), index_at(hi.ceil(), len));
        *o = if k0 < k1 {
            min_max(&values[k0..k1])
        } else {
            interpolate(values, (lo + hi) / 2.0)
        };
        filled += usize::from(!o.0.is_nan());
    }
    filled
}

/// True when a column axis is usable: a finite start and a positive, finite step.
pub(crate) fn valid_axis(first_sample: f64, samples_per_column: f64) -> bool {
    first_sample.is_finite() && samples_per_column.is_finite() && samples_per_column > 0.0
}

/// A position on the axis as an index clamped to `0..=len`. `max`/`min` (not `clamp`, which
/// panics on a NaN or inverted bound) and the saturating `as` make any input safe.
pub(crate) fn index_at(x: f64, len: f64) -> usize {
    x.min(len).max(0.0) as usize
}

/// The value at fractional position `x`, linear between the samples around it.
fn interpolate(values: &[f64], x: f64) -> (f32, f32) {
    let last = values.len() - 1;
    if !(x >= 0.0 && x <= last as f64) {
        return EMPTY;
    }
    let i = x.floor() as usize;
    let frac = x - i as f64;
    let v = match values.get(i + 1) {
        Some(&next) if frac > 0.0 => values[i] + (next - values[i]) * frac,
        _ => values[i],
    };
    if v.is_nan() {
        EMPTY
    } else {
        (v as f32, v as f32)
    }
}

/// (min, max) of `values`, NaN ignored; `EMPTY` when none is a number. Eight independent lanes
/// let the compiler use SIMD min/max; `if v < lo` (not `f64::min`) keeps NaN out the same way.
pub(crate) fn min_max(values: &[f64]) -> (f32, f32) {
    const LANES: usize = 8;
    let mut lo = [f64::INFINITY; LANES];
    let mut hi = [f64::NEG_INFINITY; LANES];
    let mut chunks = values.chunks_exact(LANES);
    for c in &mut chunks {
        for j in 0..LANES {
            lo[j] = if c[j] < lo[j] { c[j] } else { lo[j] };
            hi[j] = if c[j] > hi[j] { c[j] } else { hi[j] };
        }
    }
    for &v in chunks.remainder() {
        lo[0] = if v < lo[0] { v } else { lo[0] };
        hi[0] = if v > hi[0] { v } else { hi[0] };
    }
    let lo = lo.iter().fold(f64::INFINITY, |a, &b| a.min(b));
    let hi = hi.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if lo > hi {
        EMPTY
    } else {
        (lo as f32, hi as f32)
    }
}

/// Combines (min, max) pairs; NaN pairs (no data) are skipped.
pub(crate) fn merge(pairs: &[(f32, f32)]) -> (f32, f32) {
    let (lo, hi) = pairs
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &(a, b)| {
            (lo.min(a), hi.max(b))
        });
    if lo > hi {
        EMPTY
    } else {
        (lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_ignores_nan_and_handles_empty() {
        assert_eq!(min_max(&[3.0, f64::NAN, -2.0, 7.5]), (-2.0, 7.5));
        assert!(min_max(&[]).0.is_nan());
        assert!(min_max(&[f64::NAN; 20]).1.is_nan());
        let long: Vec<f64> = (0..37).map(|i| f64::from(i) - 10.0).collect();
        assert_eq!(min_max(&long), (-10.0, 26.0));
    }

    #[test]
    fn raw_columns_take_the_extremes_of_their_samples() {
        let v = [0.0, 5.0, -1.0, 2.0, 9.0, 3.0];
        let mut out = [EMPTY; 4];
        assert_eq!(raw_envelope(&v, 0.0, 2.0, &mut out), 3);
        assert_eq!(&out[..3], &[(0.0, 5.0), (-1.0, 2.0), (3.0, 9.0)]);
        assert!(out[3].0.is_nan());
    }

    #[test]
    fn zoomed_in_columns_interpolate_between_samples() {
        let v = [0.0, 4.0];
        let mut out = [EMPTY; 8];
        raw_envelope(&v, 0.0, 0.25, &mut out);
        // Column 0 holds sample 0, column 4 sample 1; columns between interpolate at their
        // centres (0.375, 0.625, 0.875); past the last sample there is nothing.
        let expected = [0.0, 1.5, 2.5, 3.5, 4.0];
        for (o, e) in out.iter().zip(expected) {
            assert_eq!(*o, (e, e));
        }
        assert!(out[5].0.is_nan());
    }

    #[test]
    fn bad_axes_give_empty_columns() {
        let mut out = [(1.0, 1.0); 3];
        assert_eq!(raw_envelope(&[1.0], f64::NAN, 1.0, &mut out), 0);
        assert_eq!(raw_envelope(&[1.0], 0.0, 0.0, &mut out), 0);
        assert_eq!(raw_envelope(&[], 0.0, 1.0, &mut out), 0);
        assert!(out.iter().all(|p| p.0.is_nan()));
    }
}
