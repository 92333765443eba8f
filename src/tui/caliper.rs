//! Calipers (issue 13, "Values and measurement"): the state of one measurement and its
//! arithmetic, pure and unit-tested. `k` takes the first point at the cursor; the second point
//! follows the cursor until a second `k` fixes it; a third `k` (or esc) clears. The figures
//! are Δt (ms), the rate 60/Δt (bpm) and the selected lane's Δ amplitude (second minus first,
//! in the lane's unit). March-out repeats the interval across the page from the first point.
//! Reading the samples and snapping live in `prepare/caliper.rs`; the handlers in
//! `actions/measure.rs`; the drawing in `widgets/caliper.rs`.

/// Half-width of the window where the extremum snap looks for the lane's local extremum.
pub const EXTREMUM_HALF_S: f64 = 0.100;
/// An R peak farther than this from the cursor is not snapped to (the cursor stays).
pub const R_PEAK_MAX_S: f64 = 1.0;
/// At most this many march-out ticks are drawn (a tiny interval over a long page).
pub const MAX_TICKS: usize = 500;

/// Where a taken cursor position moves to: nowhere, the nearest detected R peak, or the
/// selected lane's local extremum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SnapMode {
    #[default]
    Off,
    RPeak,
    Extremum,
}

impl SnapMode {
    /// The next mode of the `P` cycle: off -> R peak -> extremum -> off.
    pub fn next(self) -> SnapMode {
        match self {
            SnapMode::Off => SnapMode::RPeak,
            SnapMode::RPeak => SnapMode::Extremum,
            SnapMode::Extremum => SnapMode::Off,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SnapMode::Off => "off",
            SnapMode::RPeak => "R peak",
            SnapMode::Extremum => "extremum",
        }
    }
}

/// One caliper point: a time and the selected lane's recorded value there (when readable).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub t: f64,
    pub value: Option<f64>,
}

/// What `k` has done so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Stage {
    #[default]
    Off,
    /// The first point is set; the second follows the cursor (prepared each frame).
    Open { first: Point, lane: usize },
    /// Both points fixed: stays on screen while scrolling.
    Fixed {
        first: Point,
        second: Point,
        lane: usize,
    },
}

/// The caliper's state in the app.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Caliper {
    pub stage: Stage,
    /// Draw march-out ticks at t0 + k*Δt.
    pub march: bool,
    pub snap: SnapMode,
}

impl Caliper {
    /// The lane measured on, when a caliper is set.
    pub fn lane(&self) -> Option<usize> {
        match self.stage {
            Stage::Off => None,
            Stage::Open { lane, .. } | Stage::Fixed { lane, .. } => Some(lane),
        }
    }

    pub fn first(&self) -> Option<Point> {
        match self.stage {
            Stage::Off => None,
            Stage::Open { first, .. } | Stage::Fixed { first, .. } => Some(first),
        }
    }

    /// `k`: sets the first point, fixes the second, or clears; returns the new stage's name.
    pub fn press(&mut self, here: Point, lane: usize) -> &'static str {
        self.stage = match std::mem::take(&mut self.stage) {
            Stage::Off => Stage::Open { first: here, lane },
            Stage::Open { first, lane } => Stage::Fixed {
                first,
                second: here,
                lane,
            },
            Stage::Fixed { .. } => Stage::Off,
        };
        match self.stage {
            Stage::Off => "cleared",
            Stage::Open { .. } => "open",
            Stage::Fixed { .. } => "fixed",
        }
    }

    /// Clears the caliper; true when one was set.
    pub fn clear(&mut self) -> bool {
        let had = self.stage != Stage::Off;
        self.stage = Stage::Off;
        self.march = false;
        had
    }
}

/// The figures of one measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    /// Second point minus first, seconds.
    pub dt_s: f64,
    /// Value at the second point minus value at the first, in `unit`.
    pub delta: Option<f64>,
    pub unit: String,
}

impl Measurement {
    pub fn between(first: Point, second: Point, unit: &str) -> Measurement {
        let delta = match (first.value, second.value) {
            (Some(a), Some(b)) => Some(b - a),
            _ => None,
        };
        Measurement {
            dt_s: second.t - first.t,
            delta,
            unit: unit.to_string(),
        }
    }

    /// |Δt| in milliseconds.
    pub fn ms(&self) -> f64 {
        self.dt_s.abs() * 1000.0
    }

    /// 60 / |Δt|, beats per minute (none for a zero interval).
    pub fn bpm(&self) -> Option<f64> {
        let dt = self.dt_s.abs();
        (dt > 1e-9 && dt.is_finite()).then(|| 60.0 / dt)
    }

    /// `Δt 412 ms, 146 bpm, Δ 1.23 mV` (the parts that exist).
    pub fn text(&self) -> String {
        let mut s = format!("Δt {:.0} ms", self.ms());
        if let Some(b) = self.bpm() {
            s.push_str(&format!(", {b:.0} bpm"));
        }
        if let Some(d) = self.delta {
            s.push_str(&format!(", Δ {} {}", amplitude(d), self.unit));
        }
        s.trim_end().to_string()
    }

    /// The text a note gets: an interval label (QT, PR, QRS, RR) names the interval
    /// (`QT 412 ms`), anything else gets the whole measurement.
    pub fn note_text(&self, label: &str) -> String {
        let named = ["QT", "QTC", "PR", "QRS", "RR"];
        let up = label.trim().to_ascii_uppercase();
        if named.contains(&up.as_str()) {
            match self.bpm() {
                Some(b) if up == "RR" => format!("RR {:.0} ms ({b:.0} bpm)", self.ms()),
                _ => format!("{} {:.0} ms", label.trim(), self.ms()),
            }
        } else {
            self.text()
        }
    }
}

/// An amplitude to three significant figures or so: 1.23, 12.3, 123.
fn amplitude(v: f64) -> String {
    let a = v.abs();
    if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 0.01 || a == 0.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.2e}")
    }
}

/// March-out: t0 + k*Δt for every whole k (both directions, t0 itself included) inside
/// [start, end], at most `MAX_TICKS`.
pub fn march_ticks(t0: f64, dt: f64, start: f64, end: f64) -> Vec<f64> {
    let dt = dt.abs();
    if !(dt > 1e-9 && dt.is_finite() && t0.is_finite() && end >= start) {
        return Vec::new();
    }
    let k0 = ((start - t0) / dt).ceil();
    let k1 = ((end - t0) / dt).floor();
    if k1 < k0 || k1 - k0 >= MAX_TICKS as f64 {
        return Vec::new();
    }
    (k0 as i64..=k1 as i64)
        .map(|k| t0 + k as f64 * dt)
        .collect()
}

/// The time in `sorted` nearest `t`, if one lies within `max` of it.
pub fn nearest(sorted: &[f64], t: f64, max: f64) -> Option<f64> {
    let i = sorted.partition_point(|&x| x < t);
    [i.checked_sub(1), Some(i)]
        .into_iter()
        .flatten()
        .filter_map(|j| sorted.get(j).copied())
        .filter(|x| (x - t).abs() <= max)
        .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))
}

/// Index of the value farthest from the values' median (the local extremum of either sign);
/// the first of equals, none when no value is finite.
pub fn extremum_index(values: &[f64]) -> Option<usize> {
    let mut finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.is_empty() {
        return None;
    }
    finite.sort_by(f64::total_cmp);
    let median = finite[finite.len() / 2];
    values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_finite())
        .fold(None, |best: Option<(usize, f64)>, (i, v)| {
            let d = (v - median).abs();
            match best {
                Some((_, b)) if b >= d => best,
                _ => Some((i, d)),
            }
        })
        .map(|b| b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(t: f64, v: f64) -> Point {
        Point { t, value: Some(v) }
    }

    #[test]
    fn three_presses_open_fix_and_clear() {
        let mut c = Caliper::default();
        assert_eq!(c.press(p(1.0, 0.1), 0), "open");
        assert_eq!(c.press(p(1.8, 0.5), 0), "fixed");
        assert_eq!(c.first(), Some(p(1.0, 0.1)));
        assert_eq!(c.press(p(3.0, 0.0), 0), "cleared");
        assert_eq!(c.stage, Stage::Off);
        assert!(!c.clear());
    }

    #[test]
    fn figures_of_a_measurement() {
        let m = Measurement::between(p(10.0, 0.25), p(10.812, 1.48), "mV");
        println!("{m:?} -> {}", m.text());
        assert!((m.ms() - 812.0).abs() < 1e-6);
        assert!((m.bpm().unwrap() - 60.0 / 0.812).abs() < 1e-9);
        assert_eq!(m.text(), "Δt 812 ms, 74 bpm, Δ 1.23 mV");
        // Backwards: Δt and the rate are magnitudes, Δ keeps its sign.
        let back = Measurement::between(p(10.812, 1.48), p(10.0, 0.25), "mV");
        assert_eq!(back.text(), "Δt 812 ms, 74 bpm, Δ -1.23 mV");
        let zero = Measurement::between(
            p(1.0, 0.0),
            Point {
                t: 1.0,
                value: None,
            },
            "mV",
        );
        assert_eq!(zero.text(), "Δt 0 ms");
    }

    #[test]
    fn notes_name_interval_labels() {
        let m = Measurement::between(p(0.0, 0.0), p(0.412, 0.5), "mV");
        assert_eq!(m.note_text("QT"), "QT 412 ms");
        assert_eq!(m.note_text("rr"), "RR 412 ms (146 bpm)");
        assert_eq!(m.note_text("PVC"), "Δt 412 ms, 146 bpm, Δ 0.50 mV");
    }

    #[test]
    fn march_out_ticks_go_both_ways() {
        let got = march_ticks(5.0, 0.8, 2.0, 8.0);
        println!("{got:?}");
        let want = [2.6, 3.4, 4.2, 5.0, 5.8, 6.6, 7.4];
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-9, "{g} vs {w}");
        }
        assert!(march_ticks(5.0, 0.0, 0.0, 10.0).is_empty());
        assert!(march_ticks(5.0, 1e-6, 0.0, 10.0).is_empty(), "capped");
    }

    #[test]
    fn nearest_and_extremum() {
        let beats = [1.0, 1.8, 2.6];
        assert_eq!(nearest(&beats, 1.95, 1.0), Some(1.8));
        assert_eq!(nearest(&beats, 2.3, 1.0), Some(2.6));
        assert_eq!(nearest(&beats, 9.0, 1.0), None);
        assert_eq!(nearest(&[], 1.0, 1.0), None);
        assert_eq!(extremum_index(&[0.0, 0.1, -2.0, 1.5, 0.0]), Some(2));
        assert_eq!(extremum_index(&[f64::NAN]), None);
    }

    #[test]
    fn snap_cycles() {
        let m = SnapMode::default();
        assert_eq!(m, SnapMode::Off);
        assert_eq!(m.next().next().next(), SnapMode::Off);
        assert_eq!(m.next().label(), "R peak");
    }
}
