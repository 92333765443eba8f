//! Report strips (issue 13): the geometry of the SVG on a generated recording with pulses one
//! second apart (25 mm apart and 10 mm tall at 25 mm/s and 10 mm/mV; 30 mm and 10 mm for 70 µV
//! at 30 mm/s and 7 µV/mm), the PNG's pixel distances at its dpi, the PDF's page size, labels,
//! header, errors, and the viewer's ctrl-p.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use common::app::{press, AppBuilder};
use sigmark::formats::edf::writer::{self, FileSpec, Plus, SignalSpec};
use sigmark::snapshot::{self, Request, SnapshotError};

const SECONDS: u64 = 10;

/// A 1 s-record EDF+C of `labels` (all in `unit` at `rate` Hz): each second a pulse of
/// `height` from 100 to 200 ms into the second, zero elsewhere.
fn pulses(
    dir: &Path,
    name: &str,
    labels: &[&str],
    unit: &str,
    rate: usize,
    height: f64,
) -> PathBuf {
    pulses_with(dir, name, labels, unit, rate, height, "X X X X")
}

fn pulses_with(
    dir: &Path,
    name: &str,
    labels: &[&str],
    unit: &str,
    rate: usize,
    height: f64,
    patient: &str,
) -> PathBuf {
    let spec = |label: &str| SignalSpec {
        label: label.to_string(),
        transducer: String::new(),
        unit: unit.to_string(),
        physical_min: -5.0 * height,
        physical_max: 5.0 * height,
        digital_min: -32768,
        digital_max: 32767,
        prefilter: String::new(),
        samples_per_record: rate,
    };
    let signals: Vec<SignalSpec> = labels.iter().map(|l| spec(l)).collect();
    let file = FileSpec {
        bdf: false,
        plus: Some(Plus::Continuous),
        patient: patient.to_string(),
        recording: "Startdate 15-MAR-2024 X X test".to_string(),
        start: NaiveDate::from_ymd_opt(2024, 3, 15)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .unwrap(),
        start_offset_100ns: 0,
        records: SECONDS,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: signals.clone(),
        annotations: Vec::new(),
    };
    let path = dir.join(name);
    let out = std::fs::File::create(&path).unwrap();
    writer::write(std::io::BufWriter::new(out), &file, |_, bufs| {
        for (b, s) in bufs.iter_mut().zip(&signals) {
            for (i, v) in b.iter_mut().enumerate() {
                let on = i * 10 >= rate && i * 5 < rate;
                *v = s.to_digital(if on { height } else { 0.0 });
            }
        }
    })
    .unwrap();
    path
}

fn request(rec: &sigmark::Recording, filters: bool) -> Request {
    let mut r = Request::new(rec, 0.0, SECONDS as f64);
    r.filters_on = filters;
    r
}

/// The `d` of the path with `data-channel="label"`, as points (mm).
fn trace(svg: &str, label: &str) -> Vec<(f64, f64)> {
    let key = format!("data-channel=\"{label}\" d=\"");
    let at = svg
        .find(&key)
        .unwrap_or_else(|| panic!("no trace {label:?}"))
        + key.len();
    let d = &svg[at..at + svg[at..].find('"').unwrap()];
    d.split(['M', ' '])
        .filter(|t| !t.is_empty())
        .map(|t| {
            let (x, y) = t.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

/// Baseline y, pulse top y and the x of each rising edge of a trace.
fn pulse_geometry(points: &[(f64, f64)]) -> (f64, f64, Vec<f64>) {
    let mut ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    ys.sort_by(f64::total_cmp);
    let (base, top) = (ys[ys.len() / 2], ys[0]);
    let half = (base + top) / 2.0;
    let edges = points
        .windows(2)
        .filter(|w| w[0].1 > half && w[1].1 <= half)
        .map(|w| w[1].0)
        .collect();
    (base, top, edges)
}

fn spacings(edges: &[f64]) -> Vec<f64> {
    edges.windows(2).map(|w| w[1] - w[0]).collect()
}

fn within(what: &str, got: f64, want: f64) {
    let err = (got - want).abs() / want;
    println!("{what}: {got:.3} (want {want}, {:.2}% off)", err * 100.0);
    assert!(err <= 0.01, "{what}: {got} is not within 1% of {want}");
}

/// The svg's `width="Wmm"` and `height="Hmm"`.
fn page_mm(svg: &str) -> (f64, f64) {
    let attr = |name: &str| -> f64 {
        let key = format!(" {name}=\"");
        let at = svg.find(&key).unwrap() + key.len();
        let v = &svg[at..at + svg[at..].find('"').unwrap()];
        v.strip_suffix("mm").unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

#[test]
fn ecg_pulses_are_25_mm_apart_and_10_mm_tall_with_a_calibration_pulse() {
    let dir = tempfile::tempdir().unwrap();
    let path = pulses(dir.path(), "p.edf", &["ECG I"], "mV", 500, 1.0);
    let rec = sigmark::open(&path).unwrap();
    let svg = snapshot::svg(&rec, &request(&rec, false)).unwrap();
    let (base, top, edges) = pulse_geometry(&trace(&svg, "ECG I"));
    println!("edges at {edges:?}");
    assert_eq!(edges.len(), SECONDS as usize);
    for s in spacings(&edges) {
        within("pulse spacing, mm", s, 25.0);
    }
    within("pulse height, mm", base - top, 10.0);
    let (w, h) = page_mm(&svg);
    assert!(svg.contains(&format!("viewBox=\"0 0 {w} {h}\"")));
    assert!(w >= 250.0, "10 s at 25 mm/s needs 250 mm, page is {w}");
    let cal = svg
        .find("class=\"calibration\" d=\"M")
        .expect("a calibration pulse");
    let d = &svg[cal..cal + 80];
    println!("calibration: {d}");
    assert!(
        d.contains("v-10h5v10"),
        "1 mV x 200 ms is 10 mm x 5 mm: {d}"
    );
    assert!(svg.contains("class=\"grid-minor\"") && svg.contains("class=\"grid-major\""));
}

#[test]
fn eeg_pulses_at_7_uv_per_mm_and_30_mm_per_s() {
    let dir = tempfile::tempdir().unwrap();
    let path = pulses(dir.path(), "e.edf", &["EEG Fp1", "EEG F7"], "uV", 256, 70.0);
    let rec = sigmark::open(&path).unwrap();
    let svg = snapshot::svg(&rec, &request(&rec, false)).unwrap();
    for label in ["EEG Fp1", "EEG F7"] {
        let (base, top, edges) = pulse_geometry(&trace(&svg, label));
        assert_eq!(edges.len(), SECONDS as usize);
        for s in spacings(&edges) {
            within("EEG pulse spacing, mm", s, 30.0);
        }
        within("70 uV at 7 uV/mm, mm", base - top, 10.0);
    }
    assert!(svg.contains("class=\"grid-time\""), "a 1 s time grid");
    assert!(
        svg.contains("70 µV / 1 s (7 µV/mm, 30 mm/s)"),
        "a scale bar"
    );
    // An asked sensitivity and speed change the geometry.
    let mut req = request(&rec, false);
    req.sensitivity = Some("14uV/mm".into());
    req.speed_mm_s = Some(15.0);
    let svg = snapshot::svg(&rec, &req).unwrap();
    let (base, top, edges) = pulse_geometry(&trace(&svg, "EEG Fp1"));
    within("70 uV at 14 uV/mm, mm", base - top, 5.0);
    within("spacing at 15 mm/s, mm", spacings(&edges)[0], 15.0);
}

#[test]
fn png_pixel_distances_agree_at_its_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let path = pulses(dir.path(), "p.edf", &["ECG I"], "mV", 500, 1.0);
    let rec = sigmark::open(&path).unwrap();
    let svg = snapshot::svg(&rec, &request(&rec, false)).unwrap();
    let (base, _, edges) = pulse_geometry(&trace(&svg, "ECG I"));
    for dpi in [300.0, 150.0] {
        let png = snapshot::png(&svg, dpi).unwrap();
        let px = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
        // The dpi travels in the file (pHYs, pixels per metre), so it prints at true size.
        let at = png
            .windows(4)
            .position(|w| w == b"pHYs")
            .expect("a pHYs chunk")
            + 4;
        let per_m = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
        println!("dpi {dpi}: pHYs {per_m} px/m");
        assert_eq!(per_m, (dpi / 0.0254).round() as u32);
        let per_mm = dpi / 25.4;
        let (w, h) = page_mm(&svg);
        within("PNG width, px", px.width() as f64, w * per_mm);
        within("PNG height, px", px.height() as f64, h * per_mm);
        let dark = |x: u32, y: u32| {
            let c = px.pixel(x, y).unwrap();
            // The black trace, anti-aliased; the pink grid keeps its red above 200.
            c.red() < 160 && c.green() < 160 && c.blue() < 160
        };
        // Rising edges along the row halfway up the pulses, right of the calibration pulse.
        let row = ((base - 5.0) * per_mm).round() as u32;
        let from = ((edges[0] - 1.0) * per_mm) as u32;
        let runs = dark_runs((from..px.width()).map(|x| (x, dark(x, row))));
        let rising: Vec<f64> = runs.iter().step_by(2).copied().collect();
        println!("dpi {dpi}: dark runs on row {row} at {runs:?}");
        assert_eq!(rising.len(), SECONDS as usize);
        for s in spacings(&rising) {
            within("PNG pulse spacing, px", s, 25.0 * per_mm);
        }
        // Height: the top of a pulse and the baseline between two pulses.
        let top_x = ((edges[1] + 1.0) * per_mm) as u32;
        let base_x = ((edges[1] + 10.0) * per_mm) as u32;
        let top = dark_runs((0..px.height()).map(|y| (y, dark(top_x, y))));
        let low = dark_runs((0..px.height()).map(|y| (y, dark(base_x, y))));
        let near = |runs: &[f64], mm: f64| {
            runs.iter()
                .copied()
                .min_by(|a, b| (a - mm * per_mm).abs().total_cmp(&(b - mm * per_mm).abs()))
                .unwrap()
        };
        within(
            "PNG pulse height, px",
            near(&low, base) - near(&top, base - 10.0),
            10.0 * per_mm,
        );
    }
}

/// Centres of the runs of `true` along a line of pixels.
fn dark_runs(line: impl Iterator<Item = (u32, bool)>) -> Vec<f64> {
    let mut runs = Vec::new();
    let mut start = None;
    for (i, d) in line {
        match (d, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                runs.push((s + i - 1) as f64 / 2.0);
                start = None;
            }
            _ => {}
        }
    }
    runs
}

#[test]
fn pdf_page_is_the_drawing_in_points() {
    let dir = tempfile::tempdir().unwrap();
    let path = pulses(dir.path(), "p.edf", &["ECG I", "ECG II"], "mV", 500, 1.0);
    let rec = sigmark::open(&path).unwrap();
    let out = dir.path().join("strip.pdf");
    snapshot::write(&rec, &request(&rec, true), &out, 300.0).unwrap();
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF starts with %PDF");
    let text = String::from_utf8_lossy(&pdf);
    let at = text.find("/MediaBox [").expect("a MediaBox") + "/MediaBox [".len();
    let nums: Vec<f64> = text[at..at + text[at..].find(']').unwrap()]
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    let (w, h) = page_mm(&snapshot::svg(&rec, &request(&rec, true)).unwrap());
    println!("MediaBox {nums:?}, page {w} x {h} mm");
    assert!((nums[2] - w * 72.0 / 25.4).abs() < 0.1);
    assert!((nums[3] - h * 72.0 / 25.4).abs() < 0.1);
}

#[test]
fn traces_carry_their_labels_and_the_header_says_what_the_strip_is() {
    let dir = tempfile::tempdir().unwrap();
    let labels = ["ECG I", "ECG <V&1>", "ECG \"II\""];
    let path = pulses(dir.path(), "p.edf", &labels, "mV", 500, 1.0);
    let rec = sigmark::open(&path).unwrap();
    let mut req = request(&rec, true);
    req.start_s = 2.0;
    req.duration_s = 5.0;
    let svg = snapshot::svg(&rec, &req).unwrap();
    let found: Vec<String> = svg
        .split("data-channel=\"")
        .skip(1)
        .map(|s| {
            s[..s.find('"').unwrap()]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .collect();
    println!("data-channel: {found:?}");
    assert_eq!(found, labels);
    for want in [
        "p.edf (de-identified recording)",
        "Strip 2024-03-15 09:30:02 (+0:00:02.000), 5 s",
        "25 mm/s | 10 mm/mV",
        "Filters: ECG HP 0.5 Hz, LP 40 Hz",
        "Montage: As recorded",
        "EDF+C",
    ] {
        println!("header has {want:?}");
        assert!(svg.contains(want), "header lacks {want:?}");
    }
    let named = pulses_with(
        dir.path(),
        "n.edf",
        &labels,
        "mV",
        500,
        1.0,
        "MCH-0234 F X Doe",
    );
    let rec = sigmark::open(&named).unwrap();
    let svg = snapshot::svg(&rec, &request(&rec, false)).unwrap();
    assert!(svg.contains("Patient MCH-0234 F X Doe | Recording 15-MAR-2024 X X test | n.edf"));
    assert!(svg.contains("Filters: none (as recorded)"));
}

#[test]
fn bad_values_are_errors_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = pulses(dir.path(), "p.edf", &["ECG I"], "mV", 500, 1.0);
    let rec = sigmark::open(&path).unwrap();
    let err = |req: &Request, out: &str| -> String {
        let e = snapshot::write(&rec, req, &dir.path().join(out), 300.0).unwrap_err();
        println!("{out}: {e}");
        assert!(matches!(
            e,
            SnapshotError::Value { .. } | SnapshotError::Output { .. }
        ));
        e.to_string()
    };
    let mut r = request(&rec, true);
    r.start_s = 11.0;
    assert!(err(&r, "a.svg").contains("--start \"11\""));
    let mut r = request(&rec, true);
    r.duration_s = -1.0;
    assert!(err(&r, "a.svg").contains("--duration \"-1\""));
    let mut r = request(&rec, true);
    r.speed_mm_s = Some(0.0);
    assert!(err(&r, "a.svg").contains("--speed"));
    let mut r = request(&rec, true);
    r.sensitivity = Some("7 furlongs".into());
    assert!(err(&r, "a.svg").contains("--sensitivity \"7 furlongs\""));
    assert!(err(&request(&rec, true), "a.txt").contains(".svg, .pdf or .png"));
    let e = snapshot::derivations(&rec, None, &["V9".to_string()]).unwrap_err();
    println!("{e}");
    assert!(e.to_string().contains("--channel \"V9\"") && e.to_string().contains("ECG I"));
    let e = snapshot::derivations(&rec, Some("no_such"), &[]).unwrap_err();
    assert!(e.to_string().contains("--montage \"no_such\""), "{e}");
    // Never over the recording, whatever it is called.
    let disguised = dir.path().join("rec.svg");
    std::fs::copy(&path, &disguised).unwrap();
    let rec2 = sigmark::open(&disguised).unwrap();
    let before = std::fs::read(&disguised).unwrap();
    let e = snapshot::write(&rec2, &request(&rec2, true), &disguised, 300.0).unwrap_err();
    println!("{e}");
    assert!(e.to_string().contains("is the recording itself"));
    assert_eq!(std::fs::read(&disguised).unwrap(), before);
}

#[test]
fn ctrl_p_writes_the_visible_window_beside_the_recording() {
    let mut t = AppBuilder::demo("demo_ecg.edf")
        .span(10.0)
        .reader("alice")
        .build();
    press(&mut t.app, "]");
    let start = t.view.start_s;
    assert!(start > 0.0, "the window moved");
    press(&mut t.app, "ctrl-p");
    let msg = t.message.clone().unwrap_or_default();
    println!("status: {msg}; window {start} + {}", t.view.span_s);
    let dir = t.dir.as_ref().expect("a private copy").path().to_path_buf();
    let out = sigmark::tui::actions::snapshot::target(&t.app);
    assert_eq!(out.parent(), Some(dir.as_path()));
    assert!(
        msg.contains("snapshot written") && msg.contains("strip-"),
        "{msg}"
    );
    let svg = std::fs::read_to_string(&out).expect("the strip file");
    let lanes: Vec<String> = t
        .visible()
        .iter()
        .map(|&i| t.lanes[i].label.clone())
        .collect();
    for l in &lanes {
        assert!(
            svg.contains(&format!("data-channel=\"{l}\"")),
            "no trace {l}"
        );
    }
    let when = format!("(+{}", sigmark::signal::time::format_offset(start, 3));
    assert!(svg.contains(&when), "header lacks {when}");
    assert!(svg.contains("Reader: alice"));
    let (w, _) = page_mm(&svg);
    assert!(w > t.view.span_s * 25.0, "{w} mm for {} s", t.view.span_s);
}

#[test]
fn png_grid_lines_are_1_and_5_mm_apart_at_its_dpi() {
    let dir = tempfile::tempdir().unwrap();
    let path = pulses(dir.path(), "p.edf", &["ECG I"], "mV", 500, 1.0);
    let rec = sigmark::open(&path).unwrap();
    let svg = snapshot::svg(&rec, &request(&rec, false)).unwrap();
    let (base, _, _) = pulse_geometry(&trace(&svg, "ECG I"));
    for dpi in [300.0, 150.0] {
        let px = resvg::tiny_skia::Pixmap::decode_png(&snapshot::png(&svg, dpi).unwrap()).unwrap();
        let per_mm = dpi / 25.4;
        // A row between two horizontal lines, below the baseline where no trace runs.
        let row = ((base + 8.5) * per_mm).round() as u32;
        let colour = |x: u32| px.pixel(x, row).unwrap();
        let major = dark_runs((0..px.width()).map(|x| {
            let c = colour(x);
            (x, c.red() > 200 && c.green() < 160)
        }));
        let minor = dark_runs((0..px.width()).map(|x| {
            let c = colour(x);
            (x, c.red() > 200 && (170..215).contains(&c.green()))
        }));
        let mean = |runs: &[f64]| (runs[runs.len() - 1] - runs[0]) / (runs.len() - 1) as f64;
        println!(
            "dpi {dpi}: row {row}: {} major lines, {} minor",
            major.len(),
            minor.len()
        );
        // 10 s at 25 mm/s: 250 mm of paper, a line each mm, every fifth a major one.
        assert_eq!(major.len(), 51, "major lines {major:?}");
        assert_eq!(minor.len(), 200, "minor lines {minor:?}");
        within("PNG major grid spacing, px", mean(&major), 5.0 * per_mm);
        // Minor lines from 1 mm to 249 mm (the fifth ones are major).
        let span = minor[minor.len() - 1] - minor[0];
        within("PNG first to last minor line, px", span, 248.0 * per_mm);
    }
}
