//! Label taxonomies: versioned keymaps of labels (`keymaps/ecg.toml`, `eeg.toml`, `rpm.toml`)
//! binding each label to a key, with its kind, an optional SNOMED CT code and a description.
//! Keys are kept as written; the viewer parses them and reports a bad one with file and line.

use crate::text::line_of;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

/// How a label is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabelKind {
    /// At the cursor, duration 0 (a beat, a spike).
    Point,
    /// From a mark-in to a mark-out (a rhythm, a seizure).
    Interval,
    /// One scoring epoch (a sleep stage): labels the epoch at the cursor and advances.
    Epoch,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LabelDef {
    /// The label as stored in the events file.
    pub name: String,
    /// The key as written in the keymap ("v", "shift-a", "f5").
    pub key: String,
    pub kind: LabelKind,
    /// SNOMED CT concept id, when one is assigned.
    pub code: Option<String>,
    /// Why there is no code, when there is none.
    pub code_note: String,
    pub description: String,
    /// Every event of this label needs a QA decision by a second expert (a study's critical
    /// labels are these rows).
    pub critical: bool,
    /// Critical only when the event's value falls below this level (the lowest sample of the
    /// event's channel over the event, in the channel's unit: `Desaturation` below 85 % SpO2).
    /// Set only on critical labels.
    pub critical_below: Option<f64>,
    /// Which optional fields the row wrote: an override row changes only those.
    pub given: Given,
    /// The file and 1-based line the row came from.
    pub file: PathBuf,
    pub line: usize,
}

/// The optional fields a keymap row wrote, so that a user's override row naming only a key or
/// `critical = true` leaves the shipped row's kind and criticality as they were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Given {
    pub kind: bool,
    pub critical: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub name: String,
    pub version: String,
    pub description: String,
    /// Scoring epoch length for epoch labels, seconds.
    pub epoch_s: f64,
    pub labels: Vec<LabelDef>,
    pub file: PathBuf,
}

#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {detail}", file.display())]
pub struct TaxonomyError {
    pub file: PathBuf,
    pub line: usize,
    pub detail: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileText {
    name: Option<String>,
    version: Option<String>,
    #[serde(default)]
    description: String,
    epoch_s: Option<f64>,
    #[serde(default)]
    label: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    name: Spanned<String>,
    key: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    code: Option<String>,
    #[serde(default)]
    code_note: String,
    #[serde(default)]
    description: String,
    critical: Option<bool>,
    critical_below: Option<f64>,
}

/// The shipped taxonomies, by name.
const SHIPPED: [(&str, &str); 3] = [
    ("ecg", include_str!("../../keymaps/ecg.toml")),
    ("eeg", include_str!("../../keymaps/eeg.toml")),
    ("rpm", include_str!("../../keymaps/rpm.toml")),
];

/// Names of the shipped taxonomies.
pub fn shipped_names() -> Vec<&'static str> {
    SHIPPED.iter().map(|s| s.0).collect()
}

/// The shipped taxonomy `name` (ecg, eeg, rpm).
pub fn shipped(name: &str) -> Option<Result<Taxonomy, TaxonomyError>> {
    SHIPPED
        .iter()
        .find(|s| s.0 == name)
        .map(|(n, text)| Taxonomy::parse(text, &Path::new("keymaps").join(format!("{n}.toml"))))
}

impl Taxonomy {
    pub fn load(path: &Path) -> Result<Taxonomy, TaxonomyError> {
        let text = std::fs::read_to_string(path).map_err(|e| TaxonomyError {
            file: path.to_path_buf(),
            line: 0,
            detail: e.to_string(),
        })?;
        Taxonomy::parse(&text, path)
    }

    /// Parses a taxonomy file. A complete file needs `name`, `version` and rows with `name`,
    /// `key` and `kind`; an override file (see `patch`) may give only what it changes.
    pub fn parse(text: &str, path: &Path) -> Result<Taxonomy, TaxonomyError> {
        let err = |line: usize, detail: String| TaxonomyError {
            file: path.to_path_buf(),
            line,
            detail,
        };
        let f: FileText = toml::from_str(text).map_err(|e| {
            err(
                e.span().map_or(0, |s| line_of(text, s.start)),
                e.message().trim().to_string(),
            )
        })?;
        let mut labels: Vec<LabelDef> = Vec::new();
        for row in f.label {
            let line = line_of(text, row.name.span().start);
            let name = row.name.into_inner();
            if name.trim().is_empty() || name.chars().any(|c| c.is_control()) {
                return Err(err(
                    line,
                    format!("label name {name:?} is empty or has control characters"),
                ));
            }
            let kind = match row.kind.as_ref().map(|k| k.get_ref().as_str()) {
                Some("point") => LabelKind::Point,
                Some("interval") => LabelKind::Interval,
                Some("epoch") => LabelKind::Epoch,
                Some(other) => {
                    return Err(err(
                        line,
                        format!("label {name:?}: kind {other:?} is not point, interval or epoch"),
                    ))
                }
                None => LabelKind::Point,
            };
            if labels.iter().any(|l| l.name == name) {
                return Err(err(line, format!("label {name:?} is defined twice")));
            }
            let code = row.code.filter(|c| !c.trim().is_empty());
            if let Some(c) = &code {
                if !c.chars().all(|ch| ch.is_ascii_digit()) || c.len() < 6 || c.len() > 18 {
                    return Err(err(line, format!("label {name:?}: code {c:?} is not a SNOMED CT concept id (6 to 18 digits)")));
                }
            }
            let critical_below = critical_level(row.critical, row.critical_below, &name)
                .map_err(|d| err(line, d))?;
            labels.push(LabelDef {
                given: Given {
                    kind: row.kind.is_some(),
                    critical: row.critical.is_some(),
                },
                critical: row.critical.unwrap_or(critical_below.is_some()),
                critical_below,
                name,
                key: row.key.map(|k| k.into_inner()).unwrap_or_default(),
                kind,
                code,
                code_note: row.code_note,
                description: row.description,
                file: path.to_path_buf(),
                line,
            });
        }
        let epoch_s = f.epoch_s.unwrap_or(30.0);
        if !(epoch_s.is_finite() && epoch_s > 0.0) {
            return Err(err(
                0,
                format!("epoch_s {epoch_s} must be a positive number of seconds"),
            ));
        }
        Ok(Taxonomy {
            name: f.name.unwrap_or_default(),
            version: f.version.unwrap_or_default(),
            description: f.description,
            epoch_s,
            labels,
            file: path.to_path_buf(),
        })
    }

    /// A user's file changes only the rows it names: a row with a shipped label's name
    /// replaces its key (and kind, code, description where given); other rows are added.
    pub fn patch(&mut self, user: Taxonomy) {
        for l in user.labels {
            match self.labels.iter_mut().find(|s| s.name == l.name) {
                Some(slot) => {
                    if !l.key.is_empty() {
                        slot.key = l.key.clone();
                    }
                    if l.given.kind {
                        slot.kind = l.kind;
                    }
                    if l.given.critical {
                        slot.critical = l.critical;
                        if !l.critical {
                            slot.critical_below = None;
                        }
                    }
                    if l.critical_below.is_some() {
                        slot.critical = true;
                        slot.critical_below = l.critical_below;
                    }
                    if l.code.is_some() {
                        slot.code = l.code.clone();
                    }
                    if !l.description.is_empty() {
                        slot.description = l.description.clone();
                    }
                    slot.file = l.file;
                    slot.line = l.line;
                }
                None => self.labels.push(l),
            }
        }
        if !user.version.is_empty() {
            self.version = format!("{}+{}", self.version, user.version);
        } else {
            self.version = format!("{}+user", self.version);
        }
    }

    /// Loads `choice` (a shipped name or a path), patched by the user's file of the same name
    /// in `user_dir` when there is one.
    pub fn choose(choice: &str, user_dir: Option<&Path>) -> Result<Taxonomy, TaxonomyError> {
        let mut t = match shipped(choice) {
            Some(t) => t?,
            None => {
                let path = Path::new(choice);
                if !path.is_file() {
                    return Err(TaxonomyError {
                        file: path.to_path_buf(),
                        line: 0,
                        detail: format!(
                            "no such keymap: give one of {} or the path of a keymap file",
                            shipped_names().join(", ")
                        ),
                    });
                }
                Taxonomy::load(path)?
            }
        };
        if let Some(user) = user_dir
            .map(|d| d.join(format!("{}.toml", t.name)))
            .filter(|p| p.is_file())
        {
            t.patch(Taxonomy::load(&user)?);
        }
        t.validate()?;
        Ok(t)
    }

    /// Every label has a key and no two labels share one.
    pub fn validate(&self) -> Result<(), TaxonomyError> {
        if self.name.is_empty() || self.version.is_empty() {
            return Err(TaxonomyError {
                file: self.file.clone(),
                line: 1,
                detail: "a keymap needs `name` and `version`".into(),
            });
        }
        for (i, l) in self.labels.iter().enumerate() {
            let fail = |detail: String| TaxonomyError {
                file: l.file.clone(),
                line: l.line,
                detail,
            };
            if l.key.is_empty() {
                return Err(fail(format!("label {:?} has no key", l.name)));
            }
            if let Some(o) = self.labels[..i].iter().find(|o| o.key == l.key) {
                return Err(fail(format!(
                    "key {:?} of {:?} is already bound to {:?}",
                    l.key, l.name, o.name
                )));
            }
        }
        Ok(())
    }

    pub fn label(&self, name: &str) -> Option<&LabelDef> {
        self.labels.iter().find(|l| l.name == name)
    }

    /// The critical labels, in keymap order.
    pub fn critical(&self) -> impl Iterator<Item = &LabelDef> {
        self.labels.iter().filter(|l| l.critical)
    }
}

/// A row's `critical_below`: a finite number, and only on a row that is critical.
fn critical_level(
    critical: Option<bool>,
    below: Option<f64>,
    name: &str,
) -> Result<Option<f64>, String> {
    let Some(level) = below else {
        return Ok(None);
    };
    if !level.is_finite() {
        return Err(format!(
            "label {name:?}: critical_below {level} must be a finite number"
        ));
    }
    if critical == Some(false) {
        return Err(format!(
            "label {name:?}: critical_below {level} with critical = false; drop one of them"
        ));
    }
    Ok(Some(level))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_taxonomies_are_complete_and_consistent() {
        for name in shipped_names() {
            let t = Taxonomy::choose(name, None).unwrap();
            assert_eq!(t.name, name);
            assert!(!t.version.is_empty());
            for l in &t.labels {
                assert!(
                    l.code.is_some() || !l.code_note.is_empty(),
                    "{name}: {} says neither code nor why not",
                    l.name
                );
                assert!(!l.description.is_empty(), "{name}: {}", l.name);
            }
        }
        let ecg = Taxonomy::choose("ecg", None).unwrap();
        for want in [
            "NSR", "AF", "AFL", "SVT", "VT", "VF", "Pause", "AVB1", "AVB2", "AVB3", "PVC", "PAC",
            "Bigeminy", "Noise",
        ] {
            assert!(ecg.label(want).is_some(), "ecg lacks {want}");
        }
        assert_eq!(ecg.label("AF").unwrap().code.as_deref(), Some("49436004"));
        let eeg = Taxonomy::choose("eeg", None).unwrap();
        for want in [
            "Seizure",
            "Spike",
            "Sharp wave",
            "Spike-and-wave",
            "Polyspike",
            "LPD",
            "GPD",
            "Rhythmic delta",
            "Sleep spindle",
            "K-complex",
            "Eye blink",
            "Muscle artifact",
            "Electrode artifact",
            "Movement artifact",
            "W",
            "N1",
            "N2",
            "N3",
            "R",
        ] {
            assert!(eeg.label(want).is_some(), "eeg lacks {want}");
        }
        assert_eq!(eeg.label("N2").unwrap().kind, LabelKind::Epoch);
        assert_eq!(eeg.label("Seizure").unwrap().kind, LabelKind::Interval);
        let rpm = Taxonomy::choose("rpm", None).unwrap();
        for want in [
            "Desaturation",
            "Bradycardia",
            "Tachycardia",
            "Apnea",
            "Hypopnea",
            "Movement",
            "Sensor off",
        ] {
            assert!(rpm.label(want).is_some(), "rpm lacks {want}");
        }
    }

    #[test]
    fn user_rows_patch_and_errors_name_the_line() {
        let mut t = Taxonomy::choose("ecg", None).unwrap();
        let user = Taxonomy::parse("[[label]]\nname = \"PVC\"\nkey = \"V\"\nkind = \"point\"\n[[label]]\nname = \"Trigeminy\"\nkey = \"T\"\nkind = \"interval\"\ncode_note = \"local\"\n", Path::new("u.toml")).unwrap();
        t.patch(user);
        assert_eq!(t.label("PVC").unwrap().key, "V");
        assert_eq!(t.label("Trigeminy").unwrap().line, 6);
        t.validate().unwrap();
        let e = Taxonomy::parse("name = \"x\"\nversion = \"1\"\n\n[[label]]\nname = \"A\"\nkey = \"a\"\nkind = \"blob\"\n", Path::new("bad.toml")).unwrap_err();
        assert_eq!((e.line, e.file.as_path()), (5, Path::new("bad.toml")));
        assert!(e.to_string().contains("blob"));
        let e = Taxonomy::parse(
            "name = \"x\"\nversion = \"1\"\n[[label]]\nname = \"A\"\ncode = \"abc\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("SNOMED"), "{e}");
        let mut dup = Taxonomy::parse("name = \"x\"\nversion = \"1\"\n[[label]]\nname = \"A\"\nkey = \"a\"\n[[label]]\nname = \"B\"\nkey = \"a\"\n", Path::new("d.toml")).unwrap();
        let e = dup.validate().unwrap_err();
        assert_eq!(e.line, 7, "{e}");
        dup.labels.pop();
        dup.validate().unwrap();
    }

    #[test]
    fn shipped_keymaps_mark_their_critical_labels() {
        let want = [
            (
                "ecg",
                vec![("VT", None), ("VF", None), ("Pause", None), ("AVB3", None)],
            ),
            ("eeg", vec![("Seizure", None)]),
            ("rpm", vec![("Desaturation", Some(85.0)), ("Apnea", None)]),
        ];
        for (name, critical) in want {
            let t = Taxonomy::choose(name, None).unwrap();
            let got: Vec<(&str, Option<f64>)> = t
                .critical()
                .map(|l| (l.name.as_str(), l.critical_below))
                .collect();
            println!("{name} {}: {got:?}", t.version);
            assert_eq!(got, critical, "{name}");
            assert_ne!(t.version, "1.0", "{name}: the version was not bumped");
        }
    }

    #[test]
    fn critical_below_needs_a_number_on_a_critical_row() {
        let head = "name = \"x\"\nversion = \"1\"\n[[label]]\nname = \"A\"\nkey = \"a\"\n";
        let t = Taxonomy::parse(
            &format!("{head}critical_below = 88.5\n"),
            Path::new("k.toml"),
        )
        .unwrap();
        let a = t.label("A").unwrap();
        println!("{a:?}");
        assert!(a.critical, "critical_below alone makes the label critical");
        assert_eq!(a.critical_below, Some(88.5));
        let plain = Taxonomy::parse(head, Path::new("k.toml")).unwrap();
        assert!(!plain.label("A").unwrap().critical);
        let e = Taxonomy::parse(
            &format!("{head}critical = false\ncritical_below = 80\n"),
            Path::new("k.toml"),
        )
        .unwrap_err();
        println!("{e}");
        assert_eq!(e.line, 4);
        assert!(e.to_string().contains("critical = false"), "{e}");
        let e = Taxonomy::parse(
            &format!("{head}critical_below = nan\n"),
            Path::new("k.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("finite"), "{e}");
        let e = Taxonomy::parse(&format!("{head}critical = \"yes\"\n"), Path::new("k.toml"))
            .unwrap_err();
        println!("{e}");
        assert_eq!(e.line, 6, "{e}");
    }

    #[test]
    fn an_override_row_changes_only_what_it_writes() {
        let mut t = Taxonomy::choose("ecg", None).unwrap();
        let user = Taxonomy::parse(
            "[[label]]\nname = \"PVC\"\ncritical = true\n[[label]]\nname = \"VT\"\nkey = \"T\"\n[[label]]\nname = \"AVB3\"\ncritical = false\n[[label]]\nname = \"Torsades\"\nkey = \"Z\"\nkind = \"interval\"\ncode_note = \"local\"\ncritical = true\n",
            Path::new("u.toml"),
        )
        .unwrap();
        t.patch(user);
        t.validate().unwrap();
        let pvc = t.label("PVC").unwrap();
        let vt = t.label("VT").unwrap();
        println!("{pvc:?}\n{vt:?}");
        assert!(pvc.critical, "a user row may make a shipped label critical");
        assert_eq!(pvc.kind, LabelKind::Point);
        assert!(vt.critical, "a new key leaves VT critical");
        assert_eq!(vt.kind, LabelKind::Interval, "a row without kind keeps it");
        assert_eq!(vt.key, "T");
        assert!(!t.label("AVB3").unwrap().critical);
        assert!(t.label("Torsades").unwrap().critical);
        let mut rpm = Taxonomy::choose("rpm", None).unwrap();
        rpm.patch(
            Taxonomy::parse(
                "[[label]]\nname = \"Desaturation\"\ncritical_below = 88\n[[label]]\nname = \"Apnea\"\ncritical = true\n",
                Path::new("u.toml"),
            )
            .unwrap(),
        );
        let d = rpm.label("Desaturation").unwrap();
        assert_eq!((d.critical, d.critical_below), (true, Some(88.0)));
        assert_eq!(d.kind, LabelKind::Interval);
    }

    #[test]
    fn critical_survives_a_user_keymap_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("eeg.toml"),
            "version = \"site2\"\n[[label]]\nname = \"Spike\"\ncritical = true\n",
        )
        .unwrap();
        let t = Taxonomy::choose("eeg", Some(dir.path())).unwrap();
        let got: Vec<&str> = t.critical().map(|l| l.name.as_str()).collect();
        println!("{} {got:?}", t.version);
        assert_eq!(got, ["Seizure", "Spike"]);
        assert_eq!(t.version, "1.1+site2");
    }
}
