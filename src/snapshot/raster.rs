//! The PNG's paper grid drawn straight into the pixmap. Through resvg, the ~600 grid lines of a
//! 12-lead page cost a fifth of the render time; as whole-pixel rectangles (what
//! `shape-rendering="crispEdges"` asks for) they cost a few milliseconds. `lift` takes the
//! grid paths (and the white page, which the pixmap already is) out of the strip's SVG; the
//! rest of the drawing goes through resvg on top, so the stacking is unchanged (the grid lies
//! under the events and traces; only the header text, which it never overlaps, is drawn after).
//! An element `lift` does not fully understand stays in the SVG for resvg to draw.

use resvg::tiny_skia::{Color, Paint, Pixmap, Rect, Transform};

/// One grid path: a colour, a stroke width and its straight lines, in millimetres.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Grid {
    rgb: [u8; 3],
    width_mm: f32,
    lines: Vec<Line>,
}

/// A vertical (`V`) or horizontal (`H`) line from `(x, y)` to `to` along its axis.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Line {
    x: f32,
    y: f32,
    to: f32,
    vertical: bool,
}

/// The SVG without its grid paths and white page, and the grid paths taken out.
pub(crate) fn lift(svg: &str) -> (String, Vec<Grid>) {
    let mut rest = String::with_capacity(svg.len());
    let mut grids = Vec::new();
    for line in svg.lines() {
        if is_page(line) {
            continue;
        }
        match grid(line) {
            Some(g) => grids.push(g),
            None => {
                rest.push_str(line);
                rest.push('\n');
            }
        }
    }
    (rest, grids)
}

/// The page's white background, as `draw::document` writes it.
fn is_page(line: &str) -> bool {
    line.starts_with("<rect width=\"")
        && line.ends_with("fill=\"white\"/>")
        && !line.contains(" x=")
}

/// A crisp grid path as `draw` writes it: `M x,y V y` / `M x,y H x` only, a `#rrggbb` stroke.
fn grid(line: &str) -> Option<Grid> {
    if !(line.starts_with("<path class=\"grid-") && line.contains("crispEdges")) {
        return None;
    }
    let rgb = hex(attr(line, "stroke")?)?;
    let width_mm: f32 = attr(line, "stroke-width")?.parse().ok()?;
    let lines = path(attr(line, "d")?)?;
    Some(Grid {
        rgb,
        width_mm,
        lines,
    })
}

fn attr<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let from = line.find(&key)? + key.len();
    let len = line[from..].find('"')?;
    Some(&line[from..from + len])
}

fn hex(s: &str) -> Option<[u8; 3]> {
    let s = s.strip_prefix('#')?;
    if s.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(s.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// `M x,yVy` and `M x,yHx` segments; `None` for anything else.
fn path(d: &str) -> Option<Vec<Line>> {
    let mut lines = Vec::new();
    for seg in d.split('M').filter(|s| !s.is_empty()) {
        let (at, vertical) = match seg.find('V') {
            Some(i) => (i, true),
            None => (seg.find('H')?, false),
        };
        let (x, y) = seg[..at].split_once(',')?;
        lines.push(Line {
            x: x.parse().ok()?,
            y: y.parse().ok()?,
            to: seg[at + 1..].parse().ok()?,
            vertical,
        });
    }
    Some(lines)
}

/// Each line as a rectangle of whole pixels (at least one wide), not anti-aliased.
pub(crate) fn draw(pixmap: &mut Pixmap, grids: &[Grid], px_per_mm: f32) {
    for g in grids {
        let mut paint = Paint::default();
        paint.set_color(Color::from_rgba8(g.rgb[0], g.rgb[1], g.rgb[2], 255));
        paint.anti_alias = false;
        let thick = (g.width_mm * px_per_mm).round().max(1.0);
        for l in &g.lines {
            let across = if l.vertical { l.x } else { l.y };
            let lo = (across * px_per_mm - thick / 2.0).round();
            let (a, b) = if l.vertical { (l.y, l.to) } else { (l.x, l.to) };
            let (a, b) = (
                (a.min(b) * px_per_mm).round(),
                (a.max(b) * px_per_mm).round(),
            );
            let rect = if l.vertical {
                Rect::from_xywh(lo, a, thick, (b - a).max(1.0))
            } else {
                Rect::from_xywh(a, lo, (b - a).max(1.0), thick)
            };
            if let Some(r) = rect {
                pixmap.fill_rect(r, &paint, Transform::identity(), None);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_paths_and_page_are_lifted_and_the_rest_kept() {
        let svg = concat!(
            "<svg width=\"10mm\">\n",
            "<rect width=\"10\" height=\"8\" fill=\"white\"/>\n",
            "<path class=\"grid-minor\" shape-rendering=\"crispEdges\" d=\"M1,2V5M1,2H3.5\" ",
            "stroke=\"#f5c0c0\" stroke-width=\"0.05\" fill=\"none\"/>\n",
            "<path class=\"grid-odd\" shape-rendering=\"crispEdges\" d=\"M1,2L4,4\" ",
            "stroke=\"#f5c0c0\" stroke-width=\"0.05\" fill=\"none\"/>\n",
            "<rect class=\"event\" x=\"1\" width=\"2\" fill=\"white\"/>\n",
            "</svg>\n"
        );
        let (rest, grids) = lift(svg);
        println!("rest:\n{rest}grids: {grids:?}");
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].rgb, [0xf5, 0xc0, 0xc0]);
        assert_eq!(grids[0].width_mm, 0.05);
        let v = Line {
            x: 1.0,
            y: 2.0,
            to: 5.0,
            vertical: true,
        };
        let h = Line {
            to: 3.5,
            vertical: false,
            ..v
        };
        assert_eq!(grids[0].lines, vec![v, h]);
        assert!(
            !rest.contains("height=\"8\""),
            "the page is the pixmap's white"
        );
        assert!(
            rest.contains("grid-odd"),
            "a path it cannot read stays for resvg"
        );
        assert!(rest.contains("class=\"event\""));
    }

    #[test]
    fn lines_are_whole_pixels_at_least_one_wide() {
        let mut px = Pixmap::new(20, 20).unwrap();
        let g = Grid {
            rgb: [255, 0, 0],
            width_mm: 0.05,
            lines: path("M5,0V10M0,15H20").unwrap(),
        };
        draw(&mut px, &[g], 1.0);
        let red = |x: u32, y: u32| px.pixel(x, y).unwrap().red() == 255;
        let row: Vec<u32> = (0..20).filter(|&x| red(x, 5)).collect();
        let col: Vec<u32> = (0..20).filter(|&y| red(3, y)).collect();
        println!("red on row 5: {row:?}, on column 3: {col:?}");
        assert_eq!(row, vec![5]);
        assert_eq!(col, vec![15]);
    }
}
