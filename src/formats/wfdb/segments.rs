//! Multi-segment records (fixed and variable layout) as one recording.
//!
//! Each segment is a single-segment record of its own (own gains and baselines, so physical
//! values are computed per segment); `~` segments and segments missing from disk are gaps
//! (invalid samples: NaN physical). In a variable layout the first segment of length 0 is the
//! layout header that lists every signal; a segment holds a subset of them, matched by name.
//! A fixed layout takes its signals from the first segment and matches them by position.

use std::path::Path;

use super::header::{self, Header, SignalSpec};
use super::source::WfdbSource;
use crate::formats::Error;
use crate::signal::{ChannelStats, Recording, SampleSource};

/// One segment on the record's time axis.
struct Part {
    start: u64,
    frames: u64,
    /// The segment's samples, `None` for gaps and missing segments.
    source: Option<WfdbSource>,
    /// For each record channel: the segment's channel holding it.
    map: Vec<Option<usize>>,
}

/// Samples of a multi-segment record.
pub struct MultiSource {
    path: std::path::PathBuf,
    parts: Vec<Part>,
    /// Per record channel: samples per frame, and the invalid value of its digital reads.
    spf: Vec<u64>,
    pad: Vec<i32>,
}

pub fn open(hea: &Path, h: Header) -> Result<Recording, Error> {
    let dir = header::dir_of(hea);
    let mut notes = Vec::new();
    let variable = h.segments.first().is_some_and(|s| s.len == 0);
    let mut parts = Vec::with_capacity(h.segments.len());
    let mut layout: Option<Vec<SignalSpec>> = None;
    let mut start = 0u64;
    for (k, seg) in h.segments.iter().enumerate() {
        if seg.name == "~" {
            parts.push(gap(start, seg.len));
            start = start.saturating_add(seg.len);
            continue;
        }
        let seg_hea = dir.join(format!("{}.hea", seg.name));
        if !seg_hea.is_file() {
            notes.push(format!(
                "segment {} ({} frames from frame {start}) is not on disk: shown as a gap",
                seg.name, seg.len
            ));
            parts.push(gap(start, seg.len));
            start = start.saturating_add(seg.len);
            continue;
        }
        let sh = header::read(&seg_hea)?;
        if sh.n_seg.is_some() {
            return Err(super::header_error(
                hea,
                seg.line,
                "seg_name",
                "a single-segment record (segments do not nest)",
                &seg.name,
            ));
        }
        if k == 0 && variable {
            layout = Some(sh.signals);
            continue;
        }
        let signals = layout.get_or_insert_with(|| sh.signals.clone());
        let map = match_signals(signals, &sh.signals, variable);
        let (source, held) = super::single(&seg_hea, &sh, &mut notes)?;
        if held < seg.len {
            notes.push(format!(
                "segment {} holds {held} of its {} frames; the rest is shown as a gap",
                seg.name, seg.len
            ));
        }
        parts.push(Part {
            start,
            frames: seg.len,
            source: Some(source),
            map,
        });
        start = start.saturating_add(seg.len);
    }
    let signals = layout.unwrap_or_default();
    let spf = signals
        .iter()
        .map(|s| u64::from(s.samps_per_frame))
        .collect();
    let pad = signals
        .iter()
        .map(|s| super::fmt::invalid_value(s.fmt).unwrap_or(i32::MIN))
        .collect();
    let mut master = h;
    master.signals = signals;
    let source = MultiSource {
        path: hea.to_path_buf(),
        parts,
        spf,
        pad,
    };
    Ok(super::recording(
        hea,
        &master,
        Box::new(source),
        start,
        notes,
    ))
}

fn gap(start: u64, frames: u64) -> Part {
    Part {
        start,
        frames,
        source: None,
        map: Vec::new(),
    }
}

fn match_signals(record: &[SignalSpec], seg: &[SignalSpec], by_name: bool) -> Vec<Option<usize>> {
    record
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if by_name {
                seg.iter().position(|s| s.sig_name == r.sig_name)
            } else {
                (i < seg.len()).then_some(i)
            }
        })
        .collect()
}

impl MultiSource {
    /// Calls `f(part, first_in_part, range_in_out)` for each segment overlapping samples
    /// `first..first + n` of channel `ch`.
    fn runs(
        &self,
        ch: usize,
        first: u64,
        n: usize,
        mut f: impl FnMut(&Part, u64, std::ops::Range<usize>),
    ) {
        let spf = self.spf[ch];
        let end = first + n as u64;
        for p in &self.parts {
            let a = p.start.saturating_mul(spf);
            let b = p.start.saturating_add(p.frames).saturating_mul(spf);
            let (lo, hi) = (a.max(first), b.min(end));
            if lo < hi {
                f(p, lo - a, (lo - first) as usize..(hi - first) as usize);
            }
        }
    }
}

/// Samples of segment channel `sc` the segment's source holds, from `first`.
fn held(src: &WfdbSource, sc: usize, first: u64, want: usize) -> usize {
    let have = src.frames * src.chans[sc].spf;
    (have.saturating_sub(first) as usize).min(want)
}

impl SampleSource for MultiSource {
    fn read_physical(&self, ch: usize, first: u64, out: &mut [f64]) -> Result<(), Error> {
        out.fill(f64::NAN);
        let mut err = None;
        self.runs(ch, first, out.len(), |p, at, r| {
            let (Some(src), Some(Some(sc))) = (&p.source, p.map.get(ch)) else {
                return;
            };
            let k = held(src, *sc, at, r.len());
            if let Err(e) = src.read_physical(*sc, at, &mut out[r.start..r.start + k]) {
                err = Some(e);
            }
        });
        err.map_or(Ok(()), Err)
    }

    fn read_digital(&self, ch: usize, first: u64, out: &mut [i32]) -> Result<bool, Error> {
        out.fill(self.pad[ch]);
        let mut err = None;
        self.runs(ch, first, out.len(), |p, at, r| {
            let (Some(src), Some(Some(sc))) = (&p.source, p.map.get(ch)) else {
                return;
            };
            let k = held(src, *sc, at, r.len());
            if let Err(e) = src.read_digital(*sc, at, &mut out[r.start..r.start + k]) {
                err = Some(e);
            }
        });
        err.map_or(Ok(true), Err)
    }

    fn stats(&self, ch: usize) -> Result<ChannelStats, Error> {
        Ok(self.all_stats()?.swap_remove(ch))
    }

    fn all_stats(&self) -> Result<Vec<ChannelStats>, Error> {
        let mut total: Vec<Option<ChannelStats>> = vec![None; self.spf.len()];
        for p in &self.parts {
            let Some(src) = &p.source else { continue };
            let seg = src.all_stats()?;
            for (t, sc) in total.iter_mut().zip(&p.map) {
                if let Some(s) = sc.and_then(|sc| seg.get(sc)).filter(|s| s.n > 0) {
                    *t = Some(match t.take() {
                        None => *s,
                        Some(a) => merge(a, *s),
                    });
                }
            }
        }
        Ok(total.into_iter().map(|t| t.unwrap_or(EMPTY)).collect())
    }

    fn path(&self) -> &Path {
        &self.path
    }

    fn verify(&self) -> Vec<String> {
        self.parts
            .iter()
            .filter_map(|p| p.source.as_ref())
            .flat_map(|s| {
                let name = s.path.display().to_string();
                s.verify().into_iter().map(move |n| format!("{name}: {n}"))
            })
            .collect()
    }
}

const EMPTY: ChannelStats = ChannelStats {
    n: 0,
    min: f64::NAN,
    max: f64::NAN,
    mean: f64::NAN,
    sum: 0.0,
    sum_sq: 0.0,
};

fn merge(a: ChannelStats, b: ChannelStats) -> ChannelStats {
    let n = a.n + b.n;
    let sum = a.sum + b.sum;
    ChannelStats {
        n,
        min: a.min.min(b.min),
        max: a.max.max(b.max),
        mean: sum / n as f64,
        sum,
        sum_sq: a.sum_sq + b.sum_sq,
    }
}
