use super::*;
use crate::annotations::store::full_disk::Disk;

fn line(seq: u64) -> String {
    format!("{{\"seq\":{seq},\"time\":\"t\",\"reader\":\"r1\",\"action\":\"delete\",\"id\":\"e{seq}\",\"before\":null,\"after\":null}}\n")
}

#[test]
fn a_failed_append_leaves_no_fragment_for_the_next_one_to_join() {
    let first = line(1);
    let disk = Disk::new(first.len() + 10); // the second line fails after 10 bytes
    let mut app = Appender::with_file(Box::new(disk.clone()), Path::new("j.jsonl"), 0);
    app.append(first.as_bytes()).unwrap();
    let err = app.append(line(2).as_bytes()).unwrap_err();
    println!("failed append: {err}; file now {:?}", disk.text());
    assert_eq!(disk.text(), first, "the fragment is cut off");
    assert!(app.failure().is_some(), "the failure is remembered");
    *disk.room.lock().unwrap() = 10_000; // space freed
    app.append(line(2).as_bytes()).unwrap();
    assert!(app.failure().is_none(), "a good append clears the failure");
    let back = parse(disk.text().as_bytes());
    println!(
        "replayed {:?}",
        back.entries.iter().map(|e| e.seq).collect::<Vec<_>>()
    );
    assert_eq!(back.entries.len(), 2);
    assert!(back.damaged.is_empty() && !back.torn_line, "{back:?}");
}

#[test]
fn a_fragment_that_could_not_be_cut_is_cut_before_the_next_append() {
    let first = line(1);
    let disk = Disk::new(first.len() + 10);
    *disk.truncate_fails.lock().unwrap() = true;
    let mut app = Appender::with_file(Box::new(disk.clone()), Path::new("j.jsonl"), 0);
    app.append(first.as_bytes()).unwrap();
    app.append(line(2).as_bytes()).unwrap_err();
    println!("after a failed cut: {:?}", disk.text());
    assert_eq!(
        disk.text().len(),
        first.len() + 10,
        "the fragment is still there"
    );
    *disk.truncate_fails.lock().unwrap() = false;
    *disk.room.lock().unwrap() = 10_000;
    app.append(line(3).as_bytes()).unwrap();
    assert_eq!(disk.text(), format!("{first}{}", line(3)));
}

#[test]
fn a_joined_line_is_reported_and_its_intact_entry_kept() {
    let text = format!("{}{{\"seq\":2,\"time\"{}{}", line(1), line(2), line(3));
    let back = parse(text.as_bytes());
    let seqs: Vec<u64> = back.entries.iter().map(|e| e.seq).collect();
    println!("{seqs:?} {:?}", back.damaged);
    assert_eq!(seqs, vec![1, 2, 3]);
    assert_eq!(back.damaged.len(), 1);
    assert_eq!(back.damaged[0].line, 2);
    let clean = back.rewrite.clone().unwrap();
    assert_eq!(
        String::from_utf8(clean).unwrap(),
        format!("{}{}{}", line(1), line(2), line(3))
    );
}

#[test]
fn a_last_line_torn_at_any_byte_is_torn() {
    let mut text = line(1).into_bytes();
    let last = "{\"seq\":2,\"time\":\"t\",\"reader\":\"r1\",\"action\":\"add\",\"id\":\"é\",\"before\":null,\"after\":null}";
    for cut in 1..last.len() {
        let mut bytes = text.clone();
        bytes.extend_from_slice(&last.as_bytes()[..cut]);
        let back = parse(&bytes);
        assert!(
            back.torn_line && back.damaged.is_empty() && back.entries.len() == 1,
            "cut at byte {cut}: {back:?}"
        );
    }
    println!("{} cut points tried", last.len() - 1);
    text.extend_from_slice(b"\xff\xfe garbage\n");
    text.extend_from_slice(line(3).as_bytes());
    let back = parse(&text);
    println!("{:?}", back.damaged);
    assert_eq!(back.damaged.len(), 1);
    assert_eq!(back.damaged[0].line, 2);
    assert!(
        back.damaged[0].detail.contains("UTF-8"),
        "{:?}",
        back.damaged
    );
}

#[test]
fn impossible_sequence_numbers_are_damage() {
    let text = format!(
        "{}{}",
        line(0),
        line(u64::MAX).replace(&u64::MAX.to_string(), &(MAX_SEQ + 1).to_string())
    );
    let back = parse(text.as_bytes());
    println!("{:?}", back.damaged);
    assert_eq!(
        back.damaged.iter().map(|d| d.line).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert!(back.damaged[1].detail.contains("impossible"));
}

#[test]
fn an_old_line_without_provenance_reads_and_a_new_one_writes_only_what_is_known() {
    let old = parse(line(1).as_bytes());
    let e = &old.entries[0];
    println!("old line: {e:?}");
    assert_eq!(
        (&e.keymap, &e.keymap_version, &e.recording_sha256),
        (&None, &None, &None)
    );
    let mut new = e.clone();
    new.keymap_version = Some("1.2".into());
    let text = serde_json::to_string(&new).unwrap();
    println!("new line: {text}");
    assert!(text.contains("\"keymap_version\":\"1.2\""), "{text}");
    assert!(!text.contains("recording_sha256") && !text.contains("\"keymap\""));
    assert_eq!(parse(format!("{text}\n").as_bytes()).entries, vec![new]);
}
