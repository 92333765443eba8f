//! The spectrogram panel's data: for each screen column the spectrogram column at its centre
//! time, binned to the panel's pixel rows, and the colour range (5th to 99th percentile).
//! O(columns x rows); redone while the job runs (more columns arrive) or when the view moves.

use crate::tui::app::App;

/// What the spectrogram panel draws.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpectrogramView {
    pub title: String,
    /// The analysed lane's label.
    pub label: String,
    /// Highest frequency shown, Hz.
    pub top_hz: f64,
    /// Per screen column: levels of its pixel rows, top (highest frequency) first.
    pub grid: Vec<Option<Vec<f32>>>,
    /// Levels mapped to 0 and 1 of the colour scale (None: nothing computed yet in view).
    pub range: Option<(f64, f64)>,
}

/// (view start, span, width, height, the job's own key: lane and window) once the job
/// is done.
type Key = (u64, u64, u16, u16, crate::jobs::Key);

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

fn build(app: &App, width: u16, height: u16) -> Option<SpectrogramView> {
    let sj = app.freq.spectrogram.as_ref()?;
    let lane = app
        .lanes
        .get(sj.lane.min(app.lanes.len().saturating_sub(1)))?;
    let sg = sj.shared.read();
    let title = if sj.job.is_done() {
        "spectrogram".to_string()
    } else {
        format!("spectro {:.0}%", sj.job.fraction() * 100.0)
    };
    let v = &app.view;
    let px = usize::from(height) * 2;
    let grid: Vec<Option<Vec<f32>>> = (0..width)
        .map(|x| {
            let t = v.start_s + (f64::from(x) + 0.5) / f64::from(width) * v.span_s;
            let s = app.rec.sample_at_or_after(lane.anchor, t) as f64;
            let bins = sg.column_at_sample(s).and_then(|c| sg.column(c))?;
            Some(pixel_rows(bins, px))
        })
        .collect();
    Some(SpectrogramView {
        title,
        label: crate::text::sanitize(&lane.label),
        top_hz: sg.bins().saturating_sub(1) as f64 * sg.bin_hz(),
        range: level_range(&grid),
        grid,
    })
}

/// The maximum level of the bins under each of `px` pixel rows, highest frequencies first.
fn pixel_rows(bins: &[f32], px: usize) -> Vec<f32> {
    (0..px)
        .map(|p| {
            let b0 = (px - 1 - p) * bins.len() / px;
            let b1 = ((px - p) * bins.len() / px).max(b0 + 1).min(bins.len());
            bins.get(b0..b1).map_or(f32::NEG_INFINITY, |s| {
                s.iter().copied().fold(f32::NEG_INFINITY, f32::max)
            })
        })
        .collect()
}

/// The 5th and 99th percentiles of the finite levels on screen.
fn level_range(grid: &[Option<Vec<f32>>]) -> Option<(f64, f64)> {
    let mut levels: Vec<f32> = grid
        .iter()
        .flatten()
        .flat_map(|c| c.iter().copied().filter(|v| v.is_finite()))
        .collect();
    if levels.is_empty() {
        return None;
    }
    levels.sort_by(f32::total_cmp);
    let lo = f64::from(levels[levels.len() * 5 / 100]);
    let hi = f64::from(levels[(levels.len() * 99 / 100).min(levels.len() - 1)]).max(lo + 1.0);
    Some((lo, hi))
}
