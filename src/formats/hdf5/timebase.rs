//! Sampling rates from time vectors (SNIRF `time`, NWB `timestamps`).

use hdf5_reader::{Dataset, SliceInfo, SliceInfoElem};

use super::values::{read_f64, small_f64s, Cx, Num, MAX_WHOLE_ELEMENTS};
use crate::formats::Error;

/// A regular time base: the time of the first sample and the sampling rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeBase {
    pub t0: f64,
    pub rate_hz: f64,
    /// Largest deviation of a sample interval from the mean interval, relative to it, when the
    /// vector is not evenly spaced (above 1%).
    pub irregular: Option<f64>,
}

/// Why a time vector cannot give a rate (said in notes and errors).
pub type Unusable = String;

/// Reads a time dataset for a signal of `samples` samples: an explicit vector with one time
/// per sample, or (`allow_pair`, SNIRF) the pair `[start, spacing]`. `unit_s` converts the
/// stored unit to seconds.
pub fn read(
    cx: &Cx,
    path: &str,
    samples: u64,
    allow_pair: bool,
    unit_s: f64,
) -> Result<Result<TimeBase, Unusable>, Error> {
    let Some(ds) = cx.dataset(path) else {
        return Ok(Err(format!("there is no time dataset {path}")));
    };
    if Num::of(ds.dtype()).is_none() {
        return Ok(Err(format!("{path} is not numeric")));
    }
    let n = ds
        .num_elements()
        .map_err(cx.err(format!("size of {path}")))?;
    if allow_pair && n == 2 && samples != 2 {
        let v = small_f64s(cx, &ds, path)?;
        let &[a, b] = v.as_slice() else {
            return Ok(Err(format!("{path} could not be read as [start, spacing]")));
        };
        let (start, step) = (a * unit_s, b * unit_s);
        if !(step.is_finite() && step > 0.0 && start.is_finite()) {
            return Ok(Err(format!(
                "{path} is [start, spacing] = [{a}, {b}], not a usable spacing"
            )));
        }
        return Ok(Ok(TimeBase {
            t0: start,
            rate_hz: 1.0 / step,
            irregular: None,
        }));
    }
    if n != samples {
        return Ok(Err(format!("{path} has {n} values for {samples} samples")));
    }
    if n > MAX_WHOLE_ELEMENTS {
        // Too long to read whole for a regularity check: the span gives the mean rate.
        let ends = endpoints(cx, &ds, path, n)?;
        return Ok(ends
            .ok_or_else(|| format!("{path} could not be read"))
            .and_then(|(a, b)| {
                from_vector(path, &[a * unit_s, b * unit_s]).map(|tb| TimeBase {
                    rate_hz: (n - 1) as f64 / ((b - a) * unit_s),
                    ..tb
                })
            }));
    }
    let t: Vec<f64> = small_f64s(cx, &ds, path)?
        .into_iter()
        .map(|v| v * unit_s)
        .collect();
    Ok(from_vector(path, &t))
}

/// First and last value of a long 1-D numeric dataset.
fn endpoints(cx: &Cx, ds: &Dataset, path: &str, n: u64) -> Result<Option<(f64, f64)>, Error> {
    let Some(num) = Num::of(ds.dtype()) else {
        return Ok(None);
    };
    if ds.ndim() != 1 || n < 2 {
        return Ok(None);
    }
    let mut v = Vec::new();
    for at in [0, n - 1] {
        let sel = SliceInfo {
            selections: vec![SliceInfoElem::Slice {
                start: at,
                end: at + 1,
                step: 1,
            }],
        };
        read_f64(ds, num, &sel, &mut v).map_err(cx.err(format!("reading {path}")))?;
    }
    Ok(match v.as_slice() {
        &[a, b] => Some((a, b)),
        _ => None,
    })
}

/// The rate of an explicit time vector: (n - 1) intervals over the span.
pub fn from_vector(path: &str, t: &[f64]) -> Result<TimeBase, Unusable> {
    let (Some(&first), Some(&last)) = (t.first(), t.last()) else {
        return Err(format!("{path} is empty"));
    };
    if t.len() < 2 {
        return Err(format!("{path} has a single time; a rate needs two"));
    }
    if !t.iter().all(|v| v.is_finite()) {
        return Err(format!("{path} contains non-finite times"));
    }
    let span = last - first;
    if span <= 0.0 {
        return Err(format!(
            "{path} does not increase (first {first}, last {last})"
        ));
    }
    let step = span / (t.len() - 1) as f64;
    let worst = t
        .windows(2)
        .map(|w| ((w[1] - w[0]) - step).abs() / step)
        .fold(0.0f64, f64::max);
    Ok(TimeBase {
        t0: first,
        rate_hz: 1.0 / step,
        irregular: (worst > 0.01).then_some(worst),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        let t: Vec<f64> = (0..96).map(|k| k as f64 * 0.098304).collect();
        let tb = from_vector("/t", &t).unwrap();
        assert!((tb.rate_hz - 1.0 / 0.098304).abs() < 1e-9);
        assert_eq!(tb.irregular, None);
        assert!(from_vector("/t", &[0.0; 958]).is_err());
        assert!(from_vector("/t", &[1.0]).is_err());
        let tb = from_vector("/t", &[0.0, 1.0, 3.0]).unwrap();
        assert!(tb.irregular.is_some());
    }
}
