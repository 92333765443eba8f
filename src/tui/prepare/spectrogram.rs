//! The spectrogram panel's data: for each screen column the spectrogram column at its centre
//! time, its bins from 0 Hz to the chosen upper limit binned to the panel's pixel rows, and
//! the colour range in dB (5th to 99th percentile, or a fixed depth below the maximum).
//! O(columns x rows); redone while the job runs (more columns arrive) or when the view, the
//! frequency range or the colour range change.

use crate::tui::app::App;
use crate::tui::freq::{self, DbRange};

/// What the spectrogram panel draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpectrogramView {
    pub title: String,
    /// The analysed lane's label.
    pub label: String,
    /// Highest frequency shown, Hz (the frequency of the top bin shown).
    pub top_hz: f64,
    /// Width of a frequency bin, Hz, and how many bins (from 0 Hz) the pixel rows cover.
    pub bin_hz: f64,
    pub bins_shown: usize,
    /// Per screen column: levels of its pixel rows, top (highest frequency) first.
    pub grid: Vec<Option<Vec<f32>>>,
    /// Levels in dB mapped to 0 and 1 of the colour scale (None: nothing computed yet in view).
    pub range: Option<(f64, f64)>,
    /// How `range` was chosen.
    pub db: DbRange,
}

impl SpectrogramView {
    /// Pixel rows of the panel (two per cell row).
    pub fn pixels(&self) -> usize {
        self.grid.iter().flatten().map(Vec::len).next().unwrap_or(0)
    }

    /// The frequencies (lowest and highest bin, Hz) pixel row `p` (0 = top) shows of `px`.
    pub fn pixel_hz(&self, p: usize, px: usize) -> (f64, f64) {
        let (b0, b1) = pixel_bins(p, px, self.bins_shown);
        (b0 as f64 * self.bin_hz, (b1 - 1) as f64 * self.bin_hz)
    }

    /// The frequency at the middle of cell row `row` (two pixel rows) of `rows`, Hz.
    pub fn row_hz(&self, row: usize, rows: usize) -> f64 {
        let px = rows * 2;
        let (lo, _) = self.pixel_hz(row * 2 + 1, px);
        let (_, hi) = self.pixel_hz(row * 2, px);
        (lo + hi) / 2.0
    }
}

/// (view start, span, width, height, top limit, colour range, the job's own key: lane and
/// window) once the job is done.
type Key = (u64, u64, u16, u16, u64, DbRange, crate::jobs::Key);

#[derive(Debug, Default)]
pub struct SpectrogramCache {
    key: Option<Key>,
    pub view: Option<SpectrogramView>,
}

/// Brings the panel's data up to date for a panel `width` columns by `height` rows.
pub fn refresh(app: &mut App, width: u16, height: u16) {
    let Some(sj) = &app.freq.spectrogram else {
        app.prepared.spectrogram = SpectrogramCache::default();
        return;
    };
    let done = sj.job.is_done();
    let v = &app.view;
    let key = (
        v.start_s.to_bits(),
        v.span_s.to_bits(),
        width,
        height,
        app.freq.sg_top_hz.unwrap_or(f64::NAN).to_bits(),
        app.freq.sg_db,
        sj.key.clone(),
    );
    if app.prepared.spectrogram.key.as_ref() == Some(&key) {
        return;
    }
    let view = build(app, width, height);
    let cache = &mut app.prepared.spectrogram;
    cache.key = done.then_some(key);
    cache.view = view;
}

/// The highest frequency the panel shows for the job's lane: the chosen limit (or the lane
/// kind's default), at most the highest computed.
pub fn top_hz(app: &App) -> Option<(f64, f64)> {
    let sj = app.freq.spectrogram.as_ref()?;
    let lane = app.lanes.get(sj.lane)?;
    let sg = sj.shared.read();
    let computed = sg.bins().saturating_sub(1) as f64 * sg.bin_hz();
    let want = app
        .freq
        .sg_top_hz
        .unwrap_or_else(|| freq::default_top_hz(lane.kind));
    Some((want.min(computed), computed))
}

fn build(app: &App, width: u16, height: u16) -> Option<SpectrogramView> {
    let sj = app.freq.spectrogram.as_ref()?;
    let lane = app
        .lanes
        .get(sj.lane.min(app.lanes.len().saturating_sub(1)))?;
    let (top, _) = top_hz(app)?;
    let sg = sj.shared.read();
    let title = if sj.job.is_done() {
        "spectro".to_string()
    } else {
        format!("sg {:.0}%", sj.job.fraction() * 100.0)
    };
    let bin_hz = sg.bin_hz();
    let bins_shown = ((top / bin_hz + 1e-9).floor() as usize + 1).clamp(1, sg.bins().max(1));
    let v = &app.view;
    let px = usize::from(height) * 2;
    let grid: Vec<Option<Vec<f32>>> = (0..width)
        .map(|x| {
            let t = v.start_s + (f64::from(x) + 0.5) / f64::from(width) * v.span_s;
            let s = app.rec.sample_at_or_after(lane.anchor, t) as f64;
            let bins = sg.column_at_sample(s).and_then(|c| sg.column(c))?;
            Some(pixel_rows(bins.get(..bins_shown).unwrap_or(bins), px))
        })
        .collect();
    Some(SpectrogramView {
        title,
        label: crate::text::sanitize(&lane.label),
        top_hz: (bins_shown - 1) as f64 * bin_hz,
        bin_hz,
        bins_shown,
        range: level_range(&grid, app.freq.sg_db),
        grid,
        db: app.freq.sg_db,
    })
}

/// The bins `b0..b1` under pixel row `p` (0 = top) of `px`, of `n` bins from 0 Hz.
fn pixel_bins(p: usize, px: usize, n: usize) -> (usize, usize) {
    let (px, p) = (px.max(1), p.min(px.max(1) - 1));
    let b0 = ((px - 1 - p) * n / px).min(n.saturating_sub(1));
    let b1 = ((px - p) * n / px).max(b0 + 1).min(n.max(1));
    (b0, b1)
}

/// The maximum level of the bins under each of `px` pixel rows, highest frequencies first.
fn pixel_rows(bins: &[f32], px: usize) -> Vec<f32> {
    (0..px)
        .map(|p| {
            let (b0, b1) = pixel_bins(p, px, bins.len());
            bins.get(b0..b1).map_or(f32::NEG_INFINITY, |s| {
                s.iter().copied().fold(f32::NEG_INFINITY, f32::max)
            })
        })
        .collect()
}

/// The colour range of the finite levels on screen: their 5th and 99th percentiles, or
/// `db` below their maximum.
fn level_range(grid: &[Option<Vec<f32>>], db: DbRange) -> Option<(f64, f64)> {
    let mut levels: Vec<f32> = grid
        .iter()
        .flatten()
        .flat_map(|c| c.iter().copied().filter(|v| v.is_finite()))
        .collect();
    if levels.is_empty() {
        return None;
    }
    levels.sort_by(f32::total_cmp);
    let max = f64::from(levels[levels.len() - 1]);
    match db {
        DbRange::Below(depth) => Some((max - depth, max)),
        DbRange::Auto => {
            let lo = f64::from(levels[levels.len() * 5 / 100]);
            let hi = f64::from(levels[(levels.len() * 99 / 100).min(levels.len() - 1)]);
            Some((lo, hi.max(lo + 1.0)))
        }
    }
}
