//! Parameters of keymap rows (`scroll page -1`, `amplitude x1.5`), parsed when the keymap loads
//! so that a bad one is an error with the file and line, never a surprise at the key press.

use crate::compare::adjudicate::Choice;

/// What an action takes after its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Param {
    None,
    /// A signed whole number of steps, not zero.
    Steps,
    /// Rows: a signed whole number, `start` or `end`.
    Rows,
    /// A part of the window (`page`, `half`, `fine`) and a signed count.
    Window,
    /// `x1.5` multiplies, `/1.5` divides.
    Factor,
    Go,
    Filter,
    Choice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Start,
    End,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKind {
    Highpass,
    Lowpass,
    Notch,
}

/// A parsed parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arg {
    None,
    Steps(i64),
    /// `span / div` times `n`: kept as a division so that `scroll fine -1` moves exactly as far
    /// as `-span / 10` always did.
    Window {
        div: f64,
        n: f64,
    },
    Factor {
        times: bool,
        by: f64,
    },
    Go(End),
    Filter(FilterKind),
    Choice(Choice),
}

impl Arg {
    pub fn steps(self) -> i64 {
        match self {
            Arg::Steps(n) => n,
            _ => 1,
        }
    }

    /// As a keymap file writes it; None for no parameter.
    pub fn text(self) -> Option<String> {
        Some(match self {
            Arg::None => return None,
            Arg::Steps(i64::MIN) => "start".into(),
            Arg::Steps(i64::MAX) => "end".into(),
            Arg::Steps(n) => n.to_string(),
            Arg::Window { div, n } => format!("{} {n}", word(WINDOW_PARTS, div)),
            Arg::Factor { times, by } => format!("{}{by}", if times { "x" } else { "/" }),
            Arg::Go(e) => word(ENDS, e).into(),
            Arg::Filter(f) => word(FILTERS, f).into(),
            Arg::Choice(c) => word(CHOICES, c).into(),
        })
    }
}

const WINDOW_PARTS: &[(&str, f64)] = &[("page", 1.0), ("half", 2.0), ("fine", 10.0)];
const ENDS: &[(&str, End)] = &[("start", End::Start), ("end", End::End)];
const FILTERS: &[(&str, FilterKind)] = &[
    ("highpass", FilterKind::Highpass),
    ("lowpass", FilterKind::Lowpass),
    ("notch", FilterKind::Notch),
];
const CHOICES: &[(&str, Choice)] = &[
    ("a", Choice::A),
    ("b", Choice::B),
    ("both", Choice::Both),
    ("reject", Choice::Reject),
    ("edit", Choice::Edit),
];

fn word<T: PartialEq + Copy>(table: &[(&'static str, T)], v: T) -> &'static str {
    table.iter().find(|w| w.1 == v).map_or("?", |w| w.0)
}

fn lookup<T: Copy>(table: &[(&str, T)], text: &str) -> Option<T> {
    table.iter().find(|w| w.0 == text).map(|w| w.1)
}

fn steps(text: &str) -> Option<i64> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n != 0 && n.abs() <= 10_000)
}

impl Param {
    /// Parses the text after the action's name; the error says what was expected.
    pub fn parse(self, text: &str) -> Result<Arg, &'static str> {
        let arg = match self {
            Param::None => text.is_empty().then_some(Arg::None),
            Param::Steps => steps(text).map(Arg::Steps),
            Param::Rows => match text {
                "start" => Some(Arg::Steps(i64::MIN)),
                "end" => Some(Arg::Steps(i64::MAX)),
                t => steps(t).map(Arg::Steps),
            },
            Param::Window => window(text),
            Param::Factor => factor(text),
            Param::Go => lookup(ENDS, text).map(Arg::Go),
            Param::Filter => lookup(FILTERS, text).map(Arg::Filter),
            Param::Choice => lookup(CHOICES, text).map(Arg::Choice),
        };
        arg.ok_or(self.expected())
    }

    fn expected(self) -> &'static str {
        match self {
            Param::None => "no parameter",
            Param::Steps => "a signed whole number, not 0 (e.g. 1 or -1)",
            Param::Rows => "a signed whole number, not 0, or start or end",
            Param::Window => "page, half or fine, then a signed number, not 0 (e.g. page -1)",
            Param::Factor => "x or / then a positive number (e.g. x1.5 or /2)",
            Param::Go => "start or end",
            Param::Filter => "highpass, lowpass or notch",
            Param::Choice => "a, b, both, reject or edit",
        }
    }
}

fn window(text: &str) -> Option<Arg> {
    let (part, n) = text.split_once(char::is_whitespace).unwrap_or((text, "1"));
    let div = lookup(WINDOW_PARTS, part)?;
    let n: f64 = n.trim().parse().ok()?;
    (n.is_finite() && n != 0.0 && n.abs() <= 1000.0).then_some(Arg::Window { div, n })
}

fn factor(text: &str) -> Option<Arg> {
    let times = text.starts_with('x');
    let rest = text.strip_prefix('x').or_else(|| text.strip_prefix('/'))?;
    let by: f64 = rest.parse().ok()?;
    (by.is_finite() && by > 0.0 && by <= 1000.0).then_some(Arg::Factor { times, by })
}

/// Version 1 keymaps named one action per direction; each old name is the row it became, so
/// an old user file still loads.
const RENAMED: &[(&str, &str)] = &[
    ("cursor_left", "cursor -1"),
    ("cursor_right", "cursor 1"),
    ("scroll_back_fine", "scroll fine -1"),
    ("scroll_forward_fine", "scroll fine 1"),
    ("scroll_back_half", "scroll half -1"),
    ("scroll_forward_half", "scroll half 1"),
    ("scroll_back_page", "scroll page -1"),
    ("scroll_forward_page", "scroll page 1"),
    ("go_start", "go start"),
    ("go_end", "go end"),
    ("amp_up", "sensitivity 1"),
    ("amp_down", "sensitivity -1"),
    ("channel_amp_up", "channel_sensitivity 1"),
    ("channel_amp_down", "channel_sensitivity -1"),
    // The amplitude factors became steps of the sensitivity ladders (issue 13).
    ("amplitude x1.5", "sensitivity 1"),
    ("amplitude /1.5", "sensitivity -1"),
    ("channel_amplitude x1.5", "channel_sensitivity 1"),
    ("channel_amplitude /1.5", "channel_sensitivity -1"),
    ("select_next", "select 1"),
    ("select_prev", "select -1"),
    ("move_channel_up", "move_channel -1"),
    ("move_channel_down", "move_channel 1"),
    ("cycle_highpass", "cycle_filter highpass"),
    ("cycle_lowpass", "cycle_filter lowpass"),
    ("cycle_notch", "cycle_filter notch"),
    ("next_event", "select_event 1"),
    ("prev_event", "select_event -1"),
    ("move_event_back", "move_event -1"),
    ("move_event_forward", "move_event 1"),
    ("shrink_event", "resize_event -1"),
    ("grow_event", "resize_event 1"),
    ("freq_cursor_left", "freq_cursor -1"),
    ("freq_cursor_right", "freq_cursor 1"),
    ("segment_shorter", "segment /2"),
    ("segment_longer", "segment x2"),
    ("next_disagreement", "disagreement 1"),
    ("prev_disagreement", "disagreement -1"),
    ("accept_a", "decide a"),
    ("accept_b", "decide b"),
    ("accept_both", "decide both"),
    ("reject_both", "decide reject"),
    ("edit_disagreement", "decide edit"),
];

/// The row an old action name became.
pub fn renamed(name: &str) -> Option<&'static str> {
    RENAMED.iter().find(|r| r.0 == name).map(|r| r.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_old_name_becomes_a_row_that_parses() {
        for (old, new) in RENAMED {
            let got = super::super::super::action::Invocation::parse(old).map(|i| i.text());
            println!("{old} -> {got:?}");
            assert_eq!(got.as_deref(), Ok(*new));
        }
    }
}
