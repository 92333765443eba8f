//! Reading `STEM.consensus.events.tsv`: the events-table columns plus `source` (the readers an
//! event came from) and `adjudicator`. Columns are found by header name, so extra or missing
//! optional columns are tolerated as `read_table` tolerates them.

use crate::annotations::store::unescape;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::rows::{RecInfo, Row};

/// The consensus rows of one recording, or a message naming the line that was wrong.
pub fn read(
    path: &Path,
    info: &Arc<RecInfo>,
    codes: &HashMap<String, String>,
) -> Result<Vec<Row>, String> {
    let fail =
        |line: usize, what: String| format!("malformed consensus table, line {line}: {what}");
    let mut rd = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .quoting(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| format!("cannot read the consensus table: {e}"))?;
    let header = rd.headers().map_err(|e| fail(1, e.to_string()))?.clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(onset), Some(duration), Some(label)) = (col("onset"), col("duration"), col("label"))
    else {
        return Err(fail(
            1,
            "the header must name at least onset, duration and label".into(),
        ));
    };
    let optional = [
        "channel",
        "certainty",
        "note",
        "source",
        "created",
        "modified",
    ]
    .map(col);
    let mut rows = Vec::new();
    for (k, rec) in rd.records().enumerate() {
        let line = k + 2;
        let rec = rec.map_err(|e| fail(line, e.to_string()))?;
        let get = |i: Option<usize>| unescape(i.and_then(|i| rec.get(i)).unwrap_or(""));
        let seconds = |i: usize, what: &str| {
            let text = rec.get(i).unwrap_or("");
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| fail(line, format!("{what} {text:?} is not seconds >= 0")))
        };
        let label_text = get(Some(label));
        if label_text.is_empty() {
            return Err(fail(line, "empty label".into()));
        }
        let [channel, certainty, note, source, created, modified] = optional.map(get);
        rows.push(Row {
            rec: info.clone(),
            reader: "consensus".into(),
            code: codes.get(&label_text).cloned().unwrap_or_default(),
            onset_s: seconds(onset, "onset")?,
            duration_s: Some(seconds(duration, "duration")?),
            label: label_text,
            channel,
            certainty,
            note,
            source,
            created,
            modified,
        });
    }
    Ok(rows)
}
