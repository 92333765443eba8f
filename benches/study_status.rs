//! `study status` over a study of 10,000 recordings with two readers each (issue 16: under
//! 2 s), generated deterministically in a temporary directory: four readers, balanced; 90% of
//! the recordings finished by both readers, 5% by one, 5% not started. Each table is what a
//! one-hour ECG read leaves: twelve 5-minute rhythm intervals (NSR or AF, a VT now and then)
//! and about thirty PVCs as points, with the journal of every add (one entry per event). The
//! second reader's intervals are shifted by up to 2 s with 5% of the labels changed, and
//! their beats jittered within 50 ms with 3% missed. One recording in ten has a consensus and
//! QA decisions, one in twenty adjudication decisions. No recording is opened by status, so
//! the recordings are small placeholder files.
//!
//! `cargo bench --bench study_status`; `SIGMARK_BENCH_STUDY=DIR` writes the study to DIR and
//! keeps it (and reuses it on the next run), to profile `sigmark study status DIR`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use sigmark::annotations::journal::JournalEntry;
use sigmark::annotations::store::{table_text, Action, Paths};
use sigmark::annotations::Event;
use sigmark::study::log::{Reading, ReadingState};
use sigmark::study::qa::{decisions_path, QaDecision, QaVerdict};
use sigmark::study::{log, status, Assignment, Critical, Gates, Guideline, Study, StudyFile};
use sigmark::synth::rng::Rng;

const RECORDINGS: usize = 10_000;
const READERS: [&str; 4] = ["alice", "bob", "carol", "dave"];

fn event(id: String, onset: f64, duration: f64, label: &str, reader: &str) -> Event {
    Event {
        onset: (onset * 1000.0).round() / 1000.0,
        duration: (duration * 1000.0).round() / 1000.0,
        label: label.into(),
        reader: reader.into(),
        id,
        created: "2026-12-01T10:00:00.000Z".into(),
        modified: "2026-12-01T10:00:00.000Z".into(),
        ..Default::default()
    }
}

/// The first reader's events, then the second's (shifted, some labels changed, beats
/// jittered, some missed).
fn readings(rng: &mut Rng, k: usize, ra: &str, rb: &str) -> (Vec<Event>, Vec<Event>) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..12 {
        let label = match rng.next_u64() % 20 {
            0 if k % 7 == 0 => "VT",
            0..=5 => "AF",
            _ => "NSR",
        };
        let onset = i as f64 * 300.0;
        a.push(event(format!("{ra}-{k}-r{i}"), onset, 300.0, label, ra));
        let shift = (rng.uniform() - 0.5) * 4.0;
        let lb = if rng.uniform() < 0.05 { "AF" } else { label };
        b.push(event(
            format!("{rb}-{k}-r{i}"),
            (onset + shift).max(0.0),
            300.0,
            lb,
            rb,
        ));
    }
    for i in 0..30 {
        let t = 5.0 + rng.uniform() * 3590.0;
        a.push(event(format!("{ra}-{k}-p{i}"), t, 0.0, "PVC", ra));
        if rng.uniform() >= 0.03 {
            let j = (rng.uniform() - 0.5) * 0.1;
            b.push(event(format!("{rb}-{k}-p{i}"), t + j, 0.0, "PVC", rb));
        }
    }
    (a, b)
}

/// The journal of adding `events` one by one, 10 s apart from 10:00.
fn journal(events: &[Event], reader: &str) -> String {
    let mut out = String::new();
    for (i, e) in events.iter().enumerate() {
        let s = 10 * i;
        let entry = JournalEntry {
            seq: i as u64 + 1,
            time: format!("2026-12-01T10:{:02}:{:02}.000Z", s / 60 % 60, s % 60),
            reader: reader.into(),
            action: Action::Add,
            id: e.id.clone(),
            before: None,
            after: Some(e.clone()),
            // What the store writes now: the keymap and the recording's hash per entry.
            keymap: Some("ecg".into()),
            keymap_version: Some("1.1".into()),
            recording_sha256: Some("0".repeat(64)),
        };
        let _ = writeln!(out, "{}", serde_json::to_string(&entry).unwrap());
    }
    out
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}

/// Writes the study into `dir`.
fn generate(dir: &Path) {
    let mut rng = Rng::new(16);
    let mut recordings = Vec::with_capacity(RECORDINGS);
    let mut order: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut log_lines = String::new();
    for k in 0..RECORDINGS {
        let rel = format!("site{}/rec{k:05}.edf", k % 10);
        let rec = dir.join(&rel);
        std::fs::create_dir_all(rec.parent().unwrap()).unwrap();
        write(&rec, "placeholder");
        let (ra, rb) = (READERS[k % 4], READERS[(k + 1 + k / 4 % 3) % 4]);
        let (ea, eb) = readings(&mut rng, k, ra, rb);
        let progress = k % 20;
        for (r, ev, done) in [(ra, &ea, progress < 19), (rb, &eb, progress < 18)] {
            order.entry(r.to_string()).or_default().push(rel.clone());
            if !done {
                continue;
            }
            let p = Paths::new(&rec, r, None);
            write(&p.events, &table_text(ev));
            write(&p.journal, &journal(ev, r));
            let reading = Reading {
                time: "2026-12-01T11:00:00.000Z".into(),
                reader: r.into(),
                recording: rel.clone(),
                state: ReadingState::Finished,
            };
            let _ = writeln!(log_lines, "{}", serde_json::to_string(&reading).unwrap());
        }
        if k % 10 == 0 {
            consensus(&rec, &ea);
        }
        recordings.push(Assignment {
            path: rel,
            readers: vec![ra.into(), rb.into()],
        });
    }
    write(&dir.join(log::READINGS_FILE), &log_lines);
    let file = StudyFile {
        name: "bench".into(),
        guideline: Guideline {
            keymap: "ecg".into(),
            version: "1.0".into(),
        },
        readers: READERS.iter().map(|s| s.to_string()).collect(),
        reads: 2,
        qa: vec!["erin".into()],
        seed: 16,
        gates: Gates::default(),
        critical: vec![Critical {
            label: "VT".into(),
            below: None,
        }],
        recordings,
        order,
    };
    file.write(&dir.join("study.toml")).unwrap();
}

/// A consensus (the first reader's events) and a QA decision on each critical event.
fn consensus(rec: &Path, events: &[Event]) {
    let p = Paths::new(rec, "consensus", None);
    write(&p.events, &table_text(events));
    let mut qa = String::new();
    for e in events.iter().filter(|e| e.label == "VT") {
        let d = QaDecision {
            id: e.id.clone(),
            verdict: QaVerdict::Confirmed,
            reviewer: "erin".into(),
            time: "2026-12-01T12:00:00.000Z".into(),
            before: e.clone(),
            after: None,
        };
        let _ = writeln!(qa, "{}", serde_json::to_string(&d).unwrap());
    }
    if !qa.is_empty() {
        write(&decisions_path(rec), &qa);
    }
}

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("SIGMARK_BENCH_STUDY")
        .map_or_else(|| tmp.path().to_path_buf(), std::path::PathBuf::from);
    if !dir.join("study.toml").is_file() {
        let t = Instant::now();
        generate(&dir);
        eprintln!("generated {RECORDINGS} recordings in {:?}", t.elapsed());
    }
    let study = Study::open(&dir).unwrap();
    let s = status::status(&study).unwrap();
    eprintln!(
        "{} recordings, {} read, {} passing, pooled kappa {:?} over {} epochs, {} below",
        s.overall.recordings,
        s.overall.read,
        s.overall.passing,
        s.overall.pooled_kappa,
        s.overall.epochs,
        s.overall.below_threshold.len()
    );
    let mut g = c.benchmark_group("study_status");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("status_10000_recordings", |bench| {
        bench.iter(|| black_box(status::status(&study).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
