//! The help overlay: every bound action with its keys, then the active label keymap. (Its
//! content and scrolling are being reworked in `tui/help.rs`; this draws what it lists today.)

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Clear, Widget};

use crate::tui::app::App;

/// Draws the help box centred in `area`.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    draw_help(buf, area, app);
}

/// The help's lines: each bound action with its keys, then the label keymap.
fn help_lines(app: &App) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for &a in crate::tui::action::Action::ALL {
        let keys = app.keymap.keys_for(a);
        if keys.is_empty() {
            continue;
        }
        let keys = crate::text::sanitize(&keys);
        lines.push(format!("{keys:>18}  {}", a.description()));
    }
    if let Some(a) = &app.annot {
        lines.push(format!(
            "{:>18}  labels of {} {}",
            "",
            crate::text::sanitize(&a.taxonomy.name),
            crate::text::sanitize(&a.taxonomy.version)
        ));
        for l in &a.taxonomy.labels {
            let kind = match l.kind {
                crate::annotations::LabelKind::Point => "point",
                crate::annotations::LabelKind::Interval => "interval",
                crate::annotations::LabelKind::Epoch => "epoch",
            };
            lines.push(crate::text::sanitize(&format!(
                "{:>18}  {} ({kind}): {}",
                l.key, l.name, l.description
            )));
        }
    }
    lines
}

/// The box: centred, one or two columns, "N more" when the lines do not fit.
fn draw_help(buf: &mut Buffer, area: Rect, app: &App) {
    let lines = help_lines(app);
    let inner_w = area.width.saturating_sub(4);
    let col_w: u16 = 100;
    let cols = if inner_w >= 2 * col_w { 2 } else { 1 };
    let per_col = lines.len().div_ceil(cols);
    let h = (per_col as u16 + 3).min(area.height.saturating_sub(2));
    let w = (col_w * cols as u16).min(inner_w);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    if r.width == 0 || r.height < 2 {
        return;
    }
    Clear.render(r, buf);
    let title = " sigmark keys (keymaps/default.toml; any key closes) ";
    buf.set_style(r, Style::default());
    let border = app.theme.dim();
    for x in r.x..r.x + r.width {
        buf.set_string(x, r.y, "─", border);
        buf.set_string(x, r.y + r.height - 1, "─", border);
    }
    buf.set_stringn(
        r.x + 2,
        r.y,
        title,
        usize::from(r.width.saturating_sub(4)),
        app.theme.label(false),
    );
    let rows = usize::from(r.height.saturating_sub(2));
    let cw = usize::from(r.width) / cols;
    for (k, line) in lines.iter().enumerate() {
        let (c, row) = (k / per_col, k % per_col);
        if row >= rows {
            continue;
        }
        buf.set_stringn(
            r.x + (c * cw) as u16,
            r.y + 1 + row as u16,
            line,
            cw.saturating_sub(1),
            Style::default(),
        );
    }
    if per_col > rows {
        let more = format!(" {} more: enlarge the terminal ", per_col - rows);
        buf.set_stringn(
            r.x + 2,
            r.y + r.height - 1,
            more,
            usize::from(r.width.saturating_sub(4)),
            border,
        );
    }
}
