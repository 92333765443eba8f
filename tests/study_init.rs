//! `sigmark study init` and `study add`: a generated study of 20 demo-size recordings (3
//! readers, 2 reads, 1 QA reviewer), the assignment's properties over reader counts, reads,
//! recording counts and seeds, `add` keeping what was assigned, and every refusal.

mod common;
#[path = "common/study_init.rs"]
mod study_common;

use std::path::Path;

use common::cli::{Cli, Run};
use proptest::prelude::*;
use sigmark::study::{assign, StudyFile};
use study_common::{empty_study, loads, problems, put_recordings};

fn study(args: &[&str], home: &Path) -> Run {
    Cli::new().home(home).arg("study").args(args).run()
}

fn read(dir: &Path) -> (String, StudyFile) {
    let text = std::fs::read_to_string(dir.join("study.toml")).unwrap();
    let file: StudyFile = toml::from_str(&text).unwrap();
    (text, file)
}

fn init20(dir: &Path, home: &Path, seed: &str) -> Run {
    let d = dir.to_str().unwrap();
    let args = [
        "init",
        d,
        "--readers",
        "alice,bob,carol",
        "--reads",
        "2",
        "--qa",
        "dana",
        "--seed",
        seed,
        "--name",
        "demo study",
    ];
    study(&args, home)
}

#[test]
fn a_generated_study_of_twenty_recordings() {
    let home = tempfile::tempdir().unwrap();
    let a = tempfile::tempdir().unwrap();
    put_recordings(a.path(), 0..20);
    std::fs::write(a.path().join("ecg/notes.md"), "not a recording").unwrap();
    let run = init20(a.path(), home.path(), "42");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("20 recordings"), "{}", run.stdout);
    let (text, file) = read(a.path());
    println!("{text}");
    assert_eq!(file.recordings.len(), 20);
    assert_eq!(problems(&file), Vec::<String>::new());
    let l = loads(&file);
    println!("loads {l:?}");
    let mut counts: Vec<usize> = l.values().copied().collect();
    counts.sort();
    assert_eq!(counts, [13, 13, 14], "40 reads over 3 readers");
    assert_eq!(
        (
            file.guideline.keymap.as_str(),
            file.guideline.version.as_str()
        ),
        ("ecg", "1.1")
    );
    let critical: Vec<&str> = file.critical.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(critical, ["VT", "VF", "Pause", "AVB3"]);
    assert_eq!(file.qa, ["dana"]);
    readers_read_in_different_orders(&file);
    insta::assert_snapshot!("study_toml_20_recordings_seed_42", text);

    // Same recordings, same seed, another directory: the same bytes.
    let b = tempfile::tempdir().unwrap();
    put_recordings(b.path(), 0..20);
    assert_eq!(init20(b.path(), home.path(), "42").code, 0);
    let (again, _) = read(b.path());
    assert_eq!(
        again, text,
        "same inputs and seed must give the same study.toml"
    );
    // Another seed: another assignment.
    let c = tempfile::tempdir().unwrap();
    put_recordings(c.path(), 0..20);
    assert_eq!(init20(c.path(), home.path(), "43").code, 0);
    let (other, other_file) = read(c.path());
    assert_ne!(other, text, "seed 43 gave the same study.toml as seed 42");
    assert_eq!(problems(&other_file), Vec::<String>::new());
}

/// Any two readers sharing recordings read them in different orders.
fn readers_read_in_different_orders(f: &StudyFile) {
    for (i, a) in f.readers.iter().enumerate() {
        for b in &f.readers[i + 1..] {
            let shared = |x: &str, y: &str| -> Vec<String> {
                f.order[x]
                    .iter()
                    .filter(|p| f.order[y].contains(p))
                    .cloned()
                    .collect()
            };
            let (ab, ba) = (shared(a, b), shared(b, a));
            println!("{a} then {b}: {ab:?}\n{b} then {a}: {ba:?}");
            assert!(ab.len() >= 3, "{a} and {b} share too few to compare");
            assert_ne!(
                ab, ba,
                "{a} and {b} read their shared recordings in the same order"
            );
        }
    }
}

#[test]
fn add_assigns_new_recordings_and_keeps_the_old_ones() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    put_recordings(dir.path(), 0..14);
    assert_eq!(init20(dir.path(), home.path(), "5").code, 0);
    let (_, before) = read(dir.path());
    let added = put_recordings(dir.path(), 14..20);
    let gone = study_common::rel_of(3);
    std::fs::remove_file(dir.path().join(&gone)).unwrap();
    let run = study(&["add", dir.path().to_str().unwrap()], home.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("6 new recordings"), "{}", run.stdout);
    assert!(
        run.stderr.contains(&gone) && run.stderr.contains("kept"),
        "the vanished recording is reported: {}",
        run.stderr
    );
    let (_, after) = read(dir.path());
    assert_eq!(
        after.recordings.len(),
        20,
        "the vanished recording stays listed"
    );
    for old in &before.recordings {
        assert_eq!(
            after.assignment_of(&old.path),
            Some(old),
            "{} changed",
            old.path
        );
    }
    for (reader, order) in &before.order {
        assert_eq!(
            &after.order[reader][..order.len()],
            &order[..],
            "{reader}'s order changed"
        );
    }
    for rel in &added {
        assert!(after.assignment_of(rel).is_some(), "{rel} not assigned");
    }
    assert_eq!(problems(&after), Vec::<String>::new());
    // Nothing new: nothing changes.
    let bytes = std::fs::read(dir.path().join("study.toml")).unwrap();
    let run = study(&["add", dir.path().to_str().unwrap()], home.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("0 new recordings"), "{}", run.stdout);
    assert_eq!(std::fs::read(dir.path().join("study.toml")).unwrap(), bytes);
}

trait AssignmentOf {
    fn assignment_of(&self, path: &str) -> Option<&sigmark::study::Assignment>;
}

impl AssignmentOf for StudyFile {
    fn assignment_of(&self, path: &str) -> Option<&sigmark::study::Assignment> {
        self.recordings.iter().find(|a| a.path == path)
    }
}

#[test]
fn rpm_and_keymap_files_give_their_critical_rows() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    put_recordings(dir.path(), 2..3);
    let d = dir.path().to_str().unwrap();
    let run = study(
        &["init", d, "--readers", "kim", "--reads", "1"],
        home.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (text, file) = read(dir.path());
    println!("{text}");
    assert_eq!(
        file.guideline.keymap, "rpm",
        "inferred from the monitoring channels"
    );
    let got: Vec<(String, Option<f64>)> = file
        .critical
        .iter()
        .map(|c| (c.label.clone(), c.below))
        .collect();
    assert_eq!(
        got,
        [
            ("Desaturation".to_string(), Some(85.0)),
            ("Apnea".to_string(), None)
        ]
    );
    assert!(run.stderr.contains("no QA reviewers"), "{}", run.stderr);

    let other = tempfile::tempdir().unwrap();
    put_recordings(other.path(), 0..1);
    let keymap = other.path().join("guideline.toml");
    std::fs::write(
        &keymap,
        "name = \"site\"\nversion = \"7\"\n[[label]]\nname = \"Torsades\"\nkey = \"t\"\nkind = \"interval\"\ncritical = true\n[[label]]\nname = \"Noise\"\nkey = \"n\"\n",
    )
    .unwrap();
    let o = other.path().to_str().unwrap();
    let run = study(
        &[
            "init",
            o,
            "--readers",
            "a,b",
            "--keymap",
            keymap.to_str().unwrap(),
        ],
        home.path(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, file) = read(other.path());
    assert_eq!(
        (
            file.guideline.keymap.as_str(),
            file.guideline.version.as_str()
        ),
        ("guideline.toml", "7"),
        "a keymap inside the study is named relative to it"
    );
    assert_eq!(file.critical.len(), 1);
    assert_eq!(file.critical[0].label, "Torsades");
}

#[test]
fn a_wfdb_record_is_one_recording_named_by_its_header() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    put_recordings(dir.path(), 0..1);
    let w = dir.path().join("w");
    std::fs::create_dir(&w).unwrap();
    std::fs::write(
        w.join("rec.hea"),
        "rec 1 250 10\nrec.dat 16 200 16 0 0 0 0 ECG\n",
    )
    .unwrap();
    std::fs::write(w.join("rec.dat"), [0u8; 20]).unwrap();
    let d = dir.path().to_str().unwrap();
    let run = study(&["init", d, "--readers", "a", "--reads", "1"], home.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let (_, file) = read(dir.path());
    let got: Vec<&str> = file.recordings.iter().map(|a| a.path.as_str()).collect();
    println!("{got:?}");
    assert_eq!(got, ["ecg/p00/rec00.edf", "w/rec.hea"]);
}

#[test]
fn bad_input_is_refused_with_status_2() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    put_recordings(dir.path(), 0..2);
    let empty = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let e = empty.path().to_str().unwrap();
    let file = dir.path().join(study_common::rel_of(0));
    let f = file.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![d, "--readers", "a,b", "--reads", "3"], "--reads 3"),
        (vec![d, "--readers", "a,b", "--reads", "0"], "--reads 0"),
        (vec![d, "--readers", ""], "reader name \"\""),
        (vec![d, "--readers", "a,,b"], "reader name \"\""),
        (vec![d, "--readers", "alice,bob,alice"], "given twice"),
        (vec![d, "--readers", "alice,Alice"], "given twice"),
        (vec![d, "--readers", "al/ice"], "letters, digits"),
        (
            vec![d, "--readers", "alice,consensus"],
            "sigmark writes itself",
        ),
        (
            vec![d, "--readers", "alice,bob", "--qa", "bob"],
            "own labels",
        ),
        (
            vec![d, "--readers", "alice,bob", "--qa", "dana,dana"],
            "given twice",
        ),
        (
            vec![d, "--readers", "a", "--reads", "1", "--kappa", "1.5"],
            "--kappa 1.5",
        ),
        (
            vec![d, "--readers", "a", "--reads", "1", "--keymap", "ekg"],
            "no such keymap",
        ),
        (vec![e, "--readers", "a", "--reads", "1"], "give --keymap"),
        (vec![f, "--readers", "a", "--reads", "1"], "not a directory"),
        (vec![d], "--readers"),
    ];
    for (args, want) in cases {
        let mut all = vec!["init"];
        all.extend(args.iter().copied());
        let run = study(&all, home.path());
        println!("{args:?} -> {} {}", run.code, run.stderr);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(want),
            "{args:?}: want {want:?} in {}",
            run.stderr
        );
        assert!(
            !dir.path().join("study.toml").exists(),
            "{args:?} wrote study.toml"
        );
    }
    let run = study(&["init", d, "--readers", "a,b", "--seed", "1"], home.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = study(&["init", d, "--readers", "a,b"], home.path());
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("study add"), "{}", run.stderr);
    let run = study(&["add", e], home.path());
    assert_ne!(run.code, 0, "add without a study.toml");
    assert!(run.stderr.contains("study.toml"), "{}", run.stderr);
}

fn paths(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("d{}/rec{i:03}.edf", i % 7)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn assignment_is_balanced_reproducible_and_extends(
        readers in 1usize..8,
        reads_pick in 0usize..8,
        n in 0usize..200,
        split in 0usize..200,
        seed in any::<u64>(),
    ) {
        let reads = 1 + reads_pick % readers;
        let split = split.min(n);
        let all = paths(0..n);
        let mut f = empty_study(readers, reads, seed);
        assign::extend(&mut f, &all).unwrap();
        prop_assert_eq!(problems(&f), Vec::<String>::new(), "{} readers, {} reads, {} recordings", readers, reads, n);
        prop_assert_eq!(f.recordings.len(), n);
        let mut again = empty_study(readers, reads, seed);
        assign::extend(&mut again, &all).unwrap();
        prop_assert_eq!(toml::to_string(&again).unwrap(), toml::to_string(&f).unwrap(), "same seed, other result");

        // In two rounds: the first round's assignment and orders survive the second.
        let mut grown = empty_study(readers, reads, seed);
        assign::extend(&mut grown, &all[..split]).unwrap();
        let first = grown.clone();
        assign::extend(&mut grown, &all[split..]).unwrap();
        prop_assert_eq!(problems(&grown), Vec::<String>::new());
        prop_assert_eq!(grown.recordings.len(), n);
        for old in &first.recordings {
            prop_assert_eq!(grown.assignment_of(&old.path), Some(old));
        }
        for (r, order) in &first.order {
            prop_assert_eq!(&grown.order[r][..order.len()], &order[..]);
        }
    }
}

#[test]
fn extend_refuses_what_it_cannot_assign() {
    let mut f = empty_study(2, 3, 1);
    let e = assign::extend(&mut f, &paths(0..1)).unwrap_err();
    println!("{e}");
    assert!(e.to_string().contains("at least 3 readers"));
    let mut f = empty_study(2, 1, 1);
    assign::extend(&mut f, &paths(0..3)).unwrap();
    let e = assign::extend(&mut f, &paths(2..4)).unwrap_err();
    println!("{e}");
    assert!(e.to_string().contains("already in the study"));
    assert_eq!(f.recordings.len(), 3, "a refused extend changes nothing");
}
