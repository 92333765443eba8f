use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::rows;
use crate::tui::input::fixture::{annotating, annotating_with, frame};
use crate::tui::Keymap;

fn press(app: &mut crate::tui::App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

#[test]
fn help_opens_with_the_label_keymap_and_lists_every_layer() {
    let f = annotating();
    let rows = rows(&f.app);
    println!("{}", rows.join("\n"));
    assert!(rows[0].contains("labels of ecg"), "{}", rows[0]);
    assert!(rows[1].contains("NSR"), "{}", rows[1]);
    for section in [
        "[view]",
        "[epoch]",
        "[adjudicate]",
        "[prompt]",
        "[note]",
        "[list]",
        "[qa]",
        "[help]",
    ] {
        assert!(rows.iter().any(|r| r.contains(section)), "no {section}");
    }
    // The list's keys were hard-coded before and missing from help.
    assert!(rows
        .iter()
        .any(|r| r.contains("Go to the event under the cursor")));
}

#[test]
fn help_scrolls_to_the_last_row_and_never_asks_to_enlarge_the_terminal() {
    let mut f = annotating();
    let all = rows(&f.app);
    // The last rows: help's own close and quit keys (quit's text is also the viewer's).
    let last = all[all.len() - 2].trim().to_string();
    assert!(all[all.len() - 1].contains("Quit the viewer"), "{all:?}");
    f.app
        .on_key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT));
    let top = frame(&mut f.app, 100, 30);
    assert!(!top.contains(&last) && !top.contains("enlarge"), "{top}");
    press(&mut f.app, KeyCode::End);
    let end = frame(&mut f.app, 100, 30);
    println!("{end}");
    assert!(
        end.contains(&last),
        "the last row {last:?} is not shown:\n{end}"
    );
    assert!(!end.contains("enlarge"), "{end}");
    press(&mut f.app, KeyCode::Home);
    assert_eq!(frame(&mut f.app, 100, 30), top);
    // Scrolling keys are help's: the viewer's End (go to the end) did not run.
    assert_eq!(f.app.view.start_s, 0.0);
}

#[test]
fn a_key_up_after_end_moves_the_help_up_a_row() {
    let mut f = annotating();
    f.app
        .on_key(KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT));
    frame(&mut f.app, 100, 30);
    press(&mut f.app, KeyCode::End);
    let end = frame(&mut f.app, 100, 30);
    press(&mut f.app, KeyCode::Up);
    let up = frame(&mut f.app, 100, 30);
    println!("{end}\n{up}");
    let title = |s: &str| {
        s.lines()
            .find(|l| l.contains("sigmark keys"))
            .map(str::to_string)
    };
    assert_ne!(title(&end), title(&up), "up after end moved nothing");
}

#[test]
fn a_user_rebind_appears_in_help() {
    let mut km = Keymap::shipped().unwrap();
    let user = Keymap::parse(
        "[view]\nkeys = [ { on = \"j\", run = \"scroll page 1\", desc = \"my page down\" } ]\n",
        Path::new("mine.toml"),
    )
    .unwrap();
    km.patch(user);
    let f = annotating_with(km);
    let rows = rows(&f.app);
    let mine: Vec<&String> = rows.iter().filter(|r| r.contains("my page down")).collect();
    println!("{mine:?}");
    assert_eq!(mine.len(), 1);
    assert!(mine[0].trim_start().starts_with("j  "), "{}", mine[0]);
    assert!(!rows.iter().any(|r| r.contains("pagedown, space")));
}
