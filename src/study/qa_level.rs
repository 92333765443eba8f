//! `below` levels of critical labels: a desaturation is critical only when the SpO2 channel's
//! minimum over the event falls below the level. The channel is the event's own channel when
//! that is an SpO2 channel, else the recording's first SpO2 channel (by type or name).
//!
//! With no SpO2 channel the level cannot be checked and the event counts as critical: an
//! unreviewed critical label is the unsafe side, so the reviewer sees it (and is told why).

use std::path::{Path, PathBuf};

use super::{Critical, StudyError};
use crate::annotations::Event;
use crate::dsp::ChannelKind;
use crate::signal::Recording;

/// What the level check found for one event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Level {
    /// The label has no level: every event of it is critical.
    Any,
    /// The channel's minimum over the event.
    Min(f64),
    /// No SpO2 channel (or no sample within the event): counted as critical.
    Unchecked,
}

impl Level {
    /// Whether an event with this level is critical under `below`.
    pub fn is_critical(self, below: Option<f64>) -> bool {
        match (self, below) {
            (Level::Min(m), Some(b)) => m < b,
            _ => true,
        }
    }

    /// For the QA screen: "SpO2 min 82.0", "SpO2 not checked: no SpO2 channel".
    pub fn describe(self) -> Option<String> {
        match self {
            Level::Any => None,
            Level::Min(m) => Some(format!("SpO2 min {m:.1}")),
            Level::Unchecked => Some("level not checked: no SpO2 channel".into()),
        }
    }
}

/// The SpO2 channel an event's level is read from.
fn spo2_channel(rec: &Recording, e: &Event) -> Option<usize> {
    let is_spo2 = |i: &usize| ChannelKind::of(&rec.channels[*i]) == ChannelKind::SpO2;
    let own = e
        .channel
        .split(',')
        .filter_map(|name| rec.channel_index(name.trim()))
        .find(is_spo2);
    own.or_else(|| (0..rec.channels.len()).find(is_spo2))
}

/// The minimum of the SpO2 channel over the event (a point event: its sample).
pub fn level(rec: &Recording, e: &Event) -> Result<Level, StudyError> {
    let Some(ch) = spo2_channel(rec, e) else {
        return Ok(Level::Unchecked);
    };
    let rate = rec.channels[ch].rate_hz.max(f64::MIN_POSITIVE);
    let dur = e.duration.max(1.0 / rate);
    let w = rec
        .read_window(ch, e.onset, dur)
        .map_err(|err| StudyError::Invalid {
            path: rec.path.clone(),
            detail: format!("reading SpO2 for the event at {} s: {err}", e.onset),
        })?;
    let min = w
        .values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(f64::INFINITY, f64::min);
    Ok(if min.is_finite() {
        Level::Min(min)
    } else {
        Level::Unchecked
    })
}

/// Reads levels for one recording, opening it only when a label with a level occurs.
pub struct Levels {
    path: PathBuf,
    rec: Option<Recording>,
}

impl Levels {
    pub fn new(path: &Path) -> Levels {
        Levels {
            path: path.to_path_buf(),
            rec: None,
        }
    }

    /// The level of `e` under the critical row `c`.
    pub fn of(&mut self, c: &Critical, e: &Event) -> Result<Level, StudyError> {
        if c.below.is_none() {
            return Ok(Level::Any);
        }
        if self.rec.is_none() {
            let rec = crate::formats::open(&self.path).map_err(|err| StudyError::Invalid {
                path: self.path.clone(),
                detail: format!("not a readable recording: {err}"),
            })?;
            self.rec = Some(rec);
        }
        match &self.rec {
            Some(rec) => level(rec, e),
            None => Ok(Level::Unchecked),
        }
    }
}
