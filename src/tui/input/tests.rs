//! The input stack: the top layer gets the key; a layer handles it or passes it down; the
//! cases the old chain of `if`s decided by its order.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::fixture::annotating;
use super::Layer;
use crate::tui::App;

fn press(app: &mut App, code: KeyCode) {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_keys(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn kinds(app: &App) -> Vec<&'static str> {
    app.layers
        .iter()
        .map(|l| match l {
            Layer::Jump(_) => "jump",
            Layer::Note(_) => "note",
            Layer::Relabel => "relabel",
            Layer::ConfirmQuit => "confirm-quit",
            Layer::List(_) => "list",
            Layer::Help(_) => "help",
            Layer::Disagreements => "disagreements",
            Layer::Epoch => "epoch",
            Layer::Calibrate(_) => "calibrate",
        })
        .collect()
}

#[test]
fn the_top_layer_gets_the_key_and_esc_pops_it() {
    let mut f = annotating();
    let span = f.app.view.span_s;
    type_keys(&mut f.app, "L");
    assert_eq!(kinds(&f.app), ["list"]);
    // `x` zooms out in the viewer; the list on top takes it into its filter.
    type_keys(&mut f.app, "xv");
    let filter = f.app.layers.event_list().map(|l| l.filter.clone());
    println!("filter {filter:?}, span {} (was {span})", f.app.view.span_s);
    assert_eq!(filter.as_deref(), Some("xv"));
    assert_eq!(f.app.view.span_s, span);
    press(&mut f.app, KeyCode::Esc);
    assert!(f.app.layers.is_empty(), "{:?}", kinds(&f.app));
}

#[test]
fn help_opens_over_epoch_scoring_and_closing_it_keeps_epoch_scoring() {
    let mut f = annotating();
    type_keys(&mut f.app, "E");
    let span = f.app.view.span_s;
    type_keys(&mut f.app, "?");
    assert_eq!(kinds(&f.app), ["epoch", "help"]);
    // Any key help does not bind closes help and does nothing else.
    type_keys(&mut f.app, "x");
    println!(
        "layers {:?}, span {} (was {span})",
        kinds(&f.app),
        f.app.view.span_s
    );
    assert_eq!(kinds(&f.app), ["epoch"]);
    assert_eq!(f.app.view.span_s, span);
    // Epoch scoring passes keys it does not bind to the viewer.
    type_keys(&mut f.app, "x");
    assert!(f.app.view.span_s > span, "x did not reach the viewer");
    type_keys(&mut f.app, "E");
    assert!(f.app.layers.is_empty(), "{:?}", kinds(&f.app));
}

#[test]
fn with_the_list_open_help_is_a_filter_letter_and_esc_keeps_the_open_mark() {
    let mut f = annotating();
    type_keys(&mut f.app, "iL?");
    println!("layers {:?}", kinds(&f.app));
    assert_eq!(kinds(&f.app), ["list"]);
    press(&mut f.app, KeyCode::Esc);
    let open = f.app.annot.as_ref().and_then(|a| a.open.clone());
    assert!(f.app.layers.is_empty() && open.is_some(), "{open:?}");
    press(&mut f.app, KeyCode::Esc);
    let open = f.app.annot.as_ref().and_then(|a| a.open.clone());
    assert_eq!(open, None);
    assert_eq!(f.app.message.as_deref(), Some("cancelled"));
}

#[test]
fn the_relabel_prompt_takes_a_label_key_and_passes_the_others_down() {
    let mut f = annotating();
    type_keys(&mut f.app, "vl");
    assert_eq!(kinds(&f.app), ["relabel"]);
    let span = f.app.view.span_s;
    type_keys(&mut f.app, "x");
    assert!(f.app.view.span_s > span, "x did not reach the viewer");
    assert_eq!(kinds(&f.app), ["relabel"]);
    type_keys(&mut f.app, "b");
    let labels: Vec<String> = f
        .app
        .annot
        .as_ref()
        .unwrap()
        .store
        .events()
        .iter()
        .map(|e| e.label.clone())
        .collect();
    println!("labels {labels:?}, layers {:?}", kinds(&f.app));
    assert_eq!(labels, ["PAC"]);
    assert!(f.app.layers.is_empty());
}

#[test]
fn the_quit_question_is_on_top_and_any_other_key_goes_on() {
    let mut f = annotating();
    type_keys(&mut f.app, "iq");
    assert_eq!(kinds(&f.app), ["confirm-quit"]);
    let span = f.app.view.span_s;
    type_keys(&mut f.app, "x");
    assert!(!f.app.quit && f.app.layers.is_empty());
    assert!(f.app.view.span_s > span, "x did not go on to the viewer");
    type_keys(&mut f.app, "qq");
    assert!(f.app.quit);
}

#[test]
fn the_jump_prompt_takes_every_key_and_enter_jumps() {
    let mut f = annotating();
    type_keys(&mut f.app, "g12x");
    press(&mut f.app, KeyCode::Backspace);
    assert_eq!(f.app.layers.top(), Some(&Layer::Jump("12".into())));
    assert_eq!(f.app.layers.mode_name(), "JUMP");
    press(&mut f.app, KeyCode::Enter);
    println!("cursor {} message {:?}", f.app.view.cursor_s, f.app.message);
    assert!((f.app.view.cursor_s - 12.0).abs() < 1e-9);
    assert!(f.app.layers.is_empty());
}

#[test]
fn the_note_editor_saves_on_enter() {
    let mut f = annotating();
    type_keys(&mut f.app, "vnq?");
    assert_eq!(kinds(&f.app), ["note"]);
    press(&mut f.app, KeyCode::Enter);
    let note = f.app.annot.as_ref().unwrap().store.events()[0].note.clone();
    assert_eq!(note, "q?");
    assert!(!f.app.quit && f.app.layers.is_empty());
}
