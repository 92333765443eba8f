//! Every command of the viewer is a named value with a description: keymap files name them,
//! and the help overlay is generated from the same table, so help cannot drift from behaviour.

macro_rules! actions {
    ($($variant:ident => $name:literal, $desc:literal;)*) => {
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

            pub fn from_name(name: &str) -> Option<Action> {
                match name {
                    $($name => Some(Action::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    Quit => "quit", "Quit the viewer";
    Help => "help", "Show or hide this help";
    CursorLeft => "cursor_left", "Move the cursor back (scrolls at the edge)";
    CursorRight => "cursor_right", "Move the cursor forward (scrolls at the edge)";
    ScrollBackFine => "scroll_back_fine", "Scroll back a tenth of the window";
    ScrollForwardFine => "scroll_forward_fine", "Scroll forward a tenth of the window";
    ScrollBackHalf => "scroll_back_half", "Scroll back half a window";
    ScrollForwardHalf => "scroll_forward_half", "Scroll forward half a window";
    ScrollBackPage => "scroll_back_page", "Scroll back one window";
    ScrollForwardPage => "scroll_forward_page", "Scroll forward one window";
    GoStart => "go_start", "Go to the start of the recording";
    GoEnd => "go_end", "Go to the end of the recording";
    JumpTo => "jump_to", "Jump to a time: seconds, HH:MM:SS from start, or @HH:MM:SS clock time";
    ZoomIn => "zoom_in", "Shorter window (next time-scale preset)";
    ZoomOut => "zoom_out", "Longer window (previous time-scale preset)";
    ZoomAll => "zoom_all", "Show the whole recording";
    AmpUp => "amp_up", "Larger amplitude, all channels";
    AmpDown => "amp_down", "Smaller amplitude, all channels";
    AmpAuto => "amp_auto", "Auto-scale every channel to the visible signal";
    ChannelAmpUp => "channel_amp_up", "Larger amplitude, selected channel";
    ChannelAmpDown => "channel_amp_down", "Smaller amplitude, selected channel";
    SelectNext => "select_next", "Select the next channel";
    SelectPrev => "select_prev", "Select the previous channel";
    HideChannel => "hide_channel", "Hide the selected channel";
    ShowAll => "show_all", "Show every channel (undo hide and solo)";
    SoloChannel => "solo_channel", "Show only the selected channel (again: show all)";
    MoveChannelUp => "move_channel_up", "Move the selected channel up";
    MoveChannelDown => "move_channel_down", "Move the selected channel down";
    NextGroup => "next_group", "Show the next channel group (EEG, ECG, EOG, ...; then all)";
    NextMontage => "next_montage", "Next EEG montage (as recorded, bipolar, transverse, average)";
    ToggleFilters => "toggle_filters", "Display filters on or off (the recording is never changed)";
    CycleHighpass => "cycle_highpass", "High-pass cutoff: off, 0.1, 0.3, 0.5, 1, 5 Hz";
    CycleLowpass => "cycle_lowpass", "Low-pass cutoff: off, 15, 30, 40, 70, 100 Hz";
    CycleNotch => "cycle_notch", "Notch: off, 50 Hz, 60 Hz";
    ToggleMouse => "toggle_mouse", "Mouse on or off (click moves the cursor, wheel scrolls)";
    MarkIn => "mark_in", "Start an interval at the cursor (then a label key, or mark out)";
    MarkOut => "mark_out", "End the open interval at the cursor";
    CancelMark => "cancel", "Cancel the open interval, prompt or panel";
    NextEvent => "next_event", "Select the next event (of the list's filter) and go to it";
    PrevEvent => "prev_event", "Select the previous event and go to it";
    DeleteEvent => "delete_event", "Delete the selected event";
    Undo => "undo", "Undo the last edit (no limit)";
    Redo => "redo", "Redo what was undone";
    Relabel => "relabel", "Change the selected event's label (then press the label key)";
    EditNote => "note", "Write a note on the selected event";
    ToggleCertainty => "toggle_certainty", "Definite or possible: the selected event, else new ones";
    ToggleScope => "toggle_scope", "New events apply to all channels or to the selected channel";
    MoveEventBack => "move_event_back", "Move the selected event back a fiftieth of the window";
    MoveEventForward => "move_event_forward", "Move the selected event forward";
    ShrinkEvent => "shrink_event", "Shorten the selected interval";
    GrowEvent => "grow_event", "Lengthen the selected interval";
    EpochMode => "epoch_mode", "Epoch scoring: window = one epoch, a stage key labels it and advances";
    EventList => "event_list", "Show the event list (type to filter, Enter to go)";
    CopyAnnotation => "copy_annotation", "Copy the file's annotation at the cursor into your events";
    Save => "save", "Save your events now (they are also saved on quit and every 30 s)";
    ToggleSpectrum => "spectrum", "Spectrum panel: Welch PSD of the selected channel, EEG band powers";
    ToggleSpectrogram => "spectrogram", "Spectrogram panel of the selected channel, aligned with the time axis";
    ToggleHeartRate => "heart_rate", "Heart-rate lane from detected R peaks; mean rate in the status bar";
    FreqCursorLeft => "freq_cursor_left", "Spectrum cursor to a lower frequency";
    FreqCursorRight => "freq_cursor_right", "Spectrum cursor to a higher frequency";
    SegmentShorter => "segment_shorter", "Shorter Welch segments (finer time, coarser frequency)";
    SegmentLonger => "segment_longer", "Longer Welch segments (finer frequency)";
    AcceptBeats => "accept_beats", "Add the detected beats in view to your events (label beat)";
    NextDisagreement => "next_disagreement", "Adjudication: go to the next disagreement";
    PrevDisagreement => "prev_disagreement", "Adjudication: go to the previous disagreement";
    AcceptA => "accept_a", "Adjudication: take reader A's version into the consensus";
    AcceptB => "accept_b", "Adjudication: take reader B's version";
    AcceptBoth => "accept_both", "Adjudication: take both readers' events";
    RejectBoth => "reject_both", "Adjudication: take neither";
    EditDisagreement => "edit_disagreement", "Adjudication: copy one version into the consensus and edit it";
    DisagreementList => "disagreement_list", "Adjudication: show or hide the list of disagreements";
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
            assert!(!a.description().is_empty());
        }
        assert_eq!(Action::from_name("fly"), None);
    }
}
