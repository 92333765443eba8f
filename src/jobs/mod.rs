//! Keyed background jobs: the slow work of the viewer (the overview pyramid, a spectrogram, R
//! peaks, the recording's hash) off the UI thread, as gitui's `asyncjob` does it.
//!
//! Each request names a [`Key`]; keys with the same [`Slot`] compete, and the newest request
//! wins: the older job is told to stop (cooperatively, through [`Context::is_cancelled`]) and
//! its result, if it still arrives, carries an older generation and is dropped by
//! [`Runner::accept`]. Progress is readable while a job runs ([`Ticket::fraction`]); the
//! result (or the job's error or panic, as an error) is delivered as a [`Done`] to the sink the
//! caller gave the runner, usually a closure sending on the event loop's channel.
//!
//! Nothing here knows about a terminal: the viewer drives it, tests drive it directly.

mod hash;
mod runner;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use hash::sha256;
pub use runner::{Context, Runner, Ticket};

/// What a job computes, with the parameters that make its result valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// The overview of the montage with this name (its derivations, in order).
    Pyramid { montage: String },
    /// The spectrogram of one lane, with the STFT window length in samples.
    Spectrogram { lane: String, window: usize },
    /// R peaks of one recorded channel.
    Beats { channel: usize },
    /// SHA-256 of a file.
    Hash { path: PathBuf },
}

/// Which keys compete: a new request for a slot supersedes the one running there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Pyramid,
    Spectrogram,
    Beats,
    Hash,
}

impl Key {
    pub fn slot(&self) -> Slot {
        match self {
            Key::Pyramid { .. } => Slot::Pyramid,
            Key::Spectrogram { .. } => Slot::Spectrogram,
            Key::Beats { .. } => Slot::Beats,
            Key::Hash { .. } => Slot::Hash,
        }
    }
}

/// Why a job produced no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// The job's own error, already worded for the user.
    #[error("{0}")]
    Failed(String),
    /// The job panicked; the panic's message when it had one.
    #[error("internal error: {0}")]
    Panicked(String),
}

/// A finished job: which request it answers, and its result.
#[derive(Debug)]
pub struct Done<T> {
    pub key: Key,
    /// The request's generation: [`Runner::accept`] drops results of superseded requests.
    pub generation: u64,
    pub result: Result<T, JobError>,
}
