//! `sigmark export --format wfdb REC --out DIR/NAME`: the recording as a WFDB record
//! (`NAME.hea` and `NAME.dat`), readable by WFDB's tools and wfdb-python with the same
//! physical values (plan.rs says how each signal is scaled and which format it gets).
//!
//! The signal file is written first under a temporary name and renamed, then the header,
//! so a failed run leaves no record that names missing data.

mod annots;
mod data;
mod header;
pub mod plan;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::sink::Pending;
use super::{ExportError, Options};
use crate::signal::Recording;

pub use header::record_name;

/// The two files of a record named by `--out` (with or without `.hea`).
pub fn targets(out: &Path) -> Result<(String, PathBuf, PathBuf), ExportError> {
    let name = record_name(out)?;
    let dir = out.parent().unwrap_or(Path::new(""));
    Ok((
        name.clone(),
        dir.join(format!("{name}.hea")),
        dir.join(format!("{name}.dat")),
    ))
}

/// Writes the one recording in `opts.inputs` as a WFDB record.
pub fn export(opts: &Options) -> Result<Written, ExportError> {
    if opts.inputs.len() != 1 || !opts.inputs[0].is_file() {
        return Err(ExportError::Usage(
            "--format wfdb takes exactly one recording file".into(),
        ));
    }
    let input = &opts.inputs[0];
    let rec = crate::formats::open_with(input, &opts.open)
        .map_err(|e| ExportError::Usage(format!("nothing written: {e}")))?;
    let (name, hea, dat) = targets(&opts.out)?;
    let (frames, frame_hz) = write_record(&rec, &name, &hea, &dat)?;
    let dir = hea.parent().unwrap_or(Path::new(""));
    let atr = annots::write(&rec, frame_hz, dir, &name)?;
    Ok(Written {
        hea,
        dat,
        atr,
        signals: rec.channels.len(),
        annotations: rec.annotations.len(),
        frames,
    })
}

/// What `export` wrote, for the one-line summary.
#[derive(Debug, Clone)]
pub struct Written {
    pub hea: PathBuf,
    pub dat: PathBuf,
    /// The annotation file, when the recording has annotations.
    pub atr: Option<PathBuf>,
    pub signals: usize,
    pub annotations: usize,
    pub frames: u64,
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "wrote {} and {}: {} signals, {} frames",
            self.hea.display(),
            self.dat.display(),
            self.signals,
            self.frames
        )?;
        if let Some(atr) = &self.atr {
            write!(f, "; {} annotations in {}", self.annotations, atr.display())?;
        }
        Ok(())
    }
}

/// Writes `rec` as record `name` into `hea`/`dat`; returns the frames written and the frame
/// rate.
pub fn write_record(
    rec: &Recording,
    name: &str,
    hea: &Path,
    dat: &Path,
) -> Result<(u64, f64), ExportError> {
    let refuse = |why: String| {
        ExportError::Usage(format!(
            "{}: cannot be written as a WFDB record: {why}",
            rec.path.display()
        ))
    };
    let read_err = |e: crate::signal::Error| ExportError::Usage(format!("nothing written: {e}"));
    let (hz, fpr, spf) = plan::frames(rec).map_err(refuse)?;
    let mut signals = Vec::with_capacity(spf.len());
    for (ch, &n) in spf.iter().enumerate() {
        let extent = digital_extent(rec, ch).map_err(read_err)?;
        let stats = || rec.channel_stats(ch).ok();
        signals.push(plan::signal(rec, ch, n, extent, stats).map_err(refuse)?);
    }
    let plan = plan::Plan {
        frame_hz: hz,
        frames_per_record: fpr,
        signals,
    };
    let total = total_frames(rec, &plan);
    let (file, pending) = Pending::create(dat)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let written = data::write(rec, &plan, total, &mut w).map_err(|e| match e {
        data::WriteError::Read(e) => read_err(e),
        data::WriteError::Io(e) => ExportError::io(dat, e),
    })?;
    w.flush().map_err(|e| ExportError::io(dat, e))?;
    drop(w);
    pending.commit()?;
    let text = header::text(rec, name, &plan, &written);
    let (file, pending) = Pending::create(hea)?;
    let mut w = BufWriter::new(file);
    w.write_all(text.as_bytes())
        .and_then(|_| w.flush())
        .map_err(|e| ExportError::io(hea, e))?;
    drop(w);
    pending.commit()?;
    Ok((written.frames, plan.frame_hz))
}

/// Frames in the record: EDF's records times frames per record (gaps included for EDF+D),
/// else enough frames for the longest channel.
fn total_frames(rec: &Recording, plan: &plan::Plan) -> u64 {
    if rec.format.is_edf_family() {
        if rec.segments.len() > 1 {
            return (rec.duration_s * plan.frame_hz).round() as u64;
        }
        return rec.records * plan.frames_per_record;
    }
    plan.signals
        .iter()
        .map(|s| {
            rec.channels[s.channel]
                .samples
                .div_ceil(s.samples_per_frame.max(1))
        })
        .max()
        .unwrap_or(0)
}

/// The smallest and largest stored integer of channel `ch` (`None`: no stored integers).
fn digital_extent(
    rec: &Recording,
    ch: usize,
) -> Result<Option<plan::Extent>, crate::signal::Error> {
    let total = rec.channels[ch].samples;
    let mut e = plan::Extent {
        min: i64::MAX,
        max: i64::MIN,
    };
    let mut first = 0u64;
    while first < total {
        let n = (total - first).min(1 << 20) as usize;
        let Some(d) = rec.read_digital(ch, first, n)? else {
            return Ok(None);
        };
        for v in d {
            e.min = e.min.min(i64::from(v));
            e.max = e.max.max(i64::from(v));
        }
        first += n as u64;
    }
    if total == 0 {
        e = plan::Extent { min: 0, max: 0 };
    }
    Ok(Some(e))
}
