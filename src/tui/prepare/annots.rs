//! The file-events lane's content per waveform column, made once per view and width: how many
//! of the recording's annotations have their onset in each column (every annotation counts in
//! its own column, whatever the order of the file's TALs), which columns an annotation's
//! duration covers, and the marks to draw: `▼` for one onset, its count (`3`, `9+`) for
//! several (then `×` and the first's label where it fits), `─` over durations, a label only
//! where it fits before the next onset's column.
//! No text is ever written over another onset's column.

use crate::signal::Annotation;
use crate::tui::app::App;

/// One waveform column of the lane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cell {
    /// Annotations whose onset falls in this column.
    pub onsets: u32,
    /// The first of them (position in `rec.annotations`), when any.
    pub first: Option<usize>,
    /// Some annotation's duration covers this column.
    pub covered: bool,
}

/// What to draw at a column (offset from the waveform's first column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub col: u16,
    pub text: String,
}

/// The file-events lane, prepared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileLane {
    /// (start_s, span_s, width, annotation count) the cells were made for.
    key: Option<(u64, u64, u16, usize)>,
    pub cells: Vec<Cell>,
    pub marks: Vec<Mark>,
}

/// Recomputes the lane for the current view and waveform width, unless they are unchanged.
pub fn refresh(app: &mut App, width: u16) {
    let v = &app.view;
    let anns = &app.rec.annotations;
    let key = (v.start_s.to_bits(), v.span_s.to_bits(), width, anns.len());
    if app.prepared.file_lane.key == Some(key) {
        return;
    }
    let (start, end, span) = (v.start_s, v.end_s(), v.span_s);
    let index = &app.prepared.file_events;
    let cells = columns(anns, index.visible(start, end), (start, span), width);
    let marks = marks(&cells, anns);
    app.prepared.file_lane = FileLane {
        key: Some(key),
        cells,
        marks,
    };
}

/// How far the time axis goes: the recording's duration, or for an annotation-only file
/// (a Sleep-EDF hypnogram: no samples, duration 0) the end of its last annotation, so its
/// annotations can be viewed, listed and stepped through.
pub fn time_extent(rec: &crate::signal::Recording) -> f64 {
    if rec.duration_s > 0.0 {
        return rec.duration_s;
    }
    rec.annotations
        .iter()
        .map(|a| a.onset_s + a.duration_s.unwrap_or(0.0).max(0.0))
        .filter(|t| t.is_finite())
        .fold(0.0, f64::max)
}

/// The column (0-based) of time `t` in a view `(start, span)` `width` columns wide.
pub fn column(t: f64, (start, span): (f64, f64), width: u16) -> usize {
    let x = ((t - start) / span * f64::from(width)).floor();
    (x.max(0.0) as usize).min(usize::from(width).saturating_sub(1))
}

/// Counts onsets and durations per column over the candidates `visible` (from the time index).
fn columns(
    anns: &[Annotation],
    visible: impl Iterator<Item = usize>,
    (start, span): (f64, f64),
    width: u16,
) -> Vec<Cell> {
    let mut cells = vec![Cell::default(); usize::from(width)];
    if width == 0 || span <= 0.0 {
        return cells;
    }
    let end = start + span;
    for i in visible {
        let Some(a) = anns.get(i) else { continue };
        let dur = a.duration_s.unwrap_or(0.0).max(0.0);
        if a.onset_s > end || a.onset_s + dur < start {
            continue;
        }
        if a.onset_s >= start {
            let c = &mut cells[column(a.onset_s, (start, span), width)];
            c.onsets += 1;
            c.first.get_or_insert(i);
        }
        if dur > 0.0 {
            let x0 = column(a.onset_s.max(start), (start, span), width);
            let x1 = column((a.onset_s + dur).min(end), (start, span), width);
            cells[x0..=x1].iter_mut().for_each(|c| c.covered = true);
        }
    }
    cells
}

/// The count shown for `n` onsets in one column: a digit, or `9+` (`+` where one column fits).
fn count_text(n: u32, room: usize) -> String {
    match n {
        0..=9 => n.to_string(),
        _ if room >= 2 => "9+".into(),
        _ => "+".into(),
    }
}

/// The marks to draw, left to right; none overlaps another's onset column.
fn marks(cells: &[Cell], anns: &[Annotation]) -> Vec<Mark> {
    let mut out = Vec::new();
    let onset_cols: Vec<usize> = (0..cells.len()).filter(|&x| cells[x].onsets > 0).collect();
    // Durations first, so onsets and labels are drawn over them.
    for (x, c) in cells.iter().enumerate() {
        if c.covered && c.onsets == 0 {
            out.push(Mark {
                col: x as u16,
                text: "─".into(),
            });
        }
    }
    for (k, &x) in onset_cols.iter().enumerate() {
        let next = onset_cols.get(k + 1).copied().unwrap_or(cells.len());
        // Columns free up to the next onset (keeping one blank before it).
        onset_marks(cells[x], (x, next - x), anns, &mut out);
    }
    out
}

/// An onset column's marks: `▼` or the count, then the (first) label where it ends a column
/// before the next onset (`room` columns from `x` to it); after a count it reads `3×N`.
fn onset_marks(c: Cell, (x, room): (usize, usize), anns: &[Annotation], out: &mut Vec<Mark>) {
    let many = c.onsets > 1;
    let head = if many {
        count_text(c.onsets, room)
    } else {
        "▼".into()
    };
    let used = head.chars().count();
    out.push(mark(x, head));
    let times = if many { "×" } else { "" };
    let free = room.saturating_sub(used + 1 + usize::from(many));
    let label = c.first.and_then(|i| anns.get(i)).map(|a| a.text.as_str());
    if let Some(label) = label.filter(|_| free > 0) {
        let label: String = crate::text::sanitize(label).chars().take(free).collect();
        out.push(mark(x + used, format!("{times}{label}")));
    }
}

fn mark(x: usize, text: String) -> Mark {
    Mark {
        col: x as u16,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(onset_s: f64, duration_s: Option<f64>, text: &str) -> Annotation {
        Annotation {
            onset_s,
            duration_s,
            text: text.into(),
            channel: None,
        }
    }

    #[test]
    fn crowded_columns_show_counts_and_labels_stop_before_the_next_onset() {
        // View 0..10 s over 10 columns: three in column 0, one in 4 (room for its label up to
        // column 6), twelve in 7, one long interval from 8 to the end.
        let mut anns = vec![
            ann(0.1, None, "N"),
            ann(0.5, None, "N"),
            ann(0.9, None, "V"),
        ];
        anns.push(ann(4.2, None, "Sleep stage W"));
        anns.extend((0..12).map(|k| ann(7.0 + k as f64 * 0.05, None, "N")));
        anns.push(ann(8.5, Some(5.0), "AF"));
        let cells = columns(&anns, 0..anns.len(), (0.0, 10.0), 10);
        let counts: Vec<u32> = cells.iter().map(|c| c.onsets).collect();
        println!("counts {counts:?}");
        assert_eq!(counts, vec![3, 0, 0, 0, 1, 0, 0, 12, 1, 0]);
        let got = marks(&cells, &anns);
        println!("marks {got:?}");
        let at = |x: u16| -> Vec<&str> {
            got.iter()
                .filter(|m| m.col == x)
                .map(|m| m.text.as_str())
                .collect()
        };
        assert_eq!(at(0), vec!["3"]);
        assert_eq!(
            at(1),
            vec!["×N"],
            "the first of the 3 labels, up to column 2"
        );
        assert_eq!(at(4), vec!["▼"]);
        assert_eq!(at(5), vec!["S"], "the label stops a column before column 7");
        assert_eq!(
            at(7),
            vec!["+"],
            "12 onsets, no room for 9+ before column 8"
        );
        assert_eq!(at(8), vec!["▼"]);
        assert_eq!(at(9), vec!["─"]);
    }
}
