//! The visible time window and the cursor: pure arithmetic, unit-tested without a terminal.

/// Time-scale presets, seconds: 1, 2, 5, 10, 20, 30 s, 1, 2, 5, 10, 30 min, 1, 2, 6, 12, 24 h.
/// After the last comes "the whole recording".
pub const PRESETS: [f64; 16] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21600.0,
    43200.0, 86400.0,
];

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Left edge of the window, seconds from the first sample.
    pub start_s: f64,
    /// Window length in seconds.
    pub span_s: f64,
    pub cursor_s: f64,
    /// Length of the recording.
    pub duration_s: f64,
}

impl View {
    pub fn new(duration_s: f64, span_s: f64) -> View {
        let mut v = View {
            start_s: 0.0,
            span_s,
            cursor_s: 0.0,
            duration_s: duration_s.max(0.0),
        };
        v.clamp();
        v
    }

    pub fn end_s(&self) -> f64 {
        self.start_s + self.span_s
    }

    fn clamp(&mut self) {
        self.span_s = self.span_s.clamp(0.001, self.duration_s.max(1.0) * 1.0);
        let max_start = (self.duration_s - self.span_s).max(0.0);
        self.start_s = self.start_s.clamp(0.0, max_start);
        self.cursor_s = self.cursor_s.clamp(
            self.start_s,
            self.end_s().min(self.duration_s.max(self.start_s)),
        );
    }

    /// Scrolls the window (and the cursor with it) by `dt` seconds.
    pub fn scroll(&mut self, dt: f64) {
        let before = self.start_s;
        let max_start = (self.duration_s - self.span_s).max(0.0);
        self.start_s = (self.start_s + dt).clamp(0.0, max_start);
        self.cursor_s += self.start_s - before;
        self.clamp();
    }

    /// Moves the cursor; the window follows when the cursor leaves it.
    pub fn move_cursor(&mut self, dt: f64) {
        self.cursor_s = (self.cursor_s + dt).clamp(0.0, self.duration_s);
        if self.cursor_s < self.start_s {
            self.start_s = self.cursor_s;
        } else if self.cursor_s > self.end_s() {
            self.start_s = self.cursor_s - self.span_s;
        }
        let c = self.cursor_s;
        self.clamp();
        self.cursor_s = c.clamp(self.start_s, self.end_s());
    }

    /// Puts the cursor at `t` and centres the window on it.
    pub fn jump(&mut self, t: f64) {
        let t = t.clamp(0.0, self.duration_s);
        self.start_s = t - self.span_s / 2.0;
        self.clamp();
        self.cursor_s = t.clamp(self.start_s, self.end_s());
    }

    pub fn go_start(&mut self) {
        self.start_s = 0.0;
        self.cursor_s = 0.0;
        self.clamp();
    }

    pub fn go_end(&mut self) {
        self.start_s = self.duration_s;
        self.clamp();
        self.cursor_s = self.duration_s;
        self.clamp();
    }

    /// Changes the span keeping the cursor at the same place on the time axis.
    pub fn set_span(&mut self, span: f64) {
        let frac = if self.span_s > 0.0 {
            (self.cursor_s - self.start_s) / self.span_s
        } else {
            0.5
        };
        let c = self.cursor_s;
        self.span_s = span;
        self.start_s = c - frac * span;
        self.clamp();
        self.cursor_s = c.clamp(self.start_s, self.end_s());
    }

    pub fn zoom_in(&mut self) {
        let next = PRESETS
            .iter()
            .rev()
            .find(|&&p| p < self.span_s - 1e-9)
            .copied();
        if let Some(p) = next {
            self.set_span(p);
        }
    }

    pub fn zoom_out(&mut self) {
        match PRESETS
            .iter()
            .find(|&&p| p > self.span_s + 1e-9 && p < self.duration_s)
        {
            Some(&p) => self.set_span(p),
            None => self.zoom_all(),
        }
    }

    pub fn zoom_all(&mut self) {
        self.set_span(self.duration_s.max(1.0));
    }

    pub fn is_all(&self) -> bool {
        self.span_s >= self.duration_s - 1e-9
    }
}

// Time parsing and formatting live with the signal's time model; re-exported for the viewer.
pub use crate::signal::time::{
    decimals_for_span, format_clock, format_offset, parse_time, parse_time_within, TimeError,
};

/// A window length for the status bar: "10 s", "5 min", "2 h".
pub fn span_label(s: f64) -> String {
    if s >= 3600.0 && (s / 3600.0).fract() < 1e-9 {
        format!("{} h", s / 3600.0)
    } else if s >= 60.0 && (s / 60.0).fract() < 1e-9 {
        format!("{} min", s / 60.0)
    } else if s >= 3600.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{} s", (s * 1000.0).round() / 1000.0)
    }
}

/// The window length for the status bar: the whole recording is always "all (H:MM:SS)",
/// whatever its length, so it reads the same for every file.
pub fn window_label(v: &View) -> String {
    if v.is_all() {
        format!("all ({})", format_offset(v.duration_s, 0))
    } else {
        span_label(v.span_s)
    }
}

/// Decimals of the times shown with the window `v`.
pub fn decimals(v: &View) -> usize {
    decimals_for_span(v.span_s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolling_stays_inside_the_recording() {
        let mut v = View::new(100.0, 10.0);
        v.scroll(-5.0);
        assert_eq!((v.start_s, v.cursor_s), (0.0, 0.0));
        v.scroll(95.0);
        assert_eq!(v.start_s, 90.0);
        v.go_start();
        v.scroll(10.0);
        assert_eq!((v.start_s, v.cursor_s), (10.0, 10.0));
    }

    #[test]
    fn cursor_pushes_the_window() {
        let mut v = View::new(100.0, 10.0);
        v.move_cursor(12.0);
        assert_eq!((v.start_s, v.cursor_s), (2.0, 12.0));
        v.move_cursor(-11.0);
        assert_eq!((v.start_s, v.cursor_s), (1.0, 1.0));
        v.move_cursor(1000.0);
        assert_eq!((v.start_s, v.cursor_s), (90.0, 100.0));
    }

    #[test]
    fn zoom_walks_the_presets_to_the_whole_recording() {
        let mut v = View::new(86_400.0 * 1.5, 10.0);
        let mut spans = vec![v.span_s];
        while !v.is_all() {
            v.zoom_out();
            spans.push(v.span_s);
        }
        assert_eq!(
            spans,
            vec![
                10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 21600.0,
                43200.0, 86400.0, 129600.0
            ]
        );
        v.zoom_in();
        assert_eq!(v.span_s, 86400.0);
        for _ in 0..20 {
            v.zoom_in();
        }
        assert_eq!(v.span_s, 1.0);
    }

    #[test]
    fn zoom_keeps_the_cursor_in_place() {
        let mut v = View::new(1000.0, 10.0);
        v.jump(500.0);
        v.zoom_out();
        assert_eq!(v.cursor_s, 500.0);
        assert!(v.start_s <= 500.0 && v.end_s() >= 500.0);
    }

    #[test]
    fn labels() {
        assert_eq!(span_label(10.0), "10 s");
        assert_eq!(span_label(300.0), "5 min");
        assert_eq!(span_label(86400.0), "24 h");
        assert_eq!(format_offset(3723.46, 1), "1:02:03.5");
        let mut v = View::new(125.3, 10.0);
        assert_eq!(window_label(&v), "10 s");
        v.zoom_all();
        assert_eq!(window_label(&v), "all (0:02:05)");
    }
}
