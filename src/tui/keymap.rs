//! Keymap files: rows binding a key to a named action. The shipped `keymaps/default.toml` is
//! compiled in; a user file overrides only the actions it names (gitui's key_list approach).

use crate::text::line_of;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::{Action, Invocation};

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

/// The layers that have keys of their own, each a section of the keymap file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    View,
    Epoch,
    Adjudicate,
    Prompt,
    Note,
    List,
    Help,
    Qa,
}

impl Section {
    /// In the order help lists them.
    pub const ALL: &'static [Section] = &[
        Section::View,
        Section::Epoch,
        Section::Adjudicate,
        Section::Prompt,
        Section::Note,
        Section::List,
        Section::Qa,
        Section::Help,
    ];
}

/// One row of a keymap file.
#[derive(Debug, Clone)]
pub struct Binding {
    pub section: Section,
    pub key: Key,
    pub key_text: String,
    pub run: Invocation,
    pub desc: String,
}

/// A keymap file. Version 1 files have one top-level `keys` list, read as the `[view]`
/// section (their action names are converted), so an old user file still loads.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRows {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    keys: Vec<Row>,
    #[serde(default)]
    view: Rows,
    #[serde(default)]
    epoch: Rows,
    #[serde(default)]
    adjudicate: Rows,
    #[serde(default)]
    prompt: Rows,
    #[serde(default)]
    note: Rows,
    #[serde(default)]
    list: Rows,
    #[serde(default)]
    help: Rows,
    #[serde(default)]
    qa: Rows,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rows {
    keys: Vec<Row>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    on: toml::Spanned<String>,
    run: toml::Spanned<String>,
    #[serde(default)]
    desc: Option<String>,
}

impl FileRows {
    fn sections(self) -> Vec<(Section, Vec<Row>)> {
        let mut view = self.keys;
        view.extend(self.view.keys);
        vec![
            (Section::View, view),
            (Section::Epoch, self.epoch.keys),
            (Section::Adjudicate, self.adjudicate.keys),
            (Section::Prompt, self.prompt.keys),
            (Section::Note, self.note.keys),
            (Section::List, self.list.keys),
            (Section::Help, self.help.keys),
            (Section::Qa, self.qa.keys),
        ]
    }
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    /// The file's `name` and `version`, for help's title.
    pub name: String,
    bindings: Vec<Binding>,
    index: HashMap<(Section, Key), Invocation>,
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
        let rows: FileRows = toml::from_str(text).map_err(|e| KeymapError::Row {
            file: file.to_path_buf(),
            line: e.span().map_or(0, |s| line_of(text, s.start)),
            detail: e.message().to_string(),
        })?;
        let name = [rows.name.clone(), rows.version.clone()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let mut bindings = Vec::new();
        for (section, rows) in rows.sections() {
            for row in rows {
                bindings.push(binding(section, row, text, file)?);
            }
        }
        let mut km = Keymap::from_bindings(bindings);
        km.name = name;
        Ok(km)
    }

    fn from_bindings(bindings: Vec<Binding>) -> Keymap {
        let index = bindings
            .iter()
            .map(|b| ((b.section, b.key), b.run))
            .collect();
        Keymap {
            name: String::new(),
            bindings,
            index,
        }
    }

    /// Replaces, section by section, the default rows of everything the user's file runs and
    /// of every key it binds.
    pub fn patch(&mut self, user: Keymap) {
        let named: Vec<(Section, Invocation)> =
            user.bindings.iter().map(|b| (b.section, b.run)).collect();
        let mut bindings: Vec<Binding> = std::mem::take(&mut self.bindings)
            .into_iter()
            .filter(|b| {
                !named.contains(&(b.section, b.run))
                    && !user.index.contains_key(&(b.section, b.key))
            })
            .collect();
        bindings.extend(user.bindings);
        let name = std::mem::take(&mut self.name);
        *self = Keymap::from_bindings(bindings);
        self.name = name;
    }

    /// What a key runs in a section.
    pub fn get(&self, section: Section, ev: KeyEvent) -> Option<Invocation> {
        self.index.get(&(section, Key::from_event(ev))).copied()
    }

    /// What a key runs in the viewer.
    pub fn action(&self, ev: KeyEvent) -> Option<Invocation> {
        self.get(Section::View, ev)
    }

    /// Whether a key runs `action` in the viewer.
    pub fn runs(&self, ev: KeyEvent, action: Action) -> bool {
        self.action(ev).is_some_and(|r| r.action == action)
    }

    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// A section's rows, in file order.
    pub fn section(&self, s: Section) -> impl Iterator<Item = &Binding> {
        self.bindings.iter().filter(move |b| b.section == s)
    }
}

/// One row, its action and key read; errors name the file and the row's line.
fn binding(section: Section, row: Row, text: &str, file: &Path) -> Result<Binding, KeymapError> {
    let err = |span: std::ops::Range<usize>, detail: String| KeymapError::Row {
        file: file.to_path_buf(),
        line: line_of(text, span.start),
        detail,
    };
    let run = Invocation::parse(row.run.get_ref()).map_err(|e| err(row.run.span(), e))?;
    let key = parse_key(row.on.get_ref()).ok_or_else(|| {
        err(
            row.on.span(),
            format!(
                "cannot read the key {:?} (e.g. \"q\", \"ctrl-x\", \"shift-right\", \"pagedown\", \"f1\")",
                row.on.get_ref()
            ),
        )
    })?;
    let desc = row
        .desc
        .unwrap_or_else(|| format!("{}: {}", run.text(), run.action.description()));
    Ok(Binding {
        section,
        key,
        key_text: row.on.get_ref().clone(),
        run,
        desc,
    })
}

/// The user's keymap file in the platform configuration directory.
pub fn user_keymap_path() -> Option<PathBuf> {
    crate::annotations::config::user_keymap_path()
}

#[cfg(test)]
#[path = "keymap_tests.rs"]
mod tests;
