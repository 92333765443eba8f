//! Display labels (issue 13, dense recordings): the gutter widens to the longest label up to a
//! limit, and a label cut to fit keeps what tells it from the others. Cut labels that would be
//! equal keep their distinguishing part after a short head (`Accel…X (left`), else their tail
//! (`…(left-right)`); labels equal in full get `#2`, `#3`. Computed once per montage and width
//! in the update step; the gutter prints them.

use std::collections::HashMap;

use super::Prepared;
use crate::tui::app::{App, Lane};
use crate::tui::widgets::GUTTER;

/// The widest label column, in characters (also at most a third of the screen with the rest
/// of the gutter).
pub const MAX_LABEL: usize = 24;

/// Columns kept beside the label for the cursor readout: a space and a value of up to five
/// characters (`-12.5`, `0.25`, `1.2k`; only values under 0.01 take more).
pub const VALUE_ROOM: usize = 6;

/// What the display labels depend on: montage, number of lanes, screen width.
pub type Key = (usize, usize, u16);

impl Prepared {
    /// The display label of `lane` (its label itself before the first update step).
    pub fn label<'a>(&'a self, lane: &'a Lane) -> &'a str {
        // `track` is the lane's index in `App::lanes` (both are filled in one loop).
        self.labels
            .get(lane.track)
            .map_or(&lane.label, String::as_str)
    }
}

/// The gutter's width for labels of up to `longest` characters on a screen `area_w` wide:
/// the label, the readout's room and the scale bar; at least `GUTTER`, at most a third of the
/// screen.
pub fn gutter_width(longest: usize, area_w: u16) -> u16 {
    let want = longest.min(MAX_LABEL) + VALUE_ROOM + 1;
    let cap = usize::from(area_w / 3).max(usize::from(GUTTER));
    u16::try_from(want.clamp(usize::from(GUTTER), cap)).unwrap_or(GUTTER)
}

/// Characters of label that fit in a gutter `gutter` wide.
pub fn label_width(gutter: u16) -> usize {
    usize::from(gutter).saturating_sub(VALUE_ROOM + 1)
}

/// Recomputes the display labels and returns the gutter's width, when the montage, the lanes
/// or the screen width changed.
pub fn refresh(app: &mut App, area_w: u16) -> u16 {
    let key = (app.montage, app.lanes.len(), area_w);
    match app.prepared.labels_key {
        Some((k, gutter)) if k == key => return gutter,
        _ => {}
    }
    let labels: Vec<&str> = app.lanes.iter().map(|l| l.label.as_str()).collect();
    let longest = with_suffixes(&labels)
        .iter()
        .zip(&labels)
        .map(|(s, l)| l.chars().count() + s.len())
        .max()
        .unwrap_or(0);
    let gutter = gutter_width(longest, area_w);
    app.prepared.labels = display_labels(&labels, label_width(gutter));
    app.prepared.labels_key = Some((key, gutter));
    gutter
}

/// How a label is cut to its width.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cut {
    /// Its first characters and `…`.
    Head,
    /// A short head, `…`, and the label from where it differs from those it was equal to.
    Distinct(usize),
    /// `…` and its last characters.
    Tail,
    /// Its head and a number: the last resort, when even the tails are equal.
    Numbered(usize),
}

/// The labels as displayed in `width` characters, all distinct: cut from the end, and where
/// two cut labels would be equal, cut to keep their distinguishing part.
pub fn display_labels(labels: &[&str], width: usize) -> Vec<String> {
    let suffixes = with_suffixes(labels);
    let mut cuts = vec![Cut::Head; labels.len()];
    let show = |i: usize, cut: Cut| {
        let room = width.saturating_sub(suffixes[i].len());
        format!("{}{}", fit(labels[i], room, cut), suffixes[i])
    };
    let mut out: Vec<String> = (0..labels.len()).map(|i| show(i, Cut::Head)).collect();
    for round in 0..3 {
        let clashes = clash_groups(&out);
        if clashes.is_empty() {
            break;
        }
        for group in clashes {
            for (k, &i) in group.iter().enumerate() {
                cuts[i] = match round {
                    0 => Cut::Distinct(differs_at(labels, i, &group)),
                    1 => Cut::Tail,
                    _ => Cut::Numbered(k + 1),
                };
                out[i] = show(i, cuts[i]);
            }
        }
    }
    out
}

/// `#2`, `#3`, ... for the second and later of labels equal in full; nothing for the rest.
fn with_suffixes(labels: &[&str]) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    labels
        .iter()
        .map(|l| {
            let n = seen.entry(l).or_insert(0);
            *n += 1;
            if *n > 1 {
                format!("#{n}")
            } else {
                String::new()
            }
        })
        .collect()
}

/// Indices of the displayed labels equal to another, grouped by text, in order.
fn clash_groups(out: &[String]) -> Vec<Vec<usize>> {
    let mut by_text: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in out.iter().enumerate() {
        by_text.entry(s.as_str()).or_default().push(i);
    }
    let mut groups: Vec<Vec<usize>> = by_text.into_values().filter(|g| g.len() > 1).collect();
    groups.sort();
    groups
}

/// Where label `i` first differs from every other label of its group (characters).
fn differs_at(labels: &[&str], i: usize, group: &[usize]) -> usize {
    group
        .iter()
        .filter(|&&j| j != i)
        .map(|&j| {
            labels[i]
                .chars()
                .zip(labels[j].chars())
                .take_while(|(a, b)| a == b)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// `label` in at most `room` characters, cut as `cut` says.
fn fit(label: &str, room: usize, cut: Cut) -> String {
    let n = label.chars().count();
    if n <= room && !matches!(cut, Cut::Numbered(_)) {
        return label.to_string();
    }
    let chars: Vec<char> = label.chars().collect();
    let take = |from: usize, len: usize| -> String { chars.iter().skip(from).take(len).collect() };
    match cut {
        _ if room < 2 => take(0, room),
        Cut::Head => format!("{}…", take(0, room - 1)),
        Cut::Distinct(at) => {
            let head = at.min(room.div_ceil(3)).min(room - 1);
            let head_text = take(0, head);
            format!("{}…{}", head_text.trim_end(), take(at, room - 1 - head))
        }
        Cut::Tail => format!("…{}", take(n - (room - 1), room - 1)),
        Cut::Numbered(k) => {
            let tag = format!("~{k}");
            let keep = room.saturating_sub(tag.len()).min(n);
            format!("{}{tag}", take(0, keep))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_labels_keep_what_tells_them_apart() {
        let accel = [
            "Accelerometer X (left-right)",
            "Accelerometer Y (head-feet)",
            "Accelerometer Z (back-front)",
        ];
        for width in [24, 13, 8] {
            let got = display_labels(&accel, width);
            println!("{width}: {got:?}");
            for g in &got {
                assert!(g.chars().count() <= width, "{g:?} wider than {width}");
            }
            assert_eq!(got.len(), 3);
            assert!(got[0] != got[1] && got[1] != got[2] && got[0] != got[2]);
        }
        assert_eq!(display_labels(&accel, 13)[0], "Accel…X (left");
    }

    #[test]
    fn labels_equal_in_full_are_numbered_and_short_ones_stay_whole() {
        let got = display_labels(&["EEG F1-Ref", "EEG F2-Ref", "EEG F1-Ref"], 13);
        println!("{got:?}");
        assert_eq!(got, ["EEG F1-Ref", "EEG F2-Ref", "EEG F1-Ref#2"]);
        let got = display_labels(&["abc", "abc", "abc"], 3);
        println!("{got:?}");
        assert!(got[0] != got[1] && got[1] != got[2] && got[0] != got[2]);
    }

    #[test]
    fn the_gutter_widens_to_the_label_up_to_its_limits() {
        assert_eq!(gutter_width(4, 200), GUTTER);
        assert_eq!(gutter_width(15, 200), 22);
        assert_eq!(gutter_width(40, 200), 31);
        assert_eq!(gutter_width(40, 60), 20);
        assert_eq!(gutter_width(40, 32), GUTTER);
        assert_eq!(label_width(31), 24);
    }
}
