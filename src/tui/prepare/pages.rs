//! Channel pages (issue 13, dense recordings): the visible lanes (in display order, after
//! hide, solo and group) are shown a page at a time, 8, 16, 32 or all per page, so a 64-channel
//! EEG is read at two rows a lane rather than crushed to one. The page is the one holding the
//! selected lane: selecting past a page's end turns the page, and paging moves the selection.
//! Open panels (spectrogram, heart rate) take their rows from the page: the page gets smaller
//! before a lane gets less than two rows.

use crate::tui::app::App;

/// The lanes-per-page steps `V` cycles through, before "all".
pub const LADDER: [usize; 3] = [8, 16, 32];

/// Rows a lane keeps when the page size is chosen for it (by default, or with a panel open).
pub const MIN_ROWS: usize = 2;

/// How many lanes a page holds, as the user chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PerPage {
    /// All lanes when each gets `MIN_ROWS` rows, else the largest step of `LADDER` that does.
    #[default]
    Auto,
    /// A step of `LADDER`.
    Fixed(usize),
    All,
}

/// The page shown: lanes `first..end` of the visible ones, `size` per page, `lane_h` rows each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub size: usize,
    pub first: usize,
    pub end: usize,
    pub lane_h: u16,
}

impl Page {
    /// The page of `n` visible lanes holding lane `selected`, in `rows` rows of traces.
    pub fn of(choice: PerPage, n: usize, selected: usize, rows: u16, panels: bool) -> Page {
        let size = page_size(choice, n, usize::from(rows), panels);
        let first = (selected.min(n.saturating_sub(1)) / size) * size;
        Page {
            size,
            first,
            end: (first + size).min(n),
            lane_h: u16::try_from(usize::from(rows) / size)
                .unwrap_or(u16::MAX)
                .max(1),
        }
    }

    /// `ch 17-32 of 64` when the page does not hold every visible lane.
    pub fn label(&self, n: usize) -> Option<String> {
        (self.first > 0 || self.end < n)
            .then(|| format!("ch {}-{} of {n}", self.first + 1, self.end))
    }
}

/// The page of the app's `n` visible lanes in the traces' rows of the last layout.
pub fn current(app: &App, n: usize) -> Page {
    let l = &app.prepared.layout;
    let panels = l.spectrogram.is_some() || l.heart_rate.is_some();
    Page::of(app.per_page, n, app.selected, app.wave_area.height, panels)
}

/// Lanes per page for `n` lanes in `rows` rows (at least 1): the choice, made smaller when a
/// lane would get less than one row, or less than `MIN_ROWS` with a panel open.
pub fn page_size(choice: PerPage, n: usize, rows: usize, panels: bool) -> usize {
    let n = n.max(1);
    let fits = |size: usize, min_rows: usize| size * min_rows <= rows;
    let size = match choice {
        PerPage::Auto => std::iter::once(n)
            .chain(LADDER.iter().rev().copied().filter(|&s| s < n))
            .find(|&s| fits(s, MIN_ROWS))
            .unwrap_or(rows / MIN_ROWS),
        PerPage::Fixed(k) => k.min(n),
        PerPage::All => n,
    };
    let min_rows = if panels { MIN_ROWS } else { 1 };
    size.min(rows / min_rows).max(1)
}

/// The choice after `current` (showing `size` of `n` lanes per page): the next step of the
/// ladder above it that holds fewer than all lanes, then all, then the first step again.
pub fn next_choice(current: PerPage, size: usize, n: usize) -> PerPage {
    let from = match current {
        PerPage::All => return first_step(n),
        PerPage::Fixed(k) => k,
        PerPage::Auto if size >= n => return first_step(n),
        PerPage::Auto => size,
    };
    LADDER
        .iter()
        .copied()
        .find(|&s| s > from && s < n)
        .map_or(PerPage::All, PerPage::Fixed)
}

fn first_step(n: usize) -> PerPage {
    if LADDER[0] < n {
        PerPage::Fixed(LADDER[0])
    } else {
        PerPage::All
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_takes_all_when_they_fit_at_two_rows_else_the_largest_step_that_does() {
        let cases = [
            // (lanes, rows, panels, size)
            (4, 46, false, 4),
            (23, 46, false, 23),
            (24, 46, false, 16),
            (64, 46, false, 16),
            (73, 70, false, 32),
            (64, 15, false, 7),
            (64, 1, false, 1),
        ];
        for (n, rows, panels, want) in cases {
            let got = page_size(PerPage::Auto, n, rows, panels);
            println!("{n} lanes in {rows} rows: {got} per page (want {want})");
            assert_eq!(got, want);
        }
    }

    #[test]
    fn a_chosen_size_gives_way_to_one_row_a_lane_or_two_with_a_panel() {
        assert_eq!(page_size(PerPage::All, 64, 46, false), 46);
        assert_eq!(page_size(PerPage::All, 64, 46, true), 23);
        assert_eq!(page_size(PerPage::Fixed(32), 64, 46, false), 32);
        assert_eq!(page_size(PerPage::Fixed(32), 64, 46, true), 23);
        assert_eq!(page_size(PerPage::Fixed(8), 4, 46, true), 4);
    }

    #[test]
    fn the_page_holds_the_selected_lane_and_says_which_channels() {
        let p = Page::of(PerPage::Fixed(16), 64, 20, 46, false);
        println!("{p:?}");
        assert_eq!((p.first, p.end, p.lane_h), (16, 32, 2));
        assert_eq!(p.label(64).as_deref(), Some("ch 17-32 of 64"));
        let last = Page::of(PerPage::Fixed(16), 70, 69, 46, false);
        assert_eq!(last.label(70).as_deref(), Some("ch 65-70 of 70"));
        assert_eq!(Page::of(PerPage::Auto, 4, 3, 46, false).label(4), None);
    }

    #[test]
    fn v_cycles_8_16_32_all_skipping_steps_that_hold_every_lane() {
        let mut c = PerPage::Auto;
        let mut seen = Vec::new();
        for _ in 0..5 {
            let size = page_size(c, 64, 46, false);
            c = next_choice(c, size, 64);
            seen.push(c);
        }
        println!("{seen:?}");
        assert_eq!(
            seen,
            [
                PerPage::Fixed(32),
                PerPage::All,
                PerPage::Fixed(8),
                PerPage::Fixed(16),
                PerPage::Fixed(32)
            ]
        );
        assert_eq!(next_choice(PerPage::Fixed(8), 8, 12), PerPage::All);
        assert_eq!(next_choice(PerPage::All, 12, 12), PerPage::Fixed(8));
        assert_eq!(next_choice(PerPage::Auto, 4, 4), PerPage::All);
    }
}
