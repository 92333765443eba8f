//! HDF5 recordings (generic layouts, NWB, SNIRF, EEGLAB v7.3) through `hdf5-reader`.
//!
//! `open` recognises the format by its structure (NWB root attributes, SNIRF's `/nirs`,
//! EEGLAB's `/EEG`), otherwise walks the file for signal datasets (`layout`). Nothing but
//! metadata is read at open; samples are read as hyperslabs on demand (`source`).

mod decode;
mod eeglab;
mod iso8601;
mod layout;
pub mod lzf;
mod meta;
mod nearby;
mod nwb;
mod snirf;
mod source;
mod stats;
mod storage;
mod timebase;
mod values;

use std::path::Path;
use std::sync::Arc;

use hdf5_reader::Hdf5File;

use self::source::{ChannelData, Hdf5Source};
use self::storage::Signal;
use self::values::Cx;
use super::{Error, OpenOptions};
use crate::signal::{Annotation, Channel, Format, Recording, Segment, StartTime};

/// Largest single read the HDF5 library may allocate for us (sample reads are blocked far
/// below it; this bounds metadata reads of hostile files).
const MAX_READ_BYTES: usize = 256 * 1024 * 1024;

/// Decoded chunks kept per file (the reader's LRU cache), so that scrolling over a window
/// does not decode its chunks again.
const CHUNK_CACHE_BYTES: usize = 64 * 1024 * 1024;

#[doc(hidden)]
pub use decode::chunk_decodes;

/// Where a channel's samples are stored, for `sigmark info` and the conformance tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    /// Path of the dataset holding the samples.
    pub dataset: String,
    /// Shape of that dataset as stored.
    pub shape: Vec<u64>,
    /// Element type as numpy names it (`float32`, `int16`...).
    pub dtype: &'static str,
    /// Axis of the dataset along which channels lie (`None` for a 1-D dataset).
    pub channel_axis: Option<usize>,
    /// Index of this channel along `channel_axis` (0 for a 1-D dataset).
    pub index: u64,
    /// physical = stored * scale + offset.
    pub scale: f64,
    pub offset: f64,
}

/// Opens an HDF5-based recording.
pub fn open(path: &Path, options: &OpenOptions) -> Result<Recording, Error> {
    open_with_origins(path, options).map(|(r, _)| r)
}

/// Opens an HDF5-based recording and says where each channel's samples are stored.
pub fn open_with_origins(
    path: &Path,
    options: &OpenOptions,
) -> Result<(Recording, Vec<Origin>), Error> {
    open_with_chunk_cache(path, options, CHUNK_CACHE_BYTES)
}

/// `open_with_origins` with a chunk cache of `cache_bytes` (0: none), for tests that count
/// chunk decodes.
#[doc(hidden)]
pub fn open_with_chunk_cache(
    path: &Path,
    options: &OpenOptions,
    cache_bytes: usize,
) -> Result<(Recording, Vec<Origin>), Error> {
    let file_len = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    let h5 = hdf5_reader::OpenOptions::default()
        .with_filter_registry(decode::registry())
        .with_max_chunk_bytes(decode::MAX_CHUNK_BYTES)
        .with_chunk_cache_bytes(cache_bytes)
        .with_max_read_bytes(MAX_READ_BYTES);
    let file = Hdf5File::open_with_options(path, h5).map_err(|e| Error::Hdf5 {
        path: path.to_path_buf(),
        detail: format!("opening the file: {e}"),
    })?;
    let cx = Cx {
        path,
        file: &file,
        file_len,
        chunk_cache_bytes: cache_bytes,
    };
    let found = find(&cx, options)?;
    Ok(found.into_recording(path))
}

/// Tries the formats with a known structure, then the generic walk.
fn find(cx: &Cx, options: &OpenOptions) -> Result<Found, Error> {
    if let Some(found) = eeglab::open(cx, options)? {
        return Ok(found);
    }
    if let Some(found) = snirf::open(cx, options)? {
        return Ok(found);
    }
    if let Some(found) = nwb::open(cx, options)? {
        return Ok(found);
    }
    let format = if nwb::detect(cx) {
        Format::Nwb
    } else if snirf::root(cx).is_some() {
        Format::Snirf
    } else if eeglab::detect(cx) {
        Format::Eeglab
    } else {
        Format::Hdf5
    };
    layout::open(cx, options, format)
}

/// What a format reader found: channels with their sample locations, annotations, notes.
pub(crate) struct Found {
    pub format: Format,
    pub channels: Vec<Channel>,
    pub data: Vec<ChannelData>,
    pub annotations: Vec<Annotation>,
    pub start: Option<StartTime>,
    pub notes: Vec<String>,
}

impl Found {
    pub fn new(format: Format) -> Self {
        Found {
            format,
            channels: Vec::new(),
            data: Vec::new(),
            annotations: Vec::new(),
            start: None,
            notes: Vec::new(),
        }
    }

    /// Adds channel `index` of `signal`.
    pub fn push(
        &mut self,
        label: String,
        unit: String,
        rate_hz: f64,
        signal: &Arc<Signal>,
        index: u64,
    ) {
        self.push_scaled(label, unit, rate_hz, signal, index, 1.0, 0.0);
    }

    #[allow(clippy::too_many_arguments)]
    pub fn push_scaled(
        &mut self,
        label: String,
        unit: String,
        rate_hz: f64,
        signal: &Arc<Signal>,
        index: u64,
        scale: f64,
        offset: f64,
    ) {
        self.channels.push(Channel {
            label,
            transducer: String::new(),
            unit,
            physical_min: None,
            physical_max: None,
            digital_min: None,
            digital_max: None,
            prefilter: String::new(),
            samples_per_record: signal.samples,
            rate_hz,
            samples: signal.samples,
        });
        self.data.push(ChannelData {
            signal: Arc::clone(signal),
            index,
            scale,
            offset,
        });
    }

    fn into_recording(self, path: &Path) -> (Recording, Vec<Origin>) {
        let duration_s = self
            .channels
            .iter()
            .map(Channel::duration_s)
            .fold(0.0, f64::max);
        let origins = self
            .data
            .iter()
            .map(|d| Origin {
                dataset: d.signal.path.clone(),
                shape: d.signal.dataset.shape().to_vec(),
                dtype: d.signal.num.name(),
                channel_axis: d.signal.axes.channel_axis(),
                index: d.index,
                scale: d.scale,
                offset: d.offset,
            })
            .collect();
        let recording = Recording {
            path: path.to_path_buf(),
            format: self.format,
            start: self.start,
            records: 1,
            record_duration_s: duration_s,
            duration_s,
            channels: self.channels,
            annotations: self.annotations.into(),
            segments: vec![Segment {
                start_s: 0.0,
                duration_s,
            }],
            notes: self.notes,
            source: Box::new(Hdf5Source::new(path, self.data)),
        };
        (recording, origins)
    }
}

/// The sampling rate to use: the file's when it has a valid one, else `--rate`, else an error
/// naming what is missing and the flag that supplies it.
pub(crate) fn pick_rate(
    cx: &Cx,
    options: &OpenOptions,
    from_file: Option<(f64, String)>,
    what: &str,
    why_missing: &str,
    notes: &mut Vec<String>,
) -> Result<f64, Error> {
    let user = options.rate_hz.filter(|r| r.is_finite() && *r > 0.0);
    if let Some(r) = options.rate_hz {
        if user.is_none() {
            return Err(cx.missing(
                format!("a usable --rate (got {r})"),
                "the rate must be a positive number of Hz",
            ));
        }
    }
    match from_file {
        Some((r, src)) if r.is_finite() && r > 0.0 => {
            if let Some(u) = user.filter(|&u| u != r) {
                notes.push(format!(
                    "--rate {u} not used for {what}: the file gives {r} Hz ({src})"
                ));
            }
            Ok(r)
        }
        Some((r, src)) => match user {
            Some(u) => {
                notes.push(format!(
                    "{what}: the file's rate {r} ({src}) is not a positive number; --rate {u} Hz used"
                ));
                Ok(u)
            }
            None => Err(cx.missing(
                format!("a usable sampling rate of {what}"),
                format!("{src} is {r}, not a positive number of Hz; pass --rate HZ"),
            )),
        },
        None => match user {
            Some(u) => {
                notes.push(format!("{what}: sampling rate {u} Hz from --rate"));
                Ok(u)
            }
            None => Err(cx.missing(
                format!("sampling rate of {what}"),
                format!("{why_missing}; pass --rate HZ"),
            )),
        },
    }
}
