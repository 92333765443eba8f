//! Pairing two readers' events one to one, and how each pair relates.
//!
//! This is not `compare`'s event matching: that counts, per label, whether each event is
//! covered by any event of the other reader (many to one), which cannot say "A's PVC is B's
//! PAC". Adjudication needs each finding once, so each A event takes at most one B event,
//! across labels.

use serde::{Deserialize, Serialize};

use crate::annotations::Event;

/// The pairing tolerance when none is given, seconds.
pub const DEFAULT_TOLERANCE_S: f64 = 1.0;

/// How the two readers' versions of one finding relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Agree,
    OnlyA,
    OnlyB,
    LabelDiffers,
    BoundsDiffer,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Agree => "agree",
            Status::OnlyA => "only A",
            Status::OnlyB => "only B",
            Status::LabelDiffers => "label differs",
            Status::BoundsDiffer => "bounds differ",
        }
    }
}

/// One finding: A's event, B's event or both.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub a: Option<Event>,
    pub b: Option<Event>,
    pub status: Status,
}

impl Item {
    /// A stable key: the ids of the events it pairs.
    pub fn key(&self) -> String {
        format!(
            "{}|{}",
            self.a.as_ref().map_or("", |e| e.id.as_str()),
            self.b.as_ref().map_or("", |e| e.id.as_str())
        )
    }

    pub fn onset(&self) -> f64 {
        match (&self.a, &self.b) {
            (Some(a), Some(b)) => a.onset.min(b.onset),
            (Some(e), None) | (None, Some(e)) => e.onset,
            (None, None) => 0.0,
        }
    }

    pub fn end(&self) -> f64 {
        [&self.a, &self.b]
            .into_iter()
            .flatten()
            .map(Event::end)
            .fold(self.onset(), f64::max)
    }
}

/// Pairs A's and B's events: each A event takes the unpaired B event that overlaps it (both
/// widened by `tol_s`), preferring the same label, then the larger overlap, then the nearer
/// onset. Paired events agree when labels match and both ends are within `tol_s`.
pub fn pair(a: &[Event], b: &[Event], tol_s: f64) -> Vec<Item> {
    let mut bs: Vec<&Event> = b.iter().collect();
    bs.sort_by(|x, y| x.onset.total_cmp(&y.onset));
    let max_dur = bs.iter().map(|e| e.duration).fold(0.0, f64::max);
    let mut taken = vec![false; bs.len()];
    let mut items = Vec::with_capacity(a.len() + b.len());
    let mut as_: Vec<&Event> = a.iter().collect();
    as_.sort_by(|x, y| x.onset.total_cmp(&y.onset));
    for ea in as_ {
        let from = bs.partition_point(|e| e.onset < ea.onset - tol_s - max_dur - tol_s);
        let item = match best_partner(ea, &bs, &taken, from, tol_s) {
            Some(j) => {
                taken[j] = true;
                both(ea, bs[j], tol_s)
            }
            None => Item {
                a: Some(ea.clone()),
                b: None,
                status: Status::OnlyA,
            },
        };
        items.push(item);
    }
    for (j, eb) in bs.iter().enumerate() {
        if !taken[j] {
            items.push(Item {
                a: None,
                b: Some((*eb).clone()),
                status: Status::OnlyB,
            });
        }
    }
    items.sort_by(|x, y| {
        x.onset()
            .total_cmp(&y.onset())
            .then_with(|| x.key().cmp(&y.key()))
    });
    items
}

/// The untaken B event (from index `from` on) that `ea` pairs best with.
fn best_partner(
    ea: &Event,
    bs: &[&Event],
    taken: &[bool],
    from: usize,
    tol_s: f64,
) -> Option<usize> {
    let (lo, hi) = (ea.onset - tol_s, ea.end() + tol_s);
    let mut best: Option<(usize, (bool, f64, f64))> = None;
    for (j, eb) in bs.iter().enumerate().skip(from) {
        if eb.onset - tol_s > hi {
            break;
        }
        if taken[j] || eb.end() + tol_s < lo {
            continue;
        }
        let overlap = (ea.end().min(eb.end()) - ea.onset.max(eb.onset)).max(0.0);
        let score = (ea.label == eb.label, overlap, -(ea.onset - eb.onset).abs());
        if best
            .as_ref()
            .is_none_or(|(_, s)| score.partial_cmp(s) == Some(std::cmp::Ordering::Greater))
        {
            best = Some((j, score));
        }
    }
    best.map(|(j, _)| j)
}

fn both(ea: &Event, eb: &Event, tol_s: f64) -> Item {
    let status = if ea.label != eb.label {
        Status::LabelDiffers
    } else if (ea.onset - eb.onset).abs() <= tol_s && (ea.end() - eb.end()).abs() <= tol_s {
        Status::Agree
    } else {
        Status::BoundsDiffer
    };
    Item {
        a: Some(ea.clone()),
        b: Some(eb.clone()),
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: &str, onset: f64, duration: f64, label: &str) -> Event {
        Event {
            onset,
            duration,
            label: label.into(),
            id: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn pairing_classifies_every_case() {
        let a = vec![
            ev("a1", 10.0, 30.0, "AF"),
            ev("a2", 100.0, 0.0, "PVC"),
            ev("a3", 200.0, 10.0, "VT"),
            ev("a4", 300.0, 20.0, "AF"),
        ];
        let b = vec![
            ev("b1", 10.5, 29.8, "AF"),
            ev("b2", 100.2, 0.0, "PAC"),
            ev("b4", 305.0, 20.0, "AF"),
            ev("b5", 400.0, 0.0, "PVC"),
        ];
        let items = pair(&a, &b, 1.0);
        let got: Vec<(String, Status)> = items.iter().map(|i| (i.key(), i.status)).collect();
        assert_eq!(
            got,
            vec![
                ("a1|b1".to_string(), Status::Agree),
                ("a2|b2".to_string(), Status::LabelDiffers),
                ("a3|".to_string(), Status::OnlyA),
                ("a4|b4".to_string(), Status::BoundsDiffer),
                ("|b5".to_string(), Status::OnlyB),
            ]
        );
        // Identical readers agree on everything; an empty reader leaves only the other.
        assert!(pair(&a, &a, 0.0).iter().all(|i| i.status == Status::Agree));
        assert!(pair(&a, &[], 1.0).iter().all(|i| i.status == Status::OnlyA));
    }

    #[test]
    fn the_same_label_is_preferred_when_two_events_overlap() {
        let a = vec![ev("a", 10.0, 10.0, "AF")];
        let b = vec![ev("x", 9.0, 12.0, "Noise"), ev("y", 12.0, 2.0, "AF")];
        let items = pair(&a, &b, 0.5);
        let keys: Vec<String> = items.iter().map(Item::key).collect();
        assert_eq!(keys, vec!["|x", "a|y"]);
        assert_eq!(items[0].status, Status::OnlyB);
    }
}
