//! One reader's event: a point (duration 0) or an interval on the recording's time axis.

use serde::{Deserialize, Serialize};

/// How sure the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    #[default]
    Definite,
    Possible,
}

impl Certainty {
    pub fn as_str(self) -> &'static str {
        match self {
            Certainty::Definite => "definite",
            Certainty::Possible => "possible",
        }
    }

    pub fn parse(s: &str) -> Option<Certainty> {
        match s {
            "definite" | "" => Some(Certainty::Definite),
            "possible" => Some(Certainty::Possible),
            _ => None,
        }
    }

    pub fn toggled(self) -> Certainty {
        match self {
            Certainty::Definite => Certainty::Possible,
            Certainty::Possible => Certainty::Definite,
        }
    }
}

/// Where a consensus event came from (the `source` column of `REC.consensus.events.tsv`):
/// both readers agreed, reader A's or B's event was chosen, or the adjudicator edited one.
/// `None` (written as nothing) in reader files. The strings are the on-disk ones. Consensus
/// tables made by other tools name their own sources ("alice+bob"); those are kept verbatim
/// as `Other`, so such a table reads and writes back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Source {
    #[default]
    None,
    Both,
    A,
    B,
    Adjudicated,
    Other(String),
}

impl Source {
    /// The sources sigmark writes.
    pub const KNOWN: [Source; 5] = [
        Source::None,
        Source::Both,
        Source::A,
        Source::B,
        Source::Adjudicated,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            Source::None => "",
            Source::Both => "both",
            Source::A => "A",
            Source::B => "B",
            Source::Adjudicated => "adjudicated",
            Source::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> Source {
        Source::KNOWN
            .into_iter()
            .find(|v| v.as_str() == s)
            .unwrap_or_else(|| Source::Other(s.to_string()))
    }

    /// True for reader files' events, which come from no adjudication.
    pub fn is_empty(&self) -> bool {
        self.as_str().is_empty()
    }
}

impl From<String> for Source {
    fn from(s: String) -> Source {
        Source::parse(&s)
    }
}

impl From<Source> for String {
    fn from(s: Source) -> String {
        match s {
            Source::Other(s) => s,
            known => known.as_str().to_string(),
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Source {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// An event as stored: the columns of `REC.READER.events.tsv`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Event {
    /// Seconds from the first sample of the recording.
    pub onset: f64,
    /// Seconds; 0 for a point event.
    pub duration: f64,
    pub label: String,
    /// The channels the event applies to, comma-separated; empty means all channels.
    #[serde(default)]
    pub channel: String,
    #[serde(default)]
    pub certainty: Certainty,
    #[serde(default)]
    pub note: String,
    pub reader: String,
    pub id: String,
    /// RFC 3339 UTC times of creation and last change.
    pub created: String,
    pub modified: String,
    /// Consensus files only: where the event came from (both, A, B or adjudicated) and who
    /// adjudicated it. Empty in reader files.
    #[serde(default, skip_serializing_if = "Source::is_empty")]
    pub source: Source,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub adjudicator: String,
    /// Consensus files only: a critical event's QA state (confirmed, rejected, edited,
    /// pending); empty for other events and in reader files.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub qa: String,
}

impl Event {
    pub fn end(&self) -> f64 {
        self.onset + self.duration
    }

    pub fn is_point(&self) -> bool {
        self.duration == 0.0
    }
}

/// Times are kept to the microsecond: finer than any sample clock, and it keeps the files
/// readable (`12.34`, not `12.340000000000002`) while round-tripping exactly.
pub fn round_time(t: f64) -> f64 {
    (t * 1e6).round() / 1e6
}

/// The current time for `created` and `modified`.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A new event id: unique across readers and machines (random, 122 bits), so a consensus file
/// can cite events of several readers by id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_strings_are_todays_on_disk_words() {
        let other = Source::Other("alice+bob".into());
        for s in Source::KNOWN.into_iter().chain([other.clone()]) {
            let json = serde_json::to_string(&s).unwrap();
            println!("{s:?}: {json} / {:?}", s.as_str());
            assert_eq!(json, format!("{:?}", s.as_str()));
            assert_eq!(serde_json::from_str::<Source>(&json).unwrap(), s);
            assert_eq!(Source::parse(s.as_str()), s);
        }
        let words: Vec<&str> = Source::KNOWN.iter().map(|s| s.as_str()).collect();
        assert_eq!(words, ["", "both", "A", "B", "adjudicated"]);
        assert_eq!(Source::parse("alice+bob"), other);
    }
}
