//! Lanes: amplitude, selection, hiding, solo, order and channel groups.

use super::param::Arg;
use crate::tui::app::App;

pub fn amp_auto(app: &mut App, _: Arg) {
    super::scale::toggle_auto(app);
}

/// `select N`: N channels down (minus: up), staying inside the visible ones.
pub fn select(app: &mut App, arg: Arg) {
    let n = arg.steps();
    let last = app.visible().len().saturating_sub(1);
    app.selected = if n < 0 {
        app.selected.saturating_sub(n.unsigned_abs() as usize)
    } else {
        app.selected.saturating_add(n as usize).min(last)
    };
}

pub fn hide(app: &mut App, _: Arg) {
    let n_visible = app.visible().len();
    if n_visible <= 1 {
        app.message = Some("the last visible channel cannot be hidden".into());
    } else if let Some(i) = app.selected_lane() {
        app.lanes[i].hidden = true;
        app.solo = None;
        app.selected = app.selected.min(n_visible.saturating_sub(2));
    }
}

pub fn show_all(app: &mut App, _: Arg) {
    app.lanes.iter_mut().for_each(|l| l.hidden = false);
    app.solo = None;
    app.group = None;
    app.selected = 0;
}

pub fn solo(app: &mut App, _: Arg) {
    if app.solo.is_some() {
        let s = app.solo.take();
        app.selected = app
            .visible()
            .iter()
            .position(|&i| Some(i) == s)
            .unwrap_or(0);
    } else {
        app.solo = app.selected_lane();
        app.selected = 0;
    }
}

/// `move_channel N`: the selected lane N places down (minus: up) in the display order.
pub fn move_channel(app: &mut App, arg: Arg) {
    let n = arg.steps();
    for _ in 0..n.unsigned_abs().min(1000) {
        move_selected(app, n < 0);
    }
}

fn move_selected(app: &mut App, up: bool) {
    let vis = app.visible();
    let Some(&here) = vis.get(app.selected) else {
        return;
    };
    let target = if up {
        app.selected.checked_sub(1)
    } else {
        Some(app.selected + 1).filter(|&t| t < vis.len())
    };
    let Some(t) = target else { return };
    let other = vis[t];
    let (a, b) = (
        app.order.iter().position(|&i| i == here),
        app.order.iter().position(|&i| i == other),
    );
    if let (Some(a), Some(b)) = (a, b) {
        app.order.swap(a, b);
        app.selected = t;
    }
}

pub fn next_group(app: &mut App, _: Arg) {
    app.solo = None;
    app.group = match app.group {
        None if app.groups.len() > 1 => Some(0),
        Some(g) if g + 1 < app.groups.len() => Some(g + 1),
        _ => None,
    };
    app.selected = 0;
    app.message = Some(match app.group.and_then(|g| app.groups.get(g)) {
        Some(k) => format!("showing {} channels", k.name()),
        None => "showing all channels".into(),
    });
}
