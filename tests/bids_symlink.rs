//! BIDS export never writes through a symbolic link planted inside --out (issue 11 item 13).
#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;

use common::cli::{Cli, Run};
use sigmark::annotations::store::table_text;
use sigmark::annotations::{Certainty, Event};

/// A tree with one recording (BIDS name `sub-ecgdemo/eeg/sub-ecgdemo_task-annotations`) and
/// one reader's table.
fn tree(root: &Path) {
    let dir = root.join("ecg");
    fs::create_dir_all(&dir).unwrap();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("recordings/demo_ecg.edf");
    fs::copy(demo, dir.join("demo.edf")).unwrap();
    let e = Event {
        onset: 1.0,
        duration: 0.0,
        label: "PVC".into(),
        certainty: Certainty::Definite,
        reader: "alice".into(),
        id: "a1".into(),
        ..Default::default()
    };
    fs::write(dir.join("demo.alice.events.tsv"), table_text(&[e])).unwrap();
}

fn export_bids(input: &Path, out: &Path) -> Run {
    Cli::new()
        .args(&[
            "export",
            input.to_str().unwrap(),
            "--format",
            "bids",
            "--out",
        ])
        .arg(out)
        .run()
}

fn listing(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn assert_refused(o: &Run, link: &Path, outside: &Path, before: &[String]) {
    let err = &o.stderr;
    let after = listing(outside);
    println!(
        "status {:?}, stderr {err:?}, outside before {before:?} after {after:?}",
        o.code
    );
    assert_eq!(o.code, 1, "the export fails");
    assert!(
        err.contains(link.to_str().unwrap()),
        "the error names the link"
    );
    assert!(
        err.contains("symbolic link"),
        "the error says what is wrong"
    );
    assert_eq!(after, before, "nothing is written outside --out");
}

#[test]
fn a_symlinked_directory_inside_out_is_refused() {
    let t = tempfile::tempdir().unwrap();
    tree(&t.path().join("in"));
    let (out, outside) = (t.path().join("out"), t.path().join("outside"));
    fs::create_dir_all(&out).unwrap();
    fs::create_dir_all(&outside).unwrap();
    let link = out.join("sub-ecgdemo");
    symlink(&outside, &link).unwrap();
    let o = export_bids(&t.path().join("in"), &out);
    assert_refused(&o, &link, &outside, &[]);
}

#[test]
fn a_symlinked_events_file_inside_out_is_refused() {
    let t = tempfile::tempdir().unwrap();
    tree(&t.path().join("in"));
    let (out, outside) = (t.path().join("out"), t.path().join("outside"));
    let eeg = out.join("sub-ecgdemo/eeg");
    fs::create_dir_all(&eeg).unwrap();
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("victim.tsv"), "keep me\n").unwrap();
    let link = eeg.join("sub-ecgdemo_task-annotations_events.tsv");
    symlink(outside.join("victim.tsv"), &link).unwrap();
    let o = export_bids(&t.path().join("in"), &out);
    assert_refused(&o, &link, &outside, &["victim.tsv".to_string()]);
    let victim = fs::read_to_string(outside.join("victim.tsv")).unwrap();
    assert_eq!(
        victim, "keep me\n",
        "the file the link points at is untouched"
    );
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_plain_out_still_gets_the_tree() {
    let t = tempfile::tempdir().unwrap();
    tree(&t.path().join("in"));
    let out = t.path().join("out");
    let o = export_bids(&t.path().join("in"), &out);
    println!("stderr {:?}", &o.stderr);
    assert!(o.success());
    assert!(out
        .join("sub-ecgdemo/eeg/sub-ecgdemo_task-annotations_events.tsv")
        .is_file());
}
