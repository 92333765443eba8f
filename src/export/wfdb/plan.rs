//! How a recording maps onto one WFDB record: the frame rate and samples per frame, and per
//! signal the sample format, gain and baseline that keep its physical values.
//!
//! - Frames: EDF-family channels share data records, so the frame is the largest common
//!   division of a record (gcd of the samples per record) and each channel's samples per frame
//!   is its share of it. Other formats need every rate to be an integer multiple of the lowest.
//! - EDF/BDF digital values are written as stored: WFDB's `(d - baseline) / gain` equals
//!   EDF's `(d - dmin) (pmax - pmin) / (dmax - dmin) + pmin` with `gain = (dmax - dmin) /
//!   (pmax - pmin)` and `baseline = dmin - pmin gain`. WFDB's baseline is an integer; where
//!   EDF's is not (a -2048..2047 range over -500..500 gives -0.5), every digital value is
//!   multiplied by the smallest power of two `m` that makes `m baseline` whole (gain times
//!   `m` too), so the values stay exact.
//! - Values equal to the format's "invalid sample" code (-2^(bits-1)) would read back as NaN,
//!   so the format is the smallest of 16, 24 and 32 bits whose range holds the channel's
//!   scaled values strictly above that code (an EDF channel reaching -32768 is written in 24).
//! - Formats without stored integers (HDF5 floats) are quantised to format 32 with
//!   `gain = (2^31 - 2) / max |v|` and baseline 0: an error of at most `max |v| 2^-32`
//!   (2.3e-10 of the channel's largest magnitude); NaN samples are written invalid.

use crate::signal::{ChannelStats, Recording};

/// Digital extremes of one channel, from a pass over its samples.
#[derive(Debug, Clone, Copy)]
pub struct Extent {
    pub min: i64,
    pub max: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Values {
    /// The stored integers, times `multiplier`.
    Digital { multiplier: i64 },
    /// Physical values times `gain`, rounded.
    Quantised,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SignalPlan {
    pub channel: usize,
    pub samples_per_frame: u64,
    /// 16, 24 or 32.
    pub bits: u32,
    pub gain: f64,
    pub baseline: i64,
    pub values: Values,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub frame_hz: f64,
    /// Frames in one EDF data record (1 for other formats: their data are one record).
    pub frames_per_record: u64,
    pub signals: Vec<SignalPlan>,
}

/// Why a recording cannot be written as one WFDB record.
pub type Refusal = String;

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// The frame layout: (frame rate, frames per record, samples per frame per channel).
pub fn frames(rec: &Recording) -> Result<(f64, u64, Vec<u64>), Refusal> {
    let chans = &rec.channels;
    if chans.is_empty() {
        return Err("the recording has no signals (annotations only)".into());
    }
    if rec.format.is_edf_family() {
        let g = chans
            .iter()
            .fold(0, |g, c| gcd(g, c.samples_per_record))
            .max(1);
        if rec.record_duration_s <= 0.0 {
            return Err("its data records have no duration".into());
        }
        let spf = chans.iter().map(|c| c.samples_per_record / g).collect();
        return Ok((g as f64 / rec.record_duration_s, g, spf));
    }
    let low = chans
        .iter()
        .map(|c| c.rate_hz)
        .fold(f64::INFINITY, f64::min);
    if !(low.is_finite() && low > 0.0) {
        return Err("a channel has no sampling rate".into());
    }
    let mut spf = Vec::with_capacity(chans.len());
    for c in chans {
        let ratio = c.rate_hz / low;
        let whole = ratio.round();
        if (ratio - whole).abs() > 1e-9 * ratio || whole > 65_536.0 {
            return Err(format!(
                "channel {:?} at {} Hz is not an integer multiple of the lowest rate {low} Hz \
                 (WFDB frames need integer samples per frame)",
                c.label, c.rate_hz
            ));
        }
        spf.push(whole as u64);
    }
    Ok((low, 1, spf))
}

/// EDF's gain and (possibly fractional) baseline for a declared range.
fn edf_scale(dmin: i64, dmax: i64, pmin: f64, pmax: f64) -> Option<(f64, f64)> {
    let gain = (dmax - dmin) as f64 / (pmax - pmin);
    if !gain.is_finite() || gain == 0.0 {
        return None;
    }
    Some((gain, dmin as f64 - pmin * gain))
}

/// The smallest power of two up to `limit` that makes `baseline` whole (to 1e-6 of a step);
/// `limit` itself when none does (the baseline is then rounded: an error of at most
/// `0.5 / (gain limit)` in physical units).
fn multiplier(baseline: f64, limit: i64) -> i64 {
    let mut m = 1i64;
    while m < limit {
        let b = baseline * m as f64;
        if (b - b.round()).abs() <= 1e-6 {
            return m;
        }
        m *= 2;
    }
    limit.max(1)
}

/// The largest power of two by which `min..=max` can be multiplied and still lie strictly
/// inside 32 bits: a rounded baseline then errs by at most `0.5 / (m (dmax - dmin))` of the
/// range, about 2^-31.
fn largest_multiplier(min: i64, max: i64) -> i64 {
    let peak = min.unsigned_abs().max(max.unsigned_abs()).max(1);
    let mut m = 1i64;
    while m < 1 << 30 && peak.saturating_mul(2 * m as u64) < 1 << 31 {
        m *= 2;
    }
    m
}

/// The smallest format whose range holds `min..=max` strictly above its invalid code.
fn bits_for(min: i64, max: i64) -> Option<u32> {
    [16u32, 24, 32]
        .into_iter()
        .find(|&b| min > -(1i64 << (b - 1)) && max < (1i64 << (b - 1)))
}

/// One channel's plan from its declared ranges and its digital extent (`None`: no digital
/// values, so quantise its physical values, whose statistics are given).
pub fn signal(
    rec: &Recording,
    ch: usize,
    spf: u64,
    extent: Option<Extent>,
    stats: impl FnOnce() -> Option<ChannelStats>,
) -> Result<SignalPlan, Refusal> {
    let c = &rec.channels[ch];
    if let (Some(e), Some(dmin), Some(dmax), Some(pmin), Some(pmax)) = (
        extent,
        c.digital_min,
        c.digital_max,
        c.physical_min,
        c.physical_max,
    ) {
        if let Some((gain, base)) = edf_scale(dmin, dmax, pmin, pmax) {
            let m = multiplier(base, largest_multiplier(e.min, e.max));
            let (lo, hi) = (e.min.saturating_mul(m), e.max.saturating_mul(m));
            if let Some(bits) = bits_for(lo, hi) {
                return Ok(SignalPlan {
                    channel: ch,
                    samples_per_frame: spf,
                    bits,
                    gain: gain * m as f64,
                    baseline: (base * m as f64).round() as i64,
                    values: Values::Digital { multiplier: m },
                });
            }
        }
    }
    let peak = stats()
        .map(|s| s.min.abs().max(s.max.abs()))
        .filter(|p| p.is_finite() && *p > 0.0)
        .unwrap_or(1.0);
    Ok(SignalPlan {
        channel: ch,
        samples_per_frame: spf,
        bits: 32,
        gain: ((1i64 << 31) - 2) as f64 / peak,
        baseline: 0,
        values: Values::Quantised,
    })
}

impl SignalPlan {
    /// The code WFDB reads as "no sample here".
    pub fn invalid(&self) -> i64 {
        -(1i64 << (self.bits - 1))
    }

    /// The stored value for a digital or physical sample.
    pub fn encode(&self, digital: Option<i32>, physical: f64) -> i64 {
        match (self.values, digital) {
            (Values::Digital { multiplier }, Some(d)) => i64::from(d) * multiplier,
            _ if !physical.is_finite() => self.invalid(),
            _ => {
                let lim = (1i64 << (self.bits - 1)) - 1;
                ((physical * self.gain).round() as i64).clamp(-lim, lim)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractional_edf_baselines_become_whole_with_a_power_of_two() {
        let (g, b) = edf_scale(-2048, 2047, -500.0, 500.0).unwrap();
        assert!((b + 0.5).abs() < 1e-9, "{b}");
        assert_eq!(multiplier(b, 1 << 19), 2);
        assert!((g - 4.095).abs() < 1e-12);
        let (_, b) = edf_scale(-32768, 32767, -3.2768, 3.2767).unwrap();
        assert_eq!(multiplier(b, 1 << 15), 1);
        // Biosemi's -262144..262143 over 24 bits: 15.50003, whole at no power of two; the
        // largest multiplier keeping 24-bit values inside 32 bits is 2^7.
        let (_, b) = edf_scale(-8388608, 8388607, -262144.0, 262143.0).unwrap();
        let limit = largest_multiplier(-8388608, 8388607);
        assert_eq!(limit, 128);
        assert_eq!(multiplier(b, limit), 128);
    }

    #[test]
    fn a_channel_reaching_the_invalid_code_moves_to_a_wider_format() {
        assert_eq!(bits_for(-32767, 32767), Some(16));
        assert_eq!(bits_for(-32768, 32767), Some(24));
        assert_eq!(bits_for(-(1 << 23), 1), Some(32));
        assert_eq!(bits_for(i64::MIN, 0), None);
    }
}
