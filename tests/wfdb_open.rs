//! WFDB records built in a temporary directory: opened by record name or by any of their
//! files, checksums verified, a signal file shorter than the header says, a record without a
//! length counted from its file each time it is opened, and header errors naming the line.

use std::path::{Path, PathBuf};

fn write_dat16(path: &Path, values: &[i16]) {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap();
}

/// Two signals interleaved in `r.dat` (format 16), 100 frames: a(i) = i, b(i) = -2i.
fn record(dir: &Path, header: &str) -> PathBuf {
    let mut v = Vec::new();
    for i in 0..100i16 {
        v.push(i);
        v.push(-2 * i);
    }
    write_dat16(&dir.join("r.dat"), &v);
    let hea = dir.join("r.hea");
    std::fs::write(&hea, header).unwrap();
    hea
}

/// Checksums of the record above: sum of i over 0..100 = 4950, of -2i = -9900.
const HEADER: &str =
    "r 2 100 100\nr.dat 16 10(5)/mV 16 0 0 4950 0 lead a\nr.dat 16 20/uV 16 0 0 -9900 0 lead b\n";

#[test]
fn opens_by_record_name_header_or_signal_file() {
    let d = tempfile::tempdir().unwrap();
    record(d.path(), HEADER);
    std::fs::write(d.path().join("unrelated.hea"), "other 1 250\nx.dat 16\n").unwrap();
    for name in ["r", "r.hea", "r.dat"] {
        let rec = sigmark::open(d.path().join(name)).unwrap();
        println!(
            "{name}: {} channels, format {}",
            rec.channels.len(),
            rec.format
        );
        assert_eq!(rec.format.name(), "WFDB");
        assert_eq!(rec.channels[0].label, "lead a");
        assert_eq!(rec.channels[1].unit, "uV");
        assert_eq!(rec.channels[0].samples, 100);
        // physical = (d - baseline) / gain
        let v = rec.read_samples(0, 10, 2).unwrap();
        assert_eq!(v, vec![(10.0 - 5.0) / 10.0, (11.0 - 5.0) / 10.0]);
        let w = rec.read_samples(1, 99, 1).unwrap();
        assert_eq!(w, vec![-198.0 / 20.0]);
        assert!(rec.verify().is_empty(), "{:?}", rec.verify());
    }
}

#[test]
fn a_signal_file_named_by_another_header_is_found_by_its_signal_lines() {
    let d = tempfile::tempdir().unwrap();
    record(d.path(), &HEADER.replace("r.dat", "shared.xyz"));
    std::fs::rename(d.path().join("r.dat"), d.path().join("shared.xyz")).unwrap();
    let rec = sigmark::open(d.path().join("shared.xyz")).unwrap();
    println!("opened {}", rec.path.display());
    assert!(rec.path.ends_with("r.hea"));
}

#[test]
fn a_checksum_mismatch_is_stated_in_the_notes() {
    let d = tempfile::tempdir().unwrap();
    let hea = record(d.path(), &HEADER.replace(" 4950 ", " 4951 "));
    let rec = sigmark::open(&hea).unwrap();
    let notes = rec.verify();
    println!("{notes:?}");
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains("\"lead a\"") && notes[0].contains("4951") && notes[0].contains("4950")
    );
}

#[test]
fn a_signal_file_shorter_than_the_header_says_reads_the_frames_present_with_a_note() {
    let d = tempfile::tempdir().unwrap();
    let hea = record(d.path(), &HEADER.replace("r 2 100 100", "r 2 100 150"));
    let rec = sigmark::open(&hea).unwrap();
    println!("{:?}", rec.notes);
    assert_eq!(rec.channels[0].samples, 100);
    assert!(rec
        .notes
        .iter()
        .any(|n| n.contains("150 frames") && n.contains("hold 100")));
}

#[test]
fn a_record_without_a_length_counts_complete_frames_at_each_open() {
    let d = tempfile::tempdir().unwrap();
    let hea = record(d.path(), &HEADER.replace("r 2 100 100", "r 2 100"));
    assert_eq!(sigmark::open(&hea).unwrap().channels[0].samples, 100);
    // A writer appends one frame and half of the next: only the complete frame counts.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(d.path().join("r.dat"))
        .unwrap();
    std::io::Write::write_all(&mut f, &[1, 0, 2, 0, 3]).unwrap();
    drop(f);
    let rec = sigmark::open(&hea).unwrap();
    println!(
        "after append: {} frames; {:?}",
        rec.channels[0].samples, rec.notes
    );
    assert_eq!(rec.channels[0].samples, 101);
    assert!(rec
        .notes
        .iter()
        .any(|n| n.contains("no length: 101 complete frames, counted from the signal file")));
    assert_eq!(rec.read_digital(1, 100, 1).unwrap(), Some(vec![2]));
}

#[test]
fn header_errors_name_file_line_field_and_what_was_expected() {
    let d = tempfile::tempdir().unwrap();
    let cases = [
        ("r 2 100 100\nr.dat 16 10\n", "line 3", "2 signal lines"),
        (
            "r 2 100 100\nr.dat 16\n\nr.dat 999\n",
            "line 4",
            "a signal format sigmark reads",
        ),
        ("r 2 1x0 100\nr.dat 16\nr.dat 16\n", "line 1", "'fs'"),
        ("r 1 100 100 25:00:00\nr.dat 16\n", "line 1", "'base_time'"),
        ("r 1 100\nr.dat 212 200(x)/mV\n", "line 2", "'baseline'"),
        (
            "r 2 100\nr.dat 16\nr.dat 212\n",
            "line 3",
            "format 16 like the file's first signal",
        ),
    ];
    for (text, line, what) in cases {
        record(d.path(), text);
        let e = sigmark::formats::wfdb::open(&d.path().join("r.hea"), &Default::default())
            .map(|_| ())
            .unwrap_err()
            .to_string();
        println!("{e}");
        assert!(
            e.contains("r.hea") && e.contains(line) && e.contains(what),
            "{text:?}: {e}"
        );
    }
}
