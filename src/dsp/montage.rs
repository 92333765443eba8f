//! Montages: which derivations an EEG is shown in. A montage file is TOML:
//!
//! ```toml
//! name = "Bipolar longitudinal (double banana)"
//! kind = "bipolar"            # or "average", "referential"
//! [[channel]]
//! label = "Fp1-F7"            # optional; "plus-minus" when left out
//! plus = "Fp1"
//! minus = "F7"
//! ```
//!
//! `kind = "average"` lists `electrodes = [...]`: each is shown minus the mean of all of them
//! (the common average reference, the electrode itself included). `kind = "referential"` shows
//! channels as recorded: all of them, or the `electrodes` listed. Electrode names match channel
//! labels tolerantly (see `electrode_name`), with T3/T7, T4/T8, T5/P7, T6/P8 taken as one.

use crate::text::line_of;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::electrode::{canonical, electrode_name, position_key, reference_of};
use super::{ChannelKind, Derivation, Error};
use crate::signal::Recording;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MontageKind {
    Referential,
    Bipolar,
    Average,
}

/// A montage as loaded; `resolve` turns it into derivations of one recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Montage {
    pub name: String,
    pub kind: MontageKind,
    pub description: String,
    /// The file it came from (messages name it).
    pub path: PathBuf,
    rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    label: String,
    plus: String,
    minus: Option<String>,
    /// 1-based line of the row in its file.
    line: Option<usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileText {
    name: String,
    kind: MontageKind,
    #[serde(default)]
    description: String,
    #[serde(default)]
    electrodes: Vec<Spanned<String>>,
    #[serde(default)]
    channel: Vec<Spanned<RowText>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowText {
    label: Option<String>,
    plus: String,
    minus: String,
}

/// The montages shipped in `keymaps/montages/`, compiled in so an installed binary has them.
const SHIPPED: [(&str, &str); 4] = [
    (
        "referential.toml",
        include_str!("../../keymaps/montages/referential.toml"),
    ),
    (
        "double_banana.toml",
        include_str!("../../keymaps/montages/double_banana.toml"),
    ),
    (
        "transverse.toml",
        include_str!("../../keymaps/montages/transverse.toml"),
    ),
    (
        "average.toml",
        include_str!("../../keymaps/montages/average.toml"),
    ),
];

/// The shipped montages, "as recorded" first.
pub fn shipped() -> Result<Vec<Montage>, Error> {
    SHIPPED
        .iter()
        .map(|(file, text)| Montage::parse(text, &Path::new("keymaps/montages").join(file)))
        .collect()
}

/// Every `*.toml` montage in `dir`, by file name; the first bad file is an error naming it.
pub fn load_dir(dir: &Path) -> Result<Vec<Montage>, Error> {
    let io = |source| Error::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| Montage::load(p)).collect()
}

/// The shipped montages patched by a user's directory (STYLE habit 3): a user file with a
/// shipped file's name replaces it, other user files are added after the shipped ones. A
/// missing user directory is not an error.
pub fn catalogue(user_dir: Option<&Path>) -> Result<Vec<Montage>, Error> {
    let mut all = shipped()?;
    let Some(dir) = user_dir.filter(|d| d.is_dir()) else {
        return Ok(all);
    };
    for m in load_dir(dir)? {
        match all
            .iter_mut()
            .find(|s| s.path.file_name() == m.path.file_name())
        {
            Some(slot) => *slot = m,
            None => all.push(m),
        }
    }
    Ok(all)
}

/// Whether montages other than "as recorded" apply to a recording whose channels are mostly
/// `kind` (see `channel_type::dominant`): only EEG is re-referenced; ECG leads and monitoring
/// channels are shown as recorded.
pub fn applies_to(kind: ChannelKind) -> bool {
    kind == ChannelKind::Eeg
}

impl Montage {
    /// Every channel as recorded: the montage of ECG and monitoring recordings.
    pub fn as_recorded() -> Montage {
        Montage {
            name: "As recorded".to_string(),
            kind: MontageKind::Referential,
            description: String::new(),
            path: PathBuf::from("(built in)"),
            rows: Vec::new(),
        }
    }

    pub fn load(path: &Path) -> Result<Montage, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Montage::parse(&text, path)
    }

    /// Parses montage TOML; `path` names it in errors, which carry the line.
    pub fn parse(text: &str, path: &Path) -> Result<Montage, Error> {
        let file: FileText = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            Error::montage(path, line, e.message().trim().to_string())
        })?;
        let rows = rows_of(&file, text, path)?;
        Ok(Montage {
            name: file.name,
            kind: file.kind,
            description: file.description,
            path: path.to_path_buf(),
            rows,
        })
    }

    /// Number of derivations (0 for "every channel as recorded").
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The derivations of this montage over `rec`; an electrode the recording lacks is an
    /// error naming it, the montage file and the line.
    pub fn resolve(&self, rec: &Recording) -> Result<Vec<Derivation>, Error> {
        match self.kind {
            MontageKind::Referential if self.rows.is_empty() => Ok(Derivation::as_recorded(rec)),
            MontageKind::Referential => self.rows.iter().map(|r| self.single(rec, r)).collect(),
            MontageKind::Bipolar => self.rows.iter().map(|r| self.bipolar(rec, r)).collect(),
            MontageKind::Average => self.average(rec),
        }
    }

    fn find(&self, rec: &Recording, name: &str, line: Option<usize>) -> Result<usize, Error> {
        find_electrode(rec, name).ok_or_else(|| {
            let labels: Vec<&str> = rec.channels.iter().map(|c| c.label.trim()).collect();
            let shown = labels
                .iter()
                .take(24)
                .copied()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if labels.len() > 24 { ", ..." } else { "" };
            Error::montage(
                &self.path,
                line,
                format!(
                    "montage {:?} needs electrode {name:?}, which {} does not have \
                     (its channels: {shown}{more})",
                    self.name,
                    rec.path.display()
                ),
            )
        })
    }

    fn single(&self, rec: &Recording, row: &Row) -> Result<Derivation, Error> {
        let ch = self.find(rec, &row.plus, row.line)?;
        let mut d = Derivation::channel(rec, ch)?;
        d.label.clone_from(&row.label);
        Ok(d)
    }

    fn bipolar(&self, rec: &Recording, row: &Row) -> Result<Derivation, Error> {
        let plus = self.find(rec, &row.plus, row.line)?;
        let minus_name = row.minus.as_deref().unwrap_or_default();
        let minus = self.find(rec, minus_name, row.line)?;
        let (a, b) = (&rec.channels[plus].label, &rec.channels[minus].label);
        // (X - R1) - (Y - R2) is X - Y only when R1 = R2; otherwise the row would show
        // X - Y plus the difference of two references under the name "X-Y".
        if reference_of(a) != reference_of(b) {
            return Err(Error::montage(
                &self.path,
                row.line,
                format!(
                    "{}: channels {a:?} and {b:?} are recorded against different references",
                    row.label
                ),
            ));
        }
        Derivation::difference(rec, &row.label, plus, minus)
    }

    fn average(&self, rec: &Recording) -> Result<Vec<Derivation>, Error> {
        let chans: Vec<usize> = self
            .rows
            .iter()
            .map(|r| self.find(rec, &r.plus, r.line))
            .collect::<Result<_, _>>()?;
        let n = chans.len() as f64;
        let derivations: Vec<Derivation> = self
            .rows
            .iter()
            .zip(&chans)
            .map(|(row, &ch)| Derivation {
                label: row.label.clone(),
                unit: rec.channels[ch].unit.trim().to_string(),
                terms: chans
                    .iter()
                    .map(|&c| (c, if c == ch { 1.0 - 1.0 / n } else { -1.0 / n }))
                    .collect(),
            })
            .collect();
        for d in &derivations {
            d.shape(rec)?;
        }
        Ok(derivations)
    }
}

/// The channel recording electrode `name`: an exact label first, then the first channel whose
/// label names the same scalp position (so a duplicated label resolves to its first copy).
pub fn find_electrode(rec: &Recording, name: &str) -> Option<usize> {
    let name = name.trim();
    if let Some(i) = rec.channels.iter().position(|c| c.label.trim() == name) {
        return Some(i);
    }
    let want = canonical(name)?;
    let key = position_key(&want);
    rec.channels
        .iter()
        .position(|c| electrode_name(&c.label).is_some_and(|e| position_key(&e) == key))
}

fn rows_of(file: &FileText, text: &str, path: &Path) -> Result<Vec<Row>, Error> {
    let line = |span: std::ops::Range<usize>| Some(line_of(text, span.start));
    let rows: Vec<Row> = match file.kind {
        MontageKind::Bipolar => file
            .channel
            .iter()
            .map(|c| {
                let r = c.get_ref();
                Row {
                    label: r
                        .label
                        .clone()
                        .unwrap_or_else(|| format!("{}-{}", r.plus, r.minus)),
                    plus: r.plus.clone(),
                    minus: Some(r.minus.clone()),
                    line: line(c.span()),
                }
            })
            .collect(),
        MontageKind::Average | MontageKind::Referential => file
            .electrodes
            .iter()
            .map(|e| Row {
                label: match file.kind {
                    MontageKind::Average => format!("{}-Avg", e.get_ref()),
                    _ => e.get_ref().clone(),
                },
                plus: e.get_ref().clone(),
                minus: None,
                line: line(e.span()),
            })
            .collect(),
    };
    check_rows(file, &rows, path)?;
    Ok(rows)
}

/// What serde cannot say: the right list for the kind, and a non-empty one where required.
fn check_rows(file: &FileText, rows: &[Row], path: &Path) -> Result<(), Error> {
    let problem = match file.kind {
        MontageKind::Bipolar if !file.electrodes.is_empty() => {
            Some("a bipolar montage lists [[channel]] rows with plus and minus, not electrodes")
        }
        MontageKind::Bipolar if rows.is_empty() => Some("a bipolar montage needs [[channel]] rows"),
        MontageKind::Average | MontageKind::Referential if !file.channel.is_empty() => {
            Some("only bipolar montages have [[channel]] rows; list `electrodes = [...]`")
        }
        MontageKind::Average if rows.len() < 2 => {
            Some("an average montage needs `electrodes = [...]` with at least two names")
        }
        _ => None,
    };
    match problem {
        Some(p) => Err(Error::montage(path, None, p)),
        None => Ok(()),
    }
}
