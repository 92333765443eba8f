//! FLAC signal files (formats 508, 516, 524) through claxon, a pure-Rust FLAC decoder.
//!
//! FLAC cannot be read at an arbitrary sample cheaply, so the file is decoded once at open,
//! bounded: the header's length (else the stream's) times the channels, refused above `max`
//! samples. FLAC channel j is the file's signal j; with k samples per frame, FLAC sample
//! i*k + m of channel j is stream position i*frame_len + j*k + m (WFDB's frame order).

use std::path::Path;

use super::header::SignalSpec;
use super::source::{Data, SignalFile};
use crate::formats::Error;

fn flac_error(path: &Path, e: claxon::Error) -> Error {
    Error::UnknownFormat {
        path: path.to_path_buf(),
        detail: format!("FLAC signal file: {e}"),
    }
}

fn layout_error(path: &Path, detail: String) -> Error {
    Error::Size {
        path: path.to_path_buf(),
        actual: 0,
        detail,
    }
}

pub fn open(
    path: &Path,
    specs: &[&SignalSpec],
    frame_len: u64,
    frames: Option<u64>,
    max: u64,
) -> Result<(SignalFile, u64), Error> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut reader =
        claxon::FlacReader::new(std::io::BufReader::new(file)).map_err(|e| flac_error(path, e))?;
    let info = reader.streaminfo();
    if info.channels as usize != specs.len() {
        return Err(layout_error(
            path,
            format!(
                "the FLAC stream has {} channels but the header gives this file {} signals",
                info.channels,
                specs.len()
            ),
        ));
    }
    let spf = u64::from(specs[0].samps_per_frame);
    if specs.iter().any(|s| u64::from(s.samps_per_frame) != spf) {
        return Err(layout_error(
            path,
            "the signals of one FLAC file must have the same samples per frame".into(),
        ));
    }
    let limit_frames = match (frames, info.samples) {
        (Some(f), Some(s)) => f.min(s / spf),
        (Some(f), None) => f,
        (None, Some(s)) => s / spf,
        (None, None) => {
            return Err(layout_error(
                path,
                "neither the header nor the FLAC stream gives the length".into(),
            ))
        }
    };
    let total = limit_frames.saturating_mul(frame_len);
    if total > max {
        return Err(super::too_many(path, total));
    }
    let mut out = vec![0i32; total as usize];
    let limit = limit_frames * spf;
    let mut t = 0u64;
    let mut blocks = reader.blocks();
    let mut buffer = Vec::new();
    while t < limit {
        let Some(block) = blocks
            .read_next_or_eof(buffer)
            .map_err(|e| flac_error(path, e))?
        else {
            break;
        };
        let take = u64::from(block.duration()).min(limit - t);
        for j in 0..info.channels {
            for (m, &v) in block.channel(j).iter().take(take as usize).enumerate() {
                let ti = t + m as u64;
                let pos = (ti / spf) * frame_len + u64::from(j) * spf + ti % spf;
                out[pos as usize] = v;
            }
        }
        t += take;
        buffer = block.into_buffer();
    }
    let held = t / spf;
    out.truncate((held * frame_len) as usize);
    let data = Data::Decoded(out);
    Ok((SignalFile { data, frame_len }, held))
}
