//! `study.toml`: what the study is and who reads what. Written by `study init` and `study add`
//! (atomically), read by every other study command.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::StudyError;

/// The file name of a study's description in its directory.
pub const STUDY_FILE: &str = "study.toml";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StudyFile {
    pub name: String,
    pub guideline: Guideline,
    /// The readers, in the order given to `study init`.
    pub readers: Vec<String>,
    /// Distinct readers per recording.
    pub reads: usize,
    /// QA reviewers of critical labels.
    #[serde(default)]
    pub qa: Vec<String>,
    /// Seed of the assignment and the reading orders.
    pub seed: u64,
    pub gates: Gates,
    /// Labels whose every event needs a QA decision.
    #[serde(default)]
    pub critical: Vec<Critical>,
    /// Every recording of the study with its readers, sorted by path.
    #[serde(default)]
    pub recordings: Vec<Assignment>,
    /// Each reader's reading order: recording paths as in `recordings`.
    #[serde(default)]
    pub order: BTreeMap<String, Vec<String>>,
}

/// The guideline readers follow: the keymap, by name (ecg, eeg, rpm) or path, and its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guideline {
    pub keymap: String,
    pub version: String,
}

/// Agreement a recording must reach (or be adjudicated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    /// Cohen's kappa over scoring epochs.
    pub kappa: f64,
    /// Event F1 per label.
    pub f1: f64,
}

impl Default for Gates {
    fn default() -> Gates {
        Gates {
            kappa: 0.80,
            f1: 0.80,
        }
    }
}

/// A critical label: every event of it needs QA. `below`, when set, limits it to events whose
/// value falls below that level (a desaturation below 85% SpO2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Critical {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
}

/// One recording and the readers assigned to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    /// Relative to the study directory, `/` separators.
    pub path: String,
    pub readers: Vec<String>,
}

impl StudyFile {
    pub fn read(path: &Path) -> Result<StudyFile, StudyError> {
        let text = std::fs::read_to_string(path).map_err(|source| StudyError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let file: StudyFile = toml::from_str(&text).map_err(|e| StudyError::Invalid {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        file.check().map_err(|detail| StudyError::Invalid {
            path: path.to_path_buf(),
            detail,
        })?;
        Ok(file)
    }

    /// Writes the file atomically (temporary file, fsync, rename, directory fsync).
    pub fn write(&self, path: &Path) -> Result<(), StudyError> {
        let text = toml::to_string(self).map_err(|e| StudyError::Invalid {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        crate::annotations::store::write_atomic(path, text.as_bytes())?;
        Ok(())
    }

    /// What makes the file unusable: an assigned reader not in `readers`, a recording listed
    /// twice, an order naming a recording the reader is not assigned.
    pub fn check(&self) -> Result<(), String> {
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.recordings {
            if !seen.insert(a.path.as_str()) {
                return Err(format!("recording {} is listed twice", a.path));
            }
            if let Some(r) = a.readers.iter().find(|r| !self.readers.contains(r)) {
                return Err(format!(
                    "{} is assigned to {r}, who is not a reader",
                    a.path
                ));
            }
        }
        // (path, reader) of every assignment, so the orders are checked in O(n log n), not
        // against every recording (10,000 recordings made this seconds long).
        let assigned: std::collections::BTreeSet<(&str, &str)> = self
            .recordings
            .iter()
            .flat_map(|a| a.readers.iter().map(|r| (a.path.as_str(), r.as_str())))
            .collect();
        for (reader, paths) in &self.order {
            for p in paths {
                if !assigned.contains(&(p.as_str(), reader.as_str())) {
                    return Err(format!("order of {reader} names {p}, not assigned to them"));
                }
            }
        }
        Ok(())
    }

    /// Whether `label` is critical (any level).
    pub fn is_critical(&self, label: &str) -> bool {
        self.critical.iter().any(|c| c.label == label)
    }
}
