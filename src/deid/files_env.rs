//! What rewriting one annotation file needs (the scrubber, the reader map, the clock, the new
//! recording's name and hash) and the tally of what it changed, for the file's report.

use std::collections::BTreeMap;

use super::files_time::Clock;
use crate::annotations::Source;
use crate::deid::scrub::Scrubber;

/// The same for every annotation file of one recording.
pub(super) struct Env<'a> {
    pub scrubber: &'a Scrubber,
    pub readers: &'a BTreeMap<String, String>,
    pub clock: Clock,
    /// The de-identified recording's file name.
    pub recording: String,
    /// The copy's SHA-256 and size; `None` on a dry run (nothing is written then).
    pub sha256: Option<&'a str>,
    pub size: Option<u64>,
    pub dry_run: bool,
}

/// What rewriting one file changed: counts per kind, never values.
#[derive(Debug, Default)]
pub(super) struct Tally {
    pub fields: usize,
    pub texts: usize,
    kinds: BTreeMap<String, usize>,
}

impl Tally {
    pub(super) fn note(&mut self, what: &str, n: usize) {
        *self.kinds.entry(what.to_string()).or_default() += n;
    }

    fn field(&mut self, what: &str) {
        self.fields += 1;
        self.note(what, 1);
    }

    /// One line per kind of change, e.g. `note: 3 replacement(s)`.
    pub(super) fn changes(&self) -> Vec<String> {
        self.kinds
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect()
    }
}

impl Env<'_> {
    /// Free text with every identifying word, date and time replaced.
    pub(super) fn text(&self, field: &str, s: &str, t: &mut Tally) -> String {
        if s.is_empty() {
            return String::new();
        }
        let out = self.scrubber.scrub(s);
        if out.replaced > 0 {
            t.texts += out.replaced;
            t.note(&format!("{field}: replacement(s)"), out.replaced);
        }
        out.text
    }

    /// A reader's name through the reader map (unmapped names are kept).
    pub(super) fn reader(&self, field: &str, s: &str, t: &mut Tally) -> String {
        match self.readers.get(s) {
            Some(to) if to != s => {
                t.field(&format!("{field}: reader name(s) mapped"));
                to.clone()
            }
            _ => s.to_string(),
        }
    }

    /// A consensus `source`: names of readers (`alice+bob`) are mapped part by part.
    pub(super) fn source(&self, s: &Source, t: &mut Tally) -> Source {
        match s {
            Source::Other(text) => Source::Other(self.source_text(text, t)),
            known => known.clone(),
        }
    }

    pub(super) fn source_text(&self, s: &str, t: &mut Tally) -> String {
        let parts: Vec<String> = s.split('+').map(|p| self.reader("source", p, t)).collect();
        parts.join("+")
    }

    /// An RFC 3339 time moved (empty stays empty); the error names the field.
    pub(super) fn time(&self, field: &str, s: &str, t: &mut Tally) -> Result<String, String> {
        if s.is_empty() {
            return Ok(String::new());
        }
        let moved = self.clock.time(s).map_err(|e| format!("{field} {e}"))?;
        t.field(&format!("{field}: time(s) moved"));
        Ok(moved)
    }

    /// A time or a plain date moved.
    pub(super) fn stamp(&self, field: &str, s: &str, t: &mut Tally) -> Result<String, String> {
        if s.is_empty() {
            return Ok(String::new());
        }
        let moved = self.clock.stamp(s).map_err(|e| format!("{field} {e}"))?;
        t.field(&format!("{field}: time(s) moved"));
        Ok(moved)
    }

    /// An id must not carry an identifying word: ids are kept (other files cite them), so
    /// such a file is skipped rather than written with the word in it.
    pub(super) fn check_id(&self, field: &str, id: &str) -> Result<(), String> {
        if self.scrubber.scrub(id).replaced > 0 {
            return Err(format!(
                "an {field} contains an identifying word or date; ids are kept as they are \
                 (other files cite them), so give that event another id first"
            ));
        }
        Ok(())
    }
}
