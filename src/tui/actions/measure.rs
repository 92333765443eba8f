//! Calipers (`k`), march-out (`w`), the snap mode (`P`) and the measurement into the selected
//! event's note (`ctrl-n`). The state and its arithmetic are in `tui/caliper.rs`; reading and
//! snapping in `prepare/caliper.rs`.

use super::annotate::with_annot;
use super::param::Arg;
use crate::tui::app::App;
use crate::tui::caliper::{Measurement, Stage};
use crate::tui::prepare::caliper::{refresh, take_point};

/// `k`: first point at the (snapped) cursor, then fix the second, then clear.
pub fn caliper(app: &mut App, _: Arg) {
    let lane = match &app.caliper.stage {
        Stage::Open { lane, .. } => Some(*lane),
        _ => app.selected_lane(),
    };
    let Some(lane) = lane else {
        app.message = Some("no lane to measure on".into());
        return;
    };
    let here = take_point(app, lane, app.view.cursor_s);
    let stage = app.caliper.press(here, lane);
    refresh(app);
    app.message = Some(match stage {
        "open" => "caliper: move the cursor to the second point, then k".into(),
        "fixed" => format!("caliper fixed: {}", figures(app)),
        _ => {
            app.caliper.march = false;
            "caliper cleared".into()
        }
    });
}

/// Esc: clears the caliper; true when there was one (then esc does nothing else).
pub fn clear(app: &mut App) -> bool {
    let had = app.caliper.clear();
    if had {
        refresh(app);
        app.message = Some("caliper cleared".into());
    }
    had
}

/// `w`: march-out ticks on or off.
pub fn march_out(app: &mut App, _: Arg) {
    if app.caliper.stage == Stage::Off {
        app.message = Some("march-out needs a caliper: press k at two points first".into());
        return;
    }
    app.caliper.march = !app.caliper.march;
    app.message = Some(format!(
        "march-out {}",
        if app.caliper.march { "on" } else { "off" }
    ));
}

/// `P`: snap off -> R peak -> extremum.
pub fn snap_mode(app: &mut App, _: Arg) {
    app.caliper.snap = app.caliper.snap.next();
    app.message = Some(format!(
        "snap: {} (caliper points and marks)",
        app.caliper.snap.label()
    ));
}

/// `ctrl-n`: appends the measurement to the selected event's note (a store edit: journaled,
/// undoable, as the note editor saves).
pub fn measure_note(app: &mut App, _: Arg) {
    refresh(app);
    let Some(m) = app.prepared.caliper.measurement.clone() else {
        app.message = Some("no measurement: press k at two points first".into());
        return;
    };
    with_annot(app, |_, a| {
        let Some(mut e) = a.selected_event().cloned() else {
            return Ok(Some(
                "select an event first: the measurement goes into its note".into(),
            ));
        };
        let text = m.note_text(&e.label);
        e.note = append(&e.note, &text);
        a.store.change(e)?;
        Ok(Some(format!("note: {text}")))
    });
}

/// `note` with `text` added (after "; " when the note has text).
pub fn append(note: &str, text: &str) -> String {
    if note.trim().is_empty() {
        text.to_string()
    } else {
        format!("{}; {text}", note.trim_end())
    }
}

/// The prepared measurement's figures.
fn figures(app: &App) -> String {
    app.prepared
        .caliper
        .measurement
        .as_ref()
        .map_or(String::new(), Measurement::text)
}

#[cfg(test)]
mod tests {
    use super::append;

    #[test]
    fn notes_gain_the_measurement() {
        assert_eq!(append("", "QT 412 ms"), "QT 412 ms");
        assert_eq!(append("wide  ", "QT 412 ms"), "wide; QT 412 ms");
    }
}
