//! Events indexed by time, so a frame visits only the events it can show: sorted by onset,
//! with the running maximum of their ends, two binary searches give the events that overlap
//! the view (an interval that began long before the view is still found).

use std::ops::Range;

/// The running maximum end over events sorted by onset, rebuilt when the events change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeIndex {
    /// What it was built for (a store revision and the event count): the cache key.
    key: Option<(u64, usize)>,
    /// Event positions in onset order.
    order: Vec<usize>,
    onsets: Vec<f64>,
    max_end: Vec<f64>,
}

impl TimeIndex {
    /// Rebuilds from `(onset, end)` pairs unless `key` is the one it was built for.
    pub fn refresh(&mut self, key: (u64, usize), spans: impl Iterator<Item = (f64, f64)>) {
        if self.key == Some(key) {
            return;
        }
        let spans: Vec<(f64, f64)> = spans.collect();
        let mut order: Vec<usize> = (0..spans.len()).collect();
        // Stable: events with the same onset keep their order.
        order.sort_by(|&a, &b| spans[a].0.total_cmp(&spans[b].0));
        let mut running = f64::NEG_INFINITY;
        self.max_end = order
            .iter()
            .map(|&i| {
                running = running.max(spans[i].1);
                running
            })
            .collect();
        self.onsets = order.iter().map(|&i| spans[i].0).collect();
        self.order = order;
        self.key = Some(key);
    }

    /// Positions (in onset order) of the events that may overlap `start..=end`: none before
    /// ends before `start`, none after begins after `end`.
    pub fn overlapping(&self, start: f64, end: f64) -> Range<usize> {
        let first = self.max_end.partition_point(|&m| m < start);
        let upto = self.onsets.partition_point(|&o| o <= end);
        first..upto.max(first)
    }

    /// The event at onset-order position `k`.
    pub fn event_at(&self, k: usize) -> usize {
        self.order[k]
    }

    /// Event positions overlapping `start..=end`, in onset order (ends still to be checked).
    pub fn visible(&self, start: f64, end: f64) -> impl Iterator<Item = usize> + '_ {
        self.overlapping(start, end).map(|k| self.order[k])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_interval_that_began_before_the_view_is_found() {
        let mut ix = TimeIndex::default();
        // (onset, end): a long one at 0, short ones after.
        let spans = [(0.0, 500.0), (10.0, 11.0), (20.0, 21.0), (600.0, 601.0)];
        ix.refresh((1, spans.len()), spans.iter().copied());
        let got: Vec<usize> = ix.visible(100.0, 200.0).collect();
        println!("visible in 100..200: {got:?}");
        assert_eq!(got, vec![0, 1, 2], "candidates up to the view's end");
        let got: Vec<usize> = ix.visible(550.0, 700.0).collect();
        println!("visible in 550..700: {got:?}");
        assert_eq!(got, vec![3]);
    }

    #[test]
    fn unsorted_input_is_visited_in_onset_order() {
        let mut ix = TimeIndex::default();
        let spans = [(30.0, 31.0), (10.0, 11.0), (20.0, 21.0)];
        ix.refresh((1, 3), spans.iter().copied());
        let got: Vec<usize> = ix.visible(0.0, 100.0).collect();
        println!("{got:?}");
        assert_eq!(got, vec![1, 2, 0]);
        assert!(ix.visible(40.0, 50.0).next().is_none());
    }
}
