//! Waveform lanes drawn with Braille cells: 2 x 4 dots per character, so a 200-column lane has
//! 400 time columns. Each time column is a vertical stroke from its minimum to its maximum
//! (a min/max envelope), joined to its neighbour so a steep slope stays a continuous line.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// Dot bits of a Braille cell, by [x][y] (Unicode Braille Patterns, U+2800).
const DOTS: [[u8; 4]; 2] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]];

/// Draws one lane. `cols` holds one (min, max) per dot column (2 per cell; NaN = no data, e.g.
/// an EDF+D gap or not yet decimated), in physical units; the lane shows `center +- scale`,
/// values beyond are clipped to the lane's edge so lanes never overlap.
pub fn draw_lane(
    buf: &mut Buffer,
    area: Rect,
    cols: &[(f32, f32)],
    center: f64,
    scale: f64,
    style: Style,
) {
    if area.width == 0 || area.height == 0 || scale <= 0.0 || !scale.is_finite() {
        return;
    }
    // The whole lane takes the trace's colour, blanks included: the terminal diff then sends
    // one colour change per run instead of one at every blank-to-trace edge (over SSH this
    // cuts a 10 s page scroll at 200x50 in true colour by about a third).
    buf.set_style(area, style);
    let rows = i32::from(area.height) * 4;
    let to_px = |v: f32| -> i32 {
        let frac = (center + scale - f64::from(v)) / (2.0 * scale);
        ((frac * f64::from(rows)).floor() as i32).clamp(0, rows - 1)
    };
    let width = usize::from(area.width);
    let mut bits = vec![0u8; width * usize::from(area.height)];
    let mut prev: Option<(i32, i32)> = None;
    for (x, &(lo, hi)) in cols.iter().enumerate().take(width * 2) {
        if lo.is_nan() || hi.is_nan() {
            prev = None;
            continue;
        }
        let (mut top, mut bottom) = (to_px(hi), to_px(lo));
        if let Some((pt, pb)) = prev {
            // Join to the previous stroke: extend towards it so the trace has no holes.
            if top > pb {
                top = pb;
            }
            if bottom < pt {
                bottom = pt;
            }
        }
        prev = Some((to_px(hi), to_px(lo)));
        for y in top..=bottom {
            let cell = (y / 4) as usize * width + x / 2;
            bits[cell] |= DOTS[x % 2][(y % 4) as usize];
        }
    }
    for (i, &b) in bits.iter().enumerate() {
        if b == 0 {
            continue;
        }
        let (cx, cy) = ((i % width) as u16, (i / width) as u16);
        if let Some(cell) = buf.cell_mut((area.x + cx, area.y + cy)) {
            cell.set_char(char::from_u32(0x2800 + u32::from(b)).unwrap_or(' '));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(cols: &[(f32, f32)], w: u16, h: u16) -> Vec<String> {
        let area = Rect::new(0, 0, w, h);
        let mut buf = Buffer::empty(area);
        draw_lane(&mut buf, area, cols, 0.0, 1.0, Style::default());
        (0..h)
            .map(|y| (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect()
    }

    #[test]
    fn a_flat_line_sits_in_the_middle() {
        let rows = render(&[(0.0, 0.0); 8], 4, 2);
        // Value 0 maps to dot row 4 of 8: the top dots of the second cell row.
        assert_eq!(rows[0], "    ");
        assert_eq!(rows[1], "⠉⠉⠉⠉");
    }

    #[test]
    fn values_beyond_the_scale_are_clipped_to_the_lane() {
        let rows = render(&[(5.0, 5.0), (-5.0, -5.0)], 1, 2);
        let top = rows[0].chars().next().unwrap() as u32 - 0x2800;
        let bottom = rows[1].chars().next().unwrap() as u32 - 0x2800;
        assert!(top & 0x01 != 0, "first column starts at the top edge");
        assert!(bottom & 0x80 != 0, "second column reaches the bottom edge");
    }

    #[test]
    fn gaps_stay_empty() {
        let rows = render(
            &[
                (0.0, 0.0),
                (0.0, 0.0),
                (f32::NAN, f32::NAN),
                (f32::NAN, f32::NAN),
            ],
            2,
            2,
        );
        assert_eq!(rows[1], "⠉ ");
    }

    #[test]
    fn degenerate_areas_do_not_panic() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 1, 1));
        draw_lane(
            &mut buf,
            Rect::new(0, 0, 0, 0),
            &[(1.0, 2.0)],
            0.0,
            1.0,
            Style::default(),
        );
        draw_lane(
            &mut buf,
            Rect::new(0, 0, 1, 1),
            &[],
            0.0,
            0.0,
            Style::default(),
        );
        draw_lane(
            &mut buf,
            Rect::new(0, 0, 1, 1),
            &[(f32::INFINITY, f32::NEG_INFINITY)],
            0.0,
            1.0,
            Style::default(),
        );
    }
}
