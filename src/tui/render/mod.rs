//! One frame: update, then draw. `prepare::prepare` computes everything the frame needs (and
//! may change state: the layout kept for mouse clicks, auto-scale, cached spectra, the
//! spectrogram request); `widgets::render` draws it from `&App`. The functions here put the
//! two together for callers that draw one frame at a time (tests, benchmarks).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Frame;

use super::app::App;
pub use super::prepare::{autoscale, lane_columns, prepare, status_line};
pub use super::widgets::{render, wave, GUTTER, MIN_HEIGHT, MIN_WIDTH};

/// Prepares and draws the whole frame.
pub fn draw(frame: &mut Frame, app: &mut App) {
    let area = frame.area();
    draw_buffer(frame.buffer_mut(), area, app);
}

/// Prepares and draws into a buffer (the benchmark and tests call this without a terminal).
pub fn draw_buffer(buf: &mut Buffer, area: Rect, app: &mut App) {
    prepare(app, area);
    render(app, area, buf);
}
