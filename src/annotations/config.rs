//! sigmark's configuration: the directories it reads from (`config_dir` and the files and
//! folders in it) and who is reading. Here, below the viewer, so the CLI and the viewer ask
//! one module, and the reader's name is settled without a terminal.
//!
//! Who is reading: `--reader`, else `$SIGMARK_READER`, else `reader = "..."` in the
//! configuration file, else the login name (`$USER`, `$LOGNAME`, then the operating system's
//! account database, so containers, `su` and cron, where the variables are unset, still have
//! one). Whatever the source, sigmark's own names are refused (`annotations::reader`).

use std::path::PathBuf;

use crate::annotations::reader::{check_human_reader, ReaderError};

mod display;
pub use display::{display_config, set_config_keys, DisplayConfig, Windows};

/// A configuration file that does not parse, or a key with a value of the wrong kind.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {detail}", path.display())]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub detail: String,
}

impl From<ConfigError> for IdentityError {
    fn from(e: ConfigError) -> IdentityError {
        IdentityError::Config {
            path: e.path,
            line: e.line,
            detail: e.detail,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(transparent)]
    Reserved(#[from] ReaderError),
    #[error("{}:{line}: {detail}", path.display())]
    Config {
        path: PathBuf,
        line: usize,
        detail: String,
    },
    #[error("who is reading? no reader name was found. Give one with --reader NAME, or set $SIGMARK_READER, or write reader = \"NAME\" in {}, or run as an operating-system account with a login name (user id {uid} has none); --view-only opens without marking", config.as_ref().map_or("the configuration file (none: no home directory)".to_string(), |p| p.display().to_string()))]
    Missing {
        config: Option<PathBuf>,
        uid: String,
    },
}

/// The user's configuration directory (`~/.config/sigmark` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("org", "sigmark", "sigmark")
        .map(|d| d.config_dir().to_path_buf())
}

/// The configuration file (`~/.config/sigmark/config.toml` on Linux).
pub fn config_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// The user's viewer keymap, patching the shipped one.
pub fn user_keymap_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("keymap.toml"))
}

/// The user's montage files.
pub fn montage_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("montages"))
}

/// The user's label keymaps (taxonomies).
pub fn label_keymap_dir() -> Option<PathBuf> {
    config_dir().map(|d| d.join("keymaps"))
}

/// The reader's name, from the first source that gives one.
pub fn reader_name(flag: Option<&str>) -> Result<String, IdentityError> {
    let nonempty = |v: String| Some(v).filter(|v| !v.trim().is_empty());
    let env = |k: &str| std::env::var(k).ok().and_then(nonempty);
    let checked = |name: String, source: &str| -> Result<String, IdentityError> {
        check_human_reader(&name, source)?;
        Ok(name)
    };
    if let Some(r) = flag {
        return checked(r.to_string(), "--reader");
    }
    if let Some(r) = env("SIGMARK_READER") {
        return checked(r, "$SIGMARK_READER");
    }
    let config = config_file();
    if let Some(path) = &config {
        if let Some(r) = reader_in_config(path)? {
            return checked(r, &format!("reader = in {}", path.display()));
        }
    }
    for k in ["USER", "LOGNAME", "USERNAME"] {
        if let Some(r) = env(k) {
            return checked(r, &format!("${k}"));
        }
    }
    match os_account_name() {
        Some(r) => checked(r, "the operating system's account"),
        None => Err(IdentityError::Missing {
            config,
            uid: uid_text(),
        }),
    }
}

/// The keys the configuration file may hold; any other (a misspelt `reder`) is an error.
const CONFIG_KEYS: &[&str] = &[
    "reader",
    "dpi",
    "cell_mm",
    "window_ecg",
    "window_eeg",
    "window_sleep",
    "window_monitoring",
];

/// The configuration file's table; an unreadable file is an empty one (no configuration),
/// a broken one an error naming the line.
pub(crate) fn config_table(path: &std::path::Path) -> Result<(String, toml::Table), ConfigError> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok((String::new(), toml::Table::new()));
    };
    let table = text.parse::<toml::Table>().map_err(|e| {
        let at = e.span().map_or(0, |s| s.start);
        ConfigError {
            path: path.to_path_buf(),
            line: text[..at.min(text.len())].matches('\n').count() + 1,
            detail: e.message().to_string(),
        }
    })?;
    if let Some(key) = table.keys().find(|k| !CONFIG_KEYS.contains(&k.as_str())) {
        return Err(ConfigError {
            path: path.to_path_buf(),
            line: line_of_key(&text, key),
            detail: format!(
                "unknown key `{}`; expected one of: {}",
                crate::text::sanitize(key),
                CONFIG_KEYS.join(", ")
            ),
        });
    }
    Ok((text, table))
}

/// `reader = "..."` in the configuration file, if the file exists and names one.
fn reader_in_config(path: &std::path::Path) -> Result<Option<String>, IdentityError> {
    let (text, table) = config_table(path)?;
    match table.get("reader") {
        None => Ok(None),
        Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(IdentityError::Config {
            path: path.to_path_buf(),
            line: line_of_key(&text, "reader"),
            detail: "reader must be a non-empty string, e.g. reader = \"kim\"".into(),
        }),
    }
}

pub(crate) fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(key))
        .map_or(1, |i| i + 1)
}

/// The login name of the real user id, from the account database (`getpwuid_r`). `libc` is
/// already in the build (through crossterm and others), and one call needs nothing heavier.
#[cfg(unix)]
pub fn os_account_name() -> Option<String> {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    let mut buf = vec![0u8; 1024];
    loop {
        // SAFETY: passwd is plain data; all-zero is a valid value that getpwuid_r overwrites.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call, and buf's length is passed with it.
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                &mut pwd,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut found,
            )
        };
        if rc == libc::ERANGE && buf.len() < 1 << 20 {
            buf.resize(buf.len() * 2, 0);
            continue;
        }
        if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
            return None;
        }
        // SAFETY: on success pw_name points to a NUL-terminated string inside buf.
        let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
        return name
            .to_str()
            .ok()
            .filter(|n| !n.is_empty())
            .map(str::to_string);
    }
}

#[cfg(not(unix))]
pub fn os_account_name() -> Option<String> {
    None
}

#[cfg(unix)]
fn uid_text() -> String {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }.to_string()
}

#[cfg(not(unix))]
fn uid_text() -> String {
    "?".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_user_file_lives_in_the_one_config_dir() {
        let Some(dir) = config_dir() else {
            println!("no home directory here: nothing to compare");
            return;
        };
        let paths = [
            config_file(),
            user_keymap_path(),
            montage_dir(),
            label_keymap_dir(),
        ];
        println!("{dir:?}: {paths:?}");
        for p in paths {
            assert_eq!(p.as_deref().and_then(|p| p.parent()), Some(dir.as_path()));
        }
    }

    #[test]
    fn the_account_database_names_this_process() {
        // Whatever the environment says, the real uid has an entry on any machine that runs
        // the tests (root in a container included).
        let name = os_account_name();
        println!("account name of uid {}: {name:?}", uid_text());
        assert!(name.is_some_and(|n| !n.is_empty()));
    }

    #[test]
    fn a_broken_config_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "# me\nreader = kim\n").unwrap();
        let e = reader_in_config(&p).unwrap_err().to_string();
        println!("{e}");
        assert!(e.contains("config.toml:2:"), "{e}");
        std::fs::write(&p, "\nreader = 3\n").unwrap();
        let e = reader_in_config(&p).unwrap_err().to_string();
        println!("{e}");
        assert!(e.contains("config.toml:2:") && e.contains("string"), "{e}");
        std::fs::write(&p, "reader = \"kim\"\n").unwrap();
        assert_eq!(reader_in_config(&p).unwrap(), Some("kim".to_string()));
    }

    #[test]
    fn a_misspelt_config_key_names_its_line_and_the_expected_keys() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "# me\n\nreder = \"kim\"\n").unwrap();
        let e = reader_in_config(&p).unwrap_err().to_string();
        println!("{e}");
        assert!(
            e.contains("config.toml:3:") && e.contains("`reder`") && e.contains("reader"),
            "{e}"
        );
    }

    #[test]
    fn the_missing_name_error_lists_every_way_to_give_one() {
        let e = IdentityError::Missing {
            config: Some("/home/x/.config/sigmark/config.toml".into()),
            uid: "1234".into(),
        }
        .to_string();
        println!("{e}");
        for way in [
            "--reader",
            "$SIGMARK_READER",
            "reader = ",
            "/home/x/.config/sigmark/config.toml",
            "account",
        ] {
            assert!(e.contains(way), "missing {way:?} in {e}");
        }
    }
}
