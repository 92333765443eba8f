//! Reading `STEM.consensus.events.tsv`: the events-table columns plus `source` (the readers an
//! event came from) and `adjudicator`. Columns are found by header name, so extra or missing
//! optional columns are tolerated: it is read by `read_table`.

use crate::annotations::store::read_table;
use crate::annotations::Event;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::rows::{RecInfo, Row};

/// The consensus rows of one recording, or a message naming the line that was wrong (read by
/// the one events-table reader, so lines are physical lines).
pub fn read(
    path: &Path,
    info: &Arc<RecInfo>,
    codes: &HashMap<String, String>,
    keep: &dyn Fn(Vec<Event>) -> Result<Vec<Event>, String>,
) -> Result<Vec<Row>, String> {
    let events = read_table(path).map_err(|e| format!("malformed consensus table: {e}"))?;
    let events = keep(events)?;
    Ok(events
        .into_iter()
        .map(|e| Row {
            rec: info.clone(),
            reader: "consensus".into(),
            code: codes.get(&e.label).cloned().unwrap_or_default(),
            onset_s: e.onset,
            duration_s: Some(e.duration),
            label: e.label,
            channel: e.channel,
            certainty: e.certainty.as_str().to_string(),
            note: e.note,
            source: e.source.as_str().to_string(),
            created: e.created,
            modified: e.modified,
        })
        .collect())
}
