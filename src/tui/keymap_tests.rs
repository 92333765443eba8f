use super::*;

fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

fn runs(km: &Keymap, s: Section, e: KeyEvent) -> Option<String> {
    km.get(s, e).map(|r| r.text())
}

#[test]
fn shipped_keymap_parses_and_binds_every_action() {
    let km = Keymap::shipped().unwrap();
    for &a in Action::ALL {
        assert!(
            km.bindings().iter().any(|b| b.run.action == a),
            "{} has no key",
            a.name()
        );
    }
    let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(runs(&km, Section::View, q).as_deref(), Some("quit"));
    let help = ev(KeyCode::Char('?'), KeyModifiers::SHIFT);
    assert_eq!(runs(&km, Section::View, help).as_deref(), Some("help"));
    let fine = ev(KeyCode::Right, KeyModifiers::SHIFT);
    assert_eq!(
        runs(&km, Section::View, fine).as_deref(),
        Some("scroll fine 1")
    );
    let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
    for s in [Section::Prompt, Section::Note, Section::List, Section::Help] {
        assert_eq!(runs(&km, s, esc).as_deref(), Some("close"), "{s:?}");
    }
}

#[test]
fn keys_parse() {
    assert_eq!(
        parse_key("ctrl-x"),
        Some(Key {
            code: KeyCode::Char('x'),
            mods: KeyModifiers::CONTROL
        })
    );
    assert_eq!(parse_key("F12").map(|k| k.code), Some(KeyCode::F(12)));
    assert_eq!(parse_key("-").map(|k| k.code), Some(KeyCode::Char('-')));
    assert_eq!(parse_key("space").map(|k| k.code), Some(KeyCode::Char(' ')));
    assert_eq!(parse_key("f99"), None);
    assert_eq!(parse_key("shift-h"), parse_key("H"));
    assert_eq!(parse_key("hyper-q"), None);
}

/// A version 1 user file (one top-level `keys` list, old action names) still loads, into the
/// view section, and overrides only what it names.
#[test]
fn user_rows_override_only_what_they_name() {
    let mut km = Keymap::shipped().unwrap();
    let user = Keymap::parse(
        "keys = [ { on = \"l\", run = \"scroll_forward_page\" } ]",
        Path::new("u.toml"),
    )
    .unwrap();
    km.patch(user);
    let l = ev(KeyCode::Char('l'), KeyModifiers::NONE);
    let pgdn = ev(KeyCode::PageDown, KeyModifiers::NONE);
    let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(
        runs(&km, Section::View, l).as_deref(),
        Some("scroll page 1")
    );
    assert_eq!(runs(&km, Section::View, pgdn), None);
    assert_eq!(runs(&km, Section::View, q).as_deref(), Some("quit"));
    // The help section's pagedown is another layer's key: untouched.
    assert_eq!(runs(&km, Section::Help, pgdn).as_deref(), Some("move 10"));
}

#[test]
fn a_section_of_a_user_file_patches_only_that_layer() {
    let mut km = Keymap::shipped().unwrap();
    let user = Keymap::parse(
        "[help]\nkeys = [ { on = \"j\", run = \"move 1\" } ]\n",
        Path::new("u.toml"),
    )
    .unwrap();
    km.patch(user);
    let j = ev(KeyCode::Char('j'), KeyModifiers::NONE);
    let down = ev(KeyCode::Down, KeyModifiers::NONE);
    assert_eq!(runs(&km, Section::Help, j).as_deref(), Some("move 1"));
    assert_eq!(runs(&km, Section::Help, down), None);
    assert_eq!(runs(&km, Section::View, down).as_deref(), Some("select 1"));
}

#[test]
fn errors_name_the_file_and_line() {
    let text =
        "keys = [\n  { on = \"q\", run = \"quit\" },\n  { on = \"w\", run = \"teleport\" },\n]";
    let e = Keymap::parse(text, Path::new("mine.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("mine.toml:3:") && e.contains("unknown action \"teleport\""),
        "{e}"
    );
    let text = "keys = [\n\n  { on = \"hyper-q\", run = \"quit\" },\n]";
    let e = Keymap::parse(text, Path::new("mine.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("mine.toml:3:") && e.contains("hyper-q"),
        "{e}"
    );
    let e = Keymap::parse("keys = [ { on = 1 } ]", Path::new("bad.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("bad.toml:1:"), "{e}");
}

#[test]
fn a_bad_parameter_is_an_error_with_the_line_and_what_was_expected() {
    let text = "[view]\nkeys = [\n  { on = \"q\", run = \"quit\" },\n  { on = \"w\", run = \"scroll sideways 2\" },\n]";
    let e = Keymap::parse(text, Path::new("mine.toml"))
        .unwrap_err()
        .to_string();
    println!("error: {e}");
    assert!(
        e.starts_with("mine.toml:4:") && e.contains("sideways") && e.contains("page, half or fine"),
        "{e}"
    );
}

#[test]
fn a_misspelt_field_is_an_error_naming_the_line_and_the_expected_keys() {
    let text = "name = \"mine\"\nkyes = [ { on = \"l\", run = \"quit\" } ]\n";
    let got = Keymap::parse(text, Path::new("mine.toml"));
    let e = match got {
        Ok(km) => panic!(
            "loaded {} rows from a file with no `keys`",
            km.bindings().len()
        ),
        Err(e) => e.to_string(),
    };
    println!("error: {e}");
    assert!(
        e.starts_with("mine.toml:2:") && e.contains("kyes") && e.contains("keys"),
        "{e}"
    );
    let text = "keys = [ { on = \"l\", runn = \"quit\" } ]\n";
    let e = Keymap::parse(text, Path::new("mine.toml"))
        .unwrap_err()
        .to_string();
    println!("error: {e}");
    assert!(
        e.starts_with("mine.toml:1:") && e.contains("runn") && e.contains("run"),
        "{e}"
    );
    let text = "[veiw]\nkeys = []\n";
    let e = Keymap::parse(text, Path::new("mine.toml"))
        .unwrap_err()
        .to_string();
    println!("error: {e}");
    assert!(
        e.starts_with("mine.toml:1:") && e.contains("veiw") && e.contains("view"),
        "{e}"
    );
}

/// The version 1 default keymap (today's format before sections) loads, and every key runs
/// what the version 2 default's [view] runs.
#[test]
fn the_version_1_default_loads_and_binds_what_version_2_binds() {
    let text = include_str!("../../tests/data/keymap_v1.toml");
    let old = Keymap::parse(text, Path::new("keymap_v1.toml")).unwrap();
    let new = Keymap::shipped().unwrap();
    let view: Vec<&Binding> = new.section(Section::View).collect();
    // Version 2 may add keys (issue 13 adds some); every version 1 key must still bind.
    assert!(old.bindings().len() <= view.len());
    for b in old.bindings() {
        assert_eq!(b.section, Section::View);
        let now = view.iter().find(|n| n.key == b.key).map(|n| n.run.text());
        println!("{:>12}: v1 {} / v2 {now:?}", b.key_text, b.run.text());
        assert_eq!(now, Some(b.run.text()), "{}", b.key_text);
    }
}
