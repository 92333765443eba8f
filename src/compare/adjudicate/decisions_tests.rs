use super::*;
use crate::annotations::store::full_disk::Disk;

fn decision(key: &str) -> Decision {
    Decision {
        key: key.into(),
        decision: Verdict::A,
        adjudicator: "carol".into(),
        time: "t".into(),
        wrote: vec![format!("{key}-copy")],
    }
}

#[test]
fn a_failed_append_is_cut_back_and_the_next_one_starts_clean() {
    let disk = Disk::new(130);
    let path = PathBuf::from("x.consensus.decisions.jsonl");
    let mut log = DecisionLog {
        out: Appender::with_file(Box::new(disk.clone()), &path, 0),
        path,
        recovery: DecisionsRecovery::default(),
    };
    log.append(&decision("a1|b1")).unwrap();
    let first = disk.bytes.lock().unwrap().clone();
    let err = log.append(&decision("a2|b2")).unwrap_err();
    let after = disk.bytes.lock().unwrap().clone();
    println!("failed: {err}\nfile: {:?}", String::from_utf8_lossy(&after));
    assert_eq!(after, first, "the fragment is cut off");
    *disk.room.lock().unwrap() = 10_000;
    log.append(&decision("a3|b3")).unwrap();
    let bytes = disk.bytes.lock().unwrap().clone();
    let back = journal::parse_lines::<Decision>(&bytes);
    let keys: Vec<&str> = back.entries.iter().map(|d| d.key.as_str()).collect();
    println!("replayed {keys:?}, damaged {:?}", back.damaged);
    assert_eq!(keys, ["a1|b1", "a3|b3"]);
    assert!(back.damaged.is_empty() && !back.torn_line);
}

#[test]
fn a_decision_appended_onto_a_fragment_is_kept() {
    let whole = |k: &str| format!("{}\n", serde_json::to_string(&decision(k)).unwrap());
    let text = format!("{}{{\"key\":\"a2\",\"dec{}", whole("a1"), whole("a3"));
    let back = journal::parse_lines::<Decision>(text.as_bytes());
    let keys: Vec<&str> = back.entries.iter().map(|d| d.key.as_str()).collect();
    println!("{keys:?} {:?}", back.damaged);
    assert_eq!(keys, ["a1", "a3"]);
    assert_eq!(back.damaged.len(), 1);
    assert_eq!(back.damaged[0].line, 2);
    assert!(back.damaged[0].detail.contains("the decision on a3"));
}
