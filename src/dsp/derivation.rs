//! A displayed channel as a linear combination of recorded channels: a plain channel is one term
//! of weight 1, a bipolar pair `A-B` is `[(a, 1), (b, -1)]`, an average-reference channel is the
//! electrode minus the mean of the listed electrodes.

use super::Error;
use crate::signal::Recording;

#[derive(Debug, Clone, PartialEq)]
pub struct Derivation {
    pub label: String,
    pub unit: String,
    /// (recording channel index, weight).
    pub terms: Vec<(usize, f64)>,
}

/// The sample grid every term of a derivation shares.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub rate_hz: f64,
    pub samples: u64,
}

impl Derivation {
    /// Channel `ch` as recorded, with its own label and unit.
    pub fn channel(rec: &Recording, ch: usize) -> Result<Derivation, Error> {
        let c = rec.channels.get(ch).ok_or_else(|| {
            Error::derivation(
                &ch.to_string(),
                format!("no channel {ch} (the file has {})", rec.channels.len()),
            )
        })?;
        Ok(Derivation {
            label: c.label.trim().to_string(),
            unit: c.unit.trim().to_string(),
            terms: vec![(ch, 1.0)],
        })
    }

    /// Every channel as recorded, in file order.
    pub fn as_recorded(rec: &Recording) -> Vec<Derivation> {
        (0..rec.channels.len())
            .filter_map(|ch| Derivation::channel(rec, ch).ok())
            .collect()
    }

    /// `plus - minus`, labelled `label`.
    pub fn difference(
        rec: &Recording,
        label: &str,
        plus: usize,
        minus: usize,
    ) -> Result<Derivation, Error> {
        let d = Derivation {
            label: label.to_string(),
            unit: Derivation::channel(rec, plus)?.unit,
            terms: vec![(plus, 1.0), (minus, -1.0)],
        };
        d.shape(rec)?;
        Ok(d)
    }

    /// True when this is one recorded channel, unscaled: its values are the reader's, bit for bit.
    pub fn is_plain(&self) -> bool {
        matches!(self.terms.as_slice(), [(_, w)] if *w == 1.0)
    }

    /// The rate and sample count all terms share; an error naming the channels when they do
    /// not (a bipolar pair across a 256 Hz and a 512 Hz channel has no sample-by-sample meaning).
    pub fn shape(&self, rec: &Recording) -> Result<Shape, Error> {
        let mut shape: Option<(Shape, &str, &str)> = None;
        for &(ch, w) in &self.terms {
            let c = rec.channels.get(ch).ok_or_else(|| {
                Error::derivation(&self.label, format!("no channel {ch} in the recording"))
            })?;
            if !w.is_finite() {
                return Err(Error::derivation(
                    &self.label,
                    format!("weight {w} of channel {:?} is not a number", c.label),
                ));
            }
            let this = Shape {
                rate_hz: c.rate_hz,
                samples: c.samples,
            };
            match shape {
                None => shape = Some((this, &c.label, &c.unit)),
                Some((s, first, unit)) => check_same(&self.label, (s, first, unit), (this, c))?,
            }
        }
        shape.map(|(s, _, _)| s).ok_or_else(|| {
            Error::derivation(&self.label, "has no terms (no channel to show)".to_string())
        })
    }

    /// Values of samples `first..first + count`: each term read once and summed with its weight
    /// (the same arithmetic as the pyramid's, so both show the same values).
    pub fn read(&self, rec: &Recording, first: u64, count: usize) -> Result<Vec<f64>, Error> {
        self.shape(rec)?;
        if let [(ch, w)] = self.terms.as_slice() {
            if *w == 1.0 {
                // One recorded channel as is: the reader's buffer, without a copy.
                return Ok(rec.read_samples(*ch, first, count)?);
            }
        }
        let parts = self
            .terms
            .iter()
            .map(|&(ch, w)| Ok((w, rec.read_samples(ch, first, count)?)))
            .collect::<Result<Vec<(f64, Vec<f64>)>, Error>>()?;
        Ok(weighted_sum(parts.iter().map(|(w, v)| (*w, v.as_slice()))))
    }
}

/// Sum of weighted series, as long as the shortest; a first term of weight 1 is taken as is,
/// so a plain channel keeps the reader's values bit for bit.
pub(crate) fn weighted_sum<'a>(parts: impl Iterator<Item = (f64, &'a [f64])>) -> Vec<f64> {
    let mut out = Vec::new();
    weighted_sum_into(&mut out, parts);
    out
}

/// `weighted_sum` into a buffer kept by the caller.
pub(crate) fn weighted_sum_into<'a>(
    out: &mut Vec<f64>,
    mut parts: impl Iterator<Item = (f64, &'a [f64])>,
) {
    out.clear();
    let Some((w, first)) = parts.next() else {
        return;
    };
    if w == 1.0 {
        out.extend_from_slice(first);
    } else {
        out.extend(first.iter().map(|v| w * v));
    }
    for (w, values) in parts {
        out.truncate(values.len());
        for (o, v) in out.iter_mut().zip(values) {
            *o += w * v;
        }
    }
}

fn check_same(
    label: &str,
    (s, first, unit): (Shape, &str, &str),
    (this, c): (Shape, &crate::signal::Channel),
) -> Result<(), Error> {
    let same_rate = (s.rate_hz - this.rate_hz).abs() <= 1e-9 * s.rate_hz.abs().max(1.0);
    if !same_rate || s.samples != this.samples {
        return Err(Error::derivation(
            label,
            format!(
                "channel {first:?} has {} samples at {} Hz but {:?} has {} at {} Hz; \
                 the terms of a derivation must share one sample grid",
                s.samples, s.rate_hz, c.label, this.samples, this.rate_hz
            ),
        ));
    }
    if unit_key(unit) != unit_key(&c.unit) {
        return Err(Error::derivation(
            label,
            format!(
                "channel {first:?} is in {unit:?} but {:?} is in {:?}; only channels of one \
                 unit can be combined",
                c.label, c.unit
            ),
        ));
    }
    Ok(())
}

/// Units compared loosely: case, spaces and the micro sign (`µV`, `uV`) do not matter.
fn unit_key(unit: &str) -> String {
    unit.trim().replace(['µ', 'μ'], "u").to_ascii_lowercase()
}
