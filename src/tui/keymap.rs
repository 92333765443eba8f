//! Keymap files: rows binding a key to a named action. The shipped `keymaps/default.toml` is
//! compiled in; a user file overrides only the actions it names (gitui's key_list approach).

use crate::text::line_of;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;

/// The shipped navigation keymap.
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");

#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    #[error("{}:{line}: {detail}", file.display())]
    Row {
        file: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("{}: {detail}", file.display())]
    File { file: PathBuf, detail: String },
}

/// A key with its modifiers, normalised so that `A` and `shift-a` are the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub fn from_event(ev: KeyEvent) -> Key {
        let mut mods =
            ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        // Characters already carry their shift state ('A', '?'); BackTab is shift-tab.
        if matches!(ev.code, KeyCode::Char(_) | KeyCode::BackTab) {
            mods -= KeyModifiers::SHIFT;
        }
        let code = match ev.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            c => c,
        };
        Key { code, mods }
    }
}

/// Parses `q`, `?`, `ctrl-x`, `shift-right`, `pagedown`, `f1`, `space`...
pub fn parse_key(text: &str) -> Option<Key> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let (m, len) = if lower.starts_with("ctrl-") {
            (KeyModifiers::CONTROL, 5)
        } else if lower.starts_with("alt-") {
            (KeyModifiers::ALT, 4)
        } else if lower.starts_with("shift-") {
            (KeyModifiers::SHIFT, 6)
        } else {
            break;
        };
        if rest.len() == len {
            break; // "-" alone after a modifier, e.g. "ctrl--", is handled below
        }
        mods |= m;
        rest = &rest[len..];
    }
    let mut code = named_key(rest)?;
    // "shift-a" is the key that types 'A' (terminals report the character, not the shift).
    if let KeyCode::Char(c) = code {
        if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() {
            code = KeyCode::Char(c.to_ascii_uppercase());
        }
    }
    Some(Key::from_event(KeyEvent::new(code, mods)))
}

fn named_key(s: &str) -> Option<KeyCode> {
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeyCode::Char(c));
    }
    let lower = s.to_ascii_lowercase();
    Some(match lower.as_str() {
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" => KeyCode::Backspace,
        "delete" => KeyCode::Delete,
        "insert" => KeyCode::Insert,
        f if f.starts_with('f') => {
            KeyCode::F(f[1..].parse().ok().filter(|n| (1..=24).contains(n))?)
        }
        _ => return None,
    })
}

/// One row of a keymap file.
#[derive(Debug, Clone)]
pub struct Binding {
    pub key: Key,
    pub key_text: String,
    pub action: Action,
    pub desc: String,
}

#[derive(Debug, Deserialize)]
struct FileRows {
    #[serde(default)]
    keys: Vec<Row>,
}

#[derive(Debug, Deserialize)]
struct Row {
    on: toml::Spanned<String>,
    run: toml::Spanned<String>,
    #[serde(default)]
    desc: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    bindings: Vec<Binding>,
    index: HashMap<Key, Action>,
}

impl Keymap {
    /// The shipped default keymap.
    pub fn shipped() -> Result<Keymap, KeymapError> {
        Keymap::parse(DEFAULT_KEYMAP, Path::new("keymaps/default.toml"))
    }

    /// The default keymap patched by the user's file, when there is one.
    pub fn load(user_file: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut km = Keymap::shipped()?;
        if let Some(path) = user_file.filter(|p| p.is_file()) {
            let text = std::fs::read_to_string(path).map_err(|e| KeymapError::File {
                file: path.to_path_buf(),
                detail: e.to_string(),
            })?;
            km.patch(Keymap::parse(&text, path)?);
        }
        Ok(km)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Keymap, KeymapError> {
        let rows: FileRows = toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            KeymapError::Row {
                file: file.to_path_buf(),
                line,
                detail: e.message().to_string(),
            }
        })?;
        let mut bindings = Vec::with_capacity(rows.keys.len());
        for row in rows.keys {
            let err = |span: std::ops::Range<usize>, detail: String| KeymapError::Row {
                file: file.to_path_buf(),
                line: line_of(text, span.start),
                detail,
            };
            let action = Action::from_name(row.run.get_ref()).ok_or_else(|| {
                err(
                    row.run.span(),
                    format!(
                        "unknown action {:?}; known actions: {}",
                        row.run.get_ref(),
                        known()
                    ),
                )
            })?;
            let key = parse_key(row.on.get_ref()).ok_or_else(|| {
                err(row.on.span(), format!("cannot read the key {:?} (e.g. \"q\", \"ctrl-x\", \"shift-right\", \"pagedown\", \"f1\")", row.on.get_ref()))
            })?;
            bindings.push(Binding {
                key,
                key_text: row.on.get_ref().clone(),
                action,
                desc: row.desc.unwrap_or_else(|| action.description().to_string()),
            });
        }
        Ok(Keymap::from_bindings(bindings))
    }

    fn from_bindings(bindings: Vec<Binding>) -> Keymap {
        let index = bindings.iter().map(|b| (b.key, b.action)).collect();
        Keymap { bindings, index }
    }

    /// Replaces the default rows of every action the user's file names.
    pub fn patch(&mut self, user: Keymap) {
        let named: Vec<Action> = user.bindings.iter().map(|b| b.action).collect();
        let mut bindings: Vec<Binding> = std::mem::take(&mut self.bindings)
            .into_iter()
            .filter(|b| !named.contains(&b.action) && !user.index.contains_key(&b.key))
            .collect();
        bindings.extend(user.bindings);
        *self = Keymap::from_bindings(bindings);
    }

    pub fn action(&self, ev: KeyEvent) -> Option<Action> {
        self.index.get(&Key::from_event(ev)).copied()
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The keys bound to an action, as written in the keymap ("pagedown, space").
    pub fn keys_for(&self, action: Action) -> String {
        let keys: Vec<&str> = self
            .bindings
            .iter()
            .filter(|b| b.action == action)
            .map(|b| b.key_text.as_str())
            .collect();
        keys.join(", ")
    }
}

fn known() -> String {
    Action::ALL
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The user's keymap file in the platform configuration directory.
pub fn user_keymap_path() -> Option<PathBuf> {
    crate::annotations::config::user_keymap_path()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_keymap_parses_and_binds_every_navigation_action() {
        let km = Keymap::shipped().unwrap();
        for &a in Action::ALL {
            assert!(
                km.bindings().iter().any(|b| b.action == a),
                "{} has no key",
                a.name()
            );
        }
        let ev = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.action(ev), Some(Action::Quit));
        let ev = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(km.action(ev), Some(Action::Help));
        let ev = KeyEvent::new(KeyCode::Right, KeyModifiers::SHIFT);
        assert_eq!(km.action(ev), Some(Action::ScrollForwardFine));
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

    #[test]
    fn user_rows_override_only_what_they_name() {
        let mut km = Keymap::shipped().unwrap();
        let user = Keymap::parse(
            "keys = [ { on = \"l\", run = \"scroll_forward_page\" } ]",
            Path::new("u.toml"),
        )
        .unwrap();
        km.patch(user);
        let l = KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE);
        let pgdn = KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE);
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(km.action(l), Some(Action::ScrollForwardPage));
        assert_eq!(km.action(pgdn), None);
        assert_eq!(km.action(q), Some(Action::Quit));
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
}
