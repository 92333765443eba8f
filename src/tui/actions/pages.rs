//! Channel pages (issue 13, dense recordings): lanes per page, and paging through the visible
//! channels. The page shown is the one holding the selected lane (`prepare/pages.rs`), so
//! paging moves the selection to the first lane of the next or previous page.

use super::param::Arg;
use crate::tui::app::App;
use crate::tui::prepare::pages::{self, PerPage};

/// `lanes_per_page`: 8, 16, 32, all, then 8 again (steps holding every lane are skipped).
pub fn lanes_per_page(app: &mut App, _: Arg) {
    let n = app.visible().len();
    let size = pages::current(app, n).size;
    app.per_page = pages::next_choice(app.per_page, size, n);
    app.message = Some(match app.per_page {
        PerPage::Fixed(k) => format!("{k} lanes per page"),
        _ => "all lanes on one page".into(),
    });
}

/// `channel_page N`: N pages of channels down (minus: up), to the first lane of that page;
/// at the first or last page it stays and says so.
pub fn channel_page(app: &mut App, arg: Arg) {
    let n = app.visible().len();
    if n == 0 {
        return;
    }
    let page = pages::current(app, n);
    let last_first = (n - 1) / page.size * page.size;
    let step = page
        .size
        .saturating_mul(arg.steps().unsigned_abs() as usize);
    let target = if arg.steps() < 0 {
        (page.first > 0).then(|| page.first.saturating_sub(step))
    } else {
        let t = page.first.saturating_add(step).min(last_first);
        (t > page.first).then_some(t)
    };
    match target {
        Some(t) => app.selected = t,
        None if arg.steps() < 0 => app.message = Some("first page of channels".into()),
        None => app.message = Some("last page of channels".into()),
    }
}
