//! The ground truth written beside each demo recording: what the generator put where.

/// One generated event, in seconds from the first sample (duration 0 for point events).
#[derive(Debug, Clone, PartialEq)]
pub struct TruthEvent {
    pub onset_s: f64,
    pub duration_s: f64,
    pub label: String,
}

impl TruthEvent {
    pub fn point(onset_s: f64, label: &str) -> Self {
        Self::span(onset_s, 0.0, label)
    }

    pub fn span(onset_s: f64, duration_s: f64, label: &str) -> Self {
        TruthEvent {
            onset_s,
            duration_s,
            label: label.to_string(),
        }
    }
}

/// A BIDS events table (`onset`, `duration`, `label`; tab-separated, seconds, header line),
/// sorted by onset. Times are written with millisecond precision: every generated event lies
/// on a millisecond, and a fixed format keeps the file byte-stable.
pub fn to_tsv(events: &[TruthEvent]) -> String {
    let mut sorted: Vec<&TruthEvent> = events.iter().collect();
    sorted.sort_by(|a, b| a.onset_s.total_cmp(&b.onset_s).then(a.label.cmp(&b.label)));
    let mut out = String::from("onset\tduration\tlabel\n");
    for e in sorted {
        out.push_str(&format!(
            "{:.3}\t{:.3}\t{}\n",
            e.onset_s, e.duration_s, e.label
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_sorted_rows_with_a_header() {
        let tsv = to_tsv(&[
            TruthEvent::span(2.5, 1.0, "AF"),
            TruthEvent::point(1.0, "PVC"),
        ]);
        assert_eq!(
            tsv,
            "onset\tduration\tlabel\n1.000\t0.000\tPVC\n2.500\t1.000\tAF\n"
        );
    }
}
