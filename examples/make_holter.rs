//! Writes a plain EDF Holter-like recording with ECG-looking content, fast.
//!
//! ```sh
//! cargo run --release --example make_holter -- OUT.edf HOURS [CHANNELS] [RATE]
//! ```
//!
//! HOURS may be fractional (0.1 = 6 minutes); CHANNELS defaults to 12 (the standard leads I, II,
//! III, aVR, aVL, aVF, V1-V6, then ECG13, ECG14...), RATE to 500 Hz. Data records last 1 s, so a
//! 24-hour, 12-channel, 500 Hz file has 86,400 records of 12,000 bytes (about 1.04 GB).
//!
//! The content is deterministic (the same arguments give the same bytes): one beat template per
//! channel (P, QRS, T as Gaussians with per-lead amplitudes) is computed once and tiled, with a
//! slowly varying heart rate, beat-to-beat jitter, respiratory amplitude modulation and baseline
//! wander, a premature ventricular beat now and then, and a little noise. Every sample costs a
//! few integer operations, so the file is written at hundreds of MB/s.

use std::error::Error;
use std::f64::consts::PI;
use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use chrono::NaiveDate;
use sigmark::formats::edf::writer::{self, FileSpec, SignalSpec};
use sigmark::formats::edf::MAX_SIGNALS;

/// Physical range (uV) and digital range: 0.153 uV per step, +-5 mV of headroom.
const PHYS_MIN: f64 = -5000.0;
const PHYS_MAX: f64 = 5000.0;
const DIG_MIN: i32 = -32768;
const DIG_MAX: i32 = 32767;

/// Amplitudes in mV of the P, Q, R, S and T waves of each standard lead.
const LEADS: [(&str, [f64; 5]); 12] = [
    ("I", [0.10, -0.05, 0.70, -0.10, 0.25]),
    ("II", [0.15, -0.08, 1.20, -0.20, 0.35]),
    ("III", [0.05, -0.03, 0.50, -0.10, 0.10]),
    ("aVR", [-0.12, 0.06, -0.95, 0.15, -0.30]),
    ("aVL", [0.03, -0.01, 0.10, 0.00, 0.08]),
    ("aVF", [0.10, -0.05, 0.85, -0.15, 0.22]),
    ("V1", [0.08, 0.00, 0.25, -0.90, -0.10]),
    ("V2", [0.10, 0.00, 0.50, -1.20, 0.40]),
    ("V3", [0.10, -0.02, 0.80, -0.80, 0.50]),
    ("V4", [0.10, -0.05, 1.40, -0.50, 0.50]),
    ("V5", [0.10, -0.08, 1.30, -0.30, 0.40]),
    ("V6", [0.10, -0.08, 1.00, -0.15, 0.30]),
];

/// Centre (s from the beat's start) and width (s) of the P, Q, R, S and T waves.
const NORMAL: [(f64, f64); 5] = [
    (0.10, 0.025),
    (0.20, 0.008),
    (0.22, 0.010),
    (0.24, 0.010),
    (0.45, 0.045),
];
/// A premature ventricular beat: no P, wide QRS, discordant T.
const PVC: [(f64, f64); 5] = [
    (0.10, 0.025),
    (0.17, 0.020),
    (0.22, 0.035),
    (0.28, 0.030),
    (0.48, 0.060),
];
/// Longest beat the templates cover (s); the tail after the T wave is baseline.
const TEMPLATE_S: f64 = 1.6;

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 || args.len() > 4 {
        return Err("usage: make_holter OUT.edf HOURS [CHANNELS=12] [RATE=500]".into());
    }
    let out = &args[0];
    let hours: f64 = args[1]
        .parse()
        .map_err(|e| format!("HOURS {:?}: {e}", args[1]))?;
    let channels: usize = match args.get(2) {
        Some(s) => s.parse().map_err(|e| format!("CHANNELS {s:?}: {e}"))?,
        None => 12,
    };
    let rate: usize = match args.get(3) {
        Some(s) => s.parse().map_err(|e| format!("RATE {s:?}: {e}"))?,
        None => 500,
    };
    if !(hours.is_finite() && hours > 0.0 && hours <= 24.0 * 365.0) {
        return Err(format!("HOURS must be above 0 (got {hours})").into());
    }
    if channels == 0 || channels > MAX_SIGNALS {
        return Err(format!("CHANNELS must be 1 to {MAX_SIGNALS} (got {channels})").into());
    }
    if rate == 0 || rate > 1_000_000 {
        return Err(format!("RATE must be 1 to 1000000 Hz (got {rate})").into());
    }
    let records = ((hours * 3600.0).round() as u64).max(1);
    let spec = file_spec(records, channels, rate)?;
    let mut holter = Holter::new(&spec.signals, rate);

    let t0 = Instant::now();
    let file = File::create(out).map_err(|e| format!("{out}: {e}"))?;
    let sink = BufWriter::with_capacity(8 << 20, file);
    writer::write(sink, &spec, |_, bufs| holter.fill(bufs)).map_err(|e| format!("{out}: {e}"))?;
    let secs = t0.elapsed().as_secs_f64();
    let bytes = std::fs::metadata(out)?.len();
    println!(
        "{out}: {records} records x {} bytes, {channels} channels at {rate} Hz, {} beats ({} PVCs), {:.1} MB in {secs:.2} s ({:.0} MB/s)",
        channels * rate * 2,
        holter.beats,
        holter.pvcs,
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs.max(1e-9),
    );
    Ok(())
}

fn file_spec(records: u64, channels: usize, rate: usize) -> Result<FileSpec, Box<dyn Error>> {
    let start = NaiveDate::from_ymd_opt(2024, 3, 14)
        .and_then(|d| d.and_hms_opt(8, 30, 0))
        .ok_or("bad start date")?;
    let signals = (0..channels)
        .map(|c| SignalSpec {
            label: lead_name(c),
            transducer: "AgAgCl electrode".into(),
            unit: "uV".into(),
            physical_min: PHYS_MIN,
            physical_max: PHYS_MAX,
            digital_min: DIG_MIN,
            digital_max: DIG_MAX,
            prefilter: "HP:0.05Hz LP:150Hz".into(),
            samples_per_record: rate,
        })
        .collect();
    Ok(FileSpec {
        bdf: false,
        plus: None,
        patient: "X X X Holter".into(),
        recording: "Startdate 14-MAR-2024 X X sigmark_make_holter".into(),
        start,
        start_offset_100ns: 0,
        records,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals,
        annotations: Vec::new(),
    })
}

fn lead_name(c: usize) -> String {
    match LEADS.get(c) {
        Some((name, _)) => (*name).to_string(),
        None => format!("ECG{}", c + 1),
    }
}

/// Per-lead wave amplitudes (mV); leads past the twelfth reuse them, slightly scaled.
fn lead_amplitudes(c: usize) -> [f64; 5] {
    let (_, amps) = LEADS[c % LEADS.len()];
    let scale = 1.0 + 0.07 * (c / LEADS.len()) as f64;
    amps.map(|a| a * scale)
}

/// xorshift32: deterministic, a nanosecond per draw.
struct Rng(u32);

impl Rng {
    #[inline]
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }

    /// Uniform in [-1, 1).
    fn unit(&mut self) -> f64 {
        f64::from(self.next()) / f64::from(u32::MAX) * 2.0 - 1.0
    }
}

/// Breaths last 4 s; the background (wander + noise) repeats after this many breaths.
const BREATH_S: f64 = 4.0;
const BACKGROUND_BREATHS: usize = 37;

/// Per-channel precomputed waveforms, in digital units.
struct Lead {
    /// The normal beat template followed by the PVC template (`Holter::pvc_base` apart).
    beats: Vec<i32>,
    /// Baseline wander plus noise, a whole number of breaths long, with the first record's worth
    /// of samples repeated at the end so that any record's stretch is one contiguous slice.
    background: Vec<i32>,
}

/// One stretch of a record inside one beat: `len` samples from `at` in the record, taken from
/// the templates from `from`, scaled by `gain` / 256.
#[derive(Clone, Copy)]
struct Run {
    at: usize,
    from: usize,
    len: usize,
    gain: i32,
}

/// The generator's state, carried from one record to the next so beats span records.
struct Holter {
    leads: Vec<Lead>,
    rate: usize,
    pvc_base: usize,
    /// Length of the repeating part of the background.
    period: usize,
    rng: Rng,
    /// Samples written so far (per channel).
    t: u64,
    /// Position inside the current beat, its length, and whether it is a PVC.
    pos: usize,
    len: usize,
    pvc: bool,
    /// Amplitude of the current beat in 1/256.
    amp: i32,
    /// Next beat follows a PVC (compensatory pause).
    after_pvc: bool,
    runs: Vec<Run>,
    beats: u64,
    pvcs: u64,
}

impl Holter {
    fn new(signals: &[SignalSpec], rate: usize) -> Self {
        let fs = rate as f64;
        let n = (TEMPLATE_S * fs).ceil() as usize + 1;
        let breath = (BREATH_S * fs).round().max(1.0) as usize;
        let period = breath * BACKGROUND_BREATHS;
        let leads = signals
            .iter()
            .enumerate()
            .map(|(c, s)| {
                let zero = s.to_digital(0.0);
                let amps = lead_amplitudes(c);
                let wave = |shape: &[(f64, f64); 5], pvc: bool| -> Vec<i32> {
                    (0..n)
                        .map(|k| {
                            let t = k as f64 / fs;
                            let mv: f64 = shape
                                .iter()
                                .zip(amps)
                                .enumerate()
                                .map(|(w, (&(mu, sd), a))| {
                                    let a = match (pvc, w) {
                                        (true, 0) => 0.0,
                                        (true, 2) => 1.6 * a,
                                        (true, 4) => -1.3 * a,
                                        _ => a,
                                    };
                                    a * (-0.5 * ((t - mu) / sd).powi(2)).exp()
                                })
                                .sum();
                            s.to_digital(mv * 1000.0) - zero
                        })
                        .collect()
                };
                let mut beats = wave(&NORMAL, false);
                beats.extend(wave(&PVC, true));
                let phase = c as f64 * 0.3;
                // Noise of about +-12 uV (+-80 steps), uniform, from a per-channel stream.
                let mut noise = Rng((0x9e37_79b9 ^ (c as u32).wrapping_mul(0x85eb_ca6b)) | 1);
                let mut background: Vec<i32> = (0..period)
                    .map(|k| {
                        let x = 2.0 * PI * k as f64 / breath as f64 + phase;
                        let uv = 60.0 * x.sin() + 15.0 * (2.0 * x).cos();
                        let hiss = (((noise.next() >> 24) as i32 - 128) * 5) >> 3;
                        s.to_digital(uv) + hiss
                    })
                    .collect();
                background.extend_from_within(..rate.min(period));
                Lead { beats, background }
            })
            .collect();
        Holter {
            leads,
            rate,
            pvc_base: n,
            period,
            rng: Rng(0x2545_f491),
            t: 0,
            pos: 0,
            len: 0,
            pvc: false,
            amp: 256,
            after_pvc: false,
            runs: Vec::new(),
            beats: 0,
            pvcs: 0,
        }
    }

    /// Starts the next beat: heart rate drifts between about 55 and 95 bpm over the day.
    fn next_beat(&mut self, t: u64) {
        let fs = self.rate as f64;
        let hours = t as f64 / fs / 3600.0;
        let mut rr = 0.82
            + 0.16 * (2.0 * PI * hours / 24.0).cos()
            + 0.05 * (2.0 * PI * hours / 1.7).sin()
            + 0.03 * self.rng.unit();
        self.pvc = false;
        if self.after_pvc {
            rr *= 1.45;
            self.after_pvc = false;
        } else if self.rng.next() % 600 == 0 {
            rr *= 0.62;
            self.pvc = true;
            self.after_pvc = true;
            self.pvcs += 1;
        }
        let max = (TEMPLATE_S * fs) as usize;
        self.len = ((rr * fs).round() as usize).clamp(1, max);
        self.pos = 0;
        // Respiratory modulation of the amplitude (in phase with the breaths) plus beat-to-beat
        // variation.
        let resp = (2.0 * PI * t as f64 / (BREATH_S * fs)).sin();
        self.amp = (256.0 * (1.0 + 0.06 * resp + 0.02 * self.rng.unit())).round() as i32;
        self.beats += 1;
    }

    /// Fills one record: the beats it holds are found once, then each channel is, per beat, a
    /// contiguous multiply-add over slices (which the compiler vectorises).
    fn fill(&mut self, bufs: &mut [Vec<i32>]) {
        let n = self.rate;
        self.runs.clear();
        let mut at = 0;
        while at < n {
            if self.pos >= self.len {
                self.next_beat(self.t + at as u64);
            }
            let len = (self.len - self.pos).min(n - at);
            let base = if self.pvc { self.pvc_base } else { 0 };
            self.runs.push(Run {
                at,
                from: base + self.pos,
                len,
                gain: self.amp,
            });
            self.pos += len;
            at += len;
        }
        let bg_at = (self.t % self.period as u64) as usize;
        for (lead, buf) in self.leads.iter().zip(bufs.iter_mut()) {
            let bg = &lead.background[bg_at..bg_at + n];
            for r in &self.runs {
                let out = &mut buf[r.at..r.at + r.len];
                let tmpl = &lead.beats[r.from..r.from + r.len];
                let bg = &bg[r.at..r.at + r.len];
                for ((o, &t), &b) in out.iter_mut().zip(tmpl).zip(bg) {
                    *o = (((t * r.gain) >> 8) + b).clamp(DIG_MIN, DIG_MAX);
                }
            }
        }
        self.t += n as u64;
    }
}
