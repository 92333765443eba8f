//! `sigmark compare` end to end on issue 11 item 19: point labels matched within a window (and
//! the report saying which rule each label got), beat mode saying when nothing was scored, and
//! the duration taken from the recording a table's provenance file names.

mod common;

use std::path::{Path, PathBuf};

use common::cli::sigmark;
use serde_json::Value;
use sigmark::compare::input;

fn json(args: &[&str]) -> Value {
    sigmark(args).json()
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

fn s(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

fn demo(dir: &Path, name: &str) -> PathBuf {
    let rec = dir.join(name);
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf"),
        &rec,
    )
    .unwrap();
    rec
}

/// tp, fn, fp of a COUNTS object.
fn tff(v: &Value) -> (u64, u64, u64) {
    let n = |k: &str| v[k].as_u64().unwrap_or(u64::MAX);
    (n("tp"), n("fn"), n("fp"))
}

/// AF intervals and PVC points, B's PVC 42 ms after A's.
fn mixed(dir: &Path) -> (PathBuf, PathBuf) {
    let a = write(
        dir,
        "rec.alice.events.tsv",
        "onset\tduration\tlabel\n10\t20\tAF\n35.858\t0\tPVC\n80.590\t0\tPVC\n",
    );
    let b = write(
        dir,
        "rec.bob.events.tsv",
        "onset\tduration\tlabel\n12\t20\tAF\n35.900\t0\tPVC\n80.590\t0\tPVC\n95\t0\tPVC\n",
    );
    (a, b)
}

#[test]
fn a_point_42_ms_away_is_a_true_positive_and_the_report_says_why() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = mixed(d.path());
    let v = json(&["compare", &s(&a), &s(&b), "--json"]);
    let e = &v["event"];
    let (pvc, af) = (&e["per_label"]["PVC"], &e["per_label"]["AF"]);
    println!("PVC {pvc}\nAF {af}");
    assert_eq!(
        tff(pvc),
        (2, 0, 1),
        "35.858 ~ 35.900 and 80.590 pair; 95 is extra"
    );
    assert_eq!(tff(&e["reversed"]["per_label"]["PVC"]), (2, 1, 0));
    assert_eq!(tff(af), (1, 0, 0));
    assert_eq!(pvc["rule"], "window 0.150 s");
    assert_eq!(af["rule"], "overlap");
    assert_eq!(e["reversed"]["per_label"]["PVC"]["rule"], "window 0.150 s");
    assert_eq!(e["parameters"]["point_window_s"], 0.15);
    // A narrower window than 42 ms: the first PVC is an FN and an FP again.
    let v = json(&[
        "compare",
        &s(&a),
        &s(&b),
        "--point-window",
        "0.04",
        "--json",
    ]);
    let pvc = &v["event"]["per_label"]["PVC"];
    println!("--point-window 0.04: PVC {pvc}");
    assert_eq!(tff(pvc), (1, 1, 2));
    assert_eq!(pvc["rule"], "window 0.040 s");
    // Text: the rule of each label is said.
    let (code, out, err) = sigmark(&["compare", &s(&a), &s(&b)]).parts();
    println!("{out}");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("  window 0.150 s: PVC\n") && out.contains("  overlap: AF\n"),
        "{out}"
    );
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    // CSV: a rule column, on every row.
    let (code, out, _) = sigmark(&["compare", &s(&a), &s(&b), "--csv"]).parts();
    println!("{out}");
    assert_eq!(code, 0);
    let mut lines = out.lines();
    let header = lines.next().unwrap_or_default();
    assert!(header.ends_with(",percent_agreement,rule"), "{header}");
    let rows: Vec<&str> = lines.collect();
    assert!(rows.iter().all(|r| r.split(',').count() == 16), "{out}");
    let pvc = |r: &&str| r.starts_with(",event,A,PVC,2,3,2,0,1,") && r.ends_with(",window 0.150 s");
    assert!(rows.iter().any(pvc), "{out}");
    assert!(rows
        .iter()
        .any(|r| r.starts_with(",event,A,AF,") && r.ends_with(",overlap")));
}

#[test]
fn points_pair_one_to_one_nearest_first() {
    let d = tempfile::tempdir().unwrap();
    // A's 1.05 and B's 1.10 are the nearest pair (50 ms) and pair first; A's 1.00 is then
    // 200 ms from B's 1.20. A's two points at 5.0 and B's one: one pair, not two.
    let a = write(
        d.path(),
        "a.tsv",
        "onset\tduration\tlabel\n1.00\t0\tx\n1.05\t0\tx\n5\t0\tx\n5\t0\tx\n",
    );
    let b = write(
        d.path(),
        "b.tsv",
        "onset\tduration\tlabel\n1.10\t0\tx\n1.20\t0\tx\n5\t0\tx\n",
    );
    let v = json(&["compare", &s(&a), &s(&b), "--json"]);
    let x = &v["event"]["per_label"]["x"];
    println!("{x}");
    assert_eq!(tff(x), (2, 2, 1));
    assert_eq!(tff(&v["event"]["reversed"]["per_label"]["x"]), (2, 1, 2));
}

#[test]
fn a_label_with_points_and_intervals_takes_the_majority_kind() {
    let d = tempfile::tempdir().unwrap();
    // PVC: 3 points and 1 interval (at 20.05, 100 ms long): matched as points, the interval
    // at its onset, which is 50 ms from A's point at 20.
    let a = write(
        d.path(),
        "a.tsv",
        "onset\tduration\tlabel\n10\t0\tPVC\n20\t0\tPVC\n40\t10\tAF\n45\t0\tAF\n",
    );
    let b = write(
        d.path(),
        "b.tsv",
        "onset\tduration\tlabel\n10.1\t0\tPVC\n20.05\t0.1\tPVC\n41\t10\tAF\n",
    );
    let v = json(&["compare", &s(&a), &s(&b), "--json"]);
    let (pvc, af) = (
        &v["event"]["per_label"]["PVC"],
        &v["event"]["per_label"]["AF"],
    );
    println!("PVC {pvc}\nAF {af}");
    assert_eq!(pvc["rule"], "window 0.150 s");
    assert_eq!(
        (pvc["points"].as_u64(), pvc["intervals"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(tff(pvc), (2, 0, 0));
    // AF: 2 intervals and 1 point: by overlap, the point inside B's interval matches it.
    assert_eq!(af["rule"], "overlap");
    assert_eq!(tff(af), (2, 0, 0));
    let (_, out, _) = sigmark(&["compare", &s(&a), &s(&b)]).parts();
    println!("{out}");
    assert!(
        out.contains("window 0.150 s (3 points; 1 interval taken at the onset): PVC"),
        "{out}"
    );
    assert!(
        out.contains("overlap (2 intervals; 1 point as zero-length intervals): AF"),
        "{out}"
    );
}

#[test]
fn beat_mode_on_a_short_recording_says_nothing_was_scored() {
    let d = tempfile::tempdir().unwrap();
    let t = "onset\tduration\tlabel\n1\t0\tN\n2\t0\tV\n3\t0\tN\n";
    let (a, b) = (write(d.path(), "a.tsv", t), write(d.path(), "b.tsv", t));
    let v = json(&["compare", &s(&a), &s(&b), "--json"]);
    let beat = &v["beat"];
    println!("{beat}");
    assert_eq!(beat["skipped"], true);
    let reason = beat["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("nothing was scored") && reason.contains("300"),
        "{reason}"
    );
    let (code, out, err) = sigmark(&["compare", &s(&a), &s(&b)]).parts();
    println!("{out}");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("nothing was scored"), "{out}");
    assert!(!out.contains("QRS"), "no table of zeros: {out}");
    // From the start of the recording, the same tables are scored.
    let v = json(&["compare", &s(&a), &s(&b), "--start", "0", "--json"]);
    println!("--start 0: {}", v["beat"]);
    assert_eq!(v["beat"]["skipped"], false);
    assert!(v["beat"].get("reason").is_none());
    assert_eq!(v["beat"]["qrs"]["tp"], 3);
    // Beats only before the start of a long enough recording: also nothing scored.
    let late = "onset\tduration\tlabel\n1\t0\tN\n400\t5\tAF\n";
    let a = write(d.path(), "late.tsv", late);
    let v = json(&["compare", &s(&a), &s(&a), "--mode", "beat", "--json"]);
    println!("beats before the start: {}", v["beat"]);
    assert_eq!(v["beat"]["skipped"], true);
}

#[test]
fn without_recording_the_duration_is_the_one_the_sidecar_names() {
    let d = tempfile::tempdir().unwrap();
    let rec = demo(d.path(), "rec.edf");
    let sha = input::sha256_file(&rec).unwrap();
    let (a, b) = mixed(d.path());
    let side = |name: &str, body: &str| write(d.path(), name, body);
    side(
        "rec.alice.events.json",
        &format!("{{\"recording\":\"rec.edf\",\"recording_sha256\":\"{sha}\"}}"),
    );
    let v = json(&["compare", &s(&a), &s(&b), "--json"]);
    println!(
        "{} from {}: {}",
        v["duration_s"], v["duration_from"], v["duration_source"]
    );
    assert_eq!(
        v["duration_s"], 600.0,
        "the demo recording's 600 s, not 95 s"
    );
    assert_eq!(v["duration_from"], "recording");
    let source = v["duration_source"].as_str().unwrap_or_default();
    assert!(
        source.contains("rec.edf") && source.contains("rec.alice.events.json"),
        "{source}"
    );
    assert!(v["recording_file"]
        .as_str()
        .is_some_and(|f| f.ends_with("rec.edf")));
    let (_, out, _) = sigmark(&["compare", &s(&a), &s(&b)]).parts();
    println!("{out}");
    assert!(
        out.contains("duration 600.0 s, from the recording"),
        "{out}"
    );
    // A recording whose SHA-256 is not the one recorded is not used, and a note says why.
    side(
        "rec.bob.events.json",
        "{\"recording\":\"rec.edf\",\"recording_sha256\":\"abc123\"}",
    );
    let v = json(&["compare", &s(&a), &s(&b), "--json"]);
    println!(
        "{} {}: {}",
        v["duration_s"], v["duration_source"], v["notes"]
    );
    assert_eq!(v["duration_s"], 95.0);
    assert_eq!(v["duration_from"], "events");
    assert!(v["notes"].to_string().contains("abc123"), "{}", v["notes"]);
    // A provenance file naming anything but a file beside it is not followed.
    side("rec.bob.events.json", "{\"recording\":\"rec.edf\"}");
    side("rec.alice.events.json", "{\"recording\":\"../rec.edf\"}");
    let sub = d.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let (a2, b2) = mixed(&sub);
    write(
        &sub,
        "rec.alice.events.json",
        "{\"recording\":\"../rec.edf\"}",
    );
    let v = json(&["compare", &s(&a2), &s(&b2), "--json"]);
    println!("{}: {}", v["duration_source"], v["notes"]);
    assert_eq!(v["duration_from"], "events");
    assert!(
        v["notes"].to_string().contains("not a file name"),
        "{}",
        v["notes"]
    );
}

#[test]
fn the_directory_form_uses_the_sidecar_too() {
    let d = tempfile::tempdir().unwrap();
    // The recording's name is not the tables' stem, so only the sidecar finds it.
    demo(d.path(), "night1.edf");
    mixed(d.path());
    write(
        d.path(),
        "rec.alice.events.json",
        "{\"recording\":\"night1.edf\"}",
    );
    let v = json(&["compare", &s(d.path()), "--readers", "alice,bob", "--json"]);
    let row = &v["recordings"][0];
    println!(
        "{} {}: {}",
        row["duration_s"], row["duration_source"], row["notes"]
    );
    assert_eq!(row["duration_s"], 600.0);
    assert!(
        !row["notes"].to_string().contains("latest event end"),
        "{}",
        row["notes"]
    );
}

#[test]
fn a_bad_point_window_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = mixed(d.path());
    // 0 is exact equality, one-to-one: 80.590 pairs, 35.858 and 35.900 do not.
    let v = json(&["compare", &s(&a), &s(&b), "--point-window", "0", "--json"]);
    println!("--point-window 0: {}", v["event"]["per_label"]["PVC"]);
    assert_eq!(tff(&v["event"]["per_label"]["PVC"]), (1, 1, 2));
    for bad in ["-1", "nan", "inf"] {
        let opt = format!("--point-window={bad}");
        let (code, _, err) = sigmark(&["compare", &s(&a), &s(&b), &opt]).parts();
        println!("--point-window {bad}: {code} {err}");
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("--point-window"), "{err}");
    }
}
