//! A generated tree for the export benchmarks: `recordings` copies (hard links) of one tiny
//! EDF+ file in 100 subject folders, each with one reader's table of `events` events.

use std::fs;
use std::path::Path;

use sigmark::annotations::store::table_text;
use sigmark::annotations::{Certainty, Event};
use sigmark::formats::edf::writer::{self, FileSpec, Plus, SignalSpec};

/// Writes the tree under `root` unless a complete one is already there (`.complete` marker).
pub fn generate(root: &Path, recordings: usize, events: usize) -> std::io::Result<()> {
    let marker = root.join(format!(".complete-{recordings}-{events}"));
    if marker.is_file() {
        return Ok(());
    }
    fs::create_dir_all(root)?;
    let master = root.join(".master.edf");
    write_tiny_edf(&master)?;
    let labels = ["PVC", "PAC", "AF", "artifact", "noise"];
    for i in 0..recordings {
        let dir = root.join(format!("sub-{:03}", i % 100));
        fs::create_dir_all(&dir)?;
        let stem = format!("rec{i:05}");
        let rec = dir.join(format!("{stem}.edf"));
        if !rec.exists() {
            fs::hard_link(&master, &rec).or_else(|_| fs::copy(&master, &rec).map(|_| ()))?;
        }
        let table: Vec<Event> = (0..events)
            .map(|j| Event {
                onset: ((j * 7919 + i * 31) % 86_400) as f64 + 0.125,
                duration: if j % 3 == 0 { 0.0 } else { 2.5 },
                label: labels[j % labels.len()].to_string(),
                channel: String::new(),
                certainty: Certainty::Definite,
                note: if j % 10 == 0 {
                    "checked, see note".into()
                } else {
                    String::new()
                },
                reader: "alice".into(),
                id: format!("{i:05}{j:04}"),
                created: "2024-05-01T10:00:00.000Z".into(),
                modified: "2024-05-01T10:05:00.000Z".into(),
                ..Default::default()
            })
            .collect();
        fs::write(
            dir.join(format!("{stem}.alice.events.tsv")),
            table_text(&table),
        )?;
    }
    fs::write(marker, b"")
}

fn write_tiny_edf(path: &Path) -> std::io::Result<()> {
    let start = chrono::NaiveDate::from_ymd_opt(2024, 3, 15)
        .and_then(|d| d.and_hms_opt(9, 30, 0))
        .ok_or_else(|| std::io::Error::other("bad date"))?;
    let spec = FileSpec {
        bdf: false,
        plus: Some(Plus::Continuous),
        patient: "X X X X".into(),
        recording: "Startdate 15-MAR-2024 X X X".into(),
        start,
        start_offset_100ns: 0,
        records: 2,
        record_duration_100ns: 10_000_000,
        record_onsets_100ns: Vec::new(),
        signals: vec![SignalSpec {
            label: "ECG".into(),
            transducer: String::new(),
            unit: "mV".into(),
            physical_min: -5.0,
            physical_max: 5.0,
            digital_min: -32768,
            digital_max: 32767,
            prefilter: String::new(),
            samples_per_record: 16,
        }],
        annotations: Vec::new(),
    };
    let f = std::io::BufWriter::new(fs::File::create(path)?);
    writer::write(f, &spec, |_, bufs| {
        for b in bufs {
            b.fill(0);
        }
    })
}
