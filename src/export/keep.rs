//! A filter on events decided outside export and passed in as data: the CLI builds
//! `--qa confirmed` from the study's QA decisions (export may not import study).

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::annotations::Event;

/// The filter's signature: (recording, table's reader, event) to keep or not.
pub type KeepFn = dyn Fn(&Path, &str, &Event) -> Result<bool, String> + Send + Sync;

/// Whether to keep an event, given the recording's path, the table's reader (`consensus` for
/// the consensus) and the event. An `Err` is a problem with the recording's table, which is
/// then left out and listed as skipped.
#[derive(Clone)]
pub struct Keep(pub Arc<KeepFn>);

impl fmt::Debug for Keep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keep(..)")
    }
}

impl Keep {
    /// The events of one table the filter keeps.
    pub fn apply(
        &self,
        rec: &Path,
        reader: &str,
        events: Vec<Event>,
    ) -> Result<Vec<Event>, String> {
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            if (self.0)(rec, reader, &e)? {
                out.push(e);
            }
        }
        Ok(out)
    }
}
