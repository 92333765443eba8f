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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub adjudicator: String,
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
