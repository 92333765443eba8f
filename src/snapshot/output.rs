//! PNG and PDF from the strip's SVG: parsed once by usvg (system fonts loaded once), rendered
//! by resvg/tiny-skia (PNG) or svg2pdf (PDF). The SVG's millimetres stay true in both: usvg
//! reads `width="Wmm"` at 96 px per inch, the PNG is scaled to its dpi and the PDF page is set
//! at 96 dpi, so a millimetre is mm × 72 / 25.4 points.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::{raster, SnapshotError};

/// usvg's (and CSS's) pixels per inch.
const CSS_DPI: f64 = 96.0;

/// What `--out` asks for, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Svg,
    Pdf,
    Png,
}

impl Kind {
    /// The kind of `out` (`.svg`, `.pdf`, `.png`, any case), or an error naming it.
    pub fn of(out: &Path) -> Result<Kind, SnapshotError> {
        let ext = out
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("svg") => Ok(Kind::Svg),
            Some("pdf") => Ok(Kind::Pdf),
            Some("png") => Ok(Kind::Png),
            _ => Err(SnapshotError::value(
                "--out",
                out.display(),
                "a file name ending in .svg, .pdf or .png",
            )),
        }
    }
}

/// Refuses to write over the recording (or to a directory).
pub(crate) fn check_target(recording: &Path, out: &Path) -> Result<(), SnapshotError> {
    let same = match (std::fs::canonicalize(recording), std::fs::canonicalize(out)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(SnapshotError::Output {
            path: out.to_path_buf(),
            detail: "is the recording itself; give another --out".into(),
        });
    }
    if out.is_dir() {
        return Err(SnapshotError::Output {
            path: out.to_path_buf(),
            detail: "is a directory; give a file name ending in .svg, .pdf or .png".into(),
        });
    }
    Ok(())
}

/// The system fonts (DejaVu on Debian), loaded on first use and shared after.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            db.set_sans_serif_family("DejaVu Sans");
            // Each text element would otherwise map and parse its font file again (2.5 ms a
            // label); shared, a face is mapped once for the process.
            let ids: Vec<usvg::fontdb::ID> = db.faces().map(|f| f.id).collect();
            for id in ids {
                // SAFETY: font files are mapped read-only and never written by sigmark; a font
                // replaced while mapped is the same accepted risk as the recordings' maps.
                unsafe {
                    db.make_shared_face_data(id);
                }
            }
            Arc::new(db)
        })
        .clone()
}

fn tree(svg: &str) -> Result<usvg::Tree, SnapshotError> {
    let opt = usvg::Options {
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    usvg::Tree::from_str(svg, &opt).map_err(|e| SnapshotError::Render {
        what: "SVG",
        detail: e.to_string(),
    })
}

/// The strip as PNG at `dpi` dots per inch, on white: the paper grid straight into the pixmap
/// (`raster`), the rest of the drawing through resvg on top.
pub fn png(svg: &str, dpi: f64) -> Result<Vec<u8>, SnapshotError> {
    let (rest, grids) = raster::lift(svg);
    let tree = tree(&rest)?;
    let scale = (dpi / CSS_DPI) as f32;
    let size = tree.size();
    let w = (size.width() * scale).ceil() as u32;
    let h = (size.height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| SnapshotError::Render {
        what: "PNG",
        detail: format!("a {w} x {h} pixel image is too large; lower --dpi"),
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    // The user unit is the millimetre (`width="Wmm"` over `viewBox="0 0 W H"`).
    raster::draw(&mut pixmap, &grids, (dpi / 25.4) as f32);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    encode_png(&pixmap, dpi)
}

/// The pixmap's own RGBA bytes (opaque, so premultiplied is plain), the Paeth filter and fast
/// deflate (fdeflate), and the dpi in a pHYs chunk so a viewer or printer shows it at true size.
/// On a 12-lead page at 300 dpi: tiny-skia's own encoder 250 ms; RGB with the default Sub filter
/// 80 ms, of which 40 ms the RGBA to RGB copy; RGBA with Paeth 26 ms and a file 6 x smaller.
fn encode_png(pixmap: &tiny_skia::Pixmap, dpi: f64) -> Result<Vec<u8>, SnapshotError> {
    let fail = |e: png::EncodingError| SnapshotError::Render {
        what: "PNG",
        detail: e.to_string(),
    };
    let mut out = Vec::with_capacity(pixmap.data().len() / 16);
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    enc.set_filter(png::FilterType::Paeth);
    let per_m = (dpi / 0.0254).round() as u32;
    enc.set_pixel_dims(Some(png::PixelDimensions {
        xppu: per_m,
        yppu: per_m,
        unit: png::Unit::Meter,
    }));
    let mut w = enc.write_header().map_err(fail)?;
    w.write_image_data(pixmap.data()).map_err(fail)?;
    w.finish().map_err(fail)?;
    Ok(out)
}

/// The strip as a one-page PDF whose page is the drawing's size in millimetres.
pub fn pdf(svg: &str) -> Result<Vec<u8>, SnapshotError> {
    let tree = tree(svg)?;
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions {
            dpi: CSS_DPI as f32,
        },
    )
    .map_err(|e| SnapshotError::Render {
        what: "PDF",
        detail: e.to_string(),
    })
}
