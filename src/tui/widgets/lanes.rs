//! The waveform lanes with their gutters, from the columns the update step computed (the page
//! of lanes shown; the status bar says which channels it holds).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{gutter, split_gutter, wave};
use crate::tui::app::App;

/// Draws the lanes into `area` (gutter and traces).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let (g_area, traces) = split_gutter(app, area);
    let view = &app.prepared.lanes;
    if view.shown.is_empty() || traces.height == 0 {
        return;
    }
    let lane_h = view.lane_h.max(1);
    for (row, (&i, cols)) in view.shown.iter().zip(&view.cols).enumerate() {
        let Some(lane) = app.lanes.get(i) else {
            continue;
        };
        let y = traces.y + row as u16 * lane_h;
        if y >= traces.y + traces.height {
            break;
        }
        let h = lane_h.min(traces.y + traces.height - y);
        let family = lane.kind as usize;
        wave::draw_lane(
            buf,
            Rect::new(traces.x, y, traces.width, h),
            cols,
            lane.center,
            lane.scale,
            app.theme.lane(family),
        );
        let g = Rect::new(area.x, y, g_area.width, h);
        let value = app.prepared.readout.values.get(row).copied().flatten();
        let selected = row == view.selected_row;
        let range = app.prepared.paper.ranges.get(row).copied().flatten();
        let gutter_row = gutter::Row {
            selected,
            value,
            range,
        };
        gutter::render(app, lane, gutter_row, g, buf);
    }
}
