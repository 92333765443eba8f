//! `REC.consensus.decisions.jsonl`: every decision, rejections included, one JSON line each,
//! appended and made durable (fsync) before the screen confirms it. On replay the latest
//! decision for an item wins, and each decision names the consensus events it wrote, so a
//! later decision can replace them.
//!
//! The file has the journal's protections, from the journal's own code
//! ([`crate::annotations::journal`]): a failed append (a full disk) is cut back to the last
//! whole line; on opening, a torn last line (a crash while writing it) is skipped, a damaged
//! line is reported by its line number, the file as found is kept as a dated backup
//! (`...decisions.jsonl.damaged-YYYYMMDDTHHMMSSZ`) and rewritten with its intact lines, and
//! every intact decision replays.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::AdjudicateError;
use crate::annotations::journal::{self, Appender, Damage, Line};
use crate::annotations::store::{Paths, CONSENSUS};

/// What the adjudicator decided about an item; the strings are the decisions file's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// The readers agreed; the event was copied without asking.
    #[serde(rename = "agree")]
    Agree,
    #[serde(rename = "A")]
    A,
    #[serde(rename = "B")]
    B,
    #[serde(rename = "both")]
    Both,
    #[serde(rename = "reject")]
    Reject,
    #[serde(rename = "edit")]
    Edit,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Agree,
        Verdict::A,
        Verdict::B,
        Verdict::Both,
        Verdict::Reject,
        Verdict::Edit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Agree => "agree",
            Verdict::A => "A",
            Verdict::B => "B",
            Verdict::Both => "both",
            Verdict::Reject => "reject",
            Verdict::Edit => "edit",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Verdict {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A decision as the decisions file keeps it. Unknown keys are accepted, as in the journal:
/// a line that fails to parse is left out of the replay, which would lose the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub key: String,
    pub decision: Verdict,
    pub adjudicator: String,
    pub time: String,
    /// The ids of the consensus events this decision wrote: deciding the item again removes
    /// them first. (Files from before this field replay with none.)
    #[serde(default)]
    pub wrote: Vec<String>,
}

impl Line for Decision {
    const START: &'static [u8] = b"{\"key\"";

    fn check(&self) -> Result<(), String> {
        if self.key.is_empty() {
            return Err("a decision without an item key".into());
        }
        Ok(())
    }

    fn label(&self) -> String {
        format!("the decision on {}", self.key)
    }
}

/// What opening the decisions file found wrong with it (nothing, usually).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecisionsRecovery {
    /// A half-written last line that was skipped.
    pub torn_line: bool,
    /// Damaged lines (their intact neighbours were replayed).
    pub damaged: Vec<Damage>,
    /// Where the file as found was kept when it had to be rewritten.
    pub backup: Option<PathBuf>,
}

impl DecisionsRecovery {
    /// What to tell the adjudicator, when anything was found.
    pub fn message(&self) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(first) = self.damaged.first() {
            let lines: Vec<String> = self.damaged.iter().map(|d| d.line.to_string()).collect();
            parts.push(format!(
                "damaged decisions lines {} (line {}: {})",
                lines.join(", "),
                first.line,
                first.detail
            ));
        }
        if self.torn_line {
            parts.push("skipped a half-written last decisions line".into());
        }
        if let Some(b) = &self.backup {
            parts.push(format!("backup kept at {}", b.display()));
        }
        (!parts.is_empty()).then(|| crate::text::sanitize(&parts.join("; ")))
    }
}

/// The decisions file, open for appending.
#[derive(Debug)]
pub struct DecisionLog {
    pub path: PathBuf,
    out: Appender,
    /// What opening found wrong with the file.
    pub recovery: DecisionsRecovery,
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
    /// Opens (or starts) the file at `path`, returning the latest decision per item key;
    /// a damaged file is repaired (backup kept) and its intact decisions replayed.
    pub fn open(
        path: PathBuf,
    ) -> Result<(DecisionLog, HashMap<String, Decision>), AdjudicateError> {
        let found = journal::read_lines::<Decision>(&path)?;
        let backup = journal::repair(&path, &found)?;
        let recovery = DecisionsRecovery {
            torn_line: found.torn_line,
            damaged: found.damaged,
            backup,
        };
        // The latest decision per key wins.
        let decided = found
            .entries
            .into_iter()
            .map(|d| (d.key.clone(), d))
            .collect();
        let out = Appender::open(&path)?;
        Ok((
            DecisionLog {
                path,
                out,
                recovery,
            },
            decided,
        ))
    }

    /// Appends `d` and makes it durable; a failed append leaves the file as it was.
    pub fn append(&mut self, d: &Decision) -> Result<(), AdjudicateError> {
        let mut line = serde_json::to_string(d).map_err(|e| AdjudicateError::Decisions {
            path: self.path.clone(),
            line: 0,
            detail: e.to_string(),
        })?;
        line.push('\n');
        Ok(self.out.append(line.as_bytes())?)
    }
}

#[cfg(test)]
#[path = "decisions_tests.rs"]
mod tests;
