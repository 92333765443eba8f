//! `export --merge` on corrupt shards: a clear error naming the shard, exit status 1, no
//! partial output, never a panic (issue 11 item 21; tests/data/merge_bad are its reproducers).

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::cli::sigmark;
use proptest::prelude::*;
use sigmark::annotations::store::table_text;
use sigmark::annotations::{Certainty, Event};

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The files of `dir` other than `keep` (a partial output or a temporary file left behind).
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn corrupt_parquet_shards_are_named_not_panicked_on() {
    for (bad, why) in [
        ("bad_shard.parquet", "Type NONE"),
        ("bad_shard_vlq.parquet", "VLQ"),
    ] {
        let t = tempfile::tempdir().unwrap();
        for f in [bad, "good_shard.parquet"] {
            fs::copy(repo(&format!("tests/data/merge_bad/{f}")), t.path().join(f)).unwrap();
        }
        let p = |f: &str| t.path().join(f).to_str().unwrap().to_string();
        let o = sigmark(&[
            "export",
            "--merge",
            &p(bad),
            &p("good_shard.parquet"),
            "--out",
            &p("merged.parquet"),
        ]);
        let err = &o.stderr;
        println!("{bad} ({why}): status {:?}, stderr {err:?}", o.code);
        assert_eq!(o.code, 1, "{bad}: exit status");
        assert!(err.contains(bad), "{bad}: the error names the shard");
        assert!(err.contains("corrupt Parquet"), "{bad}: says what is wrong");
        assert!(!err.contains("panicked"), "{bad}: no raw panic message");
        assert_eq!(err.lines().count(), 1, "{bad}: one line of error");
        let left = leftovers(t.path(), &[bad, "good_shard.parquet"]);
        assert!(left.is_empty(), "{bad}: partial output left: {left:?}");
    }
}

fn event(onset: f64, label: &str, reader: &str) -> Event {
    Event {
        onset,
        duration: 1.0,
        label: label.into(),
        channel: String::new(),
        certainty: Certainty::Definite,
        note: "a \"note\", with\ttab".into(),
        reader: reader.into(),
        id: format!("{reader}-{onset}"),
        created: "2024-05-01T10:00:00.000Z".into(),
        modified: "2024-05-01T10:00:01.500Z".into(),
        ..Default::default()
    }
}

const EXTS: [&str; 4] = ["csv", "tsv", "jsonl", "parquet"];

/// Two shards per layout, exported once from two trees holding different recordings:
/// (directory, [(shard a, shard b); 4]).
fn shards() -> &'static (tempfile::TempDir, Vec<(PathBuf, PathBuf)>) {
    static SHARDS: OnceLock<(tempfile::TempDir, Vec<(PathBuf, PathBuf)>)> = OnceLock::new();
    SHARDS.get_or_init(|| {
        let t = tempfile::tempdir().unwrap();
        for stem in ["a", "b"] {
            let dir = t.path().join(format!("tree-{stem}"));
            fs::create_dir_all(&dir).unwrap();
            fs::copy(
                repo("recordings/demo_ecg.edf"),
                dir.join(format!("{stem}.edf")),
            )
            .unwrap();
            let events: Vec<Event> = (0..20)
                .map(|i| {
                    event(
                        f64::from(i) * 1.5,
                        ["PVC", "AF", "N"][i as usize % 3],
                        "alice",
                    )
                })
                .collect();
            fs::write(
                dir.join(format!("{stem}.alice.events.tsv")),
                table_text(&events),
            )
            .unwrap();
        }
        let pairs = EXTS
            .iter()
            .map(|ext| {
                let out = |stem: &str| {
                    let o = t.path().join(format!("{stem}.{ext}"));
                    let tree = t.path().join(format!("tree-{stem}"));
                    let r = sigmark(&[
                        "export",
                        tree.to_str().unwrap(),
                        "--out",
                        o.to_str().unwrap(),
                    ]);
                    assert!(r.success(), "{}", &r.stderr);
                    o
                };
                (out("a"), out("b"))
            })
            .collect();
        (t, pairs)
    })
}

/// A shard with some bytes overwritten, some removed or the end cut off.
fn mutate(bytes: &[u8], edits: &[(usize, u8, u8)], cut: Option<usize>) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for &(at, kind, value) in edits {
        if b.is_empty() {
            break;
        }
        let i = at % b.len();
        match kind % 4 {
            0 | 1 => b[i] = value,
            2 => b[i] ^= 1 << (value % 8),
            _ => {
                b.remove(i);
            }
        }
    }
    if let Some(c) = cut {
        b.truncate(c % (b.len() + 1));
    }
    b
}

/// Merges a mutated shard A with the intact shard B: succeeds, or fails naming A (or B when
/// the fault is their overlap), leaving no output.
fn check(
    layout: usize,
    edits: &[(usize, u8, u8)],
    cut: Option<usize>,
) -> Result<(), TestCaseError> {
    let (_, pairs) = shards();
    let (a, b) = &pairs[layout];
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join(a.file_name().unwrap());
    fs::write(&bad, mutate(&fs::read(a).unwrap(), edits, cut)).unwrap();
    let out = dir.path().join(format!("merged.{}", EXTS[layout]));
    match sigmark::export::shard::merge(&[bad.clone(), b.clone()], &out) {
        Ok(_) => prop_assert!(out.is_file(), "merge succeeded but wrote nothing"),
        Err(e) => {
            let msg = e.to_string();
            let names = msg.contains(bad.to_str().unwrap());
            prop_assert!(
                names,
                "{} error does not name the shard: {msg}",
                EXTS[layout]
            );
            let left = leftovers(dir.path(), &[bad.file_name().unwrap().to_str().unwrap()]);
            prop_assert!(left.is_empty(), "partial output left: {left:?} after {msg}");
        }
    }
    Ok(())
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn merge_of_a_mutated_csv_shard_never_panics(e in edits(), cut in prop::option::weighted(0.2, any::<usize>())) {
        check(0, &e, cut)?;
    }

    #[test]
    fn merge_of_a_mutated_tsv_shard_never_panics(e in edits(), cut in prop::option::weighted(0.2, any::<usize>())) {
        check(1, &e, cut)?;
    }

    #[test]
    fn merge_of_a_mutated_jsonl_shard_never_panics(e in edits(), cut in prop::option::weighted(0.2, any::<usize>())) {
        check(2, &e, cut)?;
    }

    #[test]
    fn merge_of_a_mutated_parquet_shard_never_panics(e in edits(), cut in prop::option::weighted(0.2, any::<usize>())) {
        check(3, &e, cut)?;
    }
}
