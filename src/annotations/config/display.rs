//! The display part of the configuration file: the screen's density (`dpi = 96`), the measured
//! size of a character cell (`cell_mm = [2.1, 4.2]`, width and height in millimetres, written
//! by `sigmark calibrate` or the viewer's ruler) and the default window per kind of recording
//! (`window_ecg = 10`, `window_eeg`, `window_sleep`, `window_monitoring`, seconds). Every value
//! is checked here; an error names the file and line and what was expected.

use std::io::Write;
use std::path::Path;

use super::{config_table, line_of_key, ConfigError};

/// Default windows per kind of recording, seconds (None: the built-in default).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Windows {
    pub ecg: Option<f64>,
    pub eeg: Option<f64>,
    pub sleep: Option<f64>,
    pub monitoring: Option<f64>,
}

/// What the configuration says about the screen and the default windows.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DisplayConfig {
    pub dpi: Option<f64>,
    /// Width and height of one character cell, millimetres.
    pub cell_mm: Option<[f64; 2]>,
    pub windows: Windows,
}

/// The display settings of the configuration file at `path` (none when it does not exist).
pub fn display_config(path: &Path) -> Result<DisplayConfig, ConfigError> {
    let (text, table) = config_table(path)?;
    let bad = |key: &str, expected: &str| ConfigError {
        path: path.to_path_buf(),
        line: line_of_key(&text, key),
        detail: format!("{key} must be {expected}"),
    };
    let positive = |key: &str, expected: &str| -> Result<Option<f64>, ConfigError> {
        match table.get(key) {
            None => Ok(None),
            Some(v) => number(v)
                .filter(|x| *x > 0.0 && x.is_finite())
                .map(Some)
                .ok_or_else(|| bad(key, expected)),
        }
    };
    let cell_mm = match table.get("cell_mm") {
        None => None,
        Some(v) => Some(pair(v).ok_or_else(|| {
            bad(
                "cell_mm",
                "two positive numbers, the cell's width and height in mm, e.g. cell_mm = [2.1, 4.2]",
            )
        })?),
    };
    let window = |key: &str| positive(key, "a positive number of seconds, e.g. window_ecg = 10");
    Ok(DisplayConfig {
        dpi: positive("dpi", "a positive number of dots per inch, e.g. dpi = 96")?,
        cell_mm,
        windows: Windows {
            ecg: window("window_ecg")?,
            eeg: window("window_eeg")?,
            sleep: window("window_sleep")?,
            monitoring: window("window_monitoring")?,
        },
    })
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn pair(v: &toml::Value) -> Option<[f64; 2]> {
    let toml::Value::Array(a) = v else {
        return None;
    };
    let nums: Vec<f64> = a.iter().filter_map(number).collect();
    match nums[..] {
        [w, h] if a.len() == 2 && [w, h].iter().all(|x| *x > 0.0 && x.is_finite()) => Some([w, h]),
        _ => None,
    }
}

/// Sets each `key = value` (None: removes the key) in the configuration file at `path`
/// (created with its directory when missing), keeping every other line, comments included.
/// Written atomically (a temporary file beside it, then renamed), so a crash leaves the old
/// file or the new one, never half of one. A file that does not parse is left alone (the
/// error names its line).
pub fn set_config_keys(path: &Path, keys: &[(&str, Option<String>)]) -> Result<(), ConfigError> {
    config_table(path)?;
    let io = |e: std::io::Error| ConfigError {
        path: path.to_path_buf(),
        line: 0,
        detail: format!("cannot write the configuration: {e}"),
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for (key, value) in keys {
        let is_key = |l: &String| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        };
        let at = lines.iter().position(is_key);
        match (at, value) {
            (Some(i), Some(v)) => lines[i] = format!("{key} = {v}"),
            (None, Some(v)) => lines.push(format!("{key} = {v}")),
            (Some(i), None) => {
                lines.remove(i);
            }
            (None, None) => {}
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut f = crate::annotations::atomic::AtomicFile::create(path).map_err(io)?;
    let mut body = lines.join("\n");
    body.push('\n');
    f.write_all(body.as_bytes()).map_err(io)?;
    f.commit().map_err(io)?;
    // What was written must read back (the values came from the caller, not the user's file).
    display_config(path).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_values_are_read_and_bad_ones_name_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        assert_eq!(display_config(&p).unwrap(), DisplayConfig::default());
        std::fs::write(
            &p,
            "reader = \"kim\"\ndpi = 110\ncell_mm = [2.0, 4.5]\nwindow_sleep = 30\n",
        )
        .unwrap();
        let c = display_config(&p).unwrap();
        println!("{c:?}");
        assert_eq!(c.dpi, Some(110.0));
        assert_eq!(c.cell_mm, Some([2.0, 4.5]));
        assert_eq!(c.windows.sleep, Some(30.0));
        assert_eq!(c.windows.ecg, None);
        for (text, line, want) in [
            ("# c\ndpi = \"high\"\n", 2, "dots per inch"),
            ("\n\ncell_mm = [2.0]\n", 3, "two positive numbers"),
            ("cell_mm = [2.0, -1]\n", 1, "two positive numbers"),
            ("reader = \"kim\"\nwindow_ecg = 0\n", 2, "seconds"),
            ("dpl = 96\n", 1, "unknown key `dpl`"),
        ] {
            std::fs::write(&p, text).unwrap();
            let e = display_config(&p).unwrap_err().to_string();
            println!("{text:?} -> {e}");
            assert!(e.contains(&format!("config.toml:{line}:")), "{e}");
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn writing_cell_mm_keeps_the_other_keys_and_comments() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub").join("config.toml");
        set_config_keys(&p, &[("cell_mm", Some("[2.5, 5]".into()))]).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "cell_mm = [2.5, 5]\n");
        std::fs::write(&p, "# mine\nreader = \"kim\"\ncell_mm = [1, 2]\ndpi = 96\n").unwrap();
        set_config_keys(&p, &[("cell_mm", Some("[2.52, 4.2]".into()))]).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        println!("{text}");
        assert_eq!(
            text,
            "# mine\nreader = \"kim\"\ncell_mm = [2.52, 4.2]\ndpi = 96\n"
        );
        let c = display_config(&p).unwrap();
        assert_eq!((c.cell_mm, c.dpi), (Some([2.52, 4.2]), Some(96.0)));
        // --dpi: the density set and the measured cell removed (it would win over the dpi).
        set_config_keys(&p, &[("dpi", Some("110".into())), ("cell_mm", None)]).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "# mine\nreader = \"kim\"\ndpi = 110\n");
        // A broken file is not overwritten.
        std::fs::write(&p, "reader = kim\n").unwrap();
        let e = set_config_keys(&p, &[("cell_mm", Some("[2, 4]".into()))])
            .unwrap_err()
            .to_string();
        println!("{e}");
        assert!(e.contains("config.toml:1:"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "reader = kim\n");
        let leftovers = std::fs::read_dir(p.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left beside it");
    }
}
