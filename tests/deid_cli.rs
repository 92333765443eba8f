//! `sigmark deid`'s runner and command: walk order, new names (`--id-map` or generated), the
//! key file, the random shift, the reader map, dry runs, the summary and exit status, and
//! parallel runs. The format parts are test doubles (tests/common/deid_cli.rs); the real
//! ones are tested beside them.

mod common;
#[path = "common/deid_cli.rs"]
mod deid_common;

use std::path::{Path, PathBuf};

use common::cli::sigmark;
use deid_common::{doubles, failing_edf, listing, put, put_wfdb, sha256, EDF, HDF5};
use sigmark::cli::deid::walk;
use sigmark::deid::keys::{random_shift, KeyFile, RANDOM_SHIFT_DAYS};
use sigmark::deid::run::{run, Formats, Job, Options};
use sigmark::deid::run_maps::{parse_reader_map, IdMap};
use sigmark::deid::run_report::{Entry, RunReport};
use sigmark::deid::{DeidError, Plan, Shift};

fn options(out: &Path) -> Options {
    Options {
        out: out.to_path_buf(),
        plan: Plan {
            shift: Some(Shift::days(-400)),
            ..Plan::default()
        },
        jobs: 1,
        ..Options::default()
    }
}

fn jobs(root: &Path, out: &Path) -> Vec<Job> {
    walk(&[root.to_path_buf()], out).jobs
}

fn go(root: &Path, opts: &Options, formats: &Formats) -> RunReport {
    let report = run(&jobs(root, &opts.out), opts, formats).expect("run");
    eprintln!("report: {report:#?}");
    report
}

/// `(rel, study_id)` of the recordings done, in order.
fn done(report: &RunReport) -> Vec<(String, String)> {
    report
        .entries
        .iter()
        .filter_map(|e| match e {
            Entry::Done { rel, study_id, .. } => Some((rel.clone(), study_id.clone())),
            Entry::Skipped { .. } => None,
        })
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

/// A tree with recordings in three formats, an annotation table, a non-recording and a
/// WFDB record (three files, one recording).
fn tree() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("in");
    put(&root, "site_b/p2.edf", EDF);
    put(&root, "site_a/p1.edf", EDF);
    put(
        &root,
        "site_a/p1.alice.events.tsv",
        b"onset\tlabel\n1\tJane called\n",
    );
    put(&root, "mon.h5", HDF5);
    put(&root, "junk.bin", b"not a recording");
    put_wfdb(&root.join("wfdb"), "100");
    let out = t.path().join("out");
    (t, root, out)
}

#[test]
fn recordings_are_named_in_walk_order_and_wfdb_members_are_not_jobs() {
    let (_t, root, out) = tree();
    let report = go(&root, &options(&out), &doubles());
    let expected = vec![
        pair("mon.h5", "deid-0001"),
        pair("site_a/p1.edf", "deid-0002"),
        pair("site_b/p2.edf", "deid-0003"),
        pair("wfdb/100.hea", "deid-0004"),
    ];
    assert_eq!(done(&report), expected);
    let skipped = report.skipped();
    eprintln!("skipped: {skipped:?}");
    assert_eq!(skipped.len(), 1, "only junk.bin is skipped");
    assert!(skipped[0].0.ends_with("junk.bin"));
    assert!(skipped[0].1.contains("first bytes"), "{}", skipped[0].1);
    let files = listing(&out);
    eprintln!("written: {files:?}");
    assert_eq!(
        files,
        [
            "deid-0001.h5",
            "deid-0002.alice.events.tsv",
            "deid-0002.edf",
            "deid-0003.edf",
            "deid-0004.hea"
        ]
    );
}

#[test]
fn a_wfdb_record_given_by_its_signal_file_is_its_header() {
    let t = tempfile::tempdir().expect("tempdir");
    let hea = put_wfdb(t.path(), "200");
    let dat = hea.with_extension("dat");
    let out = t.path().join("out");
    let jobs = walk(&[dat], &out).jobs;
    let report = run(&jobs, &options(&out), &doubles()).expect("run");
    eprintln!("{report:?}");
    assert_eq!(done(&report), vec![pair("200.hea", "deid-0001")]);
    assert!(report.skipped().is_empty());
}

#[test]
fn the_annotation_files_get_the_copy_sha256_the_shift_and_the_reader_map() {
    let (_t, root, out) = tree();
    let mut opts = options(&out);
    opts.reader_map = parse_reader_map(Path::new("m.tsv"), "alice\treader1\n").expect("map");
    let report = go(&root, &opts, &doubles());
    let table = std::fs::read_to_string(out.join("deid-0002.reader1.events.tsv")).expect("table");
    let sha = sha256(&out.join("deid-0002.edf"));
    eprintln!("table: {table}\nsha: {sha}");
    assert!(table.contains(&format!("sha256={sha}")));
    assert!(table.contains("shift=Some(-400)"));
    assert!(
        table.contains("[name] called"),
        "scrubbed with the header's ids"
    );
    assert_eq!(report.summary(false).texts_replaced, 4 + 1);
}

#[test]
fn an_id_map_names_by_relative_path_or_stem_and_skips_the_missing() {
    let (_t, root, out) = tree();
    let mut opts = options(&out);
    let text = "original\tstudy_id\nsite_a/p1.edf\tS-01\np2\tS-02\n100\tS-03\n";
    opts.id_map = Some(IdMap::parse(Path::new("ids.tsv"), text).expect("map"));
    let report = go(&root, &opts, &doubles());
    let expected = vec![
        pair("site_a/p1.edf", "S-01"),
        pair("site_b/p2.edf", "S-02"),
        pair("wfdb/100.hea", "S-03"),
    ];
    assert_eq!(done(&report), expected);
    let skipped = report.skipped();
    eprintln!("skipped: {skipped:?}");
    let mon = skipped
        .iter()
        .find(|(p, _)| p.ends_with("mon.h5"))
        .expect("mon.h5 skipped");
    assert!(mon.1.contains("not in --id-map ids.tsv"), "{}", mon.1);
    assert_eq!(report.summary(false).skipped, 2);
}

#[test]
fn id_map_errors_name_the_line() {
    let cases = [
        ("a\tS1\nb\tS1\n", "line 2", "given again"),
        ("a\tS1\nb S2\n", "line 2", "two tab-separated columns"),
        ("a\tS1\na\tS2\n", "line 2", "given again"),
        ("a\t../x\n", "line 1", "plain file name"),
        ("a\t\n", "line 1", "empty"),
    ];
    for (text, line, what) in cases {
        let e = IdMap::parse(Path::new("ids.tsv"), text).expect_err(text);
        let msg = e.to_string();
        eprintln!("{text:?} -> {msg}");
        assert!(msg.starts_with("ids.tsv: "), "{msg}");
        assert!(msg.contains(line) && msg.contains(what), "{msg}");
    }
}

#[test]
fn reader_maps_are_checked() {
    let good = parse_reader_map(Path::new("r.tsv"), "reader\tnew\nalice\tr1\nbob\tr2\n");
    eprintln!("{good:?}");
    let good = good.expect("good map");
    assert_eq!(good.get("alice").map(String::as_str), Some("r1"));
    assert_eq!(good.len(), 2, "the header line is not a pair");
    for (text, what) in [
        ("alice\tr1\nbob\tr1\n", "two readers"),
        ("alice\tr/1\n", "not a reader name"),
        ("alice\n", "two tab-separated"),
    ] {
        let msg = parse_reader_map(Path::new("r.tsv"), text)
            .expect_err(text)
            .to_string();
        eprintln!("{text:?} -> {msg}");
        assert!(msg.contains(what), "{msg}");
    }
}

#[test]
fn the_key_file_is_private_and_holds_the_shift_and_ids() {
    let (t, root, out) = tree();
    let mut opts = options(&out);
    let key = t.path().join("secret/key.json");
    std::fs::create_dir_all(t.path().join("secret")).expect("mkdir");
    opts.key = Some(key.clone());
    opts.random = true;
    go(&root, &opts, &doubles());
    let text = std::fs::read_to_string(&key).expect("key written");
    eprintln!("key: {text}");
    let k: KeyFile = serde_json::from_str(&text).expect("key is JSON");
    assert_eq!(k.shift_days, Some(-400));
    assert_eq!(k.shift, "random");
    assert_eq!(
        k.ids.get("site_b/p2.edf").map(String::as_str),
        Some("deid-0003")
    );
    assert_eq!(k.ids.len(), 4);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("meta").permissions().mode() & 0o777;
        eprintln!("mode {mode:o}");
        assert_eq!(mode, 0o600);
    }
    assert!(!listing(&out).iter().any(|f| f.contains("key")));
    // A second run must not replace the only key of the first.
    let again = run(
        &jobs(&root, &out),
        &Options {
            out: t.path().join("out2"),
            ..opts
        },
        &doubles(),
    );
    let msg = again.expect_err("existing key").to_string();
    eprintln!("{msg}");
    assert!(msg.contains("exists"), "{msg}");
}

#[test]
fn a_key_under_out_is_refused_before_anything_is_written() {
    let (_t, root, out) = tree();
    let mut opts = options(&out);
    opts.key = Some(out.join("sub/../key.json"));
    let e = run(&jobs(&root, &out), &opts, &doubles()).expect_err("key under out");
    eprintln!("{e}");
    assert!(matches!(e, DeidError::Refused { .. }), "{e:?}");
    assert!(!out.exists(), "nothing written: {:?}", listing(&out));
}

#[test]
fn random_shifts_stay_in_range_and_vary() {
    let days: Vec<i64> = (0..200).map(|_| random_shift().days).collect();
    eprintln!("first shifts: {:?}", &days[..10]);
    assert!(days.iter().all(|d| RANDOM_SHIFT_DAYS.contains(d)));
    let distinct: std::collections::BTreeSet<_> = days.iter().collect();
    assert!(distinct.len() > 100, "{} distinct of 200", distinct.len());
}

#[test]
fn a_dry_run_writes_nothing_and_reports_the_changes() {
    let (t, root, out) = tree();
    let mut opts = options(&out);
    opts.plan.dry_run = true;
    opts.key = Some(t.path().join("key.json"));
    let report = go(&root, &opts, &doubles());
    assert!(!out.exists(), "out made on a dry run: {:?}", listing(&out));
    assert!(
        !t.path().join("key.json").exists(),
        "key written on a dry run"
    );
    let s = report.summary(true);
    eprintln!("{s}");
    assert_eq!(
        s.to_string(),
        "dry run, nothing written: 4 recordings, 5 files would be written, 13 fields cleared, 5 texts replaced, 1 skipped"
    );
    let first = report
        .entries
        .iter()
        .find(|e| matches!(e, Entry::Done { .. }));
    let Some(Entry::Done { reports, .. }) = first else {
        panic!("first entry is a recording");
    };
    assert_eq!(reports[0].changes, ["5 header fields cleared"]);
}

#[test]
fn failures_and_refusals_are_skips_with_their_reason() {
    let (_t, root, out) = tree();
    put(&root, "site_a/p1.broken.events.tsv", b"x");
    std::fs::create_dir_all(&out).expect("mkdir");
    put(&out, "deid-0001.h5", b"earlier run");
    let report = go(&root, &options(&out), &failing_edf());
    let skipped = report.skipped();
    let reasons: Vec<String> = skipped.iter().map(|(_, w)| w.clone()).collect();
    eprintln!("reasons: {reasons:#?}");
    assert!(reasons.iter().any(|w| w.contains("deid-0001.h5 exists")));
    assert!(reasons
        .iter()
        .any(|w| w == "byte 184: expected the header size"));
    assert_eq!(done(&report), vec![pair("wfdb/100.hea", "deid-0004")]);
    assert_eq!(report.summary(false).skipped, 4, "junk, mon.h5, p1, p2");
    assert_eq!(
        std::fs::read(out.join("deid-0001.h5")).expect("kept"),
        b"earlier run"
    );
}

#[test]
fn an_output_that_is_a_source_is_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let out = t.path().join("out");
    let src = put(&out, "deid-0001.edf", EDF);
    let jobs = vec![Job {
        source: src.clone(),
        rel: "deid-0001.edf".into(),
    }];
    let report = run(&jobs, &options(&out), &doubles()).expect("run");
    let skipped = report.skipped();
    eprintln!("{skipped:?}");
    assert!(
        skipped[0].1.contains("is a source of this run"),
        "{skipped:?}"
    );
    assert_eq!(std::fs::read(&src).expect("source"), EDF);
}

#[test]
fn the_walk_passes_over_out_inside_an_input() {
    let (_t, root, _) = tree();
    let out = root.join("copies");
    put(&out, "deid-0001.edf", EDF);
    let rels: Vec<String> = jobs(&root, &out).into_iter().map(|j| j.rel).collect();
    eprintln!("{rels:?}");
    assert!(!rels.iter().any(|r| r.starts_with("copies")), "{rels:?}");
    assert!(rels.contains(&"site_a/p1.edf".to_string()));
}

#[test]
fn a_parallel_run_reports_as_one_thread_does() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("in");
    for i in 0..24 {
        put(&root, &format!("r{i:02}.edf"), EDF);
        put(&root, &format!("r{i:02}.alice.events.tsv"), b"Jane\n");
        if i % 5 == 0 {
            put(&root, &format!("x{i:02}.bin"), b"no");
        }
    }
    let normalise =
        |r: RunReport, out: &Path| format!("{r:?}").replace(&*out.to_string_lossy(), "OUT");
    let mut reports = Vec::new();
    for (threads, name) in [(1, "one"), (4, "four")] {
        let out = t.path().join(name);
        let opts = Options {
            jobs: threads,
            ..options(&out)
        };
        reports.push(normalise(
            run(&jobs(&root, &out), &opts, &doubles()).expect("run"),
            &out,
        ));
        assert_eq!(listing(&out).len(), 48);
    }
    eprintln!("one thread: {}", &reports[0][..300.min(reports[0].len())]);
    assert_eq!(reports[0], reports[1]);
}

#[test]
fn the_command_checks_its_arguments() {
    let help = sigmark(&["deid", "--help"]);
    assert!(help.success(), "{}", help.stderr);
    for flag in [
        "--out",
        "--shift-days",
        "--random-shift",
        "--key",
        "--id-map",
        "--reader-map",
        "--keep",
        "--jobs",
        "--dry-run",
    ] {
        assert!(
            help.stdout.contains(flag),
            "--help lacks {flag}: {}",
            help.stdout
        );
    }
    let t = tempfile::tempdir().expect("tempdir");
    let dir = t.path().to_string_lossy().into_owned();
    let out = format!("{dir}/out");
    let key = format!("{out}/key.json");
    let ids = put(t.path(), "ids.tsv", b"a\tS1\nb\tS1\n")
        .to_string_lossy()
        .into_owned();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "deid",
                &dir,
                "--out",
                &out,
                "--shift-days",
                "-3",
                "--random-shift",
            ],
            "cannot be used with",
        ),
        (
            vec!["deid", &dir, "--out", &out, "--keep", "sex,name"],
            "unknown field \"name\"",
        ),
        (
            vec!["deid", &dir, "--out", &out, "--random-shift", "--key", &key],
            "inside --out",
        ),
        (
            vec!["deid", &dir, "--out", &out, "--id-map", &ids],
            "line 2",
        ),
        (vec!["deid", &dir], "--out"),
        (vec!["deid", &out, "--out", &out], "is inside --out"),
    ];
    for (args, what) in cases {
        let r = sigmark(&args);
        eprintln!("{args:?} -> {} {}", r.code, r.stderr);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(what), "{args:?}: {}", r.stderr);
    }
    assert!(!Path::new(&out).exists(), "an argument error wrote {out}");
}

#[test]
fn the_command_prints_skips_and_the_summary_and_fails_on_a_skip() {
    let t = tempfile::tempdir().expect("tempdir");
    put(t.path(), "in/notes.bin", b"plain text\x1b[31m");
    let input = t.path().join("in").to_string_lossy().into_owned();
    let out = t.path().join("out").to_string_lossy().into_owned();
    let r = sigmark(&["deid", &input, "--out", &out, "--dry-run", "--random-shift"]);
    eprintln!("{} {}", r.code, r.stderr);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("skipped "), "{}", r.stderr);
    assert!(r.stderr.contains("notes.bin"), "{}", r.stderr);
    assert!(r.stderr.contains("cannot be recovered"), "{}", r.stderr);
    assert!(
        r.stderr.contains("dry run, nothing written: 0 recordings, 0 files would be written, 0 fields cleared, 0 texts replaced, 1 skipped"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains('\x1b'),
        "control characters reach the terminal"
    );
    assert!(!Path::new(&out).exists());
}

/// A multi-segment WFDB record is one recording: its segment headers are de-identified with it
/// (the WFDB part renames and rewrites them), not as recordings of their own.
#[test]
fn a_multi_segment_record_is_one_recording() {
    let t = tempfile::tempdir().expect("tempdir");
    let root = t.path().join("in");
    put(&root, "ms.hea", b"ms/2 1 360 20\nms_1 10\nms_2 10\n");
    for seg in ["ms_1", "ms_2"] {
        put_wfdb(&root, seg);
    }
    let out = t.path().join("out");
    let report = go(&root, &options(&out), &doubles());
    println!("{:?}", done(&report));
    assert_eq!(done(&report), vec![pair("ms.hea", "deid-0001")]);
}
