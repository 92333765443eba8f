//! Every command of the viewer is a named value with a description and a handler (helix's
//! `static_commands!`): keymap rows name them with their parameter (`scroll page -1`, as yazi's
//! `run` rows), the parameter is parsed when the keymap loads, and help is generated from the
//! same table, so help cannot drift from behaviour. The macro gives every action a handler: an
//! action without one does not compile.

use super::actions::{
    adjudicate, annotate, channels, events, follow, freq, labels, layers, measure, pages, scale,
    snapshot, view,
};
use super::app::App;

pub use super::actions::param::{Arg, Param};

macro_rules! actions {
    ($($variant:ident => $name:literal, $param:ident, $handler:path, $desc:literal;)*) => {
        /// A command the user can bind to a key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            /// Every action, in the order help lists them.
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }

            /// One line of help.
            pub fn description(self) -> &'static str {
                match self {
                    $(Action::$variant => $desc,)*
                }
            }

            /// What the keymap row gives after the name.
            pub fn param(self) -> Param {
                match self {
                    $(Action::$variant => Param::$param,)*
                }
            }

            /// What the action does.
            pub fn handler(self) -> fn(&mut App, Arg) {
                match self {
                    $(Action::$variant => $handler,)*
                }
            }

            pub fn from_name(name: &str) -> Option<Action> {
                Action::ALL.iter().copied().find(|a| a.name() == name)
            }
        }
    };
}

actions! {
    Quit => "quit", None, view::quit, "Quit the viewer";
    Help => "help", None, layers::open_help, "Show this help (every key of every layer)";
    Cursor => "cursor", Steps, view::cursor, "Move the cursor by fiftieths of the window (scrolls at the edge)";
    Scroll => "scroll", Window, view::scroll, "Scroll by a page, half or tenth (fine) of the window; minus goes back";
    Go => "go", Go, view::go, "Go to the start or the end of the recording";
    JumpTo => "jump_to", None, layers::open_jump, "Jump to a time: seconds, HH:MM:SS from start, or @HH:MM:SS clock time";
    ZoomIn => "zoom_in", None, view::zoom_in, "Shorter window (next time-scale preset)";
    ZoomOut => "zoom_out", None, view::zoom_out, "Longer window (previous time-scale preset)";
    ZoomAll => "zoom_all", None, view::zoom_all, "Show the whole recording";
    AmpAuto => "amp_auto", None, channels::amp_auto, "Auto-scale every channel to the visible signal";
    Select => "select", Steps, channels::select, "Select the next (1) or previous (-1) channel";
    HideChannel => "hide_channel", None, channels::hide, "Hide the selected channel";
    ShowAll => "show_all", None, channels::show_all, "Show every channel (undo hide and solo)";
    SoloChannel => "solo_channel", None, channels::solo, "Show only the selected channel (again: show all)";
    MoveChannel => "move_channel", Steps, channels::move_channel, "Move the selected channel down (1) or up (-1)";
    NextGroup => "next_group", None, channels::next_group, "Show the next channel group (EEG, ECG, EOG, ...; then all)";
    NextMontage => "next_montage", None, view::next_montage, "Next EEG montage (as recorded, bipolar, transverse, average)";
    ToggleFilters => "toggle_filters", None, view::toggle_filters, "Display filters on or off (the recording is never changed)";
    CycleFilter => "cycle_filter", Filter, view::cycle_filter, "Step a filter: highpass off, 0.1, 0.3, 0.5, 1, 5 Hz; lowpass off, 15, 30, 40, 70, 100 Hz; notch off, 50, 60 Hz";
    ToggleMouse => "toggle_mouse", None, view::toggle_mouse, "Mouse on or off (click moves the cursor, wheel scrolls)";
    MarkIn => "mark_in", None, annotate::mark_in, "Start an interval at the cursor (then a label key, or mark out)";
    MarkOut => "mark_out", None, annotate::mark_out, "End the open interval at the cursor";
    CancelMark => "cancel", None, annotate::cancel, "Cancel the open interval, prompt or panel";
    SelectEvent => "select_event", Steps, events::select_event, "Select the next (1) or previous (-1) event of the list's filter and go to it";
    DeleteEvent => "delete_event", None, events::delete, "Delete the selected event";
    Undo => "undo", None, events::undo, "Undo the last edit (no limit)";
    Redo => "redo", None, events::redo, "Redo what was undone";
    Relabel => "relabel", None, annotate::relabel, "Change the selected event's label (then press the label key)";
    EditNote => "note", None, annotate::note, "Write a note on the selected event";
    ToggleCertainty => "toggle_certainty", None, annotate::toggle_certainty, "Definite or possible: the selected event, else new ones";
    ToggleScope => "toggle_scope", None, annotate::toggle_scope, "New events apply to all channels or to the selected channel";
    MoveEvent => "move_event", Steps, events::move_event, "Move the selected event by fiftieths of the window (minus: back)";
    ResizeEvent => "resize_event", Steps, events::resize_event, "Lengthen (or, minus, shorten) the selected interval by fiftieths of the window";
    EpochMode => "epoch_mode", None, annotate::epoch_mode, "Epoch scoring: window = one epoch, a stage key labels it and advances";
    EventList => "event_list", None, annotate::event_list, "Show the event list (type to filter, Enter to go)";
    CopyAnnotation => "copy_annotation", None, events::copy_annotation, "Copy the file's annotation at the cursor into your events";
    Save => "save", None, events::save, "Save your events now (they are also saved on quit and every 30 s)";
    ToggleSpectrum => "spectrum", None, freq::spectrum, "Spectrum panel: Welch PSD of the selected channel, EEG band powers";
    ToggleSpectrogram => "spectrogram", None, freq::spectrogram, "Spectrogram panel of the selected channel, aligned with the time axis";
    ToggleHeartRate => "heart_rate", None, freq::heart_rate, "Heart-rate lane from detected R peaks; mean rate in the status bar";
    FreqCursor => "freq_cursor", Steps, freq::freq_cursor, "Spectrum cursor to a higher (1) or lower (-1) frequency";
    Segment => "segment", Factor, freq::segment, "Longer (x2: finer frequency) or shorter (/2: finer time) Welch segments";
    AcceptBeats => "accept_beats", None, freq::accept_beats, "Add the detected beats in view to your events (label beat)";
    Disagreement => "disagreement", Steps, adjudicate::step, "Adjudication: go to the next (1) or previous (-1) disagreement";
    Decide => "decide", Choice, adjudicate::decide, "Adjudication: take reader a's or b's version, both, neither (reject), or copy one to edit";
    DisagreementList => "disagreement_list", None, adjudicate::list, "Adjudication: show or hide the list of disagreements";
    Close => "close", None, layers::close, "Close the prompt, list, editor or help on top";
    Submit => "submit", None, layers::submit, "Jump to the typed time, save the note, or go to the listed event";
    DeleteChar => "delete_char", None, layers::delete_char, "Delete the last typed character";
    Move => "move", Rows, layers::move_rows, "Move the list cursor or scroll help by rows (start, end: to the first or last)";
    // Calipers (issue 13)
    Caliper => "caliper", None, measure::caliper, "Caliper: first point at the cursor, then fix the second (Δt, bpm, Δ amplitude), then clear";
    MarchOut => "march_out", None, measure::march_out, "Caliper march-out: repeat the interval across the page (regularity)";
    SnapMode => "snap_mode", None, measure::snap_mode, "Snap caliper points and marks: off, nearest R peak, local extremum of the selected lane";
    MeasureNote => "measure_note", None, measure::measure_note, "Append the caliper's measurement to the selected event's note";
    // Channel pages (issue 13, dense recordings)
    LanesPerPage => "lanes_per_page", None, pages::lanes_per_page, "Lanes per page: 8, 16, 32 or all (default: all that fit at two rows each)";
    ChannelPage => "channel_page", Steps, pages::channel_page, "Next (1) or previous (-1) page of channels";
    // Spectrogram ranges (issue 13, axes)
    SpectrogramRange => "spectrogram_range", None, freq::spectrogram_range, "Spectrogram: next upper frequency limit (15, 30, 40, 50, 100 Hz, all)";
    SpectrogramDb => "spectrogram_db", None, freq::spectrogram_db, "Spectrogram: next colour range (auto, 40, 60, 80 dB below the maximum)";
    // Calibrated display (issue 13)
    Sensitivity => "sensitivity", Steps, scale::sensitivity, "Every channel kind's sensitivity a step taller (1) or smaller (-1): 5/10/20 mm/mV, 7/5/3 µV/mm; others x1.5";
    ChannelSensitivity => "channel_sensitivity", Steps, scale::channel_sensitivity, "The selected channel's own sensitivity a step taller (1) or smaller (-1), shown with a *";
    PaperSpeed => "paper_speed", Steps, scale::paper_speed, "Paper speed a step faster (1) or slower (-1): 12.5/25/50 mm/s ECG, 15/30/60 EEG; the window follows";
    Calibrate => "calibrate", None, scale::calibrate, "Draw a 50 mm ruler; type its measured length (mm) to calibrate the screen";
    // Embedded annotations (issue 13): next/previous by label, the event list's source.
    SameLabel => "same_label", Steps, labels::same_label, "Go to the next (1) or previous (-1) event with the selected event's label (none selected: the file annotation's nearest the cursor)";
    ListSource => "list_source", None, labels::list_source, "Event list: show your events, the file's annotations, or all";
    // Report strips (issue 13, snap)
    Snapshot => "snapshot", None, snapshot::write_visible, "Write the visible window as a report strip on paper scale (SVG beside the recording)";
    // Recordings still being written (issue 15, follow)
    Follow => "follow", None, follow::toggle, "Follow a file still being written: the window stays at the end as data arrives (again: stop; after scrolling back: resume)";
    // Reading studies (issue 16)
    FinishReading => "finish_reading", None, crate::tui::study::finish, "Study: mark this reading finished (the table is saved first; sigmark study next opens the next)";
    // QA of critical labels (issue 16)
    QaConfirm => "qa_confirm", None, crate::tui::qa_keys::confirm, "QA: confirm the current critical event (after moving, resizing or relabelling it: edited)";
    QaReject => "qa_reject", None, crate::tui::qa_keys::reject, "QA: reject the current critical event";
    QaStep => "qa_step", Steps, crate::tui::qa_keys::step, "QA: go to the next (1) or previous (-1) critical event of the recording";
}

/// What a keymap row runs: an action with its parameter, parsed when the keymap loads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Invocation {
    pub action: Action,
    pub arg: Arg,
}

impl Invocation {
    pub fn new(action: Action, arg: Arg) -> Invocation {
        Invocation { action, arg }
    }

    /// Reads `name [parameter]` (an old single-word name of version 1 keymaps is converted);
    /// the error says what was expected.
    pub fn parse(text: &str) -> Result<Invocation, String> {
        let text = super::actions::param::renamed(text.trim()).unwrap_or(text.trim());
        let (name, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let action = Action::from_name(name).ok_or_else(|| {
            format!(
                "unknown action {name:?}; known actions: {}",
                known_actions()
            )
        })?;
        let arg = action.param().parse(rest.trim()).map_err(|expected| {
            format!(
                "action {name:?}: bad parameter {:?}: expected {expected}",
                rest.trim()
            )
        })?;
        Ok(Invocation { action, arg })
    }

    /// As a keymap file writes it (`scroll page -1`).
    pub fn text(&self) -> String {
        match self.arg.text() {
            Some(p) => format!("{} {p}", self.action.name()),
            None => self.action.name().to_string(),
        }
    }
}

fn known_actions() -> String {
    Action::ALL
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(seen.insert(a.name()), "duplicate {}", a.name());
            assert!(
                !a.description().is_empty(),
                "{} has no description",
                a.name()
            );
        }
        assert_eq!(Action::from_name("fly"), None);
    }

    #[test]
    fn parameters_parse_and_bad_ones_say_what_was_expected() {
        let ok = [
            ("scroll page -1", "scroll page -1"),
            ("scroll fine 1", "scroll fine 1"),
            ("amplitude x1.5", "sensitivity 1"),
            ("segment /2", "segment /2"),
            ("decide both", "decide both"),
            ("move end", "move end"),
            ("scroll_back_half", "scroll half -1"),
            ("quit", "quit"),
        ];
        for (text, want) in ok {
            let got = Invocation::parse(text).map(|i| i.text());
            println!("{text:?} -> {got:?}");
            assert_eq!(got.as_deref(), Ok(want));
        }
        let bad = [
            ("scroll sideways", "page, half or fine"),
            ("scroll page 0", "page, half or fine"),
            ("segment 2", "x or /"),
            ("cursor many", "signed whole number"),
            ("decide c", "a, b, both, reject or edit"),
            ("quit now", "no parameter"),
            ("teleport", "unknown action \"teleport\""),
        ];
        for (text, want) in bad {
            let e = Invocation::parse(text).unwrap_err();
            println!("{text:?} -> {e}");
            assert!(e.contains(want), "{text:?}: {e}");
        }
    }
}
