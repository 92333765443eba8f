//! Sub-rows of the reader's lane: events whose spans overlap (a beat mark inside an AF
//! interval, two overlapping intervals) go on separate rows, so a point mark never hides an
//! interval's label. Rows are assigned by greedy interval colouring in onset order over the
//! events in view and those overlapping its edges, so an event keeps its row while it stays
//! in view. The lane grows to the rows needed, up to `MAX_ROWS`; events beyond the last row
//! are listed as hidden (the lane draws `+n` for them on its last row). Cached by the view and
//! the store's revision.

use crate::tui::app::App;

/// Most rows the reader's lane grows to.
pub const MAX_ROWS: usize = 3;

/// The row of each event the reader's lane draws, and the lane's height.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubRows {
    key: Option<Key>,
    /// (position in the store's events, row), in onset order: the events drawn.
    pub placed: Vec<(usize, u8)>,
    /// Positions of the events beyond the last row, in onset order.
    pub hidden: Vec<usize>,
    /// Rows the lane needs (1 when nothing overlaps).
    pub height: u16,
}

#[derive(Debug, Clone, PartialEq)]
struct Key {
    start_s: f64,
    span_s: f64,
    revision: u64,
    count: usize,
}

/// Greedy interval colouring of `(onset, end)` spans given in onset order: each goes on the
/// first row whose last span ended before it begins (intervals that only touch share a row;
/// a point where another mark begins or ends does not). Spans that fit in none of
/// `max_rows` rows get `None` and take no row.
pub fn assign(spans: &[(f64, f64)], max_rows: usize) -> Vec<Option<usize>> {
    // Per row: where its last span ends and whether that span was a point.
    let mut rows: Vec<(f64, bool)> = Vec::new();
    spans
        .iter()
        .map(|&(onset, end)| {
            let point = end <= onset;
            let free = |&(row_end, row_point): &(f64, bool)| {
                row_end < onset || (row_end == onset && !row_point && !point)
            };
            let row = match rows.iter().position(free) {
                Some(r) => r,
                None if rows.len() < max_rows => {
                    rows.push((f64::NEG_INFINITY, false));
                    rows.len() - 1
                }
                None => return None,
            };
            rows[row] = (end.max(onset), point);
            Some(row)
        })
        .collect()
}

/// Assigns the rows of the reader's events in view (after the time index is refreshed).
pub fn refresh(app: &mut App) {
    let Some(a) = &app.annot else {
        app.prepared.subrows = SubRows::default();
        return;
    };
    let v = &app.view;
    let events = a.store.events();
    let key = Key {
        start_s: v.start_s,
        span_s: v.span_s,
        revision: a.store.revision(),
        count: events.len(),
    };
    if app.prepared.subrows.key.as_ref() == Some(&key) {
        return;
    }
    let (start, end) = (v.start_s, v.end_s());
    let candidates: Vec<(usize, f64, f64)> = app
        .prepared
        .reader_events
        .visible(start, end)
        .filter_map(|i| events.get(i).map(|e| (i, e)))
        .filter(|(_, e)| e.end() >= start && !a.is_epoch_event(e))
        .map(|(i, e)| (i, e.onset, e.end()))
        .collect();
    let spans: Vec<(f64, f64)> = candidates.iter().map(|c| (c.1, c.2)).collect();
    let mut out = SubRows {
        key: Some(key),
        height: 1,
        ..SubRows::default()
    };
    for (c, row) in candidates.iter().zip(assign(&spans, MAX_ROWS)) {
        match row {
            Some(r) => {
                out.placed.push((c.0, r as u8));
                out.height = out.height.max(r as u16 + 1);
            }
            None => out.hidden.push(c.0),
        }
    }
    if !out.hidden.is_empty() {
        out.height = MAX_ROWS as u16;
    }
    app.prepared.subrows = out;
}

/// Rows the reader's lane gets: what its events need, but never so many that the waveform
/// above keeps fewer than `min_wave` rows when `fixed` rows go to everything else.
pub fn lane_height(app: &App, area_h: u16, fixed: u16, min_wave: u16) -> u16 {
    let room = area_h.saturating_sub(fixed + min_wave);
    app.prepared.subrows.height.clamp(1, 1 + room)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_point_inside_an_interval_goes_below_it() {
        let got = assign(&[(10.0, 20.0), (12.0, 12.0), (15.0, 15.0), (25.0, 25.0)], 3);
        println!("{got:?}");
        assert_eq!(got, vec![Some(0), Some(1), Some(1), Some(0)]);
    }

    #[test]
    fn touching_intervals_share_a_row_but_a_point_at_an_edge_does_not() {
        let got = assign(&[(0.0, 10.0), (10.0, 20.0), (20.0, 20.0)], 3);
        println!("{got:?}");
        assert_eq!(got, vec![Some(0), Some(0), Some(1)]);
    }
}
