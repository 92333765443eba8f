//! Streaming channel statistics with compensated sums.

use crate::signal::ChannelStats;

/// Running statistics with compensated (Neumaier) sums: channels whose values cancel keep
/// their sum accurate far beyond plain summation.
#[derive(Debug, Clone, Default)]
pub struct Acc {
    n: u64,
    sum: f64,
    sum_c: f64,
    sq: f64,
    sq_c: f64,
    min: f64,
    max: f64,
}

fn neumaier(sum: &mut f64, c: &mut f64, v: f64) {
    let t = *sum + v;
    if sum.abs() >= v.abs() {
        *c += (*sum - t) + v;
    } else {
        *c += (v - t) + *sum;
    }
    *sum = t;
}

impl Acc {
    pub fn add(&mut self, v: f64) {
        if self.n == 0 {
            self.min = v;
            self.max = v;
        }
        self.n += 1;
        neumaier(&mut self.sum, &mut self.sum_c, v);
        neumaier(&mut self.sq, &mut self.sq_c, v * v);
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    pub fn merge(&mut self, o: &Acc) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = o.clone();
            return;
        }
        self.n += o.n;
        neumaier(&mut self.sum, &mut self.sum_c, o.sum);
        neumaier(&mut self.sum, &mut self.sum_c, o.sum_c);
        neumaier(&mut self.sq, &mut self.sq_c, o.sq);
        neumaier(&mut self.sq, &mut self.sq_c, o.sq_c);
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    pub fn stats(&self) -> ChannelStats {
        if self.n == 0 {
            return ChannelStats {
                n: 0,
                min: f64::NAN,
                max: f64::NAN,
                mean: f64::NAN,
                sum: 0.0,
                sum_sq: 0.0,
            };
        }
        let sum = self.sum + self.sum_c;
        ChannelStats {
            n: self.n,
            min: self.min,
            max: self.max,
            mean: sum / self.n as f64,
            sum,
            sum_sq: self.sq + self.sq_c,
        }
    }

    /// Statistics of `v * scale + offset` from the statistics of the stored values `v`.
    pub fn physical(&self, scale: f64, offset: f64) -> ChannelStats {
        let s = self.stats();
        if (scale, offset) == (1.0, 0.0) || s.n == 0 {
            return s;
        }
        let n = s.n as f64;
        let sum = scale * s.sum + n * offset;
        let sum_sq = scale * scale * s.sum_sq + 2.0 * scale * offset * s.sum + n * offset * offset;
        let (a, b) = (s.min * scale + offset, s.max * scale + offset);
        ChannelStats {
            n: s.n,
            min: a.min(b),
            max: a.max(b),
            mean: sum / n,
            sum,
            sum_sq,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compensated_sums_survive_cancellation() {
        let mut a = Acc::default();
        for k in 0..100_000 {
            a.add(if k % 2 == 0 { 1e16 } else { -1e16 });
            a.add(1.0);
        }
        assert_eq!(a.stats().sum, 100_000.0);
        let mut b = Acc::default();
        b.add(3.0);
        let mut c = Acc::default();
        c.merge(&a);
        c.merge(&b);
        assert_eq!(c.stats().sum, 100_003.0);
        assert_eq!(c.stats().max, 1e16);
        assert_eq!(c.stats().min, -1e16);
    }

    #[test]
    fn physical_stats_follow_the_conversion() {
        let mut a = Acc::default();
        for v in [1.0, 2.0, 3.0] {
            a.add(v);
        }
        let s = a.physical(-2.0, 1.0);
        assert_eq!(s.sum, -9.0);
        assert_eq!(s.sum_sq, 1.0 + 9.0 + 25.0);
        assert_eq!((s.min, s.max), (-5.0, -1.0));
    }
}
