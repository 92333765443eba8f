//! Label keys (from the taxonomy: ecg, eeg, rpm or the user's) in the viewer: a point label
//! marks the cursor, an interval label opens or closes an interval, an epoch label scores the
//! epoch and advances; under a relabel prompt, the key changes the selected event's label.

use crate::annotations::LabelKind;
use crate::tui::actions::annotate::{with_annot, Said};
use crate::tui::annotate::{close_interval, self_channel, Annotating, OpenMark};
use crate::tui::app::App;
use crate::tui::keymap::Key;
use crate::tui::view::{decimals, format_offset};

impl App {
    /// A taxonomy key in the viewer; false when the key is not a label key.
    pub(crate) fn label_key(&mut self, key: Key) -> bool {
        let Some(i) = self.annot.as_ref().and_then(|a| a.label_for(key)) else {
            return false;
        };
        with_annot(self, |app, a| match a.kind(i) {
            LabelKind::Point => mark_point(app, a, i),
            LabelKind::Interval => mark_interval(app, a, i),
            LabelKind::Epoch => score_epoch(app, a, i),
        });
        true
    }

    /// Whether `key` is one of the keymap's label keys.
    pub(crate) fn is_label_key(&self, key: Key) -> bool {
        self.annot.as_ref().and_then(|a| a.label_for(key)).is_some()
    }

    /// Changes the selected event's label to label `i` (the relabel prompt's answer).
    pub(crate) fn relabel_to(&mut self, i: usize) {
        with_annot(self, |_, a| {
            let name = a.taxonomy.labels[i].name.clone();
            let Some(mut e) = a.selected_event().cloned() else {
                return Ok(None);
            };
            e.label = name.clone();
            a.store.change(e)?;
            Ok(Some(format!("label changed to {name}")))
        });
    }
}

fn channel(app: &App, a: &Annotating) -> String {
    self_channel(&app.lanes, app.selected_lane(), a.scope_selected)
}

fn mark_point(app: &mut App, a: &mut Annotating, i: usize) -> Said {
    let (cursor, name) = (
        crate::tui::prepare::caliper::snapped_cursor(app),
        a.taxonomy.labels[i].name.clone(),
    );
    let e = a.new_event(cursor, 0.0, &name, channel(app, a));
    a.selected = Some(e.id.clone());
    a.store.add(e)?;
    Ok(Some(format!(
        "{name} at {}",
        format_offset(cursor, decimals(&app.view))
    )))
}

fn mark_interval(app: &mut App, a: &mut Annotating, i: usize) -> Said {
    let (cursor, places) = (
        crate::tui::prepare::caliper::snapped_cursor(app),
        decimals(&app.view),
    );
    if let Some(m) = a.open.clone() {
        let ch = channel(app, a);
        return Ok(Some(close_interval(a, (m.start, cursor, places), i, ch)?));
    }
    a.open = Some(OpenMark {
        start: cursor,
        label: Some(i),
    });
    Ok(Some(format!(
        "{} from {}: move, then press the key again (or o)",
        a.taxonomy.labels[i].name,
        format_offset(cursor, places)
    )))
}

/// Labels the epoch under the cursor (changing its stage if it has one) and advances.
fn score_epoch(app: &mut App, a: &mut Annotating, i: usize) -> Said {
    let name = a.taxonomy.labels[i].name.clone();
    let (onset, dur) = a.epoch_at(app.view.cursor_s, app.view.duration_s);
    let existing = a
        .store
        .events()
        .iter()
        .find(|e| (e.onset - onset).abs() < 1e-6 && a.is_epoch_event(e))
        .cloned();
    match existing {
        Some(mut e) => {
            e.label = name.clone();
            a.selected = Some(e.id.clone());
            a.store.change(e)?;
        }
        None => {
            let e = a.new_event(onset, dur, &name, String::new());
            a.selected = Some(e.id.clone());
            a.store.add(e)?;
        }
    }
    let next = onset + a.taxonomy.epoch_s;
    let v = &mut app.view;
    if next < v.duration_s {
        v.start_s = next;
        v.jump(next + a.taxonomy.epoch_s.min(v.span_s) / 2.0);
        v.move_cursor(next - v.cursor_s);
    }
    Ok(Some(format!(
        "epoch {} scored {name}",
        (onset / a.taxonomy.epoch_s).round() as u64 + 1
    )))
}
