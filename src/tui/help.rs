//! Help: every key of every layer, from the loaded keymap (so a user's rebinding shows), with
//! the active label keymap first, and where it is scrolled to. Drawing it is the widget's job;
//! this is its content.

use super::app::App;
use super::keymap::Section;
use crate::text::sanitize;

/// How far help is scrolled: the first row shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HelpState {
    pub offset: usize,
}

/// Width of the key column.
const KEYS_W: usize = 18;

fn heading(text: &str) -> String {
    format!("{:>KEYS_W$}  {text}", "")
}

/// One heading per layer: what the layer is, and what its unbound keys do.
fn title(s: Section) -> &'static str {
    match s {
        Section::View => "[view] the waveforms",
        Section::Epoch => "[epoch] epoch scoring (other keys as in view)",
        Section::Adjudicate => "[adjudicate] the disagreement list (other keys as in view)",
        Section::Prompt => "[prompt] the jump prompt (other keys type the time)",
        Section::Note => "[note] the note editor (other keys type the note)",
        Section::List => "[list] the event list (letters type the filter; other keys as in view)",
        Section::Help => "[help] this help (any other key closes it)",
        Section::Qa => "[qa] QA of critical labels (other keys as in view)",
    }
}

/// The label keymap's rows, when a reader's store is open.
fn label_rows(app: &App, out: &mut Vec<String>) {
    let Some(a) = &app.annot else { return };
    out.push(heading(&sanitize(&format!(
        "labels of {} {}",
        a.taxonomy.name, a.taxonomy.version
    ))));
    for l in &a.taxonomy.labels {
        let kind = match l.kind {
            crate::annotations::LabelKind::Point => "point",
            crate::annotations::LabelKind::Interval => "interval",
            crate::annotations::LabelKind::Epoch => "epoch",
        };
        out.push(sanitize(&format!(
            "{:>KEYS_W$}  {} ({kind}): {}",
            l.key, l.name, l.description
        )));
    }
}

/// A section's rows: the keys of each row that runs the same thing, joined ("pagedown, space").
fn section_rows(app: &App, s: Section, out: &mut Vec<String>) {
    out.push(heading(title(s)));
    let mut seen: Vec<(super::action::Invocation, Vec<&str>, &str)> = Vec::new();
    for b in app.keymap.section(s) {
        match seen.iter_mut().find(|x| x.0 == b.run) {
            Some(x) => x.1.push(&b.key_text),
            None => seen.push((b.run, vec![&b.key_text], &b.desc)),
        }
    }
    for (_, keys, desc) in seen {
        let keys = sanitize(&keys.join(", "));
        out.push(format!("{keys:>KEYS_W$}  {}", sanitize(desc)));
    }
}

/// Every row of help, top to bottom.
pub fn rows(app: &App) -> Vec<String> {
    let mut out = Vec::new();
    label_rows(app, &mut out);
    for &s in Section::ALL {
        section_rows(app, s, &mut out);
    }
    out
}

/// The first row to show in `height` rows: the offset, kept so the last page is full.
pub fn first_row(state: &HelpState, total: usize, height: usize) -> usize {
    state.offset.min(total.saturating_sub(height))
}

/// Rows of text the help box shows in a frame `area_height` tall: the box keeps a row free
/// above and below it and has a border row at its top and bottom.
pub fn box_rows(total: usize, area_height: u16) -> usize {
    let h = (total as u16)
        .saturating_add(2)
        .min(area_height.saturating_sub(2));
    usize::from(h.saturating_sub(2))
}

/// Scrolls by `rows` (i64::MIN: to the top, i64::MAX: to the end) within `total` rows of
/// which `shown` fit in the box, so the offset never passes the last page (where a key up
/// would move nothing on screen).
pub fn scroll(state: &mut HelpState, rows: i64, total: usize, shown: usize) {
    let last = total.saturating_sub(shown.max(1));
    state.offset = match rows {
        i64::MIN => 0,
        i64::MAX => last,
        n if n < 0 => state.offset.saturating_sub(n.unsigned_abs() as usize),
        n => state.offset.saturating_add(n as usize).min(last),
    };
}

#[cfg(test)]
#[path = "help_tests.rs"]
mod tests;
