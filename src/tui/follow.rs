//! Following a recording that is still being written (`sigmark open FILE --follow`, `ctrl-f`).
//!
//! Format-agnostic: on the event loop's tick (never while drawing), at most every
//! `Config::interval`, the file's size, modification time and identity are looked at; when they
//! changed, the file is opened again with `formats::open_with` (a header parse and a map: the
//! readers count the records present from the file size) and the App's recording is swapped,
//! keeping the view, lanes, filters, the annotation store and its journal. The new reading is
//! made before the old one is dropped, and a reading that holds fewer samples than the old is
//! never mixed with it: a file truncated in place is shown as it is now (its old map would fault
//! past the new end), a file replaced by another is kept as it was read; either way the status
//! bar says so and following stops.
//!
//! Following is "live" while the window's right edge is at the last sample: then data that
//! arrives moves the window with it. Scrolling back pauses it (the status bar says so); `end`
//! or `ctrl-f` resumes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::app::App;
use crate::formats::OpenOptions;
use crate::signal::Recording;
use crate::text::sanitize;

/// How often the file is looked at by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(500);

/// The window a recording shorter than it grows back to while followed, unless `--span`.
const DEFAULT_SPAN_S: f64 = 10.0;

/// How following starts (`--follow`, `--follow-ms`) and how the file is opened again.
#[derive(Debug, Clone)]
pub struct Config {
    pub on: bool,
    pub interval: Duration,
    /// The hints the recording was opened with (HDF5 dataset, rate).
    pub open: OpenOptions,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            on: false,
            interval: DEFAULT_INTERVAL,
            open: OpenOptions::default(),
        }
    }
}

/// What a file looked like: size, modification time and identity (device, inode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    id: Option<(u64, u64)>,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        Some(Stamp {
            len: m.len(),
            modified: m.modified().ok(),
            id: identity(&m),
        })
    }
}

#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// The follow state of the viewer.
#[derive(Debug, Default)]
pub struct Follow {
    pub config: Config,
    /// Watching the file.
    pub on: bool,
    last_check: Option<Instant>,
    /// The files' stamps at the last look (the recording's path and its samples' file).
    seen: Vec<Option<Stamp>>,
    /// The window length to grow back to while the recording is shorter than it.
    pub want_span_s: f64,
    /// Times the recording was swapped for a longer reading.
    pub reopens: u64,
}

/// What one look at the file found.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Not following, not due, or nothing changed.
    Idle,
    /// The file changed but holds no more complete data (a partly written record).
    Same,
    /// The recording was swapped for a longer one.
    Grew { from_s: f64, to_s: f64 },
    /// Fewer samples than before, another layout, or an error: see the status bar.
    Refused(String),
}

impl Follow {
    pub fn new(config: Config, want_span_s: f64) -> Follow {
        Follow {
            on: false,
            config,
            want_span_s,
            ..Follow::default()
        }
    }
}

/// Starts following as the options say (called once the app is built).
pub fn setup(app: &mut App, config: Config, span_s: Option<f64>) {
    let start = config.on;
    let want = span_s.unwrap_or(DEFAULT_SPAN_S).max(app.view.span_s);
    app.follow = Follow::new(config, want);
    if start {
        start_following(app);
    }
}

/// Watches the file from now on and puts the window at the end.
pub fn start_following(app: &mut App) {
    app.follow.on = true;
    // Unknown: the first look reads the file again (it may have grown since it was read).
    app.follow.seen = Vec::new();
    app.follow.last_check = None;
    app.view.go_end();
}

/// Whether the window's right edge is at the last sample, so arriving data moves it.
pub fn is_live(app: &App) -> bool {
    let v = &app.view;
    app.follow.on && v.end_s() >= v.duration_s - 1e-6 * v.duration_s.max(1.0)
}

/// The status bar's follow tag (empty when not following).
pub fn status_tag(app: &App) -> &'static str {
    if !app.follow.on {
        ""
    } else if is_live(app) {
        " [following]"
    } else {
        " [follow paused: scrolled back; end or ctrl-f resumes]"
    }
}

/// The event loop's tick: looks at the file when following and the interval has passed.
pub fn tick(app: &mut App, now: Instant) -> Outcome {
    let f = &app.follow;
    let due = f.on
        && f.last_check
            .is_none_or(|t| now.duration_since(t) >= f.config.interval);
    if !due {
        return Outcome::Idle;
    }
    app.follow.last_check = Some(now);
    check(app)
}

fn stamps(rec: &Recording) -> Vec<Option<Stamp>> {
    files(rec).iter().map(|p| Stamp::of(p)).collect()
}

/// The recording's path and, when another, the file its samples come from; for a WFDB record
/// also the signal files its header names (they grow while the `.hea` stays as it is).
fn files(rec: &Recording) -> Vec<PathBuf> {
    let mut v = vec![rec.path.clone()];
    let samples = rec.source.path();
    if samples != rec.path {
        v.push(samples.to_path_buf());
    }
    if rec.format == crate::signal::Format::Wfdb {
        v.extend(wfdb_signal_files(&rec.path));
    }
    v
}

/// The signal files a single-segment WFDB header names, as it reads now (none when it cannot
/// be read: the `.hea` stamp then tells the change).
fn wfdb_signal_files(hea: &Path) -> Vec<PathBuf> {
    use crate::formats::wfdb::header;
    let Ok(h) = header::read(hea) else {
        return Vec::new();
    };
    let dir = header::dir_of(hea);
    let mut names: Vec<&str> = Vec::new();
    for s in h.signals.iter().filter(|s| s.file_name != "~") {
        if !names.contains(&s.file_name.as_str()) {
            names.push(&s.file_name);
        }
    }
    names.into_iter().map(|n| dir.join(n)).collect()
}

/// Looks at the file now; when it changed, reads it again and swaps the recording if it grew.
pub fn check(app: &mut App) -> Outcome {
    if !app.follow.on {
        return Outcome::Idle;
    }
    let now = stamps(&app.rec);
    if now == app.follow.seen {
        return Outcome::Idle;
    }
    let before = std::mem::replace(&mut app.follow.seen, now);
    let first = |v: &[Option<Stamp>]| v.first().copied().flatten();
    let (was, is) = (first(&before), first(&app.follow.seen));
    // Unknown before the first look: then a shorter reading is taken as truncated in place,
    // the choice that never reads the old map past the file's end.
    let replaced = matches!(
        (was.and_then(|s| s.id), is.and_then(|s| s.id)),
        (Some(a), Some(b)) if a != b
    );
    let shrank = !replaced && is.map(|s| s.len) < was.map(|s| s.len);
    let path = app.rec.path.clone();
    let name = sanitize(&path.display().to_string());
    // The new reading first; the old one (and its map) is dropped only after the swap.
    match crate::formats::open_with(&path, &app.follow.config.open) {
        Ok(new) => judge(app, new, (replaced, shrank), &name),
        Err(e) => unreadable(app, &name, &sanitize(&e.to_string()), shrank),
    }
}

/// The file changed and cannot be read now. While it grows that is a moment in the writer's
/// work (a header being rewritten): the next change is tried again. Truncated in place, the
/// part of the old reading past the new end is gone from the map too: following stops and the
/// user is told to open the file again.
fn unreadable(app: &mut App, name: &str, error: &str, shrank: bool) -> Outcome {
    if shrank {
        return stop(app, format!("follow stopped: {name} was truncated and cannot be read ({error}); what is on screen is from before: open the file again"));
    }
    let why = format!("follow: cannot read {name} again ({error}); showing it as last read");
    app.message = Some(why.clone());
    Outcome::Refused(why)
}

/// Swaps in a longer reading; refuses a shorter or different one, saying why. `replaced`:
/// another file has the name now; `shrank`: the same file got shorter.
fn judge(app: &mut App, new: Recording, (replaced, shrank): (bool, bool), name: &str) -> Outcome {
    if let Some(why) = other_layout(&app.rec, &new) {
        let after = if shrank {
            "what is on screen is from before: open the file again"
        } else {
            "showing the recording as it was read (ctrl-f follows again)"
        };
        return stop(
            app,
            format!("follow stopped: {name} now holds {why}; {after}"),
        );
    }
    let (old_n, new_n) = (samples(&app.rec), samples(&new));
    let (from_s, to_s) = (app.rec.duration_s, new.duration_s);
    if new_n == old_n {
        return Outcome::Same;
    }
    if new_n > old_n {
        swap(app, new);
        return Outcome::Grew { from_s, to_s };
    }
    let shrank = format!(
        "{name} shrank from {} to {} samples",
        old_n.iter().sum::<u64>(),
        new_n.iter().sum::<u64>()
    );
    if replaced {
        // Another file now has the name; the old one stays mapped and readable.
        return stop(app, format!("follow stopped: {shrank} (the file was replaced); showing the recording as it was read (ctrl-f follows again)"));
    }
    // Truncated in place: the old map would fault past the new end, so only the new reading
    // can be shown.
    swap(app, new);
    stop(
        app,
        format!("follow stopped: {shrank} (the file was truncated); showing what is left (ctrl-f follows again)"),
    )
}

fn stop(app: &mut App, why: String) -> Outcome {
    app.follow.on = false;
    app.message = Some(why.clone());
    Outcome::Refused(why)
}

fn samples(rec: &Recording) -> Vec<u64> {
    rec.channels.iter().map(|c| c.samples).collect()
}

/// How `new` differs from `old` in what the lanes are made of, if it does.
fn other_layout(old: &Recording, new: &Recording) -> Option<String> {
    if old.channels.len() != new.channels.len() {
        return Some(format!(
            "{} channels instead of {}",
            new.channels.len(),
            old.channels.len()
        ));
    }
    old.channels
        .iter()
        .zip(&new.channels)
        .find(|(a, b)| a.label != b.label || a.rate_hz != b.rate_hz || a.unit != b.unit)
        .map(|(a, b)| {
            format!(
                "channel {} at {} Hz where {} at {} Hz was",
                sanitize(&b.label),
                b.rate_hz,
                sanitize(&a.label),
                a.rate_hz
            )
        })
}

/// Puts `new` in place of the recording, keeping every choice the user made; the window moves
/// with the data when following is live.
fn swap(app: &mut App, new: Recording) {
    let live = is_live(app);
    let was_all = app.view.is_all();
    app.rec = Arc::new(new);
    for l in &mut app.lanes {
        if let Ok(shape) = l.derivation.shape(&app.rec) {
            l.rate_hz = shape.rate_hz;
            l.samples = shape.samples;
        }
    }
    let mut by_track: Vec<&super::app::Lane> = app.lanes.iter().collect();
    by_track.sort_by_key(|l| l.track);
    let usable = by_track.into_iter().map(|l| l.derivation.clone()).collect();
    app.start_pyramid(usable);
    forget_cached_columns(app);
    app.view.duration_s = super::prepare::annots::time_extent(&app.rec);
    app.follow.reopens += 1;
    // The opening note counted the records of then ("3 records found"): no longer true.
    if app
        .message
        .as_deref()
        .is_some_and(|m| m.starts_with("note: "))
    {
        app.message = None;
    }
    if live {
        if was_all && app.follow.want_span_s > app.view.span_s {
            app.view.set_span(app.follow.want_span_s);
        }
        app.view.scroll(app.view.duration_s - app.view.end_s());
    } else {
        // Still inside the (longer) recording: only the bounds changed.
        app.view.scroll(0.0);
    }
}

/// What the update step computed from the old reading's samples and annotations.
fn forget_cached_columns(app: &mut App) {
    let p = &mut app.prepared;
    p.lanes = Default::default();
    p.readout = Default::default();
    p.file_events = Default::default();
    p.file_lane = Default::default();
    p.paper = Default::default();
    p.file_stages = None;
}
