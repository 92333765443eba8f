//! The recording model every format reader produces.
//!
//! All times are seconds from the first sample of the recording, as EDFlib reports them.
//! `start` is the clock time of that first sample, its sub-second part included.

mod annotations;
mod error;
pub mod time;

pub use annotations::{Annotations, Loaded};
pub use error::Error;
pub use time::{StartTime, TimeError};

use std::fmt;
use std::path::PathBuf;

/// The container format, as `sigmark info` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Format {
    #[serde(rename = "EDF")]
    Edf,
    #[serde(rename = "EDF+C")]
    EdfPlusC,
    #[serde(rename = "EDF+D")]
    EdfPlusD,
    #[serde(rename = "BDF")]
    Bdf,
    #[serde(rename = "BDF+C")]
    BdfPlusC,
    #[serde(rename = "BDF+D")]
    BdfPlusD,
    #[serde(rename = "HDF5")]
    Hdf5,
    #[serde(rename = "NWB")]
    Nwb,
    #[serde(rename = "SNIRF")]
    Snirf,
    #[serde(rename = "EEGLAB")]
    Eeglab,
    #[serde(rename = "WFDB")]
    Wfdb,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Edf => "EDF",
            Format::EdfPlusC => "EDF+C",
            Format::EdfPlusD => "EDF+D",
            Format::Bdf => "BDF",
            Format::BdfPlusC => "BDF+C",
            Format::BdfPlusD => "BDF+D",
            Format::Hdf5 => "HDF5",
            Format::Nwb => "NWB",
            Format::Snirf => "SNIRF",
            Format::Eeglab => "EEGLAB",
            Format::Wfdb => "WFDB",
        }
    }

    /// True for the EDF family (EDF, EDF+, BDF, BDF+).
    pub fn is_edf_family(self) -> bool {
        !matches!(
            self,
            Format::Hdf5 | Format::Nwb | Format::Snirf | Format::Eeglab | Format::Wfdb
        )
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One signal (channel) of a recording, with the header values it was declared with.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Channel {
    pub label: String,
    pub transducer: String,
    pub unit: String,
    /// Declared physical range (EDF family); `None` where the format has no such field.
    pub physical_min: Option<f64>,
    pub physical_max: Option<f64>,
    /// Declared digital range (EDF family); `None` where the format has no such field.
    pub digital_min: Option<i64>,
    pub digital_max: Option<i64>,
    pub prefilter: String,
    /// Samples in one data record (EDF family); for HDF5 the whole channel is one record.
    pub samples_per_record: u64,
    pub rate_hz: f64,
    /// Total number of samples of this channel in the file.
    pub samples: u64,
}

impl Channel {
    /// Duration covered by this channel's samples, ignoring gaps.
    pub fn duration_s(&self) -> f64 {
        if self.rate_hz > 0.0 {
            self.samples as f64 / self.rate_hz
        } else {
            0.0
        }
    }
}

/// An annotation embedded in the recording (EDF+ TAL, or an HDF5 event table).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Annotation {
    /// Seconds from the first sample.
    pub onset_s: f64,
    /// `None` when the file gives no duration.
    pub duration_s: Option<f64>,
    /// The text exactly as stored (UTF-8, or Latin-1 where the bytes are not UTF-8).
    pub text: String,
    /// The channel the text names, where it names one (`text@@CHANNEL`, EDF+ section 2.2.4 usage).
    pub channel: Option<String>,
}

/// A contiguous stretch of data on the time axis (one for continuous files; EDF+D may have many).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Segment {
    pub start_s: f64,
    pub duration_s: f64,
}

/// Per-channel statistics over every sample, in physical units.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ChannelStats {
    pub n: u64,
    pub min: f64,
    pub max: f64,
    pub mean: f64,
    pub sum: f64,
    pub sum_sq: f64,
}

/// Where the samples come from: each format implements this over its memory map.
pub trait SampleSource: Send + Sync {
    /// Physical values of channel `ch`, samples `first..first + out.len()`.
    fn read_physical(&self, ch: usize, first: u64, out: &mut [f64]) -> Result<(), Error>;

    /// Stored integer values of channel `ch` (EDF family); `Ok(false)` when the format stores
    /// no digital values (HDF5 floats).
    fn read_digital(&self, _ch: usize, _first: u64, _out: &mut [i32]) -> Result<bool, Error> {
        Ok(false)
    }

    /// Statistics of every sample of channel `ch` in one streaming pass.
    fn stats(&self, ch: usize) -> Result<ChannelStats, Error>;

    /// Statistics of every channel; formats that can do it in one pass over the file override
    /// this (EDF does), the rest compute the channels in parallel.
    fn all_stats(&self) -> Result<Vec<ChannelStats>, Error>;

    /// The file the samples come from.
    fn path(&self) -> &std::path::Path;

    /// Samples of channel `ch` the storage decodes as one unit (a compressed chunk along
    /// time), on a grid from sample 0: a read cutting a unit decodes all of it, so a pass over
    /// the channel should read whole units. `None`: a read costs its size (EDF's records).
    fn read_unit(&self, _ch: usize) -> Option<u64> {
        None
    }

    /// Start time of the data record holding sample `index` of channel `ch`, for files whose
    /// records are not contiguous (EDF+D); `None` means "samples are evenly spaced from 0".
    fn record_onset(&self, _ch: usize, _index: u64) -> Option<f64> {
        None
    }

    /// The file is still being written (EDF record count -1, records beyond the count; WFDB
    /// length 0 or growing): what was read is what it held when opened.
    fn open_for_writing(&self) -> bool {
        false
    }

    /// Checks that need a pass over the data (WFDB checksums): one note per problem found.
    fn verify(&self) -> Vec<String> {
        Vec::new()
    }
}

/// A recording opened read-only: header, channels, annotations and lazy access to samples.
pub struct Recording {
    pub path: PathBuf,
    pub format: Format,
    pub start: Option<StartTime>,
    /// Number of data records and their duration (EDF family; 1 and the length for HDF5).
    pub records: u64,
    pub record_duration_s: f64,
    pub duration_s: f64,
    pub channels: Vec<Channel>,
    /// Read on first use where the reader defers them (WFDB annotation files).
    pub annotations: Annotations,
    /// Stretches of the time axis that hold data; more than one only for EDF+D with gaps.
    pub segments: Vec<Segment>,
    /// What was unusual about the file but could still be read (shown by `sigmark info`).
    pub notes: Vec<String>,
    pub(crate) source: Box<dyn SampleSource>,
}

impl fmt::Debug for Recording {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recording")
            .field("path", &self.path)
            .field("format", &self.format)
            .field("channels", &self.channels.len())
            .field("annotations", &self.annotations.len())
            .finish()
    }
}

/// Samples of one channel over a time window, with the index of the first one.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub first_sample: u64,
    pub values: Vec<f64>,
}

impl Recording {
    /// The reader's notes followed by what reading the annotations said (this reads a
    /// deferred annotation file, so `info` and the viewer call it, a window read does not).
    pub fn all_notes(&self) -> Vec<String> {
        let mut notes = self.notes.clone();
        notes.extend(self.annotations.notes().iter().cloned());
        notes
    }

    /// Index of a channel by exact label, or by 0-based index written as a number.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        if let Some(i) = self.channels.iter().position(|c| c.label == name) {
            return Some(i);
        }
        let trimmed = name.trim();
        if let Some(i) = self.channels.iter().position(|c| c.label.trim() == trimmed) {
            return Some(i);
        }
        trimmed
            .parse::<usize>()
            .ok()
            .filter(|&i| i < self.channels.len())
    }

    fn check_channel(&self, ch: usize) -> Result<&Channel, Error> {
        self.channels.get(ch).ok_or_else(|| Error::NoSuchChannel {
            path: self.path.clone(),
            channel: ch.to_string(),
            available: self.channels.len(),
        })
    }

    /// Physical values of samples `first..first + count` of channel `ch`.
    pub fn read_samples(&self, ch: usize, first: u64, count: usize) -> Result<Vec<f64>, Error> {
        let c = self.check_channel(ch)?;
        let end = first.saturating_add(count as u64);
        if end > c.samples {
            return Err(Error::OutOfRange {
                path: self.path.clone(),
                channel: c.label.clone(),
                first,
                count: count as u64,
                samples: c.samples,
            });
        }
        let mut out = vec![0.0; count];
        self.source.read_physical(ch, first, &mut out)?;
        Ok(out)
    }

    /// Stored integer values of samples `first..first + count` (EDF family); `None` for formats
    /// that store physical values directly.
    pub fn read_digital(
        &self,
        ch: usize,
        first: u64,
        count: usize,
    ) -> Result<Option<Vec<i32>>, Error> {
        let c = self.check_channel(ch)?;
        if first.saturating_add(count as u64) > c.samples {
            return Err(Error::OutOfRange {
                path: self.path.clone(),
                channel: c.label.clone(),
                first,
                count: count as u64,
                samples: c.samples,
            });
        }
        let mut out = vec![0; count];
        Ok(self
            .source
            .read_digital(ch, first, &mut out)?
            .then_some(out))
    }

    /// Physical values of channel `ch` whose sample times fall in `[start_s, start_s + dur_s)`.
    /// Only the records holding those samples are touched.
    pub fn read_window(&self, ch: usize, start_s: f64, dur_s: f64) -> Result<Window, Error> {
        let c = self.check_channel(ch)?;
        let first = self.sample_at_or_after(ch, start_s);
        let end = self.sample_at_or_after(ch, start_s + dur_s.max(0.0));
        let count = end
            .saturating_sub(first)
            .min(c.samples - first.min(c.samples));
        let values = self.read_samples(ch, first, count as usize)?;
        Ok(Window {
            first_sample: first,
            values,
        })
    }

    /// Time in seconds (from the first sample) of sample `index` of channel `ch`.
    pub fn sample_time(&self, ch: usize, index: u64) -> f64 {
        let Some(c) = self.channels.get(ch) else {
            return 0.0;
        };
        if c.rate_hz <= 0.0 {
            return 0.0;
        }
        match self.source.record_onset(ch, index) {
            Some(onset) => {
                let within = index % c.samples_per_record.max(1);
                onset + within as f64 / c.rate_hz
            }
            None => index as f64 / c.rate_hz,
        }
    }

    /// The first sample of channel `ch` whose time is at or after `t` (binary search, so it
    /// also works across the gaps of EDF+D files).
    pub fn sample_at_or_after(&self, ch: usize, t: f64) -> u64 {
        let Some(c) = self.channels.get(ch) else {
            return 0;
        };
        if c.rate_hz <= 0.0 || c.samples == 0 {
            return 0;
        }
        let (mut lo, mut hi) = (0u64, c.samples);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.sample_time(ch, mid) < t - 1e-12 {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// Whether a writer was still appending to the file when it was opened.
    pub fn open_for_writing(&self) -> bool {
        self.source.open_for_writing()
    }

    /// Statistics over every sample of channel `ch`.
    pub fn channel_stats(&self, ch: usize) -> Result<ChannelStats, Error> {
        self.check_channel(ch)?;
        self.source.stats(ch)
    }

    /// Statistics over every sample of every channel, in one streaming pass where the format
    /// allows it.
    pub fn all_stats(&self) -> Result<Vec<ChannelStats>, Error> {
        self.source.all_stats()
    }

    /// Notes from checks that read every sample (WFDB checksums); empty when all agree.
    pub fn verify(&self) -> Vec<String> {
        self.source.verify()
    }
}
