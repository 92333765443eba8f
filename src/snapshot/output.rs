//! PNG and PDF from the strip's SVG: parsed once by usvg (system fonts loaded once), rendered
//! by resvg/tiny-skia (PNG) or svg2pdf (PDF). The SVG's millimetres stay true in both: usvg
//! reads `width="Wmm"` at 96 px per inch, the PNG is scaled to its dpi and the PDF page is set
//! at 96 dpi, so a millimetre is mm × 72 / 25.4 points.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::SnapshotError;

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

/// The strip as PNG at `dpi` dots per inch, on white.
pub fn png(svg: &str, dpi: f64) -> Result<Vec<u8>, SnapshotError> {
    let tree = tree(svg)?;
    let scale = (dpi / CSS_DPI) as f32;
    let size = tree.size();
    let w = (size.width() * scale).ceil() as u32;
    let h = (size.height() * scale).ceil() as u32;
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or_else(|| SnapshotError::Render {
        what: "PNG",
        detail: format!("a {w} x {h} pixel image is too large; lower --dpi"),
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| SnapshotError::Render {
        what: "PNG",
        detail: e.to_string(),
    })
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
