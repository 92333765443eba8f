//! Next and previous by label (`alt-.`, `alt-,`): the next event with the selected event's
//! label among the reader's events, or, with nothing selected, the next of the recording's
//! annotations with the text of the one nearest the cursor (the next `V`, the next
//! `Sleep stage W`). The file's TALs need not be in time order: every candidate is compared.

use super::param::Arg;
use crate::text::sanitize;
use crate::tui::app::App;

/// Onsets closer than this are the same time (the one we are on is not "next").
const SAME_S: f64 = 1e-6;

/// `same_label N`: forward (N > 0) or back to the next event with the same label.
pub fn same_label(app: &mut App, arg: Arg) {
    let forward = arg.steps() > 0;
    let said = match selected_label(app) {
        Some((label, from)) => reader_step(app, &label, from, forward),
        None => file_step(app, forward),
    };
    app.message = said;
}

/// The selected event's label and onset.
fn selected_label(app: &App) -> Option<(String, f64)> {
    let e = app.annot.as_ref()?.selected_event()?;
    Some((e.label.clone(), e.onset))
}

/// The onset after (or before) `from` nearest to it among `onsets`, with its position.
pub fn next_onset(
    onsets: impl Iterator<Item = (usize, f64)>,
    from: f64,
    forward: bool,
) -> Option<(usize, f64)> {
    let ahead = |t: f64| {
        if forward {
            t > from + SAME_S
        } else {
            t < from - SAME_S
        }
    };
    let dist = |t: f64| (t - from).abs();
    onsets
        .filter(|&(_, t)| ahead(t))
        .min_by(|a, b| dist(a.1).total_cmp(&dist(b.1)))
}

fn reader_step(app: &mut App, label: &str, from: f64, forward: bool) -> Option<String> {
    let a = app.annot.as_mut()?;
    let events = a.store.events();
    let candidates = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.label == label)
        .map(|(i, e)| (i, e.onset));
    let Some((i, t)) = next_onset(candidates, from, forward) else {
        return Some(no_more(label, forward));
    };
    a.selected = events.get(i).map(|e| e.id.clone());
    go_to(app, t);
    None
}

fn file_step(app: &mut App, forward: bool) -> Option<String> {
    let cursor = app.view.cursor_s;
    let anns = &app.rec.annotations;
    let dist = |t: f64| (t - cursor).abs();
    let Some(near) = anns
        .iter()
        .min_by(|a, b| dist(a.onset_s).total_cmp(&dist(b.onset_s)))
    else {
        return Some("no event selected and the recording has no annotations".into());
    };
    let text = near.text.clone();
    let candidates = anns
        .iter()
        .enumerate()
        .filter(|(_, a)| a.text == text)
        .map(|(i, a)| (i, a.onset_s));
    let Some((_, t)) = next_onset(candidates, cursor, forward) else {
        return Some(no_more(&text, forward));
    };
    go_to(app, t);
    Some(format!("{} at {t:.3} s", sanitize(&text)))
}

fn no_more(label: &str, forward: bool) -> String {
    let way = if forward { "after" } else { "before" };
    format!("no {} {way} this one", sanitize(label))
}

/// Moves the cursor to `t`, scrolling only when it is out of view.
fn go_to(app: &mut App, t: f64) {
    let v = &mut app.view;
    if t < v.start_s || t > v.end_s() {
        v.jump(t);
    } else {
        v.move_cursor(t - v.cursor_s);
    }
}

/// `list_source`: the event list shows the reader's events, the file's annotations, or all.
pub fn list_source(app: &mut App, _: Arg) {
    if let Some(crate::tui::input::Layer::List(list)) = app.layers.focused_mut() {
        list.source = list.source.next();
        list.cursor = 0;
    }
}
