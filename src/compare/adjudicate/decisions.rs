//! `REC.consensus.decisions.jsonl`: every decision, rejections included, one JSON line each,
//! appended and made durable (fsync) before the screen confirms it. The file is never
//! rewritten; on replay the latest decision for an item wins, and each decision names the
//! consensus events it wrote, so a later decision can replace them.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::AdjudicateError;
use crate::annotations::store::{Paths, CONSENSUS};

/// A decision as the decisions file keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub key: String,
    /// agree, A, B, both, reject, edit.
    pub decision: String,
    pub adjudicator: String,
    pub time: String,
    /// The ids of the consensus events this decision wrote: deciding the item again removes
    /// them first. (Files from before this field replay with none.)
    #[serde(default)]
    pub wrote: Vec<String>,
}

/// The decisions file, open for appending.
#[derive(Debug)]
pub struct DecisionLog {
    pub path: PathBuf,
    file: File,
}

/// `DIR/STEM.consensus.decisions.jsonl`, beside the consensus table.
pub fn path_for(recording: &Path, dir: Option<&Path>) -> PathBuf {
    let events = Paths::new(recording, CONSENSUS, dir).events;
    let name = events.file_name().map_or_else(String::new, |n| {
        n.to_string_lossy()
            .replace(".events.tsv", ".decisions.jsonl")
    });
    events.with_file_name(name)
}

impl DecisionLog {
    /// Opens (or starts) the file at `path`, returning the latest decision per item key.
    pub fn open(
        path: PathBuf,
    ) -> Result<(DecisionLog, HashMap<String, Decision>), AdjudicateError> {
        let decided = if path.is_file() {
            replay(&path)?
        } else {
            HashMap::new()
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|source| AdjudicateError::Io {
                path: path.clone(),
                source,
            })?;
        Ok((DecisionLog { path, file }, decided))
    }

    /// Appends `d` and makes it durable.
    pub fn append(&mut self, d: &Decision) -> Result<(), AdjudicateError> {
        let io = |source| AdjudicateError::Io {
            path: self.path.clone(),
            source,
        };
        let mut line = serde_json::to_string(d).map_err(|e| AdjudicateError::Decisions {
            path: self.path.clone(),
            line: 0,
            detail: e.to_string(),
        })?;
        line.push('\n');
        self.file.write_all(line.as_bytes()).map_err(io)?;
        self.file.sync_data().map_err(io)
    }
}

/// Every decision in the file, the latest per key winning.
fn replay(path: &Path) -> Result<HashMap<String, Decision>, AdjudicateError> {
    let io = |source| AdjudicateError::Io {
        path: path.to_path_buf(),
        source,
    };
    let f = File::open(path).map_err(io)?;
    let mut decided = HashMap::new();
    for (k, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(io)?;
        if line.trim().is_empty() {
            continue;
        }
        let d: Decision = serde_json::from_str(&line).map_err(|e| AdjudicateError::Decisions {
            path: path.to_path_buf(),
            line: k + 1,
            detail: e.to_string(),
        })?;
        decided.insert(d.key.clone(), d);
    }
    Ok(decided)
}
