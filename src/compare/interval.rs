//! The union of a set of intervals, kept sorted and disjoint with running totals, so that
//! "does anything overlap [s, e]", "is t inside" and "how much of [s, e] is covered" each cost
//! one binary search instead of a pass over all events.

/// Disjoint closed intervals of positive length in time order; intervals that overlap or
/// touch are joined.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Union {
    starts: Vec<f64>,
    ends: Vec<f64>,
    /// Total length of the intervals before each one.
    before: Vec<f64>,
}

impl Union {
    /// The union of `intervals` (any order); zero-length ones are left out.
    pub fn new(intervals: impl IntoIterator<Item = (f64, f64)>) -> Union {
        let mut v: Vec<(f64, f64)> = intervals.into_iter().filter(|(s, e)| e > s).collect();
        v.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut u = Union::default();
        for (s, e) in v {
            match u.ends.last_mut() {
                Some(last) if s <= *last => *last = last.max(e),
                _ => {
                    u.starts.push(s);
                    u.ends.push(e);
                }
            }
        }
        let mut total = 0.0;
        for (s, e) in u.starts.iter().zip(&u.ends) {
            u.before.push(total);
            total += e - s;
        }
        u
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Total covered time.
    pub fn total(&self) -> f64 {
        match (self.before.last(), self.starts.last(), self.ends.last()) {
            (Some(b), Some(s), Some(e)) => b + (e - s),
            _ => 0.0,
        }
    }

    /// Whether some interval shares a stretch of positive length with `[s, e]` (`s < e`);
    /// intervals that only touch it do not.
    pub fn overlaps(&self, s: f64, e: f64) -> bool {
        let i = self.ends.partition_point(|&x| x <= s);
        i < self.len() && self.starts[i] < e
    }

    /// Whether `t` lies in some interval, ends included.
    pub fn contains(&self, t: f64) -> bool {
        let i = self.ends.partition_point(|&x| x < t);
        i < self.len() && self.starts[i] <= t
    }

    /// Covered time within `[s, e]`.
    pub fn covered(&self, s: f64, e: f64) -> f64 {
        (self.cumulative(e) - self.cumulative(s)).max(0.0)
    }

    /// Covered time before `t`.
    fn cumulative(&self, t: f64) -> f64 {
        let i = self.starts.partition_point(|&x| x <= t);
        if i == 0 {
            return 0.0;
        }
        let k = i - 1;
        self.before[k] + (t.min(self.ends[k]) - self.starts[k])
    }

    /// Time covered by both unions (one pass over each).
    pub fn intersection(&self, other: &Union) -> f64 {
        let (mut i, mut j, mut total) = (0, 0, 0.0);
        while i < self.len() && j < other.len() {
            let s = self.starts[i].max(other.starts[j]);
            let e = self.ends[i].min(other.ends[j]);
            if e > s {
                total += e - s;
            }
            if self.ends[i] < other.ends[j] {
                i += 1;
            } else {
                j += 1;
            }
        }
        total
    }
}

/// Whether a sorted list of instants has one in `[s, e]`, ends included.
pub fn any_within(sorted: &[f64], s: f64, e: f64) -> bool {
    let i = sorted.partition_point(|&x| x < s);
    i < sorted.len() && sorted[i] <= e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_joins_overlapping_and_touching_intervals() {
        let u = Union::new([(5.0, 6.0), (0.0, 2.0), (1.0, 3.0), (3.0, 4.0), (7.0, 7.0)]);
        assert_eq!(u.len(), 2);
        assert_eq!(u.total(), 5.0);
        assert!(u.overlaps(3.5, 10.0));
        assert!(!u.overlaps(4.0, 5.0), "touching at both ends is no overlap");
        assert!(u.contains(4.0) && u.contains(5.0) && !u.contains(4.5));
        assert_eq!(u.covered(1.0, 5.5), 3.5);
        assert_eq!(u.covered(-10.0, 100.0), 5.0);
        let v = Union::new([(1.5, 5.5)]);
        assert_eq!(u.intersection(&v), 3.0);
        assert!(any_within(&[1.0, 2.0], 2.0, 3.0));
        assert!(!any_within(&[1.0, 2.0], 2.5, 3.0));
    }
}
