//! The time axis under the event lanes: offsets from the start on the first row and, when
//! the start is known, clock time on the second, at a tick step that leaves room to read.
//! When the recording crosses midnight, the leftmost tick and the first tick of each new day
//! also carry the day: its date (`Tue 02 Dec`), or its number (`d2`) when the date is EDF's
//! placeholder for an unknown or removed date (01.01.85).

use chrono::{Datelike, NaiveDate};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{column_of, split_gutter, GUTTER};
use crate::signal::StartTime;
use crate::tui::app::App;
use crate::tui::view::{format_clock, format_offset, View};

/// Tick steps for the time axis, seconds.
const TICKS: [f64; 22] = [
    0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0,
    3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0, 172800.0,
];

const DAY_S: f64 = 86_400.0;

/// One tick: its time and the texts of its two rows (the clock row's may carry the day).
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub t: f64,
    pub offset: String,
    pub clock: Option<String>,
    /// Whether the clock text names the day (drawn first; plain ticks give way to it).
    pub day: bool,
}

/// Draws the axis into `r` (two rows: offsets, then clock time; gutter and waveform columns).
pub fn render(app: &App, r: Rect, buf: &mut Buffer) {
    if r.height == 0 {
        return;
    }
    let (gutter, wave) = split_gutter(app, r);
    let (y, clock_row) = (r.y, r.height >= 2);
    let dim = app.theme.dim();
    let title_w = usize::from(GUTTER - 1).min(usize::from(gutter.width));
    buf.set_stringn(r.x, y, "time", title_w, dim);
    let start = app.rec.start.as_ref().filter(|_| clock_row);
    if start.is_some() {
        buf.set_stringn(r.x, y + 1, "clock", title_w, dim);
    }
    let ticks = ticks(&app.view, wave.width, start, app.rec.duration_s);
    let end = wave.x + wave.width;
    let at = |t: &Tick| column_of(app, wave, t.t);
    for t in &ticks {
        let Some(x) = at(t) else { continue };
        buf.set_stringn(x, y, format!("|{}", t.offset), usize::from(end - x), dim);
    }
    // Day labels first; a plain clock label that would run into one is left out.
    let mut taken: Vec<(u16, u16)> = Vec::new();
    for t in ticks.iter().filter(|t| t.day) {
        let (Some(x), Some(text)) = (at(t), &t.clock) else {
            continue;
        };
        let w = buf.set_stringn(x, y + 1, format!("|{text}"), usize::from(end - x), dim);
        taken.push((x, w.0));
    }
    for t in ticks.iter().filter(|t| !t.day) {
        let (Some(x), Some(text)) = (at(t), &t.clock) else {
            continue;
        };
        let w = text.chars().count() as u16 + 1;
        if taken.iter().any(|&(a, b)| x < b + 1 && a < x + w + 1) {
            continue;
        }
        buf.set_stringn(x, y + 1, format!("|{text}"), usize::from(end - x), dim);
    }
}

/// The ticks of the view on an axis `width` columns wide: a step that leaves about 12 columns
/// per label, offsets, clock times when `start` is known, and the day on the leftmost tick and
/// the first of each new day when the recording (`duration_s`) crosses midnight.
pub fn ticks(v: &View, width: u16, start: Option<&StartTime>, duration_s: f64) -> Vec<Tick> {
    let min_step = v.span_s * 12.0 / f64::from(width.max(1));
    let step = TICKS
        .iter()
        .copied()
        .find(|&s| s >= min_step)
        .unwrap_or(v.span_s);
    let places = usize::from(step < 1.0);
    let days = start.filter(|s| s.seconds_of_day() + duration_s >= DAY_S);
    let mut out: Vec<Tick> = Vec::new();
    let mut t = (v.start_s / step).ceil() * step;
    let mut last_day = None;
    while t <= v.end_s() + 1e-9 && out.len() < 1000 {
        let day = days.map(|s| day_index(s, t));
        let new_day = day.is_some() && day != last_day;
        last_day = day;
        let clock = start.map(|s| {
            let c = format_clock(s, t, places);
            match days.filter(|_| new_day) {
                Some(s) => format!("{c} {}", day_label(s, t)),
                None => c,
            }
        });
        out.push(Tick {
            t,
            offset: format_offset(t, places),
            clock,
            day: new_day,
        });
        t += step;
    }
    out
}

/// Days since the start day (0: the start day) of the moment `t` seconds in.
fn day_index(start: &StartTime, t: f64) -> i64 {
    ((start.seconds_of_day() + t.max(0.0)) / DAY_S).floor() as i64
}

/// Whether the start date is a real one: EDF writes 01.01.85 when the date is unknown or was
/// removed to de-identify the recording (EDF+ specification, 2.1.3.2).
pub fn date_known(start: &StartTime) -> bool {
    let d = start.datetime.date();
    NaiveDate::from_ymd_opt(1985, 1, 1) != Some(d)
}

/// `Tue 02 Dec` for the day of the moment `t` seconds in, or `d2` (the start day is d1) when
/// the date is not known.
pub fn day_label(start: &StartTime, t: f64) -> String {
    let k = day_index(start, t);
    let date = start
        .datetime
        .date()
        .checked_add_days(chrono::Days::new(k.max(0) as u64));
    match date.filter(|_| date_known(start)) {
        Some(d) => format!("{} {:02} {}", d.weekday(), d.day(), month(d.month())),
        None => format!("d{}", k + 1),
    }
}

fn month(m: u32) -> &'static str {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    M.get(m.saturating_sub(1) as usize).copied().unwrap_or("?")
}
