//! `sigmark export`: columns, order, determinism, skipping, readers, shards and merge, Parquet.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::cli::{sigmark, Run};
use sigmark::annotations::store::table_text;
use sigmark::annotations::{Certainty, Event};

const HEADER: &str = "recording,recording_sha256,reader,label,code,onset_s,duration_s,onset_time,channel,certainty,note,source,created,modified,format,recording_duration_s,start_time";

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

fn event(onset: f64, duration: f64, label: &str, reader: &str, note: &str) -> Event {
    Event {
        onset,
        duration,
        label: label.into(),
        channel: String::new(),
        certainty: Certainty::Definite,
        note: note.into(),
        reader: reader.into(),
        id: format!("{reader}-{onset}"),
        created: "2024-05-01T10:00:00.000Z".into(),
        modified: "2024-05-01T10:00:01.500Z".into(),
        ..Default::default()
    }
}

fn write_table(dir: &Path, stem: &str, reader: &str, events: &[Event]) {
    fs::write(
        dir.join(format!("{stem}.{reader}.events.tsv")),
        table_text(events),
    )
    .unwrap();
}

/// A tree with three recordings, two readers, a consensus table; `bad` adds a malformed table
/// and a file that is not a recording.
fn tree(bad: bool) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    for (sub, name) in [
        ("ecg", "demo_ecg.edf"),
        ("eeg", "demo_eeg.bdf"),
        ("", "demo_monitoring.h5"),
    ] {
        fs::create_dir_all(root.join(sub)).unwrap();
        fs::copy(
            repo(&format!("recordings/{name}")),
            root.join(sub).join(name),
        )
        .unwrap();
    }
    let ecg = root.join("ecg");
    // Out of order on purpose: the export sorts.
    write_table(
        &ecg,
        "demo_ecg",
        "bob",
        &[
            event(30.0, 0.0, "PVC", "bob", "tab\there, \"quoted\", comma"),
            event(1.5, 10.0, "AF", "bob", ""),
        ],
    );
    write_table(
        &ecg,
        "demo_ecg",
        "alice",
        &[event(2.25, 0.0, "PVC", "alice", "line\nbreak")],
    );
    fs::write(
        ecg.join("demo_ecg.consensus.events.tsv"),
        "onset\tduration\tlabel\tchannel\tcertainty\tnote\tsource\tadjudicator\tid\tcreated\tmodified\n\
         2.25\t0\tPVC\t\tdefinite\t\talice+bob\tcarol\tc1\t2024-05-02T09:00:00Z\t2024-05-02T09:00:00Z\n",
    )
    .unwrap();
    write_table(
        &root.join("eeg"),
        "demo_eeg",
        "alice",
        &[event(12.0, 30.0, "N2", "alice", "")],
    );
    write_table(
        root,
        "demo_monitoring",
        "bob",
        &[event(5.0, 1.0, "apnea", "bob", "")],
    );
    fs::write(root.join("README.md"), "not a recording, skipped silently").unwrap();
    if bad {
        fs::write(
            ecg.join("demo_ecg.mallory.events.tsv"),
            "onset\tduration\tlabel\nsoon\t0\tPVC\n",
        )
        .unwrap();
        fs::write(root.join("notes.bin"), b"\x00\x01 this is no recording").unwrap();
    }
    t
}

fn export(root: &Path, out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "export",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sigmark(&args)
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut rd = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>().join(","),
        HEADER
    );
    rd.records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_has_the_columns_in_order_and_is_deterministic() {
    let t = tree(false);
    let out_dir = tempfile::tempdir().unwrap();
    let a = out_dir.path().join("a.csv");
    let b = out_dir.path().join("b.csv");
    let o = export(t.path(), &a, &[]);
    assert!(o.success(), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("3 recordings, 3 readers (5 tables), 6 events, nothing skipped"),
        "{}",
        o.stderr
    );
    let o = export(t.path(), &b, &["--jobs", "1"]);
    assert!(o.success(), "{}", o.stderr);
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    let rows = csv_rows(&a);
    let key: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r[0].clone(), r[2].clone(), r[5].clone()))
        .collect();
    let want = [
        ("demo_monitoring.h5", "bob", "5"),
        ("ecg/demo_ecg.edf", "alice", "2.25"),
        ("ecg/demo_ecg.edf", "bob", "1.5"),
        ("ecg/demo_ecg.edf", "bob", "30"),
        ("ecg/demo_ecg.edf", "consensus", "2.25"),
        ("eeg/demo_eeg.bdf", "alice", "12"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(key, want);
    let pvc = &rows[3];
    assert_eq!(pvc[3], "PVC");
    assert!(!pvc[4].is_empty(), "PVC has a code in the ECG taxonomy");
    assert_eq!(pvc[10], "tab\there, \"quoted\", comma");
    assert_eq!(pvc[11], "bob");
    assert_eq!(pvc[14], "EDF+C");
    let sha = sigmark::export::rows::hash_file(&repo("recordings/demo_ecg.edf")).unwrap();
    assert_eq!(pvc[1], sha);
    let rec = sigmark::open(repo("recordings/demo_ecg.edf")).unwrap();
    let start = rec.start.unwrap();
    assert_eq!(pvc[7], start.iso_after(30.0));
    assert_eq!(pvc[16], start.to_string());
    assert_eq!(rows[4][11], "alice+bob", "consensus source column");
    assert_eq!(rows[1][10], "line\nbreak");
}

#[test]
fn bad_files_are_reported_skipped_and_fail_the_exit_status() {
    let t = tree(true);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("t.csv");
    let o = export(t.path(), &out, &[]);
    let err = &o.stderr;
    assert_eq!(o.code, 1, "{err}");
    assert!(err.contains("notes.bin"), "{err}");
    assert!(err.contains("demo_ecg.mallory.events.tsv"), "{err}");
    assert!(!err.contains("README.md"), "{err}");
    assert!(
        err.contains("2 files skipped (1 not a readable recording, 1 malformed events table)"),
        "{err}"
    );
    // Everything else is still exported.
    assert_eq!(csv_rows(&out).len(), 6);

    let strict = out_dir.path().join("strict.csv");
    let o = export(t.path(), &strict, &["--strict"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--strict"), "{}", o.stderr);
    assert!(!strict.exists(), "a failed run leaves no table");
    let leftovers: Vec<_> = fs::read_dir(out_dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left");
}

#[test]
fn readers_filter_and_embedded_annotations() {
    let t = tree(false);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("alice.tsv");
    let o = export(t.path(), &out, &["--readers", "alice"]);
    assert!(o.success(), "{}", o.stderr);
    let text = fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], HEADER.replace(',', "\t"));
    assert_eq!(lines.len(), 3);
    assert!(lines[1..]
        .iter()
        .all(|l| l.split('\t').nth(2) == Some("alice")));
    assert!(lines[1].contains("line\\nbreak"), "TSV escapes newlines");

    let out = out_dir.path().join("consensus.csv");
    let o = export(t.path(), &out, &["--readers", "consensus"]);
    assert!(o.success());
    assert_eq!(csv_rows(&out).len(), 1);

    let out = out_dir.path().join("embedded.csv");
    let o = export(t.path(), &out, &["--readers", "nobody", "--embedded"]);
    assert!(o.success(), "{}", o.stderr);
    let rows = csv_rows(&out);
    let rec = sigmark::open(repo("recordings/demo_ecg.edf")).unwrap();
    let eeg = sigmark::open(repo("recordings/demo_eeg.bdf")).unwrap();
    assert_eq!(rows.len(), rec.annotations.len() + eeg.annotations.len());
    assert!(
        !rows.is_empty(),
        "the demo recordings carry EDF+ annotations"
    );
    assert!(rows
        .iter()
        .all(|r| r[2] == "embedded" && r[11] == "embedded"));
}

#[test]
fn jsonl_has_one_object_per_event() {
    let t = tree(false);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("t.jsonl");
    assert!(export(t.path(), &out, &[]).success());
    let text = fs::read_to_string(&out).unwrap();
    let objs: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objs.len(), 6);
    assert_eq!(objs[0]["recording"], "demo_monitoring.h5");
    assert_eq!(objs[3]["onset_s"], 30.0);
    assert_eq!(objs[3]["duration_s"], 0.0);
}

fn shard_and_merge(root: &Path, dir: &Path, ext: &str) -> (PathBuf, PathBuf) {
    let single = dir.join(format!("single.{ext}"));
    assert!(export(root, &single, &[]).success());
    let mut shards = Vec::new();
    for k in 1..=3 {
        let s = dir.join(format!("shard{k}.{ext}"));
        let o = export(root, &s, &["--shard", &format!("{k}/3")]);
        assert!(o.success(), "{}", o.stderr);
        shards.push(s.to_str().unwrap().to_string());
    }
    let merged = dir.join(format!("merged.{ext}"));
    let mut args = vec!["export", "--merge"];
    args.extend(shards.iter().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap()]);
    let o = sigmark(&args);
    assert!(o.success(), "{}", o.stderr);
    (single, merged)
}

/// A bigger tree, so that every shard holds several recordings.
fn many(n: usize) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for i in 0..n {
        let dir = t.path().join(format!("sub-{:02}", i % 7));
        fs::create_dir_all(&dir).unwrap();
        let stem = format!("rec{i}");
        fs::copy(
            repo("recordings/demo_ecg.edf"),
            dir.join(format!("{stem}.edf")),
        )
        .unwrap();
        let events: Vec<Event> = (0..5)
            .map(|j| event(j as f64 * 1.25 + i as f64, 0.5, "PVC", "alice", ""))
            .collect();
        write_table(&dir, &stem, "alice", &events);
    }
    t
}

#[test]
fn shards_merge_into_the_single_run_byte_for_byte() {
    let t = many(20);
    let dir = tempfile::tempdir().unwrap();
    for ext in ["csv", "tsv", "jsonl"] {
        let (single, merged) = shard_and_merge(t.path(), dir.path(), ext);
        assert_eq!(
            fs::read(&single).unwrap(),
            fs::read(&merged).unwrap(),
            "{ext}"
        );
    }
}

fn parquet_rows(path: &Path) -> Vec<String> {
    use arrow_array::RecordBatch;
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let f = fs::File::open(path).unwrap();
    let rd = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = rd.map(|b| b.unwrap()).collect();
    let mut out = Vec::new();
    for b in &batches {
        for i in 0..b.num_rows() {
            let cells: Vec<String> = b
                .columns()
                .iter()
                .map(|c| arrow_cell(c.as_ref(), i))
                .collect();
            out.push(cells.join("|"));
        }
    }
    out
}

fn arrow_cell(c: &dyn arrow_array::Array, i: usize) -> String {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, TimestampNanosecondType};
    use arrow_schema::DataType;
    if c.is_null(i) {
        return "null".into();
    }
    match c.data_type() {
        DataType::Utf8 => c.as_string::<i32>().value(i).to_string(),
        DataType::Float64 => c.as_primitive::<Float64Type>().value(i).to_string(),
        DataType::Timestamp(_, _) => c
            .as_primitive::<TimestampNanosecondType>()
            .value(i)
            .to_string(),
        other => panic!("unexpected column type {other}"),
    }
}

#[test]
fn parquet_round_trips_with_types_and_merges() {
    use arrow_schema::{DataType, TimeUnit};
    let t = tree(false);
    let dir = tempfile::tempdir().unwrap();
    let (single, merged) = shard_and_merge(t.path(), dir.path(), "parquet");
    let f = fs::File::open(&single).unwrap();
    let b = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(f).unwrap();
    let schema = b.schema().clone();
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    assert_eq!(names.join(","), HEADER);
    assert_eq!(schema.field(5).data_type(), &DataType::Float64);
    assert_eq!(
        schema.field(7).data_type(),
        &DataType::Timestamp(TimeUnit::Nanosecond, None)
    );
    assert_eq!(
        schema.field(12).data_type(),
        &DataType::Timestamp(TimeUnit::Nanosecond, Some("UTC".into()))
    );
    let rows = parquet_rows(&single);
    assert_eq!(rows.len(), 6);
    // created 2024-05-01T10:00:00Z in ns.
    assert!(rows[3].contains("|1714557600000000000|"), "{}", rows[3]);
    // The same table as the CSV export.
    let csv_out = dir.path().join("same.csv");
    assert!(export(t.path(), &csv_out, &[]).success());
    let csv = csv_rows(&csv_out);
    for (p, c) in rows.iter().zip(&csv) {
        let p: Vec<&str> = p.split('|').collect();
        assert_eq!(p[0], c[0]);
        assert_eq!(p[2], c[2]);
        assert_eq!(p[5], c[5]);
        assert_eq!(p[10], c[10]);
    }
    assert_eq!(parquet_rows(&merged), rows);
    let many = many(20);
    let (single, merged) = shard_and_merge(many.path(), dir.path(), "parquet");
    assert_eq!(parquet_rows(&single), parquet_rows(&merged));
    assert_eq!(parquet_rows(&single).len(), 100);
}

#[test]
fn merge_refuses_overlapping_shards() {
    let t = many(6);
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    assert!(export(t.path(), &a, &[]).success());
    let out = dir.path().join("m.csv");
    let o = sigmark(&[
        "export",
        "--merge",
        a.to_str().unwrap(),
        a.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.success());
    assert!(o.stderr.contains("same N"), "{}", o.stderr);
    assert!(!out.exists());
}

#[test]
fn a_single_recording_path_exports_its_tables() {
    let t = tree(false);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("one.csv");
    let o = export(&t.path().join("ecg/demo_ecg.edf"), &out, &[]);
    assert!(o.success(), "{}", o.stderr);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r[0] == "demo_ecg.edf"));
}

#[test]
fn bids_writes_events_and_column_descriptions_per_recording() {
    let t = tree(false);
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("bids");
    let o = export(t.path(), &out, &["--format", "bids"]);
    assert!(o.success(), "{}", o.stderr);
    let base = out.join("sub-ecgdemoecg/eeg/sub-ecgdemoecg_task-annotations");
    let tsv = fs::read_to_string(format!("{}_events.tsv", base.display())).unwrap();
    let lines: Vec<&str> = tsv.lines().collect();
    assert_eq!(
        lines[0],
        "onset\tduration\ttrial_type\tvalue\tchannel\tcertainty\tnote\treader\tsource\tcreated\tmodified"
    );
    assert_eq!(lines.len(), 5);
    let onsets: Vec<f64> = lines[1..]
        .iter()
        .map(|l| l.split('\t').next().unwrap().parse().unwrap())
        .collect();
    assert!(onsets.windows(2).all(|w| w[0] <= w[1]), "sorted by onset");
    assert!(
        lines[1..].iter().any(|l| l.contains("\tn/a\t")),
        "missing values are n/a"
    );
    let json: serde_json::Value = serde_json::from_str(
        &fs::read_to_string(format!("{}_events.json", base.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(json["onset"]["Units"], "s");
    assert!(json["trial_type"]["Description"].is_string());
    assert!(out
        .join("sub-eegdemoeeg/eeg/sub-eegdemoeeg_task-annotations_events.tsv")
        .is_file());
    assert!(out
        .join("sub-demomonitoring/eeg/sub-demomonitoring_task-annotations_events.json")
        .is_file());
}

#[test]
fn edfplus_annotation_only_file_reads_back() {
    let t = tree(false);
    let rec = t.path().join("ecg/demo_ecg.edf");
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("bob.edf");
    let o = sigmark(&[
        "export",
        rec.to_str().unwrap(),
        "--format",
        "edfplus",
        "--reader",
        "bob",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.success(), "{}", o.stderr);
    let back = sigmark::open(&out).unwrap();
    assert_eq!(back.format.name(), "EDF+C");
    assert!(back.channels.is_empty(), "annotation-only");
    let original = sigmark::open(&rec).unwrap();
    assert_eq!(back.start, original.start);
    let got: Vec<(f64, Option<f64>, &str)> = back
        .annotations
        .iter()
        .map(|a| (a.onset_s, a.duration_s, a.text.as_str()))
        .collect();
    assert_eq!(got, vec![(1.5, Some(10.0), "AF"), (30.0, None, "PVC")]);

    let csv_out = out_dir.path().join("bob.csv");
    let o = sigmark(&[
        "export",
        rec.to_str().unwrap(),
        "--format",
        "edfbrowser-csv",
        "--reader",
        "bob",
        "--out",
        csv_out.to_str().unwrap(),
    ]);
    assert!(o.success(), "{}", o.stderr);
    assert_eq!(
        fs::read_to_string(&csv_out).unwrap(),
        "Onset,Duration,Annotation\n1.5,10,AF\n30,0,PVC\n"
    );

    let o = sigmark(&[
        "export",
        rec.to_str().unwrap(),
        "--format",
        "edfplus",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--reader"), "{}", o.stderr);
}
